package spectest

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// selftestModule makes a directory tree that looks like a checkout: a
// module root with the version file, a subdirectory to start from, and a
// home directory beside it. It returns the temporary directory, the module
// root and the fake environment.
func selftestModule(t *testing.T) (base, repo string, env map[string]string) {
	t.Helper()
	base = t.TempDir()
	repo = filepath.Join(base, "repo")
	for _, d := range []string{"repo/testdata", "repo/internal/spectest", "home"} {
		if err := os.MkdirAll(filepath.Join(base, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(repo, "go.mod"), []byte("module example\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(repo, VersionFile), []byte("v9.9.9\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return base, repo, map[string]string{"HOME": filepath.Join(base, "home")}
}

func mkVectorRoot(t *testing.T, dir string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "tests"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestLocate(t *testing.T) {
	base, repo, env := selftestModule(t)
	start := filepath.Join(repo, "internal", "spectest")
	getenv := func(k string) string { return env[k] }
	locate := func() (Located, error) { return Locate(getenv, start) }

	_, err := locate()
	if !errors.Is(err, ErrNoVectors) {
		t.Fatalf("empty machine: err = %v, want ErrNoVectors", err)
	}
	for _, want := range []string{"v9.9.9", "make spec-tests", "scripts/vectors.sh", filepath.Join(base, "home", ".cache", "quetzal", "consensus-spec-tests", "v9.9.9")} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}

	// Later candidates are used only when the earlier ones are absent, so
	// create them from the last to the first.
	homeGen := mkVectorRoot(t, filepath.Join(base, "home", ".cache", "quetzal", "consensus-spec-tests", "v9.9.9"))
	homeRelease := filepath.Join(base, "home", ".cache", "quetzal", "consensus-spec-tests", "v9.9.9-release")
	xdg := mkVectorRoot(t, filepath.Join(base, "xdg", "quetzal", "consensus-spec-tests", "v9.9.9"))
	qcache := mkVectorRoot(t, filepath.Join(base, "qcache", "consensus-spec-tests", "v9.9.9"))
	shared := filepath.Join(base, "shared", "consensus-spec-tests", "v9.9.9")
	envRoot := filepath.Join(base, "env")
	steps := []struct {
		setup func()
		want  string
	}{
		{func() {}, homeGen},
		{func() { mkVectorRoot(t, homeRelease) }, homeRelease},
		{func() { env["XDG_CACHE_HOME"] = filepath.Join(base, "xdg") }, xdg},
		{func() { env["QUETZAL_CACHE"] = filepath.Dir(filepath.Dir(qcache)) }, qcache},
		{func() { mkVectorRoot(t, shared) }, shared},
		{func() { env["QUETZAL_SPEC_TESTS"] = mkVectorRoot(t, envRoot) }, envRoot},
	}
	for i, s := range steps {
		s.setup()
		loc, err := locate()
		if err != nil || loc.Official != s.want || loc.Version != "v9.9.9" {
			t.Errorf("step %d: %+v, %v; want official %s", i, loc, err, s.want)
		}
		if loc.Reference != "" {
			t.Errorf("step %d: reference %s without reference vectors", i, loc.Reference)
		}
	}
	// $QUETZAL_SPEC_TESTS without vectors is an error, not a reason to look
	// elsewhere.
	env["QUETZAL_SPEC_TESTS"] = filepath.Join(base, "nothing")
	if loc, err := locate(); err == nil || errors.Is(err, ErrNoVectors) || !strings.Contains(err.Error(), "QUETZAL_SPEC_TESTS") {
		t.Errorf("QUETZAL_SPEC_TESTS without tests/: %+v, %v", loc, err)
	}
	env["QUETZAL_SPEC_TESTS"] = envRoot
	ref := mkVectorRoot(t, filepath.Join(base, "qcache", "reference-vectors", "v9.9.9"))
	if loc, _ := locate(); loc.Reference != ref {
		t.Errorf("reference = %q, want %s", loc.Reference, ref)
	}

	if _, err := Locate(getenv, base); err == nil {
		t.Error("found vectors outside any module")
	}
}

func TestSources(t *testing.T) {
	base, repo, env := selftestModule(t)
	getenv := func(k string) string { return env[k] }
	official := mkVectorRoot(t, filepath.Join(base, "official"))
	explicitRef := mkVectorRoot(t, filepath.Join(base, "ref"))

	if _, err := Sources("", "", getenv, repo); !errors.Is(err, ErrNoVectors) {
		t.Errorf("nothing found: err = %v", err)
	}
	if _, err := Sources(filepath.Join(base, "missing"), "", getenv, repo); err == nil {
		t.Error("-vectors without tests/ accepted")
	}
	if _, err := Sources(official, filepath.Join(base, "missing"), getenv, repo); err == nil {
		t.Error("-reference without tests/ accepted")
	}
	src, err := Sources(official, "", getenv, repo)
	if err != nil || len(src) != 1 || src[0] != (Source{LabelOfficial, official}) {
		t.Errorf("explicit official, no reference: %v %v", src, err)
	}
	cached := mkVectorRoot(t, filepath.Join(base, "home", ".cache", "quetzal", "reference-vectors", "v9.9.9"))
	for _, tc := range []struct {
		reference string
		want      []Source
	}{
		{"", []Source{{LabelOfficial, official}, {LabelReference, cached}}},
		{explicitRef, []Source{{LabelOfficial, official}, {LabelReference, explicitRef}}},
		{ReferenceOff, []Source{{LabelOfficial, official}}},
	} {
		src, err := Sources(official, tc.reference, getenv, repo)
		if err != nil || len(src) != len(tc.want) || src[0] != tc.want[0] || src[len(src)-1] != tc.want[len(tc.want)-1] {
			t.Errorf("-reference %q: %v %v, want %v", tc.reference, src, err, tc.want)
		}
	}
	// Outside the module there is no version, but explicit roots still work.
	if src, err := Sources(official, explicitRef, getenv, base); err != nil || len(src) != 2 {
		t.Errorf("outside the module: %v %v", src, err)
	}
}

func TestMainExitCodes(t *testing.T) {
	root := selftestTree(t, selftestCases)
	for _, tc := range []struct {
		name string
		args []string
		want int
	}{
		{"failures", nil, ExitFailed},
		{"only passes", []string{"-run", "/ok_"}, ExitOK},
		{"only not implemented", []string{"-run", "later|selftest_missing"}, ExitOK},
		{"one panic", []string{"-run", "boom$"}, ExitFailed},
		{"nothing selected", []string{"-run", "^nope/"}, ExitSetup},
		{"bad regexp", []string{"-run", "("}, ExitSetup},
		{"stray argument", []string{"extra"}, ExitSetup},
		{"unknown flag", []string{"-nope"}, ExitSetup},
		{"vectors without tests", []string{"-vectors", t.TempDir()}, ExitSetup},
		{"vectors without cases", []string{"-vectors", mkVectorRoot(t, t.TempDir())}, ExitSetup},
		{"unwritable json", []string{"-run", "/ok_", "-json", filepath.Join(t.TempDir(), "no", "such", "dir.json")}, ExitSetup},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"-vectors", root, "-reference", ReferenceOff, "-workers", "2"}, tc.args...)
			var stdout, stderr bytes.Buffer
			if got := Main(args, &stdout, &stderr); got != tc.want {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", got, tc.want, &stdout, &stderr)
			}
			if tc.want == ExitSetup && stderr.Len() == 0 {
				t.Error("setup error with nothing on stderr")
			}
		})
	}
}

func TestMainOutput(t *testing.T) {
	root := selftestTree(t, selftestCases)
	ref := selftestTree(t, map[string]string{"minimal/phase0/selftest_data/ops/pyspec_tests/ok_a": "pass"})
	jsonPath := filepath.Join(t.TempDir(), "out.json")
	var stdout, stderr bytes.Buffer
	code := Main([]string{"-vectors", root, "-reference", ref, "-json", jsonPath}, &stdout, &stderr)
	if code != ExitFailed {
		t.Fatalf("exit %d, want %d; stderr: %s", code, ExitFailed, &stderr)
	}
	out := stdout.String()
	if !strings.HasSuffix(out, "\n5 passed, 3 failed, 5 skipped\n") {
		t.Errorf("stdout does not end in the totals line:\n%s", out)
	}
	if !strings.Contains(out, "pyspec-reference vectors, preset minimal\n") {
		t.Errorf("no table for the reference vectors:\n%s", out)
	}
	raw, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	var j JSONReport
	if err := json.Unmarshal(raw, &j); err != nil {
		t.Fatal(err)
	}
	if j.Passed != 5 || j.Failed != 3 || j.Skipped != 5 || len(j.FailedCases) != 3 || len(j.NotImplemented) != 5 || len(j.Rows) != 5 {
		t.Errorf("JSON report: %+v", j)
	}
}
