package gossip

import (
	"errors"
	"fmt"
	"testing"

	"github.com/quetzal-eth/quetzal/spec"
)

func TestKindOf(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want Kind
	}{
		{nil, Valid},
		{ignoref("x"), Ignore},
		{rejectf("x"), Reject},
		{fmt.Errorf("wrapped: %w", rejectf("x")), Reject},
		{errors.New("no state"), Ignore},
	} {
		if got := KindOf(tt.err); got != tt.want {
			t.Errorf("KindOf(%v) = %s, want %s", tt.err, got, tt.want)
		}
	}
	if got := rejectf("bad %d", 3).Error(); got != "reject: bad 3" {
		t.Errorf("error text %q", got)
	}
}

func TestIsNonStrictSuperset(t *testing.T) {
	for _, tt := range []struct {
		seen []Bits
		bits Bits
		want bool
	}{
		{nil, Bits{true}, false},
		{[]Bits{{true, false}}, Bits{true, false}, true},
		{[]Bits{{true, true}}, Bits{false, true}, true},
		{[]Bits{{true, false}}, Bits{true, true}, false},
		{[]Bits{{true, false}, {false, true}}, Bits{true, true}, false},
		{[]Bits{{true, false}, {true, true, true}}, Bits{true, true}, false},
		{[]Bits{{false, false}}, Bits{false, false}, true},
	} {
		if got := isNonStrictSuperset(tt.seen, tt.bits); got != tt.want {
			t.Errorf("is_non_strict_superset(%v, %v) = %v, want %v", tt.seen, tt.bits, got, tt.want)
		}
	}
}

// The time conditions at their edges: MAXIMUM_GOSSIP_CLOCK_DISPARITY
// either way, and times and slots where the spec's uint64 would overflow.
func TestTimeConditions(t *testing.T) {
	f := newFixture(t, spec.Deneb, 0)
	v := f.v
	d := f.s.MaximumGossipClockDisparity
	slot := func(n spec.Slot) uint64 { return f.slotTime(n, 0) }
	epoch := func(n spec.Epoch) uint64 { return f.slotTime(f.s.ComputeStartSlotAtEpoch(n), 0) }
	last := spec.Slot(f.s.SlotsPerEpoch - 1)
	tests := []struct {
		name string
		got  bool
		want bool
	}{
		{"slot 2 is future a disparity and 1 ms before it", v.isFutureSlot(2, slot(2)-d-1), true},
		{"slot 2 is not future a disparity before it", v.isFutureSlot(2, slot(2)-d), false},
		{"the last slot is future at any time", v.isFutureSlot(spec.Slot(spec.Uint64Max), spec.Uint64Max), true},
		{"epoch 1 is future a disparity and 1 ms before it", v.isFutureEpoch(1, epoch(1)-d-1), true},
		{"epoch 1 is not future a disparity before it", v.isFutureEpoch(1, epoch(1)-d), false},
		{"slot 3 is current at its start", v.isCurrentSlot(3, slot(3)), true},
		{"slot 3 is current a disparity before it", v.isCurrentSlot(3, slot(3)-d), true},
		{"slot 3 is not current a disparity and 1 ms before it", v.isCurrentSlot(3, slot(3)-d-1), false},
		{"slot 3 is current a disparity after it ends", v.isCurrentSlot(3, slot(4)+d), true},
		{"slot 3 is not current a disparity and 1 ms after it ends", v.isCurrentSlot(3, slot(4)+d+1), false},
		{"the last slot is never current", v.isCurrentSlot(spec.Slot(spec.Uint64Max), spec.Uint64Max), false},
		{"within a huge range at the end of time", v.isWithinSlotRange(1, spec.Uint64Max, spec.Uint64Max), true},
		{"epoch 0 is current in its last slot", v.isCurrentOrPreviousEpoch(0, slot(last)), true},
		{"epoch 0 is previous in epoch 1", v.isCurrentOrPreviousEpoch(0, epoch(2)-1), true},
		{"epoch 0 is previous a disparity into epoch 2", v.isCurrentOrPreviousEpoch(0, epoch(2)+d), true},
		{"epoch 0 is past a disparity and 1 ms into epoch 2", v.isCurrentOrPreviousEpoch(0, epoch(2)+d+1), false},
		{"the last epoch", v.isCurrentOrPreviousEpoch(spec.Epoch(spec.Uint64Max), spec.Uint64Max), false},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %v", tt.name, tt.got)
		}
	}
}
