package forkchoice

import (
	"errors"

	"github.com/quetzal-eth/quetzal/spec"
)

// Fast is the fork choice of Store with the weights and the head computed
// by a proto-array: it gives the same answers as Store, and its get_head,
// get_weight and the bookkeeping of votes and blocks cost what a chain of
// a million validators can afford.
//
// Fast keeps a Store for everything off the hot path (blocks, states,
// checkpoints, time, the proposer boost, optimistic sync, pruning) and
// runs the store's checks and state transition; what Store computes from
// store.latest_messages, it computes from the proto-array, which holds
// the votes and the block tree with incremental weights. The latest
// messages are not kept in the Store.
//
// A Fast is not safe for concurrent use.
type Fast struct {
	st *Store
	pa *protoArray

	// What pa was last brought up to date with: the justified checkpoint
	// whose state gave the balances and the proposer score, the store's
	// pruning, and the number of invalidated blocks.
	haveBalances  bool
	balancesFor   spec.Checkpoint
	proposerScore spec.Gwei
	prunedEpoch   spec.Epoch
	invalidated   int
}

var _ ForkChoice = (*Fast)(nil)

// NewFast is get_forkchoice_store for Fast: a fork choice anchored at
// anchorState and anchorBlock, as GetForkchoiceStore documents.
func NewFast(s *spec.Spec, anchorState *spec.BeaconState, anchorBlock *spec.BeaconBlock, opts Options) (*Fast, error) {
	st, err := GetForkchoiceStore(s, anchorState, anchorBlock, opts)
	if err != nil {
		return nil, err
	}
	f := &Fast{st: st, pa: newProtoArray(s), prunedEpoch: st.prunedEpoch}
	anchor := st.justifiedCheckpoint
	f.addNode(anchor.Root)
	return f, nil
}

// addNode puts a block of the store into the proto-array.
func (f *Fast) addNode(root spec.Root) {
	st := f.st
	block := st.blocks[root]
	f.pa.addBlock(root, block.ParentRoot, block.Slot,
		st.blockStates[root].CurrentJustifiedCheckpoint.Epoch,
		st.unrealizedJustifications[root].Epoch,
		st.invalidated[root])
}

// sync brings the proto-array up to date with the store: pruning,
// invalidated blocks, the justified checkpoint's balances, the
// checkpoints and epoch that viability depends on, and the proposer
// boost. When none changed it only compares.
func (f *Fast) sync() error {
	st, pa := f.st, f.pa
	if st.prunedEpoch != f.prunedEpoch {
		pa.prune(func(root spec.Root) bool {
			_, ok := st.blocks[root]
			return ok
		})
		f.prunedEpoch = st.prunedEpoch
		f.invalidated = -1
	}
	// Blocks are invalidated, never validated again; only pruning drops
	// them from the store's set.
	if len(st.invalidated) != f.invalidated {
		for root := range st.invalidated {
			pa.setInvalid(root)
		}
		f.invalidated = len(st.invalidated)
	}
	if !f.haveBalances || st.justifiedCheckpoint != f.balancesFor {
		state, err := st.justifiedState()
		if err != nil {
			return err
		}
		pa.setBalances(justifiedBalances(st.spec, state))
		f.proposerScore = st.computeProposerScore(state)
		f.haveBalances, f.balancesFor = true, st.justifiedCheckpoint
	}
	pa.setCheckpoints(st.justifiedCheckpoint, st.finalizedCheckpoint, st.getCurrentStoreEpoch())
	pa.setProposerBoost(st.proposerBoostRoot, uint64(f.proposerScore))
	return nil
}

// justifiedBalances returns what each validator's vote weighs under the
// justified checkpoint's state (get_attestation_score): its effective
// balance if it is active and not slashed, else 0.
func justifiedBalances(s *spec.Spec, state *spec.BeaconState) []uint64 {
	epoch := s.GetCurrentEpoch(state)
	out := make([]uint64, len(state.Validators))
	for i := range state.Validators {
		v := &state.Validators[i]
		if !v.Slashed && spec.IsActiveValidator(v, epoch) {
			out[i] = uint64(v.EffectiveBalance)
		}
	}
	return out
}

// --- Handlers ---

// OnTick is on_tick, as Store.OnTick.
func (f *Fast) OnTick(timeMs uint64) error { return f.st.OnTick(timeMs) }

// OnBlock is on_block, as Store.OnBlock, with the head taken from the
// proto-array, to which the block is added.
func (f *Fast) OnBlock(signed *spec.SignedBeaconBlock, data DataAvailability) error {
	st := f.st
	s := st.spec
	block := &signed.Message
	fork := s.ForkAtSlot(block.Slot)
	root, err := blockRoot(s, block)
	if err != nil {
		return err
	}
	if _, ok := st.blocks[root]; ok {
		return nil
	}

	preState, ok := st.blockStates[block.ParentRoot]
	if !ok {
		return wrapf(ErrUnknownBlock, "parent %s of block %s", block.ParentRoot, root)
	}
	if st.invalidated[block.ParentRoot] {
		return invalidf("parent %s of block %s has an invalid execution payload", block.ParentRoot, root)
	}
	if st.getCurrentSlot() < block.Slot {
		return wrapf(ErrTooEarly, "block %s of slot %d at slot %d", root, block.Slot, st.getCurrentSlot())
	}
	finalizedSlot := s.ComputeStartSlotAtEpoch(st.finalizedCheckpoint.Epoch)
	if block.Slot <= finalizedSlot {
		return invalidf("block %s of slot %d is not after the finalized slot %d", root, block.Slot, finalizedSlot)
	}
	if cp := st.getCheckpointBlock(block.ParentRoot, st.finalizedCheckpoint.Epoch); cp != st.finalizedCheckpoint.Root {
		return invalidf("block %s does not descend from the finalized block %s", root, st.finalizedCheckpoint.Root)
	}
	if fork >= spec.Deneb {
		if data == nil {
			data = (*BlockData)(nil)
		}
		if err := data.IsDataAvailable(s, root, block); err != nil {
			return err
		}
	}

	state := preState.Copy()
	engine := &engineAnswer{engine: st.opts.Engine}
	if err := st.blockTransition(engine).StateTransition(state, signed, true); err != nil {
		if engine.answered && engine.status.Invalidated() {
			st.invalidateChain(block.ParentRoot, engine.status.LatestValidHash, false)
		}
		return err
	}
	optimistic := engine.answered && engine.status.NotValidated()
	if optimistic && !st.isOptimisticCandidateBlock(block) {
		return wrapf(ErrTooEarly, "block %s may not be imported optimistically before slot %d", root, block.Slot+st.opts.SafeSlotsToImportOptimistically)
	}
	unverifiedMerge := false
	if fork == spec.Bellatrix && s.IsMergeTransitionBlock(preState, &block.Body) {
		if err := st.validateMergeBlock(block); err != nil {
			if !optimistic || !errors.Is(err, errPowBlocksUnknown) {
				return err
			}
			unverifiedMerge = true
		}
	}

	head, err := f.GetHead()
	if err != nil {
		return err
	}
	pulledUp := state.Copy()
	if err := s.ProcessJustificationAndFinalization(pulledUp); err != nil {
		return err
	}

	stored := *block
	st.addBlock(root, &stored, state)
	st.recordPayloadStatus(root, engine, optimistic, unverifiedMerge)
	st.recordBlockTimeliness(root)
	st.updateProposerBoostRoot(head, root)
	st.updateCheckpoints(state.CurrentJustifiedCheckpoint, state.FinalizedCheckpoint)
	st.computePulledUpTip(root, pulledUp)
	f.addNode(root)
	st.prune()
	return nil
}

// OnAttestation is on_attestation, as Store.OnAttestation, with the votes
// recorded in the proto-array.
func (f *Fast) OnAttestation(attestation *spec.Attestation, isFromBlock bool) error {
	st := f.st
	if err := st.validateOnAttestation(attestation, isFromBlock); err != nil {
		return err
	}
	target := attestation.Data.Target
	if err := st.storeTargetCheckpointState(target); err != nil {
		return err
	}
	targetState := st.checkpointStates[target]
	indexed, err := st.spec.GetIndexedAttestation(targetState, attestation)
	if err != nil {
		return err
	}
	if err := st.attestationTransition().IsValidIndexedAttestation(targetState, indexed); err != nil {
		return err
	}
	f.pa.processAttestation(indexed.AttestingIndices, attestation.Data.BeaconBlockRoot, target.Epoch)
	return nil
}

// OnAttesterSlashing is on_attester_slashing, as Store.OnAttesterSlashing;
// the equivocating validators' votes leave the proto-array.
func (f *Fast) OnAttesterSlashing(slashing *spec.AttesterSlashing) error {
	if err := f.st.OnAttesterSlashing(slashing); err != nil {
		return err
	}
	// The validators found equivocating are all in the first attestation.
	for _, i := range slashing.Attestation1.AttestingIndices {
		if f.st.equivocatingIndices[i] {
			f.pa.setEquivocating(i)
		}
	}
	return nil
}

// OnPayloadStatus is Store.OnPayloadStatus; invalidated blocks reach the
// proto-array when it is next used.
func (f *Fast) OnPayloadStatus(root spec.Root, status PayloadStatus) error {
	return f.st.OnPayloadStatus(root, status)
}

// --- Head and weights ---

// GetHead is get_head.
func (f *Fast) GetHead() (spec.Root, error) {
	justified := f.st.justifiedCheckpoint.Root
	if _, ok := f.st.blocks[justified]; !ok {
		return spec.Root{}, wrapf(ErrUnknownBlock, "justified checkpoint block %s", justified)
	}
	if err := f.sync(); err != nil {
		return spec.Root{}, err
	}
	head, ok := f.pa.findHead()
	if !ok {
		return spec.Root{}, wrapf(ErrUnknownBlock, "justified checkpoint block %s", justified)
	}
	return head, nil
}

// GetWeight is get_weight.
func (f *Fast) GetWeight(root spec.Root) (spec.Gwei, error) {
	if _, ok := f.st.blocks[root]; !ok {
		return 0, wrapf(ErrUnknownBlock, "get_weight of block %s", root)
	}
	if err := f.sync(); err != nil {
		return 0, err
	}
	w, ok := f.pa.weight(root)
	if !ok {
		return 0, wrapf(ErrUnknownBlock, "get_weight of block %s", root)
	}
	return spec.Gwei(w), nil
}

// ViableLeaves returns the leaves of the filtered block tree.
func (f *Fast) ViableLeaves() ([]spec.Root, error) {
	justified := f.st.justifiedCheckpoint.Root
	if _, ok := f.st.blocks[justified]; !ok {
		return nil, wrapf(ErrUnknownBlock, "justified checkpoint block %s", justified)
	}
	if err := f.sync(); err != nil {
		return nil, err
	}
	leaves, ok := f.pa.viableLeaves()
	if !ok {
		return nil, wrapf(ErrUnknownBlock, "justified checkpoint block %s", justified)
	}
	return leaves, nil
}

// getAttestationScore is get_attestation_score of a block in the store.
func (f *Fast) getAttestationScore(root spec.Root) (spec.Gwei, error) {
	if err := f.sync(); err != nil {
		return 0, err
	}
	w, ok := f.pa.attestationScore(root)
	if !ok {
		return 0, wrapf(ErrUnknownBlock, "block %s", root)
	}
	return spec.Gwei(w), nil
}

// --- Proposer re-orgs ---

// isHeadWeak is is_head_weak, as Store's.
func (f *Fast) isHeadWeak(head spec.Root) (bool, error) {
	st := f.st
	s := st.spec
	justifiedState, err := st.justifiedState()
	if err != nil {
		return false, err
	}
	reorgThreshold := st.calculateCommitteeFraction(justifiedState, s.ReorgHeadWeightThreshold)
	headState, headBlock := st.blockStates[head], st.blocks[head]
	epoch := s.ComputeEpochAtSlot(headBlock.Slot)
	headWeight, err := f.getAttestationScore(head)
	if err != nil {
		return false, err
	}
	for index := range s.GetCommitteeCountPerSlot(headState, epoch) {
		committee, err := s.GetBeaconCommittee(headState, headBlock.Slot, spec.CommitteeIndex(index))
		if err != nil {
			return false, err
		}
		for _, v := range committee {
			if st.equivocatingIndices[v] && uint64(v) < uint64(len(justifiedState.Validators)) {
				headWeight += justifiedState.Validators[v].EffectiveBalance
			}
		}
	}
	return headWeight < reorgThreshold, nil
}

// isParentStrong is is_parent_strong, as Store's.
func (f *Fast) isParentStrong(head spec.Root) (bool, error) {
	st := f.st
	justifiedState, err := st.justifiedState()
	if err != nil {
		return false, err
	}
	parentThreshold := st.calculateCommitteeFraction(justifiedState, st.spec.ReorgParentWeightThreshold)
	parentScore, err := f.getAttestationScore(st.blocks[head].ParentRoot)
	if err != nil {
		return false, err
	}
	return parentScore > parentThreshold, nil
}

// GetProposerHead is get_proposer_head, as Store.GetProposerHead.
func (f *Fast) GetProposerHead(head spec.Root, slot spec.Slot) (spec.Root, error) {
	st := f.st
	s := st.spec
	headBlock, ok := st.blocks[head]
	if !ok {
		return spec.Root{}, wrapf(ErrUnknownBlock, "head %s", head)
	}
	parentRoot := headBlock.ParentRoot
	parentBlock, ok := st.blocks[parentRoot]
	if !ok {
		return spec.Root{}, wrapf(ErrUnknownBlock, "parent %s of head %s", parentRoot, head)
	}

	headLate, err := st.isHeadLate(head)
	if err != nil {
		return spec.Root{}, err
	}
	shufflingStable := s.ForkAtSlot(slot) >= spec.Fulu || st.isShufflingStable(slot)
	ffgCompetitive := st.isFFGCompetitive(head, parentRoot)
	finalizationOK := st.isFinalizationOK(slot)
	proposingOnTime := st.isProposingOnTime()

	parentSlotOK := parentBlock.Slot+1 == headBlock.Slot
	currentTimeOK := headBlock.Slot+1 == slot
	singleSlotReorg := parentSlotOK && currentTimeOK

	if st.proposerBoostRoot == head {
		return spec.Root{}, invalidf("head %s still has the proposer boost", head)
	}
	headWeak, err := f.isHeadWeak(head)
	if err != nil {
		return spec.Root{}, err
	}
	parentStrong, err := f.isParentStrong(head)
	if err != nil {
		return spec.Root{}, err
	}
	proposerEquivocation := st.isProposerEquivocation(head)

	if headLate && shufflingStable && ffgCompetitive && finalizationOK && proposingOnTime &&
		singleSlotReorg && headWeak && parentStrong {
		return parentRoot, nil
	}
	if headWeak && currentTimeOK && proposerEquivocation {
		return parentRoot, nil
	}
	return head, nil
}

// ShouldOverrideForkchoiceUpdate is should_override_forkchoice_update, as
// Store.ShouldOverrideForkchoiceUpdate.
func (f *Fast) ShouldOverrideForkchoiceUpdate(head spec.Root, validatorIsConnected func(spec.ValidatorIndex) bool) (bool, error) {
	st := f.st
	s := st.spec
	headBlock, ok := st.blocks[head]
	if !ok {
		return false, wrapf(ErrUnknownBlock, "head %s", head)
	}
	parentRoot := headBlock.ParentRoot
	parentBlock, ok := st.blocks[parentRoot]
	if !ok {
		return false, wrapf(ErrUnknownBlock, "parent %s of head %s", parentRoot, head)
	}
	currentSlot := st.getCurrentSlot()
	proposalSlot := headBlock.Slot + 1

	headLate, err := st.isHeadLate(head)
	if err != nil {
		return false, err
	}
	shufflingStable := st.isShufflingStable(proposalSlot)
	ffgCompetitive := st.isFFGCompetitive(head, parentRoot)
	finalizationOK := st.isFinalizationOK(proposalSlot)

	parentStateAdvanced := st.blockStates[parentRoot].Copy()
	t := &spec.Transition{Spec: s, Signatures: spec.SignaturesOff}
	if err := t.ProcessSlots(parentStateAdvanced, proposalSlot); err != nil {
		return false, err
	}
	proposerIndex, err := s.GetBeaconProposerIndex(parentStateAdvanced)
	if err != nil {
		return false, err
	}
	proposingReorgSlot := validatorIsConnected != nil && validatorIsConnected(proposerIndex)

	parentSlotOK := parentBlock.Slot+1 == headBlock.Slot
	proposingOnTime := st.isProposingOnTime()
	currentTimeOK := headBlock.Slot == currentSlot || (proposalSlot == currentSlot && proposingOnTime)
	singleSlotReorg := parentSlotOK && currentTimeOK

	headWeak, parentStrong := true, true
	if currentSlot > headBlock.Slot {
		if headWeak, err = f.isHeadWeak(head); err != nil {
			return false, err
		}
		if parentStrong, err = f.isParentStrong(head); err != nil {
			return false, err
		}
	}
	return headLate && shufflingStable && ffgCompetitive && finalizationOK &&
		proposingReorgSlot && singleSlotReorg && headWeak && parentStrong, nil
}

// --- Accessors, those of the store ---

// Spec returns the spec the fork choice runs.
func (f *Fast) Spec() *spec.Spec { return f.st.spec }

func (f *Fast) TimeMs() uint64                       { return f.st.TimeMs() }
func (f *Fast) GenesisTimeMs() uint64                { return f.st.GenesisTimeMs() }
func (f *Fast) CurrentSlot() spec.Slot               { return f.st.CurrentSlot() }
func (f *Fast) JustifiedCheckpoint() spec.Checkpoint { return f.st.JustifiedCheckpoint() }
func (f *Fast) FinalizedCheckpoint() spec.Checkpoint { return f.st.FinalizedCheckpoint() }
func (f *Fast) UnrealizedJustifiedCheckpoint() spec.Checkpoint {
	return f.st.UnrealizedJustifiedCheckpoint()
}
func (f *Fast) UnrealizedFinalizedCheckpoint() spec.Checkpoint {
	return f.st.UnrealizedFinalizedCheckpoint()
}
func (f *Fast) ProposerBoostRoot() spec.Root                        { return f.st.ProposerBoostRoot() }
func (f *Fast) Block(root spec.Root) (*spec.BeaconBlock, bool)      { return f.st.Block(root) }
func (f *Fast) BlockState(root spec.Root) (*spec.BeaconState, bool) { return f.st.BlockState(root) }
func (f *Fast) IsOptimistic(root spec.Root) bool                    { return f.st.IsOptimistic(root) }
func (f *Fast) IsInvalidated(root spec.Root) bool                   { return f.st.IsInvalidated(root) }
func (f *Fast) IsEquivocating(index spec.ValidatorIndex) bool       { return f.st.IsEquivocating(index) }
