package bls

import (
	"sync"
	"testing"
)

// benchFixture holds 512 keys, each with its own message and signature,
// and the aggregate of all of them signing one common message.
type benchFixture struct {
	keys   []*PublicKey
	pks    []Pubkey
	msgs   [][32]byte
	sigs   []Signature
	common [32]byte
	agg    Signature
}

var benchData = sync.OnceValue(func() *benchFixture {
	const n = 512
	f := &benchFixture{common: testMessage(-1)}
	var commonSigs []Signature
	for i := range n {
		sk := testKey(5000 + i)
		pk := sk.PublicKey()
		msg := testMessage(5000 + i)
		f.keys = append(f.keys, pk)
		f.pks = append(f.pks, pk.Bytes())
		f.msgs = append(f.msgs, msg)
		f.sigs = append(f.sigs, Sign(sk, msg))
		commonSigs = append(commonSigs, Sign(sk, f.common))
	}
	agg, err := Aggregate(commonSigs)
	if err != nil {
		panic(err)
	}
	f.agg = agg
	return f
})

func BenchmarkPublicKeyFromBytes(b *testing.B) {
	f := benchData()
	for i := 0; b.Loop(); i++ {
		if _, err := PublicKeyFromBytes(f.pks[i%len(f.pks)]); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	f := benchData()
	for b.Loop() {
		if !Verify(f.pks[0], f.msgs[0], f.sigs[0]) {
			b.Fatal("invalid")
		}
	}
}

// BenchmarkFastAggregateVerify512 is the spec function on compressed keys:
// it pays for 512 decompressions.
func BenchmarkFastAggregateVerify512(b *testing.B) {
	f := benchData()
	for b.Loop() {
		if !FastAggregateVerify(f.pks, f.common, f.agg) {
			b.Fatal("invalid")
		}
	}
}

// BenchmarkFastAggregateVerify512Cached is the same check on cached keys,
// as one signature set.
func BenchmarkFastAggregateVerify512Cached(b *testing.B) {
	f := benchData()
	sets := []SignatureSet{{Pubkeys: f.keys, Message: f.common, Signature: f.agg}}
	for b.Loop() {
		if err := BatchVerify(sets); err != nil {
			b.Fatal(err)
		}
	}
}

func benchSets(f *benchFixture, n int) []SignatureSet {
	sets := make([]SignatureSet, n)
	for i := range sets {
		sets[i] = SignatureSet{Pubkeys: f.keys[i : i+1], Message: f.msgs[i], Signature: f.sigs[i]}
	}
	return sets
}

func BenchmarkBatchVerify128(b *testing.B) {
	sets := benchSets(benchData(), 128)
	for b.Loop() {
		if err := BatchVerify(sets); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBatchVerify128Invalid has one bad set, so the combined check
// fails and every set is verified on its own.
func BenchmarkBatchVerify128Invalid(b *testing.B) {
	sets := benchSets(benchData(), 128)
	sets[17].Signature = sets[18].Signature
	for b.Loop() {
		if err := BatchVerify(sets); err == nil {
			b.Fatal("accepted")
		}
	}
}
