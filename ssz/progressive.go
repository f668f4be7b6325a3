package ssz

import (
	"fmt"
)

// Progressive types (EIP-7916 lists and bitlists, EIP-7495 containers) and
// compatible unions (EIP-8016). They encode like their bounded relatives
// but merkleize onto a progressive spine: level n holds 4^(n-1) chunks,
// so a chunk keeps its generalized index as the collection grows.

// merkleizeProgressive is merkleize_progressive(chunks, num_leaves): the
// first numLeaves chunks as a binary subtree on the left, the rest
// recursively on the right, and a zero node where the data ends.
func (h *hasher) merkleizeProgressive(chunks [][32]byte, numLeaves int) [32]byte {
	if len(chunks) == 0 {
		return [32]byte{}
	}
	n := min(numLeaves, len(chunks))
	level := h.take(n)
	copy(level, chunks[:n])
	left := h.merkleize(level, uint64(numLeaves), 0)
	h.release(n)
	right := h.merkleizeProgressive(chunks[n:], numLeaves*4)
	return HashPair(left, right)
}

// ProgressiveContainer is implemented by containers with stable
// merkleization (EIP-7495). ActiveFields returns the layout: one entry per
// merkle position, 1 where a field sits (in field order) and 0 for a gap;
// it must have as many 1s as the schema has fields, end in 1, and have at
// most 256 entries.
type ProgressiveContainer interface {
	Object
	ActiveFields() []byte
}

// progressiveRoot roots the field roots of a progressive container.
func (h *hasher) progressiveRoot(fields [][32]byte, active []byte) ([32]byte, error) {
	if len(active) == 0 || len(active) > 256 || active[len(active)-1] != 1 {
		return [32]byte{}, fmt.Errorf("ssz: invalid active_fields layout %v", active)
	}
	placed := make([][32]byte, len(active))
	var word [32]byte
	next := 0
	for i, bit := range active {
		if bit == 0 {
			continue
		}
		if next >= len(fields) {
			return [32]byte{}, fmt.Errorf("ssz: active_fields has more 1s than the %d fields", len(fields))
		}
		placed[i] = fields[next]
		next++
		word[i/8] |= 1 << (i % 8)
	}
	if next != len(fields) {
		return [32]byte{}, fmt.Errorf("ssz: active_fields has %d 1s for %d fields", next, len(fields))
	}
	return HashPair(h.merkleizeProgressive(placed, 1), word), nil
}

// ProgressiveList is a list of containers without a limit (EIP-7916).
func ProgressiveList[T any, PT ptrObject[T]](c *Codec, v *[]T) {
	if c.mode != modeHash {
		objects[T, PT](c, v, maxListLen, true)
		return
	}
	if c.err != nil {
		return
	}
	g := c.h.nextField()
	roots := c.h.take(len(*v))
	c.hashElements(roots, len(*v), 0, true, 0, func(cc *Codec, i int, eg uint64) [32]byte {
		return cc.hashObjectAt(PT(&(*v)[i]), eg)
	})
	root := MixInLength(c.h.merkleizeProgressive(roots, 1), uint64(len(*v)))
	c.h.release(len(roots))
	c.h.put(root, g)
}

// ProgressiveBasicList is a list of basic values without a limit
// (EIP-7916); ProgressiveByteList is ProgressiveBasicList[uint8].
func ProgressiveBasicList[T any](c *Codec, v *[]T) {
	if c.mode != modeHash {
		BasicList(c, v, maxListLen)
		return
	}
	if c.err != nil {
		return
	}
	basicSize[T]()
	g := c.h.nextField()
	c.h.put(MixInLength(c.h.packedProgressive(asBytes(*v)), uint64(len(*v))), g)
}

// ProgressiveBitlistField is a bitlist without a limit (EIP-7916).
func ProgressiveBitlistField(c *Codec, v *Bitlist) {
	if c.mode != modeHash {
		BitlistField(c, v, maxListLen)
		return
	}
	if c.err != nil {
		return
	}
	if err := checkBitlist(*v, maxListLen); err != nil {
		c.fail(err)
		return
	}
	g := c.h.nextField()
	n := v.Len()
	raw := make([]byte, (n+7)/8)
	copy(raw, (*v)[:len(raw)])
	if n%8 != 0 {
		raw[len(raw)-1] &= byte(1<<(n%8)) - 1
	}
	c.h.put(MixInLength(c.h.packedProgressive(raw), uint64(n)), g)
}

// maxListLen bounds unlimited lists: no encoding can hold more than 2^32
// bytes, since offsets are 4 bytes.
const maxListLen = 1 << 32

func (h *hasher) packedProgressive(data []byte) [32]byte {
	n := (len(data) + 31) / 32
	chunks := h.take(n)
	copy(asBytes(chunks), data)
	if rem := len(data) % 32; rem != 0 {
		clear(chunks[n-1][rem:])
	}
	root := h.merkleizeProgressive(chunks, 1)
	h.release(n)
	return root
}

// CompatibleUnion is a compatible union field (EIP-8016): a selector from 1
// to 127 and the value of the type it selects. options returns a fresh
// value for a selector, or nil for one the union does not have.
func CompatibleUnion(c *Codec, selector *uint8, value *Object, options func(selector uint8) Object) {
	if c.err != nil {
		return
	}
	check := func(sel uint8) Object {
		if sel == 0 || sel > 127 {
			return nil
		}
		return options(sel)
	}
	switch c.mode {
	case modeSize:
		size := 1
		if *value != nil {
			f, d, _ := c.measure(*value)
			size += f + d
		}
		c.sizeField(false, size)
	case modeEncode:
		if *value == nil || check(*selector) == nil {
			c.fail(fmt.Errorf("ssz: union has no option %d", *selector))
			return
		}
		if c.phase == phaseFixed {
			f, d, _ := c.measure(*value)
			c.encodeOffset(1 + f + d)
			return
		}
		c.out = append(c.out, *selector)
		c.encodeObject(*value)
	case modeDecode:
		if c.phase == phaseFixed {
			c.readOffset()
			return
		}
		b := c.dynamicBytes()
		if len(b) == 0 {
			c.fail(fmt.Errorf("%w: union has no selector", ErrSize))
			return
		}
		obj := check(b[0])
		if obj == nil {
			c.fail(fmt.Errorf("ssz: union has no option %d", b[0]))
			return
		}
		c.decodeObject(b[1:], obj)
		*selector, *value = b[0], obj
	case modeHash:
		if *value == nil || check(*selector) == nil {
			c.fail(fmt.Errorf("ssz: union has no option %d", *selector))
			return
		}
		g := c.h.nextField()
		var sel [32]byte
		sel[0] = *selector
		c.h.put(HashPair(c.hashObjectAt(*value, 0), sel), g)
	}
}
