package spec

// What fulu beacon-chain.md and fork.md add or change (EIP-7917, the
// proposer lookahead).

// ProcessProposerLookahead is process_proposer_lookahead.
func (s *Spec) ProcessProposerLookahead(st *BeaconState) error {
	return notImplemented("process_proposer_lookahead")
}

// UpgradeToFulu is upgrade_to_fulu, in place.
func (s *Spec) UpgradeToFulu(st *BeaconState) error {
	return notImplemented("upgrade_to_fulu")
}
