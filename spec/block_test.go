package spec

import (
	"bytes"
	"errors"
	"testing"

	"github.com/quetzal-eth/quetzal/ssz"
)

// blockTestPresets are the two presets the block tests run under.
func blockTestPresets() []*Spec { return []*Spec{Minimal(), Mainnet()} }

// blockTestFill sets every byte of b to a pattern derived from seed, so
// that fields are non-zero and distinct.
func blockTestFill(b []byte, seed byte) {
	for i := range b {
		b[i] = seed + byte(i)
	}
}

// blockTestSignedBlock returns a SignedBeaconBlock with every field of
// fork s.Fork populated (and fields of later forks left empty), small
// enough for tests and fuzz seeds.
func blockTestSignedBlock(s *Schema, slot Slot) *SignedBeaconBlock {
	var b SignedBeaconBlock
	m := &b.Message
	m.Slot, m.ProposerIndex = slot, 7
	blockTestFill(m.ParentRoot[:], 1)
	blockTestFill(m.StateRoot[:], 2)
	blockTestFill(b.Signature[:], 3)
	body := &m.Body
	blockTestFill(body.RandaoReveal[:], 4)
	body.Eth1Data.DepositCount = 9
	blockTestFill(body.Graffiti[:], 5)

	hdr := SignedBeaconBlockHeader{Message: BeaconBlockHeader{Slot: slot, ProposerIndex: 3}}
	blockTestFill(hdr.Signature[:], 6)
	hdr2 := hdr
	hdr2.Message.StateRoot[0] = 1
	body.ProposerSlashings = []ProposerSlashing{{hdr, hdr2}}

	data := AttestationData{Slot: slot - 1, Index: 0, Target: Checkpoint{Epoch: 1}}
	body.AttesterSlashings = []AttesterSlashing{{
		Attestation1: IndexedAttestation{AttestingIndices: []ValidatorIndex{1, 2, 5}, Data: data},
		Attestation2: IndexedAttestation{AttestingIndices: []ValidatorIndex{2}, Data: data},
	}}
	bits := ssz.NewBitlist(5)
	bits.Set(1, true)
	att := Attestation{AggregationBits: bits, Data: data}
	if s.Fork >= Electra {
		att.CommitteeBits = ssz.NewBitvector(int(s.MaxCommitteesPerSlot))
		att.CommitteeBits.Set(0, true)
	}
	body.Attestations = []Attestation{att}
	proof := make([]Root, DepositProofLength)
	for i := range proof {
		proof[i][0] = byte(i)
	}
	body.Deposits = []Deposit{{Proof: proof, Data: DepositData{Amount: 32_000_000_000}}}
	body.VoluntaryExits = []SignedVoluntaryExit{{Message: VoluntaryExit{Epoch: 2, ValidatorIndex: 4}}}
	if s.Fork >= Altair {
		body.SyncAggregate.SyncCommitteeBits = ssz.NewBitvector(int(s.SyncCommitteeSize))
		body.SyncAggregate.SyncCommitteeBits.Set(0, true)
	}
	if s.Fork >= Bellatrix {
		p := &body.ExecutionPayload
		p.LogsBloom = make([]byte, s.BytesPerLogsBloom)
		p.LogsBloom[3] = 0x80
		p.ExtraData = []byte("quetzal")
		p.BaseFeePerGas[0] = 7
		p.BlockNumber, p.GasLimit, p.Timestamp = 1, 30_000_000, 12
		p.Transactions = []Transaction{{0x02, 0xf8}, {}, {0x01}}
		if s.Fork >= Capella {
			p.Withdrawals = []Withdrawal{{Index: 1, ValidatorIndex: 2, Amount: 3}}
		}
		if s.Fork >= Deneb {
			p.BlobGasUsed, p.ExcessBlobGas = 131072, 1
		}
	}
	if s.Fork >= Capella {
		body.BLSToExecutionChanges = []SignedBLSToExecutionChange{{Message: BLSToExecutionChange{ValidatorIndex: 8}}}
	}
	if s.Fork >= Deneb {
		body.BlobKZGCommitments = []KZGCommitment{{0xc0}, {0xc1}}
	}
	if s.Fork >= Electra {
		body.ExecutionRequests = ExecutionRequests{
			Deposits:       []DepositRequest{{Amount: 1, Index: 2}},
			Withdrawals:    []WithdrawalRequest{{Amount: FullExitRequestAmount}},
			Consolidations: []ConsolidationRequest{{SourceAddress: ExecutionAddress{1}}},
		}
	}
	return &b
}

func TestSignedBeaconBlockRoundTrip(t *testing.T) {
	for _, sp := range blockTestPresets() {
		for f := Phase0; f <= LatestFork; f++ {
			s := sp.Schema(f)
			b := blockTestSignedBlock(s, 17)
			enc, err := Marshal(s, b)
			if err != nil {
				t.Fatalf("%s/%s: marshal: %v", sp.Name, f, err)
			}
			if len(enc) != SizeSSZ(s, b) {
				t.Fatalf("%s/%s: size %d, encoding %d", sp.Name, f, SizeSSZ(s, b), len(enc))
			}
			var back SignedBeaconBlock
			if err := Unmarshal(s, enc, &back); err != nil {
				t.Fatalf("%s/%s: unmarshal: %v", sp.Name, f, err)
			}
			enc2, err := Marshal(s, &back)
			if err != nil || !bytes.Equal(enc, enc2) {
				t.Fatalf("%s/%s: re-encoding differs (err %v)", sp.Name, f, err)
			}
			r1, err1 := HashTreeRoot(s, b)
			r2, err2 := HashTreeRoot(s, &back)
			if err1 != nil || err2 != nil || r1 != r2 {
				t.Fatalf("%s/%s: roots %s %s (%v %v)", sp.Name, f, r1, r2, err1, err2)
			}
			// The block's root is the root of its header, whose body root
			// is the body's root (phase0 BeaconBlockHeader).
			bodyRoot, err := HashTreeRoot(s, &b.Message.Body)
			if err != nil {
				t.Fatal(err)
			}
			hdr := BeaconBlockHeader{Slot: b.Message.Slot, ProposerIndex: b.Message.ProposerIndex,
				ParentRoot: b.Message.ParentRoot, StateRoot: b.Message.StateRoot, BodyRoot: bodyRoot}
			hr, _ := HashTreeRoot(s, &hdr)
			br, _ := HashTreeRoot(s, &b.Message)
			if hr != br {
				t.Fatalf("%s/%s: block root %s, header root %s", sp.Name, f, br, hr)
			}
		}
	}
}

// A block encoded under one fork does not decode under the next: every
// fork adds a field or changes a layout the decoder checks.
func TestSignedBeaconBlockForkLayoutsDiffer(t *testing.T) {
	sp := Minimal()
	for f := Phase0; f < LatestFork; f++ {
		if f+1 == Fulu {
			continue // fulu keeps electra's block layout
		}
		s := sp.Schema(f)
		enc, err := Marshal(s, blockTestSignedBlock(s, 1))
		if err != nil {
			t.Fatal(err)
		}
		var b SignedBeaconBlock
		if err := Unmarshal(sp.Schema(f+1), enc, &b); err == nil {
			t.Errorf("%s block decoded as %s", f, f+1)
		}
	}
}

// The fixed sizes below follow from the field lists of the specs; each
// is summed here by hand from its fields' sizes.
func TestStaticContainerSizes(t *testing.T) {
	mainnet, minimal := Mainnet(), Minimal()
	cases := []struct {
		name string
		s    *Schema
		obj  ssz.Object
		size int
	}{
		{"BeaconBlockHeader", mainnet.Schema(Phase0), new(BeaconBlockHeader), 8 + 8 + 32*3},
		{"SignedBeaconBlockHeader", mainnet.Schema(Phase0), new(SignedBeaconBlockHeader), 112 + 96},
		{"AttestationData", mainnet.Schema(Phase0), new(AttestationData), 8 + 8 + 32 + 40 + 40},
		{"ProposerSlashing", mainnet.Schema(Phase0), new(ProposerSlashing), 2 * 208},
		{"DepositData", mainnet.Schema(Phase0), new(DepositData), 48 + 32 + 8 + 96},
		{"DepositMessage", mainnet.Schema(Phase0), new(DepositMessage), 48 + 32 + 8},
		{"Deposit", mainnet.Schema(Phase0), &Deposit{Proof: make([]Root, 33)}, 33*32 + 184},
		{"VoluntaryExit", mainnet.Schema(Phase0), new(VoluntaryExit), 16},
		{"SignedVoluntaryExit", mainnet.Schema(Phase0), new(SignedVoluntaryExit), 16 + 96},
		{"Eth1Block", mainnet.Schema(Phase0), new(Eth1Block), 8 + 32 + 8},
		{"SyncAggregate mainnet", mainnet.Schema(Altair), &SyncAggregate{SyncCommitteeBits: ssz.NewBitvector(512)}, 512/8 + 96},
		{"SyncAggregate minimal", minimal.Schema(Altair), &SyncAggregate{SyncCommitteeBits: ssz.NewBitvector(32)}, 32/8 + 96},
		{"SyncCommitteeMessage", mainnet.Schema(Altair), new(SyncCommitteeMessage), 8 + 32 + 8 + 96},
		{"SyncCommitteeContribution mainnet", mainnet.Schema(Altair), &SyncCommitteeContribution{AggregationBits: ssz.NewBitvector(128)}, 8 + 32 + 8 + 128/8 + 96},
		{"SyncCommitteeContribution minimal", minimal.Schema(Altair), &SyncCommitteeContribution{AggregationBits: ssz.NewBitvector(8)}, 8 + 32 + 8 + 1 + 96},
		{"ContributionAndProof", mainnet.Schema(Altair), &ContributionAndProof{Contribution: SyncCommitteeContribution{AggregationBits: ssz.NewBitvector(128)}}, 8 + 160 + 96},
		{"SyncAggregatorSelectionData", mainnet.Schema(Altair), new(SyncAggregatorSelectionData), 16},
		{"PowBlock", mainnet.Schema(Bellatrix), new(PowBlock), 96},
		{"Withdrawal", mainnet.Schema(Capella), new(Withdrawal), 8 + 8 + 20 + 8},
		{"BLSToExecutionChange", mainnet.Schema(Capella), new(BLSToExecutionChange), 8 + 48 + 20},
		{"BlobIdentifier", mainnet.Schema(Deneb), new(BlobIdentifier), 40},
		{"BlobSidecar mainnet", mainnet.Schema(Deneb), blockTestBlobSidecar(mainnet.Schema(Deneb)), 8 + 131072 + 48 + 48 + 208 + 17*32},
		{"DepositRequest", mainnet.Schema(Electra), new(DepositRequest), 48 + 32 + 8 + 96 + 8},
		{"WithdrawalRequest", mainnet.Schema(Electra), new(WithdrawalRequest), 20 + 48 + 8},
		{"ConsolidationRequest", mainnet.Schema(Electra), new(ConsolidationRequest), 20 + 48 + 48},
		{"SingleAttestation", mainnet.Schema(Electra), new(SingleAttestation), 8 + 8 + 128 + 96},
		{"MatrixEntry", mainnet.Schema(Fulu), &MatrixEntry{Cell: make(Cell, 2048)}, 2048 + 48 + 8 + 8},
		{"PartialDataColumnGroupID", mainnet.Schema(Fulu), new(PartialDataColumnGroupID), 32},
	}
	for _, tc := range cases {
		if !ssz.IsStatic(tc.obj, tc.s) {
			t.Errorf("%s: not static", tc.name)
			continue
		}
		if got := SizeSSZ(tc.s, tc.obj); got != tc.size {
			t.Errorf("%s: size %d, want %d", tc.name, got, tc.size)
		}
		enc, err := Marshal(tc.s, tc.obj)
		if err != nil || len(enc) != tc.size {
			t.Errorf("%s: encoding of %d bytes, err %v", tc.name, len(enc), err)
		}
	}
}

func blockTestBlobSidecar(s *Schema) *BlobSidecar {
	return &BlobSidecar{
		Blob:                        make([]byte, s.blobSidecarBlobSize()),
		KZGCommitmentInclusionProof: make([]Root, s.KZGCommitmentInclusionProofDepth),
	}
}

// The empty body's encoding is its fixed part (each list is an offset) plus
// the empty payload's; sizes are summed from the spec's field lists.
func TestEmptyBeaconBlockBodySize(t *testing.T) {
	sp := Mainnet()
	phase0 := 96 + 72 + 32 + 5*4
	payloadBellatrix := 32 + 20 + 32 + 32 + 256 + 32 + 4*8 + 4 + 32 + 32 + 4
	want := map[ForkName]int{
		Phase0:    phase0,
		Altair:    phase0 + 160,
		Bellatrix: phase0 + 160 + 4 + payloadBellatrix,
		Capella:   phase0 + 160 + 4 + payloadBellatrix + 4 + 4,
		Deneb:     phase0 + 160 + 4 + payloadBellatrix + 4 + 16 + 4 + 4,
		Electra:   phase0 + 160 + 4 + payloadBellatrix + 4 + 16 + 4 + 4 + 4 + 12,
		Fulu:      phase0 + 160 + 4 + payloadBellatrix + 4 + 16 + 4 + 4 + 4 + 12,
	}
	for f := Phase0; f <= LatestFork; f++ {
		s := sp.Schema(f)
		var body BeaconBlockBody
		body.SyncAggregate.SyncCommitteeBits = ssz.NewBitvector(int(s.SyncCommitteeSize))
		body.ExecutionPayload.LogsBloom = make([]byte, s.BytesPerLogsBloom)
		enc, err := Marshal(s, &body)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if len(enc) != want[f] {
			t.Errorf("%s: empty body is %d bytes, want %d", f, len(enc), want[f])
		}
	}
}

// The spec's blob inclusion proofs (deneb verify_blob_sidecar_inclusion_proof
// and fulu verify_data_column_sidecar_inclusion_proof) fix the depth of
// blob_kzg_commitments in the body; a proof built from our schema must
// have exactly that depth and verify against the body root.
func TestBlobCommitmentInclusionProofs(t *testing.T) {
	for _, sp := range blockTestPresets() {
		for _, f := range []ForkName{Deneb, Electra, Fulu} {
			s := sp.Schema(f)
			body := &blockTestSignedBlock(s, 1).Message.Body
			root, err := HashTreeRoot(s, body)
			if err != nil {
				t.Fatal(err)
			}
			// get_generalized_index(BeaconBlockBody, "blob_kzg_commitments"):
			// field 11 of a body padded to 16 fields.
			const commitmentsGindex = 16 + 11
			leaf, branch, err := ssz.Prove(body, s, commitmentsGindex)
			if err != nil {
				t.Fatalf("%s/%s: %v", sp.Name, f, err)
			}
			if uint64(len(branch)) != s.KZGCommitmentsInclusionProofDepth {
				t.Errorf("%s/%s: commitments branch of %d, want %d", sp.Name, f, len(branch), s.KZGCommitmentsInclusionProofDepth)
			}
			want := ssz.MixInLength(blockTestCommitmentsRoot(body.BlobKZGCommitments, s.MaxBlobCommitmentsPerBlock), uint64(len(body.BlobKZGCommitments)))
			if leaf != want || !ssz.VerifyProof(root, leaf, branch, commitmentsGindex) {
				t.Errorf("%s/%s: commitments proof does not verify", sp.Name, f)
			}
			// One commitment: the list's data subtree (gindex*2), then the
			// element at depth log2(MAX_BLOB_COMMITMENTS_PER_BLOCK).
			for i := range body.BlobKZGCommitments {
				depth := 0
				for 1<<depth < s.MaxBlobCommitmentsPerBlock {
					depth++
				}
				g := uint64(commitmentsGindex*2)<<depth | uint64(i)
				leaf, branch, err := ssz.Prove(body, s, g)
				if err != nil {
					t.Fatal(err)
				}
				if uint64(len(branch)) != s.KZGCommitmentInclusionProofDepth {
					t.Errorf("%s/%s: commitment branch of %d, want %d", sp.Name, f, len(branch), s.KZGCommitmentInclusionProofDepth)
				}
				if leaf != blockTestCommitmentRoot(body.BlobKZGCommitments[i]) || !ssz.VerifyProof(root, leaf, branch, g) {
					t.Errorf("%s/%s: commitment %d proof does not verify", sp.Name, f, i)
				}
			}
		}
	}
}

func blockTestCommitmentRoot(c KZGCommitment) [32]byte {
	var chunks [2][32]byte
	copy(chunks[0][:], c[:32])
	copy(chunks[1][:], c[32:])
	return ssz.HashPair(chunks[0], chunks[1])
}

func blockTestCommitmentsRoot(cs []KZGCommitment, limit uint64) [32]byte {
	roots := make([][32]byte, len(cs))
	for i, c := range cs {
		roots[i] = blockTestCommitmentRoot(c)
	}
	return ssz.Merkleize(roots, limit)
}

// Electra widens an attestation to every committee of a slot (EIP-7549):
// aggregation bits beyond one committee are rejected before electra only.
func TestAttestationLimitsByFork(t *testing.T) {
	sp := Mainnet()
	n := int(sp.MaxValidatorsPerCommittee) + 1
	for _, f := range []ForkName{Deneb, Electra} {
		s := sp.Schema(f)
		a := Attestation{AggregationBits: ssz.NewBitlist(n)}
		if f >= Electra {
			a.CommitteeBits = ssz.NewBitvector(int(s.MaxCommitteesPerSlot))
		}
		_, err := Marshal(s, &a)
		if f < Electra && !errors.Is(err, ssz.ErrLimit) {
			t.Errorf("%s: %d aggregation bits: err %v, want ErrLimit", f, n, err)
		}
		if f >= Electra && err != nil {
			t.Errorf("%s: %d aggregation bits: %v", f, n, err)
		}
		ia := IndexedAttestation{AttestingIndices: make([]ValidatorIndex, n)}
		_, err = Marshal(s, &ia)
		if (f < Electra) != errors.Is(err, ssz.ErrLimit) {
			t.Errorf("%s: %d attesting indices: err %v", f, n, err)
		}
	}
	// The electra attestation ends with the committee bits.
	s := sp.Schema(Electra)
	a := Attestation{AggregationBits: ssz.NewBitlist(1), CommitteeBits: ssz.NewBitvector(64)}
	a.CommitteeBits.Set(63, true)
	enc, err := Marshal(s, &a)
	if err != nil {
		t.Fatal(err)
	}
	if len(enc) != 4+128+96+8+1 || enc[4+128+96+7] != 0x80 {
		t.Errorf("electra attestation encoding %x", enc)
	}
}
