package spec

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/quetzal-eth/quetzal/spec/bls"
	"github.com/quetzal-eth/quetzal/ssz"
)

// The differential tests of ProcessEpochFast: on random states made to
// reach every case of the epoch's steps, it must give the same state, byte
// for byte, as the spec-shaped ProcessEpoch, one epoch after another.

// epochTestKeyCount is the number of interop keys the random states draw
// validators and new deposits from.
const epochTestKeyCount = 2200

// epochTestKeys are interop keys, so that sync committees can be
// aggregated and new validators' deposits carry valid signatures.
var epochTestKeys = sync.OnceValue(func() []*bls.SecretKey {
	keys := make([]*bls.SecretKey, epochTestKeyCount)
	for i := range keys {
		sk, err := InteropSecretKey(uint64(i))
		if err != nil {
			panic(err)
		}
		keys[i] = sk
	}
	return keys
})

var epochTestPubkeys = sync.OnceValue(func() []BLSPubkey {
	out := make([]BLSPubkey, epochTestKeyCount)
	for i, sk := range epochTestKeys() {
		out[i] = BLSPubkey(sk.PublicKey().Bytes())
	}
	return out
})

// epochScenario says what a random state for epoch processing stresses.
type epochScenario struct {
	fork       ForkName
	validators int
	epoch      Epoch // the current epoch
	leak       bool  // finality far behind: an inactivity leak
}

// epochTestState returns a state of the scenario's fork at the last slot
// of its epoch, with validators in every situation that the epoch's steps
// treat apart: active, leaving, exited, slashed (some penalised by
// process_slashings this epoch), waiting for or eligible to activation,
// ejectable, with 0x00, 0x01 and 0x02 credentials, balances that cross the
// hysteresis thresholds, inactivity scores, and from electra pending
// deposits (top-ups, new validators with good and bad signatures, some to
// exited validators, some not finalized) and pending consolidations.
func epochTestState(s *Spec, sc epochScenario, r *rand.Rand) *BeaconState {
	const eth = Gwei(1_000_000_000)
	pubkeys := epochTestPubkeys()
	root := func() (x Root) {
		for i := range x {
			x[i] = byte(r.Uint32())
		}
		return x
	}
	roots := func(n uint64) []Root {
		out := make([]Root, n)
		for i := range out {
			out[i] = root()
		}
		return out
	}
	current := sc.epoch
	previous := saturatingSub(current, 1)
	slot := s.ComputeStartSlotAtEpoch(current) + s.SlotsPerEpoch - 1
	finalized := saturatingSub(current, Epoch(2+r.IntN(2)))
	if sc.leak {
		finalized = saturatingSub(current, s.MinEpochsToInactivityPenalty+2+Epoch(r.IntN(20)))
	}
	version := s.ForkVersion(sc.fork)
	st := &BeaconState{
		GenesisTime:                 1_600_000_000,
		GenesisValidatorsRoot:       root(),
		Slot:                        slot,
		Fork:                        Fork{PreviousVersion: version, CurrentVersion: version},
		LatestBlockHeader:           BeaconBlockHeader{Slot: slot, ParentRoot: root(), BodyRoot: root()},
		BlockRoots:                  roots(uint64(s.SlotsPerHistoricalRoot)),
		StateRoots:                  roots(uint64(s.SlotsPerHistoricalRoot)),
		Eth1Data:                    Eth1Data{DepositRoot: root(), DepositCount: uint64(sc.validators)},
		Eth1DepositIndex:            uint64(sc.validators),
		RandaoMixes:                 roots(uint64(s.EpochsPerHistoricalVector)),
		Slashings:                   make([]Gwei, s.EpochsPerSlashingsVector),
		JustificationBits:           ssz.Bitvector{byte(r.IntN(16))},
		PreviousJustifiedCheckpoint: Checkpoint{Epoch: saturatingSub(current, 2), Root: root()},
		CurrentJustifiedCheckpoint:  Checkpoint{Epoch: saturatingSub(current, 1), Root: root()},
		FinalizedCheckpoint:         Checkpoint{Epoch: finalized, Root: root()},
		LatestExecutionPayloadHeader: ExecutionPayloadHeader{
			LogsBloom: make([]byte, s.BytesPerLogsBloom),
		},
	}
	if sc.leak {
		st.PreviousJustifiedCheckpoint.Epoch = finalized
		st.CurrentJustifiedCheckpoint.Epoch = finalized
	}
	for i := 0; i < r.IntN(10); i++ {
		st.Eth1DataVotes = append(st.Eth1DataVotes, st.Eth1Data)
	}
	for i := 0; i < r.IntN(8); i++ {
		st.Slashings[r.IntN(len(st.Slashings))] = Gwei(r.Uint64N(uint64(64 * eth)))
	}

	// Validators.
	n := sc.validators
	st.Validators = make([]Validator, n)
	st.Balances = make([]Gwei, n)
	st.PreviousEpochParticipation = make([]ParticipationFlags, n)
	st.CurrentEpochParticipation = make([]ParticipationFlags, n)
	st.InactivityScores = make([]uint64, n)
	// The share of timely-target votes is drawn around the two-thirds of
	// justification, so that which validators count decides it.
	participation := 0.55 + 0.2*r.Float64()
	flags := func() ParticipationFlags {
		f := ParticipationFlags(r.IntN(8))
		if r.Float64() < participation {
			return f | 1<<TimelyTargetFlagIndex
		}
		return f &^ (1 << TimelyTargetFlagIndex)
	}
	for i := range st.Validators {
		v := &st.Validators[i]
		v.Pubkey = pubkeys[i]
		maxEffective := s.MaxEffectiveBalance
		switch k := r.IntN(10); {
		case k < 2 && sc.fork >= Electra:
			v.WithdrawalCredentials = root()
			v.WithdrawalCredentials[0] = CompoundingWithdrawalPrefix
			maxEffective = s.MaxEffectiveBalanceElectra
		case k < 8:
			v.WithdrawalCredentials = root()
			v.WithdrawalCredentials[0] = Eth1AddressWithdrawalPrefix
		default:
			v.WithdrawalCredentials = root()
			v.WithdrawalCredentials[0] = BLSWithdrawalPrefix
		}
		v.EffectiveBalance = min(maxEffective, Gwei(16+r.IntN(int(maxEffective/eth)-15))*eth)
		if r.IntN(3) == 0 {
			v.EffectiveBalance = min(maxEffective, 32*eth)
		}
		v.ActivationEligibilityEpoch = saturatingSub(previous, Epoch(5+r.IntN(100)))
		v.ActivationEpoch = v.ActivationEligibilityEpoch + Epoch(r.IntN(5))
		if v.ActivationEpoch > previous {
			v.ActivationEpoch = previous
		}
		v.ExitEpoch, v.WithdrawableEpoch = FarFutureEpoch, FarFutureEpoch
		switch k := r.IntN(100); {
		case k < 6: // ejectable
			v.EffectiveBalance = Gwei(r.IntN(int(s.EjectionBalance/eth)+1)) * eth
		case k < 12: // exiting
			v.ExitEpoch = current + Epoch(1+r.IntN(8))
			v.WithdrawableEpoch = v.ExitEpoch + s.MinValidatorWithdrawabilityDelay
		case k < 17: // exited, withdrawable or not
			v.ExitEpoch = saturatingSub(previous, Epoch(r.IntN(10)))
			v.WithdrawableEpoch = v.ExitEpoch + Epoch(r.IntN(6))
		case k < 24: // slashed, some penalised now, some eligible for rewards
			v.Slashed = true
			v.ExitEpoch = saturatingSub(current, Epoch(r.IntN(5))) + Epoch(r.IntN(10))
			switch r.IntN(3) {
			case 0:
				v.WithdrawableEpoch = current + s.EpochsPerSlashingsVector/2
			case 1:
				v.WithdrawableEpoch = current + Epoch(r.IntN(4))
			default:
				v.WithdrawableEpoch = current + s.EpochsPerSlashingsVector
			}
		case k < 30: // not yet in the activation queue
			v.ActivationEligibilityEpoch, v.ActivationEpoch = FarFutureEpoch, FarFutureEpoch
			if r.IntN(3) == 0 {
				v.EffectiveBalance = eth * Gwei(r.IntN(32))
			}
		case k < 38: // eligible for activation, or waiting for finality
			v.ActivationEligibilityEpoch = finalized + Epoch(r.IntN(3)) - 1
			v.ActivationEpoch = FarFutureEpoch
		case k < 40: // active at the current epoch only
			v.ActivationEpoch = current
		}
		balance := v.EffectiveBalance
		switch r.IntN(6) {
		case 0:
			balance += Gwei(r.Uint64N(uint64(2 * eth)))
		case 1:
			balance = saturatingSub(balance, Gwei(r.Uint64N(uint64(2*eth))))
		case 2:
			balance = Gwei(r.Uint64N(uint64(64 * eth)))
		case 3:
			balance = Gwei(r.Uint64N(1000))
		default:
			balance += Gwei(r.Uint64N(uint64(eth / 8)))
		}
		st.Balances[i] = balance
		st.PreviousEpochParticipation[i] = flags()
		st.CurrentEpochParticipation[i] = flags()
		if r.IntN(4) == 0 {
			st.InactivityScores[i] = r.Uint64N(200)
		}
	}

	committee := func() SyncCommittee {
		c := SyncCommittee{Pubkeys: make([]BLSPubkey, s.SyncCommitteeSize)}
		for i := range c.Pubkeys {
			c.Pubkeys[i] = pubkeys[r.IntN(n)]
		}
		return c
	}
	st.CurrentSyncCommittee, st.NextSyncCommittee = committee(), committee()

	if sc.fork >= Electra {
		st.DepositRequestsStartIndex = UnsetDepositRequestsStartIndex
		if r.IntN(2) == 0 {
			st.DepositRequestsStartIndex = st.Eth1DepositIndex + uint64(r.IntN(2))
		}
		st.DepositBalanceToConsume = Gwei(r.Uint64N(uint64(64 * eth)))
		st.ExitBalanceToConsume = Gwei(r.Uint64N(uint64(64 * eth)))
		st.EarliestExitEpoch = current + Epoch(r.IntN(8))
		st.ConsolidationBalanceToConsume = Gwei(r.Uint64N(uint64(64 * eth)))
		st.EarliestConsolidationEpoch = current + Epoch(r.IntN(8))
		epochTestPendingDeposits(s, st, r, n)
		for i := 0; i < r.IntN(12); i++ {
			source, target := ValidatorIndex(r.IntN(n)), ValidatorIndex(r.IntN(n))
			if r.IntN(2) == 0 {
				v := &st.Validators[source]
				v.ExitEpoch = saturatingSub(current, Epoch(r.IntN(3)))
				v.WithdrawableEpoch = current + Epoch(r.IntN(3))
			}
			st.PendingConsolidations = append(st.PendingConsolidations, PendingConsolidation{SourceIndex: source, TargetIndex: target})
		}
	}
	if sc.fork >= Fulu {
		st.ProposerLookahead = make([]ValidatorIndex, s.proposerLookaheadLength())
		for i := range st.ProposerLookahead {
			st.ProposerLookahead[i] = ValidatorIndex(r.IntN(n))
		}
	}
	return st
}

// epochTestPendingDeposits queues deposits of every kind: top-ups of
// validators (active, exiting, withdrawn), new validators with a valid
// signature (some deposited twice) or a bad one, some beyond the
// finalized slot, some deposit requests, and enough to reach the churn and
// MAX_PENDING_DEPOSITS_PER_EPOCH.
func epochTestPendingDeposits(s *Spec, st *BeaconState, r *rand.Rand, n int) {
	const eth = Gwei(1_000_000_000)
	keys := epochTestKeys()
	finalizedSlot := s.ComputeStartSlotAtEpoch(st.FinalizedCheckpoint.Epoch)
	next := n // the next interop key not in the registry
	var created []PendingDeposit
	count := r.IntN(int(s.MaxPendingDepositsPerEpoch) * 2)
	for i := 0; i < count; i++ {
		d := PendingDeposit{Amount: Gwei(1+r.IntN(40)) * eth, Slot: GenesisSlot}
		switch k := r.IntN(10); {
		case k < 4: // top-up
			v := &st.Validators[r.IntN(n)]
			if r.IntN(3) == 0 {
				// of a validator that has exited, withdrawable about now
				v.ExitEpoch = saturatingSub(st.FinalizedCheckpoint.Epoch, 1)
				v.WithdrawableEpoch = s.GetCurrentEpoch(st) + Epoch(r.IntN(3))
			}
			d.Pubkey, d.WithdrawalCredentials = v.Pubkey, v.WithdrawalCredentials
		case k < 7 && next < epochTestKeyCount: // a new validator, valid
			d.Pubkey = BLSPubkey(keys[next].PublicKey().Bytes())
			d.WithdrawalCredentials[0] = Eth1AddressWithdrawalPrefix
			if r.IntN(3) == 0 {
				d.WithdrawalCredentials[0] = CompoundingWithdrawalPrefix
			}
			root, err := s.depositSigningRoot(d.Pubkey, d.WithdrawalCredentials, d.Amount)
			if err != nil {
				panic(err)
			}
			d.Signature = BLSSignature(bls.Sign(keys[next], root))
			next++
			created = append(created, d)
		case k < 8 && len(created) > 0: // the same new validator again
			d = created[r.IntN(len(created))]
		default: // a new validator, bad signature
			d.Pubkey = BLSPubkey(keys[r.IntN(n)].PublicKey().Bytes())
			d.Pubkey[5] ^= 1
			d.Signature = g2PointAtInfinity
		}
		if r.IntN(6) == 0 {
			// A deposit request, maybe not finalized yet.
			d.Slot = finalizedSlot + Slot(r.IntN(3)) - 1
			if d.Slot == GenesisSlot {
				d.Slot = 1
			}
		}
		st.PendingDeposits = append(st.PendingDeposits, d)
	}
}

// processEpochBoth runs ProcessEpoch and ProcessEpochFast on copies of st
// and returns the reference's result, or an error if they differ.
func processEpochBoth(s *Spec, st *BeaconState) (*BeaconState, error) {
	ref, fast := st.Copy(), st.Copy()
	refErr, fastErr := s.ProcessEpoch(ref), s.ProcessEpochFast(fast)
	if (refErr == nil) != (fastErr == nil) {
		return nil, fmt.Errorf("reference error %v, fast error %v", refErr, fastErr)
	}
	if refErr != nil {
		return nil, refErr
	}
	schema := s.Schema(s.StateFork(st))
	want, err := Marshal(schema, ref)
	if err != nil {
		return nil, err
	}
	got, err := Marshal(schema, fast)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(got, want) {
		return nil, fmt.Errorf("states differ: %s", epochStateDiff(ref, fast))
	}
	return ref, nil
}

// epochStateDiff names the first fields where a and b differ.
func epochStateDiff(a, b *BeaconState) string {
	for i := range a.Validators {
		if i >= len(b.Validators) {
			break
		}
		if a.Validators[i] != b.Validators[i] {
			return fmt.Sprintf("validator %d: %+v, fast %+v", i, a.Validators[i], b.Validators[i])
		}
		if a.Balances[i] != b.Balances[i] {
			return fmt.Sprintf("balance %d: %d, fast %d", i, a.Balances[i], b.Balances[i])
		}
		if a.InactivityScores[i] != b.InactivityScores[i] {
			return fmt.Sprintf("inactivity score %d: %d, fast %d", i, a.InactivityScores[i], b.InactivityScores[i])
		}
	}
	return fmt.Sprintf("registry %d/%d; checkpoints %+v/%+v; exit %d,%d/%d,%d; deposits %d/%d; consolidations %d/%d; lookahead %v/%v",
		len(a.Validators), len(b.Validators), a.FinalizedCheckpoint, b.FinalizedCheckpoint,
		a.EarliestExitEpoch, a.ExitBalanceToConsume, b.EarliestExitEpoch, b.ExitBalanceToConsume,
		len(a.PendingDeposits), len(b.PendingDeposits), len(a.PendingConsolidations), len(b.PendingConsolidations),
		a.ProposerLookahead, b.ProposerLookahead)
}

// nextEpochTestState moves st to the last slot of the next epoch, as the
// epoch's blocks would, roughly: participation flags are set, a few
// balances change.
func nextEpochTestState(s *Spec, st *BeaconState, r *rand.Rand) {
	st.Slot += s.SlotsPerEpoch
	participation := 0.55 + 0.2*r.Float64()
	for i := range st.CurrentEpochParticipation {
		f := ParticipationFlags(r.IntN(8))
		if r.Float64() < participation {
			f |= 1 << TimelyTargetFlagIndex
		} else {
			f &^= 1 << TimelyTargetFlagIndex
		}
		st.CurrentEpochParticipation[i] = f
	}
	for i := 0; i < len(st.Balances)/20; i++ {
		st.Balances[r.IntN(len(st.Balances))] += Gwei(r.Uint64N(3_000_000_000))
	}
}

func TestProcessEpochFastMatchesReference(t *testing.T) {
	cases := 0
	for _, base := range []*Spec{Minimal(), Mainnet()} {
		for fork := Altair; fork <= Fulu; fork++ {
			for seed := range uint64(6) {
				if base.SlotsPerEpoch == Mainnet().SlotsPerEpoch && seed >= 2 {
					break // mainnet's vectors are large: two seeds per fork
				}
				r := rand.New(rand.NewPCG(seed, uint64(fork)))
				sc := epochScenario{
					fork:       fork,
					validators: 200 + r.IntN(1800),
					epoch:      Epoch(r.IntN(200)),
					leak:       seed%2 == 1,
				}
				switch seed {
				case 0:
					sc.epoch = 0 // the genesis epoch: no rewards
				case 2:
					sc.epoch = 1 // no justification yet
				}
				epochs := 5
				if testing.Short() {
					epochs = 2
				}
				name := fmt.Sprintf("%s/%s/seed%d", presetName(base), fork, seed)
				t.Run(name, func(t *testing.T) {
					st := epochTestState(base, sc, r)
					for e := 0; e < epochs; e++ {
						next, err := processEpochBoth(base, st)
						if err != nil {
							t.Fatalf("epoch %d of %+v: %v", e, sc, err)
						}
						nextEpochTestState(base, next, r)
						st = next
					}
				})
				cases++
			}
		}
	}
	if cases == 0 {
		t.Fatal("no cases")
	}
}

func presetName(s *Spec) string {
	if s.SlotsPerEpoch == Minimal().SlotsPerEpoch {
		return "minimal"
	}
	return "mainnet"
}

// A state that makes the reference fail makes ProcessEpochFast fail too.
func TestProcessEpochFastErrors(t *testing.T) {
	s := Minimal()
	for _, tc := range []struct {
		name   string
		mangle func(*BeaconState)
	}{
		{"inactivity score overflow", func(st *BeaconState) {
			for i := range st.InactivityScores {
				st.PreviousEpochParticipation[i] = 0
				st.InactivityScores[i] = Uint64Max - 1
			}
		}},
		{"proposer lookahead length", func(st *BeaconState) { st.ProposerLookahead = st.ProposerLookahead[1:] }},
		{"no active validators", func(st *BeaconState) {
			for i := range st.Validators {
				st.Validators[i].ExitEpoch = 0
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			st := epochTestState(s, epochScenario{fork: Fulu, validators: 300, epoch: 40}, r)
			tc.mangle(st)
			_, err := processEpochBoth(s, st)
			if err == nil || !errors.Is(err, ErrInvalid) {
				t.Fatalf("got %v, want an invalid-state error from both", err)
			}
		})
	}
}

// Values no chain reaches, where uint64 arithmetic wraps or saturates,
// give the same state on both paths: effective balances beyond the
// reward tables, balances about to wrap, a slashings sum past uint64.
func TestProcessEpochFastExtremes(t *testing.T) {
	s := Minimal()
	for fork := Altair; fork <= Fulu; fork++ {
		t.Run(fork.String(), func(t *testing.T) {
			r := rand.New(rand.NewPCG(3, uint64(fork)))
			st := epochTestState(s, epochScenario{fork: fork, validators: 400, epoch: 30, leak: fork%2 == 0}, r)
			for i := 0; i < 40; i++ {
				v := &st.Validators[r.IntN(len(st.Validators))]
				switch i % 4 {
				case 0:
					v.EffectiveBalance = Gwei(1) << (40 + r.IntN(23))
				case 1:
					st.Balances[i] = Gwei(Uint64Max - r.Uint64N(1<<40))
				case 2:
					st.InactivityScores[i] = r.Uint64N(1 << 62)
				case 3:
					v.Slashed = true
					v.WithdrawableEpoch = s.GetCurrentEpoch(st) + s.EpochsPerSlashingsVector/2
				}
			}
			for i := range st.Slashings[:4] {
				st.Slashings[i] = Gwei(Uint64Max / 3)
			}
			for e := 0; e < 3; e++ {
				next, err := processEpochBoth(s, st)
				if err != nil {
					if errors.Is(err, ErrInvalid) && !strings.Contains(err.Error(), "differ") {
						t.Logf("refused at %d: %v", e, err)
						return // both refused the state
					}
					t.Fatalf("epoch %d: %v", e, err)
				}
				nextEpochTestState(s, next, r)
				st = next
			}
		})
	}
}

// States that ProcessEpochFast leaves to the reference: phase0, and
// per-validator lists that do not match the registry.
func TestProcessEpochFastFallback(t *testing.T) {
	s := Minimal()
	p0 := phase0TestState(s, 64)
	if _, err := processEpochBoth(s, p0); err != nil {
		t.Fatalf("phase0: %v", err)
	}
	st := epochTestState(s, epochScenario{fork: Deneb, validators: 300, epoch: 0}, rand.New(rand.NewPCG(5, 5)))
	st.InactivityScores = st.InactivityScores[:10]
	if _, err := processEpochBoth(s, st); err != nil {
		t.Fatalf("short inactivity scores: %v", err)
	}
}

// ProcessSlots runs the fast epoch processing unless ReferenceEpoch is
// set; either way the states agree.
func TestProcessSlotsReferenceEpoch(t *testing.T) {
	s := Minimal()
	for _, fork := range []ForkName{Altair, Electra, Fulu} {
		r := rand.New(rand.NewPCG(9, uint64(fork)))
		st := epochTestState(s, epochScenario{fork: fork, validators: 256, epoch: 20}, r)
		target := st.Slot + 3*s.SlotsPerEpoch
		var encoded [2][]byte
		for i, reference := range []bool{false, true} {
			c := st.Copy()
			tr := &Transition{Spec: s, Signatures: SignaturesOff, ReferenceEpoch: reference}
			if err := tr.ProcessSlots(c, target); err != nil {
				t.Fatalf("%s, reference %v: %v", fork, reference, err)
			}
			enc, err := Marshal(s.Schema(fork), c)
			if err != nil {
				t.Fatal(err)
			}
			encoded[i] = enc
		}
		if !bytes.Equal(encoded[0], encoded[1]) {
			t.Fatalf("%s: ProcessSlots with and without ReferenceEpoch differ", fork)
		}
	}
}
