package spec

import (
	"bytes"
	"testing"

	"github.com/quetzal-eth/quetzal/ssz"
)

// lightClientTestBody returns a block body of fork s.Fork with its
// fixed-length fields sized, so that it can be hashed.
func lightClientTestBody(s *Schema, r stateTestRand) *BeaconBlockBody {
	b := &BeaconBlockBody{}
	r.fill(b.RandaoReveal[:])
	r.fill(b.Graffiti[:])
	b.SyncAggregate.SyncCommitteeBits = ssz.NewBitvector(int(s.SyncCommitteeSize))
	b.ExecutionPayload.LogsBloom = make([]byte, s.BytesPerLogsBloom)
	r.fill(b.ExecutionPayload.BlockHash[:])
	b.ExecutionPayload.GasLimit = r.Uint64()
	return b
}

// lightClientTestBranch proves gindex in obj and returns the branch as the
// light client containers hold it.
func lightClientTestBranch(t *testing.T, s *Schema, obj ssz.Object, gindex uint64) (leaf Root, branch []Root) {
	t.Helper()
	l, b, err := ssz.Prove(obj, s, gindex)
	if err != nil {
		t.Fatalf("%s: prove %d: %v", s.Fork, gindex, err)
	}
	for _, n := range b {
		branch = append(branch, Root(n))
	}
	return Root(l), branch
}

// lightClientTestHeader builds a LightClientHeader as the full node does
// (block_to_light_client_header): the beacon header of a block with body,
// and from capella the execution payload header with its proof.
func lightClientTestHeader(t *testing.T, s *Schema, body *BeaconBlockBody, slot Slot) LightClientHeader {
	t.Helper()
	bodyRoot, err := HashTreeRoot(s, body)
	if err != nil {
		t.Fatal(err)
	}
	h := LightClientHeader{Beacon: BeaconBlockHeader{Slot: slot, BodyRoot: bodyRoot}}
	if s.Fork >= Capella {
		p := &body.ExecutionPayload
		h.Execution = ExecutionPayloadHeader{
			ParentHash: p.ParentHash, FeeRecipient: p.FeeRecipient, StateRoot: p.StateRoot,
			ReceiptsRoot: p.ReceiptsRoot, LogsBloom: p.LogsBloom, PrevRandao: p.PrevRandao,
			BlockNumber: p.BlockNumber, GasLimit: p.GasLimit, GasUsed: p.GasUsed, Timestamp: p.Timestamp,
			ExtraData: p.ExtraData, BaseFeePerGas: p.BaseFeePerGas, BlockHash: p.BlockHash,
			BlobGasUsed: p.BlobGasUsed, ExcessBlobGas: p.ExcessBlobGas,
		}
		// The payload's list roots, as the header holds them.
		txs, err := ssz.HashTreeRoot(&lightClientTestTxs{p.Transactions}, s)
		if err != nil {
			t.Fatal(err)
		}
		ws, err := ssz.HashTreeRoot(&lightClientTestWithdrawals{p.Withdrawals}, s)
		if err != nil {
			t.Fatal(err)
		}
		h.Execution.TransactionsRoot, h.Execution.WithdrawalsRoot = txs, ws
		var leaf Root
		leaf, h.ExecutionBranch = lightClientTestBranch(t, s, body, ExecutionPayloadGindex)
		if want, _ := HashTreeRoot(s, &h.Execution); leaf != want {
			t.Fatalf("%s: body node %d is %s, the payload header's root is %s", s.Fork, ExecutionPayloadGindex, leaf, want)
		}
	}
	return h
}

// Bare lists of the payload, hashed as the header's roots.
type lightClientTestTxs struct{ v []Transaction }
type lightClientTestWithdrawals struct{ v []Withdrawal }

func (x *lightClientTestTxs) DefineSSZ(c *ssz.Codec) {
	ssz.List(c, &x.v, int(schemaOf(c).MaxTransactionsPerPayload))
}
func (*lightClientTestTxs) IsSSZValue() {}
func (x *lightClientTestWithdrawals) DefineSSZ(c *ssz.Codec) {
	ssz.List(c, &x.v, int(schemaOf(c).MaxWithdrawalsPerPayload))
}
func (*lightClientTestWithdrawals) IsSSZValue() {}

// TestLightClientFromState builds every light client container from a
// state of each fork, with branches proven against it, and checks that
// the branches fit the containers (their lengths are the state's depth
// at those fields) and that the containers round-trip.
func TestLightClientFromState(t *testing.T) {
	for _, sp := range stateTestSpecs() {
		for f := Altair; f <= LatestFork; f++ {
			s := sp.Schema(f)
			r := newStateTestRand(uint64(f) * 31)
			st := stateTestFill(s, uint64(f)*17, 4)
			stateRoot, err := HashTreeRoot(s, st)
			if err != nil {
				t.Fatal(err)
			}
			attested := lightClientTestHeader(t, s, lightClientTestBody(s, r), st.Slot)
			attested.Beacon.StateRoot = stateRoot
			finalized := lightClientTestHeader(t, s, lightClientTestBody(s, r), st.Slot-1)

			_, currentBranch := lightClientTestBranch(t, s, st, CurrentSyncCommitteeGindexAt(f))
			_, nextBranch := lightClientTestBranch(t, s, st, NextSyncCommitteeGindexAt(f))
			finRoot, finBranch := lightClientTestBranch(t, s, st, FinalizedRootGindexAt(f))
			if finRoot != st.FinalizedCheckpoint.Root {
				t.Fatalf("%s: finality proof leaf %s", f, finRoot)
			}
			agg := SyncAggregate{SyncCommitteeBits: ssz.NewBitvector(int(s.SyncCommitteeSize))}
			agg.SyncCommitteeBits.Set(1, true)

			objs := map[string]ssz.Object{
				"LightClientHeader": &attested,
				"LightClientBootstrap": &LightClientBootstrap{Header: attested,
					CurrentSyncCommittee: st.CurrentSyncCommittee, CurrentSyncCommitteeBranch: currentBranch},
				"LightClientUpdate": &LightClientUpdate{AttestedHeader: attested,
					NextSyncCommittee: st.NextSyncCommittee, NextSyncCommitteeBranch: nextBranch,
					FinalizedHeader: finalized, FinalityBranch: finBranch, SyncAggregate: agg, SignatureSlot: st.Slot + 1},
				"LightClientFinalityUpdate": &LightClientFinalityUpdate{AttestedHeader: attested,
					FinalizedHeader: finalized, FinalityBranch: finBranch, SyncAggregate: agg, SignatureSlot: st.Slot + 1},
				"LightClientOptimisticUpdate": &LightClientOptimisticUpdate{AttestedHeader: attested,
					SyncAggregate: agg, SignatureSlot: st.Slot + 1},
			}
			for name, obj := range objs {
				enc, err := Marshal(s, obj)
				if err != nil {
					t.Fatalf("%s/%s %s: marshal: %v", sp.Name, f, name, err)
				}
				back := Containers(f)[name]()
				if err := Unmarshal(s, enc, back); err != nil {
					t.Fatalf("%s/%s %s: unmarshal: %v", sp.Name, f, name, err)
				}
				enc2, err := Marshal(s, back)
				if err != nil || !bytes.Equal(enc, enc2) {
					t.Errorf("%s/%s %s: re-encoding differs (%v)", sp.Name, f, name, err)
				}
			}
		}
	}
}

// TestLightClientBranchLengths checks the branch lengths against the
// numbers the spec documents give: altair's state gindices 105, 54 and 55,
// electra's 169, 86 and 87, and capella's body gindex 25.
func TestLightClientBranchLengths(t *testing.T) {
	want := map[ForkName][4]int{ // finality, current, next, execution
		Altair:    {6, 5, 5, 0},
		Bellatrix: {6, 5, 5, 0},
		Capella:   {6, 5, 5, 4},
		Deneb:     {6, 5, 5, 4},
		Electra:   {7, 6, 6, 4},
		Fulu:      {7, 6, 6, 4},
	}
	for f, w := range want {
		got := [4]int{floorlog2(FinalizedRootGindexAt(f)), floorlog2(CurrentSyncCommitteeGindexAt(f)),
			floorlog2(NextSyncCommitteeGindexAt(f)), 0}
		if f >= Capella {
			got[3] = floorlog2(ExecutionPayloadGindex)
		}
		if got != w {
			t.Errorf("%s: branch lengths %v, want %v", f, got, w)
		}
		// A branch one node short must not encode.
		s := Minimal().Schema(f)
		u := &LightClientFinalityUpdate{FinalityBranch: make([]Root, w[0]-1)}
		u.AttestedHeader.ExecutionBranch = make([]Root, w[3])
		u.FinalizedHeader.ExecutionBranch = make([]Root, w[3])
		u.AttestedHeader.Execution.LogsBloom = make([]byte, s.BytesPerLogsBloom)
		u.FinalizedHeader.Execution.LogsBloom = make([]byte, s.BytesPerLogsBloom)
		u.SyncAggregate.SyncCommitteeBits = ssz.NewBitvector(int(s.SyncCommitteeSize))
		if _, err := Marshal(s, u); err == nil {
			t.Errorf("%s: finality branch of %d nodes encoded", f, w[0]-1)
		}
		u.FinalityBranch = append(u.FinalityBranch, Root{})
		if _, err := Marshal(s, u); err != nil {
			t.Errorf("%s: finality branch of %d nodes: %v", f, w[0], err)
		}
	}
}
