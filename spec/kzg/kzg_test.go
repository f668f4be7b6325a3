package kzg

import (
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
)

// randomBlob returns a blob of pseudo-random canonical field elements, the
// same for the same seed.
func randomBlob(seed uint64) *Blob {
	r := rand.New(rand.NewPCG(seed, 0x6b7a67))
	var b Blob
	for i := 0; i < FieldElementsPerBlob; i++ {
		fe := b[i*BytesPerFieldElement : (i+1)*BytesPerFieldElement]
		for j := range fe {
			fe[j] = byte(r.Uint32())
		}
		// The modulus starts with 0x73, so a first byte below it is enough.
		fe[0] %= 0x73
	}
	return &b
}

// modulusElement is BLS_MODULUS itself, the smallest non-canonical value.
func modulusElement() FieldElement { return FieldElement(blsModulus) }

func fieldElement(v uint64) FieldElement {
	var f FieldElement
	for i := 0; i < 8; i++ {
		f[BytesPerFieldElement-1-i] = byte(v >> (8 * i))
	}
	return f
}

// notOnCurve is a compressed encoding whose x coordinate (x = 1, flags for
// a compressed finite point) has no point on the curve: y^2 = 1 + 4 = 5 is
// not a square in the base field.
func notOnCurve() [48]byte {
	var p [48]byte
	p[0] = 0x80
	p[47] = 1
	return p
}

func wantInputErr(t *testing.T, err error, target error, arg string, index int) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error %v, want %v", err, target)
	}
	var ie *InputError
	if !errors.As(err, &ie) {
		t.Fatalf("error %v is not an *InputError", err)
	}
	if ie.Arg != arg || ie.Index != index {
		t.Fatalf("error names %s[%d], want %s[%d]: %v", ie.Arg, ie.Index, arg, index, err)
	}
}

// The embedded setup must be the mainnet ceremony's: committing to the blob
// that is 1 at position 0 and 0 elsewhere yields the first Lagrange point of
// the mainnet trusted_setup_4096.json, and at position 1 the point at index
// 2048 (blobs are in bit-reversed order).
func TestSetupIsMainnet(t *testing.T) {
	for _, tc := range []struct {
		pos  int
		want string
	}{
		{0, "a0413c0dcafec6dbc9f47d66785cf1e8c981044f7d13cfe3e4fcbb71b5408dfde6312493cb3c1d30516cb3ca88c03654"},
		{1, "837567ad073e42266951a9a54750919280a2ac835a73c158407c3a2b1904cf0d17b7195a393c71a18ad029cbd9cf79ee"},
	} {
		var b Blob
		b[tc.pos*BytesPerFieldElement+BytesPerFieldElement-1] = 1
		c, err := BlobToKZGCommitment(&b)
		if err != nil {
			t.Fatal(err)
		}
		if got := hex.EncodeToString(c[:]); got != tc.want {
			t.Errorf("commitment to unit blob at %d = %s, want %s", tc.pos, got, tc.want)
		}
	}
}

// The Lagrange basis sums to 1, so the blob that is 1 everywhere commits to
// the G1 generator, whatever the setup.
func TestConstantBlob(t *testing.T) {
	var b Blob
	for i := 0; i < FieldElementsPerBlob; i++ {
		b[i*BytesPerFieldElement+BytesPerFieldElement-1] = 1
	}
	c, err := BlobToKZGCommitment(&b)
	if err != nil {
		t.Fatal(err)
	}
	gen := "97f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb"
	if got := hex.EncodeToString(c[:]); got != gen {
		t.Fatalf("commitment to constant 1 = %s, want the generator %s", got, gen)
	}
	// A constant polynomial has value 1 everywhere and a zero quotient.
	p, y, err := ComputeKZGProof(&b, fieldElement(12345))
	if err != nil {
		t.Fatal(err)
	}
	if y != fieldElement(1) {
		t.Errorf("y = %x, want 1", y)
	}
	if p != (Proof{0xc0}) {
		t.Errorf("proof = %x, want the point at infinity", p)
	}
}

func TestKZGProof(t *testing.T) {
	blob := randomBlob(1)
	c, err := BlobToKZGCommitment(blob)
	if err != nil {
		t.Fatal(err)
	}
	z := fieldElement(0xdeadbeef)
	p, y, err := ComputeKZGProof(blob, z)
	if err != nil {
		t.Fatal(err)
	}
	ok, err := VerifyKZGProof(c, z, y, p)
	if err != nil || !ok {
		t.Fatalf("honest proof: %v, %v", ok, err)
	}

	// Well-formed but wrong claims are false, not errors.
	yWrong := y
	yWrong[BytesPerFieldElement-1] ^= 1
	zWrong := fieldElement(0xdeadbef0)
	otherC, err := BlobToKZGCommitment(randomBlob(2))
	if err != nil {
		t.Fatal(err)
	}
	otherP, _, err := ComputeKZGProof(randomBlob(2), z)
	if err != nil {
		t.Fatal(err)
	}
	for name, args := range map[string]struct {
		c    Commitment
		z, y FieldElement
		p    Proof
	}{
		"y":          {c, z, yWrong, p},
		"z":          {c, zWrong, y, p},
		"commitment": {otherC, z, y, p},
		"proof":      {c, z, y, otherP},
	} {
		ok, err := VerifyKZGProof(args.c, args.z, args.y, args.p)
		if err != nil || ok {
			t.Errorf("wrong %s: got %v, %v; want false, nil", name, ok, err)
		}
	}

	// Malformed inputs are errors naming the argument.
	_, err = VerifyKZGProof(Commitment(notOnCurve()), z, y, p)
	wantInputErr(t, err, ErrG1Point, "commitment_bytes", -1)
	_, err = VerifyKZGProof(c, modulusElement(), y, p)
	wantInputErr(t, err, ErrFieldElement, "z_bytes", -1)
	_, err = VerifyKZGProof(c, z, modulusElement(), p)
	wantInputErr(t, err, ErrFieldElement, "y_bytes", -1)
	_, err = VerifyKZGProof(c, z, y, Proof(notOnCurve()))
	wantInputErr(t, err, ErrG1Point, "proof_bytes", -1)
	_, _, err = ComputeKZGProof(blob, modulusElement())
	wantInputErr(t, err, ErrFieldElement, "z_bytes", -1)
}

func TestBlobKZGProof(t *testing.T) {
	blob := randomBlob(3)
	c, err := BlobToKZGCommitment(blob)
	if err != nil {
		t.Fatal(err)
	}
	p, err := ComputeBlobKZGProof(blob, c)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := VerifyBlobKZGProof(blob, c, p); err != nil || !ok {
		t.Fatalf("honest blob proof: %v, %v", ok, err)
	}

	tampered := *blob
	tampered[100] ^= 1
	if ok, err := VerifyBlobKZGProof(&tampered, c, p); err != nil || ok {
		t.Errorf("tampered blob: %v, %v; want false, nil", ok, err)
	}
	other := randomBlob(4)
	otherC, _ := BlobToKZGCommitment(other)
	otherP, _ := ComputeBlobKZGProof(other, otherC)
	if ok, err := VerifyBlobKZGProof(blob, c, otherP); err != nil || ok {
		t.Errorf("proof of another blob: %v, %v; want false, nil", ok, err)
	}

	bad := *blob
	copy(bad[7*BytesPerFieldElement:], blsModulus[:])
	_, err = BlobToKZGCommitment(&bad)
	wantInputErr(t, err, ErrFieldElement, "blob", -1)
	_, err = ComputeBlobKZGProof(&bad, c)
	wantInputErr(t, err, ErrFieldElement, "blob", -1)
	_, err = VerifyBlobKZGProof(&bad, c, p)
	wantInputErr(t, err, ErrFieldElement, "blob", -1)
	_, err = ComputeBlobKZGProof(blob, Commitment(notOnCurve()))
	wantInputErr(t, err, ErrG1Point, "commitment_bytes", -1)
	_, err = VerifyBlobKZGProof(blob, c, Proof(notOnCurve()))
	wantInputErr(t, err, ErrG1Point, "proof_bytes", -1)
	if _, err := BlobToKZGCommitment(nil); err == nil {
		t.Error("nil blob accepted")
	}
}

type blobBatch struct {
	blobs       []*Blob
	commitments []Commitment
	proofs      []Proof
}

func makeBlobBatch(t testing.TB, n int) blobBatch {
	t.Helper()
	var b blobBatch
	for i := 0; i < n; i++ {
		blob := randomBlob(uint64(100 + i))
		c, err := BlobToKZGCommitment(blob)
		if err != nil {
			t.Fatal(err)
		}
		p, err := ComputeBlobKZGProof(blob, c)
		if err != nil {
			t.Fatal(err)
		}
		b.blobs = append(b.blobs, blob)
		b.commitments = append(b.commitments, c)
		b.proofs = append(b.proofs, p)
	}
	return b
}

func TestVerifyBlobKZGProofBatch(t *testing.T) {
	b := makeBlobBatch(t, 7)
	if ok, err := VerifyBlobKZGProofBatch(nil, nil, nil); err != nil || !ok {
		t.Errorf("empty batch: %v, %v; want true", ok, err)
	}
	// Every batch size, cut into every number of shares: the honest batch
	// is valid, and a single wrong entry anywhere makes it false.
	for n := 1; n <= len(b.blobs); n++ {
		for shares := 1; shares <= n; shares++ {
			if shares > 3 && shares < n {
				continue // cuts into 1, 2, 3 and single-blob shares suffice
			}
			ok, err := verifyBlobBatch(b.blobs[:n], b.commitments[:n], b.proofs[:n], shares)
			if err != nil || !ok {
				t.Errorf("%d honest blobs in %d shares: %v, %v", n, shares, ok, err)
			}
			for i := 0; i < n; i++ {
				proofs := append([]Proof(nil), b.proofs[:n]...)
				proofs[i] = b.proofs[(i+1)%len(b.proofs)]
				ok, err := verifyBlobBatch(b.blobs[:n], b.commitments[:n], proofs, shares)
				if err != nil || ok {
					t.Errorf("%d blobs in %d shares, wrong proof at %d: %v, %v; want false", n, shares, i, ok, err)
				}
			}
		}
	}
	// Malformed input in a later share is reported even when an earlier
	// share's proof is wrong, however the batch is cut.
	for shares := 1; shares <= len(b.blobs); shares++ {
		proofs := append([]Proof(nil), b.proofs...)
		proofs[0] = b.proofs[1]
		proofs[5] = Proof(notOnCurve())
		_, err := verifyBlobBatch(b.blobs, b.commitments, proofs, shares)
		wantInputErr(t, err, ErrG1Point, "proofs_bytes", 5)
	}

	// Malformed input is an error even when an earlier proof is also wrong.
	proofs := append([]Proof(nil), b.proofs...)
	proofs[0] = b.proofs[1]
	proofs[5] = Proof(notOnCurve())
	_, err := VerifyBlobKZGProofBatch(b.blobs, b.commitments, proofs)
	wantInputErr(t, err, ErrG1Point, "proofs_bytes", 5)

	commitments := append([]Commitment(nil), b.commitments...)
	commitments[6] = Commitment(notOnCurve())
	_, err = VerifyBlobKZGProofBatch(b.blobs, commitments, b.proofs)
	wantInputErr(t, err, ErrG1Point, "commitments_bytes", 6)

	bad := *b.blobs[3]
	copy(bad[BytesPerBlob-BytesPerFieldElement:], blsModulus[:])
	blobs := append([]*Blob(nil), b.blobs...)
	blobs[3] = &bad
	_, err = VerifyBlobKZGProofBatch(blobs, b.commitments, b.proofs)
	wantInputErr(t, err, ErrFieldElement, "blobs", 3)

	_, err = VerifyBlobKZGProofBatch(b.blobs, b.commitments[:6], b.proofs)
	if !errors.Is(err, ErrLengthMismatch) {
		t.Errorf("length mismatch: %v", err)
	}
}

func TestCells(t *testing.T) {
	blob := randomBlob(5)
	cells, proofs, err := ComputeCellsAndKZGProofs(blob)
	if err != nil {
		t.Fatal(err)
	}
	if len(cells) != CellsPerExtBlob || len(proofs) != CellsPerExtBlob {
		t.Fatalf("got %d cells and %d proofs", len(cells), len(proofs))
	}
	// The extension keeps the blob as its first half (both are in
	// bit-reversed order).
	for i := 0; i < CellsPerExtBlob/2; i++ {
		if [BytesPerCell]byte(blob[i*BytesPerCell:(i+1)*BytesPerCell]) != cells[i] {
			t.Fatalf("cell %d is not the blob's chunk %d", i, i)
		}
	}
	only, err := ComputeCells(blob)
	if err != nil {
		t.Fatal(err)
	}
	for i := range only {
		if only[i] != cells[i] {
			t.Fatalf("ComputeCells cell %d differs from ComputeCellsAndKZGProofs", i)
		}
	}

	c, err := BlobToKZGCommitment(blob)
	if err != nil {
		t.Fatal(err)
	}
	commitments := make([]Commitment, CellsPerExtBlob)
	indices := make([]uint64, CellsPerExtBlob)
	for i := range indices {
		commitments[i] = c
		indices[i] = uint64(i)
	}
	if ok, err := VerifyCellKZGProofBatch(commitments, indices, cells, proofs); err != nil || !ok {
		t.Fatalf("honest cells: %v, %v", ok, err)
	}
	if ok, err := VerifyCellKZGProofBatch(nil, nil, nil, nil); err != nil || !ok {
		t.Errorf("empty batch: %v, %v; want true", ok, err)
	}
	// A tampered cell or a wrong index anywhere, however the batch is cut.
	for _, shares := range []int{1, 2, 3, 128} {
		if ok, err := verifyCellBatch(commitments, indices, cells, proofs, shares); err != nil || !ok {
			t.Errorf("honest cells in %d shares: %v, %v", shares, ok, err)
		}
		for _, i := range []int{0, 42, 63, 64, 86, 127} {
			tampered := append([]Cell(nil), cells...)
			tampered[i][BytesPerCell-1] ^= 1
			if ok, err := verifyCellBatch(commitments, indices, tampered, proofs, shares); err != nil || ok {
				t.Errorf("%d shares, tampered cell %d: %v, %v; want false", shares, i, ok, err)
			}
			wrongIndex := append([]uint64(nil), indices...)
			wrongIndex[i] = uint64((i + 1) % CellsPerExtBlob)
			if ok, err := verifyCellBatch(commitments, wrongIndex, cells, proofs, shares); err != nil || ok {
				t.Errorf("%d shares, wrong index at %d: %v, %v; want false", shares, i, ok, err)
			}
		}
	}
	// Cells of different blobs, as in a column, with one commitment each.
	other := randomBlob(55)
	otherCells, otherProofs, err := ComputeCellsAndKZGProofs(other)
	if err != nil {
		t.Fatal(err)
	}
	otherC, err := BlobToKZGCommitment(other)
	if err != nil {
		t.Fatal(err)
	}
	column := []Cell{cells[9], otherCells[9]}
	columnProofs := []Proof{proofs[9], otherProofs[9]}
	if ok, err := VerifyCellKZGProofBatch([]Commitment{c, otherC}, []uint64{9, 9}, column, columnProofs); err != nil || !ok {
		t.Errorf("column of two blobs: %v, %v", ok, err)
	}
	if ok, err := VerifyCellKZGProofBatch([]Commitment{otherC, c}, []uint64{9, 9}, column, columnProofs); err != nil || ok {
		t.Errorf("column with commitments swapped: %v, %v; want false", ok, err)
	}

	badIndex := append([]uint64(nil), indices...)
	badIndex[9] = CellsPerExtBlob
	_, err = VerifyCellKZGProofBatch(commitments, badIndex, cells, proofs)
	wantInputErr(t, err, ErrCellIndex, "cell_indices", 9)
	badCells := append([]Cell(nil), cells...)
	copy(badCells[100][:], blsModulus[:])
	_, err = VerifyCellKZGProofBatch(commitments, indices, badCells, proofs)
	wantInputErr(t, err, ErrFieldElement, "cells", 100)
	badProofs := append([]Proof(nil), proofs...)
	badProofs[70] = Proof(notOnCurve())
	_, err = VerifyCellKZGProofBatch(commitments, indices, cells, badProofs)
	wantInputErr(t, err, ErrG1Point, "proofs_bytes", 70)
	badCommitments := append([]Commitment(nil), commitments...)
	badCommitments[1] = Commitment(notOnCurve())
	_, err = VerifyCellKZGProofBatch(badCommitments, indices, cells, proofs)
	wantInputErr(t, err, ErrG1Point, "commitments_bytes", 1)
	_, err = VerifyCellKZGProofBatch(commitments, indices[:5], cells, proofs)
	if !errors.Is(err, ErrLengthMismatch) {
		t.Errorf("length mismatch: %v", err)
	}

	_, _, err = ComputeCellsAndKZGProofs(nil)
	if err == nil {
		t.Error("nil blob accepted")
	}
	bad := *blob
	copy(bad[:], blsModulus[:])
	_, err = ComputeCells(&bad)
	wantInputErr(t, err, ErrFieldElement, "blob", -1)
}

func TestRecoverCellsAndKZGProofs(t *testing.T) {
	blob := randomBlob(6)
	cells, proofs, err := ComputeCellsAndKZGProofs(blob)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(6, 6))
	for _, keep := range []int{CellsPerExtBlob / 2, CellsPerExtBlob/2 + 17, CellsPerExtBlob} {
		perm := r.Perm(CellsPerExtBlob)[:keep]
		present := make([]bool, CellsPerExtBlob)
		for _, i := range perm {
			present[i] = true
		}
		var indices []uint64
		var have []Cell
		for i := range present {
			if present[i] {
				indices = append(indices, uint64(i))
				have = append(have, cells[i])
			}
		}
		gotCells, gotProofs, err := RecoverCellsAndKZGProofs(indices, have)
		if err != nil {
			t.Fatalf("keep %d: %v", keep, err)
		}
		for i := range cells {
			if gotCells[i] != cells[i] || gotProofs[i] != proofs[i] {
				t.Fatalf("keep %d: cell or proof %d differs after recovery", keep, i)
			}
		}
	}

	half := make([]uint64, CellsPerExtBlob/2)
	halfCells := make([]Cell, CellsPerExtBlob/2)
	for i := range half {
		half[i] = uint64(2 * i)
		halfCells[i] = cells[2*i]
	}
	_, _, err = RecoverCellsAndKZGProofs(half[:len(half)-1], halfCells[:len(half)-1])
	wantInputErr(t, err, ErrNotEnoughCells, "cell_indices", -1)

	swapped := append([]uint64(nil), half...)
	swapped[3], swapped[4] = swapped[4], swapped[3]
	_, _, err = RecoverCellsAndKZGProofs(swapped, halfCells)
	wantInputErr(t, err, ErrCellIndexOrder, "cell_indices", 4)

	dup := append([]uint64(nil), half...)
	dup[10] = dup[9]
	_, _, err = RecoverCellsAndKZGProofs(dup, halfCells)
	wantInputErr(t, err, ErrCellIndexOrder, "cell_indices", 10)

	tooBig := append([]uint64(nil), half...)
	tooBig[len(tooBig)-1] = CellsPerExtBlob
	_, _, err = RecoverCellsAndKZGProofs(tooBig, halfCells)
	wantInputErr(t, err, ErrCellIndex, "cell_indices", len(tooBig)-1)

	badCells := append([]Cell(nil), halfCells...)
	copy(badCells[20][BytesPerFieldElement:], blsModulus[:])
	_, _, err = RecoverCellsAndKZGProofs(half, badCells)
	wantInputErr(t, err, ErrFieldElement, "cells", 20)

	_, _, err = RecoverCellsAndKZGProofs(half, halfCells[1:])
	if !errors.Is(err, ErrLengthMismatch) {
		t.Errorf("length mismatch: %v", err)
	}
}

// Concurrent first use must load the setup once and give every caller the
// same answers.
func TestConcurrentUse(t *testing.T) {
	b := makeBlobBatch(t, 4)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for g := range errs {
		wg.Go(func() {
			if err := LoadTrustedSetup(); err != nil {
				errs[g] = err
				return
			}
			ok, err := VerifyBlobKZGProofBatch(b.blobs, b.commitments, b.proofs)
			if err == nil && !ok {
				err = errors.New("honest batch rejected")
			}
			errs[g] = err
		})
	}
	wg.Wait()
	for g, err := range errs {
		if err != nil {
			t.Errorf("goroutine %d: %v", g, err)
		}
	}
}

func TestNotOnCurveIsRejected(t *testing.T) {
	// Guard for the fixture itself: if these bytes ever decoded, the
	// malformed-input tests above would test nothing.
	if err := checkG1("test", "p", -1, notOnCurve()); !errors.Is(err, ErrG1Point) {
		t.Fatalf("fixture decodes as a G1 point: %v", err)
	}
	if err := checkG1("test", "p", -1, [48]byte{0xc0}); err != nil {
		t.Fatalf("point at infinity rejected: %v", err)
	}
}

// The library refuses 1024 goroutines or more; a process allowed that many
// threads must still get answers.
func TestManyProcs(t *testing.T) {
	prev := runtime.GOMAXPROCS(2048)
	defer runtime.GOMAXPROCS(prev)
	if got := runtime.GOMAXPROCS(0); got < 1024 {
		t.Skipf("GOMAXPROCS capped at %d", got)
	}
	if _, err := BlobToKZGCommitment(randomBlob(8)); err != nil {
		t.Fatal(err)
	}
}
