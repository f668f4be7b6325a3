package gossip

import (
	"fmt"
	"math/bits"

	"github.com/quetzal-eth/quetzal/forkchoice"
	"github.com/quetzal-eth/quetzal/spec"
	"github.com/quetzal-eth/quetzal/spec/kzg"
	"github.com/quetzal-eth/quetzal/ssz"
)

// ValidateBlobSidecarGossip is validate_blob_sidecar_gossip (new in deneb
// p2p-interface.md): a blob sidecar on blob subnet subnetID. Electra
// raises the blob limit and the subnet count (EIP-7691); fulu replaces
// blob sidecars with data columns.
func (v *Validator) ValidateBlobSidecarGossip(fork spec.ForkName, sidecar *spec.BlobSidecar, nowMs uint64, subnetID spec.SubnetID) error {
	if fork < spec.Deneb || fork >= spec.Fulu {
		return fmt.Errorf("gossip: no blob sidecar topics at %s", fork)
	}
	s := v.Spec
	header := &sidecar.SignedBlockHeader.Message
	key := SidecarKey{header.Slot, header.ProposerIndex, uint64(sidecar.Index)}

	// [IGNORE] The sidecar is the first for its slot, proposer and index.
	if v.Seen.BlobSidecarTuples[key] {
		return ignoref("already seen blob sidecar %d from proposer %d for slot %d", sidecar.Index, header.ProposerIndex, header.Slot)
	}
	// [REJECT] The sidecar's index is below the blob limit.
	maxBlobs, subnets := s.MaxBlobsPerBlock, s.BlobSidecarSubnetCount
	if fork >= spec.Electra {
		maxBlobs, subnets = s.MaxBlobsPerBlockElectra, s.BlobSidecarSubnetCountElectra
	}
	if uint64(sidecar.Index) >= maxBlobs {
		return rejectf("blob index %d out of range, the limit is %d", sidecar.Index, maxBlobs)
	}
	// [REJECT] The sidecar is for the correct subnet
	// (compute_subnet_for_blob_sidecar).
	if want := spec.SubnetID(uint64(sidecar.Index) % subnets); want != subnetID {
		return rejectf("blob sidecar is for subnet %d, not %d", want, subnetID)
	}
	if err := v.checkSidecarHeader(fork, &sidecar.SignedBlockHeader, nowMs); err != nil {
		return err
	}
	// [REJECT] The sidecar's inclusion proof is valid.
	if !v.verifyBlobSidecarInclusionProof(sidecar) {
		return rejectf("invalid blob sidecar inclusion proof")
	}
	// [REJECT] The sidecar's blob is valid as verified by
	// verify_blob_kzg_proof.
	if len(sidecar.Blob) != kzg.BytesPerBlob {
		return rejectf("blob of %d bytes", len(sidecar.Blob))
	}
	ok, err := kzg.VerifyBlobKZGProof((*kzg.Blob)(sidecar.Blob), kzg.Commitment(sidecar.KZGCommitment), kzg.Proof(sidecar.KZGProof))
	if err != nil {
		return rejectf("invalid blob kzg proof: %v", err)
	}
	if !ok {
		return rejectf("invalid blob kzg proof")
	}
	if err := v.checkSidecarProposer(header); err != nil {
		return err
	}

	v.Seen.BlobSidecarTuples[key] = true
	return nil
}

// ValidateDataColumnSidecarGossip is validate_data_column_sidecar_gossip
// (new in fulu p2p-interface.md): a data column sidecar on column subnet
// subnetID.
func (v *Validator) ValidateDataColumnSidecarGossip(fork spec.ForkName, sidecar *spec.DataColumnSidecar, nowMs uint64, subnetID spec.SubnetID) error {
	if fork < spec.Fulu {
		return fmt.Errorf("gossip: no data column topics at %s", fork)
	}
	s := v.Spec
	header := &sidecar.SignedBlockHeader.Message
	key := SidecarKey{header.Slot, header.ProposerIndex, uint64(sidecar.Index)}

	// [IGNORE] The sidecar is the first for its slot, proposer and index.
	if v.Seen.DataColumnSidecarTuples[key] {
		return ignoref("already seen sidecar %d from proposer %d for slot %d", sidecar.Index, header.ProposerIndex, header.Slot)
	}
	// [REJECT] The sidecar is valid as verified by
	// verify_data_column_sidecar.
	if !forkchoice.VerifyDataColumnSidecar(s, sidecar) {
		return rejectf("invalid sidecar: column %d with %d cells, %d commitments and %d proofs", sidecar.Index, len(sidecar.Column), len(sidecar.KZGCommitments), len(sidecar.KZGProofs))
	}
	// [REJECT] The sidecar is for the correct subnet.
	if want := s.ComputeSubnetForDataColumnSidecar(sidecar.Index); want != subnetID {
		return rejectf("sidecar is for subnet %d, not %d", want, subnetID)
	}
	if err := v.checkSidecarHeader(fork, &sidecar.SignedBlockHeader, nowMs); err != nil {
		return err
	}
	// [REJECT] The sidecar's inclusion proof is valid.
	if !v.verifyKZGCommitmentsInclusionProof(sidecar.KZGCommitments, sidecar.KZGCommitmentsInclusionProof, header.BodyRoot) {
		return rejectf("invalid sidecar inclusion proof")
	}
	// [REJECT] The sidecar's KZG proofs are valid.
	ok, err := forkchoice.VerifyDataColumnSidecarKZGProofs(sidecar)
	if err != nil {
		return rejectf("invalid sidecar kzg proofs: %v", err)
	}
	if !ok {
		return rejectf("invalid sidecar kzg proofs")
	}
	if err := v.checkSidecarProposer(header); err != nil {
		return err
	}

	v.Seen.DataColumnSidecarTuples[key] = true
	return nil
}

// ValidatePartialDataColumnSidecarGossip is
// validate_partial_data_column_sidecar_gossip (new in fulu
// p2p-interface.md): a partial column of the block that groupID names, at
// column columnIndex. The first message for a block carries its header,
// which is checked as a data column sidecar's header is and then cached;
// cells are checked against the cached header.
func (v *Validator) ValidatePartialDataColumnSidecarGossip(fork spec.ForkName, sidecar *spec.PartialDataColumnSidecar, nowMs uint64, groupID *spec.PartialDataColumnGroupID, columnIndex spec.ColumnIndex) error {
	if fork < spec.Fulu {
		return fmt.Errorf("gossip: no partial data column topics at %s", fork)
	}
	s := v.Spec
	blockRoot := groupID.BeaconBlockRoot
	hasHeader := len(sidecar.Header) == 1
	present := sidecar.CellsPresentBitmap.Count()
	hasCells := present > 0

	// [REJECT] A header or cells, or both, are present.
	if !hasHeader && !hasCells {
		return rejectf("partial message is semantically empty")
	}
	// [REJECT] There are as many cells as set bits in the bitmap.
	if len(sidecar.PartialColumn) != present {
		return rejectf("%d cells for %d set bits", len(sidecar.PartialColumn), present)
	}
	// [REJECT] There are as many proofs as set bits in the bitmap.
	if len(sidecar.KZGProofs) != present {
		return rejectf("%d proofs for %d set bits", len(sidecar.KZGProofs), present)
	}

	if hasHeader {
		header := &sidecar.Header[0]
		signedHeader := &header.SignedBlockHeader
		// [REJECT] The header equals any header validated before for this
		// block.
		if prior := v.Seen.PartialDataColumnHeaders[blockRoot]; prior != nil {
			same, err := v.sameHeader(fork, prior, header)
			if err != nil {
				return err
			}
			if !same {
				return rejectf("header differs from the header validated before for block %s", blockRoot)
			}
		}
		// [REJECT] The signed block header's root is the group id's block
		// root.
		root, err := spec.HashTreeRoot(s.Schema(fork), &signedHeader.Message)
		if err != nil {
			return err
		}
		if root != blockRoot {
			return rejectf("header's block root %s is not the group id's %s", root, blockRoot)
		}
		// [REJECT] The header's KZG commitments are not empty.
		if len(header.KZGCommitments) == 0 {
			return rejectf("header's kzg_commitments is empty")
		}
		if err := v.checkSidecarHeader(fork, signedHeader, nowMs); err != nil {
			return err
		}
		// [REJECT] The header's KZG commitments inclusion proof is valid.
		if !v.verifyKZGCommitmentsInclusionProof(header.KZGCommitments, header.KZGCommitmentsInclusionProof, signedHeader.Message.BodyRoot) {
			return rejectf("invalid header inclusion proof")
		}
		if err := v.checkSidecarProposer(&signedHeader.Message); err != nil {
			return err
		}
		v.Seen.PartialDataColumnHeaders[blockRoot] = header
	}

	if hasCells {
		// [IGNORE] A valid header for the block has been seen.
		header := v.Seen.PartialDataColumnHeaders[blockRoot]
		if header == nil {
			return ignoref("no valid header seen for block %s", blockRoot)
		}
		block := &header.SignedBlockHeader.Message
		// [IGNORE] The header is not from a future slot (it may be queued).
		if v.isFutureSlot(block.Slot, nowMs) {
			return ignoref("corresponding header is from a future slot %d", block.Slot)
		}
		// [IGNORE] The header is from a slot greater than the latest
		// finalized slot.
		if finalized := v.finalizedSlot(); block.Slot <= finalized {
			return ignoref("corresponding header slot %d is not greater than the latest finalized slot %d", block.Slot, finalized)
		}
		// [REJECT] The bitmap has one bit per commitment of the header.
		if n := sidecar.CellsPresentBitmap.Len(); n != len(header.KZGCommitments) {
			return rejectf("bitmap of %d bits for %d commitments", n, len(header.KZGCommitments))
		}
		// [REJECT] The cells and proofs pass KZG verification.
		ok, err := verifyPartialDataColumnSidecarKZGProofs(sidecar, header.KZGCommitments, columnIndex)
		if err != nil {
			return rejectf("invalid sidecar kzg proofs: %v", err)
		}
		if !ok {
			return rejectf("invalid sidecar kzg proofs")
		}
	}
	return nil
}

// checkSidecarHeader checks the signed block header of a blob or data
// column sidecar, or of a partial column, by the conditions the three
// share with a block: its time, its parent, its signature and its chain.
func (v *Validator) checkSidecarHeader(fork spec.ForkName, signed *spec.SignedBeaconBlockHeader, nowMs uint64) error {
	s := v.Spec
	header := &signed.Message
	// [IGNORE] The sidecar is not from a future slot (it may be queued).
	if v.isFutureSlot(header.Slot, nowMs) {
		return ignoref("sidecar is from a future slot %d", header.Slot)
	}
	// [IGNORE] The sidecar is from a slot greater than the latest
	// finalized slot.
	if finalized := v.finalizedSlot(); header.Slot <= finalized {
		return ignoref("sidecar slot %d is not greater than the latest finalized slot %d", header.Slot, finalized)
	}
	// [IGNORE] The sidecar's block's parent has been seen (it may be
	// queued until the parent is retrieved).
	parent, ok := v.Store.Block(header.ParentRoot)
	if !ok {
		return ignoref("sidecar's parent %s has not been seen", header.ParentRoot)
	}
	// [REJECT] The sidecar's block's parent passes validation.
	if _, ok := v.Store.BlockState(header.ParentRoot); !ok {
		return rejectf("sidecar's parent %s failed validation", header.ParentRoot)
	}

	state, err := v.headState()
	if err != nil {
		return err
	}
	// [REJECT] The proposer index is a valid validator index.
	if !checkIndex(state, header.ProposerIndex) {
		return rejectf("proposer index %d out of range", header.ProposerIndex)
	}
	// [REJECT] The proposer signature of the block header is valid.
	proposer := &state.Validators[header.ProposerIndex]
	domain := s.GetDomain(state, spec.DomainBeaconProposer, s.ComputeEpochAtSlot(header.Slot))
	root, err := v.signingRoot(fork, header, domain)
	if err != nil {
		return err
	}
	if !v.verify(proposer.Pubkey, root, signed.Signature) {
		return rejectf("invalid proposer signature on sidecar block header")
	}
	// [REJECT] The sidecar is from a higher slot than its block's parent.
	if header.Slot <= parent.Slot {
		return rejectf("sidecar slot %d is not higher than its parent's %d", header.Slot, parent.Slot)
	}
	// [REJECT] The current finalized checkpoint is an ancestor of the
	// sidecar's block.
	if !v.isFinalizedAncestor(header.ParentRoot) {
		return rejectf("finalized checkpoint is not an ancestor of sidecar's block")
	}
	return nil
}

// checkSidecarProposer checks the last condition on a sidecar's header:
// [REJECT] it is proposed by the expected proposer of its slot.
func (v *Validator) checkSidecarProposer(header *spec.BeaconBlockHeader) error {
	expected, err := v.expectedProposer(header.ParentRoot, header.Slot)
	if err != nil {
		return err
	}
	if header.ProposerIndex != expected {
		return rejectf("sidecar proposer_index %d, the proposer of slot %d is %d", header.ProposerIndex, header.Slot, expected)
	}
	return nil
}

// sameHeader is prior == header for two partial data column headers: the
// same value, which SSZ roots tell.
func (v *Validator) sameHeader(fork spec.ForkName, prior, header *spec.PartialDataColumnHeader) (bool, error) {
	schema := v.Spec.Schema(fork)
	a, err := spec.HashTreeRoot(schema, prior)
	if err != nil {
		return false, err
	}
	b, err := spec.HashTreeRoot(schema, header)
	if err != nil {
		return false, err
	}
	return a == b, nil
}

// blobKZGCommitmentsField is the position of blob_kzg_commitments in
// BeaconBlockBody (deneb to fulu), whose fields fit in a tree of depth
// bodyDepth.
const (
	blobKZGCommitmentsField = 11
	bodyDepth               = 4
)

// verifyBlobSidecarInclusionProof is verify_blob_sidecar_inclusion_proof
// (deneb p2p-interface.md): the sidecar's commitment is commitment number
// index of the block body its header names. The proof climbs from the
// commitment through the commitments list (whose data tree has depth
// ceillog2(MAX_BLOB_COMMITMENTS_PER_BLOCK), then its length mix-in) to the
// body root.
func (v *Validator) verifyBlobSidecarInclusionProof(sidecar *spec.BlobSidecar) bool {
	listDepth := uint64(bits.Len64(v.Spec.MaxBlobCommitmentsPerBlock - 1))
	depth := bodyDepth + 1 + listDepth
	if depth != v.Spec.KZGCommitmentInclusionProofDepth || uint64(sidecar.Index) >= v.Spec.MaxBlobCommitmentsPerBlock {
		return false
	}
	// get_subtree_index of the commitment's generalized index: its
	// position among the nodes at depth `depth` below the body root.
	subtreeIndex := (blobKZGCommitmentsField*2)<<listDepth | uint64(sidecar.Index)
	leaf := kzgCommitmentRoot(sidecar.KZGCommitment)
	return spec.IsValidMerkleBranch(leaf, sidecar.KZGCommitmentInclusionProof, depth, subtreeIndex, sidecar.SignedBlockHeader.Message.BodyRoot)
}

// verifyKZGCommitmentsInclusionProof is
// verify_data_column_sidecar_inclusion_proof (fulu p2p-interface.md),
// and verify_partial_data_column_header_inclusion_proof, which checks a
// partial column's header the same way: the commitments list is the
// blob_kzg_commitments field of the body whose root is bodyRoot.
func (v *Validator) verifyKZGCommitmentsInclusionProof(commitments []spec.KZGCommitment, proof []spec.Root, bodyRoot spec.Root) bool {
	if v.Spec.KZGCommitmentsInclusionProofDepth != bodyDepth || uint64(len(commitments)) > v.Spec.MaxBlobCommitmentsPerBlock {
		return false
	}
	roots := make([][32]byte, len(commitments))
	for i, c := range commitments {
		roots[i] = kzgCommitmentRoot(c)
	}
	leaf := ssz.MixInLength(ssz.Merkleize(roots, v.Spec.MaxBlobCommitmentsPerBlock), uint64(len(commitments)))
	return spec.IsValidMerkleBranch(leaf, proof, bodyDepth, blobKZGCommitmentsField, bodyRoot)
}

// kzgCommitmentRoot is hash_tree_root of a KZGCommitment (Bytes48): its
// two chunks hashed.
func kzgCommitmentRoot(c spec.KZGCommitment) spec.Root {
	var a, b [32]byte
	copy(a[:], c[:32])
	copy(b[:], c[32:])
	return ssz.HashPair(a, b)
}

// verifyPartialDataColumnSidecarKZGProofs is
// verify_partial_data_column_sidecar_kzg_proofs (fulu p2p-interface.md):
// each present cell is the cell at columnIndex of the blob of its
// commitment. The bitmap must have one bit per commitment.
func verifyPartialDataColumnSidecarKZGProofs(sidecar *spec.PartialDataColumnSidecar, commitments []spec.KZGCommitment, columnIndex spec.ColumnIndex) (bool, error) {
	var present []spec.KZGCommitment
	for i, c := range commitments {
		if sidecar.CellsPresentBitmap.Get(i) {
			present = append(present, c)
		}
	}
	n := len(present)
	if len(sidecar.PartialColumn) != n || len(sidecar.KZGProofs) != n {
		return false, fmt.Errorf("%d cells and %d proofs for %d present cells", len(sidecar.PartialColumn), len(sidecar.KZGProofs), n)
	}
	kzgCommitments := make([]kzg.Commitment, n)
	cellIndices := make([]uint64, n)
	cells := make([]kzg.Cell, n)
	proofs := make([]kzg.Proof, n)
	for i := range n {
		if len(sidecar.PartialColumn[i]) != kzg.BytesPerCell {
			return false, fmt.Errorf("cell %d has %d bytes", i, len(sidecar.PartialColumn[i]))
		}
		kzgCommitments[i] = kzg.Commitment(present[i])
		cellIndices[i] = uint64(columnIndex)
		cells[i] = kzg.Cell(sidecar.PartialColumn[i])
		proofs[i] = kzg.Proof(sidecar.KZGProofs[i])
	}
	return kzg.VerifyCellKZGProofBatch(kzgCommitments, cellIndices, cells, proofs)
}
