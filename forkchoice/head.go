package forkchoice

import (
	"bytes"
	"fmt"

	"github.com/quetzal-eth/quetzal/spec"
)

// LMD-GHOST with proposer boost and the FFG viability filter (phase0
// fork-choice.md, get_head and the functions it calls).

// justifiedState is store.checkpoint_states[store.justified_checkpoint].
// The spec's store holds it at the anchor and once an attestation has
// targeted the checkpoint; a checkpoint justified by a block's state
// before any such attestation would make the spec fail, so here it is
// computed and kept then, as store_target_checkpoint_state would.
func (st *Store) justifiedState() (*spec.BeaconState, error) {
	if err := st.storeTargetCheckpointState(st.justifiedCheckpoint); err != nil {
		return nil, err
	}
	return st.checkpointStates[st.justifiedCheckpoint], nil
}

// lmdGhost is what a fork choice computes from its latest messages: it
// records them, and from them gives a block's attestation score and the
// head. A Store keeps store.latest_messages and computes as the spec does
// (specGhost); Fast keeps the votes in its proto-array. The store's
// handlers and re-org helpers go through it, so that Store and Fast run
// the same code for everything else.
type lmdGhost interface {
	// GetHead is get_head.
	GetHead() (spec.Root, error)
	// getAttestationScore is get_attestation_score of a block of the
	// store under the justified checkpoint's state.
	getAttestationScore(root spec.Root, justifiedState *spec.BeaconState) (spec.Gwei, error)
	// updateLatestMessages is update_latest_messages.
	updateLatestMessages(attestingIndices []spec.ValidatorIndex, attestation *spec.Attestation)
	// addBlock takes a block on_block has just added to the store.
	addBlock(root spec.Root)
}

// specGhost is the lmdGhost of the spec: the Store's own functions.
type specGhost struct{ st *Store }

func (g specGhost) GetHead() (spec.Root, error) { return g.st.GetHead() }

func (g specGhost) getAttestationScore(root spec.Root, justifiedState *spec.BeaconState) (spec.Gwei, error) {
	return g.st.getAttestationScore(root, justifiedState), nil
}

func (g specGhost) updateLatestMessages(attestingIndices []spec.ValidatorIndex, attestation *spec.Attestation) {
	g.st.updateLatestMessages(attestingIndices, attestation)
}

func (specGhost) addBlock(spec.Root) {}

// ghost returns the store's lmdGhost: Fast's if the store is Fast's, else
// the spec's.
func (st *Store) ghost() lmdGhost {
	if st.lmd != nil {
		return st.lmd
	}
	return specGhost{st}
}

// getAttestationScore is get_attestation_score: the effective balance of
// the unslashed active validators of state whose latest message supports
// root, leaving out equivocating validators and votes for blocks the
// execution engine invalidated (sync/optimistic.md: their weight must not
// reach their ancestors).
func (st *Store) getAttestationScore(root spec.Root, state *spec.BeaconState) spec.Gwei {
	s := st.spec
	var score spec.Gwei
	for _, index := range s.GetActiveValidatorIndices(state, s.GetCurrentEpoch(state)) {
		v := &state.Validators[index]
		if v.Slashed {
			continue
		}
		message, ok := st.latestMessages[index]
		if !ok || st.equivocatingIndices[index] || st.invalidated[message.Root] {
			continue
		}
		// get_supported_node: the message supports the block it names.
		if st.isAncestor(message.Root, root) {
			score += v.EffectiveBalance
		}
	}
	return score
}

// computeProposerScore is compute_proposer_score.
func (st *Store) computeProposerScore(state *spec.BeaconState) spec.Gwei {
	return st.calculateCommitteeFraction(state, st.spec.ProposerScoreBoost)
}

// GetWeight is get_weight (phase0 fork-choice.md): the attestation score
// of root under the justified checkpoint's state, plus the proposer score
// if root is the boosted block or one of its ancestors.
func (st *Store) GetWeight(root spec.Root) (spec.Gwei, error) {
	if _, ok := st.blocks[root]; !ok {
		return 0, wrapf(ErrUnknownBlock, "get_weight of block %s", root)
	}
	state, err := st.justifiedState()
	if err != nil {
		return 0, err
	}
	return st.getWeight(root, state), nil
}

func (st *Store) getWeight(root spec.Root, justifiedState *spec.BeaconState) spec.Gwei {
	attestationScore := st.getAttestationScore(root, justifiedState)
	if st.proposerBoostRoot == (spec.Root{}) {
		return attestationScore
	}
	var proposerScore spec.Gwei
	if st.isAncestor(st.proposerBoostRoot, root) {
		// get_proposer_score
		proposerScore = st.computeProposerScore(justifiedState)
	}
	return attestationScore + proposerScore
}

// getVotingSource is get_voting_source: the source a vote for root as
// head would carry, pulled up to the block's unrealized justification if
// the block is from an earlier epoch.
func (st *Store) getVotingSource(root spec.Root) spec.Checkpoint {
	block := st.blocks[root]
	currentEpoch := st.getCurrentStoreEpoch()
	blockEpoch := st.spec.ComputeEpochAtSlot(block.Slot)
	if currentEpoch > blockEpoch {
		return st.unrealizedJustifications[root]
	}
	return st.blockStates[root].CurrentJustifiedCheckpoint
}

// filterNodeTree is filter_node_tree: it adds to viable the blocks of
// root's subtree that lead to a leaf whose checkpoints agree with the
// store's, and reports whether root is one of them.
func (st *Store) filterNodeTree(root spec.Root, viable map[spec.Root]bool) bool {
	children := st.getNodeChildren(root)
	if len(children) > 0 {
		anyViable := false
		for _, child := range children {
			if st.filterNodeTree(child, viable) {
				anyViable = true
			}
		}
		if anyViable {
			viable[root] = true
		}
		return anyViable
	}

	currentEpoch := st.getCurrentStoreEpoch()
	votingSource := st.getVotingSource(root)

	// The voting source is that of the store's justified checkpoint, or
	// not more than two epochs old.
	correctJustified := st.justifiedCheckpoint.Epoch == spec.GenesisEpoch ||
		votingSource.Epoch == st.justifiedCheckpoint.Epoch ||
		votingSource.Epoch+2 >= currentEpoch

	finalizedCheckpointBlock := st.getCheckpointBlock(root, st.finalizedCheckpoint.Epoch)
	correctFinalized := st.finalizedCheckpoint.Epoch == spec.GenesisEpoch ||
		st.finalizedCheckpoint.Root == finalizedCheckpointBlock

	if correctJustified && correctFinalized {
		viable[root] = true
		return true
	}
	return false
}

// getFilteredBlockTree is get_filtered_node_tree: the blocks under the
// justified checkpoint's block from which get_head may choose.
func (st *Store) getFilteredBlockTree() (map[spec.Root]bool, error) {
	base := st.justifiedCheckpoint.Root
	if _, ok := st.blocks[base]; !ok {
		return nil, wrapf(ErrUnknownBlock, "justified checkpoint block %s", base)
	}
	viable := map[spec.Root]bool{}
	st.filterNodeTree(base, viable)
	return viable, nil
}

// GetHead is get_head (phase0 fork-choice.md): from the justified
// checkpoint's block, follow the viable child with the most weight,
// breaking ties by the greater root.
func (st *Store) GetHead() (spec.Root, error) {
	viable, err := st.getFilteredBlockTree()
	if err != nil {
		return spec.Root{}, err
	}
	state, err := st.justifiedState()
	if err != nil {
		return spec.Root{}, err
	}
	head := st.justifiedCheckpoint.Root
	for {
		var best spec.Root
		var bestWeight spec.Gwei
		found := false
		for _, child := range st.getNodeChildren(head) {
			if !viable[child] {
				continue
			}
			w := st.getWeight(child, state)
			if !found || w > bestWeight || (w == bestWeight && bytes.Compare(child[:], best[:]) > 0) {
				best, bestWeight, found = child, w, true
			}
		}
		if !found {
			return head, nil
		}
		head = best
	}
}

// ViableLeaves returns the leaves of the filtered block tree: the heads
// get_head chooses between.
func (st *Store) ViableLeaves() ([]spec.Root, error) {
	viable, err := st.getFilteredBlockTree()
	if err != nil {
		return nil, err
	}
	var leaves []spec.Root
	for root := range viable {
		leaf := true
		for _, child := range st.getNodeChildren(root) {
			if viable[child] {
				leaf = false
				break
			}
		}
		if leaf {
			leaves = append(leaves, root)
		}
	}
	return leaves, nil
}

// updateCheckpoints is update_checkpoints: a checkpoint of a later epoch
// replaces the store's.
func (st *Store) updateCheckpoints(justified, finalized spec.Checkpoint) {
	if justified.Epoch > st.justifiedCheckpoint.Epoch {
		st.justifiedCheckpoint = justified
	}
	if finalized.Epoch > st.finalizedCheckpoint.Epoch {
		st.finalizedCheckpoint = finalized
	}
}

// updateUnrealizedCheckpoints is update_unrealized_checkpoints.
func (st *Store) updateUnrealizedCheckpoints(justified, finalized spec.Checkpoint) {
	if justified.Epoch > st.unrealizedJustifiedCheckpoint.Epoch {
		st.unrealizedJustifiedCheckpoint = justified
	}
	if finalized.Epoch > st.unrealizedFinalizedCheckpoint.Epoch {
		st.unrealizedFinalizedCheckpoint = finalized
	}
}

// --- Proposer re-orgs (phase0 fork-choice.md, get_proposer_head) ---

// isHeadLate is is_head_late: the head arrived after the attestation
// deadline of its slot.
func (st *Store) isHeadLate(head spec.Root) (bool, error) {
	timely, ok := st.blockTimeliness[head]
	if !ok {
		return false, fmt.Errorf("%w: no arrival time recorded for block %s", ErrUnknownBlock, head)
	}
	return !timely, nil
}

// isShufflingStable is is_shuffling_stable (phase0 to electra; fulu drops
// it, EIP-7917): a proposal at the first slot of an epoch does not re-org,
// since the re-org could change the shuffling.
func (st *Store) isShufflingStable(slot spec.Slot) bool {
	return uint64(slot)%uint64(st.spec.SlotsPerEpoch) != 0
}

// isFFGCompetitive is is_ffg_competitive: building on the parent gives
// up no justification.
func (st *Store) isFFGCompetitive(head, parent spec.Root) bool {
	return st.unrealizedJustifications[head] == st.unrealizedJustifications[parent]
}

// isFinalizationOK is is_finalization_ok: the chain finalized recently
// enough for a re-org to be safe. A slot before the finalized epoch, where
// the spec's subtraction would fail, is no time to re-org.
func (st *Store) isFinalizationOK(slot spec.Slot) bool {
	epoch := st.spec.ComputeEpochAtSlot(slot)
	if epoch < st.finalizedCheckpoint.Epoch {
		return false
	}
	return epoch-st.finalizedCheckpoint.Epoch <= st.spec.ReorgMaxEpochsSinceFinalization
}

// isProposingOnTime is is_proposing_on_time.
func (st *Store) isProposingOnTime() bool {
	return st.getTimeIntoSlotMs() <= GetProposerReorgCutoffMs(st.spec)
}

// isHeadWeak is is_head_weak: the head's votes, counting the balance of
// equivocating members of its slot's committees, are below
// REORG_HEAD_WEIGHT_THRESHOLD percent of a slot's committees.
func (st *Store) isHeadWeak(head spec.Root) (bool, error) {
	s := st.spec
	justifiedState, err := st.justifiedState()
	if err != nil {
		return false, err
	}
	reorgThreshold := st.calculateCommitteeFraction(justifiedState, s.ReorgHeadWeightThreshold)
	headState, headBlock := st.blockStates[head], st.blocks[head]
	epoch := s.ComputeEpochAtSlot(headBlock.Slot)
	headWeight, err := st.ghost().getAttestationScore(head, justifiedState)
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

// isParentStrong is is_parent_strong: the parent has more than
// REORG_PARENT_WEIGHT_THRESHOLD percent of a slot's committees behind it.
func (st *Store) isParentStrong(head spec.Root) (bool, error) {
	justifiedState, err := st.justifiedState()
	if err != nil {
		return false, err
	}
	parentThreshold := st.calculateCommitteeFraction(justifiedState, st.spec.ReorgParentWeightThreshold)
	parentRoot := st.blocks[head].ParentRoot
	parentScore, err := st.ghost().getAttestationScore(parentRoot, justifiedState)
	if err != nil {
		return false, err
	}
	return parentScore > parentThreshold, nil
}

// isProposerEquivocation is is_proposer_equivocation: the store holds
// another block of the head's proposer at the head's slot.
func (st *Store) isProposerEquivocation(head spec.Root) bool {
	block := st.blocks[head]
	matching := 0
	for _, b := range st.blocks {
		if b.ProposerIndex == block.ProposerIndex && b.Slot == block.Slot {
			matching++
		}
	}
	return matching > 1
}

// GetProposerHead is get_proposer_head (phase0 fork-choice.md, modified
// in fulu): the block a proposer at slot should build on. It is head's
// parent when head came late, is weak while its parent is strong, and
// re-orging it costs no justification and at most one slot; or, whatever
// the timing, when head is weak and its proposer equivocated. Before fulu
// it also needs slot not to start an epoch.
func (st *Store) GetProposerHead(head spec.Root, slot spec.Slot) (spec.Root, error) {
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

	// The boost of the head must have worn off.
	if st.proposerBoostRoot == head {
		return spec.Root{}, invalidf("head %s still has the proposer boost", head)
	}
	headWeak, err := st.isHeadWeak(head)
	if err != nil {
		return spec.Root{}, err
	}
	parentStrong, err := st.isParentStrong(head)
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

// ShouldOverrideForkchoiceUpdate is should_override_forkchoice_update
// (bellatrix fork-choice.md, as it stood before consensus-specs removed it
// once execution engines had to process every forkchoiceUpdated): whether
// the proposer of the slot after head should hold back the
// forkchoiceUpdated call for head, because get_proposer_head will likely
// re-org it. Its conditions approximate get_proposer_head's at a time when
// the head's slot may not be over yet.
func (st *Store) ShouldOverrideForkchoiceUpdate(head spec.Root, validatorIsConnected func(spec.ValidatorIndex) bool) (bool, error) {
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

	// Only hold back the update if this node proposes the next block.
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
	// Unlike get_proposer_head, the head's own slot counts too.
	currentTimeOK := headBlock.Slot == currentSlot || (proposalSlot == currentSlot && proposingOnTime)
	singleSlotReorg := parentSlotOK && currentTimeOK

	// The head's weight only means something once the attestations of its
	// slot have been counted.
	headWeak, parentStrong := true, true
	if currentSlot > headBlock.Slot {
		if headWeak, err = st.isHeadWeak(head); err != nil {
			return false, err
		}
		if parentStrong, err = st.isParentStrong(head); err != nil {
			return false, err
		}
	}
	return headLate && shufflingStable && ffgCompetitive && finalizationOK &&
		proposingReorgSlot && singleSlotReorg && headWeak && parentStrong, nil
}
