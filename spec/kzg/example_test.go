package kzg_test

import (
	"fmt"

	"github.com/quetzal-eth/quetzal/spec/kzg"
)

// A blob proposer commits to a blob and proves the commitment; a node
// receiving the blob sidecar checks the proof, and under Fulu the cells.
func Example() {
	var blob kzg.Blob
	copy(blob[kzg.BytesPerFieldElement-5:], "hello") // one small field element

	commitment, err := kzg.BlobToKZGCommitment(&blob)
	if err != nil {
		panic(err)
	}
	proof, err := kzg.ComputeBlobKZGProof(&blob, commitment)
	if err != nil {
		panic(err)
	}
	ok, err := kzg.VerifyBlobKZGProofBatch([]*kzg.Blob{&blob}, []kzg.Commitment{commitment}, []kzg.Proof{proof})
	fmt.Println("blob proof valid:", ok, err)

	cells, proofs, err := kzg.ComputeCellsAndKZGProofs(&blob)
	if err != nil {
		panic(err)
	}
	// Verify the column of cell 100: one cell of each blob (here one blob).
	ok, err = kzg.VerifyCellKZGProofBatch([]kzg.Commitment{commitment}, []uint64{100}, cells[100:101], proofs[100:101])
	fmt.Println("cell proof valid:", ok, err)

	// A field element at or above the BLS modulus is malformed input.
	blob[0] = 0xff
	_, err = kzg.BlobToKZGCommitment(&blob)
	fmt.Println(err)

	// Output:
	// blob proof valid: true <nil>
	// cell proof valid: true <nil>
	// kzg: blob_to_kzg_commitment: blob: field element 0: not a canonical BLS field element
}
