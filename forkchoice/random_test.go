package forkchoice

import (
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/quetzal-eth/quetzal/spec"
	"github.com/quetzal-eth/quetzal/ssz"
)

// Differential tests of Fast against Store on random block trees, seeded
// and repeatable: -fcseed picks another seed, and a failure names the seed
// and tree that fail.

var fcSeed = flag.Uint64("fcseed", 1, "seed of the random block trees of the fork-choice differential tests")

// treeRand is the generator of tree number tree.
func treeRand(tree int) *rand.Rand {
	return rand.New(rand.NewPCG(*fcSeed, uint64(tree)))
}

// --- Synthetic trees ---
//
// A synthetic tree is made in a Store directly, without blocks or state
// transitions: blocks with random slots, forks, justified and unrealized
// checkpoints and finalized checkpoints, the justified states' balances,
// votes, equivocations, ticks, boosts, invalidated payloads and pruning,
// as the handlers would leave them. Store and Fast share the store, so
// that Store's get_head, get_weight and filtered block tree (the
// reference) and Fast's proto-array see the same blocks and checkpoints;
// only the votes are given to each in its own form.

// TestFastMatchesStoreOnSyntheticTrees compares Fast with Store on 1500
// synthetic trees, after every step: the head, the leaves of the
// filtered block tree, and (every few steps) the weight and attestation
// score of every block.
func TestFastMatchesStoreOnSyntheticTrees(t *testing.T) {
	trees := 1500
	if testing.Short() {
		trees = 200
	}
	for tree := range trees {
		sy := newSynth(t, tree)
		steps := 30 + sy.rng.IntN(60)
		for step := range steps {
			what := sy.step()
			if err := sy.compare(step%4 == 0 || step == steps-1); err != nil {
				t.Fatalf("seed %d tree %d step %d (%s): %v", *fcSeed, tree, step, what, err)
			}
		}
	}
}

type synth struct {
	rng *rand.Rand
	s   *spec.Spec
	st  *Store
	f   *Fast
	// roots are the blocks in the order they were added, some since
	// pruned.
	roots []spec.Root
	// validators is how many validators may vote; justified states hold
	// a few less or a few more.
	validators int
}

func newSynth(t *testing.T, tree int) *synth {
	rng := treeRand(tree)
	s := spec.Minimal()
	sy := &synth{rng: rng, s: s, validators: 4 + rng.IntN(40)}
	anchorSlot := spec.Slot(0)
	if rng.IntN(3) == 0 {
		anchorSlot = spec.Slot(rng.IntN(40))
	}
	anchorRoot := sy.randomRoot()
	cp := spec.Checkpoint{Epoch: s.ComputeEpochAtSlot(anchorSlot), Root: anchorRoot}
	st := &Store{
		spec:                          s,
		opts:                          Options{SafeSlotsToImportOptimistically: SafeSlotsToImportOptimistically},
		timeMs:                        uint64(anchorSlot) * s.SlotDurationMS,
		justifiedCheckpoint:           cp,
		finalizedCheckpoint:           cp,
		unrealizedJustifiedCheckpoint: cp,
		unrealizedFinalizedCheckpoint: cp,
		equivocatingIndices:           map[spec.ValidatorIndex]bool{},
		blocks:                        map[spec.Root]*spec.BeaconBlock{anchorRoot: {Slot: anchorSlot, ParentRoot: sy.randomRoot()}},
		blockStates:                   map[spec.Root]*spec.BeaconState{anchorRoot: {Slot: anchorSlot, CurrentJustifiedCheckpoint: cp, FinalizedCheckpoint: cp}},
		blockTimeliness:               map[spec.Root]bool{anchorRoot: true},
		checkpointStates:              map[spec.Checkpoint]*spec.BeaconState{},
		latestMessages:                map[spec.ValidatorIndex]LatestMessage{},
		unrealizedJustifications:      map[spec.Root]spec.Checkpoint{anchorRoot: cp},
		children:                      map[spec.Root][]spec.Root{},
		optimisticRoots:               map[spec.Root]bool{},
		invalidated:                   map[spec.Root]bool{},
		unverifiedMerge:               map[spec.Root]bool{},
		prunedEpoch:                   cp.Epoch,
	}
	sy.st = st
	sy.ensureCheckpointState(cp)
	sy.roots = []spec.Root{anchorRoot}
	sy.f = &Fast{st: st, pa: newProtoArray(s), prunedEpoch: st.prunedEpoch}
	sy.f.addNode(anchorRoot)
	return sy
}

func (sy *synth) randomRoot() spec.Root {
	var r spec.Root
	for i := 0; i < len(r); i += 8 {
		v := sy.rng.Uint64()
		for j := range 8 {
			r[i+j] = byte(v >> (8 * j))
		}
	}
	// Often equal in their first bytes, so that ties are broken further
	// in.
	if sy.rng.IntN(2) == 0 {
		r[0] = 0
	}
	return r
}

// ensureCheckpointState gives checkpoint cp a state of random validators,
// as store_target_checkpoint_state would have stored one, so that it can
// become the justified checkpoint.
func (sy *synth) ensureCheckpointState(cp spec.Checkpoint) {
	if _, ok := sy.st.checkpointStates[cp]; ok {
		return
	}
	rng := sy.rng
	state := &spec.BeaconState{Slot: sy.s.ComputeStartSlotAtEpoch(cp.Epoch)}
	n := max(1, sy.validators-2+rng.IntN(5))
	for range n {
		v := spec.Validator{
			EffectiveBalance: spec.Gwei(rng.IntN(33)) * 1_000_000_000,
			ExitEpoch:        spec.FarFutureEpoch,
		}
		switch rng.IntN(20) {
		case 0:
			v.ActivationEpoch = cp.Epoch + 1
		case 1:
			v.ExitEpoch = cp.Epoch
		case 2:
			v.Slashed = true
		case 3:
			// Sums past 2**64 wrap in both implementations alike.
			v.EffectiveBalance = spec.Gwei(1<<63 + rng.Uint64N(1<<62))
		}
		state.Validators = append(state.Validators, v)
	}
	sy.st.checkpointStates[cp] = state
}

// live returns the blocks in the store, in the order they were added.
func (sy *synth) live() []spec.Root {
	var out []spec.Root
	for _, r := range sy.roots {
		if _, ok := sy.st.blocks[r]; ok {
			out = append(out, r)
		}
	}
	return out
}

// pick returns a block of the store, more likely a recent one.
func (sy *synth) pick() spec.Root {
	live := sy.live()
	if sy.rng.IntN(2) == 0 {
		return live[len(live)-1-sy.rng.IntN(min(len(live), 4))]
	}
	return live[sy.rng.IntN(len(live))]
}

// epochIn returns a random epoch in [lo, hi], lo if hi < lo.
func (sy *synth) epochIn(lo, hi spec.Epoch) spec.Epoch {
	if hi <= lo {
		return lo
	}
	return lo + spec.Epoch(sy.rng.Uint64N(uint64(hi-lo)+1))
}

// step makes one random change and says what it was.
func (sy *synth) step() string {
	switch r := sy.rng.IntN(100); {
	case r < 30:
		return sy.addBlock()
	case r < 55:
		return sy.vote()
	case r < 60:
		return sy.equivocate()
	case r < 75:
		return sy.tick()
	case r < 82:
		return sy.moveCheckpoints()
	case r < 92:
		return sy.boost()
	default:
		return sy.invalidate()
	}
}

// addBlock adds a block as on_block would leave it, with checkpoints
// drawn near its parent's.
func (sy *synth) addBlock() string {
	st, rng, s := sy.st, sy.rng, sy.s
	var parent spec.Root
	for {
		parent = sy.pick()
		if !st.invalidated[parent] || rng.IntN(8) == 0 {
			break
		}
	}
	pb, ps := st.blocks[parent], st.blockStates[parent]
	slot := pb.Slot + 1
	if rng.IntN(3) == 0 {
		slot += spec.Slot(rng.IntN(12))
	}
	if slot > st.getCurrentSlot() {
		sy.tickTo(uint64(slot)*s.SlotDurationMS + uint64(rng.IntN(6000)))
	}
	root := sy.randomRoot()
	blockEpoch := s.ComputeEpochAtSlot(slot)
	block := &spec.BeaconBlock{Slot: slot, ParentRoot: parent, ProposerIndex: spec.ValidatorIndex(rng.IntN(4))}

	justified := ps.CurrentJustifiedCheckpoint.Epoch
	if rng.IntN(4) == 0 {
		justified = sy.epochIn(justified, blockEpoch)
	}
	finalized := ps.FinalizedCheckpoint.Epoch
	if rng.IntN(4) == 0 && justified > 0 {
		finalized = sy.epochIn(finalized, justified-1)
	}
	unrealized := max(justified, st.unrealizedJustifications[parent].Epoch)
	if rng.IntN(3) == 0 {
		unrealized = sy.epochIn(unrealized, blockEpoch)
	}
	unrealizedFinalized := finalized
	if rng.IntN(3) == 0 && unrealized > 0 {
		unrealizedFinalized = sy.epochIn(finalized, unrealized-1)
	}

	st.addBlock(root, block, &spec.BeaconState{Slot: slot})
	sy.roots = append(sy.roots, root)
	checkpoint := func(epoch spec.Epoch) spec.Checkpoint {
		return spec.Checkpoint{Epoch: epoch, Root: st.getCheckpointBlock(root, epoch)}
	}
	state := st.blockStates[root]
	state.CurrentJustifiedCheckpoint = checkpoint(justified)
	state.FinalizedCheckpoint = checkpoint(finalized)
	uj, uf := checkpoint(unrealized), checkpoint(unrealizedFinalized)
	for _, cp := range []spec.Checkpoint{state.CurrentJustifiedCheckpoint, uj} {
		sy.ensureCheckpointState(cp)
	}
	st.blockTimeliness[root] = rng.IntN(2) == 0
	if rng.IntN(4) == 0 {
		st.optimisticRoots[root] = true
	}
	// As on_block: boost, checkpoints, pulled-up tip, pruning.
	if st.proposerBoostRoot == (spec.Root{}) && st.blockTimeliness[root] {
		st.proposerBoostRoot = root
	}
	st.updateCheckpoints(state.CurrentJustifiedCheckpoint, state.FinalizedCheckpoint)
	st.unrealizedJustifications[root] = uj
	st.updateUnrealizedCheckpoints(uj, uf)
	if blockEpoch < st.getCurrentStoreEpoch() {
		st.updateCheckpoints(uj, uf)
	}
	sy.f.addNode(root)
	st.prune()
	return fmt.Sprintf("block at slot %d on slot %d, justified %d, unrealized %d, finalized %d", slot, pb.Slot, justified, unrealized, finalized)
}

// vote records the votes of some validators (a few of whom justified
// states may not hold) for a block, with a target near the current epoch.
func (sy *synth) vote() string {
	rng := sy.rng
	root := sy.pick()
	current := sy.st.getCurrentStoreEpoch()
	epoch := sy.epochIn(current-min(current, 2), current)
	var indices []spec.ValidatorIndex
	for i := range sy.validators + 3 {
		if rng.IntN(3) == 0 {
			indices = append(indices, spec.ValidatorIndex(i))
		}
	}
	att := &spec.Attestation{Data: spec.AttestationData{BeaconBlockRoot: root, Target: spec.Checkpoint{Epoch: epoch}}}
	sy.st.updateLatestMessages(indices, att)
	sy.f.pa.processAttestation(indices, root, epoch)
	return fmt.Sprintf("%d votes with target epoch %d", len(indices), epoch)
}

// equivocate puts a few validators in equivocating_indices.
func (sy *synth) equivocate() string {
	var indices []spec.ValidatorIndex
	for range 1 + sy.rng.IntN(3) {
		i := spec.ValidatorIndex(sy.rng.IntN(sy.validators + 3))
		sy.st.equivocatingIndices[i] = true
		sy.f.pa.setEquivocating(i)
		indices = append(indices, i)
	}
	return fmt.Sprintf("equivocations of %v", indices)
}

func (sy *synth) tickTo(timeMs uint64) {
	if err := sy.st.OnTick(timeMs); err != nil {
		panic(err)
	}
}

// tick moves the time on: within the slot, to a later slot, or epochs
// later.
func (sy *synth) tick() string {
	rng, now := sy.rng, sy.st.timeMs
	var to uint64
	switch rng.IntN(4) {
	case 0:
		to = now + uint64(rng.IntN(3000))
	case 1:
		to = now + sy.s.SlotDurationMS*uint64(1+rng.IntN(3))
	case 2:
		to = now + sy.s.SlotDurationMS*uint64(sy.s.SlotsPerEpoch)*uint64(1+rng.IntN(3))
	default:
		slot := sy.st.getCurrentSlot() + 1
		to = uint64(slot+sy.s.SlotsPerEpoch-slot%sy.s.SlotsPerEpoch) * sy.s.SlotDurationMS
	}
	sy.tickTo(to)
	return fmt.Sprintf("tick to slot %d", sy.st.getCurrentSlot())
}

// moveCheckpoints justifies or finalizes a checkpoint of some block, as a
// block's state or a tick could, or sets the unrealized checkpoints that
// the next epoch realizes.
func (sy *synth) moveCheckpoints() string {
	st, rng := sy.st, sy.rng
	root := sy.pick()
	epoch := sy.epochIn(sy.s.ComputeEpochAtSlot(st.blocks[root].Slot), st.getCurrentStoreEpoch())
	cp := spec.Checkpoint{Epoch: epoch, Root: st.getCheckpointBlock(root, epoch)}
	sy.ensureCheckpointState(cp)
	var what string
	switch rng.IntN(3) {
	case 0:
		st.updateCheckpoints(cp, st.finalizedCheckpoint)
		what = "justified"
	case 1:
		// Finalize the justified checkpoint or an ancestor of it.
		j := st.justifiedCheckpoint
		if _, ok := st.blocks[j.Root]; ok {
			epoch := sy.epochIn(st.finalizedCheckpoint.Epoch, j.Epoch)
			cp = spec.Checkpoint{Epoch: epoch, Root: st.getCheckpointBlock(j.Root, epoch)}
		}
		st.updateCheckpoints(st.justifiedCheckpoint, cp)
		st.prune()
		what = "finalized"
	default:
		st.updateUnrealizedCheckpoints(cp, st.unrealizedFinalizedCheckpoint)
		what = "unrealized justified"
	}
	return fmt.Sprintf("%s checkpoint epoch %d", what, cp.Epoch)
}

// boost moves the proposer boost to a block, or ends it.
func (sy *synth) boost() string {
	if sy.rng.IntN(3) == 0 {
		sy.st.proposerBoostRoot = spec.Root{}
		return "no boost"
	}
	sy.st.proposerBoostRoot = sy.pick()
	return "boost"
}

// invalidate invalidates the payload of a block and its descendants, or
// validates a block's.
func (sy *synth) invalidate() string {
	root := sy.pick()
	if sy.rng.IntN(2) == 0 {
		sy.st.markValid(root)
		return "payload valid"
	}
	sy.st.invalidateSubtree(root, sy.rng.IntN(2) == 0)
	return "payload invalid"
}

// compare checks that Fast answers as Store: head and viable leaves, and
// if all, every block's weight and attestation score.
func (sy *synth) compare(all bool) error {
	return compareWithStore(sy.st, sy.f, all)
}

// compareWithStore checks Fast f against Store ref: head, checkpoints,
// boost and viable leaves, and if all, the weight and the attestation
// score of every block of ref.
func compareWithStore(ref *Store, f *Fast, all bool) error {
	headA, errA := ref.GetHead()
	headB, errB := f.GetHead()
	if (errA == nil) != (errB == nil) || headA != headB {
		return fmt.Errorf("head %s (%v), fast %s (%v)", headA, errA, headB, errB)
	}
	if errA != nil {
		return nil
	}
	if ref.JustifiedCheckpoint() != f.JustifiedCheckpoint() || ref.FinalizedCheckpoint() != f.FinalizedCheckpoint() ||
		ref.UnrealizedJustifiedCheckpoint() != f.UnrealizedJustifiedCheckpoint() ||
		ref.UnrealizedFinalizedCheckpoint() != f.UnrealizedFinalizedCheckpoint() {
		return fmt.Errorf("checkpoints differ")
	}
	if ref.ProposerBoostRoot() != f.ProposerBoostRoot() {
		return fmt.Errorf("proposer boost differs")
	}
	leavesA, errA := ref.ViableLeaves()
	leavesB, errB := f.ViableLeaves()
	if errA != nil || errB != nil || !sameRoots(leavesA, leavesB) {
		return fmt.Errorf("viable leaves %v (%v), fast %v (%v)", leavesA, errA, leavesB, errB)
	}
	if !all {
		return nil
	}
	justifiedState, err := ref.justifiedState()
	if err != nil {
		return err
	}
	roots := make([]spec.Root, 0, len(ref.blocks))
	for root := range ref.blocks {
		roots = append(roots, root)
	}
	slices.SortFunc(roots, func(a, b spec.Root) int { return slices.Compare(a[:], b[:]) })
	for _, root := range roots {
		wA, errA := ref.GetWeight(root)
		wB, errB := f.GetWeight(root)
		if errA != nil || errB != nil || wA != wB {
			return fmt.Errorf("weight of %s: %d (%v), fast %d (%v)", root, wA, errA, wB, errB)
		}
		sA := ref.getAttestationScore(root, justifiedState)
		sB, err := f.getAttestationScore(root, justifiedState)
		if err != nil || sA != sB {
			return fmt.Errorf("attestation score of %s: %d, fast %d (%v)", root, sA, sB, err)
		}
	}
	return nil
}

// --- Trees of built blocks ---
//
// A built tree is a phase0 chain with forks, made of blocks that carry
// attestations (so that branches justify and finalize, or fail to) and
// sometimes attester slashings, and run through both full
// implementations: Store and Fast, side by side in a Checked that fails
// on any disagreement of outcome. Between blocks come gossip attestations
// for random blocks at random slots, attester slashings, ticks within and
// across slots and epochs, invalidated payloads and proposer re-org
// queries.

// TestFastMatchesStoreOnBuiltTrees compares Fast with Store on 200 trees
// of built blocks, after every step: head, checkpoints, boost, viable
// leaves, and (every other step) the weight and attestation score of
// every block.
func TestFastMatchesStoreOnBuiltTrees(t *testing.T) {
	trees := 200
	if testing.Short() {
		trees = 20
	}
	// Fewer validators than other tests, for speed: hashing states is
	// most of the time.
	s := spec.Minimal()
	genesis, err := s.InteropGenesis(builtValidators, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	stateRoot, err := s.StateRoot(genesis)
	if err != nil {
		t.Fatal(err)
	}
	g := genesisBlock(t, s, genesis, &spec.BeaconBlock{StateRoot: stateRoot})
	// Trees grow from genesis or from a block of this chain, where
	// checkpoints change sooner.
	chain := append([]testBlock{g}, makeChain(t, s, g, 6*int(s.SlotsPerEpoch), 0)...)
	for tree := range trees {
		bt := newBuiltTree(t, tree, s, chain)
		steps := 30 + bt.rng.IntN(50)
		for step := range steps {
			what, err := bt.step()
			if err == nil {
				err = compareWithStore(bt.ref, bt.fast, step%2 == 0 || step == steps-1)
			}
			if err != nil {
				t.Fatalf("seed %d tree %d step %d (%s): %v", *fcSeed, tree, step, what, err)
			}
		}
	}
}

// builtValidators is the number of validators of built trees.
const builtValidators = 32

type builtTree struct {
	t    testing.TB
	rng  *rand.Rand
	s    *spec.Spec
	ref  *Store
	fast *Fast
	c    *Checked
	// imported are the blocks the stores took, in order.
	imported []testBlock
	// states caches blocks' post-states advanced to an epoch's start, for
	// the committees of attestations.
	states map[spec.Checkpoint]*spec.BeaconState
}

// newBuiltTree starts a tree whose stores are anchored at genesis (chain[0])
// or, as after a checkpoint sync, at a later block of chain: the start of
// an epoch, or any slot.
func newBuiltTree(t testing.TB, tree int, s *spec.Spec, chain []testBlock) *builtTree {
	rng := treeRand(tree)
	anchor := chain[0]
	switch rng.IntN(4) {
	case 0:
	case 1:
		anchor = chain[16+rng.IntN(len(chain)-16)]
	default:
		anchor = chain[int(s.SlotsPerEpoch)*(2+rng.IntN(4))]
	}
	ref, err := GetForkchoiceStore(s, anchor.state, &anchor.signed.Message, Options{Signatures: spec.SignaturesOff})
	if err != nil {
		t.Fatal(err)
	}
	fast, err := NewFast(s, anchor.state, &anchor.signed.Message, Options{Signatures: spec.SignaturesOff})
	if err != nil {
		t.Fatal(err)
	}
	return &builtTree{
		t: t, rng: rng, s: s, ref: ref, fast: fast,
		c:        &Checked{Reference: ref, Candidate: fast},
		imported: []testBlock{anchor},
		states:   map[spec.Checkpoint]*spec.BeaconState{},
	}
}

// outcome passes on the error of a handler run through Checked when it is
// a disagreement; other errors are outcomes both implementations share.
func outcome(what string, err error) (string, error) {
	if errors.Is(err, ErrMismatch) {
		return what, err
	}
	if err != nil {
		what += " (rejected)"
	}
	return what, nil
}

// pick returns an imported block that is still in the store, more likely
// a recent one.
func (bt *builtTree) pick() testBlock {
	for {
		var b testBlock
		if bt.rng.IntN(2) == 0 {
			b = bt.imported[len(bt.imported)-1-bt.rng.IntN(min(len(bt.imported), 3))]
		} else {
			b = bt.imported[bt.rng.IntN(len(bt.imported))]
		}
		if _, ok := bt.ref.blocks[b.root]; ok {
			return b
		}
	}
}

func (bt *builtTree) step() (string, error) {
	switch r := bt.rng.IntN(100); {
	case r < 50:
		return bt.block()
	case r < 72:
		return bt.attest()
	case r < 75:
		return bt.slashing()
	case r < 87:
		return bt.tick()
	case r < 91:
		return bt.payloadStatus()
	default:
		return bt.proposerHead()
	}
}

func (bt *builtTree) tickTo(slot spec.Slot, ms uint64) error {
	at, err := ComputeTimeAtSlotMs(bt.s, bt.ref.genesisTimeMs, slot)
	if err != nil {
		return err
	}
	if at+ms <= bt.ref.timeMs {
		return nil
	}
	_, err = outcome("tick", bt.c.OnTick(at+ms))
	return err
}

// tick moves the time on: within the slot, or slots or an epoch later.
func (bt *builtTree) tick() (string, error) {
	rng, slot := bt.rng, bt.ref.getCurrentSlot()
	var err error
	switch rng.IntN(8) {
	case 0, 1, 2:
		err = bt.tickTo(slot, bt.ref.getTimeIntoSlotMs()+uint64(rng.IntN(3000)))
	case 3, 4, 5, 6:
		err = bt.tickTo(slot+spec.Slot(1+rng.IntN(2)), uint64(rng.IntN(6000)))
	default:
		err = bt.tickTo(slot+bt.s.SlotsPerEpoch, 0)
	}
	return fmt.Sprintf("tick to slot %d", bt.ref.getCurrentSlot()), err
}

// block builds a block on the head or another block, at the next slot or
// a later one, timely or late, carrying attestations for its parent and
// maybe an attester slashing, and imports it with them.
func (bt *builtTree) block() (string, error) {
	rng, s := bt.rng, bt.s
	parent := bt.pick()
	// Mostly a parent that is not invalidated; a block on one is rejected.
	for i := 0; i < 8 && bt.ref.invalidated[parent.root]; i++ {
		parent = bt.pick()
	}
	if rng.IntN(10) < 8 {
		head, err := bt.c.GetHead()
		if err != nil {
			return "head for a block", err
		}
		for _, b := range bt.imported {
			if b.root == head {
				parent = b
			}
		}
	}
	slot := max(parent.signed.Message.Slot, bt.ref.getCurrentSlot()) + 1
	if rng.IntN(4) == 0 {
		slot += spec.Slot(rng.IntN(3))
	}
	if err := bt.tickTo(slot, uint64(rng.IntN(4000))); err != nil {
		return "tick for a block", err
	}

	pre := parent.state.Copy()
	tr := &spec.Transition{Spec: s, Signatures: spec.SignaturesOff}
	if err := tr.ProcessSlots(pre, slot); err != nil {
		bt.t.Fatal(err)
	}
	atts := bt.blockAttestations(parent, pre, 0.7+0.3*rng.Float64())
	var slashings []spec.AttesterSlashing
	if rng.IntN(20) == 0 {
		slashings = append(slashings, bt.makeSlashing(true))
	}
	b, err := buildBlock(s, pre, slot, atts, slashings, byte(rng.IntN(256)))
	if err != nil {
		// An attestation or slashing the block cannot carry.
		if b, err = buildBlock(s, pre, slot, nil, nil, byte(rng.IntN(256))); err != nil {
			// The proposer of the slot was slashed on this chain.
			return "no block: " + err.Error(), nil
		}
	}
	what := fmt.Sprintf("block at slot %d on slot %d with %d attestations", slot, parent.signed.Message.Slot, len(b.signed.Message.Body.Attestations))
	if err := bt.c.OnBlock(b.signed, nil); err != nil {
		return outcome(what, err)
	}
	bt.imported = append(bt.imported, b)
	body := &b.signed.Message.Body
	for i := range body.Attestations {
		if _, err := outcome("", bt.c.OnAttestation(&body.Attestations[i], true)); err != nil {
			return what, err
		}
	}
	for i := range body.AttesterSlashings {
		if _, err := outcome("", bt.c.OnAttesterSlashing(&body.AttesterSlashings[i])); err != nil {
			return what, err
		}
	}
	return what, nil
}

// blockAttestations returns the attestations a block on parent carries,
// state being parent's post-state advanced to the block's slot: of the
// committees of every slot from parent's to the block's (as far back as a
// block may include), each member voting for parent with the probability
// participation.
func (bt *builtTree) blockAttestations(parent testBlock, state *spec.BeaconState, participation float64) []spec.Attestation {
	s := bt.s
	slot := state.Slot
	from := parent.signed.Message.Slot
	if slot > s.SlotsPerEpoch {
		from = max(from, slot-s.SlotsPerEpoch)
	}
	var out []spec.Attestation
	for a := max(from, 1); a < slot; a++ {
		epoch := s.ComputeEpochAtSlot(a)
		source := state.PreviousJustifiedCheckpoint
		if epoch == s.GetCurrentEpoch(state) {
			source = state.CurrentJustifiedCheckpoint
		}
		target := parent.root
		if start := s.ComputeStartSlotAtEpoch(epoch); start < parent.signed.Message.Slot {
			var err error
			if target, err = s.GetBlockRoot(parent.state, epoch); err != nil {
				bt.t.Fatal(err)
			}
		}
		committeeState := bt.stateAt(parent, epoch)
		for index := range s.GetCommitteeCountPerSlot(committeeState, epoch) {
			committee, err := s.GetBeaconCommittee(committeeState, a, spec.CommitteeIndex(index))
			if err != nil {
				bt.t.Fatal(err)
			}
			bits := ssz.NewBitlist(len(committee))
			any := false
			for i := range committee {
				if bt.rng.Float64() < participation {
					bits.Set(i, true)
					any = true
				}
			}
			if !any {
				continue
			}
			out = append(out, spec.Attestation{
				AggregationBits: bits,
				Data: spec.AttestationData{
					Slot: a, Index: spec.CommitteeIndex(index), BeaconBlockRoot: parent.root,
					Source: source, Target: spec.Checkpoint{Epoch: epoch, Root: target},
				},
			})
		}
	}
	return out
}

// stateAt returns b's post-state advanced to the start of epoch, if that
// is later.
func (bt *builtTree) stateAt(b testBlock, epoch spec.Epoch) *spec.BeaconState {
	start := bt.s.ComputeStartSlotAtEpoch(epoch)
	if start <= b.signed.Message.Slot {
		return b.state
	}
	key := spec.Checkpoint{Epoch: epoch, Root: b.root}
	if st, ok := bt.states[key]; ok {
		return st
	}
	st := b.state.Copy()
	tr := &spec.Transition{Spec: bt.s, Signatures: spec.SignaturesOff}
	if err := tr.ProcessSlots(st, start); err != nil {
		bt.t.Fatal(err)
	}
	bt.states[key] = st
	return st
}

// attest sends a gossip attestation of some members of a committee of a
// slot from the block's to now, voting for a block as head; mostly a
// valid one, sometimes one too old or too early.
func (bt *builtTree) attest() (string, error) {
	rng, s := bt.rng, bt.s
	b := bt.pick()
	lo, now := b.signed.Message.Slot, bt.ref.getCurrentSlot()
	if e := bt.ref.getCurrentStoreEpoch(); e > 0 && rng.IntN(8) != 0 {
		lo = max(lo, s.ComputeStartSlotAtEpoch(e-1))
	}
	slot := lo
	if now > lo {
		slot = lo + spec.Slot(rng.IntN(int(now-lo)))
	}
	epoch := s.ComputeEpochAtSlot(slot)
	state := bt.stateAt(b, epoch)
	target := b.root
	if start := s.ComputeStartSlotAtEpoch(epoch); start < b.signed.Message.Slot {
		var err error
		if target, err = s.GetBlockRoot(b.state, epoch); err != nil {
			return "attestation target", err
		}
	}
	index := spec.CommitteeIndex(rng.IntN(int(s.GetCommitteeCountPerSlot(state, epoch))))
	committee, err := s.GetBeaconCommittee(state, slot, index)
	if err != nil {
		return "committee", err
	}
	bits := ssz.NewBitlist(len(committee))
	bits.Set(rng.IntN(len(committee)), true)
	for i := range committee {
		if rng.IntN(2) == 0 {
			bits.Set(i, true)
		}
	}
	att := &spec.Attestation{
		AggregationBits: bits,
		Data: spec.AttestationData{
			Slot: slot, Index: index, BeaconBlockRoot: b.root,
			Source: state.CurrentJustifiedCheckpoint,
			Target: spec.Checkpoint{Epoch: epoch, Root: target},
		},
	}
	return outcome(fmt.Sprintf("attestation of slot %d for block of slot %d", slot, b.signed.Message.Slot), bt.c.OnAttestation(att, false))
}

// makeSlashing returns an attester slashing of a few validators for a
// double vote; unless slashable, of the same vote twice.
func (bt *builtTree) makeSlashing(slashable bool) spec.AttesterSlashing {
	rng := bt.rng
	var indices []spec.ValidatorIndex
	for i := range builtValidators {
		if rng.IntN(32) == 0 {
			indices = append(indices, spec.ValidatorIndex(i))
		}
	}
	if len(indices) == 0 {
		indices = append(indices, spec.ValidatorIndex(rng.IntN(builtValidators)))
	}
	b := bt.pick()
	data := spec.AttestationData{
		Slot:            b.signed.Message.Slot,
		BeaconBlockRoot: b.root,
		Target:          spec.Checkpoint{Epoch: bt.s.ComputeEpochAtSlot(b.signed.Message.Slot), Root: b.root},
	}
	other := data
	if slashable {
		other.BeaconBlockRoot[0] ^= 1
	}
	return spec.AttesterSlashing{
		Attestation1: spec.IndexedAttestation{AttestingIndices: indices, Data: data},
		Attestation2: spec.IndexedAttestation{AttestingIndices: slices.Clone(indices), Data: other},
	}
}

// slashing sends an attester slashing, mostly a valid one.
func (bt *builtTree) slashing() (string, error) {
	slashing := bt.makeSlashing(bt.rng.IntN(6) != 0)
	return outcome(fmt.Sprintf("attester slashing of %v", slashing.Attestation1.AttestingIndices), bt.c.OnAttesterSlashing(&slashing))
}

// payloadStatus declares a block's payload invalid (rarely) or valid.
func (bt *builtTree) payloadStatus() (string, error) {
	b := bt.pick()
	if b.signed.Message.Slot > 0 && bt.rng.IntN(5) == 0 {
		return outcome("payload invalid", bt.c.OnPayloadStatus(b.root, PayloadStatus{Status: StatusInvalid}))
	}
	return outcome("payload valid", bt.c.OnPayloadStatus(b.root, PayloadStatus{Status: StatusValid}))
}

// proposerHead asks both for the proposer's head at the current slot, and
// sometimes whether to override the forkchoiceUpdated call.
func (bt *builtTree) proposerHead() (string, error) {
	head, err := bt.c.GetHead()
	if err != nil {
		return "get_head", err
	}
	if _, err := outcome("", func() error { _, err := bt.c.GetProposerHead(head, bt.ref.getCurrentSlot()); return err }()); err != nil {
		return "get_proposer_head", err
	}
	if bt.rng.IntN(3) == 0 {
		connected := bt.rng.IntN(2) == 0
		_, err := bt.c.ShouldOverrideForkchoiceUpdate(head, func(spec.ValidatorIndex) bool { return connected })
		return outcome("should_override_forkchoice_update", err)
	}
	return "get_proposer_head", nil
}

// buildBlock is makeBlock returning what fails instead of failing the
// test, and carrying attester slashings too; pre is the parent's
// post-state advanced to slot.
func buildBlock(s *spec.Spec, pre *spec.BeaconState, slot spec.Slot, attestations []spec.Attestation, slashings []spec.AttesterSlashing, graffiti byte) (testBlock, error) {
	st := pre.Copy()
	tr := &spec.Transition{Spec: s, Signatures: spec.SignaturesOff}
	proposer, err := s.GetBeaconProposerIndex(st)
	if err != nil {
		return testBlock{}, err
	}
	parentRoot, err := spec.HashTreeRoot(s.Schema(spec.Phase0), &st.LatestBlockHeader)
	if err != nil {
		return testBlock{}, err
	}
	block := spec.BeaconBlock{Slot: slot, ProposerIndex: proposer, ParentRoot: parentRoot}
	block.Body.Eth1Data = st.Eth1Data
	block.Body.Graffiti[0] = graffiti
	block.Body.Attestations = attestations
	block.Body.AttesterSlashings = slashings
	if err := tr.ProcessBlock(st, &block); err != nil {
		return testBlock{}, err
	}
	if block.StateRoot, err = s.StateRoot(st); err != nil {
		return testBlock{}, err
	}
	root, err := blockRoot(s, &block)
	if err != nil {
		return testBlock{}, err
	}
	return testBlock{signed: &spec.SignedBeaconBlock{Message: block}, root: root, state: st}, nil
}
