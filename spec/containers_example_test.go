package spec_test

import (
	"fmt"

	"github.com/quetzal-eth/quetzal/spec"
)

// Containers maps spec names to Go types, for tools that get a container's
// name at run time (a conformance test, a debugging command).
func ExampleContainers() {
	s := spec.Mainnet()
	data := make([]byte, 40) // an encoded Checkpoint: epoch, then root
	data[0] = 7

	newObj := spec.Containers(spec.Deneb)["Checkpoint"]
	obj := newObj()
	if err := spec.Unmarshal(s.Schema(spec.Deneb), data, obj); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(obj.(*spec.Checkpoint).Epoch)

	_, atPhase0 := spec.Containers(spec.Phase0)["SyncCommittee"]
	_, atAltair := spec.Containers(spec.Altair)["SyncCommittee"]
	fmt.Println(atPhase0, atAltair)
	// Output:
	// 7
	// false true
}
