// Package spec is the Ethereum beacon-chain specification in Go, from phase0
// to fulu: the custom types, presets and runtime configuration, containers,
// helpers and the state transition.
//
// The package is pure. It reads no files, opens no connections, keeps no
// clock and holds no package-level state that changes: every function that
// depends on a preset or network takes a *Spec, so mainnet, minimal and
// custom networks can be used side by side in one process.
//
// Names follow the consensus specs (github.com/ethereum/consensus-specs,
// specs/<fork>/*.md): the spec's compute_shuffled_index is
// ComputeShuffledIndex, SLOTS_PER_EPOCH is Spec.SlotsPerEpoch, and each
// exported function names the spec function and the fork document that
// last changed it.
package spec
