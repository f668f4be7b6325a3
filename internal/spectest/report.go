package spectest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Report is the outcome of a run, one result per selected case.
type Report struct {
	Results []Result
}

// Key identifies one row of the results table.
type Key struct {
	Source  string `json:"source"`
	Preset  string `json:"preset"`
	Fork    string `json:"fork"`
	Runner  string `json:"runner"`
	Handler string `json:"handler"`
}

// Row counts the outcomes of the cases under one Key. Skipped counts the
// cases that are not implemented.
type Row struct {
	Key
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
}

func keyOf(r *Result) Key {
	c := r.Case
	return Key{Source: r.Source, Preset: c.Preset, Fork: c.Fork, Runner: c.Runner, Handler: c.Handler}
}

// Totals sums the outcomes of all cases.
func (r *Report) Totals() (passed, failed, skipped int) {
	for i := range r.Results {
		switch r.Results[i].Outcome {
		case Passed:
			passed++
		case Failed:
			failed++
		default:
			skipped++
		}
	}
	return
}

// ExitCode is ExitFailed if any case failed and ExitOK otherwise:
// not-implemented cases are reported by name but do not fail the run, so
// that the run stays useful while runners are being written.
func (r *Report) ExitCode() int {
	if _, failed, _ := r.Totals(); failed > 0 {
		return ExitFailed
	}
	return ExitOK
}

// Rows returns one row per Key, in report order.
func (r *Report) Rows() []Row {
	idx := map[Key]int{}
	var rows []Row
	for i := range r.Results {
		res := &r.Results[i]
		k := keyOf(res)
		j, ok := idx[k]
		if !ok {
			j = len(rows)
			idx[k] = j
			rows = append(rows, Row{Key: k})
		}
		switch res.Outcome {
		case Passed:
			rows[j].Passed++
		case Failed:
			rows[j].Failed++
		default:
			rows[j].Skipped++
		}
	}
	order := r.sourceOrder()
	slices.SortStableFunc(rows, func(a, b Row) int { return compareKeys(order, a.Key, b.Key) })
	return rows
}

// sourceOrder ranks sources by first appearance, so that the official
// vectors, which come first, are reported first.
func (r *Report) sourceOrder() map[string]int {
	order := map[string]int{}
	for i := range r.Results {
		if _, ok := order[r.Results[i].Source]; !ok {
			order[r.Results[i].Source] = len(order)
		}
	}
	return order
}

// Presets and forks sort in the order a reader expects, not alphabetically;
// names not listed here (a future fork) sort after, alphabetically.
var (
	presetRank = map[string]int{"general": 1, "minimal": 2, "mainnet": 3}
	forkRank   = map[string]int{"phase0": 1, "altair": 2, "bellatrix": 3, "capella": 4, "deneb": 5, "electra": 6, "fulu": 7, "gloas": 8}
)

func compareRanked(rank map[string]int, a, b string) int {
	ra, rb := rank[a], rank[b]
	if ra == 0 {
		ra = len(rank) + 1
	}
	if rb == 0 {
		rb = len(rank) + 1
	}
	return cmp.Or(cmp.Compare(ra, rb), strings.Compare(a, b))
}

func compareKeys(sourceOrder map[string]int, a, b Key) int {
	return cmp.Or(
		cmp.Compare(sourceOrder[a.Source], sourceOrder[b.Source]),
		compareRanked(presetRank, a.Preset, b.Preset),
		compareRanked(forkRank, a.Fork, b.Fork),
		strings.Compare(a.Runner, b.Runner),
		strings.Compare(a.Handler, b.Handler),
	)
}

// errorLine is the first line of err, cut to max bytes (on a rune
// boundary), for one-line listings; the JSON output keeps the whole text.
func errorLine(err error, max int) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + " ..."
	}
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}

const (
	failLineMax   = 200
	listWidth     = 100
	reasonLineMax = 120
)

// WriteText writes the human report: the results table, the failed cases,
// the not-implemented cases, and a final line with the totals.
func (r *Report) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	r.writeTable(ew)
	r.writeFailed(ew)
	r.writeNotImplemented(ew)
	passed, failed, skipped := r.Totals()
	ew.printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped)
	return ew.err
}

// errWriter keeps the first write error so the writers below can print
// without checking every call.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

// writeTable prints one table per source and preset, with a blank line
// between forks, which is how a reader scans it: "what of fulu is missing".
func (r *Report) writeTable(w *errWriter) {
	rows := r.Rows()
	for start := 0; start < len(rows); {
		end := start
		for end < len(rows) && rows[end].Source == rows[start].Source && rows[end].Preset == rows[start].Preset {
			end++
		}
		group := rows[start:end]
		wf, wr, wh := len("fork"), len("runner"), len("handler")
		var tot Row
		for _, row := range group {
			wf, wr, wh = max(wf, len(row.Fork)), max(wr, len(row.Runner)), max(wh, len(row.Handler))
			tot.Passed += row.Passed
			tot.Failed += row.Failed
			tot.Skipped += row.Skipped
		}
		line := func(fork, runner, handler string, p, f, s any) {
			w.printf("  %-*s  %-*s  %-*s  %7v %7v %8v\n", wf, fork, wr, runner, wh, handler, p, f, s)
		}
		w.printf("%s vectors, preset %s\n", group[0].Source, group[0].Preset)
		line("fork", "runner", "handler", "passed", "failed", "skipped")
		for i, row := range group {
			if i > 0 && row.Fork != group[i-1].Fork {
				w.printf("\n")
			}
			line(row.Fork, row.Runner, row.Handler, row.Passed, row.Failed, row.Skipped)
		}
		w.printf("\n")
		line("total", "", "", tot.Passed, tot.Failed, tot.Skipped)
		w.printf("\n")
		start = end
	}
}

func (r *Report) sorted(outcome Outcome) []*Result {
	order := r.sourceOrder()
	var out []*Result
	for i := range r.Results {
		if r.Results[i].Outcome == outcome {
			out = append(out, &r.Results[i])
		}
	}
	slices.SortStableFunc(out, func(a, b *Result) int {
		return cmp.Or(compareKeys(order, keyOf(a), keyOf(b)),
			strings.Compare(a.Case.Suite, b.Case.Suite),
			compareNames(a.Case.Name, b.Case.Name))
	})
	return out
}

func (r *Report) writeFailed(w *errWriter) {
	failed := r.sorted(Failed)
	if len(failed) == 0 {
		return
	}
	w.printf("failed cases (%d):\n", len(failed))
	for _, res := range failed {
		w.printf("  %s %s: %s\n", res.Source, res.Case.Path(), errorLine(res.Err, failLineMax))
	}
	w.printf("\n")
}

// writeNotImplemented lists the skipped cases by name. Cases are grouped by
// runner/handler directory and reason, the names of each suite compressed
// ("case_{0..29}") and wrapped; directories of different presets and forks
// that skip exactly the same names are listed once, since most handlers
// have the same cases in every fork. That keeps tens of thousands of
// missing cases to a listing that can be read.
func (r *Report) writeNotImplemented(w *errWriter) {
	skipped := r.sorted(NotImplemented)
	if len(skipped) == 0 {
		return
	}
	w.printf("not implemented (%d):\n", len(skipped))

	// One block per directory and reason, in report order; skipped is
	// sorted by suite and name within a directory.
	type block struct {
		Key
		reason string
		count  int
		suites [][]string // suite name, then its case names
	}
	type dirReason struct {
		Key
		reason string
	}
	var blocks []*block
	byDir := map[dirReason]*block{}
	for _, res := range skipped {
		id := dirReason{keyOf(res), errorLine(res.Err, reasonLineMax)}
		b := byDir[id]
		if b == nil {
			b = &block{Key: id.Key, reason: id.reason}
			byDir[id] = b
			blocks = append(blocks, b)
		}
		if n := len(b.suites); n == 0 || b.suites[n-1][0] != res.Case.Suite {
			b.suites = append(b.suites, []string{res.Case.Suite})
		}
		last := &b.suites[len(b.suites)-1]
		*last = append(*last, res.Case.Name)
		b.count++
	}

	// Merge blocks with the same runner, handler, reason and listing.
	type group struct {
		first  *block
		body   []string
		places []Key
	}
	var groups []*group
	byBody := map[string]*group{}
	for _, b := range blocks {
		var body []string
		for _, s := range b.suites {
			body = append(body, wrapTokens(s[0]+":", CompactNames(s[1:]), listWidth, "      ")...)
		}
		id := strings.Join([]string{b.Source, b.Runner, b.Handler, b.reason, strings.Join(body, "\n")}, "\x00")
		g := byBody[id]
		if g == nil {
			g = &group{first: b, body: body}
			byBody[id] = g
			groups = append(groups, g)
		}
		g.places = append(g.places, b.Key)
	}
	order := r.sourceOrder()
	slices.SortStableFunc(groups, func(a, b *group) int {
		return cmp.Or(
			cmp.Compare(order[a.first.Source], order[b.first.Source]),
			strings.Compare(a.first.Runner, b.first.Runner),
			strings.Compare(a.first.Handler, b.first.Handler))
	})
	for _, g := range groups {
		b := g.first
		count := reportPlural(b.count, "case")
		if len(g.places) > 1 {
			count += " each"
		}
		// Under this heading "not implemented: " says nothing.
		reason := strings.TrimPrefix(b.reason, ErrNotImplemented.Error()+": ")
		w.printf("  %s %s/%s: %s (%s)\n", b.Source, b.Runner, b.Handler, count, reason)
		for _, l := range wrapTokens("in", presetForks(g.places), listWidth, "      ") {
			w.printf("    %s\n", l)
		}
		for _, l := range g.body {
			w.printf("    %s\n", l)
		}
	}
	w.printf("\n")
}

// presetForks writes places, which are in report order, as
// ["minimal/{phase0,altair}", "mainnet/phase0"].
func presetForks(places []Key) []string {
	var parts []string
	for i := 0; i < len(places); {
		j := i
		var forks []string
		for ; j < len(places) && places[j].Preset == places[i].Preset; j++ {
			forks = append(forks, places[j].Fork)
		}
		if len(forks) == 1 {
			parts = append(parts, places[i].Preset+"/"+forks[0])
		} else {
			parts = append(parts, places[i].Preset+"/{"+strings.Join(forks, ",")+"}")
		}
		i = j
	}
	return parts
}

func reportPlural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// wrapTokens joins head and tokens with ", " into lines of about width
// bytes; continuation lines start with indent. A token is never split.
func wrapTokens(head string, tokens []string, width int, indent string) []string {
	var lines []string
	cur := head
	for i, t := range tokens {
		switch {
		case i == 0:
			cur += " " + t
		case len(cur)+2+len(t) > width:
			lines = append(lines, cur+",")
			cur = indent + t
		default:
			cur += ", " + t
		}
	}
	return append(lines, cur)
}

// splitNumbered splits "case_12" into ("case_", 12, true). A number with a
// leading zero is not split, because writing it back as part of a range
// would lose the zero.
func splitNumbered(name string) (prefix string, n int, ok bool) {
	i := len(name)
	for i > 0 && name[i-1] >= '0' && name[i-1] <= '9' {
		i--
	}
	digits := name[i:]
	if digits == "" || (len(digits) > 1 && digits[0] == '0') || len(digits) > 9 {
		return name, 0, false
	}
	n, _ = strconv.Atoi(digits)
	return name[:i], n, true
}

// compareNames orders names naturally: case_2 before case_10.
func compareNames(a, b string) int {
	pa, na, oka := splitNumbered(a)
	pb, nb, okb := splitNumbered(b)
	if oka && okb && pa == pb {
		return cmp.Compare(na, nb)
	}
	return strings.Compare(a, b)
}

// CompactNames sorts names naturally and writes each run of names that
// differ only in a trailing number as one token: case_0 ... case_29, case_31
// become "case_{0..29,31}". Other names are returned as they are.
func CompactNames(names []string) []string {
	sorted := slices.Clone(names)
	slices.SortFunc(sorted, compareNames)
	sorted = slices.Compact(sorted)
	var out []string
	for i := 0; i < len(sorted); {
		prefix, _, ok := splitNumbered(sorted[i])
		j := i + 1
		var nums []int
		if ok {
			for j < len(sorted) {
				p, _, ok2 := splitNumbered(sorted[j])
				if !ok2 || p != prefix {
					break
				}
				j++
			}
		}
		if j-i == 1 {
			out = append(out, sorted[i])
			i = j
			continue
		}
		for _, s := range sorted[i:j] {
			_, n, _ := splitNumbered(s)
			nums = append(nums, n)
		}
		out = append(out, prefix+"{"+numberRanges(nums)+"}")
		i = j
	}
	return out
}

// numberRanges writes sorted numbers as "0..29,31,40,41": runs of three or
// more become a range.
func numberRanges(nums []int) string {
	var parts []string
	for i := 0; i < len(nums); {
		j := i
		for j+1 < len(nums) && nums[j+1] == nums[j]+1 {
			j++
		}
		switch {
		case j-i >= 2:
			parts = append(parts, fmt.Sprintf("%d..%d", nums[i], nums[j]))
		default:
			for k := i; k <= j; k++ {
				parts = append(parts, strconv.Itoa(nums[k]))
			}
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}

// JSONReport is what -json writes.
type JSONReport struct {
	Passed         int        `json:"passed"`
	Failed         int        `json:"failed"`
	Skipped        int        `json:"skipped"`
	Rows           []Row      `json:"rows"`
	FailedCases    []JSONCase `json:"failed_cases"`
	NotImplemented []JSONCase `json:"not_implemented_cases"`
}

// JSONCase names one case of a source; Error is the whole error text.
type JSONCase struct {
	Source string `json:"source"`
	Path   string `json:"path"`
	Error  string `json:"error"`
}

// JSON returns the report in the form -json writes.
func (r *Report) JSON() *JSONReport {
	j := &JSONReport{Rows: r.Rows(), FailedCases: []JSONCase{}, NotImplemented: []JSONCase{}}
	j.Passed, j.Failed, j.Skipped = r.Totals()
	if j.Rows == nil {
		j.Rows = []Row{}
	}
	for _, res := range r.sorted(Failed) {
		j.FailedCases = append(j.FailedCases, JSONCase{res.Source, res.Case.Path(), res.Err.Error()})
	}
	for _, res := range r.sorted(NotImplemented) {
		j.NotImplemented = append(j.NotImplemented, JSONCase{res.Source, res.Case.Path(), res.Err.Error()})
	}
	return j
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r.JSON())
}
