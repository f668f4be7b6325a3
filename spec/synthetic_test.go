package spec

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/quetzal-eth/quetzal/ssz"
)

// syntheticState returns a mainnet-sized Fulu BeaconState with nVals
// validators that looks like mainnet's where it matters for hashing,
// encoding and memory: balances around 32 ETH with noise, about a tenth of
// the validators compounding (0x02) with balances up to 2048 ETH and most
// others 0x01, some exited, full history vectors, participation and
// inactivity scores for every validator, sync committees drawn from the
// registry, a proposer lookahead and non-empty pending queues.
func syntheticState(s *Schema, seed uint64, nVals int) *BeaconState {
	r := rand.New(rand.NewPCG(seed, seed^0x5851f42d4c957f2d))
	fill := func(b []byte) {
		for i := range b {
			b[i] = byte(r.Uint32())
		}
	}
	root := func() (x Root) { fill(x[:]); return x }
	roots := func(n int) []Root {
		out := make([]Root, n)
		for i := range out {
			out[i] = root()
		}
		return out
	}
	const gwei = 1_000_000_000
	slot := Slot(12_000_000)
	epoch := Epoch(uint64(slot) / uint64(s.SlotsPerEpoch))
	st := &BeaconState{
		GenesisTime:                   1606824023,
		GenesisValidatorsRoot:         root(),
		Slot:                          slot,
		Fork:                          Fork{PreviousVersion: Version{5, 0, 0, 0}, CurrentVersion: Version{6, 0, 0, 0}, Epoch: epoch - 1000},
		LatestBlockHeader:             BeaconBlockHeader{Slot: slot - 1, ProposerIndex: ValidatorIndex(r.IntN(nVals + 1)), ParentRoot: root(), StateRoot: root(), BodyRoot: root()},
		BlockRoots:                    roots(int(s.SlotsPerHistoricalRoot)),
		StateRoots:                    roots(int(s.SlotsPerHistoricalRoot)),
		HistoricalRoots:               roots(758),
		Eth1Data:                      Eth1Data{DepositRoot: root(), DepositCount: uint64(nVals), BlockHash: Hash32(root())},
		Eth1DepositIndex:              uint64(nVals),
		RandaoMixes:                   roots(int(s.EpochsPerHistoricalVector)),
		Slashings:                     make([]Gwei, s.EpochsPerSlashingsVector),
		JustificationBits:             ssz.Bitvector{0x0f},
		PreviousJustifiedCheckpoint:   Checkpoint{Epoch: epoch - 2, Root: root()},
		CurrentJustifiedCheckpoint:    Checkpoint{Epoch: epoch - 1, Root: root()},
		FinalizedCheckpoint:           Checkpoint{Epoch: epoch - 2, Root: root()},
		NextWithdrawalIndex:           WithdrawalIndex(90_000_000),
		NextWithdrawalValidatorIndex:  ValidatorIndex(r.IntN(nVals + 1)),
		HistoricalSummaries:           make([]HistoricalSummary, 1500),
		DepositRequestsStartIndex:     uint64(nVals),
		DepositBalanceToConsume:       Gwei(r.Uint64N(256 * gwei)),
		ExitBalanceToConsume:          Gwei(r.Uint64N(256 * gwei)),
		EarliestExitEpoch:             epoch + 5,
		ConsolidationBalanceToConsume: Gwei(r.Uint64N(256 * gwei)),
		EarliestConsolidationEpoch:    epoch + 6,
	}
	for i := 0; i < 20; i++ {
		st.Slashings[r.IntN(len(st.Slashings))] = Gwei(32 * gwei)
	}
	for i := 0; i < 500; i++ {
		st.Eth1DataVotes = append(st.Eth1DataVotes, st.Eth1Data)
	}
	for i := range st.HistoricalSummaries {
		st.HistoricalSummaries[i] = HistoricalSummary{root(), root()}
	}
	st.Validators = make([]Validator, nVals)
	st.Balances = make([]Gwei, nVals)
	st.PreviousEpochParticipation = make([]ParticipationFlags, nVals)
	st.CurrentEpochParticipation = make([]ParticipationFlags, nVals)
	st.InactivityScores = make([]uint64, nVals)
	for i := range st.Validators {
		v := &st.Validators[i]
		fill(v.Pubkey[:])
		v.ActivationEligibilityEpoch = Epoch(r.Uint64N(uint64(epoch) - 1000))
		v.ActivationEpoch = v.ActivationEligibilityEpoch + 5
		v.ExitEpoch, v.WithdrawableEpoch = FarFutureEpoch, FarFutureEpoch
		bal := Gwei(32*gwei + r.Int64N(gwei/10) - gwei/20)
		switch k := r.IntN(100); {
		case k < 10:
			v.WithdrawalCredentials[0] = CompoundingWithdrawalPrefix
			fill(v.WithdrawalCredentials[12:])
			bal = Gwei(32*gwei + r.Uint64N(2016*gwei))
		case k < 85:
			v.WithdrawalCredentials[0] = Eth1AddressWithdrawalPrefix
			fill(v.WithdrawalCredentials[12:])
		default:
			fill(v.WithdrawalCredentials[1:])
		}
		v.EffectiveBalance = min(bal-bal%gwei, 2048*gwei)
		if v.WithdrawalCredentials[0] != CompoundingWithdrawalPrefix {
			v.EffectiveBalance = min(v.EffectiveBalance, 32*gwei)
		}
		if r.IntN(20) == 0 {
			v.ExitEpoch = v.ActivationEpoch + Epoch(r.Uint64N(50_000))
			v.WithdrawableEpoch = v.ExitEpoch + 256
			v.Slashed = r.IntN(50) == 0
			bal = 0
		}
		st.Balances[i] = bal
		st.PreviousEpochParticipation[i] = 7
		st.CurrentEpochParticipation[i] = ParticipationFlags(r.IntN(8))
		if r.IntN(50) == 0 {
			st.InactivityScores[i] = r.Uint64N(100)
		}
	}
	committee := func() SyncCommittee {
		sc := SyncCommittee{Pubkeys: make([]BLSPubkey, s.SyncCommitteeSize)}
		for i := range sc.Pubkeys {
			sc.Pubkeys[i] = st.Validators[r.IntN(nVals)].Pubkey
		}
		fill(sc.AggregatePubkey[:])
		return sc
	}
	st.CurrentSyncCommittee, st.NextSyncCommittee = committee(), committee()
	st.LatestExecutionPayloadHeader = ExecutionPayloadHeader{
		ParentHash: Hash32(root()), StateRoot: root(), ReceiptsRoot: root(),
		LogsBloom: make([]byte, s.BytesPerLogsBloom), PrevRandao: root(),
		BlockNumber: 23_000_000, GasLimit: 45_000_000, GasUsed: 20_000_000, Timestamp: 1_760_000_000,
		ExtraData: []byte("quetzal"), BlockHash: Hash32(root()), TransactionsRoot: root(), WithdrawalsRoot: root(),
		BlobGasUsed: 6 * 131072, ExcessBlobGas: 1 << 20,
	}
	fill(st.LatestExecutionPayloadHeader.FeeRecipient[:])
	fill(st.LatestExecutionPayloadHeader.LogsBloom)
	st.LatestExecutionPayloadHeader.BaseFeePerGas[0] = 7
	for i := 0; i < 2000; i++ {
		d := PendingDeposit{WithdrawalCredentials: root(), Amount: Gwei(32 * gwei), Slot: slot - Slot(r.IntN(10000))}
		fill(d.Pubkey[:])
		fill(d.Signature[:])
		d.WithdrawalCredentials[0] = Eth1AddressWithdrawalPrefix
		st.PendingDeposits = append(st.PendingDeposits, d)
	}
	for i := 0; i < 300; i++ {
		st.PendingPartialWithdrawals = append(st.PendingPartialWithdrawals, PendingPartialWithdrawal{
			ValidatorIndex: ValidatorIndex(r.IntN(nVals)), Amount: Gwei(r.Uint64N(100 * gwei)), WithdrawableEpoch: epoch + 256})
	}
	for i := 0; i < 40; i++ {
		st.PendingConsolidations = append(st.PendingConsolidations, PendingConsolidation{
			SourceIndex: ValidatorIndex(r.IntN(nVals)), TargetIndex: ValidatorIndex(r.IntN(nVals))})
	}
	st.ProposerLookahead = make([]ValidatorIndex, uint64(s.MinSeedLookahead+1)*uint64(s.SlotsPerEpoch))
	for i := range st.ProposerLookahead {
		st.ProposerLookahead[i] = ValidatorIndex(r.IntN(nVals))
	}
	return st
}

// TestSyntheticStateRoundTripAndCache checks the benchmark state's
// builder at a smaller size: the state round-trips through its encoding,
// and the cached root equals the uncached one as the state changes the
// way epochs and blocks change it.
func TestSyntheticStateRoundTripAndCache(t *testing.T) {
	s := Mainnet().Schema(Fulu)
	st := syntheticState(s, 1, 10_000)
	enc, err := Marshal(s, st)
	if err != nil {
		t.Fatal(err)
	}
	var back BeaconState
	if err := Unmarshal(s, enc, &back); err != nil {
		t.Fatal(err)
	}
	again, err := Marshal(s, &back)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(enc, again) {
		t.Fatal("re-encoding differs")
	}
	want, err := HashTreeRoot(s, st)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := HashTreeRoot(s, &back); got != want {
		t.Fatalf("decoded state root %x, want %x", got, want)
	}

	var cache ssz.HashCache
	r := rand.New(rand.NewPCG(7, 7))
	steps := []func(){
		func() {}, // unchanged
		func() { // an epoch's rewards
			for i := range st.Balances {
				st.Balances[i] += Gwei(i % 5)
			}
		},
		func() { // a block: a few validators, participation, the roots
			st.Slot++
			st.BlockRoots[int(st.Slot)%len(st.BlockRoots)] = Root{1}
			st.StateRoots[int(st.Slot)%len(st.StateRoots)] = Root{2}
			for k := 0; k < 5; k++ {
				i := r.IntN(len(st.Validators))
				st.Validators[i].EffectiveBalance -= 1_000_000_000
				st.CurrentEpochParticipation[i] |= 2
			}
		},
		func() { // deposits: the registry grows
			for k := 0; k < 17; k++ {
				v := st.Validators[k]
				v.Pubkey[0]++
				st.Validators = append(st.Validators, v)
				st.Balances = append(st.Balances, 32_000_000_000)
				st.PreviousEpochParticipation = append(st.PreviousEpochParticipation, 0)
				st.CurrentEpochParticipation = append(st.CurrentEpochParticipation, 0)
				st.InactivityScores = append(st.InactivityScores, 0)
			}
		},
		func() { // an epoch: participation rotates, queues drain
			st.PreviousEpochParticipation = st.CurrentEpochParticipation
			st.CurrentEpochParticipation = make([]ParticipationFlags, len(st.Validators))
			st.PendingDeposits = st.PendingDeposits[100:]
			st.PendingPartialWithdrawals = st.PendingPartialWithdrawals[:10]
			st.RandaoMixes[3] = Root{3}
			st.Slashings[5] += 1
			st.InactivityScores[9] = 44
			copy(st.ProposerLookahead, st.ProposerLookahead[32:])
		},
		func() { // a consolidation switches a validator to compounding
			st.Validators[42].WithdrawalCredentials[0] = CompoundingWithdrawalPrefix
			st.PendingConsolidations = append(st.PendingConsolidations, PendingConsolidation{1, 42})
			st.HistoricalSummaries = append(st.HistoricalSummaries, HistoricalSummary{Root{4}, Root{5}})
		},
	}
	for round := 0; round < 3; round++ {
		for i, step := range steps {
			step()
			want, err := HashTreeRoot(s, st)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ssz.HashTreeRootCached(st, s, &cache)
			if err != nil {
				t.Fatal(err)
			}
			if Root(got) != want {
				t.Fatalf("round %d step %d: cached root %x, want %x", round, i, got, want)
			}
		}
	}
}

// The cache follows a state of every fork, whose lists differ in kind
// (phase0's pending attestations hold pointers), and a change of fork
// under the same cache.
func TestHashCacheEveryFork(t *testing.T) {
	var cache ssz.HashCache
	for _, spec := range stateTestSpecs() {
		for fork := Phase0; fork <= Fulu; fork++ {
			s := spec.Schema(fork)
			st := stateTestFill(s, uint64(fork)+1, 300)
			for step := 0; step < 3; step++ {
				want, err := HashTreeRoot(s, st)
				if err != nil {
					t.Fatal(err)
				}
				got, err := ssz.HashTreeRootCached(st, s, &cache)
				if err != nil {
					t.Fatal(err)
				}
				if Root(got) != want {
					t.Fatalf("%s step %d: cached root %x, want %x", fork, step, got, want)
				}
				st.Balances[step]++
				st.Validators[step*7].Slashed = !st.Validators[step*7].Slashed
				st.Validators = st.Validators[:len(st.Validators)-1]
				if fork == Phase0 {
					st.PreviousEpochAttestations[0].Data.Slot++
				}
			}
		}
	}
}
