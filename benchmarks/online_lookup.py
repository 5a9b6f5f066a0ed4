"""Online-store lookup latency: point reads and 100-key batch reads, per backend.

Writes 100k rows of a 10-column table to each backend (SQLite in a temporary directory;
Redis at ``MVPS_BENCH_REDIS_URL``, default ``redis://127.0.0.1:6379/15``, under a
unique key prefix that is deleted afterwards), then times ``read`` and ``read_many``
with random keys and prints p50/p99 in microseconds. The process is pinned to one core.

Run: ``python benchmarks/online_lookup.py [--rows N] [--reads N] [--batches N]``
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa

from mvps.online.base import OnlineStore
from mvps.online.sqlite import SqliteOnlineStore

TABLE = "bench_lookup_1"


def make_table(n: int) -> pa.Table:
    """``n`` rows, 10 columns: key, event time, 4 floats, 2 ints, 2 strings."""
    rng = random.Random(42)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    return pa.table(
        {
            "customer_id": pa.array(range(n), pa.int64()),
            "event_time": pa.array(
                [start + timedelta(seconds=i) for i in range(n)], pa.timestamp("us", tz="UTC")
            ),
            "amount_avg": [rng.random() * 100 for _ in range(n)],
            "amount_std": [rng.random() * 10 for _ in range(n)],
            "ratio": [rng.random() for _ in range(n)],
            "score": [rng.random() for _ in range(n)],
            "tx_count": pa.array([rng.randrange(1000) for _ in range(n)], pa.int64()),
            "days_active": pa.array([rng.randrange(365) for _ in range(n)], pa.int32()),
            "country": [rng.choice(["SE", "DE", "FR", "US", "BR"]) for _ in range(n)],
            "segment": [rng.choice(["gold", "silver", "bronze"]) for _ in range(n)],
        }
    )


def percentiles(samples_ns: Sequence[int]) -> tuple[float, float]:
    """(p50, p99) in microseconds."""
    q = statistics.quantiles(samples_ns, n=100, method="inclusive")
    return q[49] / 1000, q[98] / 1000


def time_calls(fn: Callable[[Any], Any], args: Sequence[Any]) -> list[int]:
    clock = time.perf_counter_ns
    out = []
    for a in args:
        t0 = clock()
        fn(a)
        out.append(clock() - t0)
    return out


def bench(name: str, store: OnlineStore, table: pa.Table, reads: int, batches: int) -> None:
    n = table.num_rows
    t0 = time.perf_counter()
    applied = store.write(TABLE, table, ["customer_id"], "event_time", watermark=1)
    write_s = time.perf_counter() - t0
    assert applied == n and store.count(TABLE) == n

    rng = random.Random(7)
    point_keys = [(rng.randrange(n),) for _ in range(reads)]
    batch_keys = [[(rng.randrange(n),) for _ in range(100)] for _ in range(batches)]
    assert store.read(TABLE, point_keys[0]) is not None

    def read(key: Any) -> Any:
        return store.read(TABLE, key)

    def read_many(keys: Any) -> Any:
        return store.read_many(TABLE, keys)

    # Long-lived setup objects (the key lists) need not be traversed by every collection.
    gc.collect()
    gc.freeze()
    time_calls(read, point_keys[: max(1, reads // 10)])  # warm up
    time_calls(read_many, batch_keys[: max(1, batches // 10)])
    p50, p99 = percentiles(time_calls(read, point_keys))
    m50, m99 = percentiles(time_calls(read_many, batch_keys))
    print(
        f"{name:<8} write {n} rows: {write_s:6.2f} s ({n / write_s:,.0f} rows/s) | "
        f"read p50 {p50:7.1f} us  p99 {p99:7.1f} us | "
        f"read_many(100) p50 {m50:7.1f} us  p99 {m99:7.1f} us"
    )
    store.drop(TABLE)
    gc.unfreeze()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--reads", type=int, default=50_000)
    parser.add_argument("--batches", type=int, default=3_000)
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("MVPS_BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"),
    )
    args = parser.parse_args(argv)

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    print(
        f"python {sys.version.split()[0]}, pyarrow {pa.__version__}, "
        f"{args.rows} rows x 10 columns, {args.reads} reads, {args.batches} batches of 100"
    )
    table = make_table(args.rows)

    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteOnlineStore(Path(tmp) / "online.db")
        try:
            bench("sqlite", store, table, args.reads, args.batches)
        finally:
            store.close()

    try:
        from mvps.online.redis import RedisOnlineStore

        sep = "&" if "?" in args.redis_url else "?"
        prefix = f"mvpsbench-{uuid.uuid4().hex[:8]}:"
        redis_store = RedisOnlineStore(f"{args.redis_url}{sep}prefix={prefix}")
        redis_store.count(TABLE)  # fails fast when Redis is not reachable
    except Exception as exc:
        print(f"redis    skipped: {exc}")
        return 0
    try:
        bench("redis", redis_store, table, args.reads, args.batches)
    finally:
        redis_store.close()
        import redis

        client = redis.Redis.from_url(args.redis_url)
        for key in client.scan_iter(match=f"{prefix}*"):
            client.delete(key)
        client.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
