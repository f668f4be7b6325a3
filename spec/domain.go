package spec

import (
	"crypto/sha256"
	"encoding/binary"
)

// Domain types (phase0, altair and capella beacon-chain.md, "Domain
// types"). Every signature commits to one, so a signature made for one
// purpose can never verify for another.
var (
	DomainBeaconProposer              = DomainType{0x00, 0x00, 0x00, 0x00}
	DomainBeaconAttester              = DomainType{0x01, 0x00, 0x00, 0x00}
	DomainRandao                      = DomainType{0x02, 0x00, 0x00, 0x00}
	DomainDeposit                     = DomainType{0x03, 0x00, 0x00, 0x00}
	DomainVoluntaryExit               = DomainType{0x04, 0x00, 0x00, 0x00}
	DomainSelectionProof              = DomainType{0x05, 0x00, 0x00, 0x00}
	DomainAggregateAndProof           = DomainType{0x06, 0x00, 0x00, 0x00}
	DomainApplicationMask             = DomainType{0x00, 0x00, 0x00, 0x01}
	DomainSyncCommittee               = DomainType{0x07, 0x00, 0x00, 0x00} // altair
	DomainSyncCommitteeSelectionProof = DomainType{0x08, 0x00, 0x00, 0x00} // altair
	DomainContributionAndProof        = DomainType{0x09, 0x00, 0x00, 0x00} // altair
	DomainBLSToExecutionChange        = DomainType{0x0a, 0x00, 0x00, 0x00} // capella
)

// hashChunks is the hash_tree_root of a container with two 32-byte fields,
// which is the hash of their concatenation.
func hashChunks(a, b [32]byte) Root {
	var buf [64]byte
	copy(buf[:32], a[:])
	copy(buf[32:], b[:])
	return sha256.Sum256(buf[:])
}

// ComputeForkDataRoot returns the 32-byte fork data root for the
// currentVersion and genesisValidatorsRoot (compute_fork_data_root, phase0
// beacon-chain.md): the hash_tree_root of ForkData. A Version is a 4-byte
// basic vector, so its chunk is the version right-padded with zeros.
func ComputeForkDataRoot(currentVersion Version, genesisValidatorsRoot Root) Root {
	var versionChunk [32]byte
	copy(versionChunk[:], currentVersion[:])
	return hashChunks(versionChunk, genesisValidatorsRoot)
}

// ComputeBaseForkDigest returns the first four bytes of the fork data root:
// the fork digest of phase0 p2p-interface.md, and the base that fulu
// modifies.
func ComputeBaseForkDigest(currentVersion Version, genesisValidatorsRoot Root) ForkDigest {
	root := ComputeForkDataRoot(currentVersion, genesisValidatorsRoot)
	return ForkDigest(root[:4])
}

// ComputeForkDigest returns the 4-byte fork digest for the
// genesisValidatorsRoot at a given epoch (compute_fork_digest, modified in
// fulu beacon-chain.md). Before FULU_FORK_EPOCH it is the phase0 digest of
// the fork version at epoch; from fulu on the hash of the blob parameters
// at epoch is XORed in, so that blob-parameter-only forks (EIP-7892) also
// separate the network.
func (s *Spec) ComputeForkDigest(genesisValidatorsRoot Root, epoch Epoch) ForkDigest {
	baseDigest := ComputeForkDataRoot(s.ComputeForkVersion(epoch), genesisValidatorsRoot)
	if epoch < s.FuluForkEpoch {
		return ForkDigest(baseDigest[:4])
	}
	bp := s.GetBlobParameters(epoch)
	var buf [16]byte
	binary.LittleEndian.PutUint64(buf[:8], uint64(bp.Epoch))
	binary.LittleEndian.PutUint64(buf[8:], bp.MaxBlobsPerBlock)
	mask := sha256.Sum256(buf[:])
	var d ForkDigest
	for i := range d {
		d[i] = baseDigest[i] ^ mask[i]
	}
	return d
}

// ComputeDomain returns the domain for the domainType and forkVersion
// (compute_domain, phase0 beacon-chain.md). The spec's optional arguments
// are explicit here: where the spec passes none, pass
// s.GenesisForkVersion and the zero Root.
func ComputeDomain(domainType DomainType, forkVersion Version, genesisValidatorsRoot Root) Domain {
	forkDataRoot := ComputeForkDataRoot(forkVersion, genesisValidatorsRoot)
	var d Domain
	copy(d[:4], domainType[:])
	copy(d[4:], forkDataRoot[:28])
	return d
}

// ComputeSigningRoot returns the signing root for an object whose
// hash_tree_root is objectRoot (compute_signing_root, phase0
// beacon-chain.md): the hash_tree_root of SigningData{objectRoot, domain}.
func ComputeSigningRoot(objectRoot Root, domain Domain) Root {
	return hashChunks(objectRoot, domain)
}
