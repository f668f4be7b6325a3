package spec

import (
	"errors"
	"slices"
	"testing"
)

// lookaheadTestState returns an electra state at slot of n active
// validators with varied effective balances and distinct RANDAO mixes.
func lookaheadTestState(s *Spec, n int, slot Slot) *BeaconState {
	st := &BeaconState{
		Slot:        slot,
		Fork:        Fork{PreviousVersion: s.DenebForkVersion, CurrentVersion: s.ElectraForkVersion},
		RandaoMixes: make([]Root, s.EpochsPerHistoricalVector),
	}
	for i := range st.RandaoMixes {
		st.RandaoMixes[i] = hash([]byte("mix"), uintToBytes8(uint64(i)))
	}
	for i := 0; i < n; i++ {
		st.Validators = append(st.Validators, Validator{
			EffectiveBalance: s.MinActivationBalance * Gwei(1+i%5) / 2,
			ExitEpoch:        FarFutureEpoch,
		})
	}
	return st
}

// The proposers of the lookahead are those that electra's
// get_beacon_proposer_index gives at each slot of the two epochs.
func TestInitializeProposerLookaheadMatchesProposerIndex(t *testing.T) {
	s := Minimal()
	start := Slot(3 * s.SlotsPerEpoch)
	pre := lookaheadTestState(s, 50, start+2)
	st := pre.Copy()
	if err := s.UpgradeToFulu(st); err != nil {
		t.Fatal(err)
	}
	if st.Fork.CurrentVersion != s.FuluForkVersion || st.Fork.PreviousVersion != s.ElectraForkVersion || st.Fork.Epoch != 3 {
		t.Errorf("fork %+v", st.Fork)
	}
	if len(st.ProposerLookahead) != s.proposerLookaheadLength() {
		t.Fatalf("lookahead has %d entries", len(st.ProposerLookahead))
	}
	for i, got := range st.ProposerLookahead {
		at := pre.Copy()
		at.Slot = start + Slot(i)
		want, err := s.GetBeaconProposerIndex(at)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("lookahead[%d] = %d, electra proposer of slot %d is %d", i, got, at.Slot, want)
		}
	}
}

func TestProcessProposerLookaheadShifts(t *testing.T) {
	s := Minimal()
	st := lookaheadTestState(s, 40, Slot(5*s.SlotsPerEpoch-1))
	if err := s.UpgradeToFulu(st); err != nil {
		t.Fatal(err)
	}
	before := slices.Clone(st.ProposerLookahead)
	if err := s.ProcessProposerLookahead(st); err != nil {
		t.Fatal(err)
	}
	perEpoch := int(s.SlotsPerEpoch)
	last := len(before) - perEpoch
	if !slices.Equal(st.ProposerLookahead[:last], before[perEpoch:]) {
		t.Errorf("lookahead not shifted by an epoch: %v from %v", st.ProposerLookahead, before)
	}
	want, err := s.GetBeaconProposerIndices(st, s.GetCurrentEpoch(st)+s.MinSeedLookahead+1)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(st.ProposerLookahead[last:], want) {
		t.Errorf("last epoch of lookahead %v, want %v", st.ProposerLookahead[last:], want)
	}
}

func TestProposerLookaheadBadStates(t *testing.T) {
	s := Minimal()
	st := lookaheadTestState(s, 10, 0)
	if err := s.UpgradeToFulu(st); err != nil {
		t.Fatal(err)
	}
	st.ProposerLookahead = st.ProposerLookahead[:3]
	if err := s.ProcessProposerLookahead(st); !errors.Is(err, ErrInvalid) {
		t.Errorf("short lookahead: err = %v, want ErrInvalid", err)
	}

	// No active validator: no proposer, and the upgrade leaves the state
	// as it was.
	empty := lookaheadTestState(s, 0, 0)
	if err := s.UpgradeToFulu(empty); !errors.Is(err, ErrInvalid) || !errors.Is(err, ErrNoCandidates) {
		t.Errorf("no validators: err = %v, want ErrInvalid and ErrNoCandidates", err)
	}
	if empty.Fork.CurrentVersion != s.ElectraForkVersion || empty.ProposerLookahead != nil {
		t.Errorf("failed upgrade changed the state: fork %+v, lookahead %v", empty.Fork, empty.ProposerLookahead)
	}
}
