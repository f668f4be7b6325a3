package gossip

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/quetzal-eth/quetzal/spec"
)

// ValidateBeaconAggregateAndProofGossip is
// validate_beacon_aggregate_and_proof_gossip (phase0 p2p-interface.md):
// the beacon_aggregate_and_proof topic. Deneb (EIP-7045) accepts
// aggregates of the current and previous epoch instead of the last
// ATTESTATION_PROPAGATION_SLOT_RANGE slots; electra (EIP-7549) takes the
// committee from the committee bits, which must name exactly one, and
// requires a zero data index.
func (v *Validator) ValidateBeaconAggregateAndProofGossip(fork spec.ForkName, signed *spec.SignedAggregateAndProof, nowMs uint64) error {
	s := v.Spec
	proof := &signed.Message
	aggregate := &proof.Aggregate
	data := &aggregate.Data
	index := data.Index

	if fork >= spec.Electra {
		// [REJECT] The aggregate attestation's data index is zero.
		if data.Index != 0 {
			return rejectf("aggregate data index %d is non-zero", data.Index)
		}
		// [REJECT] Exactly one committee is specified by the committee
		// bits.
		committees := spec.GetCommitteeIndices(aggregate.CommitteeBits)
		if len(committees) != 1 {
			return rejectf("aggregate committee bits name %d committees, not one", len(committees))
		}
		index = committees[0]
	}

	// [IGNORE] A valid aggregate with a superset of these aggregation bits
	// has not been seen.
	dataRoot, err := spec.HashTreeRoot(s.Schema(fork), data)
	if err != nil {
		return err
	}
	key := AggregateKey{DataRoot: dataRoot}
	if fork >= spec.Electra {
		key.CommitteeIndex = index
	}
	bits := bitlistBits(aggregate.AggregationBits)
	if isNonStrictSuperset(v.Seen.AggregateDataRoots[key], bits) {
		return ignoref("already seen aggregate for this data")
	}
	// [IGNORE] This is the first valid aggregate for this epoch and
	// aggregator.
	aggregatorKey := EpochIndex{data.Target.Epoch, proof.AggregatorIndex}
	if v.Seen.AggregatorEpochs[aggregatorKey] {
		return ignoref("already seen aggregate for epoch %d and aggregator %d", data.Target.Epoch, proof.AggregatorIndex)
	}
	// [IGNORE] The block being voted for has been seen (it may be queued).
	if _, ok := v.Store.Block(data.BeaconBlockRoot); !ok {
		return ignoref("block %s being voted for has not been seen", data.BeaconBlockRoot)
	}
	// [REJECT] The block being voted for passes validation.
	if _, ok := v.Store.BlockState(data.BeaconBlockRoot); !ok {
		return rejectf("block %s being voted for failed validation", data.BeaconBlockRoot)
	}

	state, err := v.headState()
	if err != nil {
		return err
	}
	// [REJECT] The committee index is within the expected range.
	if count := s.GetCommitteeCountPerSlot(state, data.Target.Epoch); uint64(index) >= count {
		return rejectf("committee index %d out of range, %d committees per slot", index, count)
	}
	if err := v.checkAttestationTime(fork, data.Slot, nowMs); err != nil {
		return err
	}
	// [REJECT] The aggregate attestation's epoch matches its target.
	if data.Target.Epoch != s.ComputeEpochAtSlot(data.Slot) {
		return rejectf("attestation epoch %d does not match target epoch %d", s.ComputeEpochAtSlot(data.Slot), data.Target.Epoch)
	}
	// [REJECT] The number of aggregation bits matches the committee size.
	committee, err := s.GetBeaconCommittee(state, data.Slot, index)
	if err != nil {
		return rejectf("committee %d of slot %d: %v", index, data.Slot, err)
	}
	if len(bits) != len(committee) {
		return rejectf("%d aggregation bits, committee size %d", len(bits), len(committee))
	}
	// [REJECT] The aggregate attestation has participants.
	attesting := attestingIndices(committee, bits)
	if len(attesting) < 1 {
		return rejectf("aggregate has no participants")
	}
	// [REJECT] The selection proof selects the validator as an aggregator.
	if !isAggregator(len(committee), proof.SelectionProof) {
		return rejectf("validator %d is not selected as aggregator", proof.AggregatorIndex)
	}
	// [REJECT] The aggregator is a member of the committee.
	if !slices.Contains(committee, proof.AggregatorIndex) {
		return rejectf("aggregator %d is not a member of the committee", proof.AggregatorIndex)
	}
	// [REJECT] The selection proof signature is valid.
	aggregator := &state.Validators[proof.AggregatorIndex]
	domain := s.GetDomain(state, spec.DomainSelectionProof, data.Target.Epoch)
	if !v.verify(aggregator.Pubkey, spec.ComputeSigningRoot(uint64Root(uint64(data.Slot)), domain), proof.SelectionProof) {
		return rejectf("invalid selection proof signature")
	}
	// [REJECT] The aggregator signature is valid.
	domain = s.GetDomain(state, spec.DomainAggregateAndProof, data.Target.Epoch)
	root, err := v.signingRoot(fork, proof, domain)
	if err != nil {
		return err
	}
	if !v.verify(aggregator.Pubkey, root, signed.Signature) {
		return rejectf("invalid aggregator signature")
	}
	// [REJECT] The aggregate signature is valid.
	indexed := &spec.IndexedAttestation{AttestingIndices: attesting, Data: *data, Signature: aggregate.Signature}
	if err := v.isValidIndexedAttestation(state, indexed); err != nil {
		return rejectf("invalid aggregate signature: %v", err)
	}
	// [REJECT] The target block is an ancestor of the LMD vote block.
	if v.getCheckpointBlock(data.BeaconBlockRoot, data.Target.Epoch) != data.Target.Root {
		return rejectf("target block %s is not an ancestor of LMD vote block %s", data.Target.Root, data.BeaconBlockRoot)
	}
	// [IGNORE] The finalized checkpoint is an ancestor of the block.
	if !v.isFinalizedAncestor(data.BeaconBlockRoot) {
		return ignoref("finalized checkpoint is not an ancestor of block %s", data.BeaconBlockRoot)
	}

	v.Seen.AggregatorEpochs[aggregatorKey] = true
	v.Seen.AggregateDataRoots[key] = append(v.Seen.AggregateDataRoots[key], bits)
	return nil
}

// ValidateBeaconAttestationGossip is validate_beacon_attestation_gossip
// (phase0 p2p-interface.md, modified in deneb): an unaggregated
// attestation on attestation subnet subnetID, before electra. Deneb
// (EIP-7045) accepts attestations of the current and previous epoch
// instead of the last ATTESTATION_PROPAGATION_SLOT_RANGE slots. From
// electra the topic carries SingleAttestation, which
// ValidateSingleAttestationGossip validates.
func (v *Validator) ValidateBeaconAttestationGossip(fork spec.ForkName, attestation *spec.Attestation, nowMs uint64, subnetID spec.SubnetID) error {
	if fork >= spec.Electra {
		return fmt.Errorf("gossip: %s attestation subnets carry SingleAttestation", fork)
	}
	s := v.Spec
	data := &attestation.Data
	index := data.Index
	targetEpoch := data.Target.Epoch

	state, err := v.checkSubnetAttestation(fork, data, index, subnetID, nowMs)
	if err != nil {
		return err
	}
	// [REJECT] The attestation is unaggregated: exactly one bit is set.
	bits := bitlistBits(attestation.AggregationBits)
	set := -1
	for i, bit := range bits {
		if bit {
			if set >= 0 {
				set = -2
				break
			}
			set = i
		}
	}
	if set < 0 {
		return rejectf("attestation is not unaggregated: %d bits set", attestation.AggregationBits.Count())
	}
	// [REJECT] The number of aggregation bits matches the committee size.
	committee, err := s.GetBeaconCommittee(state, data.Slot, index)
	if err != nil {
		return rejectf("committee %d of slot %d: %v", index, data.Slot, err)
	}
	if len(bits) != len(committee) {
		return rejectf("%d aggregation bits, committee size %d", len(bits), len(committee))
	}
	// [IGNORE] No other valid attestation was seen for this target epoch
	// and validator.
	key := EpochIndex{targetEpoch, committee[set]}
	if v.Seen.AttestationValidatorEpochs[key] {
		return ignoref("already seen attestation for epoch %d and validator %d", targetEpoch, key.Index)
	}
	// [REJECT] The attestation signature is valid.
	indexed := &spec.IndexedAttestation{AttestingIndices: attestingIndices(committee, bits), Data: *data, Signature: attestation.Signature}
	if err := v.isValidIndexedAttestation(state, indexed); err != nil {
		return rejectf("invalid attestation signature: %v", err)
	}
	if err := v.checkVoteAncestry(data); err != nil {
		return err
	}

	v.Seen.AttestationValidatorEpochs[key] = true
	return nil
}

// ValidateSingleAttestationGossip is validate_beacon_attestation_gossip as
// electra modifies it (EIP-7549): the attestation subnets carry
// SingleAttestation, which names its committee and attester.
func (v *Validator) ValidateSingleAttestationGossip(fork spec.ForkName, attestation *spec.SingleAttestation, nowMs uint64, subnetID spec.SubnetID) error {
	if fork < spec.Electra {
		return fmt.Errorf("gossip: %s attestation subnets carry Attestation", fork)
	}
	s := v.Spec
	data := &attestation.Data
	index := attestation.CommitteeIndex
	targetEpoch := data.Target.Epoch

	// [IGNORE] No other valid attestation was seen for this target epoch
	// and validator.
	key := EpochIndex{targetEpoch, attestation.AttesterIndex}
	if v.Seen.AttestationValidatorEpochs[key] {
		return ignoref("already seen attestation for epoch %d and validator %d", targetEpoch, attestation.AttesterIndex)
	}
	// [REJECT] The attestation's data index is zero.
	if data.Index != 0 {
		return rejectf("attestation data index %d is non-zero", data.Index)
	}
	state, err := v.checkSubnetAttestation(fork, data, index, subnetID, nowMs)
	if err != nil {
		return err
	}
	// [REJECT] The attester is a member of the committee.
	committee, err := s.GetBeaconCommittee(state, data.Slot, index)
	if err != nil {
		return rejectf("committee %d of slot %d: %v", index, data.Slot, err)
	}
	if !slices.Contains(committee, attestation.AttesterIndex) {
		return rejectf("attester %d is not a member of committee %d", attestation.AttesterIndex, index)
	}
	// [REJECT] The attestation signature is valid.
	attester := &state.Validators[attestation.AttesterIndex]
	domain := s.GetDomain(state, spec.DomainBeaconAttester, targetEpoch)
	root, err := v.signingRoot(fork, data, domain)
	if err != nil {
		return err
	}
	if !v.verify(attester.Pubkey, root, attestation.Signature) {
		return rejectf("invalid attestation signature")
	}
	if err := v.checkVoteAncestry(data); err != nil {
		return err
	}

	v.Seen.AttestationValidatorEpochs[key] = true
	return nil
}

// checkAttestationTime checks when an attestation or aggregate may be
// propagated: within ATTESTATION_PROPAGATION_SLOT_RANGE slots of its slot
// (phase0), or, from deneb (EIP-7045), not from a future slot and from the
// current or previous epoch.
func (v *Validator) checkAttestationTime(fork spec.ForkName, slot spec.Slot, nowMs uint64) error {
	if fork < spec.Deneb {
		// [IGNORE] The attestation's slot is within the propagation range
		// (it may be queued).
		if !v.isWithinSlotRange(slot, uint64(v.Spec.AttestationPropagationSlotRange), nowMs) {
			return ignoref("attestation slot %d not within propagation range", slot)
		}
		return nil
	}
	// [IGNORE] The attestation's slot is not from a future slot (it may
	// be queued).
	if v.isFutureSlot(slot, nowMs) {
		return ignoref("attestation slot %d is from a future slot", slot)
	}
	// [IGNORE] The attestation's epoch is the current or previous epoch.
	if epoch := v.Spec.ComputeEpochAtSlot(slot); !v.isCurrentOrPreviousEpoch(epoch, nowMs) {
		return ignoref("attestation epoch %d is not the current or previous epoch", epoch)
	}
	return nil
}

// checkVoteAncestry checks the last two conditions on an unaggregated
// attestation, on the chain of the block it votes for.
func (v *Validator) checkVoteAncestry(data *spec.AttestationData) error {
	// [REJECT] The attestation's target block is an ancestor of the LMD
	// vote block.
	if v.getCheckpointBlock(data.BeaconBlockRoot, data.Target.Epoch) != data.Target.Root {
		return rejectf("target block %s is not an ancestor of LMD vote block %s", data.Target.Root, data.BeaconBlockRoot)
	}
	// [IGNORE] The current finalized checkpoint is an ancestor of the
	// block.
	if !v.isFinalizedAncestor(data.BeaconBlockRoot) {
		return ignoref("finalized checkpoint is not an ancestor of block %s", data.BeaconBlockRoot)
	}
	return nil
}

// attestingIndices is get_attesting_indices of an attestation of one
// committee whose bits have been checked to match it: the members whose
// bit is set, sorted, as the spec's set is when it becomes an indexed
// attestation. Working from the committee the topic's rules chose, rather
// than from the head state's fork, keeps messages of a fork's topics under
// that fork's rules when the head is of another.
func attestingIndices(committee []spec.ValidatorIndex, bits Bits) []spec.ValidatorIndex {
	var out []spec.ValidatorIndex
	for i, member := range committee {
		if bits[i] {
			out = append(out, member)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// ComputeSubnetForAttestation is compute_subnet_for_attestation (phase0
// validator.md): the subnet of committee index of slot, when each slot
// has committeesPerSlot committees.
func ComputeSubnetForAttestation(s *spec.Spec, committeesPerSlot uint64, slot spec.Slot, index spec.CommitteeIndex) spec.SubnetID {
	slotsSinceEpochStart := uint64(slot) % uint64(s.SlotsPerEpoch)
	committeesSinceEpochStart := committeesPerSlot * slotsSinceEpochStart
	return spec.SubnetID((committeesSinceEpochStart + uint64(index)) % s.AttestationSubnetCount)
}

// isAggregator is is_aggregator (phase0 validator.md) for a committee of
// committeeSize members: whether the selection proof (the slot signature)
// selects its signer.
func isAggregator(committeeSize int, slotSignature spec.BLSSignature) bool {
	modulo := max(1, uint64(committeeSize)/spec.TargetAggregatorsPerCommittee)
	h := sha256.Sum256(slotSignature[:])
	return binary.LittleEndian.Uint64(h[:8])%modulo == 0
}

// checkSubnetAttestation holds the conditions that the beacon_attestation
// topic puts on an attestation's data in every fork (the phase0 Attestation
// and electra's SingleAttestation alike): the voted block is known and
// valid, the committee index and subnet are right, the slot is timely and
// the epoch matches the target. It returns the head state the remaining
// conditions are checked against.
func (v *Validator) checkSubnetAttestation(fork spec.ForkName, data *spec.AttestationData, index spec.CommitteeIndex, subnetID spec.SubnetID, nowMs uint64) (*spec.BeaconState, error) {
	s := v.Spec
	targetEpoch := data.Target.Epoch
	// [IGNORE] The block being voted for has been seen (it may be queued).
	if _, ok := v.Store.Block(data.BeaconBlockRoot); !ok {
		return nil, ignoref("block %s being voted for has not been seen", data.BeaconBlockRoot)
	}
	// [REJECT] The block being voted for passes validation.
	if _, ok := v.Store.BlockState(data.BeaconBlockRoot); !ok {
		return nil, rejectf("block %s being voted for failed validation", data.BeaconBlockRoot)
	}

	state, err := v.headState()
	if err != nil {
		return nil, err
	}
	// [REJECT] The committee index is within the expected range.
	perSlot := s.GetCommitteeCountPerSlot(state, targetEpoch)
	if uint64(index) >= perSlot {
		return nil, rejectf("committee index %d out of range, %d committees per slot", index, perSlot)
	}
	// [REJECT] The attestation is for the correct subnet.
	if want := ComputeSubnetForAttestation(s, perSlot, data.Slot, index); want != subnetID {
		return nil, rejectf("attestation is for subnet %d, not %d", want, subnetID)
	}
	if err := v.checkAttestationTime(fork, data.Slot, nowMs); err != nil {
		return nil, err
	}
	// [REJECT] The attestation's epoch matches its target.
	if targetEpoch != s.ComputeEpochAtSlot(data.Slot) {
		return nil, rejectf("attestation epoch %d does not match target epoch %d", s.ComputeEpochAtSlot(data.Slot), targetEpoch)
	}
	return state, nil
}
