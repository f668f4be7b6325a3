package spec

import (
	"bytes"
	"testing"
)

// FuzzDecodeBeaconBlock feeds arbitrary bytes to the SignedBeaconBlock
// decoder of the minimal preset. The first input byte picks the fork
// (modulo the number of forks); the rest is the encoding. Decoding must
// never panic, and whatever decodes must re-encode to the same bytes and
// hash without error: SSZ has one encoding per value, so a decoder that
// accepts two encodings of one value is wrong.
//
// The seed corpus in testdata/fuzz/FuzzDecodeBeaconBlock holds blocks of
// every fork from the consensus-spec-tests vectors (ssz_static,
// SignedBeaconBlock, minimal preset).
func FuzzDecodeBeaconBlock(f *testing.F) {
	sp := Minimal()
	for fork := Phase0; fork <= LatestFork; fork++ {
		s := sp.Schema(fork)
		enc, err := Marshal(s, blockTestSignedBlock(s, 9))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(append([]byte{byte(fork)}, enc...))
	}
	forks := int(LatestFork) + 1
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) == 0 {
			return
		}
		fork := ForkName(int(in[0]) % forks)
		s := sp.Schema(fork)
		data := in[1:]
		var b SignedBeaconBlock
		if err := Unmarshal(s, data, &b); err != nil {
			return
		}
		enc, err := Marshal(s, &b)
		if err != nil {
			t.Fatalf("%s: decoded block does not re-encode: %v", fork, err)
		}
		if !bytes.Equal(enc, data) {
			t.Fatalf("%s: re-encoding differs:\n got %x\nwant %x", fork, enc, data)
		}
		if n := SizeSSZ(s, &b); n != len(data) {
			t.Fatalf("%s: size %d, encoding %d bytes", fork, n, len(data))
		}
		if _, err := HashTreeRoot(s, &b); err != nil {
			t.Fatalf("%s: decoded block does not hash: %v", fork, err)
		}
	})
}
