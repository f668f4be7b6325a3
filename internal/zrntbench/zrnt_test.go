package zrntbench

import (
	"bytes"
	"crypto/sha256"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	"github.com/protolambda/zrnt/eth2/beacon/altair"
	"github.com/protolambda/zrnt/eth2/beacon/capella"
	"github.com/protolambda/zrnt/eth2/beacon/common"
	"github.com/protolambda/zrnt/eth2/beacon/deneb"
	"github.com/protolambda/zrnt/eth2/beacon/phase0"
	"github.com/protolambda/zrnt/eth2/configs"
	"github.com/protolambda/ztyp/codec"
	"github.com/protolambda/ztyp/tree"
	"github.com/protolambda/ztyp/view"
	"github.com/prysmaticlabs/gohashtree"
)

// numValidators is the size of the registry of the benchmark state,
// about that of mainnet.
const numValidators = 1_000_000

var (
	bigOnce    sync.Once
	bigEncoded []byte
)

// bigState returns the SSZ encoding of a Deneb state with numValidators
// validators, built once per process: balances around 32 ETH, some
// validators exited, filled history vectors and participation.
func bigState(tb testing.TB) []byte {
	bigOnce.Do(func() {
		spec := configs.Mainnet
		r := rand.New(rand.NewPCG(1, 2))
		fill := func(b []byte) {
			for i := range b {
				b[i] = byte(r.Uint32())
			}
		}
		root := func() (x common.Root) { fill(x[:]); return x }
		st := &deneb.BeaconState{
			GenesisTime: 1606824023,
			Slot:        common.Slot(10_000_000),
			Fork:        common.Fork{CurrentVersion: common.Version{4, 0, 0, 0}, Epoch: 269568},
			Eth1Data:    common.Eth1Data{DepositRoot: root(), DepositCount: numValidators, BlockHash: root()},
		}
		st.GenesisValidatorsRoot = root()
		st.LatestBlockHeader = common.BeaconBlockHeader{Slot: st.Slot - 1, ParentRoot: root(), StateRoot: root(), BodyRoot: root()}
		for i := 0; i < int(spec.SLOTS_PER_HISTORICAL_ROOT); i++ {
			st.BlockRoots = append(st.BlockRoots, root())
			st.StateRoots = append(st.StateRoots, root())
		}
		for i := 0; i < int(spec.EPOCHS_PER_HISTORICAL_VECTOR); i++ {
			st.RandaoMixes = append(st.RandaoMixes, root())
		}
		st.Slashings = make(phase0.SlashingsHistory, spec.EPOCHS_PER_SLASHINGS_VECTOR)
		for i := 0; i < 1000; i++ {
			st.Eth1DataVotes = append(st.Eth1DataVotes, common.Eth1Data{DepositRoot: root(), DepositCount: numValidators, BlockHash: root()})
		}
		for i := 0; i < 1500; i++ {
			st.HistoricalSummaries = append(st.HistoricalSummaries, capella.HistoricalSummary{BlockSummaryRoot: root(), StateSummaryRoot: root()})
		}
		st.Validators = make(phase0.ValidatorRegistry, numValidators)
		vals := make([]phase0.Validator, numValidators)
		st.Balances = make(phase0.Balances, numValidators)
		st.PreviousEpochParticipation = make(altair.ParticipationRegistry, numValidators)
		st.CurrentEpochParticipation = make(altair.ParticipationRegistry, numValidators)
		st.InactivityScores = make(altair.InactivityScores, numValidators)
		for i := range vals {
			v := &vals[i]
			fill(v.Pubkey[:])
			v.WithdrawalCredentials[0] = 0x01
			fill(v.WithdrawalCredentials[12:])
			v.EffectiveBalance = 32_000_000_000
			v.ActivationEligibilityEpoch = common.Epoch(r.Uint64N(200_000))
			v.ActivationEpoch = v.ActivationEligibilityEpoch + 5
			v.ExitEpoch, v.WithdrawableEpoch = common.FAR_FUTURE_EPOCH, common.FAR_FUTURE_EPOCH
			if r.IntN(20) == 0 {
				v.ExitEpoch = v.ActivationEpoch + common.Epoch(r.Uint64N(50_000))
				v.WithdrawableEpoch = v.ExitEpoch + 256
			}
			st.Validators[i] = v
			st.Balances[i] = common.Gwei(32_000_000_000 + r.Int64N(100_000_000) - 50_000_000)
			st.PreviousEpochParticipation[i] = altair.ParticipationFlags(7)
			st.CurrentEpochParticipation[i] = altair.ParticipationFlags(r.IntN(8))
			st.InactivityScores[i] = view.Uint64View(r.Uint64N(4))
		}
		for _, sc := range []*common.SyncCommittee{&st.CurrentSyncCommittee, &st.NextSyncCommittee} {
			sc.Pubkeys = make(common.SyncCommitteePubkeys, spec.SYNC_COMMITTEE_SIZE)
			for i := range sc.Pubkeys {
				sc.Pubkeys[i] = st.Validators[r.IntN(numValidators)].Pubkey
			}
			fill(sc.AggregatePubkey[:])
		}
		h := &st.LatestExecutionPayloadHeader
		h.ParentHash, h.StateRoot, h.ReceiptsRoot, h.PrevRandao = common.Hash32(root()), root(), root(), root()
		h.BlockHash, h.TransactionsRoot, h.WithdrawalsRoot = common.Hash32(root()), root(), root()
		h.BlockNumber, h.GasLimit, h.GasUsed, h.Timestamp = 21_000_000, 36_000_000, 12_000_000, 1_700_000_000
		h.ExtraData = []byte("quetzal")

		var buf bytes.Buffer
		if err := st.Serialize(spec, codec.NewEncodingWriter(&buf)); err != nil {
			panic(err)
		}
		bigEncoded = buf.Bytes()
	})
	return bigEncoded
}

func decode(tb testing.TB, enc []byte) *deneb.BeaconStateView {
	st, err := deneb.AsBeaconStateView(deneb.BeaconStateType(configs.Mainnet).Deserialize(
		codec.NewDecodingReader(bytes.NewReader(enc), uint64(len(enc)))))
	if err != nil {
		tb.Fatal(err)
	}
	return st
}

// BenchmarkStateHashTreeRootCold hashes a freshly decoded tree, whose
// nodes hold no roots yet.
func BenchmarkStateHashTreeRootCold(b *testing.B) {
	enc := bigState(b)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st := decode(b, enc)
		runtime.GC()
		b.StartTimer()
		st.HashTreeRoot(tree.GetHashFn())
	}
}

// BenchmarkStateHashTreeRootAllBalancesChanged sets every balance
// (untimed, with zrnt's SetBalances) and times the root that follows, which
// re-hashes the balances subtree and reuses the rest of the tree.
func BenchmarkStateHashTreeRootAllBalancesChanged(b *testing.B) {
	st := decode(b, bigState(b))
	hFn := tree.GetHashFn()
	st.HashTreeRoot(hFn)
	regBal, err := st.Balances()
	if err != nil {
		b.Fatal(err)
	}
	bals, err := regBal.(*phase0.RegistryBalancesView).AllBalances()
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		for j := range bals {
			bals[j] += common.Gwei(1 + j%7)
		}
		if err := st.SetBalances(bals); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		st.HashTreeRoot(hFn)
	}
}

func BenchmarkStateDecode(b *testing.B) {
	enc := bigState(b)
	b.SetBytes(int64(len(enc)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		decode(b, enc)
	}
}

// BenchmarkStateHeap reports, as MiB, the live heap that one decoded
// state adds.
func BenchmarkStateHeap(b *testing.B) {
	enc := bigState(b)
	var total float64
	for i := 0; i < b.N; i++ {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		st := decode(b, enc)
		runtime.GC()
		runtime.ReadMemStats(&after)
		runtime.KeepAlive(st)
		total += float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
	}
	b.ReportMetric(total/float64(b.N), "MiB")
}

// TestDecodeRoundTrip checks that the benchmark state decodes into a tree
// with the same root as the flat decoding, and re-encodes to the same bytes.
func TestDecodeRoundTrip(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a state of a million validators")
	}
	enc := bigState(t)
	st := decode(t, enc)
	var flat deneb.BeaconState
	if err := flat.Deserialize(configs.Mainnet, codec.NewDecodingReader(bytes.NewReader(enc), uint64(len(enc)))); err != nil {
		t.Fatal(err)
	}
	if a, b := st.HashTreeRoot(tree.GetHashFn()), flat.HashTreeRoot(configs.Mainnet, tree.GetHashFn()); a != b {
		t.Fatalf("tree root %x, flat root %x", a, b)
	}
	var buf bytes.Buffer
	if err := st.Serialize(codec.NewEncodingWriter(&buf)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), enc) {
		t.Fatal("re-encoding differs")
	}
}

// hashInputs is 64 MiB of chunk pairs.
func hashInputs() [][32]byte {
	in := make([][32]byte, 1<<21)
	for i := range in {
		in[i][0], in[i][1] = byte(i), byte(i>>8)
	}
	return in
}

// BenchmarkGohashtree hashes pairs of chunks with gohashtree in batches,
// as merkleization does; each op is 2^20 pairs.
func BenchmarkGohashtree(b *testing.B) {
	in := hashInputs()
	out := make([][32]byte, len(in)/2)
	b.SetBytes(int64(len(in) * 32))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		gohashtree.HashChunks(out, in)
	}
}

// BenchmarkSHA256 hashes the same pairs one by one with crypto/sha256.
func BenchmarkSHA256(b *testing.B) {
	in := hashInputs()
	out := make([][32]byte, len(in)/2)
	b.SetBytes(int64(len(in) * 32))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var pair [64]byte
		for j := range out {
			copy(pair[:32], in[2*j][:])
			copy(pair[32:], in[2*j+1][:])
			out[j] = sha256.Sum256(pair[:])
		}
	}
}

// TestGohashtreeMatchesSHA256 guards the comparison above: both must
// compute the same digests.
func TestGohashtreeMatchesSHA256(t *testing.T) {
	in := hashInputs()[:4096]
	out := make([][32]byte, len(in)/2)
	gohashtree.HashChunks(out, in)
	for j := range out {
		if want := sha256.Sum256(append(in[2*j][:], in[2*j+1][:]...)); out[j] != want {
			t.Fatalf("pair %d: %x, want %x", j, out[j], want)
		}
	}
}
