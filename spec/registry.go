package spec

import "github.com/quetzal-eth/quetzal/ssz"

// Containers returns a constructor for every container that exists at fork
// f, under its spec name ("BeaconState", "Attestation", ...). The values it
// makes are zero and are to be used under the schema of fork f: it is the
// table the SSZ conformance tests and generic tools (decode by name) work
// from. A container exists at a fork when that fork's spec defines it or
// carries it over from an earlier fork; one that a fork no longer uses is
// dropped there (PendingAttestation at altair, HistoricalBatch at capella),
// as the spec's own modules and test vectors drop it.
//
// Each call builds a new map, which the caller may change.
func Containers(f ForkName) map[string]func() ssz.Object {
	m, _ := containers(f)
	return m
}

// containers merges the state and block tables, and also returns the names
// that were added twice so that a test can catch a clash between them.
func containers(f ForkName) (m map[string]func() ssz.Object, dups []string) {
	m = make(map[string]func() ssz.Object, 96)
	add := func(name string, newObj func() ssz.Object) {
		if _, ok := m[name]; ok {
			dups = append(dups, name)
		}
		m[name] = newObj
	}
	stateContainers(f, add)
	blockContainers(f, add)
	return m, dups
}

// stateContainers calls add, under its spec name, for every container of
// the state, its parts, signing and light clients that exists at fork f.
func stateContainers(f ForkName, add func(name string, newObj func() ssz.Object)) {
	type entry struct {
		since  ForkName
		name   string
		newObj func() ssz.Object
		// removed is the first fork without the container; zero if every
		// later fork has it.
		removed ForkName
	}
	entries := []entry{
		{Phase0, "BeaconState", func() ssz.Object { return new(BeaconState) }, 0},
		{Phase0, "Fork", func() ssz.Object { return new(Fork) }, 0},
		{Phase0, "ForkData", func() ssz.Object { return new(ForkData) }, 0},
		{Phase0, "Checkpoint", func() ssz.Object { return new(Checkpoint) }, 0},
		{Phase0, "Validator", func() ssz.Object { return new(Validator) }, 0},
		{Phase0, "Eth1Data", func() ssz.Object { return new(Eth1Data) }, 0},
		{Phase0, "HistoricalBatch", func() ssz.Object { return new(HistoricalBatch) }, Capella},
		{Phase0, "PendingAttestation", func() ssz.Object { return new(PendingAttestation) }, Altair},
		{Phase0, "SigningData", func() ssz.Object { return new(SigningData) }, 0},

		{Altair, "SyncCommittee", func() ssz.Object { return new(SyncCommittee) }, 0},
		{Altair, "LightClientHeader", func() ssz.Object { return new(LightClientHeader) }, 0},
		{Altair, "LightClientBootstrap", func() ssz.Object { return new(LightClientBootstrap) }, 0},
		{Altair, "LightClientUpdate", func() ssz.Object { return new(LightClientUpdate) }, 0},
		{Altair, "LightClientFinalityUpdate", func() ssz.Object { return new(LightClientFinalityUpdate) }, 0},
		{Altair, "LightClientOptimisticUpdate", func() ssz.Object { return new(LightClientOptimisticUpdate) }, 0},

		{Capella, "HistoricalSummary", func() ssz.Object { return new(HistoricalSummary) }, 0},

		{Electra, "PendingDeposit", func() ssz.Object { return new(PendingDeposit) }, 0},
		{Electra, "PendingPartialWithdrawal", func() ssz.Object { return new(PendingPartialWithdrawal) }, 0},
		{Electra, "PendingConsolidation", func() ssz.Object { return new(PendingConsolidation) }, 0},
	}
	for _, e := range entries {
		if f >= e.since && (e.removed == 0 || f < e.removed) {
			add(e.name, e.newObj)
		}
	}
}
