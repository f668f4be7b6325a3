package spectest

import (
	"os"
	"path/filepath"
	"testing"
)

// networkingCaseDir writes meta.yaml into a new case directory of the
// networking runner.
func networkingCaseDir(t *testing.T, handler, meta string) *Case {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "tests", "minimal", "fulu", "networking", handler, "pyspec_tests", "case")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "meta.yaml"), []byte(meta), 0o644); err != nil {
		t.Fatal(err)
	}
	return &Case{Preset: "minimal", Fork: "fulu", Runner: "networking", Handler: handler,
		Suite: "pyspec_tests", Name: "case", Dir: dir}
}

// The results are those of the official vectors of consensus-spec-tests
// v1.7.0-beta.4 (minimal/fulu/networking).
func TestCustodyHandlers(t *testing.T) {
	const maxID = "115792089237316195423570985008687907853269984665640564039457584007913129639935"
	for _, tc := range []struct {
		handler, meta string
		ok            bool
	}{
		{"get_custody_groups", "node_id: 1048576\ncustody_group_count: 1\nresult: [65]\n", true},
		{"get_custody_groups", "node_id: 1048576\ncustody_group_count: 1\nresult: [64]\n", false},
		{"get_custody_groups", "node_id:\n  " + maxID + "\ncustody_group_count: 4\nresult: [1, 47, 87, 102]\n", true},
		// 2**256 is not a node ID.
		{"get_custody_groups", "node_id: 115792089237316195423570985008687907853269984665640564039457584007913129639936\ncustody_group_count: 0\nresult: []\n", false},
		{"get_custody_groups", "node_id: 0\ncustody_group_count: 129\nresult: []\n", false},
		{"get_custody_groups", "custody_group_count: 1\nresult: [65]\n", false},
		{"compute_columns_for_custody_group", "custody_group: 127\nresult: [127]\n", true},
		{"compute_columns_for_custody_group", "custody_group: 128\nresult: []\n", false},
	} {
		h := Lookup("networking", tc.handler)
		if h == nil {
			t.Fatalf("no handler for networking/%s", tc.handler)
		}
		err := h(networkingCaseDir(t, tc.handler, tc.meta))
		if (err == nil) != tc.ok {
			t.Errorf("%s with %q: err = %v, want ok=%v", tc.handler, tc.meta, err, tc.ok)
		}
	}
}
