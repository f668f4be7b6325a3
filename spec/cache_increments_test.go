package spec

import (
	"slices"
	"testing"
)

// TestRewardAttestationParticipationCached checks the proposer reward of
// rewardAttestationParticipation with the cached effective balances
// against the state without caches: with effective balances that are not
// whole increments, too many increments for the cache, and a validator
// added after the caches were built.
func TestRewardAttestationParticipationCached(t *testing.T) {
	s := Minimal()
	st := cacheTestState(s, Fulu, 9, 200)
	st.Validators[3].EffectiveBalance = s.EffectiveBalanceIncrement*Gwei(noIncrements) + 5
	st.Validators[4].EffectiveBalance = s.EffectiveBalanceIncrement*70000 + 1
	st.Validators[5].EffectiveBalance = s.EffectiveBalanceIncrement*3 + s.EffectiveBalanceIncrement/2
	st.CurrentEpochParticipation = make([]ParticipationFlags, len(st.Validators))
	s.BuildCaches(st)
	if s.cachedIncrements(st) == nil {
		t.Fatal("no cached increments")
	}
	added := st.Validators[7]
	added.Pubkey[0] ^= 0xff
	added.EffectiveBalance = s.EffectiveBalanceIncrement * 9
	st.Validators = append(st.Validators, added)
	st.Balances = append(st.Balances, added.EffectiveBalance)
	st.CurrentEpochParticipation = append(st.CurrentEpochParticipation, 0)

	attesters := []ValidatorIndex{0, 3, 4, 5, 6, 50, 199, 200}
	flags := []int{TimelySourceFlagIndex, TimelyTargetFlagIndex, TimelyHeadFlagIndex}
	reward := func(st *BeaconState) []Gwei {
		participation := slices.Clone(st.CurrentEpochParticipation)
		if err := s.rewardAttestationParticipation(st, participation, attesters, flags); err != nil {
			t.Fatal(err)
		}
		return st.Balances
	}
	before := slices.Clone(st.Balances)
	plain := withoutCaches(st)
	plain.Balances = slices.Clone(st.Balances)
	want := reward(plain)
	if slices.Equal(want, before) {
		t.Fatal("the rewards changed no balance")
	}
	got := reward(st)
	if !slices.Equal(got, want) {
		t.Fatal("balances after the rewards differ with and without caches")
	}
}
