package spec

import "github.com/quetzal-eth/quetzal/ssz"

// The operations a beacon block carries, and the attestation types they
// are made of (phase0 beacon-chain.md, "Beacon operations", with the
// changes of altair, capella and electra). One Go type serves every fork;
// where a fork changes a list limit or adds a field, DefineSSZ reads the
// fork from the Schema.

// AttestationData is what an attestation votes for (phase0).
type AttestationData struct {
	Slot  Slot
	Index CommitteeIndex
	// BeaconBlockRoot is the LMD GHOST vote.
	BeaconBlockRoot Root
	// Source and Target are the FFG vote.
	Source Checkpoint
	Target Checkpoint
}

func (a *AttestationData) DefineSSZ(c *ssz.Codec) {
	ssz.Uint64(c, &a.Slot)
	ssz.Uint64(c, &a.Index)
	ssz.Bytes(c, a.BeaconBlockRoot[:])
	ssz.Container(c, &a.Source)
	ssz.Container(c, &a.Target)
}

// aggregationBitsLimit is the limit of an attestation's aggregation_bits
// and of an indexed attestation's attesting_indices: one committee until
// electra, every committee of a slot from electra (EIP-7549) on.
func (s *Schema) aggregationBitsLimit() int {
	if s.Fork >= Electra {
		return int(s.MaxValidatorsPerCommittee * s.MaxCommitteesPerSlot)
	}
	return int(s.MaxValidatorsPerCommittee)
}

// Attestation is an aggregate of attesters' votes (phase0, modified in
// electra).
type Attestation struct {
	// AggregationBits has one bit per committee member (phase0); from
	// electra on it concatenates the bits of every committee named in
	// CommitteeBits, in committee order.
	AggregationBits ssz.Bitlist
	Data            AttestationData
	Signature       BLSSignature
	// CommitteeBits marks the committees of the slot that take part
	// (electra, EIP-7549); Data.Index is then zero.
	CommitteeBits ssz.Bitvector
}

func (a *Attestation) DefineSSZ(c *ssz.Codec) {
	s := schemaOf(c)
	ssz.BitlistField(c, &a.AggregationBits, s.aggregationBitsLimit())
	ssz.Container(c, &a.Data)
	ssz.Bytes(c, a.Signature[:])
	if s.Fork >= Electra {
		ssz.BitvectorField(c, &a.CommitteeBits, int(s.MaxCommitteesPerSlot))
	}
}

// IndexedAttestation is an attestation with its attesters listed by
// validator index, sorted (phase0; its limit grows in electra).
type IndexedAttestation struct {
	AttestingIndices []ValidatorIndex
	Data             AttestationData
	Signature        BLSSignature
}

func (a *IndexedAttestation) DefineSSZ(c *ssz.Codec) {
	s := schemaOf(c)
	ssz.BasicList(c, &a.AttestingIndices, s.aggregationBitsLimit())
	ssz.Container(c, &a.Data)
	ssz.Bytes(c, a.Signature[:])
}

// PendingAttestation, the phase0 state's record of an included
// attestation, is defined with the state's containers.

// ProposerSlashing proves that a proposer signed two headers for one slot
// (phase0).
type ProposerSlashing struct {
	SignedHeader1 SignedBeaconBlockHeader
	SignedHeader2 SignedBeaconBlockHeader
}

func (p *ProposerSlashing) DefineSSZ(c *ssz.Codec) {
	ssz.Container(c, &p.SignedHeader1)
	ssz.Container(c, &p.SignedHeader2)
}

// AttesterSlashing proves that attesters signed two conflicting
// attestations (phase0; its attestations grow in electra).
type AttesterSlashing struct {
	Attestation1 IndexedAttestation
	Attestation2 IndexedAttestation
}

func (a *AttesterSlashing) DefineSSZ(c *ssz.Codec) {
	ssz.Container(c, &a.Attestation1)
	ssz.Container(c, &a.Attestation2)
}

// DepositProofLength is the length of a deposit's Merkle branch: the
// deposit contract's tree depth plus one node for the mixed-in deposit
// count (phase0 DepositProof).
const DepositProofLength = int(DepositContractTreeDepth) + 1

// Deposit is a deposit made to the deposit contract, with its proof against
// the deposit root of the state's eth1_data (phase0).
type Deposit struct {
	// Proof holds DepositProofLength nodes.
	Proof []Root
	Data  DepositData
}

func (d *Deposit) DefineSSZ(c *ssz.Codec) {
	ssz.ArrayVector(c, &d.Proof, DepositProofLength)
	ssz.Container(c, &d.Data)
}

// DepositMessage is the part of DepositData that the depositor signs
// (phase0).
type DepositMessage struct {
	Pubkey                BLSPubkey
	WithdrawalCredentials Root
	Amount                Gwei
}

func (d *DepositMessage) DefineSSZ(c *ssz.Codec) {
	ssz.Bytes(c, d.Pubkey[:])
	ssz.Bytes(c, d.WithdrawalCredentials[:])
	ssz.Uint64(c, &d.Amount)
}

// DepositData is the data of one deposit-contract deposit (phase0).
type DepositData struct {
	Pubkey                BLSPubkey
	WithdrawalCredentials Root
	Amount                Gwei
	// Signature signs the DepositMessage; it is a proof of possession.
	Signature BLSSignature
}

func (d *DepositData) DefineSSZ(c *ssz.Codec) {
	ssz.Bytes(c, d.Pubkey[:])
	ssz.Bytes(c, d.WithdrawalCredentials[:])
	ssz.Uint64(c, &d.Amount)
	ssz.Bytes(c, d.Signature[:])
}

// VoluntaryExit is a validator's request to exit (phase0).
type VoluntaryExit struct {
	// Epoch is the earliest epoch at which the exit may be processed.
	Epoch          Epoch
	ValidatorIndex ValidatorIndex
}

func (v *VoluntaryExit) DefineSSZ(c *ssz.Codec) {
	ssz.Uint64(c, &v.Epoch)
	ssz.Uint64(c, &v.ValidatorIndex)
}

// SignedVoluntaryExit is a VoluntaryExit with its signature (phase0).
type SignedVoluntaryExit struct {
	Message   VoluntaryExit
	Signature BLSSignature
}

func (v *SignedVoluntaryExit) DefineSSZ(c *ssz.Codec) {
	ssz.Container(c, &v.Message)
	ssz.Bytes(c, v.Signature[:])
}

// SyncAggregate is the sync committee's aggregate signature over the
// previous slot's block root (altair).
type SyncAggregate struct {
	// SyncCommitteeBits has SYNC_COMMITTEE_SIZE bits.
	SyncCommitteeBits      ssz.Bitvector
	SyncCommitteeSignature BLSSignature
}

func (a *SyncAggregate) DefineSSZ(c *ssz.Codec) {
	s := schemaOf(c)
	ssz.BitvectorField(c, &a.SyncCommitteeBits, int(s.SyncCommitteeSize))
	ssz.Bytes(c, a.SyncCommitteeSignature[:])
}

// BLSToExecutionChange asks to change a validator's BLS withdrawal
// credentials to an execution address (capella).
type BLSToExecutionChange struct {
	ValidatorIndex     ValidatorIndex
	FromBLSPubkey      BLSPubkey
	ToExecutionAddress ExecutionAddress
}

func (b *BLSToExecutionChange) DefineSSZ(c *ssz.Codec) {
	ssz.Uint64(c, &b.ValidatorIndex)
	ssz.Bytes(c, b.FromBLSPubkey[:])
	ssz.Bytes(c, b.ToExecutionAddress[:])
}

// SignedBLSToExecutionChange is a BLSToExecutionChange signed with the
// validator's withdrawal BLS key (capella).
type SignedBLSToExecutionChange struct {
	Message   BLSToExecutionChange
	Signature BLSSignature
}

func (b *SignedBLSToExecutionChange) DefineSSZ(c *ssz.Codec) {
	ssz.Container(c, &b.Message)
	ssz.Bytes(c, b.Signature[:])
}

// SingleAttestation is one validator's attestation as it travels on the
// attestation subnets (electra, EIP-7549).
type SingleAttestation struct {
	CommitteeIndex CommitteeIndex
	AttesterIndex  ValidatorIndex
	Data           AttestationData
	Signature      BLSSignature
}

func (a *SingleAttestation) DefineSSZ(c *ssz.Codec) {
	ssz.Uint64(c, &a.CommitteeIndex)
	ssz.Uint64(c, &a.AttesterIndex)
	ssz.Container(c, &a.Data)
	ssz.Bytes(c, a.Signature[:])
}
