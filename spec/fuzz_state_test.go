package spec

import (
	"bytes"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// FuzzDecodeBeaconState decodes arbitrary bytes as a minimal-preset
// BeaconState. The first byte picks the fork (modulo the number of forks);
// the rest is the encoding. Decoding must never panic, and whatever decodes
// must re-encode to the same bytes (SSZ encodings are canonical) and hash.
// The same bytes also go through DecodeBeaconState, which picks the fork
// from the slot.
//
// The seed corpus in testdata/fuzz/FuzzDecodeBeaconState holds small states
// of every fork from the consensus-spec-tests ssz_static vectors. Inputs
// are kilobytes long, so minimizing each new one for the default minute
// stalls the run; fuzz with a short -fuzzminimizetime:
//
//	go test ./spec -run '^$' -fuzz FuzzDecodeBeaconState -fuzzminimizetime 2s
func FuzzDecodeBeaconState(f *testing.F) {
	sp := Minimal()
	scheduled := stateTestScheduleSpec()
	for fork := Phase0; fork <= LatestFork; fork++ {
		s := sp.Schema(fork)
		enc, err := Marshal(s, stateTestFill(s, uint64(fork), 2))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(append([]byte{byte(fork)}, enc...))
	}

	nForks := byte(LatestFork) + 1
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		fork := ForkName(data[0] % nForks)
		s := sp.Schema(fork)
		enc := data[1:]
		st := new(BeaconState)
		if err := Unmarshal(s, enc, st); err == nil {
			stateFuzzCheck(t, s, st, enc)
		}

		st, fork, err := scheduled.DecodeBeaconState(enc)
		if err != nil {
			return
		}
		slot, _ := BeaconStateSlot(enc)
		if want := scheduled.ForkAtSlot(slot); fork != want || st.Slot != slot {
			t.Fatalf("DecodeBeaconState: slot %d decoded as %s (slot %d), want %s", slot, fork, st.Slot, want)
		}
		stateFuzzCheck(t, scheduled.Schema(fork), st, enc)
	})
}

// stateFuzzCheck checks that a decoded state re-encodes to enc and hashes.
func stateFuzzCheck(t *testing.T, s *Schema, st *BeaconState, enc []byte) {
	t.Helper()
	if n := SizeSSZ(s, st); n != len(enc) {
		t.Fatalf("%s: decoded %d bytes, SizeSSZ says %d", s.Fork, len(enc), n)
	}
	again, err := Marshal(s, st)
	if err != nil {
		t.Fatalf("%s: re-encode: %v", s.Fork, err)
	}
	if !bytes.Equal(again, enc) {
		t.Fatalf("%s: re-encoding differs from the %d decoded bytes", s.Fork, len(enc))
	}
	if _, err := HashTreeRoot(s, st); err != nil {
		t.Fatalf("%s: hash_tree_root: %v", s.Fork, err)
	}
}

// stateCorpusRoots are the hash_tree_roots that the consensus-spec-tests
// v1.7.0-beta.4 ssz_static vectors (tests/minimal/<fork>/ssz_static/
// BeaconState/<suite>/<case>/roots.yaml) give for the states the seed
// corpus files were made from; the files are named <fork>_<suite>_<case>.
var stateCorpusRoots = map[string]string{
	"altair_ssz_random_case_12":    "0x0f9c665c957165cd4574d1aebb4e45ec2c86320cdc3e6b0bb2b10eb01fa3a815",
	"altair_ssz_zero_case_0":       "0x231c7333f6fda3059e733bdd5a04b9fee78459e30c9c900d9a024952dac6b1f1",
	"bellatrix_ssz_random_case_12": "0x4f8be726d024ba095884f4a3cd050887e80a6671fa7f5fd0f2a1bca37492db1b",
	"bellatrix_ssz_zero_case_0":    "0xb859a7983a9670b3543a5ff58c15d2fc7ec06914fb267b82463c1265b4db8db9",
	"capella_ssz_random_case_8":    "0x985518f089ec5a0655ec048f51a44d32723a81ccb5a89480cd44003c823d62fb",
	"capella_ssz_zero_case_0":      "0x752f41e2ae4b04ed421e37e47b899ebe0fbeda7ac8abf38e54dcc992b1ec4ac9",
	"deneb_ssz_random_case_8":      "0x075f066f794e7ed63412f447906a57f38dcc7043277ca3feb95dde88d36ec5c0",
	"deneb_ssz_zero_case_0":        "0xf39aa1b606fa48830f6cc6c864e7c6af0cf3b5902af22d757512aa83d3e781b1",
	"electra_ssz_random_case_10":   "0xeddd39e733844fb19b1da2608fa0fd9b3900d09b28b04e066d2a60fd62048c1c",
	"electra_ssz_zero_case_0":      "0x0b1f2467e2ea4dfa63564d47dca666934041a066dd3b06d4c88fff85ec06a294",
	"fulu_ssz_random_case_10":      "0x9a52776a122d034b6310db7599731916ebc9a91f26ccc37dd48c61aa2db45c29",
	"fulu_ssz_zero_case_0":         "0x719e0056a623b67447f671cff7a5700c82467716d9934d7dea63a0e0c42f039f",
	"phase0_ssz_random_case_10":    "0x69e176c36bbc569f0aa60191c16ac338f526ce9199f3868b62d682af1aab51c0",
	"phase0_ssz_zero_case_0":       "0xd99a2075fbb13063fdbbd64889b3552953b2bc7a2ca30210adeeb7735cac4b7c",
}

// TestFuzzStateCorpus checks that the committed seed corpus is what
// FuzzDecodeBeaconState needs: files in Go's corpus format, holding states
// that decode, from every fork. As the states come from the official
// vectors, their roots also check every fork's BeaconState layout against
// the spec's.
func TestFuzzStateCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzDecodeBeaconState")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[ForkName]bool{}
	sp := Minimal()
	roots := maps.Clone(stateCorpusRoots)
	for _, e := range entries {
		raw, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
		if len(lines) != 2 || lines[0] != "go test fuzz v1" ||
			!strings.HasPrefix(lines[1], "[]byte(") || !strings.HasSuffix(lines[1], ")") {
			t.Errorf("%s: not a one-value corpus file", e.Name())
			continue
		}
		s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"))
		if err != nil || len(s) == 0 {
			t.Errorf("%s: %v", e.Name(), err)
			continue
		}
		data := []byte(s)
		fork := ForkName(data[0] % (byte(LatestFork) + 1))
		st := new(BeaconState)
		if err := Unmarshal(sp.Schema(fork), data[1:], st); err != nil {
			t.Errorf("%s: does not decode as a %s state: %v", e.Name(), fork, err)
			continue
		}
		seen[fork] = true
		if want, ok := roots[e.Name()]; ok {
			delete(roots, e.Name())
			root, err := HashTreeRoot(sp.Schema(fork), st)
			if err != nil || root.String() != want {
				t.Errorf("%s: root %s (%v), the vectors give %s", e.Name(), root, err, want)
			}
		}
	}
	for name := range roots {
		t.Errorf("corpus file %s is missing", name)
	}
	for f := Phase0; f <= LatestFork; f++ {
		if !seen[f] {
			t.Errorf("no %s state in the corpus", f)
		}
	}
}
