package spec

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSortedUnique compares sortedUnique with a sort and compaction on
// dense, sparse, repeated and short lists of indices.
func TestSortedUnique(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	lists := map[string][]ValidatorIndex{"empty": nil, "one": {7}}
	for _, n := range []int{10, 63, 64, 65, 1000, 30000} {
		dense := make([]ValidatorIndex, n)
		sparse := make([]ValidatorIndex, n)
		repeated := make([]ValidatorIndex, n)
		for i := range n {
			dense[i] = ValidatorIndex(500_000 + r.IntN(2*n))
			sparse[i] = ValidatorIndex(r.Uint64())
			repeated[i] = ValidatorIndex(r.IntN(n/4 + 1))
		}
		dense[0], dense[n-1] = 500_000, 500_000+ValidatorIndex(2*n) // the ends of the range
		lists["dense"+string(rune('a'+len(lists)))] = dense
		lists["sparse"+string(rune('a'+len(lists)))] = sparse
		lists["repeated"+string(rune('a'+len(lists)))] = repeated
	}
	lists["max"] = []ValidatorIndex{^ValidatorIndex(0), 0, ^ValidatorIndex(0) - 1}
	wide := make([]ValidatorIndex, 100)
	wide[0], wide[1] = ^ValidatorIndex(0), 0
	lists["widest"] = wide
	for name, list := range lists {
		want := slices.Clone(list)
		slices.Sort(want)
		want = slices.Compact(want)
		if got := sortedUnique(slices.Clone(list)); !slices.Equal(got, want) {
			t.Errorf("%s: sortedUnique differs from a sort (%d vs %d indices)", name, len(got), len(want))
		}
	}
}
