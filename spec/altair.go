package spec

// What altair beacon-chain.md and fork.md add or change (and deneb's
// change to attestation inclusion, EIP-7045).

// GetBaseRewardPerIncrement is get_base_reward_per_increment (altair).
func (s *Spec) GetBaseRewardPerIncrement(st *BeaconState) Gwei { return 0 }

// GetBaseReward is get_base_reward (altair version).
func (s *Spec) GetBaseReward(st *BeaconState, index ValidatorIndex) Gwei { return 0 }

// GetUnslashedParticipatingIndices is get_unslashed_participating_indices.
func (s *Spec) GetUnslashedParticipatingIndices(st *BeaconState, flagIndex int, epoch Epoch) ([]ValidatorIndex, error) {
	return nil, notImplemented("get_unslashed_participating_indices")
}

// GetAttestationParticipationFlagIndices is
// get_attestation_participation_flag_indices (last modified in deneb).
func (s *Spec) GetAttestationParticipationFlagIndices(st *BeaconState, data *AttestationData, inclusionDelay Slot) ([]int, error) {
	return nil, notImplemented("get_attestation_participation_flag_indices")
}

// GetFlagIndexDeltas is get_flag_index_deltas.
func (s *Spec) GetFlagIndexDeltas(st *BeaconState, flagIndex int) (Deltas, error) {
	return Deltas{}, notImplemented("get_flag_index_deltas")
}

// getInactivityPenaltyDeltasAltair is altair's get_inactivity_penalty_deltas.
func (s *Spec) getInactivityPenaltyDeltasAltair(st *BeaconState) (Deltas, error) {
	return Deltas{}, notImplemented("get_inactivity_penalty_deltas")
}

// GetNextSyncCommitteeIndices is get_next_sync_committee_indices (last
// modified in electra).
func (s *Spec) GetNextSyncCommitteeIndices(st *BeaconState) ([]ValidatorIndex, error) {
	return nil, notImplemented("get_next_sync_committee_indices")
}

// GetNextSyncCommittee is get_next_sync_committee.
func (s *Spec) GetNextSyncCommittee(st *BeaconState) (SyncCommittee, error) {
	return SyncCommittee{}, notImplemented("get_next_sync_committee")
}

// processAttestationAltair is process_attestation of altair (and deneb).
func (t *Transition) processAttestationAltair(st *BeaconState, a *Attestation) error {
	return notImplemented("process_attestation")
}

// processJustificationAndFinalizationAltair is altair's
// process_justification_and_finalization.
func (s *Spec) processJustificationAndFinalizationAltair(st *BeaconState) error {
	return notImplemented("process_justification_and_finalization")
}

// processRewardsAndPenaltiesAltair is altair's process_rewards_and_penalties.
func (s *Spec) processRewardsAndPenaltiesAltair(st *BeaconState) error {
	return notImplemented("process_rewards_and_penalties")
}

// ProcessSyncAggregate is process_sync_aggregate.
func (t *Transition) ProcessSyncAggregate(st *BeaconState, agg *SyncAggregate) error {
	return notImplemented("process_sync_aggregate")
}

// ProcessInactivityUpdates is process_inactivity_updates.
func (s *Spec) ProcessInactivityUpdates(st *BeaconState) error {
	return notImplemented("process_inactivity_updates")
}

// ProcessParticipationFlagUpdates is process_participation_flag_updates.
func (s *Spec) ProcessParticipationFlagUpdates(st *BeaconState) error {
	return notImplemented("process_participation_flag_updates")
}

// ProcessSyncCommitteeUpdates is process_sync_committee_updates.
func (s *Spec) ProcessSyncCommitteeUpdates(st *BeaconState) error {
	return notImplemented("process_sync_committee_updates")
}

// UpgradeToAltair is upgrade_to_altair (altair fork.md), in place.
func (s *Spec) UpgradeToAltair(st *BeaconState) error {
	return notImplemented("upgrade_to_altair")
}
