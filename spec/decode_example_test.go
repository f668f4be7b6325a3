package spec_test

import (
	"fmt"

	"github.com/quetzal-eth/quetzal/spec"
)

// A block read back from storage or a response carries no fork tag: its
// slot, at a fixed position in every fork's encoding, decides the layout.
func ExampleSpec_DecodeSignedBeaconBlock() {
	s := spec.Minimal()
	s.AltairForkEpoch = 1

	var block spec.SignedBeaconBlock
	block.Message.Slot = 9 // epoch 1 with 8 slots per epoch: altair
	block.Message.Body.SyncAggregate.SyncCommitteeBits = make([]byte, s.SyncCommitteeSize/8)
	data, err := spec.Marshal(s.Schema(spec.Altair), &block)
	if err != nil {
		fmt.Println(err)
		return
	}

	decoded, fork, err := s.DecodeSignedBeaconBlock(data)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(fork, decoded.Message.Slot)
	// Output: altair 9
}

// The fork digest that comes with a block (req/resp context bytes) names
// its fork; the block's slot must belong to that digest.
func ExampleSpec_DecodeSignedBeaconBlockWithDigest() {
	s := spec.Minimal()
	genesisValidatorsRoot := spec.Root{0x01}

	var block spec.SignedBeaconBlock
	block.Message.Slot = 3
	data, err := spec.Marshal(s.Schema(spec.Phase0), &block)
	if err != nil {
		fmt.Println(err)
		return
	}

	digest := s.ComputeForkDigest(genesisValidatorsRoot, 0)
	_, fork, err := s.DecodeSignedBeaconBlockWithDigest(data, digest, genesisValidatorsRoot)
	fmt.Println(fork, err)

	_, _, err = s.DecodeSignedBeaconBlockWithDigest(data, spec.ForkDigest{0xde, 0xad, 0xbe, 0xef}, genesisValidatorsRoot)
	fmt.Println(err)
	// Output:
	// phase0 <nil>
	// spec: unknown fork digest: 0xdeadbeef
}
