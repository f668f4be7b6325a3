package spec

import (
	"encoding/binary"
	"fmt"

	"github.com/quetzal-eth/quetzal/ssz"
)

// A BeaconState's encoding does not say which fork's layout it has. Its
// slot does, through the network's fork schedule: the slot is a fixed-size
// field at the same position in every fork (after genesis_time and
// genesis_validators_root), so it can be read before the layout is known.
// This is how a state fetched for checkpoint sync, or read back from
// storage, is decoded.

// beaconStateSlotOffset is the position of BeaconState.slot in the
// encoding: genesis_time (uint64) and genesis_validators_root (Root) come
// first.
const beaconStateSlotOffset = 8 + 32

// BeaconStateSlot returns the slot of an SSZ-encoded BeaconState of any
// fork without decoding the rest.
func BeaconStateSlot(data []byte) (Slot, error) {
	if len(data) < beaconStateSlotOffset+8 {
		return 0, fmt.Errorf("%w: BeaconState of %d bytes is too short to hold its slot", ssz.ErrSize, len(data))
	}
	return Slot(binary.LittleEndian.Uint64(data[beaconStateSlotOffset:])), nil
}

// BeaconStateFork returns the fork whose layout an SSZ-encoded BeaconState
// has on this network: the fork active at its slot.
func (s *Spec) BeaconStateFork(data []byte) (ForkName, error) {
	slot, err := BeaconStateSlot(data)
	if err != nil {
		return 0, err
	}
	return s.ForkAtSlot(slot), nil
}

// DecodeBeaconState decodes an SSZ-encoded BeaconState whose fork is known
// only from its slot, and returns it with that fork. Malformed data is an
// error, never a panic.
func (s *Spec) DecodeBeaconState(data []byte) (*BeaconState, ForkName, error) {
	fork, err := s.BeaconStateFork(data)
	if err != nil {
		return nil, 0, err
	}
	st := new(BeaconState)
	if err := Unmarshal(s.Schema(fork), data, st); err != nil {
		return nil, fork, fmt.Errorf("decoding %s BeaconState: %w", fork, err)
	}
	return st, fork, nil
}
