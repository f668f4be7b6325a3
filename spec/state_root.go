package spec

import (
	"sync"

	"github.com/quetzal-eth/quetzal/ssz"
)

// The state root, cached.
//
// process_slot hashes the whole state at every slot, and a node checks
// every block's state_root. Hashed afresh, a mainnet state of a million
// validators takes about half a second. A state with caches (BuildCaches)
// therefore also carries a hash cache (ssz.HashCache): the Merkle trees of
// its large fields as last hashed, so that StateRoot re-hashes only what
// changed since.
//
// The hash cache compares each cached field with a copy of what it hashed
// last, except the largest lists that a block changes in few places:
// comparing the 128 MB of the registry alone would cost more than
// everything else a block changes. For those the state notes instead what
// the transition changed since its root was last computed, and StateRoot
// hands the notes to the hash cache as hints (ssz.HashTreeRootHinted):
//
//   - validators: every function of this package that changes a validator
//     in place notes its index (touchValidator), or notes that any may
//     have changed (epoch processing, upgrade_to_electra);
//   - balances: increase_balance and decrease_balance note the index, and
//     so does every other place that writes a balance;
//   - inactivity_scores: only epoch processing changes them, and notes it;
//   - randao_mixes: process_randao and process_randao_mixes_reset note the
//     mix they write.
//
// Elements appended to these lists need no note.
//
// Copies of a state share one hash cache, which always holds the trees of
// the state hashed last; the notes are used only if that state is the one
// being hashed now, or the one it was copied from, and otherwise every
// field is compared, which is slower but as exact.
//
// As with the other caches, a state changed other than by this package's
// functions must be given BuildCaches again, or DropCaches: BuildCaches
// forgets the notes and makes the next root compare everything. The
// spec-test runner checks the cached root of every post-state of the
// official vectors against its root.

// stateRootCache is the hash cache shared by a state and its copies.
type stateRootCache struct {
	mu    sync.Mutex
	cache ssz.HashCache
	// gen counts the roots computed with the cache; a state whose
	// rootTracking.gen equals it is the state the cache holds, changed
	// since only as its notes say. It starts at 1, so that a state that
	// was never hashed (gen 0) never matches.
	gen uint64
}

// rootTracking is what a state knows of its place in its hash cache.
type rootTracking struct {
	cache *stateRootCache // nil: hash without a cache
	gen   uint64          // cache.gen after this state's last root; 0: none
	// The notes of the changes since then, by field.
	validators, balances, inactivityScores, randaoMixes notes
}

// notes lists the indices of the elements of a list changed in place,
// with repeats; all says that any may have changed.
type notes struct {
	touched []int
	all     bool
}

// maxTouched is the number of notes above which a list is compared whole:
// a block changes a few dozen validators and a few hundred balances, epoch
// processing any.
const maxTouched = 4096

func (n *notes) touch(index int) {
	if n.all {
		return
	}
	if len(n.touched) >= maxTouched {
		n.touchAll()
		return
	}
	n.touched = append(n.touched, index)
}

func (n *notes) touchAll() { n.all, n.touched = true, nil }

func (n notes) copy() notes {
	n.touched = append([]int(nil), n.touched...)
	return n
}

// The positions of the noted lists among the fields of BeaconState, in
// every fork that has them.
const (
	validatorsField       = 11
	balancesField         = 12
	randaoMixesField      = 13
	inactivityScoresField = 21 // altair and later
)

// touchValidator notes that the validator at index is about to be changed
// in place.
func (st *BeaconState) touchValidator(index ValidatorIndex) {
	if st.roots.cache != nil {
		st.roots.validators.touch(int(index))
	}
}

// touchBalance notes that the balance at index is about to be changed.
func (st *BeaconState) touchBalance(index ValidatorIndex) {
	if st.roots.cache != nil {
		st.roots.balances.touch(int(index))
	}
}

// touchRandaoMix notes that the randao mix at index is about to change.
func (st *BeaconState) touchRandaoMix(index uint64) {
	if st.roots.cache != nil {
		st.roots.randaoMixes.touch(int(index))
	}
}

// touchRegistry notes that any validator and balance may be about to
// change, and with them the inactivity scores: epoch processing.
func (st *BeaconState) touchRegistry() {
	st.roots.validators.touchAll()
	st.roots.balances.touchAll()
	st.roots.inactivityScores.touchAll()
}

// copy returns the tracking of a copy of the state: the same cache, and
// notes of its own.
func (r rootTracking) copy() rootTracking {
	if r.cache == nil {
		return rootTracking{}
	}
	r.validators = r.validators.copy()
	r.balances = r.balances.copy()
	r.inactivityScores = r.inactivityScores.copy()
	r.randaoMixes = r.randaoMixes.copy()
	return r
}

// StateRoot returns hash_tree_root(state) under st's fork. A state with
// caches (BuildCaches) uses its hash cache, which re-hashes only what
// changed since the root was last computed for it or for the state it was
// copied from.
func (s *Spec) StateRoot(st *BeaconState) (Root, error) {
	fork := s.StateFork(st)
	schema := s.Schema(fork)
	r := &st.roots
	if r.cache == nil {
		return HashTreeRoot(schema, st)
	}
	c := r.cache
	c.mu.Lock()
	defer c.mu.Unlock()
	var hints []ssz.Hint
	if r.gen == c.gen {
		hint := func(field int, n *notes) {
			if !n.all {
				hints = append(hints, ssz.Hint{Field: field, Elements: n.touched})
			}
		}
		hint(validatorsField, &r.validators)
		hint(balancesField, &r.balances)
		hint(randaoMixesField, &r.randaoMixes)
		if fork >= Altair {
			hint(inactivityScoresField, &r.inactivityScores)
		}
	}
	root, err := ssz.HashTreeRootHinted(st, schema, &c.cache, hints...)
	c.gen++
	*r = rootTracking{cache: c, gen: c.gen}
	if err != nil {
		// The cache dropped its trees; nothing holds this state now.
		r.gen = 0
		return Root{}, err
	}
	return Root(root), nil
}

// resetRootTracking gives st a hash cache (keeping the one it has) and
// forgets its notes: the next root compares every field.
func (st *BeaconState) resetRootTracking() {
	c := st.roots.cache
	if c == nil {
		c = &stateRootCache{gen: 1}
	}
	st.roots = rootTracking{cache: c}
}
