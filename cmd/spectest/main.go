// Command spectest runs the official consensus-spec-tests vectors, and the
// vectors generated from the pyspec reference functions if present, against
// quetzal. `make spec-tests` runs it; that run is the authoritative one.
//
//	spectest [-vectors DIR] [-reference DIR|off] [-run REGEXP] [-json FILE] [-workers N]
//
// Without -vectors it reads the release from testdata/spec-tests.version and
// uses $QUETZAL_SPEC_TESTS if set (it must hold tests/), else the first of
// ../shared/consensus-spec-tests/<version> beside the repository,
// <cache>/consensus-spec-tests/<version>-release and
// <cache>/consensus-spec-tests/<version> that holds tests/, where <cache> is
// ${QUETZAL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/quetzal}: the places
// scripts/vectors.sh fills. The reference vectors default to
// <cache>/reference-vectors/<version> when that exists.
//
// -run matches the case path preset/fork/runner/handler/suite/case, for
// example -run '^minimal/fulu/operations/' or -run 'ssz_static/BeaconState/'.
//
// It prints a table of passed, failed and not-implemented cases per source,
// preset, fork, runner and handler, then the failed cases with their error,
// then the not-implemented cases by name, then one line
// "N passed, N failed, N skipped". It exits 1 if any case failed, 2 if it
// could not run (no vectors, bad flags, nothing matched -run), and 0
// otherwise; not-implemented cases do not fail the run.
//
// The same run is available from go test, opt-in so that `go test ./...`
// does not repeat it: `go test ./internal/spectest -run TestVectors
// -spectests -timeout 0`, or QUETZAL_SPECTESTS=1 in the environment
// (QUETZAL_SPECTESTS_RUN=REGEXP or -spectests.run selects cases).
package main

import (
	"os"

	"github.com/quetzal-eth/quetzal/internal/spectest"
)

func main() {
	os.Exit(spectest.Main(os.Args[1:], os.Stdout, os.Stderr))
}
