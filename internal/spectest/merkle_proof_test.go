package spectest

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/golang/snappy"

	"github.com/quetzal-eth/quetzal/spec"
)

// merkleProofTestHeader is a BeaconBlockHeader whose tree is small enough to
// build by hand: five field chunks padded to eight leaves.
func merkleProofTestHeader() (spec.BeaconBlockHeader, [8][32]byte) {
	h := spec.BeaconBlockHeader{
		Slot: 12345, ProposerIndex: 678,
		ParentRoot: spec.Root{1, 2, 3}, StateRoot: spec.Root{4, 5, 6}, BodyRoot: spec.Root{7, 8, 9},
	}
	var leaves [8][32]byte
	binary.LittleEndian.PutUint64(leaves[0][:], uint64(h.Slot))
	binary.LittleEndian.PutUint64(leaves[1][:], uint64(h.ProposerIndex))
	leaves[2], leaves[3], leaves[4] = h.ParentRoot, h.StateRoot, h.BodyRoot
	return h, leaves
}

// merkleProofTestTree returns the nodes of the header's tree by generalized
// index (1..15), computed with sha256 directly.
func merkleProofTestTree(leaves [8][32]byte) [16][32]byte {
	var nodes [16][32]byte
	for i := range leaves {
		nodes[8+i] = leaves[i]
	}
	for g := 7; g >= 1; g-- {
		nodes[g] = sha256.Sum256(append(nodes[2*g][:], nodes[2*g+1][:]...))
	}
	return nodes
}

func merkleProofTestCase(t *testing.T, object []byte, proofYAML string) *Case {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "case_0")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "object.ssz_snappy"), snappy.Encode(nil, object), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "proof.yaml"), []byte(proofYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	return &Case{Preset: "minimal", Fork: "phase0", Runner: "merkle_proof", Handler: "single_merkle_proof",
		Suite: "BeaconBlockHeader", Name: "case_0", Dir: dir}
}

func merkleProofTestYAML(leaf [32]byte, gindex uint64, branch [][32]byte) string {
	var b strings.Builder
	fmt.Fprintf(&b, "leaf: '0x%x'\nleaf_index: %d\nbranch:\n", leaf, gindex)
	for _, r := range branch {
		fmt.Fprintf(&b, "- '0x%x'\n", r)
	}
	return b.String()
}

func TestSingleMerkleProof(t *testing.T) {
	h, leaves := merkleProofTestHeader()
	nodes := merkleProofTestTree(leaves)
	object, err := spec.Marshal(spec.Minimal().Schema(spec.Phase0), &h)
	if err != nil {
		t.Fatal(err)
	}
	branchOf := func(g uint64) [][32]byte {
		var br [][32]byte
		for ; g > 1; g >>= 1 {
			br = append(br, nodes[g^1])
		}
		return br
	}
	// body_root is field 4: generalized index 8+4.
	const bodyRoot = 12
	good := branchOf(bodyRoot)
	flipped := append([][32]byte(nil), good...)
	flipped[1][0] ^= 1

	cases := []struct {
		name   string
		yaml   string
		object []byte
		pass   bool
	}{
		{"body_root", merkleProofTestYAML(nodes[bodyRoot], bodyRoot, good), object, true},
		{"slot", merkleProofTestYAML(nodes[8], 8, branchOf(8)), object, true},
		{"inner node", merkleProofTestYAML(nodes[3], 3, branchOf(3)), object, true},
		{"wrong leaf", merkleProofTestYAML(nodes[11], bodyRoot, good), object, false},
		{"wrong index", merkleProofTestYAML(nodes[bodyRoot], 13, good), object, false},
		{"wrong branch", merkleProofTestYAML(nodes[bodyRoot], bodyRoot, flipped), object, false},
		{"short branch", merkleProofTestYAML(nodes[bodyRoot], bodyRoot, good[:2]), object, false},
		{"other object", merkleProofTestYAML(nodes[bodyRoot], bodyRoot, good), append([]byte{1}, object[1:]...), false},
		{"bad object", merkleProofTestYAML(nodes[bodyRoot], bodyRoot, good), object[1:], false},
		{"no leaf", "leaf_index: 12\nbranch: []\n", object, false},
	}
	for _, tc := range cases {
		out, err := RunCase(merkleProofTestCase(t, tc.object, tc.yaml))
		if tc.pass && out != Passed {
			t.Errorf("%s: %s: %v", tc.name, out, err)
		}
		if !tc.pass && out != Failed {
			t.Errorf("%s: %s, want failed", tc.name, out)
		}
	}

	// A container quetzal lacks is reported as not implemented.
	c := merkleProofTestCase(t, object, merkleProofTestYAML(nodes[bodyRoot], bodyRoot, good))
	c.Suite = "NoSuchContainer"
	if out, _ := RunCase(c); out != NotImplemented {
		t.Errorf("unknown container: %s", out)
	}
}
