package spectest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

// The runner is tested on a synthetic vector tree whose cases say, in a
// file named "expect", what the test handler should do with them. The
// runner names start with selftest_ so they cannot collide with real ones.
func init() {
	Register("selftest_data", AnyHandler, selftestByExpect)
	// A handler for one name must win over the runner's AnyHandler.
	Register("selftest_data", "exact", func(c *Case) error {
		return errors.New("exact handler ran")
	})
}

func selftestByExpect(c *Case) error {
	raw, err := c.ReadFile("expect")
	if err != nil {
		return err
	}
	switch what := strings.TrimSpace(string(raw)); what {
	case "pass":
		return nil
	case "fail":
		return fmt.Errorf("post state root differs\nwant 0x01\ngot  0x02")
	case "notimpl":
		return fmt.Errorf("fork %s: %w", c.Fork, ErrNotImplemented)
	case "panic":
		panic("boom")
	case "index":
		var s []int
		return fmt.Errorf("unreachable %d", s[len(what)])
	default:
		return fmt.Errorf("bad expect %q", what)
	}
}

// selftestTree writes a vector root holding the given cases, keyed by
// preset/fork/runner/handler/suite/case, and returns it.
func selftestTree(t *testing.T, cases map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for path, expect := range cases {
		dir := filepath.Join(root, "tests", filepath.FromSlash(path))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "expect"), []byte(expect), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// selftestCases is the tree most tests use: 4 passed, 3 failed (one
// error, two panics) and 5 skipped (2 returned ErrNotImplemented, 3 have no
// handler).
var selftestCases = map[string]string{
	"minimal/phase0/selftest_data/ops/pyspec_tests/ok_a":     "pass",
	"minimal/phase0/selftest_data/ops/pyspec_tests/ok_b":     "pass",
	"minimal/phase0/selftest_data/ops/pyspec_tests/bad":      "fail",
	"minimal/phase0/selftest_data/ops/pyspec_tests/later":    "notimpl",
	"minimal/altair/selftest_data/ops/pyspec_tests/ok_a":     "pass",
	"minimal/altair/selftest_data/ops/pyspec_tests/boom":     "panic",
	"minimal/altair/selftest_data/ops/pyspec_tests/later":    "notimpl",
	"mainnet/phase0/selftest_data/ops/pyspec_tests/ok_a":     "pass",
	"mainnet/phase0/selftest_data/ops/pyspec_tests/index":    "index",
	"mainnet/phase0/selftest_missing/any/ssz_random/case_0":  "pass",
	"mainnet/phase0/selftest_missing/any/ssz_random/case_1":  "pass",
	"mainnet/phase0/selftest_missing/any/ssz_lengthy/case_0": "pass",
}

func selftestRun(t *testing.T, cases map[string]string, filter string) *Report {
	t.Helper()
	var re *regexp.Regexp
	if filter != "" {
		re = regexp.MustCompile(filter)
	}
	r, err := Run([]Source{{Label: LabelOfficial, Root: selftestTree(t, cases)}}, re, 4)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func selftestResult(t *testing.T, r *Report, path string) Result {
	t.Helper()
	for _, res := range r.Results {
		if res.Case.Path() == path {
			return res
		}
	}
	t.Fatalf("no result for %s", path)
	return Result{}
}

func TestRunCounts(t *testing.T) {
	r := selftestRun(t, selftestCases, "")
	if p, f, s := r.Totals(); p != 4 || f != 3 || s != 5 {
		t.Errorf("totals = %d passed, %d failed, %d skipped; want 4, 3, 5", p, f, s)
	}
	want := []Row{
		{Key{LabelOfficial, "minimal", "phase0", "selftest_data", "ops"}, 2, 1, 1},
		{Key{LabelOfficial, "minimal", "altair", "selftest_data", "ops"}, 1, 1, 1},
		{Key{LabelOfficial, "mainnet", "phase0", "selftest_data", "ops"}, 1, 1, 0},
		{Key{LabelOfficial, "mainnet", "phase0", "selftest_missing", "any"}, 0, 0, 3},
	}
	if got := r.Rows(); !slices.Equal(got, want) {
		t.Errorf("rows:\n got %v\nwant %v", got, want)
	}
	for path, expect := range selftestCases {
		res := selftestResult(t, r, path)
		var want Outcome
		switch {
		case strings.Contains(path, "selftest_missing"), expect == "notimpl":
			want = NotImplemented
		case expect == "pass":
			want = Passed
		default:
			want = Failed
		}
		if res.Outcome != want {
			t.Errorf("%s: outcome %v (err %v), want %v", path, res.Outcome, res.Err, want)
		}
		if (res.Err == nil) != (want == Passed) {
			t.Errorf("%s: outcome %v with err %v", path, res.Outcome, res.Err)
		}
	}
	if err := selftestResult(t, r, "mainnet/phase0/selftest_missing/any/ssz_random/case_0").Err; !errors.Is(err, ErrNoHandler) {
		t.Errorf("missing handler: err = %v, want ErrNoHandler", err)
	}
}

// A result that never ran must not count as passed.
func TestNotRunIsNotPassed(t *testing.T) {
	cases, err := Collect([]Source{{LabelOfficial, selftestTree(t, selftestCases)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := &Report{Results: cases}
	if p, f, s := r.Totals(); p != 0 || f != 0 || s != len(selftestCases) {
		t.Errorf("unexecuted totals %d/%d/%d, want 0/0/%d", p, f, s, len(selftestCases))
	}
}

func TestRunExactHandlerBeatsAny(t *testing.T) {
	r := selftestRun(t, map[string]string{
		"general/phase0/selftest_data/exact/s/c": "pass",
		"general/phase0/selftest_data/other/s/c": "pass",
	}, "")
	if res := selftestResult(t, r, "general/phase0/selftest_data/exact/s/c"); res.Outcome != Failed || res.Err.Error() != "exact handler ran" {
		t.Errorf("exact: %v %v, want the exact handler's failure", res.Outcome, res.Err)
	}
	if res := selftestResult(t, r, "general/phase0/selftest_data/other/s/c"); res.Outcome != Passed {
		t.Errorf("other: %v %v, want passed by the AnyHandler", res.Outcome, res.Err)
	}
}

func TestRunFilter(t *testing.T) {
	for _, tc := range []struct {
		filter  string
		want    []string
		p, f, s int
	}{
		{"^minimal/phase0/", []string{"bad", "later", "ok_a", "ok_b"}, 2, 1, 1},
		{"/ok_", []string{"ok_a", "ok_a", "ok_a", "ok_b"}, 4, 0, 0},
		{"selftest_missing/any/ssz_random", []string{"case_0", "case_1"}, 0, 0, 2},
		{"^mainnet/altair", nil, 0, 0, 0},
	} {
		r := selftestRun(t, selftestCases, tc.filter)
		var names []string
		for _, res := range r.Results {
			if !regexp.MustCompile(tc.filter).MatchString(res.Case.Path()) {
				t.Errorf("-run %q selected %s", tc.filter, res.Case.Path())
			}
			names = append(names, res.Case.Name)
		}
		slices.Sort(names)
		if !slices.Equal(names, tc.want) {
			t.Errorf("-run %q: cases %v, want %v", tc.filter, names, tc.want)
		}
		if p, f, s := r.Totals(); p != tc.p || f != tc.f || s != tc.s {
			t.Errorf("-run %q: totals %d/%d/%d, want %d/%d/%d", tc.filter, p, f, s, tc.p, tc.f, tc.s)
		}
	}
}

func TestRunCatchesPanics(t *testing.T) {
	r := selftestRun(t, selftestCases, "boom|index")
	for path, want := range map[string]string{
		"minimal/altair/selftest_data/ops/pyspec_tests/boom":  "panic: boom",
		"mainnet/phase0/selftest_data/ops/pyspec_tests/index": "panic: runtime error: index out of range",
	} {
		res := selftestResult(t, r, path)
		var pe *PanicError
		if res.Outcome != Failed || !errors.As(res.Err, &pe) {
			t.Fatalf("%s: %v %v, want a failure with a PanicError", path, res.Outcome, res.Err)
		}
		msg := res.Err.Error()
		if !strings.HasPrefix(msg, want) {
			t.Errorf("%s: error %q, want prefix %q", path, msg, want)
		}
		// The stack top must be the handler, not the runtime's panic helpers.
		if !strings.Contains(pe.At, "selftestByExpect") || !strings.Contains(pe.At, "run_test.go:") {
			t.Errorf("%s: panic site %q, want selftestByExpect in run_test.go", path, pe.At)
		}
	}
}

// The walk must skip stray files and hidden directories and follow
// symlinked directories, since a vector cache is often linked into place.
func TestCollectFilesAndSymlinks(t *testing.T) {
	root := selftestTree(t, map[string]string{"minimal/phase0/selftest_data/ops/s/c": "pass"})
	other := selftestTree(t, map[string]string{"general/phase0/selftest_data/ops/s/linked": "pass"})
	tests := filepath.Join(root, "tests")
	if err := os.MkdirAll(filepath.Join(tests, "minimal/phase0/selftest_data/.staging/s/c"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"README.md", "minimal/phase0/.DS_Store", "minimal/phase0/selftest_data/ops/s/notes.txt"} {
		if err := os.WriteFile(filepath.Join(tests, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(other, "tests", "general"), filepath.Join(tests, "general")); err != nil {
		t.Skip("no symlinks:", err)
	}
	cases, err := Collect([]Source{{LabelOfficial, root}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cases {
		got = append(got, c.Case.Path())
	}
	want := []string{"general/phase0/selftest_data/ops/s/linked", "minimal/phase0/selftest_data/ops/s/c"}
	if !slices.Equal(got, want) {
		t.Errorf("cases %v, want %v", got, want)
	}
	if _, err := Collect([]Source{{LabelOfficial, t.TempDir()}}, nil); err == nil {
		t.Error("a root without tests/ was accepted")
	}
}

// Rows are keyed by source as well, so the same case path in the official
// and the reference vectors is counted twice, apart.
func TestRunTwoSources(t *testing.T) {
	cases := map[string]string{"minimal/phase0/selftest_data/ops/s/c": "pass"}
	r, err := Run([]Source{
		{LabelOfficial, selftestTree(t, cases)},
		{LabelReference, selftestTree(t, map[string]string{"minimal/phase0/selftest_data/ops/s/c": "fail"})},
	}, nil, 2)
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{
		{Key{LabelOfficial, "minimal", "phase0", "selftest_data", "ops"}, 1, 0, 0},
		{Key{LabelReference, "minimal", "phase0", "selftest_data", "ops"}, 0, 1, 0},
	}
	if got := r.Rows(); !slices.Equal(got, want) {
		t.Errorf("rows:\n got %v\nwant %v", got, want)
	}
	if r.ExitCode() != ExitFailed {
		t.Errorf("exit code %d with a failed reference case, want %d", r.ExitCode(), ExitFailed)
	}
}

// Many cases on several workers: every case must get its own outcome.
func TestExecuteParallel(t *testing.T) {
	cases := map[string]string{}
	for i := range 500 {
		expect := []string{"pass", "fail", "notimpl"}[i%3]
		cases[fmt.Sprintf("minimal/phase0/selftest_data/ops/s/case_%d", i)] = expect
	}
	collected, err := Collect([]Source{{LabelOfficial, selftestTree(t, cases)}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int64
	Execute(collected, 4, func(*Result) { calls.Add(1) })
	if calls.Load() != 500 {
		t.Errorf("done called %d times for 500 cases", calls.Load())
	}
	r := &Report{Results: collected}
	for _, res := range r.Results {
		want := map[string]Outcome{"pass": Passed, "fail": Failed, "notimpl": NotImplemented}[cases[res.Case.Path()]]
		if res.Outcome != want {
			t.Fatalf("%s: %v, want %v", res.Case.Path(), res.Outcome, want)
		}
	}
	if p, f, s := r.Totals(); p != 167 || f != 167 || s != 166 {
		t.Errorf("totals %d/%d/%d, want 167/167/166", p, f, s)
	}
}

func TestWriteText(t *testing.T) {
	cases := map[string]string{}
	for k, v := range selftestCases {
		cases[k] = v
	}
	for i := range 1200 {
		if i != 7 {
			cases[fmt.Sprintf("mainnet/phase0/selftest_missing/any/ssz_random/case_%d", i)] = "pass"
		}
	}
	r := selftestRun(t, cases, "")
	var buf bytes.Buffer
	if err := r.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if last := lines[len(lines)-1]; last != "4 passed, 3 failed, 1202 skipped" {
		t.Errorf("final line %q", last)
	}
	if n := strings.Count(out, " passed, "); n != 1 {
		t.Errorf("%d lines look like the final line, want 1", n)
	}
	for _, want := range []string{
		"official vectors, preset minimal\n",
		"official vectors, preset mainnet\n",
		// Only the first line of an error is shown.
		"  official minimal/phase0/selftest_data/ops/pyspec_tests/bad: post state root differs ...\n",
		"  official minimal/altair/selftest_data/ops/pyspec_tests/boom: panic: boom [at ",
		"  official selftest_missing/any: 1200 cases (no handler registered)\n" +
			"    in mainnet/phase0\n" +
			"    ssz_lengthy: case_0\n" +
			"    ssz_random: case_{0..6,8..1199}\n",
		"  official selftest_data/ops: 1 case (fork phase0: not implemented)\n" +
			"    in minimal/phase0\n" +
			"    pyspec_tests: later\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// Columns line up: every table row of a preset has the same width.
	var widths []int
	for _, l := range lines[1:] {
		if l == "" {
			continue
		}
		if !strings.HasPrefix(l, "  ") {
			break
		}
		widths = append(widths, len(l))
	}
	if len(widths) < 4 || slices.Min(widths) != slices.Max(widths) {
		t.Errorf("table rows not aligned: widths %v\n%s", widths, out)
	}
	// The minimal table lists phase0 before altair, mainnet after minimal.
	if i, j := strings.Index(out, "  phase0"), strings.Index(out, "  altair"); i < 0 || j < i {
		t.Errorf("forks out of order:\n%s", out)
	}
	if len(lines) > 60 {
		t.Errorf("report of 1200 missing cases takes %d lines:\n%s", len(lines), out)
	}
}

// Directories of several presets and forks that skip the same names, for
// the same reason, are listed once; any difference keeps them apart.
func TestWriteTextMergesPlaces(t *testing.T) {
	cases := map[string]string{}
	for _, pf := range []string{"minimal/phase0", "minimal/altair", "mainnet/phase0", "mainnet/altair", "mainnet/bellatrix"} {
		for _, name := range []string{"a", "b", "c_1", "c_2", "c_3"} {
			cases[pf+"/selftest_missing/h/pyspec_tests/"+name] = "pass"
		}
	}
	cases["mainnet/bellatrix/selftest_missing/h/pyspec_tests/d"] = "pass"
	cases["minimal/capella/selftest_missing/h/pyspec_tests/a"] = "pass"
	for _, pf := range []string{"minimal/phase0", "mainnet/altair"} {
		cases[pf+"/selftest_data/h/pyspec_tests/a"] = "notimpl" // reason names the fork
	}
	r := selftestRun(t, cases, "")
	var buf bytes.Buffer
	if err := r.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"  official selftest_data/h: 1 case (fork phase0: not implemented)\n" +
			"    in minimal/phase0\n" +
			"    pyspec_tests: a\n" +
			"  official selftest_data/h: 1 case (fork altair: not implemented)\n" +
			"    in mainnet/altair\n" +
			"    pyspec_tests: a\n",
		"  official selftest_missing/h: 5 cases each (no handler registered)\n" +
			"    in minimal/{phase0,altair}, mainnet/{phase0,altair}\n" +
			"    pyspec_tests: a, b, c_{1..3}\n",
		"  official selftest_missing/h: 1 case (no handler registered)\n" +
			"    in minimal/capella\n" +
			"    pyspec_tests: a\n",
		"  official selftest_missing/h: 6 cases (no handler registered)\n" +
			"    in mainnet/bellatrix\n" +
			"    pyspec_tests: a, b, c_{1..3}, d\n",
		"not implemented (29):\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks\n%s\nin\n%s", want, out)
		}
	}
}

func TestWriteJSON(t *testing.T) {
	r := selftestRun(t, selftestCases, "")
	var buf bytes.Buffer
	if err := r.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	var got JSONReport
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Passed != 4 || got.Failed != 3 || got.Skipped != 5 {
		t.Errorf("totals %d/%d/%d", got.Passed, got.Failed, got.Skipped)
	}
	if !slices.Equal(got.Rows, r.Rows()) {
		t.Errorf("rows %v, want %v", got.Rows, r.Rows())
	}
	var failed, skipped []string
	for _, c := range got.FailedCases {
		failed = append(failed, c.Path)
		if c.Source != LabelOfficial || c.Error == "" {
			t.Errorf("failed case %+v", c)
		}
	}
	for _, c := range got.NotImplemented {
		skipped = append(skipped, c.Path)
	}
	wantFailed := []string{
		"minimal/phase0/selftest_data/ops/pyspec_tests/bad",
		"minimal/altair/selftest_data/ops/pyspec_tests/boom",
		"mainnet/phase0/selftest_data/ops/pyspec_tests/index",
	}
	wantSkipped := []string{
		"minimal/phase0/selftest_data/ops/pyspec_tests/later",
		"minimal/altair/selftest_data/ops/pyspec_tests/later",
		"mainnet/phase0/selftest_missing/any/ssz_lengthy/case_0",
		"mainnet/phase0/selftest_missing/any/ssz_random/case_0",
		"mainnet/phase0/selftest_missing/any/ssz_random/case_1",
	}
	if !slices.Equal(failed, wantFailed) {
		t.Errorf("failed %v, want %v", failed, wantFailed)
	}
	if !slices.Equal(skipped, wantSkipped) {
		t.Errorf("not implemented %v, want %v", skipped, wantSkipped)
	}
	// The JSON keeps the whole error, the text only its first line.
	if e := got.FailedCases[0].Error; !strings.Contains(e, "got  0x02") {
		t.Errorf("JSON error %q lacks later lines", e)
	}
}

func TestCompactNames(t *testing.T) {
	for _, tc := range []struct {
		in, want []string
	}{
		{nil, nil},
		{[]string{"case_0"}, []string{"case_0"}},
		{[]string{"case_1", "case_0"}, []string{"case_{0,1}"}},
		{[]string{"case_10", "case_2", "case_1", "case_3", "case_0", "case_11"}, []string{"case_{0..3,10,11}"}},
		{[]string{"b", "a", "case_4", "a"}, []string{"a", "b", "case_4"}},
		// A leading zero would be lost in a range, so such names stay whole.
		{[]string{"x_01", "x_02", "x_1"}, []string{"x_01", "x_02", "x_1"}},
		{[]string{"test_att_1", "test_att_2", "test_att_3", "test_b"}, []string{"test_att_{1..3}", "test_b"}},
	} {
		if got := CompactNames(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("CompactNames(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestWrapTokens(t *testing.T) {
	got := wrapTokens("suite:", []string{"aaaa", "bbbb", "cccc"}, 18, "  ")
	want := []string{"suite: aaaa, bbbb,", "  cccc"}
	if !slices.Equal(got, want) {
		t.Errorf("wrapTokens = %q, want %q", got, want)
	}
}

func TestErrorLine(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"short", "short"},
		{"one\ntwo", "one ..."},
		{strings.Repeat("x", 30), strings.Repeat("x", 10) + "..."},
		{strings.Repeat("é", 10), strings.Repeat("é", 5) + "..."},
	} {
		if got := errorLine(errors.New(tc.in), 10); got != tc.want {
			t.Errorf("errorLine(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
