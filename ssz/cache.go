package ssz

import (
	"bytes"
	"reflect"
	"runtime"
	"slices"
	"sync"
	"unsafe"

	"github.com/prysmaticlabs/gohashtree"
)

// HashCache keeps the Merkle trees of the large list and vector fields of
// one top-level container between calls of HashTreeRootCached, so that a
// call re-hashes only what changed since the previous call with the same
// cache. The caller keeps it beside the object (a beacon state, say) and
// passes it explicitly; the zero value is an empty cache.
//
// The cache never trusts the caller to say what changed: it compares the
// new contents with a copy of what it hashed last time. Packed basic
// sequences and sequences of 32-byte arrays are compared chunk by chunk
// with the tree's leaves; sequences of containers whose Go type holds no
// pointers (Validator, say) are compared element by element with a copy of
// their memory, and only the roots of changed elements are recomputed.
// Then only the paths from changed leaves to the root are re-hashed. So
// the answer is always HashTreeRoot's, whatever object the cache is used
// with, and a cache may be moved to another object (of another length,
// say) at the cost of more hashing.
//
// Fields are keyed by position in the container; a field whose kind,
// limit or element type differs from what the cache holds at that position
// starts afresh. Nested containers and small fields are recomputed.
//
// A HashCache must not be used by two calls at once. It holds about the
// size of the cached fields again (one copy of their elements and their
// trees).
type HashCache struct {
	ctx    any
	fields []*fieldCache
	// hints holds the hints of the call in progress (HashTreeRootHinted),
	// by field position.
	hints map[int][]int
}

// Hint tells HashTreeRootHinted which elements of one list or vector field
// of the top-level container may differ from what the cache holds, that
// is, from the values of the previous call with the same cache: every
// other element of that field is taken to be unchanged, without looking
// at it. Elements beyond the cached length are always hashed. An empty
// hint says that the field did not change.
type Hint struct {
	Field    int   // position of the field in the container, from 0
	Elements []int // indices of the elements that may have changed; any order, repeats allowed
}

// HashTreeRootCached returns obj's hash_tree_root, as HashTreeRoot does,
// using and updating cache (see HashCache). A nil cache hashes afresh.
func HashTreeRootCached(obj Object, ctx any, cache *HashCache) ([32]byte, error) {
	if cache == nil {
		return HashTreeRoot(obj, ctx)
	}
	// Element roots depend on the context only through the schema; a
	// different context could give the same Go type another schema.
	if !reflect.DeepEqual(ctx, cache.ctx) {
		cache.fields, cache.ctx = nil, ctx
	}
	c := Codec{mode: modeHash, ctx: ctx, h: &hasher{cache: cache}}
	root := c.hashObjectAt(obj, 0)
	if c.err != nil {
		// A walk stopped halfway may leave a field's tree half updated.
		cache.fields = nil
	}
	return root, c.err
}

// HashTreeRootHinted is HashTreeRootCached for a caller that knows what
// changed: a field named by a hint is compared only at the hinted
// elements, which saves reading a large list (the validator registry, say)
// whose few changes the caller tracked. The root is HashTreeRoot's only
// if the hints are complete, that is, if every element of a hinted field
// that is not hinted still equals its value at the previous call with
// this cache; the caller must keep that promise (HashCache never trusts a
// caller otherwise). Hints for fields the cache does not hold yet, and for
// elements whose type holds pointers, are ignored.
func HashTreeRootHinted(obj Object, ctx any, cache *HashCache, hints ...Hint) ([32]byte, error) {
	if cache == nil || len(hints) == 0 {
		return HashTreeRootCached(obj, ctx, cache)
	}
	cache.hints = make(map[int][]int, len(hints))
	for _, h := range hints {
		cache.hints[h.Field] = append(cache.hints[h.Field], h.Elements...)
	}
	defer func() { cache.hints = nil }()
	return HashTreeRootCached(obj, ctx, cache)
}

type cacheKind uint8

const (
	kindPacked   cacheKind = iota + 1 // leaves are the field's bytes, packed
	kindElements                      // leaves are element roots
)

// fieldKey says what a cached field holds; a field whose key changes is
// hashed afresh.
type fieldKey struct {
	kind  cacheKind
	limit uint64 // in leaves
	elem  reflect.Type
}

type fieldCache struct {
	key  fieldKey
	tree merkleCache
	// prev is the memory of the elements last hashed, for kindElements
	// fields whose element type holds no pointers.
	prev []byte
	// hint, when hinted, lists the only elements that may have changed
	// since the previous call (HashTreeRootHinted); set for one call.
	hint   []int
	hinted bool
}

// cachedField returns the cache of the field about to be hashed, or nil if
// it is not a field of the top-level container of a cached walk.
func (h *hasher) cachedField(key fieldKey) *fieldCache {
	if h.cache == nil || h.level != 1 || h.proving {
		return nil
	}
	pos := len(h.chunks) // the top-level container's field roots start at 0
	cc := h.cache
	for len(cc.fields) <= pos {
		cc.fields = append(cc.fields, nil)
	}
	fc := cc.fields[pos]
	if fc == nil || fc.key != key {
		fc = &fieldCache{key: key}
		cc.fields[pos] = fc
	}
	fc.hint, fc.hinted = cc.hints[pos]
	return fc
}

// span is a half-open range [lo, hi) of node indices in one tree layer.
type span struct{ lo, hi int }

func appendSpan(s []span, lo, hi int) []span {
	if lo >= hi {
		return s
	}
	if n := len(s); n > 0 && s[n-1].hi >= lo {
		s[n-1].hi = max(s[n-1].hi, hi)
		return s
	}
	return append(s, span{lo, hi})
}

// merkleCache holds every layer of a tree's used part: layers[0] are the
// leaves and each next layer has ceil(len/2) nodes, up to a single node.
// Subtrees beyond the last leaf are zero and not stored.
type merkleCache struct {
	layers [][][32]byte
}

func (t *merkleCache) leafCount() int {
	if len(t.layers) == 0 {
		return 0
	}
	return len(t.layers[0])
}

// resize gives the tree n leaves, keeping the prefix of every layer, and
// returns the spans of leaves whose paths must be re-hashed because of
// the change in length: the new leaves, or the new last leaf, whose right
// neighbours are gone. The contents of new leaves are left to the caller.
func (t *merkleCache) resize(n int) (old int, dirty []span) {
	old = t.leafCount()
	if n == 0 {
		t.layers = t.layers[:0]
		return old, nil
	}
	depth := depthFor(uint64(n))
	for len(t.layers) < depth+1 {
		t.layers = append(t.layers, nil)
	}
	t.layers = t.layers[:depth+1]
	m := n
	for k := range t.layers {
		t.layers[k] = growChunks(t.layers[k], m)
		m = (m + 1) / 2
	}
	switch {
	case n > old:
		dirty = append(dirty, span{old, n})
	case n < old:
		dirty = append(dirty, span{n - 1, n})
	}
	return old, dirty
}

// growChunks returns s with length n, keeping its prefix.
func growChunks(s [][32]byte, n int) [][32]byte {
	if n <= cap(s) {
		return s[:n]
	}
	grown := make([][32]byte, n, n+n/8)
	copy(grown, s)
	return grown
}

// root re-hashes the paths above the dirty leaves and returns the root of
// the tree padded to 2^depth leaves.
func (t *merkleCache) root(dirty []span, depth int) [32]byte {
	if len(t.layers) == 0 {
		return zeroHashes[depth]
	}
	for k := 0; k+1 < len(t.layers); k++ {
		var up []span
		for _, s := range dirty {
			up = appendSpan(up, s.lo/2, (s.hi+1)/2)
		}
		hashSpans(t.layers[k+1], t.layers[k], up, zeroHashes[k])
		dirty = up
	}
	r := t.layers[len(t.layers)-1][0]
	for l := len(t.layers) - 1; l < depth; l++ {
		r = HashPair(r, zeroHashes[l])
	}
	return r
}

// cacheParallelMin is the number of nodes of a layer to re-hash above
// which the work is shared between cores. Workers write disjoint nodes,
// so the result does not depend on scheduling.
const cacheParallelMin = 1024

// hashSpans sets dst[p] to the hash of src[2p] and src[2p+1] (zero beyond
// src's end) for every p in spans.
func hashSpans(dst, src [][32]byte, spans []span, zero [32]byte) {
	total := 0
	for _, s := range spans {
		total += s.hi - s.lo
	}
	workers := runtime.GOMAXPROCS(0)
	if total < cacheParallelMin || workers == 1 {
		hashSpansSeq(dst, src, spans, zero)
		return
	}
	per := (total + workers - 1) / workers
	var wg sync.WaitGroup
	var part []span
	quota := per
	flush := func() {
		if len(part) == 0 {
			return
		}
		wg.Add(1)
		go func(p []span) {
			defer wg.Done()
			hashSpansSeq(dst, src, p, zero)
		}(part)
		part, quota = nil, per
	}
	for _, s := range spans {
		for s.lo < s.hi {
			take := min(s.hi-s.lo, quota)
			part = append(part, span{s.lo, s.lo + take})
			s.lo += take
			quota -= take
			if quota == 0 {
				flush()
			}
		}
	}
	flush()
	wg.Wait()
}

// gatherBatch is how many scattered pairs are gathered before hashing
// them in one call: one call per pair would cost more than the hash.
const gatherBatch = 256

func hashSpansSeq(dst, src [][32]byte, spans []span, zero [32]byte) {
	var in [2 * gatherBatch][32]byte
	var out [gatherBatch][32]byte
	var at [gatherBatch]int
	n := 0
	flush := func() {
		if n == 0 {
			return
		}
		gohashtree.HashChunks(out[:n], in[:2*n])
		for i := 0; i < n; i++ {
			dst[at[i]] = out[i]
		}
		n = 0
	}
	for _, s := range spans {
		lo, hi := s.lo, s.hi
		if 2*hi > len(src) {
			// The last node has no right child.
			hi--
			dst[hi] = HashPair(src[2*hi], zero)
		}
		if hi-lo >= 16 {
			gohashtree.HashChunks(dst[lo:hi], src[2*lo:2*hi])
			continue
		}
		for p := lo; p < hi; p++ {
			in[2*n], in[2*n+1] = src[2*p], src[2*p+1]
			at[n] = p
			n++
			if n == gatherBatch {
				flush()
			}
		}
	}
	flush()
}

// packedRootCached is packedRoot for a cached field of elements of
// elemSize bytes: data's chunks are compared with the cached leaves (only
// those of hinted elements, and from the last cached chunk on, if the
// field is hinted) and only changed paths are re-hashed.
func (fc *fieldCache) packedRoot(data []byte, elemSize int, limitBytes uint64, mixIn int) [32]byte {
	n := (len(data) + 31) / 32
	t := &fc.tree
	old, dirty := t.resize(n)
	full := len(data) / 32
	var leaves [][32]byte
	if n > 0 {
		leaves = t.layers[0]
	}
	same := min(old, full)
	var changed []span
	// compare compares the whole chunks [lo, hi) the tree already had, in
	// blocks, updating the leaves that differ.
	compare := func(lo, hi int) (changed []span) {
		const block = 64
		for ; lo < hi; lo += block {
			e := min(lo+block, hi)
			if bytes.Equal(asBytes(leaves[lo:e]), data[lo*32:e*32]) {
				continue
			}
			src := asChunks(data[lo*32 : e*32])
			for i := lo; i < e; i++ {
				if leaves[i] != src[i-lo] {
					leaves[i] = src[i-lo]
					changed = appendSpan(changed, i, i+1)
				}
			}
		}
		return changed
	}
	if fc.hinted && old > 0 {
		// The last cached chunk may have been partial: compare it and
		// what follows, and before it only the chunks of hinted elements.
		tail := min(old-1, same)
		var chunks []int
		for _, e := range fc.hint {
			if ch := e * elemSize / 32; e >= 0 && ch < tail {
				chunks = append(chunks, ch)
			}
		}
		slices.Sort(chunks)
		for _, ch := range slices.Compact(chunks) {
			for _, s := range compare(ch, ch+1) {
				changed = appendSpan(changed, s.lo, s.hi)
			}
		}
		for _, s := range compare(tail, same) {
			changed = appendSpan(changed, s.lo, s.hi)
		}
	} else {
		// A large field is compared on several cores, in ranges whose
		// leaves are disjoint.
		parts := 1
		if same >= cacheParallelMin*4 {
			parts = runtime.GOMAXPROCS(0)
		}
		found := make([][]span, parts)
		var wg sync.WaitGroup
		for p := range parts {
			wg.Go(func() { found[p] = compare(same*p/parts, same*(p+1)/parts) })
		}
		wg.Wait()
		for _, part := range found {
			for _, s := range part {
				changed = appendSpan(changed, s.lo, s.hi)
			}
		}
	}
	// Chunks the tree did not have.
	if full > old {
		copy(asBytes(leaves[old:full]), data[old*32:full*32])
	}
	if full < n {
		var last [32]byte
		copy(last[:], data[full*32:])
		if full >= old || leaves[full] != last {
			leaves[full] = last
			changed = appendSpan(changed, full, full+1)
		}
	}
	root := t.root(mergeSpans(changed, dirty), depthFor((limitBytes+31)/32))
	if mixIn < 0 {
		return root
	}
	return MixInLength(root, uint64(mixIn))
}

// asChunks views b, a whole number of chunks, as chunks.
func asChunks(b []byte) [][32]byte {
	return unsafe.Slice((*[32]byte)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/32)
}

// mergeSpans merges two sorted span lists.
func mergeSpans(a, b []span) []span {
	if len(b) == 0 {
		return a
	}
	if len(a) == 0 {
		return b
	}
	var out []span
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		if j == len(b) || (i < len(a) && a[i].lo <= b[j].lo) {
			out = appendSpan(out, a[i].lo, a[i].hi)
			i++
		} else {
			out = appendSpan(out, b[j].lo, b[j].hi)
			j++
		}
	}
	return out
}

// pointerFree reports whether t's values hold no pointers, so that two
// values with the same memory are the same value.
func pointerFree(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return true
	case reflect.Array:
		return t.Len() == 0 || pointerFree(t.Elem())
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			if !pointerFree(t.Field(i).Type) {
				return false
			}
		}
		return true
	}
	return false
}

// elementsRoot is the cached root of a sequence of count composite
// elements of type T (of elemSize bytes in memory, raw its memory when T
// holds no pointers, nil otherwise) padded to limit leaves. root computes
// element i's root with a Codec of the calling goroutine.
//
// static, when not nil, describes the elements as static containers, whose
// changed elements are then merkleized in blocks (hashStaticElements).
func (c *Codec) elementsRootCached(fc *fieldCache, raw []byte, count, elemSize int, limit uint64, mixIn int,
	root func(cc *Codec, i int) [32]byte, static *staticSchema) [32]byte {
	if raw == nil {
		// Elements may share memory with other values: recompute their
		// roots, and let the leaf comparison find what changed.
		roots := make([][32]byte, count)
		c.hashElements(roots, count, limit, mixIn >= 0, 0, func(cc *Codec, i int, _ uint64) [32]byte { return root(cc, i) })
		if c.err != nil {
			return [32]byte{}
		}
		fc.hinted = false // the roots were all recomputed
		r := fc.packedRoot(asBytes(roots), 32, limit*32, -1)
		if mixIn >= 0 {
			r = MixInLength(r, uint64(mixIn))
		}
		return r
	}
	t := &fc.tree
	old, dirty := t.resize(count)
	if len(fc.prev) != len(raw) {
		if cap(fc.prev) >= len(raw) {
			fc.prev = fc.prev[:len(raw)]
		} else {
			grown := make([]byte, len(raw), len(raw)+len(raw)/8)
			copy(grown, fc.prev)
			fc.prev = grown
		}
	}
	var leaves [][32]byte
	if count > 0 {
		leaves = t.layers[0]
	}
	same := min(old, count)
	// Each worker compares its share of the elements with their previous
	// copies and recomputes the roots of those that differ or are new.
	scan := func(cc *Codec, lo, hi int) (changed []span) {
		var pending []int // changed static elements whose roots are due
		var buf [][32]byte
		flush := func() {
			if len(pending) == 0 {
				return
			}
			if buf == nil {
				buf = make([][32]byte, staticBlock*staticWidth(static.k))
			}
			cc.staticRoots(len(pending), func(j int) int { return pending[j] },
				func(j int) *[32]byte { return &leaves[pending[j]] }, static.k, static.fields, buf)
			pending = pending[:0]
		}
		const block = 32
		for b := lo; b < hi && cc.err == nil; b += block {
			e := min(b+block, hi)
			if e <= same && bytes.Equal(raw[b*elemSize:e*elemSize], fc.prev[b*elemSize:e*elemSize]) {
				continue
			}
			for i := b; i < e && cc.err == nil; i++ {
				cur := raw[i*elemSize : (i+1)*elemSize]
				if i < same && bytes.Equal(cur, fc.prev[i*elemSize:(i+1)*elemSize]) {
					continue
				}
				if static != nil {
					pending = append(pending, i)
					if len(pending) == staticBlock {
						flush()
					}
				} else {
					leaves[i] = root(cc, i)
				}
				copy(fc.prev[i*elemSize:], cur)
				changed = appendSpan(changed, i, i+1)
			}
		}
		flush()
		return changed
	}
	var changed []span
	if fc.hinted {
		// Only the hinted elements and the new ones need a look.
		// Only the hinted elements and the new ones need a look; spans
		// come in ascending order.
		idx := slices.Clone(fc.hint)
		slices.Sort(idx)
		var found [][]span
		for _, i := range slices.Compact(idx) {
			if i >= 0 && i < same {
				found = append(found, scan(c, i, i+1))
			}
		}
		if count > same {
			found = append(found, scan(c, same, count))
		}
		for _, part := range found {
			for _, s := range part {
				changed = appendSpan(changed, s.lo, s.hi)
			}
		}
	} else {
		parts := make([][]span, partsFor(count))
		c.parallel(count, func(cc *Codec, p, lo, hi int) { parts[p] = scan(cc, lo, hi) })
		for _, part := range parts {
			for _, s := range part {
				changed = appendSpan(changed, s.lo, s.hi)
			}
		}
	}
	if c.err != nil {
		return [32]byte{}
	}
	r := t.root(mergeSpans(changed, dirty), depthFor(limit))
	if mixIn >= 0 {
		r = MixInLength(r, uint64(mixIn))
	}
	return r
}

// staticSchema describes the elements of a sequence of static containers
// for staticRoots: k fields each, pushed by fields.
type staticSchema struct {
	k      int
	fields func(cc *Codec, i int)
}

// rawElements returns the memory of the elements of s if T holds no
// pointers, nil otherwise, and T's size.
func rawElements[T any](s []T) ([]byte, int) {
	size := int(unsafe.Sizeof(*new(T)))
	if !pointerFree(reflect.TypeFor[T]()) {
		return nil, size
	}
	if len(s) == 0 {
		return []byte{}, size
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*size), size
}
