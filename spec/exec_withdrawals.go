package spec

import "slices"

// Withdrawals (capella beacon-chain.md, with electra's pending partial
// withdrawals and 0x02 credentials, EIP-7251): each payload carries the
// withdrawals that the beacon state says are due, and the state pays them
// out.

// IsFullyWithdrawableValidator is is_fully_withdrawable_validator (capella;
// electra accepts any execution withdrawal credential, 0x01 or 0x02).
func IsFullyWithdrawableValidator(fork ForkName, v *Validator, balance Gwei, epoch Epoch) bool {
	hasCredential := HasEth1WithdrawalCredential(v)
	if fork >= Electra {
		hasCredential = HasExecutionWithdrawalCredential(v)
	}
	return hasCredential && v.WithdrawableEpoch <= epoch && balance > 0
}

// IsPartiallyWithdrawableValidator is is_partially_withdrawable_validator
// (capella; electra measures the excess against the validator's own max
// effective balance and accepts 0x02 credentials).
func (s *Spec) IsPartiallyWithdrawableValidator(fork ForkName, v *Validator, balance Gwei) bool {
	maxEffectiveBalance := s.MaxEffectiveBalance
	hasCredential := HasEth1WithdrawalCredential(v)
	if fork >= Electra {
		maxEffectiveBalance = s.GetMaxEffectiveBalance(v)
		hasCredential = HasExecutionWithdrawalCredential(v)
	}
	return hasCredential && v.EffectiveBalance == maxEffectiveBalance && balance > maxEffectiveBalance
}

// IsEligibleForPartialWithdrawals is is_eligible_for_partial_withdrawals
// (electra): whether a pending partial withdrawal of the validator can be
// paid.
func (s *Spec) IsEligibleForPartialWithdrawals(v *Validator, balance Gwei) bool {
	return v.ExitEpoch == FarFutureEpoch &&
		v.EffectiveBalance >= s.MinActivationBalance &&
		balance > s.MinActivationBalance
}

// ExpectedWithdrawals is what get_expected_withdrawals returns: the
// withdrawals of the next payload, and how many entries of the pending
// partial withdrawals queue (electra) and of the validator sweep they
// consumed.
type ExpectedWithdrawals struct {
	Withdrawals                      []Withdrawal
	ProcessedPartialWithdrawalsCount uint64
	ProcessedSweepWithdrawalsCount   uint64
}

// GetBalanceAfterWithdrawals is get_balance_after_withdrawals: the
// validator's balance less what withdrawals already take from it.
func GetBalanceAfterWithdrawals(st *BeaconState, index ValidatorIndex, withdrawals []Withdrawal) (Gwei, error) {
	if uint64(index) >= uint64(len(st.Balances)) {
		return 0, invalidf("validator index %d has no balance (%d balances)", index, len(st.Balances))
	}
	var withdrawn Gwei
	for i := range withdrawals {
		if withdrawals[i].ValidatorIndex == index {
			withdrawn += withdrawals[i].Amount
		}
	}
	if withdrawn > st.Balances[index] {
		return 0, invalidf("withdrawals of %d Gwei exceed validator %d's balance %d", withdrawn, index, st.Balances[index])
	}
	return st.Balances[index] - withdrawn, nil
}

// newWithdrawal returns the withdrawal number index of amount to v's
// execution address.
func newWithdrawal(index WithdrawalIndex, validatorIndex ValidatorIndex, v *Validator, amount Gwei) (Withdrawal, error) {
	if index == WithdrawalIndex(Uint64Max) {
		return Withdrawal{}, invalidf("withdrawal index overflows")
	}
	w := Withdrawal{Index: index, ValidatorIndex: validatorIndex, Amount: amount}
	copy(w.Address[:], v.WithdrawalCredentials[12:])
	return w, nil
}

// GetPendingPartialWithdrawals is get_pending_partial_withdrawals
// (electra): the withdrawable head of the pending partial withdrawals
// queue, at most MAX_PENDING_PARTIALS_PER_WITHDRAWALS_SWEEP and leaving
// room for the sweep. Entries of validators that are no longer eligible
// are consumed without a withdrawal. It returns the withdrawals, the next
// withdrawal index and how many queue entries were consumed.
func (s *Spec) GetPendingPartialWithdrawals(st *BeaconState, withdrawalIndex WithdrawalIndex, prior []Withdrawal) ([]Withdrawal, WithdrawalIndex, uint64, error) {
	epoch := s.GetCurrentEpoch(st)
	limit := min(uint64(len(prior))+s.MaxPendingPartialsPerWithdrawalsSweep, s.MaxWithdrawalsPerPayload-1)
	if uint64(len(prior)) > limit {
		return nil, 0, 0, invalidf("%d prior withdrawals exceed the pending partial withdrawals limit %d", len(prior), limit)
	}
	all := slices.Clip(prior)
	var processed uint64
	for _, pending := range st.PendingPartialWithdrawals {
		if pending.WithdrawableEpoch > epoch || uint64(len(all)) >= limit {
			break
		}
		index := pending.ValidatorIndex
		if err := checkValidatorIndex(st, index); err != nil {
			return nil, 0, 0, err
		}
		v := &st.Validators[index]
		balance, err := GetBalanceAfterWithdrawals(st, index, all)
		if err != nil {
			return nil, 0, 0, err
		}
		if s.IsEligibleForPartialWithdrawals(v, balance) {
			w, err := newWithdrawal(withdrawalIndex, index, v, min(balance-s.MinActivationBalance, pending.Amount))
			if err != nil {
				return nil, 0, 0, err
			}
			all = append(all, w)
			withdrawalIndex++
		}
		processed++
	}
	return all[len(prior):], withdrawalIndex, processed, nil
}

// GetValidatorsSweepWithdrawals is get_validators_sweep_withdrawals
// (capella; electra's withdrawability rules): from
// next_withdrawal_validator_index, up to MAX_VALIDATORS_PER_WITHDRAWALS_SWEEP
// validators, the full and partial withdrawals due, until the payload is
// full. It returns the withdrawals, the next withdrawal index and how many
// validators were swept.
func (s *Spec) GetValidatorsSweepWithdrawals(st *BeaconState, withdrawalIndex WithdrawalIndex, prior []Withdrawal) ([]Withdrawal, WithdrawalIndex, uint64, error) {
	fork := s.StateFork(st)
	epoch := s.GetCurrentEpoch(st)
	n := uint64(len(st.Validators))
	validatorsLimit := min(n, s.MaxValidatorsPerWithdrawalsSweep)
	withdrawalsLimit := s.MaxWithdrawalsPerPayload
	// There must be at least one space reserved for validator sweep
	// withdrawals.
	if uint64(len(prior)) >= withdrawalsLimit {
		return nil, 0, 0, invalidf("%d prior withdrawals leave no room for the sweep (limit %d)", len(prior), withdrawalsLimit)
	}
	all := slices.Clip(prior)
	var processed uint64
	index := st.NextWithdrawalValidatorIndex
	for range validatorsLimit {
		if uint64(len(all)) >= withdrawalsLimit {
			break
		}
		if err := checkValidatorIndex(st, index); err != nil {
			return nil, 0, 0, err
		}
		v := &st.Validators[index]
		balance, err := GetBalanceAfterWithdrawals(st, index, all)
		if err != nil {
			return nil, 0, 0, err
		}
		var amount Gwei
		switch {
		case IsFullyWithdrawableValidator(fork, v, balance, epoch):
			amount = balance
		case s.IsPartiallyWithdrawableValidator(fork, v, balance):
			maxEffectiveBalance := s.MaxEffectiveBalance
			if fork >= Electra {
				maxEffectiveBalance = s.GetMaxEffectiveBalance(v)
			}
			amount = balance - maxEffectiveBalance
		}
		if amount > 0 {
			w, err := newWithdrawal(withdrawalIndex, index, v, amount)
			if err != nil {
				return nil, 0, 0, err
			}
			all = append(all, w)
			withdrawalIndex++
		}
		index = ValidatorIndex((uint64(index) + 1) % n)
		processed++
	}
	return all[len(prior):], withdrawalIndex, processed, nil
}

// GetExpectedWithdrawals is get_expected_withdrawals (capella; electra
// takes the pending partial withdrawals first).
func (s *Spec) GetExpectedWithdrawals(st *BeaconState) (ExpectedWithdrawals, error) {
	var expected ExpectedWithdrawals
	withdrawalIndex := st.NextWithdrawalIndex
	var withdrawals []Withdrawal
	if s.StateFork(st) >= Electra {
		partial, next, processed, err := s.GetPendingPartialWithdrawals(st, withdrawalIndex, withdrawals)
		if err != nil {
			return expected, err
		}
		withdrawals = append(withdrawals, partial...)
		withdrawalIndex = next
		expected.ProcessedPartialWithdrawalsCount = processed
	}
	sweep, _, processed, err := s.GetValidatorsSweepWithdrawals(st, withdrawalIndex, withdrawals)
	if err != nil {
		return expected, err
	}
	expected.Withdrawals = append(withdrawals, sweep...)
	expected.ProcessedSweepWithdrawalsCount = processed
	return expected, nil
}

// ApplyWithdrawals is apply_withdrawals.
func ApplyWithdrawals(st *BeaconState, withdrawals []Withdrawal) {
	for _, w := range withdrawals {
		DecreaseBalance(st, w.ValidatorIndex, w.Amount)
	}
}

// UpdateNextWithdrawalIndex is update_next_withdrawal_index: the index
// after the last withdrawal, if there was one.
func UpdateNextWithdrawalIndex(st *BeaconState, withdrawals []Withdrawal) {
	if len(withdrawals) != 0 {
		st.NextWithdrawalIndex = withdrawals[len(withdrawals)-1].Index + 1
	}
}

// UpdatePendingPartialWithdrawals is update_pending_partial_withdrawals
// (electra): drop the queue entries the withdrawals consumed.
func UpdatePendingPartialWithdrawals(st *BeaconState, processed uint64) {
	processed = min(processed, uint64(len(st.PendingPartialWithdrawals)))
	st.PendingPartialWithdrawals = slices.Delete(st.PendingPartialWithdrawals, 0, int(processed))
}

// UpdateNextWithdrawalValidatorIndex is
// update_next_withdrawal_validator_index: a full payload stops the sweep
// after its last withdrawal, so that the next one resumes there; otherwise
// the sweep moves on by its maximum length.
func (s *Spec) UpdateNextWithdrawalValidatorIndex(st *BeaconState, withdrawals []Withdrawal) error {
	n := uint64(len(st.Validators))
	if n == 0 {
		return invalidf("withdrawal sweep over an empty validator registry")
	}
	if uint64(len(withdrawals)) == s.MaxWithdrawalsPerPayload {
		st.NextWithdrawalValidatorIndex = ValidatorIndex((uint64(withdrawals[len(withdrawals)-1].ValidatorIndex) + 1) % n)
		return nil
	}
	// Both terms are reduced first: the spec's sum cannot overflow for a
	// registry index, and this keeps it so for any state.
	next := uint64(st.NextWithdrawalValidatorIndex)%n + s.MaxValidatorsPerWithdrawalsSweep%n
	st.NextWithdrawalValidatorIndex = ValidatorIndex(next % n)
	return nil
}

// ProcessWithdrawals is process_withdrawals (capella; electra also drops
// the pending partial withdrawals it paid): the payload's withdrawals must
// be exactly the expected ones, which are then paid out.
func (t *Transition) ProcessWithdrawals(st *BeaconState, payload *ExecutionPayload) error {
	return opError("process_withdrawals", -1, t.processWithdrawals(st, payload))
}

func (t *Transition) processWithdrawals(st *BeaconState, payload *ExecutionPayload) error {
	expected, err := t.GetExpectedWithdrawals(st)
	if err != nil {
		return err
	}
	if len(payload.Withdrawals) != len(expected.Withdrawals) {
		return invalidf("payload has %d withdrawals, expected %d", len(payload.Withdrawals), len(expected.Withdrawals))
	}
	for i := range expected.Withdrawals {
		if payload.Withdrawals[i] != expected.Withdrawals[i] {
			return invalidf("payload withdrawal %d is %+v, expected %+v", i, payload.Withdrawals[i], expected.Withdrawals[i])
		}
	}

	ApplyWithdrawals(st, expected.Withdrawals)
	UpdateNextWithdrawalIndex(st, expected.Withdrawals)
	if t.StateFork(st) >= Electra {
		UpdatePendingPartialWithdrawals(st, expected.ProcessedPartialWithdrawalsCount)
	}
	return t.UpdateNextWithdrawalValidatorIndex(st, expected.Withdrawals)
}
