package forkchoice

import (
	"github.com/quetzal-eth/quetzal/spec"
)

// prune drops, when the finalized checkpoint has moved on, what no
// handler or query can reach any more. The spec's store keeps everything;
// this keeps every answer the same while the chain finalizes normally:
//
//   - the finalized block's descendants, where every head lies;
//   - the descendants of the justified and unrealized justified blocks,
//     which are the finalized block's too unless finalization conflicts;
//   - the finalized block's ancestors back to the last one at or before
//     the start of the epoch before the finalized one: attestations in
//     blocks of the finalized epoch may target that epoch, and
//     get_ancestor walks down to these blocks.
//
// Votes for dropped blocks stay in latest_messages (their epochs still
// order later votes) and support no block in the store, as they supported
// none of the remaining blocks before. Checkpoint states of epochs before
// the one before finalization are dropped with the states of dropped
// blocks.
func (st *Store) prune() {
	finalized := st.finalizedCheckpoint
	if st.keepAll || finalized.Epoch <= st.prunedEpoch {
		return
	}
	if _, ok := st.blocks[finalized.Root]; !ok {
		return
	}
	s := st.spec
	keep := map[spec.Root]bool{}
	for _, root := range []spec.Root{finalized.Root, st.justifiedCheckpoint.Root, st.unrealizedJustifiedCheckpoint.Root} {
		st.markSubtree(root, keep)
	}
	floorEpoch := finalized.Epoch
	if floorEpoch > 0 {
		floorEpoch--
	}
	floor := s.ComputeStartSlotAtEpoch(floorEpoch)
	for root := finalized.Root; ; {
		block, ok := st.blocks[root]
		if !ok {
			break
		}
		keep[root] = true
		if block.Slot <= floor {
			break
		}
		root = block.ParentRoot
	}

	for root := range st.blocks {
		if keep[root] {
			continue
		}
		delete(st.blocks, root)
		delete(st.blockStates, root)
		delete(st.blockTimeliness, root)
		delete(st.unrealizedJustifications, root)
		delete(st.optimisticRoots, root)
		delete(st.invalidated, root)
		delete(st.unverifiedMerge, root)
	}
	for cp := range st.checkpointStates {
		if cp == st.justifiedCheckpoint {
			continue
		}
		if cp.Epoch < floorEpoch || !keep[cp.Root] {
			delete(st.checkpointStates, cp)
		}
	}
	st.children = map[spec.Root][]spec.Root{}
	for root, block := range st.blocks {
		if keep[block.ParentRoot] {
			st.children[block.ParentRoot] = append(st.children[block.ParentRoot], root)
		}
	}
	st.prunedEpoch = finalized.Epoch
}

// markSubtree adds root and its descendants in the store to set.
func (st *Store) markSubtree(root spec.Root, set map[spec.Root]bool) {
	if _, ok := st.blocks[root]; !ok {
		return
	}
	pending := []spec.Root{root}
	for len(pending) > 0 {
		r := pending[len(pending)-1]
		pending = pending[:len(pending)-1]
		if set[r] {
			continue
		}
		set[r] = true
		pending = append(pending, st.children[r]...)
	}
}
