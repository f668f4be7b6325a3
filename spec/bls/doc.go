// Package bls implements the BLS signature scheme as the consensus specs use
// it: the IETF BLS signature draft (v4), ciphersuite
// BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_ (proof of possession), in the
// minimal-pubkey-size variant: public keys are 48-byte compressed points in
// G1 and signatures are 96-byte compressed points in G2.
//
// The functions keep the names the specs use. phase0/beacon-chain.md
// ("BLS signatures") imports Sign, Verify, Aggregate, AggregateVerify,
// FastAggregateVerify and KeyValidate from the IETF draft; altair/bls.md
// adds AggregatePKs, EthAggregatePubkeys and EthFastAggregateVerify.
//
// Decompressing a public key (and checking that it lies in G1) costs more
// than adding it to an aggregate, so callers that verify against the same
// validators again and again should decompress once with
// PublicKeyFromBytes, keep the *PublicKey, and pass it in a SignatureSet to
// BatchVerify.
//
// The package is pure: it reads no files, keeps no mutable state and never
// panics on malformed keys or signatures; those make verification return
// false or an error. BatchVerify uses several cores; its result does not
// depend on how the work is scheduled.
package bls
