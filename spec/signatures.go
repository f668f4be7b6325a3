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
// once, collected into the block's batch, or not at all.
func (t *Transition) verify(pubkey BLSPubkey, root Root, sig BLSSignature) error {
	return t.verifyAggregate([]BLSPubkey{pubkey}, root, sig)
}

// verifyAggregate asserts bls.FastAggregateVerify(pubkeys, root, sig) as
// t.Signatures says. No pubkeys is never valid.
func (t *Transition) verifyAggregate(pubkeys []BLSPubkey, root Root, sig BLSSignature) error {
	switch t.Signatures {
	case SignaturesOff:
		return nil
	case SignaturesBatch:
		set := bls.SignatureSet{Message: root, Signature: bls.Signature(sig), Pubkeys: make([]*bls.PublicKey, len(pubkeys))}
		for i, pk := range pubkeys {
			key, err := bls.PublicKeyFromBytes(bls.Pubkey(pk))
			if err != nil {
				return fmt.Errorf("%w: %v", ErrBadSignature, err)
			}
			set.Pubkeys[i] = key
		}
		if len(pubkeys) == 0 {
			return ErrBadSignature
		}
		t.batch = append(t.batch, set)
		return nil
	}
	if len(pubkeys) == 1 {
		if !bls.Verify(bls.Pubkey(pubkeys[0]), root, bls.Signature(sig)) {
			return ErrBadSignature
		}
		return nil
	}
	keys := make([]bls.Pubkey, len(pubkeys))
	for i, pk := range pubkeys {
		keys[i] = bls.Pubkey(pk)
	}
	if !bls.FastAggregateVerify(keys, root, bls.Signature(sig)) {
		return ErrBadSignature
	}
	return nil
}

// verifySyncAggregate asserts eth_fast_aggregate_verify(pubkeys, root,
// sig) (altair bls.md): like verifyAggregate, but no pubkeys with the
// point at infinity is valid.
func (t *Transition) verifySyncAggregate(pubkeys []BLSPubkey, root Root, sig BLSSignature) error {
	if len(pubkeys) == 0 {
		if t.Signatures == SignaturesOff || bls.EthFastAggregateVerify(nil, root, bls.Signature(sig)) {
			return nil
		}
		return ErrBadSignature
	}
	return t.verifyAggregate(pubkeys, root, sig)
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
