package spec

// What bellatrix, capella and deneb beacon-chain.md and fork.md add or
// change: the execution payload, withdrawals, BLS-to-execution changes,
// historical summaries, and their changes in electra and fulu.

// IsMergeTransitionComplete is is_merge_transition_complete (bellatrix).
func (s *Spec) IsMergeTransitionComplete(st *BeaconState) bool { return false }

// IsExecutionEnabled is is_execution_enabled (bellatrix).
func (s *Spec) IsExecutionEnabled(st *BeaconState, body *BeaconBlockBody) bool { return false }

// ProcessExecutionPayload is process_execution_payload (last modified in
// fulu).
func (t *Transition) ProcessExecutionPayload(st *BeaconState, body *BeaconBlockBody) error {
	return notImplemented("process_execution_payload")
}

// ProcessWithdrawals is process_withdrawals (last modified in electra).
func (t *Transition) ProcessWithdrawals(st *BeaconState, payload *ExecutionPayload) error {
	return notImplemented("process_withdrawals")
}

// ProcessBLSToExecutionChange is process_bls_to_execution_change.
func (t *Transition) ProcessBLSToExecutionChange(st *BeaconState, c *SignedBLSToExecutionChange) error {
	return notImplemented("process_bls_to_execution_change")
}

// ProcessHistoricalSummariesUpdate is process_historical_summaries_update.
func (s *Spec) ProcessHistoricalSummariesUpdate(st *BeaconState) error {
	return notImplemented("process_historical_summaries_update")
}

// UpgradeToBellatrix is upgrade_to_bellatrix, in place.
func (s *Spec) UpgradeToBellatrix(st *BeaconState) error {
	return notImplemented("upgrade_to_bellatrix")
}

// UpgradeToCapella is upgrade_to_capella, in place.
func (s *Spec) UpgradeToCapella(st *BeaconState) error {
	return notImplemented("upgrade_to_capella")
}

// UpgradeToDeneb is upgrade_to_deneb, in place.
func (s *Spec) UpgradeToDeneb(st *BeaconState) error {
	return notImplemented("upgrade_to_deneb")
}
