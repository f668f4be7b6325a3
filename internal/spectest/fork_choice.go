package spectest

// The fork_choice and sync runners (tests/formats/fork_choice/ and
// tests/formats/sync/): a store is anchored at anchor_state and
// anchor_block, then steps.yaml is run in order. Execution steps (tick,
// block, attestation, attester_slashing) must succeed unless marked
// valid: false, in which case they must fail; pow_block and payload_status
// steps set what the proof-of-work chain and the execution engine answer;
// checks steps compare the store with the values given. A step or check
// the runner does not know fails the case.

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/quetzal-eth/quetzal/forkchoice"
	"github.com/quetzal-eth/quetzal/spec"
)

func init() {
	for _, handler := range []string{
		"get_head", "on_block", "ex_ante", "reorg", "withholding", "on_merge_block",
		"get_proposer_head", "should_override_forkchoice_update", "deposit_with_reorg",
	} {
		Register("fork_choice", handler, runForkChoice)
	}
	Register("sync", "optimistic", runForkChoice)
}

// forkChoiceImpls are the fork choices every case runs against, one after
// the other: the reference store, then Fast side by side with another
// reference store (forkchoice.Checked), so that every check is made on
// Fast's answers and Fast must also agree with the store on every answer
// and on the outcome of every step.
var forkChoiceImpls = []struct {
	name string
	new  func(s *spec.Spec, anchorState *spec.BeaconState, anchorBlock *spec.BeaconBlock, opts forkchoice.Options) (forkchoice.ForkChoice, error)
}{
	{"store", func(s *spec.Spec, anchorState *spec.BeaconState, anchorBlock *spec.BeaconBlock, opts forkchoice.Options) (forkchoice.ForkChoice, error) {
		return forkchoice.GetForkchoiceStore(s, anchorState, anchorBlock, opts)
	}},
	{"fast", func(s *spec.Spec, anchorState *spec.BeaconState, anchorBlock *spec.BeaconBlock, opts forkchoice.Options) (forkchoice.ForkChoice, error) {
		return forkchoice.NewChecked(s, anchorState, anchorBlock, opts)
	}},
}

func runForkChoice(c *Case) error {
	s, fork, err := caseSpec(c)
	if err != nil {
		return err
	}
	meta, err := readMeta(c)
	if err != nil {
		return err
	}
	anchorState, err := readState(c, s, fork, "anchor_state")
	if err != nil {
		return err
	}
	anchorBlock := new(spec.BeaconBlock)
	if err := readObject(c, s, fork, "anchor_block", anchorBlock); err != nil {
		return err
	}
	var steps []map[string]yaml.Node
	if err := c.ReadYAML("steps", &steps); err != nil {
		return err
	}

	for _, impl := range forkChoiceImpls {
		r := &forkChoiceRun{
			c:        c,
			s:        s,
			fork:     fork,
			statuses: map[spec.Hash32]forkchoice.PayloadStatus{},
			pow:      map[spec.Hash32]*spec.PowBlock{},
			byHash:   map[spec.Hash32][]spec.Root{},
		}
		opts := forkchoice.Options{Engine: r, PowChain: r, Signatures: spec.SignaturesBatch}
		if meta.BLSSetting == 2 {
			opts.Signatures = spec.SignaturesOff
		}
		r.fc, err = impl.new(s, anchorState, anchorBlock, opts)
		if err != nil {
			return fmt.Errorf("%s: get_forkchoice_store: %w", impl.name, err)
		}
		for i, step := range steps {
			if err := r.step(step); err != nil {
				if errors.Is(err, spec.ErrNotImplemented) || errors.Is(err, ErrNotImplemented) {
					return notImplemented(err)
				}
				return fmt.Errorf("%s: step %d: %w", impl.name, i, err)
			}
		}
	}
	return nil
}

// forkChoiceRun is one case being run. It is also the execution engine and
// proof-of-work chain of the store, answering as the steps so far say.
type forkChoiceRun struct {
	c    *Case
	s    *spec.Spec
	fork spec.ForkName
	fc   forkchoice.ForkChoice

	// statuses holds the payload statuses of payload_status steps, by
	// execution block hash; payloads without one are VALID.
	statuses map[spec.Hash32]forkchoice.PayloadStatus
	// pow holds the blocks of pow_block steps.
	pow map[spec.Hash32]*spec.PowBlock
	// byHash holds the imported blocks by execution block hash, so that a
	// later payload status reaches them.
	byHash map[spec.Hash32][]spec.Root
}

func (r *forkChoiceRun) VerifyAndNotifyNewPayload(req *spec.NewPayloadRequest) (forkchoice.PayloadStatus, error) {
	if status, ok := r.statuses[req.ExecutionPayload.BlockHash]; ok {
		return status, nil
	}
	return forkchoice.PayloadStatus{Status: forkchoice.StatusValid}, nil
}

func (r *forkChoiceRun) GetPowBlock(hash spec.Hash32) (*spec.PowBlock, bool) {
	b, ok := r.pow[hash]
	return b, ok
}

// stepKeys lists, for the key that names each kind of step, the keys the
// step may have.
var stepKeys = map[string][]string{
	"tick":              {"tick", "valid"},
	"block":             {"block", "valid", "blobs", "proofs", "columns"},
	"attestation":       {"attestation", "valid"},
	"attester_slashing": {"attester_slashing", "valid"},
	"pow_block":         {"pow_block"},
	"block_hash":        {"block_hash", "payload_status"},
	"checks":            {"checks"},
}

func (r *forkChoiceRun) step(step map[string]yaml.Node) error {
	kind := ""
	for k := range stepKeys {
		if _, ok := step[k]; ok {
			if kind != "" {
				return fmt.Errorf("step has both %q and %q", kind, k)
			}
			kind = k
		}
	}
	if kind == "" {
		return fmt.Errorf("unknown step with keys %v", sortedKeys(step))
	}
	for k := range step {
		if !slices.Contains(stepKeys[kind], k) {
			return fmt.Errorf("%s step: unknown key %q", kind, k)
		}
	}
	valid := true
	if node, ok := step["valid"]; ok {
		if err := node.Decode(&valid); err != nil {
			return fmt.Errorf("%s step: valid: %w", kind, err)
		}
	}
	decode := func(key string, v any) error {
		node := step[key]
		if err := node.Decode(v); err != nil {
			return fmt.Errorf("%s step: %s: %w", kind, key, err)
		}
		return nil
	}

	switch kind {
	case "tick":
		var seconds uint64
		if err := decode("tick", &seconds); err != nil {
			return err
		}
		return expectValid(kind, valid, r.fc.OnTick(forkchoice.SecondsToMilliseconds(seconds)))
	case "block":
		return r.blockStep(step, decode, valid)
	case "attestation":
		var name string
		if err := decode("attestation", &name); err != nil {
			return err
		}
		att := new(spec.Attestation)
		if err := readObject(r.c, r.s, r.fork, name, att); err != nil {
			return err
		}
		return expectValid(name, valid, r.fc.OnAttestation(att, false))
	case "attester_slashing":
		var name string
		if err := decode("attester_slashing", &name); err != nil {
			return err
		}
		slashing := new(spec.AttesterSlashing)
		if err := readObject(r.c, r.s, r.fork, name, slashing); err != nil {
			return err
		}
		return expectValid(name, valid, r.fc.OnAttesterSlashing(slashing))
	case "pow_block":
		var name string
		if err := decode("pow_block", &name); err != nil {
			return err
		}
		b := new(spec.PowBlock)
		if err := readObject(r.c, r.s, r.fork, name, b); err != nil {
			return err
		}
		r.pow[b.BlockHash] = b
		return nil
	case "block_hash":
		return r.payloadStatusStep(decode)
	case "checks":
		var checks map[string]yaml.Node
		if err := decode("checks", &checks); err != nil {
			return err
		}
		return r.checks(checks)
	}
	return nil
}

// expectValid checks the outcome of an execution step: err must be nil
// if valid, and not nil otherwise.
func expectValid(what string, valid bool, err error) error {
	switch {
	case errors.Is(err, spec.ErrNotImplemented):
		return err
	case valid && err != nil:
		return fmt.Errorf("%s rejected, want accepted: %w", what, err)
	case !valid && err == nil:
		return fmt.Errorf("%s accepted, want rejected", what)
	}
	return nil
}

// blockStep runs on_block and, for an accepted block, on_attestation and
// on_attester_slashing for the block's attestations and slashings, which
// the format says receiving a block implies.
func (r *forkChoiceRun) blockStep(step map[string]yaml.Node, decode func(string, any) error, valid bool) error {
	var name string
	if err := decode("block", &name); err != nil {
		return err
	}
	signed := new(spec.SignedBeaconBlock)
	if err := readObject(r.c, r.s, r.fork, name, signed); err != nil {
		return err
	}
	data, err := r.blockData(step, decode)
	if err != nil {
		return err
	}
	if err := expectValid(name, valid, r.fc.OnBlock(signed, data)); err != nil || !valid {
		return err
	}
	root, err := spec.HashTreeRoot(r.s.Schema(r.fork), &signed.Message)
	if err != nil {
		return err
	}
	hash := signed.Message.Body.ExecutionPayload.BlockHash
	if !slices.Contains(r.byHash[hash], root) {
		r.byHash[hash] = append(r.byHash[hash], root)
	}
	body := &signed.Message.Body
	for i := range body.Attestations {
		if err := r.fc.OnAttestation(&body.Attestations[i], true); err != nil {
			return fmt.Errorf("%s: attestation %d of the block rejected: %w", name, i, err)
		}
	}
	for i := range body.AttesterSlashings {
		if err := r.fc.OnAttesterSlashing(&body.AttesterSlashings[i]); err != nil {
			return fmt.Errorf("%s: attester slashing %d of the block rejected: %w", name, i, err)
		}
	}
	return nil
}

// blockData is what retrieve_blobs_and_proofs or retrieve_column_sidecars
// return for a block step: the blobs and proofs or the columns it names,
// nothing if it names none, and a failed retrieval for an empty list of
// columns.
func (r *forkChoiceRun) blockData(step map[string]yaml.Node, decode func(string, any) error) (*forkchoice.BlockData, error) {
	data := &forkchoice.BlockData{}
	if _, ok := step["blobs"]; ok {
		var name string
		if err := decode("blobs", &name); err != nil {
			return nil, err
		}
		raw, err := r.c.ReadSSZ(name)
		if err != nil {
			return nil, err
		}
		size := int(spec.BytesPerFieldElement * r.s.FieldElementsPerBlob)
		if len(raw)%size != 0 || uint64(len(raw)/size) > r.s.MaxBlobCommitmentsPerBlock {
			return nil, fmt.Errorf("%s: %d bytes is not a list of blobs", name, len(raw))
		}
		for i := 0; i < len(raw); i += size {
			data.Blobs = append(data.Blobs, raw[i:i+size])
		}
	}
	if _, ok := step["proofs"]; ok {
		if err := decode("proofs", &data.Proofs); err != nil {
			return nil, err
		}
	}
	if _, ok := step["columns"]; ok {
		var names []string
		if err := decode("columns", &names); err != nil {
			return nil, err
		}
		if len(names) == 0 {
			data.Missing = errors.New("not all required columns have been sampled")
		}
		for _, name := range names {
			col := new(spec.DataColumnSidecar)
			if err := readObject(r.c, r.s, r.fork, name, col); err != nil {
				return nil, err
			}
			data.Columns = append(data.Columns, col)
		}
	}
	return data, nil
}

// payloadStatusStep sets what the execution engine answers for a payload
// from now on. If blocks with that payload are already in the store, the
// engine's new answer reaches them too, as a forkchoiceUpdated response
// would deliver it.
func (r *forkChoiceRun) payloadStatusStep(decode func(string, any) error) error {
	var hash spec.Hash32
	if err := decode("block_hash", &hash); err != nil {
		return err
	}
	var in struct {
		Status          string       `yaml:"status"`
		LatestValidHash *spec.Hash32 `yaml:"latest_valid_hash"`
		ValidationError *string      `yaml:"validation_error"`
	}
	if err := decode("payload_status", &in); err != nil {
		return err
	}
	status := forkchoice.PayloadStatus{LatestValidHash: in.LatestValidHash}
	switch in.Status {
	case "VALID":
		status.Status = forkchoice.StatusValid
	case "INVALID":
		status.Status = forkchoice.StatusInvalid
	case "SYNCING":
		status.Status = forkchoice.StatusSyncing
	case "ACCEPTED":
		status.Status = forkchoice.StatusAccepted
	case "INVALID_BLOCK_HASH":
		status.Status = forkchoice.StatusInvalidBlockHash
	default:
		return fmt.Errorf("payload_status: unknown status %q", in.Status)
	}
	r.statuses[hash] = status
	for _, root := range r.byHash[hash] {
		if err := r.fc.OnPayloadStatus(root, status); err != nil {
			return fmt.Errorf("payload status of block %s: %w", root, err)
		}
	}
	return nil
}

// checks compares the store with every check of a checks step.
func (r *forkChoiceRun) checks(checks map[string]yaml.Node) error {
	var errs []string
	for _, key := range sortedKeys(checks) {
		node := checks[key]
		if err := r.check(key, &node); err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", key, err))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("checks failed: %s", strings.Join(errs, "; "))
	}
	return nil
}

func (r *forkChoiceRun) check(key string, node *yaml.Node) error {
	fc := r.fc
	switch key {
	case "time":
		var want uint64
		if err := node.Decode(&want); err != nil {
			return err
		}
		if got := forkchoice.MillisecondsToSeconds(fc.TimeMs()); got != want {
			return fmt.Errorf("got %d, want %d", got, want)
		}
	case "genesis_time":
		var want uint64
		if err := node.Decode(&want); err != nil {
			return err
		}
		if got := forkchoice.MillisecondsToSeconds(fc.GenesisTimeMs()); got != want {
			return fmt.Errorf("got %d, want %d", got, want)
		}
	case "head":
		var want struct {
			Slot spec.Slot `yaml:"slot"`
			Root spec.Root `yaml:"root"`
		}
		if err := decodeStrict(node, &want, "slot", "root"); err != nil {
			return err
		}
		head, err := fc.GetHead()
		if err != nil {
			return err
		}
		block, ok := fc.Block(head)
		if !ok {
			return fmt.Errorf("head %s is not in the store", head)
		}
		if head != want.Root || block.Slot != want.Slot {
			return fmt.Errorf("got %s at slot %d, want %s at slot %d", head, block.Slot, want.Root, want.Slot)
		}
	case "justified_checkpoint", "finalized_checkpoint":
		var want struct {
			Epoch spec.Epoch `yaml:"epoch"`
			Root  spec.Root  `yaml:"root"`
		}
		if err := decodeStrict(node, &want, "epoch", "root"); err != nil {
			return err
		}
		got := fc.JustifiedCheckpoint()
		if key == "finalized_checkpoint" {
			got = fc.FinalizedCheckpoint()
		}
		if got.Epoch != want.Epoch || got.Root != want.Root {
			return fmt.Errorf("got epoch %d root %s, want epoch %d root %s", got.Epoch, got.Root, want.Epoch, want.Root)
		}
	case "proposer_boost_root":
		var want spec.Root
		if err := node.Decode(&want); err != nil {
			return err
		}
		if got := fc.ProposerBoostRoot(); got != want {
			return fmt.Errorf("got %s, want %s", got, want)
		}
	case "get_proposer_head":
		var want spec.Root
		if err := node.Decode(&want); err != nil {
			return err
		}
		head, err := fc.GetHead()
		if err != nil {
			return err
		}
		got, err := fc.GetProposerHead(head, fc.CurrentSlot())
		if err != nil {
			return err
		}
		if got != want {
			return fmt.Errorf("got %s, want %s", got, want)
		}
	case "should_override_forkchoice_update":
		var want struct {
			ValidatorIsConnected bool `yaml:"validator_is_connected"`
			Result               bool `yaml:"result"`
		}
		if err := decodeStrict(node, &want, "validator_is_connected", "result"); err != nil {
			return err
		}
		head, err := fc.GetHead()
		if err != nil {
			return err
		}
		got, err := fc.ShouldOverrideForkchoiceUpdate(head, func(spec.ValidatorIndex) bool { return want.ValidatorIsConnected })
		if err != nil {
			return err
		}
		if got != want.Result {
			return fmt.Errorf("got %v, want %v", got, want.Result)
		}
	case "viable_for_head_roots_and_weights":
		return r.checkViable(node)
	default:
		return errors.New("unknown check")
	}
	return nil
}

// checkViable compares the leaves of the filtered block tree and their
// weights with the check's, in any order.
func (r *forkChoiceRun) checkViable(node *yaml.Node) error {
	var items []yaml.Node
	if err := node.Decode(&items); err != nil {
		return err
	}
	type leaf struct {
		Root   spec.Root `yaml:"root"`
		Weight spec.Gwei `yaml:"weight"`
	}
	var want []leaf
	for i := range items {
		var l leaf
		if err := decodeStrict(&items[i], &l, "root", "weight"); err != nil {
			return err
		}
		want = append(want, l)
	}
	roots, err := r.fc.ViableLeaves()
	if err != nil {
		return err
	}
	var got []leaf
	for _, root := range roots {
		w, err := r.fc.GetWeight(root)
		if err != nil {
			return err
		}
		got = append(got, leaf{root, w})
	}
	byRoot := func(a, b leaf) int { return strings.Compare(a.Root.String(), b.Root.String()) }
	slices.SortFunc(got, byRoot)
	slices.SortFunc(want, byRoot)
	if !slices.Equal(got, want) {
		return fmt.Errorf("got %v, want %v", got, want)
	}
	return nil
}

// decodeStrict decodes a mapping node into v after checking that it has
// no keys but these, so that a field the runner does not check (such as
// a later fork's payload_status) fails the case instead of being ignored.
func decodeStrict(node *yaml.Node, v any, keys ...string) error {
	var m map[string]yaml.Node
	if err := node.Decode(&m); err != nil {
		return err
	}
	for k := range m {
		if !slices.Contains(keys, k) {
			return fmt.Errorf("unknown field %q", k)
		}
	}
	return node.Decode(v)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
