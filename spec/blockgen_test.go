package spec

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/quetzal-eth/quetzal/spec/bls"
	"github.com/quetzal-eth/quetzal/ssz"
)

// A block producer for tests: it builds valid signed blocks on a chain
// that starts from the interop genesis (InteropGenesis), signing with the
// interop secret keys as the validators would (validator.md, "Block
// proposal", and the duties the block carries: attestations of the
// previous slot, the sync committee's signature). Fuzz seeds, the godoc
// example and benchmarks start from its blocks.

// blockgenEngine is the execution client of the producer's chain: every
// payload is valid.
type blockgenEngine struct{}

func (blockgenEngine) VerifyAndNotifyNewPayload(*NewPayloadRequest) (bool, error) { return true, nil }

// blockProducer makes blocks for one network (its spec). It finds the
// secret key of a validator by pubkey, so it also signs for validators
// that joined by deposit with interop keys.
type blockProducer struct {
	spec *Spec
	// keys are the secret keys by pubkey, as integers: signatures by many
	// keys over one message are made at once, with the sum of the keys.
	keys map[BLSPubkey]*big.Int
	// eth1Deposits are the deposits in the deposit contract, in order:
	// the genesis deposits, then those added with addEth1Deposit.
	eth1Deposits []DepositData
}

// blockgenGenesisTime is the genesis time of the producer's chains.
const blockgenGenesisTime = 1_600_000_000

// blockgenGenesis returns the interop genesis state of validatorCount
// validators in the fork s schedules at genesis (with an execution chain
// already merged from bellatrix on), and a producer for its chain.
func blockgenGenesis(s *Spec, validatorCount uint64) (*BeaconState, *blockProducer, error) {
	header := &ExecutionPayloadHeader{
		BlockHash: Hash32{0xe1},
		LogsBloom: make([]byte, s.BytesPerLogsBloom),
		GasLimit:  30_000_000,
		Timestamp: blockgenGenesisTime,
	}
	st, err := s.InteropGenesis(validatorCount, blockgenGenesisTime, header)
	if err != nil {
		return nil, nil, err
	}
	deposits, err := s.InteropDeposits(validatorCount)
	if err != nil {
		return nil, nil, err
	}
	p := &blockProducer{spec: s, keys: map[BLSPubkey]*big.Int{}}
	for i := range deposits {
		p.eth1Deposits = append(p.eth1Deposits, deposits[i].Data)
		if _, err := p.interopKey(uint64(i)); err != nil {
			return nil, nil, err
		}
	}
	return st, p, nil
}

// interopKey adds interop secret key index to the producer's keys and
// returns its pubkey.
func (p *blockProducer) interopKey(index uint64) (BLSPubkey, error) {
	sk, err := InteropSecretKey(index)
	if err != nil {
		return BLSPubkey{}, err
	}
	pubkey := BLSPubkey(sk.PublicKey().Bytes())
	// The interop derivation again, as an integer: the hash of the index,
	// read little-endian, modulo r.
	var preimage [32]byte
	binary.LittleEndian.PutUint64(preimage[:], index)
	h := sha256.Sum256(preimage[:])
	slices.Reverse(h[:])
	p.keys[pubkey] = new(big.Int).Mod(new(big.Int).SetBytes(h[:]), blsCurveOrder)
	return pubkey, nil
}

// sign signs root with the key of pubkey.
func (p *blockProducer) sign(pubkey BLSPubkey, root Root) (BLSSignature, error) {
	return p.aggregateSign([]BLSPubkey{pubkey}, root)
}

// signAs signs root with the key of validator index of st.
func (p *blockProducer) signAs(st *BeaconState, index ValidatorIndex, root Root) (BLSSignature, error) {
	if uint64(index) >= uint64(len(st.Validators)) {
		return BLSSignature{}, fmt.Errorf("blockgen: no validator %d", index)
	}
	return p.sign(st.Validators[index].Pubkey, root)
}

// signObject signs obj, hashed under st's fork, over domain as validator
// index.
func (p *blockProducer) signObject(st *BeaconState, index ValidatorIndex, obj ssz.Object, domain Domain) (BLSSignature, error) {
	root, err := p.spec.signingRoot(st, obj, domain)
	if err != nil {
		return BLSSignature{}, err
	}
	return p.signAs(st, index, root)
}

// blockOptions says what a produced block holds besides its header, RANDAO
// reveal, eth1 vote, execution payload and the deposits it must include.
type blockOptions struct {
	// slot is the block's slot; zero means the slot after the pre-state's.
	slot Slot
	// attest adds the attestations of every committee of the previous
	// slot, each signed by all its members.
	attest bool
	// emptySyncAggregate leaves the sync committee out (no bits, the point
	// at infinity) instead of having all of it sign.
	emptySyncAggregate bool
	// eth1Vote is the block's eth1 data vote; nil votes for the state's.
	eth1Vote *Eth1Data
	// graffiti is the block's graffiti.
	graffiti Root
	// operations, if set, adds operations to the body. It sees the state
	// at the block's slot, before the block.
	operations func(st *BeaconState, body *BeaconBlockBody) error
}

// nextBlock returns a valid signed block on pre (which it does not change)
// and the state after it.
func (p *blockProducer) nextBlock(pre *BeaconState, opts blockOptions) (*SignedBeaconBlock, *BeaconState, error) {
	s := p.spec
	t := &Transition{Spec: s, Engine: blockgenEngine{}, Signatures: SignaturesOff}
	slot := opts.slot
	if slot == 0 {
		slot = pre.Slot + 1
	}
	st := pre.Copy()
	if err := t.ProcessSlots(st, slot); err != nil {
		return nil, nil, err
	}
	fork := s.StateFork(st)
	epoch := s.GetCurrentEpoch(st)
	proposer, err := s.GetBeaconProposerIndex(st)
	if err != nil {
		return nil, nil, err
	}
	// process_slot has filled in the latest header's state root.
	parentRoot, err := HashTreeRoot(s.Schema(Phase0), &st.LatestBlockHeader)
	if err != nil {
		return nil, nil, err
	}
	block := &BeaconBlock{Slot: slot, ProposerIndex: proposer, ParentRoot: parentRoot}
	body := &block.Body

	var epochRoot Root
	binary.LittleEndian.PutUint64(epochRoot[:], uint64(epoch))
	if body.RandaoReveal, err = p.signAs(st, proposer, ComputeSigningRoot(epochRoot, s.GetDomain(st, DomainRandao, epoch))); err != nil {
		return nil, nil, err
	}
	body.Eth1Data = st.Eth1Data
	if opts.eth1Vote != nil {
		body.Eth1Data = *opts.eth1Vote
	}
	body.Graffiti = opts.graffiti
	if opts.attest {
		if body.Attestations, err = p.attestations(st); err != nil {
			return nil, nil, err
		}
	}
	// process_eth1_data runs before process_operations, so a vote that
	// wins the majority already decides which deposits the block owes.
	eth1 := st.Eth1Data
	votes := uint64(1)
	for i := range st.Eth1DataVotes {
		if st.Eth1DataVotes[i] == body.Eth1Data {
			votes++
		}
	}
	if votes*2 > uint64(s.EpochsPerEth1VotingPeriod)*uint64(s.SlotsPerEpoch) {
		eth1 = body.Eth1Data
	}
	if body.Deposits, err = p.pendingEth1Deposits(st, eth1, fork); err != nil {
		return nil, nil, err
	}
	if fork >= Altair {
		if body.SyncAggregate, err = p.syncAggregate(st, opts.emptySyncAggregate); err != nil {
			return nil, nil, err
		}
	}
	if fork >= Bellatrix {
		if err := p.executionPayload(st, fork, &body.ExecutionPayload); err != nil {
			return nil, nil, err
		}
	}
	if opts.operations != nil {
		if err := opts.operations(st, body); err != nil {
			return nil, nil, err
		}
	}

	// state_transition(validate_result=False) from here, for the state
	// root.
	if err := t.ProcessBlock(st, block); err != nil {
		return nil, nil, fmt.Errorf("blockgen: produced block at slot %d is invalid: %w", slot, err)
	}
	if block.StateRoot, err = s.StateRoot(st); err != nil {
		return nil, nil, err
	}
	signed := &SignedBeaconBlock{Message: *block}
	if signed.Signature, err = p.signObject(st, proposer, block, s.GetDomain(st, DomainBeaconProposer, epoch)); err != nil {
		return nil, nil, err
	}
	return signed, st, nil
}

// executionPayload fills in the payload of the block at st's slot: the
// child of the latest payload, with the expected RANDAO mix, timestamp and
// withdrawals. In bellatrix before the merge the payload stays empty.
func (p *blockProducer) executionPayload(st *BeaconState, fork ForkName, payload *ExecutionPayload) error {
	s := p.spec
	payload.LogsBloom = make([]byte, s.BytesPerLogsBloom)
	if fork == Bellatrix && !s.IsMergeTransitionComplete(st) {
		return nil
	}
	latest := &st.LatestExecutionPayloadHeader
	payload.ParentHash = latest.BlockHash
	payload.FeeRecipient = ExecutionAddress{0xfe}
	payload.PrevRandao = s.GetRandaoMix(st, s.GetCurrentEpoch(st))
	payload.BlockNumber = latest.BlockNumber + 1
	payload.GasLimit = latest.GasLimit
	timestamp, err := s.ComputeTimeAtSlot(st.GenesisTime, st.Slot)
	if err != nil {
		return err
	}
	payload.Timestamp = timestamp
	// An execution block hash, only as unique as tests need.
	var slot [8]byte
	binary.LittleEndian.PutUint64(slot[:], uint64(st.Slot))
	payload.BlockHash = Hash32(sha256.Sum256(append(latest.BlockHash[:], slot[:]...)))
	if fork >= Capella {
		expected, err := s.GetExpectedWithdrawals(st)
		if err != nil {
			return err
		}
		payload.Withdrawals = expected.Withdrawals
	}
	return nil
}

// syncAggregate returns the sync committee's signature over the previous
// slot's block root, by all members, or an empty aggregate.
func (p *blockProducer) syncAggregate(st *BeaconState, empty bool) (SyncAggregate, error) {
	s := p.spec
	agg := SyncAggregate{SyncCommitteeBits: ssz.NewBitvector(int(s.SyncCommitteeSize)), SyncCommitteeSignature: g2PointAtInfinity}
	if empty {
		return agg, nil
	}
	previous := saturatingSub(st.Slot, 1)
	root, err := s.GetBlockRootAtSlot(st, previous)
	if err != nil {
		return agg, err
	}
	msg := ComputeSigningRoot(root, s.GetDomain(st, DomainSyncCommittee, s.ComputeEpochAtSlot(previous)))
	for i := range st.CurrentSyncCommittee.Pubkeys {
		agg.SyncCommitteeBits.Set(i, true)
	}
	agg.SyncCommitteeSignature, err = p.aggregateSign(st.CurrentSyncCommittee.Pubkeys, msg)
	return agg, err
}

// attestationData returns what the validators attest to at slot, as
// of st, a state of a later slot in the same or the next epoch: the block
// root at slot as head, the epoch's first block as target, and the
// justified checkpoint that process_attestation expects as source.
func (p *blockProducer) attestationData(st *BeaconState, slot Slot, index CommitteeIndex) (AttestationData, error) {
	s := p.spec
	epoch := s.ComputeEpochAtSlot(slot)
	head, err := s.GetBlockRootAtSlot(st, slot)
	if err != nil {
		return AttestationData{}, err
	}
	target, err := s.GetBlockRoot(st, epoch)
	if err != nil {
		return AttestationData{}, err
	}
	source := st.PreviousJustifiedCheckpoint
	if epoch == s.GetCurrentEpoch(st) {
		source = st.CurrentJustifiedCheckpoint
	}
	return AttestationData{Slot: slot, Index: index, BeaconBlockRoot: head, Source: source, Target: Checkpoint{Epoch: epoch, Root: target}}, nil
}

// aggregateSign returns the aggregate signature over root by the keys of
// pubkeys (a key may appear more than once): the signature by the sum of
// the keys, which is the sum of their signatures.
func (p *blockProducer) aggregateSign(pubkeys []BLSPubkey, root Root) (BLSSignature, error) {
	sum := new(big.Int)
	for _, pubkey := range pubkeys {
		k, ok := p.keys[pubkey]
		if !ok {
			return BLSSignature{}, fmt.Errorf("blockgen: no secret key for %s", pubkey)
		}
		sum.Add(sum, k)
	}
	sum.Mod(sum, blsCurveOrder)
	var b [bls.SecretKeySize]byte
	sk, err := bls.SecretKeyFromBytes([bls.SecretKeySize]byte(sum.FillBytes(b[:])))
	if err != nil {
		return BLSSignature{}, err
	}
	return BLSSignature(bls.Sign(sk, root)), nil
}

// aggregateSignAs is aggregateSign by validators of st.
func (p *blockProducer) aggregateSignAs(st *BeaconState, validators []ValidatorIndex, root Root) (BLSSignature, error) {
	pubkeys := make([]BLSPubkey, len(validators))
	for i, index := range validators {
		if uint64(index) >= uint64(len(st.Validators)) {
			return BLSSignature{}, fmt.Errorf("blockgen: no validator %d", index)
		}
		pubkeys[i] = st.Validators[index].Pubkey
	}
	return p.aggregateSign(pubkeys, root)
}

// attestations returns the attestations of every committee of the slot
// before st's, by all members: one per committee, or from electra one
// holding all committees (EIP-7549).
func (p *blockProducer) attestations(st *BeaconState) ([]Attestation, error) {
	s := p.spec
	if st.Slot == 0 {
		return nil, nil
	}
	slot := st.Slot - 1
	epoch := s.ComputeEpochAtSlot(slot)
	domain := s.GetDomain(st, DomainBeaconAttester, epoch)
	count := s.GetCommitteeCountPerSlot(st, epoch)
	electra := s.StateFork(st) >= Electra
	var out []Attestation
	var all []ValidatorIndex
	for ci := range CommitteeIndex(count) {
		committee, err := s.GetBeaconCommittee(st, slot, ci)
		if err != nil {
			return nil, err
		}
		if electra {
			all = append(all, committee...)
			continue
		}
		a, err := p.attestation(st, slot, ci, committee, domain)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	if !electra {
		return out, nil
	}
	a, err := p.attestation(st, slot, 0, all, domain)
	if err != nil {
		return nil, err
	}
	a.CommitteeBits = ssz.NewBitvector(int(s.MaxCommitteesPerSlot))
	for ci := range int(count) {
		a.CommitteeBits.Set(ci, true)
	}
	return []Attestation{a}, nil
}

// attestation returns the attestation of committee index of slot by all
// of attesters.
func (p *blockProducer) attestation(st *BeaconState, slot Slot, index CommitteeIndex, attesters []ValidatorIndex, domain Domain) (Attestation, error) {
	data, err := p.attestationData(st, slot, index)
	if err != nil {
		return Attestation{}, err
	}
	root, err := p.spec.signingRoot(st, &data, domain)
	if err != nil {
		return Attestation{}, err
	}
	a := Attestation{Data: data, AggregationBits: ssz.NewBitlist(len(attesters))}
	for i := range attesters {
		a.AggregationBits.Set(i, true)
	}
	a.Signature, err = p.aggregateSignAs(st, attesters, root)
	return a, err
}

// --- Operations ---

// proposerSlashing returns a slashing of validator index for proposing two
// blocks at st's slot.
func (p *blockProducer) proposerSlashing(st *BeaconState, index ValidatorIndex) (ProposerSlashing, error) {
	s := p.spec
	var ps ProposerSlashing
	domain := s.GetDomain(st, DomainBeaconProposer, s.GetCurrentEpoch(st))
	for i, signed := range []*SignedBeaconBlockHeader{&ps.SignedHeader1, &ps.SignedHeader2} {
		signed.Message = BeaconBlockHeader{Slot: st.Slot, ProposerIndex: index, BodyRoot: Root{byte(i + 1)}}
		var err error
		if signed.Signature, err = p.signObject(st, index, &signed.Message, domain); err != nil {
			return ps, err
		}
	}
	return ps, nil
}

// attesterSlashing returns a slashing of validators (sorted, unique) for
// a double vote: two attestations of the previous slot with different
// head roots.
func (p *blockProducer) attesterSlashing(st *BeaconState, validators []ValidatorIndex) (AttesterSlashing, error) {
	s := p.spec
	var as AttesterSlashing
	slot := saturatingSub(st.Slot, 1)
	data, err := p.attestationData(st, slot, 0)
	if err != nil {
		return as, err
	}
	domain := s.GetDomain(st, DomainBeaconAttester, data.Target.Epoch)
	for i, a := range []*IndexedAttestation{&as.Attestation1, &as.Attestation2} {
		a.AttestingIndices = append([]ValidatorIndex(nil), validators...)
		a.Data = data
		a.Data.BeaconBlockRoot = Root{0xdb, byte(i)}
		root, err := s.signingRoot(st, &a.Data, domain)
		if err != nil {
			return as, err
		}
		if a.Signature, err = p.aggregateSignAs(st, validators, root); err != nil {
			return as, err
		}
	}
	return as, nil
}

// voluntaryExit returns validator index's exit, signed at st's epoch.
func (p *blockProducer) voluntaryExit(st *BeaconState, index ValidatorIndex) (SignedVoluntaryExit, error) {
	s := p.spec
	e := SignedVoluntaryExit{Message: VoluntaryExit{Epoch: s.GetCurrentEpoch(st), ValidatorIndex: index}}
	domain := s.GetDomain(st, DomainVoluntaryExit, e.Message.Epoch)
	if s.StateFork(st) >= Deneb {
		domain = ComputeDomain(DomainVoluntaryExit, s.CapellaForkVersion, st.GenesisValidatorsRoot)
	}
	var err error
	e.Signature, err = p.signObject(st, index, &e.Message, domain)
	return e, err
}

// blsToExecutionChange returns validator index's change to withdraw to
// address, signed with its withdrawal key, which for an interop validator
// is its signing key.
func (p *blockProducer) blsToExecutionChange(st *BeaconState, index ValidatorIndex, address ExecutionAddress) (SignedBLSToExecutionChange, error) {
	s := p.spec
	if uint64(index) >= uint64(len(st.Validators)) {
		return SignedBLSToExecutionChange{}, fmt.Errorf("blockgen: no validator %d", index)
	}
	c := SignedBLSToExecutionChange{Message: BLSToExecutionChange{
		ValidatorIndex:     index,
		FromBLSPubkey:      st.Validators[index].Pubkey,
		ToExecutionAddress: address,
	}}
	domain := ComputeDomain(DomainBLSToExecutionChange, s.GenesisForkVersion, st.GenesisValidatorsRoot)
	var err error
	c.Signature, err = p.signObject(st, index, &c.Message, domain)
	return c, err
}

// depositData returns a signed deposit of amount for interop key
// keyIndex with the given withdrawal credentials.
func (p *blockProducer) depositData(keyIndex uint64, credentials Root, amount Gwei) (DepositData, error) {
	s := p.spec
	pubkey, err := p.interopKey(keyIndex)
	if err != nil {
		return DepositData{}, err
	}
	d := DepositData{Pubkey: pubkey, WithdrawalCredentials: credentials, Amount: amount}
	root, err := s.depositSigningRoot(d.Pubkey, d.WithdrawalCredentials, d.Amount)
	if err != nil {
		return DepositData{}, err
	}
	d.Signature, err = p.sign(pubkey, root)
	return d, err
}

// depositRequest returns a deposit request (electra) of amount for interop
// key keyIndex, with index the position of the deposit in the contract.
func (p *blockProducer) depositRequest(keyIndex uint64, credentials Root, amount Gwei, index uint64) (DepositRequest, error) {
	d, err := p.depositData(keyIndex, credentials, amount)
	if err != nil {
		return DepositRequest{}, err
	}
	return DepositRequest{Pubkey: d.Pubkey, WithdrawalCredentials: d.WithdrawalCredentials, Amount: d.Amount, Signature: d.Signature, Index: index}, nil
}

// addEth1Deposit adds d to the deposit contract and returns the eth1 data
// that, once voted in, makes blocks include it.
func (p *blockProducer) addEth1Deposit(d DepositData) (Eth1Data, error) {
	p.eth1Deposits = append(p.eth1Deposits, d)
	leaves, err := p.depositLeaves(len(p.eth1Deposits))
	if err != nil {
		return Eth1Data{}, err
	}
	var tree depositTree
	for _, leaf := range leaves {
		tree.push(leaf)
	}
	count := uint64(len(leaves))
	var blockHash Hash32
	binary.LittleEndian.PutUint64(blockHash[:], count)
	blockHash[31] = 0xe1
	return Eth1Data{DepositRoot: tree.root(), DepositCount: count, BlockHash: blockHash}, nil
}

// depositLeaves returns the roots of the first n deposits.
func (p *blockProducer) depositLeaves(n int) ([]Root, error) {
	if n > len(p.eth1Deposits) {
		return nil, fmt.Errorf("blockgen: %d deposits wanted, the contract has %d", n, len(p.eth1Deposits))
	}
	leaves := make([]Root, n)
	for i := range leaves {
		var err error
		if leaves[i], err = HashTreeRoot(p.spec.Schema(Phase0), &p.eth1Deposits[i]); err != nil {
			return nil, err
		}
	}
	return leaves, nil
}

// pendingEth1Deposits returns the deposits a block at st's slot must
// include (process_operations) when eth1 is the eth1 data in force, with
// their proofs against it.
func (p *blockProducer) pendingEth1Deposits(st *BeaconState, eth1 Eth1Data, fork ForkName) ([]Deposit, error) {
	s := p.spec
	limit := eth1.DepositCount
	switch {
	case fork >= Fulu:
		return nil, nil
	case fork == Electra:
		limit = min(limit, st.DepositRequestsStartIndex)
	}
	if st.Eth1DepositIndex >= limit {
		return nil, nil
	}
	leaves, err := p.depositLeaves(int(eth1.DepositCount))
	if err != nil {
		return nil, err
	}
	var out []Deposit
	for i := st.Eth1DepositIndex; i < limit && uint64(len(out)) < s.MaxDeposits; i++ {
		out = append(out, Deposit{Proof: blockgenDepositProof(leaves, i), Data: p.eth1Deposits[i]})
	}
	return out, nil
}

// blockgenDepositProof returns the Merkle proof of leaf index in the
// deposit tree of leaves, with the length mix-in last, as a Deposit holds
// it.
func blockgenDepositProof(leaves []Root, index uint64) []Root {
	proof := make([]Root, 0, DepositContractTreeDepth+1)
	layer := leaves
	for h := range int(DepositContractTreeDepth) {
		sibling := Root(ssz.ZeroHash(h))
		if j := index ^ 1; j < uint64(len(layer)) {
			sibling = layer[j]
		}
		proof = append(proof, sibling)
		next := make([]Root, (len(layer)+1)/2)
		for i := range next {
			right := Root(ssz.ZeroHash(h))
			if 2*i+1 < len(layer) {
				right = layer[2*i+1]
			}
			next[i] = hashChunks(layer[2*i], right)
		}
		layer = next
		index /= 2
	}
	var length Root
	binary.LittleEndian.PutUint64(length[:], uint64(len(leaves)))
	return append(proof, length)
}

// blockgenChain runs the producer's blocks at the given slots (in
// increasing order) from the interop genesis of 64 validators through
// StateTransition, with every signature and the state root checked, and
// returns the last state. opts says what the block at each slot holds.
func blockgenChain(t *testing.T, s *Spec, slots []Slot, opts func(slot Slot) blockOptions) *BeaconState {
	t.Helper()
	st, p, err := blockgenGenesis(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	tr := &Transition{Spec: s, Engine: blockgenEngine{}, Signatures: SignaturesEach}
	for _, slot := range slots {
		o := opts(slot)
		o.slot = slot
		signed, _, err := p.nextBlock(st, o)
		if err != nil {
			t.Fatal(err)
		}
		if err := tr.StateTransition(st, signed, true); err != nil {
			t.Fatalf("%s block at slot %d: %v", s.StateFork(st), signed.Message.Slot, err)
		}
	}
	return st
}

// blockgenSlots returns the slots first..last.
func blockgenSlots(first, last Slot) []Slot {
	var out []Slot
	for slot := first; slot <= last; slot++ {
		out = append(out, slot)
	}
	return out
}

// TestBlockProducerChain checks that the producer's blocks make a valid
// chain, in phase0 and fulu, and that the chain finalizes when its blocks
// carry attestations and does not when they do not.
func TestBlockProducerChain(t *testing.T) {
	for _, fork := range []ForkName{Phase0, Fulu} {
		t.Run(fork.String(), func(t *testing.T) {
			s := interopTestSpec(fork)
			epochs := Slot(4)
			slots := blockgenSlots(1, epochs*s.SlotsPerEpoch)
			st := blockgenChain(t, s, slots, func(slot Slot) blockOptions {
				return blockOptions{attest: true}
			})
			// Justification starts at the end of epoch 2 (no earlier than
			// GENESIS_EPOCH + 1); with every validator attesting, each
			// epoch is then justified and its predecessor finalized.
			if got, want := st.CurrentJustifiedCheckpoint.Epoch, Epoch(epochs-1); got != want {
				t.Errorf("justified epoch %d, want %d", got, want)
			}
			if got, want := st.FinalizedCheckpoint.Epoch, Epoch(epochs-2); got != want {
				t.Errorf("finalized epoch %d, want %d", got, want)
			}

			st = blockgenChain(t, s, slots, func(slot Slot) blockOptions {
				return blockOptions{}
			})
			if st.CurrentJustifiedCheckpoint.Epoch != 0 || st.FinalizedCheckpoint.Epoch != 0 {
				t.Errorf("without attestations: justified %d, finalized %d", st.CurrentJustifiedCheckpoint.Epoch, st.FinalizedCheckpoint.Epoch)
			}
		})
	}
}

// TestStateTransitionChecksProposerSignature checks that a block signed by
// the wrong key is rejected in both signature modes that verify, also in
// SignaturesBatch, where the proposer's signature joins the block's batch,
// and that VerifyBlockSignature alone rejects it too.
func TestStateTransitionChecksProposerSignature(t *testing.T) {
	s := interopTestSpec(Altair)
	st, p, err := blockgenGenesis(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	signed, _, err := p.nextBlock(st, blockOptions{attest: true})
	if err != nil {
		t.Fatal(err)
	}
	forged := *signed
	// A valid signature, by the proposer, of something else.
	forged.Signature = signed.Message.Body.RandaoReveal
	for _, mode := range []SignatureMode{SignaturesEach, SignaturesBatch} {
		tr := &Transition{Spec: s, Signatures: mode}
		if _, err := tr.ApplyBlock(st, signed, true); err != nil {
			t.Fatalf("mode %d: valid block: %v", mode, err)
		}
		if _, err := tr.ApplyBlock(st, &forged, true); !errors.Is(err, ErrBadSignature) {
			t.Errorf("mode %d: forged proposer signature: got %v, want ErrBadSignature", mode, err)
		}
		advanced := st.Copy()
		if err := tr.ProcessSlots(advanced, signed.Message.Slot); err != nil {
			t.Fatal(err)
		}
		if err := tr.VerifyBlockSignature(advanced, signed); err != nil {
			t.Errorf("mode %d: VerifyBlockSignature of a valid block: %v", mode, err)
		}
		if err := tr.VerifyBlockSignature(advanced, &forged); !errors.Is(err, ErrBadSignature) {
			t.Errorf("mode %d: VerifyBlockSignature of a forged block: got %v, want ErrBadSignature", mode, err)
		}
	}
}

// TestBlockProducerChainMainnet runs a few of the producer's blocks on
// the mainnet preset, whose committees and sync committee have other sizes
// than the minimal preset's: the first slots, then the first slot of the
// next epoch after empty slots.
func TestBlockProducerChainMainnet(t *testing.T) {
	if testing.Short() {
		t.Skip("mainnet-preset chain in -short mode")
	}
	for _, fork := range []ForkName{Phase0, Fulu} {
		t.Run(fork.String(), func(t *testing.T) {
			s := Mainnet()
			for f := Altair; f <= LatestFork; f++ {
				if f <= fork {
					s.SetForkEpoch(f, GenesisEpoch)
				} else {
					s.SetForkEpoch(f, FarFutureEpoch)
				}
			}
			slots := append(blockgenSlots(1, 3), s.SlotsPerEpoch+1)
			st := blockgenChain(t, s, slots, func(slot Slot) blockOptions {
				return blockOptions{attest: true, emptySyncAggregate: slot == 2}
			})
			if st.Slot != slots[len(slots)-1] {
				t.Errorf("chain ends at slot %d", st.Slot)
			}
		})
	}
}

// The example of the godoc and README (ExampleTransition_StateTransition)
// runs a block on a state that it reads from testdata/example: a
// minimal-preset chain that starts in fulu, after blocks at slots 1 to 7,
// and the block of slot 8 with the attestations of slot 7, so that the
// transition also runs an epoch. TestExampleTestdata checks that the files
// are what the producer makes; -update-example rewrites them.

var updateExample = flag.Bool("update-example", false, "rewrite testdata/example, the state and block of the godoc example")

// exampleTestdata returns the encoded pre-state and signed block of the
// example.
func exampleTestdata() (pre, block []byte, err error) {
	s := interopTestSpec(Fulu)
	st, p, err := blockgenGenesis(s, 64)
	if err != nil {
		return nil, nil, err
	}
	var signed *SignedBeaconBlock
	for slot := Slot(1); slot <= s.SlotsPerEpoch; slot++ {
		var post *BeaconState
		if signed, post, err = p.nextBlock(st, blockOptions{attest: true}); err != nil {
			return nil, nil, err
		}
		if slot < s.SlotsPerEpoch {
			st = post
		}
	}
	schema := s.Schema(Fulu)
	if pre, err = Marshal(schema, st); err != nil {
		return nil, nil, err
	}
	block, err = Marshal(schema, signed)
	return pre, block, err
}

func TestExampleTestdata(t *testing.T) {
	pre, block, err := exampleTestdata()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("testdata", "example")
	files := map[string][]byte{"pre.ssz": pre, "block.ssz": block}
	if *updateExample {
		writeCorpus(t, dir, files)
		return
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what the producer makes (regenerate with -update-example)", name)
		}
	}
}
