package spec

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/quetzal-eth/quetzal/spec/bls"
)

// Caches beside the state.
//
// Several helpers of the spec recompute, on every call, values that depend
// on the whole registry: get_active_validator_indices scans every
// validator, get_beacon_committee shuffles position by position,
// get_total_active_balance sums every active validator, and a block asks
// for them thousands of times. A BeaconState can carry caches of these
// values beside its fields (they are not part of its SSZ schema):
//
//   - for the state's previous, current and next epoch: the active
//     indices, the active indices shuffled with the epoch's attester seed
//     (every committee of the epoch is a slice of it) and the committee
//     count per slot; and, computed when an attestation first needs them,
//     the sums of the pubkeys of its committees;
//   - for the current epoch: the total active balance, every validator's
//     effective balance in increments, and before fulu the proposer of
//     every slot (fulu keeps them in the state's proposer_lookahead);
//   - the index of every validator's pubkey, and the decompressed pubkeys
//     (see ValidatorIndexByPubkey and ValidatorPublicKey).
//
// The caches are built explicitly by BuildCaches. At each epoch boundary
// ProcessSlots moves them on to the new epoch (rotateCaches), reusing the
// shufflings that are still valid. A state without caches (a decoded
// state, say) computes everything as the spec does; so does a state whose
// slot is no longer in the epoch the caches were built for.
//
// Why a cached value stays equal to the spec's while the state stays in
// its epoch and is changed only by the state transition:
//
//   - Active sets: activation and exit epochs are only ever set to
//     compute_activation_exit_epoch(current_epoch) = current_epoch + 1 +
//     MAX_SEED_LOOKAHEAD or later (process_registry_updates,
//     initiate_validator_exit, consolidations), and new validators start
//     with FAR_FUTURE_EPOCH; so the active set of an epoch up to
//     current_epoch + MAX_SEED_LOOKAHEAD never changes again.
//   - Seeds: the seed of epoch E comes from the randao mix of epoch
//     E - MIN_SEED_LOOKAHEAD - 1, before the current epoch for every cached
//     epoch; blocks write the mix of the current epoch and
//     process_randao_mixes_reset that of the next. Each committee lookup
//     also checks that the mix is still the one the shuffling was built
//     from.
//   - Effective balances, on which the total active balance and the
//     proposers depend, change only in process_effective_balance_updates
//     (and for validators that are not active: new validators,
//     upgrade_to_electra). The steps of process_epoch after it do not read
//     the current epoch's total active balance or proposers, and the
//     rotation after process_epoch computes them afresh.
//
// A state changed in any other way (a test that edits validators, say)
// must be given BuildCaches again, or DropCaches.

// stateCaches holds the caches of one state. Copy gives each copy its own
// stateCaches; the epoch caches it points to are never changed once built,
// and the pubkey cache only grows, so both are shared between copies.
type stateCaches struct {
	spec  *Spec    // the spec the caches were computed with
	epoch Epoch    // the state's current epoch when built or rotated
	fork  ForkName // the state's fork then

	// epochs holds the caches of the previous, current and next epoch; an
	// entry is nil when it could not be built.
	epochs [3]*epochCache
	// totalActiveBalance is get_total_active_balance for epoch; zero if not
	// cached (the spec's is never below EFFECTIVE_BALANCE_INCREMENT).
	totalActiveBalance Gwei
	// proposers holds the proposer of every slot of epoch before fulu; nil
	// if not cached.
	proposers []ValidatorIndex
	// increments holds each validator's effective balance in increments
	// (effective_balance // EFFECTIVE_BALANCE_INCREMENT), or noIncrements
	// where that does not fit: a block's attestation rewards read tens of
	// thousands of them, at random places of the registry, and this array
	// is a fiftieth of its size. Validators added since are not in it.
	increments []uint16
	// syncCommittee holds the validator indices of the current sync
	// committee's members (altair on); nil if not cached.
	syncCommittee *syncCommitteeCache

	pubkeys atomic.Pointer[pubkeyView]
}

// syncCommitteeCache is the index of each pubkey of a sync committee.
type syncCommitteeCache struct {
	pubkeys []BLSPubkey
	indices []ValidatorIndex
}

// epochCache holds what the committees of one epoch are made of.
type epochCache struct {
	epoch Epoch
	// mix is the randao mix the epoch's seeds are derived from.
	mix               Root
	active            []ValidatorIndex
	shuffled          []ValidatorIndex // active, shuffled with the attester seed
	committeesPerSlot uint64
	// sums holds the sum of the pubkeys of each committee of the epoch,
	// numbered as committee numbers them, computed when first asked for
	// (committeeSum).
	sums []atomic.Pointer[committeeSum]
}

// committeeSum is the sum of the decompressed pubkeys of a committee; key
// is nil if a member's pubkey is not a valid point or the sum is the
// identity.
type committeeSum struct {
	key *bls.PublicKey
}

// BuildCaches computes the caches of st from its current contents (see
// "Caches beside the state" above) and attaches them to st, replacing any
// it had. Call it on a state before processing blocks and epochs with it,
// and again after changing the state other than through the state
// transition. The shufflings of the three epochs and the pubkey index are
// built concurrently.
func (s *Spec) BuildCaches(st *BeaconState) {
	var old *pubkeyCache
	if st.caches != nil {
		if v := st.caches.pubkeys.Load(); v != nil {
			old = v.cache
		}
	}
	var pc *pubkeyCache
	var wg sync.WaitGroup
	wg.Go(func() { pc = newPubkeyCache(st.Validators, old) })
	c := s.buildEpochCaches(st, nil)
	wg.Wait()
	c.pubkeys.Store(&pubkeyView{cache: pc, synced: len(st.Validators)})
	st.caches = c
	cacheSyncCommittee(st)
	st.resetRootTracking()
}

// DropCaches removes the caches of st, its hash cache too: from then on
// every helper computes as the spec does, until BuildCaches.
func (st *BeaconState) DropCaches() { st.caches, st.roots = nil, rootTracking{} }

// clone returns a stateCaches with the same contents, for a copy of the
// state.
func (c *stateCaches) clone() *stateCaches {
	if c == nil {
		return nil
	}
	out := &stateCaches{spec: c.spec, epoch: c.epoch, fork: c.fork, epochs: c.epochs,
		totalActiveBalance: c.totalActiveBalance, proposers: c.proposers, increments: c.increments,
		syncCommittee: c.syncCommittee}
	out.pubkeys.Store(c.pubkeys.Load())
	return out
}

// rotateCaches moves the caches of st on to its new epoch; ProcessSlots
// calls it at the first slot of every epoch, after process_epoch and the
// fork upgrades. The old current and next epochs become the previous and
// current ones (their active sets and seeds cannot have changed, see
// above); the new next epoch is built, and the total active balance and
// proposers are computed with the effective balances that process_epoch
// left. A state without caches keeps none; caches that are not those of
// the epoch before are rebuilt.
func (s *Spec) rotateCaches(st *BeaconState) {
	c := st.caches
	if c == nil {
		return
	}
	current := s.GetCurrentEpoch(st)
	if c.spec == s && c.epoch == current {
		return
	}
	if c.spec != s || c.epoch+1 != current || c.epochs[1] == nil || c.epochs[2] == nil || c.epochs[2].epoch != current {
		nc := s.buildEpochCaches(st, nil)
		nc.pubkeys.Store(c.pubkeys.Load())
		st.caches = nc
		cacheSyncCommittee(st)
		return
	}
	nc := s.buildEpochCaches(st, &[2]*epochCache{c.epochs[1], c.epochs[2]})
	nc.pubkeys.Store(c.pubkeys.Load())
	st.caches = nc
	cacheSyncCommittee(st)
}

// cacheSyncCommittee caches the indices of the current sync committee's
// members, which a block's sync aggregate pays; the committee changes
// only at a sync committee period's first epoch, in process_epoch.
func cacheSyncCommittee(st *BeaconState) {
	pubkeys := st.CurrentSyncCommittee.Pubkeys
	if c := st.caches.syncCommittee; c != nil && slices.Equal(c.pubkeys, pubkeys) {
		return
	}
	st.caches.syncCommittee = nil
	if len(pubkeys) == 0 {
		return // before altair
	}
	if indices, err := syncCommitteeIndices(st, pubkeys); err == nil {
		st.caches.syncCommittee = &syncCommitteeCache{pubkeys: slices.Clone(pubkeys), indices: indices}
	}
}

// buildEpochCaches computes the epoch caches of st, reusing reuse's
// previous and current epoch if given (a rotation), on several cores.
func (s *Spec) buildEpochCaches(st *BeaconState, reuse *[2]*epochCache) *stateCaches {
	current := s.GetCurrentEpoch(st)
	c := &stateCaches{spec: s, epoch: current, fork: s.StateFork(st)}
	if uint64(len(st.RandaoMixes)) != uint64(s.EpochsPerHistoricalVector) {
		// Not a well-formed state: leave every helper to the spec.
		return c
	}
	epochs := [3]Epoch{s.GetPreviousEpoch(st), current, current + 1}
	var active [3][]ValidatorIndex
	if reuse != nil {
		c.epochs[0], c.epochs[1] = reuse[0], reuse[1]
		active[2] = activeIndicesAt(st.Validators, epochs[2:])[0]
	} else {
		copy(active[:], activeIndicesAt(st.Validators, epochs[:]))
	}

	var wg sync.WaitGroup
	for i := range c.epochs {
		if c.epochs[i] != nil {
			continue
		}
		if i == 1 && epochs[0] == epochs[1] {
			continue // genesis: the previous epoch is the current one
		}
		wg.Go(func() { c.epochs[i] = s.newEpochCache(st, epochs[i], active[i]) })
	}
	currentActive := active[1]
	if reuse != nil {
		currentActive = c.epochs[1].active
	}
	wg.Go(func() { c.increments = effectiveIncrements(st.Validators, s.EffectiveBalanceIncrement) })
	c.totalActiveBalance = s.GetTotalBalance(st, currentActive)
	if c.fork < Fulu {
		wg.Go(func() {
			if p, err := s.epochProposers(st, c.fork, current, currentActive); err == nil {
				c.proposers = p
			}
		})
	}
	wg.Wait()
	if epochs[0] == epochs[1] && c.epochs[1] == nil {
		c.epochs[1] = c.epochs[0]
	}
	return c
}

// activeIndicesAt returns get_active_validator_indices at each epoch, from
// one pass over the registry.
func activeIndicesAt(validators []Validator, epochs []Epoch) [][]ValidatorIndex {
	out := make([][]ValidatorIndex, len(epochs))
	for i := range out {
		out[i] = make([]ValidatorIndex, 0, len(validators))
	}
	for i := range validators {
		v := &validators[i]
		for j, e := range epochs {
			if IsActiveValidator(v, e) {
				out[j] = append(out[j], ValidatorIndex(i))
			}
		}
	}
	for i := range out {
		out[i] = slices.Clip(out[i])
	}
	return out
}

// newEpochCache shuffles the active indices of epoch once, with the seed
// get_beacon_committee uses: compute_committee's committee k of count is
// then shuffled[n*k/count : n*(k+1)/count].
func (s *Spec) newEpochCache(st *BeaconState, epoch Epoch, active []ValidatorIndex) *epochCache {
	shuffled := slices.Clone(active)
	ShuffleList(s, shuffled, s.GetSeed(st, epoch, DomainBeaconAttester))
	perSlot := s.committeeCountPerSlot(uint64(len(active)))
	return &epochCache{
		epoch:             epoch,
		mix:               s.GetRandaoMix(st, s.seedMixEpoch(epoch)),
		active:            active,
		shuffled:          shuffled,
		committeesPerSlot: perSlot,
		sums:              make([]atomic.Pointer[committeeSum], perSlot*uint64(s.SlotsPerEpoch)),
	}
}

// seedMixEpoch is the epoch whose randao mix get_seed reads for epoch.
func (s *Spec) seedMixEpoch(epoch Epoch) Epoch {
	return epoch + s.EpochsPerHistoricalVector - s.MinSeedLookahead - 1
}

// epochProposers returns the proposer of every slot of epoch, as
// get_beacon_proposer_index gives it at that slot with the active indices
// of epoch (the same as fulu's get_beacon_proposer_indices). The slots are
// spread over the cores.
func (s *Spec) epochProposers(st *BeaconState, fork ForkName, epoch Epoch, active []ValidatorIndex) ([]ValidatorIndex, error) {
	base := s.GetSeed(st, epoch, DomainBeaconProposer)
	start := s.ComputeStartSlotAtEpoch(epoch)
	effective := func(i ValidatorIndex) Gwei { return st.Validators[i].EffectiveBalance }
	out := make([]ValidatorIndex, s.SlotsPerEpoch)
	errs := make([]error, len(out))
	workers := min(runtime.GOMAXPROCS(0), len(out))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(out); i += workers {
				seed := hash(base[:], uintToBytes8(uint64(start)+uint64(i)))
				out[i], errs[i] = s.ComputeProposerIndex(fork, active, seed, effective)
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// noIncrements marks an effective balance of more increments than a
// uint16 holds (only in a made-up state).
const noIncrements = ^uint16(0)

// effectiveIncrements returns the effective balance of every validator in
// increments.
func effectiveIncrements(validators []Validator, increment Gwei) []uint16 {
	if increment == 0 {
		return nil
	}
	out := make([]uint16, len(validators))
	for i := range validators {
		n := validators[i].EffectiveBalance / increment
		if n >= Gwei(noIncrements) {
			n = Gwei(noIncrements)
		}
		out[i] = uint16(n)
	}
	return out
}

// --- Lookups, for the helpers in helpers.go ---

// cachedIncrements returns the effective balances in increments of the
// validators that st had when its caches were built or rotated, if it has
// caches for its epoch; nil if not. Within an epoch the effective balance
// of such a validator changes only in process_effective_balance_updates
// (and upgrade_to_electra), after which ProcessSlots rotates the caches
// before any block: so the values hold for the operations of a block.
func (s *Spec) cachedIncrements(st *BeaconState) []uint16 {
	c := st.caches
	if c == nil || c.spec != s || s.GetCurrentEpoch(st) != c.epoch {
		return nil
	}
	return c.increments
}

// epochCacheOf returns the cache of epoch if st has one it can trust: built
// with s, while st is in the epoch it was built or rotated for.
func (s *Spec) epochCacheOf(st *BeaconState, epoch Epoch) *epochCache {
	c := st.caches
	if c == nil || c.spec != s || s.GetCurrentEpoch(st) != c.epoch {
		return nil
	}
	for _, e := range c.epochs {
		if e != nil && e.epoch == epoch {
			return e
		}
	}
	return nil
}

// shufflingOf is epochCacheOf for a lookup of committees, which also
// depend on the seed: the randao mix it comes from must be unchanged.
func (s *Spec) shufflingOf(st *BeaconState, epoch Epoch) *epochCache {
	e := s.epochCacheOf(st, epoch)
	if e == nil || s.GetRandaoMix(st, s.seedMixEpoch(epoch)) != e.mix {
		return nil
	}
	return e
}

// committee is compute_committee of get_beacon_committee, sliced from the
// shuffled active indices.
func (e *epochCache) committee(s *Spec, slot Slot, index CommitteeIndex) ([]ValidatorIndex, error) {
	if uint64(index) >= e.committeesPerSlot {
		return nil, invalidf("committee index %d, slot %d has %d committees", index, slot, e.committeesPerSlot)
	}
	n := uint64(len(e.shuffled))
	count := e.committeesPerSlot * uint64(s.SlotsPerEpoch)
	k := (uint64(slot)%uint64(s.SlotsPerEpoch))*e.committeesPerSlot + uint64(index)
	start, end := n*k/count, n*(k+1)/count
	return e.shuffled[start:end:end], nil
}

// committeeKey returns the sum of the pubkeys of committee index at slot
// (as committee gives it), computing it the first time; nil if that
// cannot be used (see committeeSum).
func (e *epochCache) committeeKey(s *Spec, st *BeaconState, slot Slot, index CommitteeIndex, committee []ValidatorIndex) *bls.PublicKey {
	k := (uint64(slot)%uint64(s.SlotsPerEpoch))*e.committeesPerSlot + uint64(index)
	if k >= uint64(len(e.sums)) {
		return nil
	}
	if c := e.sums[k].Load(); c != nil {
		return c.key
	}
	c := &committeeSum{}
	if keys, err := s.ValidatorPublicKeys(st, committee); err == nil {
		c.key = bls.SumKeys(keys, nil)
	}
	e.sums[k].Store(c)
	return c.key
}

// PrepareCommitteeKeys computes, on every core, the sums of the pubkeys of
// the committees at slot that are not cached yet (see committeeKey), which
// the first block with attestations of that slot would otherwise compute:
// about 10 ms per slot for a million validators. A node may call it once a
// slot is over, before the next block. It does nothing without caches for
// slot's epoch.
func (s *Spec) PrepareCommitteeKeys(st *BeaconState, slot Slot) {
	e := s.shufflingOf(st, s.ComputeEpochAtSlot(slot))
	if e == nil {
		return
	}
	indices := make([]CommitteeIndex, e.committeesPerSlot)
	for i := range indices {
		indices[i] = CommitteeIndex(i)
	}
	s.sumCommittees(st, e, slot, indices)
}

// sumCommittees computes the pubkey sums of the committees indices at slot
// that are not cached yet, on every core.
func (s *Spec) sumCommittees(st *BeaconState, e *epochCache, slot Slot, indices []CommitteeIndex) {
	var todo []CommitteeIndex
	for _, ci := range indices {
		k := (uint64(slot)%uint64(s.SlotsPerEpoch))*e.committeesPerSlot + uint64(ci)
		if k < uint64(len(e.sums)) && e.sums[k].Load() == nil {
			todo = append(todo, ci)
		}
	}
	parts := min(runtime.GOMAXPROCS(0), len(todo))
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() {
			for j := p; j < len(todo); j += parts {
				if committee, err := e.committee(s, slot, todo[j]); err == nil {
					e.committeeKey(s, st, slot, todo[j], committee)
				}
			}
		})
	}
	wg.Wait()
}

// verifyAttestationByCommittees checks the signature of a, an attestation
// since electra whose committees and aggregation bits have been checked,
// as is_valid_indexed_attestation does, with the cached sums of its
// committees' pubkeys less the pubkeys of the members that did not attest:
// the committees of a slot are disjoint, so that is the sum of the
// attesters' pubkeys, for a fraction of the additions. It reports false,
// having checked nothing, where the caches cannot serve: then the caller
// checks the indexed attestation.
func (t *Transition) verifyAttestationByCommittees(st *BeaconState, a *Attestation) (bool, error) {
	if t.Signatures == SignaturesOff {
		return false, nil
	}
	data := &a.Data
	e := t.shufflingOf(st, t.ComputeEpochAtSlot(data.Slot))
	if e == nil {
		return false, nil
	}
	t.sumCommittees(st, e, data.Slot, GetCommitteeIndices(a.CommitteeBits))
	var sums []*bls.PublicKey
	var absent []ValidatorIndex
	offset := 0
	for _, ci := range GetCommitteeIndices(a.CommitteeBits) {
		committee, err := e.committee(t.Spec, data.Slot, ci)
		if err != nil || offset+len(committee) > a.AggregationBits.Len() {
			return false, nil
		}
		key := e.committeeKey(t.Spec, st, data.Slot, ci, committee)
		if key == nil {
			return false, nil
		}
		sums = append(sums, key)
		for i, index := range committee {
			if !a.AggregationBits.Get(offset + i) {
				absent = append(absent, index)
			}
		}
		offset += len(committee)
	}
	if len(sums) == 0 {
		return false, nil
	}
	absentKeys, err := t.ValidatorPublicKeys(st, absent)
	if err != nil {
		return false, nil
	}
	domain := t.GetDomain(st, DomainBeaconAttester, data.Target.Epoch)
	root, err := t.signingRoot(st, data, domain)
	if err != nil {
		return true, err
	}
	total := bls.SumKeys(sums, absentKeys)
	if total == nil {
		// Every key is valid, so the attesters' keys sum to the identity,
		// which FastAggregateVerify rejects.
		return true, ErrBadSignature
	}
	return true, t.verifyKeys([]*bls.PublicKey{total}, root, a.Signature)
}

// cachedTotalActiveBalance returns get_total_active_balance if cached.
func (s *Spec) cachedTotalActiveBalance(st *BeaconState) (Gwei, bool) {
	c := st.caches
	if c == nil || c.spec != s || c.totalActiveBalance == 0 || s.GetCurrentEpoch(st) != c.epoch {
		return 0, false
	}
	return c.totalActiveBalance, true
}

// cachedProposer returns get_beacon_proposer_index if cached (before
// fulu). Its seed comes from the same randao mix as the current epoch's
// shuffling.
func (s *Spec) cachedProposer(st *BeaconState, fork ForkName) (ValidatorIndex, bool) {
	c := st.caches
	if c == nil || c.proposers == nil || c.fork != fork || s.shufflingOf(st, c.epoch) == nil {
		return 0, false
	}
	return c.proposers[uint64(st.Slot)%uint64(s.SlotsPerEpoch)], true
}

// --- Pubkeys ---

// pubkeyCache maps the pubkeys of a registry to their indices and keeps
// their decompressed form. Validators are only ever appended to a registry
// and never change pubkey, so one pubkeyCache serves a state and its
// copies; entries are only appended. A copy that appends other validators
// than the cache already holds at those indices (another branch of the
// chain) gets a cache of its own. Safe for concurrent use.
type pubkeyCache struct {
	mu      sync.RWMutex
	pubkeys []BLSPubkey      // of validator i, as first recorded
	keys    []*bls.PublicKey // decompressed pubkeys[i]; nil until asked
	// table indexes the distinct pubkeys of pubkeys by their first index:
	// an open-addressing hash table with linear probing, which builds for
	// a million validators several times faster than a Go map. A slot holds
	// the pubkey's first 8 bytes, which spare most full comparisons, and
	// its index plus one (0: empty); at most half the slots are used.
	table []pubkeySlot
	used  int
}

type pubkeySlot struct {
	prefix uint64
	index1 uint64
}

func pubkeyPrefix(pk *BLSPubkey) uint64 { return binary.LittleEndian.Uint64(pk[:8]) }

// slot returns the slot that holds pk, or the empty slot where it goes.
func (pc *pubkeyCache) slot(pk *BLSPubkey) *pubkeySlot {
	p := pubkeyPrefix(pk)
	mask := uint64(len(pc.table) - 1)
	// The first bytes of a compressed point carry flag bits; multiplying
	// by an odd constant spreads every bit into the high ones.
	h := (p * 0x9e3779b97f4a7c15) >> (64 - bits.Len64(mask))
	for ; ; h = (h + 1) & mask {
		s := &pc.table[h]
		if s.index1 == 0 || (s.prefix == p && pc.pubkeys[s.index1-1] == *pk) {
			return s
		}
	}
}

// add indexes pubkeys[i], which must be recorded already, unless an
// earlier validator has the same pubkey.
func (pc *pubkeyCache) add(i int) {
	if 2*(pc.used+1) > len(pc.table) {
		old := pc.table
		pc.table = make([]pubkeySlot, max(16, 2*len(old)))
		for _, s := range old {
			if s.index1 != 0 {
				*pc.slot(&pc.pubkeys[s.index1-1]) = s
			}
		}
	}
	pk := &pc.pubkeys[i]
	if s := pc.slot(pk); s.index1 == 0 {
		*s = pubkeySlot{prefix: pubkeyPrefix(pk), index1: uint64(i) + 1}
		pc.used++
	}
}

// lookup returns the first i with pubkeys[i] == pk.
func (pc *pubkeyCache) lookup(pk *BLSPubkey) (ValidatorIndex, bool) {
	pc.mu.RLock()
	defer pc.mu.RUnlock()
	if len(pc.table) == 0 {
		return 0, false
	}
	s := pc.slot(pk)
	return ValidatorIndex(s.index1 - 1), s.index1 != 0
}

// pubkeyView is a state's view of a pubkeyCache: its validators
// [0, synced) are the first synced entries of the cache.
type pubkeyView struct {
	cache  *pubkeyCache
	synced int
}

// newPubkeyCache indexes validators, taking the decompressed keys from
// old where it holds the same pubkey at the same index.
func newPubkeyCache(validators []Validator, old *pubkeyCache) *pubkeyCache {
	pc := &pubkeyCache{
		pubkeys: make([]BLSPubkey, len(validators)),
		keys:    make([]*bls.PublicKey, len(validators)),
		table:   make([]pubkeySlot, max(16, 1<<bits.Len(uint(2*len(validators))))),
	}
	for i := range validators {
		pc.pubkeys[i] = validators[i].Pubkey
		pc.add(i)
	}
	if old != nil {
		old.mu.RLock()
		for i := range min(len(old.keys), len(validators)) {
			if old.keys[i] != nil && old.pubkeys[i] == pc.pubkeys[i] {
				pc.keys[i] = old.keys[i]
			}
		}
		old.mu.RUnlock()
	}
	return pc
}

// pubkeysOf returns the pubkey cache of st, first recording the validators
// appended to st since it last looked; nil if st has no caches.
func pubkeysOf(st *BeaconState) *pubkeyCache {
	if st.caches == nil {
		return nil
	}
	v := st.caches.pubkeys.Load()
	if v == nil {
		return nil
	}
	n := len(st.Validators)
	if v.synced == n {
		return v.cache
	}
	pc := v.cache
	diverged := false
	pc.mu.Lock()
	for i := min(v.synced, n); i < n; i++ {
		pk := st.Validators[i].Pubkey
		if i < len(pc.pubkeys) {
			if pc.pubkeys[i] != pk {
				diverged = true
				break
			}
			continue
		}
		pc.pubkeys = append(pc.pubkeys, pk)
		pc.keys = append(pc.keys, nil)
		pc.add(i)
	}
	pc.mu.Unlock()
	if diverged {
		pc = newPubkeyCache(st.Validators, pc)
	}
	st.caches.pubkeys.Store(&pubkeyView{cache: pc, synced: n})
	return pc
}

// ValidatorIndexByPubkey returns the index of the first validator of st
// with pubkey pk, as the spec's validator_pubkeys.index(pubkey) does, and
// whether there is one. With caches it takes a map lookup; without, a scan
// of the registry.
func (s *Spec) ValidatorIndexByPubkey(st *BeaconState, pk BLSPubkey) (ValidatorIndex, bool) {
	if pc := pubkeysOf(st); pc != nil {
		i, ok := pc.lookup(&pk)
		if !ok || uint64(i) >= uint64(len(st.Validators)) {
			return 0, false
		}
		if st.Validators[i].Pubkey == pk {
			return i, true
		}
		// The state was changed behind the cache's back: scan.
	}
	for i := range st.Validators {
		if st.Validators[i].Pubkey == pk {
			return ValidatorIndex(i), true
		}
	}
	return 0, false
}

// ValidatorPublicKey returns the decompressed and validated pubkey of
// validator index of st, or an error if the index is out of range or the
// pubkey is not a valid G1 point. With caches a pubkey is decompressed once
// and kept for the state and its copies.
func (s *Spec) ValidatorPublicKey(st *BeaconState, index ValidatorIndex) (*bls.PublicKey, error) {
	if err := checkValidatorIndex(st, index); err != nil {
		return nil, err
	}
	raw := bls.Pubkey(st.Validators[index].Pubkey)
	pc := pubkeysOf(st)
	if pc != nil {
		pc.mu.RLock()
		k := pc.keys[index]
		pc.mu.RUnlock()
		if k != nil && k.Bytes() == raw {
			return k, nil
		}
	}
	k, err := bls.PublicKeyFromBytes(raw)
	if err != nil {
		return nil, fmt.Errorf("pubkey of validator %d: %w", index, err)
	}
	if pc != nil {
		pc.setKey(index, k)
	}
	return k, nil
}

// ValidatorPublicKeys is ValidatorPublicKey for each of indices (the
// signers of an aggregate, say), taking the caches' lock once.
func (s *Spec) ValidatorPublicKeys(st *BeaconState, indices []ValidatorIndex) ([]*bls.PublicKey, error) {
	for _, index := range indices {
		if err := checkValidatorIndex(st, index); err != nil {
			return nil, err
		}
	}
	out := make([]*bls.PublicKey, len(indices))
	missing := false
	if pc := pubkeysOf(st); pc != nil {
		pc.mu.RLock()
		for j, index := range indices {
			if k := pc.keys[index]; k != nil && k.Bytes() == bls.Pubkey(st.Validators[index].Pubkey) {
				out[j] = k
			} else {
				missing = true
			}
		}
		pc.mu.RUnlock()
	} else {
		missing = true
	}
	if missing {
		for j, index := range indices {
			if out[j] == nil {
				k, err := s.ValidatorPublicKey(st, index)
				if err != nil {
					return nil, err
				}
				out[j] = k
			}
		}
	}
	return out, nil
}

// setKey records k, the decompressed pubkey of validator i, if the cache
// holds that pubkey at i.
func (pc *pubkeyCache) setKey(i ValidatorIndex, k *bls.PublicKey) {
	pc.mu.Lock()
	if uint64(i) < uint64(len(pc.keys)) && bls.Pubkey(pc.pubkeys[i]) == k.Bytes() {
		pc.keys[i] = k
	}
	pc.mu.Unlock()
}

// ErrNoCaches is returned by DecompressPubkeys for a state without caches.
var ErrNoCaches = errors.New("state has no caches (BuildCaches)")

// DecompressPubkeys decompresses the pubkey of every validator of st into
// its caches, on every core, so that signature checks find them ready (a
// node does this once at startup; a pubkey takes tens of microseconds).
// Pubkeys that are not valid G1 points are left out; ValidatorPublicKey
// reports them.
func (s *Spec) DecompressPubkeys(st *BeaconState) error {
	pc := pubkeysOf(st)
	if pc == nil {
		return ErrNoCaches
	}
	pc.mu.RLock()
	n := min(len(pc.keys), len(st.Validators))
	var todo []int
	for i := range n {
		if pc.keys[i] == nil {
			todo = append(todo, i)
		}
	}
	pc.mu.RUnlock()
	keys := make([]*bls.PublicKey, len(todo))
	workers := max(1, min(runtime.GOMAXPROCS(0), len(todo)))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for j := w; j < len(todo); j += workers {
				keys[j], _ = bls.PublicKeyFromBytes(bls.Pubkey(st.Validators[todo[j]].Pubkey))
			}
		})
	}
	wg.Wait()
	pc.mu.Lock()
	for j, i := range todo {
		if keys[j] != nil && bls.Pubkey(pc.pubkeys[i]) == keys[j].Bytes() {
			pc.keys[i] = keys[j]
		}
	}
	pc.mu.Unlock()
	return nil
}
