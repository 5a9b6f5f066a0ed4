"""The online-store contract: every backend passes every test here.

Each test runs against the embedded SQLite store and against Redis (the ``redis_url``
fixture isolates the run under its own key prefix).
"""

from __future__ import annotations

import multiprocessing as mp
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mvps.errors import InvalidInput
from mvps.online import open_online_store
from mvps.online.base import OnlineStore

Opener = Callable[[], OnlineStore]


@pytest.fixture(params=["sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def store_url(request, tmp_path) -> str:
    """The URL of an empty store of each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'online.db'}"
    return str(request.getfixturevalue("redis_url"))


@pytest.fixture
def open_store(store_url: str, tmp_path) -> Iterator[Opener]:
    """Opens a new store instance on the same storage (like another process would)."""
    opened: list[OnlineStore] = []

    def opener() -> OnlineStore:
        opened.append(open_online_store(store_url, tmp_path / "unused.db"))
        return opened[-1]

    yield opener
    for s in opened:
        s.close()


@pytest.fixture
def store(open_store: Opener) -> OnlineStore:
    return open_store()


def ts(*args: int, tz: Any = UTC) -> datetime:
    return datetime(*args, tzinfo=tz)


def simple(ids: list[int], times: list[datetime] | None = None, values: list[Any] | None = None):
    """A table (id int64, ts timestamp[us, UTC], v string)."""
    times = times or [ts(2024, 1, 1)] * len(ids)
    values = values or [f"v{i}" for i in ids]
    return pa.table(
        {
            "id": pa.array(ids, pa.int64()),
            "ts": pa.array(times, pa.timestamp("us", tz="UTC")),
            "v": pa.array(values, pa.string()),
        }
    )


EVERY_TYPE = pa.schema(
    [
        ("id", pa.int64()),
        ("i8", pa.int8()),
        ("u64", pa.uint64()),
        ("f64", pa.float64()),
        ("f32", pa.float32()),
        ("flag", pa.bool_()),
        ("name", pa.string()),
        ("big_name", pa.large_string()),
        ("at", pa.timestamp("us", tz="UTC")),
        ("at_ns", pa.timestamp("ns", tz="UTC")),
        ("day", pa.date32()),
        ("amount", pa.decimal128(12, 3)),
        ("blob", pa.binary()),
        ("tags", pa.list_(pa.string())),
        ("stamps", pa.list_(pa.timestamp("us", tz="UTC"))),
        ("info", pa.struct([("a", pa.int32()), ("when", pa.date32()), ("raw", pa.binary())])),
        ("clock", pa.time64("us")),
        ("wait", pa.duration("us")),
        ("attrs", pa.map_(pa.string(), pa.int64())),
    ]
)

ROW_FULL: dict[str, Any] = {
    "id": 1,
    "i8": -7,
    "u64": 2**64 - 1,
    "f64": 0.1,
    "f32": 1.5,
    "flag": True,
    "name": 'zoë \x1f "quoted" ✓',
    "big_name": "x" * 1000,
    "at": ts(2024, 2, 29, 23, 59, 59, 999999),
    "at_ns": ts(1969, 12, 31, 23, 59, 59, 1),
    "day": date(1900, 1, 1),
    "amount": Decimal("-12345.678"),
    "blob": b"\x00\xff\x80 not utf-8",
    "tags": ["a", None, ""],
    "stamps": [ts(2030, 1, 1), None],
    "info": {"a": 3, "when": date(2024, 1, 2), "raw": b"\x01"},
    "clock": time(23, 59, 58, 123456),
    "wait": timedelta(days=-1, microseconds=5),
    "attrs": [("k", 1), ("z", None)],
}
ROW_NULLS: dict[str, Any] = {name: None for name in EVERY_TYPE.names} | {"id": 2}
ROW_EMPTY: dict[str, Any] = ROW_FULL | {
    "id": 3,
    "tags": [],
    "stamps": [],
    "info": {"a": None, "when": None, "raw": None},
    "attrs": [],
    "blob": b"",
    "name": "",
}


def as_row(d: dict[str, Any]) -> list[Any]:
    return [d[name] for name in EVERY_TYPE.names]


# ------------------------------------------------------------------ round trips


def test_round_trip_of_every_type(store: OnlineStore) -> None:
    table = pa.Table.from_pylist([ROW_FULL, ROW_NULLS, ROW_EMPTY], schema=EVERY_TYPE)
    assert store.write("types_1", table, ["id"], None) == 3

    full = store.read("types_1", (1,))
    assert full == as_row(ROW_FULL)
    assert [type(v) for v in full] == [type(v) for v in as_row(ROW_FULL)]
    assert full[EVERY_TYPE.get_field_index("at")].tzinfo is not None
    assert full[EVERY_TYPE.get_field_index("at")].utcoffset() == timedelta(0)
    assert store.read("types_1", (2,)) == as_row(ROW_NULLS)
    assert store.read("types_1", (3,)) == as_row(ROW_EMPTY)
    assert store.read_many("types_1", [(3,), (1,)]) == [as_row(ROW_EMPTY), as_row(ROW_FULL)]

    scanned = store.scan("types_1", EVERY_TYPE).sort_by("id")
    assert scanned.schema == EVERY_TYPE
    assert scanned.equals(table)


def test_timestamps_in_any_zone_or_unit_read_back_as_utc(store: OnlineStore) -> None:
    berlin = timezone(timedelta(hours=1))
    schema = pa.schema(
        [
            ("id", pa.int64()),
            ("local", pa.timestamp("ms", tz="Europe/Berlin")),
            ("naive", pa.timestamp("ns")),
            ("sec", pa.timestamp("s", tz="UTC")),
        ]
    )
    table = pa.table(
        {
            "id": [1],
            "local": pa.array([datetime(2024, 1, 1, 12, 0, tzinfo=berlin)], schema.field(1).type),
            "naive": pa.array(
                [pd.Timestamp("2024-01-01 12:00:00.123456789")], schema.field(2).type
            ),
            "sec": pa.array([ts(2106, 2, 8)], schema.field(3).type),
        }
    )
    store.write("zones_1", table, ["id"], "local")
    row = store.read("zones_1", (1,))
    assert row == [
        1,
        ts(2024, 1, 1, 11, 0),
        ts(2024, 1, 1, 12, 0, 0, 123456),  # naive values are taken as UTC; ns truncated
        ts(2106, 2, 8),
    ]
    assert all(v.tzinfo is not None and v.utcoffset() == timedelta(0) for v in row[1:])
    scanned = store.scan("zones_1", schema)
    assert scanned.schema == schema
    assert scanned.column("local").to_pylist() == table.column("local").to_pylist()
    assert scanned.column("naive")[0].as_py() == pd.Timestamp("2024-01-01 12:00:00.123456")


def test_non_finite_floats_round_trip(store: OnlineStore) -> None:
    table = pa.table(
        {
            "id": [1, 2, 3, 4],
            "x": [float("nan"), float("inf"), float("-inf"), None],
            "y": pa.array([1.0, float("-inf"), 2.0, 3.0], pa.float32()),
        }
    )
    store.write("floats_1", table, ["id"], None)
    rows = store.read_many("floats_1", [(1,), (2,), (3,), (4,)])
    assert rows[0] is not None and rows[0][1] != rows[0][1]  # NaN
    assert rows[1:] == [[2, float("inf"), float("-inf")], [3, float("-inf"), 2.0], [4, None, 3.0]]
    scanned = store.scan("floats_1", table.schema).sort_by("id")
    assert scanned.column("x").is_null().to_pylist() == [False, False, False, True]
    assert scanned.column("y").to_pylist() == [1.0, float("-inf"), 2.0, 3.0]


def test_rows_from_pandas_round_trip(store: OnlineStore) -> None:
    df = pd.DataFrame(
        {
            "id": [10, 11],
            "when": pd.to_datetime(["2024-03-01", "2024-03-02"], utc=True),
            "score": [0.5, None],
            "label": ["a", None],
        }
    )
    table = pa.Table.from_pandas(df, preserve_index=False)
    store.write("pandas_1", table, ["id"], "when")
    assert store.read("pandas_1", (11,)) == [11, ts(2024, 3, 2), None, None]
    assert store.scan("pandas_1", table.schema).sort_by("id").to_pandas().equals(df)


def test_composite_keys(store: OnlineStore) -> None:
    table = pa.table(
        {
            "user": ["a", "a", "b"],
            "day": pa.array([date(2024, 1, 1), date(2024, 1, 2), date(2024, 1, 1)]),
            "n": [1, 2, 3],
        }
    )
    assert store.write("composite_1", table, ["user", "day"], None) == 3
    assert store.read("composite_1", ("a", date(2024, 1, 2))) == ["a", date(2024, 1, 2), 2]
    assert store.read("composite_1", ("b", date(2024, 1, 2))) is None
    assert store.read("composite_1", (date(2024, 1, 1), "a")) is None  # order matters

    ints = pa.table({"a": [1, 12], "b": [23, 3], "n": ["x", "y"]})
    store.write("composite_2", ints, ["a", "b"], None)
    assert store.read("composite_2", (1, 23)) == [1, 23, "x"]
    assert store.read("composite_2", (12, 3)) == [12, 3, "y"]
    assert store.read("composite_2", (123,)) is None
    assert store.delete("composite_2", [(1, 23)]) == 1
    assert store.count("composite_2") == 1


# ---------------------------------------------------------------- newest wins


def test_older_event_time_does_not_overwrite(store: OnlineStore) -> None:
    store.write("fg_1", simple([1], [ts(2024, 1, 2)], ["new"]), ["id"], "ts")
    assert store.write("fg_1", simple([1], [ts(2024, 1, 1)], ["old"]), ["id"], "ts") == 0
    assert store.read("fg_1", (1,)) == [1, ts(2024, 1, 2), "new"]


def test_equal_event_time_overwrites(store: OnlineStore) -> None:
    store.write("fg_1", simple([1], [ts(2024, 1, 2)], ["first"]), ["id"], "ts")
    assert store.write("fg_1", simple([1], [ts(2024, 1, 2)], ["second"]), ["id"], "ts") == 1
    assert store.read("fg_1", (1,)) == [1, ts(2024, 1, 2), "second"]


def test_newer_event_time_overwrites(store: OnlineStore) -> None:
    store.write("fg_1", simple([1, 2], [ts(2024, 1, 2)] * 2, ["a", "b"]), ["id"], "ts")
    applied = store.write(
        "fg_1", simple([1, 2], [ts(2024, 1, 3), ts(2024, 1, 1)], ["a2", "b2"]), ["id"], "ts"
    )
    assert applied == 1
    assert store.read_many("fg_1", [(1,), (2,)]) == [
        [1, ts(2024, 1, 3), "a2"],
        [2, ts(2024, 1, 2), "b"],
    ]


def test_newest_row_per_key_wins_within_one_batch(store: OnlineStore) -> None:
    batch = simple(
        [1, 1, 1, 2, 2],
        [ts(2024, 1, 2), ts(2024, 1, 3), ts(2024, 1, 1), ts(2024, 1, 5), ts(2024, 1, 5)],
        ["mid", "newest", "oldest", "tie-first", "tie-last"],
    )
    assert store.write("fg_1", batch, ["id"], "ts") == 2
    assert store.read("fg_1", (1,)) == [1, ts(2024, 1, 3), "newest"]
    assert store.read("fg_1", (2,)) == [2, ts(2024, 1, 5), "tie-last"]
    assert store.count("fg_1") == 2


def test_date_and_integer_event_times(store: OnlineStore) -> None:
    by_day = pa.table({"id": [1, 1], "day": [date(2024, 1, 2), date(2024, 1, 1)], "v": [1, 2]})
    store.write("days_1", by_day, ["id"], "day")
    store.write("days_1", by_day.slice(1), ["id"], "day")
    assert store.read("days_1", (1,)) == [1, date(2024, 1, 2), 1]

    by_int = pa.table({"id": [1], "seq": [2**62], "v": ["big"]})
    store.write("seq_1", by_int, ["id"], "seq")
    older = pa.table({"id": [1], "seq": [2**62 - 1], "v": ["older by one"]})
    assert store.write("seq_1", older, ["id"], "seq") == 0
    negative = pa.table({"id": [2, 2], "seq": [-5, -6], "v": ["-5", "-6"]})
    store.write("seq_1", negative, ["id"], "seq")
    assert store.read_many("seq_1", [(1,), (2,)]) == [[1, 2**62, "big"], [2, -5, "-5"]]


def test_without_event_time_the_last_row_wins(store: OnlineStore) -> None:
    assert store.write("fg_1", simple([1, 2, 1], values=["a", "b", "c"]), ["id"], None) == 2
    assert store.read("fg_1", (1,)) == [1, ts(2024, 1, 1), "c"]
    later = simple([1], [ts(2000, 1, 1)], ["older but later"])
    assert store.write("fg_1", later, ["id"], None) == 1
    assert store.read("fg_1", (1,)) == [1, ts(2000, 1, 1), "older but later"]


# ----------------------------------------------------------------------- reads


def test_read_many_keeps_order_and_gives_none_for_missing(store: OnlineStore) -> None:
    store.write("fg_1", simple(list(range(10))), ["id"], "ts")
    got = store.read_many("fg_1", [(7,), (100,), (0,), (7,), (3,)])
    assert [r[0] if r else None for r in got] == [7, None, 0, 7, 3]
    assert store.read_many("fg_1", []) == []


def test_read_many_with_many_keys(store: OnlineStore) -> None:
    store.write("fg_1", simple(list(range(3000))), ["id"], "ts")
    keys = [(i,) for i in range(2999, -200, -1)]
    got = store.read_many("fg_1", keys)
    assert [r[0] if r else None for r in got] == [
        i if i >= 0 else None for i in range(2999, -200, -1)
    ]


def test_missing_table_reads_as_empty(store: OnlineStore) -> None:
    assert store.read("nothing_1", (1,)) is None
    assert store.read_many("nothing_1", [(1,), (2,)]) == [None, None]
    assert store.count("nothing_1") == 0
    schema = pa.schema([("id", pa.int64())])
    assert store.scan("nothing_1", schema).equals(schema.empty_table())
    assert store.get_watermark("nothing_1") is None
    assert store.delete("nothing_1", [(1,)]) == 0


def test_numpy_and_integral_float_keys_find_int_rows(store: OnlineStore) -> None:
    store.write("fg_1", simple([5, 6]), ["id"], "ts")
    expected = [5, ts(2024, 1, 1), "v5"]
    for key in [(5,), (np.int64(5),), (np.int32(5),), (5.0,), (np.float64(5.0),)]:
        assert store.read("fg_1", key) == expected, key
    assert store.read_many("fg_1", [(np.int64(6),), (6.0,)]) == [[6, ts(2024, 1, 1), "v6"]] * 2
    assert store.delete("fg_1", [(np.uint8(5),)]) == 1
    assert store.read("fg_1", (5,)) is None


def test_keys_from_numpy_columns_and_float_columns(store: OnlineStore) -> None:
    table = pa.table({"id": pa.array([5.0, 7.5]), "v": ["five", "seven and a half"]})
    store.write("fg_1", table, ["id"], None)
    assert store.read("fg_1", (5,)) == [5.0, "five"]
    assert store.read("fg_1", (7.5,)) == [7.5, "seven and a half"]
    small = pa.table({"id": pa.array([5], pa.int8()), "v": ["int8"]})
    store.write("fg_2", small, ["id"], None)
    assert store.read("fg_2", (np.int64(5),)) == [5, "int8"]


# ------------------------------------------------------------ delete/scan/count


def test_delete_returns_how_many_existed(store: OnlineStore) -> None:
    store.write("fg_1", simple([1, 2, 3]), ["id"], "ts")
    assert store.delete("fg_1", [(1,), (3,), (99,), (1,)]) == 2
    assert store.read_many("fg_1", [(1,), (2,), (3,)]) == [None, [2, ts(2024, 1, 1), "v2"], None]
    assert store.delete("fg_1", [(1,)]) == 0
    assert store.delete("fg_1", []) == 0
    assert store.count("fg_1") == 1


def test_deleted_key_can_be_written_with_an_older_event_time(store: OnlineStore) -> None:
    store.write("fg_1", simple([1], [ts(2024, 1, 5)]), ["id"], "ts")
    store.delete("fg_1", [(1,)])
    assert store.write("fg_1", simple([1], [ts(2024, 1, 1)], ["back"]), ["id"], "ts") == 1
    assert store.read("fg_1", (1,)) == [1, ts(2024, 1, 1), "back"]


def test_scan_and_count_reflect_the_logical_contents(store: OnlineStore) -> None:
    store.write("fg_1", simple([1, 2, 3], values=["a", "b", "c"]), ["id"], "ts")
    store.write("fg_1", simple([2, 4], [ts(2024, 1, 2)] * 2, ["b2", "d"]), ["id"], "ts")
    store.delete("fg_1", [(3,)])
    expected = simple([1, 2, 4], [ts(2024, 1, 1), ts(2024, 1, 2), ts(2024, 1, 2)], ["a", "b2", "d"])
    assert store.scan("fg_1", expected.schema).sort_by("id").equals(expected)
    assert store.count("fg_1") == 3


def test_scan_matches_columns_by_name_across_schema_changes(store: OnlineStore) -> None:
    old = pa.table({"id": [1], "a": [1.5]})
    new = pa.table({"id": [2], "a": [2.5], "b": pa.array([date(2024, 1, 1)])})
    store.write("evolving_1", old, ["id"], None)
    store.write("evolving_1", new, ["id"], None)
    # Each row reads back in the schema it was written with.
    assert store.read("evolving_1", (1,)) == [1, 1.5]
    assert store.read("evolving_1", (2,)) == [2, 2.5, date(2024, 1, 1)]
    scanned = store.scan("evolving_1", new.schema).sort_by("id")
    assert scanned.to_pylist() == [
        {"id": 1, "a": 1.5, "b": None},
        {"id": 2, "a": 2.5, "b": date(2024, 1, 1)},
    ]
    narrow = store.scan("evolving_1", pa.schema([("id", pa.int32())])).sort_by("id")
    assert narrow.to_pylist() == [{"id": 1}, {"id": 2}]


def test_drop_removes_rows_and_watermark(store: OnlineStore) -> None:
    store.write("fg_1", simple([1, 2]), ["id"], "ts", watermark=4)
    store.write("fg_2", simple([1]), ["id"], "ts", watermark=9)
    store.drop("fg_1")
    assert store.count("fg_1") == 0
    assert store.read("fg_1", (1,)) is None
    assert store.get_watermark("fg_1") is None
    assert store.read("fg_2", (1,)) is not None  # other tables untouched
    assert store.get_watermark("fg_2") == 9
    store.drop("fg_1")  # dropping a missing table is a no-op
    store.drop("never_written_1")
    assert store.write("fg_1", simple([3]), ["id"], "ts") == 1
    assert store.count("fg_1") == 1


# ------------------------------------------------------------------ watermarks


def test_watermark_is_stored_with_writes_and_deletes(store: OnlineStore) -> None:
    assert store.get_watermark("fg_1") is None
    store.write("fg_1", simple([1, 2]), ["id"], "ts", watermark=3)
    assert store.get_watermark("fg_1") == 3
    store.write("fg_1", simple([3]), ["id"], "ts")  # no watermark: unchanged
    assert store.get_watermark("fg_1") == 3
    store.delete("fg_1", [(1,)], watermark=5)
    assert store.get_watermark("fg_1") == 5
    store.delete("fg_1", [(42,)], watermark=6)  # nothing deleted, version still applied
    assert store.get_watermark("fg_1") == 6
    # A write whose rows are all older still applies its version.
    assert store.write("fg_1", simple([2], [ts(1999, 1, 1)]), ["id"], "ts", watermark=7) == 0
    assert store.get_watermark("fg_1") == 7
    # An empty write carries a version too.
    assert store.write("fg_1", simple([]), ["id"], "ts", watermark=8) == 0
    assert store.get_watermark("fg_1") == 8


def test_write_and_delete_never_move_the_watermark_back(store: OnlineStore) -> None:
    store.write("fg_1", simple([1]), ["id"], "ts", watermark=10)
    store.write("fg_1", simple([2]), ["id"], "ts", watermark=4)
    store.delete("fg_1", [(2,)], watermark=2)
    assert store.get_watermark("fg_1") == 10


def test_set_watermark_sets_exactly(store: OnlineStore) -> None:
    store.set_watermark("fg_1", 12)
    assert store.get_watermark("fg_1") == 12
    store.set_watermark("fg_1", 3)
    assert store.get_watermark("fg_1") == 3
    assert store.count("fg_1") == 0
    store.write("fg_1", simple([1]), ["id"], "ts", watermark=4)
    assert store.get_watermark("fg_1") == 4


def test_rejected_write_changes_nothing(store: OnlineStore) -> None:
    store.write("fg_1", simple([1]), ["id"], "ts", watermark=1)
    bad = pa.table({"id": pa.array([2, None], pa.int64()), "ts": [ts(2024, 1, 1)] * 2})
    with pytest.raises(InvalidInput, match="null"):
        store.write("fg_1", bad, ["id"], "ts", watermark=2)
    with pytest.raises(InvalidInput, match="'nope'"):
        store.write("fg_1", simple([2]), ["nope"], "ts", watermark=2)
    with pytest.raises(InvalidInput, match="'when'"):
        store.write("fg_1", simple([2]), ["id"], "when", watermark=2)
    no_time = pa.table({"id": [2], "ts": pa.array([None], pa.timestamp("us"))})
    with pytest.raises(InvalidInput, match="event-time"):
        store.write("fg_1", no_time, ["id"], "ts", watermark=2)
    assert store.get_watermark("fg_1") == 1
    assert store.count("fg_1") == 1


@pytest.mark.parametrize(
    "name", ["", "Upper_1", "has space", "semi;colon", 'quote"', "a:b", "x" * 129]
)
def test_invalid_table_names_are_rejected(store: OnlineStore, name: str) -> None:
    with pytest.raises(InvalidInput, match="table name"):
        store.write(name, simple([1]), ["id"], "ts")
    with pytest.raises(InvalidInput, match="table name"):
        store.read(name, (1,))


# ---------------------------------------------------------------- concurrency


def test_two_instances_see_each_others_writes(open_store: Opener) -> None:
    a, b = open_store(), open_store()
    assert b.read("fg_1", (1,)) is None  # b has looked at the table before a writes
    a.write("fg_1", simple([1, 2]), ["id"], "ts", watermark=1)
    assert b.read("fg_1", (1,)) == [1, ts(2024, 1, 1), "v1"]
    b.write("fg_1", simple([2], [ts(2024, 2, 1)], ["from b"]), ["id"], "ts", watermark=2)
    assert a.read("fg_1", (2,)) == [2, ts(2024, 2, 1), "from b"]
    assert a.get_watermark("fg_1") == 2
    b.drop("fg_1")
    assert a.read("fg_1", (1,)) is None
    assert a.count("fg_1") == 0
    # A schema a has never seen, written by b, decodes in a.
    b.write("fg_1", pa.table({"id": [1], "d": [date(2024, 5, 1)]}), ["id"], None)
    assert a.read("fg_1", (1,)) == [1, date(2024, 5, 1)]


def _write_from_child(target: OnlineStore | str, worker: int, rounds: int) -> None:
    store = open_online_store(target, "unused.db") if isinstance(target, str) else target
    for i in range(rounds):
        seq = 2 * i + worker  # unique per write across both workers
        rows = simple([0, 1000 * (worker + 1) + i], [ts(2024, 1, 1) + timedelta(seconds=seq)] * 2)
        store.write("fg_1", rows, ["id"], "ts", watermark=seq)
    store.close()


def test_processes_write_concurrently(store: OnlineStore, store_url: str) -> None:
    """Two processes write at once: nothing is lost, newest wins, watermark is the max.

    With fork, one child uses the store object it inherited (its connections must not
    be shared with the parent) and the other opens the store by URL.
    """
    store.write("fg_1", simple([-1]), ["id"], "ts")  # the parent has live connections
    methods = mp.get_all_start_methods()
    ctx = mp.get_context("fork" if "fork" in methods else "spawn")
    inherited: OnlineStore | str = store if ctx.get_start_method() == "fork" else store_url
    rounds = 15
    children = [
        ctx.Process(target=_write_from_child, args=(inherited, 0, rounds)),
        ctx.Process(target=_write_from_child, args=(store_url, 1, rounds)),
    ]
    for child in children:
        child.start()
    for child in children:
        child.join(timeout=120)
    assert [c.exitcode for c in children] == [0, 0]
    assert store.count("fg_1") == 2 + 2 * rounds
    last = 2 * (rounds - 1) + 1
    assert store.read("fg_1", (0,)) == [0, ts(2024, 1, 1) + timedelta(seconds=last), "v0"]
    assert store.get_watermark("fg_1") == last
    assert store.read("fg_1", (-1,)) is not None  # the parent's store still works


def test_threads_read_and_write_concurrently(store: OnlineStore) -> None:
    store.write("fg_1", simple(list(range(100))), ["id"], "ts")
    errors: list[BaseException] = []
    start = threading.Barrier(5)

    def reader() -> None:
        try:
            start.wait()
            for i in range(200):
                row = store.read("fg_1", (i % 100,))
                assert row is not None and row[0] == i % 100
        except BaseException as exc:
            errors.append(exc)

    def writer() -> None:
        try:
            start.wait()
            for i in range(20):
                store.write("fg_1", simple([i], [ts(2024, 1, 2)], [f"w{i}"]), ["id"], "ts")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(4)] + [
        threading.Thread(target=writer)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.read("fg_1", (19,)) == [19, ts(2024, 1, 2), "w19"]


# -------------------------------------------------------------- model property

KEYS = st.integers(min_value=0, max_value=7)
WRITE = st.tuples(
    st.just("write"),
    st.lists(
        st.tuples(KEYS, st.integers(min_value=0, max_value=4), st.text(max_size=3)), max_size=6
    ),
)
DELETE = st.tuples(st.just("delete"), st.lists(KEYS, max_size=4))


class Model:
    """Newest-wins in plain Python."""

    def __init__(self, use_time: bool) -> None:
        self.use_time = use_time
        self.rows: dict[int, tuple[int, str]] = {}

    def write(self, batch: list[tuple[int, int, str]]) -> int:
        newest: dict[int, tuple[int, str]] = {}
        for key, t, v in batch:
            if not self.use_time or key not in newest or t >= newest[key][0]:
                newest[key] = (t, v)
        applied = 0
        for key, (t, v) in newest.items():
            if not self.use_time or key not in self.rows or t >= self.rows[key][0]:
                self.rows[key] = (t, v)
                applied += 1
        return applied

    def delete(self, keys: list[int]) -> int:
        return sum(self.rows.pop(k, None) is not None for k in set(keys))


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(use_time=st.booleans(), ops=st.lists(st.one_of(WRITE, DELETE), max_size=12))
def test_random_writes_and_deletes_match_a_dict_model(
    store: OnlineStore, use_time: bool, ops: list[tuple[str, Any]]
) -> None:
    store.drop("model_1")
    model = Model(use_time)
    schema = pa.schema([("id", pa.int64()), ("t", pa.int64()), ("v", pa.string())])
    for version, (op, arg) in enumerate(ops, start=1):
        if op == "write":
            table = pa.Table.from_pylist(
                [{"id": k, "t": t, "v": v} for k, t, v in arg], schema=schema
            )
            got = store.write("model_1", table, ["id"], "t" if use_time else None, version)
            assert got == model.write(arg)
        else:
            assert store.delete("model_1", [(k,) for k in arg], version) == model.delete(arg)
    expected = pa.Table.from_pylist(
        [{"id": k, "t": t, "v": v} for k, (t, v) in sorted(model.rows.items())], schema=schema
    )
    assert store.scan("model_1", schema).sort_by("id").equals(expected)
    assert store.count("model_1") == len(model.rows)
    every = list(range(8))
    assert store.read_many("model_1", [(k,) for k in every]) == [
        [k, *model.rows[k]] if k in model.rows else None for k in every
    ]
    assert store.get_watermark("model_1") == (len(ops) or None)
