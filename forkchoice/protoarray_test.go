package forkchoice

import (
	"math/rand/v2"
	"testing"

	"github.com/quetzal-eth/quetzal/spec"
)

// chainArray returns a proto-array of n blocks, each the child of the
// one before, with roots 1, 2, ... in their first byte, and balances of
// validators validators.
func chainArray(n, validators int, balance uint64) (*protoArray, []spec.Root) {
	pa := newProtoArray(spec.Minimal())
	var roots []spec.Root
	var parent spec.Root
	for i := range n {
		root := spec.Root{byte(i + 1)}
		pa.addBlock(root, parent, spec.Slot(i), 0, 0, false)
		roots = append(roots, root)
		parent = root
	}
	pa.setCheckpoints(spec.Checkpoint{Root: roots[0]}, spec.Checkpoint{Root: roots[0]}, 0)
	balances := make([]uint64, validators)
	for i := range balances {
		balances[i] = balance
	}
	pa.setBalances(balances)
	return pa, roots
}

// A later target replaces a validator's vote, an earlier or equal one
// does not, also for epochs that do not fit the vote's 32 bits.
func TestProtoArrayVoteEpochs(t *testing.T) {
	pa, roots := chainArray(2, 1, 7)
	a, b := roots[0], roots[1]
	steps := []struct {
		root  spec.Root
		epoch spec.Epoch
		want  spec.Root // the block the vote is for afterwards
	}{
		{a, 5, a},
		{b, 5, a},
		{b, 6, b},
		{a, 1<<32 - 3, a},
		{b, 1<<32 - 3, a},
		{b, 1<<32 - 2, b}, // epoch + 1 is the largest vote.epoch1
		{a, 1<<32 - 2, b},
		{a, 1 << 32, a},
		{b, 1 << 32, a},
		{b, 1 << 40, b},
		{a, 7, b},
		{a, 1<<40 + 1, a},
	}
	for i, step := range steps {
		pa.processAttestation([]spec.ValidatorIndex{0}, step.root, step.epoch)
		wa, _ := pa.weight(a)
		wb, _ := pa.weight(b)
		onB := step.want == b
		if wa != 7 || (wb == 7) != onB {
			t.Fatalf("step %d (epoch %d): weights %d and %d, want the vote on block %d", i, step.epoch, wa, wb, step.want[0])
		}
	}
}

// An equivocating validator's vote stops counting, and later votes are
// ignored.
func TestProtoArrayEquivocation(t *testing.T) {
	pa, roots := chainArray(2, 3, 10)
	pa.processAttestation([]spec.ValidatorIndex{0, 1, 2}, roots[1], 1)
	if w, _ := pa.weight(roots[0]); w != 30 {
		t.Fatalf("weight %d, want 30", w)
	}
	pa.setEquivocating(1)
	pa.setEquivocating(5) // not yet voted, not in the balances
	if w, _ := pa.weight(roots[0]); w != 20 {
		t.Fatalf("weight %d after an equivocation, want 20", w)
	}
	pa.processAttestation([]spec.ValidatorIndex{1, 5}, roots[1], 2)
	if w, _ := pa.weight(roots[1]); w != 20 {
		t.Fatalf("weight %d after votes of equivocating validators, want 20", w)
	}
}

// With many validators voting in turns, whether the changed votes are
// followed one by one or all votes are swept, every block's weight is the
// sum of the balances of the votes in its subtree.
func TestProtoArrayManyVotes(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const validators = 5000
	pa := newProtoArray(spec.Minimal())
	var roots []spec.Root
	parents := []int{-1}
	roots = append(roots, spec.Root{1})
	pa.addBlock(roots[0], spec.Root{}, 0, 0, 0, false)
	for i := 1; i < 60; i++ {
		p := rng.IntN(i)
		root := spec.Root{byte(i + 1), byte(rng.Uint32())}
		pa.addBlock(root, roots[p], spec.Slot(i), 0, 0, false)
		roots = append(roots, root)
		parents = append(parents, p)
	}
	pa.setCheckpoints(spec.Checkpoint{Root: roots[0]}, spec.Checkpoint{Root: roots[0]}, 0)
	balances := make([]uint64, validators)
	for i := range balances {
		balances[i] = uint64(1 + rng.IntN(32))
	}
	pa.setBalances(balances)
	votes := make([]int, validators)
	voted := make([]bool, validators) // in this round
	for i := range votes {
		votes[i] = -1
	}
	for round := range 30 {
		// From a few votes to most validators, so that both ways of
		// applying them run.
		n := 1 + rng.IntN(validators/(1+round%5*20))
		clear(voted)
		for range n {
			v := rng.IntN(validators)
			node := rng.IntN(len(roots))
			pa.processAttestation([]spec.ValidatorIndex{spec.ValidatorIndex(v)}, roots[node], spec.Epoch(round))
			// A second vote with the same target does not count.
			if !voted[v] {
				votes[v], voted[v] = node, true
			}
		}
		want := make([]uint64, len(roots))
		for v, node := range votes {
			for ; node >= 0; node = parents[node] {
				want[node] += balances[v]
			}
		}
		for i, root := range roots {
			if got, _ := pa.weight(root); got != want[i] {
				t.Fatalf("round %d (%d votes): weight of block %d is %d, want %d", round, n, i, got, want[i])
			}
		}
	}
}
