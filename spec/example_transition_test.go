package spec_test

import (
	"fmt"
	"os"

	"github.com/quetzal-eth/quetzal/spec"
)

// trustingEngine stands in for the execution client, which a node asks
// over the Engine API: it takes every payload as valid.
type trustingEngine struct{}

func (trustingEngine) VerifyAndNotifyNewPayload(*spec.NewPayloadRequest) (bool, error) {
	return true, nil
}

// Decode a state and a signed block, as read from disk or the network, run
// the state transition with the block's signatures verified in a batch,
// and read the post-state root. The network is a minimal-preset test
// network that starts in Fulu.
func ExampleTransition_StateTransition() {
	s := spec.Minimal()
	for f := spec.Altair; f <= spec.Fulu; f++ {
		s.SetForkEpoch(f, 0)
	}

	stateSSZ, err := os.ReadFile("testdata/example/pre.ssz")
	if err != nil {
		fmt.Println(err)
		return
	}
	blockSSZ, err := os.ReadFile("testdata/example/block.ssz")
	if err != nil {
		fmt.Println(err)
		return
	}
	// The fork of each, and so its layout, follows from its slot.
	state, _, err := s.DecodeBeaconState(stateSSZ)
	if err != nil {
		fmt.Println(err)
		return
	}
	block, fork, err := s.DecodeSignedBeaconBlock(blockSSZ)
	if err != nil {
		fmt.Println(err)
		return
	}

	tr := spec.NewTransition(s, trustingEngine{}) // signatures in a batch
	if err := tr.StateTransition(state, block, true); err != nil {
		fmt.Println(err)
		return
	}
	root, err := s.StateRoot(state)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(fork, "slot", state.Slot)
	fmt.Println("state root", root)
	// Output:
	// fulu slot 8
	// state root 0x0ed7dfd3395c117d991fd3d7b7fd06df17456e5946e2c5443d0f2b52672a26ab
}
