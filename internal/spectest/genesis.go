package spectest

// The genesis runner (tests/formats/genesis/): initialization builds the
// genesis state from eth1.yaml and the deposits_<i> with
// initialize_beacon_state_from_eth1 and compares it with state.ssz_snappy;
// validity checks is_valid_genesis_state(genesis) against is_valid.yaml.

import (
	"fmt"

	"github.com/quetzal-eth/quetzal/spec"
)

func init() {
	Register("genesis", "initialization", runGenesisInitialization)
	Register("genesis", "validity", runGenesisValidity)
}

// genesisEth1 is eth1.yaml.
type genesisEth1 struct {
	Eth1BlockHash *spec.Hash32 `yaml:"eth1_block_hash"`
	Eth1Timestamp *uint64      `yaml:"eth1_timestamp"`
}

// genesisMeta is the meta.yaml of an initialization case.
type genesisMeta struct {
	DepositsCount          *int `yaml:"deposits_count"`
	ExecutionPayloadHeader bool `yaml:"execution_payload_header"`
}

func runGenesisInitialization(c *Case) error {
	s, fork, err := caseSpec(c)
	if err != nil {
		return err
	}
	var eth1 genesisEth1
	if err := c.ReadYAML("eth1", &eth1); err != nil {
		return err
	}
	if eth1.Eth1BlockHash == nil || eth1.Eth1Timestamp == nil {
		return fmt.Errorf("eth1.yaml: needs eth1_block_hash and eth1_timestamp")
	}
	var m genesisMeta
	if err := c.ReadYAML("meta", &m); err != nil {
		return err
	}
	if m.DepositsCount == nil || *m.DepositsCount < 0 {
		return fmt.Errorf("meta.yaml: needs deposits_count")
	}
	deposits := make([]spec.Deposit, *m.DepositsCount)
	for i := range deposits {
		if err := readObject(c, s, fork, fmt.Sprintf("deposits_%d", i), &deposits[i]); err != nil {
			return err
		}
	}
	var header *spec.ExecutionPayloadHeader
	if m.ExecutionPayloadHeader || c.Has("execution_payload_header.ssz_snappy") {
		header = new(spec.ExecutionPayloadHeader)
		if err := readObject(c, s, fork, "execution_payload_header", header); err != nil {
			return err
		}
	}
	// The deposits' signatures are real: one that does not verify is
	// skipped, as the spec does.
	t := &spec.Transition{Spec: s, Signatures: spec.SignaturesEach}
	st, err := t.InitializeBeaconStateFromEth1(fork, *eth1.Eth1BlockHash, *eth1.Eth1Timestamp, deposits, header)
	if err != nil {
		return notImplemented(err)
	}
	want, err := readState(c, s, fork, "state")
	if err != nil {
		return err
	}
	return compareStates(s, fork, st, want)
}

func runGenesisValidity(c *Case) error {
	s, fork, err := caseSpec(c)
	if err != nil {
		return err
	}
	st, err := readState(c, s, fork, "genesis")
	if err != nil {
		return err
	}
	var want *bool
	if err := c.ReadYAML("is_valid", &want); err != nil {
		return err
	}
	if want == nil {
		return fmt.Errorf("is_valid.yaml: no boolean")
	}
	if got := s.IsValidGenesisState(st); got != *want {
		return fmt.Errorf("is_valid_genesis_state = %v, want %v", got, *want)
	}
	return nil
}
