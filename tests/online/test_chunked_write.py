"""Large SQLite writes are encoded in chunks; the result equals one write."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyarrow as pa

from mvps.online import sqlite as sqlite_store
from mvps.online.sqlite import SqliteOnlineStore


def test_chunked_write_keeps_newest_across_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(sqlite_store, "_WRITE_CHUNK", 3)
    t0 = datetime(2024, 1, 1, tzinfo=UTC)
    # key 1: newest row in the first chunk, an older one in the second, a tie in the third
    rows = pa.table(
        {
            "id": [1, 2, 3, 1, 4, 5, 1, 2],
            "t": [t0 + timedelta(days=d) for d in (5, 1, 1, 2, 1, 1, 5, 3)],
            "v": [10.0, 20.0, 30.0, 99.0, 40.0, 50.0, 11.0, 21.0],
        }
    )
    store = SqliteOnlineStore(str(tmp_path / "online.db"))
    store.write("g_1", rows, ["id"], "t", watermark=7)
    assert store.read("g_1", (1,))[2] == 11.0  # the tie in a later chunk wins, the older row not
    assert store.read("g_1", (2,))[2] == 21.0
    assert store.count("g_1") == 5
    assert store.get_watermark("g_1") == 7
    store.close()


def test_chunked_write_without_event_time_keeps_the_last_row_of_each_key(tmp_path, monkeypatch):
    """Rows are written in key order; rows of one key keep their order, so the last wins."""
    monkeypatch.setattr(sqlite_store, "_WRITE_CHUNK", 2)
    rows = pa.table({"id": ["b", "a", "b", "c", "a", "b", "a"], "v": [1, 2, 3, 4, 5, 6, 7]})
    store = SqliteOnlineStore(str(tmp_path / "online.db"))
    store.write("g_1", rows, ["id"], None)
    assert {k: store.read("g_1", (k,))[1] for k in "abc"} == {"a": 7, "b": 6, "c": 4}
    store.close()
