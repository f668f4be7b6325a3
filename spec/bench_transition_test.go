package spec

import (
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	"github.com/quetzal-eth/quetzal/spec/bls"
)

// The state-transition benchmarks run on the synthetic mainnet Fulu state
// of a million validators (benchState), with the caches built as a node
// keeps them. internal/zrntbench has zrnt's counterparts on a Deneb state
// of the same size (BenchmarkZrntNewEpochsContext, BenchmarkZrntProcessEpoch).
// Run them one package at a time; they take minutes to set up (keys for a
// quarter of a million signers), so few iterations suffice:
//
//	go test -p 1 -run XXX -bench 'BuildCaches|RotateCaches|ProcessEpoch|ProcessBlock|StateRootAfterBlock|NewEpochsContext' \
//		-benchtime 3x -count 3 ./spec ./internal/zrntbench
//
// A benchmark whose transition reaches a step that is not implemented yet
// skips, saying which.

var benchSpec = sync.OnceValue(Mainnet)

// skipUnimplemented skips the benchmark if err is ErrNotImplemented and
// fails it on any other error.
func skipUnimplemented(b *testing.B, err error) {
	b.Helper()
	if errors.Is(err, ErrNotImplemented) {
		b.Skipf("not implemented yet: %v", err)
	}
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkBuildCaches builds the caches of the state: the active indices
// and shufflings of three epochs, the total active balance and the pubkey
// index (not the decompressed pubkeys), as zrnt's NewEpochsContext does.
func BenchmarkBuildCaches(b *testing.B) {
	s := benchSpec()
	_, st, _ := benchState(b)
	runtime.GC()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.BuildCaches(st)
	}
}

// BenchmarkRotateCaches moves the caches on at an epoch boundary, as
// ProcessSlots does once per epoch: one new shuffling, the total active
// balance.
func BenchmarkRotateCaches(b *testing.B) {
	s := benchSpec()
	_, st, _ := benchState(b)
	s.BuildCaches(st)
	built := st.caches
	st.Slot = s.ComputeStartSlotAtEpoch(s.GetCurrentEpoch(st) + 1)
	runtime.GC()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		st.caches = built.clone()
		s.rotateCaches(st)
	}
	b.StopTimer()
	if st.caches.epochs[0] != built.epochs[1] {
		b.Fatal("the rotation rebuilt the caches")
	}
}

var (
	epochStateOnce sync.Once
	epochState     *BeaconState
)

// benchEpochState returns the benchmark state at the last slot of its
// epoch, with mainnet's participation in both epochs and its caches built:
// the state process_epoch runs on.
func benchEpochState(b *testing.B) *BeaconState {
	epochStateOnce.Do(func() {
		s := benchSpec()
		_, st, _ := benchState(b)
		st.Slot = s.ComputeStartSlotAtEpoch(s.GetCurrentEpoch(st)+1) - 1
		mainnetParticipation(s, st, rand.New(rand.NewPCG(5, 5)), true)
		s.BuildCaches(st)
		epochState = st
	})
	return epochState
}

// BenchmarkProcessEpoch runs process_epoch on a copy of the state (the
// copy is not timed).
func BenchmarkProcessEpoch(b *testing.B) {
	s := benchSpec()
	st := benchEpochState(b)
	skipUnimplemented(b, s.ProcessEpoch(st.Copy()))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		cp := st.Copy()
		runtime.GC()
		b.StartTimer()
		if err := s.ProcessEpoch(cp); err != nil {
			b.Fatal(err)
		}
	}
}

var (
	blockOnce  sync.Once
	blockBench *fullBlock
)

// benchFullBlock returns a full block on the benchmark state
// (buildFullBlock).
func benchFullBlock(b *testing.B) *fullBlock {
	blockOnce.Do(func() {
		s := benchSpec()
		_, st, _ := benchState(b)
		fb := buildFullBlock(b, s, st)
		keyAttestedCommittees(b, s, fb)
		blockBench = fb
	})
	return blockBench
}

// keyAttestedCommittees gives the members of the committees that fb's
// attestations name, that do not sign, their keys too (giveKeys): on a
// real chain every validator has a valid pubkey, and the cached sums of
// the committees' pubkeys then serve the attestations' signatures. It
// changes the pre-state's registry, not the block. The sync committee
// names its members by pubkey: theirs are kept.
func keyAttestedCommittees(tb testing.TB, s *Spec, fb *fullBlock) {
	var absent []ValidatorIndex
	pc := pubkeysOf(fb.pre)
	syncMembers := make(map[BLSPubkey]bool)
	for _, pk := range fb.pre.CurrentSyncCommittee.Pubkeys {
		syncMembers[pk] = true
	}
	for i := range fb.block.Body.Attestations {
		a := &fb.block.Body.Attestations[i]
		for _, ci := range GetCommitteeIndices(a.CommitteeBits) {
			committee, err := s.GetBeaconCommittee(fb.pre, a.Data.Slot, ci)
			if err != nil {
				tb.Fatal(err)
			}
			for _, index := range committee {
				if pc.keys[index] == nil && !syncMembers[fb.pre.Validators[index].Pubkey] {
					absent = append(absent, index)
				}
			}
		}
	}
	giveKeys(tb, s, fb.pre, absent)
}

// benchProcessBlock times process_block of the full block on a copy of its
// pre-state (the copy is not timed).
func benchProcessBlock(b *testing.B, mode SignatureMode) {
	fb := benchFullBlock(b)
	t := &Transition{Spec: benchSpec(), Engine: benchEngine{}, Signatures: mode}
	skipUnimplemented(b, t.ProcessBlock(fb.pre.Copy(), fb.block))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		cp := fb.pre.Copy()
		runtime.GC()
		b.StartTimer()
		if err := t.ProcessBlock(cp, fb.block); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(fb.attesters), "attesters")
}

// BenchmarkProcessBlockBatch processes the full block with its signatures
// (proposer's RANDAO reveal, attestations, sync aggregate, exit, BLS
// changes) verified in one batch.
func BenchmarkProcessBlockBatch(b *testing.B) { benchProcessBlock(b, SignaturesBatch) }

// BenchmarkProcessBlockBatchColdSums is BenchmarkProcessBlockBatch with
// caches rebuilt before each block, so that the block also computes the
// pubkey sums of the committees its attestations name (PrepareCommitteeKeys
// lets a node compute them before the block).
func BenchmarkProcessBlockBatchColdSums(b *testing.B) {
	fb := benchFullBlock(b)
	s := benchSpec()
	t := &Transition{Spec: s, Engine: benchEngine{}, Signatures: SignaturesBatch}
	skipUnimplemented(b, t.ProcessBlock(fb.pre.Copy(), fb.block))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		cp := fb.pre.Copy()
		s.BuildCaches(cp)
		runtime.GC()
		b.StartTimer()
		if err := t.ProcessBlock(cp, fb.block); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProcessBlockNoSignatures processes the full block without
// checking its signatures.
func BenchmarkProcessBlockNoSignatures(b *testing.B) { benchProcessBlock(b, SignaturesOff) }

// BenchmarkStateRootAfterBlock times the state root after the full block,
// as a node computes it: the block is applied to a copy of a pre-state
// whose root was computed, and the copy shares its hash cache (see
// StateRoot). The last root is checked against an uncached one.
func BenchmarkStateRootAfterBlock(b *testing.B) {
	fb := benchFullBlock(b)
	s := benchSpec()
	t := &Transition{Spec: s, Engine: benchEngine{}, Signatures: SignaturesOff}
	skipUnimplemented(b, t.ProcessBlock(fb.pre.Copy(), fb.block))
	var post *BeaconState
	var root Root
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if _, err := s.StateRoot(fb.pre); err != nil {
			b.Fatal(err)
		}
		post = fb.pre.Copy()
		if err := t.ProcessBlock(post, fb.block); err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		b.StartTimer()
		var err error
		if root, err = s.StateRoot(post); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	want, err := HashTreeRoot(s.Schema(Fulu), post)
	if err != nil {
		b.Fatal(err)
	}
	if root != want {
		b.Fatalf("cached state root %s, want %s", root, want)
	}
}

// The roots of the pre-state and block that buildFullBlock makes from
// syntheticState(mainnet fulu, 3, 8192), and of the state after the block
// as the pyspec (v1.7.0-beta.4) computes it: its process_block, with BLS
// signatures checked, accepts the block and leaves this state. They change
// with the builders; the pyspec's post-state root must then be computed
// anew.
const (
	fullBlockPreRoot   = "0x52ea9367733116add7d81b4dfd7be0b67e047671e3330eda2f58c9c271d8410f"
	fullBlockRoot      = "0x2aabbf986c73f068f84c16d20864496aafef6ebd449a3c7186162ea9f7f39f47"
	fullBlockPostRoot  = "0x27ed97b1f759bfab76d21f19e42b1b6a17606fea24fcb8536a83806d16eedb58"
	fullBlockTestCount = 8192
)

// TestFullBlock checks buildFullBlock on a smaller state: the block's
// signatures and the rules it must meet hold (checked here directly), and
// process_block accepts it, up to the first step not implemented yet,
// leaving the pyspec's post-state, and rejects it with a signature
// changed.
func TestFullBlock(t *testing.T) {
	s := Mainnet()
	fb := buildFullBlock(t, s, syntheticState(s.Schema(Fulu), 3, fullBlockTestCount))
	pre, block := fb.pre, fb.block
	body := &block.Body
	preRoot, err := s.StateRoot(pre)
	if err != nil {
		t.Fatal(err)
	}
	blockRoot, err := HashTreeRoot(s.Schema(Fulu), block)
	if err != nil {
		t.Fatal(err)
	}
	if preRoot.String() != fullBlockPreRoot || blockRoot.String() != fullBlockRoot {
		t.Fatalf("pre-state root %s, block root %s: the builders changed; compute the pyspec's post-state anew", preRoot, blockRoot)
	}

	t.Run("setup", func(t *testing.T) {
		if p, err := s.GetBeaconProposerIndex(pre); err != nil || p != block.ProposerIndex || block.Slot != pre.Slot {
			t.Fatalf("proposer %d (%v), block's %d", p, err, block.ProposerIndex)
		}
		if parent, _ := HashTreeRoot(s.Schema(Fulu), &pre.LatestBlockHeader); parent != block.ParentRoot {
			t.Fatal("parent root")
		}
		epoch := s.GetCurrentEpoch(pre)
		key := func(i ValidatorIndex) bls.Pubkey { return bls.Pubkey(pre.Validators[i].Pubkey) }
		verify := func(what string, keys []bls.Pubkey, root Root, sig BLSSignature) {
			t.Helper()
			if !bls.FastAggregateVerify(keys, root, bls.Signature(sig)) {
				t.Fatalf("%s: signature does not verify", what)
			}
		}
		var epochRoot Root
		binary.LittleEndian.PutUint64(epochRoot[:], uint64(epoch))
		verify("randao", []bls.Pubkey{key(block.ProposerIndex)}, ComputeSigningRoot(epochRoot, s.GetDomain(pre, DomainRandao, epoch)), body.RandaoReveal)

		if len(body.Attestations) != int(s.MaxAttestationsElectra) {
			t.Fatalf("%d attestations", len(body.Attestations))
		}
		attesters := 0
		for i := range body.Attestations {
			a := &body.Attestations[i]
			indices, err := s.GetAttestingIndices(pre, a)
			if err != nil {
				t.Fatalf("attestation %d: %v", i, err)
			}
			count := s.GetCommitteeCountPerSlot(pre, a.Data.Target.Epoch)
			if len(GetCommitteeIndices(a.CommitteeBits)) != int(count) || a.Data.Slot+s.MinAttestationInclusionDelay > pre.Slot {
				t.Fatalf("attestation %d: committees or slot", i)
			}
			keys := make([]bls.Pubkey, len(indices))
			for j, v := range indices {
				keys[j] = key(v)
			}
			root, err := s.signingRoot(pre, &a.Data, s.GetDomain(pre, DomainBeaconAttester, a.Data.Target.Epoch))
			if err != nil {
				t.Fatal(err)
			}
			verify("attestation", keys, root, a.Signature)
			attesters += len(indices)
		}
		if attesters != fb.attesters || attesters < 8*len(pre.Validators)/32*85/100 {
			t.Fatalf("%d attesters", attesters)
		}

		var keys []bls.Pubkey
		for j, pk := range pre.CurrentSyncCommittee.Pubkeys {
			if body.SyncAggregate.SyncCommitteeBits.Get(j) {
				keys = append(keys, bls.Pubkey(pk))
			}
		}
		previous := pre.Slot - 1
		syncRoot, _ := s.GetBlockRootAtSlot(pre, previous)
		verify("sync aggregate", keys, ComputeSigningRoot(syncRoot, s.GetDomain(pre, DomainSyncCommittee, s.ComputeEpochAtSlot(previous))), body.SyncAggregate.SyncCommitteeSignature)

		exit := &body.VoluntaryExits[0]
		root, _ := s.signingRoot(pre, &exit.Message, ComputeDomain(DomainVoluntaryExit, s.CapellaForkVersion, pre.GenesisValidatorsRoot))
		verify("exit", []bls.Pubkey{key(exit.Message.ValidatorIndex)}, root, exit.Signature)
		for _, c := range body.BLSToExecutionChanges {
			h := hash(c.Message.FromBLSPubkey[:])
			if w := pre.Validators[c.Message.ValidatorIndex].WithdrawalCredentials; w[0] != BLSWithdrawalPrefix || [31]byte(w[1:]) != [31]byte(h[1:]) {
				t.Fatal("BLS change: credentials")
			}
			root, _ := s.signingRoot(pre, &c.Message, ComputeDomain(DomainBLSToExecutionChange, s.GenesisForkVersion, pre.GenesisValidatorsRoot))
			verify("BLS change", []bls.Pubkey{bls.Pubkey(c.Message.FromBLSPubkey)}, root, c.Signature)
		}

		payload := &body.ExecutionPayload
		if payload.ParentHash != pre.LatestExecutionPayloadHeader.BlockHash || payload.PrevRandao != s.GetRandaoMix(pre, epoch) ||
			payload.Timestamp != pre.GenesisTime+uint64(pre.Slot)*s.SlotDurationMS/1000 ||
			uint64(len(payload.Withdrawals)) != s.MaxWithdrawalsPerPayload {
			t.Fatal("execution payload")
		}
		if _, err := Marshal(s.Schema(Fulu), block); err != nil {
			t.Fatalf("the block does not encode: %v", err)
		}
	})

	modes := []struct {
		name string
		mode SignatureMode
	}{{"each", SignaturesEach}, {"batch", SignaturesBatch}, {"off", SignaturesOff}}
	for _, m := range modes {
		mode := m.mode
		t.Run("process_block signatures "+m.name, func(t *testing.T) {
			tr := &Transition{Spec: s, Engine: benchEngine{}, Signatures: mode}
			post := pre.Copy()
			err := tr.ProcessBlock(post, block)
			if errors.Is(err, ErrNotImplemented) {
				t.Skipf("mode %d: %v", mode, err)
			}
			if err != nil {
				t.Fatalf("mode %d: %v", mode, err)
			}
			if root, err := s.StateRoot(post); err != nil || root.String() != fullBlockPostRoot {
				t.Fatalf("mode %d: post-state root %s (%v), the pyspec's is %s", mode, root, err, fullBlockPostRoot)
			}
		})
	}
	t.Run("committee sums", func(t *testing.T) {
		// With every committee member keyed, the attestations are checked
		// with the cached sums of the committees' pubkeys: the post-state
		// must be the one without caches, and a bad signature rejected.
		keyed := &fullBlock{pre: pre.Copy(), block: block}
		keyAttestedCommittees(t, s, keyed)
		plain := keyed.pre.Copy()
		plain.DropCaches()
		want := &Transition{Spec: s, Engine: benchEngine{}, Signatures: SignaturesEach}
		if err := want.ProcessBlock(plain, block); err != nil {
			t.Fatal(err)
		}
		wantRoot, err := s.StateRoot(plain)
		if err != nil {
			t.Fatal(err)
		}
		bad := *block
		bad.Body.Attestations = append([]Attestation(nil), block.Body.Attestations...)
		bad.Body.Attestations[3].Signature = block.Body.Attestations[4].Signature
		for _, mode := range []SignatureMode{SignaturesEach, SignaturesBatch} {
			tr := &Transition{Spec: s, Engine: benchEngine{}, Signatures: mode}
			post := keyed.pre.Copy()
			if err := tr.ProcessBlock(post, block); err != nil {
				t.Fatalf("mode %d: %v", mode, err)
			}
			if root, err := s.StateRoot(post); err != nil || root != wantRoot {
				t.Fatalf("mode %d: post-state root %s (%v), %s without caches", mode, root, err, wantRoot)
			}
			if err := tr.ProcessBlock(keyed.pre.Copy(), &bad); !errors.Is(err, ErrBadSignature) {
				t.Fatalf("mode %d: %v, want a bad signature", mode, err)
			}
		}
		used := 0
		for _, epoch := range []Epoch{s.GetPreviousEpoch(keyed.pre), s.GetCurrentEpoch(keyed.pre)} {
			if e := s.shufflingOf(keyed.pre, epoch); e != nil {
				for k := range e.sums {
					if c := e.sums[k].Load(); c != nil && c.key != nil {
						used++
					}
				}
			}
		}
		if used == 0 {
			t.Fatal("the committee sums were not used")
		}

		// PrepareCommitteeKeys sums every committee of a slot ahead of
		// the block, which then finds them.
		prepared := keyed.pre.Copy()
		s.BuildCaches(prepared) // no sums yet
		slot := block.Body.Attestations[0].Data.Slot
		e := s.shufflingOf(prepared, s.ComputeEpochAtSlot(slot))
		first := (uint64(slot) % uint64(s.SlotsPerEpoch)) * e.committeesPerSlot
		if e.sums[first].Load() != nil {
			t.Fatal("the rebuilt caches kept the committee sums")
		}
		s.PrepareCommitteeKeys(prepared, slot)
		for k := first; k < first+e.committeesPerSlot; k++ {
			if c := e.sums[k].Load(); c == nil || c.key == nil {
				t.Fatalf("committee %d of slot %d not summed", k-first, slot)
			}
		}
		tr := &Transition{Spec: s, Engine: benchEngine{}, Signatures: SignaturesBatch}
		if err := tr.ProcessBlock(prepared, block); err != nil {
			t.Fatal(err)
		}
		if root, err := s.StateRoot(prepared); err != nil || root != wantRoot {
			t.Fatalf("post-state root %s (%v) after PrepareCommitteeKeys, want %s", root, err, wantRoot)
		}
	})
	t.Run("bad signature", func(t *testing.T) {
		bad := *block
		bad.Body.Attestations = append([]Attestation(nil), block.Body.Attestations...)
		bad.Body.Attestations[3].Signature = block.Body.Attestations[4].Signature
		for _, mode := range []SignatureMode{SignaturesEach, SignaturesBatch} {
			tr := &Transition{Spec: s, Engine: benchEngine{}, Signatures: mode}
			err := tr.ProcessBlock(pre.Copy(), &bad)
			if errors.Is(err, ErrNotImplemented) {
				t.Skipf("mode %d: %v", mode, err)
			}
			if !errors.Is(err, ErrBadSignature) {
				t.Fatalf("mode %d: %v, want a bad signature", mode, err)
			}
		}
	})
}
