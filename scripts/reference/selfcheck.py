"""Re-read generated reference cases and re-verify them with the pyspec.

    python selfcheck.py --root ROOT [RUNNER...] [--every N]

For each checked case: the manifest matches the directory; for ssz_generic
the type is rebuilt from the case name alone (as a client's runner must), the
snappy file is decompressed, and valid cases must decode to value.yaml,
re-encode to the same bytes and have the root of meta.yaml, while invalid
cases must be refused; for bls and kzg the output is recomputed from the
input with the pyspec's functions. Exits non-zero on the first mismatch class
and prints a summary line "N passed, N failed".
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ruamel.yaml import YAML  # noqa: E402
from snappy import decompress  # noqa: E402

yaml = YAML(typ="safe", pure=True)


def load_yaml(p: Path):
    with p.open() as f:
        return yaml.load(f)


def unhex(s: str) -> bytes:
    assert s.startswith("0x"), s
    return bytes.fromhex(s[2:])


# ---------------------------------------------------------------- ssz_generic


def ssz_type(handler: str, case: str):
    import ssz_generic as g

    if handler == "uints":
        return getattr(g, f"Uint{int(case.split('_')[1])}")
    if handler == "boolean":
        return g.Boolean
    if handler == "basic_vector":
        _, elem, length = case.split("_")[:3]
        return None if int(length) == 0 else g.vector_type(g.BASIC_TYPES[elem], int(length))
    if handler == "bitvector":
        length = int(case.split("_")[1])
        return None if length == 0 else g.bitvector_type(length)
    if handler == "bitlist":
        return g.bitlist_type(int(case.split("_")[1]))
    if handler == "basic_progressive_list":
        return g.progressive_list_type(g.BASIC_TYPES[case.split("_")[1]])
    if handler == "progressive_bitlist":
        return g.ProgressiveBitList
    if handler in ("containers", "progressive_containers", "compatible_unions"):
        return getattr(g, case.split("_")[0])
    raise ValueError(f"unknown ssz_generic handler {handler}")


def check_ssz_generic(case_dir: Path, handler: str, suite: str, case: str) -> None:
    from eth_consensus_specs.debug.encode import encode
    from eth_consensus_specs.utils.ssz.ssz_impl import deserialize, serialize

    typ = ssz_type(handler, case)
    data = decompress((case_dir / "serialized.ssz_snappy").read_bytes())
    if suite == "invalid":
        assert sorted(p.name for p in case_dir.iterdir()) == ["manifest.yaml", "serialized.ssz_snappy"]
        if typ is None:
            return
        try:
            deserialize(typ, data)
        except Exception:
            return
        raise AssertionError("invalid bytes decode")
    value = deserialize(typ, data)
    assert serialize(value) == data, "re-encoding differs"
    assert encode(value) == load_yaml(case_dir / "value.yaml"), "value.yaml differs"
    meta = load_yaml(case_dir / "meta.yaml")
    assert meta == {"root": "0x" + value.hash_tree_root().hex()}, "root differs"


# ---------------------------------------------------------------- bls


def check_bls(case_dir: Path, handler: str, suite: str, case: str) -> None:
    import bls_vectors as bv
    from eth_consensus_specs.utils import bls

    d = load_yaml(case_dir / "data.yaml")
    inp, out = d["input"], d["output"]
    if handler == "sign":
        sk = int.from_bytes(unhex(inp["privkey"]), "big")
        sig = bls.Sign(sk, unhex(inp["message"])) if 0 < sk < bv.CURVE_ORDER else None
        want = None if sig is None else "0x" + sig.hex()
    elif handler == "verify":
        want = bls.Verify(unhex(inp["pubkey"]), unhex(inp["message"]), unhex(inp["signature"]))
    elif handler == "aggregate":
        try:
            want = "0x" + bls.Aggregate([unhex(s) for s in inp]).hex() if inp else None
        except Exception:
            want = None
    elif handler == "fast_aggregate_verify":
        want = bls.FastAggregateVerify([unhex(p) for p in inp["pubkeys"]], unhex(inp["message"]), unhex(inp["signature"]))
    elif handler == "aggregate_verify":
        want = bls.AggregateVerify([unhex(p) for p in inp["pubkeys"]], [unhex(m) for m in inp["messages"]], unhex(inp["signature"]))
    elif handler == "batch_verify":
        want = all(bls.Verify(unhex(p), unhex(m), unhex(s)) for p, m, s in zip(inp["pubkeys"], inp["messages"], inp["signatures"], strict=True))
    elif handler == "deserialization_G1":
        want = bv.g1_deserializes(unhex(inp["pubkey"]))
    elif handler == "deserialization_G2":
        want = bv.g2_deserializes(unhex(inp["signature"]))
    else:
        raise ValueError(handler)
    assert out == want, f"output {out!r} != recomputed {want!r}"


# ---------------------------------------------------------------- kzg


def check_kzg(case_dir: Path, handler: str, suite: str, case: str) -> None:
    import kzg_vectors as kv
    from eth_consensus_specs.utils import kzg

    kv._setup()
    d = load_yaml(case_dir / "data.yaml")
    inp, out = d["input"], d["output"]
    H = lambda x: "0x" + bytes(x).hex()  # noqa: E731
    L = lambda xs: [unhex(x) for x in xs]  # noqa: E731
    calls = {
        "blob_to_kzg_commitment": lambda: H(kzg.blob_to_kzg_commitment(unhex(inp["blob"]))),
        "compute_kzg_proof": lambda: [H(x) for x in kv.compute_kzg_proof(unhex(inp["blob"]), unhex(inp["z"]))],
        "verify_kzg_proof": lambda: kv.verify_kzg_proof(unhex(inp["commitment"]), unhex(inp["z"]), unhex(inp["y"]), unhex(inp["proof"])),
        "compute_blob_kzg_proof": lambda: H(kzg.compute_blob_kzg_proof(unhex(inp["blob"]), unhex(inp["commitment"]))),
        "verify_blob_kzg_proof": lambda: kzg.verify_blob_kzg_proof(unhex(inp["blob"]), unhex(inp["commitment"]), unhex(inp["proof"])),
        "verify_blob_kzg_proof_batch": lambda: kzg.verify_blob_kzg_proof_batch(L(inp["blobs"]), L(inp["commitments"]), L(inp["proofs"])),
        "compute_cells": lambda: [H(c) for c in kzg.compute_cells(unhex(inp["blob"]))],
        "compute_cells_and_kzg_proofs": lambda: (lambda r: [[H(c) for c in r[0]], [H(p) for p in r[1]]])(kzg.compute_cells_and_kzg_proofs(unhex(inp["blob"]))),
        "verify_cell_kzg_proof_batch": lambda: kzg.verify_cell_kzg_proof_batch(L(inp["commitments"]), inp["cell_indices"], L(inp["cells"]), L(inp["proofs"])),
        "recover_cells_and_kzg_proofs": lambda: (lambda r: [[H(c) for c in r[0]], [H(p) for p in r[1]]])(kzg.recover_cells_and_kzg_proofs(inp["cell_indices"], L(inp["cells"]))),
    }
    try:
        want = calls[handler]()
    except AssertionError:
        want = None
    assert out == want, "output differs from the recomputed one"


CHECKERS = {"ssz_generic": check_ssz_generic, "bls": check_bls, "kzg": check_kzg}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True, type=Path)
    ap.add_argument("--every", type=int, default=0, help="check every N-th case (default: per runner)")
    ap.add_argument("runners", nargs="*", default=list(CHECKERS))
    args = ap.parse_args()
    default_every = {"ssz_generic": 7, "bls": 1, "kzg": 3}
    passed = failed = 0
    for runner in args.runners:
        every = args.every or default_every[runner]
        case_dirs = sorted(p.parent for p in (args.root / "tests" / "general").glob(f"*/{runner}/*/*/*/manifest.yaml"))
        if not case_dirs:
            print(f"{runner}: no cases under {args.root}", file=sys.stderr)
            failed += 1
            continue
        for i, case_dir in enumerate(case_dirs):
            # always check the invalid ssz_generic cases: they are the cheap, sharp ones
            if i % every and not (runner == "ssz_generic" and case_dir.parent.name == "invalid"):
                continue
            fork, _, handler, suite, case = case_dir.parts[-5:]
            try:
                manifest = load_yaml(case_dir / "manifest.yaml")
                assert manifest == {"preset": "general", "fork": fork, "runner": runner, "handler": handler, "suite": suite, "case": case}, "manifest differs from path"
                assert re.fullmatch(r"[A-Za-z0-9_\-]+", case), "odd case name"
                CHECKERS[runner](case_dir, handler, suite, case)
                passed += 1
            except Exception as e:  # report and go on
                failed += 1
                print(f"FAIL {case_dir.relative_to(args.root)}: {type(e).__name__}: {e}", file=sys.stderr)
        print(f"{runner}: checked {passed + failed} cases so far", file=sys.stderr)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
