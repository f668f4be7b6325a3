// Package gossip is the gossip validation of the consensus specs'
// p2p-interface.md, phase0 to fulu: for each gossip topic, the function
// that decides whether a message is forwarded (valid), dropped (ignore)
// or dropped and held against the peer that sent it (reject), written as
// the pinned specs write it (validate_beacon_block_gossip and the rest),
// and Seen, the caches of what was already accepted that these functions
// read and add to.
//
// A Validator holds what validation reads: the spec, the fork-choice
// store (any Store, of which forkchoice.ForkChoice is one) and the seen
// caches. Its methods are named as the spec names the functions. Each
// takes the fork of the topic the message came on, whose rules apply,
// and the current time; each returns nil when the message is valid, after
// recording it in Seen, and otherwise an *Error whose Kind says whether
// the spec ignores or rejects it. Any other error means the message could
// not be judged (for example a state the check needs is missing); KindOf
// counts it as ignored.
//
// The package is pure, like spec and forkchoice: nothing here touches the
// network, the disk or the clock. Time is in milliseconds since the Unix
// epoch, as the fork-choice store keeps it.
package gossip
