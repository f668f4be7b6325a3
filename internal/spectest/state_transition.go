package spectest

// The state-transition runners: operations, epoch_processing, sanity
// (blocks, slots), finality, random, rewards, fork and transition
// (tests/formats/<runner>/). Each case starts from pre.ssz_snappy, runs
// the spec function that the runner and handler name, and compares the
// result with post.ssz_snappy; no post means the input must be rejected.

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/quetzal-eth/quetzal/spec"
	"github.com/quetzal-eth/quetzal/ssz"
)

func init() {
	for name, op := range operationHandlers {
		Register("operations", name, op.run)
	}
	Register("epoch_processing", AnyHandler, runEpochProcessing)
	Register("sanity", "blocks", runBlocks)
	Register("sanity", "slots", runSlots)
	Register("finality", "finality", runBlocks)
	Register("random", "random", runBlocks)
	Register("rewards", AnyHandler, runRewards)
	Register("fork", "fork", runFork)
	Register("transition", "core", runTransition)
}

// presetSpecs holds, per preset and fork, the preset's spec with its
// default config where that fork and the ones before it are scheduled at
// genesis and the later ones never. The pyspec runs a case with the spec
// of its fork whatever the state's fork version; so does StateFork with
// these schedules when a case sets a version of no fork.
var presetSpecs = sync.OnceValue(func() map[string][]*spec.Spec {
	out := map[string][]*spec.Spec{}
	for preset, base := range map[string]*spec.Spec{"mainnet": spec.Mainnet(), "minimal": spec.Minimal()} {
		for fork := spec.Phase0; fork <= spec.LatestFork; fork++ {
			s := base.Clone()
			for f := spec.Altair; f <= spec.LatestFork; f++ {
				if f <= fork {
					s.SetForkEpoch(f, spec.GenesisEpoch)
				} else {
					s.SetForkEpoch(f, spec.FarFutureEpoch)
				}
			}
			out[preset] = append(out[preset], s)
		}
	}
	return out
})

// caseSpec returns the spec of the case's preset and fork, and its fork.
func caseSpec(c *Case) (*spec.Spec, spec.ForkName, error) {
	specs := presetSpecs()[c.Preset]
	if specs == nil {
		return nil, 0, fmt.Errorf("no preset %q", c.Preset)
	}
	fork, err := spec.ParseForkName(c.Fork)
	if err != nil || int(fork) >= len(specs) {
		return nil, 0, fmt.Errorf("%w: fork %q", ErrNotImplemented, c.Fork)
	}
	return specs[fork], fork, nil
}

// caseMeta is the part of meta.yaml the state-transition runners read.
type caseMeta struct {
	BLSSetting  int    `yaml:"bls_setting"`
	BlocksCount int    `yaml:"blocks_count"`
	Fork        string `yaml:"fork"`
	PostFork    string `yaml:"post_fork"`
	ForkEpoch   uint64 `yaml:"fork_epoch"`
	ForkBlock   *int   `yaml:"fork_block"`
}

func readMeta(c *Case) (caseMeta, error) {
	var m caseMeta
	if !c.Has("meta.yaml") {
		return m, nil
	}
	err := c.ReadYAML("meta", &m)
	return m, err
}

// transition returns a Transition for the case: signatures checked one by
// one unless bls_setting is 2 (the vector's signatures are not real), and
// an engine that answers as execution.yaml says (valid if absent).
func transition(c *Case, s *spec.Spec, m caseMeta) (*spec.Transition, error) {
	t := &spec.Transition{Spec: s, Signatures: spec.SignaturesEach}
	if m.BLSSetting == 2 {
		t.Signatures = spec.SignaturesOff
	}
	engine := stubEngine{valid: true}
	if c.Has("execution.yaml") {
		var e struct {
			ExecutionValid *bool `yaml:"execution_valid"`
		}
		if err := c.ReadYAML("execution", &e); err != nil {
			return nil, err
		}
		if e.ExecutionValid == nil {
			return nil, fmt.Errorf("execution.yaml: no execution_valid")
		}
		engine.valid = *e.ExecutionValid
	}
	t.Engine = engine
	return t, nil
}

// stubEngine is the execution engine of the spec tests: it answers every
// payload with the verdict of the vector.
type stubEngine struct{ valid bool }

func (e stubEngine) VerifyAndNotifyNewPayload(*spec.NewPayloadRequest) (bool, error) {
	return e.valid, nil
}

// readObject decodes <name>.ssz_snappy into obj under the fork's schema.
func readObject(c *Case, s *spec.Spec, fork spec.ForkName, name string, obj ssz.Object) error {
	data, err := c.ReadSSZ(name)
	if err != nil {
		return err
	}
	if err := spec.Unmarshal(s.Schema(fork), data, obj); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// readState reads the state name of c. A pre-state gets its caches built
// and its root computed with its hash cache, as a node keeps them, so that
// the vectors check the transition's cached paths too: compareStates then
// checks the post-state's cached root.
func readState(c *Case, s *spec.Spec, fork spec.ForkName, name string) (*spec.BeaconState, error) {
	st := new(spec.BeaconState)
	err := readObject(c, s, fork, name, st)
	if err == nil && strings.HasPrefix(name, "pre") {
		s.BuildCaches(st)
		if _, err := s.StateRoot(st); err != nil {
			return nil, fmt.Errorf("%s: root: %w", name, err)
		}
	}
	return st, err
}

// notImplemented turns the spec's ErrNotImplemented into the runner's, so
// a case that reaches a step not written yet is reported as skipped.
func notImplemented(err error) error {
	if errors.Is(err, spec.ErrNotImplemented) {
		return fmt.Errorf("%w: %v", ErrNotImplemented, err)
	}
	return err
}

// expectPost compares the outcome of running a case (st after run
// returned runErr) with post.ssz_snappy under fork: if there is a post,
// run must have succeeded and st must equal it; if not, run must have
// failed.
func expectPost(c *Case, s *spec.Spec, fork spec.ForkName, st *spec.BeaconState, runErr error, post string) error {
	if errors.Is(runErr, spec.ErrNotImplemented) {
		return notImplemented(runErr)
	}
	if !c.Has(post + ".ssz_snappy") {
		if runErr == nil {
			return fmt.Errorf("no %s: the input must be rejected, but it was accepted", post)
		}
		return nil
	}
	if runErr != nil {
		return fmt.Errorf("rejected a valid input: %w", runErr)
	}
	want, err := readState(c, s, fork, post)
	if err != nil {
		return err
	}
	return compareStates(s, fork, st, want)
}

// compareStates returns nil if got and want encode the same, or an error
// naming the fields that differ.
func compareStates(s *spec.Spec, fork spec.ForkName, got, want *spec.BeaconState) error {
	schema := s.Schema(fork)
	gotBytes, err := spec.Marshal(schema, got)
	if err != nil {
		return fmt.Errorf("encoding the post-state: %w", err)
	}
	wantBytes, err := spec.Marshal(schema, want)
	if err != nil {
		return err
	}
	if !bytes.Equal(gotBytes, wantBytes) {
		return fmt.Errorf("post-state differs: %s", diffFields(reflect.ValueOf(got).Elem(), reflect.ValueOf(want).Elem()))
	}
	// The same state; its root through the hash cache, which relies on the
	// transition's notes of changed validators, must be the root.
	gotRoot, err := s.StateRoot(got)
	if err != nil {
		return fmt.Errorf("the post-state's root: %w", err)
	}
	wantRoot, err := spec.HashTreeRoot(schema, want)
	if err != nil {
		return err
	}
	if gotRoot != wantRoot {
		return fmt.Errorf("the post-state's cached root is %s, its root %s", gotRoot, wantRoot)
	}
	return nil
}

// diffFields names the top-level fields of two structs that differ, with
// the first differing element of a differing slice.
func diffFields(got, want reflect.Value) string {
	var out []string
	for i := 0; i < got.NumField(); i++ {
		if !got.Type().Field(i).IsExported() {
			continue // not state (the caches): reflect cannot read it
		}
		name := got.Type().Field(i).Name
		g, w := got.Field(i), want.Field(i)
		if sameValue(g, w) {
			continue
		}
		if g.Kind() == reflect.Slice && w.Kind() == reflect.Slice && g.Type().Elem().Kind() != reflect.Uint8 {
			if g.Len() != w.Len() {
				out = append(out, fmt.Sprintf("%s (length %d, want %d)", name, g.Len(), w.Len()))
				continue
			}
			for j := 0; j < g.Len(); j++ {
				if !sameValue(g.Index(j), w.Index(j)) {
					out = append(out, fmt.Sprintf("%s[%d] = %+v, want %+v", name, j, g.Index(j).Interface(), w.Index(j).Interface()))
					break
				}
			}
			continue
		}
		out = append(out, fmt.Sprintf("%s = %+v, want %+v", name, g.Interface(), w.Interface()))
	}
	if len(out) > 6 {
		out = append(out[:6], fmt.Sprintf("and %d more", len(out)-6))
	}
	return strings.Join(out, "; ")
}

// sameValue is reflect.DeepEqual with nil and empty slices equal.
func sameValue(a, b reflect.Value) bool {
	if a.Kind() == reflect.Slice && a.Len() == 0 && b.Len() == 0 {
		return true
	}
	if a.Kind() == reflect.Struct {
		for i := 0; i < a.NumField(); i++ {
			if !sameValue(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	}
	if a.Kind() == reflect.Slice {
		if a.Len() != b.Len() {
			return false
		}
		for i := 0; i < a.Len(); i++ {
			if !sameValue(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a.Interface(), b.Interface())
}

// --- operations ---

// operation is one handler of the operations runner: the name of its input
// file, a new value of its input type, and the call of the spec function.
type operation struct {
	input string
	value func() ssz.Object
	apply func(t *spec.Transition, st *spec.BeaconState, obj ssz.Object) error
}

var operationHandlers = map[string]operation{
	"attestation": {"attestation", func() ssz.Object { return new(spec.Attestation) },
		func(t *spec.Transition, st *spec.BeaconState, o ssz.Object) error {
			return t.ProcessAttestation(st, o.(*spec.Attestation))
		}},
	"attester_slashing": {"attester_slashing", func() ssz.Object { return new(spec.AttesterSlashing) },
		func(t *spec.Transition, st *spec.BeaconState, o ssz.Object) error {
			return t.ProcessAttesterSlashing(st, o.(*spec.AttesterSlashing))
		}},
	"block_header": {"block", func() ssz.Object { return new(spec.BeaconBlock) },
		func(t *spec.Transition, st *spec.BeaconState, o ssz.Object) error {
			return t.ProcessBlockHeader(st, o.(*spec.BeaconBlock))
		}},
	"deposit": {"deposit", func() ssz.Object { return new(spec.Deposit) },
		func(t *spec.Transition, st *spec.BeaconState, o ssz.Object) error {
			return t.ProcessDeposit(st, o.(*spec.Deposit))
		}},
	"proposer_slashing": {"proposer_slashing", func() ssz.Object { return new(spec.ProposerSlashing) },
		func(t *spec.Transition, st *spec.BeaconState, o ssz.Object) error {
			return t.ProcessProposerSlashing(st, o.(*spec.ProposerSlashing))
		}},
	"voluntary_exit": {"voluntary_exit", func() ssz.Object { return new(spec.SignedVoluntaryExit) },
		func(t *spec.Transition, st *spec.BeaconState, o ssz.Object) error {
			return t.ProcessVoluntaryExit(st, o.(*spec.SignedVoluntaryExit))
		}},
	"sync_aggregate": {"sync_aggregate", func() ssz.Object { return new(spec.SyncAggregate) },
		func(t *spec.Transition, st *spec.BeaconState, o ssz.Object) error {
			return t.ProcessSyncAggregate(st, o.(*spec.SyncAggregate))
		}},
	"execution_payload": {"body", func() ssz.Object { return new(spec.BeaconBlockBody) },
		func(t *spec.Transition, st *spec.BeaconState, o ssz.Object) error {
			return t.ProcessExecutionPayload(st, o.(*spec.BeaconBlockBody))
		}},
	"withdrawals": {"execution_payload", func() ssz.Object { return new(spec.ExecutionPayload) },
		func(t *spec.Transition, st *spec.BeaconState, o ssz.Object) error {
			return t.ProcessWithdrawals(st, o.(*spec.ExecutionPayload))
		}},
	"bls_to_execution_change": {"address_change", func() ssz.Object { return new(spec.SignedBLSToExecutionChange) },
		func(t *spec.Transition, st *spec.BeaconState, o ssz.Object) error {
			return t.ProcessBLSToExecutionChange(st, o.(*spec.SignedBLSToExecutionChange))
		}},
	"deposit_request": {"deposit_request", func() ssz.Object { return new(spec.DepositRequest) },
		func(t *spec.Transition, st *spec.BeaconState, o ssz.Object) error {
			return t.ProcessDepositRequest(st, o.(*spec.DepositRequest))
		}},
	"withdrawal_request": {"withdrawal_request", func() ssz.Object { return new(spec.WithdrawalRequest) },
		func(t *spec.Transition, st *spec.BeaconState, o ssz.Object) error {
			return t.ProcessWithdrawalRequest(st, o.(*spec.WithdrawalRequest))
		}},
	"consolidation_request": {"consolidation_request", func() ssz.Object { return new(spec.ConsolidationRequest) },
		func(t *spec.Transition, st *spec.BeaconState, o ssz.Object) error {
			return t.ProcessConsolidationRequest(st, o.(*spec.ConsolidationRequest))
		}},
}

func (op operation) run(c *Case) error {
	s, fork, err := caseSpec(c)
	if err != nil {
		return err
	}
	m, err := readMeta(c)
	if err != nil {
		return err
	}
	t, err := transition(c, s, m)
	if err != nil {
		return err
	}
	st, err := readState(c, s, fork, "pre")
	if err != nil {
		return err
	}
	obj := op.value()
	if err := readObject(c, s, fork, op.input, obj); err != nil {
		// An input that does not decode is a rejected input.
		return expectPost(c, s, fork, st, err, "post")
	}
	return expectPost(c, s, fork, st, op.apply(t, st, obj), "post")
}

// --- epoch_processing ---

var epochSteps = map[string]func(s *spec.Spec, st *spec.BeaconState) error{
	"justification_and_finalization": (*spec.Spec).ProcessJustificationAndFinalization,
	"inactivity_updates":             (*spec.Spec).ProcessInactivityUpdates,
	"rewards_and_penalties":          (*spec.Spec).ProcessRewardsAndPenalties,
	"registry_updates":               (*spec.Spec).ProcessRegistryUpdates,
	"slashings":                      (*spec.Spec).ProcessSlashings,
	"eth1_data_reset":                (*spec.Spec).ProcessEth1DataReset,
	"pending_deposits":               (*spec.Spec).ProcessPendingDeposits,
	"pending_consolidations":         (*spec.Spec).ProcessPendingConsolidations,
	"effective_balance_updates":      (*spec.Spec).ProcessEffectiveBalanceUpdates,
	"slashings_reset":                (*spec.Spec).ProcessSlashingsReset,
	"randao_mixes_reset":             (*spec.Spec).ProcessRandaoMixesReset,
	"historical_roots_update":        (*spec.Spec).ProcessHistoricalRootsUpdate,
	"historical_summaries_update":    (*spec.Spec).ProcessHistoricalSummariesUpdate,
	"participation_record_updates":   (*spec.Spec).ProcessParticipationRecordUpdates,
	"participation_flag_updates":     (*spec.Spec).ProcessParticipationFlagUpdates,
	"sync_committee_updates":         (*spec.Spec).ProcessSyncCommitteeUpdates,
	"proposer_lookahead":             (*spec.Spec).ProcessProposerLookahead,
}

// runEpochProcessing runs the handler's sub-transition on pre and, where
// the case has them, the whole process_epoch on pre_epoch (the format's
// alternative condition), both the spec-shaped ProcessEpoch and
// ProcessEpochFast: all must match.
func runEpochProcessing(c *Case) error {
	step := epochSteps[c.Handler]
	if step == nil {
		return fmt.Errorf("%w: epoch step %s", ErrNotImplemented, c.Handler)
	}
	s, fork, err := caseSpec(c)
	if err != nil {
		return err
	}
	st, err := readState(c, s, fork, "pre")
	if err != nil {
		return err
	}
	if err := expectPost(c, s, fork, st, step(s, st), "post"); err != nil {
		return err
	}
	if !c.Has("pre_epoch.ssz_snappy") {
		return nil
	}
	for _, epoch := range []struct {
		name string
		run  func(*spec.BeaconState) error
	}{
		{"process_epoch", s.ProcessEpoch},
		{"process_epoch (fast)", s.ProcessEpochFast},
	} {
		st, err = readState(c, s, fork, "pre_epoch")
		if err != nil {
			return err
		}
		if err := expectPost(c, s, fork, st, epoch.run(st), "post_epoch"); err != nil {
			return fmt.Errorf("%s: %w", epoch.name, err)
		}
	}
	return nil
}

// --- sanity, finality, random: blocks ---

// runBlocks applies blocks_0..blocks_{n-1} with state_transition to pre
// (sanity/blocks, finality, random).
func runBlocks(c *Case) error {
	s, fork, err := caseSpec(c)
	if err != nil {
		return err
	}
	m, err := readMeta(c)
	if err != nil {
		return err
	}
	return applyBlocks(c, s, m, fork, func(int) spec.ForkName { return fork }, fork)
}

// applyBlocks runs the case's blocks with state_transition on pre (of
// preFork), decoding block i under blockFork(i), and compares the result
// with post under postFork.
func applyBlocks(c *Case, s *spec.Spec, m caseMeta, preFork spec.ForkName, blockFork func(int) spec.ForkName, postFork spec.ForkName) error {
	t, err := transition(c, s, m)
	if err != nil {
		return err
	}
	st, err := readState(c, s, preFork, "pre")
	if err != nil {
		return err
	}
	var runErr error
	for i := 0; i < m.BlocksCount && runErr == nil; i++ {
		block := new(spec.SignedBeaconBlock)
		if runErr = readObject(c, s, blockFork(i), fmt.Sprintf("blocks_%d", i), block); runErr != nil {
			break
		}
		runErr = t.StateTransition(st, block, true)
		if runErr != nil {
			runErr = fmt.Errorf("block %d: %w", i, runErr)
		}
	}
	return expectPost(c, s, postFork, st, runErr, "post")
}

// runSlots is sanity/slots: process_slots(pre, pre.slot + slots).
func runSlots(c *Case) error {
	s, fork, err := caseSpec(c)
	if err != nil {
		return err
	}
	var slots uint64
	if err := c.ReadYAML("slots", &slots); err != nil {
		return err
	}
	st, err := readState(c, s, fork, "pre")
	if err != nil {
		return err
	}
	t := &spec.Transition{Spec: s}
	return expectPost(c, s, fork, st, t.ProcessSlots(st, st.Slot+spec.Slot(slots)), "post")
}

// --- rewards ---

// runRewards compares each deltas function with its <name>_deltas file.
func runRewards(c *Case) error {
	s, fork, err := caseSpec(c)
	if err != nil {
		return err
	}
	st, err := readState(c, s, fork, "pre")
	if err != nil {
		return err
	}
	type deltasFn struct {
		file string
		fn   func() (spec.Deltas, error)
	}
	var fns []deltasFn
	if fork == spec.Phase0 {
		fns = []deltasFn{
			{"source_deltas", func() (spec.Deltas, error) { return s.GetSourceDeltas(st) }},
			{"target_deltas", func() (spec.Deltas, error) { return s.GetTargetDeltas(st) }},
			{"head_deltas", func() (spec.Deltas, error) { return s.GetHeadDeltas(st) }},
			{"inclusion_delay_deltas", func() (spec.Deltas, error) { return s.GetInclusionDelayDeltas(st) }},
		}
	} else {
		fns = []deltasFn{
			{"source_deltas", func() (spec.Deltas, error) { return s.GetFlagIndexDeltas(st, spec.TimelySourceFlagIndex) }},
			{"target_deltas", func() (spec.Deltas, error) { return s.GetFlagIndexDeltas(st, spec.TimelyTargetFlagIndex) }},
			{"head_deltas", func() (spec.Deltas, error) { return s.GetFlagIndexDeltas(st, spec.TimelyHeadFlagIndex) }},
		}
	}
	fns = append(fns, deltasFn{"inactivity_penalty_deltas", func() (spec.Deltas, error) { return s.GetInactivityPenaltyDeltas(st) }})
	for _, f := range fns {
		want := new(spec.Deltas)
		if err := readObject(c, s, fork, f.file, want); err != nil {
			return err
		}
		got, err := f.fn()
		if err != nil {
			return notImplemented(fmt.Errorf("%s: %w", f.file, err))
		}
		if d := diffFields(reflect.ValueOf(got), reflect.ValueOf(*want)); d != "" {
			return fmt.Errorf("%s: %s", f.file, d)
		}
	}
	return nil
}

// --- fork ---

// runFork is the fork runner: upgrade pre (of the fork before meta.fork)
// with upgrade_to_<fork>.
func runFork(c *Case) error {
	s, fork, err := caseSpec(c)
	if err != nil {
		return err
	}
	m, err := readMeta(c)
	if err != nil {
		return err
	}
	if m.Fork != "" {
		if fork, err = spec.ParseForkName(m.Fork); err != nil {
			return fmt.Errorf("%w: fork %q", ErrNotImplemented, m.Fork)
		}
	}
	if fork == spec.Phase0 {
		return fmt.Errorf("meta.yaml: fork %s has no pre-fork", fork)
	}
	st, err := readState(c, s, fork-1, "pre")
	if err != nil {
		return err
	}
	upgrades := map[spec.ForkName]func(*spec.BeaconState) error{
		spec.Altair: s.UpgradeToAltair, spec.Bellatrix: s.UpgradeToBellatrix, spec.Capella: s.UpgradeToCapella,
		spec.Deneb: s.UpgradeToDeneb, spec.Electra: s.UpgradeToElectra, spec.Fulu: s.UpgradeToFulu,
	}
	upgrade := upgrades[fork]
	if upgrade == nil {
		return fmt.Errorf("%w: upgrade to %s", ErrNotImplemented, fork)
	}
	return expectPost(c, s, fork, st, upgrade(st), "post")
}

// --- transition ---

// runTransition is the transition runner: the chain starts in the fork
// before post_fork, which the config schedules at fork_epoch (earlier forks
// at genesis); blocks up to fork_block are of the pre-fork.
func runTransition(c *Case) error {
	base, _, err := caseSpec(c)
	if err != nil {
		return err
	}
	m, err := readMeta(c)
	if err != nil {
		return err
	}
	post, err := spec.ParseForkName(m.PostFork)
	if err != nil || post == spec.Phase0 {
		return fmt.Errorf("%w: post_fork %q", ErrNotImplemented, m.PostFork)
	}
	s := base.Clone()
	for f := spec.Altair; f < post; f++ {
		s.SetForkEpoch(f, spec.GenesisEpoch)
	}
	s.SetForkEpoch(post, spec.Epoch(m.ForkEpoch))
	for f := post + 1; f <= spec.LatestFork; f++ {
		s.SetForkEpoch(f, spec.FarFutureEpoch)
	}
	blockFork := func(i int) spec.ForkName {
		if m.ForkBlock != nil && i <= *m.ForkBlock {
			return post - 1
		}
		return post
	}
	return applyBlocks(c, s, m, post-1, blockFork, post)
}
