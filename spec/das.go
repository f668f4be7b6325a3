package spec

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"slices"
)

// The custody helpers of fulu das-core.md (PeerDAS, EIP-7594), with the
// two pure helpers of fulu p2p-interface.md and validator.md that decide
// which columns a node custodies and where it finds them.

// NodeID is the spec's NodeID, a 256-bit integer: the discv5 node ID, held
// as its 32 bytes in big-endian order, the order in which discv5 encodes it.
type NodeID [32]byte

func (x NodeID) String() string { return hexString(x[:]) }

// next returns id + 1, wrapping from 2**256 - 1 to 0.
func (id NodeID) next() NodeID {
	for i := len(id) - 1; i >= 0; i-- {
		id[i]++
		if id[i] != 0 {
			break
		}
	}
	return id
}

// GetCustodyGroups is get_custody_groups (fulu das-core.md): the
// custodyGroupCount custody groups of a node, in increasing order. Each
// group is drawn from the hash of a 256-bit counter that starts at the
// node ID; the counter wraps from 2**256 - 1 to 0, as the spec's overflow
// rule has it.
func (s *Spec) GetCustodyGroups(nodeID NodeID, custodyGroupCount uint64) ([]CustodyIndex, error) {
	if custodyGroupCount > s.NumberOfCustodyGroups {
		return nil, invalidf("custody group count %d above NUMBER_OF_CUSTODY_GROUPS %d", custodyGroupCount, s.NumberOfCustodyGroups)
	}
	groups := make([]CustodyIndex, 0, custodyGroupCount)
	if custodyGroupCount == s.NumberOfCustodyGroups {
		for i := uint64(0); i < s.NumberOfCustodyGroups; i++ {
			groups = append(groups, CustodyIndex(i))
		}
		return groups, nil
	}
	taken := make([]bool, s.NumberOfCustodyGroups)
	current := nodeID
	for uint64(len(groups)) < custodyGroupCount {
		// uint_to_bytes(Uint256) is little-endian, the reverse of NodeID.
		var le [32]byte
		for i := range le {
			le[i] = current[31-i]
		}
		h := sha256.Sum256(le[:])
		group := binary.LittleEndian.Uint64(h[:8]) % s.NumberOfCustodyGroups
		if !taken[group] {
			taken[group] = true
			groups = append(groups, CustodyIndex(group))
		}
		current = current.next()
	}
	slices.Sort(groups)
	return groups, nil
}

// ComputeColumnsForCustodyGroup is compute_columns_for_custody_group (fulu
// das-core.md): the columns of a custody group, which are spread over the
// matrix at a stride of NUMBER_OF_CUSTODY_GROUPS.
func (s *Spec) ComputeColumnsForCustodyGroup(custodyGroup CustodyIndex) ([]ColumnIndex, error) {
	if uint64(custodyGroup) >= s.NumberOfCustodyGroups {
		return nil, invalidf("custody group %d not below NUMBER_OF_CUSTODY_GROUPS %d", custodyGroup, s.NumberOfCustodyGroups)
	}
	columnsPerGroup := s.NumberOfColumns / s.NumberOfCustodyGroups
	columns := make([]ColumnIndex, columnsPerGroup)
	for i := range columns {
		columns[i] = ColumnIndex(s.NumberOfCustodyGroups*uint64(i) + uint64(custodyGroup))
	}
	return columns, nil
}

// CustodyColumns returns the columns a node custodies with
// custodyGroupCount groups, in increasing order: the columns of each of
// its get_custody_groups (fulu das-core.md, "Custody").
func (s *Spec) CustodyColumns(nodeID NodeID, custodyGroupCount uint64) ([]ColumnIndex, error) {
	groups, err := s.GetCustodyGroups(nodeID, custodyGroupCount)
	if err != nil {
		return nil, err
	}
	var columns []ColumnIndex
	for _, g := range groups {
		c, err := s.ComputeColumnsForCustodyGroup(g)
		if err != nil {
			return nil, fmt.Errorf("custody group %d: %w", g, err)
		}
		columns = append(columns, c...)
	}
	slices.Sort(columns)
	return columns, nil
}

// ComputeSubnetForDataColumnSidecar is
// compute_subnet_for_data_column_sidecar (fulu p2p-interface.md).
func (s *Spec) ComputeSubnetForDataColumnSidecar(columnIndex ColumnIndex) SubnetID {
	return SubnetID(uint64(columnIndex) % s.DataColumnSidecarSubnetCount)
}

// GetValidatorsCustodyRequirement is get_validators_custody_requirement
// (fulu validator.md): the custody group count of a node that runs the
// given validators, one group per BALANCE_PER_ADDITIONAL_CUSTODY_GROUP of
// their effective balance, within [VALIDATOR_CUSTODY_REQUIREMENT,
// NUMBER_OF_CUSTODY_GROUPS].
func (s *Spec) GetValidatorsCustodyRequirement(st *BeaconState, validatorIndices []ValidatorIndex) (uint64, error) {
	var total uint64
	for _, index := range validatorIndices {
		if err := checkValidatorIndex(st, index); err != nil {
			return 0, err
		}
		// The sum of every effective balance stays far below 2**64 (it is
		// bounded by the supply of ether), but a malformed state is not.
		b := uint64(st.Validators[index].EffectiveBalance)
		if total+b < total {
			return 0, invalidf("total effective balance overflows")
		}
		total += b
	}
	if s.BalancePerAdditionalCustodyGroup == 0 {
		return 0, invalidf("BALANCE_PER_ADDITIONAL_CUSTODY_GROUP is 0")
	}
	count := total / uint64(s.BalancePerAdditionalCustodyGroup)
	return min(max(count, s.ValidatorCustodyRequirement), s.NumberOfCustodyGroups), nil
}
