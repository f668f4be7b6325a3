package ssz

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"testing"
)

// refMerkleize is the spec's merkleize, written the slow obvious way, to
// check the fast one against.
func refMerkleize(chunks [][32]byte, limit uint64) [32]byte {
	size := uint64(1)
	for size < limit {
		size *= 2
	}
	layer := make([][32]byte, size)
	copy(layer, chunks)
	for len(layer) > 1 {
		next := make([][32]byte, len(layer)/2)
		for i := range next {
			next[i] = sha256.Sum256(append(layer[2*i][:], layer[2*i+1][:]...))
		}
		layer = next
	}
	return layer[0]
}

func refPack(b []byte) [][32]byte {
	out := make([][32]byte, (len(b)+31)/32)
	for i := range out {
		copy(out[i][:], b[i*32:])
	}
	return out
}

func refMix(root [32]byte, n uint64) [32]byte {
	var l [32]byte
	binary.LittleEndian.PutUint64(l[:], n)
	return sha256.Sum256(append(root[:], l[:]...))
}

func TestMerkleizeMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 3, 5, 8, 31, 64, 100, 1000, 4097} {
		for _, limit := range []uint64{uint64(n), uint64(n) + 1, 1 << 12, 1 << 13} {
			if limit < uint64(n) || limit == 0 {
				continue
			}
			chunks := make([][32]byte, n)
			for i := range chunks {
				for j := range chunks[i] {
					chunks[i][j] = byte(rng.Uint32())
				}
			}
			if got, want := Merkleize(chunks, limit), refMerkleize(chunks, limit); got != want {
				t.Fatalf("n=%d limit=%d: got %x want %x", n, limit, got, want)
			}
		}
	}
}

type checkpoint struct {
	Epoch uint64
	Root  [32]byte
}

func (c *checkpoint) DefineSSZ(codec *Codec) {
	Uint64(codec, &c.Epoch)
	Bytes(codec, c.Root[:])
}

// sample mixes every field kind, static and dynamic, so that one type
// exercises offsets, limits and nesting.
type sample struct {
	A     uint16
	B     []uint64 // list, limit 16
	C     checkpoint
	D     Bitlist      // limit 20
	E     []checkpoint // list, limit 4
	F     [48]byte
	G     Bitvector // 10 bits
	H     bool
	I     []byte     // list, limit 40
	J     [][32]byte // vector of 3
	Inner []inner    // list, limit 3, of variable-size elements
}

type inner struct {
	X uint32
	Y []uint16 // list, limit 5
}

func (v *inner) DefineSSZ(c *Codec) {
	Uint32(c, &v.X)
	BasicList(c, &v.Y, 5)
}

func (s *sample) DefineSSZ(c *Codec) {
	Uint16(c, &s.A)
	BasicList(c, &s.B, 16)
	Container(c, &s.C)
	BitlistField(c, &s.D, 20)
	List(c, &s.E, 4)
	Bytes(c, s.F[:])
	BitvectorField(c, &s.G, 10)
	Bool(c, &s.H)
	ByteList(c, &s.I, 40)
	ArrayVector(c, &s.J, 3)
	List(c, &s.Inner, 3)
}

func newSample() *sample {
	d := NewBitlist(13)
	d.Set(0, true)
	d.Set(12, true)
	g := NewBitvector(10)
	g.Set(9, true)
	return &sample{
		A: 0x1234, B: []uint64{1, 2, 3},
		C: checkpoint{Epoch: 7, Root: [32]byte{1}},
		D: d, E: []checkpoint{{Epoch: 1}, {Epoch: 2, Root: [32]byte{9}}},
		F: [48]byte{5}, G: g, H: true, I: []byte("hello"),
		J:     [][32]byte{{1}, {2}, {3}},
		Inner: []inner{{X: 1, Y: []uint16{1, 2}}, {X: 2}, {X: 3, Y: []uint16{7}}},
	}
}

// refSampleRoot computes sample's root by hand from the spec's rules.
func refSampleRoot(s *sample) [32]byte {
	u64 := func(v uint64) [32]byte {
		var r [32]byte
		binary.LittleEndian.PutUint64(r[:], v)
		return r
	}
	cpRoot := func(c checkpoint) [32]byte { return refMerkleize([][32]byte{u64(c.Epoch), c.Root}, 2) }
	var b []byte
	for _, x := range s.B {
		b = binary.LittleEndian.AppendUint64(b, x)
	}
	n := s.D.Len()
	dbits := make([]byte, (n+7)/8)
	copy(dbits, s.D)
	if n%8 != 0 {
		dbits[len(dbits)-1] &= byte(1<<(n%8)) - 1
	}
	var eRoots [][32]byte
	for _, e := range s.E {
		eRoots = append(eRoots, cpRoot(e))
	}
	var innerRoots [][32]byte
	for _, in := range s.Inner {
		var y []byte
		for _, v := range in.Y {
			y = binary.LittleEndian.AppendUint16(y, v)
		}
		innerRoots = append(innerRoots, refMerkleize([][32]byte{u64(uint64(in.X)), refMix(refMerkleize(refPack(y), 1), uint64(len(in.Y)))}, 2))
	}
	var hb [32]byte
	if s.H {
		hb[0] = 1
	}
	fields := [][32]byte{
		u64(uint64(s.A)),
		refMix(refMerkleize(refPack(b), 4), uint64(len(s.B))),
		cpRoot(s.C),
		refMix(refMerkleize(refPack(dbits), 1), uint64(n)),
		refMix(refMerkleize(eRoots, 4), uint64(len(s.E))),
		refMerkleize(refPack(s.F[:]), 2),
		refMerkleize(refPack(s.G), 1),
		hb,
		refMix(refMerkleize(refPack(s.I), 2), uint64(len(s.I))),
		refMerkleize(s.J, 3),
		refMix(refMerkleize(innerRoots, 3), uint64(len(s.Inner))),
	}
	return refMerkleize(fields, uint64(len(fields)))
}

func TestSampleRoundTripAndRoot(t *testing.T) {
	s := newSample()
	enc, err := Marshal(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(enc) != Size(s, nil) {
		t.Fatalf("Size %d, encoding %d bytes", Size(s, nil), len(enc))
	}
	var back sample
	if err := Unmarshal(enc, &back, nil); err != nil {
		t.Fatal(err)
	}
	enc2, err := Marshal(&back, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(enc, enc2) {
		t.Fatalf("round trip differs:\n%x\n%x", enc, enc2)
	}
	root, err := HashTreeRoot(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := refSampleRoot(s); root != want {
		t.Fatalf("root %x, want %x", root, want)
	}
}

func TestDecodeRejectsMalformed(t *testing.T) {
	enc, err := Marshal(newSample(), nil)
	if err != nil {
		t.Fatal(err)
	}
	fixed := 2 + 4 + 40 + 4 + 4 + 48 + 2 + 1 + 4 + 96 + 4
	cases := map[string]struct {
		data []byte
		want error
	}{
		"empty":           {nil, ErrSize},
		"short":           {enc[:fixed-1], ErrSize},
		"first offset":    {patch32(enc, 2, uint32(fixed+1)), ErrOffset},
		"offset too big":  {patch32(enc, 46, uint32(len(enc)+1)), ErrOffset},
		"bool 2":          {patch8(enc, 2+4+40+4+4+48+2, 2), ErrBool},
		"bitvector extra": {patch8(enc, 2+4+40+4+4+48+1, 0x80), ErrBitvector},
		"list too long":   {withB(17), ErrLimit},
		"ragged list":     {truncateB(enc), ErrSize},
	}
	for name, tc := range cases {
		var s sample
		err := Unmarshal(tc.data, &s, nil)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", name, err, tc.want)
		}
	}
	// Trailing bytes after a static container.
	var cp checkpoint
	if err := Unmarshal(make([]byte, 41), &cp, nil); !errors.Is(err, ErrSize) {
		t.Errorf("trailing: got %v", err)
	}
}

func patch32(b []byte, at int, v uint32) []byte {
	out := append([]byte(nil), b...)
	binary.LittleEndian.PutUint32(out[at:], v)
	return out
}

func patch8(b []byte, at int, v byte) []byte {
	out := append([]byte(nil), b...)
	out[at] = v
	return out
}

func withB(n int) []byte {
	s := newSample()
	s.B = make([]uint64, n)
	// Marshal refuses, so build the encoding with a laxer limit.
	enc, err := Marshal(&laxSample{s}, nil)
	if err != nil {
		panic(err)
	}
	return enc
}

// truncateB moves B's end by 1 byte into C... by shifting the second
// offset so B's bytes are not a whole number of uint64s.
func truncateB(enc []byte) []byte {
	off := binary.LittleEndian.Uint32(enc[46:])
	return patch32(enc, 46, off-1)
}

type laxSample struct{ *sample }

func (s *laxSample) DefineSSZ(c *Codec) {
	Uint16(c, &s.A)
	BasicList(c, &s.B, 1000)
	Container(c, &s.C)
	BitlistField(c, &s.D, 20)
	List(c, &s.E, 4)
	Bytes(c, s.F[:])
	BitvectorField(c, &s.G, 10)
	Bool(c, &s.H)
	ByteList(c, &s.I, 40)
	ArrayVector(c, &s.J, 3)
	List(c, &s.Inner, 3)
}

func TestProofs(t *testing.T) {
	s := newSample()
	root, err := HashTreeRoot(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Fields sit at depth 4 (11 fields); C's root field is its second leaf;
	// E's second element's epoch goes through the list's data subtree.
	for _, g := range []uint64{1, 16, 17, 18, 26, 27, 18*2 + 1, 20*2 + 1, (20*2)<<2 | 1, ((20*2)<<2|1)<<1 | 0} {
		leaf, branch, err := Prove(s, nil, g)
		if err != nil {
			t.Fatalf("gindex %d: %v", g, err)
		}
		if !VerifyProof(root, leaf, branch, g) {
			t.Fatalf("gindex %d: proof does not verify", g)
		}
		leaf[0] ^= 1
		if VerifyProof(root, leaf, branch, g) {
			t.Fatalf("gindex %d: tampered leaf verifies", g)
		}
	}
	if _, _, err := Prove(s, nil, 1<<40); !errors.Is(err, ErrProof) {
		t.Fatalf("deep gindex: %v", err)
	}
}

type bigList struct{ V []checkpoint }

func (b *bigList) DefineSSZ(c *Codec) { List(c, &b.V, 1<<20) }

func TestParallelHashingMatchesSerial(t *testing.T) {
	b := &bigList{V: make([]checkpoint, 3*parallelThreshold+7)}
	for i := range b.V {
		b.V[i].Epoch = uint64(i)
	}
	got, err := HashTreeRoot(b, nil)
	if err != nil {
		t.Fatal(err)
	}
	roots := make([][32]byte, len(b.V))
	for i := range b.V {
		roots[i], _ = HashTreeRoot(&b.V[i], nil)
	}
	if want := refMerkleize([][32]byte{refMix(Merkleize(roots, 1<<20), uint64(len(b.V)))}, 1); got != want {
		t.Fatalf("got %x want %x", got, want)
	}
}

type rootList struct{ R [][32]byte }

func (r *rootList) DefineSSZ(c *Codec) { ArrayList(c, &r.R, 8) }
func (r *rootList) IsSSZValue()        {}

func TestBareValue(t *testing.T) {
	v := &rootList{R: [][32]byte{{1}, {2}}}
	enc, err := Marshal(v, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(enc) != 64 {
		t.Fatalf("bare list encodes to %d bytes, want 64 (no offset)", len(enc))
	}
	var back rootList
	if err := Unmarshal(enc, &back, nil); err != nil || len(back.R) != 2 || back.R[1] != v.R[1] {
		t.Fatalf("decode: %v %v", err, back.R)
	}
	root, _ := HashTreeRoot(v, nil)
	if want := refMix(refMerkleize(v.R, 8), 2); root != want {
		t.Fatalf("root %x want %x", root, want)
	}
}

func TestSnappy(t *testing.T) {
	data := bytes.Repeat([]byte("quetzal"), 1000)
	got, err := SnappyDecode(SnappyEncode(data), len(data))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("block: %v", err)
	}
	if _, err := SnappyDecode(SnappyEncode(data), len(data)-1); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("block limit: %v", err)
	}
	got, err = SnappyFramedDecode(bytes.NewReader(SnappyFramedEncode(data)), len(data), len(data))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("framed: %v", err)
	}
	if _, err := SnappyDecode([]byte{0xff, 0xff, 0xff}, 100); err == nil {
		t.Fatal("garbage snappy block decoded")
	}
}

func FuzzSampleDecode(f *testing.F) {
	enc, _ := Marshal(newSample(), nil)
	f.Add(enc)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		var s sample
		if err := Unmarshal(data, &s, nil); err != nil {
			return
		}
		out, err := Marshal(&s, nil)
		if err != nil {
			t.Fatalf("decoded value does not encode: %v", err)
		}
		if !bytes.Equal(out, data) {
			t.Fatalf("round trip differs")
		}
		if _, err := HashTreeRoot(&s, nil); err != nil {
			t.Fatal(err)
		}
	})
}
