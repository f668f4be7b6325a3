package spec

import "slices"

// The helpers of phase0's epoch processing that read the pending
// attestations (phase0 beacon-chain.md, "Helper functions" of "Epoch
// processing" and "Rewards and penalties").

// pendingAttestationsPass answers the questions of phase0's epoch
// processing about one state. The spec's functions ask for the total
// active balance in every get_base_reward, and for the committee of every
// pending attestation in every get_unslashed_attesting_indices; a pass
// computes each once. The state must not change while a pass is in use.
type pendingAttestationsPass struct {
	s  *Spec
	st *BeaconState
	// totalActiveBalance is get_total_active_balance(state), and
	// sqrtTotalActiveBalance its integer square root.
	totalActiveBalance     Gwei
	sqrtTotalActiveBalance uint64
	committees             map[Epoch]*epochCommittees
	attesters              map[*PendingAttestation][]ValidatorIndex
}

func (s *Spec) newPendingAttestationsPass(st *BeaconState) *pendingAttestationsPass {
	total := s.GetTotalActiveBalance(st)
	return &pendingAttestationsPass{
		s:                      s,
		st:                     st,
		totalActiveBalance:     total,
		sqrtTotalActiveBalance: IntegerSquareroot(uint64(total)),
		committees:             make(map[Epoch]*epochCommittees),
		attesters:              make(map[*PendingAttestation][]ValidatorIndex),
	}
}

// getMatchingSourceAttestations is get_matching_source_attestations: the
// pending attestations of epoch, which must be the current or the previous
// epoch.
func (p *pendingAttestationsPass) getMatchingSourceAttestations(epoch Epoch) ([]*PendingAttestation, error) {
	var list []PendingAttestation
	switch epoch {
	case p.s.GetCurrentEpoch(p.st):
		list = p.st.CurrentEpochAttestations
	case p.s.GetPreviousEpoch(p.st):
		list = p.st.PreviousEpochAttestations
	default:
		return nil, invalidf("epoch %d is neither the current nor the previous epoch", epoch)
	}
	out := make([]*PendingAttestation, len(list))
	for i := range list {
		out[i] = &list[i]
	}
	return out, nil
}

// getMatchingTargetAttestations is get_matching_target_attestations: those
// that voted for the block root at the start of epoch.
func (p *pendingAttestationsPass) getMatchingTargetAttestations(epoch Epoch) ([]*PendingAttestation, error) {
	source, err := p.getMatchingSourceAttestations(epoch)
	if err != nil || len(source) == 0 {
		// The spec reads the block root only for an attestation; with
		// none, a root out of the history is no error.
		return nil, err
	}
	root, err := p.s.GetBlockRoot(p.st, epoch)
	if err != nil {
		return nil, err
	}
	var out []*PendingAttestation
	for _, a := range source {
		if a.Data.Target.Root == root {
			out = append(out, a)
		}
	}
	return out, nil
}

// getMatchingHeadAttestations is get_matching_head_attestations: those
// whose head vote is the block root of their slot.
func (p *pendingAttestationsPass) getMatchingHeadAttestations(epoch Epoch) ([]*PendingAttestation, error) {
	target, err := p.getMatchingTargetAttestations(epoch)
	if err != nil {
		return nil, err
	}
	var out []*PendingAttestation
	for _, a := range target {
		root, err := p.s.GetBlockRootAtSlot(p.st, a.Data.Slot)
		if err != nil {
			return nil, err
		}
		if a.Data.BeaconBlockRoot == root {
			out = append(out, a)
		}
	}
	return out, nil
}

// getPendingAttestingIndices is get_pending_attesting_indices: the members
// of the attestation's committee whose bits are set. The result is shared;
// do not change it.
func (p *pendingAttestationsPass) getPendingAttestingIndices(a *PendingAttestation) ([]ValidatorIndex, error) {
	if indices, ok := p.attesters[a]; ok {
		return indices, nil
	}
	epoch := p.s.ComputeEpochAtSlot(a.Data.Slot)
	committees := p.committees[epoch]
	if committees == nil {
		committees = p.s.getEpochCommittees(p.st, epoch)
		p.committees[epoch] = committees
	}
	committee, err := committees.committee(a.Data.Slot, a.Data.Index)
	if err != nil {
		return nil, err
	}
	// process_attestation checked the length; only a malformed state has
	// fewer bits than members, where the spec fails too.
	if a.AggregationBits.Len() < len(committee) {
		return nil, invalidf("pending attestation has %d aggregation bits for a committee of %d", a.AggregationBits.Len(), len(committee))
	}
	var indices []ValidatorIndex
	for i, index := range committee {
		if a.AggregationBits.Get(i) {
			indices = append(indices, index)
		}
	}
	p.attesters[a] = indices
	return indices, nil
}

// getUnslashedAttestingIndices is get_unslashed_attesting_indices. The
// spec returns a set; this returns its members in increasing order.
func (p *pendingAttestationsPass) getUnslashedAttestingIndices(attestations []*PendingAttestation) ([]ValidatorIndex, error) {
	seen := make([]bool, len(p.st.Validators))
	var out []ValidatorIndex
	for _, a := range attestations {
		indices, err := p.getPendingAttestingIndices(a)
		if err != nil {
			return nil, err
		}
		for _, index := range indices {
			if !seen[index] {
				seen[index] = true
				if !p.st.Validators[index].Slashed {
					out = append(out, index)
				}
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

// getAttestingBalance is get_attesting_balance: the effective balance of
// the unslashed attesters, at least EFFECTIVE_BALANCE_INCREMENT.
func (p *pendingAttestationsPass) getAttestingBalance(attestations []*PendingAttestation) (Gwei, error) {
	indices, err := p.getUnslashedAttestingIndices(attestations)
	if err != nil {
		return 0, err
	}
	return p.s.GetTotalBalance(p.st, indices), nil
}

// getBaseRewardPhase0 is phase0's get_base_reward (altair's is
// GetBaseReward).
func (p *pendingAttestationsPass) getBaseRewardPhase0(index ValidatorIndex) Gwei {
	effectiveBalance := uint64(p.st.Validators[index].EffectiveBalance)
	return Gwei(mulDiv(effectiveBalance, p.s.BaseRewardFactor, p.sqrtTotalActiveBalance) / BaseRewardsPerEpoch)
}

// getProposerReward is get_proposer_reward: the share of an attester's
// base reward that goes to the proposer who included its attestation.
func (p *pendingAttestationsPass) getProposerReward(attestingIndex ValidatorIndex) Gwei {
	return p.getBaseRewardPhase0(attestingIndex) / Gwei(p.s.ProposerRewardQuotient)
}

// membership returns a slice with true at each of indices, for set
// membership tests over the registry.
func membership(st *BeaconState, indices []ValidatorIndex) []bool {
	in := make([]bool, len(st.Validators))
	for _, i := range indices {
		in[i] = true
	}
	return in
}

// getAttestationComponentDeltas is get_attestation_component_deltas: the
// part of get_source_deltas, get_target_deltas and get_head_deltas that
// they share.
func (p *pendingAttestationsPass) getAttestationComponentDeltas(attestations []*PendingAttestation) (Deltas, error) {
	st := p.st
	deltas := newDeltas(st)
	unslashed, err := p.getUnslashedAttestingIndices(attestations)
	if err != nil {
		return Deltas{}, err
	}
	attestingBalance := p.s.GetTotalBalance(st, unslashed)
	isAttester := membership(st, unslashed)
	// The increment is factored out of the balances so that the product
	// with the base reward fits.
	increment := p.s.EffectiveBalanceIncrement
	inLeak := p.s.IsInInactivityLeak(st)
	for _, index := range p.s.GetEligibleValidatorIndices(st) {
		baseReward := p.getBaseRewardPhase0(index)
		switch {
		case !isAttester[index]:
			deltas.Penalties[index] += baseReward
		case inLeak:
			// The inactivity penalty cancels the full base reward, so an
			// optimal attester gets it in full here.
			deltas.Rewards[index] += baseReward
		default:
			deltas.Rewards[index] += Gwei(mulDiv(uint64(baseReward), uint64(attestingBalance/increment), uint64(p.totalActiveBalance/increment)))
		}
	}
	return deltas, nil
}

// getSourceDeltas is get_source_deltas.
func (p *pendingAttestationsPass) getSourceDeltas() (Deltas, error) {
	attestations, err := p.getMatchingSourceAttestations(p.s.GetPreviousEpoch(p.st))
	if err != nil {
		return Deltas{}, err
	}
	return p.getAttestationComponentDeltas(attestations)
}

// getTargetDeltas is get_target_deltas.
func (p *pendingAttestationsPass) getTargetDeltas() (Deltas, error) {
	attestations, err := p.getMatchingTargetAttestations(p.s.GetPreviousEpoch(p.st))
	if err != nil {
		return Deltas{}, err
	}
	return p.getAttestationComponentDeltas(attestations)
}

// getHeadDeltas is get_head_deltas.
func (p *pendingAttestationsPass) getHeadDeltas() (Deltas, error) {
	attestations, err := p.getMatchingHeadAttestations(p.s.GetPreviousEpoch(p.st))
	if err != nil {
		return Deltas{}, err
	}
	return p.getAttestationComponentDeltas(attestations)
}

// getInclusionDelayDeltas is get_inclusion_delay_deltas: each attester is
// rewarded, and so is its proposer, for the attestation that included it
// soonest.
func (p *pendingAttestationsPass) getInclusionDelayDeltas() (Deltas, error) {
	st := p.st
	deltas := newDeltas(st)
	attestations, err := p.getMatchingSourceAttestations(p.s.GetPreviousEpoch(st))
	if err != nil {
		return Deltas{}, err
	}
	unslashed, err := p.getUnslashedAttestingIndices(attestations)
	if err != nil {
		return Deltas{}, err
	}
	// The spec takes, for each attester, min over its attestations by
	// inclusion delay, which is the first of the smallest in list order.
	earliest := make([]*PendingAttestation, len(st.Validators))
	for _, a := range attestations {
		indices, err := p.getPendingAttestingIndices(a)
		if err != nil {
			return Deltas{}, err
		}
		for _, index := range indices {
			if earliest[index] == nil || a.InclusionDelay < earliest[index].InclusionDelay {
				earliest[index] = a
			}
		}
	}
	for _, index := range unslashed {
		a := earliest[index]
		if err := checkValidatorIndex(st, a.ProposerIndex); err != nil {
			return Deltas{}, err
		}
		if a.InclusionDelay == 0 {
			return Deltas{}, invalidf("pending attestation with inclusion delay 0")
		}
		proposerReward := p.getProposerReward(index)
		deltas.Rewards[a.ProposerIndex] += proposerReward
		maxAttesterReward := p.getBaseRewardPhase0(index) - proposerReward
		deltas.Rewards[index] += maxAttesterReward / Gwei(a.InclusionDelay)
	}
	// No penalties are associated with inclusion delay.
	return deltas, nil
}

// getInactivityPenaltyDeltas is phase0's get_inactivity_penalty_deltas.
func (p *pendingAttestationsPass) getInactivityPenaltyDeltas() (Deltas, error) {
	st := p.st
	deltas := newDeltas(st)
	if !p.s.IsInInactivityLeak(st) {
		return deltas, nil
	}
	attestations, err := p.getMatchingTargetAttestations(p.s.GetPreviousEpoch(st))
	if err != nil {
		return Deltas{}, err
	}
	targetAttesters, err := p.getUnslashedAttestingIndices(attestations)
	if err != nil {
		return Deltas{}, err
	}
	isTargetAttester := membership(st, targetAttesters)
	finalityDelay := uint64(p.s.GetFinalityDelay(st))
	for _, index := range p.s.GetEligibleValidatorIndices(st) {
		// For an optimal attester this cancels every reward, for a
		// neutral balance.
		baseReward := p.getBaseRewardPhase0(index)
		deltas.Penalties[index] += Gwei(BaseRewardsPerEpoch)*baseReward - p.getProposerReward(index)
		if !isTargetAttester[index] {
			effectiveBalance := uint64(st.Validators[index].EffectiveBalance)
			deltas.Penalties[index] += Gwei(mulDiv(effectiveBalance, finalityDelay, p.s.InactivityPenaltyQuotient))
		}
	}
	// No rewards are associated with inactivity penalties.
	return deltas, nil
}

// getAttestationDeltas is get_attestation_deltas: the sum of the five
// components.
func (p *pendingAttestationsPass) getAttestationDeltas() (Deltas, error) {
	components := []func() (Deltas, error){
		p.getSourceDeltas,
		p.getTargetDeltas,
		p.getHeadDeltas,
		p.getInclusionDelayDeltas,
		p.getInactivityPenaltyDeltas,
	}
	total := newDeltas(p.st)
	for _, component := range components {
		d, err := component()
		if err != nil {
			return Deltas{}, err
		}
		// The spec's sum leaves out the inclusion delay penalties and the
		// inactivity rewards, which are zero.
		for i := range total.Rewards {
			total.Rewards[i] += d.Rewards[i]
			total.Penalties[i] += d.Penalties[i]
		}
	}
	return total, nil
}
