package forkchoice

import (
	"math/bits"

	"github.com/quetzal-eth/quetzal/spec"
)

// LatestMessage is LatestMessage (phase0 fork-choice.md): a validator's
// latest vote, the block it attested to and the epoch of its target.
type LatestMessage struct {
	Epoch spec.Epoch
	Root  spec.Root
}

// Store is the fork-choice store of phase0 fork-choice.md (Store), with
// its functions as methods named as in the spec. It also keeps what
// optimistic sync tracks (sync/optimistic.md) and drops the blocks that
// finalization makes irrelevant.
//
// A Store is not safe for concurrent use.
type Store struct {
	spec *spec.Spec
	opts Options

	timeMs                        uint64
	genesisTimeMs                 uint64
	justifiedCheckpoint           spec.Checkpoint
	finalizedCheckpoint           spec.Checkpoint
	unrealizedJustifiedCheckpoint spec.Checkpoint
	unrealizedFinalizedCheckpoint spec.Checkpoint
	proposerBoostRoot             spec.Root
	equivocatingIndices           map[spec.ValidatorIndex]bool
	blocks                        map[spec.Root]*spec.BeaconBlock
	blockStates                   map[spec.Root]*spec.BeaconState
	blockTimeliness               map[spec.Root]bool
	checkpointStates              map[spec.Checkpoint]*spec.BeaconState
	latestMessages                map[spec.ValidatorIndex]LatestMessage
	unrealizedJustifications      map[spec.Root]spec.Checkpoint

	// children indexes blocks by parent root, so that get_node_children
	// need not scan every block.
	children map[spec.Root][]spec.Root

	// optimisticRoots is opt_store.optimistic_roots (sync/optimistic.md):
	// blocks whose payload the engine has answered only NOT_VALIDATED.
	optimisticRoots map[spec.Root]bool
	// invalidated holds the blocks whose payload became INVALIDATED after
	// import, and their descendants.
	invalidated map[spec.Root]bool
	// unverifiedMerge holds merge blocks imported optimistically while
	// their terminal proof-of-work blocks were unknown; validate_merge_block
	// runs when their payload is declared valid.
	unverifiedMerge map[spec.Root]bool

	// lmd records the latest messages and computes from them when the
	// store is Fast's; nil, the store does as the spec does.
	lmd lmdGhost

	// prunedEpoch is the finalized epoch of the last pruning.
	prunedEpoch spec.Epoch
	// keepAll turns pruning off, for tests that compare a pruned store
	// with the spec's, which keeps everything.
	keepAll bool
}

var _ ForkChoice = (*Store)(nil)

// GetForkchoiceStore is get_forkchoice_store (phase0 fork-choice.md): a
// store anchored at anchorState and anchorBlock, whose post-state it is.
// The anchor is the genesis state and block, or for checkpoint sync any
// finalized state and block; it becomes the justified and finalized
// checkpoint of its epoch, and its payload counts as valid.
//
// The store keeps a copy of the anchor state, and the anchor block, which
// the caller must not modify afterwards.
func GetForkchoiceStore(s *spec.Spec, anchorState *spec.BeaconState, anchorBlock *spec.BeaconBlock, opts Options) (*Store, error) {
	stateRoot, err := s.StateRoot(anchorState)
	if err != nil {
		return nil, err
	}
	if anchorBlock.StateRoot != stateRoot {
		return nil, invalidf("anchor block state root %s, anchor state has %s", anchorBlock.StateRoot, stateRoot)
	}
	anchorRoot, err := blockRoot(s, anchorBlock)
	if err != nil {
		return nil, err
	}
	anchorEpoch := s.GetCurrentEpoch(anchorState)
	justifiedCheckpoint := spec.Checkpoint{Epoch: anchorEpoch, Root: anchorRoot}
	finalizedCheckpoint := spec.Checkpoint{Epoch: anchorEpoch, Root: anchorRoot}
	genesisTimeMs := SecondsToMilliseconds(anchorState.GenesisTime)
	timeMs, err := ComputeTimeAtSlotMs(s, genesisTimeMs, anchorState.Slot)
	if err != nil {
		return nil, err
	}
	if opts.SafeSlotsToImportOptimistically == 0 {
		opts.SafeSlotsToImportOptimistically = SafeSlotsToImportOptimistically
	}
	block := *anchorBlock
	return &Store{
		spec:                          s,
		opts:                          opts,
		timeMs:                        timeMs,
		genesisTimeMs:                 genesisTimeMs,
		justifiedCheckpoint:           justifiedCheckpoint,
		finalizedCheckpoint:           finalizedCheckpoint,
		unrealizedJustifiedCheckpoint: justifiedCheckpoint,
		unrealizedFinalizedCheckpoint: finalizedCheckpoint,
		equivocatingIndices:           map[spec.ValidatorIndex]bool{},
		blocks:                        map[spec.Root]*spec.BeaconBlock{anchorRoot: &block},
		blockStates:                   map[spec.Root]*spec.BeaconState{anchorRoot: anchorState.Copy()},
		blockTimeliness:               map[spec.Root]bool{},
		checkpointStates:              map[spec.Checkpoint]*spec.BeaconState{justifiedCheckpoint: anchorState.Copy()},
		latestMessages:                map[spec.ValidatorIndex]LatestMessage{},
		unrealizedJustifications:      map[spec.Root]spec.Checkpoint{anchorRoot: justifiedCheckpoint},
		children:                      map[spec.Root][]spec.Root{},
		optimisticRoots:               map[spec.Root]bool{},
		invalidated:                   map[spec.Root]bool{},
		unverifiedMerge:               map[spec.Root]bool{},
		prunedEpoch:                   anchorEpoch,
	}, nil
}

// blockRoot is hash_tree_root(block), under the fork of the block's slot.
func blockRoot(s *spec.Spec, block *spec.BeaconBlock) (spec.Root, error) {
	return spec.HashTreeRoot(s.Schema(s.ForkAtSlot(block.Slot)), block)
}

// --- Accessors ---

// Spec returns the spec the store runs.
func (st *Store) Spec() *spec.Spec { return st.spec }

// The accessors below are those of ForkChoice, which documents them.

func (st *Store) TimeMs() uint64                       { return st.timeMs }
func (st *Store) GenesisTimeMs() uint64                { return st.genesisTimeMs }
func (st *Store) JustifiedCheckpoint() spec.Checkpoint { return st.justifiedCheckpoint }
func (st *Store) FinalizedCheckpoint() spec.Checkpoint { return st.finalizedCheckpoint }
func (st *Store) UnrealizedJustifiedCheckpoint() spec.Checkpoint {
	return st.unrealizedJustifiedCheckpoint
}
func (st *Store) UnrealizedFinalizedCheckpoint() spec.Checkpoint {
	return st.unrealizedFinalizedCheckpoint
}
func (st *Store) ProposerBoostRoot() spec.Root      { return st.proposerBoostRoot }
func (st *Store) IsOptimistic(root spec.Root) bool  { return st.optimisticRoots[root] }
func (st *Store) IsInvalidated(root spec.Root) bool { return st.invalidated[root] }

func (st *Store) Block(root spec.Root) (*spec.BeaconBlock, bool) {
	b, ok := st.blocks[root]
	return b, ok
}

func (st *Store) BlockState(root spec.Root) (*spec.BeaconState, bool) {
	b, ok := st.blockStates[root]
	return b, ok
}

// LatestMessage returns store.latest_messages[index], if the validator
// has voted.
func (st *Store) LatestMessage(index spec.ValidatorIndex) (LatestMessage, bool) {
	m, ok := st.latestMessages[index]
	return m, ok
}

// IsEquivocating reports whether index is in store.equivocating_indices.
func (st *Store) IsEquivocating(index spec.ValidatorIndex) bool {
	return st.equivocatingIndices[index]
}

// CurrentSlot is get_current_slot (phase0 fork-choice.md).
func (st *Store) CurrentSlot() spec.Slot { return st.getCurrentSlot() }

// --- Helpers of phase0 fork-choice.md ---

// getTimeIntoSlotMs is get_time_into_slot_ms.
func (st *Store) getTimeIntoSlotMs() uint64 {
	// The time of the current slot is not after store.time_ms, so it
	// cannot overflow.
	start, _ := ComputeTimeAtSlotMs(st.spec, st.genesisTimeMs, st.getCurrentSlot())
	return st.timeMs - start
}

// getCurrentSlot is get_current_slot (get_slots_since_genesis). The store
// never holds a time before genesis.
func (st *Store) getCurrentSlot() spec.Slot {
	return spec.Slot((st.timeMs - st.genesisTimeMs) / st.spec.SlotDurationMS)
}

// getCurrentStoreEpoch is get_current_store_epoch.
func (st *Store) getCurrentStoreEpoch() spec.Epoch {
	return st.spec.ComputeEpochAtSlot(st.getCurrentSlot())
}

// getAncestor is get_ancestor: the block of root's chain at slot, or the
// last block before it if slot was skipped. Where the chain leaves the
// store (below the anchor, or below what pruning kept) it returns the
// oldest block it reached, as if that block stood for every earlier slot;
// the spec would fail there.
func (st *Store) getAncestor(root spec.Root, slot spec.Slot) spec.Root {
	for {
		block, ok := st.blocks[root]
		if !ok || block.Slot <= slot {
			return root
		}
		if _, ok := st.blocks[block.ParentRoot]; !ok {
			return root
		}
		root = block.ParentRoot
	}
}

// isAncestor is is_ancestor: ancestor is root or a block of its chain.
func (st *Store) isAncestor(root, ancestor spec.Root) bool {
	a, ok := st.blocks[ancestor]
	if !ok {
		return false
	}
	if _, ok := st.blocks[root]; !ok {
		return false
	}
	return st.getAncestor(root, a.Slot) == ancestor
}

// getCheckpointBlock is get_checkpoint_block: the checkpoint block of
// epoch in the chain of root.
func (st *Store) getCheckpointBlock(root spec.Root, epoch spec.Epoch) spec.Root {
	return st.getAncestor(root, st.spec.ComputeStartSlotAtEpoch(epoch))
}

// calculateCommitteeFraction is calculate_committee_fraction: percent of
// the unslashed active balance of one slot's committees.
func (st *Store) calculateCommitteeFraction(state *spec.BeaconState, committeePercent uint64) spec.Gwei {
	s := st.spec
	var indices []spec.ValidatorIndex
	for _, index := range s.GetActiveValidatorIndices(state, s.GetCurrentEpoch(state)) {
		if !state.Validators[index].Slashed {
			indices = append(indices, index)
		}
	}
	committeeWeight := uint64(s.GetTotalBalance(state, indices)) / uint64(s.SlotsPerEpoch)
	return spec.Gwei(mulDiv(committeeWeight, committeePercent, 100))
}

// mulDiv returns a*b/c computed in 128 bits; the spec's integers are
// unbounded.
func mulDiv(a, b, c uint64) uint64 {
	hi, lo := bits.Mul64(a, b)
	if hi >= c {
		return spec.Uint64Max
	}
	q, _ := bits.Div64(hi, lo, c)
	return q
}

// getNodeChildren is get_node_children: the children of root, without
// the blocks the execution engine invalidated (sync/optimistic.md removes
// them from the fork choice).
func (st *Store) getNodeChildren(root spec.Root) []spec.Root {
	var out []spec.Root
	for _, child := range st.children[root] {
		if !st.invalidated[child] {
			out = append(out, child)
		}
	}
	return out
}

// addBlock puts a block and its post-state into the store.
func (st *Store) addBlock(root spec.Root, block *spec.BeaconBlock, state *spec.BeaconState) {
	st.blocks[root] = block
	st.blockStates[root] = state
	st.children[block.ParentRoot] = append(st.children[block.ParentRoot], root)
}
