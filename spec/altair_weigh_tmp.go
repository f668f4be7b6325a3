package spec

// weighJustificationAndFinalization is weigh_justification_and_finalization
// (phase0 beacon-chain.md).
func (s *Spec) weighJustificationAndFinalization(st *BeaconState, totalActiveBalance, previousEpochTargetBalance, currentEpochTargetBalance Gwei) error {
	previousEpoch := s.GetPreviousEpoch(st)
	currentEpoch := s.GetCurrentEpoch(st)
	oldPreviousJustified := st.PreviousJustifiedCheckpoint
	oldCurrentJustified := st.CurrentJustifiedCheckpoint

	n := int(JustificationBitsLength)
	bits := make([]bool, n)
	for i := 1; i < n; i++ {
		bits[i] = st.JustificationBits.Get(i - 1)
	}
	st.PreviousJustifiedCheckpoint = st.CurrentJustifiedCheckpoint
	if uint64(previousEpochTargetBalance)*3 >= uint64(totalActiveBalance)*2 {
		root, err := s.GetBlockRoot(st, previousEpoch)
		if err != nil {
			return err
		}
		st.CurrentJustifiedCheckpoint = Checkpoint{Epoch: previousEpoch, Root: root}
		bits[1] = true
	}
	if uint64(currentEpochTargetBalance)*3 >= uint64(totalActiveBalance)*2 {
		root, err := s.GetBlockRoot(st, currentEpoch)
		if err != nil {
			return err
		}
		st.CurrentJustifiedCheckpoint = Checkpoint{Epoch: currentEpoch, Root: root}
		bits[0] = true
	}
	jb := make([]byte, (n+7)/8)
	for i, b := range bits {
		if b {
			jb[i/8] |= 1 << (i % 8)
		}
	}
	st.JustificationBits = jb

	if bits[1] && bits[2] && bits[3] && oldPreviousJustified.Epoch+3 == currentEpoch {
		st.FinalizedCheckpoint = oldPreviousJustified
	}
	if bits[1] && bits[2] && oldPreviousJustified.Epoch+2 == currentEpoch {
		st.FinalizedCheckpoint = oldPreviousJustified
	}
	if bits[0] && bits[1] && bits[2] && oldCurrentJustified.Epoch+2 == currentEpoch {
		st.FinalizedCheckpoint = oldCurrentJustified
	}
	if bits[0] && bits[1] && oldCurrentJustified.Epoch+1 == currentEpoch {
		st.FinalizedCheckpoint = oldCurrentJustified
	}
	return nil
}

// IsInInactivityLeak is is_in_inactivity_leak (phase0 beacon-chain.md).
func (s *Spec) IsInInactivityLeak(st *BeaconState) bool {
	return s.GetPreviousEpoch(st)-st.FinalizedCheckpoint.Epoch > s.MinEpochsToInactivityPenalty
}

// GetEligibleValidatorIndices is get_eligible_validator_indices (phase0
// beacon-chain.md).
func (s *Spec) GetEligibleValidatorIndices(st *BeaconState) []ValidatorIndex {
	previousEpoch := s.GetPreviousEpoch(st)
	var out []ValidatorIndex
	for i := range st.Validators {
		v := &st.Validators[i]
		if IsActiveValidator(v, previousEpoch) || (v.Slashed && previousEpoch+1 < v.WithdrawableEpoch) {
			out = append(out, ValidatorIndex(i))
		}
	}
	return out
}
