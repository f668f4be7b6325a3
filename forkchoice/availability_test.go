package forkchoice

import (
	"errors"
	"testing"

	"github.com/quetzal-eth/quetzal/spec"
)

// specFrom returns the minimal spec with every fork up to fork at genesis.
func specFrom(fork spec.ForkName) *spec.Spec {
	s := spec.Minimal()
	for f := spec.Altair; f <= fork; f++ {
		s.SetForkEpoch(f, spec.GenesisEpoch)
	}
	return s
}

func TestVerifyDataColumnSidecar(t *testing.T) {
	s := specFrom(spec.Fulu)
	maxBlobs := int(s.GetBlobParameters(0).MaxBlobsPerBlock)
	sidecar := func(n, cells, proofs int, index spec.ColumnIndex) *spec.DataColumnSidecar {
		return &spec.DataColumnSidecar{
			Index:          index,
			Column:         make([]spec.Cell, cells),
			KZGCommitments: make([]spec.KZGCommitment, n),
			KZGProofs:      make([]spec.KZGProof, proofs),
		}
	}
	tests := []struct {
		name    string
		sidecar *spec.DataColumnSidecar
		want    bool
	}{
		{"one blob", sidecar(1, 1, 1, 0), true},
		{"blob limit", sidecar(maxBlobs, maxBlobs, maxBlobs, spec.ColumnIndex(s.NumberOfColumns-1)), true},
		{"index out of range", sidecar(1, 1, 1, spec.ColumnIndex(s.NumberOfColumns)), false},
		{"no blobs", sidecar(0, 0, 0, 0), false},
		{"over the blob limit", sidecar(maxBlobs+1, maxBlobs+1, maxBlobs+1, 0), false},
		{"fewer cells", sidecar(2, 1, 2, 0), false},
		{"fewer proofs", sidecar(2, 2, 1, 0), false},
	}
	for _, tt := range tests {
		if got := VerifyDataColumnSidecar(s, tt.sidecar); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
	if _, err := VerifyDataColumnSidecarKZGProofs(sidecar(1, 1, 1, 0)); err == nil {
		t.Error("a cell of the wrong size was not an error")
	}
	if _, err := VerifyDataColumnSidecarKZGProofs(sidecar(2, 1, 2, 0)); err == nil {
		t.Error("lengths that differ were not an error")
	}
}

// is_data_available answers by the fork of the block, and a failed or
// short retrieval means the data is not available.
func TestIsDataAvailable(t *testing.T) {
	withCommitments := func(n int) *spec.BeaconBlock {
		b := &spec.BeaconBlock{Slot: 1}
		b.Body.BlobKZGCommitments = make([]spec.KZGCommitment, n)
		return b
	}
	tests := []struct {
		name  string
		fork  spec.ForkName
		data  *BlockData
		block *spec.BeaconBlock
		want  error
	}{
		{"deneb, no blobs", spec.Deneb, nil, withCommitments(0), nil},
		{"deneb, blobs missing", spec.Deneb, nil, withCommitments(1), ErrUnavailable},
		{"deneb, proof missing", spec.Deneb, &BlockData{Blobs: [][]byte{make([]byte, 131072)}}, withCommitments(1), ErrUnavailable},
		{"deneb, short blob", spec.Deneb, &BlockData{Blobs: [][]byte{{1}}, Proofs: make([]spec.KZGProof, 1)}, withCommitments(1), ErrUnavailable},
		{"deneb, retrieval failed", spec.Deneb, &BlockData{Missing: errors.New("peers gone")}, withCommitments(0), ErrUnavailable},
		{"fulu, no columns", spec.Fulu, nil, withCommitments(3), nil},
		{"fulu, columns not sampled", spec.Fulu, &BlockData{Missing: errors.New("not sampled")}, withCommitments(3), ErrUnavailable},
		{"fulu, empty column", spec.Fulu, &BlockData{Columns: []*spec.DataColumnSidecar{{}}}, withCommitments(3), ErrUnavailable},
		{"capella", spec.Capella, &BlockData{Missing: errors.New("ignored")}, withCommitments(0), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.data.IsDataAvailable(specFrom(tt.fork), spec.Root{}, tt.block)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
}
