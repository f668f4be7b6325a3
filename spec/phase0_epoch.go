package spec

import "github.com/quetzal-eth/quetzal/ssz"

// Epoch processing of phase0 beacon-chain.md, with the dispatch to the
// versions of later forks.

// ProcessJustificationAndFinalization is
// process_justification_and_finalization.
func (s *Spec) ProcessJustificationAndFinalization(st *BeaconState) error {
	return notImplemented("process_justification_and_finalization")
}

// ProcessRewardsAndPenalties is process_rewards_and_penalties.
func (s *Spec) ProcessRewardsAndPenalties(st *BeaconState) error {
	return notImplemented("process_rewards_and_penalties")
}

// ProcessRegistryUpdates is process_registry_updates.
func (s *Spec) ProcessRegistryUpdates(st *BeaconState) error {
	return notImplemented("process_registry_updates")
}

// ProcessSlashings is process_slashings.
func (s *Spec) ProcessSlashings(st *BeaconState) error {
	return notImplemented("process_slashings")
}

// ProcessEth1DataReset is process_eth1_data_reset.
func (s *Spec) ProcessEth1DataReset(st *BeaconState) error {
	return notImplemented("process_eth1_data_reset")
}

// ProcessEffectiveBalanceUpdates is process_effective_balance_updates.
func (s *Spec) ProcessEffectiveBalanceUpdates(st *BeaconState) error {
	return notImplemented("process_effective_balance_updates")
}

// ProcessSlashingsReset is process_slashings_reset.
func (s *Spec) ProcessSlashingsReset(st *BeaconState) error {
	return notImplemented("process_slashings_reset")
}

// ProcessRandaoMixesReset is process_randao_mixes_reset.
func (s *Spec) ProcessRandaoMixesReset(st *BeaconState) error {
	return notImplemented("process_randao_mixes_reset")
}

// ProcessHistoricalRootsUpdate is process_historical_roots_update.
func (s *Spec) ProcessHistoricalRootsUpdate(st *BeaconState) error {
	return notImplemented("process_historical_roots_update")
}

// ProcessParticipationRecordUpdates is process_participation_record_updates.
func (s *Spec) ProcessParticipationRecordUpdates(st *BeaconState) error {
	return notImplemented("process_participation_record_updates")
}

// Deltas are the rewards and penalties of one component of the rewards,
// per validator index (the rewards spec tests compare these).
type Deltas struct {
	Rewards   []Gwei
	Penalties []Gwei
}

func (d *Deltas) DefineSSZ(c *ssz.Codec) {
	s := schemaOf(c)
	ssz.BasicList(c, &d.Rewards, int(s.ValidatorRegistryLimit))
	ssz.BasicList(c, &d.Penalties, int(s.ValidatorRegistryLimit))
}

// GetSourceDeltas is get_source_deltas (phase0).
func (s *Spec) GetSourceDeltas(st *BeaconState) (Deltas, error) {
	return Deltas{}, notImplemented("get_source_deltas")
}

// GetTargetDeltas is get_target_deltas (phase0).
func (s *Spec) GetTargetDeltas(st *BeaconState) (Deltas, error) {
	return Deltas{}, notImplemented("get_target_deltas")
}

// GetHeadDeltas is get_head_deltas (phase0).
func (s *Spec) GetHeadDeltas(st *BeaconState) (Deltas, error) {
	return Deltas{}, notImplemented("get_head_deltas")
}

// GetInclusionDelayDeltas is get_inclusion_delay_deltas (phase0).
func (s *Spec) GetInclusionDelayDeltas(st *BeaconState) (Deltas, error) {
	return Deltas{}, notImplemented("get_inclusion_delay_deltas")
}

// GetInactivityPenaltyDeltas is get_inactivity_penalty_deltas (phase0;
// altair's version is getInactivityPenaltyDeltasAltair).
func (s *Spec) GetInactivityPenaltyDeltas(st *BeaconState) (Deltas, error) {
	return Deltas{}, notImplemented("get_inactivity_penalty_deltas")
}
