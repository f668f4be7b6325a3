package spectest

import (
	"encoding/hex"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/quetzal-eth/quetzal/spec/kzg"
	"gopkg.in/yaml.v3"
)

// The tests below write cases in the official kzg format from values
// computed with spec/kzg, and check that each handler passes the right
// expectation and fails a wrong one. They need no downloaded vectors.

// kzgFixtures are the values the cases are built from, computed once.
type kzgFixtures struct {
	blob, other    *kzg.Blob
	commitment     kzg.Commitment
	otherC         kzg.Commitment
	blobProof      kzg.Proof
	otherBlobProof kzg.Proof
	z, y           kzg.FieldElement
	zProof         kzg.Proof
	cells          []kzg.Cell
	cellProofs     []kzg.Proof
}

var (
	kzgFixturesOnce sync.Once
	kzgFixturesVal  *kzgFixtures
	kzgFixturesErr  error
)

func kzgTestBlob(seed uint64) *kzg.Blob {
	r := rand.New(rand.NewPCG(seed, 4844))
	var b kzg.Blob
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	// A first byte below 0x73, the modulus's, keeps each element canonical.
	for i := 0; i < len(b); i += kzg.BytesPerFieldElement {
		b[i] %= 0x73
	}
	return &b
}

func getKZGFixtures(t *testing.T) *kzgFixtures {
	t.Helper()
	kzgFixturesOnce.Do(func() {
		f := &kzgFixtures{blob: kzgTestBlob(1), other: kzgTestBlob(2)}
		f.z[31] = 42
		var err error
		fail := func(e error) bool {
			if e != nil && kzgFixturesErr == nil {
				kzgFixturesErr = e
			}
			return kzgFixturesErr != nil
		}
		f.commitment, err = kzg.BlobToKZGCommitment(f.blob)
		if fail(err) {
			return
		}
		f.otherC, err = kzg.BlobToKZGCommitment(f.other)
		if fail(err) {
			return
		}
		f.blobProof, err = kzg.ComputeBlobKZGProof(f.blob, f.commitment)
		if fail(err) {
			return
		}
		f.otherBlobProof, err = kzg.ComputeBlobKZGProof(f.other, f.otherC)
		if fail(err) {
			return
		}
		f.zProof, f.y, err = kzg.ComputeKZGProof(f.blob, f.z)
		if fail(err) {
			return
		}
		f.cells, f.cellProofs, err = kzg.ComputeCellsAndKZGProofs(f.blob)
		if fail(err) {
			return
		}
		kzgFixturesVal = f
	})
	if kzgFixturesErr != nil {
		t.Fatal(kzgFixturesErr)
	}
	return kzgFixturesVal
}

func kzgHx(b []byte) string { return "0x" + hex.EncodeToString(b) }

func kzgHxList[T any](xs []T, bytes func(*T) []byte) []string {
	out := make([]string, len(xs))
	for i := range xs {
		out[i] = kzgHx(bytes(&xs[i]))
	}
	return out
}

// runKZGCase writes data.yaml with input and output into a fresh case
// directory and runs the registered handler on it.
func runKZGCase(t *testing.T, handler string, input map[string]any, output any) error {
	t.Helper()
	h := Lookup("kzg", handler)
	if h == nil {
		t.Fatalf("no handler registered for kzg/%s", handler)
	}
	dir := t.TempDir()
	raw, err := yaml.Marshal(map[string]any{"input": input, "output": output})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "data.yaml"), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	return h(&Case{Preset: "general", Fork: "fulu", Runner: "kzg", Handler: handler, Suite: "kzg-mainnet", Name: t.Name(), Dir: dir})
}

type kzgCaseSpec struct {
	name    string
	handler string
	input   map[string]any
	output  any
	pass    bool // whether the handler must accept the expectation
}

func TestKZGHandlers(t *testing.T) {
	f := getKZGFixtures(t)
	modulus := "0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001"
	notOnCurve := "0x80" + strings.Repeat("00", 46) + "01"
	infinity := "0xc0" + strings.Repeat("00", 47)

	blob := kzgHx(f.blob[:])
	badBlob := *f.blob
	copy(badBlob[10*32:], mustHexKZG(t, modulus))
	badBlobHex := kzgHx(badBlob[:])
	shortBlob := kzgHx(f.blob[:kzg.BytesPerBlob-1])
	longBlob := blob + "00"
	c := kzgHx(f.commitment[:])
	otherC := kzgHx(f.otherC[:])
	p := kzgHx(f.blobProof[:])
	otherP := kzgHx(f.otherBlobProof[:])
	z, y, zp := kzgHx(f.z[:]), kzgHx(f.y[:]), kzgHx(f.zProof[:])
	yPlus := f.y
	yPlus[31] ^= 1
	tamperedBlob := *f.blob
	tamperedBlob[5] ^= 1

	cells := kzgHxList(f.cells, func(c *kzg.Cell) []byte { return c[:] })
	cellProofs := kzgHxList(f.cellProofs, func(p *kzg.Proof) []byte { return p[:] })
	allIdx := make([]uint64, kzg.CellsPerExtBlob)
	allC := make([]string, kzg.CellsPerExtBlob)
	for i := range allIdx {
		allIdx[i], allC[i] = uint64(i), c
	}
	// Every other cell, for recovery from half.
	var halfIdx []uint64
	var halfCells []string
	for i := 1; i < kzg.CellsPerExtBlob; i += 2 {
		halfIdx = append(halfIdx, uint64(i))
		halfCells = append(halfCells, cells[i])
	}
	tamperedCells := append([]string(nil), cells...)
	tc := f.cells[3]
	tc[100] ^= 1
	tamperedCells[3] = kzgHx(tc[:])
	badCells := append([]string(nil), halfCells...)
	badCells[7] = modulus + strings.Repeat("00", kzg.BytesPerCell-32)
	badIdx := append([]uint64(nil), allIdx...)
	badIdx[5] = kzg.CellsPerExtBlob
	unsorted := append([]uint64(nil), halfIdx...)
	unsorted[0], unsorted[1] = unsorted[1], unsorted[0]
	recovered := []any{cells, cellProofs}

	cases := []kzgCaseSpec{
		// blob_to_kzg_commitment
		{"commitment", "blob_to_kzg_commitment", map[string]any{"blob": blob}, c, true},
		{"commitment of another blob", "blob_to_kzg_commitment", map[string]any{"blob": blob}, otherC, false},
		{"valid blob, null output", "blob_to_kzg_commitment", map[string]any{"blob": blob}, nil, false},
		{"element >= modulus", "blob_to_kzg_commitment", map[string]any{"blob": badBlobHex}, nil, true},
		{"element >= modulus, output given", "blob_to_kzg_commitment", map[string]any{"blob": badBlobHex}, c, false},
		{"short blob", "blob_to_kzg_commitment", map[string]any{"blob": shortBlob}, nil, true},
		{"long blob", "blob_to_kzg_commitment", map[string]any{"blob": longBlob}, nil, true},
		{"bad hex", "blob_to_kzg_commitment", map[string]any{"blob": "0xzz"}, nil, true},
		{"upper-case output", "blob_to_kzg_commitment", map[string]any{"blob": blob}, "0x" + strings.ToUpper(c[2:]), true},

		// compute_kzg_proof
		{"proof and y", "compute_kzg_proof", map[string]any{"blob": blob, "z": z}, []string{zp, y}, true},
		{"wrong y", "compute_kzg_proof", map[string]any{"blob": blob, "z": z}, []string{zp, kzgHx(yPlus[:])}, false},
		{"proof and y swapped", "compute_kzg_proof", map[string]any{"blob": blob, "z": z}, []string{y, zp}, false},
		{"z = modulus", "compute_kzg_proof", map[string]any{"blob": blob, "z": modulus}, nil, true},
		{"bad blob", "compute_kzg_proof", map[string]any{"blob": badBlobHex, "z": z}, nil, true},

		// verify_kzg_proof
		{"valid", "verify_kzg_proof", map[string]any{"commitment": c, "z": z, "y": y, "proof": zp}, true, true},
		{"valid, claimed false", "verify_kzg_proof", map[string]any{"commitment": c, "z": z, "y": y, "proof": zp}, false, false},
		{"wrong y", "verify_kzg_proof", map[string]any{"commitment": c, "z": z, "y": kzgHx(yPlus[:]), "proof": zp}, false, true},
		{"wrong y, claimed true", "verify_kzg_proof", map[string]any{"commitment": c, "z": z, "y": kzgHx(yPlus[:]), "proof": zp}, true, false},
		{"tampered proof", "verify_kzg_proof", map[string]any{"commitment": c, "z": z, "y": y, "proof": p}, false, true},
		{"proof not on curve", "verify_kzg_proof", map[string]any{"commitment": c, "z": z, "y": y, "proof": notOnCurve}, nil, true},
		{"proof not on curve, claimed false", "verify_kzg_proof", map[string]any{"commitment": c, "z": z, "y": y, "proof": notOnCurve}, false, false},
		{"commitment not on curve", "verify_kzg_proof", map[string]any{"commitment": notOnCurve, "z": z, "y": y, "proof": zp}, nil, true},
		{"y = modulus", "verify_kzg_proof", map[string]any{"commitment": c, "z": z, "y": modulus, "proof": zp}, nil, true},
		{"short commitment", "verify_kzg_proof", map[string]any{"commitment": c[:len(c)-2], "z": z, "y": y, "proof": zp}, nil, true},
		{"missing proof", "verify_kzg_proof", map[string]any{"commitment": c, "z": z, "y": y}, nil, false},
		{"zero polynomial", "verify_kzg_proof", map[string]any{"commitment": infinity, "z": z, "y": kzgHx(make([]byte, 32)), "proof": infinity}, true, true},

		// compute_blob_kzg_proof
		{"blob proof", "compute_blob_kzg_proof", map[string]any{"blob": blob, "commitment": c}, p, true},
		{"blob proof of another blob", "compute_blob_kzg_proof", map[string]any{"blob": blob, "commitment": c}, otherP, false},
		{"commitment not on curve", "compute_blob_kzg_proof", map[string]any{"blob": blob, "commitment": notOnCurve}, nil, true},
		{"bad blob", "compute_blob_kzg_proof", map[string]any{"blob": badBlobHex, "commitment": c}, nil, true},

		// verify_blob_kzg_proof
		{"valid", "verify_blob_kzg_proof", map[string]any{"blob": blob, "commitment": c, "proof": p}, true, true},
		{"valid, claimed false", "verify_blob_kzg_proof", map[string]any{"blob": blob, "commitment": c, "proof": p}, false, false},
		{"tampered proof", "verify_blob_kzg_proof", map[string]any{"blob": blob, "commitment": c, "proof": otherP}, false, true},
		{"tampered blob", "verify_blob_kzg_proof", map[string]any{"blob": kzgHx(tamperedBlob[:]), "commitment": c, "proof": p}, false, true},
		{"tampered blob, claimed true", "verify_blob_kzg_proof", map[string]any{"blob": kzgHx(tamperedBlob[:]), "commitment": c, "proof": p}, true, false},
		{"commitment not on curve", "verify_blob_kzg_proof", map[string]any{"blob": blob, "commitment": notOnCurve, "proof": p}, nil, true},
		{"bad blob", "verify_blob_kzg_proof", map[string]any{"blob": badBlobHex, "commitment": c, "proof": p}, nil, true},

		// verify_blob_kzg_proof_batch
		{"valid", "verify_blob_kzg_proof_batch", map[string]any{"blobs": []string{blob, kzgHx(f.other[:])}, "commitments": []string{c, otherC}, "proofs": []string{p, otherP}}, true, true},
		{"empty", "verify_blob_kzg_proof_batch", map[string]any{"blobs": []string{}, "commitments": []string{}, "proofs": []string{}}, true, true},
		{"swapped proofs", "verify_blob_kzg_proof_batch", map[string]any{"blobs": []string{blob, kzgHx(f.other[:])}, "commitments": []string{c, otherC}, "proofs": []string{otherP, p}}, false, true},
		{"swapped proofs, claimed true", "verify_blob_kzg_proof_batch", map[string]any{"blobs": []string{blob, kzgHx(f.other[:])}, "commitments": []string{c, otherC}, "proofs": []string{otherP, p}}, true, false},
		{"length mismatch", "verify_blob_kzg_proof_batch", map[string]any{"blobs": []string{blob, kzgHx(f.other[:])}, "commitments": []string{c}, "proofs": []string{p, otherP}}, nil, true},
		{"one bad blob", "verify_blob_kzg_proof_batch", map[string]any{"blobs": []string{blob, badBlobHex}, "commitments": []string{c, otherC}, "proofs": []string{p, otherP}}, nil, true},
		{"one proof not on curve", "verify_blob_kzg_proof_batch", map[string]any{"blobs": []string{blob, kzgHx(f.other[:])}, "commitments": []string{c, otherC}, "proofs": []string{p, notOnCurve}}, nil, true},

		// compute_cells
		{"cells", "compute_cells", map[string]any{"blob": blob}, cells, true},
		{"cells, one changed", "compute_cells", map[string]any{"blob": blob}, tamperedCells, false},
		{"cells, one missing", "compute_cells", map[string]any{"blob": blob}, cells[:kzg.CellsPerExtBlob-1], false},
		{"bad blob", "compute_cells", map[string]any{"blob": badBlobHex}, nil, true},

		// compute_cells_and_kzg_proofs
		{"cells and proofs", "compute_cells_and_kzg_proofs", map[string]any{"blob": blob}, []any{cells, cellProofs}, true},
		{"proofs reversed", "compute_cells_and_kzg_proofs", map[string]any{"blob": blob}, []any{cells, reverseKZG(cellProofs)}, false},
		{"short blob", "compute_cells_and_kzg_proofs", map[string]any{"blob": shortBlob}, nil, true},

		// verify_cell_kzg_proof_batch
		{"all cells", "verify_cell_kzg_proof_batch", map[string]any{"commitments": allC, "cell_indices": allIdx, "cells": cells, "proofs": cellProofs}, true, true},
		{"all cells, claimed false", "verify_cell_kzg_proof_batch", map[string]any{"commitments": allC, "cell_indices": allIdx, "cells": cells, "proofs": cellProofs}, false, false},
		{"empty", "verify_cell_kzg_proof_batch", map[string]any{"commitments": []string{}, "cell_indices": []uint64{}, "cells": []string{}, "proofs": []string{}}, true, true},
		{"tampered cell", "verify_cell_kzg_proof_batch", map[string]any{"commitments": allC, "cell_indices": allIdx, "cells": tamperedCells, "proofs": cellProofs}, false, true},
		{"cell index out of range", "verify_cell_kzg_proof_batch", map[string]any{"commitments": allC, "cell_indices": badIdx, "cells": cells, "proofs": cellProofs}, nil, true},
		{"negative cell index", "verify_cell_kzg_proof_batch", map[string]any{"commitments": allC[:1], "cell_indices": []int{-1}, "cells": cells[:1], "proofs": cellProofs[:1]}, nil, true},
		{"commitment not on curve", "verify_cell_kzg_proof_batch", map[string]any{"commitments": []string{notOnCurve}, "cell_indices": []uint64{0}, "cells": cells[:1], "proofs": cellProofs[:1]}, nil, true},
		{"length mismatch", "verify_cell_kzg_proof_batch", map[string]any{"commitments": allC[:2], "cell_indices": allIdx[:2], "cells": cells[:1], "proofs": cellProofs[:2]}, nil, true},

		// recover_cells_and_kzg_proofs
		{"from half", "recover_cells_and_kzg_proofs", map[string]any{"cell_indices": halfIdx, "cells": halfCells}, recovered, true},
		{"from all", "recover_cells_and_kzg_proofs", map[string]any{"cell_indices": allIdx, "cells": cells}, recovered, true},
		{"from half, wrong expectation", "recover_cells_and_kzg_proofs", map[string]any{"cell_indices": halfIdx, "cells": halfCells}, []any{tamperedCells, cellProofs}, false},
		{"too few", "recover_cells_and_kzg_proofs", map[string]any{"cell_indices": halfIdx[1:], "cells": halfCells[1:]}, nil, true},
		{"unsorted", "recover_cells_and_kzg_proofs", map[string]any{"cell_indices": unsorted, "cells": halfCells}, nil, true},
		{"bad cell", "recover_cells_and_kzg_proofs", map[string]any{"cell_indices": halfIdx, "cells": badCells}, nil, true},
		{"short cell", "recover_cells_and_kzg_proofs", map[string]any{"cell_indices": halfIdx, "cells": append(append([]string(nil), halfCells[:63]...), halfCells[63][:len(halfCells[63])-2])}, nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.handler+"/"+tc.name, func(t *testing.T) {
			err := runKZGCase(t, tc.handler, tc.input, tc.output)
			if tc.pass && err != nil {
				t.Errorf("handler rejected a correct expectation: %v", err)
			}
			if !tc.pass && err == nil {
				t.Errorf("handler accepted a wrong expectation")
			}
		})
	}
}

func reverseKZG(xs []string) []string {
	out := make([]string, len(xs))
	for i := range xs {
		out[len(xs)-1-i] = xs[i]
	}
	return out
}

func mustHexKZG(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestKZGLibraryVectors runs the handlers over the consensus-spec-tests KZG
// cases that the go-eth-kzg module ships in its tests/ directory, in the
// official layout <handler>/kzg-mainnet/<case>/data.yaml. It is skipped when
// the module's source is not in the module cache.
func TestKZGLibraryVectors(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/crate-crypto/go-eth-kzg").Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		t.Skipf("go-eth-kzg source not found: %v", err)
	}
	handlers, err := os.ReadDir(filepath.Join(dir, "tests"))
	if err != nil {
		t.Skipf("go-eth-kzg ships no tests/ directory: %v", err)
	}
	ran := 0
	for _, hd := range handlers {
		h := Lookup("kzg", hd.Name())
		if h == nil {
			t.Errorf("no handler for vectors of %s", hd.Name())
			continue
		}
		caseDirs, _ := filepath.Glob(filepath.Join(dir, "tests", hd.Name(), "*", "*"))
		for _, cd := range caseDirs {
			c := &Case{Preset: "general", Runner: "kzg", Handler: hd.Name(), Suite: filepath.Base(filepath.Dir(cd)), Name: filepath.Base(cd), Dir: cd}
			// A few cases there are named data.yml; copy them under the
			// official name.
			if !c.Has("data.yaml") && c.Has("data.yml") {
				raw, err := c.ReadFile("data.yml")
				if err != nil {
					t.Fatal(err)
				}
				c.Dir = t.TempDir()
				if err := os.WriteFile(filepath.Join(c.Dir, "data.yaml"), raw, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if err := h(c); err != nil {
				t.Errorf("%s/%s: %v", c.Handler, c.Name, err)
			}
			ran++
		}
	}
	t.Logf("ran %d library-shipped cases", ran)
	if ran == 0 {
		t.Error("found no cases")
	}
}
