package spec

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/quetzal-eth/quetzal/spec/bls"
)

// What altair beacon-chain.md and fork.md add or change (and deneb's
// change to attestation inclusion, EIP-7045).

// participationFlagWeights is PARTICIPATION_FLAG_WEIGHTS, indexed by
// participation flag index.
func participationFlagWeights() [3]uint64 {
	return [3]uint64{TimelySourceWeight, TimelyTargetWeight, TimelyHeadWeight}
}

// checkAltairLists returns an error unless the per-validator lists of an
// altair state are as long as the registry; the functions below index them
// by validator index.
func checkAltairLists(st *BeaconState) error {
	n := len(st.Validators)
	if len(st.Balances) != n || len(st.PreviousEpochParticipation) != n ||
		len(st.CurrentEpochParticipation) != n || len(st.InactivityScores) != n {
		return invalidf("state lists do not match %d validators: %d balances, %d previous and %d current participation flags, %d inactivity scores",
			n, len(st.Balances), len(st.PreviousEpochParticipation), len(st.CurrentEpochParticipation), len(st.InactivityScores))
	}
	return nil
}

// GetBaseRewardPerIncrement is get_base_reward_per_increment (altair).
func (s *Spec) GetBaseRewardPerIncrement(st *BeaconState) Gwei {
	return s.baseRewardPerIncrement(s.GetTotalActiveBalance(st))
}

// baseRewardPerIncrement is get_base_reward_per_increment given the total
// active balance, so that a loop over validators computes it once.
func (s *Spec) baseRewardPerIncrement(totalActiveBalance Gwei) Gwei {
	return s.EffectiveBalanceIncrement * Gwei(s.BaseRewardFactor) / Gwei(IntegerSquareroot(uint64(totalActiveBalance)))
}

// GetBaseReward is get_base_reward (altair version: effective balance
// increments times the base reward per increment). index must be in the
// registry.
func (s *Spec) GetBaseReward(st *BeaconState, index ValidatorIndex) Gwei {
	return s.baseReward(st, index, s.GetBaseRewardPerIncrement(st))
}

// baseReward is get_base_reward given the base reward per increment.
func (s *Spec) baseReward(st *BeaconState, index ValidatorIndex, perIncrement Gwei) Gwei {
	return st.Validators[index].EffectiveBalance / s.EffectiveBalanceIncrement * perIncrement
}

// epochParticipation returns the participation flags of epoch, which must
// be the state's current or previous epoch.
func (s *Spec) epochParticipation(st *BeaconState, epoch Epoch) ([]ParticipationFlags, error) {
	switch epoch {
	case s.GetCurrentEpoch(st):
		return st.CurrentEpochParticipation, nil
	case s.GetPreviousEpoch(st):
		return st.PreviousEpochParticipation, nil
	}
	return nil, invalidf("epoch %d is neither the previous nor the current epoch of a state at slot %d", epoch, st.Slot)
}

// GetUnslashedParticipatingIndices is get_unslashed_participating_indices.
// The spec returns a set; this returns its members in increasing order.
func (s *Spec) GetUnslashedParticipatingIndices(st *BeaconState, flagIndex int, epoch Epoch) ([]ValidatorIndex, error) {
	participation, err := s.epochParticipation(st, epoch)
	if err != nil {
		return nil, err
	}
	if len(participation) != len(st.Validators) {
		return nil, invalidf("%d participation flags for %d validators", len(participation), len(st.Validators))
	}
	var out []ValidatorIndex
	for _, index := range s.GetActiveValidatorIndices(st, epoch) {
		if HasFlag(participation[index], flagIndex) && !st.Validators[index].Slashed {
			out = append(out, index)
		}
	}
	return out, nil
}

// unslashedParticipatingSet is get_unslashed_participating_indices as a
// membership table indexed by validator index, with the total effective
// balance of its members (get_total_balance).
func (s *Spec) unslashedParticipatingSet(st *BeaconState, flagIndex int, epoch Epoch) ([]bool, Gwei, error) {
	indices, err := s.GetUnslashedParticipatingIndices(st, flagIndex, epoch)
	if err != nil {
		return nil, 0, err
	}
	set := make([]bool, len(st.Validators))
	for _, index := range indices {
		set[index] = true
	}
	return set, s.GetTotalBalance(st, indices), nil
}

// GetAttestationParticipationFlagIndices is
// get_attestation_participation_flag_indices (last modified in deneb,
// EIP-7045: the target flag no longer requires inclusion within
// SLOTS_PER_EPOCH slots, since attestations of the previous epoch may now
// be included until the end of the current one).
func (s *Spec) GetAttestationParticipationFlagIndices(st *BeaconState, data *AttestationData, inclusionDelay Slot) ([]int, error) {
	justified := st.PreviousJustifiedCheckpoint
	if data.Target.Epoch == s.GetCurrentEpoch(st) {
		justified = st.CurrentJustifiedCheckpoint
	}
	isMatchingSource := data.Source == justified

	targetRoot, err := s.GetBlockRoot(st, data.Target.Epoch)
	if err != nil {
		return nil, err
	}
	isMatchingTarget := isMatchingSource && data.Target.Root == targetRoot

	headRoot, err := s.GetBlockRootAtSlot(st, data.Slot)
	if err != nil {
		return nil, err
	}
	isMatchingHead := isMatchingTarget && data.BeaconBlockRoot == headRoot

	if !isMatchingSource {
		return nil, invalidf("attestation source %+v does not match the justified checkpoint %+v", data.Source, justified)
	}

	var flags []int
	if inclusionDelay <= Slot(IntegerSquareroot(uint64(s.SlotsPerEpoch))) {
		flags = append(flags, TimelySourceFlagIndex)
	}
	if isMatchingTarget && (s.StateFork(st) >= Deneb || inclusionDelay <= s.SlotsPerEpoch) {
		flags = append(flags, TimelyTargetFlagIndex)
	}
	if isMatchingHead && inclusionDelay == s.MinAttestationInclusionDelay {
		flags = append(flags, TimelyHeadFlagIndex)
	}
	return flags, nil
}

// GetFlagIndexDeltas is get_flag_index_deltas.
func (s *Spec) GetFlagIndexDeltas(st *BeaconState, flagIndex int) (Deltas, error) {
	weights := participationFlagWeights()
	if flagIndex < 0 || flagIndex >= len(weights) {
		return Deltas{}, fmt.Errorf("participation flag index %d out of range", flagIndex)
	}
	n := len(st.Validators)
	deltas := Deltas{Rewards: make([]Gwei, n), Penalties: make([]Gwei, n)}
	participating, participatingBalance, err := s.unslashedParticipatingSet(st, flagIndex, s.GetPreviousEpoch(st))
	if err != nil {
		return Deltas{}, err
	}
	weight := weights[flagIndex]
	participatingIncrements := uint64(participatingBalance / s.EffectiveBalanceIncrement)
	totalActiveBalance := s.GetTotalActiveBalance(st)
	activeIncrements := uint64(totalActiveBalance / s.EffectiveBalanceIncrement)
	perIncrement := s.baseRewardPerIncrement(totalActiveBalance)
	inLeak := s.IsInInactivityLeak(st)
	for _, index := range s.GetEligibleValidatorIndices(st) {
		baseReward := uint64(s.baseReward(st, index, perIncrement))
		if participating[index] {
			if !inLeak {
				deltas.Rewards[index] += Gwei(mulDiv(baseReward*weight, participatingIncrements, activeIncrements*WeightDenominator))
			}
		} else if flagIndex != TimelyHeadFlagIndex {
			deltas.Penalties[index] += Gwei(baseReward * weight / WeightDenominator)
		}
	}
	return deltas, nil
}

// getInactivityPenaltyDeltasAltair is get_inactivity_penalty_deltas of
// altair, where the penalty grows with the inactivity score (bellatrix
// lowers the quotient to INACTIVITY_PENALTY_QUOTIENT_BELLATRIX).
func (s *Spec) getInactivityPenaltyDeltasAltair(st *BeaconState) (Deltas, error) {
	if err := checkAltairLists(st); err != nil {
		return Deltas{}, err
	}
	n := len(st.Validators)
	deltas := Deltas{Rewards: make([]Gwei, n), Penalties: make([]Gwei, n)}
	matchingTarget, _, err := s.unslashedParticipatingSet(st, TimelyTargetFlagIndex, s.GetPreviousEpoch(st))
	if err != nil {
		return Deltas{}, err
	}
	quotient := s.InactivityPenaltyQuotientAltair
	if s.StateFork(st) >= Bellatrix {
		quotient = s.InactivityPenaltyQuotientBellatrix
	}
	denominator := s.InactivityScoreBias * quotient
	for _, index := range s.GetEligibleValidatorIndices(st) {
		if !matchingTarget[index] {
			// Effective balance times score can exceed 64 bits after a
			// long leak; the spec computes it unbounded.
			penalty := mulDiv(uint64(st.Validators[index].EffectiveBalance), st.InactivityScores[index], denominator)
			deltas.Penalties[index] += Gwei(penalty)
		}
	}
	return deltas, nil
}

// GetNextSyncCommitteeIndices is get_next_sync_committee_indices (last
// modified in electra, EIP-7251: candidates are sampled against
// MAX_EFFECTIVE_BALANCE_ELECTRA with a 16-bit random value, so that the
// finer sampling keeps the odds proportional to balances up to 2048 ETH).
// The indices may repeat.
func (s *Spec) GetNextSyncCommitteeIndices(st *BeaconState) ([]ValidatorIndex, error) {
	epoch := s.GetCurrentEpoch(st) + 1
	active := s.GetActiveValidatorIndices(st, epoch)
	count := uint64(len(active))
	if count == 0 {
		return nil, invalidf("no active validators at epoch %d to sample a sync committee from", epoch)
	}
	seed := s.GetSeed(st, epoch, DomainSyncCommittee)
	electra := s.StateFork(st) >= Electra

	indices := make([]ValidatorIndex, 0, s.SyncCommitteeSize)
	var random Root
	for i := uint64(0); uint64(len(indices)) < s.SyncCommitteeSize; i++ {
		shuffled, err := s.ComputeShuffledIndex(i%count, count, seed)
		if err != nil {
			return nil, err
		}
		candidate := active[shuffled]
		effectiveBalance := uint64(st.Validators[candidate].EffectiveBalance)
		var selected bool
		if electra {
			const maxRandomValue = 1<<16 - 1
			if i%16 == 0 {
				random = hash(seed[:], uintToBytes8(i/16))
			}
			offset := i % 16 * 2
			randomValue := uint64(binary.LittleEndian.Uint16(random[offset : offset+2]))
			selected = effectiveBalance*maxRandomValue >= uint64(s.MaxEffectiveBalanceElectra)*randomValue
		} else {
			const maxRandomByte = 1<<8 - 1
			if i%32 == 0 {
				random = hash(seed[:], uintToBytes8(i/32))
			}
			randomByte := uint64(random[i%32])
			selected = effectiveBalance*maxRandomByte >= uint64(s.MaxEffectiveBalance)*randomByte
		}
		if selected {
			indices = append(indices, candidate)
		}
	}
	return indices, nil
}

// GetNextSyncCommittee is get_next_sync_committee: the pubkeys of the next
// committee's members (possibly repeated) and their aggregate.
func (s *Spec) GetNextSyncCommittee(st *BeaconState) (SyncCommittee, error) {
	indices, err := s.GetNextSyncCommitteeIndices(st)
	if err != nil {
		return SyncCommittee{}, err
	}
	pubkeys := make([]BLSPubkey, len(indices))
	keys := make([]bls.Pubkey, len(indices))
	for i, index := range indices {
		pubkeys[i] = st.Validators[index].Pubkey
		keys[i] = bls.Pubkey(pubkeys[i])
	}
	aggregate, err := bls.EthAggregatePubkeys(keys)
	if err != nil {
		return SyncCommittee{}, fmt.Errorf("%w: sync committee pubkeys: %w", ErrInvalid, err)
	}
	return SyncCommittee{Pubkeys: pubkeys, AggregatePubkey: BLSPubkey(aggregate)}, nil
}

// processAttestationAltair is process_attestation of altair: the
// attestation sets participation flags instead of being kept as a pending
// attestation, and the proposer is rewarded for each newly set flag. Deneb
// (EIP-7045) drops the upper bound of the inclusion window: an attestation
// may be included until the end of the epoch after its target epoch.
func (t *Transition) processAttestationAltair(st *BeaconState, a *Attestation) error {
	if err := checkAltairLists(st); err != nil {
		return err
	}
	data := &a.Data
	currentEpoch := t.GetCurrentEpoch(st)
	if data.Target.Epoch != t.GetPreviousEpoch(st) && data.Target.Epoch != currentEpoch {
		return invalidf("attestation target epoch %d is neither the previous nor the current epoch %d", data.Target.Epoch, currentEpoch)
	}
	if slotEpoch := t.ComputeEpochAtSlot(data.Slot); data.Target.Epoch != slotEpoch {
		return invalidf("attestation target epoch %d, slot %d is in epoch %d", data.Target.Epoch, data.Slot, slotEpoch)
	}
	// The target epoch checks bound data.Slot, so these sums do not wrap.
	if data.Slot+t.MinAttestationInclusionDelay > st.Slot {
		return invalidf("attestation of slot %d included at slot %d, before the minimum inclusion delay", data.Slot, st.Slot)
	}
	if t.StateFork(st) < Deneb && st.Slot > data.Slot+t.SlotsPerEpoch {
		return invalidf("attestation of slot %d included at slot %d, more than an epoch later", data.Slot, st.Slot)
	}
	if count := t.GetCommitteeCountPerSlot(st, data.Target.Epoch); uint64(data.Index) >= count {
		return invalidf("attestation committee index %d, slot has %d committees", data.Index, count)
	}
	committee, err := t.GetBeaconCommittee(st, data.Slot, data.Index)
	if err != nil {
		return err
	}
	if a.AggregationBits.Len() != len(committee) {
		return invalidf("aggregation bits length %d, committee size %d", a.AggregationBits.Len(), len(committee))
	}

	flagIndices, err := t.GetAttestationParticipationFlagIndices(st, data, st.Slot-data.Slot)
	if err != nil {
		return err
	}

	indexed, err := t.GetIndexedAttestation(st, a)
	if err != nil {
		return err
	}
	if err := t.IsValidIndexedAttestation(st, indexed); err != nil {
		return err
	}

	participation := st.PreviousEpochParticipation
	if data.Target.Epoch == currentEpoch {
		participation = st.CurrentEpochParticipation
	}
	return t.rewardAttestationParticipation(st, participation, indexed.AttestingIndices, flagIndices)
}

// rewardAttestationParticipation is the end of process_attestation (altair,
// unchanged through electra): set the attestation's flags on its attesters
// (in participation, the state's list of the target epoch) and reward the
// proposer for each flag that was not set yet.
func (s *Spec) rewardAttestationParticipation(st *BeaconState, participation []ParticipationFlags, attesters []ValidatorIndex, flagIndices []int) error {
	r := s.newParticipationReward(st, participation, flagIndices)
	var numerator uint64
	for _, index := range attesters {
		n, err := r.add(index)
		if err != nil {
			return err
		}
		numerator += n
	}
	return r.pay(numerator)
}

// participationReward sets one attestation's participation flags, attester
// by attester, and sums the proposer's reward for them. The base reward
// per increment is computed once, not once per attester and flag, and an
// attester's reward is its base reward times the weights of the flags it
// gains, one multiplication. Attesters of disjoint sets may be added from
// several goroutines: each writes only its own flags.
type participationReward struct {
	s             *Spec
	st            *BeaconState
	participation []ParticipationFlags
	increments    []uint16
	perIncrement  Gwei
	// mask holds the flags to set, and gainWeight, for each set of flags
	// an attester may lack, the sum of their weights.
	mask       ParticipationFlags
	gainWeight [8]uint64
}

func (s *Spec) newParticipationReward(st *BeaconState, participation []ParticipationFlags, flagIndices []int) *participationReward {
	r := &participationReward{s: s, st: st, participation: participation,
		increments: s.cachedIncrements(st), perIncrement: s.GetBaseRewardPerIncrement(st)}
	for flagIndex := range participationFlagWeights() {
		if slices.Contains(flagIndices, flagIndex) {
			r.mask = AddFlag(r.mask, flagIndex)
		}
	}
	for gained := range r.gainWeight {
		for flagIndex, weight := range participationFlagWeights() {
			if HasFlag(ParticipationFlags(gained), flagIndex) {
				r.gainWeight[gained] += weight
			}
		}
	}
	return r
}

// add sets the flags of attester index and returns the numerator of the
// proposer's reward for them.
func (r *participationReward) add(index ValidatorIndex) (uint64, error) {
	if uint64(index) >= uint64(len(r.participation)) || uint64(index) >= uint64(len(r.st.Validators)) {
		return 0, invalidf("attesting index %d out of range (%d participation flags)", index, len(r.participation))
	}
	gained := r.mask &^ r.participation[index]
	if gained == 0 {
		return 0, nil
	}
	r.participation[index] |= gained
	var baseReward Gwei
	if uint64(index) < uint64(len(r.increments)) && r.increments[index] != noIncrements {
		baseReward = Gwei(r.increments[index]) * r.perIncrement
	} else {
		baseReward = r.s.baseReward(r.st, index, r.perIncrement)
	}
	return uint64(baseReward) * r.gainWeight[gained&7], nil
}

// pay increases the proposer's balance by the reward of numerator.
func (r *participationReward) pay(numerator uint64) error {
	proposerRewardDenominator := (WeightDenominator - ProposerWeight) * WeightDenominator / ProposerWeight
	proposer, err := r.s.GetBeaconProposerIndex(r.st)
	if err != nil {
		return err
	}
	IncreaseBalance(r.st, proposer, Gwei(numerator/proposerRewardDenominator))
	return nil
}

// processJustificationAndFinalizationAltair is altair's
// process_justification_and_finalization: the target balances come from
// the timely-target participation flags.
func (s *Spec) processJustificationAndFinalizationAltair(st *BeaconState) error {
	// The checkpoints of the first two epochs keep their zero roots.
	if s.GetCurrentEpoch(st) <= GenesisEpoch+1 {
		return nil
	}
	previousIndices, err := s.GetUnslashedParticipatingIndices(st, TimelyTargetFlagIndex, s.GetPreviousEpoch(st))
	if err != nil {
		return err
	}
	currentIndices, err := s.GetUnslashedParticipatingIndices(st, TimelyTargetFlagIndex, s.GetCurrentEpoch(st))
	if err != nil {
		return err
	}
	return s.weighJustificationAndFinalization(st, s.GetTotalActiveBalance(st),
		s.GetTotalBalance(st, previousIndices), s.GetTotalBalance(st, currentIndices))
}

// processRewardsAndPenaltiesAltair is altair's
// process_rewards_and_penalties: the deltas of each participation flag,
// then the inactivity penalties.
func (s *Spec) processRewardsAndPenaltiesAltair(st *BeaconState) error {
	// Rewards are for the previous epoch's work; the genesis epoch has none.
	if s.GetCurrentEpoch(st) == GenesisEpoch {
		return nil
	}
	if err := checkAltairLists(st); err != nil {
		return err
	}
	var all []Deltas
	for flagIndex := range participationFlagWeights() {
		d, err := s.GetFlagIndexDeltas(st, flagIndex)
		if err != nil {
			return err
		}
		all = append(all, d)
	}
	d, err := s.getInactivityPenaltyDeltasAltair(st)
	if err != nil {
		return err
	}
	all = append(all, d)
	// Each component is applied in turn because a decrease stops at zero.
	for _, d := range all {
		for index := range st.Validators {
			IncreaseBalance(st, ValidatorIndex(index), d.Rewards[index])
			DecreaseBalance(st, ValidatorIndex(index), d.Penalties[index])
		}
	}
	return nil
}

// ProcessSyncAggregate is process_sync_aggregate: check the current sync
// committee's signature over the previous slot's block root, then reward
// the participants and the proposer and penalise the absent members.
func (t *Transition) ProcessSyncAggregate(st *BeaconState, agg *SyncAggregate) error {
	size := int(t.SyncCommitteeSize)
	committee := st.CurrentSyncCommittee.Pubkeys
	if len(committee) != size {
		return invalidf("current sync committee has %d pubkeys, want %d", len(committee), size)
	}
	if len(agg.SyncCommitteeBits) != (size+7)/8 {
		return invalidf("sync committee bits of %d bytes, want %d", len(agg.SyncCommitteeBits), (size+7)/8)
	}
	// The committee's validators are found before the signature is
	// checked, to check it with their decompressed pubkeys (a pubkey of no
	// validator makes the block invalid either way). The spec passes the
	// participants' pubkeys; the validator found for a pubkey has that
	// pubkey.
	members, err := syncCommitteeIndices(st, committee)
	if err != nil {
		return err
	}
	var participants []ValidatorIndex
	for i, index := range members {
		if agg.SyncCommitteeBits.Get(i) {
			participants = append(participants, index)
		}
	}
	previousSlot := saturatingSub(st.Slot, 1)
	domain := t.GetDomain(st, DomainSyncCommittee, t.ComputeEpochAtSlot(previousSlot))
	blockRoot, err := t.GetBlockRootAtSlot(st, previousSlot)
	if err != nil {
		return err
	}
	if err := t.verifySyncAggregate(st, participants, ComputeSigningRoot(blockRoot, domain), agg.SyncCommitteeSignature); err != nil {
		return err
	}

	totalActiveBalance := t.GetTotalActiveBalance(st)
	totalActiveIncrements := totalActiveBalance / t.EffectiveBalanceIncrement
	totalBaseRewards := t.baseRewardPerIncrement(totalActiveBalance) * totalActiveIncrements
	maxParticipantRewards := totalBaseRewards * Gwei(SyncRewardWeight) / Gwei(WeightDenominator) / Gwei(t.SlotsPerEpoch)
	participantReward := maxParticipantRewards / Gwei(t.SyncCommitteeSize)
	proposerReward := participantReward * Gwei(ProposerWeight) / Gwei(WeightDenominator-ProposerWeight)

	proposer, err := t.GetBeaconProposerIndex(st)
	if err != nil {
		return err
	}
	for i, index := range members {
		if agg.SyncCommitteeBits.Get(i) {
			IncreaseBalance(st, index, participantReward)
			IncreaseBalance(st, proposer, proposerReward)
		} else {
			DecreaseBalance(st, index, participantReward)
		}
	}
	return nil
}

// syncCommitteeIndices returns the validator index of each committee
// pubkey: the first validator with that pubkey, as the spec's
// all_pubkeys.index(pubkey). With the state's caches it takes them from the
// cached sync committee, or looks each pubkey up in the pubkey index;
// without, it scans the registry once. Callers must not change the result.
func syncCommitteeIndices(st *BeaconState, committee []BLSPubkey) ([]ValidatorIndex, error) {
	if uint64(len(st.Balances)) < uint64(len(st.Validators)) {
		return nil, invalidf("%d balances for %d validators", len(st.Balances), len(st.Validators))
	}
	if st.caches != nil {
		// A validator's index never changes, nor does the first validator
		// with a pubkey: the registry only grows, by new pubkeys.
		if c := st.caches.syncCommittee; c != nil && slices.Equal(c.pubkeys, committee) {
			return c.indices, nil
		}
	}
	if pubkeysOf(st) != nil {
		out := make([]ValidatorIndex, len(committee))
		for i := range committee {
			index, ok := (*Spec)(nil).ValidatorIndexByPubkey(st, committee[i])
			if !ok {
				return nil, invalidf("sync committee member %d has pubkey %x of no validator", i, committee[i][:8])
			}
			out[i] = index
		}
		return out, nil
	}
	found := make(map[BLSPubkey]ValidatorIndex, len(committee))
	for _, pubkey := range committee {
		found[pubkey] = ValidatorIndex(len(st.Validators)) // not found yet
	}
	missing := len(found)
	for i := range st.Validators {
		if missing == 0 {
			break
		}
		pubkey := st.Validators[i].Pubkey
		if index, ok := found[pubkey]; ok && uint64(index) == uint64(len(st.Validators)) {
			found[pubkey] = ValidatorIndex(i)
			missing--
		}
	}
	out := make([]ValidatorIndex, len(committee))
	for i, pubkey := range committee {
		out[i] = found[pubkey]
		if uint64(out[i]) == uint64(len(st.Validators)) {
			return nil, invalidf("sync committee member %d has pubkey %x of no validator", i, pubkey[:8])
		}
	}
	return out, nil
}

// ProcessInactivityUpdates is process_inactivity_updates (new in altair):
// the inactivity score of a validator that missed the previous epoch's
// target grows, and every score decays while the chain finalizes.
func (s *Spec) ProcessInactivityUpdates(st *BeaconState) error {
	// Scores follow the previous epoch's participation, which genesis lacks.
	if s.GetCurrentEpoch(st) == GenesisEpoch {
		return nil
	}
	if err := checkAltairLists(st); err != nil {
		return err
	}
	matchingTarget, _, err := s.unslashedParticipatingSet(st, TimelyTargetFlagIndex, s.GetPreviousEpoch(st))
	if err != nil {
		return err
	}
	inLeak := s.IsInInactivityLeak(st)
	st.roots.inactivityScores.touchAll()
	scores := st.InactivityScores
	for _, index := range s.GetEligibleValidatorIndices(st) {
		if matchingTarget[index] {
			scores[index] = saturatingSub(scores[index], 1)
		} else {
			if scores[index] > Uint64Max-s.InactivityScoreBias {
				return invalidf("inactivity score of validator %d overflows", index)
			}
			scores[index] += s.InactivityScoreBias
		}
		if !inLeak {
			scores[index] = saturatingSub(scores[index], s.InactivityScoreRecoveryRate)
		}
	}
	return nil
}

// ProcessParticipationFlagUpdates is process_participation_flag_updates
// (new in altair): the current epoch's flags become the previous epoch's.
func (s *Spec) ProcessParticipationFlagUpdates(st *BeaconState) error {
	st.PreviousEpochParticipation = st.CurrentEpochParticipation
	st.CurrentEpochParticipation = make([]ParticipationFlags, len(st.Validators))
	return nil
}

// ProcessSyncCommitteeUpdates is process_sync_committee_updates (new in
// altair): at the end of a sync committee period the next committee takes
// over and a new next committee is drawn.
func (s *Spec) ProcessSyncCommitteeUpdates(st *BeaconState) error {
	nextEpoch := s.GetCurrentEpoch(st) + 1
	if nextEpoch%s.EpochsPerSyncCommitteePeriod != 0 {
		return nil
	}
	next, err := s.GetNextSyncCommittee(st)
	if err != nil {
		return err
	}
	st.CurrentSyncCommittee = st.NextSyncCommittee
	st.NextSyncCommittee = next
	return nil
}

// translateParticipation is translate_participation (altair fork.md): the
// flags that the phase0 pending attestations of the previous epoch would
// have set.
func (s *Spec) translateParticipation(st *BeaconState, pending []PendingAttestation) error {
	participation := st.PreviousEpochParticipation
	for i := range pending {
		a := &pending[i]
		flagIndices, err := s.GetAttestationParticipationFlagIndices(st, &a.Data, a.InclusionDelay)
		if err != nil {
			return fmt.Errorf("pending attestation %d: %w", i, err)
		}
		committee, err := s.GetBeaconCommittee(st, a.Data.Slot, a.Data.Index)
		if err != nil {
			return fmt.Errorf("pending attestation %d: %w", i, err)
		}
		if a.AggregationBits.Len() != len(committee) {
			return invalidf("pending attestation %d: aggregation bits length %d, committee size %d", i, a.AggregationBits.Len(), len(committee))
		}
		for j, index := range committee {
			if !a.AggregationBits.Get(j) {
				continue
			}
			for _, flagIndex := range flagIndices {
				participation[index] = AddFlag(participation[index], flagIndex)
			}
		}
	}
	return nil
}

// UpgradeToAltair is upgrade_to_altair (altair fork.md), in place: the
// pending attestations give way to participation flags (the previous
// epoch's translated from them), inactivity scores start at zero, and the
// first sync committee serves as both current and next.
func (s *Spec) UpgradeToAltair(st *BeaconState) error {
	epoch := s.GetCurrentEpoch(st)
	st.Fork = Fork{PreviousVersion: st.Fork.CurrentVersion, CurrentVersion: s.AltairForkVersion, Epoch: epoch}
	n := len(st.Validators)
	st.PreviousEpochParticipation = make([]ParticipationFlags, n)
	st.CurrentEpochParticipation = make([]ParticipationFlags, n)
	st.InactivityScores = make([]uint64, n)
	pending := st.PreviousEpochAttestations
	st.PreviousEpochAttestations = nil
	st.CurrentEpochAttestations = nil
	if err := s.translateParticipation(st, pending); err != nil {
		return err
	}
	committee, err := s.GetNextSyncCommittee(st)
	if err != nil {
		return err
	}
	st.CurrentSyncCommittee = committee
	st.NextSyncCommittee = SyncCommittee{Pubkeys: slices.Clone(committee.Pubkeys), AggregatePubkey: committee.AggregatePubkey}
	return nil
}
