package gossip

import (
	"errors"
	"testing"

	"github.com/quetzal-eth/quetzal/forkchoice"
	"github.com/quetzal-eth/quetzal/spec"
	"github.com/quetzal-eth/quetzal/spec/bls"
	"github.com/quetzal-eth/quetzal/ssz"
)

// Fixtures of the tests: a minimal-preset interop chain of 64 validators
// whose genesis (at time 0) is in the fork under test, a fork-choice store
// anchored at it, and messages signed with the interop keys.

const fixtureValidators = 64

type fixture struct {
	t      *testing.T
	s      *spec.Spec
	fork   spec.ForkName
	state  *spec.BeaconState // the anchor's state, the head's
	anchor spec.Root
	store  *testStore
	v      *Validator
}

// newFixture anchors a store at the fork's genesis, advanced to slot (the
// anchor is then a block of that slot whose post-state is the genesis
// state moved on with empty slots, as the spec tests do for exits).
func newFixture(t *testing.T, fork spec.ForkName, slot spec.Slot) *fixture {
	t.Helper()
	s := spec.Minimal()
	for f := spec.Altair; f <= spec.LatestFork; f++ {
		if f <= fork {
			s.SetForkEpoch(f, spec.GenesisEpoch)
		} else {
			s.SetForkEpoch(f, spec.FarFutureEpoch)
		}
	}
	st, err := s.InteropGenesis(fixtureValidators, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if slot > 0 {
		if err := (&spec.Transition{Spec: s}).ProcessSlots(st, slot); err != nil {
			t.Fatal(err)
		}
	}
	stateRoot, err := s.StateRoot(st)
	if err != nil {
		t.Fatal(err)
	}
	anchor := &spec.BeaconBlock{Slot: slot, StateRoot: stateRoot, Body: emptyBody(s, fork)}
	fc, err := forkchoice.GetForkchoiceStore(s, st, anchor, forkchoice.Options{})
	if err != nil {
		t.Fatal(err)
	}
	root, err := spec.HashTreeRoot(s.Schema(fork), anchor)
	if err != nil {
		t.Fatal(err)
	}
	store := &testStore{ForkChoice: fc, seen: map[spec.Root]*spec.BeaconBlock{}}
	return &fixture{t: t, s: s, fork: fork, state: st, anchor: root, store: store, v: NewValidator(s, store)}
}

// emptyBody is an empty block body of fork, its fixed-size fields sized.
func emptyBody(s *spec.Spec, fork spec.ForkName) spec.BeaconBlockBody {
	var body spec.BeaconBlockBody
	if fork >= spec.Altair {
		body.SyncAggregate.SyncCommitteeBits = ssz.NewBitvector(int(s.SyncCommitteeSize))
	}
	if fork >= spec.Bellatrix {
		body.ExecutionPayload.LogsBloom = make([]byte, s.BytesPerLogsBloom)
	}
	return body
}

// testStore adds to a fork-choice store blocks seen but not imported, and
// lets a test set the finalized checkpoint.
type testStore struct {
	forkchoice.ForkChoice
	seen      map[spec.Root]*spec.BeaconBlock
	finalized *spec.Checkpoint
}

func (s *testStore) Block(root spec.Root) (*spec.BeaconBlock, bool) {
	if b, ok := s.seen[root]; ok {
		return b, true
	}
	return s.ForkChoice.Block(root)
}

func (s *testStore) FinalizedCheckpoint() spec.Checkpoint {
	if s.finalized != nil {
		return *s.finalized
	}
	return s.ForkChoice.FinalizedCheckpoint()
}

// sign signs root with validator index's interop key.
func (f *fixture) sign(index spec.ValidatorIndex, root spec.Root) spec.BLSSignature {
	f.t.Helper()
	sk, err := spec.InteropSecretKey(uint64(index))
	if err != nil {
		f.t.Fatal(err)
	}
	return spec.BLSSignature(bls.Sign(sk, root))
}

// signObject signs obj under domain with validator index's key.
func (f *fixture) signObject(index spec.ValidatorIndex, obj ssz.Object, domain spec.Domain) spec.BLSSignature {
	f.t.Helper()
	root, err := spec.HashTreeRoot(f.s.Schema(f.fork), obj)
	if err != nil {
		f.t.Fatal(err)
	}
	return f.sign(index, spec.ComputeSigningRoot(root, domain))
}

// slotTime is the time of slot's start plus ms.
func (f *fixture) slotTime(slot spec.Slot, ms uint64) uint64 {
	f.t.Helper()
	t, err := forkchoice.ComputeTimeAtSlotMs(f.s, 0, slot)
	if err != nil {
		f.t.Fatal(err)
	}
	return t + ms
}

// proposerAt is the proposer of slot on the anchor's chain.
func (f *fixture) proposerAt(slot spec.Slot) spec.ValidatorIndex {
	f.t.Helper()
	st := f.state.Copy()
	if err := (&spec.Transition{Spec: f.s}).ProcessSlots(st, slot); err != nil {
		f.t.Fatal(err)
	}
	p, err := f.s.GetBeaconProposerIndex(st)
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

// block returns a child of the anchor at slot by proposer, signed by
// signer. Gossip validation does not run its state transition, so its
// body may be empty.
func (f *fixture) block(slot spec.Slot, proposer, signer spec.ValidatorIndex) *spec.SignedBeaconBlock {
	f.t.Helper()
	b := &spec.SignedBeaconBlock{Message: spec.BeaconBlock{Slot: slot, ProposerIndex: proposer, ParentRoot: f.anchor, Body: emptyBody(f.s, f.fork)}}
	if f.fork >= spec.Bellatrix {
		ts, err := f.s.ComputeTimeAtSlot(f.state.GenesisTime, slot)
		if err != nil {
			f.t.Fatal(err)
		}
		b.Message.Body.ExecutionPayload.Timestamp = ts
	}
	domain := f.s.GetDomain(f.state, spec.DomainBeaconProposer, f.s.ComputeEpochAtSlot(slot))
	b.Signature = f.signObject(signer, &b.Message, domain)
	return b
}

// committee is committee index of slot as the anchor's state sees it.
func (f *fixture) committee(slot spec.Slot, index spec.CommitteeIndex) []spec.ValidatorIndex {
	f.t.Helper()
	c, err := f.s.GetBeaconCommittee(f.state, slot, index)
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

// attestationData is a vote for the anchor at slot, its target the
// anchor.
func (f *fixture) attestationData(slot spec.Slot, index spec.CommitteeIndex) spec.AttestationData {
	return spec.AttestationData{
		Slot:            slot,
		Index:           index,
		BeaconBlockRoot: f.anchor,
		Source:          f.state.CurrentJustifiedCheckpoint,
		Target:          spec.Checkpoint{Epoch: f.s.ComputeEpochAtSlot(slot), Root: f.anchor},
	}
}

// attesterSignature is member's signature of data.
func (f *fixture) attesterSignature(member spec.ValidatorIndex, data *spec.AttestationData) spec.BLSSignature {
	return f.signObject(member, data, f.s.GetDomain(f.state, spec.DomainBeaconAttester, data.Target.Epoch))
}

// aggregateSignature aggregates the signatures of data by members.
func (f *fixture) aggregateSignature(members []spec.ValidatorIndex, data *spec.AttestationData) spec.BLSSignature {
	f.t.Helper()
	var sigs []bls.Signature
	for _, m := range members {
		sigs = append(sigs, bls.Signature(f.attesterSignature(m, data)))
	}
	agg, err := bls.Aggregate(sigs)
	if err != nil {
		f.t.Fatal(err)
	}
	return spec.BLSSignature(agg)
}

// expect checks the outcome of one validation.
func expect(t *testing.T, what string, err error, want Kind) {
	t.Helper()
	if got := KindOf(err); got != want {
		t.Errorf("%s: got %s (%v), want %s", what, got, err, want)
		return
	}
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("%s: %v is not a gossip verdict", what, err)
		}
	}
}
