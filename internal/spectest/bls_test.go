package spectest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quetzal-eth/quetzal/spec/bls"
	"gopkg.in/yaml.v3"
)

// The bls handlers are tested on cases written here in the official
// format, from keys made in the test, each with the right expected output
// (the handler must pass) and, where it makes sense, a wrong one (the
// handler must report a failure).

var blsCurveOrder, _ = new(big.Int).SetString("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001", 16)

func blsScalar(seed string) *big.Int {
	h := sha256.Sum256([]byte(seed))
	s := new(big.Int).SetBytes(h[:])
	return s.Mod(s, blsCurveOrder)
}

func blsKey(t *testing.T, s *big.Int) *bls.SecretKey {
	t.Helper()
	var b [32]byte
	s.FillBytes(b[:])
	sk, err := bls.SecretKeyFromBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	return sk
}

func hx(b []byte) string { return "0x" + hex.EncodeToString(b) }

func hexList[T bls.Pubkey | bls.Signature | [32]byte](items ...T) []string {
	out := []string{}
	for _, it := range items {
		switch v := any(it).(type) {
		case bls.Pubkey:
			out = append(out, hx(v[:]))
		case bls.Signature:
			out = append(out, hx(v[:]))
		case [32]byte:
			out = append(out, hx(v[:]))
		}
	}
	return out
}

// runBLSCase writes data.yaml into a fresh case directory and runs the
// registered handler on it.
func runBLSCase(t *testing.T, handler string, data any) error {
	t.Helper()
	raw, ok := data.(string)
	if !ok {
		b, err := yaml.Marshal(data)
		if err != nil {
			t.Fatal(err)
		}
		raw = string(b)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "data.yaml"), []byte(raw), 0o644); err != nil {
		t.Fatal(err)
	}
	h := Lookup("bls", handler)
	if h == nil {
		t.Fatalf("no handler for bls/%s", handler)
	}
	c := &Case{Preset: "general", Fork: "phase0", Runner: "bls", Handler: handler, Suite: "bls", Name: "case_0", Dir: dir}
	return h(c)
}

type blsTestCase struct {
	name    string
	handler string
	data    any // marshalled to data.yaml, or the file's text if a string
	pass    bool
}

func blsData(input, output any) map[string]any {
	return map[string]any{"input": input, "output": output}
}

func TestBLSHandlers(t *testing.T) {
	s1, s2, s3 := blsScalar("one"), blsScalar("two"), blsScalar("three")
	sk1, sk2, sk3 := blsKey(t, s1), blsKey(t, s2), blsKey(t, s3)
	pk1, pk2, pk3 := sk1.PublicKey().Bytes(), sk2.PublicKey().Bytes(), sk3.PublicKey().Bytes()
	m1, m2, m3 := sha256.Sum256([]byte("m1")), sha256.Sum256([]byte("m2")), sha256.Sum256([]byte("m3"))
	sig11, sig21, sig22, sig33 := bls.Sign(sk1, m1), bls.Sign(sk2, m1), bls.Sign(sk2, m2), bls.Sign(sk3, m3)
	tampered := sig11
	copy(tampered[92:], []byte{0xff, 0xff, 0xff, 0xff})
	infPk, infSig := bls.Pubkey{0xc0}, bls.Signature{0xc0}

	// Expected aggregates come from arithmetic on the secret keys, not from
	// the aggregation code under test.
	sum12 := blsKey(t, new(big.Int).Mod(new(big.Int).Add(s1, s2), blsCurveOrder))
	agg12 := bls.Sign(sum12, m1)
	aggPk12 := sum12.PublicKey().Bytes()
	aggVerifySig, err := bls.Aggregate([]bls.Signature{sig11, sig22})
	if err != nil {
		t.Fatal(err)
	}

	// A key whose big-endian form starts with a zero byte, which the
	// generator writes without it.
	var shortKey *big.Int
	for i := 0; ; i++ {
		shortKey = blsScalar("short" + string(rune('a'+i)))
		if shortKey.BitLen() <= 248 {
			break
		}
	}
	skShort := blsKey(t, shortKey)

	// Forged pair for batch_verify: sig11 + S' and sig22 - S' sum to a
	// valid aggregate while neither is valid alone.
	negS3 := blsKey(t, new(big.Int).Sub(blsCurveOrder, s3))
	forged1, err := bls.Aggregate([]bls.Signature{sig11, sig33})
	if err != nil {
		t.Fatal(err)
	}
	forged2, err := bls.Aggregate([]bls.Signature{sig22, bls.Sign(negS3, m3)})
	if err != nil {
		t.Fatal(err)
	}

	verifyIn := func(pk bls.Pubkey, m [32]byte, sig bls.Signature) map[string]any {
		return map[string]any{"pubkey": hx(pk[:]), "message": hx(m[:]), "signature": hx(sig[:])}
	}
	favIn := func(pks []bls.Pubkey, m [32]byte, sig bls.Signature) map[string]any {
		return map[string]any{"pubkeys": hexList(pks...), "message": hx(m[:]), "signature": hx(sig[:])}
	}
	batchIn := func(pks []bls.Pubkey, ms [][32]byte, sigs []bls.Signature) map[string]any {
		return map[string]any{"pubkeys": hexList(pks...), "messages": hexList(ms...), "signatures": hexList(sigs...)}
	}
	var zeroKey [32]byte

	cases := []blsTestCase{
		{"sign valid", "sign", blsData(map[string]any{"privkey": hx(s1.Bytes()), "message": hx(m1[:])}, hx(sig11[:])), true},
		{"sign leading zero stripped", "sign", blsData(map[string]any{"privkey": hx(shortKey.Bytes()), "message": hx(m1[:])}, hexList(bls.Sign(skShort, m1))[0]), true},
		{"sign wrong expected signature", "sign", blsData(map[string]any{"privkey": hx(s1.Bytes()), "message": hx(m1[:])}, hx(sig21[:])), false},
		{"sign zero key", "sign", blsData(map[string]any{"privkey": hx(zeroKey[:]), "message": hx(m1[:])}, nil), true},
		{"sign zero key expected to work", "sign", blsData(map[string]any{"privkey": hx(zeroKey[:]), "message": hx(m1[:])}, hx(sig11[:])), false},
		{"sign valid expected to fail", "sign", blsData(map[string]any{"privkey": hx(s1.Bytes()), "message": hx(m1[:])}, nil), false},

		{"verify valid", "verify", blsData(verifyIn(pk1, m1, sig11), true), true},
		{"verify valid expected false", "verify", blsData(verifyIn(pk1, m1, sig11), false), false},
		{"verify wrong pubkey", "verify", blsData(verifyIn(pk2, m1, sig11), false), true},
		{"verify wrong message", "verify", blsData(verifyIn(pk1, m2, sig11), false), true},
		{"verify wrong message expected true", "verify", blsData(verifyIn(pk1, m2, sig11), true), false},
		{"verify tampered", "verify", blsData(verifyIn(pk1, m1, tampered), false), true},
		{"verify tampered expected true", "verify", blsData(verifyIn(pk1, m1, tampered), true), false},
		{"verify infinity", "verify", blsData(verifyIn(infPk, m1, infSig), false), true},
		{"verify null output means failure", "verify", blsData(verifyIn(pk2, m1, sig11), nil), true},
		{"verify short pubkey", "verify", blsData(map[string]any{"pubkey": hx(pk1[:47]), "message": hx(m1[:]), "signature": hx(sig11[:])}, false), true},

		{"aggregate", "aggregate", blsData(hexList(sig11, sig21), hx(agg12[:])), true},
		{"aggregate wrong expected", "aggregate", blsData(hexList(sig11, sig21), hx(sig11[:])), false},
		{"aggregate none", "aggregate", blsData([]string{}, nil), true},
		{"aggregate none expected to work", "aggregate", blsData([]string{}, hx(infSig[:])), false},
		{"aggregate infinity", "aggregate", blsData(hexList(infSig), hx(infSig[:])), true},

		{"aggregate_verify valid", "aggregate_verify", blsData(map[string]any{"pubkeys": hexList(pk1, pk2), "messages": hexList(m1, m2), "signature": hx(aggVerifySig[:])}, true), true},
		{"aggregate_verify swapped", "aggregate_verify", blsData(map[string]any{"pubkeys": hexList(pk2, pk1), "messages": hexList(m1, m2), "signature": hx(aggVerifySig[:])}, false), true},
		{"aggregate_verify swapped expected true", "aggregate_verify", blsData(map[string]any{"pubkeys": hexList(pk2, pk1), "messages": hexList(m1, m2), "signature": hx(aggVerifySig[:])}, true), false},
		{"aggregate_verify infinity pubkey", "aggregate_verify", blsData(map[string]any{"pubkeys": hexList(pk1, pk2, infPk), "messages": hexList(m1, m2, m3), "signature": hx(aggVerifySig[:])}, false), true},
		{"aggregate_verify none", "aggregate_verify", blsData(map[string]any{"pubkeys": []string{}, "messages": []string{}, "signature": hx(infSig[:])}, false), true},

		{"fast_aggregate_verify valid", "fast_aggregate_verify", blsData(favIn([]bls.Pubkey{pk1, pk2}, m1, agg12), true), true},
		{"fast_aggregate_verify extra pubkey", "fast_aggregate_verify", blsData(favIn([]bls.Pubkey{pk1, pk2, pk3}, m1, agg12), false), true},
		{"fast_aggregate_verify extra pubkey expected true", "fast_aggregate_verify", blsData(favIn([]bls.Pubkey{pk1, pk2, pk3}, m1, agg12), true), false},
		{"fast_aggregate_verify infinity pubkey", "fast_aggregate_verify", blsData(favIn([]bls.Pubkey{pk1, pk2, infPk}, m1, agg12), false), true},
		{"fast_aggregate_verify none", "fast_aggregate_verify", blsData(favIn(nil, m1, infSig), false), true},
		{"eth_fast_aggregate_verify none", "eth_fast_aggregate_verify", blsData(favIn(nil, m1, infSig), true), true},
		{"eth_fast_aggregate_verify none expected false", "eth_fast_aggregate_verify", blsData(favIn(nil, m1, infSig), false), false},
		{"eth_fast_aggregate_verify none, zero signature", "eth_fast_aggregate_verify", blsData(favIn(nil, m1, bls.Signature{}), false), true},
		{"eth_fast_aggregate_verify valid", "eth_fast_aggregate_verify", blsData(favIn([]bls.Pubkey{pk1, pk2}, m1, agg12), true), true},

		{"eth_aggregate_pubkeys", "eth_aggregate_pubkeys", blsData(hexList(pk1, pk2), hx(aggPk12[:])), true},
		{"eth_aggregate_pubkeys wrong expected", "eth_aggregate_pubkeys", blsData(hexList(pk1, pk2), hx(pk1[:])), false},
		{"eth_aggregate_pubkeys infinity", "eth_aggregate_pubkeys", blsData(hexList(pk1, infPk), nil), true},
		{"eth_aggregate_pubkeys infinity expected to work", "eth_aggregate_pubkeys", blsData(hexList(pk1, infPk), hx(pk1[:])), false},
		{"eth_aggregate_pubkeys none", "eth_aggregate_pubkeys", blsData([]string{}, nil), true},

		{"batch_verify valid", "batch_verify", blsData(batchIn([]bls.Pubkey{pk1, pk2, pk3}, [][32]byte{m1, m2, m3}, []bls.Signature{sig11, sig22, sig33}), true), true},
		{"batch_verify valid expected false", "batch_verify", blsData(batchIn([]bls.Pubkey{pk1, pk2, pk3}, [][32]byte{m1, m2, m3}, []bls.Signature{sig11, sig22, sig33}), false), false},
		{"batch_verify forged", "batch_verify", blsData(batchIn([]bls.Pubkey{pk1, pk2}, [][32]byte{m1, m2}, []bls.Signature{forged1, forged2}), false), true},
		{"batch_verify forged expected true", "batch_verify", blsData(batchIn([]bls.Pubkey{pk1, pk2}, [][32]byte{m1, m2}, []bls.Signature{forged1, forged2}), true), false},
		{"batch_verify infinity", "batch_verify", blsData(batchIn([]bls.Pubkey{pk1, infPk}, [][32]byte{m1, m2}, []bls.Signature{sig11, infSig}), false), true},
		{"batch_verify tampered", "batch_verify", blsData(batchIn([]bls.Pubkey{pk1, pk2}, [][32]byte{m1, m2}, []bls.Signature{tampered, sig22}), false), true},

		{"deserialization_G1 valid", "deserialization_G1", blsData(map[string]any{"pubkey": hx(pk1[:])}, true), true},
		{"deserialization_G1 valid expected false", "deserialization_G1", blsData(map[string]any{"pubkey": hx(pk1[:])}, false), false},
		{"deserialization_G1 infinity", "deserialization_G1", blsData(map[string]any{"pubkey": hx(infPk[:])}, true), true},
		{"deserialization_G1 infinity with x bits", "deserialization_G1", blsData(map[string]any{"pubkey": hx(append([]byte{0xc0, 1}, make([]byte, 46)...))}, false), true},
		{"deserialization_G1 too few bytes", "deserialization_G1", blsData(map[string]any{"pubkey": hx(pk1[:47])}, false), true},
		{"deserialization_G1 too many bytes", "deserialization_G1", blsData(map[string]any{"pubkey": hx(append(pk1[:], 0))}, false), true},
		{"deserialization_G2 valid", "deserialization_G2", blsData(map[string]any{"signature": hx(sig11[:])}, true), true},
		{"deserialization_G2 infinity", "deserialization_G2", blsData(map[string]any{"signature": hx(infSig[:])}, true), true},
		{"deserialization_G2 tampered", "deserialization_G2", blsData(map[string]any{"signature": hx(tampered[:])}, false), true},
		{"deserialization_G2 tampered expected true", "deserialization_G2", blsData(map[string]any{"signature": hx(tampered[:])}, true), false},

		// RFC 9380 appendix J.10.1, msg "abc".
		{"hash_to_G2", "hash_to_G2", blsData(map[string]any{"msg": "abc"}, map[string]any{
			"x": "0x02c2d18e033b960562aae3cab37a27ce00d80ccd5ba4b7fe0e7a210245129dbec7780ccc7954725f4168aff2787776e6,0x139cddbccdc5e91b9623efd38c49f81a6f83f175e80b06fc374de9eb4b41dfe4ca3a230ed250fbe3a2acf73a41177fd8",
			"y": "0x1787327b68159716a37440985269cf584bcb1e621d3a7202be6ea05c4cfe244aeb197642555a0645fb87bf7466b2ba48,0x00aa65dae3c8d732d10ecd2c50f8a1baf3001578f71c694e03866e9f3d49ac1e1ce70dd94a733534f106d4cec0eddd16",
		}), true},
		{"hash_to_G2 swapped coordinates", "hash_to_G2", blsData(map[string]any{"msg": "abc"}, map[string]any{
			"x": "0x139cddbccdc5e91b9623efd38c49f81a6f83f175e80b06fc374de9eb4b41dfe4ca3a230ed250fbe3a2acf73a41177fd8,0x02c2d18e033b960562aae3cab37a27ce00d80ccd5ba4b7fe0e7a210245129dbec7780ccc7954725f4168aff2787776e6",
			"y": "0x1787327b68159716a37440985269cf584bcb1e621d3a7202be6ea05c4cfe244aeb197642555a0645fb87bf7466b2ba48,0x00aa65dae3c8d732d10ecd2c50f8a1baf3001578f71c694e03866e9f3d49ac1e1ce70dd94a733534f106d4cec0eddd16",
		}), false},

		// Hex written without quotes, which YAML would read as an integer
		// if decoded untyped.
		{"verify unquoted hex", "verify", "input:\n  pubkey: " + hx(pk1[:]) + "\n  message: " + hx(m1[:]) + "\n  signature: " + hx(sig11[:]) + "\noutput: true\n", true},
		{"verify no output", "verify", "input:\n  pubkey: '" + hx(pk1[:]) + "'\n  message: '" + hx(m1[:]) + "'\n  signature: '" + hx(sig11[:]) + "'\n", false},
	}
	for _, tc := range cases {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			err := runBLSCase(t, tc.handler, tc.data)
			if tc.pass && err != nil {
				t.Errorf("handler failed a correct case: %v", err)
			}
			if !tc.pass && err == nil {
				t.Error("handler passed a case with a wrong expected output")
			}
		})
	}
}

func TestBLSHandlerOtherMessageLength(t *testing.T) {
	sk := blsKey(t, blsScalar("one"))
	pk := sk.PublicKey().Bytes()
	err := runBLSCase(t, "verify", blsData(map[string]any{"pubkey": hx(pk[:]), "message": "0x1234", "signature": hx(make([]byte, 96))}, false))
	if !errors.Is(err, ErrNotImplemented) {
		t.Errorf("a non-32-byte message gave %v, want not implemented", err)
	}
}
