package bls

import (
	"errors"
	"fmt"

	blst "github.com/supranational/blst/bindings/go"
)

// Sizes of the serialized forms.
const (
	SecretKeySize = 32 // big-endian scalar
	PubkeySize    = 48 // compressed G1 point
	SignatureSize = 96 // compressed G2 point
)

// dst is the domain separation tag of the proof-of-possession ciphersuite
// that phase0/beacon-chain.md selects ("BLS signatures").
const dst = "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_"

// blstSuccess is BLST_SUCCESS from blst.h, the value blst's verification
// functions return on success.
const blstSuccess = 0

// Pubkey is the spec's BLSPubkey: a compressed G1 point.
type Pubkey [PubkeySize]byte

// Signature is the spec's BLSSignature: a compressed G2 point.
type Signature [SignatureSize]byte

// Errors returned by this package, wrapped with detail; match them with
// errors.Is.
var (
	ErrInvalidSecretKey = errors.New("bls: invalid secret key")
	ErrInvalidPubkey    = errors.New("bls: invalid public key")
	ErrInvalidSignature = errors.New("bls: invalid signature")
	ErrNoInput          = errors.New("bls: empty input")
)

// SecretKey is a BLS secret key, a scalar in [1, r-1].
type SecretKey struct {
	s blst.SecretKey
}

// SecretKeyFromBytes reads a big-endian secret key. Zero and values not
// below the group order r are rejected (IETF draft section 2.3, KeyGen only
// produces keys in [1, r-1]).
func SecretKeyFromBytes(b [SecretKeySize]byte) (*SecretKey, error) {
	var sk SecretKey
	if sk.s.Deserialize(b[:]) == nil {
		return nil, fmt.Errorf("%w: zero or not below the group order", ErrInvalidSecretKey)
	}
	return &sk, nil
}

// PublicKey returns the public key of sk (SkToPk, IETF draft section 2.4).
func (sk *SecretKey) PublicKey() *PublicKey {
	pk := &PublicKey{}
	pk.p.From(&sk.s)
	pk.raw = Pubkey(pk.p.Compress())
	pk.valid = true // sk is not zero, so pk is not the identity
	return pk
}

// PublicKey is a public key that has been decompressed and validated
// (KeyValidate). Decompressing is the expensive part of using a public key,
// so callers keep these, for example one per validator.
type PublicKey struct {
	p   blst.P1Affine
	raw Pubkey
	// valid is set by the constructors, which only make keys that pass
	// KeyValidate: a zero PublicKey (the identity) is not valid, and
	// BatchVerify tells so without a call into blst.
	valid bool
}

// PublicKeyFromBytes decompresses pk and checks it with KeyValidate: it
// must be a canonical encoding of a point in G1 other than the identity.
func PublicKeyFromBytes(pk Pubkey) (*PublicKey, error) {
	out := &PublicKey{raw: pk}
	if out.p.Uncompress(pk[:]) == nil {
		return nil, fmt.Errorf("%w: not a compressed point on the curve", ErrInvalidPubkey)
	}
	if !out.p.KeyValidate() {
		return nil, fmt.Errorf("%w: identity or not in G1", ErrInvalidPubkey)
	}
	out.valid = true
	return out, nil
}

// Bytes returns the compressed form of pk.
func (pk *PublicKey) Bytes() Pubkey {
	return pk.raw
}

// Sign implements Sign, which for the proof-of-possession scheme is
// CoreSign (IETF draft sections 3.3 and 2.6): the signature of sk over
// message.
func Sign(sk *SecretKey, message [32]byte) Signature {
	var sig blst.P2Affine
	sig.Sign(&sk.s, message[:], []byte(dst))
	return Signature(sig.Compress())
}

// KeyValidate implements KeyValidate (IETF draft section 2.5): whether pk
// decodes to a point in G1 other than the identity.
func KeyValidate(pk Pubkey) bool {
	_, err := PublicKeyFromBytes(pk)
	return err == nil
}

// Verify implements Verify, which for the proof-of-possession scheme is
// CoreVerify (IETF draft sections 3.3 and 2.7): whether sig is pk's
// signature over message.
func Verify(pk Pubkey, message [32]byte, sig Signature) bool {
	key, err := PublicKeyFromBytes(pk)
	if err != nil {
		return false
	}
	s, err := decodeSignature(sig)
	if err != nil {
		return false
	}
	return coreVerify(&key.p, message, s)
}

// Aggregate implements Aggregate (IETF draft section 2.8): the sum of the
// signatures. It needs at least one signature and rejects any that does
// not decode to a point in G2.
func Aggregate(sigs []Signature) (Signature, error) {
	if len(sigs) == 0 {
		return Signature{}, fmt.Errorf("aggregate: %w", ErrNoInput)
	}
	var agg blst.P2Aggregate
	for i := range sigs {
		s, err := decodeSignature(sigs[i])
		if err != nil {
			return Signature{}, fmt.Errorf("aggregate: signature %d: %w", i, err)
		}
		agg.Add(s, false)
	}
	return Signature(agg.ToAffine().Compress()), nil
}

// AggregatePKs implements AggregatePKs, which altair/bls.md adds to the
// IETF draft: the sum of at least one public key, each of which must pass
// KeyValidate (as the pyspec defines it). Keys that cancel out sum to the
// identity, which is returned without complaint; no verification accepts
// it.
func AggregatePKs(pks []Pubkey) (Pubkey, error) {
	if len(pks) == 0 {
		return Pubkey{}, fmt.Errorf("aggregate pubkeys: %w", ErrNoInput)
	}
	keys, err := validateKeys(pks)
	if err != nil {
		return Pubkey{}, fmt.Errorf("aggregate pubkeys: %w", err)
	}
	return Pubkey(sumKeys(keys).Compress()), nil
}

// FastAggregateVerify implements FastAggregateVerify (IETF draft section
// 3.3.4): whether sig is the aggregate of the signatures of all pks over the
// same message. Every key must pass KeyValidate and there must be at least
// one.
func FastAggregateVerify(pks []Pubkey, message [32]byte, sig Signature) bool {
	if len(pks) == 0 {
		return false
	}
	keys, err := validateKeys(pks)
	if err != nil {
		return false
	}
	s, err := decodeSignature(sig)
	if err != nil {
		return false
	}
	return coreVerify(sumKeys(keys), message, s)
}

// AggregateVerify implements AggregateVerify, which for the
// proof-of-possession scheme is CoreAggregateVerify (IETF draft sections
// 3.3 and 2.9), so the messages need not be distinct: whether sig is the
// aggregate of the signatures of pks[i] over messages[i]. Every key must
// pass KeyValidate and there must be at least one pair.
func AggregateVerify(pks []Pubkey, messages [][32]byte, sig Signature) bool {
	if len(pks) == 0 || len(pks) != len(messages) {
		return false
	}
	decoded, err := validateKeys(pks)
	if err != nil {
		return false
	}
	keys := make([]*blst.P1Affine, len(pks))
	msgs := make([]blst.Message, len(pks))
	for i := range pks {
		keys[i] = &decoded[i]
		msgs[i] = messages[i][:]
	}
	s, err := decodeSignature(sig)
	if err != nil {
		return false
	}
	return s.AggregateVerify(false, keys, false, msgs, []byte(dst))
}

// decodeSignature decompresses sig and checks that it lies in G2
// (signature_to_point and signature_subgroup_check in the IETF draft). The
// identity is a valid signature point.
func decodeSignature(sig Signature) (*blst.P2Affine, error) {
	var s blst.P2Affine
	if s.Uncompress(sig[:]) == nil {
		return nil, fmt.Errorf("%w: not a compressed point on the curve", ErrInvalidSignature)
	}
	if !s.SigValidate(false) {
		return nil, fmt.Errorf("%w: not in G2", ErrInvalidSignature)
	}
	return &s, nil
}

// coreVerify is CoreVerify (IETF draft section 2.7) on decoded points whose
// group membership has been checked; an identity public key fails.
func coreVerify(pk *blst.P1Affine, message [32]byte, sig *blst.P2Affine) bool {
	if isIdentity(pk) {
		return false
	}
	return blst.CoreVerifyPkInG1(pk, sig, true, message[:], []byte(dst)) == blstSuccess
}

// isIdentity reports whether p is the point at infinity, which blst stores
// as all-zero affine coordinates.
func isIdentity(p *blst.P1Affine) bool {
	var zero blst.P1Affine
	return p.Equals(&zero)
}
