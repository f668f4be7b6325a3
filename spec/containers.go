package spec

import "github.com/quetzal-eth/quetzal/ssz"

// Misc containers of the beacon chain (phase0 beacon-chain.md, "Misc
// dependencies", and the containers later forks add to the state: altair's
// SyncCommittee, capella's HistoricalSummary, electra's pending queues).
// Bytes32 values are held as Root, the 32-byte type that prints as hex.

// Fork records the fork versions around the latest fork of a state
// (phase0).
type Fork struct {
	PreviousVersion Version
	CurrentVersion  Version
	// Epoch is the epoch of the latest fork.
	Epoch Epoch
}

func (f *Fork) DefineSSZ(c *ssz.Codec) {
	ssz.Bytes(c, f.PreviousVersion[:])
	ssz.Bytes(c, f.CurrentVersion[:])
	ssz.Uint64(c, &f.Epoch)
}

// ForkData is what compute_fork_data_root hashes (phase0).
type ForkData struct {
	CurrentVersion        Version
	GenesisValidatorsRoot Root
}

func (f *ForkData) DefineSSZ(c *ssz.Codec) {
	ssz.Bytes(c, f.CurrentVersion[:])
	ssz.Bytes(c, f.GenesisValidatorsRoot[:])
}

// Checkpoint is an epoch boundary block (phase0).
type Checkpoint struct {
	Epoch Epoch
	Root  Root
}

func (cp *Checkpoint) DefineSSZ(c *ssz.Codec) {
	ssz.Uint64(c, &cp.Epoch)
	ssz.Bytes(c, cp.Root[:])
}

// Validator is a validator's registry record (phase0). States hold them by
// value, so a registry of a million validators is one allocation.
type Validator struct {
	Pubkey BLSPubkey
	// WithdrawalCredentials start with a prefix byte saying how the
	// remaining bytes are read (BLSWithdrawalPrefix, ...).
	WithdrawalCredentials      Root
	EffectiveBalance           Gwei
	Slashed                    bool
	ActivationEligibilityEpoch Epoch
	ActivationEpoch            Epoch
	ExitEpoch                  Epoch
	WithdrawableEpoch          Epoch
}

func (v *Validator) DefineSSZ(c *ssz.Codec) {
	ssz.Bytes(c, v.Pubkey[:])
	ssz.Bytes(c, v.WithdrawalCredentials[:])
	ssz.Uint64(c, &v.EffectiveBalance)
	ssz.Bool(c, &v.Slashed)
	ssz.Uint64(c, &v.ActivationEligibilityEpoch)
	ssz.Uint64(c, &v.ActivationEpoch)
	ssz.Uint64(c, &v.ExitEpoch)
	ssz.Uint64(c, &v.WithdrawableEpoch)
}

// Eth1Data is a view of the deposit contract, voted on by proposers
// (phase0).
type Eth1Data struct {
	DepositRoot  Root
	DepositCount uint64
	BlockHash    Hash32
}

func (e *Eth1Data) DefineSSZ(c *ssz.Codec) {
	ssz.Bytes(c, e.DepositRoot[:])
	ssz.Uint64(c, &e.DepositCount)
	ssz.Bytes(c, e.BlockHash[:])
}

// HistoricalBatch is the pair of root vectors whose root phase0 appends to
// historical_roots every SLOTS_PER_HISTORICAL_ROOT slots (phase0; replaced
// by HistoricalSummary in capella).
type HistoricalBatch struct {
	BlockRoots []Root // SLOTS_PER_HISTORICAL_ROOT
	StateRoots []Root // SLOTS_PER_HISTORICAL_ROOT
}

func (h *HistoricalBatch) DefineSSZ(c *ssz.Codec) {
	s := schemaOf(c)
	ssz.ArrayVector(c, &h.BlockRoots, int(s.SlotsPerHistoricalRoot))
	ssz.ArrayVector(c, &h.StateRoots, int(s.SlotsPerHistoricalRoot))
}

// HistoricalSummary holds the roots of a HistoricalBatch's two vectors
// separately, so that a block root can be proven without the state roots
// (capella).
type HistoricalSummary struct {
	BlockSummaryRoot Root
	StateSummaryRoot Root
}

func (h *HistoricalSummary) DefineSSZ(c *ssz.Codec) {
	ssz.Bytes(c, h.BlockSummaryRoot[:])
	ssz.Bytes(c, h.StateSummaryRoot[:])
}

// PendingAttestation is an attestation included in a block and kept in the
// state until epoch processing (phase0 only; altair replaces them with
// participation flags).
type PendingAttestation struct {
	AggregationBits ssz.Bitlist // MAX_VALIDATORS_PER_COMMITTEE
	Data            AttestationData
	InclusionDelay  Slot
	ProposerIndex   ValidatorIndex
}

func (p *PendingAttestation) DefineSSZ(c *ssz.Codec) {
	s := schemaOf(c)
	ssz.BitlistField(c, &p.AggregationBits, int(s.MaxValidatorsPerCommittee))
	ssz.Container(c, &p.Data)
	ssz.Uint64(c, &p.InclusionDelay)
	ssz.Uint64(c, &p.ProposerIndex)
}

// SigningData is what a signature signs: an object's root and the domain
// (phase0, compute_signing_root).
type SigningData struct {
	ObjectRoot Root
	Domain     Domain
}

func (d *SigningData) DefineSSZ(c *ssz.Codec) {
	ssz.Bytes(c, d.ObjectRoot[:])
	ssz.Bytes(c, d.Domain[:])
}

// SyncCommittee is the committee that signs block roots for a sync
// committee period (altair).
type SyncCommittee struct {
	Pubkeys         []BLSPubkey // SYNC_COMMITTEE_SIZE
	AggregatePubkey BLSPubkey
}

func (sc *SyncCommittee) DefineSSZ(c *ssz.Codec) {
	s := schemaOf(c)
	ssz.ArrayVector(c, &sc.Pubkeys, int(s.SyncCommitteeSize))
	ssz.Bytes(c, sc.AggregatePubkey[:])
}

// PendingDeposit is a deposit waiting in the state's queue to be applied
// (electra, EIP-7251).
type PendingDeposit struct {
	Pubkey                BLSPubkey
	WithdrawalCredentials Root
	Amount                Gwei
	Signature             BLSSignature
	// Slot is the slot of the block that included the deposit, or
	// GENESIS_SLOT for deposits made before the deposit requests took over.
	Slot Slot
}

func (d *PendingDeposit) DefineSSZ(c *ssz.Codec) {
	ssz.Bytes(c, d.Pubkey[:])
	ssz.Bytes(c, d.WithdrawalCredentials[:])
	ssz.Uint64(c, &d.Amount)
	ssz.Bytes(c, d.Signature[:])
	ssz.Uint64(c, &d.Slot)
}

// PendingPartialWithdrawal is a partial withdrawal waiting for its epoch
// (electra, EIP-7002).
type PendingPartialWithdrawal struct {
	ValidatorIndex    ValidatorIndex
	Amount            Gwei
	WithdrawableEpoch Epoch
}

func (w *PendingPartialWithdrawal) DefineSSZ(c *ssz.Codec) {
	ssz.Uint64(c, &w.ValidatorIndex)
	ssz.Uint64(c, &w.Amount)
	ssz.Uint64(c, &w.WithdrawableEpoch)
}

// PendingConsolidation moves a source validator's balance to a target
// validator once the source has exited (electra, EIP-7251).
type PendingConsolidation struct {
	SourceIndex ValidatorIndex
	TargetIndex ValidatorIndex
}

func (p *PendingConsolidation) DefineSSZ(c *ssz.Codec) {
	ssz.Uint64(c, &p.SourceIndex)
	ssz.Uint64(c, &p.TargetIndex)
}
