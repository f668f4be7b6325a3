package spec

import (
	"errors"
	"testing"

	"github.com/quetzal-eth/quetzal/ssz"
)

// TestDepositTree checks the incremental tree against the root of the SSZ
// list of the same leaves, and the proof of each leaf, as process_deposit
// checks it, against the root of the tree that just received it.
func TestDepositTree(t *testing.T) {
	var tree depositTree
	var leaves [][32]byte
	for i := 0; i < 37; i++ {
		leaf := hash([]byte{byte(i), 0xde, 0xa0})
		proof := tree.proof()
		tree.push(leaf)
		leaves = append(leaves, leaf)
		want := Root(ssz.MixInLength(ssz.Merkleize(leaves, 1<<DepositContractTreeDepth), uint64(len(leaves))))
		if got := tree.root(); got != want {
			t.Fatalf("after %d leaves: root %s, want %s", len(leaves), got, want)
		}
		if len(proof) != DepositProofLength {
			t.Fatalf("proof of leaf %d has %d nodes", i, len(proof))
		}
		if !IsValidMerkleBranch(leaf, proof, DepositContractTreeDepth+1, uint64(i), want) {
			t.Fatalf("proof of leaf %d does not verify", i)
		}
		if i > 0 && IsValidMerkleBranch(leaf, proof, DepositContractTreeDepth+1, uint64(i-1), want) {
			t.Fatalf("proof of leaf %d verifies at index %d", i, i-1)
		}
	}
}

func TestEmptyGenesisStateHashes(t *testing.T) {
	s := Minimal()
	for f := Phase0; f <= LatestFork; f++ {
		st, err := s.emptyGenesisState(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if _, err := HashTreeRoot(s.Schema(f), st); err != nil {
			t.Errorf("%s: empty genesis state does not hash: %v", f, err)
		}
	}
}

func TestIsValidGenesisState(t *testing.T) {
	s := Minimal()
	s.MinGenesisActiveValidatorCount = 2
	active := Validator{ActivationEpoch: GenesisEpoch, ExitEpoch: FarFutureEpoch}
	pending := Validator{ActivationEpoch: FarFutureEpoch, ExitEpoch: FarFutureEpoch}
	for _, tc := range []struct {
		name       string
		time       uint64
		validators []Validator
		want       bool
	}{
		{"valid", s.MinGenesisTime, []Validator{active, active}, true},
		{"too early", s.MinGenesisTime - 1, []Validator{active, active}, false},
		{"too few active", s.MinGenesisTime + 10, []Validator{active, pending}, false},
	} {
		st := &BeaconState{GenesisTime: tc.time, Validators: tc.validators}
		if got := s.IsValidGenesisState(st); got != tc.want {
			t.Errorf("%s: IsValidGenesisState = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestInitializeBeaconStateFromEth1RejectsBadInput(t *testing.T) {
	s := Minimal()
	tr := &Transition{Spec: s, Signatures: SignaturesOff}
	if _, err := tr.InitializeBeaconStateFromEth1(Phase0, Hash32{}, Uint64Max, nil, nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("overflowing genesis time: err = %v, want ErrInvalid", err)
	}
	// A header whose logs bloom has the wrong size cannot be hashed.
	st, err := tr.InitializeBeaconStateFromEth1(Bellatrix, Hash32{}, 0, nil, &ExecutionPayloadHeader{LogsBloom: []byte{1}})
	if !errors.Is(err, ErrInvalid) || st != nil {
		t.Errorf("short logs bloom: err = %v, want ErrInvalid", err)
	}
}
