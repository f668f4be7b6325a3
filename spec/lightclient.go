package spec

import (
	"math/bits"

	"github.com/quetzal-eth/quetzal/ssz"
)

// Light client containers (altair light-client/sync-protocol.md, modified
// in capella, deneb and electra). The Merkle branches they carry prove
// fields of the BeaconState and BeaconBlockBody, so their lengths follow
// those containers' layouts: electra's longer BeaconState makes its state
// branches one node longer.

// Generalized indices of the fields light client branches prove.
const (
	// FinalizedRootGindex is get_generalized_index(BeaconState,
	// 'finalized_checkpoint', 'root') for altair..deneb (altair).
	FinalizedRootGindex uint64 = 105
	// CurrentSyncCommitteeGindex is get_generalized_index(BeaconState,
	// 'current_sync_committee') for altair..deneb (altair).
	CurrentSyncCommitteeGindex uint64 = 54
	// NextSyncCommitteeGindex is get_generalized_index(BeaconState,
	// 'next_sync_committee') for altair..deneb (altair).
	NextSyncCommitteeGindex uint64 = 55

	// ExecutionPayloadGindex is get_generalized_index(BeaconBlockBody,
	// 'execution_payload') (capella).
	ExecutionPayloadGindex uint64 = 25

	// FinalizedRootGindexElectra is FINALIZED_ROOT_GINDEX for electra's
	// BeaconState (electra).
	FinalizedRootGindexElectra uint64 = 169
	// CurrentSyncCommitteeGindexElectra is CURRENT_SYNC_COMMITTEE_GINDEX for
	// electra's BeaconState (electra).
	CurrentSyncCommitteeGindexElectra uint64 = 86
	// NextSyncCommitteeGindexElectra is NEXT_SYNC_COMMITTEE_GINDEX for
	// electra's BeaconState (electra).
	NextSyncCommitteeGindexElectra uint64 = 87
)

// floorlog2 is the spec's floorlog2: the depth of a generalized index.
func floorlog2(x uint64) int { return bits.Len64(x) - 1 }

// FinalizedRootGindexAt is finalized_root_gindex_at_slot for a state of
// fork f (electra light-client/sync-protocol.md).
func FinalizedRootGindexAt(f ForkName) uint64 {
	if f >= Electra {
		return FinalizedRootGindexElectra
	}
	return FinalizedRootGindex
}

// CurrentSyncCommitteeGindexAt is current_sync_committee_gindex_at_slot
// for a state of fork f (electra light-client/sync-protocol.md).
func CurrentSyncCommitteeGindexAt(f ForkName) uint64 {
	if f >= Electra {
		return CurrentSyncCommitteeGindexElectra
	}
	return CurrentSyncCommitteeGindex
}

// NextSyncCommitteeGindexAt is next_sync_committee_gindex_at_slot for a
// state of fork f (electra light-client/sync-protocol.md).
func NextSyncCommitteeGindexAt(f ForkName) uint64 {
	if f >= Electra {
		return NextSyncCommitteeGindexElectra
	}
	return NextSyncCommitteeGindex
}

// LightClientHeader is the header a light client follows (altair); capella
// adds the execution payload header and its proof against the block body.
type LightClientHeader struct {
	Beacon BeaconBlockHeader
	// Execution and ExecutionBranch are new in capella; Execution's fields
	// grow in deneb.
	Execution       ExecutionPayloadHeader
	ExecutionBranch []Root // floorlog2(EXECUTION_PAYLOAD_GINDEX)
}

func (h *LightClientHeader) DefineSSZ(c *ssz.Codec) {
	s := schemaOf(c)
	ssz.Container(c, &h.Beacon)
	if s.Fork >= Capella {
		ssz.Container(c, &h.Execution)
		ssz.ArrayVector(c, &h.ExecutionBranch, floorlog2(ExecutionPayloadGindex))
	}
}

// LightClientBootstrap starts a light client at a trusted block root
// (altair; header modified in capella, branch length in electra).
type LightClientBootstrap struct {
	Header                     LightClientHeader
	CurrentSyncCommittee       SyncCommittee
	CurrentSyncCommitteeBranch []Root // floorlog2(CURRENT_SYNC_COMMITTEE_GINDEX[_ELECTRA])
}

func (b *LightClientBootstrap) DefineSSZ(c *ssz.Codec) {
	s := schemaOf(c)
	ssz.Container(c, &b.Header)
	ssz.Container(c, &b.CurrentSyncCommittee)
	ssz.ArrayVector(c, &b.CurrentSyncCommitteeBranch, floorlog2(CurrentSyncCommitteeGindexAt(s.Fork)))
}

// LightClientUpdate carries a sync committee's signature over an attested
// header, with the next sync committee and the finalized header proven
// against it (altair; headers modified in capella, branch lengths in
// electra).
type LightClientUpdate struct {
	AttestedHeader          LightClientHeader
	NextSyncCommittee       SyncCommittee
	NextSyncCommitteeBranch []Root // floorlog2(NEXT_SYNC_COMMITTEE_GINDEX[_ELECTRA])
	FinalizedHeader         LightClientHeader
	FinalityBranch          []Root // floorlog2(FINALIZED_ROOT_GINDEX[_ELECTRA])
	SyncAggregate           SyncAggregate
	// SignatureSlot is the slot at which the aggregate was made; it is not
	// covered by the signature.
	SignatureSlot Slot
}

func (u *LightClientUpdate) DefineSSZ(c *ssz.Codec) {
	s := schemaOf(c)
	ssz.Container(c, &u.AttestedHeader)
	ssz.Container(c, &u.NextSyncCommittee)
	ssz.ArrayVector(c, &u.NextSyncCommitteeBranch, floorlog2(NextSyncCommitteeGindexAt(s.Fork)))
	ssz.Container(c, &u.FinalizedHeader)
	ssz.ArrayVector(c, &u.FinalityBranch, floorlog2(FinalizedRootGindexAt(s.Fork)))
	ssz.Container(c, &u.SyncAggregate)
	ssz.Uint64(c, &u.SignatureSlot)
}

// LightClientFinalityUpdate is a LightClientUpdate without the next sync
// committee (altair; headers modified in capella, branch length in
// electra).
type LightClientFinalityUpdate struct {
	AttestedHeader  LightClientHeader
	FinalizedHeader LightClientHeader
	FinalityBranch  []Root // floorlog2(FINALIZED_ROOT_GINDEX[_ELECTRA])
	SyncAggregate   SyncAggregate
	SignatureSlot   Slot
}

func (u *LightClientFinalityUpdate) DefineSSZ(c *ssz.Codec) {
	s := schemaOf(c)
	ssz.Container(c, &u.AttestedHeader)
	ssz.Container(c, &u.FinalizedHeader)
	ssz.ArrayVector(c, &u.FinalityBranch, floorlog2(FinalizedRootGindexAt(s.Fork)))
	ssz.Container(c, &u.SyncAggregate)
	ssz.Uint64(c, &u.SignatureSlot)
}

// LightClientOptimisticUpdate carries only the attested header and its
// signature (altair; header modified in capella).
type LightClientOptimisticUpdate struct {
	AttestedHeader LightClientHeader
	SyncAggregate  SyncAggregate
	SignatureSlot  Slot
}

func (u *LightClientOptimisticUpdate) DefineSSZ(c *ssz.Codec) {
	ssz.Container(c, &u.AttestedHeader)
	ssz.Container(c, &u.SyncAggregate)
	ssz.Uint64(c, &u.SignatureSlot)
}
