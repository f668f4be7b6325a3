package spec

import (
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"reflect"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// ErrBadConfig is wrapped by every error LoadConfig and LoadPreset return
// for malformed input.
var ErrBadConfig = errors.New("bad config")

// LoadPreset reads preset YAML documents in the format of the specs'
// presets/<name>/<fork>.yaml files and returns base with the values they
// give. Pass the per-fork files of a preset in any order; keys a document
// does not give keep base's value, and keys this package does not know
// (presets of later forks) are ignored.
func LoadPreset(base Preset, docs ...[]byte) (Preset, error) {
	p := base
	for i, doc := range docs {
		err := yamlDecodeFlat(doc, reflect.ValueOf(&p).Elem(), func(string, *yaml.Node) (bool, error) {
			return false, nil
		})
		if err != nil {
			return Preset{}, fmt.Errorf("preset document %d: %w", i, err)
		}
	}
	return p, nil
}

// LoadConfig reads a network configuration in the format of the specs'
// configs/<name>.yaml and returns it bundled with the preset base.
//
// Keys the config does not give keep the values of the matching default
// configuration (MainnetConfig for a "mainnet" base, MinimalConfig for
// "minimal"), so that configs written before a fork introduced a value
// still load; keys this package does not know are ignored. PRESET_BASE, if
// present, must name base. The deprecated SECONDS_PER_SLOT is accepted in
// place of SLOT_DURATION_MS. Malformed values and configs that break the
// rules of Validate are an error wrapping ErrBadConfig.
func LoadConfig(data []byte, base Preset) (*Spec, error) {
	var c Config
	switch base.Name {
	case "minimal":
		c = MinimalConfig()
	default:
		c = MainnetConfig()
	}
	c.PresetBase = base.Name

	var secondsPerSlot *uint64
	haveSlotDuration := false
	err := yamlDecodeFlat(data, reflect.ValueOf(&c).Elem(), func(key string, n *yaml.Node) (bool, error) {
		switch key {
		case "SLOT_DURATION_MS":
			haveSlotDuration = true
		case "SECONDS_PER_SLOT":
			v, err := yamlUint64(n)
			if err != nil {
				return true, fmt.Errorf("%w: SECONDS_PER_SLOT: %v", ErrBadConfig, err)
			}
			secondsPerSlot = &v
			return true, nil
		}
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	if secondsPerSlot != nil {
		ms := *secondsPerSlot * 1000
		if ms/1000 != *secondsPerSlot {
			return nil, fmt.Errorf("%w: SECONDS_PER_SLOT %d overflows", ErrBadConfig, *secondsPerSlot)
		}
		if !haveSlotDuration {
			c.SlotDurationMS = ms
		} else if c.SlotDurationMS != ms {
			return nil, fmt.Errorf("%w: SECONDS_PER_SLOT %d contradicts SLOT_DURATION_MS %d",
				ErrBadConfig, *secondsPerSlot, c.SlotDurationMS)
		}
	}
	if c.PresetBase != base.Name {
		return nil, fmt.Errorf("%w: PRESET_BASE is %q but the preset is %q", ErrBadConfig, c.PresetBase, base.Name)
	}
	s := &Spec{Preset: base, Config: c}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}

// LoadNetworkConfig is LoadConfig with the preset the config's PRESET_BASE
// names, "mainnet" (the default when the key is absent) or "minimal". A
// network with a preset of its own loads it with LoadPreset and passes it
// to LoadConfig.
func LoadNetworkConfig(data []byte) (*Spec, error) {
	var head struct {
		PresetBase *string `yaml:"PRESET_BASE"`
	}
	if err := yaml.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadConfig, err)
	}
	name := "mainnet"
	if head.PresetBase != nil {
		name = *head.PresetBase
	}
	switch name {
	case "mainnet":
		return LoadConfig(data, MainnetPreset())
	case "minimal":
		return LoadConfig(data, MinimalPreset())
	}
	return nil, fmt.Errorf("%w: PRESET_BASE %q is not built in; load it with LoadPreset", ErrBadConfig, name)
}

// Validate checks the rules the specs state for a configuration and the
// values without which this package's functions would divide by zero or
// misbehave. The error wraps ErrBadConfig.
func (s *Spec) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrBadConfig}, args...)...)
	}
	if s.SlotsPerEpoch == 0 {
		return bad("SLOTS_PER_EPOCH is 0")
	}
	if s.SlotDurationMS == 0 {
		return bad("SLOT_DURATION_MS is 0")
	}
	// The round number enters the shuffle's hash as one byte.
	if s.ShuffleRoundCount > 256 {
		return bad("SHUFFLE_ROUND_COUNT %d exceeds 256", s.ShuffleRoundCount)
	}
	// Forks activate in order; an unscheduled fork (FAR_FUTURE_EPOCH)
	// must not be followed by a scheduled one.
	prev := GenesisEpoch
	for f := Altair; f <= LatestFork; f++ {
		e := s.ForkEpoch(f)
		if e < prev {
			return bad("%s fork epoch %d precedes %s fork epoch %d", f, e, f-1, prev)
		}
		prev = e
	}
	if s.GloasForkEpoch < prev {
		return bad("gloas fork epoch %d precedes fulu fork epoch %d", s.GloasForkEpoch, prev)
	}
	// fulu beacon-chain.md, "Blob schedule". Its rule that entries are not
	// before FULU_FORK_EPOCH is not enforced: the spec tests of earlier
	// forks configure a schedule without scheduling fulu, and
	// get_blob_parameters is well defined either way.
	epochs := map[Epoch]bool{}
	for i, e := range s.BlobSchedule {
		if epochs[e.Epoch] {
			return bad("BLOB_SCHEDULE has two entries for epoch %d", e.Epoch)
		}
		epochs[e.Epoch] = true
		if e.MaxBlobsPerBlock > s.MaxBlobCommitmentsPerBlock {
			return bad("BLOB_SCHEDULE[%d] MAX_BLOBS_PER_BLOCK %d exceeds MAX_BLOB_COMMITMENTS_PER_BLOCK %d",
				i, e.MaxBlobsPerBlock, s.MaxBlobCommitmentsPerBlock)
		}
	}
	return nil
}

// yamlDecodeFlat decodes a YAML mapping of KEY: value into the fields of the
// struct dst by their yaml tags. special is called first for every key; if
// it reports the key handled, the field lookup is skipped. Unknown keys are
// ignored.
func yamlDecodeFlat(data []byte, dst reflect.Value, special func(string, *yaml.Node) (bool, error)) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("%w: %v", ErrBadConfig, err)
	}
	if doc.Kind == 0 {
		return nil // empty document
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return fmt.Errorf("%w: expected a mapping of KEY: value", ErrBadConfig)
	}
	fields := yamlFieldsByTag(dst.Type())
	m := doc.Content[0]
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		key := k.Value
		if seen[key] {
			return fmt.Errorf("%w: line %d: key %s given twice", ErrBadConfig, k.Line, key)
		}
		seen[key] = true
		handled, err := special(key, v)
		if err != nil {
			return err
		}
		if handled {
			continue
		}
		idx, ok := fields[key]
		if !ok {
			continue
		}
		if err := yamlSetField(dst.Field(idx), v); err != nil {
			return fmt.Errorf("%w: line %d: %s: %v", ErrBadConfig, v.Line, key, err)
		}
	}
	return nil
}

func yamlFieldsByTag(t reflect.Type) map[string]int {
	out := map[string]int{}
	for i := 0; i < t.NumField(); i++ {
		tag := t.Field(i).Tag.Get("yaml")
		if tag != "" && tag != "-" {
			out[tag] = i
		}
	}
	return out
}

var (
	uint256Type      = reflect.TypeOf([32]byte{})
	blobScheduleType = reflect.TypeOf([]BlobScheduleEntry(nil))
)

func yamlSetField(f reflect.Value, n *yaml.Node) error {
	switch {
	case f.Type() == uint256Type:
		v, err := yamlUint256(n)
		if err != nil {
			return err
		}
		f.Set(reflect.ValueOf(v))
		return nil
	case f.Type() == blobScheduleType:
		v, err := yamlBlobSchedule(n)
		if err != nil {
			return err
		}
		f.Set(reflect.ValueOf(v))
		return nil
	}
	switch f.Kind() {
	case reflect.Uint64:
		v, err := yamlUint64(n)
		if err != nil {
			return err
		}
		f.SetUint(v)
	case reflect.String:
		if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
			return fmt.Errorf("want a string")
		}
		f.SetString(n.Value)
	case reflect.Array:
		if f.Type().Elem().Kind() != reflect.Uint8 {
			return fmt.Errorf("unsupported field type %s", f.Type())
		}
		b, err := yamlHexBytes(n, f.Len())
		if err != nil {
			return err
		}
		reflect.Copy(f, reflect.ValueOf(b))
	default:
		return fmt.Errorf("unsupported field type %s", f.Type())
	}
	return nil
}

// yamlScalar returns the text of a scalar node; quoted scalars are accepted,
// since the Beacon API and some network configs quote every value.
func yamlScalar(n *yaml.Node) (string, error) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", fmt.Errorf("want a value, got %s", yamlNodeKind(n))
	}
	return strings.TrimSpace(n.Value), nil
}

func yamlNodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.AliasNode:
		return "an alias"
	}
	return "nothing"
}

func yamlUint64(n *yaml.Node) (uint64, error) {
	s, err := yamlScalar(n)
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a decimal uint64", s)
	}
	return v, nil
}

func yamlUint256(n *yaml.Node) ([32]byte, error) {
	s, err := yamlScalar(n)
	if err != nil {
		return [32]byte{}, err
	}
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return [32]byte{}, fmt.Errorf("%q is not a decimal uint256", s)
	}
	return uint256LE(v)
}

// uint256LE encodes a non-negative v below 2**256 as 32 little-endian bytes.
func uint256LE(v *big.Int) ([32]byte, error) {
	var out [32]byte
	if v.Sign() < 0 || v.BitLen() > 256 {
		return out, fmt.Errorf("%s is out of the uint256 range", v)
	}
	be := v.FillBytes(make([]byte, 32))
	for i, b := range be {
		out[31-i] = b
	}
	return out, nil
}

func yamlHexBytes(n *yaml.Node, size int) ([]byte, error) {
	s, err := yamlScalar(n)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(s, "0x") && !strings.HasPrefix(s, "0X") {
		return nil, fmt.Errorf("%q is not 0x-prefixed hex", s)
	}
	if len(s)-2 != 2*size {
		return nil, fmt.Errorf("%q has %d hex digits, want %d", s, len(s)-2, 2*size)
	}
	b, err := hex.DecodeString(s[2:])
	if err != nil {
		return nil, fmt.Errorf("%q is not hex", s)
	}
	return b, nil
}

func yamlBlobSchedule(n *yaml.Node) ([]BlobScheduleEntry, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("want a list of {EPOCH, MAX_BLOBS_PER_BLOCK}, got %s", yamlNodeKind(n))
	}
	out := make([]BlobScheduleEntry, 0, len(n.Content))
	for i, item := range n.Content {
		if item.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("entry %d: want a mapping, got %s", i, yamlNodeKind(item))
		}
		var e BlobScheduleEntry
		var haveEpoch, haveMax bool
		for j := 0; j+1 < len(item.Content); j += 2 {
			var err error
			switch item.Content[j].Value {
			case "EPOCH":
				var v uint64
				v, err = yamlUint64(item.Content[j+1])
				e.Epoch, haveEpoch = Epoch(v), true
			case "MAX_BLOBS_PER_BLOCK":
				e.MaxBlobsPerBlock, err = yamlUint64(item.Content[j+1])
				haveMax = true
			}
			if err != nil {
				return nil, fmt.Errorf("entry %d: %s: %v", i, item.Content[j].Value, err)
			}
		}
		if !haveEpoch || !haveMax {
			return nil, fmt.Errorf("entry %d: needs both EPOCH and MAX_BLOBS_PER_BLOCK", i)
		}
		out = append(out, e)
	}
	return out, nil
}

// Values returns every preset and config value by its spec name, in the
// form of the Beacon API's /eth/v1/config/spec: numbers as decimal strings,
// byte strings as 0x-prefixed hex, and BLOB_SCHEDULE as a list of
// {EPOCH, MAX_BLOBS_PER_BLOCK} with string values. Encoded as YAML, the
// result loads back with LoadPreset and LoadConfig.
func (s *Spec) Values() map[string]any {
	out := map[string]any{}
	for _, v := range []reflect.Value{reflect.ValueOf(s.Preset), reflect.ValueOf(s.Config)} {
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			tag := t.Field(i).Tag.Get("yaml")
			if tag == "" || tag == "-" {
				continue
			}
			out[tag] = valueText(v.Field(i))
		}
	}
	return out
}

func valueText(f reflect.Value) any {
	switch {
	case f.Type() == uint256Type:
		le := f.Interface().([32]byte)
		c := Config{TerminalTotalDifficulty: le}
		return c.TerminalTotalDifficultyInt().String()
	case f.Type() == blobScheduleType:
		entries := f.Interface().([]BlobScheduleEntry)
		list := make([]map[string]string, len(entries))
		for i, e := range entries {
			list[i] = map[string]string{
				"EPOCH":               strconv.FormatUint(uint64(e.Epoch), 10),
				"MAX_BLOBS_PER_BLOCK": strconv.FormatUint(e.MaxBlobsPerBlock, 10),
			}
		}
		return list
	}
	switch f.Kind() {
	case reflect.Uint64:
		return strconv.FormatUint(f.Uint(), 10)
	case reflect.String:
		return f.String()
	case reflect.Array:
		b := make([]byte, f.Len())
		reflect.Copy(reflect.ValueOf(b), f)
		return hexString(b)
	}
	panic(fmt.Sprintf("spec: no text form for %s", f.Type()))
}
