package spectest

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/golang/snappy"

	"github.com/quetzal-eth/quetzal/spec"
)

// sszStaticCaseDir writes serialized.ssz_snappy and roots.yaml, in the
// layout of the official vectors, into a new case directory.
func sszStaticCaseDir(t *testing.T, preset, fork, handler string, data []byte, root string) *Case {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "tests", preset, fork, "ssz_static", handler, "ssz_random", "case_0")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "serialized.ssz_snappy"), snappy.Encode(nil, data), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "roots.yaml"), []byte("{root: '"+root+"'}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return &Case{Preset: preset, Fork: fork, Runner: "ssz_static", Handler: handler,
		Suite: "ssz_random", Name: "case_0", Dir: dir}
}

// sszStaticCheckpoint returns a Checkpoint's encoding and its root,
// computed by hand: two chunks, epoch and root, hashed together.
func sszStaticCheckpoint(epoch uint64, fill byte) (data []byte, root string) {
	var chunks [64]byte
	binary.LittleEndian.PutUint64(chunks[:8], epoch)
	for i := 32; i < 64; i++ {
		chunks[i] = fill
	}
	data = append(binary.LittleEndian.AppendUint64(nil, epoch), chunks[32:]...)
	r := sha256.Sum256(chunks[:])
	return data, spec.Root(r).String()
}

func TestSSZStaticHandler(t *testing.T) {
	h := Lookup("ssz_static", "Checkpoint")
	if h == nil {
		t.Fatal("no handler for ssz_static")
	}
	data, root := sszStaticCheckpoint(12345, 0xab)
	for _, preset := range []string{"minimal", "mainnet"} {
		for _, fork := range []string{"phase0", "fulu"} {
			if err := h(sszStaticCaseDir(t, preset, fork, "Checkpoint", data, root)); err != nil {
				t.Errorf("%s/%s: %v", preset, fork, err)
			}
		}
	}

	// A whole state, whose layout depends on preset and fork.
	for _, sp := range []*spec.Spec{spec.Minimal(), spec.Mainnet()} {
		s := sp.Schema(spec.Altair)
		st := &spec.BeaconState{
			Slot:                 99,
			BlockRoots:           make([]spec.Root, s.SlotsPerHistoricalRoot),
			StateRoots:           make([]spec.Root, s.SlotsPerHistoricalRoot),
			RandaoMixes:          make([]spec.Root, s.EpochsPerHistoricalVector),
			Slashings:            make([]spec.Gwei, s.EpochsPerSlashingsVector),
			JustificationBits:    []byte{0x05},
			CurrentSyncCommittee: spec.SyncCommittee{Pubkeys: make([]spec.BLSPubkey, s.SyncCommitteeSize)},
			NextSyncCommittee:    spec.SyncCommittee{Pubkeys: make([]spec.BLSPubkey, s.SyncCommitteeSize)},
			Validators:           []spec.Validator{{EffectiveBalance: 32e9}},
			Balances:             []spec.Gwei{32e9},
		}
		st.PreviousEpochParticipation = []spec.ParticipationFlags{7}
		st.CurrentEpochParticipation = []spec.ParticipationFlags{1}
		st.InactivityScores = []uint64{3}
		enc, err := spec.Marshal(s, st)
		if err != nil {
			t.Fatal(err)
		}
		r, err := spec.HashTreeRoot(s, st)
		if err != nil {
			t.Fatal(err)
		}
		if err := h(sszStaticCaseDir(t, sp.Name, "altair", "BeaconState", enc, r.String())); err != nil {
			t.Errorf("%s altair BeaconState: %v", sp.Name, err)
		}
		// The same bytes are not a state of the neighbouring forks.
		for _, fork := range []string{"phase0", "bellatrix"} {
			if err := h(sszStaticCaseDir(t, sp.Name, fork, "BeaconState", enc, r.String())); err == nil {
				t.Errorf("%s altair state passed as %s", sp.Name, fork)
			}
		}
	}
}

func TestSSZStaticHandlerFailures(t *testing.T) {
	h := Lookup("ssz_static", "Checkpoint")
	data, root := sszStaticCheckpoint(7, 0x11)
	_, otherRoot := sszStaticCheckpoint(8, 0x11)
	for _, tc := range []struct {
		name, preset, fork, handler string
		data                        []byte
		root, wantErr               string
		notImplemented              bool
	}{
		{"wrong root", "minimal", "phase0", "Checkpoint", data, otherRoot, "hash_tree_root", false},
		{"short", "minimal", "phase0", "Checkpoint", data[:39], root, "decode", false},
		{"trailing byte", "minimal", "phase0", "Checkpoint", append(append([]byte{}, data...), 0), root, "decode", false},
		{"bad root text", "minimal", "phase0", "Checkpoint", data, "0x12", "roots.yaml", false},
		{"unknown preset", "general", "phase0", "Checkpoint", data, root, "preset", false},
		{"not at this fork", "minimal", "phase0", "SyncCommittee", data, root, "SyncCommittee", true},
		{"unknown container", "mainnet", "fulu", "NoSuchContainer", data, root, "NoSuchContainer", true},
		{"unknown fork", "mainnet", "gloas", "Checkpoint", data, root, "gloas", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := h(sszStaticCaseDir(t, tc.preset, tc.fork, tc.handler, tc.data, tc.root))
			if err == nil {
				t.Fatal("passed")
			}
			if got := errors.Is(err, ErrNotImplemented); got != tc.notImplemented {
				t.Errorf("not implemented: %v, want %v (%v)", got, tc.notImplemented, err)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %q does not mention %q", err, tc.wantErr)
			}
		})
	}
}
