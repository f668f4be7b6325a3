package forkchoice

import (
	"errors"
	"fmt"

	"github.com/quetzal-eth/quetzal/spec"
)

// ForkChoice is what a fork-choice store offers: the handlers of
// fork-choice.md, the head and the proposer's re-org decision, and the
// store's checkpoints and time. Store implements it as the spec writes it;
// other implementations must give the same answers.
//
// The handlers return nil when the spec's handler returns, and an error
// when one of its assertions fails; the store is then unchanged. Errors
// wrap spec.ErrInvalid when the input can never become valid, and
// ErrUnknownBlock, ErrTooEarly or ErrUnavailable when it may be accepted
// later (the spec says such inputs may be queued).
type ForkChoice interface {
	// OnTick is on_tick: the time is now timeMs.
	OnTick(timeMs uint64) error
	// OnBlock is on_block. data answers is_data_available for blocks from
	// deneb on; nil means nothing was retrieved for the block.
	OnBlock(signed *spec.SignedBeaconBlock, data DataAvailability) error
	// OnAttestation is on_attestation, for an attestation from gossip or,
	// with isFromBlock, from a block that was imported.
	OnAttestation(attestation *spec.Attestation, isFromBlock bool) error
	// OnAttesterSlashing is on_attester_slashing.
	OnAttesterSlashing(slashing *spec.AttesterSlashing) error
	// OnPayloadStatus records a later verdict of the execution engine on
	// the payload of an imported block (sync/optimistic.md), for example
	// from a forkchoiceUpdated response.
	OnPayloadStatus(blockRoot spec.Root, status PayloadStatus) error

	// GetHead is get_head: the root of the head block.
	GetHead() (spec.Root, error)
	// GetProposerHead is get_proposer_head: the block a proposer at slot
	// builds on, head or its parent when re-orging a late head.
	GetProposerHead(head spec.Root, slot spec.Slot) (spec.Root, error)
	// ShouldOverrideForkchoiceUpdate is should_override_forkchoice_update:
	// whether the proposer of the next slot should not tell the execution
	// engine about head, because it expects to re-org it.
	// validatorIsConnected says whether a validator of this node will
	// propose.
	ShouldOverrideForkchoiceUpdate(head spec.Root, validatorIsConnected func(spec.ValidatorIndex) bool) (bool, error)
	// GetWeight is get_weight: the attesting balance behind block root,
	// with the proposer boost where it applies.
	GetWeight(root spec.Root) (spec.Gwei, error)
	// ViableLeaves returns the leaves of the block tree that get_head
	// chooses from: the leaves of get_filtered_block_tree, in no
	// particular order.
	ViableLeaves() ([]spec.Root, error)

	// TimeMs is store.time_ms.
	TimeMs() uint64
	// GenesisTimeMs is store.genesis_time_ms.
	GenesisTimeMs() uint64
	// CurrentSlot is get_current_slot(store).
	CurrentSlot() spec.Slot
	JustifiedCheckpoint() spec.Checkpoint
	FinalizedCheckpoint() spec.Checkpoint
	UnrealizedJustifiedCheckpoint() spec.Checkpoint
	UnrealizedFinalizedCheckpoint() spec.Checkpoint
	// ProposerBoostRoot is store.proposer_boost_root (zero if none).
	ProposerBoostRoot() spec.Root
	// Block returns an imported block, if the store holds it.
	Block(root spec.Root) (*spec.BeaconBlock, bool)
	// BlockState returns the post-state of an imported block, if the
	// store holds it. The caller must not modify it.
	BlockState(root spec.Root) (*spec.BeaconState, bool)
	// IsOptimistic is is_optimistic (sync/optimistic.md): the block was
	// imported while the execution engine had not validated its payload,
	// and has not been validated since.
	IsOptimistic(root spec.Root) bool
	// IsInvalidated reports whether the execution engine declared the
	// payload of the block, or of one of its ancestors, invalid after the
	// block was imported; such blocks are out of the fork choice.
	IsInvalidated(root spec.Root) bool
}

// Options are what a store needs besides its anchor: the services the
// spec leaves to the implementation.
type Options struct {
	// Engine answers verify_and_notify_new_payload for blocks from
	// bellatrix on. If nil, every payload is reported invalid, as
	// spec.Transition does.
	Engine ExecutionEngine
	// PowChain answers get_pow_block for the merge block (bellatrix
	// fork-choice.md). If nil, no proof-of-work block is known.
	PowChain PowChain
	// Signatures says how BLS signatures are checked: SignaturesOff takes
	// them all as valid (as spec tests with bls_setting 2 need); otherwise
	// a block's signatures are verified together (spec.SignaturesBatch)
	// and an attestation's or slashing's at once.
	Signatures spec.SignatureMode
	// SafeSlotsToImportOptimistically is SAFE_SLOTS_TO_IMPORT_OPTIMISTICALLY
	// (sync/optimistic.md), which users must be able to change; 0 means
	// the spec's 128.
	SafeSlotsToImportOptimistically spec.Slot
}

// SafeSlotsToImportOptimistically is the default of
// SAFE_SLOTS_TO_IMPORT_OPTIMISTICALLY (sync/optimistic.md).
const SafeSlotsToImportOptimistically spec.Slot = 128

// PowChain is the proof-of-work chain as bellatrix's get_pow_block sees
// it.
type PowChain interface {
	// GetPowBlock is get_pow_block: the proof-of-work block with this
	// hash, or false if it is not known.
	GetPowBlock(hash spec.Hash32) (*spec.PowBlock, bool)
}

// Errors for inputs that may be accepted later. They do not wrap
// spec.ErrInvalid: the input broke no rule, the store is not ready for it.
var (
	// ErrUnknownBlock: a block the input refers to (a block's parent, an
	// attestation's block or target) is not in the store.
	ErrUnknownBlock = errors.New("forkchoice: unknown block")
	// ErrTooEarly: the input belongs to a slot or epoch that has not come
	// yet, or a block cannot yet be imported optimistically.
	ErrTooEarly = errors.New("forkchoice: too early")
	// ErrUnavailable: the block's blobs, data columns or terminal
	// proof-of-work blocks are not available.
	ErrUnavailable = errors.New("forkchoice: data not available")
)

// invalidf returns an error wrapping spec.ErrInvalid: an assertion of the
// spec that did not hold.
func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", spec.ErrInvalid, fmt.Sprintf(format, args...))
}

// wrapf returns an error wrapping sentinel with a reason.
func wrapf(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))
}
