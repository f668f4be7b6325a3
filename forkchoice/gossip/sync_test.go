package gossip

import (
	"testing"

	"github.com/quetzal-eth/quetzal/spec"
	"github.com/quetzal-eth/quetzal/spec/bls"
	"github.com/quetzal-eth/quetzal/ssz"
)

// The subnets of a validator are those of its seats in the sync committee,
// and each subcommittee's pubkeys are its slice of the committee.
func TestSyncCommitteeHelpers(t *testing.T) {
	f := newFixture(t, spec.Altair, 0)
	size := f.s.SyncCommitteeSize / spec.SyncCommitteeSubnetCount
	seats := map[spec.ValidatorIndex]map[spec.SubnetID]bool{}
	for sub := range spec.SyncCommitteeSubnetCount {
		pubkeys := GetSyncSubcommitteePubkeys(f.s, f.state, sub)
		if uint64(len(pubkeys)) != size {
			t.Fatalf("subcommittee %d has %d pubkeys, want %d", sub, len(pubkeys), size)
		}
		for _, pk := range pubkeys {
			for i := range f.state.Validators {
				if f.state.Validators[i].Pubkey == pk {
					if seats[spec.ValidatorIndex(i)] == nil {
						seats[spec.ValidatorIndex(i)] = map[spec.SubnetID]bool{}
					}
					seats[spec.ValidatorIndex(i)][spec.SubnetID(sub)] = true
				}
			}
		}
	}
	for i := range spec.ValidatorIndex(fixtureValidators) {
		subnets := ComputeSubnetsForSyncCommittee(f.s, f.state, i)
		if len(subnets) != len(seats[i]) {
			t.Errorf("validator %d: subnets %v, seats %v", i, subnets, seats[i])
		}
		for j, sub := range subnets {
			if !seats[i][sub] || (j > 0 && subnets[j-1] >= sub) {
				t.Errorf("validator %d: subnets %v, seats %v", i, subnets, seats[i])
			}
		}
	}
	if got := ComputeSubnetsForSyncCommittee(f.s, f.state, 1<<40); got != nil {
		t.Errorf("subnets of an unknown validator: %v", got)
	}
	if got := GetSyncSubcommitteePubkeys(f.s, f.state, spec.SyncCommitteeSubnetCount); got != nil {
		t.Errorf("pubkeys of subcommittee %d: %v", spec.SyncCommitteeSubnetCount, got)
	}
}

// syncMember returns a member of the sync committee of subcommittee sub,
// its position there and its validator index.
func syncMember(t *testing.T, f *fixture, sub uint64) (int, spec.ValidatorIndex) {
	t.Helper()
	for pos, pk := range GetSyncSubcommitteePubkeys(f.s, f.state, sub) {
		for i := range f.state.Validators {
			if f.state.Validators[i].Pubkey == pk {
				return pos, spec.ValidatorIndex(i)
			}
		}
	}
	t.Fatalf("subcommittee %d has no known member", sub)
	return 0, 0
}

func TestValidateSyncCommitteeMessageGossip(t *testing.T) {
	f := newFixture(t, spec.Altair, 0)
	_, member := syncMember(t, f, 1)
	subnets := ComputeSubnetsForSyncCommittee(f.s, f.state, member)
	subnet := subnets[0]
	other := spec.SubnetID(0)
	for contains64(subnets, other) {
		other++
	}
	message := func(index spec.ValidatorIndex, slot spec.Slot) *spec.SyncCommitteeMessage {
		m := &spec.SyncCommitteeMessage{Slot: slot, BeaconBlockRoot: f.anchor, ValidatorIndex: index}
		domain := f.s.GetDomain(f.state, spec.DomainSyncCommittee, 0)
		m.Signature = f.sign(min(index, fixtureValidators-1), spec.ComputeSigningRoot(f.anchor, domain))
		return m
	}
	now := f.slotTime(1, 100)
	tests := []struct {
		name   string
		msg    *spec.SyncCommitteeMessage
		subnet spec.SubnetID
		want   Kind
	}{
		{"not the current slot", message(member, 3), subnet, Ignore},
		{"index out of range", message(1<<40, 1), subnet, Reject},
		{"not the validator's subnet", message(member, 1), other, Reject},
		{"valid", message(member, 1), subnet, Valid},
		{"already seen", message(member, 1), subnet, Ignore},
	}
	for _, tt := range tests {
		expect(t, tt.name, f.v.ValidateSyncCommitteeMessageGossip(spec.Altair, tt.msg, now, tt.subnet), tt.want)
	}
	bad := message(member, 2)
	bad.Signature[5] ^= 1
	expect(t, "bad signature", f.v.ValidateSyncCommitteeMessageGossip(spec.Altair, bad, f.slotTime(2, 0), subnet), Reject)
}

func contains64(list []spec.SubnetID, x spec.SubnetID) bool {
	for _, y := range list {
		if y == x {
			return true
		}
	}
	return false
}

func TestValidateSyncCommitteeContributionAndProofGossip(t *testing.T) {
	f := newFixture(t, spec.Altair, 0)
	const sub = 2
	pos, aggregator := syncMember(t, f, sub)
	pubkeys := GetSyncSubcommitteePubkeys(f.s, f.state, sub)
	size := int(f.s.SyncCommitteeSize / spec.SyncCommitteeSubnetCount)
	const slot = 1
	domain := func(d spec.DomainType) spec.Domain { return f.s.GetDomain(f.state, d, 0) }

	// contribution is the contribution of the members at positions, sent
	// by the member at position by.
	contribution := func(by int, positions []int, change func(*spec.ContributionAndProof)) *spec.SignedContributionAndProof {
		c := spec.SyncCommitteeContribution{Slot: slot, BeaconBlockRoot: f.anchor, SubcommitteeIndex: sub, AggregationBits: ssz.NewBitvector(size)}
		var sigs []bls.Signature
		for _, p := range positions {
			c.AggregationBits.Set(p, true)
			index := indexOf(t, f, pubkeys[p])
			sigs = append(sigs, bls.Signature(f.sign(index, spec.ComputeSigningRoot(f.anchor, domain(spec.DomainSyncCommittee)))))
		}
		if len(sigs) > 0 {
			agg, err := bls.Aggregate(sigs)
			if err != nil {
				t.Fatal(err)
			}
			c.Signature = spec.BLSSignature(agg)
		}
		signer := indexOf(t, f, pubkeys[by])
		p := spec.ContributionAndProof{AggregatorIndex: signer, Contribution: c}
		p.SelectionProof = f.signObject(signer, &spec.SyncAggregatorSelectionData{Slot: slot, SubcommitteeIndex: sub}, domain(spec.DomainSyncCommitteeSelectionProof))
		if change != nil {
			change(&p)
		}
		return &spec.SignedContributionAndProof{Message: p, Signature: f.signObject(signer, &p, domain(spec.DomainContributionAndProof))}
	}
	if !IsSyncCommitteeAggregator(f.s, contribution(pos, nil, nil).Message.SelectionProof) {
		t.Skip("with the minimal preset every member aggregates; this preset differs")
	}
	now := f.slotTime(slot, 0)
	other := (pos + 1) % size
	tests := []struct {
		name string
		c    *spec.SignedContributionAndProof
		want Kind
	}{
		{"no participants", contribution(pos, nil, nil), Reject},
		{"subcommittee out of range", contribution(pos, []int{pos}, func(p *spec.ContributionAndProof) { p.Contribution.SubcommitteeIndex = 9 }), Reject},
		{"aggregator out of range", contribution(pos, []int{pos}, func(p *spec.ContributionAndProof) { p.AggregatorIndex = 1 << 40 }), Reject},
		{"bad aggregate signature", contribution(pos, []int{pos}, func(p *spec.ContributionAndProof) { p.Contribution.AggregationBits.Set(other, true) }), Reject},
		{"valid", contribution(pos, []int{pos, other}, nil), Valid},
		{"a subset of a seen contribution", contribution(other, []int{other}, nil), Ignore},
	}
	for _, tt := range tests {
		expect(t, tt.name, f.v.ValidateSyncCommitteeContributionAndProofGossip(spec.Altair, tt.c, now), tt.want)
	}
	if aggregator != indexOf(t, f, pubkeys[pos]) {
		t.Fatal("syncMember and the subcommittee disagree")
	}
}

func indexOf(t *testing.T, f *fixture, pk spec.BLSPubkey) spec.ValidatorIndex {
	t.Helper()
	for i := range f.state.Validators {
		if f.state.Validators[i].Pubkey == pk {
			return spec.ValidatorIndex(i)
		}
	}
	t.Fatalf("no validator with pubkey %s", pk)
	return 0
}
