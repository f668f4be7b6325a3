package spec

import (
	"crypto/sha256"
	"encoding/binary"
	"math/bits"
	"slices"

	"github.com/quetzal-eth/quetzal/ssz"
)

// This file holds the helper functions of phase0 beacon-chain.md ("Helper
// functions": math, predicates, misc, beacon state accessors and mutators),
// each with the changes later forks made to it. The helpers that a later
// fork introduced live in that fork's helpers file.

// IntegerSquareroot is integer_squareroot: the largest x with x*x <= n.
func IntegerSquareroot(n uint64) uint64 {
	if n == Uint64Max {
		return Uint64MaxSqrt
	}
	x := n
	y := (x + 1) / 2
	for y < x {
		x = y
		y = (x + n/x) / 2
	}
	return x
}

// uintToBytes8 is uint_to_bytes(uint64): 8 bytes, little-endian.
func uintToBytes8(x uint64) []byte {
	return binary.LittleEndian.AppendUint64(nil, x)
}

// bytesToUint64 is bytes_to_uint64: the first 8 bytes, little-endian.
func bytesToUint64(b []byte) uint64 { return binary.LittleEndian.Uint64(b[:8]) }

// hash is the spec's hash: SHA-256 of the concatenated parts.
func hash(parts ...[]byte) Root {
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
	}
	var out Root
	h.Sum(out[:0])
	return out
}

// saturatingSub returns a-b, or 0 when b > a.
func saturatingSub[T ~uint64](a, b T) T {
	if b > a {
		return 0
	}
	return a - b
}

// mulDiv returns a*b/c computed in 128 bits, for the products of balances
// that the spec computes with Python's unbounded integers.
func mulDiv(a, b, c uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	if hi >= c {
		// The quotient does not fit in 64 bits; the spec's uint64 would
		// overflow too. Saturate rather than panic.
		return Uint64Max
	}
	q, _ := bits.Div64(hi, lo, c)
	return q
}

// --- Predicates ---

// IsActiveValidator is is_active_validator.
func IsActiveValidator(v *Validator, epoch Epoch) bool {
	return v.ActivationEpoch <= epoch && epoch < v.ExitEpoch
}

// IsEligibleForActivationQueue is is_eligible_for_activation_queue (last
// modified in electra: MIN_ACTIVATION_BALANCE instead of
// MAX_EFFECTIVE_BALANCE).
func (s *Spec) IsEligibleForActivationQueue(fork ForkName, v *Validator) bool {
	balance := s.MaxEffectiveBalance
	if fork >= Electra {
		balance = s.MinActivationBalance
	}
	return v.ActivationEligibilityEpoch == FarFutureEpoch && v.EffectiveBalance >= balance
}

// IsEligibleForActivation is is_eligible_for_activation.
func IsEligibleForActivation(st *BeaconState, v *Validator) bool {
	return v.ActivationEligibilityEpoch <= st.FinalizedCheckpoint.Epoch && v.ActivationEpoch == FarFutureEpoch
}

// IsSlashableValidator is is_slashable_validator.
func IsSlashableValidator(v *Validator, epoch Epoch) bool {
	return !v.Slashed && v.ActivationEpoch <= epoch && epoch < v.WithdrawableEpoch
}

// IsSlashableAttestationData is is_slashable_attestation_data: a double
// vote or a surround vote.
func IsSlashableAttestationData(d1, d2 *AttestationData) bool {
	return (*d1 != *d2 && d1.Target.Epoch == d2.Target.Epoch) ||
		(d1.Source.Epoch < d2.Source.Epoch && d2.Target.Epoch < d1.Target.Epoch)
}

// IsValidIndexedAttestation is is_valid_indexed_attestation: the indices
// are non-empty, sorted and unique, and the aggregate signature verifies
// (as t.Signatures says). It returns nil when valid.
func (t *Transition) IsValidIndexedAttestation(st *BeaconState, ia *IndexedAttestation) error {
	indices := ia.AttestingIndices
	if len(indices) == 0 {
		return invalidf("indexed attestation has no attesting indices")
	}
	for i, index := range indices {
		if i > 0 && indices[i-1] >= index {
			return invalidf("attesting indices not sorted and unique at position %d", i)
		}
		if uint64(index) >= uint64(len(st.Validators)) {
			return invalidf("attesting index %d out of range", index)
		}
	}
	domain := t.GetDomain(st, DomainBeaconAttester, ia.Data.Target.Epoch)
	root, err := t.signingRoot(st, &ia.Data, domain)
	if err != nil {
		return err
	}
	return t.verifyValidators(st, indices, root, ia.Signature)
}

// IsValidMerkleBranch is is_valid_merkle_branch.
func IsValidMerkleBranch(leaf Root, branch []Root, depth uint64, index uint64, root Root) bool {
	if uint64(len(branch)) < depth {
		return false
	}
	value := leaf
	for i := uint64(0); i < depth; i++ {
		if (index>>i)&1 == 1 {
			value = hashChunks(branch[i], value)
		} else {
			value = hashChunks(value, branch[i])
		}
	}
	return value == root
}

// --- Misc ---

// ComputeEpochAtSlot is compute_epoch_at_slot.
func (s *Spec) ComputeEpochAtSlot(slot Slot) Epoch {
	return Epoch(uint64(slot) / uint64(s.SlotsPerEpoch))
}

// ComputeStartSlotAtEpoch is compute_start_slot_at_epoch.
func (s *Spec) ComputeStartSlotAtEpoch(epoch Epoch) Slot {
	return Slot(uint64(epoch) * uint64(s.SlotsPerEpoch))
}

// ComputeActivationExitEpoch is compute_activation_exit_epoch.
func (s *Spec) ComputeActivationExitEpoch(epoch Epoch) Epoch {
	return epoch + 1 + s.MaxSeedLookahead
}

// --- Beacon state accessors ---

// GetCurrentEpoch is get_current_epoch.
func (s *Spec) GetCurrentEpoch(st *BeaconState) Epoch { return s.ComputeEpochAtSlot(st.Slot) }

// GetPreviousEpoch is get_previous_epoch.
func (s *Spec) GetPreviousEpoch(st *BeaconState) Epoch {
	current := s.GetCurrentEpoch(st)
	if current == GenesisEpoch {
		return GenesisEpoch
	}
	return current - 1
}

// GetBlockRoot is get_block_root: the block root at the start of epoch.
func (s *Spec) GetBlockRoot(st *BeaconState, epoch Epoch) (Root, error) {
	return s.GetBlockRootAtSlot(st, s.ComputeStartSlotAtEpoch(epoch))
}

// GetBlockRootAtSlot is get_block_root_at_slot: slot must be in the last
// SLOTS_PER_HISTORICAL_ROOT slots before the state's slot.
func (s *Spec) GetBlockRootAtSlot(st *BeaconState, slot Slot) (Root, error) {
	if !(slot < st.Slot && st.Slot <= slot+Slot(s.SlotsPerHistoricalRoot)) {
		return Root{}, invalidf("block root of slot %d is not in the history of a state at slot %d", slot, st.Slot)
	}
	return st.BlockRoots[uint64(slot)%uint64(s.SlotsPerHistoricalRoot)], nil
}

// GetRandaoMix is get_randao_mix.
func (s *Spec) GetRandaoMix(st *BeaconState, epoch Epoch) Root {
	return st.RandaoMixes[uint64(epoch)%uint64(s.EpochsPerHistoricalVector)]
}

// GetActiveValidatorIndices is get_active_validator_indices. From the
// caches it is a copy, which its caller may change (shuffle, say).
func (s *Spec) GetActiveValidatorIndices(st *BeaconState, epoch Epoch) []ValidatorIndex {
	if e := s.epochCacheOf(st, epoch); e != nil {
		return slices.Clone(e.active)
	}
	var out []ValidatorIndex
	for i := range st.Validators {
		if IsActiveValidator(&st.Validators[i], epoch) {
			out = append(out, ValidatorIndex(i))
		}
	}
	return out
}

// GetValidatorChurnLimit is get_validator_churn_limit (phase0; electra
// replaces it with the balance churn of get_balance_churn_limit).
func (s *Spec) GetValidatorChurnLimit(st *BeaconState) uint64 {
	active := uint64(len(s.GetActiveValidatorIndices(st, s.GetCurrentEpoch(st))))
	return max(s.MinPerEpochChurnLimit, active/s.ChurnLimitQuotient)
}

// GetValidatorActivationChurnLimit is get_validator_activation_churn_limit
// (new in deneb, EIP-7514).
func (s *Spec) GetValidatorActivationChurnLimit(st *BeaconState) uint64 {
	return min(s.MaxPerEpochActivationChurnLimit, s.GetValidatorChurnLimit(st))
}

// GetSeed is get_seed.
func (s *Spec) GetSeed(st *BeaconState, epoch Epoch, domainType DomainType) Root {
	mix := s.GetRandaoMix(st, epoch+Epoch(s.EpochsPerHistoricalVector)-s.MinSeedLookahead-1)
	return hash(domainType[:], uintToBytes8(uint64(epoch)), mix[:])
}

// GetCommitteeCountPerSlot is get_committee_count_per_slot.
func (s *Spec) GetCommitteeCountPerSlot(st *BeaconState, epoch Epoch) uint64 {
	if e := s.epochCacheOf(st, epoch); e != nil {
		return e.committeesPerSlot
	}
	return s.committeeCountPerSlot(uint64(len(s.GetActiveValidatorIndices(st, epoch))))
}

func (s *Spec) committeeCountPerSlot(active uint64) uint64 {
	return max(1, min(s.MaxCommitteesPerSlot, active/uint64(s.SlotsPerEpoch)/s.TargetCommitteeSize))
}

// GetBeaconCommittee is get_beacon_committee. The result may be shared
// with the state's caches: callers must not modify it.
func (s *Spec) GetBeaconCommittee(st *BeaconState, slot Slot, index CommitteeIndex) ([]ValidatorIndex, error) {
	epoch := s.ComputeEpochAtSlot(slot)
	if e := s.shufflingOf(st, epoch); e != nil {
		return e.committee(s, slot, index)
	}
	indices := s.GetActiveValidatorIndices(st, epoch)
	perSlot := s.committeeCountPerSlot(uint64(len(indices)))
	if uint64(index) >= perSlot {
		return nil, invalidf("committee index %d, slot %d has %d committees", index, slot, perSlot)
	}
	seed := s.GetSeed(st, epoch, DomainBeaconAttester)
	return s.ComputeCommittee(indices, seed,
		(uint64(slot)%uint64(s.SlotsPerEpoch))*perSlot+uint64(index),
		perSlot*uint64(s.SlotsPerEpoch))
}

// GetBeaconProposerIndex is get_beacon_proposer_index: the proposer of the
// state's slot (last modified in fulu, which reads it from the proposer
// lookahead, EIP-7917).
func (s *Spec) GetBeaconProposerIndex(st *BeaconState) (ValidatorIndex, error) {
	fork := s.StateFork(st)
	if fork >= Fulu {
		return st.ProposerLookahead[uint64(st.Slot)%uint64(s.SlotsPerEpoch)], nil
	}
	if p, ok := s.cachedProposer(st, fork); ok {
		return p, nil
	}
	epoch := s.GetCurrentEpoch(st)
	seed := s.GetSeed(st, epoch, DomainBeaconProposer)
	seed = hash(seed[:], uintToBytes8(uint64(st.Slot)))
	indices := s.GetActiveValidatorIndices(st, epoch)
	return s.ComputeProposerIndex(fork, indices, seed, func(i ValidatorIndex) Gwei { return st.Validators[i].EffectiveBalance })
}

// GetTotalBalance is get_total_balance: at least
// EFFECTIVE_BALANCE_INCREMENT, to avoid dividing by zero.
func (s *Spec) GetTotalBalance(st *BeaconState, indices []ValidatorIndex) Gwei {
	var sum Gwei
	for _, i := range indices {
		sum += st.Validators[i].EffectiveBalance
	}
	return max(s.EffectiveBalanceIncrement, sum)
}

// GetTotalActiveBalance is get_total_active_balance.
func (s *Spec) GetTotalActiveBalance(st *BeaconState) Gwei {
	if b, ok := s.cachedTotalActiveBalance(st); ok {
		return b
	}
	return s.GetTotalBalance(st, s.GetActiveValidatorIndices(st, s.GetCurrentEpoch(st)))
}

// GetDomain is get_domain: the domain of domainType at epoch, with the
// fork version in force at that epoch.
func (s *Spec) GetDomain(st *BeaconState, domainType DomainType, epoch Epoch) Domain {
	version := st.Fork.CurrentVersion
	if epoch < st.Fork.Epoch {
		version = st.Fork.PreviousVersion
	}
	return ComputeDomain(domainType, version, st.GenesisValidatorsRoot)
}

// GetIndexedAttestation is get_indexed_attestation.
func (s *Spec) GetIndexedAttestation(st *BeaconState, a *Attestation) (*IndexedAttestation, error) {
	indices, err := s.GetAttestingIndices(st, a)
	if err != nil {
		return nil, err
	}
	return &IndexedAttestation{AttestingIndices: indices, Data: a.Data, Signature: a.Signature}, nil
}

// GetAttestingIndices is get_attesting_indices (last modified in electra,
// EIP-7549: an attestation may span several committees of its slot, named
// by its committee bits). The spec returns a set; this returns its members
// in increasing order.
func (s *Spec) GetAttestingIndices(st *BeaconState, a *Attestation) ([]ValidatorIndex, error) {
	var out []ValidatorIndex
	if s.StateFork(st) < Electra {
		committee, err := s.GetBeaconCommittee(st, a.Data.Slot, a.Data.Index)
		if err != nil {
			return nil, err
		}
		if a.AggregationBits.Len() != len(committee) {
			return nil, invalidf("aggregation bits length %d, committee size %d", a.AggregationBits.Len(), len(committee))
		}
		for i, index := range committee {
			if a.AggregationBits.Get(i) {
				out = append(out, index)
			}
		}
	} else {
		out = make([]ValidatorIndex, 0, min(a.AggregationBits.Len(), len(st.Validators)))
		offset := 0
		for _, ci := range GetCommitteeIndices(a.CommitteeBits) {
			committee, err := s.GetBeaconCommittee(st, a.Data.Slot, ci)
			if err != nil {
				return nil, err
			}
			if offset+len(committee) > a.AggregationBits.Len() {
				return nil, invalidf("aggregation bits length %d too short for committees", a.AggregationBits.Len())
			}
			// The bits are within the list's length, checked above: read
			// them directly (a mainnet attestation has tens of thousands).
			bits := a.AggregationBits
			for i, index := range committee {
				if j := offset + i; bits[j/8]>>(j%8)&1 == 1 {
					out = append(out, index)
				}
			}
			offset += len(committee)
		}
	}
	return sortedUnique(out), nil
}

// indexSet is a set of validator indices below a bound, as a bitmap.
type indexSet []uint64

func newIndexSet(bound int) indexSet { return make(indexSet, (bound+63)/64) }

// add adds index, which must be below the set's bound.
func (s indexSet) add(index ValidatorIndex) { s[index/64] |= 1 << (index % 64) }

// sortedUnique sorts indices and removes repeats, in place. An
// attestation's indices (tens of thousands on mainnet since electra) are
// spread over a range not much wider than their count, so they are put in
// a bitmap of that range and read back in order, much faster than a sort;
// sparse indices are sorted.
func sortedUnique(indices []ValidatorIndex) []ValidatorIndex {
	if len(indices) < 64 {
		slices.Sort(indices)
		return slices.Compact(indices)
	}
	lo, hi := slices.Min(indices), slices.Max(indices)
	words := uint64(hi-lo)/64 + 1
	if words > 4*uint64(len(indices)) {
		slices.Sort(indices)
		return slices.Compact(indices)
	}
	set := make([]uint64, words)
	for _, index := range indices {
		d := uint64(index - lo)
		set[d/64] |= 1 << (d % 64)
	}
	out := indices[:0]
	for w, word := range set {
		for word != 0 {
			out = append(out, lo+ValidatorIndex(uint64(w)*64+uint64(bits.TrailingZeros64(word))))
			word &= word - 1
		}
	}
	return out
}

// --- Beacon state mutators ---

// IncreaseBalance is increase_balance.
func IncreaseBalance(st *BeaconState, index ValidatorIndex, delta Gwei) {
	st.touchBalance(index)
	st.Balances[index] += delta
}

// DecreaseBalance is decrease_balance: the balance does not go below zero.
func DecreaseBalance(st *BeaconState, index ValidatorIndex, delta Gwei) {
	st.touchBalance(index)
	st.Balances[index] = saturatingSub(st.Balances[index], delta)
}

// InitiateValidatorExit is initiate_validator_exit (last modified in
// electra, EIP-7251: the exit queue is metered by balance).
func (s *Spec) InitiateValidatorExit(st *BeaconState, index ValidatorIndex) error {
	v := &st.Validators[index]
	if v.ExitEpoch != FarFutureEpoch {
		return nil
	}
	var exitQueueEpoch Epoch
	if s.StateFork(st) >= Electra {
		exitQueueEpoch = s.ComputeExitEpochAndUpdateChurn(st, v.EffectiveBalance)
	} else {
		exitQueueEpoch = s.ComputeActivationExitEpoch(s.GetCurrentEpoch(st))
		var churn uint64
		for i := range st.Validators {
			e := st.Validators[i].ExitEpoch
			if e == FarFutureEpoch {
				continue
			}
			if e > exitQueueEpoch {
				exitQueueEpoch, churn = e, 0
			}
			if e == exitQueueEpoch {
				churn++
			}
		}
		if churn >= s.GetValidatorChurnLimit(st) {
			exitQueueEpoch++
		}
	}
	st.touchValidator(index)
	v.ExitEpoch = exitQueueEpoch
	withdrawable := uint64(exitQueueEpoch) + uint64(s.MinValidatorWithdrawabilityDelay)
	if withdrawable < uint64(exitQueueEpoch) {
		return invalidf("withdrawable epoch of validator %d overflows", index)
	}
	v.WithdrawableEpoch = Epoch(withdrawable)
	return nil
}

// SlashValidator is slash_validator (last modified in electra; altair,
// bellatrix and electra changed the penalty and reward quotients).
func (s *Spec) SlashValidator(st *BeaconState, slashed ValidatorIndex, whistleblower *ValidatorIndex) error {
	fork := s.StateFork(st)
	epoch := s.GetCurrentEpoch(st)
	if err := s.InitiateValidatorExit(st, slashed); err != nil {
		return err
	}
	v := &st.Validators[slashed]
	st.touchValidator(slashed)
	v.Slashed = true
	v.WithdrawableEpoch = max(v.WithdrawableEpoch, epoch+Epoch(s.EpochsPerSlashingsVector))
	st.Slashings[uint64(epoch)%uint64(s.EpochsPerSlashingsVector)] += v.EffectiveBalance

	penaltyQuotient := s.MinSlashingPenaltyQuotient
	whistleblowerQuotient := s.WhistleblowerRewardQuotient
	switch {
	case fork >= Electra:
		penaltyQuotient = s.MinSlashingPenaltyQuotientElectra
		whistleblowerQuotient = s.WhistleblowerRewardQuotientElectra
	case fork >= Bellatrix:
		penaltyQuotient = s.MinSlashingPenaltyQuotientBellatrix
	case fork >= Altair:
		penaltyQuotient = s.MinSlashingPenaltyQuotientAltair
	}
	DecreaseBalance(st, slashed, v.EffectiveBalance/Gwei(penaltyQuotient))

	// Apply proposer and whistleblower rewards.
	proposer, err := s.GetBeaconProposerIndex(st)
	if err != nil {
		return err
	}
	if whistleblower == nil {
		whistleblower = &proposer
	}
	whistleblowerReward := v.EffectiveBalance / Gwei(whistleblowerQuotient)
	var proposerReward Gwei
	if fork >= Altair {
		proposerReward = whistleblowerReward * Gwei(ProposerWeight) / Gwei(WeightDenominator)
	} else {
		proposerReward = whistleblowerReward / Gwei(s.ProposerRewardQuotient)
	}
	IncreaseBalance(st, proposer, proposerReward)
	IncreaseBalance(st, *whistleblower, whistleblowerReward-proposerReward)
	return nil
}

// checkValidatorIndex returns an error if index is not in the registry.
func checkValidatorIndex(st *BeaconState, index ValidatorIndex) error {
	if uint64(index) >= uint64(len(st.Validators)) {
		return invalidf("validator index %d out of range (%d validators)", index, len(st.Validators))
	}
	return nil
}

// --- Withdrawal credentials (capella and electra beacon-chain.md) ---

// HasEth1WithdrawalCredential is has_eth1_withdrawal_credential (capella).
func HasEth1WithdrawalCredential(v *Validator) bool {
	return v.WithdrawalCredentials[0] == Eth1AddressWithdrawalPrefix
}

// IsCompoundingWithdrawalCredential is is_compounding_withdrawal_credential
// (electra).
func IsCompoundingWithdrawalCredential(credentials Root) bool {
	return credentials[0] == CompoundingWithdrawalPrefix
}

// HasCompoundingWithdrawalCredential is
// has_compounding_withdrawal_credential (electra).
func HasCompoundingWithdrawalCredential(v *Validator) bool {
	return IsCompoundingWithdrawalCredential(v.WithdrawalCredentials)
}

// HasExecutionWithdrawalCredential is has_execution_withdrawal_credential
// (electra): 0x01 or 0x02.
func HasExecutionWithdrawalCredential(v *Validator) bool {
	return HasEth1WithdrawalCredential(v) || HasCompoundingWithdrawalCredential(v)
}

// GetMaxEffectiveBalance is get_max_effective_balance (electra).
func (s *Spec) GetMaxEffectiveBalance(v *Validator) Gwei {
	if HasCompoundingWithdrawalCredential(v) {
		return s.MaxEffectiveBalanceElectra
	}
	return s.MinActivationBalance
}

// GetPendingBalanceToWithdraw is get_pending_balance_to_withdraw
// (electra).
func GetPendingBalanceToWithdraw(st *BeaconState, index ValidatorIndex) Gwei {
	var sum Gwei
	for i := range st.PendingPartialWithdrawals {
		if st.PendingPartialWithdrawals[i].ValidatorIndex == index {
			sum += st.PendingPartialWithdrawals[i].Amount
		}
	}
	return sum
}

// GetCommitteeIndices is get_committee_indices (electra): the committees
// whose bits are set.
func GetCommitteeIndices(bits ssz.Bitvector) []CommitteeIndex {
	var out []CommitteeIndex
	for i := 0; i < len(bits)*8; i++ {
		if bits.Get(i) {
			out = append(out, CommitteeIndex(i))
		}
	}
	return out
}

// --- Participation flags (altair beacon-chain.md) ---

// HasFlag is has_flag.
func HasFlag(flags ParticipationFlags, flagIndex int) bool {
	flag := ParticipationFlags(1 << flagIndex)
	return flags&flag == flag
}

// AddFlag is add_flag.
func AddFlag(flags ParticipationFlags, flagIndex int) ParticipationFlags {
	return flags | ParticipationFlags(1<<flagIndex)
}

// --- Deposits: new validators ---

// GetValidatorFromDeposit is get_validator_from_deposit (last modified in
// electra, where the effective balance is capped by the credentials' max
// effective balance).
func (s *Spec) GetValidatorFromDeposit(fork ForkName, pubkey BLSPubkey, credentials Root, amount Gwei) Validator {
	v := Validator{
		Pubkey:                     pubkey,
		WithdrawalCredentials:      credentials,
		ActivationEligibilityEpoch: FarFutureEpoch,
		ActivationEpoch:            FarFutureEpoch,
		ExitEpoch:                  FarFutureEpoch,
		WithdrawableEpoch:          FarFutureEpoch,
	}
	maxEffective := s.MaxEffectiveBalance
	if fork >= Electra {
		maxEffective = s.GetMaxEffectiveBalance(&v)
	}
	v.EffectiveBalance = min(amount-amount%s.EffectiveBalanceIncrement, maxEffective)
	return v
}

// AddValidatorToRegistry is add_validator_to_registry (altair adds the
// participation flags and inactivity score of the new validator).
func (s *Spec) AddValidatorToRegistry(st *BeaconState, pubkey BLSPubkey, credentials Root, amount Gwei) {
	fork := s.StateFork(st)
	st.Validators = append(st.Validators, s.GetValidatorFromDeposit(fork, pubkey, credentials, amount))
	st.Balances = append(st.Balances, amount)
	if fork >= Altair {
		st.PreviousEpochParticipation = append(st.PreviousEpochParticipation, 0)
		st.CurrentEpochParticipation = append(st.CurrentEpochParticipation, 0)
		st.InactivityScores = append(st.InactivityScores, 0)
	}
}
