package gossip

import "github.com/quetzal-eth/quetzal/spec"

// Seen is Seen (phase0 p2p-interface.md, with the fields later forks
// add): what the validation functions have accepted, so that a repeated
// or subsumed message is ignored. Every fork's fields are here; a fork
// uses those its functions read.
//
// The caches only grow; a node drops the entries of slots and epochs that
// can no longer be valid.
type Seen struct {
	// ProposerSlots holds (slot, proposer index) of accepted blocks.
	ProposerSlots map[SlotIndex]bool
	// AggregatorEpochs holds (target epoch, aggregator index) of accepted
	// aggregates.
	AggregatorEpochs map[EpochIndex]bool
	// AggregateDataRoots holds, per attestation data root and committee
	// index, the aggregation bits of accepted aggregates. Before electra
	// the committee index is part of the data and the key's index is zero
	// (the spec keys by the data root alone).
	AggregateDataRoots map[AggregateKey][]Bits
	// VoluntaryExitIndices, ProposerSlashingIndices and
	// AttesterSlashingIndices hold the validators of accepted exits and
	// slashings.
	VoluntaryExitIndices    map[spec.ValidatorIndex]bool
	ProposerSlashingIndices map[spec.ValidatorIndex]bool
	AttesterSlashingIndices map[spec.ValidatorIndex]bool
	// AttestationValidatorEpochs holds (target epoch, attester index) of
	// accepted unaggregated attestations.
	AttestationValidatorEpochs map[EpochIndex]bool

	// SyncContributionAggregatorSlots holds (slot, aggregator index,
	// subcommittee index) of accepted contributions (new in altair).
	SyncContributionAggregatorSlots map[SyncKey]bool
	// SyncContributionData holds, per (slot, block root, subcommittee
	// index), the aggregation bits of accepted contributions (altair).
	SyncContributionData map[ContributionKey][]Bits
	// SyncMessageValidatorSlots holds (slot, validator index, subnet) of
	// accepted sync committee messages (altair).
	SyncMessageValidatorSlots map[SyncKey]bool

	// BLSToExecutionChangeIndices holds the validators of accepted
	// credential changes (new in capella).
	BLSToExecutionChangeIndices map[spec.ValidatorIndex]bool

	// BlobSidecarTuples holds (slot, proposer index, blob index) of
	// accepted blob sidecars (deneb and electra; fulu removes it).
	BlobSidecarTuples map[SidecarKey]bool
	// DataColumnSidecarTuples holds (slot, proposer index, column index)
	// of accepted data column sidecars (new in fulu).
	DataColumnSidecarTuples map[SidecarKey]bool
	// PartialDataColumnHeaders holds the accepted header of partial data
	// columns per block root (new in fulu).
	PartialDataColumnHeaders map[spec.Root]*spec.PartialDataColumnHeader
}

// NewSeen returns empty caches.
func NewSeen() *Seen {
	return &Seen{
		ProposerSlots:                   map[SlotIndex]bool{},
		AggregatorEpochs:                map[EpochIndex]bool{},
		AggregateDataRoots:              map[AggregateKey][]Bits{},
		VoluntaryExitIndices:            map[spec.ValidatorIndex]bool{},
		ProposerSlashingIndices:         map[spec.ValidatorIndex]bool{},
		AttesterSlashingIndices:         map[spec.ValidatorIndex]bool{},
		AttestationValidatorEpochs:      map[EpochIndex]bool{},
		SyncContributionAggregatorSlots: map[SyncKey]bool{},
		SyncContributionData:            map[ContributionKey][]Bits{},
		SyncMessageValidatorSlots:       map[SyncKey]bool{},
		BLSToExecutionChangeIndices:     map[spec.ValidatorIndex]bool{},
		BlobSidecarTuples:               map[SidecarKey]bool{},
		DataColumnSidecarTuples:         map[SidecarKey]bool{},
		PartialDataColumnHeaders:        map[spec.Root]*spec.PartialDataColumnHeader{},
	}
}

// SlotIndex is a (slot, validator index) pair.
type SlotIndex struct {
	Slot  spec.Slot
	Index spec.ValidatorIndex
}

// EpochIndex is an (epoch, validator index) pair.
type EpochIndex struct {
	Epoch spec.Epoch
	Index spec.ValidatorIndex
}

// AggregateKey names the aggregates whose bits are compared: same
// attestation data, same committee.
type AggregateKey struct {
	DataRoot       spec.Root
	CommitteeIndex spec.CommitteeIndex
}

// SyncKey is a (slot, validator index, subcommittee index or subnet)
// triple.
type SyncKey struct {
	Slot   spec.Slot
	Index  spec.ValidatorIndex
	Subnet uint64
}

// ContributionKey names the sync contributions whose bits are compared.
type ContributionKey struct {
	Slot              spec.Slot
	BeaconBlockRoot   spec.Root
	SubcommitteeIndex uint64
}

// SidecarKey is a (slot, proposer index, blob or column index) triple.
type SidecarKey struct {
	Slot          spec.Slot
	ProposerIndex spec.ValidatorIndex
	Index         uint64
}

// Bits is a bitfield as the spec's tuple of booleans.
type Bits []bool

// isNonStrictSuperset is is_non_strict_superset (phase0 p2p-interface.md):
// whether some seen bitfield has every bit of bits. The spec's zip is
// strict, so bitfields of another length (which an accepted message of the
// same key cannot have) never cover bits.
func isNonStrictSuperset(seen []Bits, bits Bits) bool {
	for _, prior := range seen {
		if len(prior) != len(bits) {
			continue
		}
		covers := true
		for i, bit := range bits {
			if bit && !prior[i] {
				covers = false
				break
			}
		}
		if covers {
			return true
		}
	}
	return false
}
