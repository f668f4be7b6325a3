package gossip

import (
	"encoding/binary"
	"fmt"
	"math/bits"

	"github.com/quetzal-eth/quetzal/forkchoice"
	"github.com/quetzal-eth/quetzal/spec"
	"github.com/quetzal-eth/quetzal/spec/bls"
	"github.com/quetzal-eth/quetzal/ssz"
)

// Store is the part of the fork-choice store that gossip validation reads.
// forkchoice.ForkChoice implements it. Block must also know the blocks a
// node has seen but not imported, because they failed validation or are
// still queued: the spec's store.blocks holds them, without a post-state
// in store.block_states.
type Store interface {
	// GenesisTimeMs is store.genesis_time_ms.
	GenesisTimeMs() uint64
	JustifiedCheckpoint() spec.Checkpoint
	FinalizedCheckpoint() spec.Checkpoint
	// Block is store.blocks[root]: every block seen.
	Block(root spec.Root) (*spec.BeaconBlock, bool)
	// BlockState is store.block_states[root]: the post-state of a block
	// that passed validation. The caller does not modify it.
	BlockState(root spec.Root) (*spec.BeaconState, bool)
	// GetHead is get_head(store).
	GetHead() (spec.Root, error)
}

var _ Store = forkchoice.ForkChoice(nil)

// Validator runs the gossip validation functions against a store and the
// seen caches, which its methods add to when a message is valid. It is
// not safe for concurrent use.
type Validator struct {
	Spec  *spec.Spec
	Store Store
	Seen  *Seen
	// Signatures says whether BLS signatures are checked: SignaturesOff
	// takes them all as valid (for tests whose signatures are not real);
	// any other mode checks each where the spec does.
	Signatures spec.SignatureMode
}

// NewValidator returns a Validator that checks signatures, with empty
// seen caches.
func NewValidator(s *spec.Spec, store Store) *Validator {
	return &Validator{Spec: s, Store: store, Seen: NewSeen(), Signatures: spec.SignaturesEach}
}

// --- Time (phase0 p2p-interface.md, with altair's and deneb's) ---

// The spec's integers do not overflow, and a message may carry any slot or
// epoch: the time conditions compare times as 128-bit numbers, in which
// the time of any slot, plus the clock disparity, fits.

// wide is a time in milliseconds, below 2**128.
type wide struct{ hi, lo uint64 }

func (a wide) less(b wide) bool { return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo) }

// plus is a + x, saturating at 2**128 - 1, which no time this package
// compares comes near.
func (a wide) plus(x uint64) wide {
	lo, carry := bits.Add64(a.lo, x, 0)
	hi, over := bits.Add64(a.hi, carry, 0)
	if over != 0 {
		return wide{spec.Uint64Max, spec.Uint64Max}
	}
	return wide{hi, lo}
}

// slotTimeMs is compute_time_at_slot_ms(store.genesis_time_ms, slot).
func (v *Validator) slotTimeMs(slot spec.Slot) wide {
	hi, lo := bits.Mul64(uint64(slot), v.Spec.SlotDurationMS)
	return wide{hi, lo}.plus(v.Store.GenesisTimeMs())
}

// withDisparity is t + MAXIMUM_GOSSIP_CLOCK_DISPARITY.
func (v *Validator) withDisparity(t uint64) wide {
	return wide{0, t}.plus(v.Spec.MaximumGossipClockDisparity)
}

// isFutureSlot is is_future_slot: slot starts after now, even allowing
// for clock disparity.
func (v *Validator) isFutureSlot(slot spec.Slot, nowMs uint64) bool {
	return v.withDisparity(nowMs).less(v.slotTimeMs(slot))
}

// isFutureEpoch is is_future_epoch: epoch is after the epoch of now plus
// the clock disparity. Before genesis the current epoch is taken as the
// genesis epoch (the spec's uint64 would fail there).
func (v *Validator) isFutureEpoch(epoch spec.Epoch, nowMs uint64) bool {
	t := v.withDisparity(nowMs)
	genesis := wide{0, v.Store.GenesisTimeMs()}
	if t.less(genesis) {
		return epoch > spec.GenesisEpoch
	}
	// t - genesis < 2**65; a quotient beyond uint64 is a slot after every
	// epoch.
	lo, borrow := bits.Sub64(t.lo, genesis.lo, 0)
	hi := t.hi - borrow
	if hi >= v.Spec.SlotDurationMS {
		return false
	}
	slot, _ := bits.Div64(hi, lo, v.Spec.SlotDurationMS)
	return v.Spec.ComputeEpochAtSlot(spec.Slot(slot)) < epoch
}

// isWithinSlotRange is is_within_slot_range: now, allowing for clock
// disparity either way, falls within slots slot to slot+slotRange.
func (v *Validator) isWithinSlotRange(slot spec.Slot, slotRange uint64, nowMs uint64) bool {
	if v.withDisparity(nowMs).less(v.slotTimeMs(slot)) {
		return false
	}
	end, carry := bits.Add64(uint64(slot), slotRange, 1)
	if carry != 0 {
		// The range ends after 2**64 slots, beyond any time.
		return true
	}
	return !v.slotTimeMs(spec.Slot(end)).plus(v.Spec.MaximumGossipClockDisparity).less(wide{0, nowMs})
}

// isCurrentSlot is is_current_slot (altair p2p-interface.md).
func (v *Validator) isCurrentSlot(slot spec.Slot, nowMs uint64) bool {
	return v.isWithinSlotRange(slot, 0, nowMs)
}

// isWithinEpoch is is_within_epoch (deneb p2p-interface.md). An epoch
// whose start slot is beyond uint64 starts after any time.
func (v *Validator) isWithinEpoch(epoch spec.Epoch, nowMs uint64) bool {
	perEpoch := uint64(v.Spec.SlotsPerEpoch)
	if uint64(epoch) > spec.Uint64Max/perEpoch {
		return false
	}
	return v.isWithinSlotRange(v.Spec.ComputeStartSlotAtEpoch(epoch), perEpoch-1, nowMs)
}

// isCurrentOrPreviousEpoch is is_current_or_previous_epoch (deneb
// p2p-interface.md).
func (v *Validator) isCurrentOrPreviousEpoch(epoch spec.Epoch, nowMs uint64) bool {
	return v.isWithinEpoch(epoch, nowMs) || (epoch < spec.Epoch(spec.Uint64Max) && v.isWithinEpoch(epoch+1, nowMs))
}

// --- The store ---

// headState is store.block_states[get_head(store).root].
func (v *Validator) headState() (*spec.BeaconState, error) {
	head, err := v.Store.GetHead()
	if err != nil {
		return nil, fmt.Errorf("get_head: %w", err)
	}
	st, ok := v.Store.BlockState(head)
	if !ok {
		return nil, fmt.Errorf("no post-state for head %s", head)
	}
	return st, nil
}

// getAncestor is get_ancestor (phase0 fork-choice.md) over store.blocks.
// Where the chain leaves the store (below the anchor) it returns the
// oldest block it reached, as the fork-choice store does.
func (v *Validator) getAncestor(root spec.Root, slot spec.Slot) spec.Root {
	for {
		block, ok := v.Store.Block(root)
		if !ok || block.Slot <= slot {
			return root
		}
		if _, ok := v.Store.Block(block.ParentRoot); !ok {
			return root
		}
		root = block.ParentRoot
	}
}

// getCheckpointBlock is get_checkpoint_block (phase0 fork-choice.md).
func (v *Validator) getCheckpointBlock(root spec.Root, epoch spec.Epoch) spec.Root {
	return v.getAncestor(root, v.Spec.ComputeStartSlotAtEpoch(epoch))
}

// finalizedSlot is compute_start_slot_at_epoch(store.finalized_checkpoint.epoch).
func (v *Validator) finalizedSlot() spec.Slot {
	return v.Spec.ComputeStartSlotAtEpoch(v.Store.FinalizedCheckpoint().Epoch)
}

// isFinalizedAncestor checks the condition "the current finalized
// checkpoint is an ancestor of" a block whose parent, or which itself, is
// root.
func (v *Validator) isFinalizedAncestor(root spec.Root) bool {
	finalized := v.Store.FinalizedCheckpoint()
	return v.getCheckpointBlock(root, finalized.Epoch) == finalized.Root
}

// expectedProposer is the proposer of slot on the chain of parent: the
// parent's post-state, advanced to slot, asked get_beacon_proposer_index.
func (v *Validator) expectedProposer(parentRoot spec.Root, slot spec.Slot) (spec.ValidatorIndex, error) {
	parentState, ok := v.Store.BlockState(parentRoot)
	if !ok {
		return 0, fmt.Errorf("no post-state for parent %s", parentRoot)
	}
	st := parentState.Copy()
	t := &spec.Transition{Spec: v.Spec}
	if err := t.ProcessSlots(st, slot); err != nil {
		return 0, fmt.Errorf("process_slots to %d: %w", slot, err)
	}
	return v.Spec.GetBeaconProposerIndex(st)
}

// --- Signatures ---

// verify is bls.Verify, unless signatures are off.
func (v *Validator) verify(pubkey spec.BLSPubkey, root spec.Root, sig spec.BLSSignature) bool {
	if v.Signatures == spec.SignaturesOff {
		return true
	}
	return bls.Verify(bls.Pubkey(pubkey), root, bls.Signature(sig))
}

// ethFastAggregateVerify is eth_fast_aggregate_verify (altair bls.md),
// unless signatures are off.
func (v *Validator) ethFastAggregateVerify(pubkeys []spec.BLSPubkey, root spec.Root, sig spec.BLSSignature) bool {
	if v.Signatures == spec.SignaturesOff {
		return true
	}
	keys := make([]bls.Pubkey, len(pubkeys))
	for i, pk := range pubkeys {
		keys[i] = bls.Pubkey(pk)
	}
	return bls.EthFastAggregateVerify(keys, root, bls.Signature(sig))
}

// isValidIndexedAttestation is is_valid_indexed_attestation, with
// signatures checked as v says.
func (v *Validator) isValidIndexedAttestation(st *spec.BeaconState, ia *spec.IndexedAttestation) error {
	t := &spec.Transition{Spec: v.Spec, Signatures: spec.SignaturesEach}
	if v.Signatures == spec.SignaturesOff {
		t.Signatures = spec.SignaturesOff
	}
	return t.IsValidIndexedAttestation(st, ia)
}

// signingRoot is compute_signing_root(obj, domain), obj hashed under
// fork's schema.
func (v *Validator) signingRoot(fork spec.ForkName, obj ssz.Object, domain spec.Domain) (spec.Root, error) {
	root, err := spec.HashTreeRoot(v.Spec.Schema(fork), obj)
	if err != nil {
		return spec.Root{}, err
	}
	return spec.ComputeSigningRoot(root, domain), nil
}

// uint64Root is hash_tree_root of a uint64 (a Slot, for instance).
func uint64Root(x uint64) spec.Root {
	var r spec.Root
	binary.LittleEndian.PutUint64(r[:8], x)
	return r
}

// bitlistBits is tuple(bool(bit) for bit in bits) of a bitlist.
func bitlistBits(b ssz.Bitlist) Bits {
	out := make(Bits, b.Len())
	for i := range out {
		out[i] = b.Get(i)
	}
	return out
}

// bitvectorBits is the same for a bitvector of n bits.
func bitvectorBits(b ssz.Bitvector, n int) Bits {
	out := make(Bits, n)
	for i := range out {
		out[i] = b.Get(i)
	}
	return out
}

func checkIndex(st *spec.BeaconState, index spec.ValidatorIndex) bool {
	return uint64(index) < uint64(len(st.Validators))
}
