package spectest

// The networking runner's custody handlers (tests/formats/networking/
// get_custody_groups.md and compute_columns_for_custody_group.md): meta.yaml
// holds the arguments and the result of the fulu das-core.md function. The
// gossip_* handlers of the runner are registered elsewhere.

import (
	"fmt"
	"math/big"
	"slices"

	"github.com/quetzal-eth/quetzal/spec"
)

func init() {
	Register("networking", "get_custody_groups", runGetCustodyGroups)
	Register("networking", "compute_columns_for_custody_group", runComputeColumnsForCustodyGroup)
}

// custodyGroupsMeta is the meta.yaml of get_custody_groups. The node ID is
// a 256-bit integer, which YAML gives in decimal.
type custodyGroupsMeta struct {
	NodeID            *string  `yaml:"node_id"`
	CustodyGroupCount *uint64  `yaml:"custody_group_count"`
	Result            []uint64 `yaml:"result"`
}

// parseNodeID reads a decimal integer in [0, 2**256) as a NodeID.
func parseNodeID(s string) (spec.NodeID, error) {
	var id spec.NodeID
	n, ok := new(big.Int).SetString(s, 10)
	if !ok || n.Sign() < 0 || n.BitLen() > 256 {
		return id, fmt.Errorf("node_id %q is not an integer in [0, 2**256)", s)
	}
	n.FillBytes(id[:])
	return id, nil
}

func runGetCustodyGroups(c *Case) error {
	s, _, err := caseSpec(c)
	if err != nil {
		return err
	}
	var m custodyGroupsMeta
	if err := c.ReadYAML("meta", &m); err != nil {
		return err
	}
	if m.NodeID == nil || m.CustodyGroupCount == nil {
		return fmt.Errorf("meta.yaml: needs node_id and custody_group_count")
	}
	id, err := parseNodeID(*m.NodeID)
	if err != nil {
		return fmt.Errorf("meta.yaml: %w", err)
	}
	got, err := s.GetCustodyGroups(id, *m.CustodyGroupCount)
	if err != nil {
		return err
	}
	return compareIndices("get_custody_groups", got, m.Result)
}

// columnsMeta is the meta.yaml of compute_columns_for_custody_group.
type columnsMeta struct {
	CustodyGroup *uint64  `yaml:"custody_group"`
	Result       []uint64 `yaml:"result"`
}

func runComputeColumnsForCustodyGroup(c *Case) error {
	s, _, err := caseSpec(c)
	if err != nil {
		return err
	}
	var m columnsMeta
	if err := c.ReadYAML("meta", &m); err != nil {
		return err
	}
	if m.CustodyGroup == nil {
		return fmt.Errorf("meta.yaml: needs custody_group")
	}
	got, err := s.ComputeColumnsForCustodyGroup(spec.CustodyIndex(*m.CustodyGroup))
	if err != nil {
		return err
	}
	return compareIndices("compute_columns_for_custody_group", got, m.Result)
}

// compareIndices compares a list of indices with the expected result.
func compareIndices[T ~uint64](fn string, got []T, want []uint64) error {
	g := make([]uint64, len(got))
	for i, x := range got {
		g[i] = uint64(x)
	}
	if !slices.Equal(g, want) {
		return fmt.Errorf("%s = %v, want %v", fn, g, want)
	}
	return nil
}
