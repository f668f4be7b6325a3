package spectest

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/quetzal-eth/quetzal/ssz"
)

// The ssz_generic runner (tests/formats/ssz_generic) checks the ssz package
// on its own, with types named by the case: uint_64_max, vec_uint16_5_zero,
// bitlist_8_random_3, ComplexTestStruct_random_2, ... Valid cases must
// decode, re-encode to the same bytes and hash to meta.yaml's root; invalid
// cases must fail to decode (or name a type that cannot exist, such as a
// zero-length vector).

func init() {
	for _, h := range []string{"uints", "boolean", "basic_vector", "bitvector", "bitlist", "containers",
		"basic_progressive_list", "progressive_bitlist", "progressive_containers", "compatible_unions"} {
		Register("ssz_generic", h, runSSZGeneric)
	}
}

// errInvalidType marks a case whose type itself is invalid in SSZ.
var errInvalidType = errors.New("type cannot exist in SSZ")

func runSSZGeneric(c *Case) error {
	obj, err := sszGenericType(c.Handler, c.Name)
	if err != nil && !errors.Is(err, errInvalidType) {
		return err
	}
	data, rerr := c.ReadSSZ("serialized")
	if rerr != nil {
		return rerr
	}
	switch c.Suite {
	case "invalid":
		if err != nil {
			return nil // the type cannot exist, so no bytes are valid for it
		}
		if derr := ssz.Unmarshal(data, obj, nil); derr == nil {
			return fmt.Errorf("decoding %d invalid bytes succeeded", len(data))
		}
		return nil
	case "valid":
		if err != nil {
			return err
		}
		if err := ssz.Unmarshal(data, obj, nil); err != nil {
			return fmt.Errorf("decode: %w", err)
		}
		enc, err := ssz.Marshal(obj, nil)
		if err != nil {
			return fmt.Errorf("re-encode: %w", err)
		}
		if !bytes.Equal(enc, data) {
			return fmt.Errorf("re-encoding differs: got %x, want %x", enc, data)
		}
		var meta struct {
			Root string `yaml:"root"`
		}
		if err := c.ReadYAML("meta", &meta); err != nil {
			return err
		}
		root, err := ssz.HashTreeRoot(obj, nil)
		if err != nil {
			return fmt.Errorf("hash_tree_root: %w", err)
		}
		if got := "0x" + fmt.Sprintf("%x", root); got != meta.Root {
			return fmt.Errorf("root %s, want %s", got, meta.Root)
		}
		return nil
	}
	return fmt.Errorf("%w: suite %q", ErrNotImplemented, c.Suite)
}

// sszGenericType returns a fresh value of the type a case name describes.
func sszGenericType(handler, name string) (ssz.Object, error) {
	parts := strings.Split(name, "_")
	num := func(i int) (int, error) {
		if i >= len(parts) {
			return 0, fmt.Errorf("case name %q has no field %d", name, i)
		}
		return strconv.Atoi(parts[i])
	}
	switch handler {
	case "uints":
		bits, err := num(1)
		if err != nil {
			return nil, err
		}
		if bits%8 != 0 || bits < 8 || bits > 256 {
			return nil, fmt.Errorf("%w: uint%d", errInvalidType, bits)
		}
		return &genericUint{v: make([]byte, bits/8)}, nil
	case "boolean":
		return new(genericBool), nil
	case "basic_vector":
		n, err := num(2)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, fmt.Errorf("%w: vector of length 0", errInvalidType)
		}
		return newBasicVector(parts[1], n)
	case "bitvector":
		n, err := num(1)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, fmt.Errorf("%w: bitvector of length 0", errInvalidType)
		}
		return &genericBitvector{n: n}, nil
	case "bitlist":
		if len(parts) > 1 && parts[1] == "no" {
			// bitlist_no_delimiter_*: any limit; the bytes lack a delimiter.
			return &genericBitlist{limit: 1 << 20}, nil
		}
		n, err := num(1)
		if err != nil {
			return nil, err
		}
		return &genericBitlist{limit: n}, nil
	case "basic_progressive_list":
		if len(parts) < 2 {
			return nil, fmt.Errorf("case name %q has no element type", name)
		}
		return newProgressiveList(parts[1])
	case "progressive_bitlist":
		return new(genericProgressiveBitlist), nil
	case "containers", "progressive_containers", "compatible_unions":
		if f, ok := testStructs[parts[0]]; ok {
			return f(), nil
		}
		return nil, fmt.Errorf("%w: container %s", ErrNotImplemented, parts[0])
	}
	return nil, fmt.Errorf("%w: ssz_generic handler %s", ErrNotImplemented, handler)
}

// genericUint holds a uintN as its N/8 little-endian bytes, whose encoding
// and root are the uint's.
type genericUint struct{ v []byte }

func (u *genericUint) DefineSSZ(c *ssz.Codec) { ssz.Bytes(c, u.v) }

type genericBool struct{ v bool }

func (b *genericBool) DefineSSZ(c *ssz.Codec) { ssz.Bool(c, &b.v) }

// basicVector is a vector of n elements of one basic type; as the only
// field of a static value it encodes and hashes as the bare vector.
type basicVector[T any] struct {
	v []T
	n int
}

func (b *basicVector[T]) DefineSSZ(c *ssz.Codec) { ssz.BasicVector(c, &b.v, b.n) }

// progressiveList is a ProgressiveList of one basic type, as a bare value.
type progressiveList[T any] struct{ v []T }

func (p *progressiveList[T]) DefineSSZ(c *ssz.Codec) { ssz.ProgressiveBasicList(c, &p.v) }
func (p *progressiveList[T]) IsSSZValue()            {}

func newProgressiveList(elem string) (ssz.Object, error) {
	switch elem {
	case "bool":
		return new(progressiveList[bool]), nil
	case "uint8":
		return new(progressiveList[uint8]), nil
	case "uint16":
		return new(progressiveList[uint16]), nil
	case "uint32":
		return new(progressiveList[uint32]), nil
	case "uint64":
		return new(progressiveList[uint64]), nil
	case "uint128":
		return new(progressiveList[[16]byte]), nil
	case "uint256":
		return new(progressiveList[[32]byte]), nil
	}
	return nil, fmt.Errorf("%w: progressive list element %q", ErrNotImplemented, elem)
}

type genericProgressiveBitlist struct{ v ssz.Bitlist }

func (b *genericProgressiveBitlist) DefineSSZ(c *ssz.Codec) { ssz.ProgressiveBitlistField(c, &b.v) }
func (b *genericProgressiveBitlist) IsSSZValue()            {}

func newBasicVector(elem string, n int) (ssz.Object, error) {
	switch elem {
	case "bool":
		return &basicVector[bool]{n: n}, nil
	case "uint8":
		return &basicVector[uint8]{n: n}, nil
	case "uint16":
		return &basicVector[uint16]{n: n}, nil
	case "uint32":
		return &basicVector[uint32]{n: n}, nil
	case "uint64":
		return &basicVector[uint64]{n: n}, nil
	case "uint128":
		return &basicVector[[16]byte]{n: n}, nil
	case "uint256":
		return &basicVector[[32]byte]{n: n}, nil
	}
	return nil, fmt.Errorf("%w: vector element %q", ErrNotImplemented, elem)
}

type genericBitvector struct {
	v ssz.Bitvector
	n int
}

func (b *genericBitvector) DefineSSZ(c *ssz.Codec) { ssz.BitvectorField(c, &b.v, b.n) }

type genericBitlist struct {
	v     ssz.Bitlist
	limit int
}

func (b *genericBitlist) DefineSSZ(c *ssz.Codec) { ssz.BitlistField(c, &b.v, b.limit) }
func (b *genericBitlist) IsSSZValue()            {}

// The test containers of the ssz_generic format.
var testStructs = map[string]func() ssz.Object{
	"SingleFieldTestStruct": func() ssz.Object { return new(singleFieldTestStruct) },
	"SmallTestStruct":       func() ssz.Object { return new(smallTestStruct) },
	"FixedTestStruct":       func() ssz.Object { return new(fixedTestStruct) },
	"VarTestStruct":         func() ssz.Object { return new(varTestStruct) },
	"ComplexTestStruct":     func() ssz.Object { return new(complexTestStruct) },
	"BitsStruct":            func() ssz.Object { return new(bitsStruct) },
	"ProgressiveTestStruct": func() ssz.Object { return new(progressiveTestStruct) },
	"ProgressiveBitsStruct": func() ssz.Object { return new(progressiveBitsStruct) },

	"ProgressiveSingleFieldContainerTestStruct": func() ssz.Object { return new(progressiveSingleFieldContainerTestStruct) },
	"ProgressiveSingleListContainerTestStruct":  func() ssz.Object { return new(progressiveSingleListContainerTestStruct) },
	"ProgressiveVarTestStruct":                  func() ssz.Object { return new(progressiveVarTestStruct) },
	"ProgressiveComplexTestStruct":              func() ssz.Object { return new(progressiveComplexTestStruct) },

	"CompatibleUnionA": func() ssz.Object {
		return &compatibleUnion{options: map[uint8]func() ssz.Object{
			1: func() ssz.Object { return new(progressiveSingleFieldContainerTestStruct) },
		}}
	},
	"CompatibleUnionBC": func() ssz.Object {
		return &compatibleUnion{options: map[uint8]func() ssz.Object{
			2: func() ssz.Object { return new(progressiveSingleListContainerTestStruct) },
			3: func() ssz.Object { return new(progressiveVarTestStruct) },
		}}
	},
	"CompatibleUnionABCA": func() ssz.Object {
		return &compatibleUnion{options: map[uint8]func() ssz.Object{
			1: func() ssz.Object { return new(progressiveSingleFieldContainerTestStruct) },
			2: func() ssz.Object { return new(progressiveSingleListContainerTestStruct) },
			3: func() ssz.Object { return new(progressiveVarTestStruct) },
			4: func() ssz.Object { return new(progressiveSingleFieldContainerTestStruct) },
		}}
	},
}

type singleFieldTestStruct struct{ A uint8 }

func (s *singleFieldTestStruct) DefineSSZ(c *ssz.Codec) { ssz.Uint8(c, &s.A) }

type smallTestStruct struct{ A, B uint16 }

func (s *smallTestStruct) DefineSSZ(c *ssz.Codec) {
	ssz.Uint16(c, &s.A)
	ssz.Uint16(c, &s.B)
}

type fixedTestStruct struct {
	A uint8
	B uint64
	C uint32
}

func (s *fixedTestStruct) DefineSSZ(c *ssz.Codec) {
	ssz.Uint8(c, &s.A)
	ssz.Uint64(c, &s.B)
	ssz.Uint32(c, &s.C)
}

type varTestStruct struct {
	A uint16
	B []uint16
	C uint8
}

func (s *varTestStruct) DefineSSZ(c *ssz.Codec) {
	ssz.Uint16(c, &s.A)
	ssz.BasicList(c, &s.B, 1024)
	ssz.Uint8(c, &s.C)
}

type complexTestStruct struct {
	A uint16
	B []uint16
	C uint8
	D []byte
	E varTestStruct
	F []fixedTestStruct
	G []varTestStruct
}

func (s *complexTestStruct) DefineSSZ(c *ssz.Codec) {
	ssz.Uint16(c, &s.A)
	ssz.BasicList(c, &s.B, 128)
	ssz.Uint8(c, &s.C)
	ssz.ByteList(c, &s.D, 256)
	ssz.Container(c, &s.E)
	ssz.Vector(c, &s.F, 4)
	ssz.Vector(c, &s.G, 2)
}

type bitsStruct struct {
	A ssz.Bitlist
	B ssz.Bitvector
	C ssz.Bitvector
	D ssz.Bitlist
	E ssz.Bitvector
}

func (s *bitsStruct) DefineSSZ(c *ssz.Codec) {
	ssz.BitlistField(c, &s.A, 5)
	ssz.BitvectorField(c, &s.B, 2)
	ssz.BitvectorField(c, &s.C, 1)
	ssz.BitlistField(c, &s.D, 6)
	ssz.BitvectorField(c, &s.E, 8)
}

// ProgressiveList[ProgressiveList[VarTestStruct]] needs the inner list as an
// element type: a bare value holding one progressive list.
type varTestStructs struct{ v []varTestStruct }

func (l *varTestStructs) DefineSSZ(c *ssz.Codec) { ssz.ProgressiveList(c, &l.v) }
func (l *varTestStructs) IsSSZValue()            {}

type progressiveTestStruct struct {
	A []uint8
	B []uint64
	C []smallTestStruct
	D []varTestStructs
}

func (s *progressiveTestStruct) DefineSSZ(c *ssz.Codec) {
	ssz.ProgressiveBasicList(c, &s.A)
	ssz.ProgressiveBasicList(c, &s.B)
	ssz.ProgressiveList(c, &s.C)
	ssz.ProgressiveList(c, &s.D)
}

type progressiveBitsStruct struct {
	A ssz.Bitvector
	B ssz.Bitlist
	C ssz.Bitlist
	D ssz.Bitvector
	E ssz.Bitlist
	F ssz.Bitlist
	G ssz.Bitvector
	H ssz.Bitlist
	I ssz.Bitlist
	J ssz.Bitvector
	K ssz.Bitlist
	L ssz.Bitlist
}

func (s *progressiveBitsStruct) DefineSSZ(c *ssz.Codec) {
	ssz.BitvectorField(c, &s.A, 256)
	ssz.BitlistField(c, &s.B, 256)
	ssz.ProgressiveBitlistField(c, &s.C)
	ssz.BitvectorField(c, &s.D, 257)
	ssz.BitlistField(c, &s.E, 257)
	ssz.ProgressiveBitlistField(c, &s.F)
	ssz.BitvectorField(c, &s.G, 1280)
	ssz.BitlistField(c, &s.H, 1280)
	ssz.ProgressiveBitlistField(c, &s.I)
	ssz.BitvectorField(c, &s.J, 1281)
	ssz.BitlistField(c, &s.K, 1281)
	ssz.ProgressiveBitlistField(c, &s.L)
}

type progressiveSingleFieldContainerTestStruct struct{ A uint8 }

func (s *progressiveSingleFieldContainerTestStruct) DefineSSZ(c *ssz.Codec) { ssz.Uint8(c, &s.A) }
func (s *progressiveSingleFieldContainerTestStruct) ActiveFields() []byte   { return []byte{1} }

type progressiveSingleListContainerTestStruct struct{ C ssz.Bitlist }

func (s *progressiveSingleListContainerTestStruct) DefineSSZ(c *ssz.Codec) {
	ssz.ProgressiveBitlistField(c, &s.C)
}
func (s *progressiveSingleListContainerTestStruct) ActiveFields() []byte {
	return []byte{0, 0, 0, 0, 1}
}

type progressiveVarTestStruct struct {
	A uint8
	B []uint16
	C ssz.Bitlist
}

func (s *progressiveVarTestStruct) DefineSSZ(c *ssz.Codec) {
	ssz.Uint8(c, &s.A)
	ssz.BasicList(c, &s.B, 123)
	ssz.ProgressiveBitlistField(c, &s.C)
}
func (s *progressiveVarTestStruct) ActiveFields() []byte { return []byte{1, 0, 1, 0, 1} }

type progressiveComplexTestStruct struct {
	A uint8
	B []uint16
	C ssz.Bitlist
	D []uint64
	E []smallTestStruct
	F []varTestStructs
	G []progressiveSingleFieldContainerTestStruct
	H []progressiveVarTestStruct
}

func (s *progressiveComplexTestStruct) DefineSSZ(c *ssz.Codec) {
	ssz.Uint8(c, &s.A)
	ssz.BasicList(c, &s.B, 123)
	ssz.ProgressiveBitlistField(c, &s.C)
	ssz.ProgressiveBasicList(c, &s.D)
	ssz.ProgressiveList(c, &s.E)
	ssz.ProgressiveList(c, &s.F)
	ssz.List(c, &s.G, 10)
	ssz.ProgressiveList(c, &s.H)
}
func (s *progressiveComplexTestStruct) ActiveFields() []byte {
	return []byte{1, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1}
}

// compatibleUnion is a CompatibleUnion of the given options, as a bare
// value.
type compatibleUnion struct {
	selector uint8
	value    ssz.Object
	options  map[uint8]func() ssz.Object
}

func (u *compatibleUnion) DefineSSZ(c *ssz.Codec) {
	ssz.CompatibleUnion(c, &u.selector, &u.value, func(sel uint8) ssz.Object {
		if f, ok := u.options[sel]; ok {
			return f()
		}
		return nil
	})
}
func (u *compatibleUnion) IsSSZValue() {}
