package forkchoice

import (
	"errors"

	"github.com/quetzal-eth/quetzal/spec"
)

// The handlers of phase0 fork-choice.md (on_tick, on_block,
// on_attestation, on_attester_slashing) and the helpers they call, with
// the changes of bellatrix (merge block), deneb and fulu (data
// availability) and optimistic sync.

// blockTransition returns the Transition that runs a block's state
// transition: signatures verified in one batch, unless they are off, and
// the payload verdict taken from engine.
func (st *Store) blockTransition(engine spec.ExecutionEngine) *spec.Transition {
	mode := spec.SignaturesBatch
	if st.opts.Signatures == spec.SignaturesOff {
		mode = spec.SignaturesOff
	}
	return &spec.Transition{Spec: st.spec, Engine: engine, Signatures: mode}
}

// attestationTransition returns the Transition that checks the signature
// of an attestation or slashing at once (a batch is only flushed at the
// end of a block).
func (st *Store) attestationTransition() *spec.Transition {
	mode := spec.SignaturesEach
	if st.opts.Signatures == spec.SignaturesOff {
		mode = spec.SignaturesOff
	}
	return &spec.Transition{Spec: st.spec, Signatures: mode}
}

// --- on_tick ---

// OnTick is on_tick (phase0 fork-choice.md): it runs on_tick_per_slot for
// the start of every slot it passes, then for timeMs.
//
// Only the first slot passed and the first epoch start passed change more
// than the time: later ones clear an already cleared proposer boost and
// realize the same unrealized checkpoints again, since ticks do not change
// them. So after a full epoch of slots OnTick goes straight to timeMs, and
// a clock far ahead does not make it loop for every slot in between.
func (st *Store) OnTick(timeMs uint64) error {
	s := st.spec
	tickSlot, err := ComputeSlotAtTimeMs(s, st.genesisTimeMs, timeMs)
	if err != nil {
		return err
	}
	for i := uint64(0); st.getCurrentSlot() < tickSlot && i <= uint64(s.SlotsPerEpoch); i++ {
		nextSlot := st.getCurrentSlot() + 1
		nextSlotTimeMs, err := ComputeTimeAtSlotMs(s, st.genesisTimeMs, nextSlot)
		if err != nil {
			return err
		}
		st.onTickPerSlot(nextSlotTimeMs)
	}
	st.onTickPerSlot(timeMs)
	st.prune()
	return nil
}

// onTickPerSlot is on_tick_per_slot: a new slot ends the proposer boost,
// and a new epoch realizes the unrealized checkpoints of the last.
func (st *Store) onTickPerSlot(timeMs uint64) {
	previousSlot := st.getCurrentSlot()
	st.timeMs = timeMs
	currentSlot := st.getCurrentSlot()
	if currentSlot > previousSlot {
		st.proposerBoostRoot = spec.Root{}
	}
	if currentSlot > previousSlot && computeSlotsSinceEpochStart(st.spec, currentSlot) == 0 {
		st.updateCheckpoints(st.unrealizedJustifiedCheckpoint, st.unrealizedFinalizedCheckpoint)
	}
}

// --- on_block ---

// OnBlock is on_block (phase0 fork-choice.md, with bellatrix's merge block
// check, deneb's and fulu's data availability check, and optimistic
// import): it checks that signed extends the finalized chain and is not
// from the future, runs the state transition, and adds the block and its
// post-state to the store. data answers is_data_available from deneb on;
// nil means nothing was retrieved for the block.
//
// A block already in the store is accepted again without any check. The
// store keeps the block, so the caller must not modify it afterwards.
func (st *Store) OnBlock(signed *spec.SignedBeaconBlock, data DataAvailability) error {
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

	// The block is later than the finalized epoch's first slot (which
	// saves get_ancestor calls) and descends from the finalized block.
	finalizedSlot := s.ComputeStartSlotAtEpoch(st.finalizedCheckpoint.Epoch)
	if block.Slot <= finalizedSlot {
		return invalidf("block %s of slot %d is not after the finalized slot %d", root, block.Slot, finalizedSlot)
	}
	if cp := st.getCheckpointBlock(block.ParentRoot, st.finalizedCheckpoint.Epoch); cp != st.finalizedCheckpoint.Root {
		return invalidf("block %s does not descend from the finalized block %s", root, st.finalizedCheckpoint.Root)
	}

	// Deneb (EIP-4844), modified in fulu (EIP-7594): the block's blobs are
	// available. If not, the block may be queued until they are.
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
			// The engine's latest valid hash may condemn ancestors too.
			st.invalidateChain(block.ParentRoot, engine.status.LatestValidHash, false)
		}
		return err
	}
	optimistic := engine.answered && engine.status.NotValidated()
	if optimistic && !st.isOptimisticCandidateBlock(block) {
		return wrapf(ErrTooEarly, "block %s may not be imported optimistically before slot %d", root, block.Slot+st.opts.SafeSlotsToImportOptimistically)
	}

	// Bellatrix: the merge block builds on a valid terminal PoW block.
	unverifiedMerge := false
	if fork == spec.Bellatrix && s.IsMergeTransitionBlock(preState, &block.Body) {
		if err := st.validateMergeBlock(block); err != nil {
			// An optimistic import goes ahead while the engine does not
			// know the PoW blocks either (sync/optimistic.md); the check
			// runs when the payload is found valid.
			if !optimistic || !errors.Is(err, errPowBlocksUnknown) {
				return err
			}
			unverifiedMerge = true
		}
	}

	head, err := st.ghost().GetHead()
	if err != nil {
		return err
	}
	// compute_pulled_up_tip runs on the stored post-state; it is computed
	// here so that a failure leaves the store unchanged.
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
	// Not in the spec: Fast's proto-array takes the block.
	st.ghost().addBlock(root)
	st.prune()
	return nil
}

// recordBlockTimeliness is record_block_timeliness: the block is timely if
// it arrived in its own slot, before attestations were due.
func (st *Store) recordBlockTimeliness(root spec.Root) {
	block := st.blocks[root]
	isBeforeAttestingInterval := st.getTimeIntoSlotMs() < GetAttestationDueMs(st.spec)
	st.blockTimeliness[root] = st.getCurrentSlot() == block.Slot && isBeforeAttestingInterval
}

// computeShufflingDependentSlot is compute_shuffling_dependent_slot: the
// last slot before the epoch whose RANDAO mix seeds epoch's shuffling.
func (st *Store) computeShufflingDependentSlot(epoch spec.Epoch) spec.Slot {
	lookaheadEpoch := spec.Epoch(0)
	if epoch > st.spec.MinSeedLookahead {
		lookaheadEpoch = epoch - st.spec.MinSeedLookahead
	}
	// compute_shuffling_lookahead_start_slot
	start := st.spec.ComputeStartSlotAtEpoch(lookaheadEpoch)
	if start == 0 {
		return 0
	}
	return start - 1
}

// getShufflingDependentRoot is get_shuffling_dependent_root: the block
// in root's chain that decides epoch's shuffling.
func (st *Store) getShufflingDependentRoot(root spec.Root, epoch spec.Epoch) spec.Root {
	return st.getAncestor(root, st.computeShufflingDependentSlot(epoch))
}

// updateProposerBoostRoot is update_proposer_boost_root: the first timely
// block of a slot gets the boost, if it agrees with the head on the
// current epoch's shuffling.
func (st *Store) updateProposerBoostRoot(head, root spec.Root) {
	isFirstBlock := st.proposerBoostRoot == (spec.Root{})
	isTimely := st.blockTimeliness[root]
	epoch := st.getCurrentStoreEpoch()
	isSameDependentRoot := st.getShufflingDependentRoot(head, epoch) == st.getShufflingDependentRoot(root, epoch)
	if isTimely && isFirstBlock && isSameDependentRoot {
		st.proposerBoostRoot = root
	}
}

// computePulledUpTip is compute_pulled_up_tip: pulledUp is the block's
// post-state after process_justification_and_finalization, as if the
// epoch ended now. Its checkpoints are the block's unrealized ones; for a
// block of an earlier epoch they are realized at once.
func (st *Store) computePulledUpTip(root spec.Root, pulledUp *spec.BeaconState) {
	st.unrealizedJustifications[root] = pulledUp.CurrentJustifiedCheckpoint
	st.updateUnrealizedCheckpoints(pulledUp.CurrentJustifiedCheckpoint, pulledUp.FinalizedCheckpoint)
	blockEpoch := st.spec.ComputeEpochAtSlot(st.blocks[root].Slot)
	if blockEpoch < st.getCurrentStoreEpoch() {
		st.updateCheckpoints(pulledUp.CurrentJustifiedCheckpoint, pulledUp.FinalizedCheckpoint)
	}
}

// --- on_attestation ---

// OnAttestation is on_attestation (phase0 fork-choice.md): it checks the
// attestation against the store and, with the state of its target, its
// committee and signature, and records its votes as latest messages.
// isFromBlock says it came in an imported block, which lifts the limit on
// the age of its target.
func (st *Store) OnAttestation(attestation *spec.Attestation, isFromBlock bool) error {
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
	st.ghost().updateLatestMessages(indexed.AttestingIndices, attestation)
	return nil
}

// validateTargetEpochAgainstCurrentTime is
// validate_target_epoch_against_current_time: a gossip attestation's
// target is the current or the previous epoch.
func (st *Store) validateTargetEpochAgainstCurrentTime(attestation *spec.Attestation) error {
	target := attestation.Data.Target
	currentEpoch := st.getCurrentStoreEpoch()
	previousEpoch := currentEpoch
	if previousEpoch > 0 {
		previousEpoch--
	}
	if target.Epoch == currentEpoch || target.Epoch == previousEpoch {
		return nil
	}
	if target.Epoch > currentEpoch {
		return wrapf(ErrTooEarly, "attestation target epoch %d at epoch %d", target.Epoch, currentEpoch)
	}
	return invalidf("attestation target epoch %d is older than the previous epoch %d", target.Epoch, previousEpoch)
}

// validateOnAttestation is validate_on_attestation.
func (st *Store) validateOnAttestation(attestation *spec.Attestation, isFromBlock bool) error {
	s := st.spec
	data := &attestation.Data
	target := data.Target
	if !isFromBlock {
		if err := st.validateTargetEpochAgainstCurrentTime(attestation); err != nil {
			return err
		}
	}
	if target.Epoch != s.ComputeEpochAtSlot(data.Slot) {
		return invalidf("attestation target epoch %d is not the epoch of slot %d", target.Epoch, data.Slot)
	}
	if _, ok := st.blocks[target.Root]; !ok {
		return wrapf(ErrUnknownBlock, "attestation target %s", target.Root)
	}
	block, ok := st.blocks[data.BeaconBlockRoot]
	if !ok {
		return wrapf(ErrUnknownBlock, "attested block %s", data.BeaconBlockRoot)
	}
	if block.Slot > data.Slot {
		return invalidf("attested block %s of slot %d is after the attestation's slot %d", data.BeaconBlockRoot, block.Slot, data.Slot)
	}
	// The LMD vote agrees with the FFG target.
	if cp := st.getCheckpointBlock(data.BeaconBlockRoot, target.Epoch); cp != target.Root {
		return invalidf("attestation target %s is not the checkpoint block %s of the attested chain", target.Root, cp)
	}
	// An attestation counts from the slot after its own.
	if st.getCurrentSlot() <= data.Slot {
		return wrapf(ErrTooEarly, "attestation of slot %d at slot %d", data.Slot, st.getCurrentSlot())
	}
	return nil
}

// storeTargetCheckpointState is store_target_checkpoint_state: the state
// of the target's block advanced to the target epoch's first slot.
func (st *Store) storeTargetCheckpointState(target spec.Checkpoint) error {
	if _, ok := st.checkpointStates[target]; ok {
		return nil
	}
	base, ok := st.blockStates[target.Root]
	if !ok {
		return wrapf(ErrUnknownBlock, "checkpoint block %s", target.Root)
	}
	state := base.Copy()
	if start := st.spec.ComputeStartSlotAtEpoch(target.Epoch); state.Slot < start {
		t := &spec.Transition{Spec: st.spec, Signatures: spec.SignaturesOff}
		if err := t.ProcessSlots(state, start); err != nil {
			return err
		}
	}
	st.checkpointStates[target] = state
	return nil
}

// updateLatestMessages is update_latest_messages: a vote with a later
// target than a validator's last one replaces it; equivocating validators
// no longer vote.
func (st *Store) updateLatestMessages(attestingIndices []spec.ValidatorIndex, attestation *spec.Attestation) {
	target := attestation.Data.Target
	for _, i := range attestingIndices {
		if st.equivocatingIndices[i] {
			continue
		}
		if m, ok := st.latestMessages[i]; !ok || target.Epoch > m.Epoch {
			st.latestMessages[i] = LatestMessage{Epoch: target.Epoch, Root: attestation.Data.BeaconBlockRoot}
		}
	}
}

// --- on_attester_slashing ---

// OnAttesterSlashing is on_attester_slashing (phase0 fork-choice.md): the
// validators who signed both slashable attestations are equivocating, and
// their votes no longer count.
func (st *Store) OnAttesterSlashing(slashing *spec.AttesterSlashing) error {
	a1, a2 := &slashing.Attestation1, &slashing.Attestation2
	if !spec.IsSlashableAttestationData(&a1.Data, &a2.Data) {
		return invalidf("attester slashing: attestation data are not slashable")
	}
	state, ok := st.blockStates[st.justifiedCheckpoint.Root]
	if !ok {
		return wrapf(ErrUnknownBlock, "justified checkpoint block %s", st.justifiedCheckpoint.Root)
	}
	t := st.attestationTransition()
	if err := t.IsValidIndexedAttestation(state, a1); err != nil {
		return err
	}
	if err := t.IsValidIndexedAttestation(state, a2); err != nil {
		return err
	}
	in2 := make(map[spec.ValidatorIndex]bool, len(a2.AttestingIndices))
	for _, i := range a2.AttestingIndices {
		in2[i] = true
	}
	for _, i := range a1.AttestingIndices {
		if in2[i] {
			st.equivocatingIndices[i] = true
		}
	}
	return nil
}
