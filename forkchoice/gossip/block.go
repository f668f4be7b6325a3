package gossip

import (
	"fmt"

	"github.com/quetzal-eth/quetzal/spec"
)

// PayloadValidationStatus is PayloadValidationStatus (bellatrix
// p2p-interface.md): what is known of a block's execution payload.
type PayloadValidationStatus uint8

const (
	// PayloadStatusValid is PAYLOAD_STATUS_VALID.
	PayloadStatusValid PayloadValidationStatus = iota
	// PayloadStatusInvalidated is PAYLOAD_STATUS_INVALIDATED.
	PayloadStatusInvalidated
	// PayloadStatusNotValidated is PAYLOAD_STATUS_NOT_VALIDATED: the
	// payload has not been verified yet (optimistic).
	PayloadStatusNotValidated
)

// PayloadStatuses is the spec's block_payload_statuses (bellatrix
// p2p-interface.md): the payload status of the blocks it knows.
type PayloadStatuses interface {
	PayloadStatus(root spec.Root) (PayloadValidationStatus, bool)
}

// PayloadStatusMap is block_payload_statuses as a map.
type PayloadStatusMap map[spec.Root]PayloadValidationStatus

func (m PayloadStatusMap) PayloadStatus(root spec.Root) (PayloadValidationStatus, bool) {
	status, ok := m[root]
	return status, ok
}

// ForkChoicePayloadStatuses reads block_payload_statuses off a fork-choice
// store: an imported block's payload is invalidated if the execution
// engine declared it (or an ancestor's) invalid after import, not
// validated while the block is optimistic, and valid otherwise. Blocks the
// store does not hold are unknown.
type ForkChoicePayloadStatuses struct {
	Store interface {
		Block(root spec.Root) (*spec.BeaconBlock, bool)
		IsOptimistic(root spec.Root) bool
		IsInvalidated(root spec.Root) bool
	}
}

func (f ForkChoicePayloadStatuses) PayloadStatus(root spec.Root) (PayloadValidationStatus, bool) {
	switch {
	case f.Store.IsInvalidated(root):
		return PayloadStatusInvalidated, true
	case f.Store.IsOptimistic(root):
		return PayloadStatusNotValidated, true
	}
	if _, ok := f.Store.Block(root); ok {
		return PayloadStatusValid, true
	}
	return 0, false
}

// ValidateBeaconBlockGossip is validate_beacon_block_gossip (phase0
// p2p-interface.md): the beacon_block topic. Bellatrix adds the execution
// payload's timestamp and what is known of the parent's payload
// (statuses, the spec's block_payload_statuses; nil knows nothing);
// capella, where execution is always enabled, decides on the parent's
// payload before the rest; deneb, electra and fulu add the limit on blob
// commitments.
func (v *Validator) ValidateBeaconBlockGossip(fork spec.ForkName, signed *spec.SignedBeaconBlock, nowMs uint64, statuses PayloadStatuses) error {
	s := v.Spec
	block := &signed.Message
	key := SlotIndex{block.Slot, block.ProposerIndex}

	// [IGNORE] The block is the first block with valid signature received
	// for the slot and proposer.
	if v.Seen.ProposerSlots[key] {
		return ignoref("block is not the first valid block for slot %d and proposer %d", block.Slot, block.ProposerIndex)
	}
	// [IGNORE] The block is not from a future slot (it may be queued).
	if v.isFutureSlot(block.Slot, nowMs) {
		return ignoref("block is from a future slot %d", block.Slot)
	}
	// [IGNORE] The block is from a slot greater than the latest finalized
	// slot.
	if finalized := v.finalizedSlot(); block.Slot <= finalized {
		return ignoref("block slot %d is not greater than the latest finalized slot %d", block.Slot, finalized)
	}
	// [IGNORE] The block's parent has been seen (it may be queued until the
	// parent is retrieved).
	parent, ok := v.Store.Block(block.ParentRoot)
	if !ok {
		return ignoref("block's parent %s has not been seen", block.ParentRoot)
	}

	parentStatus := PayloadStatusNotValidated
	if fork >= spec.Bellatrix && statuses != nil {
		if status, ok := statuses.PayloadStatus(block.ParentRoot); ok {
			parentStatus = status
		}
	}
	if _, ok := v.Store.BlockState(block.ParentRoot); !ok {
		return v.parentFailed(fork, block, parentStatus)
	}
	// [IGNORE] The block's parent passed validation but its execution
	// payload is invalid (capella, where execution is always enabled).
	if fork >= spec.Capella && parentStatus == PayloadStatusInvalidated {
		return ignoref("block's parent %s is valid and its payload is invalid", block.ParentRoot)
	}

	state, err := v.headState()
	if err != nil {
		return err
	}
	// [REJECT] The proposer index is a valid validator index.
	if !checkIndex(state, block.ProposerIndex) {
		return rejectf("proposer index %d out of range", block.ProposerIndex)
	}
	// [REJECT] The proposer signature is valid.
	proposer := &state.Validators[block.ProposerIndex]
	domain := s.GetDomain(state, spec.DomainBeaconProposer, s.ComputeEpochAtSlot(block.Slot))
	root, err := v.signingRoot(fork, block, domain)
	if err != nil {
		return err
	}
	if !v.verify(proposer.Pubkey, root, signed.Signature) {
		return rejectf("invalid proposer signature")
	}

	// Bellatrix checks the payload only once execution is enabled; from
	// capella it always is.
	if fork >= spec.Capella || (fork == spec.Bellatrix && s.IsExecutionEnabled(state, &block.Body)) {
		// [REJECT] The block's execution payload timestamp is correct with
		// respect to the slot.
		want, err := s.ComputeTimeAtSlot(state.GenesisTime, block.Slot)
		if err != nil || block.Body.ExecutionPayload.Timestamp != want {
			return rejectf("execution payload timestamp %d, slot %d starts at %d", block.Body.ExecutionPayload.Timestamp, block.Slot, want)
		}
		// [IGNORE] The block's parent passed validation but its execution
		// payload is invalid (where bellatrix checks it).
		if fork == spec.Bellatrix && parentStatus == PayloadStatusInvalidated {
			return ignoref("block's parent %s is valid and its payload is invalid", block.ParentRoot)
		}
	}

	// [REJECT] The block is from a higher slot than its parent.
	if block.Slot <= parent.Slot {
		return rejectf("block slot %d is not higher than its parent's %d", block.Slot, parent.Slot)
	}
	// [REJECT] The current finalized checkpoint is an ancestor of the
	// block.
	if !v.isFinalizedAncestor(block.ParentRoot) {
		return rejectf("finalized checkpoint is not an ancestor of block")
	}
	// [REJECT] The number of blob KZG commitments is within the limit
	// (new in deneb; the limit changes in electra, EIP-7691, and fulu,
	// EIP-7892).
	if fork >= spec.Deneb {
		limit := v.maxBlobsPerBlock(fork, s.ComputeEpochAtSlot(block.Slot))
		if n := uint64(len(block.Body.BlobKZGCommitments)); n > limit {
			return rejectf("%d blob kzg commitments, the limit is %d", n, limit)
		}
	}
	// [REJECT] The block is proposed by the expected proposer for the slot.
	expected, err := v.expectedProposer(block.ParentRoot, block.Slot)
	if err != nil {
		return err
	}
	if block.ProposerIndex != expected {
		return rejectf("block proposer_index %d, the proposer of slot %d is %d", block.ProposerIndex, block.Slot, expected)
	}

	v.Seen.ProposerSlots[key] = true
	return nil
}

// parentFailed is the verdict on a block whose parent was seen but has no
// post-state: the parent failed validation. Before bellatrix the block is
// rejected. From bellatrix, once execution is enabled, a parent whose
// payload was never verified failed on consensus grounds alone (reject),
// while one whose payload the engine judged may have failed because of the
// engine (ignore). Bellatrix tells whether execution is enabled from the
// justified checkpoint's state, since the parent has none, and merge
// completion never reverts.
func (v *Validator) parentFailed(fork spec.ForkName, block *spec.BeaconBlock, parentStatus PayloadValidationStatus) error {
	if fork < spec.Bellatrix {
		return rejectf("block's parent %s is invalid", block.ParentRoot)
	}
	if fork == spec.Bellatrix {
		justified := v.Store.JustifiedCheckpoint().Root
		st, ok := v.Store.BlockState(justified)
		if !ok {
			return fmt.Errorf("no post-state for the justified checkpoint %s", justified)
		}
		if !v.Spec.IsExecutionEnabled(st, &block.Body) {
			return rejectf("block's parent %s is invalid and execution is not enabled", block.ParentRoot)
		}
	}
	if parentStatus == PayloadStatusNotValidated {
		return rejectf("block's parent %s is invalid and its payload is optimistic", block.ParentRoot)
	}
	return ignoref("block's parent %s is invalid and its payload is processed", block.ParentRoot)
}

// maxBlobsPerBlock is the blob limit of a block at epoch under fork's
// rules: MAX_BLOBS_PER_BLOCK (deneb), MAX_BLOBS_PER_BLOCK_ELECTRA
// (electra, EIP-7691), the blob schedule's (fulu, EIP-7892).
func (v *Validator) maxBlobsPerBlock(fork spec.ForkName, epoch spec.Epoch) uint64 {
	switch {
	case fork >= spec.Fulu:
		return v.Spec.GetBlobParameters(epoch).MaxBlobsPerBlock
	case fork == spec.Electra:
		return v.Spec.MaxBlobsPerBlockElectra
	}
	return v.Spec.MaxBlobsPerBlock
}
