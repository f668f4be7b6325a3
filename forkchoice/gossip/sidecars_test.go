package gossip

import (
	"testing"

	"github.com/quetzal-eth/quetzal/spec"
	"github.com/quetzal-eth/quetzal/spec/kzg"
	"github.com/quetzal-eth/quetzal/ssz"
)

// sidecarBlock is a block with blobs: its body, signed header and the
// blobs' commitments.
type sidecarBlock struct {
	body   spec.BeaconBlockBody
	header spec.SignedBeaconBlockHeader
	blob   *kzg.Blob
}

// newSidecarBlock builds a child of the anchor at slot 1 whose body
// commits to n copies of one blob, with the header signed by its
// proposer.
func newSidecarBlock(t *testing.T, f *fixture, n int) *sidecarBlock {
	t.Helper()
	blob := new(kzg.Blob)
	blob[31] = 7
	commitment, err := kzg.BlobToKZGCommitment(blob)
	if err != nil {
		t.Fatal(err)
	}
	b := &sidecarBlock{body: emptyBody(f.s, f.fork), blob: blob}
	for range n {
		b.body.BlobKZGCommitments = append(b.body.BlobKZGCommitments, spec.KZGCommitment(commitment))
	}
	bodyRoot, err := spec.HashTreeRoot(f.s.Schema(f.fork), &b.body)
	if err != nil {
		t.Fatal(err)
	}
	proposer := f.proposerAt(1)
	b.header.Message = spec.BeaconBlockHeader{Slot: 1, ProposerIndex: proposer, ParentRoot: f.anchor, BodyRoot: bodyRoot}
	b.header.Signature = f.signObject(proposer, &b.header.Message, f.s.GetDomain(f.state, spec.DomainBeaconProposer, 0))
	return b
}

// prove returns the branch of the body's node at gindex.
func (b *sidecarBlock) prove(t *testing.T, f *fixture, gindex uint64) []spec.Root {
	t.Helper()
	_, branch, err := ssz.Prove(&b.body, f.s.Schema(f.fork), gindex)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]spec.Root, len(branch))
	for i, r := range branch {
		out[i] = r
	}
	return out
}

func TestValidateBlobSidecarGossip(t *testing.T) {
	f := newFixture(t, spec.Deneb, 0)
	b := newSidecarBlock(t, f, 3)
	proof, err := kzg.ComputeBlobKZGProof(b.blob, kzg.Commitment(b.body.BlobKZGCommitments[0]))
	if err != nil {
		t.Fatal(err)
	}
	// The commitments list is field 11 of the body; its elements lie
	// ceillog2(MAX_BLOB_COMMITMENTS_PER_BLOCK) levels below its data root.
	sidecar := func(index spec.BlobIndex, change func(*spec.BlobSidecar)) *spec.BlobSidecar {
		sc := &spec.BlobSidecar{
			Index: index, Blob: b.blob[:], KZGCommitment: b.body.BlobKZGCommitments[0], KZGProof: spec.KZGProof(proof),
			SignedBlockHeader:           b.header,
			KZGCommitmentInclusionProof: b.prove(t, f, (16+11)*2<<12|uint64(index)),
		}
		if change != nil {
			change(sc)
		}
		return sc
	}
	now := f.slotTime(1, 0)
	subnet := func(i spec.BlobIndex) spec.SubnetID { return spec.SubnetID(uint64(i) % f.s.BlobSidecarSubnetCount) }
	tests := []struct {
		name    string
		sidecar *spec.BlobSidecar
		subnet  spec.SubnetID
		now     uint64
		want    Kind
	}{
		{"index out of range", sidecar(0, func(sc *spec.BlobSidecar) { sc.Index = spec.BlobIndex(f.s.MaxBlobsPerBlock) }), 0, now, Reject},
		{"wrong subnet", sidecar(1, nil), subnet(2), now, Reject},
		{"future slot", sidecar(1, nil), subnet(1), 0, Ignore},
		{"unknown parent", sidecar(1, func(sc *spec.BlobSidecar) { sc.SignedBlockHeader.Message.ParentRoot = spec.Root{1} }), subnet(1), now, Ignore},
		{"bad header signature", sidecar(1, func(sc *spec.BlobSidecar) { sc.SignedBlockHeader.Message.StateRoot = spec.Root{1} }), subnet(1), now, Reject},
		{"proof of another index", sidecar(1, func(sc *spec.BlobSidecar) { sc.Index = 2 }), subnet(2), now, Reject},
		{"short proof", sidecar(1, func(sc *spec.BlobSidecar) { sc.KZGCommitmentInclusionProof = sc.KZGCommitmentInclusionProof[:3] }), subnet(1), now, Reject},
		{"bad kzg proof", sidecar(1, func(sc *spec.BlobSidecar) { sc.KZGProof = spec.KZGProof(b.body.BlobKZGCommitments[0]) }), subnet(1), now, Reject},
		{"blob of the wrong size", sidecar(1, func(sc *spec.BlobSidecar) { sc.Blob = sc.Blob[:100] }), subnet(1), now, Reject},
		{"valid", sidecar(1, nil), subnet(1), now, Valid},
		{"already seen", sidecar(1, nil), subnet(1), now, Ignore},
		{"another index", sidecar(2, nil), subnet(2), now, Valid},
	}
	for _, tt := range tests {
		expect(t, tt.name, f.v.ValidateBlobSidecarGossip(spec.Deneb, tt.sidecar, tt.now, tt.subnet), tt.want)
	}
}

// columnOf returns column index of the extended blob with its proof.
func columnOf(t *testing.T, blob *kzg.Blob, index int) (spec.Cell, spec.KZGProof) {
	t.Helper()
	cells, proofs, err := kzg.ComputeCellsAndKZGProofs(blob)
	if err != nil {
		t.Fatal(err)
	}
	return spec.Cell(cells[index][:]), spec.KZGProof(proofs[index])
}

func TestValidateDataColumnSidecarGossip(t *testing.T) {
	f := newFixture(t, spec.Fulu, 0)
	b := newSidecarBlock(t, f, 2)
	const column = 5
	cell, proof := columnOf(t, b.blob, column)
	_, otherProof := columnOf(t, b.blob, column+1)
	sidecar := func(change func(*spec.DataColumnSidecar)) *spec.DataColumnSidecar {
		sc := &spec.DataColumnSidecar{
			Index: column, Column: []spec.Cell{cell, cell}, KZGCommitments: b.body.BlobKZGCommitments,
			KZGProofs: []spec.KZGProof{proof, proof}, SignedBlockHeader: b.header,
			KZGCommitmentsInclusionProof: b.prove(t, f, 16+11),
		}
		if change != nil {
			change(sc)
		}
		return sc
	}
	now := f.slotTime(1, 0)
	subnet := f.s.ComputeSubnetForDataColumnSidecar(column)
	tests := []struct {
		name    string
		sidecar *spec.DataColumnSidecar
		subnet  spec.SubnetID
		want    Kind
	}{
		{"no commitments", sidecar(func(sc *spec.DataColumnSidecar) { sc.KZGCommitments = nil }), subnet, Reject},
		{"fewer cells than commitments", sidecar(func(sc *spec.DataColumnSidecar) { sc.Column = sc.Column[:1] }), subnet, Reject},
		{"column out of range", sidecar(func(sc *spec.DataColumnSidecar) { sc.Index = spec.ColumnIndex(f.s.NumberOfColumns) }), subnet, Reject},
		{"wrong subnet", sidecar(nil), subnet + 1, Reject},
		{"wrong proposer", sidecar(func(sc *spec.DataColumnSidecar) {
			sc.SignedBlockHeader.Message.ProposerIndex = (b.header.Message.ProposerIndex + 1) % fixtureValidators
			sc.SignedBlockHeader.Signature = f.signObject(sc.SignedBlockHeader.Message.ProposerIndex, &sc.SignedBlockHeader.Message, f.s.GetDomain(f.state, spec.DomainBeaconProposer, 0))
		}), subnet, Reject},
		{"bad inclusion proof", sidecar(func(sc *spec.DataColumnSidecar) { sc.KZGCommitmentsInclusionProof[0][0] ^= 1 }), subnet, Reject},
		{"bad kzg proof", sidecar(func(sc *spec.DataColumnSidecar) { sc.KZGProofs[1] = otherProof }), subnet, Reject},
		{"valid", sidecar(nil), subnet, Valid},
		{"already seen", sidecar(nil), subnet, Ignore},
	}
	for _, tt := range tests {
		expect(t, tt.name, f.v.ValidateDataColumnSidecarGossip(spec.Fulu, tt.sidecar, now, tt.subnet), tt.want)
	}
}

func TestValidatePartialDataColumnSidecarGossip(t *testing.T) {
	f := newFixture(t, spec.Fulu, 0)
	b := newSidecarBlock(t, f, 2)
	const column = 3
	cell, proof := columnOf(t, b.blob, column)
	blockRoot, err := spec.HashTreeRoot(f.s.Schema(spec.Fulu), &b.header.Message)
	if err != nil {
		t.Fatal(err)
	}
	group := &spec.PartialDataColumnGroupID{BeaconBlockRoot: blockRoot}
	header := spec.PartialDataColumnHeader{
		KZGCommitments: b.body.BlobKZGCommitments, SignedBlockHeader: b.header,
		KZGCommitmentsInclusionProof: b.prove(t, f, 16+11),
	}
	// partial carries the cells of the blobs in present, and the header if
	// withHeader.
	partial := func(withHeader bool, blobs int, present []int, change func(*spec.PartialDataColumnSidecar)) *spec.PartialDataColumnSidecar {
		p := &spec.PartialDataColumnSidecar{CellsPresentBitmap: ssz.NewBitlist(blobs)}
		for _, i := range present {
			p.CellsPresentBitmap.Set(i, true)
			p.PartialColumn = append(p.PartialColumn, cell)
			p.KZGProofs = append(p.KZGProofs, proof)
		}
		if withHeader {
			h := header
			h.KZGCommitments = append([]spec.KZGCommitment(nil), header.KZGCommitments...)
			h.KZGCommitmentsInclusionProof = append([]spec.Root(nil), header.KZGCommitmentsInclusionProof...)
			p.Header = []spec.PartialDataColumnHeader{h}
		}
		if change != nil {
			change(p)
		}
		return p
	}
	now := f.slotTime(1, 0)
	tests := []struct {
		name    string
		partial *spec.PartialDataColumnSidecar
		group   *spec.PartialDataColumnGroupID
		want    Kind
	}{
		{"empty", partial(false, 2, nil, nil), group, Reject},
		{"a cell without its proof", partial(false, 2, []int{0}, func(p *spec.PartialDataColumnSidecar) { p.KZGProofs = nil }), group, Reject},
		{"more cells than bits", partial(false, 2, []int{0}, func(p *spec.PartialDataColumnSidecar) { p.PartialColumn = append(p.PartialColumn, cell) }), group, Reject},
		{"cells before the header", partial(false, 2, []int{0}, nil), group, Ignore},
		{"header of another block", partial(true, 2, nil, nil), &spec.PartialDataColumnGroupID{BeaconBlockRoot: spec.Root{1}}, Reject},
		{"header without commitments", partial(true, 2, nil, func(p *spec.PartialDataColumnSidecar) { p.Header[0].KZGCommitments = nil }), group, Reject},
		{"header with a bad inclusion proof", partial(true, 2, nil, func(p *spec.PartialDataColumnSidecar) { p.Header[0].KZGCommitments = p.Header[0].KZGCommitments[:1] }), group, Reject},
		{"header only", partial(true, 2, nil, nil), group, Valid},
		{"a differing header", partial(true, 2, nil, func(p *spec.PartialDataColumnSidecar) { p.Header[0].KZGCommitmentsInclusionProof[0][0] ^= 1 }), group, Reject},
		{"bitmap of another length", partial(false, 3, []int{0}, nil), group, Reject},
		{"bad kzg proof", partial(false, 2, []int{1}, func(p *spec.PartialDataColumnSidecar) { p.KZGProofs[0][3] ^= 1 }), group, Reject},
		{"cells", partial(false, 2, []int{1}, nil), group, Valid},
		{"header and cells", partial(true, 2, []int{0, 1}, nil), group, Valid},
	}
	for _, tt := range tests {
		expect(t, tt.name, f.v.ValidatePartialDataColumnSidecarGossip(spec.Fulu, tt.partial, now, tt.group, column), tt.want)
	}

	// Cells of a cached header are ignored once the header is too old.
	f.store.finalized = &spec.Checkpoint{Epoch: 1, Root: f.anchor}
	expect(t, "cells after finality", f.v.ValidatePartialDataColumnSidecarGossip(spec.Fulu, partial(false, 2, []int{0}, nil), now, group, column), Ignore)
}
