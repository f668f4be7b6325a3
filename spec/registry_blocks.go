package spec

import "github.com/quetzal-eth/quetzal/ssz"

// blockContainers calls add, under its spec name, for every container of
// blocks, operations, execution payloads, blobs, data columns and the
// validator and gossip messages that exists at fork f.
//
// Fulu's documents drop BlobSidecar and BlobIdentifier (data columns
// replace blob sidecars), so the table stops them at electra as the spec
// does; the Go types remain for the blocks of earlier forks.
func blockContainers(f ForkName, add func(name string, newObj func() ssz.Object)) {
	type entry struct {
		since  ForkName
		name   string
		newObj func() ssz.Object
	}
	// removedAt gives the first fork whose spec no longer defines a
	// container.
	removedAt := map[string]ForkName{
		"BlobSidecar":    Fulu,
		"BlobIdentifier": Fulu,
	}
	entries := []entry{
		{Phase0, "AttestationData", func() ssz.Object { return new(AttestationData) }},
		{Phase0, "Attestation", func() ssz.Object { return new(Attestation) }},
		{Phase0, "IndexedAttestation", func() ssz.Object { return new(IndexedAttestation) }},
		{Phase0, "AttesterSlashing", func() ssz.Object { return new(AttesterSlashing) }},
		{Phase0, "ProposerSlashing", func() ssz.Object { return new(ProposerSlashing) }},
		{Phase0, "Deposit", func() ssz.Object { return new(Deposit) }},
		{Phase0, "DepositData", func() ssz.Object { return new(DepositData) }},
		{Phase0, "DepositMessage", func() ssz.Object { return new(DepositMessage) }},
		{Phase0, "VoluntaryExit", func() ssz.Object { return new(VoluntaryExit) }},
		{Phase0, "SignedVoluntaryExit", func() ssz.Object { return new(SignedVoluntaryExit) }},
		{Phase0, "BeaconBlockHeader", func() ssz.Object { return new(BeaconBlockHeader) }},
		{Phase0, "SignedBeaconBlockHeader", func() ssz.Object { return new(SignedBeaconBlockHeader) }},
		{Phase0, "BeaconBlockBody", func() ssz.Object { return new(BeaconBlockBody) }},
		{Phase0, "BeaconBlock", func() ssz.Object { return new(BeaconBlock) }},
		{Phase0, "SignedBeaconBlock", func() ssz.Object { return new(SignedBeaconBlock) }},
		{Phase0, "Eth1Block", func() ssz.Object { return new(Eth1Block) }},
		{Phase0, "AggregateAndProof", func() ssz.Object { return new(AggregateAndProof) }},
		{Phase0, "SignedAggregateAndProof", func() ssz.Object { return new(SignedAggregateAndProof) }},

		{Altair, "SyncAggregate", func() ssz.Object { return new(SyncAggregate) }},
		{Altair, "SyncCommitteeMessage", func() ssz.Object { return new(SyncCommitteeMessage) }},
		{Altair, "SyncCommitteeContribution", func() ssz.Object { return new(SyncCommitteeContribution) }},
		{Altair, "ContributionAndProof", func() ssz.Object { return new(ContributionAndProof) }},
		{Altair, "SignedContributionAndProof", func() ssz.Object { return new(SignedContributionAndProof) }},
		{Altair, "SyncAggregatorSelectionData", func() ssz.Object { return new(SyncAggregatorSelectionData) }},

		{Bellatrix, "ExecutionPayload", func() ssz.Object { return new(ExecutionPayload) }},
		{Bellatrix, "ExecutionPayloadHeader", func() ssz.Object { return new(ExecutionPayloadHeader) }},
		{Bellatrix, "NewPayloadRequest", func() ssz.Object { return new(NewPayloadRequest) }},
		{Bellatrix, "PowBlock", func() ssz.Object { return new(PowBlock) }},

		{Capella, "Withdrawal", func() ssz.Object { return new(Withdrawal) }},
		{Capella, "BLSToExecutionChange", func() ssz.Object { return new(BLSToExecutionChange) }},
		{Capella, "SignedBLSToExecutionChange", func() ssz.Object { return new(SignedBLSToExecutionChange) }},

		{Deneb, "BlobSidecar", func() ssz.Object { return new(BlobSidecar) }},
		{Deneb, "BlobIdentifier", func() ssz.Object { return new(BlobIdentifier) }},

		{Electra, "DepositRequest", func() ssz.Object { return new(DepositRequest) }},
		{Electra, "WithdrawalRequest", func() ssz.Object { return new(WithdrawalRequest) }},
		{Electra, "ConsolidationRequest", func() ssz.Object { return new(ConsolidationRequest) }},
		{Electra, "ExecutionRequests", func() ssz.Object { return new(ExecutionRequests) }},
		{Electra, "SingleAttestation", func() ssz.Object { return new(SingleAttestation) }},

		{Fulu, "DataColumnSidecar", func() ssz.Object { return new(DataColumnSidecar) }},
		{Fulu, "DataColumnsByRootIdentifier", func() ssz.Object { return new(DataColumnsByRootIdentifier) }},
		{Fulu, "MatrixEntry", func() ssz.Object { return new(MatrixEntry) }},
		{Fulu, "PartialDataColumnPartsMetadata", func() ssz.Object { return new(PartialDataColumnPartsMetadata) }},
		{Fulu, "PartialDataColumnGroupID", func() ssz.Object { return new(PartialDataColumnGroupID) }},
		{Fulu, "PartialDataColumnHeader", func() ssz.Object { return new(PartialDataColumnHeader) }},
		{Fulu, "PartialDataColumnSidecar", func() ssz.Object { return new(PartialDataColumnSidecar) }},
	}
	for _, e := range entries {
		if until, ok := removedAt[e.name]; ok && f >= until {
			continue
		}
		if f >= e.since {
			add(e.name, e.newObj)
		}
	}
}
