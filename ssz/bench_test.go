package ssz

import (
	"math/rand/v2"
	"testing"
)

// The ssz benchmarks use cacheState (cache_test.go): a container with a
// list of validator-like static containers and packed lists beside it.

func benchCacheState(nVals int) *cacheState {
	r := cacheRand{rand.New(rand.NewPCG(1, 1))}
	return newCacheState(r, nVals, nVals)
}

func BenchmarkHashTreeRootStaticList(b *testing.B) {
	s := benchCacheState(100_000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := HashTreeRoot(s, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPackedRoot(b *testing.B) {
	data := make([]uint64, 1<<20)
	for i := range data {
		data[i] = uint64(i) * 0x9e3779b97f4a7c15
	}
	h := newHasher()
	b.SetBytes(int64(len(data) * 8))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.packedRoot(asBytes(data), 1<<40, len(data), 0)
	}
}

// BenchmarkHashTreeRootCached measures a cached root after changing
// every packed balance, a few containers, or nothing.
func BenchmarkHashTreeRootCached(b *testing.B) {
	for _, bc := range []struct {
		name   string
		mutate func(s *cacheState, i int)
	}{
		{"Unchanged", func(*cacheState, int) {}},
		{"TenElements", func(s *cacheState, i int) {
			for k := 0; k < 10; k++ {
				s.Vals[(i*7919+k*104729)%len(s.Vals)].Balance++
			}
		}},
		{"AllBalances", func(s *cacheState, i int) {
			for j := range s.Bal {
				s.Bal[j] += uint64(1 + j%3)
			}
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s := benchCacheState(100_000)
			var cache HashCache
			if _, err := HashTreeRootCached(s, nil, &cache); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				bc.mutate(s, i)
				b.StartTimer()
				if _, err := HashTreeRootCached(s, nil, &cache); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkUnmarshalStaticList(b *testing.B) {
	s := benchCacheState(100_000)
	enc, err := Marshal(s, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(enc)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := Unmarshal(enc, new(cacheState), nil); err != nil {
			b.Fatal(err)
		}
	}
}
