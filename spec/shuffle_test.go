package spec

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"testing"

	zrnt "github.com/protolambda/zrnt/eth2/beacon/common"
)

func shuffleTestSeeds() [][32]byte {
	seeds := [][32]byte{{}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}
	for i := 0; i < 4; i++ {
		seeds = append(seeds, sha256.Sum256([]byte(fmt.Sprintf("seed %d", i))))
	}
	return seeds
}

// Sizes around the 256-position blocks of random bits and the pivot's
// edge cases.
var shuffleSizes = []uint64{0, 1, 2, 3, 5, 10, 33, 100, 255, 256, 257, 511, 512, 1000, 4097}

func TestShuffledPermutationMatchesShuffledIndex(t *testing.T) {
	for _, s := range []*Spec{Mainnet(), Minimal()} {
		for _, seed := range shuffleTestSeeds() {
			for _, n := range shuffleSizes {
				perm := s.ComputeShuffledPermutation(n, seed)
				if uint64(len(perm)) != n {
					t.Fatalf("%s n=%d: permutation has %d elements", s.Preset.Name, n, len(perm))
				}
				seen := make([]bool, n)
				for i := uint64(0); i < n; i++ {
					want, err := s.ComputeShuffledIndex(i, n, seed)
					if err != nil {
						t.Fatal(err)
					}
					if perm[i] != want {
						t.Fatalf("%s seed %x n=%d: permutation[%d] = %d, ComputeShuffledIndex = %d",
							s.Preset.Name, seed[:4], n, i, perm[i], want)
					}
					if seen[want] {
						t.Fatalf("%s n=%d: %d appears twice", s.Preset.Name, n, want)
					}
					seen[want] = true
				}
			}
		}
	}
}

func TestShuffleListOfValidatorIndices(t *testing.T) {
	s := Mainnet()
	seed := sha256.Sum256([]byte("committees"))
	// Validator indices that are not 0..n-1, as after exits.
	indices := make([]ValidatorIndex, 700)
	for i := range indices {
		indices[i] = ValidatorIndex(3*i + 7)
	}
	shuffled := append([]ValidatorIndex{}, indices...)
	ShuffleList(s, shuffled, seed)
	for i := range shuffled {
		j, err := s.ComputeShuffledIndex(uint64(i), uint64(len(indices)), seed)
		if err != nil {
			t.Fatal(err)
		}
		if shuffled[i] != indices[j] {
			t.Fatalf("shuffled[%d] = %d, want indices[%d] = %d", i, shuffled[i], j, indices[j])
		}
	}
}

func TestShufflePresetsDiffer(t *testing.T) {
	// SHUFFLE_ROUND_COUNT comes from the preset, not a package constant.
	seed := sha256.Sum256([]byte("rounds"))
	a := Mainnet().ComputeShuffledPermutation(100, seed)
	b := Minimal().ComputeShuffledPermutation(100, seed)
	same := true
	for i := range a {
		same = same && a[i] == b[i]
	}
	if same {
		t.Fatal("mainnet and minimal shuffles agree on 100 indices")
	}
	s := Minimal()
	s.ShuffleRoundCount = 0
	for i, v := range s.ComputeShuffledPermutation(10, seed) {
		if v != uint64(i) {
			t.Fatalf("zero rounds moved %d to %d", i, v)
		}
	}
}

func TestComputeShuffledIndexOutOfRange(t *testing.T) {
	s := Minimal()
	for _, tc := range []struct{ index, count uint64 }{{0, 0}, {5, 5}, {6, 5}} {
		if _, err := s.ComputeShuffledIndex(tc.index, tc.count, [32]byte{}); !errors.Is(err, ErrShuffleIndex) {
			t.Errorf("ComputeShuffledIndex(%d, %d): err = %v", tc.index, tc.count, err)
		}
	}
}

// TestShuffleAgainstZrnt compares with an independent implementation.
func TestShuffleAgainstZrnt(t *testing.T) {
	for _, s := range []*Spec{Mainnet(), Minimal()} {
		for _, seed := range shuffleTestSeeds() {
			for _, n := range []uint64{1, 2, 33, 1000} {
				perm := s.ComputeShuffledPermutation(n, seed)
				for i := uint64(0); i < n; i++ {
					want := zrnt.PermuteIndex(uint8(s.ShuffleRoundCount), zrnt.ValidatorIndex(i), n, zrnt.Root(seed))
					if perm[i] != uint64(want) {
						t.Fatalf("%s n=%d: permutation[%d] = %d, zrnt %d", s.Preset.Name, n, i, perm[i], want)
					}
				}
			}
		}
	}
}

func BenchmarkShuffleList1M(b *testing.B) {
	s := Mainnet()
	seed := sha256.Sum256([]byte("bench"))
	list := make([]ValidatorIndex, 1_000_000)
	for i := range list {
		list[i] = ValidatorIndex(i)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ShuffleList(s, list, seed)
	}
}

func BenchmarkComputeShuffledPermutation1M(b *testing.B) {
	s := Mainnet()
	seed := sha256.Sum256([]byte("bench"))
	for i := 0; i < b.N; i++ {
		s.ComputeShuffledPermutation(1_000_000, seed)
	}
}

func BenchmarkComputeShuffledIndex(b *testing.B) {
	s := Mainnet()
	seed := sha256.Sum256([]byte("bench"))
	for i := 0; i < b.N; i++ {
		s.ComputeShuffledIndex(uint64(i)%1_000_000, 1_000_000, seed)
	}
}

func TestComputeCommittee(t *testing.T) {
	s := Minimal()
	seed := sha256.Sum256([]byte("committee"))
	indices := make([]ValidatorIndex, 103)
	for i := range indices {
		indices[i] = ValidatorIndex(1000 + i)
	}
	shuffled := append([]ValidatorIndex{}, indices...)
	ShuffleList(s, shuffled, seed)
	const count = 7
	total := 0
	for k := uint64(0); k < count; k++ {
		committee, err := s.ComputeCommittee(indices, seed, k, count)
		if err != nil {
			t.Fatal(err)
		}
		start, end := len(indices)*int(k)/count, len(indices)*int(k+1)/count
		if fmt.Sprint(committee) != fmt.Sprint(shuffled[start:end]) {
			t.Errorf("committee %d = %v, want %v", k, committee, shuffled[start:end])
		}
		total += len(committee)
	}
	if total != len(indices) {
		t.Errorf("committees hold %d members, want %d", total, len(indices))
	}
	if _, err := s.ComputeCommittee(indices, seed, count, count); !errors.Is(err, ErrShuffleIndex) {
		t.Errorf("committee out of range: %v", err)
	}
}

// TestComputeProposerIndex checks against values computed by the specs'
// pyspec (eth-consensus-specs 1.7.0b4, minimal preset): 50 validators with
// the effective balances below, candidates 0, 3, 6, ..., 48, and seeds
// sha256("proposer" ‖ k) for k = 0..5.
func TestComputeProposerIndex(t *testing.T) {
	s := Minimal()
	for _, tc := range []struct {
		fork ForkName
		max  Gwei
		want []ValidatorIndex
	}{
		{Phase0, s.MaxEffectiveBalance, []ValidatorIndex{18, 27, 48, 33, 33, 45}},
		{Electra, s.MaxEffectiveBalanceElectra, []ValidatorIndex{30, 21, 39, 33, 12, 33}},
		{Fulu, s.MaxEffectiveBalanceElectra, []ValidatorIndex{30, 21, 39, 33, 12, 33}},
	} {
		balance := func(i ValidatorIndex) Gwei {
			h := sha256.Sum256([]byte{byte(i)})
			return (Gwei(h[0])%(tc.max/1_000_000_000) + 1) * 1_000_000_000
		}
		var indices []ValidatorIndex
		for i := ValidatorIndex(0); i < 50; i += 3 {
			indices = append(indices, i)
		}
		for k, want := range tc.want {
			seed := sha256.Sum256(append([]byte("proposer"), byte(k)))
			got, err := s.ComputeProposerIndex(tc.fork, indices, seed, balance)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("%s seed %d: proposer %d, want %d", tc.fork, k, got, want)
			}
		}
	}
	if _, err := s.ComputeProposerIndex(Phase0, nil, [32]byte{}, nil); !errors.Is(err, ErrNoCandidates) {
		t.Errorf("no candidates: %v", err)
	}
}
