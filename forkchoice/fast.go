package forkchoice

import (
	"github.com/quetzal-eth/quetzal/spec"
)

// Fast is the fork choice of Store with the weights and the head computed
// by a proto-array: it gives the same answers as Store, and its get_head,
// get_weight and the bookkeeping of votes and blocks cost what a chain of
// a million validators can afford.
//
// Fast keeps a Store for everything off the hot path (blocks, states,
// checkpoints, time, the proposer boost, optimistic sync, pruning) and
// runs the store's handlers and re-org functions. It is the store's
// lmdGhost: what Store computes from store.latest_messages (the head, the
// attestation scores, the recording of votes), the store asks of Fast,
// which computes it from the proto-array, holding the votes and the
// block tree with incremental weights. The latest messages are not kept
// in the Store.
//
// A Fast is not safe for concurrent use.
type Fast struct {
	st *Store
	pa *protoArray

	// What pa was last brought up to date with: the justified checkpoint
	// whose state gave the balances and the proposer score, the store's
	// pruning, and the number of invalidated blocks.
	haveBalances  bool
	balancesFor   spec.Checkpoint
	proposerScore spec.Gwei
	prunedEpoch   spec.Epoch
	invalidated   int
}

var _ ForkChoice = (*Fast)(nil)

// NewFast is get_forkchoice_store for Fast: a fork choice anchored at
// anchorState and anchorBlock, as GetForkchoiceStore documents.
func NewFast(s *spec.Spec, anchorState *spec.BeaconState, anchorBlock *spec.BeaconBlock, opts Options) (*Fast, error) {
	st, err := GetForkchoiceStore(s, anchorState, anchorBlock, opts)
	if err != nil {
		return nil, err
	}
	f := &Fast{st: st, pa: newProtoArray(s), prunedEpoch: st.prunedEpoch}
	st.lmd = f
	anchor := st.justifiedCheckpoint
	f.addNode(anchor.Root)
	return f, nil
}

// addNode puts a block of the store into the proto-array.
func (f *Fast) addNode(root spec.Root) {
	st := f.st
	block := st.blocks[root]
	f.pa.addBlock(root, block.ParentRoot, block.Slot,
		st.blockStates[root].CurrentJustifiedCheckpoint.Epoch,
		st.unrealizedJustifications[root].Epoch,
		st.invalidated[root])
}

// sync brings the proto-array up to date with the store: pruning,
// invalidated blocks, the justified checkpoint's balances, the
// checkpoints and epoch that viability depends on, and the proposer
// boost. When none changed it only compares.
func (f *Fast) sync() error {
	st, pa := f.st, f.pa
	if st.prunedEpoch != f.prunedEpoch {
		pa.prune(func(root spec.Root) bool {
			_, ok := st.blocks[root]
			return ok
		})
		f.prunedEpoch = st.prunedEpoch
		f.invalidated = -1
	}
	// Blocks are invalidated, never validated again; only pruning drops
	// them from the store's set.
	if len(st.invalidated) != f.invalidated {
		for root := range st.invalidated {
			pa.setInvalid(root)
		}
		f.invalidated = len(st.invalidated)
	}
	if !f.haveBalances || st.justifiedCheckpoint != f.balancesFor {
		state, err := st.justifiedState()
		if err != nil {
			return err
		}
		pa.setBalances(justifiedBalances(st.spec, state))
		f.proposerScore = st.computeProposerScore(state)
		f.haveBalances, f.balancesFor = true, st.justifiedCheckpoint
	}
	pa.setCheckpoints(st.justifiedCheckpoint, st.finalizedCheckpoint, st.getCurrentStoreEpoch())
	pa.setProposerBoost(st.proposerBoostRoot, uint64(f.proposerScore))
	return nil
}

// justifiedBalances returns what each validator's vote weighs under the
// justified checkpoint's state (get_attestation_score): its effective
// balance if it is active and not slashed, else 0.
func justifiedBalances(s *spec.Spec, state *spec.BeaconState) []uint64 {
	epoch := s.GetCurrentEpoch(state)
	out := make([]uint64, len(state.Validators))
	for i := range state.Validators {
		v := &state.Validators[i]
		if !v.Slashed && spec.IsActiveValidator(v, epoch) {
			out[i] = uint64(v.EffectiveBalance)
		}
	}
	return out
}

// --- Handlers ---

// OnTick is on_tick, as Store.OnTick.
func (f *Fast) OnTick(timeMs uint64) error { return f.st.OnTick(timeMs) }

// OnBlock is on_block, as Store.OnBlock, with the head taken from the
// proto-array, to which the block is added (addBlock).
func (f *Fast) OnBlock(signed *spec.SignedBeaconBlock, data DataAvailability) error {
	return f.st.OnBlock(signed, data)
}

// OnAttestation is on_attestation, as Store.OnAttestation, with the votes
// recorded in the proto-array (updateLatestMessages).
func (f *Fast) OnAttestation(attestation *spec.Attestation, isFromBlock bool) error {
	return f.st.OnAttestation(attestation, isFromBlock)
}

// OnAttesterSlashing is on_attester_slashing, as Store.OnAttesterSlashing;
// the equivocating validators' votes leave the proto-array.
func (f *Fast) OnAttesterSlashing(slashing *spec.AttesterSlashing) error {
	if err := f.st.OnAttesterSlashing(slashing); err != nil {
		return err
	}
	// The validators found equivocating are all in the first attestation.
	for _, i := range slashing.Attestation1.AttestingIndices {
		if f.st.equivocatingIndices[i] {
			f.pa.setEquivocating(i)
		}
	}
	return nil
}

// OnPayloadStatus is Store.OnPayloadStatus; invalidated blocks reach the
// proto-array when it is next used.
func (f *Fast) OnPayloadStatus(root spec.Root, status PayloadStatus) error {
	return f.st.OnPayloadStatus(root, status)
}

// --- Head and weights ---

// GetHead is get_head.
func (f *Fast) GetHead() (spec.Root, error) {
	justified := f.st.justifiedCheckpoint.Root
	if _, ok := f.st.blocks[justified]; !ok {
		return spec.Root{}, wrapf(ErrUnknownBlock, "justified checkpoint block %s", justified)
	}
	if err := f.sync(); err != nil {
		return spec.Root{}, err
	}
	head, ok := f.pa.findHead()
	if !ok {
		return spec.Root{}, wrapf(ErrUnknownBlock, "justified checkpoint block %s", justified)
	}
	return head, nil
}

// GetWeight is get_weight.
func (f *Fast) GetWeight(root spec.Root) (spec.Gwei, error) {
	if _, ok := f.st.blocks[root]; !ok {
		return 0, wrapf(ErrUnknownBlock, "get_weight of block %s", root)
	}
	if err := f.sync(); err != nil {
		return 0, err
	}
	w, ok := f.pa.weight(root)
	if !ok {
		return 0, wrapf(ErrUnknownBlock, "get_weight of block %s", root)
	}
	return spec.Gwei(w), nil
}

// ViableLeaves returns the leaves of the filtered block tree.
func (f *Fast) ViableLeaves() ([]spec.Root, error) {
	justified := f.st.justifiedCheckpoint.Root
	if _, ok := f.st.blocks[justified]; !ok {
		return nil, wrapf(ErrUnknownBlock, "justified checkpoint block %s", justified)
	}
	if err := f.sync(); err != nil {
		return nil, err
	}
	leaves, ok := f.pa.viableLeaves()
	if !ok {
		return nil, wrapf(ErrUnknownBlock, "justified checkpoint block %s", justified)
	}
	return leaves, nil
}

// --- The store's lmdGhost ---

// getAttestationScore is get_attestation_score of a block in the store;
// the proto-array holds the balances of justifiedState.
func (f *Fast) getAttestationScore(root spec.Root, _ *spec.BeaconState) (spec.Gwei, error) {
	if err := f.sync(); err != nil {
		return 0, err
	}
	w, ok := f.pa.attestationScore(root)
	if !ok {
		return 0, wrapf(ErrUnknownBlock, "block %s", root)
	}
	return spec.Gwei(w), nil
}

// updateLatestMessages is update_latest_messages on the proto-array's
// votes.
func (f *Fast) updateLatestMessages(attestingIndices []spec.ValidatorIndex, attestation *spec.Attestation) {
	f.pa.processAttestation(attestingIndices, attestation.Data.BeaconBlockRoot, attestation.Data.Target.Epoch)
}

// addBlock puts a block on_block has just added to the store into the
// proto-array.
func (f *Fast) addBlock(root spec.Root) { f.addNode(root) }

// --- Proposer re-orgs ---

// GetProposerHead is get_proposer_head, as Store.GetProposerHead, with
// the attestation scores taken from the proto-array.
func (f *Fast) GetProposerHead(head spec.Root, slot spec.Slot) (spec.Root, error) {
	return f.st.GetProposerHead(head, slot)
}

// ShouldOverrideForkchoiceUpdate is should_override_forkchoice_update, as
// Store.ShouldOverrideForkchoiceUpdate, with the attestation scores taken
// from the proto-array.
func (f *Fast) ShouldOverrideForkchoiceUpdate(head spec.Root, validatorIsConnected func(spec.ValidatorIndex) bool) (bool, error) {
	return f.st.ShouldOverrideForkchoiceUpdate(head, validatorIsConnected)
}

// --- Accessors, those of the store ---

// Spec returns the spec the fork choice runs.
func (f *Fast) Spec() *spec.Spec { return f.st.spec }

func (f *Fast) TimeMs() uint64                       { return f.st.TimeMs() }
func (f *Fast) GenesisTimeMs() uint64                { return f.st.GenesisTimeMs() }
func (f *Fast) CurrentSlot() spec.Slot               { return f.st.CurrentSlot() }
func (f *Fast) JustifiedCheckpoint() spec.Checkpoint { return f.st.JustifiedCheckpoint() }
func (f *Fast) FinalizedCheckpoint() spec.Checkpoint { return f.st.FinalizedCheckpoint() }
func (f *Fast) UnrealizedJustifiedCheckpoint() spec.Checkpoint {
	return f.st.UnrealizedJustifiedCheckpoint()
}
func (f *Fast) UnrealizedFinalizedCheckpoint() spec.Checkpoint {
	return f.st.UnrealizedFinalizedCheckpoint()
}
func (f *Fast) ProposerBoostRoot() spec.Root                        { return f.st.ProposerBoostRoot() }
func (f *Fast) Block(root spec.Root) (*spec.BeaconBlock, bool)      { return f.st.Block(root) }
func (f *Fast) BlockState(root spec.Root) (*spec.BeaconState, bool) { return f.st.BlockState(root) }
func (f *Fast) IsOptimistic(root spec.Root) bool                    { return f.st.IsOptimistic(root) }
func (f *Fast) IsInvalidated(root spec.Root) bool                   { return f.st.IsInvalidated(root) }
func (f *Fast) IsEquivocating(index spec.ValidatorIndex) bool       { return f.st.IsEquivocating(index) }
