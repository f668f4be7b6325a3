package spectest

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Exit codes of the spectest command.
const (
	ExitOK     = 0 // every case that ran passed (some may be not implemented)
	ExitFailed = 1 // at least one case failed
	ExitSetup  = 2 // bad flags, no vectors, nothing selected, or no report written
)

// Main is the spectest command; it returns the process exit code. It lives
// here rather than in cmd/spectest so that its flag handling and exit codes
// are tested with the rest of the runner.
func Main(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("spectest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: spectest [flags]\n\n"+
			"Runs the consensus-spec-tests vectors and reports passed, failed and\n"+
			"not-implemented cases per preset, fork, runner and handler.\n\n")
		fs.PrintDefaults()
	}
	vectors := fs.String("vectors", "", "official vectors `dir` (holding tests/); found from "+VersionFile+" if empty")
	reference := fs.String("reference", "", "pyspec-reference vectors `dir`; found in the cache if empty, \""+ReferenceOff+"\" to skip")
	run := fs.String("run", "", "run only cases whose preset/fork/runner/handler/suite/case matches `regexp`")
	jsonFile := fs.String("json", "", "also write the table and the failed and not-implemented cases as JSON to `file`")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "cases run in parallel")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitSetup
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "spectest: unexpected arguments %q\n", fs.Args())
		fs.Usage()
		return ExitSetup
	}
	var filter *regexp.Regexp
	if *run != "" {
		var err error
		if filter, err = regexp.Compile(*run); err != nil {
			fmt.Fprintf(stderr, "spectest: -run: %v\n", err)
			return ExitSetup
		}
	}
	wd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(stderr, "spectest: %v\n", err)
		return ExitSetup
	}
	sources, err := Sources(*vectors, *reference, os.Getenv, wd)
	if err != nil {
		fmt.Fprintf(stderr, "spectest: %v\n", err)
		return ExitSetup
	}
	for _, s := range sources {
		fmt.Fprintf(stdout, "%s vectors: %s\n", s.Label, s.Root)
	}
	fmt.Fprintln(stdout)

	cases, err := Collect(sources, filter)
	if err != nil {
		fmt.Fprintf(stderr, "spectest: %v\n", err)
		return ExitSetup
	}
	// An empty selection is almost always a mistyped -run; passing it
	// silently would let a CI job test nothing.
	if len(cases) == 0 {
		if *run == "" {
			fmt.Fprintf(stderr, "spectest: the vectors hold no cases\n")
		} else {
			fmt.Fprintf(stderr, "spectest: no cases matched -run %q\n", *run)
		}
		return ExitSetup
	}
	executeWithProgress(cases, *workers, stderr)
	report := &Report{Results: cases}
	if err := report.WriteText(stdout); err != nil {
		fmt.Fprintf(stderr, "spectest: %v\n", err)
		return ExitSetup
	}
	if *jsonFile != "" {
		if err := writeJSONFile(report, *jsonFile); err != nil {
			fmt.Fprintf(stderr, "spectest: -json: %v\n", err)
			return ExitSetup
		}
	}
	return report.ExitCode()
}

func writeJSONFile(r *Report, name string) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	if err := r.WriteJSON(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// progressEvery is how often a long run says how far it got, so that a full
// run of many minutes is not mistaken for a hung one.
const progressEvery = 30 * time.Second

func executeWithProgress(cases []Result, workers int, w io.Writer) {
	var done, failed atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(progressEvery)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				fmt.Fprintf(w, "spectest: %d of %d cases run, %d failed\n", done.Load(), len(cases), failed.Load())
			}
		}
	})
	Execute(cases, workers, func(r *Result) {
		if r.Outcome == Failed {
			failed.Add(1)
		}
		done.Add(1)
	})
	close(stop)
	wg.Wait()
}
