package forkchoice

import (
	"errors"
	"testing"
	"time"

	"github.com/quetzal-eth/quetzal/spec"
)

// A chain with full attestations justifies and finalizes, and the head
// follows it.
func TestChainFinalizes(t *testing.T) {
	s, st, gb := testGenesis(t)
	store := newTestStore(t, s, st, gb)
	chain := makeChain(t, s, genesisBlock(t, s, st, gb), 5*int(s.SlotsPerEpoch), 0)
	for _, b := range chain {
		importBlock(t, store, b)
		head, err := store.GetHead()
		if err != nil {
			t.Fatal(err)
		}
		if head != b.root {
			t.Fatalf("head at slot %d is %s, want the new block %s", b.signed.Message.Slot, head, b.root)
		}
	}
	if got := store.FinalizedCheckpoint().Epoch; got < 2 {
		t.Errorf("finalized epoch %d after five full epochs, want at least 2", got)
	}
	if got := store.JustifiedCheckpoint().Epoch; got <= store.FinalizedCheckpoint().Epoch {
		t.Errorf("justified epoch %d not after finalized epoch %d", got, store.FinalizedCheckpoint().Epoch)
	}
}

// Pruning on finalization drops the blocks off the finalized chain and
// changes no answer of the store: a pruned store and one that keeps
// everything, as the spec's does, agree after every step.
func TestPruneKeepsAnswers(t *testing.T) {
	s, st, gb := testGenesis(t)
	genesis := genesisBlock(t, s, st, gb)
	pruned := newTestStore(t, s, st, gb)
	full := newTestStore(t, s, st, gb)
	full.keepAll = true

	chain := makeChain(t, s, genesis, 6*int(s.SlotsPerEpoch), 0)
	// A fork off slot 3 that the chain's votes leave behind, and a late
	// block of the finalized epoch on the finalized chain.
	fork := makeChain(t, s, chain[2], 3, 1)
	var blocks []testBlock
	for i, b := range chain {
		blocks = append(blocks, b)
		if i == 4 {
			blocks = append(blocks, fork...)
		}
	}
	for _, b := range blocks {
		importBlock(t, pruned, b)
		importBlock(t, full, b)
		compareStores(t, pruned, full)
	}
	finalized := pruned.FinalizedCheckpoint()
	if finalized.Epoch < 3 {
		t.Fatalf("finalized epoch %d, want at least 3", finalized.Epoch)
	}
	for _, b := range fork {
		if _, ok := pruned.Block(b.root); ok {
			t.Errorf("fork block of slot %d kept after finalization", b.signed.Message.Slot)
		}
	}
	if _, ok := pruned.Block(genesis.root); ok {
		t.Error("genesis kept after finalization")
	}
	if _, ok := full.Block(genesis.root); !ok {
		t.Error("the store that keeps everything lost genesis")
	}
	// A block of the finalized epoch, after the finalized block, whose
	// attestations target the epoch before: both stores take it alike.
	finalizedSlot := pruned.blocks[finalized.Root].Slot
	late := makeBlock(t, s, blockAt(t, chain, finalizedSlot).state, finalizedSlot+1, makeAttestations(t, s, blockAt(t, chain, finalizedSlot-1), nil), 2)
	for _, store := range []*Store{pruned, full} {
		if err := store.OnBlock(late.signed, nil); err != nil {
			t.Fatal(err)
		}
		for i := range late.signed.Message.Body.Attestations {
			if err := store.OnAttestation(&late.signed.Message.Body.Attestations[i], true); err != nil {
				t.Fatalf("attestation targeting the epoch before finalization: %v", err)
			}
		}
	}
	compareStores(t, pruned, full)
}

func blockAt(t *testing.T, chain []testBlock, slot spec.Slot) testBlock {
	t.Helper()
	for _, b := range chain {
		if b.signed.Message.Slot == slot {
			return b
		}
	}
	t.Fatalf("no block at slot %d", slot)
	return testBlock{}
}

// compareStores fails the test unless a and b give the same head,
// checkpoints, boost and weights of the viable leaves.
func compareStores(t *testing.T, a, b *Store) {
	t.Helper()
	headA, errA := a.GetHead()
	headB, errB := b.GetHead()
	if errA != nil || errB != nil || headA != headB {
		t.Fatalf("heads differ: %s (%v) and %s (%v)", headA, errA, headB, errB)
	}
	if a.JustifiedCheckpoint() != b.JustifiedCheckpoint() || a.FinalizedCheckpoint() != b.FinalizedCheckpoint() {
		t.Fatalf("checkpoints differ")
	}
	if a.ProposerBoostRoot() != b.ProposerBoostRoot() {
		t.Fatalf("proposer boost differs")
	}
	leavesA, _ := a.ViableLeaves()
	for _, leaf := range leavesA {
		wa, errA := a.GetWeight(leaf)
		wb, errB := b.GetWeight(leaf)
		if errA != nil || errB != nil || wa != wb {
			t.Fatalf("weight of %s: %d (%v) and %d (%v)", leaf, wa, errA, wb, errB)
		}
	}
}

// A store anchored at a later finalized state and block (checkpoint
// sync), even one that does not start its epoch, takes the blocks that
// follow.
func TestCheckpointSyncAnchor(t *testing.T) {
	s, st, gb := testGenesis(t)
	chain := makeChain(t, s, genesisBlock(t, s, st, gb), 4*int(s.SlotsPerEpoch)+4, 0)
	for _, anchorSlot := range []spec.Slot{2 * s.SlotsPerEpoch, 2*s.SlotsPerEpoch + 3} {
		anchor := blockAt(t, chain, anchorSlot)
		store, err := GetForkchoiceStore(s, anchor.state, &anchor.signed.Message, Options{Signatures: spec.SignaturesOff})
		if err != nil {
			t.Fatal(err)
		}
		want := spec.Checkpoint{Epoch: s.ComputeEpochAtSlot(anchorSlot), Root: anchor.root}
		if store.JustifiedCheckpoint() != want || store.FinalizedCheckpoint() != want {
			t.Fatalf("anchor at slot %d: checkpoints %+v and %+v, want %+v", anchorSlot, store.JustifiedCheckpoint(), store.FinalizedCheckpoint(), want)
		}
		for _, b := range chain {
			if b.signed.Message.Slot <= anchorSlot {
				continue
			}
			tickToSlot(t, store, b.signed.Message.Slot, 0)
			if err := store.OnBlock(b.signed, nil); err != nil {
				t.Fatalf("anchor at slot %d: block of slot %d: %v", anchorSlot, b.signed.Message.Slot, err)
			}
			// Votes whose target is before the anchor cannot be checked.
			for i := range b.signed.Message.Body.Attestations {
				att := &b.signed.Message.Body.Attestations[i]
				err := store.OnAttestation(att, true)
				if err != nil && !(errors.Is(err, ErrUnknownBlock) && s.ComputeStartSlotAtEpoch(att.Data.Target.Epoch) < anchorSlot) {
					t.Fatalf("anchor at slot %d: attestation of slot %d: %v", anchorSlot, att.Data.Slot, err)
				}
			}
		}
		head, err := store.GetHead()
		if err != nil {
			t.Fatal(err)
		}
		if want := chain[len(chain)-1].root; head != want {
			t.Errorf("anchor at slot %d: head %s, want the chain's tip %s", anchorSlot, head, want)
		}
	}
}

// GetForkchoiceStore refuses an anchor block that is not the anchor
// state's.
func TestGetForkchoiceStoreMismatch(t *testing.T) {
	s, st, gb := testGenesis(t)
	bad := *gb
	bad.StateRoot[0] ^= 1
	if _, err := GetForkchoiceStore(s, st, &bad, Options{}); !errors.Is(err, spec.ErrInvalid) {
		t.Fatalf("got %v, want an ErrInvalid", err)
	}
}

// on_tick before genesis is an error; far in the future it does not walk
// every slot, and lands where the spec's slot-by-slot walk would.
func TestOnTick(t *testing.T) {
	s, st, gb := testGenesis(t)
	st.GenesisTime = 1000
	root, err := s.StateRoot(st)
	if err != nil {
		t.Fatal(err)
	}
	gb.StateRoot = root
	store := newTestStore(t, s, st, gb)
	if err := store.OnTick(999_999); err == nil {
		t.Error("tick before genesis accepted")
	}
	start := time.Now()
	far := uint64(1) << 62
	if err := store.OnTick(far); err != nil {
		t.Fatal(err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("a tick far ahead took %v", time.Since(start))
	}
	if store.TimeMs() != far {
		t.Errorf("time %d, want %d", store.TimeMs(), far)
	}

	// The jump agrees with ticking slot by slot.
	a := newTestStore(t, s, st, gb)
	b := newTestStore(t, s, st, gb)
	a.unrealizedJustifiedCheckpoint.Epoch = 7 // realized at the next epoch start
	b.unrealizedJustifiedCheckpoint.Epoch = 7
	a.proposerBoostRoot[0] = 1
	b.proposerBoostRoot[0] = 1
	target := uint64(1_000_000 + 3*s.SlotsPerEpoch*6000 + 2500)
	if err := a.OnTick(target); err != nil {
		t.Fatal(err)
	}
	for ms := uint64(1_000_000); ms <= target; ms += 500 {
		if err := b.OnTick(ms); err != nil {
			t.Fatal(err)
		}
	}
	if a.timeMs != b.timeMs || a.justifiedCheckpoint != b.justifiedCheckpoint || a.proposerBoostRoot != b.proposerBoostRoot {
		t.Errorf("jumping tick: time %d justified %+v boost %s; stepwise: %d %+v %s",
			a.timeMs, a.justifiedCheckpoint, a.proposerBoostRoot, b.timeMs, b.justifiedCheckpoint, b.proposerBoostRoot)
	}
}

// on_block rejects what the spec asserts against, with errors that say
// whether the block may be taken later, and leaves the store as it was.
func TestOnBlockRejects(t *testing.T) {
	s, st, gb := testGenesis(t)
	genesis := genesisBlock(t, s, st, gb)
	chain := makeChain(t, s, genesis, 3, 0)

	badRoot := *chain[0].signed
	badRoot.Message.StateRoot[0] ^= 1
	orphan := *chain[1].signed
	orphan.Message.ParentRoot[0] ^= 1

	tests := []struct {
		name  string
		block *spec.SignedBeaconBlock
		tick  spec.Slot
		want  error
	}{
		{"future block", chain[0].signed, 0, ErrTooEarly},
		{"unknown parent", &orphan, 5, ErrUnknownBlock},
		{"wrong state root", &badRoot, 5, spec.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := newTestStore(t, s, st, gb)
			tickToSlot(t, store, tt.tick, 0)
			err := store.OnBlock(tt.block, nil)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if len(store.blocks) != 1 || len(store.blockStates) != 1 {
				t.Errorf("store holds %d blocks after a rejected one", len(store.blocks))
			}
		})
	}

	t.Run("known block", func(t *testing.T) {
		store := newTestStore(t, s, st, gb)
		importBlock(t, store, chain[0])
		if err := store.OnBlock(chain[0].signed, nil); err != nil {
			t.Errorf("known block: %v", err)
		}
	})
}

// on_attestation rejects what validate_on_attestation asserts against.
func TestOnAttestationRejects(t *testing.T) {
	s, st, gb := testGenesis(t)
	genesis := genesisBlock(t, s, st, gb)
	chain := makeChain(t, s, genesis, 2*int(s.SlotsPerEpoch)+2, 0)
	store := newTestStore(t, s, st, gb)
	for _, b := range chain {
		importBlock(t, store, b)
	}
	b := chain[len(chain)-2] // a block of epoch 2
	good := makeAttestations(t, s, b, nil)[0]

	mutate := func(f func(*spec.Attestation)) *spec.Attestation {
		a := good
		a.AggregationBits = append(a.AggregationBits[:0:0], good.AggregationBits...)
		f(&a)
		return &a
	}
	tests := []struct {
		name        string
		att         *spec.Attestation
		fromBlock   bool
		tickToSlot  spec.Slot
		want        error
		wantMessage bool
	}{
		{"valid", &good, false, b.signed.Message.Slot + 1, nil, true},
		{"same slot", &good, false, b.signed.Message.Slot, ErrTooEarly, false},
		{"future target epoch", &good, false, 1, ErrTooEarly, false},
		{"old target epoch", &good, false, 5 * s.SlotsPerEpoch, spec.ErrInvalid, false},
		{"old target epoch, from block", &good, true, 5 * s.SlotsPerEpoch, nil, true},
		{"unknown block", mutate(func(a *spec.Attestation) { a.Data.BeaconBlockRoot[0] ^= 1 }), false, b.signed.Message.Slot + 1, ErrUnknownBlock, false},
		{"unknown target", mutate(func(a *spec.Attestation) { a.Data.Target.Root[0] ^= 1 }), false, b.signed.Message.Slot + 1, ErrUnknownBlock, false},
		{"target not the checkpoint block", mutate(func(a *spec.Attestation) { a.Data.Target.Root = chain[0].root }), false, b.signed.Message.Slot + 1, spec.ErrInvalid, false},
		{"target epoch not the slot's", mutate(func(a *spec.Attestation) { a.Data.Target.Epoch-- }), true, b.signed.Message.Slot + 1, spec.ErrInvalid, false},
		{"block after the slot", mutate(func(a *spec.Attestation) { a.Data.Slot-- }), true, b.signed.Message.Slot + 1, spec.ErrInvalid, false},
		{"bits of the wrong length", mutate(func(a *spec.Attestation) { a.AggregationBits = append(a.AggregationBits, 1) }), false, b.signed.Message.Slot + 1, spec.ErrInvalid, false},
		{"no attesters", mutate(func(a *spec.Attestation) {
			for i := 0; i < a.AggregationBits.Len(); i++ {
				a.AggregationBits.Set(i, false)
			}
		}), false, b.signed.Message.Slot + 1, spec.ErrInvalid, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s2 := *store
			s2.latestMessages = map[spec.ValidatorIndex]LatestMessage{}
			s2.checkpointStates = map[spec.Checkpoint]*spec.BeaconState{}
			for k, v := range store.checkpointStates {
				s2.checkpointStates[k] = v
			}
			at, _ := ComputeTimeAtSlotMs(s, 0, tt.tickToSlot)
			s2.timeMs = at
			err := s2.OnAttestation(tt.att, tt.fromBlock)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if got := len(s2.latestMessages) > 0; got != tt.wantMessage {
				t.Errorf("latest messages recorded: %v, want %v", got, tt.wantMessage)
			}
		})
	}
}

// on_attester_slashing marks the validators in both attestations, whose
// votes then stop counting.
func TestOnAttesterSlashing(t *testing.T) {
	s, st, gb := testGenesis(t)
	chain := makeChain(t, s, genesisBlock(t, s, st, gb), 3, 0)
	store := newTestStore(t, s, st, gb)
	for _, b := range chain {
		importBlock(t, store, b)
	}
	tickToSlot(t, store, 4, 0)
	att := makeAttestations(t, s, chain[2], nil)[0]
	if err := store.OnAttestation(&att, false); err != nil {
		t.Fatal(err)
	}
	before, err := store.GetWeight(chain[2].root)
	if err != nil || before == 0 {
		t.Fatalf("weight %d (%v) after a full attestation", before, err)
	}
	data2 := att.Data
	data2.BeaconBlockRoot = chain[1].root
	slashing := &spec.AttesterSlashing{
		Attestation1: spec.IndexedAttestation{AttestingIndices: []spec.ValidatorIndex{1, 3, 5}, Data: att.Data},
		Attestation2: spec.IndexedAttestation{AttestingIndices: []spec.ValidatorIndex{3, 5, 7}, Data: data2},
	}
	notSlashable := &spec.AttesterSlashing{Attestation1: slashing.Attestation1, Attestation2: slashing.Attestation1}
	if err := store.OnAttesterSlashing(notSlashable); !errors.Is(err, spec.ErrInvalid) {
		t.Errorf("identical attestations: got %v, want ErrInvalid", err)
	}
	unsorted := &spec.AttesterSlashing{Attestation1: slashing.Attestation1, Attestation2: slashing.Attestation2}
	unsorted.Attestation2.AttestingIndices = []spec.ValidatorIndex{7, 3}
	if err := store.OnAttesterSlashing(unsorted); !errors.Is(err, spec.ErrInvalid) {
		t.Errorf("unsorted indices: got %v, want ErrInvalid", err)
	}
	if err := store.OnAttesterSlashing(slashing); err != nil {
		t.Fatal(err)
	}
	for v, want := range map[spec.ValidatorIndex]bool{1: false, 3: true, 5: true, 7: false} {
		if store.IsEquivocating(v) != want {
			t.Errorf("validator %d equivocating: %v, want %v", v, !want, want)
		}
	}
	after, err := store.GetWeight(chain[2].root)
	if err != nil {
		t.Fatal(err)
	}
	var slashed spec.Gwei
	for _, v := range []spec.ValidatorIndex{3, 5} {
		if m, ok := store.LatestMessage(v); ok && m.Root == chain[2].root {
			slashed += store.blockStates[chain[2].root].Validators[v].EffectiveBalance
		}
	}
	if after != before-slashed {
		t.Errorf("weight %d after the slashing, want %d", after, before-slashed)
	}
}

// should_override_forkchoice_update holds back the update for a late
// block when this node proposes next, and not for a timely one.
func TestShouldOverrideForkchoiceUpdate(t *testing.T) {
	s, st, gb := testGenesis(t)
	chain := makeChain(t, s, genesisBlock(t, s, st, gb), 2, 0)
	due := GetAttestationDueMs(s)
	tests := []struct {
		name      string
		lateMs    uint64
		connected bool
		want      bool
	}{
		{"late, proposer connected", due + 1, true, true},
		{"late, proposer elsewhere", due + 1, false, false},
		{"timely", 0, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := newTestStore(t, s, st, gb)
			importBlock(t, store, chain[0])
			tickToSlot(t, store, 2, tt.lateMs)
			importBlock(t, store, chain[1])
			head, err := store.GetHead()
			if err != nil || head != chain[1].root {
				t.Fatalf("head %s (%v)", head, err)
			}
			got, err := store.ShouldOverrideForkchoiceUpdate(head, func(spec.ValidatorIndex) bool { return tt.connected })
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
