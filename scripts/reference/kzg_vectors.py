"""kzg cases: tests/general/{deneb,fulu}/kzg/<handler>/kzg-mainnet/<case>/data.yaml.

Formats: consensus-specs tests/formats/kzg_4844/*.md (deneb handlers) and
tests/formats/kzg_7594/*.md (fulu handlers), as they stood before they were
moved out of consensus-specs. Every ``data.yaml`` is ``{input: ..., output:
...}``; byte strings are 0x-prefixed hex, tuples are YAML lists, and an output
of ``null`` means the function must fail on that input.

The oracle is the pyspec's KZG module (``eth_consensus_specs.utils.kzg``), which
in this release delegates to the c-kzg-4844 library (``ckzg``, a pinned
dependency of the pyspec's ``test`` extra) with the mainnet trusted setup the
package ships. The module exposes every function used here except
``compute_kzg_proof`` and ``verify_kzg_proof``; those are called on ``ckzg``
directly with the very same loaded setup, under the same error convention
(any library error means ``null``).
"""

from __future__ import annotations

import ckzg

from eth_consensus_specs.utils import bls, kzg

from common import Case, case_rng, check_name, hex0x

RUNNER = "kzg"
SUITE = "kzg-mainnet"

BLS_MODULUS = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001
FIELD_ELEMENTS_PER_BLOB = 4096
FIELD_ELEMENTS_PER_CELL = 64
CELLS_PER_EXT_BLOB = 128
PRIMITIVE_ROOT_OF_UNITY = 7


def fe(x: int) -> bytes:
    assert 0 <= x < BLS_MODULUS
    return x.to_bytes(32, "big")


def fe_unchecked(x: int) -> bytes:
    return x.to_bytes(32, "big")


def _setup():
    if kzg.trusted_setup is None:
        kzg.load_trusted_setup()
    return kzg.trusted_setup


def _call(fn, *args):
    """The oracle's error convention: any failure is an invalid input (null)."""
    try:
        return fn(*args)
    except Exception:
        return None


def compute_kzg_proof(blob, z):
    try:
        return ckzg.compute_kzg_proof(bytes(blob), bytes(z), _setup())
    except Exception as e:
        raise AssertionError(str(e)) from e


def verify_kzg_proof(commitment, z, y, proof):
    try:
        return ckzg.verify_kzg_proof(bytes(commitment), bytes(z), bytes(y), bytes(proof), _setup())
    except Exception as e:
        raise AssertionError(str(e)) from e


def g1_plus_generator(p: bytes) -> bytes:
    """A different valid G1 point: p + G1 (used to build incorrect proofs)."""
    return bls.G1_to_bytes48(bls.add(bls.bytes48_to_G1(p), bls.G1()))


# ---------------------------------------------------------------- inputs

ROOT_OF_UNITY = pow(PRIMITIVE_ROOT_OF_UNITY, (BLS_MODULUS - 1) // FIELD_ELEMENTS_PER_BLOB, BLS_MODULUS)


def _blob_from(values) -> bytes:
    return b"".join(fe(v) for v in values)


def valid_blobs() -> list[bytes]:
    rng = case_rng(RUNNER, "blobs")
    return [
        _blob_from([0] * FIELD_ELEMENTS_PER_BLOB),
        _blob_from([rng.randrange(BLS_MODULUS) for _ in range(FIELD_ELEMENTS_PER_BLOB)]),
        _blob_from([rng.randrange(BLS_MODULUS) for _ in range(FIELD_ELEMENTS_PER_BLOB)]),
        _blob_from([BLS_MODULUS - 1] * FIELD_ELEMENTS_PER_BLOB),
        _blob_from([1 if i == 2077 else 0 for i in range(FIELD_ELEMENTS_PER_BLOB)]),
        _blob_from([i % 7 for i in range(FIELD_ELEMENTS_PER_BLOB)]),
    ]


def invalid_blobs(base: bytes) -> list[bytes]:
    modulus_at = bytearray(base)
    modulus_at[1234 * 32 : 1235 * 32] = fe_unchecked(BLS_MODULUS)
    return [
        b"\xff" * (FIELD_ELEMENTS_PER_BLOB * 32),
        bytes(modulus_at),
        base + b"\x00",
        base[:-1],
        b"",
    ]


def valid_field_elements() -> list[bytes]:
    rng = case_rng(RUNNER, "field-elements")
    return [fe(0), fe(1), fe(2), fe(rng.randrange(BLS_MODULUS)), fe(BLS_MODULUS - 1), fe(ROOT_OF_UNITY)]


INVALID_FIELD_ELEMENTS = [
    fe_unchecked(BLS_MODULUS),
    fe_unchecked(BLS_MODULUS + 1),
    fe_unchecked(2**256 - 1),
    fe(1) + b"\x00",
    fe(1)[:-1],
]

G1_GENERATOR = bls.G1_to_bytes48(bls.G1())
G1_INFINITY = b"\xc0" + b"\x00" * 47


def invalid_g1_points() -> list[bytes]:
    from bls_vectors import _find_x

    return [
        G1_GENERATOR[:-1],
        G1_GENERATOR + b"\x00",
        _find_x(48, True, False, "kzg-g1-not-in-subgroup"),
        _find_x(48, False, None, "kzg-g1-not-on-curve"),
        b"\x00" * 48,
    ]


def _case(fork, handler, name, inp, out):
    check_name(name, out)
    return Case(fork, RUNNER, handler, SUITE, name, lambda: [("data", "data", {"input": inp, "output": out})])


def _hex_or_none(x):
    return None if x is None else hex0x(x)


# ---------------------------------------------------------------- deneb


def deneb_cases():
    F = "deneb"
    blobs = valid_blobs()
    bad_blobs = invalid_blobs(blobs[1])
    zs = valid_field_elements()
    bad_points = invalid_g1_points()
    commitments = [kzg.blob_to_kzg_commitment(b) for b in blobs]

    h = "blob_to_kzg_commitment"
    for i, b in enumerate(blobs):
        yield _case(F, h, f"{h}_case_valid_blob_{i}", {"blob": hex0x(b)}, hex0x(commitments[i]))
    for i, b in enumerate(bad_blobs):
        out = _call(kzg.blob_to_kzg_commitment, b)
        assert out is None
        yield _case(F, h, f"{h}_case_invalid_blob_{i}", {"blob": hex0x(b)}, None)

    h = "compute_kzg_proof"
    for i, b in enumerate(blobs):
        for j, z in enumerate(zs):
            proof, y = compute_kzg_proof(b, z)
            yield _case(F, h, f"{h}_case_valid_blob_{i}_{j}", {"blob": hex0x(b), "z": hex0x(z)}, [hex0x(proof), hex0x(y)])
    for i, b in enumerate(bad_blobs):
        assert _call(compute_kzg_proof, b, zs[0]) is None
        yield _case(F, h, f"{h}_case_invalid_blob_{i}", {"blob": hex0x(b), "z": hex0x(zs[0])}, None)
    for i, z in enumerate(INVALID_FIELD_ELEMENTS):
        assert _call(compute_kzg_proof, blobs[2], z) is None
        yield _case(F, h, f"{h}_case_invalid_z_{i}", {"blob": hex0x(blobs[2]), "z": hex0x(z)}, None)

    h = "verify_kzg_proof"

    def vkp(name, c, z, y, p):
        out = _call(verify_kzg_proof, c, z, y, p)
        return _case(F, h, name, {"commitment": hex0x(c), "z": hex0x(z), "y": hex0x(y), "proof": hex0x(p)}, out)

    for i, b in enumerate(blobs):
        for j, z in enumerate(zs):
            proof, y = compute_kzg_proof(b, z)
            c = commitments[i]
            yield vkp(f"{h}_case_correct_proof_{i}_{j}", c, z, y, proof)
            yield vkp(f"{h}_case_incorrect_proof_{i}_{j}", c, z, y, g1_plus_generator(proof))
    for j, z in enumerate(zs):
        # constant polynomial: the correct proof is the point at infinity
        proof, y = compute_kzg_proof(blobs[0], z)
        yield vkp(f"{h}_case_correct_proof_point_at_infinity_{j}", commitments[0], z, y, proof)
        yield vkp(f"{h}_case_incorrect_proof_point_at_infinity_{j}", commitments[1], z, compute_kzg_proof(blobs[1], z)[1], G1_INFINITY)
    proof, y = compute_kzg_proof(blobs[2], zs[3])
    for i, p in enumerate(bad_points):
        yield vkp(f"{h}_case_invalid_commitment_{i}", p, zs[3], y, proof)
        yield vkp(f"{h}_case_invalid_proof_{i}", commitments[2], zs[3], y, p)
    for i, z in enumerate(INVALID_FIELD_ELEMENTS):
        yield vkp(f"{h}_case_invalid_z_{i}", commitments[2], z, y, proof)
        yield vkp(f"{h}_case_invalid_y_{i}", commitments[2], zs[3], z, proof)

    h = "compute_blob_kzg_proof"
    for i, b in enumerate(blobs):
        out = kzg.compute_blob_kzg_proof(b, commitments[i])
        yield _case(F, h, f"{h}_case_valid_blob_{i}", {"blob": hex0x(b), "commitment": hex0x(commitments[i])}, hex0x(out))
    for i, b in enumerate(bad_blobs):
        out = _call(kzg.compute_blob_kzg_proof, b, commitments[1])
        yield _case(F, h, f"{h}_case_invalid_blob_{i}", {"blob": hex0x(b), "commitment": hex0x(commitments[1])}, _hex_or_none(out))
    for i, p in enumerate(bad_points):
        out = _call(kzg.compute_blob_kzg_proof, blobs[1], p)
        yield _case(F, h, f"{h}_case_invalid_commitment_{i}", {"blob": hex0x(blobs[1]), "commitment": hex0x(p)}, _hex_or_none(out))

    h = "verify_blob_kzg_proof"
    proofs = [kzg.compute_blob_kzg_proof(b, c) for b, c in zip(blobs, commitments)]

    def vbp(name, b, c, p):
        out = _call(kzg.verify_blob_kzg_proof, b, c, p)
        return _case(F, h, name, {"blob": hex0x(b), "commitment": hex0x(c), "proof": hex0x(p)}, out)

    for i, b in enumerate(blobs):
        yield vbp(f"{h}_case_correct_proof_{i}", b, commitments[i], proofs[i])
        yield vbp(f"{h}_case_incorrect_proof_{i}", b, commitments[i], g1_plus_generator(proofs[i]))
    yield vbp(f"{h}_case_proof_of_other_blob", blobs[1], commitments[1], proofs[2])
    yield vbp(f"{h}_case_incorrect_proof_point_at_infinity", blobs[1], commitments[1], G1_INFINITY)
    yield vbp(f"{h}_case_correct_proof_point_at_infinity_for_zero_poly", blobs[0], commitments[0], proofs[0])
    for i, b in enumerate(bad_blobs):
        yield vbp(f"{h}_case_invalid_blob_{i}", b, commitments[1], proofs[1])
    for i, p in enumerate(bad_points):
        yield vbp(f"{h}_case_invalid_commitment_{i}", blobs[1], p, proofs[1])
        yield vbp(f"{h}_case_invalid_proof_{i}", blobs[1], commitments[1], p)

    h = "verify_blob_kzg_proof_batch"

    def vbb(name, bs, cs, ps):
        out = _call(kzg.verify_blob_kzg_proof_batch, bs, cs, ps)
        return _case(F, h, name, {"blobs": [hex0x(x) for x in bs], "commitments": [hex0x(x) for x in cs], "proofs": [hex0x(x) for x in ps]}, out)

    for n in range(len(blobs) + 1):
        yield vbb(f"{h}_case_{n}", blobs[:n], commitments[:n], proofs[:n])
    yield vbb(f"{h}_case_incorrect_proof_add_one", blobs[1:4], commitments[1:4], proofs[1:3] + [g1_plus_generator(proofs[3])])
    yield vbb(f"{h}_case_proofs_swapped", blobs[1:3], commitments[1:3], [proofs[2], proofs[1]])
    yield vbb(f"{h}_case_incorrect_proof_point_at_infinity", blobs[1:3], commitments[1:3], [proofs[1], G1_INFINITY])
    for i, b in enumerate(bad_blobs):
        yield vbb(f"{h}_case_invalid_blob_{i}", [blobs[1], b], commitments[1:3], proofs[1:3])
    for i, p in enumerate(bad_points):
        yield vbb(f"{h}_case_invalid_commitment_{i}", blobs[1:3], [commitments[1], p], proofs[1:3])
        yield vbb(f"{h}_case_invalid_proof_{i}", blobs[1:3], commitments[1:3], [proofs[1], p])
    yield vbb(f"{h}_case_blob_length_different", blobs[1:3], commitments[1:3][:1], proofs[1:3][:1])
    yield vbb(f"{h}_case_commitment_length_different", blobs[1:3], commitments[1:3][:1], proofs[1:3])
    yield vbb(f"{h}_case_proof_length_different", blobs[1:3], commitments[1:3], proofs[1:3][:1])


# ---------------------------------------------------------------- fulu


def valid_cells() -> list[bytes]:
    rng = case_rng(RUNNER, "cells")
    return [b"".join(fe(rng.randrange(BLS_MODULUS)) for _ in range(FIELD_ELEMENTS_PER_CELL)) for _ in range(2)]


def invalid_cells(base: bytes) -> list[bytes]:
    one_bad = bytearray(base)
    one_bad[7 * 32 : 8 * 32] = fe_unchecked(BLS_MODULUS)
    return [b"\xff" * (FIELD_ELEMENTS_PER_CELL * 32), bytes(one_bad), base[:-1], base + b"\x00"]


def fulu_cases(n_blobs: int = 3):
    F = "fulu"
    blobs = valid_blobs()[:n_blobs]
    bad_blobs = invalid_blobs(blobs[1])
    commitments = [kzg.blob_to_kzg_commitment(b) for b in blobs]
    cells_proofs = [kzg.compute_cells_and_kzg_proofs(b) for b in blobs]
    bad_points = invalid_g1_points()

    h = "compute_cells"
    for i, b in enumerate(blobs):
        cells = kzg.compute_cells(b)
        assert list(cells) == list(cells_proofs[i][0])
        yield _case(F, h, f"{h}_case_valid_{i}", {"blob": hex0x(b)}, [hex0x(c) for c in cells])
    for i, b in enumerate(bad_blobs):
        assert _call(kzg.compute_cells, b) is None
        yield _case(F, h, f"{h}_invalid_blob_{i}", {"blob": hex0x(b)}, None)

    h = "compute_cells_and_kzg_proofs"
    for i, b in enumerate(blobs):
        cells, proofs = cells_proofs[i]
        yield _case(F, h, f"{h}_case_valid_{i}", {"blob": hex0x(b)}, [[hex0x(c) for c in cells], [hex0x(p) for p in proofs]])
    for i, b in enumerate(bad_blobs):
        assert _call(kzg.compute_cells_and_kzg_proofs, b) is None
        yield _case(F, h, f"{h}_case_invalid_blob_{i}", {"blob": hex0x(b)}, None)

    h = "verify_cell_kzg_proof_batch"

    def vcb(name, cs, idx, cells, proofs):
        out = _call(kzg.verify_cell_kzg_proof_batch, cs, idx, cells, proofs)
        return _case(F, h, name, {"commitments": [hex0x(x) for x in cs], "cell_indices": list(idx), "cells": [hex0x(x) for x in cells], "proofs": [hex0x(x) for x in proofs]}, out)

    rng = case_rng(RUNNER, "verify-cells")
    for i in range(len(blobs)):
        cells, proofs = cells_proofs[i]
        yield vcb(f"{h}_case_valid_{i}", [commitments[i]] * CELLS_PER_EXT_BLOB, range(CELLS_PER_EXT_BLOB), cells, proofs)
    yield vcb(f"{h}_case_valid_zero_cells", [], [], [], [])
    # a few cells from several blobs, unordered, one index repeated
    picks = [(rng.randrange(len(blobs)), rng.randrange(CELLS_PER_EXT_BLOB)) for _ in range(5)]
    picks.append(picks[0])
    yield vcb(f"{h}_case_valid_multiple_blobs", [commitments[b] for b, _ in picks], [c for _, c in picks], [cells_proofs[b][0][c] for b, c in picks], [cells_proofs[b][1][c] for b, c in picks])
    yield vcb(f"{h}_case_valid_same_cell_multi_commitment", [commitments[1], commitments[1]], [3, 3], [cells_proofs[1][0][3]] * 2, [cells_proofs[1][1][3]] * 2)
    c1, p1 = cells_proofs[1]
    yield vcb(f"{h}_case_incorrect_commitment", [commitments[2]], [5], [c1[5]], [p1[5]])
    yield vcb(f"{h}_case_incorrect_cell", [commitments[1]], [5], [c1[6]], [p1[5]])
    yield vcb(f"{h}_case_incorrect_proof", [commitments[1]], [5], [c1[5]], [g1_plus_generator(p1[5])])
    yield vcb(f"{h}_case_incorrect_cell_index", [commitments[1]], [6], [c1[5]], [p1[5]])
    for i, p in enumerate(bad_points):
        yield vcb(f"{h}_case_invalid_commitment_{i}", [p], [5], [c1[5]], [p1[5]])
        yield vcb(f"{h}_case_invalid_proof_{i}", [commitments[1]], [5], [c1[5]], [p])
    for i, c in enumerate(invalid_cells(c1[5])):
        yield vcb(f"{h}_case_invalid_cell_{i}", [commitments[1]], [5], [c], [p1[5]])
    yield vcb(f"{h}_case_invalid_cell_index", [commitments[1]], [CELLS_PER_EXT_BLOB], [c1[5]], [p1[5]])
    yield vcb(f"{h}_case_invalid_missing_commitment", [], [5], [c1[5]], [p1[5]])
    yield vcb(f"{h}_case_invalid_missing_cell_index", [commitments[1]], [], [c1[5]], [p1[5]])
    yield vcb(f"{h}_case_invalid_missing_cell", [commitments[1]], [5], [], [p1[5]])
    yield vcb(f"{h}_case_invalid_missing_proof", [commitments[1]], [5], [c1[5]], [])

    h = "recover_cells_and_kzg_proofs"

    def rc(name, idx, cells):
        out = _call(kzg.recover_cells_and_kzg_proofs, idx, cells)
        if out is not None:
            out = [[hex0x(c) for c in out[0]], [hex0x(p) for p in out[1]]]
        return _case(F, h, name, {"cell_indices": list(idx), "cells": [hex0x(c) for c in cells]}, out)

    half = CELLS_PER_EXT_BLOB // 2
    for i in range(len(blobs)):
        cells, _ = cells_proofs[i]
        idx = sorted(case_rng(RUNNER, "recover", str(i)).sample(range(CELLS_PER_EXT_BLOB), half + 3 * i))
        yield rc(f"{h}_case_valid_half_missing_{i}", idx, [cells[j] for j in idx])
    cells, _ = cells_proofs[1]
    yield rc(f"{h}_case_valid_no_missing", list(range(CELLS_PER_EXT_BLOB)), list(cells))
    yield rc(f"{h}_case_valid_half_missing_every_other_cell", list(range(0, CELLS_PER_EXT_BLOB, 2)), list(cells)[::2])
    yield rc(f"{h}_case_valid_half_missing_first_half", list(range(half, CELLS_PER_EXT_BLOB)), list(cells)[half:])
    yield rc(f"{h}_case_valid_half_missing_second_half", list(range(half)), list(cells)[:half])
    idx = list(range(half - 1))
    yield rc(f"{h}_case_invalid_more_than_half_missing", idx, [cells[j] for j in idx])
    idx = list(range(half))
    yield rc(f"{h}_case_invalid_cell_index", idx[:-1] + [CELLS_PER_EXT_BLOB], [cells[j] for j in idx])
    yield rc(f"{h}_case_invalid_duplicate_cell_index", idx[:-1] + [0], [cells[j] for j in idx[:-1]] + [cells[0]])
    yield rc(f"{h}_case_invalid_shuffled_indices", list(reversed(idx)), [cells[j] for j in reversed(idx)])
    yield rc(f"{h}_case_invalid_more_cells_than_indices", idx, [cells[j] for j in idx] + [cells[half]])
    yield rc(f"{h}_case_invalid_more_indices_than_cells", idx + [half], [cells[j] for j in idx])
    yield rc(f"{h}_case_invalid_all_cells_are_missing", [], [])
    for k, bad in enumerate(invalid_cells(cells[1])):
        yield rc(f"{h}_case_invalid_cell_{k}", idx, [cells[0], bad] + [cells[j] for j in idx[2:]])


HANDLERS = {
    "deneb": ["blob_to_kzg_commitment", "compute_kzg_proof", "verify_kzg_proof", "compute_blob_kzg_proof", "verify_blob_kzg_proof", "verify_blob_kzg_proof_batch"],
    "fulu": ["compute_cells", "compute_cells_and_kzg_proofs", "verify_cell_kzg_proof_batch", "recover_cells_and_kzg_proofs"],
}


def cases():
    _setup()
    yield from deneb_cases()
    yield from fulu_cases()
