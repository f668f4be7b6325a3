package spectest

// The merkle_proof runner (tests/formats/merkle_proof, whose one handler,
// single_merkle_proof, has the format of
// tests/formats/light_client/single_merkle_proof.md): the suite names the
// container type, object.ssz_snappy is a value of it, and proof.yaml gives
// the node at generalized index leaf_index of the value's tree and its
// Merkle branch. The value must decode under the case's preset and fork;
// the branch we build for leaf_index must equal the one given, and the
// given branch must prove the leaf against the value's hash_tree_root
// (is_valid_merkle_branch).

import (
	"fmt"

	"github.com/quetzal-eth/quetzal/spec"
	"github.com/quetzal-eth/quetzal/ssz"
)

func init() {
	Register("merkle_proof", "single_merkle_proof", runSingleMerkleProof)
}

// merkleProofYAML is the layout of proof.yaml.
type merkleProofYAML struct {
	Leaf      *spec.Root  `yaml:"leaf"`
	LeafIndex *uint64     `yaml:"leaf_index"`
	Branch    []spec.Root `yaml:"branch"`
}

// merkleProofSpec returns the spec of a case's preset.
func merkleProofSpec(preset string) (*spec.Spec, error) {
	switch preset {
	case "mainnet":
		return spec.Mainnet(), nil
	case "minimal":
		return spec.Minimal(), nil
	}
	return nil, fmt.Errorf("merkle_proof: no preset %q", preset)
}

func runSingleMerkleProof(c *Case) error {
	sp, err := merkleProofSpec(c.Preset)
	if err != nil {
		return err
	}
	fork, err := spec.ParseForkName(c.Fork)
	if err != nil {
		return fmt.Errorf("%w: fork %q", ErrNotImplemented, c.Fork)
	}
	newObj := spec.Containers(fork)[c.Suite]
	if newObj == nil {
		return fmt.Errorf("%w: container %s at %s", ErrNotImplemented, c.Suite, fork)
	}
	schema, obj := sp.Schema(fork), newObj()

	data, err := c.ReadSSZ("object")
	if err != nil {
		return err
	}
	var proof merkleProofYAML
	if err := c.ReadYAML("proof", &proof); err != nil {
		return err
	}
	if proof.Leaf == nil || proof.LeafIndex == nil {
		return fmt.Errorf("proof.yaml: leaf or leaf_index missing")
	}
	if err := spec.Unmarshal(schema, data, obj); err != nil {
		return fmt.Errorf("decode %s of %d bytes: %w", c.Suite, len(data), err)
	}
	root, err := spec.HashTreeRoot(schema, obj)
	if err != nil {
		return fmt.Errorf("hash_tree_root: %w", err)
	}

	gindex := *proof.LeafIndex
	given := make([][32]byte, len(proof.Branch))
	for i, r := range proof.Branch {
		given[i] = r
	}
	if !ssz.VerifyProof(root, *proof.Leaf, given, gindex) {
		return fmt.Errorf("the given branch does not prove leaf %s at generalized index %d against root %s", proof.Leaf, gindex, root)
	}

	leaf, branch, err := ssz.Prove(obj, schema, gindex)
	if err != nil {
		return fmt.Errorf("prove generalized index %d: %w", gindex, err)
	}
	if leaf != *proof.Leaf {
		return fmt.Errorf("leaf at generalized index %d is %s, want %s", gindex, spec.Root(leaf), proof.Leaf)
	}
	if len(branch) != len(given) {
		return fmt.Errorf("branch has %d nodes, want %d", len(branch), len(given))
	}
	for i := range branch {
		if branch[i] != given[i] {
			return fmt.Errorf("branch node %d is %s, want %s", i, spec.Root(branch[i]), spec.Root(given[i]))
		}
	}
	return nil
}
