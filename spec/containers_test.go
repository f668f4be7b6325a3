package spec

import (
	"crypto/sha256"
	"encoding/binary"
	"reflect"
	"testing"

	"github.com/quetzal-eth/quetzal/ssz"
)

// containersTestDropped are the containers that a fork's spec no longer
// carries over from the fork before.
var containersTestDropped = map[string]bool{
	"PendingAttestation": true, "HistoricalBatch": true, "BlobSidecar": true, "BlobIdentifier": true,
}

func TestContainersTable(t *testing.T) {
	for f := Phase0; f <= LatestFork; f++ {
		m, dups := containers(f)
		if len(dups) > 0 {
			t.Errorf("%s: names added twice: %v", f, dups)
		}
		for name, newObj := range m {
			a, b := newObj(), newObj()
			if a == b {
				t.Errorf("%s: %s constructor returns a shared value", f, name)
			}
			if got := reflect.TypeOf(a).Elem().Name(); got != name {
				t.Errorf("%s: %q makes a %s", f, name, got)
			}
		}
		// A fork keeps every container of the fork before it, but for
		// those the spec drops.
		if f > Phase0 {
			for name := range Containers(f - 1) {
				if m[name] == nil && !containersTestDropped[name] {
					t.Errorf("%s: %s of %s is missing", f, name, f-1)
				}
			}
		}
	}

	// The forks whose spec modules define each container (first to last),
	// as the pyspec builds them.
	spans := map[string][2]ForkName{
		"BeaconState": {Phase0, LatestFork}, "Fork": {Phase0, LatestFork},
		"ForkData": {Phase0, LatestFork}, "Checkpoint": {Phase0, LatestFork},
		"Validator": {Phase0, LatestFork}, "Eth1Data": {Phase0, LatestFork},
		"SigningData": {Phase0, LatestFork}, "HistoricalBatch": {Phase0, Bellatrix},
		"PendingAttestation": {Phase0, Phase0},
		"SyncCommittee":      {Altair, LatestFork}, "LightClientHeader": {Altair, LatestFork},
		"LightClientBootstrap": {Altair, LatestFork}, "LightClientUpdate": {Altair, LatestFork},
		"LightClientFinalityUpdate": {Altair, LatestFork}, "LightClientOptimisticUpdate": {Altair, LatestFork},
		"HistoricalSummary": {Capella, LatestFork},
		"PendingDeposit":    {Electra, LatestFork}, "PendingPartialWithdrawal": {Electra, LatestFork},
		"PendingConsolidation": {Electra, LatestFork},
	}
	for name, span := range spans {
		for f := Phase0; f <= LatestFork; f++ {
			if has := Containers(f)[name] != nil; has != (f >= span[0] && f <= span[1]) {
				t.Errorf("%s at %s: present %v, want %s..%s", name, f, has, span[0], span[1])
			}
		}
	}

	// Callers own the map they get.
	m := Containers(Phase0)
	delete(m, "BeaconState")
	if Containers(Phase0)["BeaconState"] == nil {
		t.Error("deleting from one result changed the next")
	}
}

func TestMiscContainerSizes(t *testing.T) {
	for _, sp := range stateTestSpecs() {
		s := sp.Schema(LatestFork)
		for _, c := range []struct {
			obj  ssz.Object
			want int
		}{
			{&Fork{}, 4 + 4 + 8},
			{&ForkData{}, 4 + 32},
			{&Checkpoint{}, 8 + 32},
			{&Validator{}, 48 + 32 + 8 + 1 + 4*8},
			{&Eth1Data{}, 32 + 8 + 32},
			{&HistoricalBatch{}, 2 * 32 * int(s.SlotsPerHistoricalRoot)},
			{&HistoricalSummary{}, 64},
			{&SigningData{}, 64},
			{&SyncCommittee{}, 48*int(s.SyncCommitteeSize) + 48},
			{&PendingDeposit{}, 48 + 32 + 8 + 96 + 8},
			{&PendingPartialWithdrawal{}, 24},
			{&PendingConsolidation{}, 16},
		} {
			if !ssz.IsStatic(c.obj, s) {
				t.Errorf("%s %T is not fixed-size", sp.Name, c.obj)
			}
			if got := SizeSSZ(s, c.obj); got != c.want {
				t.Errorf("%s %T: size %d, want %d", sp.Name, c.obj, got, c.want)
			}
		}
		if ssz.IsStatic(&PendingAttestation{}, s) {
			t.Errorf("PendingAttestation is fixed-size")
		}
	}
}

// containersTestChunk packs b into one zero-padded chunk.
func containersTestChunk(b []byte) [32]byte {
	var c [32]byte
	copy(c[:], b)
	return c
}

func containersTestUint(v uint64) [32]byte {
	var c [32]byte
	binary.LittleEndian.PutUint64(c[:], v)
	return c
}

func containersTestPair(a, b [32]byte) [32]byte { return sha256.Sum256(append(a[:], b[:]...)) }

// TestValidatorRoot computes a Validator's hash_tree_root by hand from the
// SSZ rules (eight fields, so a tree of depth 3; the 48-byte pubkey is two
// chunks) and compares.
func TestValidatorRoot(t *testing.T) {
	r := newStateTestRand(5)
	v := Validator{EffectiveBalance: 32e9, Slashed: true, ActivationEligibilityEpoch: 3,
		ActivationEpoch: 9, ExitEpoch: FarFutureEpoch, WithdrawableEpoch: 1 << 40}
	r.fill(v.Pubkey[:])
	r.fill(v.WithdrawalCredentials[:])

	leaves := [8][32]byte{
		containersTestPair(containersTestChunk(v.Pubkey[:32]), containersTestChunk(v.Pubkey[32:])),
		v.WithdrawalCredentials,
		containersTestUint(uint64(v.EffectiveBalance)),
		containersTestUint(1),
		containersTestUint(uint64(v.ActivationEligibilityEpoch)),
		containersTestUint(uint64(v.ActivationEpoch)),
		containersTestUint(uint64(v.ExitEpoch)),
		containersTestUint(uint64(v.WithdrawableEpoch)),
	}
	l1 := [4][32]byte{}
	for i := range l1 {
		l1[i] = containersTestPair(leaves[2*i], leaves[2*i+1])
	}
	want := containersTestPair(containersTestPair(l1[0], l1[1]), containersTestPair(l1[2], l1[3]))

	got, err := HashTreeRoot(Minimal().Schema(Phase0), &v)
	if err != nil {
		t.Fatal(err)
	}
	if got != Root(want) {
		t.Errorf("root %s, want %x", got, want)
	}
	// The root must depend on every field.
	v.WithdrawableEpoch++
	if again, _ := HashTreeRoot(Minimal().Schema(Phase0), &v); again == got {
		t.Error("withdrawable_epoch does not reach the root")
	}
}

func TestCheckpointEncoding(t *testing.T) {
	cp := Checkpoint{Epoch: 0x0102030405060708}
	cp.Root[0], cp.Root[31] = 0xaa, 0xbb
	enc, err := Marshal(Minimal().Schema(Phase0), &cp)
	if err != nil {
		t.Fatal(err)
	}
	if len(enc) != 40 || enc[0] != 0x08 || enc[7] != 0x01 || enc[8] != 0xaa || enc[39] != 0xbb {
		t.Errorf("encoding %x", enc)
	}
	root, _ := HashTreeRoot(Minimal().Schema(Phase0), &cp)
	if want := containersTestPair(containersTestUint(uint64(cp.Epoch)), cp.Root); root != Root(want) {
		t.Errorf("root %s, want %x", root, want)
	}
}
