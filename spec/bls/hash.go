package bls

import blst "github.com/supranational/blst/bindings/go"

// HashToG2 implements hash_to_curve for BLS12381G2_XMD:SHA-256_SSWU_RO_
// (the hash-to-curve RFC 9380, section 8.8.2) with the given domain
// separation tag, and returns the affine coordinates of the point. Each
// coordinate is an element c0 + c1*u of Fp2, returned as {c0, c1}, each
// 48 bytes big-endian. Signing uses it with the ciphersuite's own tag; it
// is exported so the hash can be checked against published vectors.
func HashToG2(message, dst []byte) (x, y [2][48]byte) {
	// Serialize writes the uncompressed point as x.c1 | x.c0 | y.c1 | y.c0
	// (the ZCash encoding used throughout BLS12-381 serialization).
	raw := blst.HashToG2(message, dst).ToAffine().Serialize()
	copy(x[1][:], raw[0:48])
	copy(x[0][:], raw[48:96])
	copy(y[1][:], raw[96:144])
	copy(y[0][:], raw[144:192])
	return x, y
}
