package spec

import "github.com/quetzal-eth/quetzal/ssz"

// Containers returns a constructor for every container that exists at fork
// f, under its spec name ("BeaconState", "Attestation", ...). The values it
// makes are zero and are to be used under the schema of fork f: it is the
// table the SSZ conformance tests and generic tools (decode by name) work
// from. A container that a later fork stopped using but whose definition
// the spec still carries (PendingAttestation, HistoricalBatch) stays in the
// table, as it does in the spec's own test vectors.
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
	}
	entries := []entry{
		{Phase0, "BeaconState", func() ssz.Object { return new(BeaconState) }},
		{Phase0, "Fork", func() ssz.Object { return new(Fork) }},
		{Phase0, "ForkData", func() ssz.Object { return new(ForkData) }},
		{Phase0, "Checkpoint", func() ssz.Object { return new(Checkpoint) }},
		{Phase0, "Validator", func() ssz.Object { return new(Validator) }},
		{Phase0, "Eth1Data", func() ssz.Object { return new(Eth1Data) }},
		{Phase0, "HistoricalBatch", func() ssz.Object { return new(HistoricalBatch) }},
		{Phase0, "PendingAttestation", func() ssz.Object { return new(PendingAttestation) }},
		{Phase0, "SigningData", func() ssz.Object { return new(SigningData) }},

		{Altair, "SyncCommittee", func() ssz.Object { return new(SyncCommittee) }},
		{Altair, "LightClientHeader", func() ssz.Object { return new(LightClientHeader) }},
		{Altair, "LightClientBootstrap", func() ssz.Object { return new(LightClientBootstrap) }},
		{Altair, "LightClientUpdate", func() ssz.Object { return new(LightClientUpdate) }},
		{Altair, "LightClientFinalityUpdate", func() ssz.Object { return new(LightClientFinalityUpdate) }},
		{Altair, "LightClientOptimisticUpdate", func() ssz.Object { return new(LightClientOptimisticUpdate) }},

		{Capella, "HistoricalSummary", func() ssz.Object { return new(HistoricalSummary) }},

		{Electra, "PendingDeposit", func() ssz.Object { return new(PendingDeposit) }},
		{Electra, "PendingPartialWithdrawal", func() ssz.Object { return new(PendingPartialWithdrawal) }},
		{Electra, "PendingConsolidation", func() ssz.Object { return new(PendingConsolidation) }},
	}
	for _, e := range entries {
		if f >= e.since {
			add(e.name, e.newObj)
		}
	}
}
