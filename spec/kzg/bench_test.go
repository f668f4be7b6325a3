package kzg

import "testing"

func benchmarkVerifyBlobKZGProofBatch(b *testing.B, n int) {
	batch := makeBlobBatch(b, n)
	b.ResetTimer()
	for b.Loop() {
		ok, err := VerifyBlobKZGProofBatch(batch.blobs, batch.commitments, batch.proofs)
		if err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}

func BenchmarkVerifyBlobKZGProofBatch6(b *testing.B) { benchmarkVerifyBlobKZGProofBatch(b, 6) }
func BenchmarkVerifyBlobKZGProofBatch9(b *testing.B) { benchmarkVerifyBlobKZGProofBatch(b, 9) }

func BenchmarkComputeCellsAndKZGProofs(b *testing.B) {
	blob := randomBlob(1)
	if err := LoadTrustedSetup(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := ComputeCellsAndKZGProofs(blob); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyCellKZGProofBatch128 verifies the 128 cells of one blob,
// the work of checking all columns' share of one blob.
func BenchmarkVerifyCellKZGProofBatch128(b *testing.B) {
	blob := randomBlob(1)
	cells, proofs, err := ComputeCellsAndKZGProofs(blob)
	if err != nil {
		b.Fatal(err)
	}
	c, err := BlobToKZGCommitment(blob)
	if err != nil {
		b.Fatal(err)
	}
	commitments := make([]Commitment, CellsPerExtBlob)
	indices := make([]uint64, CellsPerExtBlob)
	for i := range indices {
		commitments[i], indices[i] = c, uint64(i)
	}
	b.ResetTimer()
	for b.Loop() {
		ok, err := VerifyCellKZGProofBatch(commitments, indices, cells, proofs)
		if err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}

func BenchmarkBlobToKZGCommitment(b *testing.B) {
	blob := randomBlob(1)
	if err := LoadTrustedSetup(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := BlobToKZGCommitment(blob); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecoverCellsAndKZGProofs recovers a blob's cells and proofs from
// the half with odd indices, the least a node can recover from.
func BenchmarkRecoverCellsAndKZGProofs(b *testing.B) {
	cells, _, err := ComputeCellsAndKZGProofs(randomBlob(1))
	if err != nil {
		b.Fatal(err)
	}
	var indices []uint64
	var half []Cell
	for i := 1; i < CellsPerExtBlob; i += 2 {
		indices = append(indices, uint64(i))
		half = append(half, cells[i])
	}
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := RecoverCellsAndKZGProofs(indices, half); err != nil {
			b.Fatal(err)
		}
	}
}
