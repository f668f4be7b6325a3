package ssz

import (
	"fmt"
	"math/bits"
)

// Bitvector holds a fixed number of bits, bit i in byte i/8 at position
// i%8, as SSZ encodes it. Its length is set by the schema.
type Bitvector []byte

// NewBitvector returns a zeroed bitvector of n bits.
func NewBitvector(n int) Bitvector { return make(Bitvector, (n+7)/8) }

// Get returns bit i; bits beyond the vector read as false.
func (b Bitvector) Get(i int) bool { return i >= 0 && i/8 < len(b) && b[i/8]>>(i%8)&1 == 1 }

// Set sets bit i to v.
func (b Bitvector) Set(i int, v bool) {
	if v {
		b[i/8] |= 1 << (i % 8)
	} else {
		b[i/8] &^= 1 << (i % 8)
	}
}

// Count returns the number of set bits.
func (b Bitvector) Count() int {
	n := 0
	for _, x := range b {
		n += bits.OnesCount8(x)
	}
	return n
}

// Bitlist holds a variable number of bits in its SSZ form: the bits, then
// a delimiter bit set just past the last one.
type Bitlist []byte

// NewBitlist returns a bitlist of n zero bits.
func NewBitlist(n int) Bitlist {
	b := make(Bitlist, n/8+1)
	b[n/8] = 1 << (n % 8)
	return b
}

// Len returns the number of bits, not counting the delimiter.
func (b Bitlist) Len() int {
	if len(b) == 0 || b[len(b)-1] == 0 {
		return 0
	}
	return 8*(len(b)-1) + bits.Len8(b[len(b)-1]) - 1
}

// Get returns bit i; bits beyond the list read as false.
func (b Bitlist) Get(i int) bool { return i >= 0 && i < b.Len() && b[i/8]>>(i%8)&1 == 1 }

// Set sets bit i (i < Len()) to v.
func (b Bitlist) Set(i int, v bool) {
	if i < 0 || i >= b.Len() {
		panic(fmt.Sprintf("ssz: bit %d of a %d-bit list", i, b.Len()))
	}
	if v {
		b[i/8] |= 1 << (i % 8)
	} else {
		b[i/8] &^= 1 << (i % 8)
	}
}

// Count returns the number of set bits, not counting the delimiter.
func (b Bitlist) Count() int {
	n := 0
	for _, x := range b {
		n += bits.OnesCount8(x)
	}
	if n > 0 {
		n-- // the delimiter
	}
	return n
}

// BitvectorField is a bitvector field of n bits.
func BitvectorField(c *Codec, v *Bitvector, n int) {
	if c.err != nil {
		return
	}
	size := (n + 7) / 8
	switch c.mode {
	case modeSize:
		c.sizeField(true, size)
	case modeEncode:
		if c.phase == phaseFixed {
			if err := checkBitvector(*v, n); err != nil {
				c.fail(err)
				return
			}
			c.out = append(c.out, *v...)
		}
	case modeDecode:
		if c.phase == phaseFixed {
			if b := c.readFixed(size); b != nil {
				if err := checkBitvector(b, n); err != nil {
					c.fail(err)
					return
				}
				*v = append(Bitvector(nil), b...)
			}
		}
	case modeHash:
		if err := checkBitvector(*v, n); err != nil {
			c.fail(err)
			return
		}
		g := c.h.nextField()
		c.h.put(c.h.packedRoot(*v, uint64(size), -1, g), g)
	}
}

func checkBitvector(b []byte, n int) error {
	if len(b) != (n+7)/8 {
		return fmt.Errorf("%w: bitvector of %d bits has %d bytes", ErrSize, n, len(b))
	}
	if n%8 != 0 && b[len(b)-1]>>(n%8) != 0 {
		return fmt.Errorf("%w: %d bits", ErrBitvector, n)
	}
	return nil
}

// BitlistField is a bitlist field of at most limit bits.
func BitlistField(c *Codec, v *Bitlist, limit int) {
	if c.err != nil {
		return
	}
	switch c.mode {
	case modeSize:
		c.sizeField(false, len(*v))
	case modeEncode:
		if err := checkBitlist(*v, limit); err != nil {
			c.fail(err)
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
		if err := checkBitlist(b, limit); err != nil {
			c.fail(err)
			return
		}
		*v = append(Bitlist(nil), b...)
	case modeHash:
		if err := checkBitlist(*v, limit); err != nil {
			c.fail(err)
			return
		}
		g := c.h.nextField()
		n := v.Len()
		// The root covers the bits without the delimiter.
		raw := make([]byte, (n+7)/8)
		copy(raw, (*v)[:len(raw)])
		if n%8 != 0 {
			raw[len(raw)-1] &= byte(1<<(n%8)) - 1
		}
		limitBytes := uint64((limit + 7) / 8)
		c.h.put(c.h.packedRoot(raw, limitBytes, n, g), g)
	}
}

func checkBitlist(b []byte, limit int) error {
	if len(b) == 0 || b[len(b)-1] == 0 {
		return ErrBitlist
	}
	if n := Bitlist(b).Len(); n > limit {
		return fmt.Errorf("%w: %d bits, limit %d", ErrLimit, n, limit)
	}
	return nil
}
