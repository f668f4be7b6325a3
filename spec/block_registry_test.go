package spec

import (
	"testing"

	"github.com/quetzal-eth/quetzal/ssz"
)

// The block containers of each fork, counted from the container
// definitions of that fork's documents (phase0 ... fulu).
func TestBlockContainersPerFork(t *testing.T) {
	want := map[ForkName]int{Phase0: 18, Altair: 24, Bellatrix: 28, Capella: 31, Deneb: 33, Electra: 38, Fulu: 43}
	for f := Phase0; f <= LatestFork; f++ {
		names := map[string]bool{}
		blockContainers(f, func(name string, newObj func() ssz.Object) {
			if names[name] {
				t.Errorf("%s: %s added twice", f, name)
			}
			names[name] = true
			if newObj() == nil {
				t.Errorf("%s: %s constructor returns nil", f, name)
			}
		})
		if len(names) != want[f] {
			t.Errorf("%s: %d block containers, want %d", f, len(names), want[f])
		}
		if got := names["BlobSidecar"]; got != (f == Deneb || f == Electra) {
			t.Errorf("%s: BlobSidecar listed: %v", f, got)
		}
		if got := names["DataColumnSidecar"]; got != (f >= Fulu) {
			t.Errorf("%s: DataColumnSidecar listed: %v", f, got)
		}
	}
}
