package spectest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/golang/snappy"

	"github.com/quetzal-eth/quetzal/spec"
	"github.com/quetzal-eth/quetzal/ssz"
)

// gossipCase writes a gossip_voluntary_exit case of the minimal phase0
// interop genesis, with its anchor block and an exit by validator 3
// (rejected: the validator has not been active long enough), and the given
// meta.yaml, in which ANCHOR and EXIT name those files.
func gossipCase(t *testing.T, meta string) *Case {
	t.Helper()
	s := spec.Minimal()
	st, err := s.InteropGenesis(64, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	stateRoot, err := s.StateRoot(st)
	if err != nil {
		t.Fatal(err)
	}
	anchor := &spec.SignedBeaconBlock{Message: spec.BeaconBlock{StateRoot: stateRoot}}
	exit := &spec.SignedVoluntaryExit{Message: spec.VoluntaryExit{ValidatorIndex: 3}}
	dir := filepath.Join(t.TempDir(), "case")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	files := []struct {
		name string
		obj  ssz.Object
	}{{"state", st}, {"block_anchor", anchor}, {"voluntary_exit_3", exit}}
	for _, f := range files {
		data, err := spec.Marshal(s.Schema(spec.Phase0), f.obj)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f.name+".ssz_snappy"), snappy.Encode(nil, data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	meta = strings.NewReplacer("ANCHOR", "block_anchor", "EXIT", "voluntary_exit_3").Replace(meta)
	if err := os.WriteFile(filepath.Join(dir, "meta.yaml"), []byte(meta), 0o644); err != nil {
		t.Fatal(err)
	}
	return &Case{Preset: "minimal", Fork: "phase0", Runner: "networking", Handler: "gossip_voluntary_exit",
		Suite: "pyspec_tests", Name: "synthetic", Dir: dir}
}

// The runner passes a case whose outcomes are the expected ones, and fails
// one with another outcome or a meta.yaml it would misread.
func TestGossipRunner(t *testing.T) {
	const head = "topic: voluntary_exit\nblocks:\n- {block: ANCHOR}\n"
	tests := []struct {
		name string
		meta string
		want string // in the error; empty: the case passes
	}{
		{"expected reject", head + "messages:\n- {current_time_ms: 0, message: EXIT, expected: reject, reason: too young}\n", ""},
		{"offset from the case's time", head + "current_time_ms: 6000\nmessages:\n- {offset_ms: 100, message: EXIT, expected: reject}\n", ""},
		{"finalized checkpoint set", head + "finalized_checkpoint: {epoch: 0, block: ANCHOR}\nmessages:\n- {current_time_ms: 0, message: EXIT, expected: reject}\n", ""},
		{"wrong outcome", head + "messages:\n- {current_time_ms: 0, message: EXIT, expected: valid}\n", "got reject: validator 3 has not been active long enough, want valid"},
		{"wrong outcome with reason", head + "messages:\n- {current_time_ms: 0, message: EXIT, expected: ignore, reason: r}\n", "want ignore (r)"},
		{"unknown expected", head + "messages:\n- {current_time_ms: 0, message: EXIT, expected: accept}\n", `expected "accept"`},
		{"wrong topic", "topic: beacon_block\nblocks:\n- {block: ANCHOR}\nmessages: []\n", `topic "beacon_block"`},
		{"unknown field", head + "payload_statuses: {}\nmessages: []\n", "unknown field payload_statuses"},
		{"unknown message field", head + "messages:\n- {current_time_ms: 0, message: EXIT, expected: reject, topic_id: 1}\n", "unknown field topic_id"},
		{"unknown block field", "topic: voluntary_exit\nblocks:\n- {block: ANCHOR, builder: 1}\nmessages: []\n", "unknown field builder"},
		{"failed anchor", "topic: voluntary_exit\nblocks:\n- {block: ANCHOR, failed: true}\nmessages: []\n", "anchor block"},
		{"no anchor", "topic: voluntary_exit\nmessages: []\n", "no anchor"},
		{"checkpoint with root and block", head + "finalized_checkpoint: {epoch: 0, block: ANCHOR, root: '0x0000000000000000000000000000000000000000000000000000000000000000'}\nmessages: []\n", "one of root and block"},
		{"missing message", head + "messages:\n- {current_time_ms: 0, message: voluntary_exit_4, expected: reject}\n", "voluntary_exit_4"},
		{"bad payload status", "topic: voluntary_exit\nblocks:\n- {block: ANCHOR, payload_status: SYNCING}\nmessages: []\n", `payload_status "SYNCING"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := runGossip(gossipCase(t, tt.meta))
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("failed: %v", err)
			case tt.want != "" && err == nil:
				t.Fatalf("passed, want an error with %q", tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Fatalf("error %q does not say %q", err, tt.want)
			}
		})
	}
}
