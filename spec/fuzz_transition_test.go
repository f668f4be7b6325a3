package spec

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/quetzal-eth/quetzal/ssz"
)

// Fuzzing process_block: arbitrary bytes, decoded as a BeaconBlock of one
// fork, go through the block processing of a fixed pre-state with history
// (a minimal-preset interop chain some epochs in, with justified
// checkpoints, participation records, deposits still owed, execution
// credentials and queues). The block processing must never panic, must leave the fixed
// pre-state as it was (the processing runs on copies, and ApplyBlock must
// never touch its argument), must return errors that wrap ErrInvalid, and
// ApplyBlock must return no state with an error.
//
// The seed corpus in testdata/fuzz/FuzzProcessBlock<Fork> is made by the
// block producer on the same pre-state: valid blocks with attestations,
// deposits, slashings, exits and execution requests, and invalid variants
// of them. It is regenerated with
//
//	go test ./spec -run TestFuzzProcessBlockCorpus -update-corpus
//
// and TestFuzzProcessBlockCorpus checks that the committed files are what
// the producer makes. To fuzz (inputs are kilobytes, so keep minimizing
// short):
//
//	go test ./spec -run '^$' -fuzz FuzzProcessBlockFulu -fuzzminimizetime 100x

var updateCorpus = flag.Bool("update-corpus", false, "rewrite the seed corpus of the FuzzProcessBlock fuzz targets")

// FuzzProcessBlockFulu fuzzes process_block on a fulu pre-state.
func FuzzProcessBlockFulu(f *testing.F) { fuzzProcessBlock(f, Fulu) }

// FuzzProcessBlockPhase0 fuzzes process_block on a phase0 pre-state.
func FuzzProcessBlockPhase0(f *testing.F) { fuzzProcessBlock(f, Phase0) }

func fuzzProcessBlock(f *testing.F, fork ForkName) {
	ft, err := blockFuzzTargetOf(fork)
	if err != nil {
		f.Fatal(err)
	}
	schema := ft.spec.Schema(fork)
	f.Fuzz(func(t *testing.T, data []byte) {
		var block BeaconBlock
		if Unmarshal(schema, data, &block) != nil {
			return
		}
		ft.check(t, &block)
	})
}

// blockFuzzTarget is the fixed pre-state of a process_block fuzz target.
type blockFuzzTarget struct {
	spec     *Spec
	fork     ForkName
	producer *blockProducer
	// pre is the state after the last block of the history, at slot N-1;
	// advanced is pre with process_slots run to slot N, the slot of the
	// seed blocks. The encodings are kept to check that nothing changes
	// them.
	pre, advanced       *BeaconState
	preSSZ, advancedSSZ []byte
}

// blockFuzzLastSlot is the slot of the last block of the history: in the
// fourth epoch, after the chain has justified epochs 1 and 2.
const blockFuzzLastSlot = 25

var blockFuzzTargets = map[ForkName]func() (*blockFuzzTarget, error){
	Phase0: sync.OnceValues(func() (*blockFuzzTarget, error) { return newBlockFuzzTarget(Phase0) }),
	Fulu:   sync.OnceValues(func() (*blockFuzzTarget, error) { return newBlockFuzzTarget(Fulu) }),
}

// blockFuzzTargetOf returns the target of fork, built once per process.
func blockFuzzTargetOf(fork ForkName) (*blockFuzzTarget, error) {
	target, ok := blockFuzzTargets[fork]
	if !ok {
		return nil, fmt.Errorf("no process_block fuzz target in %s", fork)
	}
	return target()
}

// blockFuzzSpec returns the spec of a fuzz target: the minimal preset with
// fork at genesis, SHARD_COMMITTEE_PERIOD shortened to one epoch so that
// the validators may exit within the history's few epochs, and
// MAX_PER_EPOCH_ACTIVATION_EXIT_CHURN_LIMIT lowered so that the balance
// churn of 64 validators leaves room for consolidations (electra's
// get_consolidation_churn_limit).
func blockFuzzSpec(fork ForkName) *Spec {
	s := interopTestSpec(fork)
	s.ShardCommitteePeriod = 1
	s.MaxPerEpochActivationExitChurnLimit = 16_000_000_000
	return s
}

// blockFuzzAddress is the execution address that validator i of the
// history withdraws to.
func blockFuzzAddress(i ValidatorIndex) ExecutionAddress {
	return ExecutionAddress{0xad, byte(i)}
}

// newBlockFuzzTarget runs the history: blocks with attestations at slots
// 1..blockFuzzLastSlot. In phase0 the eth1 vote brings in 18 deposits
// (new validators and a top-up), more than one block may hold, so that
// the blocks at the next slot still owe two. In fulu the blocks move
// validators 1..4 and 32..63 to execution credentials, make validator 1
// compounding, and add a deposit request, a consolidation of validator 3
// into 1 and a partial withdrawal of validator 1 to the queues.
func newBlockFuzzTarget(fork ForkName) (*blockFuzzTarget, error) {
	s := blockFuzzSpec(fork)
	st, p, err := blockgenGenesis(s, 64)
	if err != nil {
		return nil, err
	}
	var vote *Eth1Data
	if fork < Electra {
		for i := range uint64(18) {
			// The last deposit tops up validator 3.
			key := 64 + i
			if i == 17 {
				key = 3
			}
			d, err := p.depositData(key, st.Validators[3].WithdrawalCredentials, s.MaxEffectiveBalance)
			if err != nil {
				return nil, err
			}
			eth1, err := p.addEth1Deposit(d)
			if err != nil {
				return nil, err
			}
			vote = &eth1
		}
	}
	period := Slot(uint64(s.EpochsPerEth1VotingPeriod) * uint64(s.SlotsPerEpoch))
	for slot := Slot(1); slot <= blockFuzzLastSlot; slot++ {
		opts := blockOptions{slot: slot, attest: true}
		// A majority of the voting period's votes, the last one in the
		// history's last block.
		if vote != nil && slot+period/2 >= blockFuzzLastSlot {
			opts.eth1Vote = vote
		}
		if fork >= Capella {
			opts.operations = blockFuzzHistoryOperations(p, slot)
		}
		_, post, err := p.nextBlock(st, opts)
		if err != nil {
			return nil, fmt.Errorf("history block at slot %d: %w", slot, err)
		}
		st = post
	}
	// The fixed states carry caches, as a node's states do, so that the
	// cached paths and the cached state root are fuzzed too.
	s.BuildCaches(st)
	ft := &blockFuzzTarget{spec: s, fork: fork, producer: p, pre: st, advanced: st.Copy()}
	t := &Transition{Spec: s, Signatures: SignaturesOff}
	if err := t.ProcessSlots(ft.advanced, st.Slot+1); err != nil {
		return nil, err
	}
	if ft.preSSZ, err = Marshal(s.Schema(fork), ft.pre); err != nil {
		return nil, err
	}
	if ft.advancedSSZ, err = Marshal(s.Schema(fork), ft.advanced); err != nil {
		return nil, err
	}
	return ft, nil
}

// blockFuzzHistoryOperations returns the operations of the history block
// at slot (capella on).
func blockFuzzHistoryOperations(p *blockProducer, slot Slot) func(st *BeaconState, body *BeaconBlockBody) error {
	return func(st *BeaconState, body *BeaconBlockBody) error {
		changes := func(first, last ValidatorIndex) error {
			for i := first; i <= last; i++ {
				c, err := p.blsToExecutionChange(st, i, blockFuzzAddress(i))
				if err != nil {
					return err
				}
				body.BLSToExecutionChanges = append(body.BLSToExecutionChanges, c)
			}
			return nil
		}
		switch slot {
		case 1:
			return changes(1, 4)
		case 2:
			if p.spec.StateFork(st) >= Electra {
				pubkey := st.Validators[1].Pubkey
				body.ExecutionRequests.Consolidations = append(body.ExecutionRequests.Consolidations,
					ConsolidationRequest{SourceAddress: blockFuzzAddress(1), SourcePubkey: pubkey, TargetPubkey: pubkey})
			}
		case 3:
			if p.spec.StateFork(st) >= Electra {
				r, err := p.depositRequest(64, st.Validators[0].WithdrawalCredentials, p.spec.MaxEffectiveBalance, st.DepositRequestsStartIndex)
				if err != nil {
					return err
				}
				body.ExecutionRequests.Deposits = append(body.ExecutionRequests.Deposits, r)
			}
		case 4:
			// Validators with execution credentials and rewards above the
			// maximum effective balance, which the withdrawal sweep pays.
			return changes(32, 47)
		case 5:
			return changes(48, 63)
		case 10:
			// Queues that the pre-state holds: a consolidation and, once
			// rewards have come in, a partial withdrawal.
			if p.spec.StateFork(st) >= Electra {
				body.ExecutionRequests.Consolidations = append(body.ExecutionRequests.Consolidations,
					ConsolidationRequest{SourceAddress: blockFuzzAddress(3), SourcePubkey: st.Validators[3].Pubkey, TargetPubkey: st.Validators[1].Pubkey})
			}
		case 20:
			if p.spec.StateFork(st) >= Electra {
				body.ExecutionRequests.Withdrawals = append(body.ExecutionRequests.Withdrawals,
					WithdrawalRequest{SourceAddress: blockFuzzAddress(1), ValidatorPubkey: st.Validators[1].Pubkey, Amount: 1_000_000})
			}
		}
		return nil
	}
}

// checkUnchanged fails t if the fixed states have changed.
func (ft *blockFuzzTarget) checkUnchanged(t *testing.T, after string) {
	t.Helper()
	schema := ft.spec.Schema(ft.fork)
	for _, fixed := range []struct {
		name string
		st   *BeaconState
		enc  []byte
	}{{"pre-state", ft.pre, ft.preSSZ}, {"advanced pre-state", ft.advanced, ft.advancedSSZ}} {
		enc, err := Marshal(schema, fixed.st)
		if err != nil {
			t.Fatalf("after %s: the %s no longer encodes: %v", after, fixed.name, err)
		}
		if !bytes.Equal(enc, fixed.enc) {
			t.Fatalf("after %s: the %s has changed", after, fixed.name)
		}
	}
}

// checkError fails t if err is not nil and does not say that the block is
// invalid: the engine always answers, so every error is a verdict.
func checkError(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil && !errors.Is(err, ErrInvalid) {
		t.Fatalf("%s: error that does not wrap ErrInvalid: %v", what, err)
	}
}

// blockFuzzMaxSlots is how far past the pre-state a block's slot may lie
// for ApplyBlock to be tried: process_slots runs once per slot, so a block
// far in the future takes that long, which a node avoids by rejecting
// blocks from the future before it runs them.
const blockFuzzMaxSlots = 16

// check runs block through process_block on the fixed pre-state in every
// way, and fails t if one panics, changes the fixed pre-state, returns an
// error that is not a verdict on the block, or disagrees with another:
//
//   - ProcessBlock on a copy of the advanced state, signatures off;
//   - the same with signatures verified in a batch, which can only reject
//     more blocks;
//   - ApplyBlock (process_slots, then process_block) on the pre-state,
//     signatures off and no state root check, which must agree with the
//     first run when the block is at the advanced state's slot, down to
//     the post-state root;
//   - ApplyBlock with every signature and the state root checked, the
//     block signed by its proposer's key (the harness signs whatever block
//     it gets, so that the proposer's signature is no barrier).
func (ft *blockFuzzTarget) check(t *testing.T, block *BeaconBlock) {
	s := ft.spec
	engine := blockgenEngine{}

	off := &Transition{Spec: s, Engine: engine, Signatures: SignaturesOff}
	// The copy's hash cache holds the advanced state, so that its root
	// is computed from the transition's notes of what it changed.
	mustStateRoot(t, s, ft.advanced)
	stOff := ft.advanced.Copy()
	errOff := off.ProcessBlock(stOff, block)
	ft.checkUnchanged(t, "ProcessBlock (signatures off)")
	checkError(t, "ProcessBlock (signatures off)", errOff)
	if errOff == nil {
		checkCachedRoot(t, s, stOff)
	}

	batch := &Transition{Spec: s, Engine: engine, Signatures: SignaturesBatch}
	errBatch := batch.ProcessBlock(ft.advanced.Copy(), block)
	ft.checkUnchanged(t, "ProcessBlock (signatures in a batch)")
	checkError(t, "ProcessBlock (signatures in a batch)", errBatch)
	if errBatch == nil && errOff != nil {
		t.Fatalf("block valid with signatures verified, invalid without: %v", errOff)
	}

	if block.Slot <= ft.pre.Slot || block.Slot-ft.pre.Slot > blockFuzzMaxSlots {
		return
	}
	signed := &SignedBeaconBlock{Message: *block}
	post, err := off.ApplyBlock(ft.pre, signed, false)
	ft.checkUnchanged(t, "ApplyBlock (signatures off)")
	checkError(t, "ApplyBlock (signatures off)", err)
	if (err == nil) != (post != nil) {
		t.Fatalf("ApplyBlock (signatures off) returned state %v with error %v", post != nil, err)
	}
	if block.Slot == ft.advanced.Slot {
		if (err == nil) != (errOff == nil) {
			t.Fatalf("ApplyBlock error %v, ProcessBlock on the advanced state %v", err, errOff)
		}
		if err == nil {
			checkCachedRoot(t, s, post)
			if got, want := mustStateRoot(t, s, post), mustStateRoot(t, s, stOff); got != want {
				t.Fatalf("ApplyBlock post-state root %s, ProcessBlock on the advanced state %s", got, want)
			}
		}
	}

	// Signing costs a millisecond; a block that fails without signatures
	// fails with them too, whatever its signature, so those stay unsigned.
	if err == nil {
		signed = ft.signed(block)
	}
	each := &Transition{Spec: s, Engine: engine, Signatures: SignaturesEach}
	post, err = each.ApplyBlock(ft.pre, signed, true)
	ft.checkUnchanged(t, "ApplyBlock (signatures and state root checked)")
	checkError(t, "ApplyBlock (signatures and state root checked)", err)
	if (err == nil) != (post != nil) {
		t.Fatalf("ApplyBlock returned state %v with error %v", post != nil, err)
	}
	if err == nil && block.Slot == ft.advanced.Slot && errBatch != nil {
		t.Fatalf("ApplyBlock with every signature checked accepts the block, ProcessBlock in batch mode rejects it: %v", errBatch)
	}
}

// signed returns block with its proposer's signature, or with none if
// the proposer index is not a validator's.
func (ft *blockFuzzTarget) signed(block *BeaconBlock) *SignedBeaconBlock {
	signed := &SignedBeaconBlock{Message: *block}
	// The fork does not change after the pre-state, so the pre-state
	// gives the domain of the block's epoch.
	domain := ft.spec.GetDomain(ft.pre, DomainBeaconProposer, ft.spec.ComputeEpochAtSlot(block.Slot))
	if signature, err := ft.producer.signObject(ft.pre, block.ProposerIndex, block, domain); err == nil {
		signed.Signature = signature
	}
	return signed
}

// mustStateRoot returns the state root of st or fails t.
// checkCachedRoot fails t if st's root through its hash cache differs from
// its root hashed afresh.
func checkCachedRoot(t testing.TB, s *Spec, st *BeaconState) {
	t.Helper()
	want, err := HashTreeRoot(s.Schema(s.StateFork(st)), st)
	if err != nil {
		t.Fatal(err)
	}
	if got := mustStateRoot(t, s, st); got != want {
		t.Fatalf("cached state root %s, root %s", got, want)
	}
}

func mustStateRoot(t testing.TB, s *Spec, st *BeaconState) Root {
	t.Helper()
	root, err := s.StateRoot(st)
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// --- Seed corpus ---

// blockFuzzSeed is a seed block. A valid one passes the state transition
// with every signature and the state root checked (its proposer's
// signature made by the harness); a mutated one passes process_block with
// its signatures but has the wrong state root; an invalid one fails
// process_block.
type blockFuzzSeed struct {
	name  string
	kind  blockFuzzSeedKind
	block *BeaconBlock
}

type blockFuzzSeedKind int

const (
	seedValid blockFuzzSeedKind = iota
	seedMutated
	seedInvalid
)

// seeds returns the seed blocks of the target: valid blocks at the
// advanced state's slot, then invalid variants.
func (ft *blockFuzzTarget) seeds() ([]blockFuzzSeed, error) {
	p, fork := ft.producer, ft.fork
	type op = func(st *BeaconState, body *BeaconBlockBody) error
	proposerSlashing := func(st *BeaconState, body *BeaconBlockBody) error {
		ps, err := p.proposerSlashing(st, 20)
		body.ProposerSlashings = append(body.ProposerSlashings, ps)
		return err
	}
	attesterSlashing := func(st *BeaconState, body *BeaconBlockBody) error {
		as, err := p.attesterSlashing(st, []ValidatorIndex{21, 22, 23})
		body.AttesterSlashings = append(body.AttesterSlashings, as)
		return err
	}
	exit := func(st *BeaconState, body *BeaconBlockBody) error {
		e, err := p.voluntaryExit(st, 24)
		body.VoluntaryExits = append(body.VoluntaryExits, e)
		return err
	}
	blsChange := func(st *BeaconState, body *BeaconBlockBody) error {
		for _, i := range []ValidatorIndex{5, 6} {
			c, err := p.blsToExecutionChange(st, i, blockFuzzAddress(i))
			if err != nil {
				return err
			}
			body.BLSToExecutionChanges = append(body.BLSToExecutionChanges, c)
		}
		return nil
	}
	depositRequests := func(st *BeaconState, body *BeaconBlockBody) error {
		index := st.DepositRequestsStartIndex + 1
		// A new validator, and a top-up of validator 7.
		for _, key := range []uint64{65, 7} {
			r, err := p.depositRequest(key, st.Validators[0].WithdrawalCredentials, p.spec.MinActivationBalance, index)
			if err != nil {
				return err
			}
			body.ExecutionRequests.Deposits = append(body.ExecutionRequests.Deposits, r)
			index++
		}
		return nil
	}
	withdrawalRequests := func(st *BeaconState, body *BeaconBlockBody) error {
		// A full exit of validator 2 and a partial withdrawal of
		// compounding validator 1.
		body.ExecutionRequests.Withdrawals = append(body.ExecutionRequests.Withdrawals,
			WithdrawalRequest{SourceAddress: blockFuzzAddress(2), ValidatorPubkey: st.Validators[2].Pubkey, Amount: FullExitRequestAmount},
			WithdrawalRequest{SourceAddress: blockFuzzAddress(1), ValidatorPubkey: st.Validators[1].Pubkey, Amount: 1_000_000})
		return nil
	}
	consolidationRequest := func(st *BeaconState, body *BeaconBlockBody) error {
		body.ExecutionRequests.Consolidations = append(body.ExecutionRequests.Consolidations,
			ConsolidationRequest{SourceAddress: blockFuzzAddress(4), SourcePubkey: st.Validators[4].Pubkey, TargetPubkey: st.Validators[1].Pubkey})
		return nil
	}
	all := func(ops ...op) op {
		return func(st *BeaconState, body *BeaconBlockBody) error {
			for _, o := range ops {
				if err := o(st, body); err != nil {
					return err
				}
			}
			return nil
		}
	}

	valid := []struct {
		name string
		opts blockOptions
	}{
		{"attestations", blockOptions{attest: true}},
		{"empty", blockOptions{emptySyncAggregate: true}},
		{"proposer-slashing", blockOptions{operations: proposerSlashing}},
		{"attester-slashing", blockOptions{operations: attesterSlashing}},
		{"voluntary-exit", blockOptions{operations: exit}},
	}
	everything := []op{proposerSlashing, attesterSlashing, exit}
	if fork >= Capella {
		valid = append(valid, struct {
			name string
			opts blockOptions
		}{"bls-to-execution-changes", blockOptions{operations: blsChange}})
		everything = append(everything, blsChange)
	}
	if fork >= Electra {
		valid = append(valid, []struct {
			name string
			opts blockOptions
		}{
			{"deposit-requests", blockOptions{operations: depositRequests}},
			{"withdrawal-requests", blockOptions{operations: withdrawalRequests}},
			{"consolidation-request", blockOptions{operations: consolidationRequest}},
		}...)
		everything = append(everything, depositRequests, withdrawalRequests, consolidationRequest)
	}
	valid = append(valid, struct {
		name string
		opts blockOptions
	}{"everything", blockOptions{attest: true, graffiti: Root{'q'}, operations: all(everything...)}})

	var out []blockFuzzSeed
	var base *BeaconBlock // the block with everything
	for _, v := range valid {
		signed, _, err := p.nextBlock(ft.pre, v.opts)
		if err != nil {
			return nil, fmt.Errorf("seed %s: %w", v.name, err)
		}
		out = append(out, blockFuzzSeed{name: "valid-" + v.name, kind: seedValid, block: &signed.Message})
		base = &signed.Message
	}

	for _, m := range blockFuzzMutations(ft) {
		block := copyBlockForFuzz(ft, base)
		if !m.mutate(block) {
			continue
		}
		seed := blockFuzzSeed{name: "invalid-" + m.name, kind: seedInvalid, block: block}
		if blockFuzzAccepted[m.name] {
			seed.name, seed.kind = "mutated-"+m.name, seedMutated
		}
		out = append(out, seed)
	}
	return out, nil
}

// copyBlockForFuzz returns a deep copy of block, through its encoding.
func copyBlockForFuzz(ft *blockFuzzTarget, block *BeaconBlock) *BeaconBlock {
	schema := ft.spec.Schema(ft.fork)
	enc, err := Marshal(schema, block)
	if err != nil {
		panic(err)
	}
	var out BeaconBlock
	if err := Unmarshal(schema, enc, &out); err != nil {
		panic(err)
	}
	return &out
}

// blockFuzzMutation changes a valid block; it reports false when the
// block has nothing to change. Most changes make process_block reject the
// block; those in blockFuzzAccepted leave it valid but for its state
// root.
type blockFuzzMutation struct {
	name   string
	mutate func(b *BeaconBlock) bool
}

// blockFuzzAccepted are the mutations after which process_block still
// accepts the block: an eth1 vote that wins no majority, and execution
// requests that ask for more than there is (they are capped or queued,
// not asserted).
var blockFuzzAccepted = map[string]bool{
	"eth1-data-deposit-count":   true,
	"deposit-request-amount":    true,
	"withdrawal-request-amount": true,
}

// blockFuzzMutations returns mutations of the block with every operation
// that each break one rule of process_block, most of them with a value at
// an extreme (indices and epochs near 2**64, lengths one off).
func blockFuzzMutations(ft *blockFuzzTarget) []blockFuzzMutation {
	s, fork := ft.spec, ft.fork
	huge := ValidatorIndex(Uint64Max)
	ms := []blockFuzzMutation{
		{"slot", func(b *BeaconBlock) bool { b.Slot++; return true }},
		{"proposer-index", func(b *BeaconBlock) bool { b.ProposerIndex++; return true }},
		{"parent-root", func(b *BeaconBlock) bool { b.ParentRoot[0] ^= 1; return true }},
		{"randao-reveal", func(b *BeaconBlock) bool { b.Body.RandaoReveal = b.Body.Attestations[0].Signature; return true }},
		{"attestation-bits-too-long", func(b *BeaconBlock) bool {
			a := &b.Body.Attestations[0]
			n := a.AggregationBits.Len()
			bits := ssz.NewBitlist(n + 1)
			for i := range n {
				bits.Set(i, a.AggregationBits.Get(i))
			}
			a.AggregationBits = bits
			return true
		}},
		{"attestation-bit-cleared", func(b *BeaconBlock) bool { b.Body.Attestations[0].AggregationBits.Set(0, false); return true }},
		{"attestation-committee-index", func(b *BeaconBlock) bool {
			a := &b.Body.Attestations[0]
			if fork >= Electra {
				a.CommitteeBits.Set(int(s.MaxCommitteesPerSlot)-1, true)
			} else {
				a.Data.Index = CommitteeIndex(Uint64Max)
			}
			return true
		}},
		{"attestation-target-epoch", func(b *BeaconBlock) bool { b.Body.Attestations[0].Data.Target.Epoch = FarFutureEpoch; return true }},
		{"attestation-slot", func(b *BeaconBlock) bool { b.Body.Attestations[0].Data.Slot = Slot(Uint64Max); return true }},
		{"proposer-slashing-index", func(b *BeaconBlock) bool {
			ps := &b.Body.ProposerSlashings[0]
			ps.SignedHeader1.Message.ProposerIndex, ps.SignedHeader2.Message.ProposerIndex = huge, huge
			return true
		}},
		{"proposer-slashing-same-headers", func(b *BeaconBlock) bool {
			ps := &b.Body.ProposerSlashings[0]
			ps.SignedHeader2 = ps.SignedHeader1
			return true
		}},
		{"attester-slashing-index", func(b *BeaconBlock) bool {
			as := &b.Body.AttesterSlashings[0]
			as.Attestation1.AttestingIndices = append(as.Attestation1.AttestingIndices, huge)
			as.Attestation2.AttestingIndices = append(as.Attestation2.AttestingIndices, huge)
			return true
		}},
		{"attester-slashing-unsorted", func(b *BeaconBlock) bool {
			slices.Reverse(b.Body.AttesterSlashings[0].Attestation1.AttestingIndices)
			return true
		}},
		{"voluntary-exit-index", func(b *BeaconBlock) bool { b.Body.VoluntaryExits[0].Message.ValidatorIndex = huge; return true }},
		{"voluntary-exit-epoch", func(b *BeaconBlock) bool { b.Body.VoluntaryExits[0].Message.Epoch = FarFutureEpoch; return true }},
		{"voluntary-exit-twice", func(b *BeaconBlock) bool {
			b.Body.VoluntaryExits = append(b.Body.VoluntaryExits, b.Body.VoluntaryExits[0])
			return true
		}},
		{"eth1-data-deposit-count", func(b *BeaconBlock) bool { b.Body.Eth1Data.DepositCount = Uint64Max; return true }},
	}
	if fork < Fulu {
		ms = append(ms,
			blockFuzzMutation{"deposits-missing", func(b *BeaconBlock) bool {
				if len(b.Body.Deposits) == 0 {
					return false
				}
				b.Body.Deposits = b.Body.Deposits[1:]
				return true
			}},
			blockFuzzMutation{"deposit-proof", func(b *BeaconBlock) bool {
				if len(b.Body.Deposits) == 0 {
					return false
				}
				b.Body.Deposits[0].Proof[3][0] ^= 1
				return true
			}},
		)
	}
	if fork >= Altair {
		ms = append(ms, blockFuzzMutation{"sync-committee-bit-cleared", func(b *BeaconBlock) bool {
			b.Body.SyncAggregate.SyncCommitteeBits.Set(0, false)
			return true
		}})
	}
	if fork >= Bellatrix {
		ms = append(ms,
			blockFuzzMutation{"payload-parent-hash", func(b *BeaconBlock) bool { b.Body.ExecutionPayload.ParentHash[0] ^= 1; return true }},
			blockFuzzMutation{"payload-timestamp", func(b *BeaconBlock) bool { b.Body.ExecutionPayload.Timestamp = Uint64Max; return true }},
		)
	}
	if fork >= Capella {
		ms = append(ms,
			blockFuzzMutation{"withdrawal-amount", func(b *BeaconBlock) bool {
				w := b.Body.ExecutionPayload.Withdrawals
				if len(w) == 0 {
					return false
				}
				w[0].Amount = Gwei(Uint64Max)
				return true
			}},
			blockFuzzMutation{"withdrawal-count", func(b *BeaconBlock) bool {
				p := &b.Body.ExecutionPayload
				if uint64(len(p.Withdrawals)) == s.MaxWithdrawalsPerPayload {
					p.Withdrawals = p.Withdrawals[:len(p.Withdrawals)-1]
				} else {
					p.Withdrawals = append(p.Withdrawals, Withdrawal{Index: WithdrawalIndex(Uint64Max), ValidatorIndex: huge, Amount: Gwei(Uint64Max)})
				}
				return true
			}},
			blockFuzzMutation{"bls-to-execution-change-index", func(b *BeaconBlock) bool {
				b.Body.BLSToExecutionChanges[0].Message.ValidatorIndex = huge
				return true
			}},
		)
	}
	if fork >= Deneb {
		ms = append(ms, blockFuzzMutation{"blob-commitments", func(b *BeaconBlock) bool {
			limit := s.GetBlobParameters(s.ComputeEpochAtSlot(b.Slot)).MaxBlobsPerBlock
			b.Body.BlobKZGCommitments = make([]KZGCommitment, limit+1)
			return true
		}})
	}
	if fork >= Electra {
		ms = append(ms,
			blockFuzzMutation{"deposit-request-amount", func(b *BeaconBlock) bool {
				b.Body.ExecutionRequests.Deposits[0].Amount = Gwei(Uint64Max)
				b.Body.ExecutionRequests.Deposits[1].Amount = Gwei(Uint64Max)
				return true
			}},
			blockFuzzMutation{"withdrawal-request-amount", func(b *BeaconBlock) bool {
				b.Body.ExecutionRequests.Withdrawals[1].Amount = Gwei(Uint64Max)
				return true
			}},
		)
	}
	return ms
}

// blockFuzzCorpusDir returns the seed corpus directory of the fuzz target
// of fork.
func blockFuzzCorpusDir(fork ForkName) string {
	name := fork.String()
	return filepath.Join("testdata", "fuzz", "FuzzProcessBlock"+strings.ToUpper(name[:1])+name[1:])
}

// TestFuzzProcessBlockCorpus checks the seeds against the fixed
// pre-states (valid seeds pass the whole state transition, mutated ones
// process_block, invalid ones fail it) and that the committed seed corpus
// holds exactly these seeds, in the fuzzing engine's file format; with
// -update-corpus it rewrites the corpus.
func TestFuzzProcessBlockCorpus(t *testing.T) {
	for _, fork := range []ForkName{Phase0, Fulu} {
		t.Run(fork.String(), func(t *testing.T) {
			ft, err := blockFuzzTargetOf(fork)
			if err != nil {
				t.Fatal(err)
			}
			seeds, err := ft.seeds()
			if err != nil {
				t.Fatal(err)
			}
			files := map[string][]byte{}
			for _, seed := range seeds {
				ft.checkSeed(t, seed)
				enc, err := Marshal(ft.spec.Schema(fork), seed.block)
				if err != nil {
					t.Fatal(err)
				}
				files[seed.name] = []byte(fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", enc))
			}
			dir := blockFuzzCorpusDir(fork)
			if *updateCorpus {
				writeCorpus(t, dir, files)
				return
			}
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatalf("%v (generate the corpus with -update-corpus)", err)
			}
			for _, e := range entries {
				want, ok := files[e.Name()]
				if !ok {
					t.Errorf("%s: not a seed the producer makes", e.Name())
					continue
				}
				got, err := os.ReadFile(filepath.Join(dir, e.Name()))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s: differs from the seed the producer makes (regenerate with -update-corpus)", e.Name())
				}
				delete(files, e.Name())
			}
			for name := range files {
				t.Errorf("seed %s is missing from %s (regenerate with -update-corpus)", name, dir)
			}
		})
	}
}

// checkSeed fails t if seed does not have the outcome its kind says.
func (ft *blockFuzzTarget) checkSeed(t *testing.T, seed blockFuzzSeed) {
	t.Helper()
	s := ft.spec
	batch := &Transition{Spec: s, Engine: blockgenEngine{}, Signatures: SignaturesBatch}
	processErr := batch.ProcessBlock(ft.advanced.Copy(), seed.block)
	each := &Transition{Spec: s, Engine: blockgenEngine{}, Signatures: SignaturesEach}
	_, applyErr := each.ApplyBlock(ft.pre, ft.signed(seed.block), true)
	switch seed.kind {
	case seedValid:
		if processErr != nil || applyErr != nil {
			t.Errorf("%s: process_block: %v; state transition: %v", seed.name, processErr, applyErr)
		}
	case seedMutated:
		if processErr != nil || applyErr == nil {
			t.Errorf("%s: process_block: %v; state transition: %v, want a state root mismatch", seed.name, processErr, applyErr)
		}
	case seedInvalid:
		if processErr == nil {
			t.Errorf("%s: process_block accepts the block", seed.name)
		}
	}
}

// writeCorpus replaces the files of dir with files.
func writeCorpus(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
