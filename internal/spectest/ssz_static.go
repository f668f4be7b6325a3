package spectest

// The ssz_static runner (tests/formats/ssz_static): the handler names a
// container of the case's fork, and each case gives an encoded value
// (serialized.ssz_snappy) and its hash_tree_root (roots.yaml). The value
// must decode under the case's preset and fork, re-encode to the same
// bytes, and hash to the given root.

import (
	"bytes"
	"fmt"
	"sync"

	"github.com/quetzal-eth/quetzal/spec"
	"github.com/quetzal-eth/quetzal/ssz"
)

func init() {
	Register("ssz_static", AnyHandler, runSSZStatic)
}

// sszStaticRoots is the layout of roots.yaml.
type sszStaticRoots struct {
	Root *spec.Root `yaml:"root"`
}

// sszStaticSpecs holds the two presets' specs, built once for all cases.
var sszStaticSpecs = sync.OnceValue(func() map[string]*spec.Spec {
	return map[string]*spec.Spec{"mainnet": spec.Mainnet(), "minimal": spec.Minimal()}
})

// sszStaticTables holds spec.Containers of every fork, built once.
var sszStaticTables = sync.OnceValue(func() []map[string]func() ssz.Object {
	out := make([]map[string]func() ssz.Object, spec.LatestFork+1)
	for f := spec.Phase0; f <= spec.LatestFork; f++ {
		out[f] = spec.Containers(f)
	}
	return out
})

// sszStaticObject returns the schema and a new zero value for the case's
// preset, fork and container. A fork or container that quetzal does not
// have yet is ErrNotImplemented.
func sszStaticObject(c *Case) (*spec.Schema, ssz.Object, error) {
	s := sszStaticSpecs()[c.Preset]
	if s == nil {
		return nil, nil, fmt.Errorf("ssz_static: no preset %q", c.Preset)
	}
	fork, err := spec.ParseForkName(c.Fork)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: fork %q", ErrNotImplemented, c.Fork)
	}
	newObj := sszStaticTables()[fork][c.Handler]
	if newObj == nil {
		return nil, nil, fmt.Errorf("%w: container %s at %s", ErrNotImplemented, c.Handler, fork)
	}
	return s.Schema(fork), newObj(), nil
}

func runSSZStatic(c *Case) error {
	schema, obj, err := sszStaticObject(c)
	if err != nil {
		return err
	}
	data, err := c.ReadSSZ("serialized")
	if err != nil {
		return err
	}
	var roots sszStaticRoots
	if err := c.ReadYAML("roots", &roots); err != nil {
		return err
	}
	if roots.Root == nil {
		return fmt.Errorf("roots.yaml: no root")
	}

	if err := spec.Unmarshal(schema, data, obj); err != nil {
		return fmt.Errorf("decode %d bytes: %w", len(data), err)
	}
	if n := spec.SizeSSZ(schema, obj); n != len(data) {
		return fmt.Errorf("size of decoded value is %d, encoding has %d bytes", n, len(data))
	}
	enc, err := spec.Marshal(schema, obj)
	if err != nil {
		return fmt.Errorf("re-encode: %w", err)
	}
	if !bytes.Equal(enc, data) {
		return fmt.Errorf("re-encoding differs: %s", sszStaticDiff(enc, data))
	}
	root, err := spec.HashTreeRoot(schema, obj)
	if err != nil {
		return fmt.Errorf("hash_tree_root: %w", err)
	}
	if root != *roots.Root {
		return fmt.Errorf("hash_tree_root %s, want %s", root, *roots.Root)
	}
	return nil
}

// sszStaticDiff describes where got and want first differ, short enough
// for a report line even when the encodings are megabytes long.
func sszStaticDiff(got, want []byte) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	window := func(b []byte) []byte {
		end := min(i+16, len(b))
		return b[i:end]
	}
	return fmt.Sprintf("got %d bytes, want %d; first difference at byte %d: got %x..., want %x...",
		len(got), len(want), i, window(got), window(want))
}
