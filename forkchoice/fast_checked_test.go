package forkchoice

import (
	"errors"
	"testing"

	"github.com/quetzal-eth/quetzal/spec"
)

// Checked fails when its two fork choices disagree: on an answer, on the
// outcome of a handler, and on an answer without an error result, at the
// next call that has one.
func TestCheckedReportsDisagreement(t *testing.T) {
	s, st, gb := testGenesis(t)
	g := genesisBlock(t, s, st, gb)
	forkA := makeChain(t, s, g, 2, 0)
	forkB := makeChain(t, s, g, 2, 1)
	c, err := NewChecked(s, st, gb, Options{Signatures: spec.SignaturesOff})
	if err != nil {
		t.Fatal(err)
	}
	tick := func(fc ForkChoice, slot spec.Slot) error {
		at, err := ComputeTimeAtSlotMs(s, fc.GenesisTimeMs(), slot)
		if err != nil {
			t.Fatal(err)
		}
		return fc.OnTick(at)
	}
	if err := tick(c, 3); err != nil {
		t.Fatal(err)
	}
	for _, b := range append(forkA, forkB...) {
		if err := c.OnBlock(b.signed, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.GetHead(); err != nil {
		t.Fatalf("both agree, yet: %v", err)
	}

	// A vote only the candidate takes.
	att := makeAttestations(t, s, forkB[1], nil)[0]
	if err := c.Candidate.OnAttestation(&att, false); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetWeight(forkB[1].root); !errors.Is(err, ErrMismatch) {
		t.Errorf("weights differ, got error %v", err)
	}

	// A block only the reference takes: the candidate accepting it again
	// agrees, the reference's rejection of an unknown parent does not.
	orphan := makeChain(t, s, forkA[1], 1, 2)[0]
	if err := c.Reference.OnBlock(orphan.signed, nil); err != nil {
		t.Fatal(err)
	}
	child := makeChain(t, s, orphan, 1, 2)[0]
	if err := tick(c, child.signed.Message.Slot); err != nil {
		t.Fatal(err)
	}
	if err := c.OnBlock(child.signed, nil); !errors.Is(err, ErrMismatch) {
		t.Errorf("one took the block, got error %v", err)
	}

	// Times that differ: noted, and reported by the next call with an
	// error result.
	if err := tick(c.Candidate, 7); err != nil {
		t.Fatal(err)
	}
	if got := c.TimeMs(); got != c.Candidate.TimeMs() {
		t.Errorf("time %d, want the candidate's %d", got, c.Candidate.TimeMs())
	}
	if err := c.OnTick(c.Candidate.TimeMs()); !errors.Is(err, ErrMismatch) {
		t.Errorf("times differed, got error %v", err)
	}
	if err := c.OnTick(c.Candidate.TimeMs()); err != nil {
		t.Errorf("a disagreement is reported once, got %v", err)
	}
}
