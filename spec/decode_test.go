package spec

import (
	"bytes"
	"errors"
	"testing"

	"github.com/quetzal-eth/quetzal/ssz"
)

// decodeTestSpec is a minimal-preset network with one fork per epoch
// (altair at epoch 1, ..., fulu at 6) and a blob-parameter-only fork at
// epoch 8.
func decodeTestSpec() *Spec {
	s := Minimal()
	for f := Altair; f <= LatestFork; f++ {
		e := Epoch(f)
		switch f {
		case Altair:
			s.AltairForkEpoch = e
		case Bellatrix:
			s.BellatrixForkEpoch = e
		case Capella:
			s.CapellaForkEpoch = e
		case Deneb:
			s.DenebForkEpoch = e
		case Electra:
			s.ElectraForkEpoch = e
		case Fulu:
			s.FuluForkEpoch = e
		}
	}
	s.BlobSchedule = []BlobScheduleEntry{{Epoch: 8, MaxBlobsPerBlock: 12}}
	return s
}

func decodeTestBlock(t *testing.T, s *Spec, slot Slot) []byte {
	t.Helper()
	f := s.ForkAtSlot(slot)
	enc, err := Marshal(s.Schema(f), blockTestSignedBlock(s.Schema(f), slot))
	if err != nil {
		t.Fatal(err)
	}
	return enc
}

func TestDecodeSignedBeaconBlockPicksForkBySlot(t *testing.T) {
	s := decodeTestSpec()
	for f := Phase0; f <= LatestFork; f++ {
		// The first and last slot of the fork's first epoch.
		for _, slot := range []Slot{Slot(f) * s.SlotsPerEpoch, Slot(f)*s.SlotsPerEpoch + s.SlotsPerEpoch - 1} {
			enc := decodeTestBlock(t, s, slot)
			b, got, err := s.DecodeSignedBeaconBlock(enc)
			if err != nil {
				t.Fatalf("slot %d: %v", slot, err)
			}
			if got != f {
				t.Errorf("slot %d: fork %s, want %s", slot, got, f)
			}
			if b.Message.Slot != slot {
				t.Errorf("slot %d: decoded slot %d", slot, b.Message.Slot)
			}
			again, err := Marshal(s.Schema(got), b)
			if err != nil || !bytes.Equal(again, enc) {
				t.Errorf("slot %d: re-encoding differs (err %v)", slot, err)
			}
		}
	}
}

func TestDecodeSignedBeaconBlockRejectsMalformed(t *testing.T) {
	s := decodeTestSpec()
	good := decodeTestBlock(t, s, 3)
	badOffset := append([]byte(nil), good...)
	badOffset[0] = 99
	// A phase0 block whose slot says electra.
	wrongFork := append([]byte(nil), good...)
	wrongFork[signedBlockFixedSize] = byte(5 * s.SlotsPerEpoch)
	cases := map[string]struct {
		data []byte
		want error
	}{
		"empty":      {nil, ssz.ErrSize},
		"no slot":    {good[:signedBlockFixedSize+7], ssz.ErrSize},
		"bad offset": {badOffset, ssz.ErrOffset},
		"truncated":  {good[:len(good)-1], nil},
		"wrong fork": {wrongFork, nil},
	}
	for name, tc := range cases {
		b, _, err := s.DecodeSignedBeaconBlock(tc.data)
		if err == nil || b != nil {
			t.Errorf("%s: decoded without error", name)
			continue
		}
		if tc.want != nil && !errors.Is(err, tc.want) {
			t.Errorf("%s: err %v, want %v", name, err, tc.want)
		}
	}
}

func TestForkByDigest(t *testing.T) {
	s := decodeTestSpec()
	gvr := Root{0x42}
	seen := map[ForkDigest]bool{}
	for f := Phase0; f <= LatestFork; f++ {
		d := s.ComputeForkDigest(gvr, s.ForkEpoch(f))
		seen[d] = true
		got, ok := s.ForkByDigest(d, gvr)
		if !ok || got != f {
			t.Errorf("%s digest %s: got %s %v", f, d, got, ok)
		}
	}
	bpo := s.ComputeForkDigest(gvr, 8)
	if seen[bpo] {
		t.Fatalf("blob-parameter fork digest %s repeats a fork's", bpo)
	}
	if got, ok := s.ForkByDigest(bpo, gvr); !ok || got != Fulu {
		t.Errorf("blob-parameter digest: got %s %v, want fulu", got, ok)
	}
	// Another genesis validators root is another network.
	if _, ok := s.ForkByDigest(s.ComputeForkDigest(Root{0x43}, 0), gvr); ok {
		t.Error("digest of another network was recognised")
	}
	// A fork scheduled at the same epoch as the next one is never active,
	// so no digest names it.
	s2 := decodeTestSpec()
	s2.AltairForkEpoch, s2.BellatrixForkEpoch = 2, 2
	for f := Phase0; f <= LatestFork; f++ {
		got, ok := s2.ForkByDigest(s2.ComputeForkDigest(gvr, s2.ForkEpoch(f)), gvr)
		if !ok || got == Altair {
			t.Errorf("co-scheduled forks: %s digest gave %s %v", f, got, ok)
		}
	}
}

func TestDecodeSignedBeaconBlockWithDigest(t *testing.T) {
	s := decodeTestSpec()
	gvr := Root{0x42}
	for f := Phase0; f <= LatestFork; f++ {
		slot := Slot(f)*s.SlotsPerEpoch + 1
		enc := decodeTestBlock(t, s, slot)
		d := s.ComputeForkDigest(gvr, Epoch(f))
		b, got, err := s.DecodeSignedBeaconBlockWithDigest(enc, d, gvr)
		if err != nil || got != f || b.Message.Slot != slot {
			t.Fatalf("%s: got %s, err %v", f, got, err)
		}
		if f > Phase0 {
			// The previous fork's digest does not fit this slot.
			prev := s.ComputeForkDigest(gvr, Epoch(f-1))
			if _, _, err := s.DecodeSignedBeaconBlockWithDigest(enc, prev, gvr); !errors.Is(err, ErrForkDigestMismatch) {
				t.Errorf("%s block with %s digest: err %v", f, f-1, err)
			}
		}
	}
	// Within fulu, a block before the blob-parameter fork must come with
	// fulu's first digest, and one after it with the new digest.
	early := decodeTestBlock(t, s, 7*s.SlotsPerEpoch)
	late := decodeTestBlock(t, s, 8*s.SlotsPerEpoch)
	fuluDigest, bpoDigest := s.ComputeForkDigest(gvr, 6), s.ComputeForkDigest(gvr, 8)
	if _, f, err := s.DecodeSignedBeaconBlockWithDigest(late, bpoDigest, gvr); err != nil || f != Fulu {
		t.Errorf("late fulu block: %s %v", f, err)
	}
	if _, _, err := s.DecodeSignedBeaconBlockWithDigest(early, bpoDigest, gvr); !errors.Is(err, ErrForkDigestMismatch) {
		t.Errorf("early fulu block with later digest: err %v", err)
	}
	if _, _, err := s.DecodeSignedBeaconBlockWithDigest(late, fuluDigest, gvr); !errors.Is(err, ErrForkDigestMismatch) {
		t.Errorf("late fulu block with earlier digest: err %v", err)
	}
	if _, _, err := s.DecodeSignedBeaconBlockWithDigest(late, ForkDigest{1, 2, 3, 4}, gvr); !errors.Is(err, ErrUnknownForkDigest) {
		t.Errorf("unknown digest: err %v", err)
	}
}
