package spec

import "math"

// Constants of the specs: the same on every network and in every preset
// (the "Constants" sections of each fork's beacon-chain.md).

// Phase0 misc constants.
const (
	Uint64Max                uint64 = math.MaxUint64
	Uint64MaxSqrt            uint64 = 4294967295
	GenesisSlot              Slot   = 0
	GenesisEpoch             Epoch  = 0
	FarFutureEpoch           Epoch  = math.MaxUint64
	BaseRewardsPerEpoch      uint64 = 4
	DepositContractTreeDepth uint64 = 32
	JustificationBitsLength  uint64 = 4
)

// Withdrawal credential prefixes: the first byte of a validator's
// withdrawal_credentials (phase0, electra).
const (
	BLSWithdrawalPrefix         byte = 0x00
	Eth1AddressWithdrawalPrefix byte = 0x01
	CompoundingWithdrawalPrefix byte = 0x02 // electra
)

// Altair participation flag indices and incentivisation weights.
const (
	TimelySourceFlagIndex = 0
	TimelyTargetFlagIndex = 1
	TimelyHeadFlagIndex   = 2

	TimelySourceWeight uint64 = 14
	TimelyTargetWeight uint64 = 26
	TimelyHeadWeight   uint64 = 14
	SyncRewardWeight   uint64 = 2
	ProposerWeight     uint64 = 8
	WeightDenominator  uint64 = 64
)

// Deneb constants.
const (
	VersionedHashVersionKZG byte   = 0x01
	BytesPerFieldElement    uint64 = 32
)

// Electra constants.
const (
	UnsetDepositRequestsStartIndex uint64 = math.MaxUint64
	FullExitRequestAmount          Gwei   = 0

	// Execution-layer request types (EIP-7685).
	DepositRequestType       byte = 0x00
	WithdrawalRequestType    byte = 0x01
	ConsolidationRequestType byte = 0x02
)

// Networking and validator constants that are not part of the config
// (phase0 and altair p2p-interface.md and validator.md, phase0
// fork-choice.md).
const (
	NodeIDBits                           uint64 = 256
	MaxConcurrentRequests                uint64 = 2
	TargetAggregatorsPerCommittee        uint64 = 16
	TargetAggregatorsPerSyncSubcommittee uint64 = 16
	SyncCommitteeSubnetCount             uint64 = 4
	BasisPoints                          uint64 = 10000
)
