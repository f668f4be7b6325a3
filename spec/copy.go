package spec

import (
	"slices"
)

// Copy returns a deep copy of st: changing one never changes the other.
func (st *BeaconState) Copy() *BeaconState {
	c := *st
	c.LatestBlockHeader = st.LatestBlockHeader
	c.BlockRoots = slices.Clone(st.BlockRoots)
	c.StateRoots = slices.Clone(st.StateRoots)
	c.HistoricalRoots = slices.Clone(st.HistoricalRoots)
	c.Eth1DataVotes = slices.Clone(st.Eth1DataVotes)
	c.Validators = slices.Clone(st.Validators)
	c.Balances = slices.Clone(st.Balances)
	c.RandaoMixes = slices.Clone(st.RandaoMixes)
	c.Slashings = slices.Clone(st.Slashings)
	c.PreviousEpochAttestations = copyPendingAttestations(st.PreviousEpochAttestations)
	c.CurrentEpochAttestations = copyPendingAttestations(st.CurrentEpochAttestations)
	c.PreviousEpochParticipation = slices.Clone(st.PreviousEpochParticipation)
	c.CurrentEpochParticipation = slices.Clone(st.CurrentEpochParticipation)
	c.JustificationBits = slices.Clone(st.JustificationBits)
	c.InactivityScores = slices.Clone(st.InactivityScores)
	c.CurrentSyncCommittee.Pubkeys = slices.Clone(st.CurrentSyncCommittee.Pubkeys)
	c.NextSyncCommittee.Pubkeys = slices.Clone(st.NextSyncCommittee.Pubkeys)
	c.LatestExecutionPayloadHeader.LogsBloom = slices.Clone(st.LatestExecutionPayloadHeader.LogsBloom)
	c.LatestExecutionPayloadHeader.ExtraData = slices.Clone(st.LatestExecutionPayloadHeader.ExtraData)
	c.HistoricalSummaries = slices.Clone(st.HistoricalSummaries)
	c.PendingDeposits = slices.Clone(st.PendingDeposits)
	c.PendingPartialWithdrawals = slices.Clone(st.PendingPartialWithdrawals)
	c.PendingConsolidations = slices.Clone(st.PendingConsolidations)
	c.ProposerLookahead = slices.Clone(st.ProposerLookahead)
	c.caches = st.caches.clone()
	c.roots = st.roots.copy()
	return &c
}

func copyPendingAttestations(in []PendingAttestation) []PendingAttestation {
	if in == nil {
		return nil
	}
	out := make([]PendingAttestation, len(in))
	for i := range in {
		out[i] = in[i]
		out[i].AggregationBits = slices.Clone(in[i].AggregationBits)
	}
	return out
}
