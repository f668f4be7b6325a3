package kzg

import (
	"errors"
	"testing"
)

// The fuzz targets check that arbitrary bytes never panic and that every
// rejection is an *InputError naming the argument, never a bare error from
// the library. `go test` runs their seeds; `go test -fuzz` explores.

func FuzzVerifyKZGProof(f *testing.F) {
	blob := randomBlob(9)
	c, err := BlobToKZGCommitment(blob)
	if err != nil {
		f.Fatal(err)
	}
	z := fieldElement(7)
	p, y, err := ComputeKZGProof(blob, z)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(c[:], z[:], y[:], p[:])
	inf := [48]byte{0xc0}
	f.Add(inf[:], z[:], y[:], inf[:])
	nc := notOnCurve()
	f.Add(nc[:], z[:], y[:], p[:])
	f.Add(c[:], blsModulus[:], y[:], p[:])
	f.Fuzz(func(t *testing.T, cb, zb, yb, pb []byte) {
		var c Commitment
		var z, y FieldElement
		var p Proof
		copy(c[:], cb)
		copy(z[:], zb)
		copy(y[:], yb)
		copy(p[:], pb)
		ok, err := VerifyKZGProof(c, z, y, p)
		if err != nil {
			var ie *InputError
			if ok || !errors.As(err, &ie) {
				t.Fatalf("got %v, %v; want false and an *InputError", ok, err)
			}
		}
	})
}

func FuzzCells(f *testing.F) {
	f.Add([]byte{1, 2, 3}, uint64(0), uint64(5))
	f.Add([]byte{1, 2, 3}, uint64(0), uint64(1)) // valid indices: recovery runs
	f.Add(blsModulus[:], uint64(127), uint64(128))
	f.Add([]byte{0xff}, uint64(64), uint64(1<<63))
	f.Fuzz(func(t *testing.T, cellBytes []byte, index, other uint64) {
		var cell Cell
		copy(cell[:], cellBytes)
		ok, err := VerifyCellKZGProofBatch([]Commitment{{0xc0}}, []uint64{index}, []Cell{cell}, []Proof{{0xc0}})
		if err != nil {
			var ie *InputError
			if ok || !errors.As(err, &ie) {
				t.Fatalf("verify: got %v, %v; want false and an *InputError", ok, err)
			}
		}
		// Recovery from exactly half the cells, all equal to cell, at
		// indices built from index and other.
		indices := make([]uint64, CellsPerExtBlob/2)
		cells := make([]Cell, len(indices))
		for i := range indices {
			indices[i] = uint64(i)*2 + index%2
			cells[i] = cell
		}
		indices[len(indices)-1] += other % 3
		if _, _, err := RecoverCellsAndKZGProofs(indices, cells); err != nil {
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("recover: %v is not an *InputError", err)
			}
		}
	})
}
