package spec

// Helpers that the fork choice (package forkchoice) needs from this
// package's unexported parts.

// IsExecutionBlock is is_execution_block (sync/optimistic.md): the block
// carries an execution payload, that is one other than ExecutionPayload().
// Blocks of forks before bellatrix have none.
func IsExecutionBlock(block *BeaconBlock) bool {
	return !isEmptyPayload(&block.Body.ExecutionPayload)
}
