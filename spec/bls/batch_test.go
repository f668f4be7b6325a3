package bls

import (
	"errors"
	"math/big"
	"slices"
	"testing"
)

// makeSets builds n valid signature sets; set i has 1 + i%4 signers.
func makeSets(t testing.TB, n int) []SignatureSet {
	t.Helper()
	sets := make([]SignatureSet, n)
	key := 0
	for i := range sets {
		msg := testMessage(1000 + i)
		var sigs []Signature
		for range 1 + i%4 {
			sk := testKey(1000 + key)
			key++
			sets[i].Pubkeys = append(sets[i].Pubkeys, sk.PublicKey())
			sigs = append(sigs, Sign(sk, msg))
		}
		agg, err := Aggregate(sigs)
		if err != nil {
			t.Fatal(err)
		}
		sets[i].Message, sets[i].Signature = msg, agg
	}
	return sets
}

func invalidIndices(t *testing.T, err error) []int {
	t.Helper()
	if err == nil {
		return nil
	}
	var be *BatchError
	if !errors.As(err, &be) {
		t.Fatalf("error %v is not a *BatchError", err)
	}
	if !errors.Is(err, ErrInvalidSignature) {
		t.Errorf("error %v does not wrap ErrInvalidSignature", err)
	}
	return be.Invalid
}

func TestBatchVerify(t *testing.T) {
	base := makeSets(t, 16)
	clone := func() []SignatureSet { return slices.Clone(base) }

	tests := []struct {
		name   string
		mutate func(s []SignatureSet) []SignatureSet
		want   []int
	}{
		{"all valid", func(s []SignatureSet) []SignatureSet { return s }, nil},
		{"none", func([]SignatureSet) []SignatureSet { return nil }, nil},
		{"one valid", func(s []SignatureSet) []SignatureSet { return s[:1] }, nil},
		{"one invalid", func(s []SignatureSet) []SignatureSet {
			s = s[:1]
			s[0].Message = testMessage(1)
			return s
		}, []int{0}},
		{"swapped signatures", func(s []SignatureSet) []SignatureSet {
			s[3].Signature, s[7].Signature = s[7].Signature, s[3].Signature
			return s
		}, []int{3, 7}},
		{"wrong message", func(s []SignatureSet) []SignatureSet {
			s[15].Message[0] ^= 1
			return s
		}, []int{15}},
		{"missing signer", func(s []SignatureSet) []SignatureSet {
			s[2].Pubkeys = s[2].Pubkeys[:2]
			return s
		}, []int{2}},
		{"undecodable signature", func(s []SignatureSet) []SignatureSet {
			s[5].Signature[0] &^= 0x80
			return s
		}, []int{5}},
		{"no keys", func(s []SignatureSet) []SignatureSet {
			s[6].Pubkeys = nil
			return s
		}, []int{6}},
		{"nil key", func(s []SignatureSet) []SignatureSet {
			s[9].Pubkeys = []*PublicKey{nil}
			return s
		}, []int{9}},
		{"zero key", func(s []SignatureSet) []SignatureSet {
			s[12].Pubkeys = append(slices.Clone(s[12].Pubkeys), &PublicKey{})
			return s
		}, []int{12}},
		{"identity signature", func(s []SignatureSet) []SignatureSet {
			s[11].Signature = Signature{0xc0}
			return s
		}, []int{11}},
		{"all invalid", func(s []SignatureSet) []SignatureSet {
			for i := range s {
				s[i].Message[31] ^= 0x55
			}
			return s
		}, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := invalidIndices(t, BatchVerify(tc.mutate(clone())))
			if !slices.Equal(got, tc.want) {
				t.Errorf("invalid sets = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestBatchVerifyForgery is the attack the random multipliers exist for:
// two signatures shifted by +S' and -S' are each wrong, yet their sum
// still passes an aggregate check over both sets.
func TestBatchVerifyForgery(t *testing.T) {
	sk1, sk2 := testKey(50), testKey(51)
	m1, m2, m3 := testMessage(50), testMessage(51), testMessage(52)
	sPrime := Sign(testKey(52), m3)
	negPrime := Sign(keyFromScalar(new(big.Int).Sub(curveOrder, testScalar(52))), m3)

	forged1, err := Aggregate([]Signature{Sign(sk1, m1), sPrime})
	if err != nil {
		t.Fatal(err)
	}
	forged2, err := Aggregate([]Signature{Sign(sk2, m2), negPrime})
	if err != nil {
		t.Fatal(err)
	}
	pk1, pk2 := sk1.PublicKey(), sk2.PublicKey()
	both, err := Aggregate([]Signature{forged1, forged2})
	if err != nil {
		t.Fatal(err)
	}
	if !AggregateVerify([]Pubkey{pk1.Bytes(), pk2.Bytes()}, [][32]byte{m1, m2}, both) {
		t.Fatal("the forged pair should pass a plain aggregate check; the test is not testing anything")
	}
	sets := []SignatureSet{
		{Pubkeys: []*PublicKey{pk1}, Message: m1, Signature: forged1},
		{Pubkeys: []*PublicKey{pk2}, Message: m2, Signature: forged2},
	}
	if got := invalidIndices(t, BatchVerify(sets)); !slices.Equal(got, []int{0, 1}) {
		t.Errorf("invalid sets = %v, want [0 1]", got)
	}
}

func TestBatchVerifyMatchesFastAggregateVerify(t *testing.T) {
	sets := makeSets(t, 6)
	sets[4].Signature = sets[1].Signature
	err := BatchVerify(sets)
	got := invalidIndices(t, err)
	var want []int
	for i, s := range sets {
		var pks []Pubkey
		for _, k := range s.Pubkeys {
			pks = append(pks, k.Bytes())
		}
		if !FastAggregateVerify(pks, s.Message, s.Signature) {
			want = append(want, i)
		}
	}
	if !slices.Equal(got, want) || len(want) != 1 {
		t.Errorf("BatchVerify invalid = %v, FastAggregateVerify invalid = %v", got, want)
	}
}

// TestBatchVerifyManyKeys checks the aggregation of a set's keys where
// blst's batch addition takes over (more than 16 keys): a key that repeats
// (the addition must double) and keys that cancel (P + -P is the
// identity, whose sum must fail) give the same outcome as
// FastAggregateVerify.
func TestBatchVerifyManyKeys(t *testing.T) {
	msg := testMessage(60)
	build := func(scalars []*big.Int) (SignatureSet, []Pubkey) {
		var set SignatureSet
		var raw []Pubkey
		var sigs []Signature
		for _, x := range scalars {
			sk := keyFromScalar(x)
			set.Pubkeys = append(set.Pubkeys, sk.PublicKey())
			raw = append(raw, sk.PublicKey().Bytes())
			sigs = append(sigs, Sign(sk, msg))
		}
		agg, err := Aggregate(sigs)
		if err != nil {
			t.Fatal(err)
		}
		set.Message, set.Signature = msg, agg
		return set, raw
	}
	var distinct, repeated, cancelling []*big.Int
	for i := range 40 {
		distinct = append(distinct, testScalar(600+i))
		repeated = append(repeated, testScalar(600+i%7))
	}
	// The keys of x and r-x are P and -P: with the other keys in pairs of
	// that kind, the sum is the identity.
	for i := range 20 {
		x := testScalar(700 + i)
		cancelling = append(cancelling, x, new(big.Int).Sub(curveOrder, x))
	}
	for _, tc := range []struct {
		name    string
		scalars []*big.Int
		valid   bool
	}{
		{"distinct", distinct, true},
		{"repeated", repeated, true},
		{"cancelling", cancelling, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set, raw := build(tc.scalars)
			if got := FastAggregateVerify(raw, msg, set.Signature); got != tc.valid {
				t.Fatalf("FastAggregateVerify = %v, want %v", got, tc.valid)
			}
			other := makeSets(t, 3)
			for _, sets := range [][]SignatureSet{{set}, append(other, set)} {
				err := BatchVerify(sets)
				if (err == nil) != tc.valid {
					t.Fatalf("%d sets: BatchVerify = %v, want valid %v", len(sets), err, tc.valid)
				}
			}
		})
	}
}

// TestSumKeys checks that a set with the sum of some keys less others
// verifies as FastAggregateVerify of the keys that remain, and that sums
// that cannot serve are refused.
func TestSumKeys(t *testing.T) {
	msg := testMessage(80)
	var all []*PublicKey
	var sigs []Signature
	for i := range 30 {
		sk := testKey(800 + i)
		all = append(all, sk.PublicKey())
		if i%4 != 0 { // the signers: every key but the absent ones
			sigs = append(sigs, Sign(sk, msg))
		}
	}
	var absent []*PublicKey
	for i := 0; i < len(all); i += 4 {
		absent = append(absent, all[i])
	}
	agg, err := Aggregate(sigs)
	if err != nil {
		t.Fatal(err)
	}
	check := func(key *PublicKey, want bool) {
		t.Helper()
		err := BatchVerify([]SignatureSet{{Pubkeys: []*PublicKey{key}, Message: msg, Signature: agg}})
		if (err == nil) != want {
			t.Fatalf("BatchVerify = %v, want valid %v", err, want)
		}
	}
	check(SumKeys(all, absent), true)
	check(SumKeys(all, absent[1:]), false)
	check(SumKeys(all[:16], nil), false)
	if SumKeys(all, all) != nil || SumKeys(nil, nil) != nil || SumKeys(all, []*PublicKey{{}}) != nil || SumKeys([]*PublicKey{nil}, nil) != nil {
		t.Fatal("SumKeys gave a key for an identity sum, no keys or an invalid key")
	}
	if k := SumKeys(all[1:2], nil); k.Bytes() != all[1].Bytes() {
		t.Fatal("the sum of one key is not that key")
	}
}
