package forkchoice

import (
	"fmt"

	"github.com/quetzal-eth/quetzal/spec"
)

// The merge block check of bellatrix fork-choice.md.

// errPowBlocksUnknown is why validate_merge_block fails when the terminal
// proof-of-work block or its parent is unknown: the check may pass once
// they are known, and an optimistic import may skip it until then.
var errPowBlocksUnknown = fmt.Errorf("%w: terminal proof-of-work block unknown", ErrUnavailable)

// IsValidTerminalPowBlock is is_valid_terminal_pow_block (bellatrix
// fork-choice.md): block reached TERMINAL_TOTAL_DIFFICULTY and its parent
// did not.
func IsValidTerminalPowBlock(s *spec.Spec, block, parent *spec.PowBlock) bool {
	ttd := &s.TerminalTotalDifficulty
	isTotalDifficultyReached := compareUint256(&block.TotalDifficulty, ttd) >= 0
	isParentTotalDifficultyValid := compareUint256(&parent.TotalDifficulty, ttd) < 0
	return isTotalDifficultyReached && isParentTotalDifficultyValid
}

// compareUint256 compares two little-endian uint256 values: -1, 0 or 1.
func compareUint256(a, b *[32]byte) int {
	for i := 31; i >= 0; i-- {
		switch {
		case a[i] < b[i]:
			return -1
		case a[i] > b[i]:
			return 1
		}
	}
	return 0
}

// validateMergeBlock is validate_merge_block (bellatrix fork-choice.md):
// the payload of the merge block builds on the terminal PoW block, which
// TERMINAL_BLOCK_HASH names if it is set, and which has otherwise just
// reached the terminal total difficulty.
func (st *Store) validateMergeBlock(block *spec.BeaconBlock) error {
	s := st.spec
	parentHash := block.Body.ExecutionPayload.ParentHash
	if s.TerminalBlockHash != (spec.Hash32{}) {
		// TERMINAL_BLOCK_HASH overrides the difficulty, from its
		// activation epoch on.
		if s.ComputeEpochAtSlot(block.Slot) < s.TerminalBlockHashActivationEpoch {
			return invalidf("merge block at slot %d before TERMINAL_BLOCK_HASH_ACTIVATION_EPOCH %d", block.Slot, s.TerminalBlockHashActivationEpoch)
		}
		if parentHash != s.TerminalBlockHash {
			return invalidf("merge block builds on %s, not TERMINAL_BLOCK_HASH %s", parentHash, s.TerminalBlockHash)
		}
		return nil
	}
	powBlock, ok := st.getPowBlock(parentHash)
	if !ok {
		return fmt.Errorf("%w: %s", errPowBlocksUnknown, parentHash)
	}
	powParent, ok := st.getPowBlock(powBlock.ParentHash)
	if !ok {
		return fmt.Errorf("%w: parent %s of %s", errPowBlocksUnknown, powBlock.ParentHash, parentHash)
	}
	if !IsValidTerminalPowBlock(s, powBlock, powParent) {
		return invalidf("proof-of-work block %s is not a valid terminal block", parentHash)
	}
	return nil
}

// getPowBlock is get_pow_block.
func (st *Store) getPowBlock(hash spec.Hash32) (*spec.PowBlock, bool) {
	if st.opts.PowChain == nil {
		return nil, false
	}
	b, ok := st.opts.PowChain.GetPowBlock(hash)
	return b, ok && b != nil
}
