package ssz

import (
	"errors"
	"fmt"
)

// ErrProof reports a generalized index that the object's tree does not
// have as a node (beyond a list's limit, or inside a packed chunk).
var ErrProof = errors.New("ssz: no such node for a proof")

// Prove returns the node at generalized index gindex of obj's tree (the
// leaf) and the branch that proves it against obj's hash_tree_root: the
// sibling of each node on the path from the leaf up, leaf's sibling first,
// as is_valid_merkle_branch takes them.
func Prove(obj Object, ctx any, gindex uint64) (leaf [32]byte, branch [][32]byte, err error) {
	if gindex == 0 {
		return leaf, nil, fmt.Errorf("%w: generalized index 0", ErrProof)
	}
	want := []uint64{gindex}
	for g := gindex; g > 1; g >>= 1 {
		want = append(want, g^1)
	}
	h := &hasher{proving: true, want: want, got: map[uint64][32]byte{}}
	c := Codec{mode: modeHash, ctx: ctx, h: h}
	c.hashObjectAt(obj, 1)
	if c.err != nil {
		return leaf, nil, c.err
	}
	for _, w := range want {
		if _, ok := h.got[w]; !ok {
			return leaf, nil, fmt.Errorf("%w: generalized index %d", ErrProof, w)
		}
	}
	for _, w := range want[1:] {
		branch = append(branch, h.got[w])
	}
	return h.got[gindex], branch, nil
}

// VerifyProof reports whether branch proves leaf at generalized index
// gindex against root.
func VerifyProof(root, leaf [32]byte, branch [][32]byte, gindex uint64) bool {
	if gindex == 0 {
		return false
	}
	node := leaf
	for _, sib := range branch {
		if gindex <= 1 {
			return false
		}
		if gindex%2 == 0 {
			node = HashPair(node, sib)
		} else {
			node = HashPair(sib, node)
		}
		gindex >>= 1
	}
	return gindex == 1 && node == root
}
