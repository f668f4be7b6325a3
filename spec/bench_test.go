package spec

import (
	"runtime"
	"sync"
	"testing"

	"github.com/quetzal-eth/quetzal/ssz"
)

// The state benchmarks run on a synthetic mainnet Fulu state with a
// million validators (syntheticState), built once per process. They have
// the same names as internal/zrntbench's, which measure zrnt on a Deneb
// state of the same size; run both in one invocation, one package at a
// time, to compare:
//
//	go test -p 1 -run XXX -bench 'State' -count 5 ./spec ./internal/zrntbench

const benchValidators = 1_000_000

var (
	benchOnce    sync.Once
	benchSchema  *Schema
	benchEncoded []byte
)

// benchState returns a freshly decoded copy of the benchmark state, so
// that benchmarks that change it do not affect each other.
func benchState(b *testing.B) (*Schema, *BeaconState, []byte) {
	benchOnce.Do(func() {
		benchSchema = Mainnet().Schema(Fulu)
		enc, err := Marshal(benchSchema, syntheticState(benchSchema, 1, benchValidators))
		if err != nil {
			panic(err)
		}
		benchEncoded = enc
	})
	st := new(BeaconState)
	if err := Unmarshal(benchSchema, benchEncoded, st); err != nil {
		b.Fatal(err)
	}
	return benchSchema, st, benchEncoded
}

func BenchmarkStateHashTreeRootCold(b *testing.B) {
	s, st, _ := benchState(b)
	runtime.GC()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := HashTreeRoot(s, st); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStateHashTreeRootAllBalancesChanged changes every balance
// (untimed) and times the cached root that follows.
func BenchmarkStateHashTreeRootAllBalancesChanged(b *testing.B) {
	s, st, _ := benchState(b)
	var cache ssz.HashCache
	if _, err := ssz.HashTreeRootCached(st, s, &cache); err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		for j := range st.Balances {
			st.Balances[j] += Gwei(1 + j%7)
		}
		b.StartTimer()
		if _, err := ssz.HashTreeRootCached(st, s, &cache); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStateHashTreeRootUnchanged is the floor of a cached root: the
// cost of finding that nothing changed.
func BenchmarkStateHashTreeRootUnchanged(b *testing.B) {
	s, st, _ := benchState(b)
	var cache ssz.HashCache
	if _, err := ssz.HashTreeRootCached(st, s, &cache); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ssz.HashTreeRootCached(st, s, &cache); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStateDecode(b *testing.B) {
	s, _, enc := benchState(b)
	b.SetBytes(int64(len(enc)))
	runtime.GC()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := Unmarshal(s, enc, new(BeaconState)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStateEncode(b *testing.B) {
	s, st, enc := benchState(b)
	b.SetBytes(int64(len(enc)))
	buf := make([]byte, 0, len(enc))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ssz.MarshalTo(buf[:0], st, s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStateHeap reports, as MiB, the live heap that one decoded state
// adds, and that its HashCache adds once filled.
func BenchmarkStateHeap(b *testing.B) {
	s, _, enc := benchState(b)
	var state, cached float64
	for i := 0; i < b.N; i++ {
		var m0, m1, m2 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		st := new(BeaconState)
		if err := Unmarshal(s, enc, st); err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&m1)
		var cache ssz.HashCache
		if _, err := ssz.HashTreeRootCached(st, s, &cache); err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		runtime.ReadMemStats(&m2)
		runtime.KeepAlive(st)
		runtime.KeepAlive(&cache)
		state += float64(m1.HeapAlloc-m0.HeapAlloc) / (1 << 20)
		cached += float64(m2.HeapAlloc-m1.HeapAlloc) / (1 << 20)
	}
	b.ReportMetric(state/float64(b.N), "MiB")
	b.ReportMetric(cached/float64(b.N), "cache-MiB")
}
