package kzg

import (
	goethkzg "github.com/crate-crypto/go-eth-kzg"
)

// ComputeCells implements compute_cells
// (fulu/polynomial-commitments-sampling.md): the CellsPerExtBlob cells of the
// extended blob, in cell-index order. The first half holds blob itself.
func ComputeCells(blob *Blob) ([]Cell, error) {
	const fn = "compute_cells"
	ctx, err := loadedContext()
	if err != nil {
		return nil, err
	}
	if blob == nil {
		return nil, checkBlob(fn, "blob", -1, nil)
	}
	cells, err := ctx.ComputeCells(blob.lib(), workers())
	if err != nil {
		return nil, explain(err, func() error { return checkBlob(fn, "blob", -1, blob) })
	}
	return copyCells(cells), nil
}

// ComputeCellsAndKZGProofs implements compute_cells_and_kzg_proofs
// (fulu/polynomial-commitments-sampling.md): the cells of the extended blob
// and, for each, the proof that it belongs to the blob's commitment.
func ComputeCellsAndKZGProofs(blob *Blob) ([]Cell, []Proof, error) {
	const fn = "compute_cells_and_kzg_proofs"
	ctx, err := loadedContext()
	if err != nil {
		return nil, nil, err
	}
	if blob == nil {
		return nil, nil, checkBlob(fn, "blob", -1, nil)
	}
	cells, proofs, err := ctx.ComputeCellsAndKZGProofs(blob.lib(), workers())
	if err != nil {
		return nil, nil, explain(err, func() error { return checkBlob(fn, "blob", -1, blob) })
	}
	return copyCells(cells), copyProofs(proofs), nil
}

// minCellsPerShare is the smallest share of a cell batch handed to one
// goroutine; see minBlobsPerShare. The per-cell work (decompressing and
// subgroup-checking the proof, a coset IFFT) is smaller than a blob's, but
// a share's fixed cost is a smaller part of a large batch.
const minCellsPerShare = 32

// VerifyCellKZGProofBatch implements verify_cell_kzg_proof_batch
// (fulu/polynomial-commitments-sampling.md): whether, for every i, cells[i]
// is cell cellIndices[i] of the blob committed to by commitments[i], as
// shown by proofs[i]. Commitments may repeat (a blob's cells share one
// commitment). An empty batch is valid.
//
// As with VerifyBlobKZGProofBatch, a large batch is split across cores and
// the answer does not depend on the split.
func VerifyCellKZGProofBatch(commitments []Commitment, cellIndices []uint64, cells []Cell, proofs []Proof) (bool, error) {
	return verifyCellBatch(commitments, cellIndices, cells, proofs, shareCount(len(cells), minCellsPerShare))
}

func verifyCellBatch(commitments []Commitment, cellIndices []uint64, cells []Cell, proofs []Proof, shares int) (bool, error) {
	const fn = "verify_cell_kzg_proof_batch"
	ctx, err := loadedContext()
	if err != nil {
		return false, err
	}
	n := len(commitments)
	if len(cellIndices) != n || len(cells) != n || len(proofs) != n {
		return false, inputErr(fn, "cells", -1, ErrLengthMismatch)
	}
	for i, ci := range cellIndices {
		if ci >= CellsPerExtBlob {
			return false, inputErr(fn, "cell_indices", i, ErrCellIndex)
		}
	}
	return verifyInShares(n, shares, func(lo, hi int) (bool, error) {
		return verifyCellShare(ctx, fn, lo, commitments[lo:hi], cellIndices[lo:hi], cells[lo:hi], proofs[lo:hi])
	})
}

func verifyCellShare(ctx *goethkzg.Context, fn string, offset int, commitments []Commitment, cellIndices []uint64, cells []Cell, proofs []Proof) (bool, error) {
	libCommitments := make([]goethkzg.KZGCommitment, len(cells))
	libCells := make([]*goethkzg.Cell, len(cells))
	libProofs := make([]goethkzg.KZGProof, len(cells))
	for i := range cells {
		libCommitments[i] = commitments[i].lib()
		libCells[i] = cells[i].lib()
		libProofs[i] = proofs[i].lib()
	}
	err := ctx.VerifyCellKZGProofBatch(libCommitments, cellIndices, libCells, libProofs)
	return verdict(err, func() error {
		for i := range cells {
			if err := checkG1(fn, "commitments_bytes", offset+i, commitments[i]); err != nil {
				return err
			}
		}
		for i := range cells {
			if err := checkCell(fn, "cells", offset+i, &cells[i]); err != nil {
				return err
			}
		}
		for i := range cells {
			if err := checkG1(fn, "proofs_bytes", offset+i, proofs[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// RecoverCellsAndKZGProofs implements recover_cells_and_kzg_proofs
// (fulu/polynomial-commitments-sampling.md): all cells of an extended blob
// and their proofs, from at least half of its cells. cellIndices must be
// strictly ascending and cells[i] is the cell at cellIndices[i].
func RecoverCellsAndKZGProofs(cellIndices []uint64, cells []Cell) ([]Cell, []Proof, error) {
	const fn = "recover_cells_and_kzg_proofs"
	ctx, err := loadedContext()
	if err != nil {
		return nil, nil, err
	}
	if len(cellIndices) != len(cells) {
		return nil, nil, inputErr(fn, "cells", -1, ErrLengthMismatch)
	}
	if len(cellIndices) < CellsPerExtBlob/2 {
		return nil, nil, inputErr(fn, "cell_indices", -1, ErrNotEnoughCells)
	}
	for i, ci := range cellIndices {
		if i > 0 && ci <= cellIndices[i-1] {
			return nil, nil, inputErr(fn, "cell_indices", i, ErrCellIndexOrder)
		}
		if ci >= CellsPerExtBlob {
			return nil, nil, inputErr(fn, "cell_indices", i, ErrCellIndex)
		}
	}
	libCells := make([]*goethkzg.Cell, len(cells))
	for i := range cells {
		libCells[i] = cells[i].lib()
	}
	outCells, outProofs, err := ctx.RecoverCellsAndComputeKZGProofs(cellIndices, libCells, workers())
	if err != nil {
		return nil, nil, explain(err, func() error {
			for i := range cells {
				if err := checkCell(fn, "cells", i, &cells[i]); err != nil {
					return err
				}
			}
			return nil
		})
	}
	return copyCells(outCells), copyProofs(outProofs), nil
}

func copyCells(in [goethkzg.CellsPerExtBlob]*goethkzg.Cell) []Cell {
	out := make([]Cell, len(in))
	for i, c := range in {
		out[i] = Cell(*c)
	}
	return out
}

func copyProofs(in [goethkzg.CellsPerExtBlob]goethkzg.KZGProof) []Proof {
	out := make([]Proof, len(in))
	for i, p := range in {
		out[i] = Proof(p)
	}
	return out
}
