package kzg

import (
	goethkzg "github.com/crate-crypto/go-eth-kzg"
)

// BlobToKZGCommitment implements blob_to_kzg_commitment
// (deneb/polynomial-commitments.md).
func BlobToKZGCommitment(blob *Blob) (Commitment, error) {
	const fn = "blob_to_kzg_commitment"
	ctx, err := loadedContext()
	if err != nil {
		return Commitment{}, err
	}
	if blob == nil {
		return Commitment{}, checkBlob(fn, "blob", -1, nil)
	}
	c, err := ctx.BlobToKZGCommitment(blob.lib(), workers())
	if err != nil {
		return Commitment{}, explain(err, func() error { return checkBlob(fn, "blob", -1, blob) })
	}
	return Commitment(c), nil
}

// ComputeKZGProof implements compute_kzg_proof
// (deneb/polynomial-commitments.md): the proof that the polynomial of blob
// takes the value y at z, and y.
func ComputeKZGProof(blob *Blob, z FieldElement) (Proof, FieldElement, error) {
	const fn = "compute_kzg_proof"
	ctx, err := loadedContext()
	if err != nil {
		return Proof{}, FieldElement{}, err
	}
	if blob == nil {
		return Proof{}, FieldElement{}, checkBlob(fn, "blob", -1, nil)
	}
	p, y, err := ctx.ComputeKZGProof(blob.lib(), z.lib(), workers())
	if err != nil {
		return Proof{}, FieldElement{}, explain(err, func() error {
			if err := checkBlob(fn, "blob", -1, blob); err != nil {
				return err
			}
			return checkFieldElement(fn, "z_bytes", z)
		})
	}
	return Proof(p), FieldElement(y), nil
}

// VerifyKZGProof implements verify_kzg_proof
// (deneb/polynomial-commitments.md): whether proof shows that the polynomial
// committed to by commitment takes the value y at z.
func VerifyKZGProof(commitment Commitment, z, y FieldElement, proof Proof) (bool, error) {
	const fn = "verify_kzg_proof"
	ctx, err := loadedContext()
	if err != nil {
		return false, err
	}
	err = ctx.VerifyKZGProof(commitment.lib(), z.lib(), y.lib(), proof.lib())
	return verdict(err, func() error {
		if err := checkG1(fn, "commitment_bytes", -1, commitment); err != nil {
			return err
		}
		if err := checkFieldElement(fn, "z_bytes", z); err != nil {
			return err
		}
		if err := checkFieldElement(fn, "y_bytes", y); err != nil {
			return err
		}
		return checkG1(fn, "proof_bytes", -1, proof)
	})
}

// ComputeBlobKZGProof implements compute_blob_kzg_proof
// (deneb/polynomial-commitments.md): the proof, at the Fiat-Shamir challenge
// of blob and commitment, that commitment is the commitment to blob. It does
// not check that commitment belongs to blob; VerifyBlobKZGProof does.
func ComputeBlobKZGProof(blob *Blob, commitment Commitment) (Proof, error) {
	const fn = "compute_blob_kzg_proof"
	ctx, err := loadedContext()
	if err != nil {
		return Proof{}, err
	}
	if blob == nil {
		return Proof{}, checkBlob(fn, "blob", -1, nil)
	}
	p, err := ctx.ComputeBlobKZGProof(blob.lib(), commitment.lib(), workers())
	if err != nil {
		return Proof{}, explain(err, func() error {
			if err := checkBlob(fn, "blob", -1, blob); err != nil {
				return err
			}
			return checkG1(fn, "commitment_bytes", -1, commitment)
		})
	}
	return Proof(p), nil
}

// VerifyBlobKZGProof implements verify_blob_kzg_proof
// (deneb/polynomial-commitments.md): whether commitment is the commitment to
// blob, as shown by proof.
func VerifyBlobKZGProof(blob *Blob, commitment Commitment, proof Proof) (bool, error) {
	const fn = "verify_blob_kzg_proof"
	ctx, err := loadedContext()
	if err != nil {
		return false, err
	}
	if blob == nil {
		return false, checkBlob(fn, "blob", -1, nil)
	}
	err = ctx.VerifyBlobKZGProof(blob.lib(), commitment.lib(), proof.lib())
	return verdict(err, func() error {
		if err := checkBlob(fn, "blob", -1, blob); err != nil {
			return err
		}
		if err := checkG1(fn, "commitment_bytes", -1, commitment); err != nil {
			return err
		}
		return checkG1(fn, "proof_bytes", -1, proof)
	})
}

// minBlobsPerShare is the smallest share of a blob batch handed to one
// goroutine. Every share ends in its own multi-exponentiations and pairing
// check, about as much CPU time as the per-blob work (decoding, the
// Fiat-Shamir challenge and the evaluation at it) of two or three blobs, so
// a split only shortens the call when a core is idle and the shares are
// large; below this a batch is verified whole.
const minBlobsPerShare = 4

// VerifyBlobKZGProofBatch implements verify_blob_kzg_proof_batch
// (deneb/polynomial-commitments.md): whether every commitments[i] is the
// commitment to blobs[i], as shown by proofs[i]. An empty batch is valid.
//
// A large batch is split into shares verified on separate cores, each as one
// random linear combination. The answer does not depend on the split: the
// batch is valid exactly when every share is, and malformed input anywhere
// is an error, as in the spec, which decodes every input before checking
// any proof.
func VerifyBlobKZGProofBatch(blobs []*Blob, commitments []Commitment, proofs []Proof) (bool, error) {
	return verifyBlobBatch(blobs, commitments, proofs, shareCount(len(blobs), minBlobsPerShare))
}

func verifyBlobBatch(blobs []*Blob, commitments []Commitment, proofs []Proof, shares int) (bool, error) {
	const fn = "verify_blob_kzg_proof_batch"
	ctx, err := loadedContext()
	if err != nil {
		return false, err
	}
	n := len(blobs)
	if len(commitments) != n || len(proofs) != n {
		return false, inputErr(fn, "commitments_bytes", -1, ErrLengthMismatch)
	}
	for i, b := range blobs {
		if b == nil {
			return false, checkBlob(fn, "blobs", i, nil)
		}
	}
	return verifyInShares(n, shares, func(lo, hi int) (bool, error) {
		return verifyBlobShare(ctx, fn, lo, blobs[lo:hi], commitments[lo:hi], proofs[lo:hi])
	})
}

// verifyBlobShare verifies blobs[i], commitments[i], proofs[i] as one
// batch; offset is the position of the share in the caller's lists, for
// error messages.
func verifyBlobShare(ctx *goethkzg.Context, fn string, offset int, blobs []*Blob, commitments []Commitment, proofs []Proof) (bool, error) {
	libBlobs := make([]*goethkzg.Blob, len(blobs))
	libCommitments := make([]goethkzg.KZGCommitment, len(blobs))
	libProofs := make([]goethkzg.KZGProof, len(blobs))
	for i := range blobs {
		libBlobs[i] = blobs[i].lib()
		libCommitments[i] = commitments[i].lib()
		libProofs[i] = proofs[i].lib()
	}
	err := ctx.VerifyBlobKZGProofBatch(libBlobs, libCommitments, libProofs)
	return verdict(err, func() error {
		for i := range blobs {
			if err := checkBlob(fn, "blobs", offset+i, blobs[i]); err != nil {
				return err
			}
			if err := checkG1(fn, "commitments_bytes", offset+i, commitments[i]); err != nil {
				return err
			}
			if err := checkG1(fn, "proofs_bytes", offset+i, proofs[i]); err != nil {
				return err
			}
		}
		return nil
	})
}
