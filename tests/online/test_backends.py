"""Backend-specific details the contract does not cover: storage layout and resources."""

from __future__ import annotations

import gc
import sqlite3
import threading

import orjson
import pyarrow as pa
import pytest

from mvps.errors import MvpsError
from mvps.online.redis import RedisOnlineStore
from mvps.online.sqlite import SqliteOnlineStore

ROWS = pa.table({"id": [1, 2], "t": [10, 20], "v": ["a", "b"]})


def test_sqlite_layout_is_plain_json_rows_in_wal_mode(tmp_path) -> None:
    path = tmp_path / "online.db"
    store = SqliteOnlineStore(path)
    store.write("sales_1", ROWS, ["id"], "t", watermark=3)
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"fg_sales_1", "mvps_watermarks", "mvps_schemas"}
    key, event_time, value = raw.execute(
        "SELECT key, event_time, value FROM fg_sales_1 WHERE key = '2'"
    ).fetchone()
    assert (key, event_time) == ("2", 20)
    assert orjson.loads(value)[:3] == [2, 20, "b"]
    assert raw.execute("SELECT * FROM mvps_watermarks").fetchall() == [("sales_1", 3)]
    raw.close()
    store.close()


def test_sqlite_closes_the_connections_of_finished_threads(tmp_path) -> None:
    store = SqliteOnlineStore(tmp_path / "online.db")
    store.write("fg_1", ROWS, ["id"], None)
    threads = [threading.Thread(target=store.read, args=("fg_1", (1,))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    gc.collect()
    assert len(store._connections) == 1  # only this thread's
    store.close()
    with pytest.raises(MvpsError, match="closed"):
        store.read("fg_1", (1,))


def test_sqlite_reports_an_unusable_path(tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(MvpsError, match="online store"):
        SqliteOnlineStore(blocker / "online.db")


@pytest.mark.redis
def test_redis_layout_is_plain_json_under_the_prefix(redis_url: str) -> None:
    import redis

    store = RedisOnlineStore(redis_url)
    store.write("sales_1", ROWS, ["id"], "t", watermark=3)
    client = redis.Redis.from_url(redis_url.split("?")[0])
    p = store.prefix
    assert sorted(k.decode() for k in client.scan_iter(match=f"{p}*")) == sorted(
        [f"{p}sales_1", f"{p}sales_1:ts", f"{p}sales_1:wm", f"{p}@schemas"]
    )
    assert orjson.loads(client.hget(f"{p}sales_1", "2"))[:3] == [2, 20, "b"]
    assert client.get(f"{p}sales_1:wm") == b"3"
    store.drop("sales_1")
    assert [k.decode() for k in client.scan_iter(match=f"{p}*")] == [f"{p}@schemas"]
    client.close()
    store.close()
