package forkchoice_test

import (
	"fmt"

	"github.com/quetzal-eth/quetzal/forkchoice"
	"github.com/quetzal-eth/quetzal/spec"
)

// A store anchored at genesis: time passes, and with no blocks yet the
// head stays the genesis block.
func Example() {
	s := spec.Minimal()
	genesis, err := s.InteropGenesis(64, 1_600_000_000, nil)
	if err != nil {
		panic(err)
	}
	stateRoot, err := s.StateRoot(genesis)
	if err != nil {
		panic(err)
	}
	anchor := &spec.BeaconBlock{StateRoot: stateRoot}
	store, err := forkchoice.GetForkchoiceStore(s, genesis, anchor, forkchoice.Options{})
	if err != nil {
		panic(err)
	}

	// Two and a half slots after genesis.
	now := forkchoice.SecondsToMilliseconds(genesis.GenesisTime) + 2*s.SlotDurationMS + s.SlotDurationMS/2
	if err := store.OnTick(now); err != nil {
		panic(err)
	}
	head, err := store.GetHead()
	if err != nil {
		panic(err)
	}
	fmt.Println("slot", store.CurrentSlot())
	fmt.Println("head is genesis:", head == store.FinalizedCheckpoint().Root)
	// Output:
	// slot 2
	// head is genesis: true
}
