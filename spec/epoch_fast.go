package spec

import (
	"cmp"
	"fmt"
	"math/bits"
	"slices"
)

// ProcessEpochFast is process_epoch (altair to fulu) computed with three
// walks over the registry instead of one or more per step. It changes st
// exactly as ProcessEpoch does, which stays the readable reference: the
// spec tests and a differential test run both and compare the states.
//
// The walks:
//
//  1. newEpochContext sums the effective balances that the steps weigh
//     with: the total active balance and the unslashed participating
//     balances of each flag (and, before electra, finds the exit queue).
//     Nothing they depend on (effective balances, slashed bits,
//     participation flags, which validators are active in the previous
//     and current epochs) changes before process_effective_balance_updates:
//     registry updates only set activation and exit epochs after the
//     current one, and pending deposits add validators not yet active. So
//     the sums serve every step up to process_pending_consolidations.
//  2. validatorPass runs, for each validator in index order,
//     process_inactivity_updates, process_rewards_and_penalties,
//     process_registry_updates and process_slashings. Each of these
//     changes a validator from its own fields and the per-epoch values of
//     walk 1 alone, except the exit churn of registry updates, which is
//     sequential in index order and stays so.
//  3. effectiveBalancePass runs process_effective_balance_updates once the
//     pending deposits and consolidations, which work through their queues
//     and touch few validators, have changed the balances; it also
//     collects the active validators of the epoch that enters the proposer
//     lookahead.
//
// The remaining steps touch no per-validator data, or rarely
// (process_sync_committee_updates, once a period), and are the reference
// functions. Phase0 states, and states whose per-validator lists do not
// match the registry, are processed by ProcessEpoch.
func (s *Spec) ProcessEpochFast(st *BeaconState) error {
	fork := s.StateFork(st)
	if fork < Altair || checkAltairLists(st) != nil {
		return s.ProcessEpoch(st)
	}
	st.touchRegistry()
	e := s.newEpochContext(st, fork)
	if err := e.justificationAndFinalization(); err != nil {
		return fmt.Errorf("process_epoch: process_justification_and_finalization: %w", err)
	}
	e.afterJustification()
	if err := e.validatorPass(); err != nil {
		return fmt.Errorf("process_epoch: %w", err)
	}
	if fork < Electra {
		e.activateQueue()
	}
	steps := []struct {
		name  string
		from  ForkName // first fork with the step
		until ForkName // first fork without it (0: none)
		run   func() error
	}{
		{"process_eth1_data_reset", Altair, 0, func() error { return s.ProcessEth1DataReset(st) }},
		{"process_pending_deposits", Electra, 0, e.processPendingDeposits},
		{"process_pending_consolidations", Electra, 0, func() error { return s.ProcessPendingConsolidations(st) }},
		{"process_effective_balance_updates", Altair, 0, e.effectiveBalancePass},
		{"process_slashings_reset", Altair, 0, func() error { return s.ProcessSlashingsReset(st) }},
		{"process_randao_mixes_reset", Altair, 0, func() error { return s.ProcessRandaoMixesReset(st) }},
		{"process_historical_roots_update", Altair, Capella, func() error { return s.ProcessHistoricalRootsUpdate(st) }},
		{"process_historical_summaries_update", Capella, 0, func() error { return s.ProcessHistoricalSummariesUpdate(st) }},
		{"process_participation_flag_updates", Altair, 0, func() error { return s.ProcessParticipationFlagUpdates(st) }},
		{"process_sync_committee_updates", Altair, 0, func() error { return s.ProcessSyncCommitteeUpdates(st) }},
		{"process_proposer_lookahead", Fulu, 0, e.processProposerLookahead},
	}
	for _, step := range steps {
		if fork < step.from || (step.until != 0 && fork >= step.until) {
			continue
		}
		if err := step.run(); err != nil {
			return fmt.Errorf("process_epoch: %s: %w", step.name, err)
		}
	}
	return nil
}

// epochContext holds what ProcessEpochFast computes once per epoch.
type epochContext struct {
	s     *Spec
	st    *BeaconState
	fork  ForkName
	epoch epochTotals

	currentEpoch, previousEpoch Epoch

	// Set after justification and finalization, which may move the
	// finalized checkpoint that they depend on.
	inLeak         bool
	finalizedEpoch Epoch

	rewards  rewardTables
	slashing slashingContext

	// exitChurn is get_activation_exit_churn_limit (electra): the churn
	// of exits and of pending deposits.
	exitChurn Gwei
	// validatorChurn is get_validator_churn_limit and exitQueue the exit
	// queue of initiate_validator_exit, before electra (electra keeps its
	// queue in the state's earliest_exit_epoch and exit_balance_to_consume).
	validatorChurn uint64
	exitQueue      exitQueue

	// activationQueue collects the validators eligible for activation,
	// before electra, in index order.
	activationQueue []ValidatorIndex

	// lookaheadActive is get_active_validator_indices of the epoch that
	// process_proposer_lookahead adds (fulu), once the registry is final.
	lookaheadActive []ValidatorIndex
}

// epochTotals are the sums over the registry that the epoch's steps
// weigh with, as get_total_balance returns them (at least
// EFFECTIVE_BALANCE_INCREMENT).
type epochTotals struct {
	// totalActive is get_total_active_balance; activeCount the number of
	// validators active in the current epoch.
	totalActive Gwei
	activeCount uint64
	// previousFlag[f] is the balance of
	// get_unslashed_participating_indices(f, previous epoch); currentTarget
	// that of the timely-target flag in the current epoch.
	previousFlag  [3]Gwei
	currentTarget Gwei
	// maxExitEpoch and maxExitCount are the latest exit epoch (other than
	// FAR_FUTURE_EPOCH) and how many validators exit then, which is all
	// that the exit queue of initiate_validator_exit reads before electra.
	maxExitEpoch Epoch
	maxExitCount uint64
}

// newEpochContext is walk 1 of ProcessEpochFast: the totals of st's
// registry. The previous epoch's participation is read from
// previous_epoch_participation also in the genesis epoch, where the spec
// would read the current one: no step uses it then.
func (s *Spec) newEpochContext(st *BeaconState, fork ForkName) *epochContext {
	e := &epochContext{s: s, st: st, fork: fork,
		currentEpoch: s.GetCurrentEpoch(st), previousEpoch: s.GetPreviousEpoch(st)}
	current, previous := e.currentEpoch, e.previousEpoch
	vals := st.Validators
	previousFlags := st.PreviousEpochParticipation[:len(vals)]
	currentFlags := st.CurrentEpochParticipation[:len(vals)]
	var t epochTotals
	for i := range vals {
		v := &vals[i]
		if v.ExitEpoch != FarFutureEpoch {
			if v.ExitEpoch > t.maxExitEpoch {
				t.maxExitEpoch, t.maxExitCount = v.ExitEpoch, 0
			}
			if v.ExitEpoch == t.maxExitEpoch {
				t.maxExitCount++
			}
		}
		if v.ActivationEpoch <= current && current < v.ExitEpoch {
			t.totalActive += v.EffectiveBalance
			t.activeCount++
			if !v.Slashed && HasFlag(currentFlags[i], TimelyTargetFlagIndex) {
				t.currentTarget += v.EffectiveBalance
			}
		}
		if v.ActivationEpoch <= previous && previous < v.ExitEpoch && !v.Slashed {
			flags := previousFlags[i]
			for f := range t.previousFlag {
				if HasFlag(flags, f) {
					t.previousFlag[f] += v.EffectiveBalance
				}
			}
		}
	}
	increment := s.EffectiveBalanceIncrement
	t.totalActive = max(increment, t.totalActive)
	t.currentTarget = max(increment, t.currentTarget)
	for f := range t.previousFlag {
		t.previousFlag[f] = max(increment, t.previousFlag[f])
	}
	e.epoch = t
	return e
}

// justificationAndFinalization is process_justification_and_finalization
// (altair) with the totals of walk 1.
func (e *epochContext) justificationAndFinalization() error {
	if e.currentEpoch <= GenesisEpoch+1 {
		return nil
	}
	return e.s.weighJustificationAndFinalization(e.st, e.epoch.totalActive,
		e.epoch.previousFlag[TimelyTargetFlagIndex], e.epoch.currentTarget)
}

// afterJustification computes the per-epoch values of the steps that
// follow justification and finalization: whether the chain leaks and the
// finalized epoch depend on its outcome.
func (e *epochContext) afterJustification() {
	s, st := e.s, e.st
	e.inLeak = s.IsInInactivityLeak(st)
	e.finalizedEpoch = st.FinalizedCheckpoint.Epoch
	e.rewards = s.newRewardTables(e.fork, &e.epoch)
	e.slashing = s.newSlashingContext(st, e.fork, e.epoch.totalActive)
	if e.fork >= Electra {
		e.exitChurn = s.activationExitChurnLimit(e.epoch.totalActive)
	} else {
		e.validatorChurn = max(s.MinPerEpochChurnLimit, e.epoch.activeCount/s.ChurnLimitQuotient)
		e.exitQueue = exitQueue{epoch: e.epoch.maxExitEpoch, count: e.epoch.maxExitCount}
	}
}

// activationExitChurnLimit is get_activation_exit_churn_limit (electra)
// given the total active balance.
func (s *Spec) activationExitChurnLimit(totalActive Gwei) Gwei {
	churn := max(s.MinPerEpochChurnLimitElectra, totalActive/Gwei(s.ChurnLimitQuotient))
	return min(s.MaxPerEpochActivationExitChurnLimit, churn-churn%s.EffectiveBalanceIncrement)
}

// rewardTables hold what get_flag_index_deltas and
// get_inactivity_penalty_deltas compute from the epoch's totals, and the
// flag deltas of a validator by its number of effective balance
// increments, which take few values.
type rewardTables struct {
	perIncrement            Gwei // get_base_reward_per_increment
	activeIncrements        uint64
	participatingIncrements [3]uint64
	inactivityDenominator   uint64 // INACTIVITY_SCORE_BIAS * the fork's INACTIVITY_PENALTY_QUOTIENT
	// reward[f][k] and penalty[f][k] are the delta of flag f of an
	// eligible validator with k increments that has, or has not, the flag
	// (the reward counts only out of a leak).
	reward, penalty [3][]Gwei
}

func (s *Spec) newRewardTables(fork ForkName, t *epochTotals) rewardTables {
	r := rewardTables{
		perIncrement:     s.baseRewardPerIncrement(t.totalActive),
		activeIncrements: uint64(t.totalActive / s.EffectiveBalanceIncrement),
	}
	for f := range r.participatingIncrements {
		r.participatingIncrements[f] = uint64(t.previousFlag[f] / s.EffectiveBalanceIncrement)
	}
	quotient := s.InactivityPenaltyQuotientAltair
	if fork >= Bellatrix {
		quotient = s.InactivityPenaltyQuotientBellatrix
	}
	r.inactivityDenominator = s.InactivityScoreBias * quotient
	// Effective balances stay at most MAX_EFFECTIVE_BALANCE_ELECTRA; a
	// state with larger ones is computed without the tables.
	n := uint64(max(s.MaxEffectiveBalanceElectra, s.MaxEffectiveBalance)/s.EffectiveBalanceIncrement) + 1
	for f := range r.reward {
		r.reward[f] = make([]Gwei, n)
		r.penalty[f] = make([]Gwei, n)
		for k := uint64(0); k < n; k++ {
			r.reward[f][k], r.penalty[f][k] = r.flagDeltas(f, k)
		}
	}
	return r
}

// flagDeltas is the reward (when participating) and the penalty (when
// not) of flag f in get_flag_index_deltas for an eligible validator with
// increments effective balance increments.
func (r *rewardTables) flagDeltas(f int, increments uint64) (reward, penalty Gwei) {
	baseReward := uint64(Gwei(increments) * r.perIncrement)
	weight := participationFlagWeights()[f]
	reward = Gwei(mulDiv(baseReward*weight, r.participatingIncrements[f], r.activeIncrements*WeightDenominator))
	if f != TimelyHeadFlagIndex {
		penalty = Gwei(baseReward * weight / WeightDenominator)
	}
	return reward, penalty
}

// slashingContext is what process_slashings computes before its loop.
type slashingContext struct {
	withdrawableEpoch Epoch // current epoch + EPOCHS_PER_SLASHINGS_VECTOR // 2
	totalBalance      Gwei
	adjusted          Gwei // adjusted_total_slashing_balance
	perIncrement      Gwei // electra's penalty_per_effective_balance_increment
}

func (s *Spec) newSlashingContext(st *BeaconState, fork ForkName, totalBalance Gwei) slashingContext {
	c := slashingContext{
		withdrawableEpoch: s.GetCurrentEpoch(st) + s.EpochsPerSlashingsVector/2,
		totalBalance:      totalBalance,
	}
	if fork >= Electra {
		// As processSlashingsElectra: the sum wraps where the spec's Gwei
		// would raise; past uint64 the product is above the total.
		var sum Gwei
		for _, x := range st.Slashings {
			sum += x
		}
		c.adjusted = totalBalance
		if hi, lo := bits.Mul64(uint64(sum), s.ProportionalSlashingMultiplierBellatrix); hi == 0 && Gwei(lo) < totalBalance {
			c.adjusted = Gwei(lo)
		}
		c.perIncrement = c.adjusted / (totalBalance / s.EffectiveBalanceIncrement)
		return c
	}
	multiplier := s.ProportionalSlashingMultiplierAltair
	if fork >= Bellatrix {
		multiplier = s.ProportionalSlashingMultiplierBellatrix
	}
	c.adjusted = min(sumSlashings(st, multiplier), totalBalance)
	return c
}

// penalty is the process_slashings penalty of v, a slashed validator
// whose withdrawable epoch is c.withdrawableEpoch.
func (c *slashingContext) penalty(s *Spec, fork ForkName, v *Validator) Gwei {
	increment := s.EffectiveBalanceIncrement
	if fork >= Electra {
		return c.perIncrement * (v.EffectiveBalance / increment)
	}
	return Gwei(mulDiv(uint64(v.EffectiveBalance/increment), uint64(c.adjusted), uint64(c.totalBalance))) * increment
}

// exitQueue is the latest exit epoch and its number of exits, before
// electra.
type exitQueue struct {
	epoch Epoch
	count uint64
}

// validatorPass is walk 2 of ProcessEpochFast: process_inactivity_updates,
// process_rewards_and_penalties, process_registry_updates (less the
// activations before electra, see activateQueue) and process_slashings,
// validator by validator.
func (e *epochContext) validatorPass() error {
	s, st, fork := e.s, e.st, e.fork
	current, previous := e.currentEpoch, e.previousEpoch
	// Rewards, and so inactivity scores, are for the previous epoch's
	// work; the genesis epoch has none.
	rewardsDue := current != GenesisEpoch
	inLeak := e.inLeak
	bias, recovery := s.InactivityScoreBias, s.InactivityScoreRecoveryRate
	increment := s.EffectiveBalanceIncrement
	r := &e.rewards
	nTable := uint64(len(r.reward[0]))

	activationEpoch := s.ComputeActivationExitEpoch(current)
	ejectionBalance := s.EjectionBalance
	finalized := e.finalizedEpoch

	vals := st.Validators
	balances := st.Balances[:len(vals)]
	scores := st.InactivityScores[:len(vals)]
	previousFlags := st.PreviousEpochParticipation[:len(vals)]
	for i := range vals {
		v := &vals[i]
		activePrevious := IsActiveValidator(v, previous)
		// get_eligible_validator_indices
		if rewardsDue && (activePrevious || (v.Slashed && previous+1 < v.WithdrawableEpoch)) {
			// get_unslashed_participating_indices: an eligible validator
			// that is not slashed is active in the previous epoch.
			flags := previousFlags[i]
			if v.Slashed {
				flags = 0
			}
			matchingTarget := HasFlag(flags, TimelyTargetFlagIndex)

			// process_inactivity_updates
			score := scores[i]
			if matchingTarget {
				score = saturatingSub(score, 1)
			} else {
				if score > Uint64Max-bias {
					return fmt.Errorf("process_inactivity_updates: %w", invalidf("inactivity score of validator %d overflows", i))
				}
				score += bias
			}
			if !inLeak {
				score = saturatingSub(score, recovery)
			}
			scores[i] = score

			// process_rewards_and_penalties: each flag's deltas, then the
			// inactivity penalty, applied in that order since a decrease
			// stops at zero.
			balance := balances[i]
			k := uint64(v.EffectiveBalance / increment)
			for f := range r.reward {
				var reward, penalty Gwei
				if k < nTable {
					reward, penalty = r.reward[f][k], r.penalty[f][k]
				} else {
					reward, penalty = r.flagDeltas(f, k)
				}
				if HasFlag(flags, f) {
					if !inLeak {
						balance += reward
					}
				} else {
					balance = saturatingSub(balance, penalty)
				}
			}
			if !matchingTarget {
				balance = saturatingSub(balance, Gwei(mulDiv(uint64(v.EffectiveBalance), score, r.inactivityDenominator)))
			}
			balances[i] = balance
		}

		// process_registry_updates. Electra handles each validator in one
		// of three cases; before, eligibility and ejection are separate
		// checks and activations wait for the whole queue (activateQueue).
		// is_eligible_for_activation reads the finalized checkpoint that
		// justification and finalization left.
		if fork >= Electra {
			switch {
			case v.ActivationEligibilityEpoch == FarFutureEpoch && v.EffectiveBalance >= s.MinActivationBalance:
				v.ActivationEligibilityEpoch = current + 1
			case IsActiveValidator(v, current) && v.EffectiveBalance <= ejectionBalance:
				if err := e.initiateValidatorExit(ValidatorIndex(i)); err != nil {
					return fmt.Errorf("process_registry_updates: %w", err)
				}
			case v.ActivationEligibilityEpoch <= finalized && v.ActivationEpoch == FarFutureEpoch:
				v.ActivationEpoch = activationEpoch
			}
		} else {
			if v.ActivationEligibilityEpoch == FarFutureEpoch && v.EffectiveBalance >= s.MaxEffectiveBalance {
				v.ActivationEligibilityEpoch = current + 1
			}
			if IsActiveValidator(v, current) && v.EffectiveBalance <= ejectionBalance {
				if err := e.initiateValidatorExit(ValidatorIndex(i)); err != nil {
					return fmt.Errorf("process_registry_updates: %w", err)
				}
			}
			if v.ActivationEligibilityEpoch <= finalized && v.ActivationEpoch == FarFutureEpoch {
				e.activationQueue = append(e.activationQueue, ValidatorIndex(i))
			}
		}

		// process_slashings
		if v.Slashed && v.WithdrawableEpoch == e.slashing.withdrawableEpoch {
			balances[i] = saturatingSub(balances[i], e.slashing.penalty(s, fork, v))
		}
	}
	return nil
}

// initiateValidatorExit is initiate_validator_exit with the churn of the
// epoch computed once: electra's compute_exit_epoch_and_update_churn, or
// before electra the exit queue that walk 1 found, kept up to date.
func (e *epochContext) initiateValidatorExit(index ValidatorIndex) error {
	s, st := e.s, e.st
	v := &st.Validators[index]
	if v.ExitEpoch != FarFutureEpoch {
		return nil
	}
	var exitQueueEpoch Epoch
	if e.fork >= Electra {
		exitQueueEpoch = s.computeExitEpochAndUpdateChurn(st, v.EffectiveBalance, e.currentEpoch, e.exitChurn)
	} else {
		q := &e.exitQueue
		exitQueueEpoch = s.ComputeActivationExitEpoch(e.currentEpoch)
		var churn uint64
		if q.epoch >= exitQueueEpoch {
			exitQueueEpoch, churn = q.epoch, q.count
		}
		if churn >= e.validatorChurn {
			exitQueueEpoch++
		}
		if exitQueueEpoch > q.epoch {
			q.epoch, q.count = exitQueueEpoch, 0
		}
		q.count++
	}
	v.ExitEpoch = exitQueueEpoch
	withdrawable := uint64(exitQueueEpoch) + uint64(s.MinValidatorWithdrawabilityDelay)
	if withdrawable < uint64(exitQueueEpoch) {
		return invalidf("withdrawable epoch of validator %d overflows", index)
	}
	v.WithdrawableEpoch = Epoch(withdrawable)
	return nil
}

// activateQueue is the end of process_registry_updates before electra:
// the validators eligible for activation, by eligibility epoch then index,
// are activated up to the churn limit (deneb's activation churn limit,
// EIP-7514).
func (e *epochContext) activateQueue() {
	s, st := e.s, e.st
	queue := e.activationQueue
	// The queue is in index order, so a stable sort by eligibility epoch
	// gives the spec's order.
	slices.SortStableFunc(queue, func(a, b ValidatorIndex) int {
		return cmp.Compare(st.Validators[a].ActivationEligibilityEpoch, st.Validators[b].ActivationEligibilityEpoch)
	})
	churn := e.validatorChurn
	if e.fork >= Deneb {
		churn = min(s.MaxPerEpochActivationChurnLimit, churn)
	}
	activationEpoch := s.ComputeActivationExitEpoch(e.currentEpoch)
	for _, index := range queue[:min(churn, uint64(len(queue)))] {
		st.Validators[index].ActivationEpoch = activationEpoch
	}
}

// processPendingDeposits is ProcessPendingDeposits with the activation
// churn of walk 1, each deposit's validator looked up once.
func (e *epochContext) processPendingDeposits() error {
	s, st := e.s, e.st
	nextEpoch := e.currentEpoch + 1
	available := st.DepositBalanceToConsume + e.exitChurn
	var processed Gwei
	next := 0
	var postponed []PendingDeposit
	churnLimitReached := false
	finalizedSlot := s.ComputeStartSlotAtEpoch(st.FinalizedCheckpoint.Epoch)

queue:
	for i := range st.PendingDeposits {
		d := &st.PendingDeposits[i]
		if e.fork < Fulu && d.Slot > GenesisSlot && st.Eth1DepositIndex < st.DepositRequestsStartIndex {
			break
		}
		if d.Slot > finalizedSlot || uint64(next) >= s.MaxPendingDepositsPerEpoch {
			break
		}
		index, found := validatorIndexOfPubkey(st, d.Pubkey)
		exited, withdrawn := false, false
		if found {
			v := &st.Validators[index]
			exited = v.ExitEpoch < FarFutureEpoch
			withdrawn = v.WithdrawableEpoch < nextEpoch
		}
		switch {
		case withdrawn:
		case exited:
			postponed = append(postponed, *d)
			next++
			continue
		default:
			churnLimitReached = d.Amount > available-processed
			if churnLimitReached {
				break queue
			}
			processed += d.Amount
		}
		// apply_pending_deposit
		if found {
			IncreaseBalance(st, index, d.Amount)
		} else if s.IsValidDepositSignature(d.Pubkey, d.WithdrawalCredentials, d.Amount, d.Signature) {
			s.AddValidatorToRegistry(st, d.Pubkey, d.WithdrawalCredentials, d.Amount)
		}
		next++
	}

	st.PendingDeposits = append(slices.Clone(st.PendingDeposits[next:]), postponed...)
	if churnLimitReached {
		st.DepositBalanceToConsume = available - processed
	} else {
		st.DepositBalanceToConsume = 0
	}
	return nil
}

// effectiveBalancePass is walk 3 of ProcessEpochFast:
// process_effective_balance_updates, and in fulu the active validators of
// the epoch that process_proposer_lookahead adds, read from the registry
// as it leaves this epoch.
func (e *epochContext) effectiveBalancePass() error {
	s, st := e.s, e.st
	if err := checkBalances(st); err != nil {
		return err
	}
	electra := e.fork >= Electra
	increment := s.EffectiveBalanceIncrement
	hysteresisIncrement := increment / Gwei(s.HysteresisQuotient)
	downwardThreshold := hysteresisIncrement * Gwei(s.HysteresisDownwardMultiplier)
	upwardThreshold := hysteresisIncrement * Gwei(s.HysteresisUpwardMultiplier)
	collect := e.fork >= Fulu
	lookaheadEpoch := e.currentEpoch + s.MinSeedLookahead + 1
	if collect {
		e.lookaheadActive = make([]ValidatorIndex, 0, e.epoch.activeCount+e.epoch.activeCount/64)
	}

	vals := st.Validators
	balances := st.Balances[:len(vals)]
	for i := range vals {
		v := &vals[i]
		balance := balances[i]
		if (v.EffectiveBalance > balance && v.EffectiveBalance-balance > downwardThreshold) ||
			(balance > v.EffectiveBalance && balance-v.EffectiveBalance > upwardThreshold) {
			maxEffectiveBalance := s.MaxEffectiveBalance
			if electra {
				maxEffectiveBalance = s.GetMaxEffectiveBalance(v)
			}
			v.EffectiveBalance = min(balance-balance%increment, maxEffectiveBalance)
		}
		if collect && IsActiveValidator(v, lookaheadEpoch) {
			e.lookaheadActive = append(e.lookaheadActive, ValidatorIndex(i))
		}
	}
	return nil
}

// processProposerLookahead is ProcessProposerLookahead with the active
// validators collected by walk 3.
func (e *epochContext) processProposerLookahead() error {
	s, st := e.s, e.st
	perEpoch := int(s.SlotsPerEpoch)
	if len(st.ProposerLookahead) != s.proposerLookaheadLength() {
		return invalidf("proposer lookahead has %d entries, want %d", len(st.ProposerLookahead), s.proposerLookaheadLength())
	}
	lastEpochStart := len(st.ProposerLookahead) - perEpoch
	copy(st.ProposerLookahead[:lastEpochStart], st.ProposerLookahead[perEpoch:])
	epoch := e.currentEpoch + s.MinSeedLookahead + 1
	proposers, err := s.ComputeProposerIndices(st, epoch, s.GetSeed(st, epoch, DomainBeaconProposer), e.lookaheadActive)
	if err != nil {
		return err
	}
	copy(st.ProposerLookahead[lastEpochStart:], proposers)
	return nil
}
