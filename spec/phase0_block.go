package spec

// Block processing of phase0 beacon-chain.md, with the changes later forks
// made to these same functions (deposits, exits, attestation dispatch).

// ProcessBlockHeader is process_block_header.
func (t *Transition) ProcessBlockHeader(st *BeaconState, block *BeaconBlock) error {
	return notImplemented("process_block_header")
}

// ProcessRandao is process_randao.
func (t *Transition) ProcessRandao(st *BeaconState, body *BeaconBlockBody) error {
	return notImplemented("process_randao")
}

// ProcessEth1Data is process_eth1_data.
func (t *Transition) ProcessEth1Data(st *BeaconState, body *BeaconBlockBody) error {
	return notImplemented("process_eth1_data")
}

// ProcessProposerSlashing is process_proposer_slashing.
func (t *Transition) ProcessProposerSlashing(st *BeaconState, ps *ProposerSlashing) error {
	return notImplemented("process_proposer_slashing")
}

// ProcessAttesterSlashing is process_attester_slashing.
func (t *Transition) ProcessAttesterSlashing(st *BeaconState, as *AttesterSlashing) error {
	return notImplemented("process_attester_slashing")
}

// ProcessAttestation is process_attestation: phase0's pending attestations;
// altair's participation flags (processAttestationAltair, also deneb's
// inclusion rule); electra's committee bits (processAttestationElectra).
func (t *Transition) ProcessAttestation(st *BeaconState, a *Attestation) error {
	return notImplemented("process_attestation")
}

// ProcessDeposit is process_deposit (apply_deposit of altair and electra
// included).
func (t *Transition) ProcessDeposit(st *BeaconState, d *Deposit) error {
	return notImplemented("process_deposit")
}

// ProcessVoluntaryExit is process_voluntary_exit (last modified in electra;
// deneb fixed the signing domain, EIP-7044).
func (t *Transition) ProcessVoluntaryExit(st *BeaconState, e *SignedVoluntaryExit) error {
	return notImplemented("process_voluntary_exit")
}
