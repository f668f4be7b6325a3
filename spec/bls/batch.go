package bls

import (
	"crypto/rand"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	blst "github.com/supranational/blst/bindings/go"
)

// SignatureSet is one check for BatchVerify: Signature must be the
// aggregate of the signatures of all Pubkeys over Message, as
// FastAggregateVerify would accept it. A set with no keys, a nil or zero
// key, or a signature that does not decode is invalid.
type SignatureSet struct {
	Pubkeys   []*PublicKey
	Message   [32]byte
	Signature Signature
}

// BatchError lists the sets that failed verification, by index into the
// slice given to BatchVerify, in increasing order. It wraps
// ErrInvalidSignature.
type BatchError struct {
	Invalid []int
}

func (e *BatchError) Error() string {
	return fmt.Sprintf("bls: %d of the signature sets are invalid: %v", len(e.Invalid), e.Invalid)
}

func (e *BatchError) Unwrap() error { return ErrInvalidSignature }

// randBits is the size of the random multipliers. A wrong set survives the
// combined check only if the multipliers happen to cancel it, which has
// probability about 2^-64 (the analysis in "Fast verification of multiple
// BLS signatures", ethresear.ch/t/5407).
const randBits = 64

// BatchVerify checks many signature sets at once and returns nil if every
// set is valid, or a *BatchError naming the invalid ones. It is much
// cheaper than verifying the sets one by one: each set is multiplied by a
// fresh random scalar and all of them are checked with one final
// exponentiation, which a set can only pass by chance (probability about
// 2^-64) if it is wrong. Only if that combined check fails are the sets
// verified one by one to tell which failed. The work is spread over
// GOMAXPROCS goroutines; the outcome does not depend on the scheduling.
// No sets is trivially valid.
func BatchVerify(sets []SignatureSet) error {
	n := len(sets)
	switch n {
	case 0:
		return nil
	case 1:
		// The combined check of one set is the plain pairing check with a
		// needless multiplication.
		var p preparedSet
		if !p.prepare(&sets[0]) || !coreVerify(&p.pk, sets[0].Message, &p.sig) {
			return &BatchError{Invalid: []int{0}}
		}
		return nil
	}
	prepared := make([]preparedSet, n)
	multipliers := make([]byte, 8*n)
	rand.Read(multipliers) // never fails (crypto/rand, Go 1.24 and later)

	// Phase 1: decode, aggregate keys, and accumulate r_i * (pk_i, sig_i)
	// into one pairing context per worker.
	workers := min(runtime.GOMAXPROCS(0), n)
	results := make([]blst.Pairing, workers)
	combinedOK := make([]bool, workers)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			var ctx blst.Pairing
			ok := true
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					break
				}
				p := &prepared[i]
				if !p.prepare(&sets[i]) {
					continue
				}
				if ctx == nil {
					ctx = blst.PairingCtx(true, []byte(dst))
				}
				r := multiplier(multipliers[8*i : 8*i+8])
				if blst.PairingMulNAggregatePkInG1(ctx, &p.pk, false, &p.sig, false, r, randBits, sets[i].Message[:]) != blstSuccess {
					// The inputs were checked in prepare, so this does
					// not happen; if it did, the context may hold half
					// of the set, so distrust it and check one by one.
					ok = false
				}
			}
			if ctx != nil {
				blst.PairingCommit(ctx)
			}
			results[w], combinedOK[w] = ctx, ok
		})
	}
	wg.Wait()

	wellFormed := 0
	for i := range prepared {
		if prepared[i].ok {
			wellFormed++
		}
	}
	if wellFormed > 0 && !combinedPasses(results, combinedOK) {
		verifyEach(sets, prepared)
	}

	var invalid []int
	for i := range prepared {
		if !prepared[i].ok {
			invalid = append(invalid, i)
		}
	}
	if invalid != nil {
		return &BatchError{Invalid: invalid}
	}
	return nil
}

// preparedSet is a SignatureSet decoded for the pairing: the aggregate
// public key and the signature point. ok is false once the set is known
// to be invalid.
type preparedSet struct {
	pk  blst.P1Affine
	sig blst.P2Affine
	ok  bool
}

// prepare decodes set into p and reports whether it is well formed.
func (p *preparedSet) prepare(set *SignatureSet) bool {
	p.ok = false
	if len(set.Pubkeys) == 0 {
		return false
	}
	points := make([]*blst.P1Affine, len(set.Pubkeys))
	for i, k := range set.Pubkeys {
		// A zero PublicKey (not made by PublicKeyFromBytes) holds the
		// identity, which KeyValidate would have refused.
		if k == nil || !k.valid {
			return false
		}
		points[i] = &k.p
	}
	if len(points) == 1 {
		p.pk = *points[0]
	} else {
		// blst's batch addition of affine points shares one field
		// inversion among many additions: several times faster than
		// adding the keys one by one for an attestation's hundreds.
		p.pk = *blst.P1AffinesAdd(points).ToAffine()
	}
	// Keys that cancel out sum to the identity, which CoreVerify rejects;
	// blst would also reject it, but only after adding the signature to
	// the pairing context.
	if isIdentity(&p.pk) {
		return false
	}
	s, err := decodeSignature(set.Signature)
	if err != nil {
		return false
	}
	p.sig = *s
	p.ok = true
	return true
}

// multiplier turns 8 random bytes into a non-zero scalar; a zero
// multiplier would drop its set from the combined check.
func multiplier(b []byte) *blst.Scalar {
	var le [blst.BLST_SCALAR_BYTES]byte
	copy(le[:], b)
	if [8]byte(b) == [8]byte{} {
		le[0] = 1
	}
	var s blst.Scalar
	s.FromLEndian(le[:])
	return &s
}

// combinedPasses merges the workers' pairing contexts and runs the final
// check of the random linear combination.
func combinedPasses(results []blst.Pairing, ok []bool) bool {
	var acc blst.Pairing
	for w, ctx := range results {
		if !ok[w] {
			return false
		}
		if ctx == nil {
			continue
		}
		if acc == nil {
			acc = ctx
			continue
		}
		if blst.PairingMerge(acc, ctx) != blstSuccess {
			return false
		}
	}
	return acc != nil && blst.PairingFinalVerify(acc, nil)
}

// verifyEach verifies every well-formed set on its own, in parallel, and
// clears ok on those that fail.
func verifyEach(sets []SignatureSet, prepared []preparedSet) {
	n := len(sets)
	workers := min(runtime.GOMAXPROCS(0), n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				p := &prepared[i]
				if p.ok && !coreVerify(&p.pk, sets[i].Message, &p.sig) {
					p.ok = false
				}
			}
		})
	}
	wg.Wait()
}
