package spec

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"math/bits"
	"slices"

	"github.com/quetzal-eth/quetzal/ssz"
)

// What bellatrix, capella and deneb beacon-chain.md and fork.md add or
// change: the execution payload, BLS-to-execution changes, historical
// summaries, the fork upgrades, and the changes electra and fulu made to
// process_execution_payload. Withdrawals are in exec_withdrawals.go.

// IsMergeTransitionComplete is is_merge_transition_complete (bellatrix):
// the state has seen an execution payload, so its header is no longer the
// empty one that upgrade_to_bellatrix put there.
func (s *Spec) IsMergeTransitionComplete(st *BeaconState) bool {
	return !isEmptyPayloadHeader(&st.LatestExecutionPayloadHeader)
}

// IsMergeTransitionBlock is is_merge_transition_block (bellatrix): the
// first block with a non-empty payload.
func (s *Spec) IsMergeTransitionBlock(st *BeaconState, body *BeaconBlockBody) bool {
	return !s.IsMergeTransitionComplete(st) && !isEmptyPayload(&body.ExecutionPayload)
}

// IsExecutionEnabled is is_execution_enabled (bellatrix).
func (s *Spec) IsExecutionEnabled(st *BeaconState, body *BeaconBlockBody) bool {
	return s.IsMergeTransitionBlock(st, body) || s.IsMergeTransitionComplete(st)
}

// isZero reports whether every byte of b is zero. A LogsBloom of any
// length counts: the Go zero value (nil) and a decoded all-zero vector are
// both the spec's empty value.
func isZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}

// isEmptyPayload reports whether p equals ExecutionPayload.empty() of any
// fork (the fields a fork lacks are zero in Go).
func isEmptyPayload(p *ExecutionPayload) bool {
	return p.ParentHash == Hash32{} && p.FeeRecipient == ExecutionAddress{} &&
		p.StateRoot == Root{} && p.ReceiptsRoot == Root{} && isZero(p.LogsBloom) &&
		p.PrevRandao == Root{} && p.BlockNumber == 0 && p.GasLimit == 0 &&
		p.GasUsed == 0 && p.Timestamp == 0 && len(p.ExtraData) == 0 &&
		p.BaseFeePerGas == [32]byte{} && p.BlockHash == Hash32{} &&
		len(p.Transactions) == 0 && len(p.Withdrawals) == 0 &&
		p.BlobGasUsed == 0 && p.ExcessBlobGas == 0
}

// isEmptyPayloadHeader reports whether h equals
// ExecutionPayloadHeader.empty() of any fork.
func isEmptyPayloadHeader(h *ExecutionPayloadHeader) bool {
	return h.ParentHash == Hash32{} && h.FeeRecipient == ExecutionAddress{} &&
		h.StateRoot == Root{} && h.ReceiptsRoot == Root{} && isZero(h.LogsBloom) &&
		h.PrevRandao == Root{} && h.BlockNumber == 0 && h.GasLimit == 0 &&
		h.GasUsed == 0 && h.Timestamp == 0 && len(h.ExtraData) == 0 &&
		h.BaseFeePerGas == [32]byte{} && h.BlockHash == Hash32{} &&
		h.TransactionsRoot == Root{} && h.WithdrawalsRoot == Root{} &&
		h.BlobGasUsed == 0 && h.ExcessBlobGas == 0
}

// transactionList is a payload's transactions as the SSZ list
// List[Transaction, MAX_TRANSACTIONS_PER_PAYLOAD], whose root is the
// header's transactions_root.
type transactionList []Transaction

func (l *transactionList) DefineSSZ(c *ssz.Codec) {
	ssz.List(c, (*[]Transaction)(l), int(schemaOf(c).MaxTransactionsPerPayload))
}

// IsSSZValue marks transactionList as a bare SSZ value.
func (*transactionList) IsSSZValue() {}

// withdrawalList is a payload's withdrawals as the SSZ list
// List[Withdrawal, MAX_WITHDRAWALS_PER_PAYLOAD], whose root is the header's
// withdrawals_root (capella).
type withdrawalList []Withdrawal

func (l *withdrawalList) DefineSSZ(c *ssz.Codec) {
	ssz.List(c, (*[]Withdrawal)(l), int(schemaOf(c).MaxWithdrawalsPerPayload))
}

// IsSSZValue marks withdrawalList as a bare SSZ value.
func (*withdrawalList) IsSSZValue() {}

// ExecutionPayloadToHeader returns the ExecutionPayloadHeader of p under
// fork, as process_execution_payload caches it in the state: the payload's
// lists replaced by their hash_tree_root (withdrawals_root from capella),
// and the blob gas fields from deneb. The header shares no memory with p.
func (s *Spec) ExecutionPayloadToHeader(fork ForkName, p *ExecutionPayload) (ExecutionPayloadHeader, error) {
	schema := s.Schema(fork)
	if uint64(len(p.LogsBloom)) != s.BytesPerLogsBloom {
		return ExecutionPayloadHeader{}, invalidf("logs bloom has %d bytes, want %d", len(p.LogsBloom), s.BytesPerLogsBloom)
	}
	if uint64(len(p.ExtraData)) > s.MaxExtraDataBytes {
		return ExecutionPayloadHeader{}, invalidf("extra data has %d bytes, limit %d", len(p.ExtraData), s.MaxExtraDataBytes)
	}
	txs := transactionList(p.Transactions)
	transactionsRoot, err := HashTreeRoot(schema, &txs)
	if err != nil {
		return ExecutionPayloadHeader{}, invalidf("transactions: %v", err)
	}
	h := ExecutionPayloadHeader{
		ParentHash:       p.ParentHash,
		FeeRecipient:     p.FeeRecipient,
		StateRoot:        p.StateRoot,
		ReceiptsRoot:     p.ReceiptsRoot,
		LogsBloom:        slices.Clone(p.LogsBloom),
		PrevRandao:       p.PrevRandao,
		BlockNumber:      p.BlockNumber,
		GasLimit:         p.GasLimit,
		GasUsed:          p.GasUsed,
		Timestamp:        p.Timestamp,
		ExtraData:        slices.Clone(p.ExtraData),
		BaseFeePerGas:    p.BaseFeePerGas,
		BlockHash:        p.BlockHash,
		TransactionsRoot: transactionsRoot,
	}
	if fork >= Capella {
		ws := withdrawalList(p.Withdrawals)
		if h.WithdrawalsRoot, err = HashTreeRoot(schema, &ws); err != nil {
			return ExecutionPayloadHeader{}, invalidf("withdrawals: %v", err)
		}
	}
	if fork >= Deneb {
		h.BlobGasUsed = p.BlobGasUsed
		h.ExcessBlobGas = p.ExcessBlobGas
	}
	return h, nil
}

// ComputeTimeAtSlot is compute_time_at_slot: the Unix time in seconds at
// the start of slot, counted in milliseconds of SLOT_DURATION_MS so that
// slots need not last whole seconds. Where the spec's uint64 arithmetic
// would overflow, it returns an error.
func (s *Spec) ComputeTimeAtSlot(genesisTime uint64, slot Slot) (uint64, error) {
	// seconds_to_milliseconds saturates; the sum below then overflows
	// unless the slot adds nothing.
	genesisMS := Uint64Max
	if genesisTime <= Uint64Max/1000 {
		genesisMS = genesisTime * 1000
	}
	hi, sinceGenesis := bits.Mul64(uint64(slot), s.SlotDurationMS)
	timeMS, carry := bits.Add64(genesisMS, sinceGenesis, 0)
	if hi != 0 || carry != 0 {
		return 0, invalidf("time of slot %d after genesis time %d overflows", slot, genesisTime)
	}
	return timeMS / 1000, nil
}

// KZGCommitmentToVersionedHash is kzg_commitment_to_versioned_hash
// (deneb).
func KZGCommitmentToVersionedHash(commitment KZGCommitment) VersionedHash {
	h := VersionedHash(sha256.Sum256(commitment[:]))
	h[0] = VersionedHashVersionKZG
	return h
}

// maxBlobsPerBlock is the limit process_execution_payload puts on a
// block's blob commitments in st's fork: MAX_BLOBS_PER_BLOCK (deneb),
// MAX_BLOBS_PER_BLOCK_ELECTRA (electra, EIP-7691), the blob schedule's
// entry for the state's epoch (fulu, EIP-7892).
func (s *Spec) maxBlobsPerBlock(st *BeaconState, fork ForkName) uint64 {
	switch {
	case fork >= Fulu:
		return s.GetBlobParameters(s.GetCurrentEpoch(st)).MaxBlobsPerBlock
	case fork == Electra:
		return s.MaxBlobsPerBlockElectra
	default:
		return s.MaxBlobsPerBlock
	}
}

// ProcessExecutionPayload is process_execution_payload (bellatrix; capella
// checks the parent hash also for the merge transition block and caches
// withdrawals_root; deneb limits the blob commitments and passes their
// versioned hashes and the parent beacon block root to the engine; electra
// raises the blob limit and passes the execution requests; fulu takes the
// blob limit from the blob schedule).
//
// A payload the engine rejects is an error wrapping ErrExecutionInvalid;
// an engine that fails to answer is an error that does not wrap ErrInvalid.
func (t *Transition) ProcessExecutionPayload(st *BeaconState, body *BeaconBlockBody) error {
	return opError("process_execution_payload", -1, t.processExecutionPayload(st, body, nil))
}

// processExecutionPayload is process_execution_payload, with the payload's
// header if it was already computed.
func (t *Transition) processExecutionPayload(st *BeaconState, body *BeaconBlockBody, header *ExecutionPayloadHeader) error {
	fork := t.StateFork(st)
	payload := &body.ExecutionPayload

	// Verify consistency of the parent hash with respect to the previous
	// execution payload header. In bellatrix the merge transition block's
	// parent is a proof-of-work block, which the header does not know.
	if fork >= Capella || t.IsMergeTransitionComplete(st) {
		if payload.ParentHash != st.LatestExecutionPayloadHeader.BlockHash {
			return invalidf("payload parent hash %s, latest payload header block hash %s", payload.ParentHash, st.LatestExecutionPayloadHeader.BlockHash)
		}
	}
	if mix := t.GetRandaoMix(st, t.GetCurrentEpoch(st)); payload.PrevRandao != mix {
		return invalidf("payload prev_randao %s, randao mix %s", payload.PrevRandao, mix)
	}
	timestamp, err := t.ComputeTimeAtSlot(st.GenesisTime, st.Slot)
	if err != nil {
		return err
	}
	if payload.Timestamp != timestamp {
		return invalidf("payload timestamp %d, slot %d starts at %d", payload.Timestamp, st.Slot, timestamp)
	}

	req := &NewPayloadRequest{ExecutionPayload: *payload}
	if fork >= Deneb {
		if limit := t.maxBlobsPerBlock(st, fork); uint64(len(body.BlobKZGCommitments)) > limit {
			return invalidf("block has %d blob commitments, limit %d", len(body.BlobKZGCommitments), limit)
		}
		req.VersionedHashes = make([]VersionedHash, len(body.BlobKZGCommitments))
		for i, c := range body.BlobKZGCommitments {
			req.VersionedHashes[i] = KZGCommitmentToVersionedHash(c)
		}
		req.ParentBeaconBlockRoot = st.LatestBlockHeader.ParentRoot
	}
	if fork >= Electra {
		req.ExecutionRequests = body.ExecutionRequests
	}
	if t.Engine == nil {
		return fmt.Errorf("%w: no execution engine", ErrExecutionInvalid)
	}
	valid, err := t.Engine.VerifyAndNotifyNewPayload(req)
	if err != nil {
		return fmt.Errorf("execution engine: %w", err)
	}
	if !valid {
		return fmt.Errorf("%w: payload %s", ErrExecutionInvalid, payload.BlockHash)
	}

	if header == nil {
		h, err := t.ExecutionPayloadToHeader(fork, payload)
		if err != nil {
			return err
		}
		header = &h
	}
	st.LatestExecutionPayloadHeader = *header
	return nil
}

// ProcessBLSToExecutionChange is process_bls_to_execution_change
// (capella): a validator with BLS withdrawal credentials switches them to
// an execution address, signed with the withdrawal key.
func (t *Transition) ProcessBLSToExecutionChange(st *BeaconState, signed *SignedBLSToExecutionChange) error {
	change := &signed.Message
	if err := checkValidatorIndex(st, change.ValidatorIndex); err != nil {
		return err
	}
	v := &st.Validators[change.ValidatorIndex]
	if v.WithdrawalCredentials[0] != BLSWithdrawalPrefix {
		return invalidf("validator %d has withdrawal credentials prefix %#02x, not BLS", change.ValidatorIndex, v.WithdrawalCredentials[0])
	}
	pubkeyHash := hash(change.FromBLSPubkey[:])
	if !bytes.Equal(v.WithdrawalCredentials[1:], pubkeyHash[1:]) {
		return invalidf("validator %d withdrawal credentials are not of pubkey %s", change.ValidatorIndex, change.FromBLSPubkey)
	}
	// The domain is fork-agnostic: an address change signed once stays
	// valid across forks.
	domain := ComputeDomain(DomainBLSToExecutionChange, t.GenesisForkVersion, st.GenesisValidatorsRoot)
	root, err := t.signingRoot(st, change, domain)
	if err != nil {
		return err
	}
	if err := t.verify(change.FromBLSPubkey, root, signed.Signature); err != nil {
		return err
	}
	var credentials Root
	credentials[0] = Eth1AddressWithdrawalPrefix
	copy(credentials[12:], change.ToExecutionAddress[:])
	st.touchValidator(change.ValidatorIndex)
	v.WithdrawalCredentials = credentials
	return nil
}

// historicalRootsVector is state.block_roots or state.state_roots as the
// SSZ vector Vector[Root, SLOTS_PER_HISTORICAL_ROOT].
type historicalRootsVector []Root

func (v *historicalRootsVector) DefineSSZ(c *ssz.Codec) {
	ssz.ArrayVector(c, (*[]Root)(v), int(schemaOf(c).SlotsPerHistoricalRoot))
}

// IsSSZValue marks historicalRootsVector as a bare SSZ value.
func (*historicalRootsVector) IsSSZValue() {}

// ProcessHistoricalSummariesUpdate is process_historical_summaries_update
// (capella, in place of process_historical_roots_update): every
// SLOTS_PER_HISTORICAL_ROOT slots, the roots of the block and state root
// vectors are appended, separately so that a block root can be proven
// without the state roots.
func (s *Spec) ProcessHistoricalSummariesUpdate(st *BeaconState) error {
	nextEpoch := s.GetCurrentEpoch(st) + 1
	period := uint64(s.SlotsPerHistoricalRoot) / uint64(s.SlotsPerEpoch)
	if period == 0 || uint64(nextEpoch)%period != 0 {
		return nil
	}
	schema := s.Schema(s.StateFork(st))
	blockRoots := historicalRootsVector(st.BlockRoots)
	blockSummaryRoot, err := HashTreeRoot(schema, &blockRoots)
	if err != nil {
		return fmt.Errorf("block roots: %w", err)
	}
	stateRoots := historicalRootsVector(st.StateRoots)
	stateSummaryRoot, err := HashTreeRoot(schema, &stateRoots)
	if err != nil {
		return fmt.Errorf("state roots: %w", err)
	}
	if uint64(len(st.HistoricalSummaries)) >= s.HistoricalRootsLimit {
		return invalidf("historical summaries are full (%d)", len(st.HistoricalSummaries))
	}
	st.HistoricalSummaries = append(st.HistoricalSummaries, HistoricalSummary{
		BlockSummaryRoot: blockSummaryRoot,
		StateSummaryRoot: stateSummaryRoot,
	})
	return nil
}

// upgradeFork is the fork field of every upgrade_to_*: the new version,
// the old one as previous, from the state's current epoch.
func (s *Spec) upgradeFork(st *BeaconState, f ForkName) {
	st.Fork = Fork{
		PreviousVersion: st.Fork.CurrentVersion,
		CurrentVersion:  s.ForkVersion(f),
		Epoch:           s.GetCurrentEpoch(st),
	}
}

// UpgradeToBellatrix is upgrade_to_bellatrix (bellatrix fork.md), in
// place: the new fork version, and an empty execution payload header,
// which keeps the merge transition pending.
func (s *Spec) UpgradeToBellatrix(st *BeaconState) error {
	s.upgradeFork(st, Bellatrix)
	st.LatestExecutionPayloadHeader = ExecutionPayloadHeader{LogsBloom: make([]byte, s.BytesPerLogsBloom)}
	return nil
}

// UpgradeToCapella is upgrade_to_capella (capella fork.md), in place: the
// payload header gains a zero withdrawals_root, and the withdrawal sweep
// and historical summaries start empty.
func (s *Spec) UpgradeToCapella(st *BeaconState) error {
	s.upgradeFork(st, Capella)
	st.LatestExecutionPayloadHeader.WithdrawalsRoot = Root{}
	st.NextWithdrawalIndex = 0
	st.NextWithdrawalValidatorIndex = 0
	st.HistoricalSummaries = []HistoricalSummary{}
	return nil
}

// UpgradeToDeneb is upgrade_to_deneb (deneb fork.md), in place: the payload
// header gains zero blob gas fields.
func (s *Spec) UpgradeToDeneb(st *BeaconState) error {
	s.upgradeFork(st, Deneb)
	st.LatestExecutionPayloadHeader.BlobGasUsed = 0
	st.LatestExecutionPayloadHeader.ExcessBlobGas = 0
	return nil
}
