"""Generate reference tests for one (preset, fork) with the pyspec's generator.

Runs inside the environment of scripts/pyspec-env.sh. The vectors come from
the pytest plugin that eth-consensus-specs ships
(eth_consensus_specs/test/pytest_plugins/yield_generator.py, enabled with
--reftests): every test under a runner's test sub-package is run for the
selected preset and fork, and what it yields is written to
OUT/<preset>/<fork>/<runner>/<handler>/<suite>/<case>/.

The plugin maps test sub-package directories to runner names (e.g.
`block_processing` -> `operations`); this script selects, for each requested
runner, every such directory of the forks up to and including the selected
one (later forks run the earlier forks' tests too, e.g. fulu's ssz_static
comes from phase0/ssz_static). Tests of a directory that belongs to another
runner may also write output; the caller keeps only the requested runners.

Usage: python generate.py --preset P --fork F --runners r1,r2 --out DIR [--workers N]
Exit status: 0 on success (also when nothing applies to this fork), 2 for
a runner the pyspec has no tests for at all, pytest's status otherwise.
"""

import argparse
import ast
import importlib.util
import pathlib
import resource
import sys

import pytest

# Directory names of the pyspec's test tree, in fork order.
FORK_ORDER = ["phase0", "altair", "bellatrix", "capella", "deneb", "electra", "fulu", "gloas", "heze"]


def test_root() -> pathlib.Path:
    # Located without importing the test package: the plugin and conftest must be
    # first imported by pytest (assertion rewriting, plugin registration).
    spec = importlib.util.find_spec("eth_consensus_specs.test")
    assert spec is not None and spec.submodule_search_locations
    return pathlib.Path(list(spec.submodule_search_locations)[0])


def load_runners(root: pathlib.Path) -> dict:
    """The plugin's RUNNERS table, read from its source (a plain literal)."""
    source = (root / "pytest_plugins" / "yield_generator.py").read_text(encoding="utf-8")
    for node in ast.parse(source).body:
        if isinstance(node, ast.AnnAssign | ast.Assign):
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            if any(isinstance(t, ast.Name) and t.id == "RUNNERS" for t in targets):
                return ast.literal_eval(node.value)
    raise RuntimeError("RUNNERS not found in the yield_generator plugin")


RUNNERS: dict = {}


def runner_packages(runner: str) -> list[str]:
    """Test sub-package names whose tests the plugin files under `runner`."""
    return [pkg for pkg, cfg in RUNNERS.items() if cfg.get("runner_name", pkg) == runner]


def runner_dirs(root: pathlib.Path, runner: str, forks: list[str]) -> list[pathlib.Path]:
    found = []
    for pkg in runner_packages(runner):
        for fork in forks:
            base = root / fork
            if not base.is_dir():
                continue
            for d in sorted(base.rglob(pkg)):
                rel = d.relative_to(root).parts
                if d.is_dir() and "unittests" not in rel and (d / "__init__.py").exists():
                    found.append(d)
    return sorted(set(found))


def outermost(dirs: list[pathlib.Path]) -> list[pathlib.Path]:
    """Drop directories nested in another one (pytest would collect them twice)."""
    dirs = sorted(set(dirs))
    return [d for d in dirs if not any(p in d.parents for p in dirs)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", required=True, help="minimal, mainnet or general")
    ap.add_argument("--fork", required=True)
    ap.add_argument("--runners", required=True, help="comma-separated runner names")
    ap.add_argument("--out", required=True, help="output directory (the tests/ directory)")
    ap.add_argument("--workers", type=int, default=1, help="pytest-xdist workers (1: in-process)")
    ap.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    args = ap.parse_args()

    root = test_root()
    RUNNERS.update(load_runners(root))
    if args.fork not in FORK_ORDER:
        print(f"generate: unknown fork {args.fork!r}", file=sys.stderr)
        return 2
    forks = FORK_ORDER[: FORK_ORDER.index(args.fork) + 1]

    dirs: list[pathlib.Path] = []
    for runner in [r for r in args.runners.split(",") if r]:
        if not runner_dirs(root, runner, FORK_ORDER):
            print(f"generate: the pyspec has no tests for runner {runner!r}", file=sys.stderr)
            return 2
        mine = runner_dirs(root, runner, forks)
        print(
            f"generate: {args.preset}/{args.fork}/{runner}: "
            + (", ".join(str(d.relative_to(root)) for d in mine) or "no test directories up to this fork"),
            file=sys.stderr,
        )
        dirs += mine
    if not dirs:
        return 0

    pytest_args = [
        "-q",
        "-rfE",
        "-p", "no:cacheprovider",
        "-p", "no:sugar",
        # The conftest of eth_consensus_specs/test defines --preset/--fork and
        # loads the generator plugin; it is found as an initial conftest of the
        # given paths when the root directory is the test tree.
        f"--rootdir={root}",
        f"--confcutdir={root.parent}",
        "--reftests",
        f"--reftests-output={args.out}",
        f"--preset={args.preset}",
        f"--fork={args.fork}",
    ]
    if args.workers > 1:
        pytest_args += ["-n", str(args.workers)]
    pytest_args += args.pytest_args
    pytest_args += [str(d) for d in outermost(dirs)]
    status = pytest.main(pytest_args)
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    cpu = sum(u.ru_utime + u.ru_stime for u in usage)
    print(f"generate: cpu {cpu:.0f}s", file=sys.stderr)
    if status == pytest.ExitCode.NO_TESTS_COLLECTED:
        return 0
    return int(status)


if __name__ == "__main__":
    sys.exit(main())
