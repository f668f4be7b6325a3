"""Shared plumbing of the reference-vector generator.

A case is produced as a list of parts, each ``(name, kind, data)``, in the
same shape the pyspec's own reference-test plugin consumes:

- ``kind == "meta"``: collected into ``meta.yaml`` (key ``name``);
- ``kind == "data"``: written as ``<name>.yaml``;
- ``kind == "ssz"``: written as ``<name>.ssz_snappy`` (snappy block format).

Every case directory also gets a ``manifest.yaml`` (preset, fork, runner,
handler, suite, case), as the official vectors of this release have.

The files are written with the pyspec's own ``Dumper`` (its YAML settings and
its snappy compression), so that the bytes match what the official
generator would write for the same data.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

PRESET = "general"


@dataclass
class Case:
    """One test case: where it goes, and how to produce its parts."""

    fork: str
    runner: str
    handler: str
    suite: str
    name: str
    # Returns the parts, or None when the case turns out not to be producible
    # (e.g. random "invalid" bytes that happen to decode); such a case is dropped.
    make: Callable[[], list[tuple[str, str, Any]] | None]
    tags: dict = field(default_factory=dict)

    @property
    def rel_dir(self) -> Path:
        return Path("tests", PRESET, self.fork, self.runner, self.handler, self.suite, self.name)


def case_rng(*labels: str) -> random.Random:
    """A Random seeded from the case's identity, so every case is reproducible
    on its own, whatever else is generated and in whatever order."""
    digest = hashlib.sha256("/".join(("quetzal-reference-vectors",) + labels).encode()).digest()
    return random.Random(int.from_bytes(digest[:16], "big"))


def hex0x(b: bytes) -> str:
    return "0x" + bytes(b).hex()


_dumper = None


def dumper():
    """The pyspec's own test-vector dumper (YAML settings and snappy)."""
    global _dumper
    if _dumper is None:
        from eth_consensus_specs.test.utils.dumper import Dumper

        _dumper = Dumper()
    return _dumper


def write_case(out_root: Path, case: Case, parts: list[tuple[str, str, Any]]) -> None:
    d = dumper()
    case_dir = out_root / case.rel_dir
    case_dir.mkdir(parents=True, exist_ok=False)
    meta: dict[str, Any] = {}
    for name, kind, data in parts:
        if kind == "meta":
            meta[name] = data
        elif kind == "data":
            d.dump_data(case_dir, name, data)
        elif kind == "ssz":
            d.dump_ssz(case_dir, name, data)
        else:
            raise ValueError(f"unknown part kind {kind!r}")
    if meta:
        d.dump_meta(case_dir, meta)
    d.dump_manifest(
        case_dir,
        {
            "preset": PRESET,
            "fork": case.fork,
            "runner": case.runner,
            "handler": case.handler,
            "suite": case.suite,
            "case": case.name,
        },
    )


def generate(out_root: Path, cases: Iterable[Case], log: Callable[[str], None]) -> dict[str, int]:
    """Write every producible case under out_root; returns counts per handler."""
    counts: dict[str, int] = {}
    seen: set[Path] = set()
    dropped = 0
    dropped_names: list[str] = []
    for case in cases:
        if case.rel_dir in seen:
            raise ValueError(f"duplicate case {case.rel_dir}")
        seen.add(case.rel_dir)
        parts = case.make()
        if parts is None:
            dropped += 1
            dropped_names.append(case.name)
            continue
        write_case(out_root, case, parts)
        key = f"{case.fork}/{case.handler}"
        counts[key] = counts.get(key, 0) + 1
    if dropped:
        shown = ", ".join(dropped_names[:8]) + (", ..." if dropped > 8 else "")
        log(f"dropped {dropped} candidate invalid cases whose bytes still decode ({shown})")
    return counts


def check_name(name: str, out: Any) -> None:
    """Guard against a case whose name promises the opposite of its output."""
    words = set(name.split("_"))
    if "invalid" in words or "fails" in words:
        assert out is None or out is False, f"{name}: expected an invalid outcome, got {out!r}"
    elif "valid" in words or "succeeds" in words:
        assert out is not None and out is not False, f"{name}: expected a valid outcome, got {out!r}"
    if "incorrect" in words or "wrong" in words or "tampered" in words:
        assert out is False or out is None, f"{name}: expected false, got {out!r}"
    elif "correct" in words:
        assert out is True, f"{name}: expected true, got {out!r}"
