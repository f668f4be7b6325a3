// Package forkchoice is the fork choice of the consensus specs: the store
// of phase0 fork-choice.md with the changes of every later fork up to fulu
// (the merge block checks of bellatrix, data availability of deneb and
// fulu), the proposer re-org helpers, and optimistic sync
// (sync/optimistic.md).
//
// Store is the reference implementation. It keeps the spec's Store and
// its functions, named as the spec names them, and reads side by side
// with the pinned spec; it favours being obviously right over being fast.
// ForkChoice is what any fork choice offers, so that a faster
// implementation can be run through the same tests and compared with
// Store.
//
// The package is pure, like spec: time, blocks, attestations and data
// availability come in as arguments, and the execution engine and the
// proof-of-work chain are interfaces the caller supplies. Nothing here
// touches the network, the disk or the clock.
//
// Time is in milliseconds since the Unix epoch, as the spec's store keeps
// it (store.time_ms).
package forkchoice
