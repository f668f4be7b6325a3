package bls

import "fmt"

// g2PointAtInfinity is G2_POINT_AT_INFINITY from altair/bls.md: the
// compressed identity of G2. It is never written.
var g2PointAtInfinity = Signature{0xc0}

// EthAggregatePubkeys implements eth_aggregate_pubkeys (altair/bls.md):
// the sum of at least one public key, each of which must pass
// KeyValidate. It is AggregatePKs with those preconditions spelled out, as
// in the spec.
func EthAggregatePubkeys(pks []Pubkey) (Pubkey, error) {
	agg, err := AggregatePKs(pks)
	if err != nil {
		return Pubkey{}, fmt.Errorf("eth_aggregate_pubkeys: %w", err)
	}
	return agg, nil
}

// EthFastAggregateVerify implements eth_fast_aggregate_verify
// (altair/bls.md): FastAggregateVerify, except that an empty key list
// with the G2_POINT_AT_INFINITY signature is valid (a sync aggregate that
// nobody took part in).
func EthFastAggregateVerify(pks []Pubkey, message [32]byte, sig Signature) bool {
	if len(pks) == 0 && sig == g2PointAtInfinity {
		return true
	}
	return FastAggregateVerify(pks, message, sig)
}
