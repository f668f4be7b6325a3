package forkchoice

import (
	"math/rand/v2"
	"testing"

	"github.com/quetzal-eth/quetzal/spec"
	"github.com/quetzal-eth/quetzal/ssz"
)

// Corrupted blocks, attestations and slashings are rejected or accepted,
// never a panic, and the store keeps answering.
func TestMalformedInputs(t *testing.T) {
	s, st, gb := testGenesis(t)
	chain := makeChain(t, s, genesisBlock(t, s, st, gb), 2*int(s.SlotsPerEpoch)+2, 0)
	store := newTestStore(t, s, st, gb)
	for _, b := range chain[:len(chain)-1] {
		importBlock(t, store, b)
	}
	tickToSlot(t, store, chain[len(chain)-1].signed.Message.Slot+1, 0)
	schema := s.Schema(spec.Phase0)
	last := chain[len(chain)-1]
	att := makeAttestations(t, s, chain[len(chain)-2], nil)[0]
	slashing := &spec.AttesterSlashing{
		Attestation1: spec.IndexedAttestation{AttestingIndices: []spec.ValidatorIndex{1, 2}, Data: att.Data},
		Attestation2: spec.IndexedAttestation{AttestingIndices: []spec.ValidatorIndex{2, 3}, Data: att.Data},
	}
	slashing.Attestation2.Data.BeaconBlockRoot = chain[0].root

	rng := rand.New(rand.NewPCG(1, 2))
	corrupt := func(obj ssz.Object, fresh func() ssz.Object) ssz.Object {
		data, err := spec.Marshal(schema, obj)
		if err != nil {
			t.Fatal(err)
		}
		for range 1 + rng.IntN(4) {
			data[rng.IntN(len(data))] ^= byte(1 + rng.IntN(255))
		}
		out := fresh()
		if spec.Unmarshal(schema, data, out) != nil {
			return nil
		}
		return out
	}
	for range 300 {
		if b := corrupt(last.signed, func() ssz.Object { return new(spec.SignedBeaconBlock) }); b != nil {
			_ = store.OnBlock(b.(*spec.SignedBeaconBlock), nil)
		}
		if a := corrupt(&att, func() ssz.Object { return new(spec.Attestation) }); a != nil {
			_ = store.OnAttestation(a.(*spec.Attestation), rng.IntN(2) == 0)
		}
		if sl := corrupt(slashing, func() ssz.Object { return new(spec.AttesterSlashing) }); sl != nil {
			_ = store.OnAttesterSlashing(sl.(*spec.AttesterSlashing))
		}
	}
	if _, err := store.GetHead(); err != nil {
		t.Fatal(err)
	}
	if _, err := store.GetProposerHead(chain[len(chain)-2].root, store.CurrentSlot()); err != nil {
		t.Fatal(err)
	}
}
