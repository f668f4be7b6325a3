package spectest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
)

// Labels of the two vector roots. The official vectors come from the
// consensus-spec-tests release; the reference vectors are produced by our
// own scripts from the pyspec functions for runners whose official
// generator is not shipped in the PyPI package. They are kept apart in every
// report so that a pass on our own vectors is never mistaken for a pass on
// the official ones.
const (
	LabelOfficial  = "official"
	LabelReference = "pyspec-reference"
)

// Source is one vector root (a directory holding tests/) and its label.
type Source struct {
	Label string
	Root  string
}

// Outcome is what running one case gave.
type Outcome int

const (
	// NotRun is the zero Outcome, so that a result that never went through
	// Execute cannot pass by accident; it is counted as skipped.
	NotRun Outcome = iota
	Passed
	Failed
	NotImplemented
)

func (o Outcome) String() string {
	switch o {
	case NotRun:
		return "not run"
	case Passed:
		return "passed"
	case Failed:
		return "failed"
	case NotImplemented:
		return "not implemented"
	}
	return fmt.Sprintf("Outcome(%d)", int(o))
}

// Result is the outcome of one case. Err says why it failed or why it
// cannot run; it is nil only for a pass.
type Result struct {
	Source  string
	Case    *Case
	Outcome Outcome
	Err     error
}

// ErrNoHandler is the reason given for a case whose runner/handler has no
// registered handler. It wraps ErrNotImplemented.
var ErrNoHandler = fmt.Errorf("%w: no handler registered", ErrNotImplemented)

// PanicError is a handler panic turned into a failure, so that one bad
// case cannot take the whole run down.
type PanicError struct {
	Value any
	At    string // the function and file:line that panicked
}

func (e *PanicError) Error() string {
	if e.At == "" {
		return fmt.Sprintf("panic: %v", e.Value)
	}
	return fmt.Sprintf("panic: %v [at %s]", e.Value, e.At)
}

// Collect walks tests/<preset>/<fork>/<runner>/<handler>/<suite>/<case>/
// under every source and returns the cases whose Path matches filter (all of
// them if filter is nil), in walk order. Cases are returned as results that
// have not run yet, so that the source label travels with the case.
func Collect(sources []Source, filter *regexp.Regexp) ([]Result, error) {
	var out []Result
	for _, src := range sources {
		tests := filepath.Join(src.Root, "tests")
		if !statIsDir(tests) {
			return nil, fmt.Errorf("%s vectors: %s has no tests/ directory", src.Label, src.Root)
		}
		var parts [caseDepth]string
		err := walkCaseDirs(tests, &parts, 0, func(dir string) {
			c := &Case{Preset: parts[0], Fork: parts[1], Runner: parts[2], Handler: parts[3], Suite: parts[4], Name: parts[5], Dir: dir}
			if filter == nil || filter.MatchString(c.Path()) {
				out = append(out, Result{Source: src.Label, Case: c})
			}
		})
		if err != nil {
			return nil, fmt.Errorf("%s vectors: %w", src.Label, err)
		}
	}
	return out, nil
}

// caseDepth is the number of directory levels under tests/: preset, fork,
// runner, handler, suite, case. The layout has this fixed depth, so the walk
// reads exactly these levels instead of searching for case directories.
const caseDepth = 6

// walkCaseDirs calls fn for every directory caseDepth levels below dir, with
// the names of the levels in parts.
func walkCaseDirs(dir string, parts *[caseDepth]string, depth int, fn func(dir string)) error {
	if depth == caseDepth {
		fn(dir)
		return nil
	}
	return eachSubdir(dir, func(name, path string) error {
		parts[depth] = name
		return walkCaseDirs(path, parts, depth+1, fn)
	})
}

// eachSubdir calls fn for each subdirectory of dir in name order, following
// symlinks (vector caches are often linked into place) and ignoring plain
// files such as READMEs and hidden directories (work in progress of the
// scripts that fill a cache, editor and VCS metadata).
func eachSubdir(dir string, fn func(name, path string) error) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if !e.IsDir() && !(e.Type()&os.ModeSymlink != 0 && statIsDir(p)) {
			continue
		}
		if err := fn(e.Name(), p); err != nil {
			return err
		}
	}
	return nil
}

func statIsDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// Run collects the cases of sources that match filter and executes them.
func Run(sources []Source, filter *regexp.Regexp, workers int) (*Report, error) {
	cases, err := Collect(sources, filter)
	if err != nil {
		return nil, err
	}
	Execute(cases, workers, nil)
	return &Report{Results: cases}, nil
}

// Execute runs every collected case on workers goroutines (GOMAXPROCS if
// workers < 1) and fills in its outcome. Results keep their order, so the
// report does not depend on scheduling. If done is not nil it is called
// after each case, from the worker goroutines.
func Execute(cases []Result, workers int, done func(*Result)) {
	if workers < 1 {
		workers = runtime.GOMAXPROCS(0)
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				r := &cases[i]
				r.Outcome, r.Err = RunCase(r.Case)
				if done != nil {
					done(r)
				}
			}
		})
	}
	for i := range cases {
		next <- i
	}
	close(next)
	wg.Wait()
}

// RunCase runs the handler registered for c and classifies what it
// returned. Only a nil return is a pass.
func RunCase(c *Case) (Outcome, error) {
	h := Lookup(c.Runner, c.Handler)
	if h == nil {
		return NotImplemented, ErrNoHandler
	}
	err := callHandler(h, c)
	switch {
	case err == nil:
		return Passed, nil
	case errors.Is(err, ErrNotImplemented):
		return NotImplemented, err
	default:
		return Failed, err
	}
}

// callHandler turns a panic into a *PanicError. A panic in a goroutine the
// handler starts itself cannot be caught here; handlers must not do that.
func callHandler(h Handler, c *Case) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &PanicError{Value: v, At: panicSite()}
		}
	}()
	return h(c)
}

// panicSite names the frame that panicked: the first frame below
// runtime.gopanic that is not itself part of the runtime (index and nil
// checks panic from runtime helpers called by the faulting function).
func panicSite() string {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(1, pcs)])
	seenPanic := false
	for {
		f, more := frames.Next()
		if seenPanic && !strings.HasPrefix(f.Function, "runtime.") {
			return fmt.Sprintf("%s %s:%d", panicFuncName(f.Function), filepath.Base(f.File), f.Line)
		}
		if f.Function == "runtime.gopanic" {
			seenPanic = true
		}
		if !more {
			return ""
		}
	}
}

// panicFuncName drops the import path: "github.com/x/y/pkg.F" -> "pkg.F".
func panicFuncName(fn string) string {
	if i := strings.LastIndex(fn, "/"); i >= 0 {
		return fn[i+1:]
	}
	return fn
}
