package forkchoice

import (
	"fmt"

	"github.com/quetzal-eth/quetzal/spec"
	"github.com/quetzal-eth/quetzal/spec/kzg"
)

// Data availability: is_data_available of deneb fork-choice.md (blobs)
// and fulu fork-choice.md (data columns).

// DataAvailability answers is_data_available for one block: nil if its
// data is available, else an error, wrapping ErrUnavailable when the data
// may still come.
type DataAvailability interface {
	IsDataAvailable(s *spec.Spec, blockRoot spec.Root, block *spec.BeaconBlock) error
}

// BlockData is the data a node retrieved for a block, what the spec's
// implementation-dependent retrieve_blobs_and_proofs (deneb, electra) or
// retrieve_column_sidecars (fulu) return, with what they raise as
// Missing. It answers is_data_available by checking that data as the spec
// does, by the fork of the block's slot. A nil *BlockData has retrieved
// nothing.
//
// Fulu's is_data_available accepts any block when no columns are
// retrieved: the retrieval is what must fail (set Missing) when the
// columns the node must sample are not all there.
type BlockData struct {
	// Blobs and Proofs are the block's blobs and their KZG proofs (deneb,
	// electra), each blob BYTES_PER_BLOB bytes.
	Blobs  [][]byte
	Proofs []spec.KZGProof
	// Columns are the data column sidecars to sample (fulu).
	Columns []*spec.DataColumnSidecar
	// Missing, if not nil, is why retrieval failed: the data is not
	// available.
	Missing error
}

// IsDataAvailable is is_data_available (deneb, modified in fulu). Blocks
// of earlier forks have no data to check.
func (d *BlockData) IsDataAvailable(s *spec.Spec, blockRoot spec.Root, block *spec.BeaconBlock) error {
	fork := s.ForkAtSlot(block.Slot)
	if fork < spec.Deneb {
		return nil
	}
	if d == nil {
		d = &BlockData{}
	}
	if d.Missing != nil {
		return fmt.Errorf("%w: block %s: %w", ErrUnavailable, blockRoot, d.Missing)
	}
	if fork >= spec.Fulu {
		return isDataAvailableFulu(s, blockRoot, d.Columns)
	}
	return isDataAvailableDeneb(blockRoot, block.Body.BlobKZGCommitments, d.Blobs, d.Proofs)
}

// isDataAvailableDeneb is deneb's is_data_available: the retrieved blobs
// match the block's commitments, as their proofs show.
func isDataAvailableDeneb(blockRoot spec.Root, commitments []spec.KZGCommitment, blobs [][]byte, proofs []spec.KZGProof) error {
	unavailable := func(format string, args ...any) error {
		return fmt.Errorf("%w: block %s: %s", ErrUnavailable, blockRoot, fmt.Sprintf(format, args...))
	}
	if len(blobs) != len(commitments) || len(proofs) != len(commitments) {
		return unavailable("%d blobs and %d proofs for %d commitments", len(blobs), len(proofs), len(commitments))
	}
	if len(commitments) == 0 {
		// An empty batch verifies; this spares loading the trusted setup.
		return nil
	}
	kzgBlobs := make([]*kzg.Blob, len(blobs))
	for i, b := range blobs {
		if len(b) != kzg.BytesPerBlob {
			return unavailable("blob %d has %d bytes", i, len(b))
		}
		kzgBlobs[i] = (*kzg.Blob)(b)
	}
	kzgCommitments := make([]kzg.Commitment, len(commitments))
	for i, c := range commitments {
		kzgCommitments[i] = kzg.Commitment(c)
	}
	kzgProofs := make([]kzg.Proof, len(proofs))
	for i, p := range proofs {
		kzgProofs[i] = kzg.Proof(p)
	}
	ok, err := kzg.VerifyBlobKZGProofBatch(kzgBlobs, kzgCommitments, kzgProofs)
	if err != nil {
		return unavailable("%v", err)
	}
	if !ok {
		return unavailable("blob KZG proofs do not verify")
	}
	return nil
}

// isDataAvailableFulu is fulu's is_data_available: every retrieved column
// sidecar is well-formed and its cells match its commitments.
func isDataAvailableFulu(s *spec.Spec, blockRoot spec.Root, columns []*spec.DataColumnSidecar) error {
	for i, sidecar := range columns {
		if sidecar == nil {
			return fmt.Errorf("%w: block %s: column sidecar %d missing", ErrUnavailable, blockRoot, i)
		}
		if !VerifyDataColumnSidecar(s, sidecar) {
			return fmt.Errorf("%w: block %s: column sidecar %d (index %d) is malformed", ErrUnavailable, blockRoot, i, sidecar.Index)
		}
		ok, err := VerifyDataColumnSidecarKZGProofs(sidecar)
		if err != nil || !ok {
			return fmt.Errorf("%w: block %s: column sidecar %d (index %d): KZG proofs do not verify (%v)", ErrUnavailable, blockRoot, i, sidecar.Index, err)
		}
	}
	return nil
}

// VerifyDataColumnSidecar is verify_data_column_sidecar (fulu
// p2p-interface.md): the column index exists, and the sidecar has as many
// cells and proofs as commitments, at least one and no more than the
// blob limit of its slot's epoch.
func VerifyDataColumnSidecar(s *spec.Spec, sidecar *spec.DataColumnSidecar) bool {
	if uint64(sidecar.Index) >= s.NumberOfColumns {
		return false
	}
	n := len(sidecar.KZGCommitments)
	if n == 0 {
		return false
	}
	epoch := s.ComputeEpochAtSlot(sidecar.SignedBlockHeader.Message.Slot)
	if uint64(n) > s.GetBlobParameters(epoch).MaxBlobsPerBlock {
		return false
	}
	return len(sidecar.Column) == n && len(sidecar.KZGProofs) == n
}

// VerifyDataColumnSidecarKZGProofs is verify_data_column_sidecar_kzg_proofs
// (fulu p2p-interface.md): each cell of the column is the cell at the
// column's index of the blob of its commitment. The sidecar must have
// passed VerifyDataColumnSidecar. An error means malformed input (a cell
// of the wrong size, bytes that are not a curve point).
func VerifyDataColumnSidecarKZGProofs(sidecar *spec.DataColumnSidecar) (bool, error) {
	n := len(sidecar.Column)
	if len(sidecar.KZGCommitments) != n || len(sidecar.KZGProofs) != n {
		return false, fmt.Errorf("column of %d cells with %d commitments and %d proofs", n, len(sidecar.KZGCommitments), len(sidecar.KZGProofs))
	}
	commitments := make([]kzg.Commitment, n)
	cellIndices := make([]uint64, n)
	cells := make([]kzg.Cell, n)
	proofs := make([]kzg.Proof, n)
	for i := range n {
		if len(sidecar.Column[i]) != kzg.BytesPerCell {
			return false, fmt.Errorf("cell %d has %d bytes", i, len(sidecar.Column[i]))
		}
		commitments[i] = kzg.Commitment(sidecar.KZGCommitments[i])
		cellIndices[i] = uint64(sidecar.Index)
		cells[i] = kzg.Cell(sidecar.Column[i])
		proofs[i] = kzg.Proof(sidecar.KZGProofs[i])
	}
	return kzg.VerifyCellKZGProofBatch(commitments, cellIndices, cells, proofs)
}
