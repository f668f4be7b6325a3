package gossip

import (
	"math/rand/v2"
	"testing"

	"github.com/quetzal-eth/quetzal/spec"
	"github.com/quetzal-eth/quetzal/ssz"
)

// Corrupted messages of every topic, at any time, get a verdict or an
// error, never a panic; and what passes is recorded in Seen so that it
// passes once.
func TestMalformedMessages(t *testing.T) {
	for _, fork := range []spec.ForkName{spec.Phase0, spec.Altair, spec.Deneb, spec.Fulu} {
		t.Run(fork.String(), func(t *testing.T) {
			f := newFixture(t, fork, 0)
			seeds := malformedSeeds(t, f)
			rng := rand.New(rand.NewPCG(uint64(fork), 7))
			schema := f.s.Schema(fork)
			times := []uint64{0, f.slotTime(1, 0), f.slotTime(1, 3000), f.slotTime(40, 0), spec.Uint64Max}
			for _, seed := range seeds {
				data, err := spec.Marshal(schema, seed.msg)
				if err != nil {
					t.Fatalf("%s: %v", seed.name, err)
				}
				for i := range 60 {
					corrupt := append([]byte(nil), data...)
					if i > 0 {
						for range 1 + rng.IntN(4) {
							corrupt[rng.IntN(len(corrupt))] ^= byte(1 + rng.IntN(255))
						}
					}
					msg := seed.fresh()
					if spec.Unmarshal(schema, corrupt, msg) != nil {
						continue
					}
					now := times[rng.IntN(len(times))]
					err := seed.validate(msg, now)
					if KindOf(err) == Valid && i > 0 && rng.IntN(2) == 0 {
						// A repeat of an accepted message is not valid again.
						if again := seed.validate(msg, now); KindOf(again) == Valid {
							t.Errorf("%s: accepted twice", seed.name)
						}
					}
				}
			}
		})
	}
}

// A seed is a well-formed message of one topic and how to validate one.
type seed struct {
	name     string
	msg      ssz.Object
	fresh    func() ssz.Object
	validate func(msg ssz.Object, now uint64) error
}

// malformedSeeds returns a message of every topic of f's fork.
func malformedSeeds(t *testing.T, f *fixture) []seed {
	t.Helper()
	fork := f.fork
	v := f.v
	proposer := f.proposerAt(1)
	committee := f.committee(1, 0)
	data := f.attestationData(1, 0)
	var out []seed
	add := func(name string, msg ssz.Object, fresh func() ssz.Object, validate func(ssz.Object, uint64) error) {
		out = append(out, seed{name, msg, fresh, validate})
	}

	add("block", f.block(1, proposer, proposer), func() ssz.Object { return new(spec.SignedBeaconBlock) },
		func(m ssz.Object, now uint64) error {
			return v.ValidateBeaconBlockGossip(fork, m.(*spec.SignedBeaconBlock), now, PayloadStatusMap{})
		})

	agg := spec.Attestation{AggregationBits: ssz.NewBitlist(len(committee)), Data: data}
	agg.AggregationBits.Set(0, true)
	if fork >= spec.Electra {
		agg.CommitteeBits = ssz.NewBitvector(int(f.s.MaxCommitteesPerSlot))
		agg.CommitteeBits.Set(0, true)
	}
	agg.Signature = f.attesterSignature(committee[0], &data)
	add("aggregate", &spec.SignedAggregateAndProof{Message: spec.AggregateAndProof{AggregatorIndex: committee[0], Aggregate: agg}},
		func() ssz.Object { return new(spec.SignedAggregateAndProof) },
		func(m ssz.Object, now uint64) error {
			return v.ValidateBeaconAggregateAndProofGossip(fork, m.(*spec.SignedAggregateAndProof), now)
		})

	if fork >= spec.Electra {
		single := &spec.SingleAttestation{AttesterIndex: committee[1], Data: data, Signature: f.attesterSignature(committee[1], &data)}
		add("single attestation", single, func() ssz.Object { return new(spec.SingleAttestation) },
			func(m ssz.Object, now uint64) error {
				return v.ValidateSingleAttestationGossip(fork, m.(*spec.SingleAttestation), now, 1)
			})
	} else {
		att := spec.Attestation{AggregationBits: ssz.NewBitlist(len(committee)), Data: data, Signature: f.attesterSignature(committee[1], &data)}
		att.AggregationBits.Set(1, true)
		add("attestation", &att, func() ssz.Object { return new(spec.Attestation) },
			func(m ssz.Object, now uint64) error {
				return v.ValidateBeaconAttestationGossip(fork, m.(*spec.Attestation), now, 1)
			})
	}

	add("voluntary exit", &spec.SignedVoluntaryExit{Message: spec.VoluntaryExit{ValidatorIndex: 3}},
		func() ssz.Object { return new(spec.SignedVoluntaryExit) },
		func(m ssz.Object, now uint64) error {
			return v.ValidateVoluntaryExitGossip(fork, m.(*spec.SignedVoluntaryExit), now)
		})

	ps := &spec.ProposerSlashing{}
	ps.SignedHeader1.Message = spec.BeaconBlockHeader{Slot: 1, ProposerIndex: 4}
	ps.SignedHeader2.Message = spec.BeaconBlockHeader{Slot: 1, ProposerIndex: 4, BodyRoot: spec.Root{1}}
	add("proposer slashing", ps, func() ssz.Object { return new(spec.ProposerSlashing) },
		func(m ssz.Object, now uint64) error {
			return v.ValidateProposerSlashingGossip(fork, m.(*spec.ProposerSlashing))
		})

	as := &spec.AttesterSlashing{
		Attestation1: spec.IndexedAttestation{AttestingIndices: []spec.ValidatorIndex{1, 2}, Data: data},
		Attestation2: spec.IndexedAttestation{AttestingIndices: []spec.ValidatorIndex{2, 3}, Data: data},
	}
	as.Attestation2.Data.BeaconBlockRoot = spec.Root{9}
	add("attester slashing", as, func() ssz.Object { return new(spec.AttesterSlashing) },
		func(m ssz.Object, now uint64) error {
			return v.ValidateAttesterSlashingGossip(fork, m.(*spec.AttesterSlashing))
		})

	if fork >= spec.Altair {
		_, member := syncMember(t, f, 0)
		add("sync committee message", &spec.SyncCommitteeMessage{Slot: 1, BeaconBlockRoot: f.anchor, ValidatorIndex: member},
			func() ssz.Object { return new(spec.SyncCommitteeMessage) },
			func(m ssz.Object, now uint64) error {
				return v.ValidateSyncCommitteeMessageGossip(fork, m.(*spec.SyncCommitteeMessage), now, 0)
			})
		c := &spec.SignedContributionAndProof{Message: spec.ContributionAndProof{AggregatorIndex: member, Contribution: spec.SyncCommitteeContribution{
			Slot: 1, BeaconBlockRoot: f.anchor, AggregationBits: ssz.NewBitvector(int(f.s.SyncCommitteeSize / spec.SyncCommitteeSubnetCount)),
		}}}
		c.Message.Contribution.AggregationBits.Set(0, true)
		add("contribution", c, func() ssz.Object { return new(spec.SignedContributionAndProof) },
			func(m ssz.Object, now uint64) error {
				return v.ValidateSyncCommitteeContributionAndProofGossip(fork, m.(*spec.SignedContributionAndProof), now)
			})
	}

	if fork >= spec.Capella {
		change := &spec.SignedBLSToExecutionChange{Message: spec.BLSToExecutionChange{ValidatorIndex: 5, FromBLSPubkey: f.state.Validators[5].Pubkey}}
		add("bls to execution change", change, func() ssz.Object { return new(spec.SignedBLSToExecutionChange) },
			func(m ssz.Object, now uint64) error {
				return v.ValidateBLSToExecutionChangeGossip(fork, m.(*spec.SignedBLSToExecutionChange), now)
			})
	}

	if fork >= spec.Deneb {
		b := newSidecarBlock(t, f, 2)
		if fork < spec.Fulu {
			sc := &spec.BlobSidecar{Index: 1, Blob: b.blob[:], KZGCommitment: b.body.BlobKZGCommitments[1], SignedBlockHeader: b.header,
				KZGCommitmentInclusionProof: b.prove(t, f, (16+11)*2<<12|1)}
			add("blob sidecar", sc, func() ssz.Object { return new(spec.BlobSidecar) },
				func(m ssz.Object, now uint64) error {
					return v.ValidateBlobSidecarGossip(fork, m.(*spec.BlobSidecar), now, 1)
				})
		} else {
			cell, proof := columnOf(t, b.blob, 1)
			dc := &spec.DataColumnSidecar{Index: 1, Column: []spec.Cell{cell, cell}, KZGCommitments: b.body.BlobKZGCommitments,
				KZGProofs: []spec.KZGProof{proof, proof}, SignedBlockHeader: b.header, KZGCommitmentsInclusionProof: b.prove(t, f, 16+11)}
			add("data column sidecar", dc, func() ssz.Object { return new(spec.DataColumnSidecar) },
				func(m ssz.Object, now uint64) error {
					return v.ValidateDataColumnSidecarGossip(fork, m.(*spec.DataColumnSidecar), now, 1)
				})
			blockRoot, err := spec.HashTreeRoot(f.s.Schema(fork), &b.header.Message)
			if err != nil {
				t.Fatal(err)
			}
			partial := &spec.PartialDataColumnSidecar{
				CellsPresentBitmap: ssz.NewBitlist(2), PartialColumn: []spec.Cell{cell}, KZGProofs: []spec.KZGProof{proof},
				Header: []spec.PartialDataColumnHeader{{KZGCommitments: dc.KZGCommitments, SignedBlockHeader: b.header, KZGCommitmentsInclusionProof: dc.KZGCommitmentsInclusionProof}},
			}
			partial.CellsPresentBitmap.Set(0, true)
			add("partial data column sidecar", partial, func() ssz.Object { return new(spec.PartialDataColumnSidecar) },
				func(m ssz.Object, now uint64) error {
					group := &spec.PartialDataColumnGroupID{BeaconBlockRoot: blockRoot}
					return v.ValidatePartialDataColumnSidecarGossip(fork, m.(*spec.PartialDataColumnSidecar), now, group, spec.ColumnIndex(now%200))
				})
		}
	}
	return out
}
