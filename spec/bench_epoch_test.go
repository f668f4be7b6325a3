package spec

import (
	"runtime"
	"testing"
)

// The epoch processing benchmarks run process_epoch on the synthetic
// million-validator Fulu state of bench_test.go, on a fresh copy each time
// (copied outside the timed region):
//
//	go test ./spec -run '^$' -bench 'ProcessEpoch' -benchtime 3x -count 3

func benchmarkProcessEpoch(b *testing.B, prepare func(*BeaconState), run func(*Spec, *BeaconState) error) {
	s := Mainnet()
	_, pristine, _ := benchState(b)
	if prepare != nil {
		prepare(pristine)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st := pristine.Copy()
		runtime.GC()
		b.StartTimer()
		if err := run(s, st); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkProcessEpochFast(b *testing.B) {
	benchmarkProcessEpoch(b, nil, (*Spec).ProcessEpochFast)
}

func BenchmarkProcessEpochReference(b *testing.B) {
	benchmarkProcessEpoch(b, nil, (*Spec).ProcessEpoch)
}

// BenchmarkProcessEpochFastNoPendingDeposits leaves out the pending
// deposits, whose pubkey lookups scan the registry (until the lookups have
// an index of their own).
func BenchmarkProcessEpochFastNoPendingDeposits(b *testing.B) {
	benchmarkProcessEpoch(b, func(st *BeaconState) { st.PendingDeposits = nil }, (*Spec).ProcessEpochFast)
}
