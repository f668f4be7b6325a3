package bls

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"testing"
)

// Group order r and base-field modulus p of BLS12-381.
var (
	curveOrder, _   = new(big.Int).SetString("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001", 16)
	fieldModulus, _ = new(big.Int).SetString("1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab", 16)
)

// testScalar derives a deterministic secret scalar in [1, r-1] from i.
func testScalar(i int) *big.Int {
	var seed [8]byte
	binary.BigEndian.PutUint64(seed[:], uint64(i))
	h := sha256.Sum256(append([]byte("quetzal bls test key"), seed[:]...))
	s := new(big.Int).SetBytes(h[:])
	s.Mod(s, new(big.Int).Sub(curveOrder, big.NewInt(1)))
	return s.Add(s, big.NewInt(1))
}

// keyFromScalar makes a secret key of s, which must be in [1, r-1].
func keyFromScalar(s *big.Int) *SecretKey {
	var b [32]byte
	s.FillBytes(b[:])
	sk, err := SecretKeyFromBytes(b)
	if err != nil {
		panic(fmt.Sprintf("test key %x: %v", b, err))
	}
	return sk
}

func testKey(i int) *SecretKey { return keyFromScalar(testScalar(i)) }

func testMessage(i int) [32]byte {
	return sha256.Sum256([]byte{byte(i), byte(i >> 8), 'm'})
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// offSubgroupG1 returns the compressed encoding of a point that is on the
// curve y^2 = x^3 + 4 but, like almost every such point, not in the
// order-r subgroup G1.
func offSubgroupG1() Pubkey {
	four := big.NewInt(4)
	exp := new(big.Int).Add(fieldModulus, big.NewInt(1))
	exp.Rsh(exp, 2) // p = 3 mod 4, so a square root is a^((p+1)/4)
	for x := int64(1); ; x++ {
		bx := big.NewInt(x)
		rhs := new(big.Int).Exp(bx, big.NewInt(3), fieldModulus)
		rhs.Add(rhs, four).Mod(rhs, fieldModulus)
		y := new(big.Int).Exp(rhs, exp, fieldModulus)
		if new(big.Int).Exp(y, big.NewInt(2), fieldModulus).Cmp(rhs) != 0 {
			continue
		}
		var pk Pubkey
		bx.FillBytes(pk[:])
		pk[0] |= 0x80
		return pk
	}
}

func TestSecretKeyFromBytes(t *testing.T) {
	var zero, order, below [32]byte
	curveOrder.FillBytes(order[:])
	new(big.Int).Sub(curveOrder, big.NewInt(1)).FillBytes(below[:])
	for _, tc := range []struct {
		name string
		b    [32]byte
		ok   bool
	}{
		{"zero", zero, false},
		{"order", order, false},
		{"order-1", below, true},
	} {
		_, err := SecretKeyFromBytes(tc.b)
		if (err == nil) != tc.ok {
			t.Errorf("%s: err = %v, want ok=%v", tc.name, err, tc.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalidSecretKey) {
			t.Errorf("%s: err = %v does not wrap ErrInvalidSecretKey", tc.name, err)
		}
	}
}

func TestSignVerify(t *testing.T) {
	sk, other := testKey(1), testKey(2)
	pk, otherPk := sk.PublicKey().Bytes(), other.PublicKey().Bytes()
	msg := testMessage(1)
	sig := Sign(sk, msg)

	tampered := sig
	copy(tampered[92:], []byte{0xff, 0xff, 0xff, 0xff})
	flipped := sig
	flipped[10] ^= 1

	for _, tc := range []struct {
		name string
		pk   Pubkey
		msg  [32]byte
		sig  Signature
		want bool
	}{
		{"valid", pk, msg, sig, true},
		{"wrong message", pk, testMessage(2), sig, false},
		{"wrong pubkey", otherPk, msg, sig, false},
		{"tampered signature", pk, msg, tampered, false},
		{"flipped bit", pk, msg, flipped, false},
		{"infinity pubkey and signature", Pubkey{0xc0}, msg, Signature{0xc0}, false},
		{"zero signature", pk, msg, Signature{}, false},
	} {
		if got := Verify(tc.pk, tc.msg, tc.sig); got != tc.want {
			t.Errorf("%s: Verify = %v, want %v", tc.name, got, tc.want)
		}
	}
	if Sign(sk, msg) != sig {
		t.Error("Sign is not deterministic")
	}
}

func TestKeyValidate(t *testing.T) {
	valid := testKey(3).PublicKey().Bytes()

	var atModulus Pubkey
	fieldModulus.FillBytes(atModulus[:])
	atModulus[0] |= 0x80
	uncompressedFlag := valid
	uncompressedFlag[0] &^= 0x80
	infinityWithBits := Pubkey{0xc0, 0x01}
	offSubgroup := offSubgroupG1()

	for _, tc := range []struct {
		name string
		pk   Pubkey
		want bool
	}{
		{"valid", valid, true},
		{"infinity", Pubkey{0xc0}, false},
		{"x equal to modulus", atModulus, false},
		{"compression flag clear", uncompressedFlag, false},
		{"infinity with x bits", infinityWithBits, false},
		{"not in G1", offSubgroup, false},
		{"zero bytes", Pubkey{}, false},
	} {
		if got := KeyValidate(tc.pk); got != tc.want {
			t.Errorf("%s: KeyValidate = %v, want %v", tc.name, got, tc.want)
		}
		_, err := PublicKeyFromBytes(tc.pk)
		if !tc.want && !errors.Is(err, ErrInvalidPubkey) {
			t.Errorf("%s: PublicKeyFromBytes err = %v, want ErrInvalidPubkey", tc.name, err)
		}
	}
	if _, err := AggregatePKs([]Pubkey{offSubgroup}); !errors.Is(err, ErrInvalidPubkey) {
		t.Errorf("AggregatePKs(not in G1): err = %v, want ErrInvalidPubkey", err)
	}
	pk, err := PublicKeyFromBytes(valid)
	if err != nil || pk.Bytes() != valid {
		t.Errorf("PublicKeyFromBytes round trip: %v", err)
	}
}

// TestAggregateLinearity checks aggregation against arithmetic on the
// secret keys: the sum of signatures over one message is the signature of
// the summed key, and the sum of public keys is the summed key's public key.
func TestAggregateLinearity(t *testing.T) {
	msg := testMessage(7)
	sum := new(big.Int)
	var pks []Pubkey
	var sigs []Signature
	for i := 0; i < 5; i++ {
		s := testScalar(10 + i)
		sum.Add(sum, s)
		sk := keyFromScalar(s)
		pks = append(pks, sk.PublicKey().Bytes())
		sigs = append(sigs, Sign(sk, msg))
	}
	sum.Mod(sum, curveOrder)
	summed := keyFromScalar(sum)

	agg, err := Aggregate(sigs)
	if err != nil {
		t.Fatal(err)
	}
	if want := Sign(summed, msg); agg != want {
		t.Errorf("Aggregate = %x, want %x", agg[:8], want[:8])
	}
	aggPk, err := AggregatePKs(pks)
	if err != nil {
		t.Fatal(err)
	}
	if want := summed.PublicKey().Bytes(); aggPk != want {
		t.Errorf("AggregatePKs = %x, want %x", aggPk[:8], want[:8])
	}
	ethPk, err := EthAggregatePubkeys(pks)
	if err != nil || ethPk != aggPk {
		t.Errorf("EthAggregatePubkeys = %x, %v; want %x", ethPk[:8], err, aggPk[:8])
	}
	if !FastAggregateVerify(pks, msg, agg) {
		t.Error("FastAggregateVerify rejected a valid aggregate")
	}
	if FastAggregateVerify(pks[:4], msg, agg) {
		t.Error("FastAggregateVerify accepted a missing key")
	}
	if FastAggregateVerify(append(pks[:5:5], testKey(99).PublicKey().Bytes()), msg, agg) {
		t.Error("FastAggregateVerify accepted an extra key")
	}
	if FastAggregateVerify(append(pks[:5:5], Pubkey{0xc0}), msg, agg) {
		t.Error("FastAggregateVerify accepted an infinity key")
	}
	if FastAggregateVerify(pks, testMessage(8), agg) {
		t.Error("FastAggregateVerify accepted the wrong message")
	}

	// The negated key cancels its original: the keys sum to the identity,
	// and a signature by both is the identity signature, which must not
	// verify.
	negSk := keyFromScalar(new(big.Int).Sub(curveOrder, testScalar(10)))
	cancel := []Pubkey{pks[0], negSk.PublicKey().Bytes()}
	if pk, err := AggregatePKs(cancel); err != nil || pk != (Pubkey{0xc0}) {
		t.Errorf("AggregatePKs(pk, -pk) = %x, %v; want identity", pk[:2], err)
	}
	if FastAggregateVerify(cancel, msg, Signature{0xc0}) {
		t.Error("FastAggregateVerify accepted keys summing to the identity")
	}
}

func TestAggregateEdges(t *testing.T) {
	if _, err := Aggregate(nil); !errors.Is(err, ErrNoInput) {
		t.Errorf("Aggregate(nil): err = %v, want ErrNoInput", err)
	}
	sig := Sign(testKey(4), testMessage(4))
	if got, err := Aggregate([]Signature{sig}); err != nil || got != sig {
		t.Errorf("Aggregate of one signature = %x, %v", got[:8], err)
	}
	if got, err := Aggregate([]Signature{{0xc0}}); err != nil || got != (Signature{0xc0}) {
		t.Errorf("Aggregate(infinity) = %x, %v", got[:8], err)
	}
	bad := sig
	bad[0] &^= 0x80
	if _, err := Aggregate([]Signature{sig, bad}); !errors.Is(err, ErrInvalidSignature) {
		t.Errorf("Aggregate with a bad signature: err = %v", err)
	}
	if _, err := AggregatePKs(nil); !errors.Is(err, ErrNoInput) {
		t.Errorf("AggregatePKs(nil): err = %v", err)
	}
	if _, err := AggregatePKs([]Pubkey{{0xc0}}); !errors.Is(err, ErrInvalidPubkey) {
		t.Errorf("AggregatePKs(infinity): err = %v, want ErrInvalidPubkey", err)
	}
	if _, err := EthAggregatePubkeys([]Pubkey{{0xc0}}); !errors.Is(err, ErrInvalidPubkey) {
		t.Errorf("EthAggregatePubkeys(infinity): err = %v, want ErrInvalidPubkey", err)
	}
	if _, err := EthAggregatePubkeys(nil); !errors.Is(err, ErrNoInput) {
		t.Errorf("EthAggregatePubkeys(nil): err = %v", err)
	}
}

func TestAggregateVerify(t *testing.T) {
	var pks []Pubkey
	var msgs [][32]byte
	var sigs []Signature
	for i := 0; i < 4; i++ {
		sk := testKey(20 + i)
		pks = append(pks, sk.PublicKey().Bytes())
		msgs = append(msgs, testMessage(20+i))
		sigs = append(sigs, Sign(sk, msgs[i]))
	}
	// Proof of possession allows a repeated message.
	sk := testKey(30)
	pks = append(pks, sk.PublicKey().Bytes())
	msgs = append(msgs, msgs[0])
	sigs = append(sigs, Sign(sk, msgs[0]))
	agg, err := Aggregate(sigs)
	if err != nil {
		t.Fatal(err)
	}
	if !AggregateVerify(pks, msgs, agg) {
		t.Error("AggregateVerify rejected a valid aggregate")
	}
	swapped := append([][32]byte(nil), msgs...)
	swapped[1], swapped[2] = swapped[2], swapped[1]
	if AggregateVerify(pks, swapped, agg) {
		t.Error("AggregateVerify accepted swapped messages")
	}
	if AggregateVerify(pks[:4], msgs[:4], agg) {
		t.Error("AggregateVerify accepted a missing pair")
	}
	if AggregateVerify(pks, msgs[:4], agg) {
		t.Error("AggregateVerify accepted mismatched lengths")
	}
	if AggregateVerify(nil, nil, Signature{0xc0}) {
		t.Error("AggregateVerify accepted no keys")
	}
	if AggregateVerify(append(pks[:5:5], Pubkey{0xc0}), append(msgs[:5:5], testMessage(0)), agg) {
		t.Error("AggregateVerify accepted an infinity key")
	}
}

func TestEthFastAggregateVerify(t *testing.T) {
	msg := testMessage(40)
	sk := testKey(40)
	pk := sk.PublicKey().Bytes()
	sig := Sign(sk, msg)
	for _, tc := range []struct {
		name string
		pks  []Pubkey
		sig  Signature
		want bool
	}{
		{"no keys, infinity signature", nil, Signature{0xc0}, true},
		{"no keys, zero signature", nil, Signature{}, false},
		{"no keys, real signature", nil, sig, false},
		{"one key", []Pubkey{pk}, sig, true},
		{"one key, infinity signature", []Pubkey{pk}, Signature{0xc0}, false},
	} {
		if got := EthFastAggregateVerify(tc.pks, msg, tc.sig); got != tc.want {
			t.Errorf("%s: EthFastAggregateVerify = %v, want %v", tc.name, got, tc.want)
		}
	}
	if FastAggregateVerify(nil, msg, Signature{0xc0}) {
		t.Error("FastAggregateVerify accepted no keys with the infinity signature")
	}
}

// TestHashToG2 checks the hash against the BLS12381G2_XMD:SHA-256_SSWU_RO_
// vectors of RFC 9380, appendix J.10.1.
func TestHashToG2(t *testing.T) {
	const tag = "QUUX-V01-CS02-with-BLS12381G2_XMD:SHA-256_SSWU_RO_"
	for _, tc := range []struct {
		msg            string
		x0, x1, y0, y1 string
	}{
		{
			"",
			"0141ebfbdca40eb85b87142e130ab689c673cf60f1a3e98d69335266f30d9b8d4ac44c1038e9dcdd5393faf5c41fb78a",
			"05cb8437535e20ecffaef7752baddf98034139c38452458baeefab379ba13dff5bf5dd71b72418717047f5b0f37da03d",
			"0503921d7f6a12805e72940b963c0cf3471c7b2a524950ca195d11062ee75ec076daf2d4bc358c4b190c0c98064fdd92",
			"12424ac32561493f3fe3c260708a12b7c620e7be00099a974e259ddc7d1f6395c3c811cdd19f1e8dbf3e9ecfdcbab8d6",
		},
		{
			"abc",
			"02c2d18e033b960562aae3cab37a27ce00d80ccd5ba4b7fe0e7a210245129dbec7780ccc7954725f4168aff2787776e6",
			"139cddbccdc5e91b9623efd38c49f81a6f83f175e80b06fc374de9eb4b41dfe4ca3a230ed250fbe3a2acf73a41177fd8",
			"1787327b68159716a37440985269cf584bcb1e621d3a7202be6ea05c4cfe244aeb197642555a0645fb87bf7466b2ba48",
			"00aa65dae3c8d732d10ecd2c50f8a1baf3001578f71c694e03866e9f3d49ac1e1ce70dd94a733534f106d4cec0eddd16",
		},
	} {
		x, y := HashToG2([]byte(tc.msg), []byte(tag))
		for _, c := range []struct {
			name string
			got  []byte
			want string
		}{{"x.c0", x[0][:], tc.x0}, {"x.c1", x[1][:], tc.x1}, {"y.c0", y[0][:], tc.y0}, {"y.c1", y[1][:], tc.y1}} {
			if !bytes.Equal(c.got, mustHex(t, c.want)) {
				t.Errorf("HashToG2(%q) %s = %x, want %s", tc.msg, c.name, c.got, c.want)
			}
		}
	}
}

// TestManyKeys runs the key checks on lists long enough to be split
// across goroutines.
func TestManyKeys(t *testing.T) {
	const n = 3 * parallelKeys
	msg := testMessage(60)
	sum := new(big.Int)
	pks := make([]Pubkey, n)
	for i := range pks {
		s := testScalar(600 + i)
		sum.Add(sum, s)
		pks[i] = keyFromScalar(s).PublicKey().Bytes()
	}
	summed := keyFromScalar(sum.Mod(sum, curveOrder))
	sig := Sign(summed, msg)
	if !FastAggregateVerify(pks, msg, sig) {
		t.Error("FastAggregateVerify rejected a valid aggregate of many keys")
	}
	if got, err := EthAggregatePubkeys(pks); err != nil || got != summed.PublicKey().Bytes() {
		t.Errorf("EthAggregatePubkeys of many keys = %x, %v", got[:8], err)
	}
	for _, bad := range []int{0, n / 2, n - 1} {
		broken := slices.Clone(pks)
		broken[bad] = Pubkey{0xc0}
		broken[n-1-bad/2] = offSubgroupG1() // a later bad key must not be the one reported
		if bad == n-1 {
			broken[n-1-bad/2] = pks[n-1-bad/2]
		}
		if FastAggregateVerify(broken, msg, sig) {
			t.Errorf("FastAggregateVerify accepted an invalid key at %d", bad)
		}
		_, err := EthAggregatePubkeys(broken)
		if !errors.Is(err, ErrInvalidPubkey) || !strings.Contains(err.Error(), fmt.Sprintf("pubkey %d:", bad)) {
			t.Errorf("invalid key at %d: err = %v", bad, err)
		}
	}
}
