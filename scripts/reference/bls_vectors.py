"""bls cases: tests/general/phase0/bls/<handler>/bls/<case>/data.yaml.

Formats: consensus-specs tests/formats/bls/{sign,verify,aggregate,
fast_aggregate_verify,aggregate_verify}.md, and for batch_verify,
deserialization_G1 and deserialization_G2 the formats of the BLS test suite
that clients have historically merged into the same directory
(``input: {pubkeys, messages, signatures}``, ``input: {pubkey}`` and
``input: {signature}``, output a bool).

Every ``data.yaml`` is ``{input: ..., output: ...}``; byte strings are
0x-prefixed hex; an output of ``null`` means the input must be rejected.

The oracle is the pyspec's BLS module (``eth_consensus_specs.utils.bls``, backed
by py_arkworks_bls12381). Two rules are applied on top of it, both from the
IETF BLS signature draft that the consensus specs reference, and one from
the point encoding:

- ``sign``: a secret key must be in [1, r-1]; otherwise the output is null
  (the pyspec's ``Sign`` itself does not check its key).
- ``batch_verify``: the result is the conjunction of ``Verify`` over the set
  (a batch verifier must accept exactly when every signature is valid).
- ``deserialization_G1/G2``: an encoding with the infinity flag must have every
  other bit (sign flag included) zero; the pyspec's backend (arkworks) reads
  any such encoding as the point at infinity, which the encoding rules forbid.
"""

from __future__ import annotations

import hashlib

from eth_consensus_specs.utils import bls

from common import Case, case_rng, check_name, hex0x

FORK = "phase0"
RUNNER = "bls"
SUITE = "bls"

# BLS12-381 group order r and base field modulus q.
CURVE_ORDER = 0x73EDA753299D7D483339D80809A1D80553BDA402FFFE5BFEFFFFFFFF00000001
FIELD_MODULUS = 0x1A0111EA397FE69A4B1BA7B6434BACD764774B84F38512BF6730D2A0F6B0F6241EABFFFEB153FFFFB9FEFFFFFFFFAAAB

G1_INFINITY = b"\xc0" + b"\x00" * 47
G2_INFINITY = b"\xc0" + b"\x00" * 95
ZERO_PUBKEY = b"\x00" * 48
ZERO_SIGNATURE = b"\x00" * 96


def _check_backend() -> None:
    """Refuse to generate with BLS switched off (the stub returns fixed values)."""
    assert bls.bls_active, "pyspec BLS is switched off"
    sk = 12345
    msg = b"\x42" * 32
    sig = bls.Sign(sk, msg)
    assert sig != bls.STUB_SIGNATURE and len(sig) == 96
    assert bls.Verify(bls.SkToPk(sk), msg, sig)
    assert not bls.Verify(bls.SkToPk(sk + 1), msg, sig), "BLS verification is not real"


def _name(prefix: str, identifier: str) -> str:
    return f"{prefix}_{hashlib.sha256(identifier.encode()).digest()[:8].hex()}"


def _keys() -> list[int]:
    rng = case_rng(RUNNER, "secret-keys")
    keys = [rng.randrange(1, CURVE_ORDER) for _ in range(4)]
    return keys


def _messages() -> list[bytes]:
    rng = case_rng(RUNNER, "messages")
    return [b"\x00" * 32, b"\xff" * 32] + [rng.randbytes(32) for _ in range(2)]


SAMPLE_MESSAGE = hashlib.sha256(b"quetzal sample message").digest()


def _tamper(sig: bytes) -> bytes:
    return sig[:-4] + b"\xff\xff\xff\xff"


def _case(handler: str, name: str, inp, out) -> Case:
    check_name(name, out)
    return Case(FORK, RUNNER, handler, SUITE, name, lambda: [("data", "data", {"input": inp, "output": out})])


def _valid_sk(sk: int) -> bool:
    return 0 < sk < CURVE_ORDER


def _sign_or_none(sk: int, msg: bytes):
    if not _valid_sk(sk):
        return None
    try:
        return bls.Sign(sk, msg)
    except Exception:
        return None


def _g2_add(a: bytes, b: bytes) -> bytes:
    return bls.G2_to_bytes96(bls.add(bls.bytes96_to_G2(a), bls.bytes96_to_G2(b)))


def _g2_sub(a: bytes, b: bytes) -> bytes:
    return bls.G2_to_bytes96(bls.add(bls.bytes96_to_G2(a), bls.neg(bls.bytes96_to_G2(b))))


# ---------------------------------------------------------------- handlers


def sign(keys, msgs):
    h = "sign"
    for sk in keys + [1]:
        for msg in msgs:
            sig = _sign_or_none(sk, msg)
            assert sig is not None
            yield _case(h, _name("sign_case", f"{sk:064x}_{msg.hex()}"), {"privkey": hex0x(sk.to_bytes(32, "big")), "message": hex0x(msg)}, hex0x(sig))
    for label, sk in [("zero_privkey", 0), ("privkey_equal_to_order", CURVE_ORDER), ("privkey_max", 2**256 - 1)]:
        assert _sign_or_none(sk, SAMPLE_MESSAGE) is None
        yield _case(h, f"sign_case_{label}", {"privkey": hex0x(sk.to_bytes(32, "big")), "message": hex0x(SAMPLE_MESSAGE)}, None)


def verify(keys, msgs):
    h = "verify"
    for i, sk in enumerate(keys):
        pk = bls.SkToPk(sk)
        for msg in msgs:
            sig = bls.Sign(sk, msg)
            ident = f"{pk.hex()}_{msg.hex()}"
            for label, p, m, s in [
                ("verify_valid_case", pk, msg, sig),
                ("verify_wrong_pubkey_case", bls.SkToPk(keys[(i + 1) % len(keys)]), msg, sig),
                ("verify_tampered_signature_case", pk, msg, _tamper(sig)),
                ("verify_wrong_message_case", pk, SAMPLE_MESSAGE if msg != SAMPLE_MESSAGE else msgs[0], sig),
            ]:
                yield _case(h, _name(label, ident), {"pubkey": hex0x(p), "message": hex0x(m), "signature": hex0x(s)}, bls.Verify(p, m, s))
    pk1 = bls.SkToPk(1)
    sig1 = bls.Sign(1, SAMPLE_MESSAGE)
    edge = [
        ("verifycase_one_privkey", pk1, SAMPLE_MESSAGE, sig1),
        ("verify_infinity_pubkey_and_infinity_signature", G1_INFINITY, SAMPLE_MESSAGE, G2_INFINITY),
        ("verify_infinity_signature", pk1, SAMPLE_MESSAGE, G2_INFINITY),
        ("verify_zero_pubkey", ZERO_PUBKEY, SAMPLE_MESSAGE, sig1),
        ("verify_zero_signature", pk1, SAMPLE_MESSAGE, ZERO_SIGNATURE),
        ("verify_pubkey_not_in_subgroup", _g1_not_in_subgroup(), SAMPLE_MESSAGE, sig1),
        ("verify_signature_not_in_subgroup", pk1, SAMPLE_MESSAGE, _g2_not_in_subgroup()),
        ("verify_signature_not_on_curve", pk1, SAMPLE_MESSAGE, _g2_not_on_curve()),
        ("verify_uncompressed_flag_signature", pk1, SAMPLE_MESSAGE, bytes([sig1[0] & 0x7F]) + sig1[1:]),
        ("verify_signature_wrong_sign_flag", pk1, SAMPLE_MESSAGE, bytes([sig1[0] ^ 0x20]) + sig1[1:]),
    ]
    for label, p, m, s in edge:
        name = _name(label, f"{p.hex()}_{m.hex()}") if label == "verifycase_one_privkey" else label
        yield _case(h, name, {"pubkey": hex0x(p), "message": hex0x(m), "signature": hex0x(s)}, bls.Verify(p, m, s))


def _aggregate_or_none(sigs):
    try:
        return bls.Aggregate(sigs) if sigs else None
    except Exception:
        return None


def aggregate(keys, msgs):
    h = "aggregate"
    for msg in msgs:
        sigs = [bls.Sign(sk, msg) for sk in keys]
        yield _case(h, f"aggregate_{hex0x(msg)}", [hex0x(s) for s in sigs], hex0x(_aggregate_or_none(sigs)))
    single = bls.Sign(keys[0], msgs[0])
    other = bls.Sign(keys[1], msgs[1])
    for label, sigs in [
        ("aggregate_single_signature", [single]),
        ("aggregate_infinity_signature", [G2_INFINITY]),
        ("aggregate_signature_and_infinity", [single, G2_INFINITY]),
        ("aggregate_signature_and_its_negation", [single, bls.G2_to_bytes96(bls.neg(bls.bytes96_to_G2(single)))]),
        ("aggregate_different_messages", [single, other]),
        ("aggregate_na_signatures", []),
        ("aggregate_not_on_curve_signature", [single, _g2_not_on_curve()]),
        ("aggregate_zero_signature", [single, ZERO_SIGNATURE]),
    ]:
        out = _aggregate_or_none(sigs)
        yield _case(h, label, [hex0x(s) for s in sigs], None if out is None else hex0x(out))


def fast_aggregate_verify(keys, msgs):
    h = "fast_aggregate_verify"
    for i, msg in enumerate(msgs[:3]):
        sks = keys[: i + 1]
        pks = [bls.SkToPk(sk) for sk in sks]
        agg = bls.Aggregate([bls.Sign(sk, msg) for sk in sks])
        ident = f"{[p.hex() for p in pks]}_{msg.hex()}"
        extra = pks + [bls.SkToPk(keys[-1])]
        for label, p, s in [
            ("fast_aggregate_verify_valid", pks, agg),
            ("fast_aggregate_verify_extra_pubkey", extra, agg),
            ("fast_aggregate_verify_tampered_signature", pks, _tamper(agg)),
            ("fast_aggregate_verify_missing_pubkey", pks[:-1], agg),
        ]:
            if not p:
                continue
            yield _case(h, _name(label, f"{label}_{ident}"), {"pubkeys": [hex0x(x) for x in p], "message": hex0x(msg), "signature": hex0x(s)}, bls.FastAggregateVerify(p, msg, s))
    pks = [bls.SkToPk(sk) for sk in keys]
    agg = bls.Aggregate([bls.Sign(sk, SAMPLE_MESSAGE) for sk in keys])
    for label, p, s in [
        ("fast_aggregate_verify_na_pubkeys_and_infinity_signature", [], G2_INFINITY),
        ("fast_aggregate_verify_na_pubkeys_and_zero_signature", [], ZERO_SIGNATURE),
        ("fast_aggregate_verify_infinity_pubkey", pks + [G1_INFINITY], agg),
        ("fast_aggregate_verify_duplicate_pubkey", pks + [pks[0]], _g2_add(agg, bls.Sign(keys[0], SAMPLE_MESSAGE))),
    ]:
        yield _case(h, label, {"pubkeys": [hex0x(x) for x in p], "message": hex0x(SAMPLE_MESSAGE), "signature": hex0x(s)}, bls.FastAggregateVerify(p, SAMPLE_MESSAGE, s))


def aggregate_verify(keys, msgs):
    h = "aggregate_verify"
    pks = [bls.SkToPk(sk) for sk in keys]
    agg = bls.Aggregate([bls.Sign(sk, m) for sk, m in zip(keys, msgs)])
    cases = [
        ("aggregate_verify_valid", pks, msgs, agg),
        ("aggregate_verify_tampered_signature", pks, msgs, _tamper(agg)),
        ("aggregate_verify_wrong_message", pks, [SAMPLE_MESSAGE] + msgs[1:], agg),
        ("aggregate_verify_swapped_pubkeys", [pks[1], pks[0]] + pks[2:], msgs, agg),
        ("aggregate_verify_na_pubkeys_and_infinity_signature", [], [], G2_INFINITY),
        ("aggregate_verify_na_pubkeys_and_zero_signature", [], [], ZERO_SIGNATURE),
        ("aggregate_verify_infinity_pubkey", pks + [G1_INFINITY], msgs + [SAMPLE_MESSAGE], agg),
        ("aggregate_verify_single", pks[:1], msgs[:1], bls.Sign(keys[0], msgs[0])),
    ]
    for label, p, m, s in cases:
        yield _case(h, label, {"pubkeys": [hex0x(x) for x in p], "messages": [hex0x(x) for x in m], "signature": hex0x(s)}, bls.AggregateVerify(p, m, s))


def batch_verify(keys, msgs):
    h = "batch_verify"
    pks = [bls.SkToPk(sk) for sk in keys]
    sigs = [bls.Sign(sk, m) for sk, m in zip(keys, msgs)]
    # A forged pair: the sum of the two signatures is unchanged, so a naive
    # "aggregate then verify" check passes, but neither signature is valid.
    delta = bls.Sign(keys[-1], SAMPLE_MESSAGE)
    forged = [_g2_add(sigs[0], delta), _g2_sub(sigs[1], delta)] + sigs[2:]
    cases = [
        ("batch_verify_valid_simple_signature_set", pks[:1], msgs[:1], sigs[:1]),
        ("batch_verify_valid_multiple_signature_set", pks, msgs, sigs),
        ("batch_verify_valid_same_message_signature_set", pks, [SAMPLE_MESSAGE] * len(pks), [bls.Sign(sk, SAMPLE_MESSAGE) for sk in keys]),
        ("batch_verify_invalid_forged_signature_set", pks, msgs, forged),
        ("batch_verify_invalid_infinity_signature_set", pks + [G1_INFINITY], msgs + [SAMPLE_MESSAGE], sigs + [G2_INFINITY]),
        ("batch_verify_invalid_tampered_signature_set", pks, msgs, sigs[:-1] + [_tamper(sigs[-1])]),
        ("batch_verify_invalid_swapped_messages_set", pks, [msgs[1], msgs[0]] + msgs[2:], sigs),
    ]
    for label, p, m, s in cases:
        out = all(bls.Verify(a, b, c) for a, b, c in zip(p, m, s, strict=True))
        yield _case(h, label, {"pubkeys": [hex0x(x) for x in p], "messages": [hex0x(x) for x in m], "signatures": [hex0x(x) for x in s]}, out)


# ---------------------------------------------------------------- deserialization


def canonical_flags(b: bytes, width: int) -> bool:
    """The flag rules of the compressed point encoding (ZCash BLS12-381 format)
    that the pyspec's backend does not enforce: it reads any encoding with the
    infinity flag as the point at infinity, even with other bits set. The
    encoding is canonical only when the compression flag is set and, if the
    infinity flag is set, the sign flag and every other bit are zero."""
    if len(b) != width or not b[0] & 0x80:
        return False
    if b[0] & 0x40:
        return b[0] & 0x3F == 0 and not any(b[1:])
    return True


def g1_deserializes(b: bytes) -> bool:
    """A valid compressed G1 point in the prime-order subgroup (infinity included)."""
    if not canonical_flags(b, 48):
        return False
    try:
        p = bls.bytes48_to_G1(b)
    except Exception:
        return False
    return bool(p.is_in_subgroup())


def g2_deserializes(b: bytes) -> bool:
    if not canonical_flags(b, 96):
        return False
    try:
        p = bls.bytes96_to_G2(b)
    except Exception:
        return False
    return bool(p.is_in_subgroup())


def _find_x(width: int, want_on_curve: bool, want_subgroup: bool | None, label: str) -> bytes:
    """Search (deterministically) for a compressed encoding with the c flag set
    whose x decodes (or not) to a curve point (in the subgroup or not)."""
    rng = case_rng(RUNNER, "search", label)
    decode = bls.bytes48_to_G1 if width == 48 else bls.bytes96_to_G2
    for _ in range(10000):
        x = bytearray(rng.randbytes(width))
        x[0] = 0x80 | (x[0] & 0x1F)  # c flag, no infinity, sign bit clear
        if width == 96:
            x[48] &= 0x0F  # keep the second coordinate below q
        b = bytes(x)
        if int.from_bytes(b[:48], "big") & ((1 << 381) - 1) >= FIELD_MODULUS:
            continue
        try:
            p = decode(b)
        except Exception:
            if not want_on_curve:
                return b
            continue
        if want_on_curve and bool(p.is_in_subgroup()) == want_subgroup:
            return b
    raise RuntimeError(f"no encoding found for {label}")


_cache: dict = {}


def _g1_not_in_subgroup() -> bytes:
    if "g1ns" not in _cache:
        _cache["g1ns"] = _find_x(48, True, False, "g1-not-in-subgroup")
    return _cache["g1ns"]


def _g2_not_in_subgroup() -> bytes:
    if "g2ns" not in _cache:
        _cache["g2ns"] = _find_x(96, True, False, "g2-not-in-subgroup")
    return _cache["g2ns"]


def _g2_not_on_curve() -> bytes:
    if "g2nc" not in _cache:
        _cache["g2nc"] = _find_x(96, False, None, "g2-not-on-curve")
    return _cache["g2nc"]


def _fp(v: int) -> bytes:
    return v.to_bytes(48, "big")


def _flags(b: bytes, flags: int) -> bytes:
    return bytes([b[0] | flags]) + b[1:]


def deserialization_g1(keys):
    h = "deserialization_G1"
    pk = bls.SkToPk(keys[0])
    g1_not_on_curve = _find_x(48, False, None, "g1-not-on-curve")
    cases = [
        ("deserialization_succeeds_correct_point", pk),
        ("deserialization_succeeds_generator", bls.SkToPk(1)),
        ("deserialization_fails_not_in_G1", _g1_not_in_subgroup()),
        ("deserialization_fails_not_in_curve", g1_not_on_curve),
        ("deserialization_fails_x_equal_to_modulus", _flags(_fp(FIELD_MODULUS), 0x80)),
        ("deserialization_fails_x_greater_than_modulus", _flags(_fp(FIELD_MODULUS + 1), 0x80)),
        ("deserialization_fails_too_few_bytes", pk[:-1]),
        ("deserialization_fails_too_many_bytes", pk + b"\x00"),
        ("deserialization_fails_empty", b""),
        ("deserialization_succeeds_infinity_with_true_b_flag", G1_INFINITY),
        ("deserialization_fails_infinity_with_false_b_flag", b"\x80" + b"\x00" * 47),
        ("deserialization_fails_zero_bytes", ZERO_PUBKEY),
        ("deserialization_fails_with_wrong_c_flag", bytes([pk[0] & 0x7F]) + pk[1:]),
        ("deserialization_fails_with_b_flag_and_x_nonzero", _flags(pk, 0x40)),
        ("deserialization_fails_with_b_flag_and_a_flag_true", b"\xe0" + b"\x00" * 47),
        ("deserialization_fails_uncompressed_infinity", b"\x40" + b"\x00" * 95),
    ]
    for label, b in cases:
        yield _case(h, label, {"pubkey": hex0x(b)}, g1_deserializes(b))


def deserialization_g2(keys):
    h = "deserialization_G2"
    sig = bls.Sign(keys[0], SAMPLE_MESSAGE)
    zero48 = b"\x00" * 48
    cases = [
        ("deserialization_succeeds_correct_point", sig),
        ("deserialization_fails_not_in_G2", _g2_not_in_subgroup()),
        ("deserialization_fails_not_in_curve", _g2_not_on_curve()),
        # the first 48 bytes carry the imaginary part x_im (with the flags), then x_re
        ("deserialization_fails_xre_equal_to_modulus", b"\x80" + b"\x00" * 47 + _fp(FIELD_MODULUS)),
        ("deserialization_fails_xim_equal_to_modulus", _flags(_fp(FIELD_MODULUS), 0x80) + zero48),
        ("deserialization_fails_xre_greater_than_modulus", b"\x80" + b"\x00" * 47 + _fp(FIELD_MODULUS + 1)),
        ("deserialization_fails_xim_greater_than_modulus", _flags(_fp(FIELD_MODULUS + 1), 0x80) + zero48),
        ("deserialization_fails_too_few_bytes", sig[:-1]),
        ("deserialization_fails_too_many_bytes", sig + b"\x00"),
        ("deserialization_succeeds_infinity_with_true_b_flag", G2_INFINITY),
        ("deserialization_fails_infinity_with_false_b_flag", b"\x80" + b"\x00" * 95),
        ("deserialization_fails_zero_bytes", ZERO_SIGNATURE),
        ("deserialization_fails_with_wrong_c_flag", bytes([sig[0] & 0x7F]) + sig[1:]),
        ("deserialization_fails_with_b_flag_and_x_nonzero", _flags(sig, 0x40)),
        ("deserialization_fails_with_b_flag_and_a_flag_true", b"\xe0" + b"\x00" * 95),
    ]
    for label, b in cases:
        yield _case(h, label, {"signature": hex0x(b)}, g2_deserializes(b))


HANDLERS = [
    "sign",
    "verify",
    "aggregate",
    "fast_aggregate_verify",
    "aggregate_verify",
    "batch_verify",
    "deserialization_G1",
    "deserialization_G2",
]


def cases():
    _check_backend()
    keys, msgs = _keys(), _messages()
    yield from sign(keys, msgs)
    yield from verify(keys, msgs)
    yield from aggregate(keys, msgs)
    yield from fast_aggregate_verify(keys, msgs)
    yield from aggregate_verify(keys, msgs)
    yield from batch_verify(keys, msgs)
    yield from deserialization_g1(keys)
    yield from deserialization_g2(keys)
