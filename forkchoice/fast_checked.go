package forkchoice

import (
	"errors"
	"fmt"
	"slices"

	"github.com/quetzal-eth/quetzal/spec"
)

// Checked runs two fork choices side by side, a reference and a candidate
// (Store and Fast), giving both every input and answering with the
// candidate's answers. When they disagree, on the outcome of a handler or
// on any answer, the call that returns an error fails with ErrMismatch;
// a disagreement on an answer without an error result (a checkpoint, the
// time) fails the next call that returns one.
//
// It is for tests: the spec tests run Fast this way, so that every check
// of a vector is made on Fast's answers and every answer is compared with
// Store's.
type Checked struct {
	Reference, Candidate ForkChoice
	// mismatch is the first disagreement not reported yet.
	mismatch error
}

// ErrMismatch is the error of a Checked whose two fork choices disagree.
var ErrMismatch = errors.New("forkchoice: implementations disagree")

var _ ForkChoice = (*Checked)(nil)

// NewChecked anchors a Store and a Fast at anchorState and anchorBlock and
// runs them side by side.
func NewChecked(s *spec.Spec, anchorState *spec.BeaconState, anchorBlock *spec.BeaconBlock, opts Options) (*Checked, error) {
	ref, err := GetForkchoiceStore(s, anchorState, anchorBlock, opts)
	if err != nil {
		return nil, err
	}
	fast, err := NewFast(s, anchorState, anchorBlock, opts)
	if err != nil {
		return nil, err
	}
	return &Checked{Reference: ref, Candidate: fast}, nil
}

func (c *Checked) note(format string, args ...any) {
	if c.mismatch == nil {
		c.mismatch = fmt.Errorf("%w: %s", ErrMismatch, fmt.Sprintf(format, args...))
	}
}

// errorKind is the sentinel an error of a fork choice wraps, which two
// implementations must agree on (their messages may differ); nil for
// none.
func errorKind(err error) error {
	for _, kind := range []error{spec.ErrNotImplemented, ErrUnknownBlock, ErrTooEarly, ErrUnavailable, spec.ErrBadSignature, spec.ErrExecutionInvalid, spec.ErrInvalid} {
		if errors.Is(err, kind) {
			return kind
		}
	}
	return nil
}

// result checks that both calls had the same outcome, and that their
// answers agree; it returns the candidate's error, or the mismatch.
func (c *Checked) result(what string, refErr, candErr error, same bool) error {
	switch {
	case (refErr == nil) != (candErr == nil):
		c.note("%s: reference error %v, candidate error %v", what, refErr, candErr)
	case errorKind(refErr) != errorKind(candErr):
		c.note("%s: reference error %v, candidate error %v", what, refErr, candErr)
	case refErr == nil && !same:
		c.note("%s: answers differ", what)
	}
	if c.mismatch != nil {
		err := c.mismatch
		c.mismatch = nil
		return err
	}
	return candErr
}

func (c *Checked) OnTick(timeMs uint64) error {
	return c.result("on_tick", c.Reference.OnTick(timeMs), c.Candidate.OnTick(timeMs), true)
}

func (c *Checked) OnBlock(signed *spec.SignedBeaconBlock, data DataAvailability) error {
	return c.result("on_block", c.Reference.OnBlock(signed, data), c.Candidate.OnBlock(signed, data), true)
}

func (c *Checked) OnAttestation(attestation *spec.Attestation, isFromBlock bool) error {
	return c.result("on_attestation", c.Reference.OnAttestation(attestation, isFromBlock), c.Candidate.OnAttestation(attestation, isFromBlock), true)
}

func (c *Checked) OnAttesterSlashing(slashing *spec.AttesterSlashing) error {
	return c.result("on_attester_slashing", c.Reference.OnAttesterSlashing(slashing), c.Candidate.OnAttesterSlashing(slashing), true)
}

func (c *Checked) OnPayloadStatus(root spec.Root, status PayloadStatus) error {
	return c.result("payload status", c.Reference.OnPayloadStatus(root, status), c.Candidate.OnPayloadStatus(root, status), true)
}

func (c *Checked) GetHead() (spec.Root, error) {
	a, errA := c.Reference.GetHead()
	b, errB := c.Candidate.GetHead()
	return b, c.result(fmt.Sprintf("get_head (%s and %s)", a, b), errA, errB, a == b)
}

func (c *Checked) GetProposerHead(head spec.Root, slot spec.Slot) (spec.Root, error) {
	a, errA := c.Reference.GetProposerHead(head, slot)
	b, errB := c.Candidate.GetProposerHead(head, slot)
	return b, c.result(fmt.Sprintf("get_proposer_head (%s and %s)", a, b), errA, errB, a == b)
}

func (c *Checked) ShouldOverrideForkchoiceUpdate(head spec.Root, validatorIsConnected func(spec.ValidatorIndex) bool) (bool, error) {
	a, errA := c.Reference.ShouldOverrideForkchoiceUpdate(head, validatorIsConnected)
	b, errB := c.Candidate.ShouldOverrideForkchoiceUpdate(head, validatorIsConnected)
	return b, c.result(fmt.Sprintf("should_override_forkchoice_update (%v and %v)", a, b), errA, errB, a == b)
}

func (c *Checked) GetWeight(root spec.Root) (spec.Gwei, error) {
	a, errA := c.Reference.GetWeight(root)
	b, errB := c.Candidate.GetWeight(root)
	return b, c.result(fmt.Sprintf("get_weight of %s (%d and %d)", root, a, b), errA, errB, a == b)
}

func (c *Checked) ViableLeaves() ([]spec.Root, error) {
	a, errA := c.Reference.ViableLeaves()
	b, errB := c.Candidate.ViableLeaves()
	return b, c.result(fmt.Sprintf("viable leaves (%v and %v)", a, b), errA, errB, sameRoots(a, b))
}

// sameRoots reports whether a and b hold the same roots, in any order.
func sameRoots(a, b []spec.Root) bool {
	less := func(x, y spec.Root) int { return slices.Compare(x[:], y[:]) }
	a, b = slices.Clone(a), slices.Clone(b)
	slices.SortFunc(a, less)
	slices.SortFunc(b, less)
	return slices.Equal(a, b)
}

// checkedValue returns b, noting a mismatch if a differs.
func checkedValue[T comparable](c *Checked, what string, a, b T) T {
	if a != b {
		c.note("%s: %v and %v", what, a, b)
	}
	return b
}

func (c *Checked) TimeMs() uint64 {
	return checkedValue(c, "time", c.Reference.TimeMs(), c.Candidate.TimeMs())
}

func (c *Checked) GenesisTimeMs() uint64 {
	return checkedValue(c, "genesis time", c.Reference.GenesisTimeMs(), c.Candidate.GenesisTimeMs())
}

func (c *Checked) CurrentSlot() spec.Slot {
	return checkedValue(c, "current slot", c.Reference.CurrentSlot(), c.Candidate.CurrentSlot())
}

func (c *Checked) JustifiedCheckpoint() spec.Checkpoint {
	return checkedValue(c, "justified checkpoint", c.Reference.JustifiedCheckpoint(), c.Candidate.JustifiedCheckpoint())
}

func (c *Checked) FinalizedCheckpoint() spec.Checkpoint {
	return checkedValue(c, "finalized checkpoint", c.Reference.FinalizedCheckpoint(), c.Candidate.FinalizedCheckpoint())
}

func (c *Checked) UnrealizedJustifiedCheckpoint() spec.Checkpoint {
	return checkedValue(c, "unrealized justified checkpoint", c.Reference.UnrealizedJustifiedCheckpoint(), c.Candidate.UnrealizedJustifiedCheckpoint())
}

func (c *Checked) UnrealizedFinalizedCheckpoint() spec.Checkpoint {
	return checkedValue(c, "unrealized finalized checkpoint", c.Reference.UnrealizedFinalizedCheckpoint(), c.Candidate.UnrealizedFinalizedCheckpoint())
}

func (c *Checked) ProposerBoostRoot() spec.Root {
	return checkedValue(c, "proposer boost root", c.Reference.ProposerBoostRoot(), c.Candidate.ProposerBoostRoot())
}

func (c *Checked) Block(root spec.Root) (*spec.BeaconBlock, bool) {
	a, okA := c.Reference.Block(root)
	b, okB := c.Candidate.Block(root)
	if okA != okB || okA && (a.Slot != b.Slot || a.ParentRoot != b.ParentRoot || a.StateRoot != b.StateRoot) {
		c.note("block %s: held %v and %v", root, okA, okB)
	}
	return b, okB
}

func (c *Checked) BlockState(root spec.Root) (*spec.BeaconState, bool) {
	_, okA := c.Reference.BlockState(root)
	b, okB := c.Candidate.BlockState(root)
	checkedValue(c, "block state of "+root.String(), okA, okB)
	return b, okB
}

func (c *Checked) IsOptimistic(root spec.Root) bool {
	return checkedValue(c, "is_optimistic of "+root.String(), c.Reference.IsOptimistic(root), c.Candidate.IsOptimistic(root))
}

func (c *Checked) IsInvalidated(root spec.Root) bool {
	return checkedValue(c, "invalidated "+root.String(), c.Reference.IsInvalidated(root), c.Candidate.IsInvalidated(root))
}
