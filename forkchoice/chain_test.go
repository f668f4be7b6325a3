package forkchoice

import (
	"testing"

	"github.com/quetzal-eth/quetzal/spec"
	"github.com/quetzal-eth/quetzal/ssz"
)

// Helpers that build phase0 chains for the tests, with signatures off.

const testValidators = 64

// testGenesis returns a minimal-preset phase0 genesis state of
// testValidators interop validators, at genesis time 0, and its block.
func testGenesis(t testing.TB) (*spec.Spec, *spec.BeaconState, *spec.BeaconBlock) {
	t.Helper()
	s := spec.Minimal()
	st, err := s.InteropGenesis(testValidators, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	root, err := s.StateRoot(st)
	if err != nil {
		t.Fatal(err)
	}
	return s, st, &spec.BeaconBlock{StateRoot: root}
}

// testBlock is a block with its root and post-state.
type testBlock struct {
	signed *spec.SignedBeaconBlock
	root   spec.Root
	state  *spec.BeaconState
}

// makeBlock builds the block of slot on parent's post-state, carrying
// attestations; graffiti tells apart blocks of the same slot and parent.
func makeBlock(t testing.TB, s *spec.Spec, parent *spec.BeaconState, slot spec.Slot, attestations []spec.Attestation, graffiti byte) testBlock {
	t.Helper()
	st := parent.Copy()
	tr := &spec.Transition{Spec: s, Signatures: spec.SignaturesOff}
	if err := tr.ProcessSlots(st, slot); err != nil {
		t.Fatal(err)
	}
	proposer, err := s.GetBeaconProposerIndex(st)
	if err != nil {
		t.Fatal(err)
	}
	parentRoot, err := spec.HashTreeRoot(s.Schema(spec.Phase0), &st.LatestBlockHeader)
	if err != nil {
		t.Fatal(err)
	}
	block := spec.BeaconBlock{Slot: slot, ProposerIndex: proposer, ParentRoot: parentRoot}
	block.Body.Eth1Data = st.Eth1Data
	block.Body.Graffiti[0] = graffiti
	block.Body.Attestations = attestations
	if err := tr.ProcessBlock(st, &block); err != nil {
		t.Fatal(err)
	}
	if block.StateRoot, err = s.StateRoot(st); err != nil {
		t.Fatal(err)
	}
	root, err := blockRoot(s, &block)
	if err != nil {
		t.Fatal(err)
	}
	return testBlock{signed: &spec.SignedBeaconBlock{Message: block}, root: root, state: st}
}

// makeAttestations returns one attestation per committee of b's slot,
// with every member voting for b, as b's post-state sees the checkpoints.
// If only is not nil, it picks the members that vote.
func makeAttestations(t testing.TB, s *spec.Spec, b testBlock, only func(spec.ValidatorIndex) bool) []spec.Attestation {
	t.Helper()
	st := b.state
	slot := b.signed.Message.Slot
	epoch := s.ComputeEpochAtSlot(slot)
	target := b.root
	if start := s.ComputeStartSlotAtEpoch(epoch); start < slot {
		var err error
		if target, err = s.GetBlockRoot(st, epoch); err != nil {
			t.Fatal(err)
		}
	}
	var out []spec.Attestation
	for index := range s.GetCommitteeCountPerSlot(st, epoch) {
		committee, err := s.GetBeaconCommittee(st, slot, spec.CommitteeIndex(index))
		if err != nil {
			t.Fatal(err)
		}
		bits := ssz.NewBitlist(len(committee))
		for i, v := range committee {
			bits.Set(i, only == nil || only(v))
		}
		out = append(out, spec.Attestation{
			AggregationBits: bits,
			Data: spec.AttestationData{
				Slot:            slot,
				Index:           spec.CommitteeIndex(index),
				BeaconBlockRoot: b.root,
				Source:          st.CurrentJustifiedCheckpoint,
				Target:          spec.Checkpoint{Epoch: epoch, Root: target},
			},
		})
	}
	return out
}

// makeChain builds n blocks, one per slot after parent's, each carrying
// full attestations for the block before it (none for the anchor).
func makeChain(t testing.TB, s *spec.Spec, parent testBlock, n int, graffiti byte) []testBlock {
	t.Helper()
	var out []testBlock
	prev := parent
	for i := 0; i < n; i++ {
		var atts []spec.Attestation
		if prev.signed.Message.Slot > 0 {
			atts = makeAttestations(t, s, prev, nil)
		}
		b := makeBlock(t, s, prev.state, prev.signed.Message.Slot+1, atts, graffiti)
		out = append(out, b)
		prev = b
	}
	return out
}

// genesisBlock wraps the genesis state and block as a testBlock.
func genesisBlock(t testing.TB, s *spec.Spec, st *spec.BeaconState, block *spec.BeaconBlock) testBlock {
	t.Helper()
	root, err := blockRoot(s, block)
	if err != nil {
		t.Fatal(err)
	}
	return testBlock{signed: &spec.SignedBeaconBlock{Message: *block}, root: root, state: st}
}

// newTestStore anchors a store at the genesis of testGenesis.
func newTestStore(t testing.TB, s *spec.Spec, st *spec.BeaconState, block *spec.BeaconBlock) *Store {
	t.Helper()
	store, err := GetForkchoiceStore(s, st, block, Options{Signatures: spec.SignaturesOff})
	if err != nil {
		t.Fatal(err)
	}
	return store
}

// tickToSlot moves the store's time to the start of slot, plus ms.
func tickToSlot(t testing.TB, store *Store, slot spec.Slot, ms uint64) {
	t.Helper()
	at, err := ComputeTimeAtSlotMs(store.spec, store.genesisTimeMs, slot)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.OnTick(at + ms); err != nil {
		t.Fatal(err)
	}
}

// importBlock ticks to the block's slot if the store is behind, imports
// it, and runs its attestations as from a block.
func importBlock(t testing.TB, store *Store, b testBlock) {
	t.Helper()
	if store.getCurrentSlot() < b.signed.Message.Slot {
		tickToSlot(t, store, b.signed.Message.Slot, 0)
	}
	if err := store.OnBlock(b.signed, nil); err != nil {
		t.Fatalf("block of slot %d: %v", b.signed.Message.Slot, err)
	}
	for i := range b.signed.Message.Body.Attestations {
		if err := store.OnAttestation(&b.signed.Message.Body.Attestations[i], true); err != nil {
			t.Fatalf("attestation %d of block of slot %d: %v", i, b.signed.Message.Slot, err)
		}
	}
}
