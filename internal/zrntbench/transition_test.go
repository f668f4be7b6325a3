package zrntbench

import (
	"context"
	"runtime"
	"testing"

	"github.com/protolambda/zrnt/eth2/beacon/common"
	"github.com/protolambda/zrnt/eth2/beacon/deneb"
	"github.com/protolambda/zrnt/eth2/configs"
)

// zrnt's side of spec's state-transition benchmarks (BenchmarkBuildCaches,
// BenchmarkProcessEpoch), on the Deneb state of a million validators.

// BenchmarkZrntNewEpochsContext builds zrnt's EpochsContext: the pubkey
// index, the shufflings of the previous, current and next epoch, the
// proposers and the sync committees.
func BenchmarkZrntNewEpochsContext(b *testing.B) {
	st := decode(b, bigState(b))
	runtime.GC()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := common.NewEpochsContext(configs.Mainnet, st); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkZrntProcessEpoch runs zrnt's process_epoch on a copy of the
// state and of its EpochsContext (the copies are not timed).
func BenchmarkZrntProcessEpoch(b *testing.B) {
	st := decode(b, bigState(b))
	epc, err := common.NewEpochsContext(configs.Mainnet, st)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		cp, err := st.CopyState()
		if err != nil {
			b.Fatal(err)
		}
		c := epc.Clone()
		runtime.GC()
		b.StartTimer()
		if err := cp.(*deneb.BeaconStateView).ProcessEpoch(ctx, configs.Mainnet, c); err != nil {
			b.Fatal(err)
		}
	}
}
