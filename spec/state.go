package spec

import "github.com/quetzal-eth/quetzal/ssz"

// BeaconState is the state of the beacon chain (phase0 beacon-chain.md,
// "Beacon state", and the same section of every later fork). It holds the
// fields of every fork; DefineSSZ lists those that exist at the schema's
// fork, in that fork's order. Fields that a fork replaced by a field of
// another type (phase0's pending attestations, altair's participation
// flags) are kept apart under their spec names, and only one of them is in
// use at a time.
//
// Values are plain slices and structs, so reading a field cannot fail and
// the code that works on a state reads like the spec.
type BeaconState struct {
	// Versioning (phase0).
	GenesisTime           uint64
	GenesisValidatorsRoot Root
	Slot                  Slot
	Fork                  Fork

	// History (phase0).
	LatestBlockHeader BeaconBlockHeader
	BlockRoots        []Root // SLOTS_PER_HISTORICAL_ROOT
	StateRoots        []Root // SLOTS_PER_HISTORICAL_ROOT
	// HistoricalRoots is frozen from capella on, which appends to
	// HistoricalSummaries instead.
	HistoricalRoots []Root // HISTORICAL_ROOTS_LIMIT

	// Eth1 (phase0).
	Eth1Data         Eth1Data
	Eth1DataVotes    []Eth1Data // EPOCHS_PER_ETH1_VOTING_PERIOD * SLOTS_PER_EPOCH
	Eth1DepositIndex uint64

	// Registry (phase0).
	Validators []Validator // VALIDATOR_REGISTRY_LIMIT
	Balances   []Gwei      // VALIDATOR_REGISTRY_LIMIT

	// Randomness (phase0).
	RandaoMixes []Root // EPOCHS_PER_HISTORICAL_VECTOR

	// Slashings (phase0).
	Slashings []Gwei // EPOCHS_PER_SLASHINGS_VECTOR

	// PreviousEpochAttestations and CurrentEpochAttestations are phase0
	// only; altair replaces them with the participation lists below.
	PreviousEpochAttestations []PendingAttestation // MAX_ATTESTATIONS * SLOTS_PER_EPOCH
	CurrentEpochAttestations  []PendingAttestation // MAX_ATTESTATIONS * SLOTS_PER_EPOCH

	// PreviousEpochParticipation and CurrentEpochParticipation are new in
	// altair, in place of the pending attestations.
	PreviousEpochParticipation []ParticipationFlags // VALIDATOR_REGISTRY_LIMIT
	CurrentEpochParticipation  []ParticipationFlags // VALIDATOR_REGISTRY_LIMIT

	// Finality (phase0).
	JustificationBits           ssz.Bitvector // JUSTIFICATION_BITS_LENGTH
	PreviousJustifiedCheckpoint Checkpoint
	CurrentJustifiedCheckpoint  Checkpoint
	FinalizedCheckpoint         Checkpoint

	// InactivityScores is new in altair.
	InactivityScores []uint64 // VALIDATOR_REGISTRY_LIMIT

	// CurrentSyncCommittee and NextSyncCommittee are new in altair.
	CurrentSyncCommittee SyncCommittee
	NextSyncCommittee    SyncCommittee

	// LatestExecutionPayloadHeader is new in bellatrix; its fields grow in
	// capella and deneb.
	LatestExecutionPayloadHeader ExecutionPayloadHeader

	// NextWithdrawalIndex, NextWithdrawalValidatorIndex and
	// HistoricalSummaries are new in capella.
	NextWithdrawalIndex          WithdrawalIndex
	NextWithdrawalValidatorIndex ValidatorIndex
	HistoricalSummaries          []HistoricalSummary // HISTORICAL_ROOTS_LIMIT

	// DepositRequestsStartIndex is new in electra (EIP-6110).
	DepositRequestsStartIndex uint64
	// The churn accounting and pending queues are new in electra
	// (EIP-7251, EIP-7002).
	DepositBalanceToConsume       Gwei
	ExitBalanceToConsume          Gwei
	EarliestExitEpoch             Epoch
	ConsolidationBalanceToConsume Gwei
	EarliestConsolidationEpoch    Epoch
	PendingDeposits               []PendingDeposit           // PENDING_DEPOSITS_LIMIT
	PendingPartialWithdrawals     []PendingPartialWithdrawal // PENDING_PARTIAL_WITHDRAWALS_LIMIT
	PendingConsolidations         []PendingConsolidation     // PENDING_CONSOLIDATIONS_LIMIT

	// ProposerLookahead is new in fulu (EIP-7917): the proposer of every
	// slot of the current and the next MIN_SEED_LOOKAHEAD epochs.
	ProposerLookahead []ValidatorIndex // (MIN_SEED_LOOKAHEAD + 1) * SLOTS_PER_EPOCH

	// caches are the state's caches of committees, balances and pubkeys
	// (cache.go); not part of the state's SSZ.
	caches *stateCaches
	// roots is the state's place in its hash cache (state_root.go).
	roots rootTracking
}

func (st *BeaconState) DefineSSZ(c *ssz.Codec) {
	s := schemaOf(c)
	ssz.Uint64(c, &st.GenesisTime)
	ssz.Bytes(c, st.GenesisValidatorsRoot[:])
	ssz.Uint64(c, &st.Slot)
	ssz.Container(c, &st.Fork)
	ssz.Container(c, &st.LatestBlockHeader)
	ssz.ArrayVector(c, &st.BlockRoots, int(s.SlotsPerHistoricalRoot))
	ssz.ArrayVector(c, &st.StateRoots, int(s.SlotsPerHistoricalRoot))
	ssz.ArrayList(c, &st.HistoricalRoots, int(s.HistoricalRootsLimit))
	ssz.Container(c, &st.Eth1Data)
	ssz.List(c, &st.Eth1DataVotes, int(uint64(s.EpochsPerEth1VotingPeriod)*uint64(s.SlotsPerEpoch)))
	ssz.Uint64(c, &st.Eth1DepositIndex)
	ssz.List(c, &st.Validators, int(s.ValidatorRegistryLimit))
	ssz.BasicList(c, &st.Balances, int(s.ValidatorRegistryLimit))
	ssz.ArrayVector(c, &st.RandaoMixes, int(s.EpochsPerHistoricalVector))
	ssz.BasicVector(c, &st.Slashings, int(s.EpochsPerSlashingsVector))
	if s.Fork == Phase0 {
		maxPending := int(s.MaxAttestations * uint64(s.SlotsPerEpoch))
		ssz.List(c, &st.PreviousEpochAttestations, maxPending)
		ssz.List(c, &st.CurrentEpochAttestations, maxPending)
	} else {
		ssz.BasicList(c, &st.PreviousEpochParticipation, int(s.ValidatorRegistryLimit))
		ssz.BasicList(c, &st.CurrentEpochParticipation, int(s.ValidatorRegistryLimit))
	}
	ssz.BitvectorField(c, &st.JustificationBits, int(JustificationBitsLength))
	ssz.Container(c, &st.PreviousJustifiedCheckpoint)
	ssz.Container(c, &st.CurrentJustifiedCheckpoint)
	ssz.Container(c, &st.FinalizedCheckpoint)
	if s.Fork >= Altair {
		ssz.BasicList(c, &st.InactivityScores, int(s.ValidatorRegistryLimit))
		ssz.Container(c, &st.CurrentSyncCommittee)
		ssz.Container(c, &st.NextSyncCommittee)
	}
	if s.Fork >= Bellatrix {
		ssz.Container(c, &st.LatestExecutionPayloadHeader)
	}
	if s.Fork >= Capella {
		ssz.Uint64(c, &st.NextWithdrawalIndex)
		ssz.Uint64(c, &st.NextWithdrawalValidatorIndex)
		ssz.List(c, &st.HistoricalSummaries, int(s.HistoricalRootsLimit))
	}
	if s.Fork >= Electra {
		ssz.Uint64(c, &st.DepositRequestsStartIndex)
		ssz.Uint64(c, &st.DepositBalanceToConsume)
		ssz.Uint64(c, &st.ExitBalanceToConsume)
		ssz.Uint64(c, &st.EarliestExitEpoch)
		ssz.Uint64(c, &st.ConsolidationBalanceToConsume)
		ssz.Uint64(c, &st.EarliestConsolidationEpoch)
		ssz.List(c, &st.PendingDeposits, int(s.PendingDepositsLimit))
		ssz.List(c, &st.PendingPartialWithdrawals, int(s.PendingPartialWithdrawalsLimit))
		ssz.List(c, &st.PendingConsolidations, int(s.PendingConsolidationsLimit))
	}
	if s.Fork >= Fulu {
		ssz.BasicVector(c, &st.ProposerLookahead, int(uint64(s.MinSeedLookahead+1)*uint64(s.SlotsPerEpoch)))
	}
}
