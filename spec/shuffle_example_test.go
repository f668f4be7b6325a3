package spec_test

import (
	"fmt"

	"github.com/quetzal-eth/quetzal/spec"
)

// One shuffle of the active validators gives every committee of an epoch:
// committee k of count is a contiguous slice of the shuffled list, as in
// compute_committee.
func ExampleShuffleList() {
	s := spec.Minimal()
	active := []spec.ValidatorIndex{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	var seed [32]byte // get_seed(state, epoch, DOMAIN_BEACON_ATTESTER) in practice

	shuffled := append([]spec.ValidatorIndex{}, active...)
	spec.ShuffleList(s, shuffled, seed)

	count := 2
	for k := 0; k < count; k++ {
		start, end := len(shuffled)*k/count, len(shuffled)*(k+1)/count
		fmt.Println("committee", k, shuffled[start:end])
	}
	i, _ := s.ComputeShuffledIndex(0, uint64(len(active)), seed)
	fmt.Println("first member", active[i])
	// Output:
	// committee 0 [9 5 7 4 1]
	// committee 1 [3 0 8 2 6]
	// first member 9
}
