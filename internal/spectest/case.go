// Package spectest runs the official consensus-spec-tests vectors against
// quetzal. Vectors are laid out as
//
//	tests/<preset>/<fork>/<runner>/<handler>/<suite>/<case>/
//
// and each runner's format is described in the consensus-specs repository
// under tests/formats/<runner>/. A handler registered for a runner and
// handler name checks one case; a case with no handler is reported as not
// implemented, never as passed.
package spectest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/golang/snappy"
	"gopkg.in/yaml.v3"
)

// Case is one test case directory.
type Case struct {
	Preset  string // "general", "minimal" or "mainnet"
	Fork    string // "phase0" ... "fulu"
	Runner  string // e.g. "ssz_static"
	Handler string // e.g. "BeaconState"
	Suite   string // e.g. "ssz_random"
	Name    string // e.g. "case_0"
	Dir     string // the directory holding the case's files
}

// Path is the case's identity, preset/fork/runner/handler/suite/case, which
// -run matches against.
func (c *Case) Path() string {
	return filepath.ToSlash(filepath.Join(c.Preset, c.Fork, c.Runner, c.Handler, c.Suite, c.Name))
}

// Has reports whether the case holds a file with this name.
func (c *Case) Has(name string) bool {
	_, err := os.Stat(filepath.Join(c.Dir, name))
	return err == nil
}

// ReadFile returns the raw bytes of one of the case's files.
func (c *Case) ReadFile(name string) ([]byte, error) {
	return os.ReadFile(filepath.Join(c.Dir, name))
}

// ReadSSZ returns the SSZ bytes of <name>.ssz_snappy, snappy block-decoded.
func (c *Case) ReadSSZ(name string) ([]byte, error) {
	raw, err := c.ReadFile(name + ".ssz_snappy")
	if err != nil {
		return nil, err
	}
	out, err := snappy.Decode(nil, raw)
	if err != nil {
		return nil, fmt.Errorf("%s.ssz_snappy: %w", name, err)
	}
	return out, nil
}

// ReadYAML decodes <name>.yaml (or <name> if it already has an extension)
// into v.
func (c *Case) ReadYAML(name string, v any) error {
	if filepath.Ext(name) == "" {
		name += ".yaml"
	}
	raw, err := c.ReadFile(name)
	if err != nil {
		return err
	}
	if err := yaml.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// Handler checks one case: nil means passed, ErrNotImplemented (possibly
// wrapped) means the project cannot run this case yet, and any other error
// is a failure that says what differed.
type Handler func(c *Case) error

// ErrNotImplemented marks a case that has no implementation yet. It is
// reported as skipped, by name, and never counted as passed.
var ErrNotImplemented = errors.New("not implemented")

// AnyHandler registers a handler for every handler name of a runner (for
// example ssz_static, whose handler names are container names).
const AnyHandler = "*"

var (
	registryMu sync.RWMutex
	registry   = map[string]map[string]Handler{}
)

// Register installs h for runner/handler. Runner files call it from init;
// registering the same pair twice is a programming error and panics at
// start-up.
func Register(runner, handler string, h Handler) {
	registryMu.Lock()
	defer registryMu.Unlock()
	m := registry[runner]
	if m == nil {
		m = map[string]Handler{}
		registry[runner] = m
	}
	if _, dup := m[handler]; dup {
		panic(fmt.Sprintf("spectest: handler %s/%s registered twice", runner, handler))
	}
	m[handler] = h
}

// Lookup returns the handler for runner/handler, falling back to the
// runner's AnyHandler, or nil if there is none.
func Lookup(runner, handler string) Handler {
	registryMu.RLock()
	defer registryMu.RUnlock()
	m := registry[runner]
	if h := m[handler]; h != nil {
		return h
	}
	return m[AnyHandler]
}

// Runners lists the runner names that have at least one handler.
func Runners() []string {
	registryMu.RLock()
	defer registryMu.RUnlock()
	out := make([]string, 0, len(registry))
	for r := range registry {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}
