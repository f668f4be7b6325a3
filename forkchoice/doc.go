// Package forkchoice will hold the fork-choice store of the consensus specs
// (phase0 fork-choice.md and its later modifications): on_tick, on_block,
// on_attestation, on_attester_slashing, get_head with proposer boost, and
// pruning on finalization. It is pure, like spec: time, blocks and data
// availability come in as arguments. It has no code yet.
package forkchoice
