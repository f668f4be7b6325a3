package spec

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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

// The committed seed corpus must hold blocks that decode, for every fork,
// or the fuzzer would start from inputs the decoder rejects at once.
func TestFuzzDecodeBeaconBlockCorpusDecodes(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzDecodeBeaconBlock", "*"))
	if err != nil {
		t.Fatal(err)
	}
	sp := Minimal()
	seen := map[ForkName]int{}
	for _, name := range files {
		raw, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
		if len(lines) != 2 || lines[0] != "go test fuzz v1" ||
			!strings.HasPrefix(lines[1], "[]byte(") || !strings.HasSuffix(lines[1], ")") {
			t.Fatalf("%s: not a one-value corpus file", name)
		}
		in, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"))
		if err != nil || len(in) == 0 {
			t.Fatalf("%s: %v", name, err)
		}
		fork := ForkName(int(in[0]) % (int(LatestFork) + 1))
		var b SignedBeaconBlock
		if err := Unmarshal(sp.Schema(fork), []byte(in[1:]), &b); err != nil {
			t.Errorf("%s: does not decode as a %s block: %v", name, fork, err)
			continue
		}
		seen[fork]++
	}
	for f := Phase0; f <= LatestFork; f++ {
		if seen[f] == 0 {
			t.Errorf("no %s block in the seed corpus", f)
		}
	}
}
