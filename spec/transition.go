package spec

import (
	"fmt"

	"github.com/quetzal-eth/quetzal/spec/bls"
)

// ExecutionEngine is the part of the execution client that the state
// transition asks about a payload (bellatrix..fulu beacon-chain.md,
// "Execution engine"). It is passed in, so the spec itself stays pure: a
// node passes its Engine API client, the spec tests a stub that answers as
// the vector's execution.yaml says.
type ExecutionEngine interface {
	// VerifyAndNotifyNewPayload is verify_and_notify_new_payload: it
	// reports whether the payload (with the blob versioned hashes, parent
	// beacon block root and execution requests of later forks) is valid. An
	// error means the engine could not answer; it is not a verdict.
	VerifyAndNotifyNewPayload(req *NewPayloadRequest) (bool, error)
}

// SignatureMode says how the state transition treats the BLS signatures
// that the spec asserts.
type SignatureMode uint8

const (
	// SignaturesEach verifies each signature where the spec checks it.
	SignaturesEach SignatureMode = iota
	// SignaturesBatch collects the signatures a block asserts (proposer,
	// RANDAO, slashings, attestations, exits, BLS-to-execution changes,
	// sync aggregate) and verifies them together, across cores, at the end
	// of ProcessBlock. Deposit signatures, which decide whether a deposit
	// is applied rather than whether the block is valid, are still checked
	// one by one.
	SignaturesBatch
	// SignaturesOff takes every signature as valid, as the spec tests do
	// with bls_setting 2 (their signatures are not real).
	SignaturesOff
)

// Transition runs the beacon-chain state transition of one chain. It holds
// the spec (presets and config), the execution engine, and how signatures
// are checked. The processing functions are its methods and are named as
// in the spec; the helpers they use are methods of the embedded *Spec.
//
// A Transition is not safe for concurrent use; it is cheap to create one
// per goroutine.
type Transition struct {
	*Spec
	// Engine answers verify_and_notify_new_payload. If nil, every payload
	// is reported invalid by process_execution_payload.
	Engine ExecutionEngine
	// Signatures says how BLS signatures are checked.
	Signatures SignatureMode
	// ReferenceEpoch makes ProcessSlots run ProcessEpoch, the spec-shaped
	// epoch processing, instead of ProcessEpochFast. Both give the same
	// state; the reference walks the registry once or more per step and
	// is much slower on a large registry.
	ReferenceEpoch bool

	// batch holds the signature sets collected in SignaturesBatch mode.
	batch []bls.SignatureSet
}

// NewTransition returns a Transition for spec s that checks signatures in
// batches and asks engine about payloads.
func NewTransition(s *Spec, engine ExecutionEngine) *Transition {
	return &Transition{Spec: s, Engine: engine, Signatures: SignaturesBatch}
}

// StateFork returns the fork of st, from its fork version
// (state.fork.current_version). When the version is not one of the
// configured forks, the fork is the one scheduled at st's slot.
func (s *Spec) StateFork(st *BeaconState) ForkName {
	if f, ok := s.ForkByVersion(st.Fork.CurrentVersion); ok {
		return f
	}
	return s.ForkAtSlot(st.Slot)
}

// StateTransition is state_transition (phase0 beacon-chain.md): process the
// slots up to the block's slot, check the proposer's signature, process the
// block and, if validateResult, check the block's state root.
//
// Like the spec, it changes st in place and leaves it in an unspecified
// state when it returns an error; ApplyBlock keeps the pre-state intact.
func (t *Transition) StateTransition(st *BeaconState, signed *SignedBeaconBlock, validateResult bool) error {
	block := &signed.Message
	if err := t.ProcessSlots(st, block.Slot); err != nil {
		return err
	}
	// In SignaturesBatch mode the proposer's signature joins the block's
	// batch, verified at the end of process_block.
	t.batch = t.batch[:0]
	if validateResult {
		if err := t.verifyBlockSignature(st, signed); err != nil {
			return err
		}
	}
	if err := t.processBlock(st, block); err != nil {
		return err
	}
	if err := t.flushSignatures(); err != nil {
		return err
	}
	if validateResult {
		root, err := t.StateRoot(st)
		if err != nil {
			return err
		}
		if block.StateRoot != root {
			return opError("state_transition", -1, invalidf("block state root %s, state has %s", block.StateRoot, root))
		}
	}
	return nil
}

// ApplyBlock runs StateTransition on a copy of pre and returns the
// post-state; pre is never changed, also when the block is invalid.
func (t *Transition) ApplyBlock(pre *BeaconState, signed *SignedBeaconBlock, validateResult bool) (*BeaconState, error) {
	st := pre.Copy()
	if err := t.StateTransition(st, signed, validateResult); err != nil {
		return nil, err
	}
	return st, nil
}

// VerifyBlockSignature is verify_block_signature (phase0 beacon-chain.md).
// In SignaturesBatch mode too it verifies the signature before it returns.
func (t *Transition) VerifyBlockSignature(st *BeaconState, signed *SignedBeaconBlock) error {
	t.batch = t.batch[:0]
	if err := t.verifyBlockSignature(st, signed); err != nil {
		return err
	}
	return t.flushSignatures()
}

// verifyBlockSignature is verify_block_signature with the signature
// verified as t.Signatures says (in SignaturesBatch mode: added to the
// batch).
func (t *Transition) verifyBlockSignature(st *BeaconState, signed *SignedBeaconBlock) error {
	block := &signed.Message
	if uint64(block.ProposerIndex) >= uint64(len(st.Validators)) {
		return opError("verify_block_signature", -1, invalidf("proposer index %d out of range", block.ProposerIndex))
	}
	domain := t.GetDomain(st, DomainBeaconProposer, t.ComputeEpochAtSlot(block.Slot))
	root, err := t.signingRoot(st, block, domain)
	if err != nil {
		return err
	}
	return opError("verify_block_signature", -1, t.verifyValidator(st, block.ProposerIndex, root, signed.Signature))
}

// ProcessSlots is process_slots (phase0 beacon-chain.md), with the fork
// upgrades a node runs at each fork's first slot (the upgrade_to_* of each
// fork's fork.md).
func (t *Transition) ProcessSlots(st *BeaconState, slot Slot) error {
	if st.Slot >= slot {
		return opError("process_slots", -1, invalidf("state slot %d is not before slot %d", st.Slot, slot))
	}
	for st.Slot < slot {
		if err := t.ProcessSlot(st); err != nil {
			return err
		}
		// Process epoch on the start slot of the next epoch.
		if (st.Slot+1)%t.SlotsPerEpoch == 0 {
			processEpoch := t.ProcessEpochFast
			if t.ReferenceEpoch {
				processEpoch = t.ProcessEpoch
			}
			if err := processEpoch(st); err != nil {
				return err
			}
		}
		st.Slot++
		if st.Slot%t.SlotsPerEpoch == 0 {
			if err := t.upgradeAtEpoch(st, t.ComputeEpochAtSlot(st.Slot)); err != nil {
				return err
			}
			// The caches beside the state, if it has them, move on to the
			// new epoch.
			t.rotateCaches(st)
		}
	}
	return nil
}

// upgradeAtEpoch runs the upgrade of every fork scheduled at epoch, in
// order (a test network may schedule several forks at one epoch).
func (s *Spec) upgradeAtEpoch(st *BeaconState, epoch Epoch) error {
	upgrades := []struct {
		fork    ForkName
		upgrade func(*BeaconState) error
	}{
		{Altair, s.UpgradeToAltair},
		{Bellatrix, s.UpgradeToBellatrix},
		{Capella, s.UpgradeToCapella},
		{Deneb, s.UpgradeToDeneb},
		{Electra, s.UpgradeToElectra},
		{Fulu, s.UpgradeToFulu},
	}
	for _, u := range upgrades {
		if s.ForkEpoch(u.fork) == epoch && s.StateFork(st) < u.fork {
			if err := u.upgrade(st); err != nil {
				return fmt.Errorf("upgrade to %s: %w", u.fork, err)
			}
		}
	}
	return nil
}

// ProcessSlot is process_slot (phase0 beacon-chain.md): it caches the
// state root and block root of the slot that ends.
func (s *Spec) ProcessSlot(st *BeaconState) error {
	previousStateRoot, err := s.StateRoot(st)
	if err != nil {
		return err
	}
	st.StateRoots[uint64(st.Slot)%uint64(s.SlotsPerHistoricalRoot)] = previousStateRoot
	if st.LatestBlockHeader.StateRoot == (Root{}) {
		st.LatestBlockHeader.StateRoot = previousStateRoot
	}
	previousBlockRoot, err := HashTreeRoot(s.Schema(Phase0), &st.LatestBlockHeader)
	if err != nil {
		return err
	}
	st.BlockRoots[uint64(st.Slot)%uint64(s.SlotsPerHistoricalRoot)] = previousBlockRoot
	return nil
}

// ProcessEpoch is process_epoch, as each fork's beacon-chain.md lists its
// steps (last modified in fulu).
func (s *Spec) ProcessEpoch(st *BeaconState) error {
	fork := s.StateFork(st)
	steps := []struct {
		name  string
		from  ForkName // first fork with the step
		until ForkName // first fork without it (0: none)
		run   func(*BeaconState) error
	}{
		{"process_justification_and_finalization", Phase0, 0, s.ProcessJustificationAndFinalization},
		{"process_inactivity_updates", Altair, 0, s.ProcessInactivityUpdates},
		{"process_rewards_and_penalties", Phase0, 0, s.ProcessRewardsAndPenalties},
		{"process_registry_updates", Phase0, 0, s.ProcessRegistryUpdates},
		{"process_slashings", Phase0, 0, s.ProcessSlashings},
		{"process_eth1_data_reset", Phase0, 0, s.ProcessEth1DataReset},
		{"process_pending_deposits", Electra, 0, s.ProcessPendingDeposits},
		{"process_pending_consolidations", Electra, 0, s.ProcessPendingConsolidations},
		{"process_effective_balance_updates", Phase0, 0, s.ProcessEffectiveBalanceUpdates},
		{"process_slashings_reset", Phase0, 0, s.ProcessSlashingsReset},
		{"process_randao_mixes_reset", Phase0, 0, s.ProcessRandaoMixesReset},
		{"process_historical_roots_update", Phase0, Capella, s.ProcessHistoricalRootsUpdate},
		{"process_historical_summaries_update", Capella, 0, s.ProcessHistoricalSummariesUpdate},
		{"process_participation_record_updates", Phase0, Altair, s.ProcessParticipationRecordUpdates},
		{"process_participation_flag_updates", Altair, 0, s.ProcessParticipationFlagUpdates},
		{"process_sync_committee_updates", Altair, 0, s.ProcessSyncCommitteeUpdates},
		{"process_proposer_lookahead", Fulu, 0, s.ProcessProposerLookahead},
	}
	for _, step := range steps {
		if fork < step.from || (step.until != 0 && fork >= step.until) {
			continue
		}
		if err := step.run(st); err != nil {
			return fmt.Errorf("process_epoch: %s: %w", step.name, err)
		}
	}
	return nil
}

// ProcessBlock is process_block, as each fork's beacon-chain.md lists its
// steps (last modified in fulu). In SignaturesBatch mode the block's
// signatures are verified together before it returns.
func (t *Transition) ProcessBlock(st *BeaconState, block *BeaconBlock) error {
	t.batch = t.batch[:0]
	if err := t.processBlock(st, block); err != nil {
		return err
	}
	return t.flushSignatures()
}

// processBlock is process_block with the signatures of SignaturesBatch
// mode added to the batch, not verified.
func (t *Transition) processBlock(st *BeaconState, block *BeaconBlock) error {
	fork := t.StateFork(st)
	// The payload's header, with the roots of its transactions and
	// withdrawals, is computed once: process_block_header hashes the body,
	// which has the root of the body with the header in the payload's
	// place, and process_execution_payload keeps the header in the state.
	var payloadHeader *ExecutionPayloadHeader
	if fork >= Bellatrix {
		h, err := t.ExecutionPayloadToHeader(fork, &block.Body.ExecutionPayload)
		if err != nil {
			return opError("process_block_header", -1, err)
		}
		payloadHeader = &h
	}
	if err := t.processBlockHeader(st, block, payloadHeader); err != nil {
		return err
	}
	switch {
	case fork >= Capella:
		if err := t.ProcessWithdrawals(st, &block.Body.ExecutionPayload); err != nil {
			return err
		}
		if err := opError("process_execution_payload", -1, t.processExecutionPayload(st, &block.Body, payloadHeader)); err != nil {
			return err
		}
	case fork == Bellatrix:
		if t.IsExecutionEnabled(st, &block.Body) {
			if err := opError("process_execution_payload", -1, t.processExecutionPayload(st, &block.Body, payloadHeader)); err != nil {
				return err
			}
		}
	}
	if err := t.ProcessRandao(st, &block.Body); err != nil {
		return err
	}
	if err := t.ProcessEth1Data(st, &block.Body); err != nil {
		return err
	}
	if err := t.ProcessOperations(st, &block.Body); err != nil {
		return err
	}
	if fork >= Altair {
		if err := t.ProcessSyncAggregate(st, &block.Body.SyncAggregate); err != nil {
			return err
		}
	}
	return nil
}

// ProcessOperations is process_operations (last modified in fulu): the
// deposit count rule of the fork, then each list of operations in order.
func (t *Transition) ProcessOperations(st *BeaconState, body *BeaconBlockBody) error {
	fork := t.StateFork(st)
	if err := t.checkDepositCount(st, fork, len(body.Deposits)); err != nil {
		return opError("process_operations", -1, err)
	}
	for i := range body.ProposerSlashings {
		if err := opError("process_proposer_slashing", i, t.ProcessProposerSlashing(st, &body.ProposerSlashings[i])); err != nil {
			return err
		}
	}
	for i := range body.AttesterSlashings {
		if err := opError("process_attester_slashing", i, t.ProcessAttesterSlashing(st, &body.AttesterSlashings[i])); err != nil {
			return err
		}
	}
	if fork >= Electra {
		// All at once, with the result of one at a time (see there).
		if i, err := t.processAttestationsElectra(st, body.Attestations); err != nil {
			return opError("process_attestation", i, err)
		}
	} else {
		for i := range body.Attestations {
			if err := opError("process_attestation", i, t.ProcessAttestation(st, &body.Attestations[i])); err != nil {
				return err
			}
		}
	}
	for i := range body.Deposits {
		if err := opError("process_deposit", i, t.ProcessDeposit(st, &body.Deposits[i])); err != nil {
			return err
		}
	}
	for i := range body.VoluntaryExits {
		if err := opError("process_voluntary_exit", i, t.ProcessVoluntaryExit(st, &body.VoluntaryExits[i])); err != nil {
			return err
		}
	}
	if fork < Capella {
		return nil
	}
	for i := range body.BLSToExecutionChanges {
		if err := opError("process_bls_to_execution_change", i, t.ProcessBLSToExecutionChange(st, &body.BLSToExecutionChanges[i])); err != nil {
			return err
		}
	}
	if fork < Electra {
		return nil
	}
	requests := &body.ExecutionRequests
	for i := range requests.Deposits {
		if err := opError("process_deposit_request", i, t.ProcessDepositRequest(st, &requests.Deposits[i])); err != nil {
			return err
		}
	}
	for i := range requests.Withdrawals {
		if err := opError("process_withdrawal_request", i, t.ProcessWithdrawalRequest(st, &requests.Withdrawals[i])); err != nil {
			return err
		}
	}
	for i := range requests.Consolidations {
		if err := opError("process_consolidation_request", i, t.ProcessConsolidationRequest(st, &requests.Consolidations[i])); err != nil {
			return err
		}
	}
	return nil
}

// checkDepositCount is the first assertion of process_operations: a block
// carries every outstanding eth1 deposit, up to MAX_DEPOSITS (phase0); from
// electra only those before the deposit requests start (EIP-6110); from
// fulu none.
func (s *Spec) checkDepositCount(st *BeaconState, fork ForkName, n int) error {
	var want uint64
	switch {
	case fork >= Fulu:
		want = 0
	case fork >= Electra:
		limit := min(st.Eth1Data.DepositCount, st.DepositRequestsStartIndex)
		if st.Eth1DepositIndex < limit {
			want = min(s.MaxDeposits, limit-st.Eth1DepositIndex)
		}
	default:
		if st.Eth1Data.DepositCount < st.Eth1DepositIndex {
			return invalidf("eth1 deposit index %d beyond deposit count %d", st.Eth1DepositIndex, st.Eth1Data.DepositCount)
		}
		want = min(s.MaxDeposits, st.Eth1Data.DepositCount-st.Eth1DepositIndex)
	}
	if uint64(n) != want {
		return invalidf("block has %d deposits, want %d", n, want)
	}
	return nil
}
