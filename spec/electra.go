package spec

// What electra beacon-chain.md and fork.md add or change (EIP-6110,
// EIP-7002, EIP-7251, EIP-7549).

// ComputeExitEpochAndUpdateChurn is compute_exit_epoch_and_update_churn.
func (s *Spec) ComputeExitEpochAndUpdateChurn(st *BeaconState, exitBalance Gwei) Epoch { return 0 }

// processAttestationElectra is electra's process_attestation.
func (t *Transition) processAttestationElectra(st *BeaconState, a *Attestation) error {
	return notImplemented("process_attestation")
}

// applyDepositElectra is electra's apply_deposit.
func (t *Transition) applyDepositElectra(st *BeaconState, pubkey BLSPubkey, credentials Root, amount Gwei, signature BLSSignature) error {
	return notImplemented("apply_deposit")
}

// processRegistryUpdatesElectra is electra's process_registry_updates.
func (s *Spec) processRegistryUpdatesElectra(st *BeaconState) error {
	return notImplemented("process_registry_updates")
}

// processSlashingsElectra is electra's process_slashings.
func (s *Spec) processSlashingsElectra(st *BeaconState) error {
	return notImplemented("process_slashings")
}

// ProcessPendingDeposits is process_pending_deposits.
func (s *Spec) ProcessPendingDeposits(st *BeaconState) error {
	return notImplemented("process_pending_deposits")
}

// ProcessPendingConsolidations is process_pending_consolidations.
func (s *Spec) ProcessPendingConsolidations(st *BeaconState) error {
	return notImplemented("process_pending_consolidations")
}

// ProcessDepositRequest is process_deposit_request.
func (t *Transition) ProcessDepositRequest(st *BeaconState, r *DepositRequest) error {
	return notImplemented("process_deposit_request")
}

// ProcessWithdrawalRequest is process_withdrawal_request.
func (t *Transition) ProcessWithdrawalRequest(st *BeaconState, r *WithdrawalRequest) error {
	return notImplemented("process_withdrawal_request")
}

// ProcessConsolidationRequest is process_consolidation_request.
func (t *Transition) ProcessConsolidationRequest(st *BeaconState, r *ConsolidationRequest) error {
	return notImplemented("process_consolidation_request")
}

// UpgradeToElectra is upgrade_to_electra, in place.
func (s *Spec) UpgradeToElectra(st *BeaconState) error {
	return notImplemented("upgrade_to_electra")
}
