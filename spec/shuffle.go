package spec

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrShuffleIndex is returned by ComputeShuffledIndex for an index that is
// not below the index count.
var ErrShuffleIndex = errors.New("shuffle index out of range")

// The swap-or-not shuffle (phase0 beacon-chain.md, compute_shuffled_index;
// https://link.springer.com/content/pdf/10.1007%2F978-3-642-32009-5_1.pdf,
// the "generalized domain" algorithm on page 3).
//
// Round r of the shuffle is an involution f_r of [0, n): with
// pivot = hash(seed ‖ r)[0:8] mod n, an index x is paired with
// flip = (pivot - x) mod n, and the pair is swapped when the bit at
// position max(x, flip) of the round's random bit string is set. That bit
// string is hash(seed ‖ r ‖ uint32(k)) for its k-th 256-bit block.
// compute_shuffled_index(x) is f_{R-1}(...f_1(f_0(x))).

// roundPivot returns the pivot of a round.
func roundPivot(seed *[32]byte, round uint8, indexCount uint64) uint64 {
	var buf [33]byte
	copy(buf[:32], seed[:])
	buf[32] = round
	h := sha256.Sum256(buf[:])
	return binary.LittleEndian.Uint64(h[:8]) % indexCount
}

// roundSource returns the 32 bytes that hold the bits of positions
// [256*bucket, 256*bucket+256) of a round.
func roundSource(seed *[32]byte, round uint8, bucket uint64) [32]byte {
	var buf [37]byte
	copy(buf[:32], seed[:])
	buf[32] = round
	binary.LittleEndian.PutUint32(buf[33:], uint32(bucket))
	return sha256.Sum256(buf[:])
}

// flipOf returns (pivot - x) mod n for x, pivot < n, without overflow.
func flipOf(pivot, x, n uint64) uint64 {
	if x <= pivot {
		return pivot - x
	}
	return pivot + (n - x)
}

// ComputeShuffledIndex returns the shuffled index corresponding to seed
// (and indexCount) (compute_shuffled_index, phase0 beacon-chain.md). The
// specs now define it as compute_shuffled_permutation(...)[index]; this is
// the earlier per-index form of the same function, which follows one index
// through the rounds in O(SHUFFLE_ROUND_COUNT) hashes. To shuffle a whole
// list use ComputeShuffledPermutation or ShuffleList, which take one hash
// per 256 positions per round.
func (s *Spec) ComputeShuffledIndex(index, indexCount uint64, seed [32]byte) (uint64, error) {
	if index >= indexCount {
		return 0, fmt.Errorf("%w: index %d, count %d", ErrShuffleIndex, index, indexCount)
	}
	for r := uint64(0); r < s.ShuffleRoundCount; r++ {
		round := uint8(r)
		pivot := roundPivot(&seed, round, indexCount)
		flip := flipOf(pivot, index, indexCount)
		position := max(index, flip)
		source := roundSource(&seed, round, position/256)
		if source[(position%256)/8]>>(position%8)&1 == 1 {
			index = flip
		}
	}
	return index, nil
}

// ComputeShuffledPermutation returns the full shuffled permutation
// corresponding to seed (and indexCount): element i is
// compute_shuffled_index(i, indexCount, seed) (compute_shuffled_permutation,
// phase0 beacon-chain.md). An indexCount of 0 gives an empty permutation.
func (s *Spec) ComputeShuffledPermutation(indexCount uint64, seed [32]byte) []uint64 {
	out := make([]uint64, indexCount)
	for i := range out {
		out[i] = uint64(i)
	}
	shuffleList(s.ShuffleRoundCount, out, &seed)
	return out
}

// ShuffleList shuffles list in place so that afterwards list[i] holds the
// element that was at compute_shuffled_index(i, len(list), seed). Applied
// to the active validator indices of an epoch it gives every committee of
// the epoch at once: compute_committee(indices, seed, index, count) is
// list[len*index/count : len*(index+1)/count].
func ShuffleList[T any](s *Spec, list []T, seed [32]byte) {
	shuffleList(s.ShuffleRoundCount, list, &seed)
}

// shuffleList applies the rounds to positions rather than to values: a
// round swaps list[x] and list[flip] when the pair's bit is set, so list[x]
// becomes old list[f_r(x)]. Applying rounds R-1 down to 0 therefore leaves
// list[x] = old list[f_{R-1}(...f_0(x))], the shuffled index's element.
// Each pair is visited once, from its smaller member, and its bit lies at
// the larger one.
func shuffleList[T any](rounds uint64, list []T, seed *[32]byte) {
	n := uint64(len(list))
	if n <= 1 {
		return
	}
	// The random bits of every position of one round: bit p is bit p%8 of
	// byte p/8, since each 256-bit block is one hash.
	bits := make([]byte, (n+255)/256*32)
	for r := rounds; r > 0; r-- {
		round := uint8(r - 1)
		pivot := roundPivot(seed, round, n)
		for k := uint64(0); k < uint64(len(bits))/32; k++ {
			h := roundSource(seed, round, k)
			copy(bits[k*32:], h[:])
		}
		// The swaps are branch-free: each bit is random, so a branch on it
		// would be mispredicted half the time.
		// Pairs within [0, pivot]: x + flip = pivot.
		for x, flip := uint64(0), pivot; x < flip; x, flip = x+1, flip-1 {
			bit := bits[flip>>3] >> (flip & 7) & 1
			pair := [2]T{list[x], list[flip]}
			list[x], list[flip] = pair[bit], pair[bit^1]
		}
		// Pairs within (pivot, n): x + flip = pivot + n.
		for x, flip := pivot+1, n-1; x < flip; x, flip = x+1, flip-1 {
			bit := bits[flip>>3] >> (flip & 7) & 1
			pair := [2]T{list[x], list[flip]}
			list[x], list[flip] = pair[bit], pair[bit^1]
		}
	}
}

// ComputeCommittee returns the committee corresponding to indices, seed,
// index and committee count (compute_committee, phase0 beacon-chain.md). It
// shuffles one position at a time, as the spec does; to build every
// committee of an epoch, shuffle the indices once with ShuffleList and
// slice the result the same way.
func (s *Spec) ComputeCommittee(indices []ValidatorIndex, seed [32]byte, index, count uint64) ([]ValidatorIndex, error) {
	if index >= count {
		return nil, fmt.Errorf("%w: committee %d of %d", ErrShuffleIndex, index, count)
	}
	n := uint64(len(indices))
	start, end := n*index/count, n*(index+1)/count
	committee := make([]ValidatorIndex, 0, end-start)
	for i := start; i < end; i++ {
		j, err := s.ComputeShuffledIndex(i, n, seed)
		if err != nil {
			return nil, err
		}
		committee = append(committee, indices[j])
	}
	return committee, nil
}

// ErrNoCandidates is returned by ComputeProposerIndex for an empty
// candidate list.
var ErrNoCandidates = errors.New("no proposer candidates")

// ComputeProposerIndex returns from indices a random index sampled by
// effective balance (compute_proposer_index, phase0 beacon-chain.md,
// modified in electra to draw 16-bit random values and weigh against
// MAX_EFFECTIVE_BALANCE_ELECTRA). The state enters only through
// effectiveBalance, which returns state.validators[i].effective_balance;
// fork selects the version of the function.
func (s *Spec) ComputeProposerIndex(fork ForkName, indices []ValidatorIndex, seed [32]byte, effectiveBalance func(ValidatorIndex) Gwei) (ValidatorIndex, error) {
	if len(indices) == 0 {
		return 0, ErrNoCandidates
	}
	total := uint64(len(indices))
	var buf [40]byte
	copy(buf[:32], seed[:])
	// hash(seed + uint_to_bytes(i // perHash)) serves perHash consecutive
	// draws: 32 random bytes, or from electra 16 two-byte values.
	perHash := uint64(32)
	if fork >= Electra {
		perHash = 16
	}
	var randomBytes [32]byte
	block := ^uint64(0)
	for i := uint64(0); ; i++ {
		shuffled, err := s.ComputeShuffledIndex(i%total, total, seed)
		if err != nil {
			return 0, err
		}
		candidate := indices[shuffled]
		if b := i / perHash; b != block {
			binary.LittleEndian.PutUint64(buf[32:], b)
			randomBytes, block = sha256.Sum256(buf[:]), b
		}
		effective := uint64(effectiveBalance(candidate))
		if fork >= Electra {
			const maxRandomValue = 1<<16 - 1
			offset := i % 16 * 2
			randomValue := uint64(binary.LittleEndian.Uint16(randomBytes[offset : offset+2]))
			if effective*maxRandomValue >= uint64(s.MaxEffectiveBalanceElectra)*randomValue {
				return candidate, nil
			}
		} else {
			const maxRandomByte = 1<<8 - 1
			randomByte := uint64(randomBytes[i%32])
			if effective*maxRandomByte >= uint64(s.MaxEffectiveBalance)*randomByte {
				return candidate, nil
			}
		}
	}
}
