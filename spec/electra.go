package spec

import (
	"math/bits"
	"runtime"
	"slices"
	"sync"

	"github.com/quetzal-eth/quetzal/spec/bls"
)

// What electra beacon-chain.md and fork.md add or change (EIP-6110,
// EIP-7002, EIP-7251, EIP-7549).

// g2PointAtInfinity is G2_POINT_AT_INFINITY: the signature placeholder of
// the pending deposits that the state queues itself (excess balances,
// validators not yet active at the fork), which are never verified.
var g2PointAtInfinity = BLSSignature{0xc0}

// validatorIndexOfPubkey is validator_pubkeys.index(pubkey): the first
// validator with pubkey, and whether there is one. With the state's caches
// it is a lookup in the pubkey index, without them a scan of the registry.
func validatorIndexOfPubkey(st *BeaconState, pubkey BLSPubkey) (ValidatorIndex, bool) {
	return (*Spec)(nil).ValidatorIndexByPubkey(st, pubkey)
}

// --- Churn (EIP-7251) ---

// GetBalanceChurnLimit is get_balance_churn_limit (electra beacon-chain.md):
// the churn of the epoch in Gwei, a whole number of effective balance
// increments.
func (s *Spec) GetBalanceChurnLimit(st *BeaconState) Gwei {
	churn := max(s.MinPerEpochChurnLimitElectra, s.GetTotalActiveBalance(st)/Gwei(s.ChurnLimitQuotient))
	return churn - churn%s.EffectiveBalanceIncrement
}

// GetActivationExitChurnLimit is get_activation_exit_churn_limit (electra
// beacon-chain.md): the part of the balance churn that activations and exits
// share.
func (s *Spec) GetActivationExitChurnLimit(st *BeaconState) Gwei {
	return min(s.MaxPerEpochActivationExitChurnLimit, s.GetBalanceChurnLimit(st))
}

// GetConsolidationChurnLimit is get_consolidation_churn_limit (electra
// beacon-chain.md): what is left of the balance churn for consolidations.
func (s *Spec) GetConsolidationChurnLimit(st *BeaconState) Gwei {
	return s.GetBalanceChurnLimit(st) - s.GetActivationExitChurnLimit(st)
}

// ComputeExitEpochAndUpdateChurn is compute_exit_epoch_and_update_churn
// (electra beacon-chain.md): the first epoch whose exit churn has room for
// exitBalance, which it consumes.
func (s *Spec) ComputeExitEpochAndUpdateChurn(st *BeaconState, exitBalance Gwei) Epoch {
	return s.computeExitEpochAndUpdateChurn(st, exitBalance, s.GetCurrentEpoch(st), s.GetActivationExitChurnLimit(st))
}

// computeExitEpochAndUpdateChurn is compute_exit_epoch_and_update_churn
// with the current epoch and get_activation_exit_churn_limit given, so
// that epoch processing computes the churn limit once for all its exits.
func (s *Spec) computeExitEpochAndUpdateChurn(st *BeaconState, exitBalance Gwei, currentEpoch Epoch, perEpochChurn Gwei) Epoch {
	earliestExitEpoch := max(st.EarliestExitEpoch, s.ComputeActivationExitEpoch(currentEpoch))
	// The churn of an epoch that no exit has used yet is whole.
	balanceToConsume := st.ExitBalanceToConsume
	if st.EarliestExitEpoch < earliestExitEpoch {
		balanceToConsume = perEpochChurn
	}
	if exitBalance > balanceToConsume {
		additionalEpochs := (exitBalance-balanceToConsume-1)/perEpochChurn + 1
		earliestExitEpoch += Epoch(additionalEpochs)
		balanceToConsume += additionalEpochs * perEpochChurn
	}
	st.ExitBalanceToConsume = balanceToConsume - exitBalance
	st.EarliestExitEpoch = earliestExitEpoch
	return st.EarliestExitEpoch
}

// ComputeConsolidationEpochAndUpdateChurn is
// compute_consolidation_epoch_and_update_churn (electra beacon-chain.md):
// like ComputeExitEpochAndUpdateChurn, with the consolidation churn. The
// caller makes sure that churn is not zero (process_consolidation_request
// ignores requests when it is at most MIN_ACTIVATION_BALANCE).
func (s *Spec) ComputeConsolidationEpochAndUpdateChurn(st *BeaconState, consolidationBalance Gwei) Epoch {
	earliestEpoch := max(st.EarliestConsolidationEpoch, s.ComputeActivationExitEpoch(s.GetCurrentEpoch(st)))
	perEpochChurn := s.GetConsolidationChurnLimit(st)
	balanceToConsume := st.ConsolidationBalanceToConsume
	if st.EarliestConsolidationEpoch < earliestEpoch {
		balanceToConsume = perEpochChurn
	}
	if consolidationBalance > balanceToConsume {
		additionalEpochs := (consolidationBalance-balanceToConsume-1)/perEpochChurn + 1
		earliestEpoch += Epoch(additionalEpochs)
		balanceToConsume += additionalEpochs * perEpochChurn
	}
	st.ConsolidationBalanceToConsume = balanceToConsume - consolidationBalance
	st.EarliestConsolidationEpoch = earliestEpoch
	return st.EarliestConsolidationEpoch
}

// --- Compounding credentials (EIP-7251) ---

// SwitchToCompoundingValidator is switch_to_compounding_validator (electra
// beacon-chain.md): the credentials become 0x02 (keeping the address) and
// the balance above MIN_ACTIVATION_BALANCE goes through the activation churn
// again.
func (s *Spec) SwitchToCompoundingValidator(st *BeaconState, index ValidatorIndex) {
	st.touchValidator(index)
	st.Validators[index].WithdrawalCredentials[0] = CompoundingWithdrawalPrefix
	s.QueueExcessActiveBalance(st, index)
}

// QueueExcessActiveBalance is queue_excess_active_balance (electra
// beacon-chain.md): the balance above MIN_ACTIVATION_BALANCE leaves the
// validator and is queued as a pending deposit, so that it is metered by the
// churn like a deposit.
func (s *Spec) QueueExcessActiveBalance(st *BeaconState, index ValidatorIndex) {
	balance := st.Balances[index]
	if balance <= s.MinActivationBalance {
		return
	}
	st.touchBalance(index)
	st.Balances[index] = s.MinActivationBalance
	v := &st.Validators[index]
	// GENESIS_SLOT tells it from a deposit request, which is not applied
	// before it is finalized.
	st.PendingDeposits = append(st.PendingDeposits, PendingDeposit{
		Pubkey:                v.Pubkey,
		WithdrawalCredentials: v.WithdrawalCredentials,
		Amount:                balance - s.MinActivationBalance,
		Signature:             g2PointAtInfinity,
		Slot:                  GenesisSlot,
	})
}

// --- Deposits (EIP-6110, EIP-7251) ---

// depositSigningRoot is the signing root of a deposit's DepositMessage
// under DOMAIN_DEPOSIT with the genesis fork version and no validators
// root: deposits are valid on every fork.
func (s *Spec) depositSigningRoot(pubkey BLSPubkey, credentials Root, amount Gwei) (Root, error) {
	msg := DepositMessage{Pubkey: pubkey, WithdrawalCredentials: credentials, Amount: amount}
	root, err := HashTreeRoot(s.Schema(Phase0), &msg)
	if err != nil {
		return Root{}, err
	}
	return ComputeSigningRoot(root, ComputeDomain(DomainDeposit, s.GenesisForkVersion, Root{})), nil
}

// IsValidDepositSignature is is_valid_deposit_signature (electra
// beacon-chain.md): the deposit's proof of possession, which the deposit
// contract does not check. It always verifies the signature.
func (s *Spec) IsValidDepositSignature(pubkey BLSPubkey, credentials Root, amount Gwei, signature BLSSignature) bool {
	root, err := s.depositSigningRoot(pubkey, credentials, amount)
	if err != nil {
		return false
	}
	return bls.Verify(bls.Pubkey(pubkey), root, bls.Signature(signature))
}

// applyDepositElectra is apply_deposit as electra beacon-chain.md modifies
// it: a new pubkey with a valid signature gets a validator with a zero
// balance, and the amount (also of a top-up) is queued as a pending deposit,
// to be applied within the activation churn. The signature is checked as
// t.Signatures says, but at once: a bad one skips the deposit, it does not
// make the block invalid.
func (t *Transition) applyDepositElectra(st *BeaconState, pubkey BLSPubkey, credentials Root, amount Gwei, signature BLSSignature) error {
	if _, ok := validatorIndexOfPubkey(st, pubkey); !ok {
		root, err := t.depositSigningRoot(pubkey, credentials, amount)
		if err != nil {
			return err
		}
		if !t.verifyNow(pubkey, root, signature) {
			return nil
		}
		t.AddValidatorToRegistry(st, pubkey, credentials, 0)
	}
	// GENESIS_SLOT tells it from a deposit request.
	st.PendingDeposits = append(st.PendingDeposits, PendingDeposit{
		Pubkey:                pubkey,
		WithdrawalCredentials: credentials,
		Amount:                amount,
		Signature:             signature,
		Slot:                  GenesisSlot,
	})
	return nil
}

// ApplyPendingDeposit is apply_pending_deposit (electra beacon-chain.md): a
// top-up, or a new validator if the signature is valid (otherwise the
// deposit is lost).
func (s *Spec) ApplyPendingDeposit(st *BeaconState, d *PendingDeposit) {
	if index, ok := validatorIndexOfPubkey(st, d.Pubkey); ok {
		IncreaseBalance(st, index, d.Amount)
		return
	}
	if s.IsValidDepositSignature(d.Pubkey, d.WithdrawalCredentials, d.Amount, d.Signature) {
		s.AddValidatorToRegistry(st, d.Pubkey, d.WithdrawalCredentials, d.Amount)
	}
}

// ProcessPendingDeposits is process_pending_deposits (electra
// beacon-chain.md): apply the queued deposits in order, as far as the
// activation churn (with what previous epochs left of it) and
// MAX_PENDING_DEPOSITS_PER_EPOCH allow; deposit requests wait until they are
// finalized and until the eth1 bridge deposits are all in; deposits to
// exiting validators wait, at the end of the queue, until they are
// withdrawable.
//
// It is a *Spec method, so the signatures of new validators' deposits are
// always verified.
func (s *Spec) ProcessPendingDeposits(st *BeaconState) error {
	fork := s.StateFork(st)
	nextEpoch := s.GetCurrentEpoch(st) + 1
	available := st.DepositBalanceToConsume + s.GetActivationExitChurnLimit(st)
	var processed Gwei
	next := 0
	var postponed []PendingDeposit
	churnLimitReached := false
	finalizedSlot := s.ComputeStartSlotAtEpoch(st.FinalizedCheckpoint.Epoch)

queue:
	for i := range st.PendingDeposits {
		d := &st.PendingDeposits[i]
		// Deposit requests wait for the eth1 bridge deposits before them;
		// fulu has no bridge deposits left and drops the check.
		if fork < Fulu && d.Slot > GenesisSlot && st.Eth1DepositIndex < st.DepositRequestsStartIndex {
			break
		}
		if d.Slot > finalizedSlot || uint64(next) >= s.MaxPendingDepositsPerEpoch {
			break
		}
		exited, withdrawn := false, false
		if index, ok := validatorIndexOfPubkey(st, d.Pubkey); ok {
			v := &st.Validators[index]
			exited = v.ExitEpoch < FarFutureEpoch
			withdrawn = v.WithdrawableEpoch < nextEpoch
		}
		switch {
		case withdrawn:
			// The balance will never be active: it needs no churn.
			s.ApplyPendingDeposit(st, d)
		case exited:
			postponed = append(postponed, *d)
		default:
			// processed+amount > available, without overflowing:
			// processed never exceeds available.
			churnLimitReached = d.Amount > available-processed
			if churnLimitReached {
				break queue
			}
			processed += d.Amount
			s.ApplyPendingDeposit(st, d)
		}
		next++
	}

	st.PendingDeposits = append(slices.Clone(st.PendingDeposits[next:]), postponed...)
	// The churn left over accumulates only while deposits wait for it.
	if churnLimitReached {
		st.DepositBalanceToConsume = available - processed
	} else {
		st.DepositBalanceToConsume = 0
	}
	return nil
}

// ProcessDepositRequest is process_deposit_request (electra
// beacon-chain.md): the first request fixes where the eth1 bridge deposits
// end; every request is queued with the slot of its block.
func (t *Transition) ProcessDepositRequest(st *BeaconState, r *DepositRequest) error {
	// Fulu no longer records where deposit requests start: the eth1
	// bridge is gone (fulu beacon-chain.md, process_deposit_request).
	if t.StateFork(st) < Fulu && st.DepositRequestsStartIndex == UnsetDepositRequestsStartIndex {
		st.DepositRequestsStartIndex = r.Index
	}
	st.PendingDeposits = append(st.PendingDeposits, PendingDeposit{
		Pubkey:                r.Pubkey,
		WithdrawalCredentials: r.WithdrawalCredentials,
		Amount:                r.Amount,
		Signature:             r.Signature,
		Slot:                  st.Slot,
	})
	return nil
}

// --- Consolidations (EIP-7251) ---

// ProcessPendingConsolidations is process_pending_consolidations (electra
// beacon-chain.md): move the effective balance of each source that has
// become withdrawable to its target, in order; slashed sources are dropped.
func (s *Spec) ProcessPendingConsolidations(st *BeaconState) error {
	nextEpoch := s.GetCurrentEpoch(st) + 1
	next := 0
	for _, pc := range st.PendingConsolidations {
		if err := checkValidatorIndex(st, pc.SourceIndex); err != nil {
			return err
		}
		source := &st.Validators[pc.SourceIndex]
		if source.Slashed {
			next++
			continue
		}
		if source.WithdrawableEpoch > nextEpoch {
			break
		}
		// What is above the effective balance stays, to be withdrawn.
		amount := min(st.Balances[pc.SourceIndex], source.EffectiveBalance)
		if err := checkValidatorIndex(st, pc.TargetIndex); err != nil {
			return err
		}
		DecreaseBalance(st, pc.SourceIndex, amount)
		IncreaseBalance(st, pc.TargetIndex, amount)
		next++
	}
	st.PendingConsolidations = slices.Clone(st.PendingConsolidations[next:])
	return nil
}

// IsValidSwitchToCompoundingRequest is
// is_valid_switch_to_compounding_request (electra beacon-chain.md): a
// consolidation request from a validator to itself, authorised by its 0x01
// address, while it is active and not exiting.
func (s *Spec) IsValidSwitchToCompoundingRequest(st *BeaconState, r *ConsolidationRequest) bool {
	if r.SourcePubkey != r.TargetPubkey {
		return false
	}
	index, ok := validatorIndexOfPubkey(st, r.SourcePubkey)
	if !ok {
		return false
	}
	v := &st.Validators[index]
	if ExecutionAddress(v.WithdrawalCredentials[12:]) != r.SourceAddress {
		return false
	}
	if !HasEth1WithdrawalCredential(v) {
		return false
	}
	if !IsActiveValidator(v, s.GetCurrentEpoch(st)) {
		return false
	}
	return v.ExitEpoch == FarFutureEpoch
}

// ProcessConsolidationRequest is process_consolidation_request (electra
// beacon-chain.md): either a switch to compounding credentials, or the exit
// of the source (metered by the consolidation churn) with a pending
// consolidation into the target. A request that does not qualify is ignored,
// not invalid: the execution layer cannot check it.
func (t *Transition) ProcessConsolidationRequest(st *BeaconState, r *ConsolidationRequest) error {
	if t.IsValidSwitchToCompoundingRequest(st, r) {
		index, _ := validatorIndexOfPubkey(st, r.SourcePubkey)
		t.SwitchToCompoundingValidator(st, index)
		return nil
	}
	// A consolidation into itself would be an exit.
	if r.SourcePubkey == r.TargetPubkey {
		return nil
	}
	if uint64(len(st.PendingConsolidations)) == t.PendingConsolidationsLimit {
		return nil
	}
	if t.GetConsolidationChurnLimit(st) <= t.MinActivationBalance {
		return nil
	}
	sourceIndex, ok := validatorIndexOfPubkey(st, r.SourcePubkey)
	if !ok {
		return nil
	}
	targetIndex, ok := validatorIndexOfPubkey(st, r.TargetPubkey)
	if !ok {
		return nil
	}
	source, target := &st.Validators[sourceIndex], &st.Validators[targetIndex]
	if !HasExecutionWithdrawalCredential(source) || ExecutionAddress(source.WithdrawalCredentials[12:]) != r.SourceAddress {
		return nil
	}
	if !HasCompoundingWithdrawalCredential(target) {
		return nil
	}
	currentEpoch := t.GetCurrentEpoch(st)
	if !IsActiveValidator(source, currentEpoch) || !IsActiveValidator(target, currentEpoch) {
		return nil
	}
	if source.ExitEpoch != FarFutureEpoch || target.ExitEpoch != FarFutureEpoch {
		return nil
	}
	// The source is active, so its activation epoch is not far in the
	// future and the sum does not overflow.
	if currentEpoch < source.ActivationEpoch+t.ShardCommitteePeriod {
		return nil
	}
	if GetPendingBalanceToWithdraw(st, sourceIndex) > 0 {
		return nil
	}

	exitEpoch := t.ComputeConsolidationEpochAndUpdateChurn(st, source.EffectiveBalance)
	withdrawable, overflow := bits.Add64(uint64(exitEpoch), uint64(t.MinValidatorWithdrawabilityDelay), 0)
	if overflow != 0 {
		return invalidf("withdrawable epoch of consolidation source %d overflows", sourceIndex)
	}
	st.touchValidator(sourceIndex)
	source.ExitEpoch = exitEpoch
	source.WithdrawableEpoch = Epoch(withdrawable)
	st.PendingConsolidations = append(st.PendingConsolidations, PendingConsolidation{SourceIndex: sourceIndex, TargetIndex: targetIndex})
	return nil
}

// --- Withdrawal requests (EIP-7002) ---

// ProcessWithdrawalRequest is process_withdrawal_request (electra
// beacon-chain.md): a full exit, or a partial withdrawal of a compounding
// validator's balance above MIN_ACTIVATION_BALANCE (metered by the exit
// churn), asked for by the validator's execution address. A request that
// does not qualify is ignored, not invalid.
func (t *Transition) ProcessWithdrawalRequest(st *BeaconState, r *WithdrawalRequest) error {
	amount := r.Amount
	isFullExit := amount == FullExitRequestAmount
	// With the partial withdrawal queue full, only full exits go through.
	if uint64(len(st.PendingPartialWithdrawals)) == t.PendingPartialWithdrawalsLimit && !isFullExit {
		return nil
	}
	index, ok := validatorIndexOfPubkey(st, r.ValidatorPubkey)
	if !ok {
		return nil
	}
	v := &st.Validators[index]
	if !HasExecutionWithdrawalCredential(v) || ExecutionAddress(v.WithdrawalCredentials[12:]) != r.SourceAddress {
		return nil
	}
	currentEpoch := t.GetCurrentEpoch(st)
	if !IsActiveValidator(v, currentEpoch) {
		return nil
	}
	if v.ExitEpoch != FarFutureEpoch {
		return nil
	}
	// v is active, so the sum does not overflow.
	if currentEpoch < v.ActivationEpoch+t.ShardCommitteePeriod {
		return nil
	}

	pending := GetPendingBalanceToWithdraw(st, index)
	if isFullExit {
		// A validator with partial withdrawals queued cannot exit yet.
		if pending == 0 {
			return t.InitiateValidatorExit(st, index)
		}
		return nil
	}

	balance := st.Balances[index]
	hasSufficientEffectiveBalance := v.EffectiveBalance >= t.MinActivationBalance
	// balance > MIN_ACTIVATION_BALANCE + pending, without overflowing.
	hasExcessBalance := balance > t.MinActivationBalance && balance-t.MinActivationBalance > pending
	if !HasCompoundingWithdrawalCredential(v) || !hasSufficientEffectiveBalance || !hasExcessBalance {
		return nil
	}
	toWithdraw := min(balance-t.MinActivationBalance-pending, amount)
	exitQueueEpoch := t.ComputeExitEpochAndUpdateChurn(st, toWithdraw)
	withdrawable, overflow := bits.Add64(uint64(exitQueueEpoch), uint64(t.MinValidatorWithdrawabilityDelay), 0)
	if overflow != 0 {
		return invalidf("withdrawable epoch of partial withdrawal of validator %d overflows", index)
	}
	st.PendingPartialWithdrawals = append(st.PendingPartialWithdrawals, PendingPartialWithdrawal{
		ValidatorIndex:    index,
		Amount:            toWithdraw,
		WithdrawableEpoch: Epoch(withdrawable),
	})
	return nil
}

// --- Attestations (EIP-7549) ---

// processAttestationElectra is process_attestation as electra
// beacon-chain.md modifies it: the attestation names its committees with
// committee bits (data.index is zero), and its aggregation bits are those of
// the committees, one after the other, each with at least one attester.
func (t *Transition) processAttestationElectra(st *BeaconState, a *Attestation) error {
	_, err := t.processAttestationsElectra(st, []Attestation{*a})
	return err
}

// checkedAttestation is an attestation that passed the checks of
// process_attestation, with its committees and the participation flags it
// sets.
type checkedAttestation struct {
	a          *Attestation
	committees [][]ValidatorIndex
	reward     *participationReward
}

// checkAttestationElectra makes the checks of electra's process_attestation.
func (t *Transition) checkAttestationElectra(st *BeaconState, a *Attestation) (*checkedAttestation, error) {
	data := &a.Data
	currentEpoch, previousEpoch := t.GetCurrentEpoch(st), t.GetPreviousEpoch(st)
	if data.Target.Epoch != previousEpoch && data.Target.Epoch != currentEpoch {
		return nil, invalidf("attestation target epoch %d is neither the previous (%d) nor the current (%d) epoch", data.Target.Epoch, previousEpoch, currentEpoch)
	}
	if slotEpoch := t.ComputeEpochAtSlot(data.Slot); data.Target.Epoch != slotEpoch {
		return nil, invalidf("attestation target epoch %d, slot %d is in epoch %d", data.Target.Epoch, data.Slot, slotEpoch)
	}
	// data.slot + MIN_ATTESTATION_INCLUSION_DELAY <= state.slot, without
	// overflowing.
	if st.Slot < t.MinAttestationInclusionDelay || data.Slot > st.Slot-t.MinAttestationInclusionDelay {
		return nil, invalidf("attestation of slot %d included too early at slot %d", data.Slot, st.Slot)
	}
	if data.Index != 0 {
		return nil, invalidf("attestation data index %d, want 0", data.Index)
	}

	committeeCount := t.GetCommitteeCountPerSlot(st, data.Target.Epoch)
	var committees [][]ValidatorIndex
	offset := 0
	for _, ci := range GetCommitteeIndices(a.CommitteeBits) {
		if uint64(ci) >= committeeCount {
			return nil, invalidf("committee index %d, slot %d has %d committees", ci, data.Slot, committeeCount)
		}
		committee, err := t.GetBeaconCommittee(st, data.Slot, ci)
		if err != nil {
			return nil, err
		}
		if offset+len(committee) > a.AggregationBits.Len() {
			return nil, invalidf("aggregation bits length %d too short for committee %d", a.AggregationBits.Len(), ci)
		}
		attesters := 0
		for j := offset; j < offset+len(committee); j++ {
			if a.AggregationBits[j/8]>>(j%8)&1 == 1 { // j < Len(), checked above
				attesters++
				break // one is enough
			}
		}
		if attesters == 0 {
			return nil, invalidf("no attester of committee %d", ci)
		}
		committees = append(committees, committee)
		offset += len(committee)
	}
	if a.AggregationBits.Len() != offset {
		return nil, invalidf("aggregation bits length %d, committees have %d members", a.AggregationBits.Len(), offset)
	}
	if len(committees) == 0 {
		// is_valid_indexed_attestation rejects an empty set of attesters.
		return nil, invalidf("attestation names no committee, so no attester")
	}

	flagIndices, err := t.GetAttestationParticipationFlagIndices(st, data, st.Slot-data.Slot)
	if err != nil {
		return nil, err
	}
	// The indexed attestation's indices are sorted, unique, in range and
	// not empty (there is a committee, and each has an attester), so
	// is_valid_indexed_attestation comes down to the signature, which the
	// caches check faster; without them, or without signature checks, the
	// indexed attestation (whose sorting costs more than the rest of the
	// attestation) is not needed.
	if done, err := t.verifyAttestationByCommittees(st, a); err != nil {
		return nil, err
	} else if !done && t.Signatures != SignaturesOff {
		indexed, err := t.GetIndexedAttestation(st, a)
		if err != nil {
			return nil, err
		}
		if err := t.IsValidIndexedAttestation(st, indexed); err != nil {
			return nil, err
		}
	}
	participation := st.PreviousEpochParticipation
	if data.Target.Epoch == currentEpoch {
		participation = st.CurrentEpochParticipation
	}
	return &checkedAttestation{a: a, committees: committees, reward: t.newParticipationReward(st, participation, flagIndices)}, nil
}

// processAttestationsElectra is process_operations' loop of
// process_attestation over the attestations of a block (electra), and
// returns the position of the attestation that failed, if one did.
//
// A mainnet attestation names tens of thousands of attesters, spread over
// the registry, and a block has eight: processed one by one, each would
// read and write the participation flags and effective balances of the
// whole registry again. So the attestations are all checked first, as
// process_attestation checks them (nothing an attestation changes, flags
// and the proposer's balance, is read by the checks of the next); then the
// attesters of each are put in a bitmap of the registry, and one walk over
// the registry sets their flags. Within the walk each validator meets the
// attestations in block order, so its flags, and the reward each
// attestation earns the proposer for them, are those of the spec's order;
// the proposer is then paid attestation by attestation.
func (t *Transition) processAttestationsElectra(st *BeaconState, attestations []Attestation) (int, error) {
	checked := make([]*checkedAttestation, len(attestations))
	for i := range attestations {
		c, err := t.checkAttestationElectra(st, &attestations[i])
		if err != nil {
			return i, err
		}
		checked[i] = c
	}
	// The attesters of each attestation, get_attesting_indices' set, on
	// every core, each taking its share of the attestations.
	n := len(st.Validators)
	words := (n + 63) / 64
	parts := 1
	if words >= parallelSetWords {
		parts = runtime.GOMAXPROCS(0)
	}
	sets := make([]indexSet, len(checked))
	setErrs := make([]error, len(checked))
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() {
			for k := p; k < len(checked); k += parts {
				sets[k], setErrs[k] = checked[k].attesters(n)
			}
		})
	}
	wg.Wait()
	for k, err := range setErrs {
		if err != nil {
			return k, err
		}
	}
	// One walk over the registry, on every core, each taking a range of
	// it: different ranges set different flags, and the numerators add up.
	numerators := make([][]uint64, parts)
	failed := make([]int, parts)
	errs := make([]error, parts)
	for p := range parts {
		numerators[p] = make([]uint64, len(checked))
		wg.Go(func() {
			for w := words * p / parts; w < words*(p+1)/parts; w++ {
				for k, c := range checked {
					for word := sets[k][w]; word != 0; word &= word - 1 {
						num, err := c.reward.add(ValidatorIndex(w*64 + bits.TrailingZeros64(word)))
						if err != nil {
							failed[p], errs[p] = k, err
							return
						}
						numerators[p][k] += num
					}
				}
			}
		})
	}
	wg.Wait()
	for p := range parts {
		if errs[p] != nil {
			return failed[p], errs[p]
		}
	}
	for k, c := range checked {
		var numerator uint64
		for p := range parts {
			numerator += numerators[p][k]
		}
		if err := c.reward.pay(numerator); err != nil {
			return k, err
		}
	}
	return 0, nil
}

// attesters returns the set of the attestation's attesters, validators
// below n.
func (c *checkedAttestation) attesters(n int) (indexSet, error) {
	set := newIndexSet(n)
	offset := 0
	for _, committee := range c.committees {
		for i, index := range committee {
			if uint64(index) >= uint64(n) {
				return nil, invalidf("attesting index %d out of range", index)
			}
			if j := offset + i; c.a.AggregationBits[j/8]>>(j%8)&1 == 1 {
				set.add(index)
			}
		}
		offset += len(committee)
	}
	return set, nil
}

// parallelSetWords is the size of the registry (in words of 64
// validators) from which attestation flags are set on several cores:
// 64K validators.
var parallelSetWords = 1024 // a variable for tests

// --- Epoch processing ---

// processRegistryUpdatesElectra is process_registry_updates as electra
// beacon-chain.md modifies it: one pass over the registry (eligibility,
// ejections, activations), the activations no longer limited by a count of
// validators, as the pending deposits are already metered by the balance
// churn.
func (s *Spec) processRegistryUpdatesElectra(st *BeaconState) error {
	currentEpoch := s.GetCurrentEpoch(st)
	activationEpoch := s.ComputeActivationExitEpoch(currentEpoch)
	for i := range st.Validators {
		v := &st.Validators[i]
		switch {
		case s.IsEligibleForActivationQueue(Electra, v):
			v.ActivationEligibilityEpoch = currentEpoch + 1
		case IsActiveValidator(v, currentEpoch) && v.EffectiveBalance <= s.EjectionBalance:
			if err := s.InitiateValidatorExit(st, ValidatorIndex(i)); err != nil {
				return err
			}
		case IsEligibleForActivation(st, v):
			v.ActivationEpoch = activationEpoch
		}
	}
	return nil
}

// processSlashingsElectra is process_slashings as electra beacon-chain.md
// modifies it: the penalty is computed per effective balance increment
// first, then multiplied, so that it is the same for every increment
// whatever the validator's balance.
func (s *Spec) processSlashingsElectra(st *BeaconState) error {
	epoch := s.GetCurrentEpoch(st)
	totalBalance := s.GetTotalActiveBalance(st)
	var sum Gwei
	for _, x := range st.Slashings {
		sum += x
	}
	adjusted := totalBalance
	// The spec's product is unbounded; past uint64 it is above the total.
	if hi, lo := bits.Mul64(uint64(sum), s.ProportionalSlashingMultiplierBellatrix); hi == 0 && Gwei(lo) < totalBalance {
		adjusted = Gwei(lo)
	}
	increment := s.EffectiveBalanceIncrement
	penaltyPerIncrement := adjusted / (totalBalance / increment)
	for i := range st.Validators {
		v := &st.Validators[i]
		if v.Slashed && epoch+s.EpochsPerSlashingsVector/2 == v.WithdrawableEpoch {
			DecreaseBalance(st, ValidatorIndex(i), penaltyPerIncrement*(v.EffectiveBalance/increment))
		}
	}
	return nil
}

// --- Fork ---

// UpgradeToElectra is upgrade_to_electra (electra fork.md), in place: the
// new churn and queue fields start from the deneb state, validators not yet
// active have their balance moved to pending deposits (in order of
// eligibility), and compounding validators queue their balance above
// MIN_ACTIVATION_BALANCE.
func (s *Spec) UpgradeToElectra(st *BeaconState) error {
	epoch := s.GetCurrentEpoch(st)
	earliestExitEpoch := s.ComputeActivationExitEpoch(epoch)
	for i := range st.Validators {
		if e := st.Validators[i].ExitEpoch; e != FarFutureEpoch {
			earliestExitEpoch = max(earliestExitEpoch, e)
		}
	}
	earliestExitEpoch++

	st.Fork = Fork{PreviousVersion: st.Fork.CurrentVersion, CurrentVersion: s.ElectraForkVersion, Epoch: epoch}
	st.DepositRequestsStartIndex = UnsetDepositRequestsStartIndex
	st.DepositBalanceToConsume = 0
	st.EarliestExitEpoch = earliestExitEpoch
	st.EarliestConsolidationEpoch = s.ComputeActivationExitEpoch(epoch)
	st.PendingDeposits = nil
	st.PendingPartialWithdrawals = nil
	st.PendingConsolidations = nil
	st.ExitBalanceToConsume = s.GetActivationExitChurnLimit(st)
	st.ConsolidationBalanceToConsume = s.GetConsolidationChurnLimit(st)

	var preActivation []ValidatorIndex
	for i := range st.Validators {
		if st.Validators[i].ActivationEpoch == FarFutureEpoch {
			preActivation = append(preActivation, ValidatorIndex(i))
		}
	}
	// Stable, so that equal eligibility epochs stay in index order.
	slices.SortStableFunc(preActivation, func(a, b ValidatorIndex) int {
		ea, eb := st.Validators[a].ActivationEligibilityEpoch, st.Validators[b].ActivationEligibilityEpoch
		switch {
		case ea < eb:
			return -1
		case ea > eb:
			return 1
		}
		return 0
	})
	st.touchRegistry()
	for _, index := range preActivation {
		balance := st.Balances[index]
		st.Balances[index] = 0
		v := &st.Validators[index]
		v.EffectiveBalance = 0
		v.ActivationEligibilityEpoch = FarFutureEpoch
		st.PendingDeposits = append(st.PendingDeposits, PendingDeposit{
			Pubkey:                v.Pubkey,
			WithdrawalCredentials: v.WithdrawalCredentials,
			Amount:                balance,
			Signature:             g2PointAtInfinity,
			Slot:                  GenesisSlot,
		})
	}

	// Early adopters of compounding credentials go through the activation
	// churn for their balance above MIN_ACTIVATION_BALANCE.
	for i := range st.Validators {
		if HasCompoundingWithdrawalCredential(&st.Validators[i]) {
			s.QueueExcessActiveBalance(st, ValidatorIndex(i))
		}
	}
	return nil
}
