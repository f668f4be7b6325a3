package spec

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/big"
	"runtime"
	"sync"

	"github.com/quetzal-eth/quetzal/spec/bls"
)

// The interop genesis that clients share to start a test network without
// an eth1 chain (the "mocked start" of the eth2.0-pm interop standards):
// validator i has a secret key derived from i alone, deposits
// MAX_EFFECTIVE_BALANCE with BLS withdrawal credentials of its own key,
// and the genesis state is initialize_beacon_state_from_eth1 of those
// deposits with fixed eth1 values, its genesis time then set to the
// network's. Every client derives the same keys and, for a phase0 genesis,
// the same state.

// The eth1 block of the interop genesis: coordinated placeholder values,
// a block hash of 0x42 bytes and the timestamp 2**40.
const (
	interopEth1HashByte  = 0x42
	interopEth1Timestamp = uint64(1) << 40
)

// blsCurveOrder is r, the order of the BLS12-381 groups.
var blsCurveOrder, _ = new(big.Int).SetString("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001", 16)

// InteropSecretKey returns the secret key of validator index in the interop
// convention: the SHA-256 hash of index as a 32-byte little-endian integer,
// read as a little-endian integer, modulo the curve order. These keys are
// public knowledge and only for test networks.
func InteropSecretKey(index uint64) (*bls.SecretKey, error) {
	var preimage [32]byte
	binary.LittleEndian.PutUint64(preimage[:8], index)
	h := sha256.Sum256(preimage[:])
	// big.Int reads big-endian, so reverse the hash to read it
	// little-endian.
	for i, j := 0, len(h)-1; i < j; i, j = i+1, j-1 {
		h[i], h[j] = h[j], h[i]
	}
	k := new(big.Int).SetBytes(h[:])
	k.Mod(k, blsCurveOrder)
	// The key is serialized big-endian on 32 bytes, with its leading zero
	// bytes when it is below 2**248 (index 63, for one).
	var b [bls.SecretKeySize]byte
	k.FillBytes(b[:])
	sk, err := bls.SecretKeyFromBytes(b)
	if err != nil {
		return nil, fmt.Errorf("interop key %d: %w", index, err)
	}
	return sk, nil
}

// InteropDeposits returns the deposits of the first validatorCount interop
// validators, each with its proof against the deposit root of the deposits
// before it and itself, as initialize_beacon_state_from_eth1 processes
// them. Signing takes most of the time, so it is spread over the cores.
func (s *Spec) InteropDeposits(validatorCount uint64) ([]Deposit, error) {
	data := make([]DepositData, validatorCount)
	domain := ComputeDomain(DomainDeposit, s.GenesisForkVersion, Root{})
	workers := min(uint64(runtime.GOMAXPROCS(0)), max(validatorCount, 1))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := uint64(0); w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < validatorCount; i += workers {
				if errs[w] = s.interopDepositData(i, domain, &data[i]); errs[w] != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	deposits := make([]Deposit, validatorCount)
	var tree depositTree
	for i := range deposits {
		leaf, err := HashTreeRoot(s.Schema(Phase0), &data[i])
		if err != nil {
			return nil, err
		}
		deposits[i] = Deposit{Proof: tree.proof(), Data: data[i]}
		tree.push(leaf)
	}
	return deposits, nil
}

// interopDepositData fills d with the deposit of interop validator i:
// MAX_EFFECTIVE_BALANCE, withdrawal credentials BLS_WITHDRAWAL_PREFIX +
// hash(pubkey)[1:], signed over the deposit domain.
func (s *Spec) interopDepositData(i uint64, domain Domain, d *DepositData) error {
	sk, err := InteropSecretKey(i)
	if err != nil {
		return err
	}
	pubkey := BLSPubkey(sk.PublicKey().Bytes())
	credentials := Root(sha256.Sum256(pubkey[:]))
	credentials[0] = BLSWithdrawalPrefix
	msg := DepositMessage{Pubkey: pubkey, WithdrawalCredentials: credentials, Amount: s.MaxEffectiveBalance}
	root, err := HashTreeRoot(s.Schema(Phase0), &msg)
	if err != nil {
		return err
	}
	*d = DepositData{
		Pubkey:                pubkey,
		WithdrawalCredentials: credentials,
		Amount:                msg.Amount,
		Signature:             BLSSignature(bls.Sign(sk, ComputeSigningRoot(root, domain))),
	}
	return nil
}

// InteropGenesis returns the interop genesis state of a test network with
// validatorCount validators and the given genesis time, in the fork that
// s schedules at genesis (its fork versions, sync committees, execution
// payload header and proposer lookahead as that fork's genesis has them).
// header is the execution payload header of the execution chain's genesis
// block for a network that starts in bellatrix or later; nil leaves it
// empty, which before capella means the merge has not happened.
//
// The state is valid as genesis whatever MIN_GENESIS_TIME says: the
// interop standard does not check it.
func (s *Spec) InteropGenesis(validatorCount uint64, genesisTime uint64, header *ExecutionPayloadHeader) (*BeaconState, error) {
	deposits, err := s.InteropDeposits(validatorCount)
	if err != nil {
		return nil, err
	}
	// The signatures were just made, so they need no verifying.
	t := &Transition{Spec: s, Signatures: SignaturesOff}
	var eth1BlockHash Hash32
	for i := range eth1BlockHash {
		eth1BlockHash[i] = interopEth1HashByte
	}
	st, err := t.InitializeBeaconStateFromEth1(s.ForkAtEpoch(GenesisEpoch), eth1BlockHash, interopEth1Timestamp, deposits, header)
	if err != nil {
		return nil, err
	}
	st.GenesisTime = genesisTime
	return st, nil
}
