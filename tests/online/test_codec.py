"""The row codec shared by the online-store backends."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import orjson
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mvps.errors import InvalidInput, MvpsError
from mvps.online.base import encode_key
from mvps.online.codec import (
    CodecRegistry,
    RowCodec,
    encode_batch,
    encode_keys,
    newest_per_key,
    normalize_key,
)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)


def registry_of(*codecs: RowCodec) -> CodecRegistry:
    stored = {c.fingerprint: c.schema_bytes for c in codecs}
    return CodecRegistry(stored.get)


def test_rows_are_plain_json_ending_with_the_schema_fingerprint() -> None:
    table = pa.table(
        {"id": [1], "at": pa.array([datetime(2024, 1, 1, tzinfo=UTC)]), "b": [b"\x00"]}
    )
    codec = RowCodec(table.schema)
    [blob] = codec.encode(table)
    assert orjson.loads(blob) == [1, 1704067200000000, "AA==", codec.fingerprint]


def test_fingerprint_ignores_metadata_but_not_types() -> None:
    plain = pa.schema([("id", pa.int64()), ("x", pa.float64())])
    with_meta = plain.with_metadata({b"pandas": b"{}"})
    other = pa.schema([("id", pa.int64()), ("x", pa.float32())])
    assert RowCodec(plain).fingerprint == RowCodec(with_meta).fingerprint
    assert RowCodec(plain).fingerprint != RowCodec(other).fingerprint
    rebuilt = RowCodec.from_schema_bytes(RowCodec(with_meta).schema_bytes)
    assert rebuilt.schema == plain


@given(st.integers(min_value=-(2**62), max_value=2**62))
def test_timestamps_decode_exactly_at_every_magnitude(micros: int) -> None:
    schema = pa.schema([("t", pa.timestamp("us", tz="UTC"))])
    codec = RowCodec(schema)
    try:
        expected = EPOCH + timedelta(microseconds=micros)
    except OverflowError:
        return  # outside datetime's range (years 1-9999)
    assert codec.fix([micros]) == [expected]


@pytest.mark.parametrize("edge", [2**32 * 10**6 - 1, 2**32 * 10**6, -(2**32) * 10**6 + 1])
def test_timestamps_decode_exactly_around_the_fast_path_limit(edge: int) -> None:
    codec = RowCodec(pa.schema([("t", pa.timestamp("us", tz="UTC"))]))
    for v in range(edge - 3, edge + 4):
        assert codec.fix([v]) == [EPOCH + timedelta(microseconds=v)]


@given(
    st.lists(
        st.tuples(INT64, st.text(alphabet=st.characters(blacklist_categories=["Cs"]))),
        min_size=1,
        max_size=20,
    )
)
def test_vectorised_keys_equal_encode_key(rows: list[tuple[int, str]]) -> None:
    table = pa.table({"n": [r[0] for r in rows], "s": [r[1] for r in rows]})
    assert encode_keys(table, ["n"]) == [encode_key((n,)) for n, _ in rows]
    assert encode_keys(table, ["s"]) == [encode_key((s,)) for _, s in rows]
    assert encode_keys(table, ["s", "n"]) == [encode_key((s, n)) for n, s in rows]


def test_python_keys_equal_encode_key_for_other_types() -> None:
    table = pa.table(
        {
            "f": [5.0, 0.1, -0.0],
            "b": [True, False, True],
            "d": [date(2024, 1, 1)] * 3,
        }
    )
    assert encode_keys(table, ["f"]) == ["5", "0.1", "0"]
    assert encode_keys(table, ["b", "d"]) == [
        encode_key((True, date(2024, 1, 1))),
        encode_key((False, date(2024, 1, 1))),
        encode_key((True, date(2024, 1, 1))),
    ]


def test_normalize_key_accepts_tuples_lists_and_scalars() -> None:
    assert normalize_key((5,)) == normalize_key([5]) == normalize_key(5) == "5"
    assert normalize_key(("a",)) == normalize_key("a") == "a"
    assert normalize_key(("a", 1)) == normalize_key(["a", 1]) == "a\x1f1"
    assert normalize_key((True,)) == "True"


def test_newest_per_key() -> None:
    assert newest_per_key(["a", "b"], [1, 2]) is None
    assert newest_per_key(["a", "a", "b", "a"], [3, 5, 1, 5]) == [2, 3]
    assert newest_per_key(["a", "a", "b", "a"], [9, 5, 1, 5]) == [0, 2]
    assert newest_per_key(["a", "b", "a"], None) == [1, 2]


def test_encode_batch_keeps_only_the_winning_rows() -> None:
    table = pa.table({"id": [1, 1, 2], "t": [2, 1, 1], "v": ["new", "old", "x"]})
    reg = CodecRegistry(lambda fp: None)
    batch = encode_batch(reg, table, ["id"], "t")
    assert batch.keys == ["1", "2"]
    assert batch.times == [2, 1]
    assert [reg.decode(v) for v in batch.values] == [[1, 2, "new"], [2, 1, "x"]]


def test_encode_batch_rejects_what_it_cannot_store() -> None:
    reg = CodecRegistry(lambda fp: None)
    with pytest.raises(InvalidInput, match=r"pyarrow\.Table"):
        encode_batch(reg, [{"id": 1}], ["id"], None)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="at least one primary-key"):
        encode_batch(reg, pa.table({"id": [1]}), [], None)
    with pytest.raises(InvalidInput, match="type string"):
        encode_batch(reg, pa.table({"id": [1], "t": ["x"]}), ["id"], "t")


def test_unknown_fingerprint_and_corrupt_rows_raise() -> None:
    reg = CodecRegistry(lambda fp: None)
    with pytest.raises(MvpsError, match="does not have"):
        reg.decode(b'[1, "0123456789abcdef"]')
    with pytest.raises(MvpsError, match="corrupt"):
        reg.decode(b'[1, {"x": 1}]')


def test_decoding_uses_the_schema_of_each_row() -> None:
    a = RowCodec(pa.schema([("id", pa.int64()), ("d", pa.date32())]))
    b = RowCodec(pa.schema([("id", pa.int64()), ("d", pa.string())]))
    reg = registry_of(a, b)
    row_a = a.encode(pa.table({"id": [1], "d": [date(2024, 1, 1)]}))[0]
    row_b = b.encode(pa.table({"id": [2], "d": ["2024-01-01"]}))[0]
    assert reg.decode(row_a) == [1, date(2024, 1, 1)]
    assert reg.decode(row_b) == [2, "2024-01-01"]
    table = reg.decode_table([row_a, row_b], pa.schema([("id", pa.int64()), ("d", pa.string())]))
    assert table.to_pylist() == [{"id": 1, "d": "2024-01-01"}, {"id": 2, "d": "2024-01-01"}]
