package spec

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/quetzal-eth/quetzal/ssz"
)

// electraTestState returns a minimal-preset electra state at the start of
// epoch 300 with n active validators of 32 ETH and 0x01 credentials whose
// address is their index, and the transition that runs on it (signatures
// off).
func electraTestState(t *testing.T, n int) (*Transition, *BeaconState) {
	t.Helper()
	s := Minimal()
	const epoch = 300
	st := &BeaconState{
		Slot:                      s.ComputeStartSlotAtEpoch(epoch),
		Fork:                      Fork{PreviousVersion: s.DenebForkVersion, CurrentVersion: s.ElectraForkVersion},
		BlockRoots:                make([]Root, s.SlotsPerHistoricalRoot),
		StateRoots:                make([]Root, s.SlotsPerHistoricalRoot),
		RandaoMixes:               make([]Root, s.EpochsPerHistoricalVector),
		Slashings:                 make([]Gwei, s.EpochsPerSlashingsVector),
		DepositRequestsStartIndex: UnsetDepositRequestsStartIndex,
	}
	for i := range n {
		v := Validator{
			EffectiveBalance:           s.MinActivationBalance,
			ActivationEligibilityEpoch: 0,
			ActivationEpoch:            0,
			ExitEpoch:                  FarFutureEpoch,
			WithdrawableEpoch:          FarFutureEpoch,
		}
		v.Pubkey[0], v.Pubkey[1] = byte(i), byte(i>>8)
		v.WithdrawalCredentials[0] = Eth1AddressWithdrawalPrefix
		v.WithdrawalCredentials[12], v.WithdrawalCredentials[13] = byte(i), byte(i>>8)
		st.Validators = append(st.Validators, v)
		st.Balances = append(st.Balances, s.MinActivationBalance)
		st.PreviousEpochParticipation = append(st.PreviousEpochParticipation, 0)
		st.CurrentEpochParticipation = append(st.CurrentEpochParticipation, 0)
		st.InactivityScores = append(st.InactivityScores, 0)
	}
	if s.StateFork(st) != Electra {
		t.Fatalf("test state is of fork %s", s.StateFork(st))
	}
	return &Transition{Spec: s, Signatures: SignaturesOff}, st
}

func electraTestAddress(v *Validator) (a ExecutionAddress) {
	copy(a[:], v.WithdrawalCredentials[12:])
	return a
}

func TestComputeExitEpochAndUpdateChurn(t *testing.T) {
	tr, st := electraTestState(t, 64)
	churn := tr.GetActivationExitChurnLimit(st)
	// 64 validators of 32 ETH: the balance churn is its minimum.
	if churn != tr.MinPerEpochChurnLimitElectra {
		t.Fatalf("activation exit churn %d, want %d", churn, tr.MinPerEpochChurnLimitElectra)
	}
	first := tr.ComputeActivationExitEpoch(tr.GetCurrentEpoch(st))
	steps := []struct {
		balance   Gwei
		epoch     Epoch
		remaining Gwei
	}{
		{churn / 4, first, churn - churn/4},           // fits in the new epoch's churn
		{churn - churn/4, first, 0},                   // uses up the epoch exactly
		{1, first + 1, churn - 1},                     // the next epoch
		{2*churn + 1, first + 3, churn - 2},           // spans two more epochs
		{churn - 2, first + 3, 0},                     // the rest of that epoch
		{3 * churn, first + 6, 0},                     // three whole epochs
		{0, first + 6, 0},                             // nothing to consume
		{churn + churn/2, first + 8, churn - churn/2}, // one and a half
		{churn - churn/2 + 1, first + 9, churn - 1},   // one over
	}
	for i, step := range steps {
		epoch := tr.ComputeExitEpochAndUpdateChurn(st, step.balance)
		if epoch != step.epoch || st.EarliestExitEpoch != step.epoch || st.ExitBalanceToConsume != step.remaining {
			t.Fatalf("step %d: exit of %d: epoch %d (state %d), remaining %d; want epoch %d, remaining %d",
				i, step.balance, epoch, st.EarliestExitEpoch, st.ExitBalanceToConsume, step.epoch, step.remaining)
		}
	}
}

// TestProcessAttestationElectraMalformed checks that attestations whose
// committee and aggregation bits do not fit the state are rejected, without
// panicking.
func TestProcessAttestationElectraMalformed(t *testing.T) {
	tr, st := electraTestState(t, 64)
	st.Slot += 3
	data := AttestationData{Slot: st.Slot - 1, Target: Checkpoint{Epoch: tr.GetCurrentEpoch(st)}}
	committee, err := tr.GetBeaconCommittee(st, data.Slot, 0)
	if err != nil {
		t.Fatal(err)
	}
	perSlot := tr.GetCommitteeCountPerSlot(st, data.Target.Epoch)
	if perSlot != 2 || len(committee) != 4 {
		t.Fatalf("test state has %d committees of %d per slot, want 2 of 4", perSlot, len(committee))
	}
	bits := func(n int, set ...int) ssz.Bitlist {
		b := ssz.NewBitlist(n)
		for _, i := range set {
			b.Set(i, true)
		}
		return b
	}
	committees := func(set ...int) ssz.Bitvector {
		b := ssz.NewBitvector(int(tr.MaxCommitteesPerSlot))
		for _, i := range set {
			b.Set(i, true)
		}
		return b
	}
	cases := []struct {
		name   string
		modify func(a *Attestation)
	}{
		{"no committee bits", func(a *Attestation) { a.CommitteeBits = committees(); a.AggregationBits = bits(0) }},
		{"nil bitfields", func(a *Attestation) { a.CommitteeBits = nil; a.AggregationBits = nil }},
		{"committee beyond the slot's", func(a *Attestation) { a.CommitteeBits = committees(int(perSlot)) }},
		{"aggregation bits too short", func(a *Attestation) { a.AggregationBits = bits(len(committee)-1, 0) }},
		{"aggregation bits too long", func(a *Attestation) { a.AggregationBits = bits(len(committee)+1, 0) }},
		{"aggregation bits of one committee for two", func(a *Attestation) { a.CommitteeBits = committees(0, 1) }},
		{"committee without attester", func(a *Attestation) {
			a.CommitteeBits = committees(0, 1)
			a.AggregationBits = bits(2*len(committee), 0)
		}},
		{"data index not zero", func(a *Attestation) { a.Data.Index = 1 }},
		{"slot at the end of time", func(a *Attestation) { a.Data.Slot = Slot(Uint64Max) }},
		{"target epoch of another slot", func(a *Attestation) { a.Data.Slot -= tr.SlotsPerEpoch }},
		{"future target", func(a *Attestation) { a.Data.Target.Epoch++ }},
		{"not yet includable", func(a *Attestation) { a.Data.Slot = st.Slot }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := &Attestation{AggregationBits: bits(len(committee), 0), Data: data, CommitteeBits: committees(0)}
			c.modify(a)
			pre := st.Copy()
			err := tr.processAttestationElectra(pre, a)
			if errors.Is(err, ErrNotImplemented) {
				// Without committees the attestation is rejected by
				// is_valid_indexed_attestation, after the participation
				// flags are computed.
				t.Skip(err)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("got %v, want an invalid attestation", err)
			}
		})
	}
}

func TestProcessWithdrawalRequest(t *testing.T) {
	const gwei = 1_000_000_000
	tr, st := electraTestState(t, 64)
	compounding := ValidatorIndex(3)
	st.Validators[compounding].WithdrawalCredentials[0] = CompoundingWithdrawalPrefix
	st.Balances[compounding] = tr.MinActivationBalance + 5*gwei
	request := func(i ValidatorIndex, amount Gwei) *WithdrawalRequest {
		return &WithdrawalRequest{SourceAddress: electraTestAddress(&st.Validators[i]), ValidatorPubkey: st.Validators[i].Pubkey, Amount: amount}
	}

	// A partial withdrawal takes at most what is above
	// MIN_ACTIVATION_BALANCE and not queued already.
	for _, step := range []struct{ amount, pending Gwei }{
		{2 * gwei, 2 * gwei},
		{2 * gwei, 4 * gwei},
		{Gwei(Uint64Max), 5 * gwei},
	} {
		if err := tr.ProcessWithdrawalRequest(st, request(compounding, step.amount)); err != nil {
			t.Fatal(err)
		}
		w := st.PendingPartialWithdrawals
		if got := GetPendingBalanceToWithdraw(st, compounding); got != step.pending || w[len(w)-1].ValidatorIndex != compounding {
			t.Fatalf("after a request of %d: pending balance to withdraw %d, want %d (%+v)", step.amount, got, step.pending, w)
		}
		if w[len(w)-1].WithdrawableEpoch != st.EarliestExitEpoch+tr.MinValidatorWithdrawabilityDelay {
			t.Fatalf("withdrawable epoch %d, exit queue epoch %d", w[len(w)-1].WithdrawableEpoch, st.EarliestExitEpoch)
		}
	}
	// Nothing is left to withdraw: ignored.
	n := len(st.PendingPartialWithdrawals)
	if err := tr.ProcessWithdrawalRequest(st, request(compounding, gwei)); err != nil || len(st.PendingPartialWithdrawals) != n {
		t.Fatalf("request with nothing to withdraw: %v, %d pending, want %d", err, len(st.PendingPartialWithdrawals), n)
	}
	// A full exit waits for the pending withdrawals.
	if err := tr.ProcessWithdrawalRequest(st, request(compounding, FullExitRequestAmount)); err != nil || st.Validators[compounding].ExitEpoch != FarFutureEpoch {
		t.Fatalf("full exit with pending withdrawals: %v, exit epoch %d", err, st.Validators[compounding].ExitEpoch)
	}
	// 0x01 credentials: no partial withdrawal, but a full exit.
	if err := tr.ProcessWithdrawalRequest(st, request(1, gwei)); err != nil || len(st.PendingPartialWithdrawals) != n {
		t.Fatalf("partial withdrawal of a 0x01 validator: %v", err)
	}
	if err := tr.ProcessWithdrawalRequest(st, request(1, FullExitRequestAmount)); err != nil || st.Validators[1].ExitEpoch == FarFutureEpoch {
		t.Fatalf("full exit: %v, exit epoch %d", err, st.Validators[1].ExitEpoch)
	}
	// Another address, or an unknown key: ignored.
	r := request(2, FullExitRequestAmount)
	r.SourceAddress[0] ^= 1
	if err := tr.ProcessWithdrawalRequest(st, r); err != nil || st.Validators[2].ExitEpoch != FarFutureEpoch {
		t.Fatalf("exit from another address: %v, exit epoch %d", err, st.Validators[2].ExitEpoch)
	}
	r = request(2, FullExitRequestAmount)
	r.ValidatorPubkey[47] = 1
	if err := tr.ProcessWithdrawalRequest(st, r); err != nil {
		t.Fatalf("exit of an unknown key: %v", err)
	}
}

func TestProcessPendingConsolidationsBadIndex(t *testing.T) {
	tr, st := electraTestState(t, 8)
	st.Validators[1].WithdrawableEpoch = 0
	// A slashed source is dropped before its target is looked at.
	st.Validators[2].Slashed = true
	st.PendingConsolidations = []PendingConsolidation{{SourceIndex: 2, TargetIndex: 1000}, {SourceIndex: 1, TargetIndex: 1000}}
	if err := tr.ProcessPendingConsolidations(st.Copy()); !errors.Is(err, ErrInvalid) {
		t.Fatalf("target out of range: got %v, want invalid", err)
	}
	st.PendingConsolidations = []PendingConsolidation{{SourceIndex: 1000, TargetIndex: 1}}
	if err := tr.ProcessPendingConsolidations(st.Copy()); !errors.Is(err, ErrInvalid) {
		t.Fatalf("source out of range: got %v, want invalid", err)
	}
	st.PendingConsolidations = []PendingConsolidation{{SourceIndex: 2, TargetIndex: 1000}, {SourceIndex: 1, TargetIndex: 3}}
	if err := tr.ProcessPendingConsolidations(st); err != nil {
		t.Fatal(err)
	}
	if len(st.PendingConsolidations) != 0 || st.Balances[1] != 0 || st.Balances[3] != 2*tr.MinActivationBalance {
		t.Fatalf("after consolidation: queue %v, balances %d and %d", st.PendingConsolidations, st.Balances[1], st.Balances[3])
	}
}

func TestUpgradeToElectra(t *testing.T) {
	const gwei = 1_000_000_000
	tr, st := electraTestState(t, 6)
	st.Fork = Fork{PreviousVersion: tr.CapellaForkVersion, CurrentVersion: tr.DenebForkVersion}
	// Validators 1, 2 and 4 are not active yet; 2 and 4 became eligible
	// before 1.
	for i, eligible := range map[int]Epoch{1: 7, 2: 5, 4: 5} {
		v := &st.Validators[i]
		v.ActivationEpoch, v.ActivationEligibilityEpoch = FarFutureEpoch, eligible
		st.Balances[i] = Gwei(i) * gwei
	}
	// Validator 5 compounds already, with 40 ETH.
	st.Validators[5].WithdrawalCredentials[0] = CompoundingWithdrawalPrefix
	st.Balances[5] = 40 * gwei
	st.Validators[0].ExitEpoch = 1000

	if err := tr.UpgradeToElectra(st); err != nil {
		t.Fatal(err)
	}
	if tr.StateFork(st) != Electra || st.Fork.PreviousVersion != tr.DenebForkVersion || st.Fork.Epoch != 300 {
		t.Fatalf("fork %+v", st.Fork)
	}
	if st.EarliestExitEpoch != 1001 || st.EarliestConsolidationEpoch != tr.ComputeActivationExitEpoch(300) {
		t.Fatalf("earliest exit epoch %d, consolidation epoch %d", st.EarliestExitEpoch, st.EarliestConsolidationEpoch)
	}
	if st.DepositRequestsStartIndex != UnsetDepositRequestsStartIndex || st.ExitBalanceToConsume != tr.GetActivationExitChurnLimit(st) {
		t.Fatalf("deposit requests start %d, exit balance to consume %d", st.DepositRequestsStartIndex, st.ExitBalanceToConsume)
	}
	want := []struct {
		index  int
		amount Gwei
	}{{2, 2 * gwei}, {4, 4 * gwei}, {1, 1 * gwei}, {5, 8 * gwei}}
	if len(st.PendingDeposits) != len(want) {
		t.Fatalf("%d pending deposits, want %d", len(st.PendingDeposits), len(want))
	}
	for i, w := range want {
		d := st.PendingDeposits[i]
		if d.Pubkey != st.Validators[w.index].Pubkey || d.Amount != w.amount || d.Signature != g2PointAtInfinity || d.Slot != GenesisSlot {
			t.Errorf("pending deposit %d: %+v, want %d Gwei of validator %d", i, d, w.amount, w.index)
		}
		if w.index != 5 && (st.Balances[w.index] != 0 || st.Validators[w.index].ActivationEligibilityEpoch != FarFutureEpoch) {
			t.Errorf("validator %d keeps balance %d, eligibility %d", w.index, st.Balances[w.index], st.Validators[w.index].ActivationEligibilityEpoch)
		}
	}
	if st.Balances[5] != tr.MinActivationBalance {
		t.Errorf("compounding validator keeps %d", st.Balances[5])
	}
}

// TestProcessPendingDepositsHugeAmount checks that a deposit larger than
// what is left of the churn waits, also when adding it to what was
// processed would overflow uint64.
func TestProcessPendingDepositsHugeAmount(t *testing.T) {
	const gwei = 1_000_000_000
	tr, st := electraTestState(t, 64)
	topUp := func(i int, amount Gwei) PendingDeposit {
		v := &st.Validators[i]
		return PendingDeposit{Pubkey: v.Pubkey, WithdrawalCredentials: v.WithdrawalCredentials, Amount: amount, Slot: GenesisSlot}
	}
	huge := Gwei(Uint64Max) - gwei/2
	st.PendingDeposits = []PendingDeposit{topUp(1, gwei), topUp(2, huge), topUp(3, gwei)}
	available := tr.GetActivationExitChurnLimit(st)
	if err := tr.ProcessPendingDeposits(st); err != nil {
		t.Fatal(err)
	}
	if st.Balances[1] != tr.MinActivationBalance+gwei || st.Balances[2] != tr.MinActivationBalance || st.Balances[3] != tr.MinActivationBalance {
		t.Fatalf("balances %d, %d, %d", st.Balances[1], st.Balances[2], st.Balances[3])
	}
	if len(st.PendingDeposits) != 2 || st.PendingDeposits[0].Amount != huge {
		t.Fatalf("pending deposits left %+v", st.PendingDeposits)
	}
	if st.DepositBalanceToConsume != available-gwei {
		t.Fatalf("deposit balance to consume %d, want %d", st.DepositBalanceToConsume, available-gwei)
	}
}

// A block's attestations processed together leave the state that
// processing them one at a time leaves: with attestations of different
// slots (so different flags, in both epochs' participation), overlapping
// aggregates of one slot with different heads (so their order matters),
// flags already set, and the walk over the registry split between
// goroutines.
func TestProcessAttestationsTogether(t *testing.T) {
	ft, err := blockFuzzTargetOf(Fulu)
	if err != nil {
		t.Fatal(err)
	}
	s, p := ft.spec, ft.producer
	tr := &Transition{Spec: s, Signatures: SignaturesOff}
	defer func(w int) { parallelSetWords = w }(parallelSetWords)
	parallelSetWords = 1

	r := rand.New(rand.NewPCG(6, 4)) // a seed for which the order of the first two changes the proposer's reward
	pre := ft.advanced.Copy()
	for i := range pre.CurrentEpochParticipation {
		pre.CurrentEpochParticipation[i] = ParticipationFlags(r.IntN(8))
		pre.PreviousEpochParticipation[i] = ParticipationFlags(r.IntN(8))
	}
	var atts []Attestation
	for k, back := range []Slot{1, 1, 2, 3, 6, 9, 9} {
		slot := pre.Slot - back
		epoch := s.ComputeEpochAtSlot(slot)
		count := s.GetCommitteeCountPerSlot(pre, epoch)
		data, err := p.attestationData(pre, slot, 0)
		if err != nil {
			t.Fatal(err)
		}
		if k == 0 {
			// Another head: the same attesters as the next aggregate
			// gain fewer flags, so the order of the two matters.
			data.BeaconBlockRoot[0] ^= 1
		}
		a := Attestation{Data: data, CommitteeBits: ssz.NewBitvector(int(s.MaxCommitteesPerSlot))}
		var members int
		for ci := range CommitteeIndex(count) {
			committee, err := s.GetBeaconCommittee(pre, slot, ci)
			if err != nil {
				t.Fatal(err)
			}
			a.CommitteeBits.Set(int(ci), true)
			members += len(committee)
		}
		a.AggregationBits = ssz.NewBitlist(members)
		for i := range members {
			a.AggregationBits.Set(i, r.IntN(3) > 0)
		}
		// Each committee needs an attester.
		a.AggregationBits.Set(0, true)
		a.AggregationBits.Set(members-1, true)
		atts = append(atts, a)
	}

	together := pre.Copy()
	if i, err := tr.processAttestationsElectra(together, atts); err != nil {
		t.Fatalf("attestation %d: %v", i, err)
	}
	oneByOne := pre.Copy()
	for i := range atts {
		if err := tr.ProcessAttestation(oneByOne, &atts[i]); err != nil {
			t.Fatalf("attestation %d alone: %v", i, err)
		}
	}
	schema := s.Schema(Fulu)
	a, _ := Marshal(schema, together)
	b, _ := Marshal(schema, oneByOne)
	if !bytes.Equal(a, b) {
		t.Fatal("the attestations processed together leave another state than one at a time")
	}
	c, _ := Marshal(schema, pre)
	if bytes.Equal(a, c) {
		t.Fatal("the attestations changed nothing")
	}
}
