package gossip_test

import (
	"fmt"

	"github.com/quetzal-eth/quetzal/forkchoice"
	"github.com/quetzal-eth/quetzal/forkchoice/gossip"
	"github.com/quetzal-eth/quetzal/spec"
)

// Voluntary exits arriving one slot after genesis: one for a future epoch
// is ignored (it may be valid later), one from a validator that has not
// served SHARD_COMMITTEE_PERIOD epochs is rejected.
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
	store, err := forkchoice.GetForkchoiceStore(s, genesis, &spec.BeaconBlock{StateRoot: stateRoot}, forkchoice.Options{})
	if err != nil {
		panic(err)
	}
	v := gossip.NewValidator(s, store)
	now := store.GenesisTimeMs() + s.SlotDurationMS

	for _, exit := range []spec.VoluntaryExit{{Epoch: 5, ValidatorIndex: 3}, {Epoch: 0, ValidatorIndex: 3}} {
		err := v.ValidateVoluntaryExitGossip(spec.Phase0, &spec.SignedVoluntaryExit{Message: exit}, now)
		fmt.Println(gossip.KindOf(err), "-", err)
	}
	// Output:
	// ignore - ignore: voluntary exit epoch 5 is in the future
	// reject - reject: validator 3 has not been active long enough
}
