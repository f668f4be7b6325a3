package spectest

import (
	"errors"
	"flag"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestVectors runs the consensus-spec-tests vectors from `go test`, found the
// same way as by cmd/spectest, and reports each failed case as a failed
// subtest. The full suite is long and `make spec-tests` is the
// authoritative run, so this test is opt-in:
//
//	go test ./internal/spectest -run TestVectors -spectests [-spectests.run REGEXP] -timeout 0
//	QUETZAL_SPECTESTS=1 [QUETZAL_SPECTESTS_RUN=REGEXP] go test ./...
//
// The flags exist only in this package's test binary, so with ./... use the
// environment variables.
var (
	flagSpecTests    = flag.Bool("spectests", false, "run the consensus-spec-tests vectors in TestVectors")
	flagSpecTestsRun = flag.String("spectests.run", "", "with -spectests, run only cases whose preset/fork/runner/handler/suite/case matches this regexp")
)

func TestVectors(t *testing.T) {
	if !*flagSpecTests && os.Getenv("QUETZAL_SPECTESTS") == "" {
		t.Skip("spec-test vectors are opt-in: pass -spectests or set QUETZAL_SPECTESTS=1 (make spec-tests is the full run)")
	}
	pattern := *flagSpecTestsRun
	if pattern == "" {
		pattern = os.Getenv("QUETZAL_SPECTESTS_RUN")
	}
	var filter *regexp.Regexp
	if pattern != "" {
		var err error
		if filter, err = regexp.Compile(pattern); err != nil {
			t.Fatalf("spec-tests filter: %v", err)
		}
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	sources, err := Sources("", "", os.Getenv, wd)
	if errors.Is(err, ErrNoVectors) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	report, err := Run(sources, filter, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(report.Results) == 0 {
		t.Fatalf("no cases matched %q", pattern)
	}
	var text strings.Builder
	if err := report.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + text.String())
	for _, res := range report.sorted(Failed) {
		t.Run(res.Source+"/"+res.Case.Path(), func(t *testing.T) {
			t.Error(res.Err)
		})
	}
}
