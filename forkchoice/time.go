package forkchoice

import (
	"math/bits"

	"github.com/quetzal-eth/quetzal/spec"
)

// The time helpers of phase0 beacon-chain.md and fork-choice.md, in the
// milliseconds the store keeps.

// SecondsToMilliseconds is seconds_to_milliseconds (phase0
// fork-choice.md): it saturates at 2**64 - 1 rather than overflow.
func SecondsToMilliseconds(seconds uint64) uint64 {
	if seconds > spec.Uint64Max/1000 {
		return spec.Uint64Max
	}
	return seconds * 1000
}

// MillisecondsToSeconds is milliseconds_to_seconds (phase0
// fork-choice.md).
func MillisecondsToSeconds(ms uint64) uint64 { return ms / 1000 }

// ComputeTimeAtSlotMs is compute_time_at_slot_ms (phase0
// beacon-chain.md): the time in milliseconds at the start of slot. Where
// the spec's uint64 would overflow, it returns an error.
func ComputeTimeAtSlotMs(s *spec.Spec, genesisTimeMs uint64, slot spec.Slot) (uint64, error) {
	hi, sinceGenesis := bits.Mul64(uint64(slot), s.SlotDurationMS)
	t, carry := bits.Add64(genesisTimeMs, sinceGenesis, 0)
	if hi != 0 || carry != 0 {
		return 0, invalidf("time of slot %d overflows", slot)
	}
	return t, nil
}

// ComputeSlotAtTimeMs is compute_slot_at_time_ms (phase0
// beacon-chain.md): the slot at time timeMs, which must not be before
// genesis.
func ComputeSlotAtTimeMs(s *spec.Spec, genesisTimeMs, timeMs uint64) (spec.Slot, error) {
	if timeMs < genesisTimeMs {
		return 0, invalidf("time %d ms is before genesis at %d ms", timeMs, genesisTimeMs)
	}
	return spec.Slot((timeMs - genesisTimeMs) / s.SlotDurationMS), nil
}

// GetSlotComponentDurationMs is get_slot_component_duration_ms (phase0
// fork-choice.md): the part of a slot given in basis points, in
// milliseconds.
func GetSlotComponentDurationMs(s *spec.Spec, basisPoints uint64) uint64 {
	hi, lo := bits.Mul64(basisPoints, s.SlotDurationMS)
	if hi >= spec.BasisPoints {
		return spec.Uint64Max
	}
	q, _ := bits.Div64(hi, lo, spec.BasisPoints)
	return q
}

// GetAttestationDueMs is get_attestation_due_ms (phase0 fork-choice.md):
// how far into a slot attestations are due.
func GetAttestationDueMs(s *spec.Spec) uint64 {
	return GetSlotComponentDurationMs(s, s.AttestationDueBPS)
}

// GetProposerReorgCutoffMs is get_proposer_reorg_cutoff_ms (phase0
// fork-choice.md): how far into a slot a proposer may still re-org a late
// head.
func GetProposerReorgCutoffMs(s *spec.Spec) uint64 {
	return GetSlotComponentDurationMs(s, s.ProposerReorgCutoffBPS)
}

// computeSlotsSinceEpochStart is compute_slots_since_epoch_start (phase0
// fork-choice.md).
func computeSlotsSinceEpochStart(s *spec.Spec, slot spec.Slot) spec.Slot {
	return slot - s.ComputeStartSlotAtEpoch(s.ComputeEpochAtSlot(slot))
}
