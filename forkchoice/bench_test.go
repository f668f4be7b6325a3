package forkchoice

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/quetzal-eth/quetzal/spec"
)

// Benchmarks of Fast's proto-array with a million validators and a block
// tree of ten thousand blocks, the size of a chain that has not finalized
// for about a day and a half. The blocks are synthetic (no state
// transition): a chain with a fork off a recent block every tenth block
// and a skipped slot every tenth slot. Votes come as attestations of
// committees: every validator once an epoch, in 32 slots of 64
// committees, sorted as indexed attestations are.
//
// internal/zrntbench runs zrnt's proto-array on the same tree and votes;
// run both in one invocation, one package at a time:
//
//	go test -p 1 -run '^$' -bench 'ProtoArray|FastGetHead' -count 3 ./forkchoice ./internal/zrntbench

const (
	benchValidators = 1_000_000
	benchBlocks     = 10_000
	benchSlots      = 32 // mainnet SLOTS_PER_EPOCH
	benchCommittees = 64 // committees per slot at a million validators
)

// benchTree is the synthetic block tree: block i has parent parents[i]
// (-1 for the first) and slot slots[i].
type benchTree struct {
	roots   []spec.Root
	parents []int
	slots   []spec.Slot
}

func benchRoot(rng *rand.Rand) spec.Root {
	var r spec.Root
	for i := range r {
		r[i] = byte(rng.Uint32())
	}
	return r
}

func makeBenchTree(n int) benchTree {
	rng := rand.New(rand.NewPCG(7, 7))
	t := benchTree{roots: []spec.Root{benchRoot(rng)}, parents: []int{-1}, slots: []spec.Slot{0}}
	for i := 1; i < n; i++ {
		parent := i - 1
		if rng.IntN(10) == 0 {
			parent = i - 1 - rng.IntN(min(i, 8))
		}
		slot := max(t.slots[i-1], t.slots[parent]) + 1
		if rng.IntN(10) == 0 {
			slot++
		}
		t.roots = append(t.roots, benchRoot(rng))
		t.parents = append(t.parents, parent)
		t.slots = append(t.slots, slot)
	}
	return t
}

// benchCommitteesOf splits the validators into the committees of an
// epoch, each sorted.
func benchCommitteesOf(validators int) [][]spec.ValidatorIndex {
	rng := rand.New(rand.NewPCG(8, 8))
	perm := rng.Perm(validators)
	out := make([][]spec.ValidatorIndex, benchSlots*benchCommittees)
	for i, v := range perm {
		c := i % len(out)
		out[c] = append(out[c], spec.ValidatorIndex(v))
	}
	for _, c := range out {
		slices.Sort(c)
	}
	return out
}

// benchBalances are effective balances of 32 ETH, a tenth of them lower.
func benchBalances(validators int) []uint64 {
	rng := rand.New(rand.NewPCG(9, 9))
	out := make([]uint64, validators)
	for i := range out {
		out[i] = 32_000_000_000
		if rng.IntN(10) == 0 {
			out[i] = uint64(16+rng.IntN(16)) * 1_000_000_000
		}
	}
	return out
}

// benchSetup is a proto-array holding the tree, with every validator
// having voted once for one of the last blocks.
type benchSetup struct {
	pa         *protoArray
	tree       benchTree
	committees [][]spec.ValidatorIndex
	epoch      spec.Epoch
	lastSlot   spec.Slot
	checkpoint spec.Checkpoint
}

func newBenchSetup(b *testing.B) *benchSetup {
	b.Helper()
	s := spec.Mainnet()
	tree := makeBenchTree(benchBlocks)
	pa := newProtoArray(s)
	for i, root := range tree.roots {
		var parent spec.Root
		if p := tree.parents[i]; p >= 0 {
			parent = tree.roots[p]
		}
		pa.addBlock(root, parent, tree.slots[i], 0, 0, false)
	}
	last := tree.slots[len(tree.slots)-1]
	bs := &benchSetup{
		pa: pa, tree: tree, committees: benchCommitteesOf(benchValidators),
		epoch: s.ComputeEpochAtSlot(last), lastSlot: last,
		checkpoint: spec.Checkpoint{Root: tree.roots[0]},
	}
	pa.setCheckpoints(bs.checkpoint, bs.checkpoint, bs.epoch)
	pa.setBalances(benchBalances(benchValidators))
	rng := rand.New(rand.NewPCG(10, 10))
	for _, c := range bs.committees {
		pa.processAttestation(c, tree.roots[len(tree.roots)-1-rng.IntN(64)], bs.epoch)
	}
	if _, ok := pa.findHead(); !ok {
		b.Fatal("no head")
	}
	return bs
}

// addEpochBlocks adds the blocks of the next epoch, one per slot on the
// last, every eighth on its grandparent, and returns them.
func (bs *benchSetup) addEpochBlocks(rng *rand.Rand) []spec.Root {
	var out []spec.Root
	prev := bs.tree.roots[len(bs.tree.roots)-1]
	grand := prev
	for range benchSlots {
		bs.lastSlot++
		root := benchRoot(rng)
		parent := prev
		if rng.IntN(8) == 0 {
			parent = grand
		}
		bs.pa.addBlock(root, parent, bs.lastSlot, 0, 0, false)
		grand, prev = prev, root
		out = append(out, root)
	}
	return out
}

// BenchmarkProtoArrayEpochOfVotes: every validator votes anew, for the
// blocks of a new epoch, and the head is computed. The epoch's blocks are
// added outside the timing.
func BenchmarkProtoArrayEpochOfVotes(b *testing.B) {
	bs := newBenchSetup(b)
	rng := rand.New(rand.NewPCG(11, 11))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		bs.epoch++
		blocks := bs.addEpochBlocks(rng)
		bs.pa.setCheckpoints(bs.checkpoint, bs.checkpoint, bs.epoch)
		bs.pa.update()
		b.StartTimer()
		for i, c := range bs.committees {
			bs.pa.processAttestation(c, blocks[i%benchSlots], bs.epoch)
		}
		if _, ok := bs.pa.findHead(); !ok {
			b.Fatal("no head")
		}
	}
}

// truncate drops the nodes from n on, which no vote may name.
func (pa *protoArray) truncate(n int) {
	pa.setProposerBoost(spec.Root{}, 0)
	pa.update()
	for _, r := range pa.roots[n:] {
		delete(pa.indices, r)
	}
	pa.roots, pa.parents, pa.slots = pa.roots[:n], pa.parents[:n], pa.slots[:n]
	pa.epochs, pa.justified, pa.unrealized = pa.epochs[:n], pa.justified[:n], pa.unrealized[:n]
	pa.flags, pa.tieKeys, pa.weights, pa.deltas = pa.flags[:n], pa.tieKeys[:n], pa.weights[:n], pa.deltas[:n]
	pa.bestChild, pa.bestDescendant = pa.bestChild[:n], pa.bestDescendant[:n]
	pa.changed = true
	pa.update()
}

// BenchmarkProtoArrayOnBlock: the bookkeeping of on_block for a new block
// on the head, without the state transition: the block is added, gets
// the proposer boost, and the head is computed. Every 1000 blocks the
// tree is cut back to its size, outside the timing.
func BenchmarkProtoArrayOnBlock(b *testing.B) {
	bs := newBenchSetup(b)
	rng := rand.New(rand.NewPCG(12, 12))
	roots := make([]spec.Root, 1000)
	for i := range roots {
		roots[i] = benchRoot(rng)
	}
	base, baseSlot := len(bs.pa.roots), bs.lastSlot
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if i%len(roots) == 0 && i > 0 {
			b.StopTimer()
			bs.pa.truncate(base)
			bs.lastSlot = baseSlot
			b.StartTimer()
		}
		head, _ := bs.pa.findHead()
		bs.lastSlot++
		root := roots[i%len(roots)]
		bs.pa.addBlock(root, head, bs.lastSlot, 0, 0, false)
		bs.pa.setProposerBoost(root, 40*benchValidators/benchSlots*32_000_000_000/100)
		if got, _ := bs.pa.findHead(); got != root {
			b.Fatal("the boosted block on the head is not the head")
		}
	}
}

// BenchmarkProtoArrayGetHeadNoChange: get_head when nothing changed.
func BenchmarkProtoArrayGetHeadNoChange(b *testing.B) {
	bs := newBenchSetup(b)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, ok := bs.pa.findHead(); !ok {
			b.Fatal("no head")
		}
	}
}

// BenchmarkFastGetHeadNoChange: Fast.GetHead when nothing changed, with
// its checks that the store has not moved on; the store holds the tree
// and a justified state of a million validators.
func BenchmarkFastGetHeadNoChange(b *testing.B) {
	s := spec.Mainnet()
	tree := makeBenchTree(benchBlocks)
	cp := spec.Checkpoint{Root: tree.roots[0]}
	last := tree.slots[len(tree.slots)-1]
	st := &Store{
		spec:                          s,
		timeMs:                        uint64(last) * s.SlotDurationMS,
		justifiedCheckpoint:           cp,
		finalizedCheckpoint:           cp,
		unrealizedJustifiedCheckpoint: cp,
		unrealizedFinalizedCheckpoint: cp,
		equivocatingIndices:           map[spec.ValidatorIndex]bool{},
		blocks:                        map[spec.Root]*spec.BeaconBlock{},
		blockStates:                   map[spec.Root]*spec.BeaconState{},
		checkpointStates:              map[spec.Checkpoint]*spec.BeaconState{},
		unrealizedJustifications:      map[spec.Root]spec.Checkpoint{},
		children:                      map[spec.Root][]spec.Root{},
		invalidated:                   map[spec.Root]bool{},
	}
	justified := &spec.BeaconState{Validators: make([]spec.Validator, benchValidators)}
	for i, balance := range benchBalances(benchValidators) {
		justified.Validators[i] = spec.Validator{EffectiveBalance: spec.Gwei(balance), ExitEpoch: spec.FarFutureEpoch}
	}
	st.checkpointStates[cp] = justified
	f := &Fast{st: st, pa: newProtoArray(s)}
	postState := &spec.BeaconState{}
	for i, root := range tree.roots {
		var parent spec.Root
		if p := tree.parents[i]; p >= 0 {
			parent = tree.roots[p]
		}
		st.addBlock(root, &spec.BeaconBlock{Slot: tree.slots[i], ParentRoot: parent}, postState)
		st.unrealizedJustifications[root] = cp
		f.addNode(root)
	}
	rng := rand.New(rand.NewPCG(10, 10))
	for _, c := range benchCommitteesOf(benchValidators) {
		f.pa.processAttestation(c, tree.roots[len(tree.roots)-1-rng.IntN(64)], s.ComputeEpochAtSlot(last))
	}
	if _, err := f.GetHead(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := f.GetHead(); err != nil {
			b.Fatal(err)
		}
	}
}
