package forkchoice_test

import (
	"fmt"

	"github.com/quetzal-eth/quetzal/forkchoice"
	"github.com/quetzal-eth/quetzal/spec"
)

// Fast is anchored like the spec's store and answers like it; a node
// keeps one, and a test may run it beside the store with Checked.
func ExampleNewFast() {
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
	fc, err := forkchoice.NewFast(s, genesis, anchor, forkchoice.Options{})
	if err != nil {
		panic(err)
	}
	if err := fc.OnTick(forkchoice.SecondsToMilliseconds(genesis.GenesisTime) + 3*s.SlotDurationMS); err != nil {
		panic(err)
	}
	head, err := fc.GetHead()
	if err != nil {
		panic(err)
	}
	weight, err := fc.GetWeight(head)
	if err != nil {
		panic(err)
	}
	fmt.Println("slot", fc.CurrentSlot())
	fmt.Println("head is the anchor:", head == fc.JustifiedCheckpoint().Root, "weight", weight)
	// Output:
	// slot 3
	// head is the anchor: true weight 0
}
