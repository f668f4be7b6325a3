package spectest

// Handlers for the bls runner (tests/general/<fork>/bls/<handler>/bls/).
// The formats are described in the consensus-specs repository under
// tests/formats/bls/, and for batch_verify, deserialization_G1,
// deserialization_G2 and hash_to_G2 in the ethereum/bls12-381-tests
// repository under formats/, whose generator the general BLS vectors come
// from. Every case is one data.yaml with an input and an output; an output
// of null means the operation must fail.
//
// Inputs that cannot be what the operation takes (a key of the wrong
// length, bad hex) make the operation fail, as the vectors expect: such
// inputs are part of what they test.

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/quetzal-eth/quetzal/spec/bls"
	"gopkg.in/yaml.v3"
)

func init() {
	Register("bls", "sign", blsSign)
	Register("bls", "verify", blsVerify)
	Register("bls", "aggregate", blsAggregate)
	Register("bls", "aggregate_verify", blsAggregateVerify)
	Register("bls", "fast_aggregate_verify", blsFastAggregateVerify(bls.FastAggregateVerify))
	Register("bls", "eth_fast_aggregate_verify", blsFastAggregateVerify(bls.EthFastAggregateVerify))
	Register("bls", "eth_aggregate_pubkeys", blsEthAggregatePubkeys)
	Register("bls", "batch_verify", blsBatchVerify)
	Register("bls", "deserialization_G1", blsDeserializationG1)
	Register("bls", "deserialization_G2", blsDeserializationG2)
	Register("bls", "hash_to_G2", blsHashToG2)
}

// blsCase is the layout of every bls data.yaml. Output stays a node
// because, depending on the handler and the case, it is a bool, a hex
// string, a mapping or null.
type blsCase[I any] struct {
	Input  I         `yaml:"input"`
	Output yaml.Node `yaml:"output"`
}

func readBLSCase[I any](c *Case) (I, *yaml.Node, error) {
	var d blsCase[I]
	if err := c.ReadYAML("data", &d); err != nil {
		return d.Input, nil, err
	}
	if d.Output.Kind == 0 {
		return d.Input, nil, errors.New("data.yaml: no output")
	}
	return d.Input, &d.Output, nil
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// checkBool compares the result of a check with the expected output; a
// null output means the check must fail.
func checkBool(op string, got bool, out *yaml.Node) error {
	want := false
	if !isNull(out) {
		if err := out.Decode(&want); err != nil {
			return fmt.Errorf("data.yaml: output: %w", err)
		}
	}
	if got != want {
		return fmt.Errorf("%s returned %v, want %v", op, got, want)
	}
	return nil
}

// checkBytes compares the result of an operation that produces bytes with
// the expected hex output, or with failure when the output is null.
func checkBytes(op string, got []byte, opErr error, out *yaml.Node) error {
	if isNull(out) {
		if opErr == nil {
			return fmt.Errorf("%s returned 0x%x, want failure", op, got)
		}
		return nil
	}
	var s string
	if err := out.Decode(&s); err != nil {
		return fmt.Errorf("data.yaml: output: %w", err)
	}
	want, err := decodeHex(s)
	if err != nil {
		return fmt.Errorf("data.yaml: output: %w", err)
	}
	if opErr != nil {
		return fmt.Errorf("%s failed (%v), want 0x%x", op, opErr, want)
	}
	if string(got) != string(want) {
		return fmt.Errorf("%s returned 0x%x, want 0x%x", op, got, want)
	}
	return nil
}

func decodeHex(s string) ([]byte, error) {
	return hex.DecodeString(strings.TrimPrefix(s, "0x"))
}

// errBadInput makes an operation fail on an input that is not of its type.
var errBadInput = errors.New("input cannot be decoded")

// decodeFixed fills dst from hex of exactly its length.
func decodeFixed(dst []byte, s string) error {
	b, err := decodeHex(s)
	if err != nil {
		return fmt.Errorf("%w: %v", errBadInput, err)
	}
	if len(b) != len(dst) {
		return fmt.Errorf("%w: %d bytes, want %d", errBadInput, len(b), len(dst))
	}
	copy(dst, b)
	return nil
}

func decodePubkey(s string) (pk bls.Pubkey, err error) {
	return pk, decodeFixed(pk[:], s)
}

func decodeSignature(s string) (sig bls.Signature, err error) {
	return sig, decodeFixed(sig[:], s)
}

func decodeList[T any](ss []string, decode func(string) (T, error)) ([]T, error) {
	out := make([]T, len(ss))
	for i, s := range ss {
		v, err := decode(s)
		if err != nil {
			return nil, fmt.Errorf("item %d: %w", i, err)
		}
		out[i] = v
	}
	return out, nil
}

// decodeMessage reads a message. The package signs 32-byte roots, which is
// all the consensus specs sign; another length is a case we cannot run,
// not a failure of the operation.
func decodeMessage(s string) ([32]byte, error) {
	b, err := decodeHex(s)
	if err != nil {
		return [32]byte{}, fmt.Errorf("data.yaml: message: %w", err)
	}
	if len(b) != 32 {
		return [32]byte{}, fmt.Errorf("%d-byte message: %w", len(b), ErrNotImplemented)
	}
	return [32]byte(b), nil
}

func blsSign(c *Case) error {
	in, out, err := readBLSCase[struct {
		Privkey string `yaml:"privkey"`
		Message string `yaml:"message"`
	}](c)
	if err != nil {
		return err
	}
	msg, err := decodeMessage(in.Message)
	if err != nil {
		return err
	}
	sig, signErr := func() (bls.Signature, error) {
		// The generator writes the key as a minimal big-endian integer.
		b, err := decodeHex(in.Privkey)
		if err != nil || len(b) > bls.SecretKeySize {
			return bls.Signature{}, errBadInput
		}
		var raw [bls.SecretKeySize]byte
		copy(raw[bls.SecretKeySize-len(b):], b)
		sk, err := bls.SecretKeyFromBytes(raw)
		if err != nil {
			return bls.Signature{}, err
		}
		return bls.Sign(sk, msg), nil
	}()
	return checkBytes("Sign", sig[:], signErr, out)
}

func blsVerify(c *Case) error {
	in, out, err := readBLSCase[struct {
		Pubkey    string `yaml:"pubkey"`
		Message   string `yaml:"message"`
		Signature string `yaml:"signature"`
	}](c)
	if err != nil {
		return err
	}
	msg, err := decodeMessage(in.Message)
	if err != nil {
		return err
	}
	pk, err1 := decodePubkey(in.Pubkey)
	sig, err2 := decodeSignature(in.Signature)
	got := err1 == nil && err2 == nil && bls.Verify(pk, msg, sig)
	return checkBool("Verify", got, out)
}

func blsAggregate(c *Case) error {
	in, out, err := readBLSCase[[]string](c)
	if err != nil {
		return err
	}
	agg, aggErr := func() (bls.Signature, error) {
		sigs, err := decodeList(in, decodeSignature)
		if err != nil {
			return bls.Signature{}, err
		}
		return bls.Aggregate(sigs)
	}()
	return checkBytes("Aggregate", agg[:], aggErr, out)
}

func blsAggregateVerify(c *Case) error {
	in, out, err := readBLSCase[struct {
		Pubkeys   []string `yaml:"pubkeys"`
		Messages  []string `yaml:"messages"`
		Signature string   `yaml:"signature"`
	}](c)
	if err != nil {
		return err
	}
	msgs := make([][32]byte, len(in.Messages))
	for i, m := range in.Messages {
		if msgs[i], err = decodeMessage(m); err != nil {
			return err
		}
	}
	pks, err1 := decodeList(in.Pubkeys, decodePubkey)
	sig, err2 := decodeSignature(in.Signature)
	got := err1 == nil && err2 == nil && bls.AggregateVerify(pks, msgs, sig)
	return checkBool("AggregateVerify", got, out)
}

// blsFastAggregateVerify serves fast_aggregate_verify and
// eth_fast_aggregate_verify, which share a format.
func blsFastAggregateVerify(verify func([]bls.Pubkey, [32]byte, bls.Signature) bool) Handler {
	return func(c *Case) error {
		in, out, err := readBLSCase[struct {
			Pubkeys   []string `yaml:"pubkeys"`
			Message   string   `yaml:"message"`
			Signature string   `yaml:"signature"`
		}](c)
		if err != nil {
			return err
		}
		msg, err := decodeMessage(in.Message)
		if err != nil {
			return err
		}
		pks, err1 := decodeList(in.Pubkeys, decodePubkey)
		sig, err2 := decodeSignature(in.Signature)
		got := err1 == nil && err2 == nil && verify(pks, msg, sig)
		return checkBool(c.Handler, got, out)
	}
}

func blsEthAggregatePubkeys(c *Case) error {
	in, out, err := readBLSCase[[]string](c)
	if err != nil {
		return err
	}
	agg, aggErr := func() (bls.Pubkey, error) {
		pks, err := decodeList(in, decodePubkey)
		if err != nil {
			return bls.Pubkey{}, err
		}
		return bls.EthAggregatePubkeys(pks)
	}()
	return checkBytes("EthAggregatePubkeys", agg[:], aggErr, out)
}

// blsBatchVerify checks that all (pubkeys[i], messages[i], signatures[i])
// hold, through BatchVerify with one key per set.
func blsBatchVerify(c *Case) error {
	in, out, err := readBLSCase[struct {
		Pubkeys    []string `yaml:"pubkeys"`
		Messages   []string `yaml:"messages"`
		Signatures []string `yaml:"signatures"`
	}](c)
	if err != nil {
		return err
	}
	msgs := make([][32]byte, len(in.Messages))
	for i, m := range in.Messages {
		if msgs[i], err = decodeMessage(m); err != nil {
			return err
		}
	}
	got := func() bool {
		if len(in.Pubkeys) != len(msgs) || len(in.Signatures) != len(msgs) {
			return false
		}
		sets := make([]bls.SignatureSet, len(msgs))
		for i := range sets {
			raw, err := decodePubkey(in.Pubkeys[i])
			if err != nil {
				return false
			}
			pk, err := bls.PublicKeyFromBytes(raw)
			if err != nil {
				return false
			}
			sig, err := decodeSignature(in.Signatures[i])
			if err != nil {
				return false
			}
			sets[i] = bls.SignatureSet{Pubkeys: []*bls.PublicKey{pk}, Message: msgs[i], Signature: sig}
		}
		return bls.BatchVerify(sets) == nil
	}()
	return checkBool("BatchVerify", got, out)
}

// blsDeserializationG1 checks that a public key decodes to a point in G1.
// Unlike KeyValidate, the identity decodes; and since the identity is the
// only point of G1 that KeyValidate refuses, and c0 00..00 its only
// encoding, a key decodes exactly when it is that encoding or passes
// KeyValidate.
func blsDeserializationG1(c *Case) error {
	in, out, err := readBLSCase[struct {
		Pubkey string `yaml:"pubkey"`
	}](c)
	if err != nil {
		return err
	}
	pk, err := decodePubkey(in.Pubkey)
	got := err == nil && (pk == bls.Pubkey{0xc0} || bls.KeyValidate(pk))
	return checkBool("deserialize G1", got, out)
}

// blsDeserializationG2 checks that a signature decodes to a point in G2
// (the identity included); Aggregate of one signature does exactly that
// decoding.
func blsDeserializationG2(c *Case) error {
	in, out, err := readBLSCase[struct {
		Signature string `yaml:"signature"`
	}](c)
	if err != nil {
		return err
	}
	sig, err := decodeSignature(in.Signature)
	if err == nil {
		_, err = bls.Aggregate([]bls.Signature{sig})
	}
	return checkBool("deserialize G2", err == nil, out)
}

// hashToG2DST is the tag the hash_to_G2 vectors use: that of the RFC 9380
// test vectors they are taken from, not the signature ciphersuite's.
const hashToG2DST = "QUUX-V01-CS02-with-BLS12381G2_XMD:SHA-256_SSWU_RO_"

// blsHashToG2 checks hash_to_curve. The input message is text, and each
// output coordinate is "0x<c0>,0x<c1>", an Fp2 element c0 + c1*u.
func blsHashToG2(c *Case) error {
	in, out, err := readBLSCase[struct {
		Msg string `yaml:"msg"`
	}](c)
	if err != nil {
		return err
	}
	var want struct {
		X string `yaml:"x"`
		Y string `yaml:"y"`
	}
	if err := out.Decode(&want); err != nil {
		return fmt.Errorf("data.yaml: output: %w", err)
	}
	x, y := bls.HashToG2([]byte(in.Msg), []byte(hashToG2DST))
	for _, coord := range []struct {
		name string
		got  [2][48]byte
		want string
	}{{"x", x, want.X}, {"y", y, want.Y}} {
		parts := strings.Split(coord.want, ",")
		if len(parts) != 2 {
			return fmt.Errorf("data.yaml: output %s: %q is not two comma-separated elements", coord.name, coord.want)
		}
		for i, part := range parts {
			w, err := decodeHex(strings.TrimSpace(part))
			if err != nil || len(w) > 48 {
				return fmt.Errorf("data.yaml: output %s: bad field element %q", coord.name, part)
			}
			w = append(make([]byte, 48-len(w)), w...) // tolerate stripped leading zeros
			if string(coord.got[i][:]) != string(w) {
				return fmt.Errorf("hash_to_G2(%q): %s.c%d = 0x%x, want 0x%x", in.Msg, coord.name, i, coord.got[i], w)
			}
		}
	}
	return nil
}
