package spectest

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// VersionFile holds the consensus-spec-tests release the code targets,
// relative to the module root.
const VersionFile = "testdata/spec-tests.version"

// ErrNoVectors means no official vectors were found. The message it comes
// wrapped in says where we looked and how to get them.
var ErrNoVectors = errors.New("no consensus-spec-tests vectors found")

// ModuleRoot walks up from dir to the directory holding go.mod, so that the
// runner finds the version file from any working directory in the repository
// (go test runs in the package directory, make in the root).
func ModuleRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("no go.mod in %s or any parent", dir)
		}
		d = parent
	}
}

// SpecVersion reads the spec-tests release named in the version file.
func SpecVersion(moduleRoot string) (string, error) {
	raw, err := os.ReadFile(filepath.Join(moduleRoot, VersionFile))
	if err != nil {
		return "", err
	}
	v := strings.TrimSpace(string(raw))
	if v == "" || strings.ContainsAny(v, "/\\ \t\n") {
		return "", fmt.Errorf("%s: bad version %q", VersionFile, v)
	}
	return v, nil
}

// isVectorRoot reports whether dir is a vector root.
func isVectorRoot(dir string) bool {
	return dir != "" && statIsDir(filepath.Join(dir, "tests"))
}

// quetzalCacheDir is ${QUETZAL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/quetzal},
// as in the scripts that fill it, or "" if none of these is set.
func quetzalCacheDir(getenv func(string) string) string {
	if d := getenv("QUETZAL_CACHE"); d != "" {
		return d
	}
	if d := getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "quetzal")
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".cache", "quetzal")
	}
	return ""
}

// Located is where discovery found the vectors.
type Located struct {
	Version   string
	Official  string
	Reference string // "" when there are no reference vectors
}

// Locate finds the vectors where scripts/vectors.sh puts them. The version
// comes from the version file of the module containing dir. The official
// vectors are $QUETZAL_SPEC_TESTS if set (it must then be a vector root),
// else the first vector root among <repo>/../shared/consensus-spec-tests/
// <version>, <cache>/consensus-spec-tests/<version>-release (the release
// tarballs) and <cache>/consensus-spec-tests/<version> (generated with the
// pyspec), where <cache> is ${QUETZAL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/
// quetzal}. The reference vectors are <cache>/reference-vectors/<version> if
// present. getenv is os.Getenv outside tests.
func Locate(getenv func(string) string, dir string) (Located, error) {
	root, err := ModuleRoot(dir)
	if err != nil {
		return Located{}, fmt.Errorf("%w: cannot tell the spec version: %v", ErrNoVectors, err)
	}
	version, err := SpecVersion(root)
	if err != nil {
		return Located{}, fmt.Errorf("%w: cannot tell the spec version: %v", ErrNoVectors, err)
	}
	loc := Located{Version: version}
	cache := quetzalCacheDir(getenv)
	if ref := filepath.Join(cache, "reference-vectors", version); cache != "" && isVectorRoot(ref) {
		loc.Reference = ref
	}

	// An explicit location is used as given, never passed over silently.
	if env := getenv("QUETZAL_SPEC_TESTS"); env != "" {
		if !isVectorRoot(env) {
			return loc, fmt.Errorf("QUETZAL_SPEC_TESTS=%s has no tests/ directory", env)
		}
		loc.Official = env
		return loc, nil
	}
	candidates := []string{filepath.Join(filepath.Dir(root), "shared", "consensus-spec-tests", version)}
	if cache != "" {
		candidates = append(candidates,
			filepath.Join(cache, "consensus-spec-tests", version+"-release"),
			filepath.Join(cache, "consensus-spec-tests", version))
	}
	for _, c := range candidates {
		if isVectorRoot(c) {
			loc.Official = c
			return loc, nil
		}
	}
	return loc, fmt.Errorf("%w for %s; looked for a tests/ directory in:\n  %s\n"+
		"Obtain them with `make spec-tests` or scripts/vectors.sh, "+
		"or point -vectors or $QUETZAL_SPEC_TESTS at a directory holding tests/",
		ErrNoVectors, version, strings.Join(candidates, "\n  "))
}

// ReferenceOff as the reference directory turns the reference vectors off.
const ReferenceOff = "off"

// Sources turns the -vectors and -reference settings into the vector roots
// to run: an empty setting means "discover", ReferenceOff means no
// reference vectors. A directory given explicitly must be a vector root.
func Sources(official, reference string, getenv func(string) string, dir string) ([]Source, error) {
	var loc Located
	if official == "" || reference == "" {
		var err error
		loc, err = Locate(getenv, dir)
		// Discovery of the reference root does not need the official one,
		// so its failure only matters when -vectors was not given.
		if err != nil && official == "" {
			return nil, err
		}
	}
	if official == "" {
		official = loc.Official
	} else if !isVectorRoot(official) {
		return nil, fmt.Errorf("-vectors %s: no tests/ directory there", official)
	}
	sources := []Source{{Label: LabelOfficial, Root: official}}
	switch reference {
	case ReferenceOff:
	case "":
		if loc.Reference != "" {
			sources = append(sources, Source{Label: LabelReference, Root: loc.Reference})
		}
	default:
		if !isVectorRoot(reference) {
			return nil, fmt.Errorf("-reference %s: no tests/ directory there", reference)
		}
		sources = append(sources, Source{Label: LabelReference, Root: reference})
	}
	return sources, nil
}
