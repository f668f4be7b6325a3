package spec

import (
	"encoding/binary"
	"fmt"

	"github.com/quetzal-eth/quetzal/ssz"
)

// Genesis (phase0 beacon-chain.md, "Genesis"). The pinned specs define
// initialize_beacon_state_from_eth1 for phase0 only; the versions for a
// chain that starts in a later fork are those each fork's beacon-chain.md
// gave under "Testing" before they were dropped (altair to electra), kept
// here because test networks start in any fork:
//
//   - altair on: the fork's version as both previous and current version,
//     and a sync committee, the same one as current and next;
//   - bellatrix on: the given execution payload header (empty: the merge
//     has not happened);
//   - electra on: deposits applied through the pending deposits queue
//     (EIP-7251) and activation from MIN_ACTIVATION_BALANCE with the
//     credentials' maximum effective balance; in electra
//     deposit_requests_start_index is unset (EIP-6110);
//   - fulu: the proposer lookahead (EIP-7917), and
//     deposit_requests_start_index at the end of the genesis deposits, as
//     fulu no longer sets it from the first deposit request and the eth1
//     bridge ends there.

// InitializeBeaconStateFromEth1 is initialize_beacon_state_from_eth1: the
// genesis state of a chain that starts in fork from the eth1 block with
// eth1BlockHash and eth1Timestamp and its deposits, which are processed in
// order with process_deposit (so with t's signature mode: a deposit whose
// signature does not verify adds no validator). header is the latest
// execution payload header of a chain that starts in bellatrix or later;
// nil means the empty header.
//
// A deposit whose proof does not verify against the deposit root makes the
// deposits invalid, as process_deposit asserts.
func (t *Transition) InitializeBeaconStateFromEth1(fork ForkName, eth1BlockHash Hash32, eth1Timestamp uint64, deposits []Deposit, header *ExecutionPayloadHeader) (*BeaconState, error) {
	if eth1Timestamp > Uint64Max-t.GenesisDelay {
		return nil, invalidf("eth1 timestamp %d + GENESIS_DELAY overflows", eth1Timestamp)
	}
	if header != nil && fork >= Bellatrix && len(header.LogsBloom) != int(t.BytesPerLogsBloom) {
		return nil, invalidf("execution payload header logs bloom has %d bytes, want %d", len(header.LogsBloom), t.BytesPerLogsBloom)
	}
	st, err := t.emptyGenesisState(fork)
	if err != nil {
		return nil, err
	}
	version := t.ForkVersion(fork)
	st.GenesisTime = eth1Timestamp + t.GenesisDelay
	st.Fork = Fork{PreviousVersion: version, CurrentVersion: version, Epoch: GenesisEpoch}
	st.Eth1Data.DepositCount = uint64(len(deposits))
	st.Eth1Data.BlockHash = eth1BlockHash
	for i := range st.RandaoMixes {
		// Seed RANDAO with Eth1 entropy.
		st.RandaoMixes[i] = Root(eth1BlockHash)
	}
	if fork == Electra {
		st.DepositRequestsStartIndex = UnsetDepositRequestsStartIndex
	}

	// Process deposits; the deposit root seen by deposit i is that of the
	// first i+1 deposits.
	var tree depositTree
	for i := range deposits {
		leaf, err := HashTreeRoot(t.Schema(fork), &deposits[i].Data)
		if err != nil {
			return nil, err
		}
		tree.push(leaf)
		st.Eth1Data.DepositRoot = tree.root()
		if err := t.ProcessDeposit(st, &deposits[i]); err != nil {
			return nil, opError("process_deposit", i, err)
		}
	}
	if fork >= Electra {
		// Process deposit balance updates: electra's apply_deposit queues
		// the amounts, which at genesis are credited at once.
		indexOf := make(map[BLSPubkey]ValidatorIndex, len(st.Validators))
		for i := range st.Validators {
			if _, ok := indexOf[st.Validators[i].Pubkey]; !ok {
				indexOf[st.Validators[i].Pubkey] = ValidatorIndex(i)
			}
		}
		for _, d := range st.PendingDeposits {
			index, ok := indexOf[d.Pubkey]
			if !ok {
				return nil, invalidf("pending deposit of %s has no validator", d.Pubkey)
			}
			IncreaseBalance(st, index, d.Amount)
		}
		st.PendingDeposits = nil
	}
	if fork >= Fulu {
		st.DepositRequestsStartIndex = st.Eth1Data.DepositCount
	}

	// Process activations.
	for i := range st.Validators {
		v := &st.Validators[i]
		balance := st.Balances[i]
		if fork >= Electra {
			v.EffectiveBalance = min(balance-balance%t.EffectiveBalanceIncrement, t.GetMaxEffectiveBalance(v))
			if v.EffectiveBalance >= t.MinActivationBalance {
				v.ActivationEligibilityEpoch = GenesisEpoch
				v.ActivationEpoch = GenesisEpoch
			}
		} else {
			v.EffectiveBalance = min(balance-balance%t.EffectiveBalanceIncrement, t.MaxEffectiveBalance)
			if v.EffectiveBalance == t.MaxEffectiveBalance {
				v.ActivationEligibilityEpoch = GenesisEpoch
				v.ActivationEpoch = GenesisEpoch
			}
		}
	}

	// Set genesis validators root for domain separation and chain
	// versioning.
	if st.GenesisValidatorsRoot, err = t.validatorsRoot(st.Validators); err != nil {
		return nil, err
	}
	if err := t.initializeForkFields(st, fork, header); err != nil {
		return nil, err
	}
	return st, nil
}

// initializeForkFields sets what a genesis state of a later fork adds once
// the registry is complete: the sync committees (a duplicate committee is
// assigned for the current and next committee at genesis), the execution
// payload header and the proposer lookahead.
func (s *Spec) initializeForkFields(st *BeaconState, fork ForkName, header *ExecutionPayloadHeader) error {
	if fork >= Altair {
		committee, err := s.GetNextSyncCommittee(st)
		if err != nil {
			return fmt.Errorf("genesis sync committee: %w", err)
		}
		st.CurrentSyncCommittee = committee
		st.NextSyncCommittee = committee
		st.NextSyncCommittee.Pubkeys = append([]BLSPubkey(nil), committee.Pubkeys...)
	}
	if fork >= Bellatrix {
		if header != nil {
			h := *header
			h.LogsBloom = append([]byte(nil), header.LogsBloom...)
			h.ExtraData = append([]byte(nil), header.ExtraData...)
			st.LatestExecutionPayloadHeader = h
		}
	}
	if fork >= Fulu {
		lookahead, err := s.InitializeProposerLookahead(st)
		if err != nil {
			return fmt.Errorf("genesis proposer lookahead: %w", err)
		}
		st.ProposerLookahead = lookahead
	}
	return nil
}

// emptyGenesisState returns BeaconState() of fork (every field zero, every
// vector at its length) with the latest block header of an empty block
// body of that fork.
func (s *Spec) emptyGenesisState(fork ForkName) (*BeaconState, error) {
	st := &BeaconState{
		BlockRoots:        make([]Root, s.SlotsPerHistoricalRoot),
		StateRoots:        make([]Root, s.SlotsPerHistoricalRoot),
		RandaoMixes:       make([]Root, s.EpochsPerHistoricalVector),
		Slashings:         make([]Gwei, s.EpochsPerSlashingsVector),
		JustificationBits: ssz.NewBitvector(int(JustificationBitsLength)),
	}
	if fork >= Altair {
		st.CurrentSyncCommittee.Pubkeys = make([]BLSPubkey, s.SyncCommitteeSize)
		st.NextSyncCommittee.Pubkeys = make([]BLSPubkey, s.SyncCommitteeSize)
	}
	if fork >= Bellatrix {
		st.LatestExecutionPayloadHeader.LogsBloom = make([]byte, s.BytesPerLogsBloom)
	}
	if fork >= Fulu {
		st.ProposerLookahead = make([]ValidatorIndex, s.proposerLookaheadLength())
	}
	bodyRoot, err := HashTreeRoot(s.Schema(fork), s.emptyBeaconBlockBody(fork))
	if err != nil {
		return nil, err
	}
	st.LatestBlockHeader.BodyRoot = bodyRoot
	return st, nil
}

// emptyBeaconBlockBody returns BeaconBlockBody() of fork: every field
// zero, with the fixed-size byte fields at their sizes.
func (s *Spec) emptyBeaconBlockBody(fork ForkName) *BeaconBlockBody {
	body := &BeaconBlockBody{}
	if fork >= Altair {
		body.SyncAggregate.SyncCommitteeBits = ssz.NewBitvector(int(s.SyncCommitteeSize))
	}
	if fork >= Bellatrix {
		body.ExecutionPayload.LogsBloom = make([]byte, s.BytesPerLogsBloom)
	}
	return body
}

// IsValidGenesisState is is_valid_genesis_state (phase0 beacon-chain.md):
// whether a candidate genesis state may start the chain, late enough and
// with enough active validators.
func (s *Spec) IsValidGenesisState(st *BeaconState) bool {
	if st.GenesisTime < s.MinGenesisTime {
		return false
	}
	return uint64(len(s.GetActiveValidatorIndices(st, GenesisEpoch))) >= s.MinGenesisActiveValidatorCount
}

// validatorList is the registry as an SSZ value: a container whose only
// field is the list has the list's root.
type validatorList struct{ v *[]Validator }

func (l validatorList) DefineSSZ(c *ssz.Codec) {
	ssz.List(c, l.v, int(schemaOf(c).ValidatorRegistryLimit))
}

// validatorsRoot is hash_tree_root(state.validators).
func (s *Spec) validatorsRoot(validators []Validator) (Root, error) {
	return HashTreeRoot(s.Schema(Phase0), validatorList{&validators})
}

// depositTree is the deposit contract's incremental Merkle tree (phase0
// deposit-contract.md): the roots of the complete left subtrees on the
// path of the next leaf, from which the root and the proof of the leaf
// just added follow in DEPOSIT_CONTRACT_TREE_DEPTH hashes. Its root is
// hash_tree_root(List[DepositData, 2**DEPOSIT_CONTRACT_TREE_DEPTH]) of the
// deposits pushed so far.
type depositTree struct {
	branch [DepositContractTreeDepth]Root
	count  uint64
}

// proof returns the branch of the next leaf, index t.count, in the tree
// that holds it: the left siblings are complete subtrees kept in branch,
// the right ones are empty. The length mix-in is the last node.
func (t *depositTree) proof() []Root {
	out := make([]Root, 0, DepositProofLength)
	for h := range t.branch {
		if t.count>>h&1 == 1 {
			out = append(out, t.branch[h])
		} else {
			out = append(out, ssz.ZeroHash(h))
		}
	}
	var length Root
	binary.LittleEndian.PutUint64(length[:], t.count+1)
	return append(out, length)
}

// push adds a leaf (the hash_tree_root of a DepositData).
func (t *depositTree) push(leaf Root) {
	t.count++
	node, size := leaf, t.count
	for h := range t.branch {
		if size&1 == 1 {
			t.branch[h] = node
			return
		}
		node = hashChunks(t.branch[h], node)
		size >>= 1
	}
}

// root returns the root of the list of the leaves pushed so far.
func (t *depositTree) root() Root {
	var node Root
	size := t.count
	for h := range t.branch {
		if size&1 == 1 {
			node = hashChunks(t.branch[h], node)
		} else {
			node = hashChunks(node, ssz.ZeroHash(h))
		}
		size >>= 1
	}
	return ssz.MixInLength(node, t.count)
}
