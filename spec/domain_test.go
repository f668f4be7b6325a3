package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	zrnt "github.com/protolambda/zrnt/eth2/beacon/common"
)

func rootFromHex(t *testing.T, s string) Root {
	t.Helper()
	var r Root
	if err := r.UnmarshalText([]byte(s)); err != nil {
		t.Fatal(err)
	}
	return r
}

// mainnetGenesisValidatorsRoot is the genesis_validators_root of Ethereum
// mainnet.
const mainnetGenesisValidatorsRoot = "0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95"

func TestMainnetForkDigests(t *testing.T) {
	s := Mainnet()
	gvr := rootFromHex(t, mainnetGenesisValidatorsRoot)
	// The digests of the gossip topics of mainnet, /eth2/<digest>/...
	for _, tc := range []struct {
		fork   ForkName
		digest string
	}{
		{Phase0, "0xb5303f2a"},
		{Altair, "0xafcaaba0"},
		{Bellatrix, "0x4a26c58b"},
		{Capella, "0xbba4da96"},
		{Deneb, "0x6a95a1a9"},
		{Electra, "0xad532ceb"},
	} {
		epoch := s.ForkEpoch(tc.fork)
		for _, e := range []Epoch{epoch, epoch + 1} {
			if got := s.ComputeForkDigest(gvr, e).String(); got != tc.digest {
				t.Errorf("%s at epoch %d: digest %s, want %s", tc.fork, e, got, tc.digest)
			}
		}
		if got := ComputeBaseForkDigest(s.ForkVersion(tc.fork), gvr).String(); got != tc.digest {
			t.Errorf("%s: base digest %s, want %s", tc.fork, got, tc.digest)
		}
	}
	// From fulu on the digest also changes at each blob-parameter-only
	// fork; these are the digests mainnet nodes advertise.
	for _, tc := range []struct {
		epoch  Epoch
		digest string
	}{
		{411392, "0xcc2c5cdb"}, // fulu, electra's blob parameters
		{412671, "0xcc2c5cdb"},
		{412672, "0xcb0d1acc"}, // first BLOB_SCHEDULE entry
		{419071, "0xcb0d1acc"},
		{419072, "0x8c9f62fe"}, // second BLOB_SCHEDULE entry
		{500000, "0x8c9f62fe"},
	} {
		if got := s.ComputeForkDigest(gvr, tc.epoch).String(); got != tc.digest {
			t.Errorf("epoch %d: digest %s, want %s", tc.epoch, got, tc.digest)
		}
	}
	// The last epoch before a fork still has the previous fork's digest.
	if got := s.ComputeForkDigest(gvr, s.ElectraForkEpoch-1).String(); got != "0x6a95a1a9" {
		t.Errorf("epoch before electra: %s", got)
	}
}

// TestFuluForkDigest checks the fulu form of compute_fork_digest against
// the cases of the specs' own test (fulu validator/test_compute_fork_digest).
func TestFuluForkDigest(t *testing.T) {
	s := Minimal()
	s.AltairForkEpoch, s.BellatrixForkEpoch, s.CapellaForkEpoch = 0, 0, 0
	s.DenebForkEpoch, s.ElectraForkEpoch, s.FuluForkEpoch = 0, 0, 0
	s.BlobSchedule = []BlobScheduleEntry{
		{Epoch: 9, MaxBlobsPerBlock: 9},
		{Epoch: 100, MaxBlobsPerBlock: 100},
		{Epoch: 150, MaxBlobsPerBlock: 175},
		{Epoch: 200, MaxBlobsPerBlock: 200},
		{Epoch: 250, MaxBlobsPerBlock: 275},
		{Epoch: 300, MaxBlobsPerBlock: 300},
	}
	fill := func(b byte) (r Root) {
		for i := range r {
			r[i] = b
		}
		return r
	}
	for _, tc := range []struct {
		epoch   Epoch
		version Version
		gvr     byte
		want    string
	}{
		{9, Version{6, 0, 0, 0}, 0, "0xab3ae6c8"},
		{10, Version{6, 0, 0, 0}, 0, "0xab3ae6c8"},
		{11, Version{6, 0, 0, 0}, 0, "0xab3ae6c8"},
		{99, Version{6, 0, 0, 0}, 0, "0xab3ae6c8"},
		{100, Version{6, 0, 0, 0}, 0, "0xdf67557b"},
		{101, Version{6, 0, 0, 0}, 0, "0xdf67557b"},
		{150, Version{6, 0, 0, 0}, 0, "0x8ab38b59"},
		{199, Version{6, 0, 0, 0}, 0, "0x8ab38b59"},
		{200, Version{6, 0, 0, 0}, 0, "0xd9b81438"},
		{201, Version{6, 0, 0, 0}, 0, "0xd9b81438"},
		{250, Version{6, 0, 0, 0}, 0, "0x4ef32a62"},
		{299, Version{6, 0, 0, 0}, 0, "0x4ef32a62"},
		{300, Version{6, 0, 0, 0}, 0, "0xca100d64"},
		{301, Version{6, 0, 0, 0}, 0, "0xca100d64"},
		{9, Version{6, 0, 0, 0}, 1, "0x89671111"},
		{9, Version{6, 0, 0, 0}, 2, "0xf49b0e24"},
		{9, Version{6, 0, 0, 0}, 3, "0x86544e4f"},
		{100, Version{6, 0, 0, 0}, 1, "0xfd3aa2a2"},
		{100, Version{6, 0, 0, 0}, 2, "0x80c6bd97"},
		{100, Version{6, 0, 0, 0}, 3, "0xf209fdfc"},
		{9, Version{6, 0, 0, 1}, 0, "0x30f8c25b"},
		{9, Version{7, 0, 0, 0}, 0, "0x0432f5a9"},
		{9, Version{7, 0, 0, 1}, 0, "0x6e69a671"},
		{100, Version{6, 0, 0, 1}, 0, "0x44a571e8"},
		{100, Version{7, 0, 0, 0}, 0, "0x706f461a"},
		{100, Version{7, 0, 0, 1}, 0, "0x1a3415c2"},
	} {
		s.FuluForkVersion = tc.version
		if got := s.ComputeForkDigest(fill(tc.gvr), tc.epoch).String(); got != tc.want {
			t.Errorf("epoch %d version %s root %#x..: %s, want %s", tc.epoch, tc.version, tc.gvr, got, tc.want)
		}
	}
}

func TestFuluForkDigestBeforeSchedule(t *testing.T) {
	// Between FULU_FORK_EPOCH and the first BLOB_SCHEDULE entry the blob
	// parameters are electra's, and they are still XORed in.
	s := Mainnet()
	gvr := rootFromHex(t, mainnetGenesisValidatorsRoot)
	base := ComputeBaseForkDigest(s.FuluForkVersion, gvr)
	var buf [16]byte
	buf[0], buf[1], buf[2] = byte(s.ElectraForkEpoch), byte(s.ElectraForkEpoch>>8), byte(s.ElectraForkEpoch>>16)
	buf[8] = byte(s.MaxBlobsPerBlockElectra)
	mask := sha256.Sum256(buf[:])
	var want ForkDigest
	for i := range want {
		want[i] = base[i] ^ mask[i]
	}
	if got := s.ComputeForkDigest(gvr, s.FuluForkEpoch); got != want {
		t.Errorf("fulu digest %s, want %s", got, want)
	}
	// Each blob-parameter-only fork changes the digest, the fork version
	// does not change.
	seen := map[ForkDigest]Epoch{}
	for _, e := range []Epoch{s.ElectraForkEpoch, s.FuluForkEpoch, 412672, 419072} {
		d := s.ComputeForkDigest(gvr, e)
		if prev, dup := seen[d]; dup {
			t.Errorf("epochs %d and %d share digest %s", prev, e, d)
		}
		seen[d] = e
		if d2 := s.ComputeForkDigest(gvr, e+1000); e >= s.FuluForkEpoch && e != s.FuluForkEpoch && d2 != d {
			t.Errorf("digest changed within BPO period from %d", e)
		}
	}
}

func TestComputeDomain(t *testing.T) {
	// The deposit domain of mainnet: deposits are signed with
	// GENESIS_FORK_VERSION and an empty genesis_validators_root.
	got := ComputeDomain(DomainDeposit, Mainnet().GenesisForkVersion, Root{})
	const want = "0x03000000f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a9"
	if got.String() != want {
		t.Errorf("deposit domain %s, want %s", got, want)
	}
}

// TestAgainstZrnt compares the helpers with an independent implementation
// on a range of inputs.
func TestAgainstZrnt(t *testing.T) {
	for i := 0; i < 50; i++ {
		h := sha256.Sum256([]byte{byte(i)})
		var v Version
		copy(v[:], h[:4])
		var dt DomainType
		copy(dt[:], h[4:8])
		gvr := Root(sha256.Sum256(h[:]))
		obj := Root(sha256.Sum256(gvr[:]))

		d := ComputeDomain(dt, v, gvr)
		zd := zrnt.ComputeDomain(zrnt.BLSDomainType(dt), zrnt.Version(v), zrnt.Root(gvr))
		if [32]byte(d) != [32]byte(zd) {
			t.Fatalf("domain %s, zrnt %s", d, hex.EncodeToString(zd[:]))
		}
		if fd, zfd := ComputeBaseForkDigest(v, gvr), zrnt.ComputeForkDigest(zrnt.Version(v), zrnt.Root(gvr)); [4]byte(fd) != [4]byte(zfd) {
			t.Fatalf("fork digest %s, zrnt %x", fd, zfd)
		}
		sr := ComputeSigningRoot(obj, d)
		zsr := zrnt.ComputeSigningRoot(zrnt.Root(obj), zd)
		if [32]byte(sr) != [32]byte(zsr) {
			t.Fatalf("signing root %s, zrnt %x", sr, zsr)
		}
	}
}

// TestRootsMatchContainers checks the direct hashing of ComputeForkDataRoot
// and ComputeSigningRoot against hash_tree_root of the ForkData and
// SigningData containers.
func TestRootsMatchContainers(t *testing.T) {
	schema := Mainnet().Schema(Phase0)
	for i := 0; i < 20; i++ {
		h := sha256.Sum256([]byte{byte(i), 'r'})
		var v Version
		copy(v[:], h[:4])
		gvr := Root(sha256.Sum256(h[:]))
		want, err := HashTreeRoot(schema, &ForkData{CurrentVersion: v, GenesisValidatorsRoot: gvr})
		if err != nil {
			t.Fatal(err)
		}
		if got := ComputeForkDataRoot(v, gvr); got != want {
			t.Fatalf("ComputeForkDataRoot = %s, hash_tree_root(ForkData) = %s", got, want)
		}
		domain := ComputeDomain(DomainRandao, v, gvr)
		want, err = HashTreeRoot(schema, &SigningData{ObjectRoot: gvr, Domain: domain})
		if err != nil {
			t.Fatal(err)
		}
		if got := ComputeSigningRoot(gvr, domain); got != want {
			t.Fatalf("ComputeSigningRoot = %s, hash_tree_root(SigningData) = %s", got, want)
		}
	}
}
