package spec

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"slices"
	"testing"
)

func TestNodeIDNextWraps(t *testing.T) {
	var max NodeID
	for i := range max {
		max[i] = 0xff
	}
	if got := max.next(); got != (NodeID{}) {
		t.Errorf("(2**256-1).next() = %s, want 0", got)
	}
	id := NodeID{31: 0xff}
	if got, want := id.next(), (NodeID{30: 1}); got != want {
		t.Errorf("0xff.next() = %s, want %s", got, want)
	}
}

// TestGetCustodyGroupsFromMaxNodeID follows the spec by hand from node ID
// 2**256 - 1: the first group comes from hashing 32 bytes of 0xff, the
// next ones from 0, 1, ... after the wrap-around.
func TestGetCustodyGroupsFromMaxNodeID(t *testing.T) {
	s := Mainnet()
	group := func(le [32]byte) CustodyIndex {
		h := sha256.Sum256(le[:])
		return CustodyIndex(binary.LittleEndian.Uint64(h[:8]) % s.NumberOfCustodyGroups)
	}
	var max NodeID
	var maxLE [32]byte
	for i := range max {
		max[i], maxLE[i] = 0xff, 0xff
	}
	var want []CustodyIndex
	want = append(want, group(maxLE))
	for n := byte(0); len(want) < 3; n++ {
		g := group([32]byte{0: n})
		if !slices.Contains(want, g) {
			want = append(want, g)
		}
	}
	slices.Sort(want)
	got, err := s.GetCustodyGroups(max, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("GetCustodyGroups(2**256-1, 3) = %v, want %v", got, want)
	}
}

func TestGetCustodyGroupsBounds(t *testing.T) {
	s := Mainnet()
	all, err := s.GetCustodyGroups(NodeID{7}, s.NumberOfCustodyGroups)
	if err != nil || uint64(len(all)) != s.NumberOfCustodyGroups || all[0] != 0 || all[len(all)-1] != CustodyIndex(s.NumberOfCustodyGroups-1) {
		t.Errorf("all groups: %v, %v", all, err)
	}
	none, err := s.GetCustodyGroups(NodeID{7}, 0)
	if err != nil || len(none) != 0 {
		t.Errorf("no groups: %v, %v", none, err)
	}
	// One group short of all of them: the loop must find every other group.
	most, err := s.GetCustodyGroups(NodeID{7}, s.NumberOfCustodyGroups-1)
	if err != nil || uint64(len(most)) != s.NumberOfCustodyGroups-1 || !slices.IsSorted(most) || len(slices.Compact(slices.Clone(most))) != len(most) {
		t.Errorf("all but one group: %v, %v", most, err)
	}
	if _, err := s.GetCustodyGroups(NodeID{}, s.NumberOfCustodyGroups+1); !errors.Is(err, ErrInvalid) {
		t.Errorf("count above NUMBER_OF_CUSTODY_GROUPS: err = %v, want ErrInvalid", err)
	}
}

func TestComputeColumnsForCustodyGroup(t *testing.T) {
	s := Mainnet()
	// A network with more columns than groups gives each group a stride.
	s.NumberOfCustodyGroups = 32
	got, err := s.ComputeColumnsForCustodyGroup(5)
	if err != nil {
		t.Fatal(err)
	}
	if want := []ColumnIndex{5, 37, 69, 101}; !slices.Equal(got, want) {
		t.Errorf("columns of group 5 = %v, want %v", got, want)
	}
	if _, err := s.ComputeColumnsForCustodyGroup(32); !errors.Is(err, ErrInvalid) {
		t.Errorf("group 32 of 32: err = %v, want ErrInvalid", err)
	}
	cols, err := s.CustodyColumns(NodeID{1, 2, 3}, 4)
	if err != nil || len(cols) != 16 || !slices.IsSorted(cols) {
		t.Errorf("CustodyColumns(_, 4) = %v, %v; want 16 sorted columns", cols, err)
	}
}

func TestGetValidatorsCustodyRequirement(t *testing.T) {
	s := Mainnet()
	st := &BeaconState{}
	for _, eth := range []Gwei{32, 32, 2048, 1} {
		st.Validators = append(st.Validators, Validator{EffectiveBalance: eth * 1_000_000_000})
	}
	for _, tc := range []struct {
		indices []ValidatorIndex
		want    uint64
	}{
		{nil, s.ValidatorCustodyRequirement},
		{[]ValidatorIndex{0, 1, 3}, s.ValidatorCustodyRequirement},
		{[]ValidatorIndex{2}, min(2048/32, s.NumberOfCustodyGroups)},
		{[]ValidatorIndex{2, 2, 2}, s.NumberOfCustodyGroups},
	} {
		got, err := s.GetValidatorsCustodyRequirement(st, tc.indices)
		if err != nil || got != tc.want {
			t.Errorf("GetValidatorsCustodyRequirement(%v) = %d, %v; want %d", tc.indices, got, err, tc.want)
		}
	}
	if _, err := s.GetValidatorsCustodyRequirement(st, []ValidatorIndex{4}); !errors.Is(err, ErrInvalid) {
		t.Errorf("index out of range: err = %v, want ErrInvalid", err)
	}
}

func TestComputeSubnetForDataColumnSidecar(t *testing.T) {
	s := Mainnet()
	s.DataColumnSidecarSubnetCount = 64
	if got := s.ComputeSubnetForDataColumnSidecar(100); got != 36 {
		t.Errorf("subnet of column 100 = %d, want 36", got)
	}
}
