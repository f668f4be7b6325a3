package spec

import (
	"bytes"
	"errors"
	"testing"

	"github.com/quetzal-eth/quetzal/ssz"
)

// A cell is a bare byte vector: its root is its 2048 bytes merkleized as
// 64 chunks, and it encodes to itself.
func TestCellIsBareByteVector(t *testing.T) {
	s := Mainnet().Schema(Fulu)
	cell := make(Cell, s.columnCellSize())
	blockTestFill(cell, 9)
	chunks := make([][32]byte, len(cell)/32)
	for i := range chunks {
		copy(chunks[i][:], cell[32*i:])
	}
	root, err := HashTreeRoot(s, &cell)
	if err != nil {
		t.Fatal(err)
	}
	if want := ssz.Merkleize(chunks, 64); [32]byte(root) != want {
		t.Errorf("cell root %s, want %x", root, want)
	}
	enc, err := Marshal(s, &cell)
	if err != nil || !bytes.Equal(enc, cell) {
		t.Errorf("cell encodes to %d bytes (err %v)", len(enc), err)
	}
	short := cell[:100]
	if _, err := Marshal(s, &short); !errors.Is(err, ssz.ErrVector) {
		t.Errorf("short cell: err %v, want ErrVector", err)
	}
}

// Sidecars built from a block carry inclusion proofs that verify against
// the body root in their signed header, as deneb
// verify_blob_sidecar_inclusion_proof and fulu
// verify_data_column_sidecar_inclusion_proof check them.
func TestSidecarsRoundTripAndProve(t *testing.T) {
	for _, sp := range blockTestPresets() {
		deneb := sp.Schema(Deneb)
		blk := blockTestSignedBlock(deneb, 5)
		bodyRoot, err := HashTreeRoot(deneb, &blk.Message.Body)
		if err != nil {
			t.Fatal(err)
		}
		hdr := SignedBeaconBlockHeader{
			Message:   BeaconBlockHeader{Slot: 5, ProposerIndex: 7, BodyRoot: bodyRoot},
			Signature: blk.Signature,
		}
		depth := 0
		for 1<<depth < deneb.MaxBlobCommitmentsPerBlock {
			depth++
		}
		g := uint64((16+11)*2)<<depth | 1
		leaf, branch, err := ssz.Prove(&blk.Message.Body, deneb, g)
		if err != nil {
			t.Fatal(err)
		}
		sc := BlobSidecar{
			Index: 1, Blob: make([]byte, deneb.blobSidecarBlobSize()),
			KZGCommitment: blk.Message.Body.BlobKZGCommitments[1], SignedBlockHeader: hdr,
		}
		for _, r := range branch {
			sc.KZGCommitmentInclusionProof = append(sc.KZGCommitmentInclusionProof, r)
		}
		var back BlobSidecar
		sidecarTestRoundTrip(t, deneb, &sc, &back)
		if leaf != blockTestCommitmentRoot(back.KZGCommitment) || !sidecarTestVerify(back.KZGCommitmentInclusionProof, leaf, g, back.SignedBlockHeader.Message.BodyRoot) {
			t.Errorf("%s: blob sidecar inclusion proof does not verify", sp.Name)
		}

		fulu := sp.Schema(Fulu)
		blk = blockTestSignedBlock(fulu, 5)
		bodyRoot, err = HashTreeRoot(fulu, &blk.Message.Body)
		if err != nil {
			t.Fatal(err)
		}
		hdr.Message.BodyRoot = bodyRoot
		leaf, branch, err = ssz.Prove(&blk.Message.Body, fulu, 16+11)
		if err != nil {
			t.Fatal(err)
		}
		cells := []Cell{make(Cell, fulu.columnCellSize()), make(Cell, fulu.columnCellSize())}
		cells[1][0] = 1
		dc := DataColumnSidecar{
			Index: 3, Column: cells, KZGCommitments: blk.Message.Body.BlobKZGCommitments,
			KZGProofs: []KZGProof{{1}, {2}}, SignedBlockHeader: hdr,
		}
		for _, r := range branch {
			dc.KZGCommitmentsInclusionProof = append(dc.KZGCommitmentsInclusionProof, r)
		}
		var dcBack DataColumnSidecar
		sidecarTestRoundTrip(t, fulu, &dc, &dcBack)
		want := ssz.MixInLength(blockTestCommitmentsRoot(dcBack.KZGCommitments, fulu.MaxBlobCommitmentsPerBlock), uint64(len(dcBack.KZGCommitments)))
		if leaf != want || !sidecarTestVerify(dcBack.KZGCommitmentsInclusionProof, leaf, 16+11, dcBack.SignedBlockHeader.Message.BodyRoot) {
			t.Errorf("%s: data column inclusion proof does not verify", sp.Name)
		}
		if len(dcBack.Column) != 2 || dcBack.Column[1][0] != 1 {
			t.Errorf("%s: decoded column %d cells", sp.Name, len(dcBack.Column))
		}

		// The partial column shares the header's proof; its optional header
		// is a list of at most one.
		pc := PartialDataColumnSidecar{
			CellsPresentBitmap: ssz.NewBitlist(2), PartialColumn: cells[:1], KZGProofs: dc.KZGProofs[:1],
			Header: []PartialDataColumnHeader{{KZGCommitments: dc.KZGCommitments, SignedBlockHeader: hdr,
				KZGCommitmentsInclusionProof: dc.KZGCommitmentsInclusionProof}},
		}
		pc.CellsPresentBitmap.Set(0, true)
		var pcBack PartialDataColumnSidecar
		sidecarTestRoundTrip(t, fulu, &pc, &pcBack)
		pc.Header = append(pc.Header, pc.Header[0])
		if _, err := Marshal(fulu, &pc); !errors.Is(err, ssz.ErrLimit) {
			t.Errorf("%s: two partial column headers: err %v, want ErrLimit", sp.Name, err)
		}
	}
}

func sidecarTestRoundTrip(t *testing.T, s *Schema, obj, back ssz.Object) {
	t.Helper()
	enc, err := Marshal(s, obj)
	if err != nil {
		t.Fatalf("%T: %v", obj, err)
	}
	if err := Unmarshal(s, enc, back); err != nil {
		t.Fatalf("%T: %v", obj, err)
	}
	enc2, err := Marshal(s, back)
	if err != nil || !bytes.Equal(enc, enc2) {
		t.Fatalf("%T: re-encoding differs (err %v)", obj, err)
	}
	r1, _ := HashTreeRoot(s, obj)
	r2, _ := HashTreeRoot(s, back)
	if r1 != r2 {
		t.Fatalf("%T: roots differ", obj)
	}
}

// sidecarTestVerify is is_valid_merkle_branch for a leaf at generalized
// index g, written out as the spec does (depth and subtree index).
func sidecarTestVerify(branch []Root, leaf [32]byte, g uint64, root Root) bool {
	depth := 0
	for g>>uint(depth+1) != 0 {
		depth++
	}
	if len(branch) != depth {
		return false
	}
	index := g - 1<<uint(depth)
	value := leaf
	for i := 0; i < depth; i++ {
		if index>>uint(i)&1 == 1 {
			value = ssz.HashPair(branch[i], value)
		} else {
			value = ssz.HashPair(value, branch[i])
		}
	}
	return value == root
}
