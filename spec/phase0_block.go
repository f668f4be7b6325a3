package spec

import (
	"crypto/sha256"
	"encoding/binary"
	"slices"

	"github.com/quetzal-eth/quetzal/ssz"
)

// Block processing of phase0 beacon-chain.md, with the changes later forks
// made to these same functions (deposits, exits, attestation dispatch).

// ProcessBlockHeader is process_block_header.
func (t *Transition) ProcessBlockHeader(st *BeaconState, block *BeaconBlock) error {
	return t.processBlockHeader(st, block, nil)
}

// processBlockHeader is ProcessBlockHeader, hashing the body with its
// payload's header in the payload's place if one is given (see
// blindedBody).
func (t *Transition) processBlockHeader(st *BeaconState, block *BeaconBlock, payloadHeader *ExecutionPayloadHeader) error {
	if block.Slot != st.Slot {
		return invalidf("block slot %d, state slot %d", block.Slot, st.Slot)
	}
	if block.Slot <= st.LatestBlockHeader.Slot {
		return invalidf("block slot %d is not after the latest block header's slot %d", block.Slot, st.LatestBlockHeader.Slot)
	}
	proposer, err := t.GetBeaconProposerIndex(st)
	if err != nil {
		return err
	}
	if block.ProposerIndex != proposer {
		return invalidf("block proposer %d, expected proposer %d", block.ProposerIndex, proposer)
	}
	parentRoot, err := HashTreeRoot(t.Schema(Phase0), &st.LatestBlockHeader)
	if err != nil {
		return err
	}
	if block.ParentRoot != parentRoot {
		return invalidf("block parent root %s, latest block header root %s", block.ParentRoot, parentRoot)
	}
	var body ssz.Object = &block.Body
	if payloadHeader != nil {
		body = blindedBody{&block.Body, payloadHeader}
	}
	bodyRoot, err := HashTreeRoot(t.Schema(t.StateFork(st)), body)
	if err != nil {
		return err
	}
	// The state root is filled in by the next process_slot, once the
	// block's post-state is known.
	st.LatestBlockHeader = BeaconBlockHeader{
		Slot:          block.Slot,
		ProposerIndex: block.ProposerIndex,
		ParentRoot:    block.ParentRoot,
		BodyRoot:      bodyRoot,
	}
	if err := checkValidatorIndex(st, block.ProposerIndex); err != nil {
		return err
	}
	if st.Validators[block.ProposerIndex].Slashed {
		return invalidf("proposer %d is slashed", block.ProposerIndex)
	}
	return nil
}

// ProcessRandao is process_randao.
func (t *Transition) ProcessRandao(st *BeaconState, body *BeaconBlockBody) error {
	epoch := t.GetCurrentEpoch(st)
	proposerIndex, err := t.GetBeaconProposerIndex(st)
	if err != nil {
		return err
	}
	if err := checkValidatorIndex(st, proposerIndex); err != nil {
		return err
	}
	// The reveal signs the epoch: its hash_tree_root is the uint64 in the
	// first 8 bytes of a chunk.
	var epochRoot Root
	binary.LittleEndian.PutUint64(epochRoot[:8], uint64(epoch))
	signingRoot := ComputeSigningRoot(epochRoot, t.GetDomain(st, DomainRandao, epoch))
	if err := t.verifyValidator(st, proposerIndex, signingRoot, body.RandaoReveal); err != nil {
		return err
	}
	mix := t.GetRandaoMix(st, epoch)
	revealHash := sha256.Sum256(body.RandaoReveal[:])
	for i := range mix {
		mix[i] ^= revealHash[i]
	}
	st.touchRandaoMix(uint64(epoch) % uint64(t.EpochsPerHistoricalVector))
	st.RandaoMixes[uint64(epoch)%uint64(t.EpochsPerHistoricalVector)] = mix
	return nil
}

// ProcessEth1Data is process_eth1_data.
func (t *Transition) ProcessEth1Data(st *BeaconState, body *BeaconBlockBody) error {
	period := uint64(t.EpochsPerEth1VotingPeriod) * uint64(t.SlotsPerEpoch)
	// The votes are reset every voting period, so only a malformed state
	// can have a full list; appending to it would break its SSZ limit.
	if uint64(len(st.Eth1DataVotes)) >= period {
		return invalidf("eth1 data votes full (%d)", len(st.Eth1DataVotes))
	}
	st.Eth1DataVotes = append(st.Eth1DataVotes, body.Eth1Data)
	var count uint64
	for i := range st.Eth1DataVotes {
		if st.Eth1DataVotes[i] == body.Eth1Data {
			count++
		}
	}
	if count*2 > period {
		st.Eth1Data = body.Eth1Data
	}
	return nil
}

// ProcessProposerSlashing is process_proposer_slashing.
func (t *Transition) ProcessProposerSlashing(st *BeaconState, ps *ProposerSlashing) error {
	header1, header2 := &ps.SignedHeader1.Message, &ps.SignedHeader2.Message
	if header1.Slot != header2.Slot {
		return invalidf("header slots %d and %d differ", header1.Slot, header2.Slot)
	}
	if header1.ProposerIndex != header2.ProposerIndex {
		return invalidf("header proposers %d and %d differ", header1.ProposerIndex, header2.ProposerIndex)
	}
	if *header1 == *header2 {
		return invalidf("the two headers are the same")
	}
	if err := checkValidatorIndex(st, header1.ProposerIndex); err != nil {
		return err
	}
	proposer := &st.Validators[header1.ProposerIndex]
	if !IsSlashableValidator(proposer, t.GetCurrentEpoch(st)) {
		return invalidf("proposer %d is not slashable", header1.ProposerIndex)
	}
	for _, signed := range []*SignedBeaconBlockHeader{&ps.SignedHeader1, &ps.SignedHeader2} {
		domain := t.GetDomain(st, DomainBeaconProposer, t.ComputeEpochAtSlot(signed.Message.Slot))
		root, err := t.signingRoot(st, &signed.Message, domain)
		if err != nil {
			return err
		}
		if err := t.verifyValidator(st, header1.ProposerIndex, root, signed.Signature); err != nil {
			return err
		}
	}
	return t.SlashValidator(st, header1.ProposerIndex, nil)
}

// ProcessAttesterSlashing is process_attester_slashing (the same in every
// fork; electra only raised the limits of its attestations).
func (t *Transition) ProcessAttesterSlashing(st *BeaconState, as *AttesterSlashing) error {
	a1, a2 := &as.Attestation1, &as.Attestation2
	if !IsSlashableAttestationData(&a1.Data, &a2.Data) {
		return invalidf("attestation data is neither a double vote nor a surround vote")
	}
	if err := t.IsValidIndexedAttestation(st, a1); err != nil {
		return err
	}
	if err := t.IsValidIndexedAttestation(st, a2); err != nil {
		return err
	}
	// Both index lists are now known sorted and unique, so their
	// intersection comes out sorted from a merge.
	epoch := t.GetCurrentEpoch(st)
	slashedAny := false
	i1, i2 := a1.AttestingIndices, a2.AttestingIndices
	for len(i1) > 0 && len(i2) > 0 {
		switch {
		case i1[0] < i2[0]:
			i1 = i1[1:]
		case i1[0] > i2[0]:
			i2 = i2[1:]
		default:
			index := i1[0]
			i1, i2 = i1[1:], i2[1:]
			if IsSlashableValidator(&st.Validators[index], epoch) {
				if err := t.SlashValidator(st, index, nil); err != nil {
					return err
				}
				slashedAny = true
			}
		}
	}
	if !slashedAny {
		return invalidf("no attester in both attestations is slashable")
	}
	return nil
}

// ProcessAttestation is process_attestation: phase0's pending attestations;
// altair's participation flags (processAttestationAltair, also deneb's
// inclusion rule); electra's committee bits (processAttestationElectra).
func (t *Transition) ProcessAttestation(st *BeaconState, a *Attestation) error {
	switch fork := t.StateFork(st); {
	case fork >= Electra:
		return t.processAttestationElectra(st, a)
	case fork >= Altair:
		return t.processAttestationAltair(st, a)
	default:
		return t.processAttestationPhase0(st, a)
	}
}

// processAttestationPhase0 is phase0's process_attestation: the attestation
// is checked and kept as a PendingAttestation until epoch processing.
func (t *Transition) processAttestationPhase0(st *BeaconState, a *Attestation) error {
	data := &a.Data
	previous, current := t.GetPreviousEpoch(st), t.GetCurrentEpoch(st)
	if data.Target.Epoch != previous && data.Target.Epoch != current {
		return invalidf("target epoch %d is neither the previous (%d) nor the current (%d) epoch", data.Target.Epoch, previous, current)
	}
	if data.Target.Epoch != t.ComputeEpochAtSlot(data.Slot) {
		return invalidf("target epoch %d is not the epoch of slot %d", data.Target.Epoch, data.Slot)
	}
	// data.slot + MIN_ATTESTATION_INCLUSION_DELAY <= state.slot <= data.slot + SLOTS_PER_EPOCH,
	// written so that no sum can overflow.
	if st.Slot < data.Slot || st.Slot-data.Slot < t.MinAttestationInclusionDelay || st.Slot-data.Slot > t.SlotsPerEpoch {
		return invalidf("attestation of slot %d cannot be included at slot %d", data.Slot, st.Slot)
	}
	if count := t.GetCommitteeCountPerSlot(st, data.Target.Epoch); uint64(data.Index) >= count {
		return invalidf("committee index %d, epoch %d has %d committees per slot", data.Index, data.Target.Epoch, count)
	}
	committee, err := t.GetBeaconCommittee(st, data.Slot, data.Index)
	if err != nil {
		return err
	}
	if a.AggregationBits.Len() != len(committee) {
		return invalidf("aggregation bits length %d, committee size %d", a.AggregationBits.Len(), len(committee))
	}
	proposer, err := t.GetBeaconProposerIndex(st)
	if err != nil {
		return err
	}
	pending := PendingAttestation{
		AggregationBits: slices.Clone(a.AggregationBits),
		Data:            *data,
		InclusionDelay:  st.Slot - data.Slot,
		ProposerIndex:   proposer,
	}
	list, source := &st.PreviousEpochAttestations, st.PreviousJustifiedCheckpoint
	if data.Target.Epoch == current {
		list, source = &st.CurrentEpochAttestations, st.CurrentJustifiedCheckpoint
	}
	if data.Source != source {
		return invalidf("source %d/%s, justified checkpoint %d/%s", data.Source.Epoch, data.Source.Root, source.Epoch, source.Root)
	}
	// The spec's list has this limit; late attestations of the previous
	// epoch can fill it, and then the block is invalid.
	if uint64(len(*list)) >= t.MaxAttestations*uint64(t.SlotsPerEpoch) {
		return invalidf("pending attestations of epoch %d full (%d)", data.Target.Epoch, len(*list))
	}
	*list = append(*list, pending)

	// get_indexed_attestation, from the committee at hand rather than
	// shuffled again.
	indexed := &IndexedAttestation{Data: *data, Signature: a.Signature}
	for i, index := range committee {
		if a.AggregationBits.Get(i) {
			indexed.AttestingIndices = append(indexed.AttestingIndices, index)
		}
	}
	slices.Sort(indexed.AttestingIndices)
	return t.IsValidIndexedAttestation(st, indexed)
}

// ProcessDeposit is process_deposit (apply_deposit of altair and electra
// included).
func (t *Transition) ProcessDeposit(st *BeaconState, d *Deposit) error {
	leaf, err := HashTreeRoot(t.Schema(t.StateFork(st)), &d.Data)
	if err != nil {
		return err
	}
	// The depth counts one more level for the list length mixed into the
	// deposit root.
	if !IsValidMerkleBranch(leaf, d.Proof, DepositContractTreeDepth+1, st.Eth1DepositIndex, st.Eth1Data.DepositRoot) {
		return invalidf("deposit %d: invalid Merkle proof against deposit root %s", st.Eth1DepositIndex, st.Eth1Data.DepositRoot)
	}
	// Deposits must be processed in order.
	st.Eth1DepositIndex++
	data := &d.Data
	if t.StateFork(st) >= Electra {
		return t.applyDepositElectra(st, data.Pubkey, data.WithdrawalCredentials, data.Amount, data.Signature)
	}
	return t.applyDeposit(st, data.Pubkey, data.WithdrawalCredentials, data.Amount, data.Signature)
}

// applyDeposit is apply_deposit (phase0; altair's change is in
// AddValidatorToRegistry, electra's version is applyDepositElectra). A
// deposit for a new key with a bad proof of possession is skipped, not
// invalid: the deposit contract cannot check it, so the chain must accept
// the deposit either way.
func (t *Transition) applyDeposit(st *BeaconState, pubkey BLSPubkey, credentials Root, amount Gwei, signature BLSSignature) error {
	if index, ok := t.ValidatorIndexByPubkey(st, pubkey); ok {
		IncreaseBalance(st, index, amount)
		return nil
	}
	msg := &DepositMessage{Pubkey: pubkey, WithdrawalCredentials: credentials, Amount: amount}
	// Deposits are valid across forks, so their domain has no fork.
	domain := ComputeDomain(DomainDeposit, t.GenesisForkVersion, Root{})
	root, err := t.signingRoot(st, msg, domain)
	if err != nil {
		return err
	}
	if t.verifyNow(pubkey, root, signature) {
		t.AddValidatorToRegistry(st, pubkey, credentials, amount)
	}
	return nil
}

// ProcessVoluntaryExit is process_voluntary_exit (last modified in electra;
// deneb fixed the signing domain, EIP-7044).
func (t *Transition) ProcessVoluntaryExit(st *BeaconState, e *SignedVoluntaryExit) error {
	exit := &e.Message
	if err := checkValidatorIndex(st, exit.ValidatorIndex); err != nil {
		return err
	}
	fork := t.StateFork(st)
	v := &st.Validators[exit.ValidatorIndex]
	current := t.GetCurrentEpoch(st)
	if !IsActiveValidator(v, current) {
		return invalidf("validator %d is not active", exit.ValidatorIndex)
	}
	if v.ExitEpoch != FarFutureEpoch {
		return invalidf("validator %d has already initiated its exit (exit epoch %d)", exit.ValidatorIndex, v.ExitEpoch)
	}
	if current < exit.Epoch {
		return invalidf("exit epoch %d is after the current epoch %d", exit.Epoch, current)
	}
	// An active validator has activation_epoch <= current, so the
	// difference cannot underflow.
	if current-v.ActivationEpoch < t.ShardCommitteePeriod {
		return invalidf("validator %d active since epoch %d, not yet %d epochs", exit.ValidatorIndex, v.ActivationEpoch, t.ShardCommitteePeriod)
	}
	// Electra (EIP-7251): a validator with partial withdrawals queued may
	// not exit.
	if fork >= Electra {
		if pending := GetPendingBalanceToWithdraw(st, exit.ValidatorIndex); pending != 0 {
			return invalidf("validator %d has %d Gwei of pending withdrawals", exit.ValidatorIndex, pending)
		}
	}
	var domain Domain
	if fork >= Deneb {
		// Deneb (EIP-7044): exits signed once stay valid across later
		// forks, so the domain is pinned to capella's fork version.
		domain = ComputeDomain(DomainVoluntaryExit, t.CapellaForkVersion, st.GenesisValidatorsRoot)
	} else {
		domain = t.GetDomain(st, DomainVoluntaryExit, exit.Epoch)
	}
	root, err := t.signingRoot(st, exit, domain)
	if err != nil {
		return err
	}
	if err := t.verifyValidator(st, exit.ValidatorIndex, root, e.Signature); err != nil {
		return err
	}
	return t.InitiateValidatorExit(st, exit.ValidatorIndex)
}
