package spec

import "testing"

func TestForkSchedule(t *testing.T) {
	s := Mainnet()
	for _, tc := range []struct {
		epoch Epoch
		fork  ForkName
	}{
		{0, Phase0},
		{74239, Phase0},
		{74240, Altair},
		{144895, Altair},
		{144896, Bellatrix},
		{194048, Capella},
		{269567, Capella},
		{269568, Deneb},
		{364031, Deneb},
		{364032, Electra},
		{411391, Electra},
		{411392, Fulu},
		{FarFutureEpoch, Fulu},
	} {
		if got := s.ForkAtEpoch(tc.epoch); got != tc.fork {
			t.Errorf("ForkAtEpoch(%d) = %s, want %s", tc.epoch, got, tc.fork)
		}
		want := s.ForkVersion(tc.fork)
		if got := s.ComputeForkVersion(tc.epoch); got != want {
			t.Errorf("ComputeForkVersion(%d) = %s, want %s", tc.epoch, got, want)
		}
	}
	if got := s.ForkAtSlot(Slot(74240*32 - 1)); got != Phase0 {
		t.Errorf("ForkAtSlot before altair = %s", got)
	}
	if got := s.ForkAtSlot(Slot(74240 * 32)); got != Altair {
		t.Errorf("ForkAtSlot at altair = %s", got)
	}
	for f := Phase0; f <= LatestFork; f++ {
		if got, ok := s.ForkByVersion(s.ForkVersion(f)); !ok || got != f {
			t.Errorf("ForkByVersion(%s) = %s, %v", s.ForkVersion(f), got, ok)
		}
	}
	if _, ok := s.ForkByVersion(Version{0xde, 0xad, 0xbe, 0xef}); ok {
		t.Error("ForkByVersion found an unknown version")
	}

	// Minimal schedules nothing: every epoch is phase0.
	m := Minimal()
	if got := m.ForkAtEpoch(1 << 40); got != Phase0 {
		t.Errorf("minimal ForkAtEpoch = %s", got)
	}
	// Forks at the same epoch: the latest wins, as in compute_fork_version.
	m.AltairForkEpoch, m.BellatrixForkEpoch, m.CapellaForkEpoch = 0, 0, 3
	if got := m.ForkAtEpoch(0); got != Bellatrix {
		t.Errorf("ForkAtEpoch(0) = %s, want bellatrix", got)
	}
	if got := m.ComputeForkVersion(3); got != m.CapellaForkVersion {
		t.Errorf("ComputeForkVersion(3) = %s", got)
	}
}

func TestGetBlobParameters(t *testing.T) {
	s := Mainnet()
	for _, tc := range []struct {
		epoch Epoch
		want  BlobParameters
	}{
		{0, BlobParameters{364032, 9}},
		{411392, BlobParameters{364032, 9}},
		{412671, BlobParameters{364032, 9}},
		{412672, BlobParameters{412672, 15}},
		{419071, BlobParameters{412672, 15}},
		{419072, BlobParameters{419072, 21}},
		{FarFutureEpoch, BlobParameters{419072, 21}},
	} {
		if got := s.GetBlobParameters(tc.epoch); got != tc.want {
			t.Errorf("GetBlobParameters(%d) = %+v, want %+v", tc.epoch, got, tc.want)
		}
	}
	// The order of the schedule does not matter.
	s.BlobSchedule[0], s.BlobSchedule[1] = s.BlobSchedule[1], s.BlobSchedule[0]
	if got := s.GetBlobParameters(419073); got.MaxBlobsPerBlock != 21 {
		t.Errorf("unsorted schedule: %+v", got)
	}
	if got := s.GetBlobParameters(412673); got.MaxBlobsPerBlock != 15 {
		t.Errorf("unsorted schedule: %+v", got)
	}

	for _, tc := range []struct {
		epoch Epoch
		want  uint64
	}{{0, 0}, {269567, 0}, {269568, 6}, {364032, 9}, {411392, 9}, {412672, 15}, {419072, 21}} {
		if got := s.MaxBlobsPerBlockAtEpoch(tc.epoch); got != tc.want {
			t.Errorf("MaxBlobsPerBlockAtEpoch(%d) = %d, want %d", tc.epoch, got, tc.want)
		}
	}
}

func TestDerivedNetworkingValues(t *testing.T) {
	s := Mainnet()
	// The values older configs listed before the specs derived them.
	for _, tc := range []struct {
		name      string
		got, want uint64
	}{
		{"MIN_EPOCHS_FOR_BLOCK_REQUESTS", s.ComputeMinEpochsForBlockRequests(), 33024},
		{"MAX_REQUEST_BLOB_SIDECARS", s.ComputeMaxRequestBlobSidecars(Deneb), 768},
		{"MAX_REQUEST_BLOB_SIDECARS_ELECTRA", s.ComputeMaxRequestBlobSidecars(Electra), 1152},
		{"MAX_REQUEST_DATA_COLUMN_SIDECARS", s.ComputeMaxRequestDataColumnSidecars(), 16384},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %d, want %d", tc.name, tc.got, tc.want)
		}
	}
}

func TestNextFork(t *testing.T) {
	s := Mainnet()
	gvr := rootFromHex(t, mainnetGenesisValidatorsRoot)
	for _, tc := range []struct {
		epoch      Epoch
		nextEpoch  Epoch
		nextVer    Version
		nextDigest string
	}{
		{0, 74240, s.AltairForkVersion, "0xafcaaba0"},
		{74240, 144896, s.BellatrixForkVersion, "0x4a26c58b"},
		{400000, 411392, s.FuluForkVersion, "0xcc2c5cdb"},
		{411391, 411392, s.FuluForkVersion, "0xcc2c5cdb"},
		// Blob-parameter-only forks change the epoch and digest, not the
		// version.
		{411392, 412672, s.FuluForkVersion, "0xcb0d1acc"},
		{412672, 419072, s.FuluForkVersion, "0x8c9f62fe"},
		{419072, FarFutureEpoch, s.FuluForkVersion, "0x00000000"},
	} {
		if got := s.NextForkEpoch(tc.epoch); got != tc.nextEpoch {
			t.Errorf("NextForkEpoch(%d) = %d, want %d", tc.epoch, got, tc.nextEpoch)
		}
		if got := s.NextForkVersion(tc.epoch); got != tc.nextVer {
			t.Errorf("NextForkVersion(%d) = %s, want %s", tc.epoch, got, tc.nextVer)
		}
		if got := s.NextForkDigest(gvr, tc.epoch).String(); got != tc.nextDigest {
			t.Errorf("NextForkDigest(%d) = %s, want %s", tc.epoch, got, tc.nextDigest)
		}
	}

	// Nothing scheduled: the current version, FAR_FUTURE_EPOCH.
	m := Minimal()
	if m.NextForkEpoch(5) != FarFutureEpoch || m.NextForkVersion(5) != m.GenesisForkVersion {
		t.Errorf("minimal next fork: %d %s", m.NextForkEpoch(5), m.NextForkVersion(5))
	}
	// Two forks at one epoch: the later one's version.
	m.AltairForkEpoch, m.BellatrixForkEpoch = 3, 3
	if got := m.NextForkVersion(0); got != m.BellatrixForkVersion {
		t.Errorf("NextForkVersion with forks at one epoch = %s", got)
	}
}
