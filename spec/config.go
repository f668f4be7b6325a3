package spec

import (
	"math/big"
)

// BlobScheduleEntry is one entry of BLOB_SCHEDULE (fulu): from EPOCH on,
// blocks may hold up to MAX_BLOBS_PER_BLOCK blobs. Entries after the Fulu
// fork epoch are blob-parameter-only forks (EIP-7892).
type BlobScheduleEntry struct {
	Epoch            Epoch  `yaml:"EPOCH"`
	MaxBlobsPerBlock uint64 `yaml:"MAX_BLOBS_PER_BLOCK"`
}

// Config holds the runtime configuration of a network (configs/<name>.yaml
// in the consensus specs): genesis and fork schedule, time parameters,
// churn, deposit contract and networking values. Unlike a Preset, a Config
// can differ between networks that share a preset.
//
// Each field carries the YAML key it is read from.
type Config struct {
	PresetBase string `yaml:"PRESET_BASE"`
	ConfigName string `yaml:"CONFIG_NAME"`

	// Transition (bellatrix). TerminalTotalDifficulty is a uint256 in
	// little-endian byte order, the order SSZ uses for it; see
	// TerminalTotalDifficultyInt.
	TerminalTotalDifficulty          [32]byte `yaml:"TERMINAL_TOTAL_DIFFICULTY"`
	TerminalBlockHash                Hash32   `yaml:"TERMINAL_BLOCK_HASH"`
	TerminalBlockHashActivationEpoch Epoch    `yaml:"TERMINAL_BLOCK_HASH_ACTIVATION_EPOCH"`

	// Genesis.
	MinGenesisActiveValidatorCount uint64  `yaml:"MIN_GENESIS_ACTIVE_VALIDATOR_COUNT"`
	MinGenesisTime                 uint64  `yaml:"MIN_GENESIS_TIME"`
	GenesisForkVersion             Version `yaml:"GENESIS_FORK_VERSION"`
	GenesisDelay                   uint64  `yaml:"GENESIS_DELAY"`

	// Forking. An epoch of FarFutureEpoch means the fork is not scheduled.
	AltairForkVersion    Version `yaml:"ALTAIR_FORK_VERSION"`
	AltairForkEpoch      Epoch   `yaml:"ALTAIR_FORK_EPOCH"`
	BellatrixForkVersion Version `yaml:"BELLATRIX_FORK_VERSION"`
	BellatrixForkEpoch   Epoch   `yaml:"BELLATRIX_FORK_EPOCH"`
	CapellaForkVersion   Version `yaml:"CAPELLA_FORK_VERSION"`
	CapellaForkEpoch     Epoch   `yaml:"CAPELLA_FORK_EPOCH"`
	DenebForkVersion     Version `yaml:"DENEB_FORK_VERSION"`
	DenebForkEpoch       Epoch   `yaml:"DENEB_FORK_EPOCH"`
	ElectraForkVersion   Version `yaml:"ELECTRA_FORK_VERSION"`
	ElectraForkEpoch     Epoch   `yaml:"ELECTRA_FORK_EPOCH"`
	FuluForkVersion      Version `yaml:"FULU_FORK_VERSION"`
	FuluForkEpoch        Epoch   `yaml:"FULU_FORK_EPOCH"`
	// Gloas is not implemented; its version and epoch are kept so that a
	// node can recognise (and refuse) a network that schedules it.
	GloasForkVersion Version `yaml:"GLOAS_FORK_VERSION"`
	GloasForkEpoch   Epoch   `yaml:"GLOAS_FORK_EPOCH"`

	// Time parameters. SLOT_DURATION_MS replaced SECONDS_PER_SLOT; the
	// loader still accepts the older key.
	SlotDurationMS                   uint64 `yaml:"SLOT_DURATION_MS"`
	SecondsPerEth1Block              uint64 `yaml:"SECONDS_PER_ETH1_BLOCK"`
	MinValidatorWithdrawabilityDelay Epoch  `yaml:"MIN_VALIDATOR_WITHDRAWABILITY_DELAY"`
	ShardCommitteePeriod             Epoch  `yaml:"SHARD_COMMITTEE_PERIOD"`
	Eth1FollowDistance               uint64 `yaml:"ETH1_FOLLOW_DISTANCE"`
	ProposerReorgCutoffBPS           uint64 `yaml:"PROPOSER_REORG_CUTOFF_BPS"`
	AttestationDueBPS                uint64 `yaml:"ATTESTATION_DUE_BPS"`
	AggregateDueBPS                  uint64 `yaml:"AGGREGATE_DUE_BPS"`
	SyncMessageDueBPS                uint64 `yaml:"SYNC_MESSAGE_DUE_BPS"`
	ContributionDueBPS               uint64 `yaml:"CONTRIBUTION_DUE_BPS"`

	// Validator cycle.
	InactivityScoreBias                 uint64 `yaml:"INACTIVITY_SCORE_BIAS"`
	InactivityScoreRecoveryRate         uint64 `yaml:"INACTIVITY_SCORE_RECOVERY_RATE"`
	EjectionBalance                     Gwei   `yaml:"EJECTION_BALANCE"`
	MinPerEpochChurnLimit               uint64 `yaml:"MIN_PER_EPOCH_CHURN_LIMIT"`
	ChurnLimitQuotient                  uint64 `yaml:"CHURN_LIMIT_QUOTIENT"`
	MaxPerEpochActivationChurnLimit     uint64 `yaml:"MAX_PER_EPOCH_ACTIVATION_CHURN_LIMIT"`
	MinPerEpochChurnLimitElectra        Gwei   `yaml:"MIN_PER_EPOCH_CHURN_LIMIT_ELECTRA"`
	MaxPerEpochActivationExitChurnLimit Gwei   `yaml:"MAX_PER_EPOCH_ACTIVATION_EXIT_CHURN_LIMIT"`

	// Fork choice.
	ProposerScoreBoost              uint64 `yaml:"PROPOSER_SCORE_BOOST"`
	ReorgHeadWeightThreshold        uint64 `yaml:"REORG_HEAD_WEIGHT_THRESHOLD"`
	ReorgParentWeightThreshold      uint64 `yaml:"REORG_PARENT_WEIGHT_THRESHOLD"`
	ReorgMaxEpochsSinceFinalization Epoch  `yaml:"REORG_MAX_EPOCHS_SINCE_FINALIZATION"`

	// Deposit contract.
	DepositChainID         uint64           `yaml:"DEPOSIT_CHAIN_ID"`
	DepositNetworkID       uint64           `yaml:"DEPOSIT_NETWORK_ID"`
	DepositContractAddress ExecutionAddress `yaml:"DEPOSIT_CONTRACT_ADDRESS"`

	// Networking.
	MaxPayloadSize                  uint64     `yaml:"MAX_PAYLOAD_SIZE"`
	MaxRequestBlocks                uint64     `yaml:"MAX_REQUEST_BLOCKS"`
	EpochsPerSubnetSubscription     Epoch      `yaml:"EPOCHS_PER_SUBNET_SUBSCRIPTION"`
	AttestationPropagationSlotRange Slot       `yaml:"ATTESTATION_PROPAGATION_SLOT_RANGE"`
	MaximumGossipClockDisparity     uint64     `yaml:"MAXIMUM_GOSSIP_CLOCK_DISPARITY"` // milliseconds
	MessageDomainInvalidSnappy      DomainType `yaml:"MESSAGE_DOMAIN_INVALID_SNAPPY"`
	MessageDomainValidSnappy        DomainType `yaml:"MESSAGE_DOMAIN_VALID_SNAPPY"`
	SubnetsPerNode                  uint64     `yaml:"SUBNETS_PER_NODE"`
	AttestationSubnetCount          uint64     `yaml:"ATTESTATION_SUBNET_COUNT"`
	AttestationSubnetExtraBits      uint64     `yaml:"ATTESTATION_SUBNET_EXTRA_BITS"`

	// Deneb.
	MaxRequestBlocksDeneb            uint64 `yaml:"MAX_REQUEST_BLOCKS_DENEB"`
	MinEpochsForBlobSidecarsRequests Epoch  `yaml:"MIN_EPOCHS_FOR_BLOB_SIDECARS_REQUESTS"`
	BlobSidecarSubnetCount           uint64 `yaml:"BLOB_SIDECAR_SUBNET_COUNT"`
	MaxBlobsPerBlock                 uint64 `yaml:"MAX_BLOBS_PER_BLOCK"`

	// Electra.
	BlobSidecarSubnetCountElectra uint64 `yaml:"BLOB_SIDECAR_SUBNET_COUNT_ELECTRA"`
	MaxBlobsPerBlockElectra       uint64 `yaml:"MAX_BLOBS_PER_BLOCK_ELECTRA"`

	// Fulu.
	NumberOfCustodyGroups                  uint64 `yaml:"NUMBER_OF_CUSTODY_GROUPS"`
	DataColumnSidecarSubnetCount           uint64 `yaml:"DATA_COLUMN_SIDECAR_SUBNET_COUNT"`
	SamplesPerSlot                         uint64 `yaml:"SAMPLES_PER_SLOT"`
	CustodyRequirement                     uint64 `yaml:"CUSTODY_REQUIREMENT"`
	ValidatorCustodyRequirement            uint64 `yaml:"VALIDATOR_CUSTODY_REQUIREMENT"`
	BalancePerAdditionalCustodyGroup       Gwei   `yaml:"BALANCE_PER_ADDITIONAL_CUSTODY_GROUP"`
	MinEpochsForDataColumnSidecarsRequests Epoch  `yaml:"MIN_EPOCHS_FOR_DATA_COLUMN_SIDECARS_REQUESTS"`

	// BlobSchedule lists blob-parameter changes from Fulu on, in the order
	// the config gives them; GetBlobParameters does not depend on that
	// order.
	BlobSchedule []BlobScheduleEntry `yaml:"BLOB_SCHEDULE"`

	// Fast confirmation rule (phase0 fast-confirmation.md).
	ConfirmationByzantineThreshold uint64 `yaml:"CONFIRMATION_BYZANTINE_THRESHOLD"`
}

// TerminalTotalDifficultyInt returns TERMINAL_TOTAL_DIFFICULTY as a new
// big.Int.
func (c *Config) TerminalTotalDifficultyInt() *big.Int {
	var be [32]byte
	for i, b := range c.TerminalTotalDifficulty {
		be[31-i] = b
	}
	return new(big.Int).SetBytes(be[:])
}

// uint256FromDecimal returns the little-endian uint256 with decimal value s.
// It panics on malformed input and serves only the Go literals below; the
// YAML loader validates its input separately.
func uint256FromDecimal(s string) [32]byte {
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		panic("spec: bad uint256 literal " + s)
	}
	out, err := uint256LE(v)
	if err != nil {
		panic("spec: " + err.Error())
	}
	return out
}

// MainnetConfig returns the configuration of Ethereum mainnet
// (configs/mainnet.yaml).
func MainnetConfig() Config {
	return Config{
		PresetBase: "mainnet",
		ConfigName: "mainnet",

		TerminalTotalDifficulty:          uint256FromDecimal("58750000000000000000000"),
		TerminalBlockHash:                Hash32{},
		TerminalBlockHashActivationEpoch: FarFutureEpoch,

		MinGenesisActiveValidatorCount: 16384,
		MinGenesisTime:                 1606824000,
		GenesisForkVersion:             Version{0x00, 0x00, 0x00, 0x00},
		GenesisDelay:                   604800,

		AltairForkVersion:    Version{0x01, 0x00, 0x00, 0x00},
		AltairForkEpoch:      74240,
		BellatrixForkVersion: Version{0x02, 0x00, 0x00, 0x00},
		BellatrixForkEpoch:   144896,
		CapellaForkVersion:   Version{0x03, 0x00, 0x00, 0x00},
		CapellaForkEpoch:     194048,
		DenebForkVersion:     Version{0x04, 0x00, 0x00, 0x00},
		DenebForkEpoch:       269568,
		ElectraForkVersion:   Version{0x05, 0x00, 0x00, 0x00},
		ElectraForkEpoch:     364032,
		FuluForkVersion:      Version{0x06, 0x00, 0x00, 0x00},
		FuluForkEpoch:        411392,
		GloasForkVersion:     Version{0x07, 0x00, 0x00, 0x00},
		GloasForkEpoch:       FarFutureEpoch,

		SlotDurationMS:                   12000,
		SecondsPerEth1Block:              14,
		MinValidatorWithdrawabilityDelay: 256,
		ShardCommitteePeriod:             256,
		Eth1FollowDistance:               2048,
		ProposerReorgCutoffBPS:           1667,
		AttestationDueBPS:                3333,
		AggregateDueBPS:                  6667,
		SyncMessageDueBPS:                3333,
		ContributionDueBPS:               6667,

		InactivityScoreBias:                 4,
		InactivityScoreRecoveryRate:         16,
		EjectionBalance:                     16_000_000_000,
		MinPerEpochChurnLimit:               4,
		ChurnLimitQuotient:                  65536,
		MaxPerEpochActivationChurnLimit:     8,
		MinPerEpochChurnLimitElectra:        128_000_000_000,
		MaxPerEpochActivationExitChurnLimit: 256_000_000_000,

		ProposerScoreBoost:              40,
		ReorgHeadWeightThreshold:        20,
		ReorgParentWeightThreshold:      160,
		ReorgMaxEpochsSinceFinalization: 2,

		DepositChainID:   1,
		DepositNetworkID: 1,
		DepositContractAddress: ExecutionAddress{
			0x00, 0x00, 0x00, 0x00, 0x21, 0x9a, 0xb5, 0x40, 0x35, 0x6c,
			0xbb, 0x83, 0x9c, 0xbe, 0x05, 0x30, 0x3d, 0x77, 0x05, 0xfa,
		},

		MaxPayloadSize:                  10_485_760,
		MaxRequestBlocks:                1024,
		EpochsPerSubnetSubscription:     256,
		AttestationPropagationSlotRange: 32,
		MaximumGossipClockDisparity:     500,
		MessageDomainInvalidSnappy:      DomainType{0x00, 0x00, 0x00, 0x00},
		MessageDomainValidSnappy:        DomainType{0x01, 0x00, 0x00, 0x00},
		SubnetsPerNode:                  2,
		AttestationSubnetCount:          64,
		AttestationSubnetExtraBits:      0,

		MaxRequestBlocksDeneb:            128,
		MinEpochsForBlobSidecarsRequests: 4096,
		BlobSidecarSubnetCount:           6,
		MaxBlobsPerBlock:                 6,

		BlobSidecarSubnetCountElectra: 9,
		MaxBlobsPerBlockElectra:       9,

		NumberOfCustodyGroups:                  128,
		DataColumnSidecarSubnetCount:           128,
		SamplesPerSlot:                         8,
		CustodyRequirement:                     4,
		ValidatorCustodyRequirement:            8,
		BalancePerAdditionalCustodyGroup:       32_000_000_000,
		MinEpochsForDataColumnSidecarsRequests: 4096,

		BlobSchedule: []BlobScheduleEntry{
			{Epoch: 412672, MaxBlobsPerBlock: 15},
			{Epoch: 419072, MaxBlobsPerBlock: 21},
		},

		ConfirmationByzantineThreshold: 25,
	}
}

// MinimalConfig returns the configuration the spec tests run the minimal
// preset with (configs/minimal.yaml). No fork after phase0 is scheduled;
// tests set the fork epochs they need.
func MinimalConfig() Config {
	c := MainnetConfig()
	c.PresetBase = "minimal"
	c.ConfigName = "minimal"

	// 2**256 - 2**10
	c.TerminalTotalDifficulty = uint256FromDecimal("115792089237316195423570985008687907853269984665640564039457584007913129638912")

	c.MinGenesisActiveValidatorCount = 64
	c.MinGenesisTime = 1578009600
	c.GenesisForkVersion = Version{0x00, 0x00, 0x00, 0x01}
	c.GenesisDelay = 300

	c.AltairForkVersion = Version{0x01, 0x00, 0x00, 0x01}
	c.AltairForkEpoch = FarFutureEpoch
	c.BellatrixForkVersion = Version{0x02, 0x00, 0x00, 0x01}
	c.BellatrixForkEpoch = FarFutureEpoch
	c.CapellaForkVersion = Version{0x03, 0x00, 0x00, 0x01}
	c.CapellaForkEpoch = FarFutureEpoch
	c.DenebForkVersion = Version{0x04, 0x00, 0x00, 0x01}
	c.DenebForkEpoch = FarFutureEpoch
	c.ElectraForkVersion = Version{0x05, 0x00, 0x00, 0x01}
	c.ElectraForkEpoch = FarFutureEpoch
	c.FuluForkVersion = Version{0x06, 0x00, 0x00, 0x01}
	c.FuluForkEpoch = FarFutureEpoch
	c.GloasForkVersion = Version{0x07, 0x00, 0x00, 0x01}
	c.GloasForkEpoch = FarFutureEpoch

	c.SlotDurationMS = 6000
	c.ShardCommitteePeriod = 64
	c.Eth1FollowDistance = 16

	c.MinPerEpochChurnLimit = 2
	c.ChurnLimitQuotient = 32
	c.MaxPerEpochActivationChurnLimit = 4
	c.MinPerEpochChurnLimitElectra = 64_000_000_000
	c.MaxPerEpochActivationExitChurnLimit = 128_000_000_000

	c.DepositChainID = 5
	c.DepositNetworkID = 5
	c.DepositContractAddress = ExecutionAddress{
		0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x34, 0x56, 0x78, 0x90,
		0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x34, 0x56, 0x78, 0x90,
	}

	c.BlobSchedule = []BlobScheduleEntry{}
	return c
}

// Spec bundles a preset with a network configuration. It is the value every
// preset- or network-dependent function of this package takes, and its
// fields read like the spec's names: s.SlotsPerEpoch, s.AltairForkEpoch.
//
// A Spec is not modified by this package; treat a shared *Spec as read-only
// and use Clone to derive a variant (a test network with other fork epochs).
type Spec struct {
	Preset
	Config
}

// Mainnet returns a new Spec for Ethereum mainnet.
func Mainnet() *Spec {
	return &Spec{Preset: MainnetPreset(), Config: MainnetConfig()}
}

// Minimal returns a new Spec of the minimal preset and config, as the
// spec tests use them.
func Minimal() *Spec {
	return &Spec{Preset: MinimalPreset(), Config: MinimalConfig()}
}

// Clone returns a deep copy of s.
func (s *Spec) Clone() *Spec {
	c := *s
	if s.BlobSchedule != nil {
		c.BlobSchedule = append([]BlobScheduleEntry{}, s.BlobSchedule...)
	}
	return &c
}
