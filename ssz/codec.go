package ssz

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
)

// Object is a type that describes its own SSZ schema. DefineSSZ lists the
// fields in declaration order with the field functions of this package
// (Uint64, Bytes, List, ...). The same description drives sizing,
// encoding, decoding, hashing and proofs, so a schema is written once.
type Object interface {
	DefineSSZ(c *Codec)
}

// Value is implemented by a type that is one SSZ value rather than a
// container (a bare list of roots sent as a request, say). Its DefineSSZ
// defines exactly one field, and the type encodes and hashes as that field
// alone: no offset for a variable-size field, and the field's own root.
type Value interface {
	Object
	IsSSZValue()
}

func isValue(obj Object) bool {
	_, ok := obj.(Value)
	return ok
}

// ptrObject constrains *T to implement Object, so that generic list
// helpers can allocate elements of T.
type ptrObject[T any] interface {
	*T
	Object
}

type mode uint8

const (
	modeSize mode = iota
	modeEncode
	modeDecode
	modeHash
)

// phase says which half of a container's encoding a pass over its fields
// works on: the fixed part (static fields and offsets) or the variable
// part (the contents of dynamic fields).
type phase uint8

const (
	phaseFixed phase = iota
	phaseDynamic
)

// Codec walks one object's fields in one mode. A schema reads it only
// through the field functions and Context; nested containers reuse the same
// Codec, saving their position on the Go stack, so deep or wide objects do
// not allocate a Codec each.
type Codec struct {
	mode  mode
	phase phase
	ctx   any
	err   error

	// size mode: the container being measured.
	fixed   int  // bytes of the fixed part (4 per dynamic field)
	dynamic int  // bytes of the variable part
	isDyn   bool // whether any field is variable-size
	count   int  // number of fields seen

	// encode mode
	out        []byte
	fixedStart int // where the current container's encoding starts in out
	fixedSize  int // the current container's fixed-part size
	dynOffset  int // offset that the next dynamic field will get

	// decode mode
	in      []byte // the current container's bytes
	pos     int    // next fixed-part byte to read
	offsets []int  // stack of pending dynamic-field offsets
	offBase int    // index in offsets of the current container's first
	offNext int    // index in offsets of the next dynamic field to decode

	// hash mode
	h *hasher
}

// Context returns the caller's value passed to Marshal, Unmarshal, Size or
// HashTreeRoot. Schemas whose lengths or fields vary at run time (by preset
// or by fork, say) read what they need from it; the ssz package never looks
// inside.
func (c *Codec) Context() any { return c.ctx }

// Errorf records a schema-level error (an invalid value that the schema
// detects itself) and stops the walk.
func (c *Codec) Errorf(format string, args ...any) {
	c.fail(fmt.Errorf(format, args...))
}

func (c *Codec) fail(err error) {
	if c.err == nil {
		c.err = err
	}
}

// Failed reports whether an error has already stopped the walk.
func (c *Codec) Failed() bool { return c.err != nil }

// Errors returned by decoding and encoding. They are wrapped with the
// position and the Go type concerned; match them with errors.Is.
var (
	ErrSize      = errors.New("ssz: wrong size")
	ErrOffset    = errors.New("ssz: invalid offset")
	ErrLimit     = errors.New("ssz: list exceeds its limit")
	ErrBool      = errors.New("ssz: boolean is neither 0 nor 1")
	ErrBitlist   = errors.New("ssz: bitlist has no delimiter bit")
	ErrBitvector = errors.New("ssz: bitvector has bits set beyond its length")
	ErrVector    = errors.New("ssz: vector has the wrong number of elements")
	ErrTrailing  = errors.New("ssz: trailing bytes")
)

// Size returns the length of obj's encoding.
func Size(obj Object, ctx any) int {
	c := Codec{mode: modeSize, ctx: ctx}
	fixed, dyn, _ := c.measure(obj)
	return fixed + dyn
}

// IsStatic reports whether obj's type always encodes to the same length.
func IsStatic(obj Object, ctx any) bool {
	c := Codec{mode: modeSize, ctx: ctx}
	_, _, isDyn := c.measure(obj)
	return !isDyn
}

// Marshal returns the SSZ encoding of obj.
func Marshal(obj Object, ctx any) ([]byte, error) {
	return MarshalTo(make([]byte, 0, Size(obj, ctx)), obj, ctx)
}

// MarshalTo appends the SSZ encoding of obj to buf.
func MarshalTo(buf []byte, obj Object, ctx any) ([]byte, error) {
	c := Codec{mode: modeEncode, ctx: ctx, out: buf}
	c.encodeObject(obj)
	if c.err != nil {
		return buf, c.err
	}
	return c.out, nil
}

// Unmarshal decodes data into obj, which it overwrites. Every malformed
// input (wrong lengths, bad offsets, limits exceeded, trailing bytes,
// non-canonical booleans and bitfields) is an error; on error obj may be
// partly written and must not be used.
func Unmarshal(data []byte, obj Object, ctx any) error {
	c := Codec{mode: modeDecode, ctx: ctx}
	c.decodeObject(data, obj)
	return c.err
}

// HashTreeRoot returns obj's hash_tree_root.
func HashTreeRoot(obj Object, ctx any) ([32]byte, error) {
	c := Codec{mode: modeHash, ctx: ctx, h: newHasher()}
	root := c.hashObjectAt(obj, 0)
	return root, c.err
}

// measure returns obj's fixed and variable sizes and whether it is dynamic.
// It works on a copy of the size state so it can be used from any mode.
func (c *Codec) measure(obj Object) (fixed, dynamic int, isDyn bool) {
	saved := *c
	c.mode, c.fixed, c.dynamic, c.isDyn = modeSize, 0, 0, false
	obj.DefineSSZ(c)
	fixed, dynamic, isDyn = c.fixed, c.dynamic, c.isDyn
	if isDyn && isValue(obj) {
		fixed = 0 // a bare value has no offset
	}
	err := c.err
	*c = saved
	if err != nil {
		c.fail(err)
	}
	return fixed, dynamic, isDyn
}

// fieldSize accounts for a field in size mode: static fields add to the
// fixed part; dynamic ones add an offset to it and their content to the
// variable part.
func (c *Codec) sizeField(static bool, size int) {
	c.count++
	if static {
		c.fixed += size
		return
	}
	c.isDyn = true
	c.fixed += offsetSize
	c.dynamic += size
}

const offsetSize = 4

func (c *Codec) encodeObject(obj Object) {
	fixed, _, isDyn := c.measure(obj)
	savedPhase, savedStart, savedFixed, savedOff := c.phase, c.fixedStart, c.fixedSize, c.dynOffset
	c.fixedStart, c.fixedSize, c.dynOffset = len(c.out), fixed, fixed
	c.phase = phaseFixed
	if isDyn && isValue(obj) {
		c.phase = phaseDynamic // a bare variable-size value has no offset
	}
	obj.DefineSSZ(c)
	if isDyn && c.phase == phaseFixed {
		c.phase = phaseDynamic
		obj.DefineSSZ(c)
	}
	c.phase, c.fixedStart, c.fixedSize, c.dynOffset = savedPhase, savedStart, savedFixed, savedOff
}

// encodeOffset writes, in the fixed phase, the offset of a dynamic field
// whose content will take size bytes.
func (c *Codec) encodeOffset(size int) {
	c.out = appendUint32(c.out, uint32(c.dynOffset))
	c.dynOffset += size
}

func (c *Codec) decodeObject(data []byte, obj Object) {
	fixed, _, isDyn := c.measure(obj)
	if c.err != nil {
		return
	}
	if !isDyn && len(data) != fixed {
		c.fail(fmt.Errorf("%w: %T needs %d bytes, got %d", ErrSize, obj, fixed, len(data)))
		return
	}
	if isDyn && len(data) < fixed {
		c.fail(fmt.Errorf("%w: %T needs at least %d bytes, got %d", ErrSize, obj, fixed, len(data)))
		return
	}
	savedPhase, savedIn, savedPos, savedBase, savedNext := c.phase, c.in, c.pos, c.offBase, c.offNext
	c.in, c.pos = data, 0
	c.offBase = len(c.offsets)
	c.offNext = c.offBase
	if isDyn && isValue(obj) {
		// A bare variable-size value: its one field spans all the data.
		c.offsets = append(c.offsets, 0)
		c.phase = phaseDynamic
		obj.DefineSSZ(c)
		c.offsets = c.offsets[:c.offBase]
		c.phase, c.in, c.pos, c.offBase, c.offNext = savedPhase, savedIn, savedPos, savedBase, savedNext
		return
	}
	c.phase = phaseFixed
	obj.DefineSSZ(c)
	if c.err == nil && c.pos != fixed {
		c.fail(fmt.Errorf("%w: %T read %d fixed bytes, expected %d", ErrSize, obj, c.pos, fixed))
	}
	if c.err == nil && isDyn {
		c.checkOffsets(obj, fixed)
	}
	if c.err == nil && isDyn {
		c.phase = phaseDynamic
		obj.DefineSSZ(c)
	}
	c.offsets = c.offsets[:c.offBase]
	c.phase, c.in, c.pos, c.offBase, c.offNext = savedPhase, savedIn, savedPos, savedBase, savedNext
}

// decodeStatic decodes an element of a sequence of static containers:
// decodeObject without measuring obj again, since the caller checked that
// data has the type's fixed size.
func (c *Codec) decodeStatic(data []byte, obj Object) {
	savedPhase, savedIn, savedPos, savedOffs := c.phase, c.in, c.pos, len(c.offsets)
	c.in, c.pos, c.phase = data, 0, phaseFixed
	obj.DefineSSZ(c)
	if c.err == nil && len(c.offsets) != savedOffs {
		c.fail(fmt.Errorf("%w: %T has a variable-size field", ErrOffset, obj))
	}
	if c.err == nil && c.pos != len(data) {
		c.fail(fmt.Errorf("%w: %T read %d fixed bytes, expected %d", ErrSize, obj, c.pos, len(data)))
	}
	c.offsets = c.offsets[:savedOffs]
	c.phase, c.in, c.pos = savedPhase, savedIn, savedPos
}

// checkOffsets validates the offsets read in the fixed phase: the first
// must point just past the fixed part, and each must be no smaller than
// the previous and within the data.
func (c *Codec) checkOffsets(obj Object, fixed int) {
	offs := c.offsets[c.offBase:]
	prev := fixed
	for i, o := range offs {
		if i == 0 && o != fixed {
			c.fail(fmt.Errorf("%w: %T first offset %d, fixed part is %d bytes", ErrOffset, obj, o, fixed))
			return
		}
		if o < prev || o > len(c.in) {
			c.fail(fmt.Errorf("%w: %T offset %d out of order or beyond %d bytes", ErrOffset, obj, o, len(c.in)))
			return
		}
		prev = o
	}
}

// readFixed returns the next n bytes of the fixed part.
func (c *Codec) readFixed(n int) []byte {
	if c.pos+n > len(c.in) {
		c.fail(fmt.Errorf("%w: need %d bytes at %d, have %d", ErrSize, n, c.pos, len(c.in)))
		return nil
	}
	b := c.in[c.pos : c.pos+n]
	c.pos += n
	return b
}

// readOffset records a dynamic field's offset in the fixed phase.
func (c *Codec) readOffset() {
	b := c.readFixed(offsetSize)
	if b == nil {
		return
	}
	c.offsets = append(c.offsets, int(le32(b)))
}

// dynamicBytes returns, in the dynamic phase, the content of the next
// dynamic field: from its offset to the next one, or to the end.
func (c *Codec) dynamicBytes() []byte {
	i := c.offNext
	c.offNext++
	start := c.offsets[i]
	end := len(c.in)
	if i+1 < len(c.offsets) {
		end = c.offsets[i+1]
	}
	return c.in[start:end]
}

// partsFor returns how many contiguous ranges parallel splits count
// elements into: one per core, or a single range below parallelThreshold.
func partsFor(count int) int { return partsAbove(count, parallelThreshold) }

func partsAbove(count, threshold int) int {
	if count < threshold {
		return 1
	}
	return max(1, min(runtime.GOMAXPROCS(0), count))
}

// parallel runs work over [0, count) split into partsFor(count) contiguous
// ranges, each on its own goroutine with a Codec of its own (same mode and
// context, fresh scratch space); a single range runs on c itself. Ranges
// write disjoint results, so the outcome does not depend on scheduling, and
// of the ranges' errors the first in range order is kept: the one a serial
// walk would have met.
func (c *Codec) parallel(count int, work func(cc *Codec, part, lo, hi int)) {
	c.parallelAbove(count, parallelThreshold, work)
}

// parallelAbove is parallel with threshold in place of parallelThreshold.
func (c *Codec) parallelAbove(count, threshold int, work func(cc *Codec, part, lo, hi int)) {
	parts := partsAbove(count, threshold)
	if parts == 1 {
		work(c, 0, 0, count)
		return
	}
	per := (count + parts - 1) / parts
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for p := 0; p < parts; p++ {
		lo, hi := p*per, min((p+1)*per, count)
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func(p, lo, hi int) {
			defer wg.Done()
			cc := Codec{mode: c.mode, ctx: c.ctx}
			if c.mode == modeHash {
				cc.h = newHasher()
			}
			work(&cc, p, lo, hi)
			errs[p] = cc.err
		}(p, lo, hi)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			c.fail(err)
			return
		}
	}
}
