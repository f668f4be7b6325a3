package bls

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	blst "github.com/supranational/blst/bindings/go"
)

// parallelKeys is the number of keys from which validateKeys spreads the
// work over several goroutines; below it the goroutines cost more than
// they save.
const parallelKeys = 32

// validateKeys decompresses every key and applies KeyValidate. That costs
// far more than the aggregation that follows (a sync committee is 512
// keys), so long lists are split across GOMAXPROCS goroutines. On failure
// it names the first invalid key, whatever the scheduling.
func validateKeys(pks []Pubkey) ([]blst.P1Affine, error) {
	n := len(pks)
	out := make([]blst.P1Affine, n)
	bad := make([]bool, n)
	check := func(i int) {
		bad[i] = out[i].Uncompress(pks[i][:]) == nil || !out[i].KeyValidate()
	}
	if workers := min(runtime.GOMAXPROCS(0), n/parallelKeys); workers > 1 {
		var next atomic.Int64
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
					check(i)
				}
			})
		}
		wg.Wait()
	} else {
		for i := range pks {
			check(i)
		}
	}
	for i := range bad {
		if bad[i] {
			return nil, fmt.Errorf("pubkey %d: %w", i, ErrInvalidPubkey)
		}
	}
	return out, nil
}

// sumKeys adds up keys that have already been checked.
func sumKeys(keys []blst.P1Affine) *blst.P1Affine {
	var agg blst.P1Aggregate
	for i := range keys {
		agg.Add(&keys[i], false)
	}
	return agg.ToAffine()
}

// SumKeys returns the sum of the keys of add less the sum of the keys of
// sub, as one key: a signature set with it alone checks what a set with
// the keys of add would, when sub are among them (an aggregate whose
// signers are a committee less its absent members, say). It returns nil if
// a key is nil or not valid, if add is empty, or if the sum is the
// identity, which FastAggregateVerify rejects.
func SumKeys(add, sub []*PublicKey) *PublicKey {
	if len(add) == 0 {
		return nil
	}
	sum := func(keys []*PublicKey) *blst.P1 {
		points := make([]*blst.P1Affine, len(keys))
		for i, k := range keys {
			if k == nil || !k.valid {
				return nil
			}
			points[i] = &k.p
		}
		return blst.P1AffinesAdd(points)
	}
	total := sum(add)
	if total == nil {
		return nil
	}
	if len(sub) > 0 {
		s := sum(sub)
		if s == nil {
			return nil
		}
		total.SubAssign(s)
	}
	out := &PublicKey{p: *total.ToAffine()}
	if isIdentity(&out.p) {
		return nil
	}
	out.raw = Pubkey(out.p.Compress())
	out.valid = true
	return out
}
