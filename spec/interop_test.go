package spec

import (
	"encoding/hex"
	"errors"
	"testing"

	"github.com/quetzal-eth/quetzal/spec/bls"
)

// Interop keys as published with the interop standards and used in the
// tests of several clients: index, secret key (big-endian), public key.
var interopKeyFixtures = []struct {
	index          uint64
	secret, pubkey string
}{
	{0, "25295f0d1d592a90b333e26e85149708208e9f8e8bc18f6c77bd62f8ad7a6866", "a99a76ed7796f7be22d5b7e85deeb7c5677e88e511e0b337618f8c4eb61349b4bf2d153f649f7b53359fe8b94a38e44c"},
	{1, "51d0b65185db6989ab0b560d6deed19c7ead0e24b9b6372cbecb1f26bdfad000", "b89bebc699769726a318c8e9971bd3171297c61aea4a6578a7a4f94b547dcba5bac16a89108b6b6a1fe3695d1a874a0b"},
	{2, "315ed405fafe339603932eebe8dbfd650ce5dafa561f6928664c75db85f97857", "a3a32b0f8b4ddb83f1a0a853d81dd725dfe577d4f4c3db8ece52ce2b026eca84815c1a7e8e92a4de3d755733bf7e4a9b"},
	{9, "2b3b88a041168a1c4cd04bdd8de7964fd35238f95442dc678514f9dadb81ec34", "9893413c00283a3f9ed9fd9845dda1cea38228d22567f9541dccc357e54a2d6a6e204103c92564cbc05f4905ac7c493a"},
	// A key below 2**248, serialized with a leading zero byte.
	{63, "006edac0cf64bfd91bc691c4165efe1eb5cf80672ac06d2096f72a48a5dad4bd", ""},
}

func TestInteropSecretKey(t *testing.T) {
	for _, f := range interopKeyFixtures {
		sk, err := InteropSecretKey(f.index)
		if err != nil {
			t.Fatalf("key %d: %v", f.index, err)
		}
		var raw [bls.SecretKeySize]byte
		if _, err := hex.Decode(raw[:], []byte(f.secret)); err != nil {
			t.Fatal(err)
		}
		want, err := bls.SecretKeyFromBytes(raw)
		if err != nil {
			t.Fatal(err)
		}
		// Secret keys do not serialize; equal public keys mean equal keys.
		got := sk.PublicKey().Bytes()
		if got != want.PublicKey().Bytes() {
			t.Errorf("key %d: public key %x, want that of secret key %s", f.index, got, f.secret)
		}
		if f.pubkey != "" && hex.EncodeToString(got[:]) != f.pubkey {
			t.Errorf("key %d: public key %x, want %s", f.index, got, f.pubkey)
		}
	}
}

func TestInteropDeposits(t *testing.T) {
	s := Minimal()
	const n = 5
	deposits, err := s.InteropDeposits(n)
	if err != nil {
		t.Fatal(err)
	}
	domain := ComputeDomain(DomainDeposit, s.GenesisForkVersion, Root{})
	var tree depositTree
	for i, d := range deposits {
		sk, err := InteropSecretKey(uint64(i))
		if err != nil {
			t.Fatal(err)
		}
		if d.Data.Pubkey != BLSPubkey(sk.PublicKey().Bytes()) {
			t.Errorf("deposit %d: pubkey is not interop key %d", i, i)
		}
		if d.Data.Amount != s.MaxEffectiveBalance || d.Data.WithdrawalCredentials[0] != BLSWithdrawalPrefix {
			t.Errorf("deposit %d: amount %d, credentials %s", i, d.Data.Amount, d.Data.WithdrawalCredentials)
		}
		msg := DepositMessage{d.Data.Pubkey, d.Data.WithdrawalCredentials, d.Data.Amount}
		root, err := HashTreeRoot(s.Schema(Phase0), &msg)
		if err != nil {
			t.Fatal(err)
		}
		if !bls.Verify(bls.Pubkey(d.Data.Pubkey), ComputeSigningRoot(root, domain), bls.Signature(d.Data.Signature)) {
			t.Errorf("deposit %d: signature does not verify", i)
		}
		leaf, err := HashTreeRoot(s.Schema(Phase0), &d.Data)
		if err != nil {
			t.Fatal(err)
		}
		tree.push(leaf)
		if !IsValidMerkleBranch(leaf, d.Proof, DepositContractTreeDepth+1, uint64(i), tree.root()) {
			t.Errorf("deposit %d: proof does not verify against the root of deposits 0..%d", i, i)
		}
	}
}

// The first interop deposit and an interop genesis state as another client
// (Lodestar, in its tests of its dev state, minimal preset) has them: the
// same keys, deposits, deposit roots and genesis make the same state.
func TestInteropMatchesOtherClient(t *testing.T) {
	s := Minimal()
	deposits, err := s.InteropDeposits(8)
	if err != nil {
		t.Fatal(err)
	}
	d := deposits[0].Data
	if got, want := d.WithdrawalCredentials.String(), "0x00fad2a6bfb0e7f1f0f45460944fbd8dfa7f37da06a4d13b3983cc90bb46963b"; got != want {
		t.Errorf("credentials of deposit 0: %s, want %s", got, want)
	}
	if got, want := d.Signature.String(), "0xa95af8ff0f8c06af4d29aef05ce865f85f82df42b606008ec5b1bcb42b17ae47f4b78cdce1db31ce32d18f42a6b296b4014a2164981780e56b5a40d7723c27b8423173e58fa36f075078b177634f66351412b867c103f532aedd50bcd9b98446"; got != want {
		t.Errorf("signature of deposit 0: %s, want %s", got, want)
	}
	var eth1BlockHash Hash32
	for i := range eth1BlockHash {
		eth1BlockHash[i] = 0xaa
	}
	tr := &Transition{Spec: s, Signatures: SignaturesOff}
	st, err := tr.InitializeBeaconStateFromEth1(Phase0, eth1BlockHash, 1644000000, deposits, nil)
	if errors.Is(err, ErrNotImplemented) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	st.GenesisTime = 1644000000
	root, err := s.StateRoot(st)
	if err != nil {
		t.Fatal(err)
	}
	if want := "0x3ef3bda2cee48ebdbb6f7a478046631bad3b5eeda3543e55d9dd39da230425bb"; root.String() != want {
		t.Errorf("genesis state root %s, want %s", root, want)
	}
}

// interopTestSpec returns the minimal spec with fork scheduled at genesis
// and the forks after it unscheduled.
func interopTestSpec(fork ForkName) *Spec {
	s := Minimal()
	for f := Altair; f <= LatestFork; f++ {
		if f <= fork {
			s.SetForkEpoch(f, GenesisEpoch)
		} else {
			s.SetForkEpoch(f, FarFutureEpoch)
		}
	}
	return s
}

// TestInteropGenesis builds the interop genesis in every fork, checks that
// it is a valid genesis of that fork, and runs it through the empty slots
// of the first epoch into the second.
func TestInteropGenesis(t *testing.T) {
	for fork := Phase0; fork <= LatestFork; fork++ {
		t.Run(fork.String(), func(t *testing.T) {
			s := interopTestSpec(fork)
			n := s.MinGenesisActiveValidatorCount
			st, err := s.InteropGenesis(n, s.MinGenesisTime, nil)
			if errors.Is(err, ErrNotImplemented) {
				t.Skip(err)
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := s.StateFork(st); got != fork {
				t.Fatalf("state fork %s", got)
			}
			if st.Fork.CurrentVersion != s.ForkVersion(fork) || st.Fork.PreviousVersion != s.ForkVersion(fork) || st.Fork.Epoch != GenesisEpoch {
				t.Errorf("fork %+v", st.Fork)
			}
			if !s.IsValidGenesisState(st) {
				t.Errorf("not a valid genesis state: time %d, %d validators", st.GenesisTime, len(st.Validators))
			}
			if uint64(len(st.Validators)) != n || st.Eth1DepositIndex != n || st.Eth1Data.DepositCount != n {
				t.Errorf("%d validators, deposit index %d, count %d; want %d", len(st.Validators), st.Eth1DepositIndex, st.Eth1Data.DepositCount, n)
			}
			if got := hex.EncodeToString(st.Validators[0].Pubkey[:]); got != interopKeyFixtures[0].pubkey {
				t.Errorf("validator 0 has pubkey %s", got)
			}
			for i := range st.Validators {
				if v := &st.Validators[i]; v.ActivationEpoch != GenesisEpoch || v.EffectiveBalance != s.MaxEffectiveBalance || st.Balances[i] != s.MaxEffectiveBalance {
					t.Fatalf("validator %d: %+v, balance %d", i, v, st.Balances[i])
				}
			}
			if fork >= Altair {
				inRegistry := map[BLSPubkey]bool{}
				for i := range st.Validators {
					inRegistry[st.Validators[i].Pubkey] = true
				}
				for _, pk := range st.CurrentSyncCommittee.Pubkeys {
					if !inRegistry[pk] {
						t.Fatalf("sync committee member %s is not a validator", pk)
					}
				}
			}
			if fork >= Fulu && len(st.ProposerLookahead) != s.proposerLookaheadLength() {
				t.Errorf("proposer lookahead has %d entries", len(st.ProposerLookahead))
			}
			tr := &Transition{Spec: s, Signatures: SignaturesOff}
			err = tr.ProcessSlots(st, Slot(s.SlotsPerEpoch)+1)
			if errors.Is(err, ErrNotImplemented) {
				t.Skip(err)
			}
			if err != nil {
				t.Fatal(err)
			}
			if st.Slot != Slot(s.SlotsPerEpoch)+1 {
				t.Errorf("slot %d after process_slots", st.Slot)
			}
		})
	}
}
