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

// forkChoiceCase writes a fork_choice case anchored at a minimal phase0
// interop genesis with the given steps.yaml, and returns it with the
// anchor block's root.
func forkChoiceCase(t *testing.T, steps string) (*Case, spec.Root) {
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
	block := &spec.BeaconBlock{StateRoot: stateRoot}
	root, err := spec.HashTreeRoot(s.Schema(spec.Phase0), block)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	files := []struct {
		name string
		obj  ssz.Object
	}{{"anchor_state", st}, {"anchor_block", block}}
	for _, f := range files {
		data, err := spec.Marshal(s.Schema(spec.Phase0), f.obj)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f.name+".ssz_snappy"), snappy.Encode(nil, data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	steps = strings.ReplaceAll(steps, "ANCHOR", root.String())
	if err := os.WriteFile(filepath.Join(dir, "steps.yaml"), []byte(steps), 0o644); err != nil {
		t.Fatal(err)
	}
	return &Case{Preset: "minimal", Fork: "phase0", Runner: "fork_choice", Handler: "get_head", Suite: "pyspec_tests", Name: "synthetic", Dir: dir}, root
}

// The runner passes a case whose checks hold, and fails one with a wrong
// value, an unknown check or step, or an outcome other than the step's
// valid flag.
func TestForkChoiceRunner(t *testing.T) {
	const good = `
- {tick: 12}
- checks:
    time: 12
    genesis_time: 0
    head: {slot: 0, root: 'ANCHOR'}
    justified_checkpoint: {epoch: 0, root: 'ANCHOR'}
    finalized_checkpoint: {epoch: 0, root: 'ANCHOR'}
    proposer_boost_root: '0x0000000000000000000000000000000000000000000000000000000000000000'
    viable_for_head_roots_and_weights:
    - {root: 'ANCHOR', weight: 0}
`
	tests := []struct {
		name  string
		steps string
		want  string // in the error; empty: the case passes
	}{
		{"checks hold", good, ""},
		{"wrong time", "- {tick: 12}\n- checks: {time: 13}\n", "time: got 12, want 13"},
		{"wrong head", "- checks:\n    head: {slot: 1, root: 'ANCHOR'}\n", "head: got"},
		{"unknown check", "- checks: {head_payload: 1}\n", "unknown check"},
		{"unknown head field", "- checks:\n    head: {slot: 0, root: 'ANCHOR', payload_status: 1}\n", `unknown field "payload_status"`},
		{"unknown step", "- {on_payload_info: 1}\n", "unknown step"},
		{"unknown key", "- {tick: 1, extra: 2}\n", `unknown key "extra"`},
		{"valid step marked invalid", "- {tick: 6, valid: false}\n", "accepted, want rejected"},
		{"missing block", "- {block: block_0x00}\n", "block_0x00"},
		{"wrong proposer head", "- {tick: 6}\n- checks: {get_proposer_head: 'ANCHOR'}\n", "get_proposer_head"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := forkChoiceCase(t, tt.steps)
			err := runForkChoice(c)
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
