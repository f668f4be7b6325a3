package spec

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/quetzal-eth/quetzal/ssz"
)

// stateTestFields is the number of BeaconState fields of each fork, counted
// in the forks' beacon-chain.md.
var stateTestFields = [...]int{
	Phase0:    21,
	Altair:    24,
	Bellatrix: 25,
	Capella:   28,
	Deneb:     28,
	Electra:   37,
	Fulu:      38,
}

// stateTestRand fills byte arrays and picks numbers for test values.
type stateTestRand struct{ *rand.Rand }

func newStateTestRand(seed uint64) stateTestRand {
	return stateTestRand{rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

func (r stateTestRand) fill(b []byte) {
	for i := range b {
		b[i] = byte(r.Uint32())
	}
}

func (r stateTestRand) roots(n int) []Root {
	out := make([]Root, n)
	for i := range out {
		r.fill(out[i][:])
	}
	return out
}

func (r stateTestRand) header() BeaconBlockHeader {
	h := BeaconBlockHeader{Slot: Slot(r.Uint64N(1 << 20)), ProposerIndex: ValidatorIndex(r.Uint64N(1000))}
	r.fill(h.ParentRoot[:])
	r.fill(h.StateRoot[:])
	r.fill(h.BodyRoot[:])
	return h
}

func (r stateTestRand) checkpoint() Checkpoint {
	c := Checkpoint{Epoch: Epoch(r.Uint64N(1 << 16))}
	r.fill(c.Root[:])
	return c
}

func (r stateTestRand) syncCommittee(s *Schema) SyncCommittee {
	sc := SyncCommittee{Pubkeys: make([]BLSPubkey, s.SyncCommitteeSize)}
	for i := range sc.Pubkeys {
		r.fill(sc.Pubkeys[i][:])
	}
	r.fill(sc.AggregatePubkey[:])
	return sc
}

func (r stateTestRand) payloadHeader(s *Schema) ExecutionPayloadHeader {
	h := ExecutionPayloadHeader{
		LogsBloom:   make([]byte, s.BytesPerLogsBloom),
		ExtraData:   make([]byte, r.IntN(int(s.MaxExtraDataBytes)+1)),
		BlockNumber: r.Uint64(), GasLimit: r.Uint64(), GasUsed: r.Uint64(), Timestamp: r.Uint64(),
		BlobGasUsed: r.Uint64(), ExcessBlobGas: r.Uint64(),
	}
	for _, b := range [][]byte{h.ParentHash[:], h.FeeRecipient[:], h.StateRoot[:], h.ReceiptsRoot[:],
		h.LogsBloom, h.PrevRandao[:], h.ExtraData, h.BaseFeePerGas[:], h.BlockHash[:],
		h.TransactionsRoot[:], h.WithdrawalsRoot[:]} {
		r.fill(b)
	}
	return h
}

func (r stateTestRand) attestationData() AttestationData {
	d := AttestationData{Slot: Slot(r.Uint64N(1 << 20)), Index: CommitteeIndex(r.Uint64N(64)),
		Source: r.checkpoint(), Target: r.checkpoint()}
	r.fill(d.BeaconBlockRoot[:])
	return d
}

// stateTestFill returns a BeaconState in which every field of fork s.Fork
// is set, with nVals validators. Fields of other forks are left zero, as a
// state of that fork has them.
func stateTestFill(s *Schema, seed uint64, nVals int) *BeaconState {
	r := newStateTestRand(seed)
	st := &BeaconState{
		GenesisTime:       r.Uint64(),
		Slot:              Slot(r.Uint64N(1 << 24)),
		Fork:              Fork{Epoch: Epoch(r.Uint64N(1 << 16))},
		LatestBlockHeader: r.header(),
		BlockRoots:        r.roots(int(s.SlotsPerHistoricalRoot)),
		StateRoots:        r.roots(int(s.SlotsPerHistoricalRoot)),
		HistoricalRoots:   r.roots(1 + r.IntN(5)),
		Eth1Data:          Eth1Data{DepositCount: r.Uint64()},
		Eth1DepositIndex:  r.Uint64(),
		RandaoMixes:       r.roots(int(s.EpochsPerHistoricalVector)),
		Slashings:         make([]Gwei, s.EpochsPerSlashingsVector),

		JustificationBits:           ssz.Bitvector{byte(r.Uint32N(16))},
		PreviousJustifiedCheckpoint: r.checkpoint(),
		CurrentJustifiedCheckpoint:  r.checkpoint(),
		FinalizedCheckpoint:         r.checkpoint(),
	}
	r.fill(st.GenesisValidatorsRoot[:])
	r.fill(st.Fork.PreviousVersion[:])
	r.fill(st.Fork.CurrentVersion[:])
	r.fill(st.Eth1Data.DepositRoot[:])
	r.fill(st.Eth1Data.BlockHash[:])
	for i := 0; i < 3; i++ {
		e := Eth1Data{DepositCount: r.Uint64()}
		r.fill(e.DepositRoot[:])
		r.fill(e.BlockHash[:])
		st.Eth1DataVotes = append(st.Eth1DataVotes, e)
	}
	for i := range st.Slashings {
		st.Slashings[i] = Gwei(r.Uint64())
	}
	for i := 0; i < nVals; i++ {
		v := Validator{EffectiveBalance: Gwei(r.Uint64()), Slashed: r.IntN(2) == 1,
			ActivationEligibilityEpoch: Epoch(r.Uint64()), ActivationEpoch: Epoch(r.Uint64()),
			ExitEpoch: Epoch(r.Uint64()), WithdrawableEpoch: Epoch(r.Uint64())}
		r.fill(v.Pubkey[:])
		r.fill(v.WithdrawalCredentials[:])
		st.Validators = append(st.Validators, v)
		st.Balances = append(st.Balances, Gwei(r.Uint64()))
	}
	if s.Fork == Phase0 {
		for i := 0; i < 3; i++ {
			bits := ssz.NewBitlist(1 + r.IntN(int(s.MaxValidatorsPerCommittee)))
			bits.Set(r.IntN(bits.Len()), true)
			p := PendingAttestation{AggregationBits: bits, Data: r.attestationData(),
				InclusionDelay: Slot(1 + r.Uint64N(32)), ProposerIndex: ValidatorIndex(r.Uint64N(1000))}
			if i < 2 {
				st.PreviousEpochAttestations = append(st.PreviousEpochAttestations, p)
			} else {
				st.CurrentEpochAttestations = append(st.CurrentEpochAttestations, p)
			}
		}
	} else {
		for i := 0; i < nVals; i++ {
			st.PreviousEpochParticipation = append(st.PreviousEpochParticipation, ParticipationFlags(r.Uint32N(8)))
			st.CurrentEpochParticipation = append(st.CurrentEpochParticipation, ParticipationFlags(r.Uint32N(8)))
			st.InactivityScores = append(st.InactivityScores, r.Uint64())
		}
		st.CurrentSyncCommittee = r.syncCommittee(s)
		st.NextSyncCommittee = r.syncCommittee(s)
	}
	if s.Fork >= Bellatrix {
		st.LatestExecutionPayloadHeader = r.payloadHeader(s)
		if s.Fork < Capella {
			st.LatestExecutionPayloadHeader.WithdrawalsRoot = Root{}
		}
		if s.Fork < Deneb {
			st.LatestExecutionPayloadHeader.BlobGasUsed, st.LatestExecutionPayloadHeader.ExcessBlobGas = 0, 0
		}
	}
	if s.Fork >= Capella {
		st.NextWithdrawalIndex = WithdrawalIndex(r.Uint64())
		st.NextWithdrawalValidatorIndex = ValidatorIndex(r.Uint64())
		for i := 0; i < 2; i++ {
			var h HistoricalSummary
			r.fill(h.BlockSummaryRoot[:])
			r.fill(h.StateSummaryRoot[:])
			st.HistoricalSummaries = append(st.HistoricalSummaries, h)
		}
	}
	if s.Fork >= Electra {
		st.DepositRequestsStartIndex = r.Uint64()
		st.DepositBalanceToConsume = Gwei(r.Uint64())
		st.ExitBalanceToConsume = Gwei(r.Uint64())
		st.EarliestExitEpoch = Epoch(r.Uint64())
		st.ConsolidationBalanceToConsume = Gwei(r.Uint64())
		st.EarliestConsolidationEpoch = Epoch(r.Uint64())
		d := PendingDeposit{Amount: Gwei(r.Uint64()), Slot: Slot(r.Uint64())}
		r.fill(d.Pubkey[:])
		r.fill(d.WithdrawalCredentials[:])
		r.fill(d.Signature[:])
		st.PendingDeposits = []PendingDeposit{d}
		st.PendingPartialWithdrawals = []PendingPartialWithdrawal{{ValidatorIndex(r.Uint64()), Gwei(r.Uint64()), Epoch(r.Uint64())}}
		st.PendingConsolidations = []PendingConsolidation{{ValidatorIndex(r.Uint64()), ValidatorIndex(r.Uint64())}}
	}
	if s.Fork >= Fulu {
		n := int(uint64(s.MinSeedLookahead+1) * uint64(s.SlotsPerEpoch))
		for i := 0; i < n; i++ {
			st.ProposerLookahead = append(st.ProposerLookahead, ValidatorIndex(r.Uint64N(uint64(nVals))))
		}
	}
	return st
}

func stateTestSpecs() []*Spec { return []*Spec{Minimal(), Mainnet()} }

func TestBeaconStateRoundTrip(t *testing.T) {
	for _, sp := range stateTestSpecs() {
		for f := Phase0; f <= LatestFork; f++ {
			s := sp.Schema(f)
			st := stateTestFill(s, uint64(f)+1, 7)
			enc, err := Marshal(s, st)
			if err != nil {
				t.Fatalf("%s/%s: marshal: %v", sp.Name, f, err)
			}
			if n := SizeSSZ(s, st); n != len(enc) {
				t.Errorf("%s/%s: SizeSSZ %d, encoding %d bytes", sp.Name, f, n, len(enc))
			}
			var back BeaconState
			if err := Unmarshal(s, enc, &back); err != nil {
				t.Fatalf("%s/%s: unmarshal: %v", sp.Name, f, err)
			}
			enc2, err := Marshal(s, &back)
			if err != nil {
				t.Fatalf("%s/%s: re-marshal: %v", sp.Name, f, err)
			}
			if !bytes.Equal(enc, enc2) {
				t.Errorf("%s/%s: re-encoding differs", sp.Name, f)
			}
			r1, err1 := HashTreeRoot(s, st)
			r2, err2 := HashTreeRoot(s, &back)
			if err1 != nil || err2 != nil || r1 != r2 {
				t.Errorf("%s/%s: roots %s (%v) and %s (%v)", sp.Name, f, r1, err1, r2, err2)
			}
			// A state of one fork must not decode as the next fork's: the
			// layouts differ in every step (capella to deneb only inside
			// the execution payload header).
			if f < LatestFork {
				if err := Unmarshal(sp.Schema(f+1), enc, new(BeaconState)); err == nil {
					t.Errorf("%s: %s state decoded as %s", sp.Name, f, f+1)
				}
			}
		}
	}
}

// depthFor returns the depth of a tree with n leaves (next power of two).
func stateTestDepth(n int) int {
	d := 0
	for 1<<d < n {
		d++
	}
	return d
}

// TestBeaconStateLayout checks each fork's field count and the positions
// that the light client protocol relies on, through Merkle proofs against
// the state's root: the fields' order and number decide the generalized
// indices.
func TestBeaconStateLayout(t *testing.T) {
	sp := Minimal()
	for f := Phase0; f <= LatestFork; f++ {
		s := sp.Schema(f)
		st := stateTestFill(s, 100+uint64(f), 3)
		root, err := HashTreeRoot(s, st)
		if err != nil {
			t.Fatal(err)
		}
		prove := func(g uint64) [32]byte {
			t.Helper()
			leaf, branch, err := ssz.Prove(st, s, g)
			if err != nil {
				t.Fatalf("%s: prove %d: %v", f, g, err)
			}
			if len(branch) != floorlog2(g) || !ssz.VerifyProof(root, leaf, branch, g) {
				t.Fatalf("%s: proof of %d does not verify (%d nodes)", f, g, len(branch))
			}
			return leaf
		}

		n := stateTestFields[f]
		base := uint64(1) << stateTestDepth(n)
		var slot [32]byte
		slot[0], slot[1], slot[2] = byte(st.Slot), byte(st.Slot>>8), byte(st.Slot>>16)
		if got := prove(base + 2); got != slot {
			t.Errorf("%s: field 2 is %x, want the slot", f, got)
		}
		if got := prove(base + uint64(n) - 1); got == ([32]byte{}) {
			t.Errorf("%s: last field %d is empty", f, n-1)
		}
		if n < int(base) {
			if got := prove(base + uint64(n)); got != ([32]byte{}) {
				t.Errorf("%s: field %d exists: %x", f, n, got)
			}
		}

		if got := prove(FinalizedRootGindexAt(f)); got != st.FinalizedCheckpoint.Root {
			t.Errorf("%s: finalized root gindex %d holds %x", f, FinalizedRootGindexAt(f), got)
		}
		if f >= Altair {
			want, _ := HashTreeRoot(s, &st.CurrentSyncCommittee)
			if got := prove(CurrentSyncCommitteeGindexAt(f)); got != want {
				t.Errorf("%s: current sync committee gindex holds %x, want %s", f, got, want)
			}
			want, _ = HashTreeRoot(s, &st.NextSyncCommittee)
			if got := prove(NextSyncCommitteeGindexAt(f)); got != want {
				t.Errorf("%s: next sync committee gindex holds %x, want %s", f, got, want)
			}
		}
	}
}

func TestBeaconStateRejectsMalformed(t *testing.T) {
	sp := Minimal()
	for f := Phase0; f <= LatestFork; f++ {
		s := sp.Schema(f)
		enc, err := Marshal(s, stateTestFill(s, 7, 4))
		if err != nil {
			t.Fatal(err)
		}
		// historical_roots is the first variable-size field; its offset
		// follows the fixed fields before it.
		off := 8 + 32 + 8 + 16 + 112 + 2*32*int(s.SlotsPerHistoricalRoot)
		badOffset := append([]byte{}, enc...)
		badOffset[off+3] = 0xff
		for _, bad := range [][]byte{nil, enc[:100], enc[:off+2], badOffset} {
			if err := Unmarshal(s, bad, new(BeaconState)); err == nil {
				t.Errorf("%s: %d of %d bytes decoded", f, len(bad), len(enc))
			}
		}
		// A vector of the wrong length cannot be encoded.
		st := stateTestFill(s, 7, 4)
		st.BlockRoots = st.BlockRoots[1:]
		if _, err := Marshal(s, st); !errors.Is(err, ssz.ErrVector) {
			t.Errorf("%s: short block_roots: %v", f, err)
		}
	}
}

// stateTestScheduleSpec is the minimal spec with fork i at epoch 2*i, so
// that every fork has a slot range.
func stateTestScheduleSpec() *Spec {
	sp := Minimal()
	sp.AltairForkEpoch, sp.BellatrixForkEpoch, sp.CapellaForkEpoch = 2, 4, 6
	sp.DenebForkEpoch, sp.ElectraForkEpoch, sp.FuluForkEpoch = 8, 10, 12
	return sp
}

func TestDecodeBeaconState(t *testing.T) {
	sp := stateTestScheduleSpec()
	for f := Phase0; f <= LatestFork; f++ {
		s := sp.Schema(f)
		// The first and the last slot in which f is the latest fork.
		first := Slot(2*uint64(f)) * sp.SlotsPerEpoch
		last := first + 2*sp.SlotsPerEpoch - 1
		if f == LatestFork {
			last = first + 1000
		}
		for _, slot := range []Slot{first, last} {
			st := stateTestFill(s, uint64(slot), 5)
			st.Slot = slot
			enc, err := Marshal(s, st)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := BeaconStateSlot(enc); err != nil || got != slot {
				t.Errorf("BeaconStateSlot = %d, %v; want %d", got, err, slot)
			}
			back, fork, err := sp.DecodeBeaconState(enc)
			if err != nil || fork != f {
				t.Fatalf("slot %d: fork %s, %v; want %s", slot, fork, err, f)
			}
			enc2, err := Marshal(s, back)
			if err != nil || !bytes.Equal(enc, enc2) {
				t.Errorf("slot %d: re-encoding differs (%v)", slot, err)
			}
			// The same bytes with the slot of another fork are that
			// fork's layout, which they do not fit.
			other := append([]byte{}, enc...)
			otherSlot := Slot(2*uint64((f+1)%(LatestFork+1))) * sp.SlotsPerEpoch
			other[40], other[41], other[42] = byte(otherSlot), byte(otherSlot>>8), 0
			if _, fork, err := sp.DecodeBeaconState(other); err == nil {
				t.Errorf("%s state with a slot of %s decoded", f, fork)
			}
		}
	}
	for _, n := range []int{0, 1, 47} {
		if _, _, err := sp.DecodeBeaconState(make([]byte, n)); !errors.Is(err, ssz.ErrSize) {
			t.Errorf("%d bytes: %v", n, err)
		}
	}
}

// stateTestBenchState is a mainnet electra state with n validators.
func stateTestBenchState(b *testing.B, n int) (*Schema, *BeaconState, []byte) {
	s := Mainnet().Schema(Electra)
	st := stateTestFill(s, 1, n)
	enc, err := Marshal(s, st)
	if err != nil {
		b.Fatal(err)
	}
	return s, st, enc
}

func BenchmarkBeaconStateHashTreeRoot(b *testing.B) {
	s, st, _ := stateTestBenchState(b, 100_000)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := HashTreeRoot(s, st); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBeaconStateUnmarshal(b *testing.B) {
	s, _, enc := stateTestBenchState(b, 100_000)
	b.SetBytes(int64(len(enc)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := Unmarshal(s, enc, new(BeaconState)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBeaconStateMarshal(b *testing.B) {
	s, st, enc := stateTestBenchState(b, 100_000)
	b.SetBytes(int64(len(enc)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Marshal(s, st); err != nil {
			b.Fatal(err)
		}
	}
}
