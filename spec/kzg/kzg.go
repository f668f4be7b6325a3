// Package kzg holds the KZG polynomial-commitment functions that the
// consensus specs call: the Deneb blob functions of
// polynomial-commitments.md and the Fulu cell functions of
// polynomial-commitments-sampling.md.
//
// The arithmetic is done by github.com/crate-crypto/go-eth-kzg with the
// mainnet trusted setup of the Ethereum KZG ceremony, which that module
// embeds. The setup is parsed once, on first use or when LoadTrustedSetup is
// called, which takes a few seconds; a node calls LoadTrustedSetup at
// start-up so that the first blob it sees does not pay for it.
//
// Inputs are fixed-size byte arrays, so a wrong length cannot reach these
// functions; callers that hold byte slices check the length when they copy
// into the array. Any other malformed input (a field element not below the
// BLS modulus, bytes that are not a compressed G1 point of the subgroup, a
// cell index out of range) is reported as an *InputError, never a panic.
// The Verify functions return (false, nil) for well-formed input whose proof
// does not check, and (false, err) for malformed input, mirroring the spec,
// which returns False in the first case and fails an assertion in the
// second.
//
// Batch verification folds the proofs with fresh random coefficients and may
// use several cores, but its answer depends on neither: a batch is accepted
// exactly when every proof in it is valid (up to a negligible probability of
// a false accept).
package kzg

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"sync"

	goethkzg "github.com/crate-crypto/go-eth-kzg"
)

// Sizes from polynomial-commitments.md (Deneb) and
// polynomial-commitments-sampling.md (Fulu), mainnet preset.
const (
	BytesPerFieldElement = 32
	FieldElementsPerBlob = 4096
	BytesPerBlob         = BytesPerFieldElement * FieldElementsPerBlob
	BytesPerCommitment   = 48
	BytesPerProof        = 48

	FieldElementsPerExtBlob = 2 * FieldElementsPerBlob
	FieldElementsPerCell    = 64
	BytesPerCell            = BytesPerFieldElement * FieldElementsPerCell
	CellsPerExtBlob         = FieldElementsPerExtBlob / FieldElementsPerCell
)

type (
	// Blob is the spec's Blob: FieldElementsPerBlob big-endian field
	// elements, the evaluations of a polynomial in bit-reversed order.
	Blob [BytesPerBlob]byte

	// Commitment is the spec's KZGCommitment (Bytes48 on input): a
	// compressed G1 point.
	Commitment [BytesPerCommitment]byte

	// Proof is the spec's KZGProof (Bytes48 on input): a compressed G1
	// point.
	Proof [BytesPerProof]byte

	// FieldElement is the spec's Bytes32 holding a big-endian
	// BLSFieldElement, as taken and returned by ComputeKZGProof and
	// VerifyKZGProof.
	FieldElement [BytesPerFieldElement]byte

	// Cell is the spec's Cell: FieldElementsPerCell field elements of the
	// extended blob.
	Cell [BytesPerCell]byte
)

// The library's types have the same layout as ours; these conversions are
// checked by the compiler and copy nothing.
func (b *Blob) lib() *goethkzg.Blob              { return (*goethkzg.Blob)(b) }
func (c *Cell) lib() *goethkzg.Cell              { return (*goethkzg.Cell)(c) }
func (c Commitment) lib() goethkzg.KZGCommitment { return goethkzg.KZGCommitment(c) }
func (p Proof) lib() goethkzg.KZGProof           { return goethkzg.KZGProof(p) }
func (f FieldElement) lib() goethkzg.Scalar      { return goethkzg.Scalar(f) }

// Reasons an input is rejected, matched with errors.Is.
var (
	// ErrFieldElement: 32 bytes that are not a big-endian integer below
	// BLS_MODULUS (bytes_to_bls_field, blob_to_polynomial,
	// cell_to_coset_evals).
	ErrFieldElement = errors.New("not a canonical BLS field element")
	// ErrG1Point: 48 bytes that are not a compressed point of the G1
	// subgroup (validate_kzg_g1).
	ErrG1Point = errors.New("not a compressed G1 subgroup point")
	// ErrLengthMismatch: parallel input lists of different lengths.
	ErrLengthMismatch = errors.New("input lists differ in length")
	// ErrCellIndex: a cell index not below CellsPerExtBlob.
	ErrCellIndex = errors.New("cell index out of range")
	// ErrCellIndexOrder: cell indices for recovery that are not strictly
	// ascending (duplicates or unsorted).
	ErrCellIndexOrder = errors.New("cell indices not strictly ascending")
	// ErrNotEnoughCells: fewer than half of the cells given for recovery.
	ErrNotEnoughCells = errors.New("fewer than half of the cells given")
	// ErrTrustedSetup: the embedded trusted setup could not be loaded.
	ErrTrustedSetup = errors.New("trusted setup not loaded")
)

// InputError says which argument of a call was rejected and why.
type InputError struct {
	Func  string // the spec function, e.g. "verify_blob_kzg_proof_batch"
	Arg   string // the spec's argument name, e.g. "proofs"
	Index int    // position in a list argument, or -1
	Err   error  // one of the Err* values of this package
}

func (e *InputError) Error() string {
	arg := e.Arg
	if e.Index >= 0 {
		arg += "[" + strconv.Itoa(e.Index) + "]"
	}
	return "kzg: " + e.Func + ": " + arg + ": " + e.Err.Error()
}

func (e *InputError) Unwrap() error { return e.Err }

func inputErr(fn, arg string, index int, err error) error {
	return &InputError{Func: fn, Arg: arg, Index: index, Err: err}
}

// The one-time setup. Nothing here changes after setupOnce has run.
var (
	setupOnce sync.Once
	setupCtx  *goethkzg.Context
	setupErr  error
	// errProofInvalid is the error value the library returns when an
	// opening proof fails its pairing check. It lives in an internal
	// package of the library, so it is learnt once at setup from a proof
	// that is known to be wrong; comparing against it is how a Verify
	// function tells "false" from "malformed input".
	errProofInvalid error
)

// LoadTrustedSetup parses the embedded mainnet trusted setup and builds the
// tables the functions of this package use. It is safe to call more than
// once and from several goroutines; only the first call does the work. The
// other functions call it themselves, so calling it is only a way to choose
// when the cost is paid.
func LoadTrustedSetup() error {
	setupOnce.Do(func() {
		defer func() {
			if r := recover(); r != nil {
				setupErr = fmt.Errorf("kzg: %w: %v", ErrTrustedSetup, r)
			}
		}()
		ctx, err := goethkzg.NewContext4096Secure()
		if err != nil {
			setupErr = fmt.Errorf("kzg: %w: %w", ErrTrustedSetup, err)
			return
		}
		// The point at infinity commits to the zero polynomial, whose value
		// at 0 is 0, with the zero quotient. The honest claim must pass and
		// the claim f(0) = 1 must fail with the pairing-check error.
		inf := goethkzg.PointAtInfinity
		var zero, one goethkzg.Scalar
		one[BytesPerFieldElement-1] = 1
		if err := ctx.VerifyKZGProof(inf, zero, zero, inf); err != nil {
			setupErr = fmt.Errorf("kzg: %w: self-check: valid proof rejected: %w", ErrTrustedSetup, err)
			return
		}
		errWrong := ctx.VerifyKZGProof(inf, zero, one, inf)
		if errWrong == nil {
			setupErr = fmt.Errorf("kzg: %w: self-check: wrong proof accepted", ErrTrustedSetup)
			return
		}
		setupCtx, errProofInvalid = ctx, errWrong
	})
	return setupErr
}

func loadedContext() (*goethkzg.Context, error) {
	if err := LoadTrustedSetup(); err != nil {
		return nil, err
	}
	return setupCtx, nil
}

// verdict turns the library's answer to a verification into the spec's:
// true, false, or an error for malformed input. On a library error other
// than a failed check, describe finds which input was at fault.
func verdict(err error, describe func() error) (bool, error) {
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, errProofInvalid):
		return false, nil
	default:
		return false, explain(err, describe)
	}
}

// explain replaces an error from the library by an *InputError naming the
// input at fault. The library rejects malformed input without saying which
// argument it was, so the inputs are checked again here; this only runs on
// the error path.
func explain(libErr error, describe func() error) error {
	if err := describe(); err != nil {
		return err
	}
	return fmt.Errorf("kzg: %w", libErr)
}

// blsModulus is BLS_MODULUS, big-endian.
var blsModulus = goethkzg.BlsModulus

func validFieldElement(b []byte) bool {
	return bytes.Compare(b, blsModulus[:]) < 0
}

// checkBlob is the validation of blob_to_polynomial.
func checkBlob(fn, arg string, index int, blob *Blob) error {
	if blob == nil {
		return inputErr(fn, arg, index, errors.New("nil blob"))
	}
	for i := 0; i < FieldElementsPerBlob; i++ {
		if !validFieldElement(blob[i*BytesPerFieldElement : (i+1)*BytesPerFieldElement]) {
			return inputErr(fn, arg, index, fmt.Errorf("field element %d: %w", i, ErrFieldElement))
		}
	}
	return nil
}

// checkCell is the validation of cell_to_coset_evals.
func checkCell(fn, arg string, index int, cell *Cell) error {
	for i := 0; i < FieldElementsPerCell; i++ {
		if !validFieldElement(cell[i*BytesPerFieldElement : (i+1)*BytesPerFieldElement]) {
			return inputErr(fn, arg, index, fmt.Errorf("field element %d: %w", i, ErrFieldElement))
		}
	}
	return nil
}

// checkFieldElement is the validation of bytes_to_bls_field.
func checkFieldElement(fn, arg string, f FieldElement) error {
	if !validFieldElement(f[:]) {
		return inputErr(fn, arg, -1, ErrFieldElement)
	}
	return nil
}

// checkG1 is validate_kzg_g1, behind bytes_to_kzg_commitment and
// bytes_to_kzg_proof.
func checkG1(fn, arg string, index int, p [48]byte) error {
	if _, err := goethkzg.DeserializeKZGCommitment(p); err != nil {
		return inputErr(fn, arg, index, fmt.Errorf("%w: %v", ErrG1Point, err))
	}
	return nil
}

// shareCount is how many shares a batch of n items is verified in: one per
// core the process may use, each of at least minPerShare items.
func shareCount(n, minPerShare int) int {
	return max(1, min(workers(), n/minPerShare))
}

// maxWorkers bounds the goroutines handed to the library, which rejects
// 1024 or more.
const maxWorkers = 256

// workers is how many goroutines the library may use inside one call.
func workers() int { return min(runtime.GOMAXPROCS(0), maxWorkers) }

// verifyInShares verifies items [0, n) in shares contiguous parts, each on
// its own goroutine, by verify(lo, hi). Each share is an independent batch
// check, so the batch is valid exactly when every share is, whichever way
// it is cut. Malformed input is an error even if a proof of another share
// fails, as in the spec, which decodes every input before checking any;
// among errors, the one of the lowest share is returned, and a share looks
// for malformed input in a fixed order, so the error does not depend on
// scheduling either.
func verifyInShares(n, shares int, verify func(lo, hi int) (bool, error)) (bool, error) {
	shares = max(1, min(shares, n))
	if shares == 1 {
		return verify(0, n)
	}
	type result struct {
		ok  bool
		err error
	}
	results := make([]result, shares)
	var wg sync.WaitGroup
	for s := range shares {
		lo, hi := s*n/shares, (s+1)*n/shares
		wg.Go(func() {
			ok, err := verify(lo, hi)
			results[s] = result{ok, err}
		})
	}
	wg.Wait()
	ok := true
	for _, r := range results {
		if r.err != nil {
			return false, r.err
		}
		ok = ok && r.ok
	}
	return ok, nil
}
