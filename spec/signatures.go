package spec

import (
	"errors"
	"fmt"

	"github.com/quetzal-eth/quetzal/spec/bls"
	"github.com/quetzal-eth/quetzal/ssz"
)

// signingRoot is compute_signing_root(obj, domain) with obj hashed under
// st's fork.
func (s *Spec) signingRoot(st *BeaconState, obj ssz.Object, domain Domain) (Root, error) {
	root, err := HashTreeRoot(s.Schema(s.StateFork(st)), obj)
	if err != nil {
		return Root{}, err
	}
	return ComputeSigningRoot(root, domain), nil
}

// verify asserts bls.Verify(pubkey, root, sig) as t.Signatures says: at
// once, collected into the block's batch, or not at all. It is for a key
// that is not a validator's (a BLS change's from_bls_pubkey); a
// validator's signature goes through verifyValidator.
func (t *Transition) verify(pubkey BLSPubkey, root Root, sig BLSSignature) error {
	if t.Signatures == SignaturesOff {
		return nil
	}
	key, err := bls.PublicKeyFromBytes(bls.Pubkey(pubkey))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	return t.verifyKeys([]*bls.PublicKey{key}, root, sig)
}

// verifyValidator asserts bls.Verify of validator index's pubkey, as
// verify does.
func (t *Transition) verifyValidator(st *BeaconState, index ValidatorIndex, root Root, sig BLSSignature) error {
	return t.verifyValidators(st, []ValidatorIndex{index}, root, sig)
}

// verifyValidators asserts bls.FastAggregateVerify(pubkeys, root, sig) for
// the pubkeys of validators indices, as t.Signatures says. No indices is
// never valid. The pubkeys come decompressed from the state's caches,
// where they are decompressed once; a state without caches decompresses
// them on every call.
func (t *Transition) verifyValidators(st *BeaconState, indices []ValidatorIndex, root Root, sig BLSSignature) error {
	if t.Signatures == SignaturesOff {
		return nil
	}
	if len(indices) == 0 {
		return ErrBadSignature
	}
	keys, err := t.ValidatorPublicKeys(st, indices)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	return t.verifyKeys(keys, root, sig)
}

// verifyKeys asserts bls.FastAggregateVerify(keys, root, sig) for keys
// already decompressed and validated (KeyValidate), at once or into the
// block's batch. A batch of one set is the plain check of
// FastAggregateVerify: the keys' sum must not be the identity, the
// signature must decode, and the pairing must hold.
func (t *Transition) verifyKeys(keys []*bls.PublicKey, root Root, sig BLSSignature) error {
	set := bls.SignatureSet{Message: root, Signature: bls.Signature(sig), Pubkeys: keys}
	switch t.Signatures {
	case SignaturesOff:
		return nil
	case SignaturesBatch:
		t.batch = append(t.batch, set)
		return nil
	}
	if bls.BatchVerify([]bls.SignatureSet{set}) != nil {
		return ErrBadSignature
	}
	return nil
}

// verifySyncAggregate asserts eth_fast_aggregate_verify(pubkeys, root,
// sig) (altair bls.md) for the pubkeys of validators indices: like
// verifyValidators, but no pubkeys with the point at infinity is valid.
func (t *Transition) verifySyncAggregate(st *BeaconState, indices []ValidatorIndex, root Root, sig BLSSignature) error {
	if len(indices) == 0 {
		if t.Signatures == SignaturesOff || bls.EthFastAggregateVerify(nil, root, bls.Signature(sig)) {
			return nil
		}
		return ErrBadSignature
	}
	return t.verifyValidators(st, indices, root, sig)
}

// verifyNow is bls.Verify(pubkey, root, sig) for the checks whose outcome
// is not an assertion (a deposit with a bad signature is skipped, not
// invalid): always at once, and true when signatures are off, as the
// spec's tests have it.
func (t *Transition) verifyNow(pubkey BLSPubkey, root Root, sig BLSSignature) bool {
	if t.Signatures == SignaturesOff {
		return true
	}
	return bls.Verify(bls.Pubkey(pubkey), root, bls.Signature(sig))
}

// flushSignatures verifies the signatures collected in SignaturesBatch
// mode and empties the batch.
func (t *Transition) flushSignatures() error {
	if len(t.batch) == 0 {
		return nil
	}
	n := len(t.batch)
	err := bls.BatchVerify(t.batch)
	t.batch = t.batch[:0]
	if err != nil {
		var be *bls.BatchError
		if errors.As(err, &be) {
			return opError("process_block", -1, fmt.Errorf("%w: %d of %d signature sets failed", ErrBadSignature, len(be.Invalid), n))
		}
		return opError("process_block", -1, err)
	}
	return nil
}
