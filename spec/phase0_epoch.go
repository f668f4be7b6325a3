package spec

import (
	"cmp"
	"math/bits"
	"slices"

	"github.com/quetzal-eth/quetzal/ssz"
)

// Epoch processing of phase0 beacon-chain.md, with the dispatch to the
// versions of later forks.

// ProcessJustificationAndFinalization is
// process_justification_and_finalization (phase0: the target balances come
// from the pending attestations; altair's version is
// processJustificationAndFinalizationAltair).
func (s *Spec) ProcessJustificationAndFinalization(st *BeaconState) error {
	if s.StateFork(st) >= Altair {
		return s.processJustificationAndFinalizationAltair(st)
	}
	// The initial checkpoints have a zero root; skipping the first two
	// epochs keeps any of them from being justified or finalized.
	if s.GetCurrentEpoch(st) <= GenesisEpoch+1 {
		return nil
	}
	p := s.newPendingAttestationsPass(st)
	previousAttestations, err := p.getMatchingTargetAttestations(s.GetPreviousEpoch(st))
	if err != nil {
		return err
	}
	currentAttestations, err := p.getMatchingTargetAttestations(s.GetCurrentEpoch(st))
	if err != nil {
		return err
	}
	previousTargetBalance, err := p.getAttestingBalance(previousAttestations)
	if err != nil {
		return err
	}
	currentTargetBalance, err := p.getAttestingBalance(currentAttestations)
	if err != nil {
		return err
	}
	return s.weighJustificationAndFinalization(st, p.totalActiveBalance, previousTargetBalance, currentTargetBalance)
}

// weighJustificationAndFinalization is weigh_justification_and_finalization
// (phase0; altair calls it with balances from participation flags).
func (s *Spec) weighJustificationAndFinalization(st *BeaconState, totalActiveBalance, previousEpochTargetBalance, currentEpochTargetBalance Gwei) error {
	previousEpoch, currentEpoch := s.GetPreviousEpoch(st), s.GetCurrentEpoch(st)
	oldPreviousJustified, oldCurrentJustified := st.PreviousJustifiedCheckpoint, st.CurrentJustifiedCheckpoint

	// Bit i of the justification bits says whether the epoch i epochs
	// before the current one is justified; shifting ages them by one.
	var b byte
	if len(st.JustificationBits) > 0 {
		b = st.JustificationBits[0]
	}
	b = b << 1 & byte(1<<JustificationBitsLength-1)
	st.PreviousJustifiedCheckpoint = st.CurrentJustifiedCheckpoint
	if isSupermajority(previousEpochTargetBalance, totalActiveBalance) {
		root, err := s.GetBlockRoot(st, previousEpoch)
		if err != nil {
			return err
		}
		st.CurrentJustifiedCheckpoint = Checkpoint{Epoch: previousEpoch, Root: root}
		b |= 1 << 1
	}
	if isSupermajority(currentEpochTargetBalance, totalActiveBalance) {
		root, err := s.GetBlockRoot(st, currentEpoch)
		if err != nil {
			return err
		}
		st.CurrentJustifiedCheckpoint = Checkpoint{Epoch: currentEpoch, Root: root}
		b |= 1 << 0
	}
	st.JustificationBits = ssz.Bitvector{b}

	all := func(mask byte) bool { return b&mask == mask }
	// The 2nd/3rd/4th most recent epochs are justified, the 2nd using the
	// 4th as source.
	if all(0b1110) && oldPreviousJustified.Epoch+3 == currentEpoch {
		st.FinalizedCheckpoint = oldPreviousJustified
	}
	// The 2nd/3rd most recent epochs are justified, the 2nd using the 3rd
	// as source.
	if all(0b0110) && oldPreviousJustified.Epoch+2 == currentEpoch {
		st.FinalizedCheckpoint = oldPreviousJustified
	}
	// The 1st/2nd/3rd most recent epochs are justified, the 1st using the
	// 3rd as source.
	if all(0b0111) && oldCurrentJustified.Epoch+2 == currentEpoch {
		st.FinalizedCheckpoint = oldCurrentJustified
	}
	// The 1st/2nd most recent epochs are justified, the 1st using the 2nd
	// as source.
	if all(0b0011) && oldCurrentJustified.Epoch+1 == currentEpoch {
		st.FinalizedCheckpoint = oldCurrentJustified
	}
	return nil
}

// isSupermajority is balance * 3 >= total * 2, in 128 bits as the spec's
// unbounded integers have it.
func isSupermajority(balance, total Gwei) bool {
	hi1, lo1 := bits.Mul64(uint64(balance), 3)
	hi2, lo2 := bits.Mul64(uint64(total), 2)
	return hi1 > hi2 || (hi1 == hi2 && lo1 >= lo2)
}

// ProcessRewardsAndPenalties is process_rewards_and_penalties (phase0;
// altair's version is processRewardsAndPenaltiesAltair).
func (s *Spec) ProcessRewardsAndPenalties(st *BeaconState) error {
	if s.StateFork(st) >= Altair {
		return s.processRewardsAndPenaltiesAltair(st)
	}
	// Rewards are for the work of the previous epoch, and at the end of
	// the genesis epoch there is none.
	if s.GetCurrentEpoch(st) == GenesisEpoch {
		return nil
	}
	if err := checkBalances(st); err != nil {
		return err
	}
	deltas, err := s.newPendingAttestationsPass(st).getAttestationDeltas()
	if err != nil {
		return err
	}
	for i := range st.Validators {
		IncreaseBalance(st, ValidatorIndex(i), deltas.Rewards[i])
		DecreaseBalance(st, ValidatorIndex(i), deltas.Penalties[i])
	}
	return nil
}

// checkBalances returns an error unless st has one balance per validator,
// which the loops over the registry assume.
func checkBalances(st *BeaconState) error {
	if len(st.Balances) != len(st.Validators) {
		return invalidf("%d balances for %d validators", len(st.Balances), len(st.Validators))
	}
	return nil
}

// ProcessRegistryUpdates is process_registry_updates (deneb limits the
// activations with get_validator_activation_churn_limit, EIP-7514;
// electra's version is processRegistryUpdatesElectra).
func (s *Spec) ProcessRegistryUpdates(st *BeaconState) error {
	st.roots.validators.touchAll()
	fork := s.StateFork(st)
	if fork >= Electra {
		return s.processRegistryUpdatesElectra(st)
	}
	currentEpoch := s.GetCurrentEpoch(st)
	for i := range st.Validators {
		v := &st.Validators[i]
		if s.IsEligibleForActivationQueue(fork, v) {
			v.ActivationEligibilityEpoch = currentEpoch + 1
		}
		if IsActiveValidator(v, currentEpoch) && v.EffectiveBalance <= s.EjectionBalance {
			if err := s.InitiateValidatorExit(st, ValidatorIndex(i)); err != nil {
				return err
			}
		}
	}

	// Queue the validators eligible for activation and not yet dequeued,
	// in the order their eligibility was set, then by index.
	var queue []ValidatorIndex
	for i := range st.Validators {
		if IsEligibleForActivation(st, &st.Validators[i]) {
			queue = append(queue, ValidatorIndex(i))
		}
	}
	slices.SortFunc(queue, func(a, b ValidatorIndex) int {
		return cmp.Or(
			cmp.Compare(st.Validators[a].ActivationEligibilityEpoch, st.Validators[b].ActivationEligibilityEpoch),
			cmp.Compare(a, b))
	})
	churn := s.GetValidatorChurnLimit(st)
	if fork >= Deneb {
		churn = s.GetValidatorActivationChurnLimit(st)
	}
	for _, index := range queue[:min(churn, uint64(len(queue)))] {
		st.Validators[index].ActivationEpoch = s.ComputeActivationExitEpoch(currentEpoch)
	}
	return nil
}

// ProcessSlashings is process_slashings (altair and bellatrix raised the
// multiplier; electra's version is processSlashingsElectra).
func (s *Spec) ProcessSlashings(st *BeaconState) error {
	fork := s.StateFork(st)
	if fork >= Electra {
		return s.processSlashingsElectra(st)
	}
	if err := checkBalances(st); err != nil {
		return err
	}
	multiplier := s.ProportionalSlashingMultiplier
	switch {
	case fork >= Bellatrix:
		multiplier = s.ProportionalSlashingMultiplierBellatrix
	case fork >= Altair:
		multiplier = s.ProportionalSlashingMultiplierAltair
	}
	epoch := s.GetCurrentEpoch(st)
	totalBalance := s.GetTotalActiveBalance(st)
	adjustedTotalSlashingBalance := min(sumSlashings(st, multiplier), totalBalance)
	increment := s.EffectiveBalanceIncrement
	for i := range st.Validators {
		v := &st.Validators[i]
		if v.Slashed && epoch+s.EpochsPerSlashingsVector/2 == v.WithdrawableEpoch {
			// The increment is factored out of the effective balance so
			// that the product fits, as in the spec.
			penalty := Gwei(mulDiv(uint64(v.EffectiveBalance/increment), uint64(adjustedTotalSlashingBalance), uint64(totalBalance))) * increment
			DecreaseBalance(st, ValidatorIndex(i), penalty)
		}
	}
	return nil
}

// sumSlashings is sum(state.slashings) * multiplier, saturated at the
// largest Gwei: the result is only compared with the total active
// balance, which is smaller.
func sumSlashings(st *BeaconState, multiplier uint64) Gwei {
	var sum uint64
	for _, x := range st.Slashings {
		next, carry := bits.Add64(sum, uint64(x), 0)
		if carry != 0 {
			return Gwei(Uint64Max)
		}
		sum = next
	}
	hi, lo := bits.Mul64(sum, multiplier)
	if hi != 0 {
		return Gwei(Uint64Max)
	}
	return Gwei(lo)
}

// ProcessEth1DataReset is process_eth1_data_reset.
func (s *Spec) ProcessEth1DataReset(st *BeaconState) error {
	nextEpoch := s.GetCurrentEpoch(st) + 1
	if nextEpoch%s.EpochsPerEth1VotingPeriod == 0 {
		st.Eth1DataVotes = nil
	}
	return nil
}

// ProcessEffectiveBalanceUpdates is process_effective_balance_updates
// (electra caps each validator at get_max_effective_balance, EIP-7251).
func (s *Spec) ProcessEffectiveBalanceUpdates(st *BeaconState) error {
	if err := checkBalances(st); err != nil {
		return err
	}
	st.roots.validators.touchAll()
	fork := s.StateFork(st)
	increment := s.EffectiveBalanceIncrement
	hysteresisIncrement := increment / Gwei(s.HysteresisQuotient)
	downwardThreshold := hysteresisIncrement * Gwei(s.HysteresisDownwardMultiplier)
	upwardThreshold := hysteresisIncrement * Gwei(s.HysteresisUpwardMultiplier)
	for i := range st.Validators {
		v := &st.Validators[i]
		balance := st.Balances[i]
		maxEffectiveBalance := s.MaxEffectiveBalance
		if fork >= Electra {
			maxEffectiveBalance = s.GetMaxEffectiveBalance(v)
		}
		// balance + DOWNWARD_THRESHOLD < effective_balance or
		// effective_balance + UPWARD_THRESHOLD < balance, without sums
		// that could overflow.
		if (v.EffectiveBalance > balance && v.EffectiveBalance-balance > downwardThreshold) ||
			(balance > v.EffectiveBalance && balance-v.EffectiveBalance > upwardThreshold) {
			v.EffectiveBalance = min(balance-balance%increment, maxEffectiveBalance)
		}
	}
	return nil
}

// ProcessSlashingsReset is process_slashings_reset.
func (s *Spec) ProcessSlashingsReset(st *BeaconState) error {
	nextEpoch := s.GetCurrentEpoch(st) + 1
	st.Slashings[uint64(nextEpoch)%uint64(s.EpochsPerSlashingsVector)] = 0
	return nil
}

// ProcessRandaoMixesReset is process_randao_mixes_reset: the next epoch's
// mix starts from the current one.
func (s *Spec) ProcessRandaoMixesReset(st *BeaconState) error {
	currentEpoch := s.GetCurrentEpoch(st)
	nextEpoch := currentEpoch + 1
	st.touchRandaoMix(uint64(nextEpoch) % uint64(s.EpochsPerHistoricalVector))
	st.RandaoMixes[uint64(nextEpoch)%uint64(s.EpochsPerHistoricalVector)] = s.GetRandaoMix(st, currentEpoch)
	return nil
}

// ProcessHistoricalRootsUpdate is process_historical_roots_update (phase0
// to bellatrix; capella replaces it with
// process_historical_summaries_update).
func (s *Spec) ProcessHistoricalRootsUpdate(st *BeaconState) error {
	nextEpoch := s.GetCurrentEpoch(st) + 1
	if uint64(nextEpoch)%(uint64(s.SlotsPerHistoricalRoot)/uint64(s.SlotsPerEpoch)) != 0 {
		return nil
	}
	if uint64(len(st.HistoricalRoots)) >= s.HistoricalRootsLimit {
		return invalidf("historical roots full (%d)", len(st.HistoricalRoots))
	}
	batch := &HistoricalBatch{BlockRoots: st.BlockRoots, StateRoots: st.StateRoots}
	root, err := HashTreeRoot(s.Schema(s.StateFork(st)), batch)
	if err != nil {
		return err
	}
	st.HistoricalRoots = append(st.HistoricalRoots, root)
	return nil
}

// ProcessParticipationRecordUpdates is process_participation_record_updates:
// the current epoch's pending attestations become the previous epoch's.
func (s *Spec) ProcessParticipationRecordUpdates(st *BeaconState) error {
	st.PreviousEpochAttestations = st.CurrentEpochAttestations
	st.CurrentEpochAttestations = nil
	return nil
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

// newDeltas returns zero deltas for every validator of st.
func newDeltas(st *BeaconState) Deltas {
	return Deltas{Rewards: make([]Gwei, len(st.Validators)), Penalties: make([]Gwei, len(st.Validators))}
}

// GetSourceDeltas is get_source_deltas (phase0).
func (s *Spec) GetSourceDeltas(st *BeaconState) (Deltas, error) {
	return s.newPendingAttestationsPass(st).getSourceDeltas()
}

// GetTargetDeltas is get_target_deltas (phase0).
func (s *Spec) GetTargetDeltas(st *BeaconState) (Deltas, error) {
	return s.newPendingAttestationsPass(st).getTargetDeltas()
}

// GetHeadDeltas is get_head_deltas (phase0).
func (s *Spec) GetHeadDeltas(st *BeaconState) (Deltas, error) {
	return s.newPendingAttestationsPass(st).getHeadDeltas()
}

// GetInclusionDelayDeltas is get_inclusion_delay_deltas (phase0).
func (s *Spec) GetInclusionDelayDeltas(st *BeaconState) (Deltas, error) {
	return s.newPendingAttestationsPass(st).getInclusionDelayDeltas()
}

// GetInactivityPenaltyDeltas is get_inactivity_penalty_deltas (phase0;
// altair's version is getInactivityPenaltyDeltasAltair).
func (s *Spec) GetInactivityPenaltyDeltas(st *BeaconState) (Deltas, error) {
	if s.StateFork(st) >= Altair {
		return s.getInactivityPenaltyDeltasAltair(st)
	}
	return s.newPendingAttestationsPass(st).getInactivityPenaltyDeltas()
}

// GetFinalityDelay is get_finality_delay. A finalized epoch after the
// previous epoch, which no chain reaches, counts as no delay.
func (s *Spec) GetFinalityDelay(st *BeaconState) Epoch {
	return saturatingSub(s.GetPreviousEpoch(st), st.FinalizedCheckpoint.Epoch)
}

// IsInInactivityLeak is is_in_inactivity_leak.
func (s *Spec) IsInInactivityLeak(st *BeaconState) bool {
	return s.GetFinalityDelay(st) > s.MinEpochsToInactivityPenalty
}

// GetEligibleValidatorIndices is get_eligible_validator_indices: the
// validators active in the previous epoch, and the slashed ones not yet
// withdrawable, who are rewarded and penalized for it.
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
