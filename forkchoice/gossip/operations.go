package gossip

import (
	"crypto/sha256"

	"github.com/quetzal-eth/quetzal/spec"
)

// ValidateVoluntaryExitGossip is validate_voluntary_exit_gossip (phase0
// p2p-interface.md): the voluntary_exit topic. From deneb (EIP-7044) the
// signature is checked under the capella fork version, as
// process_voluntary_exit does.
func (v *Validator) ValidateVoluntaryExitGossip(fork spec.ForkName, signed *spec.SignedVoluntaryExit, nowMs uint64) error {
	s := v.Spec
	exit := &signed.Message
	index := exit.ValidatorIndex

	// [IGNORE] The voluntary exit is the first valid one received for the
	// validator.
	if v.Seen.VoluntaryExitIndices[index] {
		return ignoref("already seen voluntary exit for validator %d", index)
	}
	// [IGNORE] The voluntary exit epoch is not in the future.
	if v.isFutureEpoch(exit.Epoch, nowMs) {
		return ignoref("voluntary exit epoch %d is in the future", exit.Epoch)
	}

	state, err := v.headState()
	if err != nil {
		return err
	}
	// [REJECT] The validator index is valid.
	if !checkIndex(state, index) {
		return rejectf("validator index %d out of range", index)
	}
	validator := &state.Validators[index]
	current := s.GetCurrentEpoch(state)
	// [IGNORE] The validator has not already initiated exit.
	if validator.ExitEpoch != spec.FarFutureEpoch {
		return ignoref("validator %d has already initiated exit", index)
	}
	// [REJECT] The validator is active.
	if !spec.IsActiveValidator(validator, current) {
		return rejectf("validator %d is not active", index)
	}
	// [REJECT] The validator has been active long enough. Active means
	// activated by the current epoch, so the sum cannot overflow.
	if current < validator.ActivationEpoch+s.ShardCommitteePeriod {
		return rejectf("validator %d has not been active long enough", index)
	}
	// [REJECT] The signature is valid.
	domain := s.GetDomain(state, spec.DomainVoluntaryExit, exit.Epoch)
	if fork >= spec.Deneb {
		domain = spec.ComputeDomain(spec.DomainVoluntaryExit, s.CapellaForkVersion, state.GenesisValidatorsRoot)
	}
	root, err := v.signingRoot(fork, exit, domain)
	if err != nil {
		return err
	}
	if !v.verify(validator.Pubkey, root, signed.Signature) {
		return rejectf("invalid voluntary exit signature")
	}

	v.Seen.VoluntaryExitIndices[index] = true
	return nil
}

// ValidateProposerSlashingGossip is validate_proposer_slashing_gossip
// (phase0 p2p-interface.md): the proposer_slashing topic.
func (v *Validator) ValidateProposerSlashingGossip(fork spec.ForkName, slashing *spec.ProposerSlashing) error {
	s := v.Spec
	header1 := &slashing.SignedHeader1.Message
	header2 := &slashing.SignedHeader2.Message
	index := header1.ProposerIndex

	// [IGNORE] The proposer slashing is the first valid one received for
	// this proposer.
	if v.Seen.ProposerSlashingIndices[index] {
		return ignoref("already seen proposer slashing for proposer %d", index)
	}
	// [REJECT] The header slots match.
	if header1.Slot != header2.Slot {
		return rejectf("header slots %d and %d do not match", header1.Slot, header2.Slot)
	}
	// [REJECT] The header proposer indices match.
	if header1.ProposerIndex != header2.ProposerIndex {
		return rejectf("header proposer indices %d and %d do not match", header1.ProposerIndex, header2.ProposerIndex)
	}
	// [REJECT] The headers are different.
	if *header1 == *header2 {
		return rejectf("headers are not different")
	}

	state, err := v.headState()
	if err != nil {
		return err
	}
	// [REJECT] The proposer index is a valid validator index.
	if !checkIndex(state, index) {
		return rejectf("proposer index %d out of range", index)
	}
	// [REJECT] The proposer is slashable.
	proposer := &state.Validators[index]
	if !spec.IsSlashableValidator(proposer, s.GetCurrentEpoch(state)) {
		return rejectf("proposer %d is not slashable", index)
	}
	// [REJECT] The signatures are valid.
	for _, signed := range []*spec.SignedBeaconBlockHeader{&slashing.SignedHeader1, &slashing.SignedHeader2} {
		domain := s.GetDomain(state, spec.DomainBeaconProposer, s.ComputeEpochAtSlot(signed.Message.Slot))
		root, err := v.signingRoot(fork, &signed.Message, domain)
		if err != nil {
			return err
		}
		if !v.verify(proposer.Pubkey, root, signed.Signature) {
			return rejectf("invalid proposer slashing signature")
		}
	}

	v.Seen.ProposerSlashingIndices[index] = true
	return nil
}

// ValidateAttesterSlashingGossip is validate_attester_slashing_gossip
// (phase0 p2p-interface.md): the attester_slashing topic.
func (v *Validator) ValidateAttesterSlashingGossip(fork spec.ForkName, slashing *spec.AttesterSlashing) error {
	s := v.Spec
	attestation1 := &slashing.Attestation1
	attestation2 := &slashing.Attestation2

	// The spec's slashable_indices, the intersection of the attesters.
	in1 := map[spec.ValidatorIndex]bool{}
	for _, index := range attestation1.AttestingIndices {
		in1[index] = true
	}
	var slashable []spec.ValidatorIndex
	inBoth := map[spec.ValidatorIndex]bool{}
	for _, index := range attestation2.AttestingIndices {
		if in1[index] && !inBoth[index] {
			inBoth[index] = true
			slashable = append(slashable, index)
		}
	}

	// [IGNORE] At least one index in the intersection has not been seen.
	fresh := false
	for _, index := range slashable {
		if !v.Seen.AttesterSlashingIndices[index] {
			fresh = true
			break
		}
	}
	if !fresh {
		return ignoref("all attester slashing indices already seen")
	}
	// [REJECT] The attestation data is slashable (a double or surround
	// vote).
	if !spec.IsSlashableAttestationData(&attestation1.Data, &attestation2.Data) {
		return rejectf("attestation data is not slashable")
	}

	state, err := v.headState()
	if err != nil {
		return err
	}
	for i, attestation := range []*spec.IndexedAttestation{attestation1, attestation2} {
		// [REJECT] All validator indices in the indexed attestation are
		// valid.
		for _, index := range attestation.AttestingIndices {
			if !checkIndex(state, index) {
				return rejectf("validator index %d out of range in indexed attestation %d", index, i+1)
			}
		}
		// [REJECT] The indexed attestation has valid properties.
		if err := v.isValidIndexedAttestation(state, attestation); err != nil {
			return rejectf("invalid indexed attestation %d: %v", i+1, err)
		}
	}
	// [REJECT] At least one validator in the intersection is slashable.
	current := s.GetCurrentEpoch(state)
	slashableAny := false
	for _, index := range slashable {
		if spec.IsSlashableValidator(&state.Validators[index], current) {
			slashableAny = true
			break
		}
	}
	if !slashableAny {
		return rejectf("no slashable validators in intersection")
	}

	for _, index := range slashable {
		v.Seen.AttesterSlashingIndices[index] = true
	}
	return nil
}

// ValidateBLSToExecutionChangeGossip is
// validate_bls_to_execution_change_gossip (new in capella
// p2p-interface.md): the bls_to_execution_change topic.
func (v *Validator) ValidateBLSToExecutionChangeGossip(fork spec.ForkName, signed *spec.SignedBLSToExecutionChange, nowMs uint64) error {
	s := v.Spec
	change := &signed.Message
	index := change.ValidatorIndex

	// [IGNORE] This is the first valid change received for the validator.
	if v.Seen.BLSToExecutionChangeIndices[index] {
		return ignoref("already seen BLS to execution change for validator %d", index)
	}
	// [IGNORE] The current epoch is at or after the capella fork epoch.
	if v.isFutureEpoch(s.CapellaForkEpoch, nowMs) {
		return ignoref("current epoch is before the capella fork epoch %d", s.CapellaForkEpoch)
	}

	state, err := v.headState()
	if err != nil {
		return err
	}
	// [REJECT] The validator index is valid.
	if !checkIndex(state, index) {
		return rejectf("validator index %d out of range", index)
	}
	validator := &state.Validators[index]
	// [REJECT] The validator has BLS withdrawal credentials.
	if validator.WithdrawalCredentials[0] != spec.BLSWithdrawalPrefix {
		return rejectf("validator %d does not have BLS withdrawal credentials", index)
	}
	// [REJECT] The change is for the validator's withdrawal pubkey.
	pubkeyHash := sha256.Sum256(change.FromBLSPubkey[:])
	if [31]byte(validator.WithdrawalCredentials[1:]) != [31]byte(pubkeyHash[1:]) {
		return rejectf("pubkey does not match the withdrawal credentials of validator %d", index)
	}
	// [REJECT] The signature is valid. The domain is the genesis fork's,
	// so that a change signed once stays valid on every fork.
	domain := spec.ComputeDomain(spec.DomainBLSToExecutionChange, s.GenesisForkVersion, state.GenesisValidatorsRoot)
	root, err := v.signingRoot(fork, change, domain)
	if err != nil {
		return err
	}
	if !v.verify(change.FromBLSPubkey, root, signed.Signature) {
		return rejectf("invalid BLS to execution change signature")
	}

	v.Seen.BLSToExecutionChangeIndices[index] = true
	return nil
}
