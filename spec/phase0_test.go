package spec

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/quetzal-eth/quetzal/ssz"
)

// phase0TestState returns a minimal-preset phase0 state in the fourth
// epoch with n validators, all active since genesis with the maximum
// effective balance.
func phase0TestState(s *Spec, n int) *BeaconState {
	st := &BeaconState{
		Slot:              3*s.SlotsPerEpoch + 3,
		Fork:              Fork{PreviousVersion: s.GenesisForkVersion, CurrentVersion: s.GenesisForkVersion},
		BlockRoots:        make([]Root, s.SlotsPerHistoricalRoot),
		StateRoots:        make([]Root, s.SlotsPerHistoricalRoot),
		RandaoMixes:       make([]Root, s.EpochsPerHistoricalVector),
		Slashings:         make([]Gwei, s.EpochsPerSlashingsVector),
		JustificationBits: ssz.NewBitvector(int(JustificationBitsLength)),
	}
	for i := range st.RandaoMixes {
		st.RandaoMixes[i] = hash(uintToBytes8(uint64(i)))
	}
	for i := range st.BlockRoots {
		st.BlockRoots[i] = hash([]byte("block"), uintToBytes8(uint64(i)))
	}
	for i := 0; i < n; i++ {
		var pk BLSPubkey
		copy(pk[:], uintToBytes8(uint64(i)+1))
		st.Validators = append(st.Validators, Validator{
			Pubkey:            pk,
			EffectiveBalance:  s.MaxEffectiveBalance,
			ExitEpoch:         FarFutureEpoch,
			WithdrawableEpoch: FarFutureEpoch,
		})
		st.Balances = append(st.Balances, s.MaxEffectiveBalance)
	}
	return st
}

func phase0TestTransition() *Transition {
	return &Transition{Spec: Minimal(), Signatures: SignaturesOff}
}

// validPhase0Attestation returns an attestation of the first committee of
// the state's previous slot, with its first member's bit set.
func validPhase0Attestation(t *testing.T, tr *Transition, st *BeaconState) *Attestation {
	t.Helper()
	slot := st.Slot - 1
	committee, err := tr.GetBeaconCommittee(st, slot, 0)
	if err != nil {
		t.Fatal(err)
	}
	bits := ssz.NewBitlist(len(committee))
	bits.Set(0, true)
	return &Attestation{
		AggregationBits: bits,
		Data: AttestationData{
			Slot:   slot,
			Source: st.CurrentJustifiedCheckpoint,
			Target: Checkpoint{Epoch: tr.GetCurrentEpoch(st)},
		},
	}
}

func TestEpochCommitteesMatchGetBeaconCommittee(t *testing.T) {
	s := Minimal()
	for _, n := range []int{0, 1, 7, 64, 300} {
		st := phase0TestState(s, n)
		for _, epoch := range []Epoch{2, 3} {
			c := s.getEpochCommittees(st, epoch)
			perSlot := s.GetCommitteeCountPerSlot(st, epoch)
			for slot := s.ComputeStartSlotAtEpoch(epoch); slot < s.ComputeStartSlotAtEpoch(epoch+1); slot++ {
				for index := CommitteeIndex(0); uint64(index) <= perSlot; index++ {
					want, wantErr := s.GetBeaconCommittee(st, slot, index)
					got, err := c.committee(slot, index)
					if (err != nil) != (wantErr != nil) {
						t.Fatalf("n=%d slot %d index %d: error %v, want %v", n, slot, index, err, wantErr)
					}
					if !slices.Equal(got, want) {
						t.Fatalf("n=%d slot %d index %d: committee %v, want %v", n, slot, index, got, want)
					}
				}
			}
		}
	}
}

// TestPhase0OperationsRejectMalformed checks that operations with indices,
// lengths or slots out of range are invalid, and do not panic.
func TestPhase0OperationsRejectMalformed(t *testing.T) {
	const far = ValidatorIndex(1 << 40)
	tests := []struct {
		name string
		run  func(t *testing.T, tr *Transition, st *BeaconState) error
	}{
		{"block header proposer out of range", func(t *testing.T, tr *Transition, st *BeaconState) error {
			return tr.ProcessBlockHeader(st, &BeaconBlock{Slot: st.Slot, ProposerIndex: far})
		}},
		{"block header slot", func(t *testing.T, tr *Transition, st *BeaconState) error {
			return tr.ProcessBlockHeader(st, &BeaconBlock{Slot: st.Slot + 1})
		}},
		{"proposer slashing index out of range", func(t *testing.T, tr *Transition, st *BeaconState) error {
			ps := &ProposerSlashing{}
			ps.SignedHeader1.Message = BeaconBlockHeader{Slot: 1, ProposerIndex: far}
			ps.SignedHeader2.Message = BeaconBlockHeader{Slot: 1, ProposerIndex: far, BodyRoot: Root{1}}
			return tr.ProcessProposerSlashing(st, ps)
		}},
		{"attester slashing index out of range", func(t *testing.T, tr *Transition, st *BeaconState) error {
			as := &AttesterSlashing{
				Attestation1: IndexedAttestation{AttestingIndices: []ValidatorIndex{far}, Data: AttestationData{Target: Checkpoint{Epoch: 1}}},
				Attestation2: IndexedAttestation{AttestingIndices: []ValidatorIndex{far}, Data: AttestationData{Target: Checkpoint{Epoch: 1}, BeaconBlockRoot: Root{1}}},
			}
			return tr.ProcessAttesterSlashing(st, as)
		}},
		{"attester slashing no common index", func(t *testing.T, tr *Transition, st *BeaconState) error {
			as := &AttesterSlashing{
				Attestation1: IndexedAttestation{AttestingIndices: []ValidatorIndex{1, 3}, Data: AttestationData{Target: Checkpoint{Epoch: 1}}},
				Attestation2: IndexedAttestation{AttestingIndices: []ValidatorIndex{2, 4}, Data: AttestationData{Target: Checkpoint{Epoch: 1}, BeaconBlockRoot: Root{1}}},
			}
			return tr.ProcessAttesterSlashing(st, as)
		}},
		{"attestation slot at the end of time", func(t *testing.T, tr *Transition, st *BeaconState) error {
			a := validPhase0Attestation(t, tr, st)
			a.Data.Slot = Slot(math.MaxUint64)
			a.Data.Target.Epoch = tr.ComputeEpochAtSlot(a.Data.Slot)
			return tr.ProcessAttestation(st, a)
		}},
		{"attestation committee index out of range", func(t *testing.T, tr *Transition, st *BeaconState) error {
			a := validPhase0Attestation(t, tr, st)
			a.Data.Index = CommitteeIndex(math.MaxUint64)
			return tr.ProcessAttestation(st, a)
		}},
		{"attestation without aggregation bits", func(t *testing.T, tr *Transition, st *BeaconState) error {
			a := validPhase0Attestation(t, tr, st)
			a.AggregationBits = nil
			return tr.ProcessAttestation(st, a)
		}},
		{"attestation wrong source", func(t *testing.T, tr *Transition, st *BeaconState) error {
			a := validPhase0Attestation(t, tr, st)
			a.Data.Source.Epoch++
			return tr.ProcessAttestation(st, a)
		}},
		{"attestation with pending attestations full", func(t *testing.T, tr *Transition, st *BeaconState) error {
			a := validPhase0Attestation(t, tr, st)
			st.CurrentEpochAttestations = make([]PendingAttestation, tr.MaxAttestations*uint64(tr.SlotsPerEpoch))
			return tr.ProcessAttestation(st, a)
		}},
		{"deposit without proof", func(t *testing.T, tr *Transition, st *BeaconState) error {
			return tr.ProcessDeposit(st, &Deposit{})
		}},
		{"voluntary exit index out of range", func(t *testing.T, tr *Transition, st *BeaconState) error {
			return tr.ProcessVoluntaryExit(st, &SignedVoluntaryExit{Message: VoluntaryExit{ValidatorIndex: far}})
		}},
		{"voluntary exit too early", func(t *testing.T, tr *Transition, st *BeaconState) error {
			// Active since genesis, but not for SHARD_COMMITTEE_PERIOD.
			return tr.ProcessVoluntaryExit(st, &SignedVoluntaryExit{Message: VoluntaryExit{ValidatorIndex: 1}})
		}},
		{"eth1 data votes full", func(t *testing.T, tr *Transition, st *BeaconState) error {
			st.Eth1DataVotes = make([]Eth1Data, uint64(tr.EpochsPerEth1VotingPeriod)*uint64(tr.SlotsPerEpoch))
			return tr.ProcessEth1Data(st, &BeaconBlockBody{})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := phase0TestTransition()
			st := phase0TestState(tr.Spec, 64)
			if err := tt.run(t, tr, st); !errors.Is(err, ErrInvalid) {
				t.Fatalf("got %v, want an error wrapping ErrInvalid", err)
			}
		})
	}
}

// TestProcessAttestationPhase0 checks that a valid attestation is kept as
// a pending attestation, which the malformed cases above differ from.
func TestProcessAttestationPhase0(t *testing.T) {
	tr := phase0TestTransition()
	st := phase0TestState(tr.Spec, 64)
	a := validPhase0Attestation(t, tr, st)
	if err := tr.ProcessAttestation(st, a); err != nil {
		t.Fatal(err)
	}
	if len(st.CurrentEpochAttestations) != 1 {
		t.Fatalf("%d current epoch attestations, want 1", len(st.CurrentEpochAttestations))
	}
	got := st.CurrentEpochAttestations[0]
	if got.InclusionDelay != 1 || got.Data != a.Data || !slices.Equal(got.AggregationBits, a.AggregationBits) {
		t.Fatalf("pending attestation %+v", got)
	}
	// The state's bits are its own.
	a.AggregationBits.Set(1, true)
	if got.AggregationBits.Get(1) {
		t.Fatal("pending attestation shares the attestation's aggregation bits")
	}
}

// TestPendingAttestationsMalformed checks that epoch processing of a state
// whose pending attestations could not come from process_attestation fails
// rather than panics.
func TestPendingAttestationsMalformed(t *testing.T) {
	s := Minimal()
	tests := []struct {
		name   string
		modify func(st *BeaconState, a *PendingAttestation)
	}{
		{"too few aggregation bits", func(st *BeaconState, a *PendingAttestation) { a.AggregationBits = ssz.NewBitlist(1) }},
		{"committee index out of range", func(st *BeaconState, a *PendingAttestation) { a.Data.Index = 1 << 60 }},
		{"proposer out of range", func(st *BeaconState, a *PendingAttestation) { a.ProposerIndex = 1 << 40 }},
		{"inclusion delay zero", func(st *BeaconState, a *PendingAttestation) { a.InclusionDelay = 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := phase0TestState(s, 64)
			slot := s.ComputeStartSlotAtEpoch(s.GetPreviousEpoch(st))
			committee, err := s.GetBeaconCommittee(st, slot, 0)
			if err != nil {
				t.Fatal(err)
			}
			bits := ssz.NewBitlist(len(committee))
			bits.Set(0, true)
			a := PendingAttestation{AggregationBits: bits, Data: AttestationData{Slot: slot}, InclusionDelay: 1}
			st.PreviousEpochAttestations = []PendingAttestation{a}
			if _, err := s.GetInclusionDelayDeltas(st); err != nil {
				t.Fatalf("well-formed pending attestation: %v", err)
			}
			tt.modify(st, &st.PreviousEpochAttestations[0])
			if _, err := s.GetInclusionDelayDeltas(st); !errors.Is(err, ErrInvalid) {
				t.Fatalf("got %v, want an error wrapping ErrInvalid", err)
			}
		})
	}
}

func TestIsSupermajority(t *testing.T) {
	const max = Gwei(math.MaxUint64)
	tests := []struct {
		balance, total Gwei
		want           bool
	}{
		{2, 3, true},
		{1, 2, false},
		{0, 0, true},
		{max, max, true},
		{max/3*2 - 1, max, false},
		{max / 3 * 2, max, true},
		{max / 2, max - 1, false},
		{max / 4 * 3, max - 1, true},
	}
	for _, tt := range tests {
		if got := isSupermajority(tt.balance, tt.total); got != tt.want {
			t.Errorf("isSupermajority(%d, %d) = %v, want %v", tt.balance, tt.total, got, tt.want)
		}
	}
}

func TestSumSlashingsSaturates(t *testing.T) {
	st := &BeaconState{Slashings: []Gwei{1, 2, 3}}
	if got := sumSlashings(st, 3); got != 18 {
		t.Errorf("sum %d, want 18", got)
	}
	st.Slashings = []Gwei{math.MaxUint64 / 2, math.MaxUint64 / 2, 2}
	if got := sumSlashings(st, 1); got != math.MaxUint64 {
		t.Errorf("sum %d, want saturation", got)
	}
	st.Slashings = []Gwei{math.MaxUint64 / 2}
	if got := sumSlashings(st, 3); got != math.MaxUint64 {
		t.Errorf("product %d, want saturation", got)
	}
}

// TestEffectiveBalanceUpdatesExtremes checks the hysteresis at balances
// where balance + threshold would overflow a uint64.
func TestEffectiveBalanceUpdatesExtremes(t *testing.T) {
	s := Minimal()
	tests := []struct {
		balance, effective, want Gwei
	}{
		{math.MaxUint64, s.MaxEffectiveBalance, s.MaxEffectiveBalance},
		{math.MaxUint64, 0, s.MaxEffectiveBalance},
		{0, math.MaxUint64 - 1, 0},
		{s.MaxEffectiveBalance - s.EffectiveBalanceIncrement/4, s.MaxEffectiveBalance, s.MaxEffectiveBalance},
		{s.MaxEffectiveBalance - s.EffectiveBalanceIncrement/2, s.MaxEffectiveBalance, s.MaxEffectiveBalance - s.EffectiveBalanceIncrement},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.balance, "/", tt.effective), func(t *testing.T) {
			st := phase0TestState(s, 1)
			st.Balances[0], st.Validators[0].EffectiveBalance = tt.balance, tt.effective
			if err := s.ProcessEffectiveBalanceUpdates(st); err != nil {
				t.Fatal(err)
			}
			if got := st.Validators[0].EffectiveBalance; got != tt.want {
				t.Fatalf("effective balance %d, want %d", got, tt.want)
			}
		})
	}
}

// BenchmarkProcessRewardsAndPenaltiesPhase0 runs phase0's rewards on a
// mainnet-preset state whose previous epoch has two pending attestations
// per committee, each with half of the committee.
func BenchmarkProcessRewardsAndPenaltiesPhase0(b *testing.B) {
	s := Mainnet()
	st := phase0TestState(s, 32768)
	st.Slot = 4*s.SlotsPerEpoch - 1
	previous := s.GetPreviousEpoch(st)
	targetRoot, err := s.GetBlockRoot(st, previous)
	if err != nil {
		b.Fatal(err)
	}
	perSlot := s.GetCommitteeCountPerSlot(st, previous)
	for slot := s.ComputeStartSlotAtEpoch(previous); slot < s.ComputeStartSlotAtEpoch(previous+1); slot++ {
		headRoot, err := s.GetBlockRootAtSlot(st, slot)
		if err != nil {
			b.Fatal(err)
		}
		for index := CommitteeIndex(0); uint64(index) < perSlot; index++ {
			committee, err := s.GetBeaconCommittee(st, slot, index)
			if err != nil {
				b.Fatal(err)
			}
			for half := 0; half < 2; half++ {
				bits := ssz.NewBitlist(len(committee))
				for i := half; i < len(committee); i += 2 {
					bits.Set(i, true)
				}
				st.PreviousEpochAttestations = append(st.PreviousEpochAttestations, PendingAttestation{
					AggregationBits: bits,
					Data:            AttestationData{Slot: slot, Index: index, BeaconBlockRoot: headRoot, Target: Checkpoint{Epoch: previous, Root: targetRoot}},
					InclusionDelay:  Slot(1 + half),
				})
			}
		}
	}
	for b.Loop() {
		if err := s.ProcessRewardsAndPenalties(st.Copy()); err != nil {
			b.Fatal(err)
		}
	}
}
