package spectest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Mappings computed by the consensus specs' own pyspec (eth-consensus-specs
// 1.7.0b4, compute_shuffled_index) for count 10.
var shufflingFixtures = []struct {
	preset  string
	seed    string
	mapping string
}{
	{"minimal", "0x0000000000000000000000000000000000000000000000000000000000000000", "[9, 5, 7, 4, 1, 3, 0, 8, 2, 6]"},
	{"mainnet", "0x0000000000000000000000000000000000000000000000000000000000000000", "[9, 7, 4, 1, 8, 0, 5, 6, 3, 2]"},
	{"minimal", "0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "[3, 8, 6, 5, 7, 9, 4, 2, 1, 0]"},
	{"mainnet", "0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "[5, 2, 3, 1, 9, 6, 7, 4, 0, 8]"},
}

// shufflingCaseDir writes mapping.yaml, in the layout of the official
// vectors, into a new case directory.
func shufflingCaseDir(t *testing.T, preset, yaml string) *Case {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "tests", preset, "phase0", "shuffling", "core", "shuffle", "shuffle_case")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "mapping.yaml"), []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return &Case{Preset: preset, Fork: "phase0", Runner: "shuffling", Handler: "core",
		Suite: "shuffle", Name: "shuffle_case", Dir: dir}
}

func TestShufflingHandler(t *testing.T) {
	h := Lookup("shuffling", "core")
	if h == nil {
		t.Fatal("no handler registered for shuffling/core")
	}
	for _, f := range shufflingFixtures {
		// The vectors quote the seed; accept it bare as well.
		for _, seed := range []string{"'" + f.seed + "'", f.seed} {
			c := shufflingCaseDir(t, f.preset, "seed: "+seed+"\ncount: 10\nmapping: "+f.mapping+"\n")
			if err := h(c); err != nil {
				t.Errorf("%s seed %s: %v", f.preset, seed, err)
			}
		}
	}

	// The official empty case.
	c := shufflingCaseDir(t, "mainnet", "seed: '"+shufflingFixtures[0].seed+"'\ncount: 0\nmapping: []\n")
	if err := h(c); err != nil {
		t.Errorf("count 0: %v", err)
	}
}

func TestShufflingHandlerFailures(t *testing.T) {
	h := Lookup("shuffling", "core")
	f := shufflingFixtures[1] // mainnet
	for _, tc := range []struct {
		name, preset, yaml, wantErr string
	}{
		// Two entries swapped: the per-index check must catch it.
		{"wrong mapping", "mainnet", "seed: '" + f.seed + "'\ncount: 10\nmapping: [9, 7, 4, 1, 8, 0, 5, 6, 2, 3]\n", "ComputeShuffledIndex(8, 10) = 3, want 2"},
		// The mainnet mapping under the minimal preset (10 rounds, not 90).
		{"other preset", "minimal", "seed: '" + f.seed + "'\ncount: 10\nmapping: " + f.mapping + "\n", "ComputeShuffledIndex"},
		{"short mapping", "mainnet", "seed: '" + f.seed + "'\ncount: 10\nmapping: [9, 7, 4]\n", "count 10 but 3"},
		{"no seed", "mainnet", "count: 0\nmapping: []\n", "seed"},
		{"bad seed", "mainnet", "seed: '0x1234'\ncount: 0\nmapping: []\n", "Root"},
		{"bad yaml", "mainnet", "seed: [\n", "mapping.yaml"},
		{"unknown preset", "general", "seed: '" + f.seed + "'\ncount: 0\nmapping: []\n", "preset"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := h(shufflingCaseDir(t, tc.preset, tc.yaml))
			if err == nil {
				t.Fatal("passed")
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %q does not mention %q", err, tc.wantErr)
			}
		})
	}
}
