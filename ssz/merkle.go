package ssz

import (
	"crypto/sha256"
	"math/bits"
	"runtime"
	"sync"

	"github.com/prysmaticlabs/gohashtree"
)

// maxDepth bounds the depth of any SSZ tree this package builds (a list
// limit of 2^64 chunks).
const maxDepth = 64

// zeroHashes[i] is the root of a tree of depth i whose leaves are all zero.
var zeroHashes = func() (z [maxDepth + 1][32]byte) {
	for i := 1; i <= maxDepth; i++ {
		z[i] = sha256.Sum256(append(z[i-1][:], z[i-1][:]...))
	}
	return z
}()

// ZeroHash returns the root of a depth-d tree of zero chunks.
func ZeroHash(d int) [32]byte { return zeroHashes[d] }

// HashPair returns sha256(a || b), the parent of two tree nodes.
func HashPair(a, b [32]byte) [32]byte {
	var in [2][32]byte
	in[0], in[1] = a, b
	var out [1][32]byte
	gohashtree.HashChunks(out[:], in[:])
	return out[0]
}

// depthFor returns ceil(log2(n)), the depth of a tree with n leaves.
func depthFor(n uint64) int {
	if n <= 1 {
		return 0
	}
	return bits.Len64(n - 1)
}

// hasher holds the scratch space of one hashing walk and, when proving,
// the generalized indices wanted and the nodes found.
type hasher struct {
	chunks  [][32]byte // stack of field roots of the containers being hashed
	scratch [][32]byte

	// Proof capture. gindex is the generalized index of the value being
	// hashed (1 for the walk's root); it is tracked only when proving.
	proving    bool
	want       []uint64
	got        map[uint64][32]byte
	gindex     uint64
	fieldDepth int // depth of the current container's field tree
	fieldIndex uint64

	// cache, when set, holds the trees of the top-level container's
	// fields (HashTreeRootCached); level is the nesting depth of the
	// container being hashed (1 for the top level).
	cache *HashCache
	level int

	// layerBufs are the two buffers that large layers are hashed into
	// on several cores, in turn (see hashLayerParallel).
	layerBufs [2][][32]byte

	small [3][32]byte // smallRoot's two chunks and digest
}

// parallelLayerMin is the number of nodes of a layer above which it is
// hashed on several cores.
const parallelLayerMin = 1 << 14

// hashLayerParallel returns the parent layer of layer (of even length),
// hashed on several cores into one of h's buffers: in place, a worker
// would overwrite nodes another still reads. Workers write disjoint
// nodes, so the result does not depend on scheduling.
func (h *hasher) hashLayerParallel(layer [][32]byte, l int) [][32]byte {
	n := len(layer) / 2
	buf := &h.layerBufs[l%2]
	if cap(*buf) < n+1 {
		*buf = make([][32]byte, n+1)
	}
	out := (*buf)[: n : n+1]
	workers := runtime.GOMAXPROCS(0)
	per := (n + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := 0; lo < n; lo += per {
		hi := min(lo+per, n)
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			gohashtree.HashChunks(out[lo:hi], layer[2*lo:2*hi])
		}(lo, hi)
	}
	wg.Wait()
	return out
}

func newHasher() *hasher { return &hasher{} }

// Merkleize returns the root of chunks padded with zero chunks to limit
// leaves (merkleize in the SSZ spec). It panics if len(chunks) > limit,
// which callers rule out.
func Merkleize(chunks [][32]byte, limit uint64) [32]byte {
	h := hasher{}
	buf := append([][32]byte(nil), chunks...)
	return h.merkleize(buf, limit, 0)
}

// MixInLength returns hash(root || length as a little-endian 32-byte
// chunk), the root of a list.
func MixInLength(root [32]byte, length uint64) [32]byte {
	var l [32]byte
	putUint64(l[:], length)
	return HashPair(root, l)
}

// merkleize computes the root of chunks (overwriting them) padded to limit
// leaves. g is the generalized index of the subtree's root when proving.
func (h *hasher) merkleize(chunks [][32]byte, limit uint64, g uint64) [32]byte {
	if uint64(len(chunks)) > limit {
		panic("ssz: merkleize: more chunks than the limit")
	}
	depth := depthFor(limit)
	capture := h.proving && g != 0
	layer := chunks
	for l := 0; l < depth; l++ {
		if capture {
			h.captureLayer(g, depth, l, layer)
		}
		if len(layer) == 0 {
			// An all-zero subtree: the rest is zero hashes.
			if capture {
				for ll := l + 1; ll <= depth; ll++ {
					h.captureLayer(g, depth, ll, nil)
				}
			}
			return zeroHashes[depth]
		}
		if len(layer)%2 == 1 {
			layer = append(layer, zeroHashes[l])
		}
		n := len(layer) / 2
		if n >= parallelLayerMin && !capture {
			layer = h.hashLayerParallel(layer, l)
			continue
		}
		gohashtree.HashChunks(layer[:n], layer)
		layer = layer[:n]
	}
	var root [32]byte
	if len(layer) > 0 {
		root = layer[0]
	}
	if capture {
		h.captureLayer(g, depth, depth, layer)
	}
	return root
}

// captureLayer records the nodes of layer l (0 = leaves) of a depth-d
// subtree rooted at generalized index g that a proof wants.
func (h *hasher) captureLayer(g uint64, d, l int, layer [][32]byte) {
	up := d - l // distance from the subtree root
	for _, w := range h.want {
		dw := bits.Len64(w) - bits.Len64(g)
		if dw != up || w>>uint(dw) != g {
			continue
		}
		j := w - g<<uint(dw)
		if j < uint64(len(layer)) {
			h.got[w] = layer[j]
		} else {
			h.got[w] = zeroHashes[l]
		}
	}
}

// capture records a single node at generalized index g, if wanted.
func (h *hasher) capture(g uint64, node [32]byte) {
	if !h.proving || g == 0 {
		return
	}
	for _, w := range h.want {
		if w == g {
			h.got[w] = node
		}
	}
}

// merkleizeList merkleizes data chunks of a list or vector at generalized
// index g. mixIn is the list length, or -1 for a vector.
func (h *hasher) merkleizeList(chunks [][32]byte, limit uint64, g uint64, mixIn int) [32]byte {
	if mixIn < 0 {
		return h.merkleize(chunks, limit, g)
	}
	var dataG uint64
	if g != 0 {
		dataG = 2 * g
	}
	root := h.merkleize(chunks, limit, dataG)
	var l [32]byte
	putUint64(l[:], uint64(mixIn))
	if g != 0 {
		h.capture(2*g+1, l)
	}
	return HashPair(root, l)
}
