package spec

import (
	"fmt"

	"github.com/quetzal-eth/quetzal/ssz"
)

// Schema is what the SSZ schemas of this package need beyond the Go type:
// the preset, whose values are the lengths and limits of vectors and lists
// (mainnet and minimal differ), and the fork whose container layouts apply.
//
// quetzal keeps one Go type per spec container name across forks: a
// BeaconState holds the fields of every fork, and its DefineSSZ lists the
// fields that exist at Schema.Fork, in the order that fork's document gives
// them. Code that works on a container reads like the spec of any fork,
// and which fields exist is decided in one place.
type Schema struct {
	*Preset
	Fork ForkName
}

// Schema returns the SSZ schema context for fork f of this spec.
func (s *Spec) Schema(f ForkName) *Schema { return &Schema{Preset: &s.Preset, Fork: f} }

// schemaOf returns the Schema a DefineSSZ method was called with. Calling a
// preset-dependent schema without one is a programming error.
func schemaOf(c *ssz.Codec) *Schema {
	s, ok := c.Context().(*Schema)
	if !ok {
		panic(fmt.Sprintf("spec: SSZ context is %T, want *spec.Schema", c.Context()))
	}
	return s
}

// Marshal returns obj's SSZ encoding under schema s.
func Marshal(s *Schema, obj ssz.Object) ([]byte, error) { return ssz.Marshal(obj, s) }

// Unmarshal decodes data into obj under schema s; malformed data is an
// error and never a panic.
func Unmarshal(s *Schema, data []byte, obj ssz.Object) error { return ssz.Unmarshal(data, obj, s) }

// HashTreeRoot returns obj's hash_tree_root under schema s.
func HashTreeRoot(s *Schema, obj ssz.Object) (Root, error) {
	r, err := ssz.HashTreeRoot(obj, s)
	return Root(r), err
}

// SizeSSZ returns the length of obj's encoding under schema s.
func SizeSSZ(s *Schema, obj ssz.Object) int { return ssz.Size(obj, s) }
