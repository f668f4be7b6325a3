package gossip

import (
	"testing"

	"github.com/quetzal-eth/quetzal/spec"
	"github.com/quetzal-eth/quetzal/ssz"
)

// An unaggregated attestation (before electra) passes once, and each
// condition it breaks gives the spec's verdict.
func TestValidateBeaconAttestationGossip(t *testing.T) {
	for _, fork := range []spec.ForkName{spec.Phase0, spec.Deneb} {
		t.Run(fork.String(), func(t *testing.T) {
			f := newFixture(t, fork, 0)
			const slot = 1
			committee := f.committee(slot, 1)
			perSlot := f.s.GetCommitteeCountPerSlot(f.state, 0)
			subnet := ComputeSubnetForAttestation(f.s, perSlot, slot, 1)
			at := f.slotTime(slot, 0)

			// single makes member i's attestation, modified by change
			// before it is signed.
			single := func(i int, change func(*spec.Attestation)) *spec.Attestation {
				a := &spec.Attestation{AggregationBits: ssz.NewBitlist(len(committee)), Data: f.attestationData(slot, 1)}
				a.AggregationBits.Set(i, true)
				if change != nil {
					change(a)
				}
				a.Signature = f.attesterSignature(committee[i], &a.Data)
				return a
			}
			tests := []struct {
				name   string
				att    *spec.Attestation
				subnet spec.SubnetID
				now    uint64
				want   Kind
			}{
				{"unknown block", single(0, func(a *spec.Attestation) { a.Data.BeaconBlockRoot[0] ^= 1 }), subnet, at, Ignore},
				{"committee index out of range", single(0, func(a *spec.Attestation) { a.Data.Index = 1 << 40 }), subnet, at, Reject},
				{"wrong subnet", single(0, nil), subnet + 1, at, Reject},
				{"future slot", single(0, nil), subnet, at - f.s.MaximumGossipClockDisparity - 1, Ignore},
				{"epoch is not the target's", single(0, func(a *spec.Attestation) { a.Data.Target.Epoch = 1 }), subnet, at, Reject},
				{"no bit set", single(0, func(a *spec.Attestation) { a.AggregationBits.Set(0, false) }), subnet, at, Reject},
				{"two bits set", single(0, func(a *spec.Attestation) { a.AggregationBits.Set(1, true) }), subnet, at, Reject},
				{"bits of another length", single(0, func(a *spec.Attestation) {
					a.AggregationBits = ssz.NewBitlist(len(committee) + 1)
					a.AggregationBits.Set(0, true)
				}), subnet, at, Reject},
				{"target not an ancestor", single(0, func(a *spec.Attestation) { a.Data.Target.Root[0] ^= 1 }), subnet, at, Reject},
				{"bad signature", &spec.Attestation{AggregationBits: single(1, nil).AggregationBits, Data: single(1, nil).Data, Signature: single(0, nil).Signature}, subnet, at, Reject},
				{"valid", single(0, nil), subnet, at, Valid},
				{"already seen", single(0, nil), subnet, at, Ignore},
				{"another attester", single(1, nil), subnet, at, Valid},
			}
			for _, tt := range tests {
				expect(t, tt.name, f.v.ValidateBeaconAttestationGossip(fork, tt.att, tt.now, tt.subnet), tt.want)
			}

			// Phase0 propagates attestations of the last
			// ATTESTATION_PROPAGATION_SLOT_RANGE slots; deneb those of the
			// current and previous epoch.
			slots := func(n spec.Slot) uint64 { return f.slotTime(slot+n, 0) }
			expect(t, "the previous epoch", f.v.ValidateBeaconAttestationGossip(fork, single(2, nil), slots(f.s.SlotsPerEpoch+6), subnet), Valid)
			want := Valid
			if fork >= spec.Deneb {
				want = Ignore
			}
			expect(t, "two epochs on, within the propagation range", f.v.ValidateBeaconAttestationGossip(fork, single(3, nil), slots(2*f.s.SlotsPerEpoch+4), subnet), want)
			past := f.slotTime(slot+f.s.AttestationPropagationSlotRange+1, f.s.MaximumGossipClockDisparity+1)
			expect(t, "past the propagation range", f.v.ValidateBeaconAttestationGossip(fork, single(3, nil), past, subnet), Ignore)
		})
	}
}

// From electra the subnets carry SingleAttestation.
func TestValidateSingleAttestationGossip(t *testing.T) {
	f := newFixture(t, spec.Electra, 0)
	const slot = 1
	committee := f.committee(slot, 0)
	subnet := ComputeSubnetForAttestation(f.s, f.s.GetCommitteeCountPerSlot(f.state, 0), slot, 0)
	at := f.slotTime(slot, 0)
	outsider := spec.ValidatorIndex(0)
	for outsider < fixtureValidators && contains(committee, outsider) {
		outsider++
	}
	single := func(attester spec.ValidatorIndex, change func(*spec.SingleAttestation)) *spec.SingleAttestation {
		a := &spec.SingleAttestation{CommitteeIndex: 0, AttesterIndex: attester, Data: f.attestationData(slot, 0)}
		if change != nil {
			change(a)
		}
		a.Signature = f.attesterSignature(attester, &a.Data)
		return a
	}
	tests := []struct {
		name string
		att  *spec.SingleAttestation
		want Kind
	}{
		{"non-zero data index", single(committee[0], func(a *spec.SingleAttestation) { a.Data.Index = 1 }), Reject},
		{"committee index out of range", single(committee[0], func(a *spec.SingleAttestation) { a.CommitteeIndex = 1 << 40 }), Reject},
		{"attester not in the committee", single(outsider, nil), Reject},
		{"attester out of range", single(1<<40, nil), Reject},
		{"valid", single(committee[0], nil), Valid},
		{"already seen", single(committee[0], nil), Ignore},
	}
	for _, tt := range tests {
		expect(t, tt.name, f.v.ValidateSingleAttestationGossip(spec.Electra, tt.att, at, subnet), tt.want)
	}
	if err := f.v.ValidateBeaconAttestationGossip(spec.Electra, &spec.Attestation{}, at, subnet); err == nil || KindOf(err) == Valid {
		t.Errorf("an electra Attestation on a subnet: %v", err)
	}
}

func contains(list []spec.ValidatorIndex, x spec.ValidatorIndex) bool {
	for _, y := range list {
		if y == x {
			return true
		}
	}
	return false
}

// An aggregate passes once per aggregator and epoch, and an aggregate whose
// bits a valid one covered is ignored.
func TestValidateBeaconAggregateAndProofGossip(t *testing.T) {
	for _, fork := range []spec.ForkName{spec.Phase0, spec.Electra} {
		t.Run(fork.String(), func(t *testing.T) {
			f := newFixture(t, fork, 0)
			const slot, index = 1, 1
			committee := f.committee(slot, index)
			if len(committee) < 3 || uint64(len(committee))/spec.TargetAggregatorsPerCommittee > 1 {
				t.Fatalf("the test wants committees of 3 to 31 members, where each is an aggregator; got %d", len(committee))
			}
			at := f.slotTime(slot, 0)
			// aggregate is the aggregate of members by aggregator.
			aggregate := func(aggregator int, members []int, change func(*spec.AggregateAndProof)) *spec.SignedAggregateAndProof {
				data := f.attestationData(slot, index)
				agg := spec.Attestation{AggregationBits: ssz.NewBitlist(len(committee)), Data: data}
				if fork >= spec.Electra {
					agg.Data.Index = 0
					agg.CommitteeBits = ssz.NewBitvector(int(f.s.MaxCommitteesPerSlot))
					agg.CommitteeBits.Set(index, true)
				}
				var signers []spec.ValidatorIndex
				for _, m := range members {
					agg.AggregationBits.Set(m, true)
					signers = append(signers, committee[m])
				}
				if len(signers) > 0 {
					agg.Signature = f.aggregateSignature(signers, &agg.Data)
				}
				a := spec.AggregateAndProof{AggregatorIndex: committee[aggregator], Aggregate: agg}
				a.SelectionProof = f.sign(committee[aggregator], spec.ComputeSigningRoot(uint64Root(slot), f.s.GetDomain(f.state, spec.DomainSelectionProof, 0)))
				if change != nil {
					change(&a)
				}
				return &spec.SignedAggregateAndProof{Message: a, Signature: f.signObject(committee[aggregator], &a, f.s.GetDomain(f.state, spec.DomainAggregateAndProof, 0))}
			}
			tests := []struct {
				name string
				agg  *spec.SignedAggregateAndProof
				want Kind
			}{
				{"no participants", aggregate(0, nil, nil), Reject},
				{"bad selection proof", aggregate(0, []int{0, 1}, func(a *spec.AggregateAndProof) { a.SelectionProof[0] ^= 1 }), Reject},
				{"aggregator out of range", aggregate(0, []int{0, 1}, func(a *spec.AggregateAndProof) { a.AggregatorIndex = 1 << 40 }), Reject},
				{"valid", aggregate(0, []int{0, 1}, nil), Valid},
				{"a subset of a seen aggregate", aggregate(1, []int{1}, nil), Ignore},
				{"the same aggregator again", aggregate(0, []int{0, 1, 2}, nil), Ignore},
				{"a superset from another aggregator", aggregate(2, []int{0, 1, 2}, nil), Valid},
			}
			if fork >= spec.Electra {
				tests = append([]struct {
					name string
					agg  *spec.SignedAggregateAndProof
					want Kind
				}{
					{"non-zero data index", aggregate(0, []int{0}, func(a *spec.AggregateAndProof) { a.Aggregate.Data.Index = index }), Reject},
					{"two committees", aggregate(0, []int{0}, func(a *spec.AggregateAndProof) { a.Aggregate.CommitteeBits.Set(0, true) }), Reject},
				}, tests...)
			}
			for _, tt := range tests {
				expect(t, tt.name, f.v.ValidateBeaconAggregateAndProofGossip(fork, tt.agg, at), tt.want)
			}
		})
	}
}

func TestComputeSubnetForAttestation(t *testing.T) {
	s := spec.Minimal()
	for _, tt := range []struct {
		perSlot uint64
		slot    spec.Slot
		index   spec.CommitteeIndex
		want    spec.SubnetID
	}{
		{1, 0, 0, 0},
		{4, 1, 2, 6},
		{4, 9, 2, 6},  // the slot counts from the start of its epoch
		{64, 7, 3, 3}, // 448+3 wraps around ATTESTATION_SUBNET_COUNT
	} {
		if got := ComputeSubnetForAttestation(s, tt.perSlot, tt.slot, tt.index); got != tt.want {
			t.Errorf("compute_subnet_for_attestation(%d, %d, %d) = %d, want %d", tt.perSlot, tt.slot, tt.index, got, tt.want)
		}
	}
}
