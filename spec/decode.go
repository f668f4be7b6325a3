package spec

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/quetzal-eth/quetzal/ssz"
)

// A SignedBeaconBlock's layout depends on its fork, and blocks arrive as
// bare bytes: from the database, in a BeaconBlocksByRange response, on
// gossip. Every fork keeps the same fixed part at the front
// (message offset, signature; then the block's slot at the start of the
// message), so the slot can be read before the fork is known, and the
// slot names the fork through the network's fork schedule.

// Errors of fork-aware decoding, wrapped with the details.
var (
	// ErrUnknownForkDigest: no fork of this network has the digest.
	ErrUnknownForkDigest = errors.New("spec: unknown fork digest")
	// ErrForkDigestMismatch: a block's slot is not in the epochs of the
	// fork digest it came with.
	ErrForkDigestMismatch = errors.New("spec: block slot does not match its fork digest")
)

// signedBlockFixedSize is the fixed part of every fork's SignedBeaconBlock:
// the offset of the message and the signature. The message, and so its
// slot, starts right after it.
const signedBlockFixedSize = 4 + len(BLSSignature{})

// SignedBeaconBlockSlot returns the slot of an encoded SignedBeaconBlock of
// any fork, read at its fixed position without decoding the block.
func SignedBeaconBlockSlot(data []byte) (Slot, error) {
	if len(data) < signedBlockFixedSize+8 {
		return 0, fmt.Errorf("%w: SignedBeaconBlock of %d bytes is too short to hold a slot", ssz.ErrSize, len(data))
	}
	if off := binary.LittleEndian.Uint32(data); off != uint32(signedBlockFixedSize) {
		return 0, fmt.Errorf("%w: SignedBeaconBlock message offset %d, want %d", ssz.ErrOffset, off, signedBlockFixedSize)
	}
	return Slot(binary.LittleEndian.Uint64(data[signedBlockFixedSize:])), nil
}

// DecodeSignedBeaconBlock decodes a SignedBeaconBlock whose fork is known
// only from its bytes: the fork is the one this network runs at the
// block's slot. It returns the block and that fork.
func (s *Spec) DecodeSignedBeaconBlock(data []byte) (*SignedBeaconBlock, ForkName, error) {
	slot, err := SignedBeaconBlockSlot(data)
	if err != nil {
		return nil, 0, err
	}
	if s.SlotsPerEpoch == 0 {
		return nil, 0, errors.New("spec: SLOTS_PER_EPOCH is zero")
	}
	fork := s.ForkAtSlot(slot)
	b := new(SignedBeaconBlock)
	if err := Unmarshal(s.Schema(fork), data, b); err != nil {
		return nil, 0, fmt.Errorf("%s SignedBeaconBlock at slot %d: %w", fork, slot, err)
	}
	return b, fork, nil
}

// DecodeSignedBeaconBlockWithDigest decodes a SignedBeaconBlock that came
// with a fork digest (the context bytes of a req/resp chunk, or a gossip
// topic's digest). The digest picks the fork; the block's slot must lie in
// an epoch whose digest (compute_fork_digest of the block's epoch) is the
// one given, so a block cannot be decoded under a fork it does not belong
// to. It returns the block and its fork.
func (s *Spec) DecodeSignedBeaconBlockWithDigest(data []byte, digest ForkDigest, genesisValidatorsRoot Root) (*SignedBeaconBlock, ForkName, error) {
	fork, ok := s.ForkByDigest(digest, genesisValidatorsRoot)
	if !ok {
		return nil, 0, fmt.Errorf("%w: %s", ErrUnknownForkDigest, digest)
	}
	slot, err := SignedBeaconBlockSlot(data)
	if err != nil {
		return nil, 0, err
	}
	if s.SlotsPerEpoch == 0 {
		return nil, 0, errors.New("spec: SLOTS_PER_EPOCH is zero")
	}
	epoch := Epoch(slot / s.SlotsPerEpoch)
	if want := s.ComputeForkDigest(genesisValidatorsRoot, epoch); want != digest {
		return nil, 0, fmt.Errorf("%w: slot %d (epoch %d) has digest %s, got %s (%s)", ErrForkDigestMismatch, slot, epoch, want, digest, fork)
	}
	b := new(SignedBeaconBlock)
	if err := Unmarshal(s.Schema(fork), data, b); err != nil {
		return nil, 0, fmt.Errorf("%s SignedBeaconBlock at slot %d: %w", fork, slot, err)
	}
	return b, fork, nil
}

// ForkByDigest returns the fork whose fork digest, for this network and
// genesisValidatorsRoot, is digest. Every epoch at which the digest can
// change is tried: each scheduled fork's epoch and, from fulu on, each
// epoch of the blob schedule (a blob-parameter-only fork changes the
// digest but not the fork). A fork scheduled at the same epoch as a later
// one is never active and has no digest.
func (s *Spec) ForkByDigest(digest ForkDigest, genesisValidatorsRoot Root) (ForkName, bool) {
	for f := Phase0; f <= LatestFork; f++ {
		e := s.ForkEpoch(f)
		if e == FarFutureEpoch || s.ForkAtEpoch(e) != f {
			continue
		}
		if s.ComputeForkDigest(genesisValidatorsRoot, e) == digest {
			return f, true
		}
	}
	if s.FuluForkEpoch == FarFutureEpoch {
		return 0, false
	}
	for _, bp := range s.BlobSchedule {
		if bp.Epoch < s.FuluForkEpoch || bp.Epoch == FarFutureEpoch {
			continue
		}
		if s.ComputeForkDigest(genesisValidatorsRoot, bp.Epoch) == digest {
			return s.ForkAtEpoch(bp.Epoch), true
		}
	}
	return 0, false
}
