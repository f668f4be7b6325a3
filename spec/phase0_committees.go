package spec

// epochCommittees holds the committees of one epoch, from a single shuffle
// of its active validators. get_beacon_committee shuffles index by index,
// which is what the spec's functions do for every attestation; phase0's
// epoch processing reads the committees of thousands of pending
// attestations, so it shuffles each epoch once and slices.
type epochCommittees struct {
	// shuffled is the epoch's active validator indices in shuffled order:
	// compute_committee(indices, seed, i, count) is a slice of it.
	shuffled      []ValidatorIndex
	perSlot       uint64
	slotsPerEpoch uint64
}

// getEpochCommittees shuffles the active validators of epoch as
// get_beacon_committee does for each of its committees.
func (s *Spec) getEpochCommittees(st *BeaconState, epoch Epoch) *epochCommittees {
	indices := s.GetActiveValidatorIndices(st, epoch)
	ShuffleList(s, indices, s.GetSeed(st, epoch, DomainBeaconAttester))
	return &epochCommittees{
		shuffled:      indices,
		perSlot:       s.committeeCountPerSlot(uint64(len(indices))),
		slotsPerEpoch: uint64(s.SlotsPerEpoch),
	}
}

// committee is get_beacon_committee(state, slot, index) for a slot of the
// epoch. The returned slice is shared; do not change it.
func (c *epochCommittees) committee(slot Slot, index CommitteeIndex) ([]ValidatorIndex, error) {
	if uint64(index) >= c.perSlot {
		return nil, invalidf("committee index %d, slot %d has %d committees", index, slot, c.perSlot)
	}
	n := uint64(len(c.shuffled))
	count := c.perSlot * c.slotsPerEpoch
	i := (uint64(slot)%c.slotsPerEpoch)*c.perSlot + uint64(index)
	return c.shuffled[n*i/count : n*(i+1)/count], nil
}
