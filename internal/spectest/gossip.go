package spectest

// The networking runner's gossip_* handlers
// (tests/formats/networking/gossip_validation.md): a store is built from
// state.ssz_snappy and the blocks of meta.yaml (the first is the anchor,
// the others are imported, or only recorded as seen when they failed or
// are pending), then each message is validated in order at its time and
// the outcome (valid, ignore or reject) compared with the expected one.
// The reason given with an expected failure is the spec's wording and is
// not compared; it is shown when the outcome differs.

import (
	"errors"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/quetzal-eth/quetzal/forkchoice"
	"github.com/quetzal-eth/quetzal/forkchoice/gossip"
	"github.com/quetzal-eth/quetzal/spec"
	"github.com/quetzal-eth/quetzal/ssz"
)

// gossipTopics maps each gossip_* handler to the topic its meta.yaml
// names.
var gossipTopics = map[string]string{
	"gossip_beacon_block":                          "beacon_block",
	"gossip_beacon_aggregate_and_proof":            "beacon_aggregate_and_proof",
	"gossip_beacon_attestation":                    "beacon_attestation",
	"gossip_voluntary_exit":                        "voluntary_exit",
	"gossip_proposer_slashing":                     "proposer_slashing",
	"gossip_attester_slashing":                     "attester_slashing",
	"gossip_sync_committee_contribution_and_proof": "sync_committee_contribution_and_proof",
	"gossip_sync_committee_message":                "sync_committee",
	"gossip_bls_to_execution_change":               "bls_to_execution_change",
	"gossip_blob_sidecar":                          "blob_sidecar",
	"gossip_data_column_sidecar":                   "data_column_sidecar",
	"gossip_partial_data_column_sidecar":           "partial_data_column_sidecar",
}

func init() {
	for handler := range gossipTopics {
		Register("networking", handler, runGossip)
	}
}

// gossipMeta is meta.yaml of a gossip validation case.
type gossipMeta struct {
	Topic                        string               `yaml:"topic"`
	Blocks                       []gossipBlock        `yaml:"blocks"`
	FinalizedCheckpoint          *gossipCheckpoint    `yaml:"finalized_checkpoint"`
	SeenPartialDataColumnHeaders []gossipSeenHeader   `yaml:"seen_partial_data_column_headers"`
	CurrentTimeMs                uint64               `yaml:"current_time_ms"`
	Messages                     []gossipMessage      `yaml:"messages"`
	BLSSetting                   int                  `yaml:"bls_setting"`
	Extra                        map[string]yaml.Node `yaml:",inline"`
}

type gossipBlock struct {
	Block         string               `yaml:"block"`
	Failed        bool                 `yaml:"failed"`
	Pending       bool                 `yaml:"pending"`
	PayloadStatus string               `yaml:"payload_status"`
	Extra         map[string]yaml.Node `yaml:",inline"`
}

type gossipCheckpoint struct {
	Epoch spec.Epoch `yaml:"epoch"`
	Root  *spec.Root `yaml:"root"`
	Block string     `yaml:"block"`
}

type gossipSeenHeader struct {
	BlockRoot spec.Root `yaml:"block_root"`
	Header    string    `yaml:"header"`
}

type gossipMessage struct {
	// CurrentTimeMs is the message's time where the vectors give it
	// whole; otherwise the time is the case's current_time_ms plus
	// OffsetMs.
	CurrentTimeMs *uint64              `yaml:"current_time_ms"`
	OffsetMs      uint64               `yaml:"offset_ms"`
	SubnetID      *uint64              `yaml:"subnet_id"`
	ColumnIndex   *uint64              `yaml:"column_index"`
	GroupID       string               `yaml:"group_id"`
	Message       string               `yaml:"message"`
	Expected      string               `yaml:"expected"`
	Reason        string               `yaml:"reason"`
	Extra         map[string]yaml.Node `yaml:",inline"`
}

func runGossip(c *Case) error {
	s, fork, err := gossipSpec(c)
	if err != nil {
		return err
	}
	var m gossipMeta
	if err := c.ReadYAML("meta", &m); err != nil {
		return err
	}
	if err := m.check(c.Handler); err != nil {
		return fmt.Errorf("meta.yaml: %w", err)
	}
	store, statuses, err := gossipStoreOf(c, s, fork, &m)
	if err != nil {
		return err
	}
	v := gossip.NewValidator(s, store)
	if m.BLSSetting == 2 {
		v.Signatures = spec.SignaturesOff
	}
	for _, h := range m.SeenPartialDataColumnHeaders {
		header := new(spec.PartialDataColumnHeader)
		if err := readObject(c, s, fork, h.Header, header); err != nil {
			return err
		}
		v.Seen.PartialDataColumnHeaders[h.BlockRoot] = header
	}
	for i, msg := range m.Messages {
		now := m.CurrentTimeMs + msg.OffsetMs
		if msg.CurrentTimeMs != nil {
			now = *msg.CurrentTimeMs
		}
		got, err := validateGossip(c, v, fork, m.Topic, &msg, now, statuses)
		if err != nil && !errors.As(err, new(*gossip.Error)) {
			return fmt.Errorf("message %d (%s): %w", i, msg.Message, err)
		}
		if got.String() != msg.Expected {
			want := msg.Expected
			if msg.Reason != "" {
				want += " (" + msg.Reason + ")"
			}
			return fmt.Errorf("message %d (%s): got %s, want %s", i, msg.Message, describeGossip(err), want)
		}
	}
	return nil
}

// describeGossip is what a validation returned, for a failure report.
func describeGossip(err error) string {
	if err == nil {
		return gossip.Valid.String()
	}
	return err.Error()
}

// check rejects a case the runner would otherwise misread: a field it
// does not know, a topic another handler's, an expected outcome of no
// known kind.
func (m *gossipMeta) check(handler string) error {
	if topic := gossipTopics[handler]; m.Topic != topic {
		return fmt.Errorf("topic %q, want %q for %s", m.Topic, topic, handler)
	}
	if k := extraKeys(m.Extra); k != "" {
		return fmt.Errorf("unknown field %s", k)
	}
	if len(m.Blocks) == 0 {
		return errors.New("no anchor block")
	}
	for i, b := range m.Blocks {
		if k := extraKeys(b.Extra); k != "" {
			return fmt.Errorf("block %d: unknown field %s", i, k)
		}
		if i == 0 && (b.Failed || b.Pending) {
			return errors.New("the anchor block cannot be failed or pending")
		}
	}
	if cp := m.FinalizedCheckpoint; cp != nil && (cp.Root == nil) == (cp.Block == "") {
		return errors.New("finalized_checkpoint needs one of root and block")
	}
	for i, msg := range m.Messages {
		if k := extraKeys(msg.Extra); k != "" {
			return fmt.Errorf("message %d: unknown field %s", i, k)
		}
		switch msg.Expected {
		case "valid", "ignore", "reject":
		default:
			return fmt.Errorf("message %d: expected %q", i, msg.Expected)
		}
	}
	return nil
}

// extraKeys lists the keys of a mapping that no field took.
func extraKeys(extra map[string]yaml.Node) string {
	return strings.Join(sortedKeys(extra), ", ")
}

// gossipSpec is the case's spec: the fork's, or the one of the case's
// config.yaml where the case changes the configuration.
func gossipSpec(c *Case) (*spec.Spec, spec.ForkName, error) {
	s, fork, err := caseSpec(c)
	if err != nil || !c.Has("config.yaml") {
		return s, fork, err
	}
	raw, err := c.ReadFile("config.yaml")
	if err != nil {
		return nil, 0, err
	}
	s, err = spec.LoadConfig(raw, s.Preset)
	if err != nil {
		return nil, 0, fmt.Errorf("config.yaml: %w", err)
	}
	return s, fork, nil
}

// gossipStore is the store gossip validation reads: a fork-choice store
// into which the case's blocks were imported, with the blocks that were
// seen but not imported (failed or pending) and the finalized checkpoint
// the case sets.
type gossipStore struct {
	forkchoice.ForkChoice
	unimported map[spec.Root]*spec.BeaconBlock
	finalized  *spec.Checkpoint
}

func (g *gossipStore) Block(root spec.Root) (*spec.BeaconBlock, bool) {
	if b, ok := g.unimported[root]; ok {
		return b, true
	}
	return g.ForkChoice.Block(root)
}

func (g *gossipStore) FinalizedCheckpoint() spec.Checkpoint {
	if g.finalized != nil {
		return *g.finalized
	}
	return g.ForkChoice.FinalizedCheckpoint()
}

// gossipStoreOf builds the case's store and the payload statuses of its
// blocks.
func gossipStoreOf(c *Case, s *spec.Spec, fork spec.ForkName, m *gossipMeta) (*gossipStore, gossip.PayloadStatusMap, error) {
	anchorState, err := readState(c, s, fork, "state")
	if err != nil {
		return nil, nil, err
	}
	signatures := spec.SignaturesBatch
	if m.BLSSetting == 2 {
		signatures = spec.SignaturesOff
	}
	roots := map[string]spec.Root{}
	readBlock := func(name string) (*spec.SignedBeaconBlock, spec.Root, error) {
		signed := new(spec.SignedBeaconBlock)
		if err := readObject(c, s, fork, name, signed); err != nil {
			return nil, spec.Root{}, err
		}
		root, err := spec.HashTreeRoot(s.Schema(fork), &signed.Message)
		roots[name] = root
		return signed, root, err
	}

	anchor, anchorRoot, err := readBlock(m.Blocks[0].Block)
	if err != nil {
		return nil, nil, err
	}
	fc, err := forkchoice.GetForkchoiceStore(s, anchorState, &anchor.Message, forkchoice.Options{
		Engine: validPayloads{}, Signatures: signatures,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("get_forkchoice_store: %w", err)
	}
	store := &gossipStore{ForkChoice: fc, unimported: map[spec.Root]*spec.BeaconBlock{}}
	statuses := gossip.PayloadStatusMap{}
	for i, b := range m.Blocks {
		signed, root := anchor, anchorRoot
		if i > 0 {
			if signed, root, err = readBlock(b.Block); err != nil {
				return nil, nil, err
			}
			if err := importGossipBlock(s, store, signed, root, b); err != nil {
				return nil, nil, fmt.Errorf("block %d (%s): %w", i, b.Block, err)
			}
		}
		if b.PayloadStatus != "" {
			status, ok := map[string]gossip.PayloadValidationStatus{
				"VALID":         gossip.PayloadStatusValid,
				"INVALIDATED":   gossip.PayloadStatusInvalidated,
				"NOT_VALIDATED": gossip.PayloadStatusNotValidated,
			}[b.PayloadStatus]
			if !ok {
				return nil, nil, fmt.Errorf("block %d: payload_status %q", i, b.PayloadStatus)
			}
			statuses[root] = status
		}
	}

	if cp := m.FinalizedCheckpoint; cp != nil {
		finalized := spec.Checkpoint{Epoch: cp.Epoch}
		if cp.Root != nil {
			finalized.Root = *cp.Root
		} else if root, ok := roots[cp.Block]; ok {
			finalized.Root = root
		} else if _, root, err := readBlock(cp.Block); err == nil {
			finalized.Root = root
		} else {
			return nil, nil, fmt.Errorf("finalized_checkpoint: %w", err)
		}
		store.finalized = &finalized
	}
	return store, statuses, nil
}

// importGossipBlock puts one of the case's blocks into the store: a failed
// or pending block is only seen, any other is imported with on_block at a
// time after its slot (so that it gets no proposer boost, which the
// generator's store, filled without on_block, never gives).
func importGossipBlock(s *spec.Spec, store *gossipStore, signed *spec.SignedBeaconBlock, root spec.Root, b gossipBlock) error {
	block := &signed.Message
	if b.Failed || b.Pending {
		store.unimported[root] = block
		return nil
	}
	t, err := forkchoice.ComputeTimeAtSlotMs(s, store.GenesisTimeMs(), block.Slot+1)
	if err != nil {
		return err
	}
	if t > store.TimeMs() {
		if err := store.OnTick(t); err != nil {
			return fmt.Errorf("on_tick: %w", err)
		}
	}
	if err := store.OnBlock(signed, dataAvailable{}); err != nil {
		return fmt.Errorf("on_block: %w", err)
	}
	return nil
}

// validPayloads is an execution engine that finds every payload valid:
// what the engine said of a block is the case's payload_status, which
// gossip validation reads apart from the store.
type validPayloads struct{}

func (validPayloads) VerifyAndNotifyNewPayload(*spec.NewPayloadRequest) (forkchoice.PayloadStatus, error) {
	return forkchoice.PayloadStatus{Status: forkchoice.StatusValid}, nil
}

// dataAvailable finds every block's data available: the cases do not
// ship the blobs of their blocks.
type dataAvailable struct{}

func (dataAvailable) IsDataAvailable(*spec.Spec, spec.Root, *spec.BeaconBlock) error { return nil }

// validateGossip decodes one message as its topic says and validates it.
func validateGossip(c *Case, v *gossip.Validator, fork spec.ForkName, topic string, msg *gossipMessage, now uint64, statuses gossip.PayloadStatuses) (gossip.Kind, error) {
	s := v.Spec
	read := func(obj ssz.Object) error { return readObject(c, s, fork, msg.Message, obj) }
	subnet := func() (spec.SubnetID, error) {
		if msg.SubnetID == nil {
			return 0, fmt.Errorf("%s message without subnet_id", topic)
		}
		return spec.SubnetID(*msg.SubnetID), nil
	}
	var err error
	switch topic {
	case "beacon_block":
		m := new(spec.SignedBeaconBlock)
		if err = read(m); err == nil {
			err = v.ValidateBeaconBlockGossip(fork, m, now, statuses)
		}
	case "beacon_aggregate_and_proof":
		m := new(spec.SignedAggregateAndProof)
		if err = read(m); err == nil {
			err = v.ValidateBeaconAggregateAndProofGossip(fork, m, now)
		}
	case "beacon_attestation":
		var id spec.SubnetID
		if id, err = subnet(); err != nil {
			break
		}
		if fork >= spec.Electra {
			m := new(spec.SingleAttestation)
			if err = read(m); err == nil {
				err = v.ValidateSingleAttestationGossip(fork, m, now, id)
			}
		} else {
			m := new(spec.Attestation)
			if err = read(m); err == nil {
				err = v.ValidateBeaconAttestationGossip(fork, m, now, id)
			}
		}
	case "voluntary_exit":
		m := new(spec.SignedVoluntaryExit)
		if err = read(m); err == nil {
			err = v.ValidateVoluntaryExitGossip(fork, m, now)
		}
	case "proposer_slashing":
		m := new(spec.ProposerSlashing)
		if err = read(m); err == nil {
			err = v.ValidateProposerSlashingGossip(fork, m)
		}
	case "attester_slashing":
		m := new(spec.AttesterSlashing)
		if err = read(m); err == nil {
			err = v.ValidateAttesterSlashingGossip(fork, m)
		}
	case "sync_committee_contribution_and_proof":
		m := new(spec.SignedContributionAndProof)
		if err = read(m); err == nil {
			err = v.ValidateSyncCommitteeContributionAndProofGossip(fork, m, now)
		}
	case "sync_committee":
		var id spec.SubnetID
		if id, err = subnet(); err != nil {
			break
		}
		m := new(spec.SyncCommitteeMessage)
		if err = read(m); err == nil {
			err = v.ValidateSyncCommitteeMessageGossip(fork, m, now, id)
		}
	case "bls_to_execution_change":
		m := new(spec.SignedBLSToExecutionChange)
		if err = read(m); err == nil {
			err = v.ValidateBLSToExecutionChangeGossip(fork, m, now)
		}
	case "blob_sidecar":
		var id spec.SubnetID
		if id, err = subnet(); err != nil {
			break
		}
		m := new(spec.BlobSidecar)
		if err = read(m); err == nil {
			err = v.ValidateBlobSidecarGossip(fork, m, now, id)
		}
	case "data_column_sidecar":
		var id spec.SubnetID
		if id, err = subnet(); err != nil {
			break
		}
		m := new(spec.DataColumnSidecar)
		if err = read(m); err == nil {
			err = v.ValidateDataColumnSidecarGossip(fork, m, now, id)
		}
	case "partial_data_column_sidecar":
		if msg.ColumnIndex == nil || msg.GroupID == "" {
			return 0, errors.New("partial_data_column_sidecar message without column_index or group_id")
		}
		group := new(spec.PartialDataColumnGroupID)
		if err = readObject(c, s, fork, msg.GroupID, group); err != nil {
			break
		}
		m := new(spec.PartialDataColumnSidecar)
		if err = read(m); err == nil {
			err = v.ValidatePartialDataColumnSidecarGossip(fork, m, now, group, spec.ColumnIndex(*msg.ColumnIndex))
		}
	default:
		return 0, fmt.Errorf("unknown topic %q", topic)
	}
	return gossip.KindOf(err), err
}
