package ssz

import (
	"errors"
	"math/rand/v2"
	"testing"
)

// cacheVal is a pointer-free static container, like a validator.
type cacheVal struct {
	Key     [48]byte
	Balance uint64
	Flag    bool
	Epoch   uint64
}

func (v *cacheVal) DefineSSZ(c *Codec) {
	Bytes(c, v.Key[:])
	Uint64(c, &v.Balance)
	Bool(c, &v.Flag)
	Uint64(c, &v.Epoch)
}

// cacheState has a field of every cached kind, big enough for the
// parallel paths, and small fields between them.
type cacheState struct {
	Slot   uint64
	Vals   []cacheVal // list, limit 1<<20
	Bal    []uint64   // list, limit 1<<20
	Part   []uint8    // list, limit 1<<20
	C      checkpoint
	Mixes  [][32]byte // vector of 64
	Keys   [][48]byte // list, limit 1<<10
	Slash  []uint64   // vector of 20
	Inner  []inner    // list, limit 1<<12, elements hold pointers
	Flags  []bool     // list, limit 100
	Hist   [][32]byte // list, limit 1<<16
	Points []checkpoint
}

func (s *cacheState) DefineSSZ(c *Codec) {
	Uint64(c, &s.Slot)
	List(c, &s.Vals, 1<<20)
	BasicList(c, &s.Bal, 1<<20)
	BasicList(c, &s.Part, 1<<20)
	Container(c, &s.C)
	ArrayVector(c, &s.Mixes, 64)
	ArrayList(c, &s.Keys, 1<<10)
	BasicVector(c, &s.Slash, 20)
	List(c, &s.Inner, 1<<12)
	BasicList(c, &s.Flags, 100)
	ArrayList(c, &s.Hist, 1<<16)
	Vector(c, &s.Points, 3)
}

type cacheRand struct{ *rand.Rand }

func (r cacheRand) val() cacheVal {
	v := cacheVal{Balance: r.Uint64(), Flag: r.IntN(2) == 1, Epoch: r.Uint64N(10)}
	for i := range v.Key {
		v.Key[i] = byte(r.Uint32())
	}
	return v
}

func (r cacheRand) root() (x [32]byte) {
	for i := range x {
		x[i] = byte(r.Uint32())
	}
	return x
}

func (r cacheRand) inner() inner {
	in := inner{X: r.Uint32()}
	for i := r.IntN(6); i > 0; i-- {
		in.Y = append(in.Y, uint16(r.Uint32()))
	}
	return in
}

func newCacheState(r cacheRand, nVals, nBal int) *cacheState {
	s := &cacheState{Slot: r.Uint64(), Mixes: make([][32]byte, 64), Slash: make([]uint64, 20), Points: make([]checkpoint, 3)}
	for i := 0; i < nVals; i++ {
		s.Vals = append(s.Vals, r.val())
	}
	for i := 0; i < nBal; i++ {
		s.Bal = append(s.Bal, r.Uint64N(1<<36))
		s.Part = append(s.Part, uint8(r.IntN(8)))
	}
	for i := range s.Mixes {
		s.Mixes[i] = r.root()
	}
	for i := 0; i < 300; i++ {
		var k [48]byte
		k[i%48] = byte(i)
		s.Keys = append(s.Keys, k)
	}
	for i := 0; i < 50; i++ {
		s.Inner = append(s.Inner, r.inner())
	}
	return s
}

// mutate changes, appends to or truncates one field of s at random.
func (r cacheRand) mutate(s *cacheState) {
	resize := func(n int, truncate func(int), grow func()) {
		switch r.IntN(4) {
		case 0: // truncate
			if n > 0 {
				truncate(r.IntN(n + 1))
			}
		case 1: // append a few, or many
			k := 1 + r.IntN(5)
			if r.IntN(4) == 0 {
				k = 1 + r.IntN(20000)
			}
			for ; k > 0; k-- {
				grow()
			}
		}
	}
	switch r.IntN(10) {
	case 0:
		s.Slot++
	case 1:
		if len(s.Vals) > 0 {
			for k := r.IntN(50); k >= 0; k-- {
				i := r.IntN(len(s.Vals))
				switch r.IntN(3) {
				case 0:
					s.Vals[i].Balance++
				case 1:
					s.Vals[i].Flag = !s.Vals[i].Flag
				default:
					s.Vals[i].Key[r.IntN(48)]++
				}
			}
		}
		resize(len(s.Vals), func(n int) { s.Vals = s.Vals[:n] }, func() { s.Vals = append(s.Vals, r.val()) })
	case 2:
		if r.IntN(3) == 0 { // every balance, as an epoch transition does
			for i := range s.Bal {
				s.Bal[i] += uint64(i % 3)
			}
		} else if len(s.Bal) > 0 {
			s.Bal[r.IntN(len(s.Bal))] ^= 1 << r.IntN(64)
		}
		resize(len(s.Bal), func(n int) { s.Bal = s.Bal[:n] }, func() { s.Bal = append(s.Bal, r.Uint64N(1<<36)) })
	case 3:
		if len(s.Part) > 0 {
			s.Part[r.IntN(len(s.Part))]++
		}
		resize(len(s.Part), func(n int) { s.Part = s.Part[:n] }, func() { s.Part = append(s.Part, 7) })
	case 4:
		s.Mixes[r.IntN(64)] = r.root()
		s.C.Epoch++
	case 5:
		if len(s.Keys) > 0 {
			s.Keys[r.IntN(len(s.Keys))][r.IntN(48)]++
		}
		resize(len(s.Keys), func(n int) { s.Keys = s.Keys[:n] }, func() {
			if len(s.Keys) < 1<<10 {
				s.Keys = append(s.Keys, [48]byte{byte(len(s.Keys))})
			}
		})
	case 6:
		s.Slash[r.IntN(20)] = r.Uint64()
		s.Points[r.IntN(3)].Epoch++
	case 7:
		if len(s.Inner) > 0 {
			i := r.IntN(len(s.Inner))
			if len(s.Inner[i].Y) > 0 {
				s.Inner[i].Y[0]++ // shared memory changes, the slice header does not
			} else {
				s.Inner[i].X++
			}
		}
		resize(len(s.Inner), func(n int) { s.Inner = s.Inner[:n] }, func() {
			if len(s.Inner) < 1<<12 {
				s.Inner = append(s.Inner, r.inner())
			}
		})
	case 8:
		resize(len(s.Flags), func(n int) { s.Flags = s.Flags[:n] }, func() {
			if len(s.Flags) < 100 {
				s.Flags = append(s.Flags, r.IntN(2) == 1)
			}
		})
		if len(s.Flags) > 0 {
			i := r.IntN(len(s.Flags))
			s.Flags[i] = !s.Flags[i]
		}
	case 9:
		resize(len(s.Hist), func(n int) { s.Hist = s.Hist[:n] }, func() {
			if len(s.Hist) < 1<<16 {
				s.Hist = append(s.Hist, r.root())
			}
		})
		if len(s.Hist) > 0 {
			s.Hist[r.IntN(len(s.Hist))][0]++
		}
	}
}

func checkCached(t *testing.T, step int, s *cacheState, cache *HashCache) {
	t.Helper()
	want, err := HashTreeRoot(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := HashTreeRootCached(s, nil, cache)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("step %d: cached root %x, want %x (vals %d, bal %d, part %d)", step, got, want, len(s.Vals), len(s.Bal), len(s.Part))
	}
}

func TestHashCacheRandomMutations(t *testing.T) {
	steps := 300
	if testing.Short() {
		steps = 60
	}
	for seed := uint64(1); seed <= 3; seed++ {
		r := cacheRand{rand.New(rand.NewPCG(seed, 77))}
		s := newCacheState(r, 5000, 40000)
		var cache HashCache
		checkCached(t, -1, s, &cache)
		for step := 0; step < steps; step++ {
			for k := r.IntN(3); k >= 0; k-- {
				r.mutate(s)
			}
			checkCached(t, step, s, &cache)
		}
	}
}

// A cache moved between objects of different lengths, including empty
// ones, still gives the uncached root.
func TestHashCacheReusedAcrossObjects(t *testing.T) {
	r := cacheRand{rand.New(rand.NewPCG(9, 9))}
	objs := []*cacheState{
		newCacheState(r, 3000, 30000),
		newCacheState(r, 10, 7),
		newCacheState(r, 0, 0),
		newCacheState(r, 4097, 70001),
	}
	objs[1].Mixes = objs[0].Mixes // equal leaves in a shared field
	var cache HashCache
	for i := 0; i < 12; i++ {
		checkCached(t, i, objs[(i*7)%len(objs)], &cache)
	}
}

// Every element changed at once, and shrinking to one element, go
// through the parallel re-hashing of whole layers.
func TestHashCacheWholeLayers(t *testing.T) {
	r := cacheRand{rand.New(rand.NewPCG(5, 5))}
	s := newCacheState(r, 20000, 100000)
	var cache HashCache
	checkCached(t, 0, s, &cache)
	for i := range s.Vals {
		s.Vals[i].Epoch++
	}
	for i := range s.Bal {
		s.Bal[i]++
	}
	checkCached(t, 1, s, &cache)
	s.Vals, s.Bal = s.Vals[:1], s.Bal[:1]
	checkCached(t, 2, s, &cache)
	s.Vals, s.Bal = s.Vals[:0], s.Bal[:0]
	checkCached(t, 3, s, &cache)
}

func TestHashCacheAfterError(t *testing.T) {
	r := cacheRand{rand.New(rand.NewPCG(3, 3))}
	s := newCacheState(r, 100, 100)
	var cache HashCache
	checkCached(t, 0, s, &cache)
	saved := s.Flags
	s.Flags = make([]bool, 101) // over the limit
	if _, err := HashTreeRootCached(s, nil, &cache); !errors.Is(err, ErrLimit) {
		t.Fatalf("got %v, want ErrLimit", err)
	}
	s.Flags = saved
	s.Bal[3]++
	checkCached(t, 1, s, &cache)
}

// Nested containers are not cached: a cached walk of a container that
// holds cacheState as a field gives the plain root too.
type cacheOuter struct {
	S cacheState
	N uint64
}

func (o *cacheOuter) DefineSSZ(c *Codec) {
	Container(c, &o.S)
	Uint64(c, &o.N)
}

func TestHashCacheNested(t *testing.T) {
	r := cacheRand{rand.New(rand.NewPCG(4, 4))}
	o := &cacheOuter{S: *newCacheState(r, 100, 100)}
	var cache HashCache
	for i := 0; i < 5; i++ {
		want, _ := HashTreeRoot(o, nil)
		got, err := HashTreeRootCached(o, nil, &cache)
		if err != nil || got != want {
			t.Fatalf("step %d: %x, %v; want %x", i, got, err, want)
		}
		r.mutate(&o.S)
	}
}

// Layers of more than parallelLayerMin nodes are hashed on several cores;
// the root must not change.
func TestMerkleizeLargeLayers(t *testing.T) {
	r := cacheRand{rand.New(rand.NewPCG(6, 6))}
	for _, n := range []int{2*parallelLayerMin - 1, 2 * parallelLayerMin, 4*parallelLayerMin + 3} {
		chunks := make([][32]byte, n)
		for i := range chunks {
			chunks[i] = r.root()
		}
		if got, want := Merkleize(chunks, 1<<20), refMerkleize(chunks, 1<<20); got != want {
			t.Fatalf("%d chunks: root %x, want %x", n, got, want)
		}
	}
}

type cacheVals struct{ V []cacheVal }

func (s *cacheVals) DefineSSZ(c *Codec) { List(c, &s.V, 1<<20) }

// refValRoot computes a cacheVal's root from the SSZ spec's definitions.
func refValRoot(v *cacheVal) [32]byte {
	var bal, flag, epoch [32]byte
	putUint64(bal[:], v.Balance)
	if v.Flag {
		flag[0] = 1
	}
	putUint64(epoch[:], v.Epoch)
	key := refMerkleize(refPack(v.Key[:]), 2)
	return refMerkleize([][32]byte{key, bal, flag, epoch}, 4)
}

// Lists of static containers are merkleized in blocks of elements, on
// several cores when long, and element by element in the cache: all must
// give the spec's root.
func TestStaticListRoots(t *testing.T) {
	r := cacheRand{rand.New(rand.NewPCG(8, 8))}
	for _, n := range []int{0, 1, 5, staticBlock - 1, staticBlock + 1, parallelThreshold + 3*staticBlock + 7} {
		s := &cacheVals{}
		roots := make([][32]byte, n)
		for i := 0; i < n; i++ {
			s.V = append(s.V, r.val())
			roots[i] = refValRoot(&s.V[i])
		}
		want := refMix(refMerkleize(roots, 1<<20), uint64(n))
		if got, err := HashTreeRoot(s, nil); err != nil || got != want {
			t.Fatalf("%d elements: root %x, %v; want %x", n, got, err, want)
		}
		var cache HashCache
		if got, err := HashTreeRootCached(s, nil, &cache); err != nil || got != want {
			t.Fatalf("%d elements, cached: root %x, %v; want %x", n, got, err, want)
		}
	}
}

// Long lists of static containers are decoded on several cores; the
// decoding must round-trip, and a malformed element must be reported as
// a serial decoding reports it: the one of the lowest index.
func TestParallelDecodeStaticList(t *testing.T) {
	r := cacheRand{rand.New(rand.NewPCG(2, 2))}
	s := &cacheVals{}
	for i := 0; i < 3*parallelThreshold+5; i++ {
		s.V = append(s.V, r.val())
	}
	enc, err := Marshal(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	var back cacheVals
	if err := Unmarshal(enc, &back, nil); err != nil {
		t.Fatal(err)
	}
	again, _ := Marshal(&back, nil)
	if string(again) != string(enc) {
		t.Fatal("re-encoding differs")
	}
	const elem, flagAt = 65, 4 + 56 // element size; offset, key and balance
	bad := append([]byte(nil), enc...)
	bad[flagAt+elem*(len(s.V)-3)] = 3
	bad[flagAt+elem*(parallelThreshold+1)] = 2
	err = Unmarshal(bad, new(cacheVals), nil)
	if !errors.Is(err, ErrBool) || err.Error() != "ssz: boolean is neither 0 nor 1: 0x2" {
		t.Fatalf("got %v, want the error of element %d", err, parallelThreshold+1)
	}
}

// HashTreeRootHinted gives HashTreeRoot's root when its hints name every
// changed element of the hinted fields (a list of containers, a packed
// list of uint64 and of uint8, a list and a vector of roots), including
// elements replaced by a truncation and regrowth; an empty hint says a
// field did not change, and fields without hints are compared as usual.
func TestHashTreeRootHinted(t *testing.T) {
	r := cacheRand{rand.New(rand.NewPCG(11, 3))}
	s := newCacheState(r, 20000, 3000)
	for i := 0; i < 500; i++ {
		s.Hist = append(s.Hist, r.root())
	}
	var cache HashCache
	if _, err := HashTreeRootCached(s, nil, &cache); err != nil {
		t.Fatal(err)
	}
	// change changes a few elements of a list of n at random, noting
	// them, appends some, or replaces its tail.
	change := func(n int, set func(i int), truncate func(n int), grow func()) (touched []int) {
		for k := r.IntN(40); k >= 0; k-- {
			switch i := r.IntN(n); r.IntN(6) {
			case 0:
				grow()
				n++
			case 1: // the replaced elements are noted
				m := max(0, n-r.IntN(5))
				for j := m; j < n; j++ {
					touched = append(touched, j)
				}
				truncate(m)
				grow()
				grow()
				n = m + 2
			default:
				set(i)
				touched = append(touched, i, i) // repeats are allowed
			}
		}
		r.Shuffle(len(touched), func(i, j int) { touched[i], touched[j] = touched[j], touched[i] })
		return touched
	}
	for step := 0; step < 300; step++ {
		var hints []Hint
		if r.IntN(3) > 0 {
			hints = append(hints, Hint{Field: 1, Elements: change(len(s.Vals),
				func(i int) { s.Vals[i].Epoch++ },
				func(n int) { s.Vals = s.Vals[:n] },
				func() { s.Vals = append(s.Vals, r.val()) })})
		} else {
			hints = append(hints, Hint{Field: 1}) // unchanged
		}
		if r.IntN(2) == 0 {
			hints = append(hints, Hint{Field: 2, Elements: change(len(s.Bal),
				func(i int) { s.Bal[i] ^= 1 << r.IntN(64) },
				func(n int) { s.Bal = s.Bal[:n] },
				func() { s.Bal = append(s.Bal, r.Uint64N(1<<36)) })})
		} else {
			s.Bal[r.IntN(len(s.Bal))]++ // not hinted: compared as usual
		}
		if r.IntN(2) == 0 {
			hints = append(hints, Hint{Field: 3, Elements: change(len(s.Part),
				func(i int) { s.Part[i]++ },
				func(n int) { s.Part = s.Part[:n] },
				func() { s.Part = append(s.Part, uint8(r.IntN(8))) })})
		}
		if r.IntN(2) == 0 {
			hints = append(hints, Hint{Field: 10, Elements: change(len(s.Hist),
				func(i int) { s.Hist[i][r.IntN(32)]++ },
				func(n int) { s.Hist = s.Hist[:n] },
				func() { s.Hist = append(s.Hist, r.root()) })})
		}
		if r.IntN(2) == 0 {
			i := r.IntN(len(s.Mixes))
			s.Mixes[i] = r.root()
			hints = append(hints, Hint{Field: 5, Elements: []int{i}})
		}
		want, err := HashTreeRoot(s, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, err := HashTreeRootHinted(s, nil, &cache, hints...)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("step %d: hinted root %x, want %x", step, got, want)
		}
	}
}

// The hints are trusted: a change they leave out is not seen, which is
// why a caller must name every change.
func TestHashTreeRootHintedTrustsHints(t *testing.T) {
	r := cacheRand{rand.New(rand.NewPCG(12, 4))}
	s := newCacheState(r, 1000, 10)
	var cache HashCache
	before, err := HashTreeRootCached(s, nil, &cache)
	if err != nil {
		t.Fatal(err)
	}
	s.Vals[7].Epoch++
	s.Bal[3]++
	got, err := HashTreeRootHinted(s, nil, &cache, Hint{Field: 1, Elements: []int{8}}, Hint{Field: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got != before {
		t.Fatalf("a change left out of the hints was seen: root %x, before %x", got, before)
	}
	// A later unhinted call compares everything again and sees it.
	want, _ := HashTreeRoot(s, nil)
	if got, _ := HashTreeRootCached(s, nil, &cache); got != want {
		t.Fatalf("unhinted root %x after a hinted call, want %x", got, want)
	}
}
