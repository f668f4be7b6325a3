package spec

import (
	"encoding/hex"
	"fmt"
	"strings"
)

// Custom types of the beacon chain (phase0 beacon-chain.md, "Custom types",
// and the same section of each later fork's documents). Integer types are
// uint64 (uint8 for ParticipationFlags); byte types are fixed-size arrays, so
// they compare with == and can be map keys.

// Slot is a slot number (phase0).
type Slot uint64

// Epoch is an epoch number (phase0).
type Epoch uint64

// CommitteeIndex is a committee index within a slot (phase0).
type CommitteeIndex uint64

// ValidatorIndex is a validator registry index (phase0).
type ValidatorIndex uint64

// Gwei is an amount in Gwei (phase0).
type Gwei uint64

// Ether is an amount in Ether (phase0 weak-subjectivity.md).
type Ether uint64

// SubnetID is a gossip subnet index (phase0 p2p-interface.md).
type SubnetID uint64

// ParticipationFlags is a validator's per-epoch participation bit set
// (altair).
type ParticipationFlags uint8

// WithdrawalIndex is the index of a withdrawal (capella).
type WithdrawalIndex uint64

// BlobIndex is the index of a blob in a block (deneb).
type BlobIndex uint64

// CellIndex is the index of a cell in an extended blob (fulu das-core.md).
type CellIndex uint64

// ColumnIndex is the index of a data column (fulu das-core.md).
type ColumnIndex uint64

// CustodyIndex is a custody group number (fulu das-core.md).
type CustodyIndex uint64

// RowIndex is the index of a row (blob) in the extended data matrix (fulu
// das-core.md).
type RowIndex uint64

// Root is a Merkle root (phase0).
type Root [32]byte

// Hash32 is a 32-byte hash, e.g. an execution block hash (phase0).
type Hash32 [32]byte

// Version is a fork version (phase0).
type Version [4]byte

// DomainType is the type of a signature domain (phase0).
type DomainType [4]byte

// ForkDigest is the 4-byte digest of the current fork used in networking
// (phase0, modified in fulu).
type ForkDigest [4]byte

// Domain is a signature domain (phase0).
type Domain [32]byte

// BLSPubkey is a compressed BLS12-381 public key (phase0).
type BLSPubkey [48]byte

// BLSSignature is a compressed BLS12-381 signature (phase0).
type BLSSignature [96]byte

// ExecutionAddress is an execution-layer account address (phase0
// deposit-contract.md, bellatrix).
type ExecutionAddress [20]byte

// PayloadID identifies a payload build process on the execution engine
// (bellatrix fork-choice.md: PayloadId).
type PayloadID [8]byte

// KZGCommitment is a KZG commitment to a blob (deneb).
type KZGCommitment [48]byte

// KZGProof is a KZG proof (deneb).
type KZGProof [48]byte

// VersionedHash is a versioned hash of a KZG commitment (deneb).
type VersionedHash [32]byte

// Byte types print and parse as 0x-prefixed lowercase hex, the form the
// specs, YAML test vectors and the Beacon API use.

func (x Root) String() string             { return hexString(x[:]) }
func (x Hash32) String() string           { return hexString(x[:]) }
func (x Version) String() string          { return hexString(x[:]) }
func (x DomainType) String() string       { return hexString(x[:]) }
func (x ForkDigest) String() string       { return hexString(x[:]) }
func (x Domain) String() string           { return hexString(x[:]) }
func (x BLSPubkey) String() string        { return hexString(x[:]) }
func (x BLSSignature) String() string     { return hexString(x[:]) }
func (x ExecutionAddress) String() string { return hexString(x[:]) }
func (x PayloadID) String() string        { return hexString(x[:]) }
func (x KZGCommitment) String() string    { return hexString(x[:]) }
func (x KZGProof) String() string         { return hexString(x[:]) }
func (x VersionedHash) String() string    { return hexString(x[:]) }

func (x Root) MarshalText() ([]byte, error)             { return hexText(x[:]), nil }
func (x Hash32) MarshalText() ([]byte, error)           { return hexText(x[:]), nil }
func (x Version) MarshalText() ([]byte, error)          { return hexText(x[:]), nil }
func (x DomainType) MarshalText() ([]byte, error)       { return hexText(x[:]), nil }
func (x ForkDigest) MarshalText() ([]byte, error)       { return hexText(x[:]), nil }
func (x Domain) MarshalText() ([]byte, error)           { return hexText(x[:]), nil }
func (x BLSPubkey) MarshalText() ([]byte, error)        { return hexText(x[:]), nil }
func (x BLSSignature) MarshalText() ([]byte, error)     { return hexText(x[:]), nil }
func (x ExecutionAddress) MarshalText() ([]byte, error) { return hexText(x[:]), nil }
func (x PayloadID) MarshalText() ([]byte, error)        { return hexText(x[:]), nil }
func (x KZGCommitment) MarshalText() ([]byte, error)    { return hexText(x[:]), nil }
func (x KZGProof) MarshalText() ([]byte, error)         { return hexText(x[:]), nil }
func (x VersionedHash) MarshalText() ([]byte, error)    { return hexText(x[:]), nil }

func (x *Root) UnmarshalText(b []byte) error         { return parseHexInto(x[:], b, "Root") }
func (x *Hash32) UnmarshalText(b []byte) error       { return parseHexInto(x[:], b, "Hash32") }
func (x *Version) UnmarshalText(b []byte) error      { return parseHexInto(x[:], b, "Version") }
func (x *DomainType) UnmarshalText(b []byte) error   { return parseHexInto(x[:], b, "DomainType") }
func (x *ForkDigest) UnmarshalText(b []byte) error   { return parseHexInto(x[:], b, "ForkDigest") }
func (x *Domain) UnmarshalText(b []byte) error       { return parseHexInto(x[:], b, "Domain") }
func (x *BLSPubkey) UnmarshalText(b []byte) error    { return parseHexInto(x[:], b, "BLSPubkey") }
func (x *BLSSignature) UnmarshalText(b []byte) error { return parseHexInto(x[:], b, "BLSSignature") }
func (x *ExecutionAddress) UnmarshalText(b []byte) error {
	return parseHexInto(x[:], b, "ExecutionAddress")
}
func (x *PayloadID) UnmarshalText(b []byte) error     { return parseHexInto(x[:], b, "PayloadID") }
func (x *KZGCommitment) UnmarshalText(b []byte) error { return parseHexInto(x[:], b, "KZGCommitment") }
func (x *KZGProof) UnmarshalText(b []byte) error      { return parseHexInto(x[:], b, "KZGProof") }
func (x *VersionedHash) UnmarshalText(b []byte) error { return parseHexInto(x[:], b, "VersionedHash") }

func hexString(b []byte) string { return "0x" + hex.EncodeToString(b) }

func hexText(b []byte) []byte {
	out := make([]byte, 2+2*len(b))
	out[0], out[1] = '0', 'x'
	hex.Encode(out[2:], b)
	return out
}

// parseHexInto decodes 0x-prefixed hex of exactly len(dst) bytes into dst.
func parseHexInto(dst []byte, text []byte, what string) error {
	s := string(text)
	if !strings.HasPrefix(s, "0x") && !strings.HasPrefix(s, "0X") {
		return fmt.Errorf("%s: %q lacks the 0x prefix", what, s)
	}
	s = s[2:]
	if len(s) != 2*len(dst) {
		return fmt.Errorf("%s: %d hex digits, want %d", what, len(s), 2*len(dst))
	}
	if _, err := hex.Decode(dst, []byte(s)); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// ForkName names a fork of the beacon chain. Forks are ordered: a later
// fork compares greater, so "at least electra" is f >= Electra.
type ForkName uint8

// The forks this package implements, in activation order.
const (
	Phase0 ForkName = iota
	Altair
	Bellatrix
	Capella
	Deneb
	Electra
	Fulu
)

// LatestFork is the newest fork this package implements.
const LatestFork = Fulu

var forkNames = [...]string{
	Phase0:    "phase0",
	Altair:    "altair",
	Bellatrix: "bellatrix",
	Capella:   "capella",
	Deneb:     "deneb",
	Electra:   "electra",
	Fulu:      "fulu",
}

// String returns the spec's lowercase name of the fork, as used in the
// specs' directory names and in the test vectors.
func (f ForkName) String() string {
	if int(f) < len(forkNames) {
		return forkNames[f]
	}
	return fmt.Sprintf("ForkName(%d)", uint8(f))
}

// ParseForkName returns the fork with the spec's lowercase name s.
func ParseForkName(s string) (ForkName, error) {
	for f, name := range forkNames {
		if name == s {
			return ForkName(f), nil
		}
	}
	return 0, fmt.Errorf("unknown fork name %q", s)
}

// MarshalText encodes the fork as its spec name.
func (f ForkName) MarshalText() ([]byte, error) {
	if int(f) >= len(forkNames) {
		return nil, fmt.Errorf("unknown fork %d", uint8(f))
	}
	return []byte(forkNames[f]), nil
}

// UnmarshalText parses a spec fork name.
func (f *ForkName) UnmarshalText(b []byte) error {
	v, err := ParseForkName(string(b))
	if err != nil {
		return err
	}
	*f = v
	return nil
}
