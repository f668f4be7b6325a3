package gossip

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/quetzal-eth/quetzal/spec"
)

// ValidateSyncCommitteeContributionAndProofGossip is
// validate_sync_committee_contribution_and_proof_gossip (new in altair
// p2p-interface.md): the sync_committee_contribution_and_proof topic.
func (v *Validator) ValidateSyncCommitteeContributionAndProofGossip(fork spec.ForkName, signed *spec.SignedContributionAndProof, nowMs uint64) error {
	if fork < spec.Altair {
		return fmt.Errorf("gossip: no sync committee before altair")
	}
	s := v.Spec
	proof := &signed.Message
	contribution := &proof.Contribution
	size := int(s.SyncCommitteeSize / spec.SyncCommitteeSubnetCount)

	// [IGNORE] No valid contribution with the same slot, block root and
	// subcommittee whose bits are a superset of these was seen.
	key := ContributionKey{contribution.Slot, contribution.BeaconBlockRoot, contribution.SubcommitteeIndex}
	bits := bitvectorBits(contribution.AggregationBits, size)
	if isNonStrictSuperset(v.Seen.SyncContributionData[key], bits) {
		return ignoref("already seen contribution for this data")
	}
	// [IGNORE] This is the first valid contribution for the slot,
	// aggregator and subcommittee.
	aggregatorKey := SyncKey{contribution.Slot, proof.AggregatorIndex, contribution.SubcommitteeIndex}
	if v.Seen.SyncContributionAggregatorSlots[aggregatorKey] {
		return ignoref("already seen contribution from aggregator %d", proof.AggregatorIndex)
	}
	// [IGNORE] The contribution is for the current slot.
	if !v.isCurrentSlot(contribution.Slot, nowMs) {
		return ignoref("contribution slot %d is not the current slot", contribution.Slot)
	}
	// [REJECT] The subcommittee index is in the allowed range.
	if contribution.SubcommitteeIndex >= spec.SyncCommitteeSubnetCount {
		return rejectf("subcommittee index %d out of range", contribution.SubcommitteeIndex)
	}
	// [REJECT] The contribution has participants.
	if !slices.Contains(bits, true) {
		return rejectf("contribution has no participants")
	}
	// [REJECT] The selection proof selects the validator as an aggregator.
	if !IsSyncCommitteeAggregator(s, proof.SelectionProof) {
		return rejectf("validator %d is not selected as aggregator", proof.AggregatorIndex)
	}

	state, err := v.headState()
	if err != nil {
		return err
	}
	// [REJECT] The aggregator index is valid.
	if !checkIndex(state, proof.AggregatorIndex) {
		return rejectf("aggregator index %d out of range", proof.AggregatorIndex)
	}
	// [REJECT] The aggregator is a member of the subcommittee.
	pubkey := state.Validators[proof.AggregatorIndex].Pubkey
	subcommittee := GetSyncSubcommitteePubkeys(s, state, contribution.SubcommitteeIndex)
	member := false
	for _, pk := range subcommittee {
		if pk == pubkey {
			member = true
			break
		}
	}
	if !member {
		return rejectf("aggregator %d is not a member of subcommittee %d", proof.AggregatorIndex, contribution.SubcommitteeIndex)
	}
	epoch := s.ComputeEpochAtSlot(contribution.Slot)
	// [REJECT] The selection proof is a valid signature of the
	// SyncAggregatorSelectionData by the aggregator.
	selection := &spec.SyncAggregatorSelectionData{Slot: contribution.Slot, SubcommitteeIndex: contribution.SubcommitteeIndex}
	root, err := v.signingRoot(fork, selection, s.GetDomain(state, spec.DomainSyncCommitteeSelectionProof, epoch))
	if err != nil {
		return err
	}
	if !v.verify(pubkey, root, proof.SelectionProof) {
		return rejectf("invalid selection proof signature")
	}
	// [REJECT] The aggregator signature is valid.
	root, err = v.signingRoot(fork, proof, s.GetDomain(state, spec.DomainContributionAndProof, epoch))
	if err != nil {
		return err
	}
	if !v.verify(pubkey, root, signed.Signature) {
		return rejectf("invalid aggregator signature")
	}
	// [REJECT] The aggregate signature is valid for the block root and the
	// participants of the subcommittee.
	var participants []spec.BLSPubkey
	for i, bit := range bits {
		if bit && i < len(subcommittee) {
			participants = append(participants, subcommittee[i])
		}
	}
	domain := s.GetDomain(state, spec.DomainSyncCommittee, epoch)
	if !v.ethFastAggregateVerify(participants, spec.ComputeSigningRoot(contribution.BeaconBlockRoot, domain), contribution.Signature) {
		return rejectf("invalid aggregate signature")
	}

	v.Seen.SyncContributionAggregatorSlots[aggregatorKey] = true
	v.Seen.SyncContributionData[key] = append(v.Seen.SyncContributionData[key], bits)
	return nil
}

// ValidateSyncCommitteeMessageGossip is
// validate_sync_committee_message_gossip (new in altair
// p2p-interface.md): a message on sync committee subnet subnetID.
func (v *Validator) ValidateSyncCommitteeMessageGossip(fork spec.ForkName, message *spec.SyncCommitteeMessage, nowMs uint64, subnetID spec.SubnetID) error {
	if fork < spec.Altair {
		return fmt.Errorf("gossip: no sync committee before altair")
	}
	s := v.Spec
	// [IGNORE] No other valid message was seen for the slot and validator
	// on this subnet (the check is per topic, so a validator in several
	// subcommittees may send one per subnet).
	key := SyncKey{message.Slot, message.ValidatorIndex, uint64(subnetID)}
	if v.Seen.SyncMessageValidatorSlots[key] {
		return ignoref("already seen message from validator %d for slot %d on subnet %d", message.ValidatorIndex, message.Slot, subnetID)
	}
	// [IGNORE] The message is for the current slot.
	if !v.isCurrentSlot(message.Slot, nowMs) {
		return ignoref("message slot %d is not the current slot", message.Slot)
	}

	state, err := v.headState()
	if err != nil {
		return err
	}
	// [REJECT] The validator index is valid.
	if !checkIndex(state, message.ValidatorIndex) {
		return rejectf("validator index %d out of range", message.ValidatorIndex)
	}
	// [REJECT] The subnet is one of the validator's: it is in the sync
	// committee, in the subcommittee of this subnet.
	valid := false
	for _, subnet := range ComputeSubnetsForSyncCommittee(s, state, message.ValidatorIndex) {
		if subnet == subnetID {
			valid = true
			break
		}
	}
	if !valid {
		return rejectf("subnet %d is not valid for validator %d", subnetID, message.ValidatorIndex)
	}
	// [REJECT] The signature is valid.
	validator := &state.Validators[message.ValidatorIndex]
	domain := s.GetDomain(state, spec.DomainSyncCommittee, s.ComputeEpochAtSlot(message.Slot))
	if !v.verify(validator.Pubkey, spec.ComputeSigningRoot(message.BeaconBlockRoot, domain), message.Signature) {
		return rejectf("invalid sync committee message signature")
	}

	v.Seen.SyncMessageValidatorSlots[key] = true
	return nil
}

// syncCommitteeForNextSlot is the sync committee that signs at the slot
// after st's: members assigned to a slot sign for the slot before, so at
// the last slot of a period the next committee signs.
func syncCommitteeForNextSlot(s *spec.Spec, st *spec.BeaconState) *spec.SyncCommittee {
	period := s.GetCurrentEpoch(st) / s.EpochsPerSyncCommitteePeriod
	next := s.ComputeEpochAtSlot(st.Slot+1) / s.EpochsPerSyncCommitteePeriod
	if period == next {
		return &st.CurrentSyncCommittee
	}
	return &st.NextSyncCommittee
}

// GetSyncSubcommitteePubkeys is get_sync_subcommittee_pubkeys (altair
// p2p-interface.md): the pubkeys of one subcommittee of the sync committee
// that signs after st's slot.
func GetSyncSubcommitteePubkeys(s *spec.Spec, st *spec.BeaconState, subcommitteeIndex uint64) []spec.BLSPubkey {
	pubkeys := syncCommitteeForNextSlot(s, st).Pubkeys
	size := s.SyncCommitteeSize / spec.SyncCommitteeSubnetCount
	if subcommitteeIndex >= spec.SyncCommitteeSubnetCount {
		return nil
	}
	start := min(subcommitteeIndex*size, uint64(len(pubkeys)))
	end := min(start+size, uint64(len(pubkeys)))
	return pubkeys[start:end]
}

// ComputeSubnetsForSyncCommittee is compute_subnets_for_sync_committee
// (altair validator.md): the sync committee subnets of validator index,
// one per seat it holds in the committee that signs after st's slot, in
// increasing order and without repeats.
func ComputeSubnetsForSyncCommittee(s *spec.Spec, st *spec.BeaconState, index spec.ValidatorIndex) []spec.SubnetID {
	if !checkIndex(st, index) {
		return nil
	}
	target := st.Validators[index].Pubkey
	size := s.SyncCommitteeSize / spec.SyncCommitteeSubnetCount
	var out []spec.SubnetID
	for i, pk := range syncCommitteeForNextSlot(s, st).Pubkeys {
		if pk != target {
			continue
		}
		subnet := spec.SubnetID(uint64(i) / size)
		if len(out) == 0 || out[len(out)-1] != subnet {
			out = append(out, subnet)
		}
	}
	return out
}

// IsSyncCommitteeAggregator is is_sync_committee_aggregator (altair
// validator.md): whether a sync committee selection proof selects its
// signer as an aggregator.
func IsSyncCommitteeAggregator(s *spec.Spec, signature spec.BLSSignature) bool {
	modulo := max(1, s.SyncCommitteeSize/spec.SyncCommitteeSubnetCount/spec.TargetAggregatorsPerSyncSubcommittee)
	h := sha256.Sum256(signature[:])
	return binary.LittleEndian.Uint64(h[:8])%modulo == 0
}
