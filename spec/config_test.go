package spec

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

var configTestForks = []string{"phase0", "altair", "bellatrix", "capella", "deneb", "electra", "fulu"}

func readConfigTestdata(t *testing.T, parts ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(append([]string{"testdata", "configs"}, parts...)...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// presetDocs returns the preset files of a preset, later forks' files
// included, so that LoadPreset also meets keys it does not know.
func presetDocs(t *testing.T, name string) [][]byte {
	var docs [][]byte
	for _, f := range append(configTestForks, "gloas") {
		docs = append(docs, readConfigTestdata(t, "presets", name, f+".yaml"))
	}
	return docs
}

// yamlTopKeys returns the top-level keys of a YAML mapping.
func yamlTopKeys(t *testing.T, doc []byte) map[string]bool {
	t.Helper()
	var m map[string]any
	if err := yaml.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for k := range m {
		out[k] = true
	}
	return out
}

func yamlTagsOf(v any) map[string]bool {
	out := map[string]bool{}
	for tag := range yamlFieldsByTag(reflect.TypeOf(v)) {
		out[tag] = true
	}
	return out
}

// diffConfigFields reports each field whose values differ, by YAML key.
func diffConfigFields(t *testing.T, what string, got, want any) {
	t.Helper()
	gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := 0; i < gv.NumField(); i++ {
		if !reflect.DeepEqual(gv.Field(i).Interface(), wv.Field(i).Interface()) {
			f := gv.Type().Field(i)
			t.Errorf("%s %s (%s): got %v, want %v", what, f.Name, f.Tag.Get("yaml"),
				gv.Field(i).Interface(), wv.Field(i).Interface())
		}
	}
}

func TestPresetMatchesSpecFiles(t *testing.T) {
	for _, tc := range []struct {
		name string
		want Preset
	}{{"mainnet", MainnetPreset()}, {"minimal", MinimalPreset()}} {
		t.Run(tc.name, func(t *testing.T) {
			// Loading onto an empty preset must reproduce every value.
			got, err := LoadPreset(Preset{Name: tc.name}, presetDocs(t, tc.name)...)
			if err != nil {
				t.Fatal(err)
			}
			diffConfigFields(t, "preset", got, tc.want)

			// Every key of the phase0..fulu files has a field, and every
			// field is given by those files.
			keys := map[string]bool{}
			for _, f := range configTestForks {
				for k := range yamlTopKeys(t, readConfigTestdata(t, "presets", tc.name, f+".yaml")) {
					keys[k] = true
				}
			}
			tags := yamlTagsOf(Preset{})
			for k := range keys {
				if !tags[k] {
					t.Errorf("preset key %s has no Preset field", k)
				}
			}
			for k := range tags {
				if !keys[k] {
					t.Errorf("Preset field %s is in no preset file", k)
				}
			}
		})
	}
}

// Config keys of forks after fulu, which Config deliberately leaves out.
func laterForkConfigKey(k string) bool {
	if strings.HasPrefix(k, "HEZE_") || strings.HasSuffix(k, "_GLOAS") {
		return true
	}
	switch k {
	case "MIN_BUILDER_WITHDRAWABILITY_DELAY", "PAYLOAD_DUE_BPS", "PAYLOAD_ATTESTATION_DUE_BPS",
		"INCLUSION_LIST_DUE_BPS", "CONSOLIDATION_CHURN_LIMIT_QUOTIENT", "MAX_REQUEST_PAYLOADS",
		"MAX_REQUEST_INCLUSION_LIST", "MIN_SLOTS_FOR_INCLUSION_LISTS_REQUESTS",
		"MAX_TRANSACTIONS_BYTES_PER_INCLUSION_LIST":
		return true
	}
	return false
}

func TestConfigMatchesSpecFiles(t *testing.T) {
	for _, tc := range []struct {
		name string
		want *Spec
	}{{"mainnet", Mainnet()}, {"minimal", Minimal()}} {
		t.Run(tc.name, func(t *testing.T) {
			data := readConfigTestdata(t, tc.name+".yaml")
			got, err := LoadConfig(data, tc.want.Preset)
			if err != nil {
				t.Fatal(err)
			}
			diffConfigFields(t, "config", got.Config, tc.want.Config)
			diffConfigFields(t, "preset", got.Preset, tc.want.Preset)

			keys := yamlTopKeys(t, data)
			tags := yamlTagsOf(Config{})
			for k := range keys {
				if !tags[k] && !laterForkConfigKey(k) {
					t.Errorf("config key %s has no Config field", k)
				}
			}
			for k := range tags {
				if !keys[k] {
					t.Errorf("Config field %s is not in %s.yaml", k, tc.name)
				}
			}
		})
	}
}

func TestConstructorsReturnFreshValues(t *testing.T) {
	a, b := Mainnet(), Mainnet()
	a.SlotsPerEpoch = 1
	a.BlobSchedule[0].MaxBlobsPerBlock = 1
	if b.SlotsPerEpoch != 32 || b.BlobSchedule[0].MaxBlobsPerBlock != 15 {
		t.Fatal("Mainnet() values share state")
	}
	c := b.Clone()
	c.BlobSchedule[0].MaxBlobsPerBlock = 2
	if b.BlobSchedule[0].MaxBlobsPerBlock != 15 {
		t.Fatal("Clone shares the blob schedule")
	}
	if Mainnet().SlotsPerEpoch != 32 || Minimal().SlotsPerEpoch != 8 {
		t.Fatal("presets differ from the spec")
	}
}

func TestTerminalTotalDifficulty(t *testing.T) {
	if got := Mainnet().TerminalTotalDifficultyInt().String(); got != "58750000000000000000000" {
		t.Errorf("mainnet TTD = %s", got)
	}
	// 2**256 - 2**10
	if got := Minimal().TerminalTotalDifficultyInt().Text(16); got != strings.Repeat("f", 61)+"c00" {
		t.Errorf("minimal TTD = %s", got)
	}
}

func TestLoadConfigOverrides(t *testing.T) {
	const doc = `
PRESET_BASE: "minimal"
CONFIG_NAME: 'devnet-7'
ALTAIR_FORK_EPOCH: 0
BELLATRIX_FORK_EPOCH: '2'
CAPELLA_FORK_EPOCH: 3
DENEB_FORK_EPOCH: 4
ELECTRA_FORK_EPOCH: 5
FULU_FORK_EPOCH: 10
GENESIS_FORK_VERSION: 0x10000038
DEPOSIT_CONTRACT_ADDRESS: 0x00000000219AB540356cBB839Cbe05303d7705Fa
SECONDS_PER_SLOT: 2
SOME_FUTURE_KEY: [1, 2, {a: b}]
BLOB_SCHEDULE:
  - EPOCH: 20
    MAX_BLOBS_PER_BLOCK: 12
  - EPOCH: 10  # out of order is allowed
    MAX_BLOBS_PER_BLOCK: 10
    SOME_FUTURE_FIELD: 1
`
	s, err := LoadConfig([]byte(doc), MinimalPreset())
	if err != nil {
		t.Fatal(err)
	}
	want := Minimal()
	want.ConfigName = "devnet-7"
	want.AltairForkEpoch = 0
	want.BellatrixForkEpoch = 2
	want.CapellaForkEpoch = 3
	want.DenebForkEpoch = 4
	want.ElectraForkEpoch = 5
	want.FuluForkEpoch = 10
	want.GenesisForkVersion = Version{0x10, 0x00, 0x00, 0x38}
	want.DepositContractAddress = Mainnet().DepositContractAddress
	want.SlotDurationMS = 2000
	want.BlobSchedule = []BlobScheduleEntry{{20, 12}, {10, 10}}
	diffConfigFields(t, "config", s.Config, want.Config)
}

func TestLoadConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name, doc, wantErr string
	}{
		{"not a mapping", "- a\n- b\n", "mapping"},
		{"bad yaml", "A: [1, 2\n", ""},
		{"negative", "SHARD_COMMITTEE_PERIOD: -1\n", "SHARD_COMMITTEE_PERIOD"},
		{"overflow", "SHARD_COMMITTEE_PERIOD: 18446744073709551616\n", "SHARD_COMMITTEE_PERIOD"},
		{"hex for number", "SHARD_COMMITTEE_PERIOD: 0x10\n", "SHARD_COMMITTEE_PERIOD"},
		{"empty value", "SHARD_COMMITTEE_PERIOD:\n", "SHARD_COMMITTEE_PERIOD"},
		{"list for number", "SHARD_COMMITTEE_PERIOD: [1]\n", "SHARD_COMMITTEE_PERIOD"},
		{"short version", "ALTAIR_FORK_VERSION: 0x010000\n", "ALTAIR_FORK_VERSION"},
		{"long version", "ALTAIR_FORK_VERSION: 0x0100000000\n", "ALTAIR_FORK_VERSION"},
		{"unprefixed hex", "ALTAIR_FORK_VERSION: '01000000'\n", "ALTAIR_FORK_VERSION"},
		{"bad hex", "DEPOSIT_CONTRACT_ADDRESS: 0x00000000219ab540356cBB839Cbe05303d7705Fz\n", "DEPOSIT_CONTRACT_ADDRESS"},
		{"TTD too large", "TERMINAL_TOTAL_DIFFICULTY: " + strings.Repeat("9", 80) + "\n", "TERMINAL_TOTAL_DIFFICULTY"},
		{"TTD negative", "TERMINAL_TOTAL_DIFFICULTY: -1\n", "TERMINAL_TOTAL_DIFFICULTY"},
		{"duplicate key", "GENESIS_DELAY: 1\nGENESIS_DELAY: 2\n", "twice"},
		{"preset mismatch", "PRESET_BASE: minimal\n", "PRESET_BASE"},
		{"schedule not a list", "BLOB_SCHEDULE: 3\n", "BLOB_SCHEDULE"},
		{"schedule entry incomplete", "BLOB_SCHEDULE:\n  - EPOCH: 500000\n", "BLOB_SCHEDULE"},
		{"schedule bad number", "BLOB_SCHEDULE:\n  - EPOCH: x\n    MAX_BLOBS_PER_BLOCK: 1\n", "BLOB_SCHEDULE"},
		{"schedule duplicate epoch", "BLOB_SCHEDULE:\n  - {EPOCH: 500000, MAX_BLOBS_PER_BLOCK: 1}\n  - {EPOCH: 500000, MAX_BLOBS_PER_BLOCK: 2}\n", "two entries"},
		{"schedule above limit", "BLOB_SCHEDULE:\n  - {EPOCH: 500000, MAX_BLOBS_PER_BLOCK: 4097}\n", "MAX_BLOB_COMMITMENTS_PER_BLOCK"},
		{"forks out of order", "CAPELLA_FORK_EPOCH: 200000\nDENEB_FORK_EPOCH: 199999\n", "deneb fork epoch 199999"},
		{"slot time contradiction", "SECONDS_PER_SLOT: 6\nSLOT_DURATION_MS: 12000\n", "SECONDS_PER_SLOT"},
		{"zero slot time", "SLOT_DURATION_MS: 0\n", "SLOT_DURATION_MS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadConfig([]byte(tc.doc), MainnetPreset())
			if err == nil {
				t.Fatal("accepted")
			}
			if !errors.Is(err, ErrBadConfig) {
				t.Errorf("error %v does not wrap ErrBadConfig", err)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %q does not mention %q", err, tc.wantErr)
			}
		})
	}
}

func TestLoadConfigAcceptsScheduleBeforeFulu(t *testing.T) {
	// As the light-client tests of altair configure it.
	doc := "BLOB_SCHEDULE:\n  - {EPOCH: 1, MAX_BLOBS_PER_BLOCK: 3}\n  - {EPOCH: 2, MAX_BLOBS_PER_BLOCK: 4}\n"
	s, err := LoadConfig([]byte(doc), MinimalPreset())
	if err != nil {
		t.Fatal(err)
	}
	if got := s.GetBlobParameters(2); got != (BlobParameters{2, 4}) {
		t.Errorf("GetBlobParameters(2) = %+v", got)
	}
	// Fulu is not scheduled, so these are no forks.
	if got := s.NextForkEpoch(0); got != FarFutureEpoch {
		t.Errorf("NextForkEpoch(0) = %d", got)
	}
}

func TestLoadConfigAcceptsSlotTimeForms(t *testing.T) {
	for _, doc := range []string{
		"SECONDS_PER_SLOT: 12\n",
		"SECONDS_PER_SLOT: 12\nSLOT_DURATION_MS: 12000\n",
		"SLOT_DURATION_MS: 12000\n",
		"",
	} {
		s, err := LoadConfig([]byte(doc), MainnetPreset())
		if err != nil {
			t.Fatalf("%q: %v", doc, err)
		}
		if s.SlotDurationMS != 12000 {
			t.Errorf("%q: SlotDurationMS = %d", doc, s.SlotDurationMS)
		}
	}
}

func TestLoadPresetErrors(t *testing.T) {
	for _, doc := range []string{
		"SLOTS_PER_EPOCH: many\n",
		"SLOTS_PER_EPOCH: -32\n",
		"SLOTS_PER_EPOCH: {a: 1}\n",
		"SLOTS_PER_EPOCH: 32\nSLOTS_PER_EPOCH: 32\n",
	} {
		if _, err := LoadPreset(MainnetPreset(), []byte(doc)); !errors.Is(err, ErrBadConfig) {
			t.Errorf("%q: err = %v, want ErrBadConfig", doc, err)
		}
	}
	p, err := LoadPreset(MainnetPreset(), []byte("SLOTS_PER_EPOCH: 4\nPTC_SIZE: 512\n"))
	if err != nil || p.SlotsPerEpoch != 4 || p.ShuffleRoundCount != 90 {
		t.Errorf("overlay: %+v, %v", p.SlotsPerEpoch, err)
	}
}

func TestValuesRoundTrip(t *testing.T) {
	for _, s := range []*Spec{Mainnet(), Minimal()} {
		vals := s.Values()
		if got := vals["SLOTS_PER_EPOCH"]; got != fmt.Sprint(uint64(s.SlotsPerEpoch)) {
			t.Errorf("SLOTS_PER_EPOCH = %v", got)
		}
		if got := vals["GENESIS_FORK_VERSION"]; got != s.GenesisForkVersion.String() {
			t.Errorf("GENESIS_FORK_VERSION = %v", got)
		}
		doc, err := yaml.Marshal(vals)
		if err != nil {
			t.Fatal(err)
		}
		p, err := LoadPreset(Preset{Name: s.Preset.Name}, doc)
		if err != nil {
			t.Fatal(err)
		}
		diffConfigFields(t, "preset", p, s.Preset)
		back, err := LoadConfig(doc, p)
		if err != nil {
			t.Fatal(err)
		}
		diffConfigFields(t, "config", back.Config, s.Config)
	}
	if got := Mainnet().Values()["TERMINAL_TOTAL_DIFFICULTY"]; got != "58750000000000000000000" {
		t.Errorf("TERMINAL_TOTAL_DIFFICULTY = %v", got)
	}
}

func TestLoadNetworkConfig(t *testing.T) {
	for _, name := range []string{"mainnet", "minimal"} {
		s, err := LoadNetworkConfig(readConfigTestdata(t, name+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if s.Preset.Name != name || s.PresetBase != name || s.ConfigName != name {
			t.Errorf("%s: preset %q, PRESET_BASE %q, CONFIG_NAME %q", name, s.Preset.Name, s.PresetBase, s.ConfigName)
		}
	}
	s, err := LoadNetworkConfig([]byte("CONFIG_NAME: x\n"))
	if err != nil || s.Preset.Name != "mainnet" || s.SlotsPerEpoch != 32 {
		t.Errorf("default preset: %v", err)
	}
	for _, doc := range []string{"PRESET_BASE: gnosis\n", "PRESET_BASE: [\n", "PRESET_BASE: [a]\n"} {
		if _, err := LoadNetworkConfig([]byte(doc)); !errors.Is(err, ErrBadConfig) {
			t.Errorf("%q: err = %v", doc, err)
		}
	}
}

func TestLoadCaseConfig(t *testing.T) {
	s, err := LoadConfig(readConfigTestdata(t, "case_config_fulu.yaml"), MinimalPreset())
	if err != nil {
		t.Fatal(err)
	}
	if s.ForkAtEpoch(0) != Fulu || len(s.BlobSchedule) != 2 {
		t.Fatalf("fork %s, schedule %v", s.ForkAtEpoch(0), s.BlobSchedule)
	}
	// The case of the specs' test_compute_fork_digest at epoch 100 with
	// fork version 0x06000001 and a zero genesis_validators_root.
	if got := s.ComputeForkDigest(Root{}, 100).String(); got != "0x44a571e8" {
		t.Errorf("fork digest %s, want 0x44a571e8", got)
	}
	// Keys the case leaves out keep the minimal config's values.
	if s.MaxRequestBlocks != 1024 || s.MaxBlobsPerBlock != 6 || s.GloasForkEpoch != FarFutureEpoch {
		t.Errorf("omitted keys lost their defaults")
	}
}
