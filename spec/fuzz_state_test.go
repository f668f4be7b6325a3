package spec

import (
	"bytes"
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

// TestFuzzStateCorpus checks that the committed seed corpus is what
// FuzzDecodeBeaconState needs: files in Go's corpus format, holding states
// that decode, from every fork.
func TestFuzzStateCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzDecodeBeaconState")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[ForkName]bool{}
	sp := Minimal()
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
		if err := Unmarshal(sp.Schema(fork), data[1:], new(BeaconState)); err != nil {
			t.Errorf("%s: does not decode as a %s state: %v", e.Name(), fork, err)
			continue
		}
		seen[fork] = true
	}
	for f := Phase0; f <= LatestFork; f++ {
		if !seen[f] {
			t.Errorf("no %s state in the corpus", f)
		}
	}
}
