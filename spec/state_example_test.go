package spec_test

import (
	"fmt"

	"github.com/quetzal-eth/quetzal/spec"
)

// stateExampleEmpty returns a state of the given fork with its vectors sized, as
// a genesis state would have them.
func stateExampleEmpty(s *spec.Schema, slot spec.Slot) *spec.BeaconState {
	st := &spec.BeaconState{
		Slot:              slot,
		BlockRoots:        make([]spec.Root, s.SlotsPerHistoricalRoot),
		StateRoots:        make([]spec.Root, s.SlotsPerHistoricalRoot),
		RandaoMixes:       make([]spec.Root, s.EpochsPerHistoricalVector),
		Slashings:         make([]spec.Gwei, s.EpochsPerSlashingsVector),
		JustificationBits: make([]byte, 1),
	}
	if s.Fork >= spec.Altair {
		st.CurrentSyncCommittee.Pubkeys = make([]spec.BLSPubkey, s.SyncCommitteeSize)
		st.NextSyncCommittee.Pubkeys = make([]spec.BLSPubkey, s.SyncCommitteeSize)
	}
	if s.Fork >= spec.Bellatrix {
		st.LatestExecutionPayloadHeader.LogsBloom = make([]byte, s.BytesPerLogsBloom)
	}
	if s.Fork >= spec.Fulu {
		st.ProposerLookahead = make([]spec.ValidatorIndex, uint64(s.MinSeedLookahead+1)*uint64(s.SlotsPerEpoch))
	}
	return st
}

// A state read from disk or fetched for checkpoint sync does not say which
// fork's layout it has; its slot and the network's fork schedule do.
func ExampleSpec_DecodeBeaconState() {
	s := spec.Minimal()
	s.AltairForkEpoch, s.BellatrixForkEpoch = 1, 2 // a test network's schedule

	slot := 2*s.SlotsPerEpoch + 3
	fork := s.ForkAtSlot(slot)
	data, err := spec.Marshal(s.Schema(fork), stateExampleEmpty(s.Schema(fork), slot))
	if err != nil {
		fmt.Println(err)
		return
	}

	st, decodedFork, err := s.DecodeBeaconState(data)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(decodedFork, st.Slot)

	_, _, err = s.DecodeBeaconState(data[:20])
	fmt.Println(err != nil)
	// Output:
	// bellatrix 19
	// true
}
