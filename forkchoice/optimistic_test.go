package forkchoice

import (
	"errors"
	"slices"
	"testing"

	"github.com/quetzal-eth/quetzal/spec"
)

// optimisticTree is a store holding, over the genesis anchor G,
//
//	G - A - B - C - D
//	            \
//	             E
//
// where each block's payload has block hash its letter, A is valid and
// B to E are optimistic (the engine said SYNCING). The blocks are not
// real; only what the fork choice reads of them is set.
func optimisticTree(t *testing.T) (*Store, map[string]spec.Root) {
	t.Helper()
	s, st, gb := testGenesis(t)
	store := newTestStore(t, s, st, gb)
	roots := map[string]spec.Root{}
	parents := map[string]string{"A": "G", "B": "A", "C": "B", "D": "C", "E": "C"}
	roots["G"] = store.justifiedCheckpoint.Root
	for i, name := range []string{"A", "B", "C", "D", "E"} {
		block := &spec.BeaconBlock{Slot: spec.Slot(i + 1), ParentRoot: roots[parents[name]]}
		if name == "E" {
			block.Slot = 4
			block.ProposerIndex = 1
		}
		block.Body.ExecutionPayload.BlockHash = payloadHash(name)
		root := spec.Root{byte(name[0])}
		roots[name] = root
		store.addBlock(root, block, st)
		store.unrealizedJustifications[root] = store.justifiedCheckpoint
		if name != "A" {
			store.optimisticRoots[root] = true
		}
	}
	return store, roots
}

func payloadHash(name string) spec.Hash32 { return spec.Hash32{byte(name[0]), 0xee} }

func hashPtr(h spec.Hash32) *spec.Hash32 { return &h }

func TestInvalidatePayload(t *testing.T) {
	zero := spec.Hash32{}
	tests := []struct {
		name            string
		latestValidHash *spec.Hash32
		mergeOptimistic bool // A is optimistic too
		want            string
	}{
		{"latest valid hash of A", hashPtr(payloadHash("A")), false, "BCDE"},
		{"latest valid hash of C", hashPtr(payloadHash("C")), false, "D"},
		{"no latest valid hash", nil, false, "D"},
		{"unknown latest valid hash", hashPtr(spec.Hash32{9}), false, "D"},
		{"zero hash, valid merge block", &zero, false, "D"},
		{"zero hash, optimistic merge block", &zero, true, "ABCDE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store, roots := optimisticTree(t)
			if tt.mergeOptimistic {
				store.optimisticRoots[roots["A"]] = true
			}
			err := store.OnPayloadStatus(roots["D"], PayloadStatus{Status: StatusInvalid, LatestValidHash: tt.latestValidHash})
			if err != nil {
				t.Fatal(err)
			}
			if got := invalidNames(store, roots); got != tt.want {
				t.Errorf("invalidated %q, want %q", got, tt.want)
			}
			for name, root := range roots {
				if store.IsInvalidated(root) && store.IsOptimistic(root) {
					t.Errorf("%s both invalidated and optimistic", name)
				}
			}
			head, err := store.GetHead()
			if err != nil {
				t.Fatal(err)
			}
			if store.IsInvalidated(head) {
				t.Errorf("head %s is invalidated", head)
			}
		})
	}
}

// An INVALID verdict on a block that on_block then rejects invalidates
// the ancestors its latest valid hash condemns.
func TestInvalidateUnimportedChild(t *testing.T) {
	store, roots := optimisticTree(t)
	store.invalidateChain(roots["D"], hashPtr(payloadHash("B")), false)
	if got := invalidNames(store, roots); got != "CDE" {
		t.Errorf("invalidated %q, want %q", got, "CDE")
	}
	store, roots = optimisticTree(t)
	store.invalidateChain(roots["D"], hashPtr(payloadHash("D")), false)
	if got := invalidNames(store, roots); got != "" {
		t.Errorf("latest valid hash of the parent invalidated %q", got)
	}
}

func TestPayloadValid(t *testing.T) {
	store, roots := optimisticTree(t)
	if err := store.OnPayloadStatus(roots["C"], PayloadStatus{Status: StatusValid}); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"A": false, "B": false, "C": false, "D": true, "E": true} {
		if got := store.IsOptimistic(roots[name]); got != want {
			t.Errorf("%s optimistic: %v, want %v", name, got, want)
		}
	}
	// A valid block cannot be invalidated afterwards, but a verdict on its
	// own payload still takes its descendant out.
	if err := store.OnPayloadStatus(roots["D"], PayloadStatus{Status: StatusInvalid, LatestValidHash: hashPtr(payloadHash("A"))}); err != nil {
		t.Fatal(err)
	}
	if got := invalidNames(store, roots); got != "D" {
		t.Errorf("invalidated %q, want D", got)
	}
	if err := store.OnPayloadStatus(roots["D"], PayloadStatus{Status: StatusValid}); err != nil {
		t.Fatal(err)
	}
	if !store.IsInvalidated(roots["D"]) {
		t.Error("an invalidated block became valid")
	}
	if err := store.OnPayloadStatus(spec.Root{0x77}, PayloadStatus{}); !errors.Is(err, ErrUnknownBlock) {
		t.Errorf("status of an unknown block: %v", err)
	}
}

// A merge block imported optimistically without its proof-of-work blocks
// is checked when found valid, and invalidated if the check fails.
func TestUnverifiedMergeBlock(t *testing.T) {
	for _, terminal := range []bool{true, false} {
		store, roots := optimisticTree(t)
		store.optimisticRoots[roots["A"]] = true
		store.unverifiedMerge[roots["A"]] = true
		store.blocks[roots["A"]].Body.ExecutionPayload.ParentHash = spec.Hash32{0x90}
		chain := powChain{}
		chain.add(spec.Hash32{0x90}, spec.Hash32{0x91}, ttdPlus(store.spec, 0))
		parentTD := ttdPlus(store.spec, -1)
		if !terminal {
			parentTD = ttdPlus(store.spec, 0)
		}
		chain.add(spec.Hash32{0x91}, spec.Hash32{}, parentTD)
		store.opts.PowChain = chain
		if err := store.OnPayloadStatus(roots["B"], PayloadStatus{Status: StatusValid}); err != nil {
			t.Fatal(err)
		}
		want := ""
		if !terminal {
			want = "ABCDE"
		}
		if got := invalidNames(store, roots); got != want {
			t.Errorf("terminal %v: invalidated %q, want %q", terminal, got, want)
		}
	}
}

func invalidNames(store *Store, roots map[string]spec.Root) string {
	var out []byte
	for name, root := range roots {
		if store.IsInvalidated(root) {
			out = append(out, name[0])
		}
	}
	slices.Sort(out)
	return string(out)
}

// powChain is a PowChain held in a map.
type powChain map[spec.Hash32]*spec.PowBlock

func (c powChain) add(hash, parent spec.Hash32, td [32]byte) {
	c[hash] = &spec.PowBlock{BlockHash: hash, ParentHash: parent, TotalDifficulty: td}
}

func (c powChain) GetPowBlock(hash spec.Hash32) (*spec.PowBlock, bool) {
	b, ok := c[hash]
	return b, ok
}

// ttdPlus returns TERMINAL_TOTAL_DIFFICULTY + d, for d of -1, 0 or 1.
func ttdPlus(s *spec.Spec, d int) [32]byte {
	v := s.TerminalTotalDifficulty
	switch d {
	case 1:
		for i := range v {
			v[i]++
			if v[i] != 0 {
				break
			}
		}
	case -1:
		for i := range v {
			v[i]--
			if v[i] != 0xff {
				break
			}
		}
	}
	return v
}

func TestValidateMergeBlock(t *testing.T) {
	s, st, gb := testGenesis(t)
	terminal, parent, unknown := spec.Hash32{1}, spec.Hash32{2}, spec.Hash32{3}
	tests := []struct {
		name          string
		terminalHash  spec.Hash32 // TERMINAL_BLOCK_HASH
		activation    spec.Epoch
		blockTD       int
		parentTD      int
		payloadParent spec.Hash32
		want          error
	}{
		{"valid terminal block", spec.Hash32{}, 0, 0, -1, terminal, nil},
		{"difficulty above", spec.Hash32{}, 0, 1, -1, terminal, nil},
		{"difficulty not reached", spec.Hash32{}, 0, -1, -1, terminal, spec.ErrInvalid},
		{"parent reached it", spec.Hash32{}, 0, 1, 0, terminal, spec.ErrInvalid},
		{"unknown block", spec.Hash32{}, 0, 0, -1, unknown, ErrUnavailable},
		{"terminal block hash", terminal, 0, -1, -1, terminal, nil},
		{"other than terminal block hash", parent, 0, 0, -1, terminal, spec.ErrInvalid},
		{"before activation epoch", terminal, 1, 0, -1, terminal, spec.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := s.Clone()
			s.TerminalBlockHash = tt.terminalHash
			s.TerminalBlockHashActivationEpoch = tt.activation
			chain := powChain{}
			chain.add(terminal, parent, ttdPlus(s, tt.blockTD))
			chain.add(parent, spec.Hash32{}, ttdPlus(s, tt.parentTD))
			store, err := GetForkchoiceStore(s, st, gb, Options{PowChain: chain})
			if err != nil {
				t.Fatal(err)
			}
			block := &spec.BeaconBlock{Slot: 1}
			block.Body.ExecutionPayload.ParentHash = tt.payloadParent
			err = store.validateMergeBlock(block)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
}
