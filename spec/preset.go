package spec

// Preset holds the compile-time constants of the specs that differ between
// the mainnet and minimal presets (presets/<name>/<fork>.yaml in the
// consensus specs). Values that shape SSZ types (list limits, vector
// lengths) live here; a network chooses its preset once, through the
// PRESET_BASE of its config.
//
// Each field carries the YAML key it is read from. Field types follow the
// types the spec gives the values (SLOTS_PER_EPOCH is a Slot,
// MAX_EFFECTIVE_BALANCE a Gwei, ...), so that arithmetic in Go needs the
// same conversions as the spec.
type Preset struct {
	// Name is the preset's name, "mainnet" or "minimal"; a config's
	// PRESET_BASE must equal it.
	Name string `yaml:"-"`

	// Phase0: misc.
	MaxCommitteesPerSlot         uint64 `yaml:"MAX_COMMITTEES_PER_SLOT"`
	TargetCommitteeSize          uint64 `yaml:"TARGET_COMMITTEE_SIZE"`
	MaxValidatorsPerCommittee    uint64 `yaml:"MAX_VALIDATORS_PER_COMMITTEE"`
	ShuffleRoundCount            uint64 `yaml:"SHUFFLE_ROUND_COUNT"`
	HysteresisQuotient           uint64 `yaml:"HYSTERESIS_QUOTIENT"`
	HysteresisDownwardMultiplier uint64 `yaml:"HYSTERESIS_DOWNWARD_MULTIPLIER"`
	HysteresisUpwardMultiplier   uint64 `yaml:"HYSTERESIS_UPWARD_MULTIPLIER"`

	// Phase0: Gwei values.
	MinDepositAmount          Gwei `yaml:"MIN_DEPOSIT_AMOUNT"`
	MaxEffectiveBalance       Gwei `yaml:"MAX_EFFECTIVE_BALANCE"`
	EffectiveBalanceIncrement Gwei `yaml:"EFFECTIVE_BALANCE_INCREMENT"`

	// Phase0: time parameters.
	MinAttestationInclusionDelay Slot  `yaml:"MIN_ATTESTATION_INCLUSION_DELAY"`
	SlotsPerEpoch                Slot  `yaml:"SLOTS_PER_EPOCH"`
	MinSeedLookahead             Epoch `yaml:"MIN_SEED_LOOKAHEAD"`
	MaxSeedLookahead             Epoch `yaml:"MAX_SEED_LOOKAHEAD"`
	EpochsPerEth1VotingPeriod    Epoch `yaml:"EPOCHS_PER_ETH1_VOTING_PERIOD"`
	SlotsPerHistoricalRoot       Slot  `yaml:"SLOTS_PER_HISTORICAL_ROOT"`
	MinEpochsToInactivityPenalty Epoch `yaml:"MIN_EPOCHS_TO_INACTIVITY_PENALTY"`

	// Phase0: state list lengths.
	EpochsPerHistoricalVector Epoch  `yaml:"EPOCHS_PER_HISTORICAL_VECTOR"`
	EpochsPerSlashingsVector  Epoch  `yaml:"EPOCHS_PER_SLASHINGS_VECTOR"`
	HistoricalRootsLimit      uint64 `yaml:"HISTORICAL_ROOTS_LIMIT"`
	ValidatorRegistryLimit    uint64 `yaml:"VALIDATOR_REGISTRY_LIMIT"`

	// Phase0: rewards and penalties.
	BaseRewardFactor               uint64 `yaml:"BASE_REWARD_FACTOR"`
	WhistleblowerRewardQuotient    uint64 `yaml:"WHISTLEBLOWER_REWARD_QUOTIENT"`
	ProposerRewardQuotient         uint64 `yaml:"PROPOSER_REWARD_QUOTIENT"`
	InactivityPenaltyQuotient      uint64 `yaml:"INACTIVITY_PENALTY_QUOTIENT"`
	MinSlashingPenaltyQuotient     uint64 `yaml:"MIN_SLASHING_PENALTY_QUOTIENT"`
	ProportionalSlashingMultiplier uint64 `yaml:"PROPORTIONAL_SLASHING_MULTIPLIER"`

	// Phase0: max operations per block.
	MaxProposerSlashings uint64 `yaml:"MAX_PROPOSER_SLASHINGS"`
	MaxAttesterSlashings uint64 `yaml:"MAX_ATTESTER_SLASHINGS"`
	MaxAttestations      uint64 `yaml:"MAX_ATTESTATIONS"`
	MaxDeposits          uint64 `yaml:"MAX_DEPOSITS"`
	MaxVoluntaryExits    uint64 `yaml:"MAX_VOLUNTARY_EXITS"`

	// Altair.
	InactivityPenaltyQuotientAltair      uint64 `yaml:"INACTIVITY_PENALTY_QUOTIENT_ALTAIR"`
	MinSlashingPenaltyQuotientAltair     uint64 `yaml:"MIN_SLASHING_PENALTY_QUOTIENT_ALTAIR"`
	ProportionalSlashingMultiplierAltair uint64 `yaml:"PROPORTIONAL_SLASHING_MULTIPLIER_ALTAIR"`
	SyncCommitteeSize                    uint64 `yaml:"SYNC_COMMITTEE_SIZE"`
	EpochsPerSyncCommitteePeriod         Epoch  `yaml:"EPOCHS_PER_SYNC_COMMITTEE_PERIOD"`
	MinSyncCommitteeParticipants         uint64 `yaml:"MIN_SYNC_COMMITTEE_PARTICIPANTS"`
	UpdateTimeout                        Slot   `yaml:"UPDATE_TIMEOUT"`

	// Bellatrix.
	InactivityPenaltyQuotientBellatrix      uint64 `yaml:"INACTIVITY_PENALTY_QUOTIENT_BELLATRIX"`
	MinSlashingPenaltyQuotientBellatrix     uint64 `yaml:"MIN_SLASHING_PENALTY_QUOTIENT_BELLATRIX"`
	ProportionalSlashingMultiplierBellatrix uint64 `yaml:"PROPORTIONAL_SLASHING_MULTIPLIER_BELLATRIX"`
	MaxBytesPerTransaction                  uint64 `yaml:"MAX_BYTES_PER_TRANSACTION"`
	MaxTransactionsPerPayload               uint64 `yaml:"MAX_TRANSACTIONS_PER_PAYLOAD"`
	BytesPerLogsBloom                       uint64 `yaml:"BYTES_PER_LOGS_BLOOM"`
	MaxExtraDataBytes                       uint64 `yaml:"MAX_EXTRA_DATA_BYTES"`

	// Capella.
	MaxBLSToExecutionChanges         uint64 `yaml:"MAX_BLS_TO_EXECUTION_CHANGES"`
	MaxWithdrawalsPerPayload         uint64 `yaml:"MAX_WITHDRAWALS_PER_PAYLOAD"`
	MaxValidatorsPerWithdrawalsSweep uint64 `yaml:"MAX_VALIDATORS_PER_WITHDRAWALS_SWEEP"`

	// Deneb.
	MaxBlobCommitmentsPerBlock       uint64 `yaml:"MAX_BLOB_COMMITMENTS_PER_BLOCK"`
	KZGCommitmentInclusionProofDepth uint64 `yaml:"KZG_COMMITMENT_INCLUSION_PROOF_DEPTH"`
	FieldElementsPerBlob             uint64 `yaml:"FIELD_ELEMENTS_PER_BLOB"`

	// Electra.
	MinActivationBalance                  Gwei   `yaml:"MIN_ACTIVATION_BALANCE"`
	MaxEffectiveBalanceElectra            Gwei   `yaml:"MAX_EFFECTIVE_BALANCE_ELECTRA"`
	MinSlashingPenaltyQuotientElectra     uint64 `yaml:"MIN_SLASHING_PENALTY_QUOTIENT_ELECTRA"`
	WhistleblowerRewardQuotientElectra    uint64 `yaml:"WHISTLEBLOWER_REWARD_QUOTIENT_ELECTRA"`
	PendingDepositsLimit                  uint64 `yaml:"PENDING_DEPOSITS_LIMIT"`
	PendingPartialWithdrawalsLimit        uint64 `yaml:"PENDING_PARTIAL_WITHDRAWALS_LIMIT"`
	PendingConsolidationsLimit            uint64 `yaml:"PENDING_CONSOLIDATIONS_LIMIT"`
	MaxAttesterSlashingsElectra           uint64 `yaml:"MAX_ATTESTER_SLASHINGS_ELECTRA"`
	MaxAttestationsElectra                uint64 `yaml:"MAX_ATTESTATIONS_ELECTRA"`
	MaxDepositRequestsPerPayload          uint64 `yaml:"MAX_DEPOSIT_REQUESTS_PER_PAYLOAD"`
	MaxWithdrawalRequestsPerPayload       uint64 `yaml:"MAX_WITHDRAWAL_REQUESTS_PER_PAYLOAD"`
	MaxConsolidationRequestsPerPayload    uint64 `yaml:"MAX_CONSOLIDATION_REQUESTS_PER_PAYLOAD"`
	MaxPendingPartialsPerWithdrawalsSweep uint64 `yaml:"MAX_PENDING_PARTIALS_PER_WITHDRAWALS_SWEEP"`
	MaxPendingDepositsPerEpoch            uint64 `yaml:"MAX_PENDING_DEPOSITS_PER_EPOCH"`

	// Fulu.
	KZGCommitmentsInclusionProofDepth uint64 `yaml:"KZG_COMMITMENTS_INCLUSION_PROOF_DEPTH"`
	FieldElementsPerCell              uint64 `yaml:"FIELD_ELEMENTS_PER_CELL"`
	FieldElementsPerExtBlob           uint64 `yaml:"FIELD_ELEMENTS_PER_EXT_BLOB"`
	CellsPerExtBlob                   uint64 `yaml:"CELLS_PER_EXT_BLOB"`
	NumberOfColumns                   uint64 `yaml:"NUMBER_OF_COLUMNS"`
}

// MainnetPreset returns the mainnet preset (presets/mainnet/*.yaml).
func MainnetPreset() Preset {
	return Preset{
		Name: "mainnet",

		MaxCommitteesPerSlot:         64,
		TargetCommitteeSize:          128,
		MaxValidatorsPerCommittee:    2048,
		ShuffleRoundCount:            90,
		HysteresisQuotient:           4,
		HysteresisDownwardMultiplier: 1,
		HysteresisUpwardMultiplier:   5,

		MinDepositAmount:          1_000_000_000,
		MaxEffectiveBalance:       32_000_000_000,
		EffectiveBalanceIncrement: 1_000_000_000,

		MinAttestationInclusionDelay: 1,
		SlotsPerEpoch:                32,
		MinSeedLookahead:             1,
		MaxSeedLookahead:             4,
		EpochsPerEth1VotingPeriod:    64,
		SlotsPerHistoricalRoot:       8192,
		MinEpochsToInactivityPenalty: 4,

		EpochsPerHistoricalVector: 65536,
		EpochsPerSlashingsVector:  8192,
		HistoricalRootsLimit:      16_777_216,
		ValidatorRegistryLimit:    1_099_511_627_776,

		BaseRewardFactor:               64,
		WhistleblowerRewardQuotient:    512,
		ProposerRewardQuotient:         8,
		InactivityPenaltyQuotient:      67_108_864,
		MinSlashingPenaltyQuotient:     128,
		ProportionalSlashingMultiplier: 1,

		MaxProposerSlashings: 16,
		MaxAttesterSlashings: 2,
		MaxAttestations:      128,
		MaxDeposits:          16,
		MaxVoluntaryExits:    16,

		InactivityPenaltyQuotientAltair:      50_331_648,
		MinSlashingPenaltyQuotientAltair:     64,
		ProportionalSlashingMultiplierAltair: 2,
		SyncCommitteeSize:                    512,
		EpochsPerSyncCommitteePeriod:         256,
		MinSyncCommitteeParticipants:         1,
		UpdateTimeout:                        8192,

		InactivityPenaltyQuotientBellatrix:      16_777_216,
		MinSlashingPenaltyQuotientBellatrix:     32,
		ProportionalSlashingMultiplierBellatrix: 3,
		MaxBytesPerTransaction:                  1_073_741_824,
		MaxTransactionsPerPayload:               1_048_576,
		BytesPerLogsBloom:                       256,
		MaxExtraDataBytes:                       32,

		MaxBLSToExecutionChanges:         16,
		MaxWithdrawalsPerPayload:         16,
		MaxValidatorsPerWithdrawalsSweep: 16384,

		MaxBlobCommitmentsPerBlock:       4096,
		KZGCommitmentInclusionProofDepth: 17,
		FieldElementsPerBlob:             4096,

		MinActivationBalance:                  32_000_000_000,
		MaxEffectiveBalanceElectra:            2_048_000_000_000,
		MinSlashingPenaltyQuotientElectra:     4096,
		WhistleblowerRewardQuotientElectra:    4096,
		PendingDepositsLimit:                  134_217_728,
		PendingPartialWithdrawalsLimit:        134_217_728,
		PendingConsolidationsLimit:            262_144,
		MaxAttesterSlashingsElectra:           1,
		MaxAttestationsElectra:                8,
		MaxDepositRequestsPerPayload:          8192,
		MaxWithdrawalRequestsPerPayload:       16,
		MaxConsolidationRequestsPerPayload:    2,
		MaxPendingPartialsPerWithdrawalsSweep: 8,
		MaxPendingDepositsPerEpoch:            16,

		KZGCommitmentsInclusionProofDepth: 4,
		FieldElementsPerCell:              64,
		FieldElementsPerExtBlob:           8192,
		CellsPerExtBlob:                   128,
		NumberOfColumns:                   128,
	}
}

// MinimalPreset returns the minimal preset (presets/minimal/*.yaml), the
// small preset the spec tests use.
func MinimalPreset() Preset {
	p := MainnetPreset()
	p.Name = "minimal"

	// Only the values the minimal preset customises differ from mainnet.
	p.MaxCommitteesPerSlot = 4
	p.TargetCommitteeSize = 4
	p.ShuffleRoundCount = 10
	p.SlotsPerEpoch = 8
	p.EpochsPerEth1VotingPeriod = 4
	p.SlotsPerHistoricalRoot = 64
	p.EpochsPerHistoricalVector = 64
	p.EpochsPerSlashingsVector = 64
	p.InactivityPenaltyQuotient = 33_554_432
	p.MinSlashingPenaltyQuotient = 64
	p.ProportionalSlashingMultiplier = 2

	p.SyncCommitteeSize = 32
	p.EpochsPerSyncCommitteePeriod = 8
	p.UpdateTimeout = 64

	p.MaxWithdrawalsPerPayload = 4
	p.MaxValidatorsPerWithdrawalsSweep = 16

	p.PendingPartialWithdrawalsLimit = 64
	p.PendingConsolidationsLimit = 64
	p.MaxPendingPartialsPerWithdrawalsSweep = 2
	return p
}
