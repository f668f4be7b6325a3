package spec

import "github.com/quetzal-eth/quetzal/ssz"

// Blob and data-column containers: deneb's blob sidecars (deneb
// p2p-interface.md) and fulu's data columns (fulu das-core.md and
// p2p-interface.md).

// blobSidecarBlobSize is the length of a blob in bytes
// (BYTES_PER_FIELD_ELEMENT * FIELD_ELEMENTS_PER_BLOB, deneb).
func (p *Preset) blobSidecarBlobSize() int { return int(BytesPerFieldElement * p.FieldElementsPerBlob) }

// columnCellSize is the length of a cell in bytes
// (BYTES_PER_FIELD_ELEMENT * FIELD_ELEMENTS_PER_CELL, fulu).
func (p *Preset) columnCellSize() int { return int(BytesPerFieldElement * p.FieldElementsPerCell) }

// BlobSidecar carries one blob of a block with the proof that its
// commitment is in the block (deneb).
type BlobSidecar struct {
	Index BlobIndex
	// Blob holds BYTES_PER_FIELD_ELEMENT * FIELD_ELEMENTS_PER_BLOB bytes.
	Blob              []byte
	KZGCommitment     KZGCommitment
	KZGProof          KZGProof
	SignedBlockHeader SignedBeaconBlockHeader
	// KZGCommitmentInclusionProof holds KZG_COMMITMENT_INCLUSION_PROOF_DEPTH
	// nodes proving KZGCommitment against the header's body root.
	KZGCommitmentInclusionProof []Root
}

func (b *BlobSidecar) DefineSSZ(c *ssz.Codec) {
	s := schemaOf(c)
	ssz.Uint64(c, &b.Index)
	ssz.ByteVector(c, &b.Blob, s.blobSidecarBlobSize())
	ssz.Bytes(c, b.KZGCommitment[:])
	ssz.Bytes(c, b.KZGProof[:])
	ssz.Container(c, &b.SignedBlockHeader)
	ssz.ArrayVector(c, &b.KZGCommitmentInclusionProof, int(s.KZGCommitmentInclusionProofDepth))
}

// BlobIdentifier names a blob sidecar in a BlobSidecarsByRoot request
// (deneb).
type BlobIdentifier struct {
	BlockRoot Root
	Index     BlobIndex
}

func (b *BlobIdentifier) DefineSSZ(c *ssz.Codec) {
	ssz.Bytes(c, b.BlockRoot[:])
	ssz.Uint64(c, &b.Index)
}

// Cell is one cell of an extended blob: BYTES_PER_FIELD_ELEMENT *
// FIELD_ELEMENTS_PER_CELL bytes, the unit that has
// its own KZG proof (fulu). It is a bare SSZ byte vector.
type Cell []byte

func (x *Cell) DefineSSZ(c *ssz.Codec) {
	ssz.ByteVector(c, (*[]byte)(x), schemaOf(c).columnCellSize())
}

// IsSSZValue marks Cell as a bare SSZ value.
func (*Cell) IsSSZValue() {}

// DataColumnSidecar carries one column of a block's extended blob matrix:
// a cell and a proof from every blob, with the commitments and the proof
// that they are in the block (fulu).
type DataColumnSidecar struct {
	Index ColumnIndex
	// Column holds one cell per blob, at most MAX_BLOB_COMMITMENTS_PER_BLOCK.
	Column            []Cell
	KZGCommitments    []KZGCommitment
	KZGProofs         []KZGProof
	SignedBlockHeader SignedBeaconBlockHeader
	// KZGCommitmentsInclusionProof holds KZG_COMMITMENTS_INCLUSION_PROOF_DEPTH
	// nodes proving KZGCommitments against the header's body root.
	KZGCommitmentsInclusionProof []Root
}

func (d *DataColumnSidecar) DefineSSZ(c *ssz.Codec) {
	s := schemaOf(c)
	ssz.Uint64(c, &d.Index)
	ssz.List(c, &d.Column, int(s.MaxBlobCommitmentsPerBlock))
	ssz.ArrayList(c, &d.KZGCommitments, int(s.MaxBlobCommitmentsPerBlock))
	ssz.ArrayList(c, &d.KZGProofs, int(s.MaxBlobCommitmentsPerBlock))
	ssz.Container(c, &d.SignedBlockHeader)
	ssz.ArrayVector(c, &d.KZGCommitmentsInclusionProof, int(s.KZGCommitmentsInclusionProofDepth))
}

// DataColumnsByRootIdentifier names the columns wanted of one block in a
// DataColumnSidecarsByRoot request (fulu).
type DataColumnsByRootIdentifier struct {
	BlockRoot Root
	// Columns holds at most NUMBER_OF_COLUMNS indices.
	Columns []ColumnIndex
}

func (d *DataColumnsByRootIdentifier) DefineSSZ(c *ssz.Codec) {
	ssz.Bytes(c, d.BlockRoot[:])
	ssz.BasicList(c, &d.Columns, int(schemaOf(c).NumberOfColumns))
}

// MatrixEntry is one cell of the extended data matrix with its proof and
// position (fulu das-core.md).
type MatrixEntry struct {
	Cell        Cell
	KZGProof    KZGProof
	ColumnIndex ColumnIndex
	RowIndex    RowIndex
}

func (m *MatrixEntry) DefineSSZ(c *ssz.Codec) {
	ssz.Container(c, &m.Cell)
	ssz.Bytes(c, m.KZGProof[:])
	ssz.Uint64(c, &m.ColumnIndex)
	ssz.Uint64(c, &m.RowIndex)
}

// Partial data columns let peers exchange the cells of a column piecemeal
// (fulu p2p-interface.md, partial messages). A CellsBitList field has one
// bit per blob of the block, at most MAX_BLOB_COMMITMENTS_PER_BLOCK.

// PartialDataColumnPartsMetadata says which cells of a column a peer has
// and which it wants (fulu).
type PartialDataColumnPartsMetadata struct {
	Available ssz.Bitlist
	Requests  ssz.Bitlist
}

func (m *PartialDataColumnPartsMetadata) DefineSSZ(c *ssz.Codec) {
	limit := int(schemaOf(c).MaxBlobCommitmentsPerBlock)
	ssz.BitlistField(c, &m.Available, limit)
	ssz.BitlistField(c, &m.Requests, limit)
}

// PartialDataColumnGroupID identifies the block a partial column belongs
// to (fulu).
type PartialDataColumnGroupID struct {
	BeaconBlockRoot Root
}

func (g *PartialDataColumnGroupID) DefineSSZ(c *ssz.Codec) {
	ssz.Bytes(c, g.BeaconBlockRoot[:])
}

// PartialDataColumnHeader is the block-level part of a data column
// sidecar, sent once with partial columns (fulu).
type PartialDataColumnHeader struct {
	KZGCommitments               []KZGCommitment
	SignedBlockHeader            SignedBeaconBlockHeader
	KZGCommitmentsInclusionProof []Root
}

func (h *PartialDataColumnHeader) DefineSSZ(c *ssz.Codec) {
	s := schemaOf(c)
	ssz.ArrayList(c, &h.KZGCommitments, int(s.MaxBlobCommitmentsPerBlock))
	ssz.Container(c, &h.SignedBlockHeader)
	ssz.ArrayVector(c, &h.KZGCommitmentsInclusionProof, int(s.KZGCommitmentsInclusionProofDepth))
}

// PartialDataColumnSidecar carries some of a column's cells (fulu).
type PartialDataColumnSidecar struct {
	// CellsPresentBitmap marks, per blob, whether its cell is present.
	CellsPresentBitmap ssz.Bitlist
	PartialColumn      []Cell
	KZGProofs          []KZGProof
	// Header is an optional header: a list of zero or one.
	Header []PartialDataColumnHeader
}

func (p *PartialDataColumnSidecar) DefineSSZ(c *ssz.Codec) {
	s := schemaOf(c)
	ssz.BitlistField(c, &p.CellsPresentBitmap, int(s.MaxBlobCommitmentsPerBlock))
	ssz.List(c, &p.PartialColumn, int(s.MaxBlobCommitmentsPerBlock))
	ssz.ArrayList(c, &p.KZGProofs, int(s.MaxBlobCommitmentsPerBlock))
	ssz.List(c, &p.Header, 1)
}
