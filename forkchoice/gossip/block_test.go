package gossip

import (
	"fmt"
	"testing"

	"github.com/quetzal-eth/quetzal/spec"
)

// A block passes once, and each condition it breaks gives the spec's
// verdict.
func TestValidateBeaconBlockGossip(t *testing.T) {
	for _, fork := range []spec.ForkName{spec.Phase0, spec.Capella, spec.Deneb, spec.Fulu} {
		t.Run(fork.String(), func(t *testing.T) {
			f := newFixture(t, fork, 0)
			proposer := f.proposerAt(1)
			other := (proposer + 1) % fixtureValidators
			at := f.slotTime(1, 500)

			tests := []struct {
				name  string
				block func() *spec.SignedBeaconBlock
				now   uint64
				want  Kind
			}{
				{"future slot", func() *spec.SignedBeaconBlock { return f.block(1, proposer, proposer) }, f.slotTime(1, 0) - f.s.MaximumGossipClockDisparity - 1, Ignore},
				{"not after the finalized slot", func() *spec.SignedBeaconBlock { return f.block(0, proposer, proposer) }, at, Ignore},
				{"unknown parent", func() *spec.SignedBeaconBlock {
					b := f.block(1, proposer, proposer)
					b.Message.ParentRoot[0] ^= 1
					return b
				}, at, Ignore},
				{"proposer out of range", func() *spec.SignedBeaconBlock { return f.block(1, 1<<40, proposer) }, at, Reject},
				{"bad signature", func() *spec.SignedBeaconBlock { return f.block(1, proposer, other) }, at, Reject},
				{"wrong proposer", func() *spec.SignedBeaconBlock { return f.block(1, other, other) }, at, Reject},
				{"valid within the clock disparity", func() *spec.SignedBeaconBlock { return f.block(1, proposer, proposer) }, f.slotTime(1, 0) - f.s.MaximumGossipClockDisparity, Valid},
				{"already seen", func() *spec.SignedBeaconBlock { return f.block(1, proposer, proposer) }, at, Ignore},
			}
			for _, tt := range tests {
				err := f.v.ValidateBeaconBlockGossip(fork, tt.block(), tt.now, nil)
				expect(t, tt.name, err, tt.want)
			}
		})
	}
}

// Blocks that break a rule of their fork only.
func TestValidateBeaconBlockGossipForkRules(t *testing.T) {
	f := newFixture(t, spec.Capella, 0)
	proposer := f.proposerAt(2)
	at := f.slotTime(2, 0)
	b := f.block(2, proposer, proposer)
	b.Message.Body.ExecutionPayload.Timestamp++
	b.Signature = f.signObject(proposer, &b.Message, f.s.GetDomain(f.state, spec.DomainBeaconProposer, 0))
	expect(t, "payload timestamp", f.v.ValidateBeaconBlockGossip(spec.Capella, b, at, nil), Reject)

	f = newFixture(t, spec.Deneb, 0)
	b = f.block(2, proposer, proposer)
	b.Message.Body.BlobKZGCommitments = make([]spec.KZGCommitment, f.s.MaxBlobsPerBlock+1)
	b.Signature = f.signObject(proposer, &b.Message, f.s.GetDomain(f.state, spec.DomainBeaconProposer, 0))
	expect(t, "deneb: too many blobs", f.v.ValidateBeaconBlockGossip(spec.Deneb, b, at, nil), Reject)
	b.Message.Body.BlobKZGCommitments = b.Message.Body.BlobKZGCommitments[:f.s.MaxBlobsPerBlock]
	b.Signature = f.signObject(proposer, &b.Message, f.s.GetDomain(f.state, spec.DomainBeaconProposer, 0))
	expect(t, "deneb: at the blob limit", f.v.ValidateBeaconBlockGossip(spec.Deneb, b, at, nil), Valid)
}

// A block whose parent was seen without a post-state, or whose parent's
// payload is invalid, as each fork judges it.
func TestValidateBeaconBlockGossipParent(t *testing.T) {
	tests := []struct {
		fork    spec.ForkName
		status  *PayloadValidationStatus // of the parent; nil: unknown
		failed  bool                     // the parent failed validation
		payload bool                     // the block has a payload
		want    Kind
	}{
		{spec.Phase0, nil, true, false, Reject},
		// Bellatrix before the merge: execution is enabled by a block with
		// a payload only.
		{spec.Bellatrix, statusPtr(PayloadStatusValid), true, false, Reject},
		{spec.Bellatrix, statusPtr(PayloadStatusValid), true, true, Ignore},
		{spec.Bellatrix, nil, true, true, Reject},
		{spec.Bellatrix, statusPtr(PayloadStatusInvalidated), false, false, Valid},
		{spec.Bellatrix, statusPtr(PayloadStatusInvalidated), false, true, Ignore},
		{spec.Capella, nil, true, true, Reject},
		{spec.Capella, statusPtr(PayloadStatusNotValidated), true, true, Reject},
		{spec.Capella, statusPtr(PayloadStatusValid), true, true, Ignore},
		{spec.Capella, statusPtr(PayloadStatusInvalidated), true, true, Ignore},
		{spec.Capella, statusPtr(PayloadStatusInvalidated), false, true, Ignore},
		{spec.Capella, statusPtr(PayloadStatusNotValidated), false, true, Valid},
		{spec.Fulu, statusPtr(PayloadStatusValid), true, true, Ignore},
	}
	for _, tt := range tests {
		f := newFixture(t, tt.fork, 0)
		parent := f.anchor
		if tt.failed {
			// A parent at slot 1, seen but without a post-state.
			p := f.block(1, f.proposerAt(1), f.proposerAt(1))
			root, err := spec.HashTreeRoot(f.s.Schema(tt.fork), &p.Message)
			if err != nil {
				t.Fatal(err)
			}
			f.store.seen[root] = &p.Message
			parent = root
		}
		proposer := f.proposerAt(2)
		b := f.block(2, proposer, proposer)
		b.Message.ParentRoot = parent
		if !tt.payload {
			b.Message.Body.ExecutionPayload.Timestamp = 0
		}
		b.Signature = f.signObject(proposer, &b.Message, f.s.GetDomain(f.state, spec.DomainBeaconProposer, 0))
		statuses := PayloadStatusMap{}
		if tt.status != nil {
			statuses[parent] = *tt.status
		}
		err := f.v.ValidateBeaconBlockGossip(tt.fork, b, f.slotTime(2, 0), statuses)
		expect(t, fmt.Sprintf("%s, parent failed %v, payload %v", tt.fork, tt.failed, tt.payload), err, tt.want)
	}
}

func statusPtr(s PayloadValidationStatus) *PayloadValidationStatus { return &s }

// The finalized checkpoint bounds the blocks accepted: not at or before
// its slot, and only on its chain.
func TestValidateBeaconBlockGossipFinalized(t *testing.T) {
	f := newFixture(t, spec.Phase0, 0)
	proposer := f.proposerAt(9)
	b := f.block(9, proposer, proposer)
	now := f.slotTime(9, 0)

	f.store.finalized = &spec.Checkpoint{Epoch: 2, Root: f.anchor}
	expect(t, "before the finalized slot", f.v.ValidateBeaconBlockGossip(spec.Phase0, b, now, nil), Ignore)
	f.store.finalized = &spec.Checkpoint{Epoch: 0, Root: spec.Root{0xab}}
	expect(t, "finalized block not an ancestor", f.v.ValidateBeaconBlockGossip(spec.Phase0, b, now, nil), Reject)
	f.store.finalized = nil
	expect(t, "valid", f.v.ValidateBeaconBlockGossip(spec.Phase0, b, now, nil), Valid)
}

// ForkChoicePayloadStatuses reads the statuses off the store.
func TestForkChoicePayloadStatuses(t *testing.T) {
	store := fakeOptimisticStore{
		blocks:      map[spec.Root]bool{{1}: true, {2}: true, {3}: true},
		optimistic:  map[spec.Root]bool{{2}: true},
		invalidated: map[spec.Root]bool{{3}: true},
	}
	statuses := ForkChoicePayloadStatuses{Store: store}
	for _, tt := range []struct {
		root spec.Root
		want PayloadValidationStatus
		ok   bool
	}{
		{spec.Root{1}, PayloadStatusValid, true},
		{spec.Root{2}, PayloadStatusNotValidated, true},
		{spec.Root{3}, PayloadStatusInvalidated, true},
		{spec.Root{4}, 0, false},
	} {
		got, ok := statuses.PayloadStatus(tt.root)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: got %d %v, want %d %v", tt.root, got, ok, tt.want, tt.ok)
		}
	}
}

type fakeOptimisticStore struct {
	blocks, optimistic, invalidated map[spec.Root]bool
}

func (s fakeOptimisticStore) Block(root spec.Root) (*spec.BeaconBlock, bool) {
	if s.blocks[root] {
		return &spec.BeaconBlock{}, true
	}
	return nil, false
}
func (s fakeOptimisticStore) IsOptimistic(root spec.Root) bool  { return s.optimistic[root] }
func (s fakeOptimisticStore) IsInvalidated(root spec.Root) bool { return s.invalidated[root] }
