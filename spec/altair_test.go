package spec

import (
	"errors"
	"slices"
	"testing"

	"github.com/quetzal-eth/quetzal/spec/bls"
	"github.com/quetzal-eth/quetzal/ssz"
)

// altairTestState returns a minimal-preset state of fork at slot with n
// active validators of the given effective balance, real BLS pubkeys,
// zero block roots and zero checkpoints (so an attestation with zero roots
// matches source, target and head).
func altairTestState(t testing.TB, s *Spec, fork ForkName, n int, slot Slot, balance Gwei) *BeaconState {
	t.Helper()
	st := &BeaconState{
		Slot:              slot,
		Fork:              Fork{PreviousVersion: s.ForkVersion(fork), CurrentVersion: s.ForkVersion(fork)},
		BlockRoots:        make([]Root, s.SlotsPerHistoricalRoot),
		StateRoots:        make([]Root, s.SlotsPerHistoricalRoot),
		RandaoMixes:       make([]Root, s.EpochsPerHistoricalVector),
		Slashings:         make([]Gwei, s.EpochsPerSlashingsVector),
		JustificationBits: ssz.NewBitvector(int(JustificationBitsLength)),
	}
	for i := 0; i < n; i++ {
		var b [32]byte
		b[31] = byte(i + 1)
		b[30] = byte((i + 1) >> 8)
		sk, err := bls.SecretKeyFromBytes(b)
		if err != nil {
			t.Fatal(err)
		}
		st.Validators = append(st.Validators, Validator{
			Pubkey:                     BLSPubkey(sk.PublicKey().Bytes()),
			EffectiveBalance:           balance,
			ActivationEligibilityEpoch: 0,
			ActivationEpoch:            0,
			ExitEpoch:                  FarFutureEpoch,
			WithdrawableEpoch:          FarFutureEpoch,
		})
		st.Balances = append(st.Balances, balance)
	}
	st.PreviousEpochParticipation = make([]ParticipationFlags, n)
	st.CurrentEpochParticipation = make([]ParticipationFlags, n)
	st.InactivityScores = make([]uint64, n)
	committee, err := s.GetNextSyncCommittee(st)
	if err != nil {
		t.Fatal(err)
	}
	st.CurrentSyncCommittee = committee
	st.NextSyncCommittee = committee
	return st
}

// altairTestAttestation returns an attestation of committee 0 at slot by
// every member, with zero roots.
func altairTestAttestation(t testing.TB, s *Spec, st *BeaconState, slot Slot) *Attestation {
	t.Helper()
	committee, err := s.GetBeaconCommittee(st, slot, 0)
	if err != nil {
		t.Fatal(err)
	}
	bits := ssz.NewBitlist(len(committee))
	for i := range committee {
		bits.Set(i, true)
	}
	epoch := s.ComputeEpochAtSlot(slot)
	return &Attestation{AggregationBits: bits, Data: AttestationData{Slot: slot, Target: Checkpoint{Epoch: epoch}}}
}

func TestProcessAttestationAltairRejects(t *testing.T) {
	s := Minimal()
	spe := s.SlotsPerEpoch
	stateSlot := 3*spe + 2
	tests := []struct {
		name   string
		fork   ForkName
		slot   Slot // attestation slot
		mutate func(a *Attestation)
	}{
		{"target epoch in the future", Altair, stateSlot - 1, func(a *Attestation) { a.Data.Target.Epoch = 4 }},
		{"target epoch too old", Altair, stateSlot - 1, func(a *Attestation) { a.Data.Target.Epoch = 1 }},
		{"slot outside the target epoch", Altair, stateSlot - 1, func(a *Attestation) { a.Data.Slot = 2*spe + 1 }},
		{"slot at the end of the slot range", Altair, stateSlot - 1, func(a *Attestation) { a.Data.Slot = Slot(Uint64Max) }},
		{"included in its own slot", Altair, stateSlot, nil},
		{"included more than an epoch late", Altair, stateSlot - spe - 1, nil},
		{"committee index out of range", Altair, stateSlot - 1, func(a *Attestation) { a.Data.Index = 1 << 40 }},
		{"aggregation bits too long", Altair, stateSlot - 1, func(a *Attestation) { a.AggregationBits = ssz.NewBitlist(a.AggregationBits.Len() + 1) }},
		{"aggregation bits empty", Altair, stateSlot - 1, func(a *Attestation) { a.AggregationBits = ssz.NewBitlist(0) }},
		{"source not justified", Altair, stateSlot - 1, func(a *Attestation) { a.Data.Source.Epoch = 1 }},
		{"source not justified (deneb)", Deneb, stateSlot - spe - 1, func(a *Attestation) { a.Data.Source.Root[0] = 1 }},
		{"no attester", Altair, stateSlot - 1, func(a *Attestation) { a.AggregationBits = ssz.NewBitlist(a.AggregationBits.Len()) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := altairTestState(t, s, tt.fork, 64, stateSlot, 32_000_000_000)
			a := altairTestAttestation(t, s, st, tt.slot)
			if tt.mutate != nil {
				tt.mutate(a)
			}
			tr := &Transition{Spec: s, Signatures: SignaturesOff}
			if err := tr.processAttestationAltair(st, a); !errors.Is(err, ErrInvalid) {
				t.Fatalf("got %v, want ErrInvalid", err)
			}
		})
	}
}

// TestProcessAttestationInclusionWindow checks EIP-7045: from deneb an
// attestation of the previous epoch is accepted after SLOTS_PER_EPOCH slots
// and still earns the target flag, but not the source flag.
func TestProcessAttestationInclusionWindow(t *testing.T) {
	s := Minimal()
	spe := s.SlotsPerEpoch
	stateSlot := 3*spe + 2
	for _, tt := range []struct {
		fork      ForkName
		delay     Slot
		wantFlags ParticipationFlags
		accepted  bool
	}{
		{Altair, 1, 0b111, true},
		{Altair, spe, 0b010, true},
		{Altair, spe + 1, 0, false},
		{Capella, spe + 1, 0, false},
		{Deneb, spe + 1, 0b010, true},
		{Deneb, 2, 0b011, true},
		{Deneb, 3, 0b010, true},
	} {
		st := altairTestState(t, s, tt.fork, 64, stateSlot, 32_000_000_000)
		a := altairTestAttestation(t, s, st, stateSlot-tt.delay)
		tr := &Transition{Spec: s, Signatures: SignaturesOff}
		before := slices.Clone(st.Balances)
		err := tr.processAttestationAltair(st, a)
		if !tt.accepted {
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("%s, delay %d: got %v, want ErrInvalid", tt.fork, tt.delay, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s, delay %d: %v", tt.fork, tt.delay, err)
			continue
		}
		attesters, _ := s.GetAttestingIndices(st, a)
		participation := st.PreviousEpochParticipation
		if s.ComputeEpochAtSlot(a.Data.Slot) == s.GetCurrentEpoch(st) {
			participation = st.CurrentEpochParticipation
		}
		for _, index := range attesters {
			if participation[index] != tt.wantFlags {
				t.Errorf("%s, delay %d: validator %d has flags %03b, want %03b", tt.fork, tt.delay, index, participation[index], tt.wantFlags)
				break
			}
		}
		proposer, _ := s.GetBeaconProposerIndex(st)
		if st.Balances[proposer] <= before[proposer] {
			t.Errorf("%s, delay %d: proposer not rewarded", tt.fork, tt.delay)
		}
		// A second inclusion sets no new flag, so it earns nothing.
		before = slices.Clone(st.Balances)
		if err := tr.processAttestationAltair(st, a); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(st.Balances, before) {
			t.Errorf("%s, delay %d: duplicate attestation changed balances", tt.fork, tt.delay)
		}
	}
}

func TestProcessSyncAggregate(t *testing.T) {
	s := Minimal()
	size := int(s.SyncCommitteeSize)
	infinity := BLSSignature{0xc0}
	tests := []struct {
		name   string
		slot   Slot
		mode   SignatureMode
		mutate func(st *BeaconState, agg *SyncAggregate)
		valid  bool
	}{
		{"nobody, infinity signature", 9, SignaturesEach, nil, true},
		{"nobody, zero signature", 9, SignaturesEach, func(_ *BeaconState, agg *SyncAggregate) { agg.SyncCommitteeSignature = BLSSignature{} }, false},
		{"participant, infinity signature", 9, SignaturesEach, func(_ *BeaconState, agg *SyncAggregate) { agg.SyncCommitteeBits.Set(3, true) }, false},
		{"slot 0 has no previous block", 0, SignaturesOff, nil, false},
		{"member of no validator", 9, SignaturesOff, func(st *BeaconState, _ *SyncAggregate) {
			st.CurrentSyncCommittee.Pubkeys = slices.Clone(st.CurrentSyncCommittee.Pubkeys)
			st.CurrentSyncCommittee.Pubkeys[5] = BLSPubkey{0xaa}
		}, false},
		{"short committee", 9, SignaturesOff, func(st *BeaconState, _ *SyncAggregate) {
			st.CurrentSyncCommittee.Pubkeys = st.CurrentSyncCommittee.Pubkeys[:size-1]
		}, false},
		{"short bits", 9, SignaturesOff, func(_ *BeaconState, agg *SyncAggregate) { agg.SyncCommitteeBits = agg.SyncCommitteeBits[:1] }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := altairTestState(t, s, Altair, 64, tt.slot, 32_000_000_000)
			agg := &SyncAggregate{SyncCommitteeBits: ssz.NewBitvector(size), SyncCommitteeSignature: infinity}
			if tt.mutate != nil {
				tt.mutate(st, agg)
			}
			tr := &Transition{Spec: s, Signatures: tt.mode}
			err := tr.ProcessSyncAggregate(st, agg)
			if tt.valid && err != nil {
				t.Fatalf("rejected: %v", err)
			}
			if !tt.valid && !errors.Is(err, ErrInvalid) {
				t.Fatalf("got %v, want ErrInvalid", err)
			}
		})
	}
}

// TestProcessSyncAggregateRewards checks the rewards against the spec's
// arithmetic, with a repeated member (each seat counts) and a proposer in
// the committee.
func TestProcessSyncAggregateRewards(t *testing.T) {
	s := Minimal()
	size := int(s.SyncCommitteeSize)
	st := altairTestState(t, s, Altair, 64, 9, 32_000_000_000)
	committee := make([]BLSPubkey, size)
	for i := range committee {
		committee[i] = st.Validators[i%16].Pubkey
	}
	st.CurrentSyncCommittee.Pubkeys = committee
	agg := &SyncAggregate{SyncCommitteeBits: ssz.NewBitvector(size)}
	for i := 0; i < size; i += 2 {
		agg.SyncCommitteeBits.Set(i, true)
	}
	proposer, err := s.GetBeaconProposerIndex(st)
	if err != nil {
		t.Fatal(err)
	}
	total := s.GetTotalActiveBalance(st)
	increments := total / s.EffectiveBalanceIncrement
	participantReward := s.GetBaseRewardPerIncrement(st) * increments * 2 / 64 / Gwei(s.SlotsPerEpoch) / Gwei(size)
	proposerReward := participantReward * 8 / 56
	want := slices.Clone(st.Balances)
	for i := 0; i < size; i++ {
		if i%2 == 0 {
			want[i%16] += participantReward
			want[proposer] += proposerReward
		} else {
			want[i%16] -= participantReward
		}
	}
	tr := &Transition{Spec: s, Signatures: SignaturesOff}
	if err := tr.ProcessSyncAggregate(st, agg); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(st.Balances, want) {
		t.Fatalf("balances %v, want %v", st.Balances[:20], want[:20])
	}
}

// TestAltairListsMismatch checks that a state whose per-validator lists are
// shorter than the registry is rejected rather than indexed out of range.
func TestAltairListsMismatch(t *testing.T) {
	s := Minimal()
	stateSlot := 3*s.SlotsPerEpoch + 2
	shorten := map[string]func(st *BeaconState){
		"previous participation": func(st *BeaconState) { st.PreviousEpochParticipation = st.PreviousEpochParticipation[:3] },
		"current participation":  func(st *BeaconState) { st.CurrentEpochParticipation = st.CurrentEpochParticipation[:3] },
		"inactivity scores":      func(st *BeaconState) { st.InactivityScores = st.InactivityScores[:3] },
		"balances":               func(st *BeaconState) { st.Balances = st.Balances[:3] },
	}
	for name, f := range shorten {
		steps := map[string]func(st *BeaconState) error{
			"process_attestation": func(st *BeaconState) error {
				tr := &Transition{Spec: s, Signatures: SignaturesOff}
				return tr.processAttestationAltair(st, altairTestAttestation(t, s, st, stateSlot-1))
			},
			"process_inactivity_updates":    s.ProcessInactivityUpdates,
			"process_rewards_and_penalties": s.processRewardsAndPenaltiesAltair,
			"get_inactivity_penalty_deltas": func(st *BeaconState) error { _, err := s.getInactivityPenaltyDeltasAltair(st); return err },
		}
		for step, run := range steps {
			st := altairTestState(t, s, Altair, 64, stateSlot, 32_000_000_000)
			f(st)
			if err := run(st); !errors.Is(err, ErrInvalid) {
				t.Errorf("%s with short %s: got %v, want ErrInvalid", step, name, err)
			}
		}
	}
}

func TestGetFlagIndexDeltasBadFlag(t *testing.T) {
	s := Minimal()
	st := altairTestState(t, s, Altair, 64, 3*s.SlotsPerEpoch, 32_000_000_000)
	for _, flag := range []int{-1, 3, 8} {
		if _, err := s.GetFlagIndexDeltas(st, flag); err == nil {
			t.Errorf("flag index %d accepted", flag)
		}
	}
}

func TestProcessInactivityUpdatesOverflow(t *testing.T) {
	s := Minimal()
	st := altairTestState(t, s, Altair, 64, 3*s.SlotsPerEpoch, 32_000_000_000)
	st.InactivityScores[7] = Uint64Max - 1
	if err := s.ProcessInactivityUpdates(st); !errors.Is(err, ErrInvalid) {
		t.Fatalf("got %v, want ErrInvalid", err)
	}
}

// TestGetNextSyncCommitteeIndicesSampling checks the balance sampling of
// each fork: at the fork's maximum effective balance every candidate is
// taken, so the committee is the shuffled candidates in order; below it,
// in electra (whose maximum is 2048 ETH), candidates are skipped.
func TestGetNextSyncCommitteeIndicesSampling(t *testing.T) {
	s := Minimal()
	n := 64
	for _, tt := range []struct {
		fork    ForkName
		balance Gwei
		allIn   bool
	}{
		{Altair, s.MaxEffectiveBalance, true},
		{Deneb, s.MaxEffectiveBalance, true},
		{Electra, s.MaxEffectiveBalanceElectra, true},
		{Electra, s.MaxEffectiveBalance, false},
	} {
		st := altairTestState(t, s, tt.fork, n, 3*s.SlotsPerEpoch, tt.balance)
		got, err := s.GetNextSyncCommitteeIndices(st)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != int(s.SyncCommitteeSize) {
			t.Fatalf("%s: %d members", tt.fork, len(got))
		}
		epoch := s.GetCurrentEpoch(st) + 1
		seed := s.GetSeed(st, epoch, DomainSyncCommittee)
		same := true
		for i, index := range got {
			shuffled, err := s.ComputeShuffledIndex(uint64(i%n), uint64(n), seed)
			if err != nil {
				t.Fatal(err)
			}
			if ValidatorIndex(shuffled) != index {
				same = false
				break
			}
		}
		if same != tt.allIn {
			t.Errorf("%s at balance %d: committee is the unsampled shuffle: %v, want %v", tt.fork, tt.balance, same, tt.allIn)
		}
	}

	st := altairTestState(t, s, Altair, n, 3*s.SlotsPerEpoch, s.MaxEffectiveBalance)
	for i := range st.Validators {
		st.Validators[i].ExitEpoch = 1
	}
	if _, err := s.GetNextSyncCommitteeIndices(st); !errors.Is(err, ErrInvalid) {
		t.Errorf("no active validators: got %v, want ErrInvalid", err)
	}
}

func TestUpgradeToAltair(t *testing.T) {
	s := Minimal()
	spe := s.SlotsPerEpoch
	st := altairTestState(t, s, Altair, 64, 2*spe, 32_000_000_000)
	st.Fork = Fork{CurrentVersion: s.GenesisForkVersion}
	st.PreviousEpochParticipation, st.CurrentEpochParticipation, st.InactivityScores = nil, nil, nil
	st.CurrentSyncCommittee, st.NextSyncCommittee = SyncCommittee{}, SyncCommittee{}
	a := altairTestAttestation(t, s, st, spe+3)
	st.PreviousEpochAttestations = []PendingAttestation{{AggregationBits: a.AggregationBits, Data: a.Data, InclusionDelay: 1}}
	st.CurrentEpochAttestations = []PendingAttestation{{AggregationBits: a.AggregationBits, Data: a.Data, InclusionDelay: 1}}

	if err := s.UpgradeToAltair(st); err != nil {
		t.Fatal(err)
	}
	if s.StateFork(st) != Altair || st.Fork.PreviousVersion != s.GenesisForkVersion || st.Fork.Epoch != 2 {
		t.Errorf("fork %+v", st.Fork)
	}
	if st.PreviousEpochAttestations != nil || st.CurrentEpochAttestations != nil {
		t.Error("pending attestations kept")
	}
	if len(st.CurrentEpochParticipation) != 64 || len(st.InactivityScores) != 64 {
		t.Error("altair lists not sized to the registry")
	}
	committee, _ := s.GetBeaconCommittee(st, spe+3, 0)
	for _, index := range committee {
		if st.PreviousEpochParticipation[index] != 0b111 {
			t.Errorf("validator %d: flags %03b, want 111", index, st.PreviousEpochParticipation[index])
		}
	}
	if len(st.CurrentSyncCommittee.Pubkeys) != int(s.SyncCommitteeSize) ||
		!slices.Equal(st.CurrentSyncCommittee.Pubkeys, st.NextSyncCommittee.Pubkeys) ||
		&st.CurrentSyncCommittee.Pubkeys[0] == &st.NextSyncCommittee.Pubkeys[0] {
		t.Error("current and next sync committees are not equal copies")
	}

	// A pending attestation whose bits do not fit its committee is an
	// error, not an index out of range.
	st = altairTestState(t, s, Altair, 64, 2*spe, 32_000_000_000)
	st.Fork = Fork{CurrentVersion: s.GenesisForkVersion}
	st.PreviousEpochAttestations = []PendingAttestation{{AggregationBits: ssz.NewBitlist(1), Data: a.Data, InclusionDelay: 1}}
	if err := s.UpgradeToAltair(st); !errors.Is(err, ErrInvalid) {
		t.Errorf("got %v, want ErrInvalid", err)
	}
}
