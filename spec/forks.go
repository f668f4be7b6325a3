package spec

// The fork schedule of a network: which fork, and which fork version, is
// in force at an epoch.

// ForkEpoch returns the epoch at which fork f activates on this network
// (GENESIS_EPOCH for phase0, <FORK>_FORK_EPOCH otherwise), FarFutureEpoch
// if it is not scheduled.
func (s *Spec) ForkEpoch(f ForkName) Epoch {
	switch f {
	case Phase0:
		return GenesisEpoch
	case Altair:
		return s.AltairForkEpoch
	case Bellatrix:
		return s.BellatrixForkEpoch
	case Capella:
		return s.CapellaForkEpoch
	case Deneb:
		return s.DenebForkEpoch
	case Electra:
		return s.ElectraForkEpoch
	case Fulu:
		return s.FuluForkEpoch
	}
	return FarFutureEpoch
}

// SetForkEpoch schedules fork f at epoch (a test network's fork
// schedule); phase0 is always at genesis and cannot be moved.
func (s *Spec) SetForkEpoch(f ForkName, epoch Epoch) {
	switch f {
	case Altair:
		s.AltairForkEpoch = epoch
	case Bellatrix:
		s.BellatrixForkEpoch = epoch
	case Capella:
		s.CapellaForkEpoch = epoch
	case Deneb:
		s.DenebForkEpoch = epoch
	case Electra:
		s.ElectraForkEpoch = epoch
	case Fulu:
		s.FuluForkEpoch = epoch
	}
}

// ForkVersion returns the fork version of fork f on this network
// (GENESIS_FORK_VERSION for phase0, <FORK>_FORK_VERSION otherwise).
func (s *Spec) ForkVersion(f ForkName) Version {
	switch f {
	case Phase0:
		return s.GenesisForkVersion
	case Altair:
		return s.AltairForkVersion
	case Bellatrix:
		return s.BellatrixForkVersion
	case Capella:
		return s.CapellaForkVersion
	case Deneb:
		return s.DenebForkVersion
	case Electra:
		return s.ElectraForkVersion
	case Fulu:
		return s.FuluForkVersion
	}
	return Version{}
}

// ForkAtEpoch returns the latest fork this package implements that is
// active at epoch. Forks are checked newest first, as compute_fork_version
// does, so a fork scheduled at the same epoch as its predecessor wins.
func (s *Spec) ForkAtEpoch(epoch Epoch) ForkName {
	for f := LatestFork; f > Phase0; f-- {
		if epoch >= s.ForkEpoch(f) {
			return f
		}
	}
	return Phase0
}

// ForkAtSlot returns the fork active at slot.
func (s *Spec) ForkAtSlot(slot Slot) ForkName {
	return s.ForkAtEpoch(Epoch(slot / s.SlotsPerEpoch))
}

// ForkByVersion returns the fork whose version on this network is v.
func (s *Spec) ForkByVersion(v Version) (ForkName, bool) {
	for f := LatestFork; ; f-- {
		if s.ForkVersion(f) == v {
			return f, true
		}
		if f == Phase0 {
			return 0, false
		}
	}
}

// ComputeForkVersion returns the fork version at the given epoch
// (compute_fork_version, last modified in fulu p2p-interface.md).
func (s *Spec) ComputeForkVersion(epoch Epoch) Version {
	return s.ForkVersion(s.ForkAtEpoch(epoch))
}

// BlobParameters are the blob limits in force from Epoch on (fulu).
type BlobParameters struct {
	Epoch            Epoch
	MaxBlobsPerBlock uint64
}

// GetBlobParameters returns the blob parameters at a given epoch
// (get_blob_parameters, fulu beacon-chain.md): the BLOB_SCHEDULE entry with
// the greatest epoch not after epoch, else electra's parameters. The
// schedule need not be sorted.
func (s *Spec) GetBlobParameters(epoch Epoch) BlobParameters {
	found := false
	var best BlobScheduleEntry
	for _, e := range s.BlobSchedule {
		if epoch >= e.Epoch && (!found || e.Epoch > best.Epoch) {
			best, found = e, true
		}
	}
	if found {
		return BlobParameters{Epoch: best.Epoch, MaxBlobsPerBlock: best.MaxBlobsPerBlock}
	}
	return BlobParameters{Epoch: s.ElectraForkEpoch, MaxBlobsPerBlock: s.MaxBlobsPerBlockElectra}
}

// MaxBlobsPerBlockAtEpoch returns the blob limit of a block in epoch for
// every fork from deneb on: MAX_BLOBS_PER_BLOCK in deneb,
// MAX_BLOBS_PER_BLOCK_ELECTRA in electra, get_blob_parameters(epoch) from
// fulu on; 0 before deneb.
func (s *Spec) MaxBlobsPerBlockAtEpoch(epoch Epoch) uint64 {
	switch f := s.ForkAtEpoch(epoch); {
	case f >= Fulu:
		return s.GetBlobParameters(epoch).MaxBlobsPerBlock
	case f == Electra:
		return s.MaxBlobsPerBlockElectra
	case f == Deneb:
		return s.MaxBlobsPerBlock
	}
	return 0
}

// ComputeMinEpochsForBlockRequests is compute_min_epochs_for_block_requests
// (phase0 p2p-interface.md).
func (s *Spec) ComputeMinEpochsForBlockRequests() uint64 {
	return uint64(s.MinValidatorWithdrawabilityDelay) + s.ChurnLimitQuotient/2
}

// ComputeMaxRequestBlobSidecars is compute_max_request_blob_sidecars for
// fork f (deneb p2p-interface.md, modified in electra).
func (s *Spec) ComputeMaxRequestBlobSidecars(f ForkName) uint64 {
	if f >= Electra {
		return s.MaxRequestBlocksDeneb * s.MaxBlobsPerBlockElectra
	}
	return s.MaxRequestBlocksDeneb * s.MaxBlobsPerBlock
}

// ComputeMaxRequestDataColumnSidecars is
// compute_max_request_data_column_sidecars (fulu p2p-interface.md).
func (s *Spec) ComputeMaxRequestDataColumnSidecars() uint64 {
	return s.MaxRequestBlocksDeneb * s.NumberOfColumns
}

// NextForkEpoch returns the first epoch after epoch at which a fork this
// package implements activates, or, from fulu on, a BLOB_SCHEDULE entry
// takes effect (a blob-parameter-only fork); FarFutureEpoch if none is
// scheduled. It is ENRForkID.next_fork_epoch (fulu p2p-interface.md).
func (s *Spec) NextForkEpoch(epoch Epoch) Epoch {
	next := FarFutureEpoch
	for f := Altair; f <= LatestFork; f++ {
		if e := s.ForkEpoch(f); e > epoch && e < next {
			next = e
		}
	}
	for _, b := range s.BlobSchedule {
		if b.Epoch > epoch && b.Epoch < next && b.Epoch >= s.FuluForkEpoch {
			next = b.Epoch
		}
	}
	return next
}

// NextForkVersion returns the version of the next regular fork after epoch,
// or the version at epoch if none is scheduled; blob-parameter-only forks
// keep the version. It is ENRForkID.next_fork_version.
func (s *Spec) NextForkVersion(epoch Epoch) Version {
	current := s.ForkAtEpoch(epoch)
	for f := current + 1; f <= LatestFork; f++ {
		if s.ForkEpoch(f) != FarFutureEpoch {
			return s.ForkVersion(s.ForkAtEpoch(s.ForkEpoch(f)))
		}
	}
	return s.ForkVersion(current)
}

// NextForkDigest returns the fork digest at NextForkEpoch(epoch), or the
// zero digest if no fork is scheduled: the ENR's nfd entry (fulu
// p2p-interface.md, "Next fork digest").
func (s *Spec) NextForkDigest(genesisValidatorsRoot Root, epoch Epoch) ForkDigest {
	next := s.NextForkEpoch(epoch)
	if next == FarFutureEpoch {
		return ForkDigest{}
	}
	return s.ComputeForkDigest(genesisValidatorsRoot, next)
}
