package spec

import "github.com/quetzal-eth/quetzal/ssz"

// Beacon blocks and their headers (phase0 beacon-chain.md, "Beacon
// blocks", and the BeaconBlockBody of every later fork).

// BeaconBlockHeader is a block with its body replaced by the body's root
// (phase0).
type BeaconBlockHeader struct {
	Slot          Slot
	ProposerIndex ValidatorIndex
	ParentRoot    Root
	StateRoot     Root
	BodyRoot      Root
}

func (h *BeaconBlockHeader) DefineSSZ(c *ssz.Codec) {
	ssz.Uint64(c, &h.Slot)
	ssz.Uint64(c, &h.ProposerIndex)
	ssz.Bytes(c, h.ParentRoot[:])
	ssz.Bytes(c, h.StateRoot[:])
	ssz.Bytes(c, h.BodyRoot[:])
}

// SignedBeaconBlockHeader is a header with the proposer's signature, which
// is also the signature of the full block (phase0).
type SignedBeaconBlockHeader struct {
	Message   BeaconBlockHeader
	Signature BLSSignature
}

func (h *SignedBeaconBlockHeader) DefineSSZ(c *ssz.Codec) {
	ssz.Container(c, &h.Message)
	ssz.Bytes(c, h.Signature[:])
}

// BeaconBlockBody holds a block's operations and payload. It has the
// fields of every fork; DefineSSZ lists those that exist at the schema's
// fork, in that fork's order.
type BeaconBlockBody struct {
	RandaoReveal BLSSignature
	// Eth1Data is the proposer's vote on the deposit contract's state.
	Eth1Data Eth1Data
	Graffiti Root
	// ProposerSlashings: at most MAX_PROPOSER_SLASHINGS (phase0).
	ProposerSlashings []ProposerSlashing
	// AttesterSlashings: at most MAX_ATTESTER_SLASHINGS (phase0);
	// MAX_ATTESTER_SLASHINGS_ELECTRA from electra on.
	AttesterSlashings []AttesterSlashing
	// Attestations: at most MAX_ATTESTATIONS (phase0);
	// MAX_ATTESTATIONS_ELECTRA from electra on.
	Attestations   []Attestation
	Deposits       []Deposit
	VoluntaryExits []SignedVoluntaryExit
	// SyncAggregate is new in altair.
	SyncAggregate SyncAggregate
	// ExecutionPayload is new in bellatrix (its fields grow in capella and
	// deneb).
	ExecutionPayload ExecutionPayload
	// BLSToExecutionChanges is new in capella.
	BLSToExecutionChanges []SignedBLSToExecutionChange
	// BlobKZGCommitments is new in deneb.
	BlobKZGCommitments []KZGCommitment
	// ExecutionRequests is new in electra.
	ExecutionRequests ExecutionRequests
}

func (b *BeaconBlockBody) DefineSSZ(c *ssz.Codec) {
	b.define(c, func() { ssz.Container(c, &b.ExecutionPayload) })
}

// define defines the body's fields, with the execution payload's defined
// by payload.
func (b *BeaconBlockBody) define(c *ssz.Codec, payload func()) {
	s := schemaOf(c)
	maxAttesterSlashings, maxAttestations := s.MaxAttesterSlashings, s.MaxAttestations
	if s.Fork >= Electra {
		maxAttesterSlashings, maxAttestations = s.MaxAttesterSlashingsElectra, s.MaxAttestationsElectra
	}
	ssz.Bytes(c, b.RandaoReveal[:])
	ssz.Container(c, &b.Eth1Data)
	ssz.Bytes(c, b.Graffiti[:])
	ssz.List(c, &b.ProposerSlashings, int(s.MaxProposerSlashings))
	ssz.List(c, &b.AttesterSlashings, int(maxAttesterSlashings))
	ssz.List(c, &b.Attestations, int(maxAttestations))
	ssz.List(c, &b.Deposits, int(s.MaxDeposits))
	ssz.List(c, &b.VoluntaryExits, int(s.MaxVoluntaryExits))
	if s.Fork >= Altair {
		ssz.Container(c, &b.SyncAggregate)
	}
	if s.Fork >= Bellatrix {
		payload()
	}
	if s.Fork >= Capella {
		ssz.List(c, &b.BLSToExecutionChanges, int(s.MaxBLSToExecutionChanges))
	}
	if s.Fork >= Deneb {
		ssz.ArrayList(c, &b.BlobKZGCommitments, int(s.MaxBlobCommitmentsPerBlock))
	}
	if s.Fork >= Electra {
		ssz.Container(c, &b.ExecutionRequests)
	}
}

// blindedBody is a block body with its execution payload replaced by the
// payload's header (the body of a blinded block, as the builder API calls
// it): it has the body's hash_tree_root, since a header's root is its
// payload's, and the header's lists are already hashed.
type blindedBody struct {
	body   *BeaconBlockBody
	header *ExecutionPayloadHeader
}

func (b blindedBody) DefineSSZ(c *ssz.Codec) {
	b.body.define(c, func() { ssz.Container(c, b.header) })
}

// BeaconBlock is a block (phase0; its body changes in every fork).
type BeaconBlock struct {
	Slot          Slot
	ProposerIndex ValidatorIndex
	ParentRoot    Root
	StateRoot     Root
	Body          BeaconBlockBody
}

func (b *BeaconBlock) DefineSSZ(c *ssz.Codec) {
	ssz.Uint64(c, &b.Slot)
	ssz.Uint64(c, &b.ProposerIndex)
	ssz.Bytes(c, b.ParentRoot[:])
	ssz.Bytes(c, b.StateRoot[:])
	ssz.Container(c, &b.Body)
}

// SignedBeaconBlock is a block with its proposer's signature (phase0).
type SignedBeaconBlock struct {
	Message   BeaconBlock
	Signature BLSSignature
}

func (b *SignedBeaconBlock) DefineSSZ(c *ssz.Codec) {
	ssz.Container(c, &b.Message)
	ssz.Bytes(c, b.Signature[:])
}
