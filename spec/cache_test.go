package spec

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/quetzal-eth/quetzal/spec/bls"
	"github.com/quetzal-eth/quetzal/ssz"
)

// cacheTestState returns a state of fork with n validators whose
// activation and exit epochs lie around the state's epoch, so that the
// active sets of its previous, current and next epoch differ, with
// effective balances of every size the fork allows. Its pubkeys are
// random bytes (not curve points) except where a test sets real ones.
func cacheTestState(s *Spec, fork ForkName, seed uint64, n int) *BeaconState {
	r := rand.New(rand.NewPCG(seed, uint64(fork)))
	epoch := Epoch(17 + r.IntN(50))
	st := &BeaconState{
		Slot: s.ComputeStartSlotAtEpoch(epoch) + Slot(r.IntN(int(s.SlotsPerEpoch))),
		Fork: Fork{PreviousVersion: s.ForkVersion(max(fork, Altair) - 1), CurrentVersion: s.ForkVersion(fork)},
	}
	root := func() (x Root) {
		binary.LittleEndian.PutUint64(x[:], r.Uint64())
		binary.LittleEndian.PutUint64(x[8:], r.Uint64())
		return x
	}
	st.RandaoMixes = make([]Root, s.EpochsPerHistoricalVector)
	for i := range st.RandaoMixes {
		st.RandaoMixes[i] = root()
	}
	maxEffective := s.MaxEffectiveBalance
	if fork >= Electra {
		maxEffective = s.MaxEffectiveBalanceElectra
	}
	near := func() Epoch {
		if r.IntN(4) == 0 {
			return FarFutureEpoch
		}
		return epoch - 3 + Epoch(r.IntN(7))
	}
	for i := 0; i < n; i++ {
		v := Validator{ActivationEpoch: near(), ExitEpoch: near(), WithdrawableEpoch: FarFutureEpoch}
		if r.IntN(3) > 0 {
			v.ActivationEpoch = Epoch(r.IntN(int(epoch) - 3))
		}
		if v.ExitEpoch < v.ActivationEpoch {
			v.ExitEpoch = FarFutureEpoch
		}
		v.ActivationEligibilityEpoch = min(v.ActivationEpoch, epoch)
		v.EffectiveBalance = s.EffectiveBalanceIncrement * Gwei(r.Uint64N(uint64(maxEffective/s.EffectiveBalanceIncrement)+1))
		if r.IntN(2) == 0 {
			v.EffectiveBalance = s.MaxEffectiveBalance
		}
		h := sha256.Sum256(binary.LittleEndian.AppendUint64([]byte("cache test pubkey"), r.Uint64()))
		copy(v.Pubkey[:], h[:])
		st.Validators = append(st.Validators, v)
		st.Balances = append(st.Balances, v.EffectiveBalance)
	}
	if fork >= Fulu {
		st.ProposerLookahead = make([]ValidatorIndex, uint64(s.MinSeedLookahead+1)*uint64(s.SlotsPerEpoch))
		for i := range st.ProposerLookahead {
			st.ProposerLookahead[i] = ValidatorIndex(r.IntN(max(n, 1)))
		}
	}
	return st
}

// withoutCaches returns a shallow copy of st that has no caches, whose
// helpers therefore compute as the spec does.
func withoutCaches(st *BeaconState) *BeaconState {
	c := *st
	c.caches = nil
	return &c
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// compareHelpers checks that every cached helper gives on st what it gives
// without caches, for every slot and committee index (one past the last
// too) of the previous, current and next epoch, and the proposer of every
// slot of the current epoch.
func compareHelpers(t *testing.T, s *Spec, st *BeaconState, label string) {
	t.Helper()
	plain := withoutCaches(st)
	current := s.GetCurrentEpoch(st)
	for _, epoch := range []Epoch{s.GetPreviousEpoch(st), current, current + 1} {
		got, want := s.GetActiveValidatorIndices(st, epoch), s.GetActiveValidatorIndices(plain, epoch)
		if !slices.Equal(got, want) {
			t.Fatalf("%s: active indices of epoch %d: %d indices, want %d", label, epoch, len(got), len(want))
		}
		// The caller owns the result: shuffling it changes no cache.
		slices.Reverse(got)
		count := s.GetCommitteeCountPerSlot(st, epoch)
		if want := s.GetCommitteeCountPerSlot(plain, epoch); count != want {
			t.Fatalf("%s: committees per slot of epoch %d: %d, want %d", label, epoch, count, want)
		}
		start := s.ComputeStartSlotAtEpoch(epoch)
		for slot := start; slot < start+s.SlotsPerEpoch; slot++ {
			for index := CommitteeIndex(0); uint64(index) <= count; index++ {
				got, err := s.GetBeaconCommittee(st, slot, index)
				want, wantErr := s.GetBeaconCommittee(plain, slot, index)
				if !slices.Equal(got, want) || errText(err) != errText(wantErr) {
					t.Fatalf("%s: committee %d of slot %d: %v (%v), want %v (%v)", label, index, slot, got, err, want, wantErr)
				}
			}
		}
	}
	if got, want := s.GetTotalActiveBalance(st), s.GetTotalActiveBalance(plain); got != want {
		t.Fatalf("%s: total active balance %d, want %d", label, got, want)
	}
	slot := st.Slot
	defer func() { st.Slot, plain.Slot = slot, slot }()
	start := s.ComputeStartSlotAtEpoch(current)
	for st.Slot = start; st.Slot < start+s.SlotsPerEpoch; st.Slot++ {
		plain.Slot = st.Slot
		got, err := s.GetBeaconProposerIndex(st)
		want, wantErr := s.GetBeaconProposerIndex(plain)
		if got != want || errText(err) != errText(wantErr) {
			t.Fatalf("%s: proposer of slot %d: %d (%v), want %d (%v)", label, st.Slot, got, err, want, wantErr)
		}
	}
}

// requireCacheHits fails unless every cached helper of st finds its value
// in the caches, so that compareHelpers compared the cached path.
func requireCacheHits(t *testing.T, s *Spec, st *BeaconState, label string) {
	t.Helper()
	current := s.GetCurrentEpoch(st)
	for _, epoch := range []Epoch{s.GetPreviousEpoch(st), current, current + 1} {
		if s.shufflingOf(st, epoch) == nil {
			t.Fatalf("%s: epoch %d not cached", label, epoch)
		}
	}
	if _, ok := s.cachedTotalActiveBalance(st); !ok {
		t.Fatalf("%s: total active balance not cached", label)
	}
	fork := s.StateFork(st)
	_, ok := s.cachedProposer(st, fork)
	hasActive := len(s.GetActiveValidatorIndices(st, current)) > 0
	if ok != (fork < Fulu && hasActive) {
		t.Fatalf("%s: proposers cached: %v", label, ok)
	}
}

var cacheTestForks = []ForkName{Phase0, Altair, Deneb, Electra, Fulu}

func TestCachedHelpersEqualSpec(t *testing.T) {
	for _, s := range []*Spec{Minimal(), Mainnet()} {
		for _, fork := range cacheTestForks {
			for i, n := range []int{0, 1, 9, 300, 1100} {
				if s.Preset.Name == "mainnet" && n > 300 && fork != Electra {
					continue // the uncached committees take long on mainnet
				}
				label := fmt.Sprintf("%s %s n=%d", s.Preset.Name, fork, n)
				st := cacheTestState(s, fork, uint64(i), n)
				s.BuildCaches(st)
				requireCacheHits(t, s, st, label)
				compareHelpers(t, s, st, label)
			}
		}
	}
}

// At genesis the previous epoch is the current one.
func TestCachesAtGenesis(t *testing.T) {
	s := Minimal()
	st := cacheTestState(s, Altair, 3, 200)
	for i := range st.Validators {
		st.Validators[i].ActivationEpoch = min(st.Validators[i].ActivationEpoch, 1)
	}
	st.Slot = 3
	s.BuildCaches(st)
	requireCacheHits(t, s, st, "genesis")
	compareHelpers(t, s, st, "genesis")
}

// Changes the caches cannot see: the helpers fall back to the spec where a
// lookup can tell (another epoch, another seed, another spec), and
// BuildCaches restores equality where it cannot (a state edited by hand).
func TestCachesAfterChanges(t *testing.T) {
	s := Minimal()
	for _, fork := range cacheTestForks {
		st := cacheTestState(s, fork, 11, 400)
		s.BuildCaches(st)
		current := s.GetCurrentEpoch(st)

		// The randao mix that the current epoch's seed comes from.
		st.RandaoMixes[uint64(s.seedMixEpoch(current))%uint64(s.EpochsPerHistoricalVector)][0] ^= 1
		if s.shufflingOf(st, current) != nil {
			t.Fatalf("%s: shuffling kept after its randao mix changed", fork)
		}
		compareHelpers(t, s, st, fmt.Sprintf("%s: mix changed", fork))

		// The slot moved to another epoch without a rotation.
		st.Slot += 2 * s.SlotsPerEpoch
		if s.epochCacheOf(st, current+1) != nil {
			t.Fatalf("%s: caches used in another epoch", fork)
		}
		compareHelpers(t, s, st, fmt.Sprintf("%s: slot moved", fork))
		st.Slot -= 2 * s.SlotsPerEpoch

		// Another spec, even an equal one.
		other := s.Clone()
		if other.epochCacheOf(st, current) != nil {
			t.Fatalf("%s: caches used with another spec", fork)
		}
		compareHelpers(t, other, st, fmt.Sprintf("%s: other spec", fork))

		// Registry edits no transition makes: activations and exits in the
		// cached epochs, effective balances changed mid-epoch.
		for i := 0; i < len(st.Validators); i += 7 {
			v := &st.Validators[i]
			v.ActivationEpoch, v.ExitEpoch = current, current+1
			v.EffectiveBalance += s.EffectiveBalanceIncrement
		}
		s.BuildCaches(st)
		requireCacheHits(t, s, st, fork.String())
		compareHelpers(t, s, st, fmt.Sprintf("%s: registry edited and rebuilt", fork))

		// DropCaches: the spec again.
		st.DropCaches()
		if s.epochCacheOf(st, current) != nil {
			t.Fatalf("%s: caches after DropCaches", fork)
		}
	}
}

// A copy shares its original's caches and keeps them correct as the two
// go separate ways.
func TestCachesOfCopies(t *testing.T) {
	s := Minimal()
	st := cacheTestState(s, Electra, 5, 300)
	s.BuildCaches(st)
	cp := st.Copy()
	if cp.caches == st.caches || cp.caches.epochs != st.caches.epochs {
		t.Fatal("a copy should have its own caches pointing to the same epoch caches")
	}
	requireCacheHits(t, s, cp, "copy")
	compareHelpers(t, s, cp, "copy")
	cp.Validators[0].EffectiveBalance++
	s.BuildCaches(cp)
	compareHelpers(t, s, st, "original after the copy was rebuilt")
	compareHelpers(t, s, cp, "copy rebuilt")
}

// epochBoundary changes st as the state transition may between its last
// slot of one epoch and its first of the next (process_epoch: activations
// and exits from compute_activation_exit_epoch on, effective balances,
// deposits, the next epoch's randao mix; optionally a fork upgrade),
// moves it to the next epoch and rotates its caches.
func epochBoundary(s *Spec, st *BeaconState, r *rand.Rand, upgradeTo ForkName) {
	current := s.GetCurrentEpoch(st)
	st.Slot = s.ComputeStartSlotAtEpoch(current+1) - 1
	fork := s.StateFork(st)
	maxEffective := s.MaxEffectiveBalance
	if fork >= Electra {
		maxEffective = s.MaxEffectiveBalanceElectra
	}
	for i := range st.Validators {
		v := &st.Validators[i]
		switch r.IntN(10) {
		case 0:
			if v.ActivationEpoch == FarFutureEpoch {
				v.ActivationEpoch = s.ComputeActivationExitEpoch(current)
			}
		case 1:
			if v.ExitEpoch == FarFutureEpoch {
				v.ExitEpoch = s.ComputeActivationExitEpoch(current) + Epoch(r.IntN(3))
			}
		case 2, 3:
			v.EffectiveBalance = s.EffectiveBalanceIncrement * Gwei(r.Uint64N(uint64(maxEffective/s.EffectiveBalanceIncrement)+1))
		}
	}
	for k := 0; k < 3; k++ {
		v := st.Validators[r.IntN(len(st.Validators))]
		v.Pubkey[0] ^= 0xff
		v.ActivationEpoch, v.ExitEpoch = FarFutureEpoch, FarFutureEpoch
		st.Validators = append(st.Validators, v)
	}
	mixes := uint64(s.EpochsPerHistoricalVector)
	st.RandaoMixes[(uint64(current)+1)%mixes] = st.RandaoMixes[uint64(current)%mixes]
	st.Slot++
	if upgradeTo != 0 {
		st.Fork = Fork{PreviousVersion: st.Fork.CurrentVersion, CurrentVersion: s.ForkVersion(upgradeTo), Epoch: current + 1}
		if upgradeTo == Fulu {
			st.ProposerLookahead = make([]ValidatorIndex, uint64(s.MinSeedLookahead+1)*uint64(s.SlotsPerEpoch))
		}
	}
	s.rotateCaches(st)
}

// duringEpoch changes st as blocks within an epoch may: the current
// epoch's randao mix, exits from compute_activation_exit_epoch on,
// deposits, balances (not effective balances).
func duringEpoch(s *Spec, st *BeaconState, r *rand.Rand) {
	current := s.GetCurrentEpoch(st)
	st.RandaoMixes[uint64(current)%uint64(s.EpochsPerHistoricalVector)][5] ^= 0x55
	for k := 0; k < 5; k++ {
		v := &st.Validators[r.IntN(len(st.Validators))]
		if v.ExitEpoch == FarFutureEpoch {
			v.ExitEpoch = s.ComputeActivationExitEpoch(current)
		}
		st.Balances[r.IntN(len(st.Balances))] += 12345
	}
	v := st.Validators[0]
	v.Pubkey[1] ^= 0xff
	v.ActivationEpoch, v.ExitEpoch = FarFutureEpoch, FarFutureEpoch
	st.Validators = append(st.Validators, v)
	st.Slot++
}

// Over several epochs changed as the state transition changes them, the
// rotated caches reuse the shufflings of the epochs they already had and
// give the spec's results, across fork upgrades too (electra changed how
// proposers are drawn).
func TestRotateCaches(t *testing.T) {
	for _, s := range []*Spec{Minimal(), Mainnet()} {
		n := 600
		if s.Preset.Name == "mainnet" {
			n = 200
		}
		st := cacheTestState(s, Deneb, 21, n)
		st.Slot = s.ComputeStartSlotAtEpoch(s.GetCurrentEpoch(st))
		s.BuildCaches(st)
		r := rand.New(rand.NewPCG(4, 4))
		upgrades := map[int]ForkName{1: Electra, 3: Fulu}
		for k := 0; k < 5; k++ {
			before := st.caches.epochs
			epochBoundary(s, st, r, upgrades[k])
			label := fmt.Sprintf("%s epoch %d", s.Preset.Name, k)
			if st.caches.epochs[0] != before[1] || st.caches.epochs[1] != before[2] {
				t.Fatalf("%s: rotation rebuilt the shufflings it had", label)
			}
			requireCacheHits(t, s, st, label)
			compareHelpers(t, s, st, label)
			fresh := st.Copy()
			s.BuildCaches(fresh)
			for i := range fresh.caches.epochs {
				if !slices.Equal(fresh.caches.epochs[i].shuffled, st.caches.epochs[i].shuffled) {
					t.Fatalf("%s: rotated shuffling %d differs from a fresh one", label, i)
				}
			}
			duringEpoch(s, st, r)
			requireCacheHits(t, s, st, label+" after blocks")
			compareHelpers(t, s, st, label+" after blocks")
		}
	}
}

// Caches that are not those of the epoch before are rebuilt by the
// rotation; a state without caches gets none.
func TestRotateCachesRebuilds(t *testing.T) {
	s := Minimal()
	st := cacheTestState(s, Altair, 8, 300)
	s.rotateCaches(st)
	if st.caches != nil {
		t.Fatal("rotation built caches for a state without")
	}
	s.BuildCaches(st)
	st.Slot += 3 * s.SlotsPerEpoch
	s.rotateCaches(st)
	requireCacheHits(t, s, st, "skipped epochs")
	compareHelpers(t, s, st, "skipped epochs")
}

// A state advanced by ProcessSlots across epoch boundaries keeps caches
// that equal the spec (once process_epoch is implemented).
func TestProcessSlotsKeepsCaches(t *testing.T) {
	s := Minimal()
	st := cacheTestState(s, Electra, 2, 256)
	st.Slot = s.ComputeStartSlotAtEpoch(s.GetCurrentEpoch(st)) + 1
	s.fillForEpochProcessing(st)
	s.BuildCaches(st)
	tr := &Transition{Spec: s, Signatures: SignaturesOff}
	for k := 1; k <= 3; k++ {
		target := s.ComputeStartSlotAtEpoch(s.GetCurrentEpoch(st) + 1)
		if err := tr.ProcessSlots(st, target); err != nil {
			if errors.Is(err, ErrNotImplemented) {
				t.Skipf("epoch processing: %v", err)
			}
			t.Fatal(err)
		}
		label := fmt.Sprintf("epoch %d", k)
		requireCacheHits(t, s, st, label)
		compareHelpers(t, s, st, label)
	}
}

// fillForEpochProcessing gives a cacheTestState the fields process_epoch
// reads, consistent with its registry.
func (s *Spec) fillForEpochProcessing(st *BeaconState) {
	n := len(st.Validators)
	st.BlockRoots = make([]Root, s.SlotsPerHistoricalRoot)
	st.StateRoots = make([]Root, s.SlotsPerHistoricalRoot)
	st.Slashings = make([]Gwei, s.EpochsPerSlashingsVector)
	st.JustificationBits = ssz.Bitvector{0}
	st.PreviousEpochParticipation = make([]ParticipationFlags, n)
	st.CurrentEpochParticipation = make([]ParticipationFlags, n)
	for i := range st.CurrentEpochParticipation {
		st.PreviousEpochParticipation[i], st.CurrentEpochParticipation[i] = 7, 7
	}
	st.InactivityScores = make([]uint64, n)
	committee := SyncCommittee{Pubkeys: make([]BLSPubkey, s.SyncCommitteeSize)}
	st.CurrentSyncCommittee, st.NextSyncCommittee = committee, committee
	st.LatestExecutionPayloadHeader.LogsBloom = make([]byte, s.BytesPerLogsBloom)
	st.EarliestExitEpoch = s.GetCurrentEpoch(st)
	st.EarliestConsolidationEpoch = s.GetCurrentEpoch(st)
}

// --- Pubkeys ---

// realKey returns the secret key derived from i and its public key.
func realKey(t testing.TB, i uint64) (*bls.SecretKey, *bls.PublicKey) {
	t.Helper()
	h := sha256.Sum256(binary.LittleEndian.AppendUint64([]byte("cache test key"), i))
	h[0] &= 0x3f // below the group order
	sk, err := bls.SecretKeyFromBytes(h)
	if err != nil {
		t.Fatal(err)
	}
	return sk, sk.PublicKey()
}

// scanIndex is validator_pubkeys.index(pk), by a scan.
func scanIndex(st *BeaconState, pk BLSPubkey) (ValidatorIndex, bool) {
	for i := range st.Validators {
		if st.Validators[i].Pubkey == pk {
			return ValidatorIndex(i), true
		}
	}
	return 0, false
}

func checkIndexByPubkey(t *testing.T, s *Spec, st *BeaconState, pk BLSPubkey, label string) {
	t.Helper()
	got, ok := s.ValidatorIndexByPubkey(st, pk)
	want, wantOK := scanIndex(st, pk)
	if got != want || ok != wantOK {
		t.Fatalf("%s: index of %x: %d %v, want %d %v", label, pk[:4], got, ok, want, wantOK)
	}
}

func TestValidatorIndexByPubkey(t *testing.T) {
	s := Minimal()
	st := cacheTestState(s, Electra, 1, 500)
	// Duplicates: the first index wins, as list.index has it.
	st.Validators[300].Pubkey = st.Validators[17].Pubkey
	unknown := BLSPubkey{1, 2, 3}
	for _, cached := range []bool{false, true} {
		if cached {
			s.BuildCaches(st)
		}
		for i := range st.Validators {
			checkIndexByPubkey(t, s, st, st.Validators[i].Pubkey, fmt.Sprintf("cached %v", cached))
		}
		checkIndexByPubkey(t, s, st, unknown, "unknown")
	}
	if pubkeysOf(st) == nil {
		t.Fatal("no pubkey cache after BuildCaches")
	}

	// Deposits append validators; two copies append different ones at the
	// same indices, and each sees its own.
	n := len(st.Validators)
	a, b := st.Copy(), st.Copy()
	x, y := BLSPubkey{0xaa}, BLSPubkey{0xbb}
	a.Validators = append(a.Validators, Validator{Pubkey: x})
	b.Validators = append(b.Validators, Validator{Pubkey: y}, Validator{Pubkey: x})
	for _, c := range []struct {
		name string
		st   *BeaconState
	}{{"a", a}, {"b", b}, {"original", st}, {"a again", a}} {
		for _, pk := range []BLSPubkey{x, y, st.Validators[n-1].Pubkey, st.Validators[0].Pubkey} {
			checkIndexByPubkey(t, s, c.st, pk, c.name)
		}
	}
	if pubkeysOf(a) == pubkeysOf(b) {
		t.Fatal("copies that appended different validators share a pubkey cache")
	}
	if pubkeysOf(a) != pubkeysOf(st) {
		t.Fatal("the first copy to append should keep the shared cache")
	}

	// Pubkeys that share their first 8 bytes (the hash table's filter),
	// and enough new validators for the table to grow several times.
	for k := 0; k < 3000; k++ {
		pk := st.Validators[5+k%3].Pubkey
		binary.LittleEndian.PutUint64(pk[40:], uint64(k)+1)
		st.Validators = append(st.Validators, Validator{Pubkey: pk})
	}
	for i := range st.Validators {
		checkIndexByPubkey(t, s, st, st.Validators[i].Pubkey, "shared prefixes")
	}
	pk := st.Validators[6].Pubkey
	pk[47] ^= 1
	checkIndexByPubkey(t, s, st, pk, "shared prefix, absent")

	// A pubkey replaced by hand is not found at its old index; a rebuild
	// finds the new one.
	old := st.Validators[40].Pubkey
	st.Validators[40].Pubkey = BLSPubkey{0xcc}
	checkIndexByPubkey(t, s, st, old, "replaced")
	s.BuildCaches(st)
	checkIndexByPubkey(t, s, st, BLSPubkey{0xcc}, "replaced and rebuilt")

	// A registry cut short by hand.
	st.Validators = st.Validators[:100]
	checkIndexByPubkey(t, s, st, old, "cut")
	checkIndexByPubkey(t, s, st, st.Validators[99].Pubkey, "cut")
	st.Validators = append(st.Validators, Validator{Pubkey: y})
	checkIndexByPubkey(t, s, st, y, "cut and grown")
}

// The pubkey index itself, without the check against the state that
// ValidatorIndexByPubkey adds: it grows as validators are appended, and
// tells apart pubkeys that share the first 8 bytes it filters on.
func TestPubkeyTable(t *testing.T) {
	s := Minimal()
	st := cacheTestState(s, Electra, 4, 10)
	s.BuildCaches(st)
	for k := 0; k < 5000; k++ {
		pk := st.Validators[k%7].Pubkey
		binary.LittleEndian.PutUint64(pk[40:], uint64(k)+1)
		st.Validators = append(st.Validators, Validator{Pubkey: pk})
		if k%1000 == 0 || k == 4999 {
			pc := pubkeysOf(st)
			for i := range st.Validators {
				pk := &st.Validators[i].Pubkey
				if j, ok := pc.lookup(pk); !ok || j != ValidatorIndex(i) {
					t.Fatalf("%d validators: index of validator %d: %d %v", len(st.Validators), i, j, ok)
				}
			}
			pk := st.Validators[3].Pubkey
			pk[47] ^= 1
			if _, ok := pc.lookup(&pk); ok {
				t.Fatal("found a pubkey that shares only its first bytes")
			}
		}
	}
	if pc := pubkeysOf(st); len(pc.table) < 2*len(st.Validators) {
		t.Fatalf("table of %d slots for %d validators", len(pc.table), len(st.Validators))
	}
}

func TestValidatorPublicKey(t *testing.T) {
	s := Minimal()
	st := cacheTestState(s, Fulu, 1, 20)
	var want [8]*bls.PublicKey
	for i := range want {
		_, want[i] = realKey(t, uint64(i))
		st.Validators[i].Pubkey = BLSPubkey(want[i].Bytes())
	}
	check := func(label string) []*bls.PublicKey {
		t.Helper()
		var got []*bls.PublicKey
		for i := range want {
			k, err := s.ValidatorPublicKey(st, ValidatorIndex(i))
			if err != nil || k.Bytes() != want[i].Bytes() {
				t.Fatalf("%s: key %d: %v", label, i, err)
			}
			got = append(got, k)
		}
		if _, err := s.ValidatorPublicKey(st, 10); err == nil {
			t.Fatalf("%s: random bytes decompressed", label)
		}
		if _, err := s.ValidatorPublicKey(st, ValidatorIndex(len(st.Validators))); !errors.Is(err, ErrInvalid) {
			t.Fatalf("%s: index out of range: %v", label, err)
		}
		return got
	}
	checkAll := func(label string, cached bool) {
		t.Helper()
		indices := []ValidatorIndex{3, 0, 3, 7}
		keys, err := s.ValidatorPublicKeys(st, indices)
		if err != nil {
			t.Fatalf("%s: %v", label, err)
		}
		for j, i := range indices {
			if keys[j].Bytes() != bls.Pubkey(st.Validators[i].Pubkey) {
				t.Fatalf("%s: key %d of validator %d", label, j, i)
			}
			if one, _ := s.ValidatorPublicKey(st, i); cached && one != keys[j] {
				t.Fatalf("%s: validator %d: not the cached key", label, i)
			}
		}
		if _, err := s.ValidatorPublicKeys(st, []ValidatorIndex{1, 10}); err == nil {
			t.Fatalf("%s: random bytes decompressed", label)
		}
		if _, err := s.ValidatorPublicKeys(st, []ValidatorIndex{1, ValidatorIndex(len(st.Validators))}); !errors.Is(err, ErrInvalid) {
			t.Fatalf("%s: index out of range: %v", label, err)
		}
	}
	check("no caches")
	checkAll("no caches", false)
	if err := s.DecompressPubkeys(st); !errors.Is(err, ErrNoCaches) {
		t.Fatalf("DecompressPubkeys without caches: %v", err)
	}
	s.BuildCaches(st)
	checkAll("cached before decompressing", true)
	first := check("cached")
	again := check("cached again")
	checkAll("cached", true)
	for i := range first {
		if first[i] != again[i] {
			t.Fatalf("key %d decompressed twice", i)
		}
	}
	// Rebuilding keeps the keys that were decompressed.
	s.BuildCaches(st)
	if k, _ := s.ValidatorPublicKey(st, 3); k != first[3] {
		t.Fatal("BuildCaches dropped a decompressed key")
	}
	// A key replaced by hand is decompressed anew.
	st.Validators[2].Pubkey = st.Validators[5].Pubkey
	if k, err := s.ValidatorPublicKey(st, 2); err != nil || k.Bytes() != want[5].Bytes() {
		t.Fatalf("replaced key: %v", err)
	}
	if keys, err := s.ValidatorPublicKeys(st, []ValidatorIndex{2}); err != nil || keys[0].Bytes() != want[5].Bytes() {
		t.Fatalf("replaced key: %v", err)
	}

	st = cacheTestState(s, Fulu, 2, 30)
	for i := 0; i < 30; i += 3 {
		_, k := realKey(t, uint64(i))
		st.Validators[i].Pubkey = BLSPubkey(k.Bytes())
	}
	s.BuildCaches(st)
	if err := s.DecompressPubkeys(st); err != nil {
		t.Fatal(err)
	}
	pc := pubkeysOf(st)
	for i := range st.Validators {
		if (pc.keys[i] != nil) != (i%3 == 0) {
			t.Fatalf("validator %d: decompressed %v", i, pc.keys[i] != nil)
		}
	}
}

// Readers of one state and of its copies, some of which append
// validators, may look pubkeys up at the same time (run with -race).
func TestPubkeyCacheConcurrent(t *testing.T) {
	s := Minimal()
	st := cacheTestState(s, Electra, 9, 2000)
	_, key := realKey(t, 1)
	st.Validators[7].Pubkey = BLSPubkey(key.Bytes())
	s.BuildCaches(st)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 8 {
		wg.Go(func() {
			own := st
			if g%2 == 1 {
				own = st.Copy()
				own.Validators = append(own.Validators, Validator{Pubkey: BLSPubkey{byte(g)}})
			}
			for i := g; i < len(own.Validators); i += 8 {
				if j, ok := s.ValidatorIndexByPubkey(own, own.Validators[i].Pubkey); !ok || j != ValidatorIndex(i) {
					errs <- fmt.Errorf("goroutine %d: index %d: %d %v", g, i, j, ok)
					return
				}
			}
			if k, err := s.ValidatorPublicKey(own, 7); err != nil || k.Bytes() != key.Bytes() {
				errs <- fmt.Errorf("goroutine %d: key: %v", g, err)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

// The cached indices of the sync committee's members are those the spec
// finds, and a committee other than the cached one is looked up afresh.
func TestSyncCommitteeIndicesCached(t *testing.T) {
	s := Minimal()
	st := cacheTestState(s, Fulu, 5, 300)
	committee := func(seed int) []BLSPubkey {
		out := make([]BLSPubkey, s.SyncCommitteeSize)
		for i := range out {
			out[i] = st.Validators[(i*37+seed*11)%len(st.Validators)].Pubkey // with repeats
		}
		return out
	}
	st.CurrentSyncCommittee.Pubkeys = committee(1)
	s.BuildCaches(st)
	if st.caches.syncCommittee == nil {
		t.Fatal("the sync committee is not cached")
	}
	for round, pubkeys := range [][]BLSPubkey{st.CurrentSyncCommittee.Pubkeys, committee(2)} {
		got, err := syncCommitteeIndices(st, pubkeys)
		if err != nil {
			t.Fatal(err)
		}
		want, err := syncCommitteeIndices(withoutCaches(st), pubkeys)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("round %d: indices %v, want %v", round, got[:4], want[:4])
		}
	}
}
