package spec

import (
	"crypto/sha256"
	"encoding/binary"
	"math/big"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"

	"github.com/quetzal-eth/quetzal/spec/bls"
	"github.com/quetzal-eth/quetzal/ssz"
)

// What the block and epoch benchmarks add to syntheticState: mainnet's
// participation, real keys for the validators that sign, and a block as
// full as mainnet's.

// mainnetParticipation sets the participation flags as mainnet has them
// in the previous epoch: about 95% of the active validators with every
// flag, 2% without the head flag, the rest (and the exited) with none. The
// current epoch gets the same if full, or none (the first slots of an
// epoch).
func mainnetParticipation(s *Spec, st *BeaconState, r *rand.Rand, full bool) {
	previous, current := s.GetPreviousEpoch(st), s.GetCurrentEpoch(st)
	flags := func(epoch Epoch, i int) ParticipationFlags {
		if !IsActiveValidator(&st.Validators[i], epoch) {
			return 0
		}
		switch k := r.IntN(100); {
		case k < 95:
			return 7
		case k < 97:
			return 3
		}
		return 0
	}
	for i := range st.Validators {
		st.PreviousEpochParticipation[i] = flags(previous, i)
		st.CurrentEpochParticipation[i] = 0
		if full {
			st.CurrentEpochParticipation[i] = flags(current, i)
		}
	}
}

// blsOrder is r, the order of the BLS12-381 groups: secret keys are
// scalars modulo r.
var blsOrder, _ = new(big.Int).SetString("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001", 16)

// interopSecret returns the secret key of validator i in the style of the
// interop keys: sha256 of i as 32 little-endian bytes, read little-endian,
// modulo r. A different domain gives unrelated keys (withdrawal keys).
func interopSecret(i ValidatorIndex, domain uint64) *big.Int {
	var buf [32]byte
	binary.LittleEndian.PutUint64(buf[:], uint64(i))
	binary.LittleEndian.PutUint64(buf[8:], domain)
	h := sha256.Sum256(buf[:])
	slices.Reverse(h[:])
	k := new(big.Int).SetBytes(h[:])
	k.Mod(k, blsOrder)
	if k.Sign() == 0 {
		k.SetInt64(1)
	}
	return k
}

func secretKey(tb testing.TB, k *big.Int) *bls.SecretKey {
	var b [32]byte
	k.FillBytes(b[:])
	sk, err := bls.SecretKeyFromBytes(b)
	if err != nil {
		tb.Fatal(err)
	}
	return sk
}

// aggregateSign returns the aggregate of the signatures over msg of the
// given secret keys (repeated keys count as often as they appear). The
// aggregate of signatures k_i*H(m) is (sum k_i)*H(m), so it costs one
// signature however many keys there are.
func aggregateSign(tb testing.TB, secrets []*big.Int, msg Root) BLSSignature {
	sum := new(big.Int)
	for _, k := range secrets {
		sum.Add(sum, k)
	}
	sum.Mod(sum, blsOrder)
	return BLSSignature(bls.Sign(secretKey(tb, sum), msg))
}

// giveKeys gives each validator of indices its interop key: its pubkey is
// written into the state, the state's caches are rebuilt (the pubkey
// index changed) and its decompressed pubkey is put into them, as a node
// that decompressed the registry at startup has it. It returns the
// secrets. The keys are derived on every core; a public key takes tens of
// microseconds, which is why only the validators that sign get one.
func giveKeys(tb testing.TB, s *Spec, st *BeaconState, indices []ValidatorIndex) map[ValidatorIndex]*big.Int {
	indices = slices.Clone(indices)
	slices.Sort(indices)
	indices = slices.Compact(indices)
	secrets := make([]*big.Int, len(indices))
	pubs := make([]*bls.PublicKey, len(indices))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for j := w; j < len(indices); j += workers {
				secrets[j] = interopSecret(indices[j], 0)
				pubs[j] = secretKey(tb, secrets[j]).PublicKey()
			}
		})
	}
	wg.Wait()
	out := make(map[ValidatorIndex]*big.Int, len(indices))
	for j, i := range indices {
		st.Validators[i].Pubkey = BLSPubkey(pubs[j].Bytes())
		out[i] = secrets[j]
	}
	s.BuildCaches(st)
	pc := pubkeysOf(st)
	for j, i := range indices {
		pc.setKey(i, pubs[j])
	}
	return out
}

// benchEngine accepts every payload.
type benchEngine struct{}

func (benchEngine) VerifyAndNotifyNewPayload(*NewPayloadRequest) (bool, error) { return true, nil }

// fullBlock is a block as full as mainnet's and the state at its slot that
// it applies to.
type fullBlock struct {
	pre   *BeaconState
	block *BeaconBlock
	// attesters counts the validators whose signatures the attestations
	// aggregate.
	attesters int
}

// buildFullBlock changes st, a syntheticState of a fulu network at a slot
// that is not the last of its epoch, so that the next slot can hold a
// block as full as mainnet's, advances it to that slot and builds the
// block, signed for real:
//
//   - MAX_ATTESTATIONS_ELECTRA attestations, one for each of the slots
//     before the block, each with every committee of its slot and about 95%
//     of their members, whose participation flags are not set yet;
//   - a sync aggregate with about 95% of the sync committee;
//   - MAX_WITHDRAWALS_PER_PAYLOAD withdrawals: the first
//     MAX_PENDING_PARTIALS_PER_WITHDRAWALS_SWEEP pending partial
//     withdrawals fall due, for compounding validators with balance to
//     spare, and the validator sweep starts at validators with 0x01
//     credentials a little above 32 ETH, which fill the rest;
//   - a voluntary exit, two BLS-to-execution changes, two deposit
//     requests, two full-exit withdrawal requests and a switch to
//     compounding; six blob commitments and 200 transactions.
//
// Only the validators that sign get real keys (giveKeys).
func buildFullBlock(tb testing.TB, s *Spec, st *BeaconState) *fullBlock {
	r := rand.New(rand.NewPCG(42, 42))
	n := len(st.Validators)
	slot := st.Slot + 1
	epoch := s.ComputeEpochAtSlot(slot)
	if s.GetCurrentEpoch(st) != epoch || s.StateFork(st) != Fulu {
		tb.Fatalf("buildFullBlock needs a fulu state before the last slot of its epoch")
	}
	const eth = 1_000_000_000
	taken := make(map[ValidatorIndex]bool)
	usable := func(i ValidatorIndex) bool {
		v := &st.Validators[i]
		return !taken[i] && IsActiveValidator(v, epoch) && !v.Slashed && v.ExitEpoch == FarFutureEpoch &&
			epoch >= v.ActivationEpoch+s.ShardCommitteePeriod && GetPendingBalanceToWithdraw(st, i) == 0
	}
	pick := func() ValidatorIndex {
		for {
			if i := ValidatorIndex(r.IntN(n)); usable(i) {
				taken[i] = true
				return i
			}
		}
	}
	address := func(v *Validator, prefix byte) {
		v.WithdrawalCredentials = Root{prefix}
		binary.LittleEndian.PutUint64(v.WithdrawalCredentials[12:], r.Uint64())
	}

	// The registry changes come first: they change active sets.
	var withdrawals []Withdrawal
	windex := st.NextWithdrawalIndex
	sweep := int(s.MaxWithdrawalsPerPayload - s.MaxPendingPartialsPerWithdrawalsSweep)
	start := r.IntN(n - sweep)
	for j := 0; j < sweep; j++ {
		taken[ValidatorIndex(start+j)] = true
	}
	var partials []PendingPartialWithdrawal
	for j := 0; j < int(s.MaxPendingPartialsPerWithdrawalsSweep); j++ {
		i := pick()
		v := &st.Validators[i]
		address(v, CompoundingWithdrawalPrefix)
		v.EffectiveBalance, st.Balances[i] = 64*eth, 100*eth
		partials = append(partials, PendingPartialWithdrawal{ValidatorIndex: i, Amount: eth, WithdrawableEpoch: epoch})
		withdrawals = append(withdrawals, Withdrawal{Index: windex, ValidatorIndex: i, Address: ExecutionAddress(v.WithdrawalCredentials[12:]), Amount: eth})
		windex++
	}
	st.PendingPartialWithdrawals = append(partials, st.PendingPartialWithdrawals...)
	st.NextWithdrawalValidatorIndex = ValidatorIndex(start)
	for j := 0; j < sweep; j++ {
		i := ValidatorIndex(start + j)
		v := &st.Validators[i]
		address(v, Eth1AddressWithdrawalPrefix)
		v.Slashed = false
		v.ActivationEligibilityEpoch, v.ActivationEpoch = 0, 0
		v.ExitEpoch, v.WithdrawableEpoch = FarFutureEpoch, FarFutureEpoch
		v.EffectiveBalance = s.MinActivationBalance
		st.Balances[i] = s.MinActivationBalance + Gwei(j+1)*1_000_000
		withdrawals = append(withdrawals, Withdrawal{Index: windex, ValidatorIndex: i, Address: ExecutionAddress(v.WithdrawalCredentials[12:]), Amount: Gwei(j+1) * 1_000_000})
		windex++
	}
	exiting := pick()
	var changing [2]ValidatorIndex
	withdrawalSecrets := make([]*big.Int, len(changing))
	for j := range changing {
		changing[j] = pick()
		withdrawalSecrets[j] = interopSecret(changing[j], 1)
		pk := secretKey(tb, withdrawalSecrets[j]).PublicKey().Bytes()
		h := sha256.Sum256(pk[:])
		st.Validators[changing[j]].WithdrawalCredentials = h
		st.Validators[changing[j]].WithdrawalCredentials[0] = BLSWithdrawalPrefix
	}
	var requested [3]ValidatorIndex // two full exits, one switch to compounding
	for j := range requested {
		requested[j] = pick()
		address(&st.Validators[requested[j]], Eth1AddressWithdrawalPrefix)
	}
	proposer := pick()
	st.ProposerLookahead[uint64(slot)%uint64(s.SlotsPerEpoch)] = proposer

	mainnetParticipation(s, st, r, false)
	s.BuildCaches(st)

	// Attestations: their committees, bits and attesters.
	type planned struct {
		slot          Slot
		committeeBits ssz.Bitvector
		bits          ssz.Bitlist
		attesters     []ValidatorIndex
	}
	var plans []planned
	signers := []ValidatorIndex{proposer, exiting}
	for k := int(s.MaxAttestationsElectra); k >= 1; k-- {
		p := planned{slot: slot - Slot(k), committeeBits: ssz.NewBitvector(int(s.MaxCommitteesPerSlot))}
		aepoch := s.ComputeEpochAtSlot(p.slot)
		var members []ValidatorIndex
		first := map[int]bool{}
		for ci := uint64(0); ci < s.GetCommitteeCountPerSlot(st, aepoch); ci++ {
			committee, err := s.GetBeaconCommittee(st, p.slot, CommitteeIndex(ci))
			if err != nil {
				tb.Fatal(err)
			}
			first[len(members)] = true
			members = append(members, committee...)
			p.committeeBits.Set(int(ci), true)
		}
		p.bits = ssz.NewBitlist(len(members))
		for j, m := range members {
			if first[j] || r.IntN(100) < 95 {
				p.bits.Set(j, true)
				p.attesters = append(p.attesters, m)
				if aepoch == epoch {
					st.CurrentEpochParticipation[m] = 0
				} else {
					st.PreviousEpochParticipation[m] = 0
				}
			}
		}
		signers = append(signers, p.attesters...)
		plans = append(plans, p)
	}
	syncMembers := make([]ValidatorIndex, s.SyncCommitteeSize)
	for j := range syncMembers {
		syncMembers[j] = pick()
	}
	signers = append(signers, syncMembers...)
	secrets := giveKeys(tb, s, st, signers)

	st.CurrentSyncCommittee.Pubkeys = make([]BLSPubkey, len(syncMembers))
	keys := make([]bls.Pubkey, len(syncMembers))
	for j, i := range syncMembers {
		st.CurrentSyncCommittee.Pubkeys[j] = st.Validators[i].Pubkey
		keys[j] = bls.Pubkey(st.Validators[i].Pubkey)
	}
	agg, err := bls.AggregatePKs(keys)
	if err != nil {
		tb.Fatal(err)
	}
	st.CurrentSyncCommittee.AggregatePubkey = BLSPubkey(agg)

	tr := &Transition{Spec: s, Signatures: SignaturesOff}
	if err := tr.ProcessSlots(st, slot); err != nil {
		tb.Fatal(err)
	}

	// The block, on the state at its slot.
	parent, err := HashTreeRoot(s.Schema(Fulu), &st.LatestBlockHeader)
	if err != nil {
		tb.Fatal(err)
	}
	block := &BeaconBlock{Slot: slot, ProposerIndex: proposer, ParentRoot: parent}
	body := &block.Body
	sign := func(obj ssz.Object, domain Domain, secrets ...*big.Int) BLSSignature {
		root, err := s.signingRoot(st, obj, domain)
		if err != nil {
			tb.Fatal(err)
		}
		return aggregateSign(tb, secrets, root)
	}
	var epochRoot Root
	binary.LittleEndian.PutUint64(epochRoot[:], uint64(epoch))
	body.RandaoReveal = aggregateSign(tb, []*big.Int{secrets[proposer]},
		ComputeSigningRoot(epochRoot, s.GetDomain(st, DomainRandao, epoch)))
	body.Eth1Data = st.Eth1Data
	copy(body.Graffiti[:], "quetzal benchmark block")

	fa := 0
	for _, p := range plans {
		aepoch := s.ComputeEpochAtSlot(p.slot)
		source := st.PreviousJustifiedCheckpoint
		if aepoch == epoch {
			source = st.CurrentJustifiedCheckpoint
		}
		head, err := s.GetBlockRootAtSlot(st, p.slot)
		if err != nil {
			tb.Fatal(err)
		}
		target, err := s.GetBlockRoot(st, aepoch)
		if err != nil {
			tb.Fatal(err)
		}
		a := Attestation{
			AggregationBits: p.bits,
			Data:            AttestationData{Slot: p.slot, BeaconBlockRoot: head, Source: source, Target: Checkpoint{Epoch: aepoch, Root: target}},
			CommitteeBits:   p.committeeBits,
		}
		ks := make([]*big.Int, len(p.attesters))
		for j, i := range p.attesters {
			ks[j] = secrets[i]
		}
		a.Signature = sign(&a.Data, s.GetDomain(st, DomainBeaconAttester, aepoch), ks...)
		body.Attestations = append(body.Attestations, a)
		fa += len(p.attesters)
	}

	exit := SignedVoluntaryExit{Message: VoluntaryExit{Epoch: epoch, ValidatorIndex: exiting}}
	exit.Signature = sign(&exit.Message, ComputeDomain(DomainVoluntaryExit, s.CapellaForkVersion, st.GenesisValidatorsRoot), secrets[exiting])
	body.VoluntaryExits = []SignedVoluntaryExit{exit}
	for j, i := range changing {
		c := SignedBLSToExecutionChange{Message: BLSToExecutionChange{ValidatorIndex: i,
			FromBLSPubkey: BLSPubkey(secretKey(tb, withdrawalSecrets[j]).PublicKey().Bytes())}}
		binary.LittleEndian.PutUint64(c.Message.ToExecutionAddress[:], r.Uint64())
		c.Signature = sign(&c.Message, ComputeDomain(DomainBLSToExecutionChange, s.GenesisForkVersion, st.GenesisValidatorsRoot), withdrawalSecrets[j])
		body.BLSToExecutionChanges = append(body.BLSToExecutionChanges, c)
	}

	body.SyncAggregate.SyncCommitteeBits = ssz.NewBitvector(int(s.SyncCommitteeSize))
	var syncSecrets []*big.Int
	for j, i := range syncMembers {
		if r.IntN(100) < 95 {
			body.SyncAggregate.SyncCommitteeBits.Set(j, true)
			syncSecrets = append(syncSecrets, secrets[i])
		}
	}
	previous := slot - 1
	syncRoot, err := s.GetBlockRootAtSlot(st, previous)
	if err != nil {
		tb.Fatal(err)
	}
	body.SyncAggregate.SyncCommitteeSignature = aggregateSign(tb, syncSecrets,
		ComputeSigningRoot(syncRoot, s.GetDomain(st, DomainSyncCommittee, s.ComputeEpochAtSlot(previous))))

	header := &st.LatestExecutionPayloadHeader
	payload := &body.ExecutionPayload
	*payload = ExecutionPayload{
		ParentHash:    header.BlockHash,
		FeeRecipient:  header.FeeRecipient,
		LogsBloom:     make([]byte, s.BytesPerLogsBloom),
		PrevRandao:    s.GetRandaoMix(st, epoch),
		BlockNumber:   header.BlockNumber + 1,
		GasLimit:      header.GasLimit,
		GasUsed:       header.GasLimit / 2,
		Timestamp:     st.GenesisTime + uint64(slot)*s.SlotDurationMS/1000,
		ExtraData:     []byte("quetzal"),
		BaseFeePerGas: header.BaseFeePerGas,
		Withdrawals:   withdrawals,
		BlobGasUsed:   6 * 131072,
		ExcessBlobGas: header.ExcessBlobGas,
	}
	fill := func(b []byte) {
		for i := range b {
			b[i] = byte(r.Uint32())
		}
	}
	fill(payload.StateRoot[:])
	fill(payload.ReceiptsRoot[:])
	fill(payload.BlockHash[:])
	fill(payload.LogsBloom)
	for j := 0; j < 200; j++ {
		tx := make(Transaction, 100+r.IntN(1000))
		fill(tx)
		payload.Transactions = append(payload.Transactions, tx)
	}
	for j := 0; j < 6; j++ {
		var c KZGCommitment
		fill(c[:])
		body.BlobKZGCommitments = append(body.BlobKZGCommitments, c)
	}

	requests := &body.ExecutionRequests
	for j := 0; j < 2; j++ {
		d := DepositRequest{Amount: 32 * eth, Index: st.DepositRequestsStartIndex + uint64(j)}
		fill(d.Pubkey[:])
		fill(d.WithdrawalCredentials[:])
		d.WithdrawalCredentials[0] = Eth1AddressWithdrawalPrefix
		fill(d.Signature[:])
		requests.Deposits = append(requests.Deposits, d)
	}
	for _, i := range requested[:2] {
		v := &st.Validators[i]
		requests.Withdrawals = append(requests.Withdrawals, WithdrawalRequest{
			SourceAddress: ExecutionAddress(v.WithdrawalCredentials[12:]), ValidatorPubkey: v.Pubkey, Amount: FullExitRequestAmount})
	}
	v := &st.Validators[requested[2]]
	requests.Consolidations = []ConsolidationRequest{{SourceAddress: ExecutionAddress(v.WithdrawalCredentials[12:]), SourcePubkey: v.Pubkey, TargetPubkey: v.Pubkey}}

	return &fullBlock{pre: st, block: block, attesters: fa}
}
