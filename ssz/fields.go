package ssz

import (
	"encoding/binary"
	"fmt"
	"reflect"
	"unsafe"

	"github.com/prysmaticlabs/gohashtree"
)

// This file holds the field functions a schema's DefineSSZ calls, one per
// SSZ kind. Each one works in every mode: it adds its size, writes or reads
// its bytes in the right phase of the container's encoding, or pushes its
// hash_tree_root onto the container's field roots.

// Uint8 is a uint8 field.
func Uint8[T ~uint8](c *Codec, v *T) {
	if c.err != nil {
		return
	}
	switch c.mode {
	case modeSize:
		c.sizeField(true, 1)
	case modeEncode:
		if c.phase == phaseFixed {
			c.out = append(c.out, byte(*v))
		}
	case modeDecode:
		if c.phase == phaseFixed {
			if b := c.readFixed(1); b != nil {
				*v = T(b[0])
			}
		}
	case modeHash:
		var r [32]byte
		r[0] = byte(*v)
		c.h.put(r, c.h.nextField())
	}
}

// Uint16 is a uint16 field.
func Uint16[T ~uint16](c *Codec, v *T) { uintField(c, v, 2) }

// Uint32 is a uint32 field.
func Uint32[T ~uint32](c *Codec, v *T) { uintField(c, v, 4) }

// Uint64 is a uint64 field.
func Uint64[T ~uint64](c *Codec, v *T) { uintField(c, v, 8) }

func uintField[T ~uint16 | ~uint32 | ~uint64](c *Codec, v *T, n int) {
	if c.err != nil {
		return
	}
	switch c.mode {
	case modeSize:
		c.sizeField(true, n)
	case modeEncode:
		if c.phase == phaseFixed {
			switch n {
			case 8:
				c.out = binary.LittleEndian.AppendUint64(c.out, uint64(*v))
			case 4:
				c.out = binary.LittleEndian.AppendUint32(c.out, uint32(*v))
			default:
				c.out = binary.LittleEndian.AppendUint16(c.out, uint16(*v))
			}
		}
	case modeDecode:
		if c.phase == phaseFixed {
			if b := c.readFixed(n); b != nil {
				switch n {
				case 8:
					*v = T(binary.LittleEndian.Uint64(b))
				case 4:
					*v = T(binary.LittleEndian.Uint32(b))
				default:
					*v = T(binary.LittleEndian.Uint16(b))
				}
			}
		}
	case modeHash:
		// The bytes above n are zero: T has n bytes.
		var r [32]byte
		binary.LittleEndian.PutUint64(r[:8], uint64(*v))
		c.h.put(r, c.h.nextField())
	}
}

// Bool is a boolean field; decoding rejects any byte other than 0 or 1.
func Bool[T ~bool](c *Codec, v *T) {
	if c.err != nil {
		return
	}
	switch c.mode {
	case modeSize:
		c.sizeField(true, 1)
	case modeEncode:
		if c.phase == phaseFixed {
			if *v {
				c.out = append(c.out, 1)
			} else {
				c.out = append(c.out, 0)
			}
		}
	case modeDecode:
		if c.phase == phaseFixed {
			if b := c.readFixed(1); b != nil {
				if b[0] > 1 {
					c.fail(fmt.Errorf("%w: %#x", ErrBool, b[0]))
					return
				}
				*v = b[0] == 1
			}
		}
	case modeHash:
		var r [32]byte
		if *v {
			r[0] = 1
		}
		c.h.put(r, c.h.nextField())
	}
}

// Bytes is a fixed-length byte vector field, passed as a slice of the Go
// array that holds it (ssz.Bytes(c, b.Root[:])). It also serves uint128 and
// uint256 values held as little-endian byte arrays: their encodings and
// roots are the same.
func Bytes(c *Codec, v []byte) {
	if c.err != nil {
		return
	}
	switch c.mode {
	case modeSize:
		c.sizeField(true, len(v))
	case modeEncode:
		if c.phase == phaseFixed {
			c.out = append(c.out, v...)
		}
	case modeDecode:
		if c.phase == phaseFixed {
			if b := c.readFixed(len(v)); b != nil {
				copy(v, b)
			}
		}
	case modeHash:
		g := c.h.nextField()
		if g == 0 && len(v) <= 64 {
			c.h.put(c.h.smallRoot(v), g)
			return
		}
		c.h.put(c.h.packedRoot(v, uint64(len(v)), -1, g), g)
	}
}

// smallRoot is the root of a byte vector of at most two chunks (a root,
// a public key), without packedRoot's scratch space. It works in the
// hasher's buffer: arrays on the stack would escape into the hash call.
func (h *hasher) smallRoot(v []byte) [32]byte {
	buf := &h.small
	if len(v) <= 32 {
		var r [32]byte
		copy(r[:], v)
		return r
	}
	copy(buf[0][:], v)
	clear(buf[1][len(v)-32:])
	copy(buf[1][:], v[32:])
	gohashtree.HashChunks(buf[2:3], buf[:2])
	return buf[2]
}

// ByteVector is a byte vector whose length n is known only at run time
// (a blob's length depends on the preset, say).
func ByteVector(c *Codec, v *[]byte, n int) {
	if c.err != nil {
		return
	}
	switch c.mode {
	case modeSize:
		c.sizeField(true, n)
	case modeEncode:
		if c.phase == phaseFixed {
			if len(*v) != n {
				c.fail(fmt.Errorf("%w: byte vector has %d bytes, want %d", ErrVector, len(*v), n))
				return
			}
			c.out = append(c.out, *v...)
		}
	case modeDecode:
		if c.phase == phaseFixed {
			if b := c.readFixed(n); b != nil {
				*v = append((*v)[:0], b...)
			}
		}
	case modeHash:
		if len(*v) != n {
			c.fail(fmt.Errorf("%w: byte vector has %d bytes, want %d", ErrVector, len(*v), n))
			return
		}
		g := c.h.nextField()
		c.h.put(c.h.packedRoot(*v, uint64(n), -1, g), g)
	}
}

// ByteList is a variable-length byte list of at most limit bytes.
func ByteList(c *Codec, v *[]byte, limit int) {
	if c.err != nil {
		return
	}
	switch c.mode {
	case modeSize:
		c.sizeField(false, len(*v))
	case modeEncode:
		if len(*v) > limit {
			c.fail(fmt.Errorf("%w: %d bytes, limit %d", ErrLimit, len(*v), limit))
			return
		}
		if c.phase == phaseFixed {
			c.encodeOffset(len(*v))
		} else {
			c.out = append(c.out, *v...)
		}
	case modeDecode:
		if c.phase == phaseFixed {
			c.readOffset()
			return
		}
		b := c.dynamicBytes()
		if len(b) > limit {
			c.fail(fmt.Errorf("%w: %d bytes, limit %d", ErrLimit, len(b), limit))
			return
		}
		*v = append(make([]byte, 0, len(b)), b...)
	case modeHash:
		if len(*v) > limit {
			c.fail(fmt.Errorf("%w: %d bytes, limit %d", ErrLimit, len(*v), limit))
			return
		}
		g := c.h.nextField()
		c.h.put(c.h.packedRoot(*v, uint64(limit), len(*v), g), g)
	}
}

// basicSize returns the size of T if T is an SSZ basic type held the way
// this package expects: an unsigned integer, a bool, or a byte array
// holding a little-endian uint128 or uint256.
func basicSize[T any]() (size int, isBool bool) {
	t := reflect.TypeFor[T]()
	switch t.Kind() {
	case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return int(t.Size()), false
	case reflect.Bool:
		return 1, true
	case reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 && (t.Len() == 16 || t.Len() == 32) {
			return t.Len(), false
		}
	}
	panic(fmt.Sprintf("ssz: %v is not a basic type", t))
}

// asBytes views a slice of basic values as its little-endian encoding.
// quetzal supports little-endian CPUs only (see endian.go).
func asBytes[T any](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(s[0])))
}

// fromBytes decodes the encoding of len(b)/size basic values.
func fromBytes[T any](b []byte, size int, isBool bool) ([]T, error) {
	if isBool {
		for _, x := range b {
			if x > 1 {
				return nil, fmt.Errorf("%w: %#x", ErrBool, x)
			}
		}
	}
	out := make([]T, len(b)/size)
	copy(asBytes(out), b)
	return out, nil
}

// BasicVector is a vector of n basic values (unsigned integers, bools, or
// little-endian uint128/uint256 byte arrays), packed into chunks.
func BasicVector[T any](c *Codec, v *[]T, n int) {
	if c.err != nil {
		return
	}
	size, isBool := basicSize[T]()
	switch c.mode {
	case modeSize:
		c.sizeField(true, n*size)
	case modeEncode:
		if c.phase == phaseFixed {
			if len(*v) != n {
				c.fail(fmt.Errorf("%w: %d elements, want %d", ErrVector, len(*v), n))
				return
			}
			c.out = append(c.out, asBytes(*v)...)
		}
	case modeDecode:
		if c.phase == phaseFixed {
			if b := c.readFixed(n * size); b != nil {
				out, err := fromBytes[T](b, size, isBool)
				if err != nil {
					c.fail(err)
					return
				}
				*v = out
			}
		}
	case modeHash:
		if len(*v) != n {
			c.fail(fmt.Errorf("%w: %d elements, want %d", ErrVector, len(*v), n))
			return
		}
		g := c.h.nextField()
		if fc := c.h.cachedField(fieldKey{kindPacked, uint64((n*size + 31) / 32), nil}); fc != nil {
			c.h.put(fc.packedRoot(asBytes(*v), size, uint64(n*size), -1), g)
			return
		}
		c.h.put(c.h.packedRoot(asBytes(*v), uint64(n*size), -1, g), g)
	}
}

// BasicList is a list of at most limit basic values, packed into chunks.
func BasicList[T any](c *Codec, v *[]T, limit int) {
	if c.err != nil {
		return
	}
	size, isBool := basicSize[T]()
	switch c.mode {
	case modeSize:
		c.sizeField(false, len(*v)*size)
	case modeEncode:
		if len(*v) > limit {
			c.fail(fmt.Errorf("%w: %d elements, limit %d", ErrLimit, len(*v), limit))
			return
		}
		if c.phase == phaseFixed {
			c.encodeOffset(len(*v) * size)
		} else {
			c.out = append(c.out, asBytes(*v)...)
		}
	case modeDecode:
		if c.phase == phaseFixed {
			c.readOffset()
			return
		}
		b := c.dynamicBytes()
		if len(b)%size != 0 {
			c.fail(fmt.Errorf("%w: %d bytes is not a whole number of %d-byte elements", ErrSize, len(b), size))
			return
		}
		if len(b)/size > limit {
			c.fail(fmt.Errorf("%w: %d elements, limit %d", ErrLimit, len(b)/size, limit))
			return
		}
		out, err := fromBytes[T](b, size, isBool)
		if err != nil {
			c.fail(err)
			return
		}
		*v = out
	case modeHash:
		if len(*v) > limit {
			c.fail(fmt.Errorf("%w: %d elements, limit %d", ErrLimit, len(*v), limit))
			return
		}
		g := c.h.nextField()
		if fc := c.h.cachedField(fieldKey{kindPacked, uint64((limit*size + 31) / 32), nil}); fc != nil {
			c.h.put(fc.packedRoot(asBytes(*v), size, uint64(limit*size), len(*v)), g)
			return
		}
		c.h.put(c.h.packedRoot(asBytes(*v), uint64(limit*size), len(*v), g), g)
	}
}

// packedRoot is the root of data packed into chunks, padded to limitBytes
// worth of chunks; mixIn is the list length to mix in, or -1 for a vector.
func (h *hasher) packedRoot(data []byte, limitBytes uint64, mixIn int, g uint64) [32]byte {
	n := (len(data) + 31) / 32
	chunks := h.take(n)
	copy(asBytes(chunks), data)
	if rem := len(data) % 32; rem != 0 {
		clear(chunks[n-1][rem:])
	}
	root := h.merkleizeList(chunks, (limitBytes+31)/32, g, mixIn)
	h.release(n)
	return root
}

// take returns n chunks of scratch space, stacked so nested users do not
// overlap; release gives them back.
func (h *hasher) take(n int) [][32]byte {
	start := len(h.scratch)
	if cap(h.scratch)-start < n+1 {
		grown := make([][32]byte, start, 2*cap(h.scratch)+n+1)
		copy(grown, h.scratch)
		h.scratch = grown
	}
	// One spare chunk lets merkleize pad an odd layer in place.
	h.scratch = h.scratch[:start+n]
	return h.scratch[start : start+n : start+n+1]
}

func (h *hasher) release(n int) { h.scratch = h.scratch[:len(h.scratch)-n] }

// nextField returns the generalized index of the next field of the
// container being hashed, or 0 when no proof is being built.
func (h *hasher) nextField() uint64 {
	if !h.proving || h.gindex == 0 {
		return 0
	}
	g := h.gindex<<uint(h.fieldDepth) | h.fieldIndex
	h.fieldIndex++
	return g
}

// put pushes a field root onto the current container's field roots.
func (h *hasher) put(root [32]byte, g uint64) {
	h.chunks = append(h.chunks, root)
	h.capture(g, root)
}

// ArrayVector is a vector of n fixed-size byte arrays treated as composite
// elements (Vector[Bytes48, N], Vector[Root, N]): each element is hashed on
// its own, unlike the packed elements of BasicVector.
func ArrayVector[T any](c *Codec, v *[]T, n int) { arrays(c, v, n, false) }

// ArrayList is a list of at most limit fixed-size byte arrays treated as
// composite elements (List[Root, N], List[KZGCommitment, N]).
func ArrayList[T any](c *Codec, v *[]T, limit int) { arrays(c, v, limit, true) }

func arrays[T any](c *Codec, v *[]T, n int, isList bool) {
	if c.err != nil {
		return
	}
	t := reflect.TypeFor[T]()
	if t.Kind() != reflect.Array || t.Elem().Kind() != reflect.Uint8 {
		panic(fmt.Sprintf("ssz: %v is not a byte array", t))
	}
	size := t.Len()
	switch c.mode {
	case modeSize:
		if isList {
			c.sizeField(false, len(*v)*size)
		} else {
			c.sizeField(true, n*size)
		}
	case modeEncode:
		if err := checkCount(len(*v), n, isList); err != nil {
			c.fail(err)
			return
		}
		switch {
		case isList && c.phase == phaseFixed:
			c.encodeOffset(len(*v) * size)
		case isList == (c.phase == phaseDynamic):
			c.out = append(c.out, asBytes(*v)...)
		}
	case modeDecode:
		var b []byte
		switch {
		case isList && c.phase == phaseFixed:
			c.readOffset()
			return
		case isList && c.phase == phaseDynamic:
			b = c.dynamicBytes()
			if len(b)%size != 0 {
				c.fail(fmt.Errorf("%w: %d bytes is not a whole number of %d-byte elements", ErrSize, len(b), size))
				return
			}
			if len(b)/size > n {
				c.fail(fmt.Errorf("%w: %d elements, limit %d", ErrLimit, len(b)/size, n))
				return
			}
		case !isList && c.phase == phaseFixed:
			if b = c.readFixed(n * size); b == nil {
				return
			}
		default:
			return
		}
		out := make([]T, len(b)/size)
		copy(asBytes(out), b)
		*v = out
	case modeHash:
		if err := checkCount(len(*v), n, isList); err != nil {
			c.fail(err)
			return
		}
		g := c.h.nextField()
		mix := -1
		if isList {
			mix = len(*v)
		}
		if size == 32 {
			if fc := c.h.cachedField(fieldKey{kindPacked, uint64(n), nil}); fc != nil {
				c.h.put(fc.packedRoot(asBytes(*v), 32, uint64(n)*32, mix), g)
				return
			}
		} else if fc := c.h.cachedField(fieldKey{kindElements, uint64(n), t}); fc != nil {
			raw := asBytes(*v)
			if raw == nil {
				raw = []byte{}
			}
			c.h.put(c.elementsRootCached(fc, raw, len(*v), size, uint64(n), mix, func(cc *Codec, i int) [32]byte {
				return cc.h.packedRoot(raw[i*size:(i+1)*size], uint64(size), -1, 0)
			}, nil), g)
			return
		}
		var roots [][32]byte
		if size == 32 {
			roots = c.h.take(len(*v))
			copy(asBytes(roots), asBytes(*v))
		} else {
			roots = c.h.take(len(*v))
			raw := asBytes(*v)
			for i := range roots {
				roots[i] = c.h.packedRoot(raw[i*size:(i+1)*size], uint64(size), -1, 0)
			}
		}
		c.h.put(c.h.merkleizeList(roots, uint64(n), g, mix), g)
		c.h.release(len(roots))
	}
}

func checkCount(have, n int, isList bool) error {
	if isList && have > n {
		return fmt.Errorf("%w: %d elements, limit %d", ErrLimit, have, n)
	}
	if !isList && have != n {
		return fmt.Errorf("%w: %d elements, want %d", ErrVector, have, n)
	}
	return nil
}

// Container is a nested container field.
func Container(c *Codec, v Object) {
	if c.err != nil {
		return
	}
	switch c.mode {
	case modeSize:
		fixed, dyn, isDyn := c.measure(v)
		c.sizeField(!isDyn, fixed+dyn)
	case modeEncode:
		fixed, dyn, isDyn := c.measure(v)
		switch {
		case isDyn && c.phase == phaseFixed:
			c.encodeOffset(fixed + dyn)
		case isDyn == (c.phase == phaseDynamic):
			c.encodeObject(v)
		}
	case modeDecode:
		fixed, _, isDyn := c.measure(v)
		switch {
		case isDyn && c.phase == phaseFixed:
			c.readOffset()
		case isDyn && c.phase == phaseDynamic:
			c.decodeObject(c.dynamicBytes(), v)
		case !isDyn && c.phase == phaseFixed:
			if b := c.readFixed(fixed); b != nil {
				c.decodeObject(b, v)
			}
		}
	case modeHash:
		g := c.h.nextField()
		c.h.put(c.hashObjectAt(v, g), g)
	}
}

// Vector is a vector of exactly n containers.
func Vector[T any, PT ptrObject[T]](c *Codec, v *[]T, n int) { objects[T, PT](c, v, n, false) }

// List is a list of at most limit containers.
func List[T any, PT ptrObject[T]](c *Codec, v *[]T, limit int) { objects[T, PT](c, v, limit, true) }

func objects[T any, PT ptrObject[T]](c *Codec, v *[]T, n int, isList bool) {
	if c.err != nil {
		return
	}
	elemFixed, _, elemDyn := c.measure(PT(new(T)))
	switch c.mode {
	case modeSize:
		size := 0
		if elemDyn {
			for i := range *v {
				f, d, _ := c.measure(PT(&(*v)[i]))
				size += offsetSize + f + d
			}
		} else if isList {
			size = len(*v) * elemFixed
		} else {
			size = n * elemFixed
		}
		c.sizeField(!isList && !elemDyn, size)
	case modeEncode:
		if err := checkCount(len(*v), n, isList); err != nil {
			c.fail(err)
			return
		}
		dynamic := isList || elemDyn
		if dynamic && c.phase == phaseFixed {
			size := len(*v) * elemFixed
			if elemDyn {
				size = 0
				for i := range *v {
					f, d, _ := c.measure(PT(&(*v)[i]))
					size += offsetSize + f + d
				}
			}
			c.encodeOffset(size)
			return
		}
		if dynamic != (c.phase == phaseDynamic) {
			return
		}
		if elemDyn {
			off := offsetSize * len(*v)
			for i := range *v {
				c.out = appendUint32(c.out, uint32(off))
				f, d, _ := c.measure(PT(&(*v)[i]))
				off += f + d
			}
		}
		for i := range *v {
			c.encodeObject(PT(&(*v)[i]))
		}
	case modeDecode:
		dynamic := isList || elemDyn
		var b []byte
		switch {
		case dynamic && c.phase == phaseFixed:
			c.readOffset()
			return
		case dynamic && c.phase == phaseDynamic:
			b = c.dynamicBytes()
		case !dynamic && c.phase == phaseFixed:
			if b = c.readFixed(n * elemFixed); b == nil {
				return
			}
		default:
			return
		}
		c.decodeElements(b, n, isList, elemFixed, elemDyn, func(count int) {
			*v = make([]T, count)
		}, func(cc *Codec, i int, data []byte) {
			if elemDyn {
				cc.decodeObject(data, PT(&(*v)[i]))
			} else {
				cc.decodeStatic(data, PT(&(*v)[i]))
			}
		})
	case modeHash:
		if err := checkCount(len(*v), n, isList); err != nil {
			c.fail(err)
			return
		}
		g := c.h.nextField()
		if fc := c.h.cachedField(fieldKey{kindElements, uint64(n), reflect.TypeFor[T]()}); fc != nil {
			raw, size := rawElements(*v)
			mix := -1
			if isList {
				mix = len(*v)
			}
			var static *staticSchema
			if _, progressive := any(PT(new(T))).(ProgressiveContainer); !elemDyn && !progressive {
				static = &staticSchema{c.countFields(PT(new(T))), func(cc *Codec, i int) { PT(&(*v)[i]).DefineSSZ(cc) }}
			}
			c.h.put(c.elementsRootCached(fc, raw, len(*v), size, uint64(n), mix, func(cc *Codec, i int) [32]byte {
				return cc.hashObjectAt(PT(&(*v)[i]), 0)
			}, static), g)
			return
		}
		roots := c.h.take(len(*v))
		if _, progressive := any(PT(new(T))).(ProgressiveContainer); !elemDyn && !progressive && !c.h.proving {
			c.hashStaticElements(roots, c.countFields(PT(new(T))), func(cc *Codec, i int) {
				PT(&(*v)[i]).DefineSSZ(cc)
			})
		} else {
			c.hashElements(roots, len(*v), uint64(n), isList, g, func(cc *Codec, i int, eg uint64) [32]byte {
				return cc.hashObjectAt(PT(&(*v)[i]), eg)
			})
		}
		mix := -1
		if isList {
			mix = len(*v)
		}
		c.h.put(c.h.merkleizeList(roots, uint64(n), g, mix), g)
		c.h.release(len(roots))
	}
}

// decodeElements splits b into the encodings of a sequence's elements
// (checking counts, limits and offsets) and decodes each with dec.
//
// Many static elements are decoded on several cores, each with its own
// Codec over its own share; the error reported is the one of the lowest
// index, as a serial decoding would report.
func (c *Codec) decodeElements(b []byte, n int, isList bool, elemFixed int, elemDyn bool, alloc func(int), dec func(cc *Codec, i int, data []byte)) {
	if !elemDyn {
		if elemFixed == 0 || len(b)%elemFixed != 0 {
			c.fail(fmt.Errorf("%w: %d bytes is not a whole number of %d-byte elements", ErrSize, len(b), elemFixed))
			return
		}
		count := len(b) / elemFixed
		if err := checkCount(count, n, isList); err != nil {
			c.fail(err)
			return
		}
		alloc(count)
		c.parallel(count, func(cc *Codec, _, lo, hi int) {
			for i := lo; i < hi && cc.err == nil; i++ {
				dec(cc, i, b[i*elemFixed:(i+1)*elemFixed])
			}
		})
		return
	}
	if len(b) == 0 {
		if err := checkCount(0, n, isList); err != nil {
			c.fail(err)
			return
		}
		alloc(0)
		return
	}
	if len(b) < offsetSize {
		c.fail(fmt.Errorf("%w: %d bytes cannot hold the first offset", ErrOffset, len(b)))
		return
	}
	first := int(le32(b))
	if first%offsetSize != 0 || first == 0 || first > len(b) {
		c.fail(fmt.Errorf("%w: first offset %d in %d bytes", ErrOffset, first, len(b)))
		return
	}
	count := first / offsetSize
	if err := checkCount(count, n, isList); err != nil {
		c.fail(err)
		return
	}
	offs := make([]int, count+1)
	for i := 0; i < count; i++ {
		offs[i] = int(le32(b[i*offsetSize:]))
		if i > 0 && (offs[i] < offs[i-1] || offs[i] > len(b)) {
			c.fail(fmt.Errorf("%w: element offset %d out of order or beyond %d bytes", ErrOffset, offs[i], len(b)))
			return
		}
	}
	offs[count] = len(b)
	alloc(count)
	for i := 0; i < count && c.err == nil; i++ {
		dec(c, i, b[offs[i]:offs[i+1]])
	}
}

// parallelThreshold is the number of composite elements above which their
// roots are computed on several cores. Each worker has its own scratch
// space and writes disjoint roots, so the result is the same however the
// work is scheduled.
const parallelThreshold = 2048

// dynamicParallelThreshold is parallelThreshold for elements that are not
// static containers (the transactions of a payload, say), each of which
// costs many hashes.
const dynamicParallelThreshold = 64

// hashElements fills roots[i] with element i's root. eg is the element's
// generalized index when a proof is being built.
func (c *Codec) hashElements(roots [][32]byte, count int, limit uint64, isList bool, g uint64, root func(cc *Codec, i int, eg uint64) [32]byte) {
	if c.h.proving {
		base := g
		if isList {
			base = 2 * g
		}
		depth := depthFor(limit)
		for i := 0; i < count && c.err == nil; i++ {
			var eg uint64
			if g != 0 {
				eg = base<<uint(depth) | uint64(i)
			}
			roots[i] = root(c, i, eg)
		}
		return
	}
	c.parallelAbove(count, dynamicParallelThreshold, func(cc *Codec, _, lo, hi int) {
		for i := lo; i < hi && cc.err == nil; i++ {
			roots[i] = root(cc, i, 0)
		}
	})
}

// staticBlock is how many elements hashStaticElements merkleizes together:
// their field roots (8 chunks for a validator) stay in the L2 cache.
const staticBlock = 512

// hashStaticElements fills roots with the roots of len(roots) static
// containers that have k fields each; fields(cc, i) pushes element i's
// field roots. Rather than merkleize each element on its own (a few hash
// calls of one to four pairs each), it lays the field roots of a block of
// elements side by side, each padded to a power of two, and hashes the
// block layer by layer: pairs never straddle two elements, and each call
// hashes thousands of pairs. Elements are shared between cores as in
// hashElements.
func (c *Codec) hashStaticElements(roots [][32]byte, k int, fields func(cc *Codec, i int)) {
	run := func(cc *Codec, lo, hi int) {
		buf := make([][32]byte, staticBlock*staticWidth(k))
		for b := lo; b < hi && cc.err == nil; b += staticBlock {
			cc.staticRoots(min(b+staticBlock, hi)-b, func(j int) int { return b + j },
				func(j int) *[32]byte { return &roots[b+j] }, k, fields, buf)
		}
	}
	c.parallel(len(roots), func(cc *Codec, _, lo, hi int) { run(cc, lo, hi) })
}

func staticWidth(k int) int { return 1 << depthFor(uint64(k)) }

// staticRoots sets *dst(j) to the root of element elem(j) for j < m <=
// staticBlock, merkleizing them together in buf (see hashStaticElements).
func (cc *Codec) staticRoots(m int, elem func(j int) int, dst func(j int) *[32]byte, k int,
	fields func(cc *Codec, i int), buf [][32]byte) {
	h := cc.h
	width := staticWidth(k)
	var odd []int // elements whose schema gave another field count
	for j := 0; j < m && cc.err == nil; j++ {
		base := len(h.chunks)
		h.level++
		fields(cc, elem(j))
		h.level--
		row := buf[j*width : (j+1)*width]
		if n := len(h.chunks) - base; n == k {
			copy(row, h.chunks[base:])
			clear(row[k:])
		} else {
			*dst(j) = h.merkleize(h.chunks[base:base+n:base+n], uint64(n), 0)
			odd = append(odd, j)
		}
		h.chunks = h.chunks[:base]
	}
	for n := m * width; n > m; n /= 2 {
		gohashtree.HashChunks(buf[:n/2], buf[:n])
	}
	for j := 0; j < m; j++ {
		if len(odd) > 0 && odd[0] == j {
			odd = odd[1:]
			continue
		}
		*dst(j) = buf[j]
	}
}

// hashObjectAt hashes a nested container whose generalized index is g
// (0 when not proving).
func (c *Codec) hashObjectAt(obj Object, g uint64) [32]byte {
	h := c.h
	savedG, savedDepth, savedIndex := h.gindex, h.fieldDepth, h.fieldIndex
	h.gindex, h.fieldIndex, h.fieldDepth = g, 0, 0
	h.level++
	if h.proving && g != 0 {
		h.fieldDepth = depthFor(uint64(c.countFields(obj)))
	}
	base := len(h.chunks)
	obj.DefineSSZ(c)
	n := len(h.chunks) - base
	var root [32]byte
	if pc, ok := obj.(ProgressiveContainer); ok {
		var err error
		if root, err = h.progressiveRoot(h.chunks[base:base+n], pc.ActiveFields()); err != nil {
			c.fail(err)
		}
	} else {
		root = h.merkleize(h.chunks[base:base+n:base+n], uint64(n), g)
	}
	h.chunks = h.chunks[:base]
	h.level--
	h.gindex, h.fieldDepth, h.fieldIndex = savedG, savedDepth, savedIndex
	return root
}

// countFields returns the number of fields obj's schema defines.
func (c *Codec) countFields(obj Object) int {
	saved := *c
	c.mode, c.fixed, c.dynamic, c.isDyn, c.count = modeSize, 0, 0, false, 0
	obj.DefineSSZ(c)
	n := c.count
	*c = saved
	return n
}
