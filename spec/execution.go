package spec

import "github.com/quetzal-eth/quetzal/ssz"

// The execution-layer containers the beacon chain carries (bellatrix
// beacon-chain.md, with capella's withdrawals, deneb's blob gas and
// electra's execution requests).

// Transaction is an opaque execution-layer transaction of at most
// MAX_BYTES_PER_TRANSACTION bytes (bellatrix). It is a bare SSZ byte list:
// it encodes and hashes as ByteList[MAX_BYTES_PER_TRANSACTION], not as a
// container holding one.
type Transaction []byte

func (t *Transaction) DefineSSZ(c *ssz.Codec) {
	ssz.ByteList(c, (*[]byte)(t), int(schemaOf(c).MaxBytesPerTransaction))
}

// IsSSZValue marks Transaction as a bare SSZ value.
func (*Transaction) IsSSZValue() {}

// Withdrawal is a withdrawal from the beacon chain to an execution address
// (capella).
type Withdrawal struct {
	Index          WithdrawalIndex
	ValidatorIndex ValidatorIndex
	Address        ExecutionAddress
	Amount         Gwei
}

func (w *Withdrawal) DefineSSZ(c *ssz.Codec) {
	ssz.Uint64(c, &w.Index)
	ssz.Uint64(c, &w.ValidatorIndex)
	ssz.Bytes(c, w.Address[:])
	ssz.Uint64(c, &w.Amount)
}

// ExecutionPayload is an execution block as the beacon chain sees it
// (bellatrix; capella adds withdrawals, deneb blob gas).
//
// LogsBloom must hold exactly BYTES_PER_LOGS_BLOOM bytes to encode or hash,
// also when the payload is otherwise empty: the zero value of this type
// does not encode until LogsBloom is set.
type ExecutionPayload struct {
	ParentHash   Hash32
	FeeRecipient ExecutionAddress
	StateRoot    Root
	ReceiptsRoot Root
	LogsBloom    []byte
	PrevRandao   Root
	BlockNumber  uint64
	GasLimit     uint64
	GasUsed      uint64
	Timestamp    uint64
	// ExtraData holds at most MAX_EXTRA_DATA_BYTES bytes.
	ExtraData []byte
	// BaseFeePerGas is a uint256, little-endian.
	BaseFeePerGas [32]byte
	BlockHash     Hash32
	Transactions  []Transaction
	// Withdrawals is new in capella.
	Withdrawals []Withdrawal
	// BlobGasUsed is new in deneb (EIP-4844).
	BlobGasUsed uint64
	// ExcessBlobGas is new in deneb (EIP-4844).
	ExcessBlobGas uint64
}

func (p *ExecutionPayload) DefineSSZ(c *ssz.Codec) {
	s := schemaOf(c)
	ssz.Bytes(c, p.ParentHash[:])
	ssz.Bytes(c, p.FeeRecipient[:])
	ssz.Bytes(c, p.StateRoot[:])
	ssz.Bytes(c, p.ReceiptsRoot[:])
	ssz.ByteVector(c, &p.LogsBloom, int(s.BytesPerLogsBloom))
	ssz.Bytes(c, p.PrevRandao[:])
	ssz.Uint64(c, &p.BlockNumber)
	ssz.Uint64(c, &p.GasLimit)
	ssz.Uint64(c, &p.GasUsed)
	ssz.Uint64(c, &p.Timestamp)
	ssz.ByteList(c, &p.ExtraData, int(s.MaxExtraDataBytes))
	ssz.Bytes(c, p.BaseFeePerGas[:])
	ssz.Bytes(c, p.BlockHash[:])
	ssz.List(c, &p.Transactions, int(s.MaxTransactionsPerPayload))
	if s.Fork >= Capella {
		ssz.List(c, &p.Withdrawals, int(s.MaxWithdrawalsPerPayload))
	}
	if s.Fork >= Deneb {
		ssz.Uint64(c, &p.BlobGasUsed)
		ssz.Uint64(c, &p.ExcessBlobGas)
	}
}

// ExecutionPayloadHeader is an ExecutionPayload with its lists replaced by
// their roots (bellatrix; capella adds withdrawals_root, deneb blob gas).
// The same LogsBloom rule as ExecutionPayload's applies.
type ExecutionPayloadHeader struct {
	ParentHash       Hash32
	FeeRecipient     ExecutionAddress
	StateRoot        Root
	ReceiptsRoot     Root
	LogsBloom        []byte
	PrevRandao       Root
	BlockNumber      uint64
	GasLimit         uint64
	GasUsed          uint64
	Timestamp        uint64
	ExtraData        []byte
	BaseFeePerGas    [32]byte
	BlockHash        Hash32
	TransactionsRoot Root
	// WithdrawalsRoot is new in capella.
	WithdrawalsRoot Root
	// BlobGasUsed is new in deneb (EIP-4844).
	BlobGasUsed uint64
	// ExcessBlobGas is new in deneb (EIP-4844).
	ExcessBlobGas uint64
}

func (h *ExecutionPayloadHeader) DefineSSZ(c *ssz.Codec) {
	s := schemaOf(c)
	ssz.Bytes(c, h.ParentHash[:])
	ssz.Bytes(c, h.FeeRecipient[:])
	ssz.Bytes(c, h.StateRoot[:])
	ssz.Bytes(c, h.ReceiptsRoot[:])
	ssz.ByteVector(c, &h.LogsBloom, int(s.BytesPerLogsBloom))
	ssz.Bytes(c, h.PrevRandao[:])
	ssz.Uint64(c, &h.BlockNumber)
	ssz.Uint64(c, &h.GasLimit)
	ssz.Uint64(c, &h.GasUsed)
	ssz.Uint64(c, &h.Timestamp)
	ssz.ByteList(c, &h.ExtraData, int(s.MaxExtraDataBytes))
	ssz.Bytes(c, h.BaseFeePerGas[:])
	ssz.Bytes(c, h.BlockHash[:])
	ssz.Bytes(c, h.TransactionsRoot[:])
	if s.Fork >= Capella {
		ssz.Bytes(c, h.WithdrawalsRoot[:])
	}
	if s.Fork >= Deneb {
		ssz.Uint64(c, &h.BlobGasUsed)
		ssz.Uint64(c, &h.ExcessBlobGas)
	}
}

// DepositRequest is a deposit as the execution layer reports it (electra,
// EIP-6110).
type DepositRequest struct {
	Pubkey                BLSPubkey
	WithdrawalCredentials Root
	Amount                Gwei
	Signature             BLSSignature
	Index                 uint64
}

func (d *DepositRequest) DefineSSZ(c *ssz.Codec) {
	ssz.Bytes(c, d.Pubkey[:])
	ssz.Bytes(c, d.WithdrawalCredentials[:])
	ssz.Uint64(c, &d.Amount)
	ssz.Bytes(c, d.Signature[:])
	ssz.Uint64(c, &d.Index)
}

// WithdrawalRequest is a withdrawal or exit triggered from a validator's
// execution withdrawal address (electra, EIP-7002).
type WithdrawalRequest struct {
	SourceAddress   ExecutionAddress
	ValidatorPubkey BLSPubkey
	// Amount is FULL_EXIT_REQUEST_AMOUNT for a full exit.
	Amount Gwei
}

func (w *WithdrawalRequest) DefineSSZ(c *ssz.Codec) {
	ssz.Bytes(c, w.SourceAddress[:])
	ssz.Bytes(c, w.ValidatorPubkey[:])
	ssz.Uint64(c, &w.Amount)
}

// ConsolidationRequest asks to move one validator's balance into another's
// (electra, EIP-7251).
type ConsolidationRequest struct {
	SourceAddress ExecutionAddress
	SourcePubkey  BLSPubkey
	TargetPubkey  BLSPubkey
}

func (r *ConsolidationRequest) DefineSSZ(c *ssz.Codec) {
	ssz.Bytes(c, r.SourceAddress[:])
	ssz.Bytes(c, r.SourcePubkey[:])
	ssz.Bytes(c, r.TargetPubkey[:])
}

// ExecutionRequests are the requests that an execution payload passes to
// the beacon chain (electra, EIP-7685).
type ExecutionRequests struct {
	Deposits       []DepositRequest
	Withdrawals    []WithdrawalRequest
	Consolidations []ConsolidationRequest
}

func (r *ExecutionRequests) DefineSSZ(c *ssz.Codec) {
	s := schemaOf(c)
	ssz.List(c, &r.Deposits, int(s.MaxDepositRequestsPerPayload))
	ssz.List(c, &r.Withdrawals, int(s.MaxWithdrawalRequestsPerPayload))
	ssz.List(c, &r.Consolidations, int(s.MaxConsolidationRequestsPerPayload))
}

// NewPayloadRequest is what the beacon chain hands the execution engine to
// verify a payload (bellatrix; deneb adds the versioned hashes and parent
// beacon block root, electra the execution requests).
type NewPayloadRequest struct {
	ExecutionPayload ExecutionPayload
	// VersionedHashes is new in deneb (EIP-4844).
	VersionedHashes []VersionedHash
	// ParentBeaconBlockRoot is new in deneb (EIP-4788).
	ParentBeaconBlockRoot Root
	// ExecutionRequests is new in electra.
	ExecutionRequests ExecutionRequests
}

func (r *NewPayloadRequest) DefineSSZ(c *ssz.Codec) {
	s := schemaOf(c)
	ssz.Container(c, &r.ExecutionPayload)
	if s.Fork >= Deneb {
		ssz.ArrayList(c, &r.VersionedHashes, int(s.MaxBlobCommitmentsPerBlock))
		ssz.Bytes(c, r.ParentBeaconBlockRoot[:])
	}
	if s.Fork >= Electra {
		ssz.Container(c, &r.ExecutionRequests)
	}
}

// PowBlock is the proof-of-work block data that the merge transition
// checks (bellatrix fork-choice.md).
type PowBlock struct {
	BlockHash  Hash32
	ParentHash Hash32
	// TotalDifficulty is a uint256, little-endian.
	TotalDifficulty [32]byte
}

func (b *PowBlock) DefineSSZ(c *ssz.Codec) {
	ssz.Bytes(c, b.BlockHash[:])
	ssz.Bytes(c, b.ParentHash[:])
	ssz.Bytes(c, b.TotalDifficulty[:])
}
