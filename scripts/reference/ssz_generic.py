"""ssz_generic cases: tests/general/phase0/ssz_generic/<handler>/{valid,invalid}/<case>/.

Format (consensus-specs tests/formats/ssz_generic/README.md):
  valid:   serialized.ssz_snappy, value.yaml, meta.yaml (root), manifest.yaml
  invalid: serialized.ssz_snappy, manifest.yaml

The type of a case is encoded in its name (``uint_16_...``, ``vec_uint16_5_...``,
``bitlist_8_...``, ``bitvec_9_...``, ``proglist_uint64_...``, ``progbitlist_...``,
or a container / union structure name). The oracle is the pyspec's SSZ library
(``eth-ssz-specs``, package ``ssz``), its random-value helper and its YAML value
encoder: every valid value must round-trip through the library and every invalid
byte string must be refused by it, or the case is not written.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import permutations
from typing import Any, Callable

from ssz import (
    BitList,
    BitVector,
    Boolean,
    Byte,
    ByteList,
    CompatibleUnion,
    Container,
    List,
    ProgressiveBitList,
    ProgressiveContainer,
    ProgressiveList,
    Uint8,
    Uint16,
    Uint32,
    Uint64,
    Uint128,
    Uint256,
    Vector,
)

from eth_consensus_specs.debug.encode import encode
from eth_consensus_specs.debug.random_value import RandomizationMode, get_random_ssz_object
from eth_consensus_specs.utils.ssz.ssz_impl import deserialize, serialize

from common import Case, case_rng, hex0x

FORK = "phase0"
RUNNER = "ssz_generic"

M = RandomizationMode
ALL_MODES = list(RandomizationMode)

###############################################################################
# Type constructors (cached, so one declaration is one class)
###############################################################################


@lru_cache(maxsize=None)
def vector_type(elem: type, length: int) -> type:
    return type(f"Vector_{elem.__name__}_{length}", (Vector[elem],), {"LENGTH": length, "__module__": __name__})


@lru_cache(maxsize=None)
def list_type(elem: type, limit: int) -> type:
    return type(f"List_{elem.__name__}_{limit}", (List[elem],), {"LIMIT": limit, "__module__": __name__})


@lru_cache(maxsize=None)
def progressive_list_type(elem: type) -> type:
    return type(f"ProgressiveList_{elem.__name__}", (ProgressiveList[elem],), {"__module__": __name__})


@lru_cache(maxsize=None)
def bitlist_type(limit: int) -> type:
    return type(f"BitList_{limit}", (BitList,), {"LIMIT": limit, "__module__": __name__})


@lru_cache(maxsize=None)
def bitvector_type(length: int) -> type:
    return type(f"BitVector_{length}", (BitVector,), {"LENGTH": length, "__module__": __name__})


@lru_cache(maxsize=None)
def bytelist_type(limit: int) -> type:
    return type(f"ByteList_{limit}", (ByteList,), {"LIMIT": limit, "__module__": __name__})


###############################################################################
# The structures named by the format
###############################################################################


class SingleFieldTestStruct(Container):
    A: Byte


class SmallTestStruct(Container):
    A: Uint16
    B: Uint16


class FixedTestStruct(Container):
    A: Uint8
    B: Uint64
    C: Uint32


class VarTestStruct(Container):
    A: Uint16
    B: list_type(Uint16, 1024)
    C: Uint8


class ComplexTestStruct(Container):
    A: Uint16
    B: list_type(Uint16, 128)
    C: Uint8
    D: bytelist_type(256)
    E: VarTestStruct
    F: vector_type(FixedTestStruct, 4)
    G: vector_type(VarTestStruct, 2)


class ProgressiveTestStruct(Container):
    A: progressive_list_type(Byte)
    B: progressive_list_type(Uint64)
    C: progressive_list_type(SmallTestStruct)
    D: progressive_list_type(progressive_list_type(VarTestStruct))


class BitsStruct(Container):
    A: bitlist_type(5)
    B: bitvector_type(2)
    C: bitvector_type(1)
    D: bitlist_type(6)
    E: bitvector_type(8)


class ProgressiveBitsStruct(Container):
    A: bitvector_type(256)
    B: bitlist_type(256)
    C: ProgressiveBitList
    D: bitvector_type(257)
    E: bitlist_type(257)
    F: ProgressiveBitList
    G: bitvector_type(1280)
    H: bitlist_type(1280)
    I: ProgressiveBitList
    J: bitvector_type(1281)
    K: bitlist_type(1281)
    L: ProgressiveBitList


class ProgressiveSingleFieldContainerTestStruct(ProgressiveContainer):
    ACTIVE_FIELDS = (1,)
    A: Byte


class ProgressiveSingleListContainerTestStruct(ProgressiveContainer):
    ACTIVE_FIELDS = (0, 0, 0, 0, 1)
    C: ProgressiveBitList


class ProgressiveVarTestStruct(ProgressiveContainer):
    ACTIVE_FIELDS = (1, 0, 1, 0, 1)
    A: Byte
    B: list_type(Uint16, 123)
    C: ProgressiveBitList


class ProgressiveComplexTestStruct(ProgressiveContainer):
    ACTIVE_FIELDS = (1, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1)
    A: Byte
    B: list_type(Uint16, 123)
    C: ProgressiveBitList
    D: progressive_list_type(Uint64)
    E: progressive_list_type(SmallTestStruct)
    F: progressive_list_type(progressive_list_type(VarTestStruct))
    G: list_type(ProgressiveSingleFieldContainerTestStruct, 10)
    H: progressive_list_type(ProgressiveVarTestStruct)


# Near-miss progressive layouts: values of these must not decode as the named
# structures (a field added, dropped, moved or retyped).
class AlteredVarExtraField(ProgressiveContainer):
    ACTIVE_FIELDS = (1, 1, 1, 0, 1)
    A: Byte
    X: Byte
    B: list_type(Uint16, 123)
    C: ProgressiveBitList


class AlteredVarNoList(ProgressiveContainer):
    ACTIVE_FIELDS = (1, 0, 0, 0, 1)
    A: Byte
    C: ProgressiveBitList


class AlteredVarNoByte(ProgressiveContainer):
    ACTIVE_FIELDS = (0, 0, 1, 0, 1)
    B: list_type(Uint16, 123)
    C: ProgressiveBitList


class AlteredVarTrailingField(ProgressiveContainer):
    ACTIVE_FIELDS = (1, 0, 1, 0, 1, 0, 0, 0, 1)
    A: Byte
    B: list_type(Uint16, 123)
    C: ProgressiveBitList
    D: progressive_list_type(Uint64)


class AlteredTwoBytes(ProgressiveContainer):
    ACTIVE_FIELDS = (1, 1)
    A: Byte
    X: Byte


class AlteredComplexMissingE(ProgressiveContainer):
    ACTIVE_FIELDS = (1, 0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1)
    A: Byte
    B: list_type(Uint16, 123)
    C: ProgressiveBitList
    D: progressive_list_type(Uint64)
    F: progressive_list_type(progressive_list_type(VarTestStruct))
    G: list_type(ProgressiveSingleFieldContainerTestStruct, 10)
    H: progressive_list_type(ProgressiveVarTestStruct)


ALTERED_PROGRESSIVE = [
    AlteredTwoBytes,
    AlteredVarExtraField,
    AlteredVarNoList,
    AlteredVarNoByte,
    AlteredVarTrailingField,
    AlteredComplexMissingE,
]


class CompatibleUnionA(CompatibleUnion):
    OPTIONS = {1: ProgressiveSingleFieldContainerTestStruct}


class CompatibleUnionBC(CompatibleUnion):
    OPTIONS = {2: ProgressiveSingleListContainerTestStruct, 3: ProgressiveVarTestStruct}


class CompatibleUnionABCA(CompatibleUnion):
    OPTIONS = {
        1: ProgressiveSingleFieldContainerTestStruct,
        2: ProgressiveSingleListContainerTestStruct,
        3: ProgressiveVarTestStruct,
        4: ProgressiveSingleFieldContainerTestStruct,
    }


CONTAINERS = [
    SingleFieldTestStruct,
    SmallTestStruct,
    FixedTestStruct,
    VarTestStruct,
    ComplexTestStruct,
    ProgressiveTestStruct,
    BitsStruct,
    ProgressiveBitsStruct,
]
PROGRESSIVE_CONTAINERS = [
    ProgressiveSingleFieldContainerTestStruct,
    ProgressiveSingleListContainerTestStruct,
    ProgressiveVarTestStruct,
    ProgressiveComplexTestStruct,
]
UNIONS = [CompatibleUnionA, CompatibleUnionBC, CompatibleUnionABCA]

BASIC_TYPES: dict[str, type] = {
    "bool": Boolean,
    "uint8": Uint8,
    "uint16": Uint16,
    "uint32": Uint32,
    "uint64": Uint64,
    "uint128": Uint128,
    "uint256": Uint256,
}
UINT_TYPES = [Uint8, Uint16, Uint32, Uint64, Uint128, Uint256]
INVALID_BOOL_BYTES = [("2", b"\x02"), ("rev_nibble", b"\x10"), ("0x80", b"\x80"), ("0xff", b"\xff")]
NO_DELIMITER = [("no_delimiter_empty", b""), ("no_delimiter_zero_byte", b"\x00"), ("no_delimiter_zeroes", b"\x00\x00\x00")]

###############################################################################
# Case builders
###############################################################################


def byte_len(typ: type) -> int:
    return typ.get_byte_length()


# Structures nesting progressive lists of lists grow to megabytes (and take
# minutes to write as YAML) at the default list length; they get a smaller cap.
LIST_LENGTH_CAP: dict[type, int] = {ProgressiveTestStruct: 256, ProgressiveComplexTestStruct: 256, AlteredComplexMissingE: 256}


def rand(rng, typ, mode, max_bytes=2000, max_list=None, chaos=False):
    if max_list is None:
        max_list = LIST_LENGTH_CAP.get(typ, 1500)
    return get_random_ssz_object(rng, typ, max_bytes_length=max_bytes, max_list_length=max_list, mode=mode, chaos=chaos)


def valid(handler: str, name: str, value_fn: Callable[[Any], Any]) -> Case:
    def make():
        value = value_fn(case_rng(RUNNER, handler, "valid", name))
        typ = type(value)
        serialized = serialize(value)
        decoded = deserialize(typ, serialized)
        assert decoded == value, f"{name}: value does not round-trip"
        assert serialize(decoded) == serialized, f"{name}: encoding does not round-trip"
        return [
            ("value", "data", encode(value)),
            ("serialized", "ssz", serialized),
            ("root", "meta", hex0x(value.hash_tree_root())),
        ]

    return Case(FORK, RUNNER, handler, "valid", name, make)


def invalid(handler: str, name: str, typ: type, bytes_fn: Callable[[Any], bytes]) -> Case:
    def make():
        data = bytes_fn(case_rng(RUNNER, handler, "invalid", name))
        try:
            deserialize(typ, data)
        except Exception:
            return [("serialized", "ssz", data)]
        return None  # it decodes: not an invalid case after all

    return Case(FORK, RUNNER, handler, "invalid", name, make)


def with_final_bit(value, bit):
    """Force the last bit of a (non-empty) bitlist."""
    if bit is None or len(value) == 0:
        return value
    bits = [bool(b) for b in value]
    bits[-1] = bit
    return type(value)(data=bits)


def offset_positions(typ: type) -> list[int]:
    """Byte positions of the 4-byte offsets in the fixed part of a container."""
    positions, pos = [], 0
    for f in typ.model_fields.values():
        size = f.annotation.fixed_size()
        if size is None:
            positions.append(pos)
            pos += 4
        else:
            pos += size
    return positions


def set_u32(b: bytes, at: int, value: int) -> bytes:
    return b[:at] + (value & 0xFFFFFFFF).to_bytes(4, "little") + b[at + 4 :]


def get_u32(b: bytes, at: int) -> int:
    return int.from_bytes(b[at : at + 4], "little")


# ---------------------------------------------------------------- uints


def uints():
    h = "uints"
    for typ in UINT_TYPES:
        n = byte_len(typ)
        bits = n * 8
        yield valid(h, f"uint_{bits}_last_byte_empty", lambda rng, typ=typ, n=n: typ(2 ** ((n - 1) * 8) - 1))
        for v in range(5):
            yield valid(h, f"uint_{bits}_random_{v}", lambda rng, typ=typ: rand(rng, typ, M.mode_random))
        yield valid(h, f"uint_{bits}_zero", lambda rng, typ=typ: rand(rng, typ, M.mode_zero))
        yield valid(h, f"uint_{bits}_max", lambda rng, typ=typ: rand(rng, typ, M.mode_max))
    for typ in UINT_TYPES:
        n = byte_len(typ)
        bits = n * 8
        yield invalid(h, f"uint_{bits}_one_too_high", typ, lambda rng, n=n: (2 ** (n * 8)).to_bytes(n + 1, "little"))
        yield invalid(h, f"uint_{bits}_one_byte_longer", typ, lambda rng, n=n: (2 ** (n * 8) - 1).to_bytes(n + 1, "little"))
        yield invalid(h, f"uint_{bits}_one_byte_shorter", typ, lambda rng, n=n: (2 ** ((n - 1) * 8) - 1).to_bytes(n - 1, "little"))
        yield invalid(h, f"uint_{bits}_empty", typ, lambda rng: b"")
        yield invalid(h, f"uint_{bits}_double_length", typ, lambda rng, n=n: rng.randbytes(2 * n))


# ---------------------------------------------------------------- boolean


def boolean():
    h = "boolean"
    yield valid(h, "true", lambda rng: Boolean(True))
    yield valid(h, "false", lambda rng: Boolean(False))
    for desc, data in INVALID_BOOL_BYTES:
        yield invalid(h, f"byte_{desc}", Boolean, lambda rng, data=data: data)
    yield invalid(h, "byte_empty", Boolean, lambda rng: b"")
    yield invalid(h, "byte_two_bytes", Boolean, lambda rng: b"\x01\x00")


# ---------------------------------------------------------------- basic_vector

VECTOR_LENGTHS = [1, 2, 3, 4, 5, 8, 16, 31, 512, 513]


def vector_modes(name):
    modes = [M.mode_zero, M.mode_max]
    if name != "bool":
        modes.append(M.mode_random)
    return modes


def basic_vector():
    h = "basic_vector"

    def value(rng, elem, length, mode):
        return rand(rng, vector_type(elem, length), mode, max_bytes=length * 8, max_list=length)

    for name, elem in BASIC_TYPES.items():
        for length in VECTOR_LENGTHS:
            for mode in vector_modes(name):
                yield valid(h, f"vec_{name}_{length}_{mode.to_name()}", lambda rng, e=elem, l=length, m=mode: value(rng, e, l, m))

    for name, elem in BASIC_TYPES.items():
        # A vector of length 0 is not a legal type; its only encoding, b"",
        # must be refused (here by the smallest legal vector).
        yield invalid(h, f"vec_{name}_0", vector_type(elem, 1), lambda rng: b"")
    for name, elem in BASIC_TYPES.items():
        for length in VECTOR_LENGTHS:
            typ = vector_type(elem, length)
            yield invalid(h, f"vec_{name}_{length}_nil", typ, lambda rng: b"")
            for mode in vector_modes(name):
                base = f"vec_{name}_{length}_{mode.to_name()}"
                if name == "bool":
                    for desc, data in INVALID_BOOL_BYTES:
                        yield invalid(h, f"{base}_{desc}", typ, lambda rng, e=elem, l=length, m=mode, d=data: serialize(value(rng, e, l, m))[:-1] + d)
                if length > 1:
                    yield invalid(h, f"{base}_one_less", typ, lambda rng, e=elem, l=length, m=mode: serialize(value(rng, e, l - 1, m)))
                else:
                    yield invalid(h, f"{base}_one_less", typ, lambda rng: b"")
                yield invalid(h, f"{base}_one_more", typ, lambda rng, e=elem, l=length, m=mode: serialize(value(rng, e, l + 1, m)))
                yield invalid(h, f"{base}_one_byte_less", typ, lambda rng, e=elem, l=length, m=mode: serialize(value(rng, e, l, m))[:-1])
                yield invalid(h, f"{base}_one_byte_more", typ, lambda rng, e=elem, l=length, m=mode: serialize(value(rng, e, l, m)) + rng.randbytes(1))


# ---------------------------------------------------------------- bitvector

BIT_SIZES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 511, 512, 513]


def bitvector():
    h = "bitvector"
    for size in BIT_SIZES:
        for mode in [M.mode_random, M.mode_zero, M.mode_max]:
            yield valid(h, f"bitvec_{size}_{mode.to_name()}", lambda rng, s=size, m=mode: rand(rng, bitvector_type(s), m, max_bytes=(s + 7) // 8, max_list=s))

    yield invalid(h, "bitvec_0", bitvector_type(1), lambda rng: b"")

    def wrong_size(rng, typ_size, test_size, mode):
        v = rand(rng, bitvector_type(test_size), mode, max_bytes=(test_size + 7) // 8, max_list=test_size)
        bits = [bool(b) for b in v]
        # Make sure a bit past the declared size is set, so that a same-byte-count
        # encoding is still invalid (non-zero padding).
        if test_size > typ_size and not any(bits[typ_size:]):
            bits[typ_size] = True
        return serialize(bitvector_type(test_size)(data=bits))

    for typ_size, test_size in [(1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (7, 8), (8, 9), (9, 8), (16, 8), (32, 33), (512, 513)]:
        for mode in [M.mode_random, M.mode_zero, M.mode_max]:
            yield invalid(h, f"bitvec_{typ_size}_{mode.to_name()}_{test_size}", bitvector_type(typ_size), lambda rng, a=typ_size, b=test_size, m=mode: wrong_size(rng, a, b, m))
    for size in [1, 8, 9, 16, 513]:
        yield invalid(h, f"bitvec_{size}_one_byte_more", bitvector_type(size), lambda rng, s=size: b"\x00" * ((s + 7) // 8 + 1))


# ---------------------------------------------------------------- bitlist

BITLIST_MODES = [M.mode_nil_count, M.mode_max_count, M.mode_random, M.mode_zero, M.mode_max]


def bitlist_value(rng, typ, limit, mode, final_bit):
    v = rand(rng, typ, mode, max_bytes=limit // 8 + 1, max_list=limit)
    return with_final_bit(v, final_bit)


def bitlist():
    h = "bitlist"
    for size in BIT_SIZES:
        for variation in range(5):
            for mode in BITLIST_MODES:
                yield valid(h, f"bitlist_{size}_{mode.to_name()}_{variation}", lambda rng, s=size, m=mode, v=variation: bitlist_value(rng, bitlist_type(s), s, m, [None, True, False][v % 3]))
    done = set()
    for typ_limit, test_limit in [(1, 2), (1, 7), (1, 8), (1, 9), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7), (7, 8), (8, 9), (32, 64), (32, 33), (512, 513)]:
        typ = bitlist_type(typ_limit)
        if typ_limit not in done:
            done.add(typ_limit)
            for desc, data in NO_DELIMITER:
                yield invalid(h, f"bitlist_{typ_limit}_{desc}", typ, lambda rng, d=data: d)
        yield invalid(h, f"bitlist_{typ_limit}_but_{test_limit}", typ, lambda rng, t=test_limit: serialize(rand(rng, bitlist_type(t), M.mode_max_count, max_bytes=t // 8 + 1, max_list=t)))
    for limit in [8, 16, 513]:
        # Delimiter in a byte that is followed by a zero byte.
        yield invalid(h, f"bitlist_{limit}_trailing_zero_byte", bitlist_type(limit), lambda rng: b"\x01\x00")


# ---------------------------------------------------------------- progressive_bitlist

PROGBITLIST_LENGTHS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255, 256, 257, 511, 512, 513, 1023, 1024, 1025]


def progressive_bitlist():
    h = "progressive_bitlist"
    for length in PROGBITLIST_LENGTHS:
        for variation in range(3):
            for mode in BITLIST_MODES:
                yield valid(h, f"progbitlist_{mode.to_name()}_{length}_{variation}", lambda rng, n=length, m=mode, v=variation: bitlist_value(rng, ProgressiveBitList, n, m, [None, True, False][v % 3]))
    for desc, data in NO_DELIMITER:
        yield invalid(h, f"progbitlist_{desc}", ProgressiveBitList, lambda rng, d=data: d)
    yield invalid(h, "progbitlist_trailing_zero_byte", ProgressiveBitList, lambda rng: b"\x05\x00")


# ---------------------------------------------------------------- basic_progressive_list

PROGLIST_LENGTHS = [0, 1, 2, 3, 4, 5, 8, 20, 21, 22, 85, 86, 341, 342, 1365, 1366]


def basic_progressive_list():
    h = "basic_progressive_list"

    def value(rng, elem, length, mode):
        return rand(rng, progressive_list_type(elem), mode, max_bytes=length * 8, max_list=length)

    for name, elem in BASIC_TYPES.items():
        for length in PROGLIST_LENGTHS:
            for mode in vector_modes(name):
                yield valid(h, f"proglist_{name}_{mode.to_name()}_{length}", lambda rng, e=elem, l=length, m=mode: value(rng, e, l, m))
    for name, elem in BASIC_TYPES.items():
        typ = progressive_list_type(elem)
        for length in PROGLIST_LENGTHS:
            for mode in vector_modes(name):
                base = f"proglist_{name}_{length}_{mode.to_name()}"
                if name == "bool" and length > 0:
                    for desc, data in INVALID_BOOL_BYTES:
                        yield invalid(h, f"{base}_{desc}", typ, lambda rng, e=elem, l=length, m=mode, d=data: serialize(value(rng, e, l, m))[:-1] + d)
                if byte_len(elem) > 1:
                    if length > 0:
                        yield invalid(h, f"{base}_one_byte_less", typ, lambda rng, e=elem, l=length, m=mode: serialize(value(rng, e, l, m))[:-1])
                    yield invalid(h, f"{base}_one_byte_more", typ, lambda rng, e=elem, l=length, m=mode: serialize(value(rng, e, l, m)) + rng.randbytes(1))


# ---------------------------------------------------------------- containers


def container_valid(h: str, typ: type):
    name = typ.__name__
    has_offsets = bool(offset_positions(typ))
    for mode in [M.mode_zero, M.mode_max]:
        yield valid(h, f"{name}_{mode.to_name()}", lambda rng, m=mode: rand(rng, typ, m))
    modes = ALL_MODES if has_offsets else [M.mode_random, M.mode_zero, M.mode_max]
    for mode in modes:
        for v in range(3):
            yield valid(h, f"{name}_{mode.to_name()}_chaos_{v}", lambda rng, m=mode: rand(rng, typ, m, chaos=True))
    # zero/max are deterministic for fixed-size structures: only random repeats.
    modes = ALL_MODES if has_offsets else [M.mode_random]
    for mode in modes:
        for v in range(10):
            yield valid(h, f"{name}_{mode.to_name()}_{v}", lambda rng, m=mode: rand(rng, typ, m))


def container_invalid(h: str, typ: type):
    name = typ.__name__
    ser = lambda rng, mode: serialize(rand(rng, typ, mode))  # noqa: E731
    # lengthy mode: the extra byte cannot be absorbed as list content
    yield invalid(h, f"{name}_extra_byte", typ, lambda rng: ser(rng, M.mode_max_count) + b"\x00")
    yield invalid(h, f"{name}_one_byte_less", typ, lambda rng: ser(rng, M.mode_zero)[:-1])
    yield invalid(h, f"{name}_empty", typ, lambda rng: b"")
    offsets = offset_positions(typ)
    if not offsets:
        return
    changes = [
        ("plus_one", lambda b, at: get_u32(b, at) + 1),
        ("zeroed", lambda b, at: 0),
        ("minus_one", lambda b, at: get_u32(b, at) - 1),
        ("beyond_end", lambda b, at: len(b) + 1),
        ("max", lambda b, at: 0xFFFFFFFF),
    ]
    for mode in [M.mode_random, M.mode_nil_count, M.mode_one_count, M.mode_max_count]:
        for at in offsets:
            for desc, change in changes:
                yield invalid(h, f"{name}_{mode.to_name()}_offset_{at}_{desc}", typ, lambda rng, m=mode, at=at, c=change: (lambda b: set_u32(b, at, c(b, at)))(ser(rng, m)))
        if len(offsets) >= 2:
            # first and last offsets swapped: out of order
            def swapped(rng, m=mode):
                b = ser(rng, m)
                first, last = offsets[0], offsets[-1]
                return set_u32(set_u32(b, first, get_u32(b, last)), last, get_u32(b, first))

            yield invalid(h, f"{name}_{mode.to_name()}_offsets_swapped", typ, swapped)
        yield invalid(h, f"{name}_{mode.to_name()}_trailing_3_bytes", typ, lambda rng, m=mode: (lambda b: b + b[:3])(ser(rng, m)))


def containers():
    h = "containers"
    for typ in CONTAINERS:
        yield from container_valid(h, typ)
    for typ in CONTAINERS:
        yield from container_invalid(h, typ)


def progressive_containers():
    h = "progressive_containers"
    for typ in PROGRESSIVE_CONTAINERS:
        yield from container_valid(h, typ)
    for typ in PROGRESSIVE_CONTAINERS:
        yield from container_invalid(h, typ)
        for mode in [M.mode_random, M.mode_nil_count, M.mode_one_count, M.mode_max_count]:
            for i, other in enumerate(ALTERED_PROGRESSIVE):
                yield invalid(h, f"{typ.__name__}_{mode.to_name()}_modded_{i}", typ, lambda rng, m=mode, o=other: serialize(rand(rng, o, m)))


# ---------------------------------------------------------------- compatible_unions


def compatible_unions():
    h = "compatible_unions"

    def union_value(rng, typ, sel, mode, chaos=False):
        return typ(selector=Uint8(sel), data=rand(rng, typ.OPTIONS[sel], mode, chaos=chaos))

    for typ in UNIONS:
        name = typ.__name__
        for sel in typ.OPTIONS:
            for mode in [M.mode_zero, M.mode_max]:
                yield valid(h, f"{name}_{mode.to_name()}_selector_{sel}", lambda rng, t=typ, s=sel, m=mode: union_value(rng, t, s, m))
            for mode in ALL_MODES:
                for v in range(3):
                    yield valid(h, f"{name}_{mode.to_name()}_selector_{sel}_chaos_{v}", lambda rng, t=typ, s=sel, m=mode: union_value(rng, t, s, m, chaos=True))
            for v in range(10):
                yield valid(h, f"{name}_random_selector_{sel}_{v}", lambda rng, t=typ, s=sel: union_value(rng, t, s, M.mode_random))

    for typ in UNIONS:
        name = typ.__name__
        options = dict(typ.OPTIONS)
        unsupported = {0, 127, 128, 129, 254, 255} - set(options)
        for sel in options:
            for d in (-2, -1, 1, 2):
                if 0 <= sel + d <= 255 and sel + d not in options:
                    unsupported.add(sel + d)
        unsupported = sorted(unsupported)
        ser = lambda rng, m, t=typ: serialize(rand(rng, t, m))  # noqa: E731
        yield invalid(h, f"{name}_empty", typ, lambda rng: b"")
        for sel in list(options) + unsupported:
            yield invalid(h, f"{name}_selector_{sel}_none", typ, lambda rng, s=sel: bytes([s]))
        for mode in ALL_MODES:
            m = mode.to_name()
            for a, b in permutations(options, 2):
                yield invalid(h, f"{name}_{m}_selector_{a}_with_{b}_data", typ, lambda rng, a=a, b=b, mode=mode: bytes([a]) + serialize(rand(rng, options[b], mode)))
            for sel in unsupported:
                yield invalid(h, f"{name}_{m}_selector_{sel}_invalid", typ, lambda rng, s=sel, mode=mode: bytes([s]) + ser(rng, mode)[1:])
            yield invalid(h, f"{name}_{m}_extra_padding", typ, lambda rng, mode=mode: (lambda b: b[:1] + b"\x00" + b[1:])(ser(rng, mode)))
            yield invalid(h, f"{name}_{m}_selector_missing", typ, lambda rng, mode=mode: ser(rng, mode)[1:])
            yield invalid(h, f"{name}_{m}_extra_byte", typ, lambda rng, mode=mode: ser(rng, mode) + b"\x00")


HANDLERS = {
    "uints": uints,
    "boolean": boolean,
    "basic_vector": basic_vector,
    "bitvector": bitvector,
    "bitlist": bitlist,
    "containers": containers,
    "basic_progressive_list": basic_progressive_list,
    "progressive_bitlist": progressive_bitlist,
    "progressive_containers": progressive_containers,
    "compatible_unions": compatible_unions,
}


def cases():
    for fn in HANDLERS.values():
        yield from fn()
