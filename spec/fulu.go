package spec

import "fmt"

// What fulu beacon-chain.md and fork.md add or change (EIP-7917, the
// proposer lookahead).

// ComputeProposerIndices is compute_proposer_indices (fulu): the proposer
// of every slot of epoch, drawn from indices with seed. The candidates are
// the same for every slot, so the caller computes the active indices once
// per epoch rather than once per slot.
func (s *Spec) ComputeProposerIndices(st *BeaconState, epoch Epoch, seed Root, indices []ValidatorIndex) ([]ValidatorIndex, error) {
	fork := s.StateFork(st)
	effectiveBalance := func(i ValidatorIndex) Gwei { return st.Validators[i].EffectiveBalance }
	startSlot := s.ComputeStartSlotAtEpoch(epoch)
	out := make([]ValidatorIndex, s.SlotsPerEpoch)
	for i := range out {
		slotSeed := hash(seed[:], uintToBytes8(uint64(startSlot)+uint64(i)))
		proposer, err := s.ComputeProposerIndex(fork, indices, slotSeed, effectiveBalance)
		if err != nil {
			return nil, fmt.Errorf("%w: proposer of slot %d: %w", ErrInvalid, uint64(startSlot)+uint64(i), err)
		}
		out[i] = proposer
	}
	return out, nil
}

// GetBeaconProposerIndices is get_beacon_proposer_indices (fulu): the
// proposers of every slot of epoch.
func (s *Spec) GetBeaconProposerIndices(st *BeaconState, epoch Epoch) ([]ValidatorIndex, error) {
	indices := s.GetActiveValidatorIndices(st, epoch)
	seed := s.GetSeed(st, epoch, DomainBeaconProposer)
	return s.ComputeProposerIndices(st, epoch, seed, indices)
}

// proposerLookaheadLength is the length of BeaconState.proposer_lookahead:
// the current epoch and the MIN_SEED_LOOKAHEAD epochs after it.
func (s *Spec) proposerLookaheadLength() int {
	return int(uint64(s.MinSeedLookahead+1) * uint64(s.SlotsPerEpoch))
}

// ProcessProposerLookahead is process_proposer_lookahead (fulu, EIP-7917):
// at the end of an epoch the lookahead moves on by one epoch, and the
// proposers of the epoch that enters it are computed with the seed known
// now, so that they no longer depend on effective balances that change
// in between.
func (s *Spec) ProcessProposerLookahead(st *BeaconState) error {
	perEpoch := int(s.SlotsPerEpoch)
	if len(st.ProposerLookahead) != s.proposerLookaheadLength() {
		return invalidf("proposer lookahead has %d entries, want %d", len(st.ProposerLookahead), s.proposerLookaheadLength())
	}
	lastEpochStart := len(st.ProposerLookahead) - perEpoch
	copy(st.ProposerLookahead[:lastEpochStart], st.ProposerLookahead[perEpoch:])
	lastEpochProposers, err := s.GetBeaconProposerIndices(st, s.GetCurrentEpoch(st)+s.MinSeedLookahead+1)
	if err != nil {
		return err
	}
	copy(st.ProposerLookahead[lastEpochStart:], lastEpochProposers)
	return nil
}

// InitializeProposerLookahead is initialize_proposer_lookahead (fulu
// fork.md): the proposers of the current epoch and the MIN_SEED_LOOKAHEAD
// epochs after it, for the lookahead of a state that starts in fulu (at the
// fork or at genesis).
func (s *Spec) InitializeProposerLookahead(st *BeaconState) ([]ValidatorIndex, error) {
	currentEpoch := s.GetCurrentEpoch(st)
	lookahead := make([]ValidatorIndex, 0, s.proposerLookaheadLength())
	for i := Epoch(0); i <= s.MinSeedLookahead; i++ {
		proposers, err := s.GetBeaconProposerIndices(st, currentEpoch+i)
		if err != nil {
			return nil, err
		}
		lookahead = append(lookahead, proposers...)
	}
	return lookahead, nil
}

// UpgradeToFulu is upgrade_to_fulu (fulu fork.md), in place: the fork
// version changes and the proposer lookahead is filled. On error st is
// left unchanged.
func (s *Spec) UpgradeToFulu(st *BeaconState) error {
	fork := Fork{
		PreviousVersion: st.Fork.CurrentVersion,
		CurrentVersion:  s.FuluForkVersion,
		Epoch:           s.GetCurrentEpoch(st),
	}
	pre := st.Fork
	st.Fork = fork
	lookahead, err := s.InitializeProposerLookahead(st)
	if err != nil {
		st.Fork = pre
		return err
	}
	st.ProposerLookahead = lookahead
	return nil
}
