package forkchoice

import (
	"github.com/quetzal-eth/quetzal/spec"
)

// Optimistic sync (sync/optimistic.md): blocks whose payload the
// execution engine could not yet validate are imported, marked
// optimistic, and later either validated with their ancestors or
// invalidated with their descendants.

// ExecutionStatus is the status of an Engine API PayloadStatusV1.
type ExecutionStatus uint8

const (
	StatusValid ExecutionStatus = iota
	StatusInvalid
	StatusSyncing
	StatusAccepted
	StatusInvalidBlockHash
)

func (s ExecutionStatus) String() string {
	switch s {
	case StatusValid:
		return "VALID"
	case StatusInvalid:
		return "INVALID"
	case StatusSyncing:
		return "SYNCING"
	case StatusAccepted:
		return "ACCEPTED"
	case StatusInvalidBlockHash:
		return "INVALID_BLOCK_HASH"
	}
	return "ExecutionStatus(?)"
}

// PayloadStatus is the execution engine's verdict on a payload
// (PayloadStatusV1 of the Engine API).
type PayloadStatus struct {
	Status ExecutionStatus
	// LatestValidHash is the hash of the latest valid execution block in
	// the chain of the payload, nil if the engine did not say. It names
	// the ancestors an INVALID verdict condemns as well.
	LatestValidHash *spec.Hash32
}

// NotValidated reports whether the status is NOT_VALIDATED (SYNCING or
// ACCEPTED): the block may be imported optimistically.
func (p PayloadStatus) NotValidated() bool {
	return p.Status == StatusSyncing || p.Status == StatusAccepted
}

// Invalidated reports whether the status is INVALIDATED (INVALID or
// INVALID_BLOCK_HASH).
func (p PayloadStatus) Invalidated() bool {
	return p.Status == StatusInvalid || p.Status == StatusInvalidBlockHash
}

// ExecutionEngine is the execution engine as the fork choice asks it
// about a block's payload.
type ExecutionEngine interface {
	// VerifyAndNotifyNewPayload is verify_and_notify_new_payload, with
	// the engine's full answer. An error means the engine did not answer:
	// the block is then neither imported nor rejected for good.
	VerifyAndNotifyNewPayload(req *spec.NewPayloadRequest) (PayloadStatus, error)
}

// engineAnswer is the spec.ExecutionEngine the state transition of
// on_block asks. It returns true for VALID and NOT_VALIDATED, as an
// optimistic node's verify_and_notify_new_payload must, and keeps the
// full answer for the store.
type engineAnswer struct {
	engine   ExecutionEngine
	answered bool
	status   PayloadStatus
}

func (e *engineAnswer) VerifyAndNotifyNewPayload(req *spec.NewPayloadRequest) (bool, error) {
	if e.engine == nil {
		return false, nil
	}
	status, err := e.engine.VerifyAndNotifyNewPayload(req)
	if err != nil {
		return false, err
	}
	e.answered, e.status = true, status
	return !status.Invalidated(), nil
}

// isOptimisticCandidateBlock is is_optimistic_candidate_block
// (sync/optimistic.md): a block may be imported optimistically if its
// parent has a payload, or if it is at least
// SAFE_SLOTS_TO_IMPORT_OPTIMISTICALLY slots old; so a merge block (first
// with a payload) only when it is old.
func (st *Store) isOptimisticCandidateBlock(block *spec.BeaconBlock) bool {
	if parent, ok := st.blocks[block.ParentRoot]; ok && spec.IsExecutionBlock(parent) {
		return true
	}
	return block.Slot+st.opts.SafeSlotsToImportOptimistically <= st.getCurrentSlot()
}

// recordPayloadStatus records the engine's verdict on the payload of a
// block that was just imported.
func (st *Store) recordPayloadStatus(root spec.Root, engine *engineAnswer, optimistic, unverifiedMerge bool) {
	switch {
	case optimistic:
		st.optimisticRoots[root] = true
		if unverifiedMerge {
			st.unverifiedMerge[root] = true
		}
	case engine.answered && engine.status.Status == StatusValid:
		st.markValid(root)
	}
}

// OnPayloadStatus records a later verdict of the execution engine on the
// payload of block root (sync/optimistic.md): VALID validates the block
// and its ancestors; INVALID or INVALID_BLOCK_HASH invalidates the block
// or, as its latest valid hash says, an ancestor, with all their
// descendants, which leave the fork choice. NOT_VALIDATED changes
// nothing. Blocks already validated or invalidated keep their status.
func (st *Store) OnPayloadStatus(root spec.Root, status PayloadStatus) error {
	if _, ok := st.blocks[root]; !ok {
		return wrapf(ErrUnknownBlock, "payload status for block %s", root)
	}
	switch {
	case status.Status == StatusValid:
		st.markValid(root)
	case status.Invalidated():
		st.invalidateChain(root, status.LatestValidHash, true)
	}
	return nil
}

// markValid moves root and its optimistic ancestors from NOT_VALIDATED to
// VALID. A merge block imported without its proof-of-work blocks now gets
// validate_merge_block, and is invalidated if it fails.
func (st *Store) markValid(root spec.Root) {
	if st.invalidated[root] {
		return
	}
	var failedMerge []spec.Root
	for r := root; ; {
		block, ok := st.blocks[r]
		if !ok || !st.optimisticRoots[r] && r != root {
			break
		}
		delete(st.optimisticRoots, r)
		if st.unverifiedMerge[r] {
			delete(st.unverifiedMerge, r)
			if err := st.validateMergeBlock(block); err != nil {
				failedMerge = append(failedMerge, r)
			}
		}
		r = block.ParentRoot
	}
	for _, r := range failedMerge {
		st.invalidateSubtree(r, true)
	}
}

// invalidateChain applies an INVALID verdict on a payload, as "How to
// apply latestValidHash when payload status is INVALID" has it. The block
// with the payload is from if includeFrom, else a child of from that was
// not imported. The invalid block is the child of the block whose payload
// hash is latestValidHash, in that block's chain; with a zero hash, the
// first block of the chain with a payload; with none, or a hash not in
// the chain, the block with the payload.
func (st *Store) invalidateChain(from spec.Root, latestValidHash *spec.Hash32, includeFrom bool) {
	// chain is the block with the payload (if imported) and its
	// ancestors in the store, newest first.
	var chain []spec.Root
	for r := from; ; {
		block, ok := st.blocks[r]
		if !ok {
			break
		}
		chain = append(chain, r)
		r = block.ParentRoot
	}
	first := 0 // chain[first:] holds the ancestors of the block with the payload
	if includeFrom {
		first = 1
	}
	invalid := -1 // index in chain of the invalid block; -1: the payload's own block
	switch {
	case latestValidHash == nil:
	case *latestValidHash == (spec.Hash32{}):
		for i := len(chain) - 1; i >= first; i-- {
			if spec.IsExecutionBlock(st.blocks[chain[i]]) {
				invalid = i
				break
			}
		}
	default:
		for i := first; i < len(chain); i++ {
			if st.blocks[chain[i]].Body.ExecutionPayload.BlockHash == *latestValidHash {
				invalid = i - 1
				break
			}
		}
	}
	if includeFrom && len(chain) > 0 {
		st.invalidateSubtree(chain[0], true)
	}
	if invalid >= first {
		st.invalidateSubtree(chain[invalid], false)
	}
}

// invalidateSubtree marks root and its descendants INVALIDATED. Blocks
// already VALID cannot become invalid (sync/optimistic.md); unless force
// (the block's own payload was found invalid), a root that is not
// optimistic is left alone.
func (st *Store) invalidateSubtree(root spec.Root, force bool) {
	if !force && !st.optimisticRoots[root] {
		return
	}
	pending := []spec.Root{root}
	for len(pending) > 0 {
		r := pending[len(pending)-1]
		pending = pending[:len(pending)-1]
		st.invalidated[r] = true
		delete(st.optimisticRoots, r)
		delete(st.unverifiedMerge, r)
		pending = append(pending, st.children[r]...)
	}
}
