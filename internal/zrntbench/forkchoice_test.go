package zrntbench

import (
	"encoding/binary"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/protolambda/zrnt/eth2/beacon/common"
	"github.com/protolambda/zrnt/eth2/configs"
	"github.com/protolambda/zrnt/eth2/forkchoice"
	"github.com/protolambda/zrnt/eth2/forkchoice/proto"
)

// zrnt's proto-array fork choice on the workload of forkchoice's
// benchmarks (forkchoice/bench_test.go), generated the same way from the
// same seeds: a tree of ten thousand blocks, a million validators voting
// in the committees of an epoch. Differences of zrnt's model:
//
//   - Skipped slots are nodes too, so the tree has about a tenth more.
//   - A vote names a block and a slot, and counts as newer when that
//     slot's epoch is later, so votes are for the blocks of each new
//     epoch at their own slots (zrnt refuses a vote at a slot after the
//     block's), as in forkchoice's benchmark.
//   - Votes come one validator at a time, as its API takes them.
//   - There is no proposer boost, and its viability filter is the older
//     one (justified and finalized epochs equal to the store's).

const (
	fcBlocks     = 10_000
	fcSlots      = 32
	fcCommittees = 64
)

func fcRoot(rng *rand.Rand) common.Root {
	var r common.Root
	for i := range r {
		r[i] = byte(rng.Uint32())
	}
	return r
}

type fcTree struct {
	roots   []common.Root
	parents []int
	slots   []common.Slot
}

func makeFCTree(n int) fcTree {
	rng := rand.New(rand.NewPCG(7, 7))
	t := fcTree{roots: []common.Root{fcRoot(rng)}, parents: []int{-1}, slots: []common.Slot{0}}
	for i := 1; i < n; i++ {
		parent := i - 1
		if rng.IntN(10) == 0 {
			parent = i - 1 - rng.IntN(min(i, 8))
		}
		slot := max(t.slots[i-1], t.slots[parent]) + 1
		if rng.IntN(10) == 0 {
			slot++
		}
		t.roots = append(t.roots, fcRoot(rng))
		t.parents = append(t.parents, parent)
		t.slots = append(t.slots, slot)
	}
	return t
}

func fcCommitteesOf(validators int) [][]common.ValidatorIndex {
	rng := rand.New(rand.NewPCG(8, 8))
	perm := rng.Perm(validators)
	out := make([][]common.ValidatorIndex, fcSlots*fcCommittees)
	for i, v := range perm {
		c := i % len(out)
		out[c] = append(out[c], common.ValidatorIndex(v))
	}
	for _, c := range out {
		slices.Sort(c)
	}
	return out
}

func fcBalances(validators int) []common.Gwei {
	rng := rand.New(rand.NewPCG(9, 9))
	out := make([]common.Gwei, validators)
	for i := range out {
		out[i] = 32_000_000_000
		if rng.IntN(10) == 0 {
			out[i] = common.Gwei(16+rng.IntN(16)) * 1_000_000_000
		}
	}
	return out
}

type zrntSetup struct {
	fc         forkchoice.Forkchoice
	tree       fcTree
	committees [][]common.ValidatorIndex
	last       common.Root
	lastSlot   common.Slot
}

func newZrntSetup(b *testing.B, committees [][]common.ValidatorIndex) *zrntSetup {
	b.Helper()
	tree := makeFCTree(fcBlocks)
	cp := common.Checkpoint{Root: tree.roots[0]}
	fc, err := proto.NewProtoForkChoice(configs.Mainnet, cp, cp, tree.roots[0], 0, common.Root{}, fcBalances(numValidators), nil)
	if err != nil {
		b.Fatal(err)
	}
	for i := 1; i < len(tree.roots); i++ {
		if !fc.ProcessBlock(tree.roots[tree.parents[i]], tree.roots[i], tree.slots[i], 0, 0) {
			b.Fatalf("block %d refused", i)
		}
	}
	rng := rand.New(rand.NewPCG(10, 10))
	for _, c := range committees {
		j := len(tree.roots) - 1 - rng.IntN(64)
		for _, v := range c {
			fc.ProcessAttestation(v, tree.roots[j], tree.slots[j])
		}
	}
	if _, err := fc.Head(); err != nil {
		b.Fatal(err)
	}
	return &zrntSetup{fc: fc, tree: tree, committees: committees,
		last: tree.roots[len(tree.roots)-1], lastSlot: tree.slots[len(tree.slots)-1]}
}

var (
	committeesOnce sync.Once
	committees     [][]common.ValidatorIndex
)

// benchCommittees returns the committees of an epoch, made once per
// process.
func benchCommittees() [][]common.ValidatorIndex {
	committeesOnce.Do(func() { committees = fcCommitteesOf(numValidators) })
	return committees
}

// BenchmarkZrntProtoArrayEpochOfVotes is forkchoice's
// BenchmarkProtoArrayEpochOfVotes on zrnt.
func BenchmarkZrntProtoArrayEpochOfVotes(b *testing.B) {
	zs := newZrntSetup(b, benchCommittees())
	rng := rand.New(rand.NewPCG(11, 11))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		var blocks []common.Root
		var slots []common.Slot
		prev, grand := zs.last, zs.last
		for range fcSlots {
			zs.lastSlot++
			root := fcRoot(rng)
			parent := prev
			if rng.IntN(8) == 0 {
				parent = grand
			}
			if !zs.fc.ProcessBlock(parent, root, zs.lastSlot, 0, 0) {
				b.Fatal("block refused")
			}
			grand, prev = prev, root
			blocks, slots = append(blocks, root), append(slots, zs.lastSlot)
		}
		zs.last = prev
		if _, err := zs.fc.Head(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		for i, c := range zs.committees {
			for _, v := range c {
				zs.fc.ProcessAttestation(v, blocks[i%fcSlots], slots[i%fcSlots])
			}
		}
		if _, err := zs.fc.Head(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkZrntProtoArrayOnBlock is forkchoice's BenchmarkProtoArrayOnBlock
// on zrnt, without a proposer boost: a block on the head, and the head.
// Every 1000 blocks the fork choice is built anew, outside the timing.
func BenchmarkZrntProtoArrayOnBlock(b *testing.B) {
	zs := newZrntSetup(b, benchCommittees())
	rng := rand.New(rand.NewPCG(12, 12))
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if i%1000 == 0 && i > 0 {
			b.StopTimer()
			zs = newZrntSetup(b, benchCommittees())
			b.StartTimer()
		}
		head, err := zs.fc.Head()
		if err != nil {
			b.Fatal(err)
		}
		root := fcRoot(rng)
		// zrnt adds a node for the parent at the block's slot, the block
		// not included, which competes with the block for the head; the
		// block wins the tie by its root, greater than its parent's.
		root[0] = 0xff
		binary.BigEndian.PutUint64(root[1:], uint64(i))
		if !zs.fc.ProcessBlock(head.Root, root, head.Slot+1, 0, 0) {
			b.Fatal("block refused")
		}
		if got, err := zs.fc.Head(); err != nil || got.Root != root {
			b.Fatalf("head %v (%v), want the new block", got, err)
		}
	}
}

// BenchmarkZrntProtoArrayGetHeadNoChange is forkchoice's
// BenchmarkProtoArrayGetHeadNoChange on zrnt.
func BenchmarkZrntProtoArrayGetHeadNoChange(b *testing.B) {
	zs := newZrntSetup(b, benchCommittees())
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := zs.fc.Head(); err != nil {
			b.Fatal(err)
		}
	}
}
