"""Generate quetzal's reference vectors for one runner into a directory.

    python generate.py --runner {ssz_generic,bls,kzg} --out DIR

Writes DIR/tests/general/<fork>/<runner>/<handler>/<suite>/<case>/... and prints
one summary line per handler. DIR must not already contain that runner's cases.
Run it inside the pyspec environment (see scripts/reference-vectors.sh).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

RUNNERS = ("ssz_generic", "bls", "kzg")


def load(runner: str):
    if runner == "ssz_generic":
        import ssz_generic as mod
    elif runner == "bls":
        import bls_vectors as mod
    elif runner == "kzg":
        import kzg_vectors as mod
    else:
        raise SystemExit(f"unknown runner {runner!r}")
    return mod


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runner", required=True, choices=RUNNERS)
    ap.add_argument("--out", required=True, type=Path)
    args = ap.parse_args()

    def log(msg: str) -> None:
        print(f"[{args.runner}] {msg}", file=sys.stderr, flush=True)

    start = time.monotonic()
    common.dumper()  # import the pyspec's dumper up front, so its cost is visible
    mod = load(args.runner)
    log(f"pyspec modules loaded in {time.monotonic() - start:.1f}s")
    t = time.monotonic()
    counts = common.generate(args.out, mod.cases(), log)
    total = sum(counts.values())
    for key in sorted(counts):
        print(f"{args.runner} {key}: {counts[key]} cases")
    log(f"{total} cases written in {time.monotonic() - t:.1f}s (total {time.monotonic() - start:.1f}s)")
    return 0 if total else 1


if __name__ == "__main__":
    sys.exit(main())
