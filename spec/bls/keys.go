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
