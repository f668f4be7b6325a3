package gossip

import (
	"crypto/sha256"
	"testing"

	"github.com/quetzal-eth/quetzal/spec"
)

// A voluntary exit passes once per validator; deneb checks its signature
// under the capella fork version (EIP-7044).
func TestValidateVoluntaryExitGossip(t *testing.T) {
	for _, fork := range []spec.ForkName{spec.Phase0, spec.Deneb} {
		t.Run(fork.String(), func(t *testing.T) {
			s := spec.Minimal()
			// Late enough that the genesis validators may exit.
			slot := spec.Slot(uint64(s.ShardCommitteePeriod) * uint64(s.SlotsPerEpoch))
			f := newFixture(t, fork, slot)
			epoch := f.s.ComputeEpochAtSlot(slot)
			now := f.slotTime(slot, 0)
			exit := func(index spec.ValidatorIndex, epoch spec.Epoch, domain spec.Domain) *spec.SignedVoluntaryExit {
				e := &spec.SignedVoluntaryExit{Message: spec.VoluntaryExit{Epoch: epoch, ValidatorIndex: index}}
				e.Signature = f.signObject(min(index, fixtureValidators-1), &e.Message, domain)
				return e
			}
			current := f.s.GetDomain(f.state, spec.DomainVoluntaryExit, epoch)
			capella := spec.ComputeDomain(spec.DomainVoluntaryExit, f.s.CapellaForkVersion, f.state.GenesisValidatorsRoot)
			valid, other := current, capella
			if fork >= spec.Deneb {
				valid, other = capella, current
			}
			st, _ := f.store.BlockState(f.anchor)
			st.Validators[5].ExitEpoch = epoch + 10

			tests := []struct {
				name string
				exit *spec.SignedVoluntaryExit
				want Kind
			}{
				{"future epoch", exit(1, epoch+1, valid), Ignore},
				{"index out of range", exit(1<<40, epoch, valid), Reject},
				{"already exiting", exit(5, epoch, valid), Ignore},
				{"signed under the other domain", exit(1, epoch, other), Reject},
				{"valid", exit(1, epoch, valid), Valid},
				{"already seen", exit(1, epoch, valid), Ignore},
			}
			for _, tt := range tests {
				expect(t, tt.name, f.v.ValidateVoluntaryExitGossip(fork, tt.exit, now), tt.want)
			}

			// At genesis no validator has been active long enough.
			g := newFixture(t, fork, 0)
			e := &spec.SignedVoluntaryExit{Message: spec.VoluntaryExit{ValidatorIndex: 2}}
			expect(t, "too young", g.v.ValidateVoluntaryExitGossip(fork, e, 0), Reject)
		})
	}
}

func TestValidateProposerSlashingGossip(t *testing.T) {
	f := newFixture(t, spec.Phase0, 0)
	slashing := func(index spec.ValidatorIndex, change func(h1, h2 *spec.BeaconBlockHeader)) *spec.ProposerSlashing {
		p := &spec.ProposerSlashing{}
		p.SignedHeader1.Message = spec.BeaconBlockHeader{Slot: 3, ProposerIndex: index, BodyRoot: spec.Root{1}}
		p.SignedHeader2.Message = spec.BeaconBlockHeader{Slot: 3, ProposerIndex: index, BodyRoot: spec.Root{2}}
		if change != nil {
			change(&p.SignedHeader1.Message, &p.SignedHeader2.Message)
		}
		domain := f.s.GetDomain(f.state, spec.DomainBeaconProposer, 0)
		signer := min(index, fixtureValidators-1)
		p.SignedHeader1.Signature = f.signObject(signer, &p.SignedHeader1.Message, domain)
		p.SignedHeader2.Signature = f.signObject(signer, &p.SignedHeader2.Message, domain)
		return p
	}
	st, _ := f.store.BlockState(f.anchor)
	st.Validators[7].Slashed = true
	tests := []struct {
		name     string
		slashing *spec.ProposerSlashing
		want     Kind
	}{
		{"slots differ", slashing(1, func(h1, h2 *spec.BeaconBlockHeader) { h2.Slot++ }), Reject},
		{"proposers differ", slashing(1, func(h1, h2 *spec.BeaconBlockHeader) { h2.ProposerIndex++ }), Reject},
		{"same header", slashing(1, func(h1, h2 *spec.BeaconBlockHeader) { *h2 = *h1 }), Reject},
		{"index out of range", slashing(1<<40, nil), Reject},
		{"already slashed", slashing(7, nil), Reject},
		{"valid", slashing(1, nil), Valid},
		{"already seen", slashing(1, nil), Ignore},
	}
	for _, tt := range tests {
		expect(t, tt.name, f.v.ValidateProposerSlashingGossip(spec.Phase0, tt.slashing), tt.want)
	}
	bad := slashing(2, nil)
	bad.SignedHeader2.Signature = bad.SignedHeader1.Signature
	expect(t, "bad signature", f.v.ValidateProposerSlashingGossip(spec.Phase0, bad), Reject)
}

func TestValidateAttesterSlashingGossip(t *testing.T) {
	f := newFixture(t, spec.Phase0, 0)
	indexed := func(indices []spec.ValidatorIndex, root byte) spec.IndexedAttestation {
		data := f.attestationData(0, 0)
		data.BeaconBlockRoot = spec.Root{root}
		a := spec.IndexedAttestation{AttestingIndices: indices, Data: data}
		var signers []spec.ValidatorIndex
		for _, i := range indices {
			signers = append(signers, min(i, fixtureValidators-1))
		}
		if len(signers) > 0 {
			a.Signature = f.aggregateSignature(signers, &a.Data)
		}
		return a
	}
	slashing := func(one, two []spec.ValidatorIndex) *spec.AttesterSlashing {
		return &spec.AttesterSlashing{Attestation1: indexed(one, 1), Attestation2: indexed(two, 2)}
	}
	notSlashable := slashing([]spec.ValidatorIndex{1, 2}, []spec.ValidatorIndex{2, 3})
	notSlashable.Attestation2 = notSlashable.Attestation1
	unsorted := slashing([]spec.ValidatorIndex{4, 3}, []spec.ValidatorIndex{3})

	tests := []struct {
		name     string
		slashing *spec.AttesterSlashing
		want     Kind
	}{
		{"no common attester", slashing([]spec.ValidatorIndex{1}, []spec.ValidatorIndex{2}), Ignore},
		{"same data", notSlashable, Reject},
		{"index out of range", slashing([]spec.ValidatorIndex{1, 1 << 40}, []spec.ValidatorIndex{1, 1 << 40}), Reject},
		{"unsorted indices", unsorted, Reject},
		{"valid", slashing([]spec.ValidatorIndex{1, 2, 3}, []spec.ValidatorIndex{2, 3}), Valid},
		{"every common attester seen", slashing([]spec.ValidatorIndex{2}, []spec.ValidatorIndex{2}), Ignore},
		{"one new common attester", slashing([]spec.ValidatorIndex{2, 4}, []spec.ValidatorIndex{2, 4}), Valid},
	}
	for _, tt := range tests {
		expect(t, tt.name, f.v.ValidateAttesterSlashingGossip(spec.Phase0, tt.slashing), tt.want)
	}
	for _, i := range []spec.ValidatorIndex{2, 3, 4} {
		if !f.v.Seen.AttesterSlashingIndices[i] {
			t.Errorf("validator %d of an accepted slashing not recorded", i)
		}
	}
	if f.v.Seen.AttesterSlashingIndices[1] {
		t.Error("validator 1, in one attestation only, recorded")
	}
}

func TestValidateBLSToExecutionChangeGossip(t *testing.T) {
	f := newFixture(t, spec.Capella, 0)
	change := func(index spec.ValidatorIndex, signer spec.ValidatorIndex) *spec.SignedBLSToExecutionChange {
		c := &spec.SignedBLSToExecutionChange{Message: spec.BLSToExecutionChange{ValidatorIndex: index, ToExecutionAddress: spec.ExecutionAddress{9}}}
		c.Message.FromBLSPubkey = f.state.Validators[signer].Pubkey
		domain := spec.ComputeDomain(spec.DomainBLSToExecutionChange, f.s.GenesisForkVersion, f.state.GenesisValidatorsRoot)
		c.Signature = f.signObject(signer, &c.Message, domain)
		return c
	}
	st, _ := f.store.BlockState(f.anchor)
	st.Validators[6].WithdrawalCredentials[0] = spec.Eth1AddressWithdrawalPrefix
	badSig := change(1, 1)
	badSig.Signature = change(2, 2).Signature
	tests := []struct {
		name   string
		change *spec.SignedBLSToExecutionChange
		want   Kind
	}{
		{"index out of range", change(1<<40, 1), Reject},
		{"not BLS credentials", change(6, 6), Reject},
		{"another validator's key", change(1, 2), Reject},
		{"bad signature", badSig, Reject},
		{"valid", change(1, 1), Valid},
		{"already seen", change(1, 1), Ignore},
	}
	for _, tt := range tests {
		expect(t, tt.name, f.v.ValidateBLSToExecutionChangeGossip(spec.Capella, tt.change, 0), tt.want)
	}
	if h := sha256.Sum256(f.state.Validators[1].Pubkey[:]); f.state.Validators[1].WithdrawalCredentials[1] != h[1] {
		t.Fatal("interop credentials are not of the validator's own key")
	}

	// Before the capella fork epoch, changes are ignored.
	f.s.CapellaForkEpoch = 2
	expect(t, "before capella", f.v.ValidateBLSToExecutionChangeGossip(spec.Capella, change(3, 3), f.slotTime(f.s.SlotsPerEpoch, 0)), Ignore)
}
