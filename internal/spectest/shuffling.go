package spectest

// The shuffling runner (tests/<preset>/phase0/shuffling/core/shuffle/): each
// case's mapping.yaml gives a seed, a count and the mapping
// [compute_shuffled_index(i, count, seed) for i in range(count)], computed
// with the SHUFFLE_ROUND_COUNT of the case's preset. Both the per-index
// function and the whole-list shuffle must reproduce it.

import (
	"fmt"

	"github.com/quetzal-eth/quetzal/spec"
)

func init() {
	Register("shuffling", "core", runShuffling)
}

// shufflingCase is the layout of mapping.yaml (tests/formats/shuffling).
type shufflingCase struct {
	Seed    *spec.Root `yaml:"seed"`
	Count   *uint64    `yaml:"count"`
	Mapping []uint64   `yaml:"mapping"`
}

// shufflingSpec returns the spec of a case's preset; the shuffle depends
// on nothing else.
func shufflingSpec(preset string) (*spec.Spec, error) {
	switch preset {
	case "mainnet":
		return spec.Mainnet(), nil
	case "minimal":
		return spec.Minimal(), nil
	}
	return nil, fmt.Errorf("shuffling: no preset %q", preset)
}

func runShuffling(c *Case) error {
	s, err := shufflingSpec(c.Preset)
	if err != nil {
		return err
	}
	var d shufflingCase
	if err := c.ReadYAML("mapping", &d); err != nil {
		return err
	}
	if d.Seed == nil || d.Count == nil {
		return fmt.Errorf("mapping.yaml: needs seed and count")
	}
	seed, count := [32]byte(*d.Seed), *d.Count
	if uint64(len(d.Mapping)) != count {
		return fmt.Errorf("mapping.yaml: count %d but %d mapping entries", count, len(d.Mapping))
	}

	for i := uint64(0); i < count; i++ {
		got, err := s.ComputeShuffledIndex(i, count, seed)
		if err != nil {
			return fmt.Errorf("ComputeShuffledIndex(%d, %d): %w", i, count, err)
		}
		if got != d.Mapping[i] {
			return fmt.Errorf("ComputeShuffledIndex(%d, %d) = %d, want %d", i, count, got, d.Mapping[i])
		}
	}

	perm := s.ComputeShuffledPermutation(count, seed)
	if uint64(len(perm)) != count {
		return fmt.Errorf("ComputeShuffledPermutation(%d) has %d entries", count, len(perm))
	}
	for i, got := range perm {
		if got != d.Mapping[i] {
			return fmt.Errorf("ComputeShuffledPermutation(%d)[%d] = %d, want %d", count, i, got, d.Mapping[i])
		}
	}

	// The committee shuffle of a validator list, with indices that are not
	// 0..count-1, must pick list element mapping[i] for position i.
	list := make([]spec.ValidatorIndex, count)
	for i := range list {
		list[i] = spec.ValidatorIndex(2*i + 1)
	}
	spec.ShuffleList(s, list, seed)
	for i, got := range list {
		if want := spec.ValidatorIndex(2*d.Mapping[i] + 1); got != want {
			return fmt.Errorf("ShuffleList: position %d holds %d, want %d", i, got, want)
		}
	}
	return nil
}
