package spec

import "github.com/quetzal-eth/quetzal/ssz"

// Containers of the validator duties and gossip messages (phase0 and
// altair validator.md and p2p-interface.md, modified in electra).

// Eth1Block is the part of an execution-layer block that eth1 voting reads
// (phase0 validator.md).
type Eth1Block struct {
	Timestamp    uint64
	DepositRoot  Root
	DepositCount uint64
}

func (b *Eth1Block) DefineSSZ(c *ssz.Codec) {
	ssz.Uint64(c, &b.Timestamp)
	ssz.Bytes(c, b.DepositRoot[:])
	ssz.Uint64(c, &b.DepositCount)
}

// AggregateAndProof is an aggregator's aggregate attestation with the
// selection proof that makes it an aggregator (phase0; its Attestation
// changes in electra).
type AggregateAndProof struct {
	AggregatorIndex ValidatorIndex
	Aggregate       Attestation
	SelectionProof  BLSSignature
}

func (a *AggregateAndProof) DefineSSZ(c *ssz.Codec) {
	ssz.Uint64(c, &a.AggregatorIndex)
	ssz.Container(c, &a.Aggregate)
	ssz.Bytes(c, a.SelectionProof[:])
}

// SignedAggregateAndProof is an AggregateAndProof signed by the aggregator
// (phase0; changed with it in electra).
type SignedAggregateAndProof struct {
	Message   AggregateAndProof
	Signature BLSSignature
}

func (a *SignedAggregateAndProof) DefineSSZ(c *ssz.Codec) {
	ssz.Container(c, &a.Message)
	ssz.Bytes(c, a.Signature[:])
}

// SyncCommitteeMessage is one sync committee member's signature over a
// block root (altair).
type SyncCommitteeMessage struct {
	Slot            Slot
	BeaconBlockRoot Root
	ValidatorIndex  ValidatorIndex
	Signature       BLSSignature
}

func (m *SyncCommitteeMessage) DefineSSZ(c *ssz.Codec) {
	ssz.Uint64(c, &m.Slot)
	ssz.Bytes(c, m.BeaconBlockRoot[:])
	ssz.Uint64(c, &m.ValidatorIndex)
	ssz.Bytes(c, m.Signature[:])
}

// SyncCommitteeContribution aggregates the messages of one sync
// subcommittee (altair).
type SyncCommitteeContribution struct {
	Slot              Slot
	BeaconBlockRoot   Root
	SubcommitteeIndex uint64
	// AggregationBits has SYNC_COMMITTEE_SIZE / SYNC_COMMITTEE_SUBNET_COUNT
	// bits, one per subcommittee member.
	AggregationBits ssz.Bitvector
	Signature       BLSSignature
}

func (s *SyncCommitteeContribution) DefineSSZ(c *ssz.Codec) {
	sc := schemaOf(c)
	ssz.Uint64(c, &s.Slot)
	ssz.Bytes(c, s.BeaconBlockRoot[:])
	ssz.Uint64(c, &s.SubcommitteeIndex)
	ssz.BitvectorField(c, &s.AggregationBits, int(sc.SyncCommitteeSize/SyncCommitteeSubnetCount))
	ssz.Bytes(c, s.Signature[:])
}

// ContributionAndProof is a sync aggregator's contribution with its
// selection proof (altair).
type ContributionAndProof struct {
	AggregatorIndex ValidatorIndex
	Contribution    SyncCommitteeContribution
	SelectionProof  BLSSignature
}

func (p *ContributionAndProof) DefineSSZ(c *ssz.Codec) {
	ssz.Uint64(c, &p.AggregatorIndex)
	ssz.Container(c, &p.Contribution)
	ssz.Bytes(c, p.SelectionProof[:])
}

// SignedContributionAndProof is a ContributionAndProof signed by the
// aggregator (altair).
type SignedContributionAndProof struct {
	Message   ContributionAndProof
	Signature BLSSignature
}

func (p *SignedContributionAndProof) DefineSSZ(c *ssz.Codec) {
	ssz.Container(c, &p.Message)
	ssz.Bytes(c, p.Signature[:])
}

// SyncAggregatorSelectionData is what a sync committee member signs to
// find out whether it aggregates for a subcommittee (altair).
type SyncAggregatorSelectionData struct {
	Slot              Slot
	SubcommitteeIndex uint64
}

func (d *SyncAggregatorSelectionData) DefineSSZ(c *ssz.Codec) {
	ssz.Uint64(c, &d.Slot)
	ssz.Uint64(c, &d.SubcommitteeIndex)
}
