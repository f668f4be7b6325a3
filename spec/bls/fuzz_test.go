package bls

import "testing"

// FuzzMalformed feeds arbitrary bytes as keys and signatures: every entry
// point must answer (false or an error) rather than panic, and nothing
// but the genuine signature may verify.
func FuzzMalformed(f *testing.F) {
	sk := testKey(70)
	msg := testMessage(70)
	pk, sig := sk.PublicKey().Bytes(), Sign(sk, msg)
	f.Add(pk[:], sig[:])
	infPk, infSig := Pubkey{0xc0}, Signature{0xc0}
	f.Add(infPk[:], infSig[:])
	f.Add(make([]byte, PubkeySize), make([]byte, SignatureSize))
	ff := make([]byte, SignatureSize)
	for i := range ff {
		ff[i] = 0xff
	}
	f.Add(ff[:PubkeySize], ff)
	f.Fuzz(func(t *testing.T, rawPk, rawSig []byte) {
		var p Pubkey
		var s Signature
		copy(p[:], rawPk)
		copy(s[:], rawSig)
		genuine := p == pk && s == sig

		KeyValidate(p)
		_, _ = AggregatePKs([]Pubkey{p, pk})
		_, _ = Aggregate([]Signature{s, sig})
		if Verify(p, msg, s) != genuine {
			t.Errorf("Verify(%x, %x) = %v", p[:4], s[:4], !genuine)
		}
		if FastAggregateVerify([]Pubkey{p}, msg, s) != genuine {
			t.Errorf("FastAggregateVerify(%x, %x) = %v", p[:4], s[:4], !genuine)
		}
		AggregateVerify([]Pubkey{p}, [][32]byte{msg}, s)
		EthFastAggregateVerify([]Pubkey{p}, msg, s)

		key := sk.PublicKey()
		if k, err := PublicKeyFromBytes(p); err == nil {
			key = k
		}
		err := BatchVerify([]SignatureSet{
			{Pubkeys: []*PublicKey{key}, Message: msg, Signature: s},
			{Pubkeys: []*PublicKey{sk.PublicKey()}, Message: msg, Signature: sig},
		})
		if (err == nil) != (s == sig && key.Bytes() == pk) {
			t.Errorf("BatchVerify with %x, %x: %v", p[:4], s[:4], err)
		}
	})
}
