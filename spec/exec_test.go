package spec

import (
	"encoding/hex"
	"errors"
	"testing"
)

// execTestState returns a minimal-preset state of fork with n validators
// holding 0x01 credentials and MAX_EFFECTIVE_BALANCE, at slot 9, whose
// payload header has block hash 0xaa.. (so the merge is complete).
func execTestState(s *Spec, fork ForkName, n int) *BeaconState {
	st := &BeaconState{
		GenesisTime: 1000,
		Slot:        9,
		Fork:        Fork{CurrentVersion: s.ForkVersion(fork), PreviousVersion: s.ForkVersion(fork)},
		BlockRoots:  make([]Root, s.SlotsPerHistoricalRoot),
		StateRoots:  make([]Root, s.SlotsPerHistoricalRoot),
		RandaoMixes: make([]Root, s.EpochsPerHistoricalVector),
	}
	st.LatestBlockHeader.ParentRoot = Root{0x77}
	st.LatestExecutionPayloadHeader.LogsBloom = make([]byte, s.BytesPerLogsBloom)
	st.LatestExecutionPayloadHeader.BlockHash = Hash32{0xaa}
	for i := range st.RandaoMixes {
		st.RandaoMixes[i] = Root{0x55, byte(i)}
	}
	for i := 0; i < n; i++ {
		v := Validator{
			EffectiveBalance:           s.MaxEffectiveBalance,
			ActivationEligibilityEpoch: 0,
			ExitEpoch:                  FarFutureEpoch,
			WithdrawableEpoch:          FarFutureEpoch,
		}
		v.Pubkey[0] = byte(i)
		v.WithdrawalCredentials[0] = Eth1AddressWithdrawalPrefix
		v.WithdrawalCredentials[31] = byte(i)
		st.Validators = append(st.Validators, v)
		st.Balances = append(st.Balances, s.MaxEffectiveBalance)
	}
	return st
}

// execTestBody returns a body whose payload is valid on st.
func execTestBody(t *testing.T, s *Spec, st *BeaconState) *BeaconBlockBody {
	t.Helper()
	timestamp, err := s.ComputeTimeAtSlot(st.GenesisTime, st.Slot)
	if err != nil {
		t.Fatal(err)
	}
	body := &BeaconBlockBody{}
	p := &body.ExecutionPayload
	p.ParentHash = st.LatestExecutionPayloadHeader.BlockHash
	p.PrevRandao = s.GetRandaoMix(st, s.GetCurrentEpoch(st))
	p.Timestamp = timestamp
	p.LogsBloom = make([]byte, s.BytesPerLogsBloom)
	p.BlockHash = Hash32{0xbb}
	p.Transactions = []Transaction{{1, 2, 3}}
	return body
}

// execTestEngine answers with valid and err, and records the request.
type execTestEngine struct {
	valid bool
	err   error
	req   *NewPayloadRequest
}

func (e *execTestEngine) VerifyAndNotifyNewPayload(req *NewPayloadRequest) (bool, error) {
	e.req = req
	return e.valid, e.err
}

func TestKZGCommitmentToVersionedHash(t *testing.T) {
	// The commitment and versioned hash of the EIP-4844 point evaluation
	// precompile's test input.
	c, _ := hex.DecodeString("8f59a8d2a1a625a17f3fea0fe5eb8c896db3764f3185481bc22f91b4aaffcca25f26936857bc3a7c2539ea8ec3a952b7")
	want := "01e798154708fe7789429634053cbf9f99b619f9f084048927333fce637f549b"
	var commitment KZGCommitment
	copy(commitment[:], c)
	got := KZGCommitmentToVersionedHash(commitment)
	if hex.EncodeToString(got[:]) != want {
		t.Fatalf("versioned hash %x, want %s", got, want)
	}
}

func TestComputeTimeAtSlot(t *testing.T) {
	s := Minimal()
	tests := []struct {
		name        string
		durationMS  uint64
		genesisTime uint64
		slot        Slot
		want        uint64
		wantErr     bool
	}{
		{"genesis", 6000, 0, 0, 0, false},
		{"whole seconds", 6000, 100, 3, 118, false},
		{"fractional slot floors", 1500, 10, 3, 14, false},
		{"saturated genesis at slot 0", 6000, Uint64Max/1000 + 1, 0, Uint64Max / 1000, false},
		{"saturated genesis overflows", 6000, Uint64Max/1000 + 1, 1, 0, true},
		{"slot product overflows", 6000, 0, Slot(Uint64Max / 2), 0, true},
		{"sum overflows", 1000, Uint64Max / 1000, Slot(1000), 0, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s.SlotDurationMS = tc.durationMS
			got, err := s.ComputeTimeAtSlot(tc.genesisTime, tc.slot)
			if tc.wantErr {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("got %d, %v; want an invalid error", got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %d, %v; want %d", got, err, tc.want)
			}
		})
	}
}

func TestProcessExecutionPayload(t *testing.T) {
	s := Minimal()
	engineDown := errors.New("engine down")
	tests := []struct {
		name   string
		fork   ForkName
		engine ExecutionEngine
		edit   func(st *BeaconState, b *BeaconBlockBody)
		// want is nil for success, else the sentinel the error must wrap.
		want error
	}{
		{"valid", Capella, &execTestEngine{valid: true}, nil, nil},
		{"engine says invalid", Deneb, &execTestEngine{valid: false}, nil, ErrExecutionInvalid},
		{"no engine", Bellatrix, nil, nil, ErrExecutionInvalid},
		{"engine error", Electra, &execTestEngine{err: engineDown}, nil, engineDown},
		{"wrong parent hash", Capella, &execTestEngine{valid: true},
			func(st *BeaconState, b *BeaconBlockBody) { b.ExecutionPayload.ParentHash = Hash32{1} }, ErrInvalid},
		{"bellatrix merge block ignores parent hash", Bellatrix, &execTestEngine{valid: true},
			func(st *BeaconState, b *BeaconBlockBody) {
				st.LatestExecutionPayloadHeader = ExecutionPayloadHeader{}
				b.ExecutionPayload.ParentHash = Hash32{1}
			}, nil},
		{"bellatrix after merge checks parent hash", Bellatrix, &execTestEngine{valid: true},
			func(st *BeaconState, b *BeaconBlockBody) { b.ExecutionPayload.ParentHash = Hash32{1} }, ErrInvalid},
		{"wrong prev randao", Deneb, &execTestEngine{valid: true},
			func(st *BeaconState, b *BeaconBlockBody) { b.ExecutionPayload.PrevRandao = Root{1} }, ErrInvalid},
		{"wrong timestamp", Fulu, &execTestEngine{valid: true},
			func(st *BeaconState, b *BeaconBlockBody) { b.ExecutionPayload.Timestamp++ }, ErrInvalid},
		{"overflowing slot time", Capella, &execTestEngine{valid: true},
			func(st *BeaconState, b *BeaconBlockBody) { st.GenesisTime = Uint64Max }, ErrInvalid},
		{"deneb blob limit", Deneb, &execTestEngine{valid: true},
			func(st *BeaconState, b *BeaconBlockBody) {
				b.BlobKZGCommitments = make([]KZGCommitment, s.MaxBlobsPerBlock)
			}, nil},
		{"deneb too many blobs", Deneb, &execTestEngine{valid: true},
			func(st *BeaconState, b *BeaconBlockBody) {
				b.BlobKZGCommitments = make([]KZGCommitment, s.MaxBlobsPerBlock+1)
			}, ErrInvalid},
		{"electra blob limit", Electra, &execTestEngine{valid: true},
			func(st *BeaconState, b *BeaconBlockBody) {
				b.BlobKZGCommitments = make([]KZGCommitment, s.MaxBlobsPerBlockElectra)
			}, nil},
		{"electra too many blobs", Electra, &execTestEngine{valid: true},
			func(st *BeaconState, b *BeaconBlockBody) {
				b.BlobKZGCommitments = make([]KZGCommitment, s.MaxBlobsPerBlockElectra+1)
			}, ErrInvalid},
		{"short logs bloom", Capella, &execTestEngine{valid: true},
			func(st *BeaconState, b *BeaconBlockBody) { b.ExecutionPayload.LogsBloom = []byte{1} }, ErrInvalid},
		{"long extra data", Capella, &execTestEngine{valid: true},
			func(st *BeaconState, b *BeaconBlockBody) {
				b.ExecutionPayload.ExtraData = make([]byte, s.MaxExtraDataBytes+1)
			}, ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := execTestState(s, tc.fork, 4)
			body := execTestBody(t, s, st)
			if tc.edit != nil {
				tc.edit(st, body)
			}
			before := st.LatestExecutionPayloadHeader.BlockHash
			tr := &Transition{Spec: s, Engine: tc.engine, Signatures: SignaturesOff}
			err := tr.ProcessExecutionPayload(st, body)
			if tc.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				if st.LatestExecutionPayloadHeader.BlockHash != body.ExecutionPayload.BlockHash {
					t.Fatalf("header block hash %s, want the payload's", st.LatestExecutionPayloadHeader.BlockHash)
				}
				if _, err := HashTreeRoot(s.Schema(tc.fork), &st.LatestExecutionPayloadHeader); err != nil {
					t.Fatalf("the new header does not hash: %v", err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			if tc.want == engineDown && errors.Is(err, ErrInvalid) {
				t.Fatalf("an engine failure is not a verdict, got %v", err)
			}
			if st.LatestExecutionPayloadHeader.BlockHash != before {
				t.Fatal("a rejected payload changed the header")
			}
		})
	}
}

func TestNewPayloadRequestPerFork(t *testing.T) {
	s := Minimal()
	for fork := Bellatrix; fork <= Fulu; fork++ {
		st := execTestState(s, fork, 4)
		body := execTestBody(t, s, st)
		body.BlobKZGCommitments = []KZGCommitment{{0xc0}, {0xc1}}
		body.ExecutionRequests.Withdrawals = []WithdrawalRequest{{Amount: 5}}
		engine := &execTestEngine{valid: true}
		tr := &Transition{Spec: s, Engine: engine, Signatures: SignaturesOff}
		if err := tr.ProcessExecutionPayload(st, body); err != nil {
			t.Fatalf("%s: %v", fork, err)
		}
		req := engine.req
		if req.ExecutionPayload.BlockHash != body.ExecutionPayload.BlockHash {
			t.Errorf("%s: request carries another payload", fork)
		}
		wantHashes, wantParent := 0, Root{}
		if fork >= Deneb {
			wantHashes, wantParent = 2, st.LatestBlockHeader.ParentRoot
		}
		if len(req.VersionedHashes) != wantHashes || req.ParentBeaconBlockRoot != wantParent {
			t.Errorf("%s: %d versioned hashes, parent root %s; want %d, %s", fork, len(req.VersionedHashes), req.ParentBeaconBlockRoot, wantHashes, wantParent)
		}
		if wantHashes > 0 && req.VersionedHashes[1] != KZGCommitmentToVersionedHash(body.BlobKZGCommitments[1]) {
			t.Errorf("%s: versioned hash of the second commitment is wrong", fork)
		}
		if got, want := len(req.ExecutionRequests.Withdrawals), map[bool]int{true: 1, false: 0}[fork >= Electra]; got != want {
			t.Errorf("%s: %d withdrawal requests passed, want %d", fork, got, want)
		}
	}
}

func TestMergeTransitionPredicates(t *testing.T) {
	s := Minimal()
	st := execTestState(s, Bellatrix, 1)
	empty := &BeaconBlockBody{}
	full := execTestBody(t, s, st)
	if !s.IsMergeTransitionComplete(st) || !s.IsExecutionEnabled(st, empty) || s.IsMergeTransitionBlock(st, full) {
		t.Fatal("state with a payload header: merge complete, execution enabled, no merge block")
	}
	for _, header := range []ExecutionPayloadHeader{{}, {LogsBloom: make([]byte, s.BytesPerLogsBloom)}} {
		st.LatestExecutionPayloadHeader = header
		if s.IsMergeTransitionComplete(st) || s.IsExecutionEnabled(st, empty) {
			t.Fatal("empty header: merge not complete, and an empty payload does not enable execution")
		}
		if !s.IsMergeTransitionBlock(st, full) || !s.IsExecutionEnabled(st, full) {
			t.Fatal("empty header: a non-empty payload is the merge block")
		}
	}
}

func TestProcessBLSToExecutionChangeRejects(t *testing.T) {
	s := Minimal()
	var pubkey BLSPubkey
	pubkey[0] = 0x99
	blsState := func() *BeaconState {
		st := execTestState(s, Capella, 3)
		h := hash(pubkey[:])
		st.Validators[1].WithdrawalCredentials = h
		st.Validators[1].WithdrawalCredentials[0] = BLSWithdrawalPrefix
		return st
	}
	change := func(index ValidatorIndex, pk BLSPubkey) *SignedBLSToExecutionChange {
		return &SignedBLSToExecutionChange{Message: BLSToExecutionChange{ValidatorIndex: index, FromBLSPubkey: pk, ToExecutionAddress: ExecutionAddress{0xee}}}
	}
	tests := []struct {
		name   string
		change *SignedBLSToExecutionChange
	}{
		{"index out of range", change(3, pubkey)},
		{"huge index", change(ValidatorIndex(Uint64Max), pubkey)},
		{"already 0x01", change(0, pubkey)},
		{"other pubkey", change(1, BLSPubkey{0x98})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := blsState()
			tr := &Transition{Spec: s, Signatures: SignaturesOff}
			if err := tr.ProcessBLSToExecutionChange(st, tc.change); !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v, want invalid", err)
			}
		})
	}
	t.Run("bad signature", func(t *testing.T) {
		st := blsState()
		tr := &Transition{Spec: s, Signatures: SignaturesEach}
		if err := tr.ProcessBLSToExecutionChange(st, change(1, pubkey)); !errors.Is(err, ErrBadSignature) {
			t.Fatalf("error %v, want a bad signature", err)
		}
	})
	t.Run("accepted", func(t *testing.T) {
		st := blsState()
		tr := &Transition{Spec: s, Signatures: SignaturesOff}
		if err := tr.ProcessBLSToExecutionChange(st, change(1, pubkey)); err != nil {
			t.Fatal(err)
		}
		var want Root
		want[0], want[12] = Eth1AddressWithdrawalPrefix, 0xee
		if st.Validators[1].WithdrawalCredentials != want {
			t.Fatalf("credentials %s, want %s", st.Validators[1].WithdrawalCredentials, want)
		}
	})
}

func TestProcessWithdrawalsMalformedState(t *testing.T) {
	s := Minimal()
	tests := []struct {
		name string
		fork ForkName
		edit func(st *BeaconState)
	}{
		{"sweep index out of range", Capella, func(st *BeaconState) { st.NextWithdrawalValidatorIndex = 4 }},
		{"sweep index huge", Deneb, func(st *BeaconState) { st.NextWithdrawalValidatorIndex = ValidatorIndex(Uint64Max) }},
		{"empty registry", Capella, func(st *BeaconState) { st.Validators, st.Balances = nil, nil }},
		{"balances shorter than validators", Capella, func(st *BeaconState) { st.Balances = st.Balances[:2] }},
		{"pending partial of unknown validator", Electra, func(st *BeaconState) {
			st.PendingPartialWithdrawals = []PendingPartialWithdrawal{{ValidatorIndex: 9, Amount: 1}}
		}},
		{"withdrawal index overflows", Capella, func(st *BeaconState) {
			st.NextWithdrawalIndex = WithdrawalIndex(Uint64Max)
			st.Balances[0]++
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := execTestState(s, tc.fork, 4)
			tc.edit(st)
			tr := &Transition{Spec: s, Signatures: SignaturesOff}
			if err := tr.ProcessWithdrawals(st, &ExecutionPayload{}); !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v, want invalid", err)
			}
		})
	}
}

func TestProcessWithdrawalsSweep(t *testing.T) {
	s := Minimal()
	// Validator 1 has an excess balance (partial withdrawal), validator 2
	// is withdrawable (full withdrawal); electra also pays validator 3's
	// pending partial withdrawal first.
	setup := func(fork ForkName) *BeaconState {
		st := execTestState(s, fork, 4)
		st.NextWithdrawalIndex = 7
		st.Balances[1] += 5
		st.Validators[2].WithdrawableEpoch = 0
		st.Balances[3] += 100
		st.PendingPartialWithdrawals = []PendingPartialWithdrawal{{ValidatorIndex: 3, Amount: 40}}
		return st
	}
	addr := func(i byte) (a ExecutionAddress) { a[19] = i; return a }
	for _, fork := range []ForkName{Capella, Electra} {
		st := setup(fork)
		want := []Withdrawal{
			{Index: 7, ValidatorIndex: 1, Address: addr(1), Amount: 5},
			{Index: 8, ValidatorIndex: 2, Address: addr(2), Amount: s.MaxEffectiveBalance},
			{Index: 9, ValidatorIndex: 3, Address: addr(3), Amount: 100},
		}
		if fork >= Electra {
			want = append([]Withdrawal{{Index: 7, ValidatorIndex: 3, Address: addr(3), Amount: 40}}, want...)
			for i := 1; i < len(want); i++ {
				want[i].Index++
			}
			want[3].Amount = 60
		}
		expected, err := s.GetExpectedWithdrawals(st)
		if err != nil {
			t.Fatal(err)
		}
		if len(expected.Withdrawals) != len(want) {
			t.Fatalf("%s: withdrawals %+v, want %+v", fork, expected.Withdrawals, want)
		}
		for i := range want {
			if expected.Withdrawals[i] != want[i] {
				t.Fatalf("%s: withdrawal %d is %+v, want %+v", fork, i, expected.Withdrawals[i], want[i])
			}
		}

		tr := &Transition{Spec: s, Signatures: SignaturesOff}
		wrong := &ExecutionPayload{Withdrawals: append([]Withdrawal{}, want...)}
		wrong.Withdrawals[0].Amount++
		if err := tr.ProcessWithdrawals(st.Copy(), wrong); !errors.Is(err, ErrInvalid) {
			t.Fatalf("%s: a payload with other withdrawals: error %v, want invalid", fork, err)
		}
		if err := tr.ProcessWithdrawals(st, &ExecutionPayload{Withdrawals: want}); err != nil {
			t.Fatalf("%s: %v", fork, err)
		}
		if st.Balances[2] != 0 || st.Balances[1] != s.MaxEffectiveBalance || st.Balances[3] != s.MaxEffectiveBalance {
			t.Fatalf("%s: balances after withdrawals %v", fork, st.Balances)
		}
		if st.NextWithdrawalIndex != want[len(want)-1].Index+1 {
			t.Fatalf("%s: next withdrawal index %d", fork, st.NextWithdrawalIndex)
		}
		// A full payload (MAX_WITHDRAWALS_PER_PAYLOAD is 4 in minimal)
		// resumes after its last withdrawal; otherwise the sweep moves on
		// by MAX_VALIDATORS_PER_WITHDRAWALS_SWEEP (16), modulo 4
		// validators.
		wantNext, wantPending := ValidatorIndex(0), 1
		if fork >= Electra {
			wantPending = 0
		}
		if st.NextWithdrawalValidatorIndex != wantNext || len(st.PendingPartialWithdrawals) != wantPending {
			t.Fatalf("%s: next sweep index %d, %d pending partials; want %d, %d", fork, st.NextWithdrawalValidatorIndex, len(st.PendingPartialWithdrawals), wantNext, wantPending)
		}
	}
}

func TestProcessHistoricalSummariesUpdate(t *testing.T) {
	s := Minimal()
	period := uint64(s.SlotsPerHistoricalRoot) / uint64(s.SlotsPerEpoch)
	st := execTestState(s, Capella, 1)
	st.BlockRoots[0] = Root{1}
	st.StateRoots[0] = Root{2}
	st.Slot = s.ComputeStartSlotAtEpoch(Epoch(period - 2))
	if err := s.ProcessHistoricalSummariesUpdate(st); err != nil || len(st.HistoricalSummaries) != 0 {
		t.Fatalf("not at a period's end: %v, %d summaries", err, len(st.HistoricalSummaries))
	}
	st.Slot = s.ComputeStartSlotAtEpoch(Epoch(period - 1))
	if err := s.ProcessHistoricalSummariesUpdate(st); err != nil || len(st.HistoricalSummaries) != 1 {
		t.Fatalf("at a period's end: %v, %d summaries", err, len(st.HistoricalSummaries))
	}
	// The summary's roots together are the phase0 historical batch root.
	batchRoot, err := HashTreeRoot(s.Schema(Capella), &HistoricalBatch{BlockRoots: st.BlockRoots, StateRoots: st.StateRoots})
	if err != nil {
		t.Fatal(err)
	}
	sum := st.HistoricalSummaries[0]
	if hashChunks(sum.BlockSummaryRoot, sum.StateSummaryRoot) != batchRoot || sum.BlockSummaryRoot == sum.StateSummaryRoot {
		t.Fatalf("summary %+v does not split the historical batch root %s", sum, batchRoot)
	}
}
