"""Deterministic benchmark data, generated once per scale as Parquet under ``benchmarks/.data``.

Every table is a function of the scale and a fixed seed, so two machines generate the
same bytes of data. Files live in ``benchmarks/.data/scale-<scale>/`` next to a
``manifest.json``; a manifest that does not match the current generator (see
:data:`GENERATOR_VERSION`) makes the files be generated again.

Tables (``n`` = rows at scale 1):

* ``ingest``: 1,000,000 customers, one row each: key, event time and 8 features
  (4 doubles, 2 bigints, 2 strings).
* ``spine``: 1,000,000 observations (``obs_id``, ``customer_id``, ``merchant_id``,
  ``event_time``, ``label``) - the left group of the point-in-time join.
* ``customer_tx``: 10,000,000 rows over 500,000 customers (20 per customer):
  ``amount_avg``, ``tx_count``, ``ratio``.
* ``merchant_stats``: 10,000,000 rows over 100,000 merchants (100 per merchant):
  ``fraud_rate``, ``volume``, ``rating``.
* ``profile`` and ``activity``: 100,000 customers each, one row per customer, for
  the online feature vectors (a view joining two groups on ``customer_id``).

Feature rows are spread over 2024 in event-time order (the order an event log arrives
in); spine rows from February 2024, so a few spine rows have no earlier feature row and
get nulls. ``(key, event_time)`` is unique in every table.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

GENERATOR_VERSION = 1
SEED = 20240101
DATA_ROOT = Path(__file__).resolve().parent.parent / ".data"

START_US = 1_704_067_200_000_000  # 2024-01-01T00:00:00Z
YEAR_US = 366 * 86_400 * 1_000_000
SPINE_START_US = START_US + 31 * 86_400 * 1_000_000  # 2024-02-01

TS = pa.timestamp("us", tz="UTC")

PIT_KEY_COLUMNS = ["obs_id", "customer_id", "merchant_id", "event_time", "label"]
CUSTOMER_FEATURES = ["amount_avg", "tx_count", "ratio"]
MERCHANT_FEATURES = ["fraud_rate", "volume", "rating"]
PIT_COLUMNS = PIT_KEY_COLUMNS + CUSTOMER_FEATURES + MERCHANT_FEATURES

INGEST_FEATURES = [
    "f_double_0",
    "f_double_1",
    "f_double_2",
    "f_double_3",
    "f_int_0",
    "f_int_1",
    "f_str_0",
    "f_str_1",
]
PROFILE_FEATURES = ["age", "income", "segment", "credit_score"]
ACTIVITY_FEATURES = ["tx_30d", "amount_30d", "last_channel", "risk"]
ONLINE_FEATURES = PROFILE_FEATURES + ACTIVITY_FEATURES


@dataclass(frozen=True)
class Sizes:
    """Row and entity counts of every table at one scale."""

    scale: float
    ingest_rows: int
    spine_rows: int
    group_rows: int
    customers: int
    merchants: int
    online_customers: int

    @classmethod
    def at(cls, scale: float) -> Sizes:
        def n(base: int, floor: int) -> int:
            return max(floor, round(base * scale))

        return cls(
            scale=scale,
            ingest_rows=n(1_000_000, 1_000),
            spine_rows=n(1_000_000, 1_000),
            group_rows=n(10_000_000, 10_000),
            customers=n(500_000, 500),
            merchants=n(100_000, 100),
            online_customers=n(100_000, 1_000),
        )


def scale_dir(scale: float, root: Path = DATA_ROOT) -> Path:
    return root / f"scale-{scale:g}"


def _times(rng: np.random.Generator, n: int, start: int, span: int) -> np.ndarray:
    return rng.integers(start, START_US + span, size=n, dtype=np.int64)


def _unique_sorted(keys: np.ndarray, times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop repeated (key, time) pairs; return the rows in event-time order."""
    order = np.lexsort((times, keys))
    k, t = keys[order], times[order]
    keep = np.ones(len(k), dtype=bool)
    keep[1:] = (k[1:] != k[:-1]) | (t[1:] != t[:-1])
    k, t = k[keep], t[keep]
    by_time = np.argsort(t, kind="stable")
    return k[by_time], t[by_time]


def _ts(values: np.ndarray) -> pa.Array:
    return pa.array(values, pa.int64()).cast(TS)


def make_ingest(s: Sizes, seed: int = SEED) -> pa.Table:
    rng = np.random.default_rng(seed + 1)
    n = s.ingest_rows
    words = np.array(["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf"])
    return pa.table(
        {
            "customer_id": pa.array(rng.permutation(n).astype(np.int64)),
            "event_time": _ts(np.sort(_times(rng, n, START_US, YEAR_US))),
            "f_double_0": rng.random(n),
            "f_double_1": rng.normal(100.0, 15.0, n),
            "f_double_2": rng.gamma(2.0, 3.0, n),
            "f_double_3": rng.random(n) * 1e6,
            "f_int_0": rng.integers(0, 1000, n, dtype=np.int64),
            "f_int_1": rng.integers(0, 1 << 40, n, dtype=np.int64),
            "f_str_0": pa.array(words[rng.integers(0, len(words), n)]),
            "f_str_1": pa.array(np.char.add("c", rng.integers(0, 50_000, n).astype(str))),
        }
    )


def make_spine(s: Sizes, seed: int = SEED) -> pa.Table:
    rng = np.random.default_rng(seed + 2)
    n = s.spine_rows
    customers = rng.integers(0, s.customers, n, dtype=np.int64)
    times = _times(rng, n, SPINE_START_US, YEAR_US)
    order = np.argsort(times, kind="stable")
    return pa.table(
        {
            "obs_id": pa.array(np.arange(n, dtype=np.int64)),
            "customer_id": pa.array(customers[order]),
            "merchant_id": pa.array(rng.integers(0, s.merchants, n, dtype=np.int64)),
            "event_time": _ts(times[order]),
            "label": pa.array(rng.integers(0, 2, n, dtype=np.int64)),
        }
    )


def make_customer_tx(s: Sizes, seed: int = SEED) -> pa.Table:
    rng = np.random.default_rng(seed + 3)
    keys, times = _unique_sorted(
        rng.integers(0, s.customers, s.group_rows, dtype=np.int64),
        _times(rng, s.group_rows, START_US, YEAR_US),
    )
    n = len(keys)
    return pa.table(
        {
            "customer_id": pa.array(keys),
            "event_time": _ts(times),
            "amount_avg": rng.gamma(2.0, 40.0, n),
            "tx_count": rng.integers(0, 500, n, dtype=np.int64),
            "ratio": rng.random(n),
        }
    )


def make_merchant_stats(s: Sizes, seed: int = SEED) -> pa.Table:
    rng = np.random.default_rng(seed + 4)
    keys, times = _unique_sorted(
        rng.integers(0, s.merchants, s.group_rows, dtype=np.int64),
        _times(rng, s.group_rows, START_US, YEAR_US),
    )
    n = len(keys)
    return pa.table(
        {
            "merchant_id": pa.array(keys),
            "event_time": _ts(times),
            "fraud_rate": rng.beta(1.0, 50.0, n),
            "volume": rng.integers(0, 1_000_000, n, dtype=np.int64),
            "rating": rng.normal(4.0, 0.5, n),
        }
    )


def make_profile(s: Sizes, seed: int = SEED) -> pa.Table:
    rng = np.random.default_rng(seed + 5)
    n = s.online_customers
    segments = np.array(["gold", "silver", "bronze", "new"])
    return pa.table(
        {
            "customer_id": pa.array(np.arange(n, dtype=np.int64)),
            "event_time": _ts(np.sort(_times(rng, n, START_US, YEAR_US))),
            "age": rng.integers(18, 90, n, dtype=np.int64),
            "income": rng.lognormal(10.5, 0.5, n),
            "segment": pa.array(segments[rng.integers(0, len(segments), n)]),
            "credit_score": rng.normal(650.0, 80.0, n),
        }
    )


def make_activity(s: Sizes, seed: int = SEED) -> pa.Table:
    rng = np.random.default_rng(seed + 6)
    n = s.online_customers
    channels = np.array(["web", "app", "store", "phone"])
    return pa.table(
        {
            "customer_id": pa.array(rng.permutation(n).astype(np.int64)),
            "event_time": _ts(np.sort(_times(rng, n, START_US, YEAR_US))),
            "tx_30d": rng.integers(0, 200, n, dtype=np.int64),
            "amount_30d": rng.gamma(2.0, 100.0, n),
            "last_channel": pa.array(channels[rng.integers(0, len(channels), n)]),
            "risk": rng.random(n),
        }
    )


TABLES = {
    "ingest": make_ingest,
    "spine": make_spine,
    "customer_tx": make_customer_tx,
    "merchant_stats": make_merchant_stats,
    "profile": make_profile,
    "activity": make_activity,
}


def ensure(scale: float, root: Path = DATA_ROOT, log: Any = print) -> dict[str, Any]:
    """Generate the data of ``scale`` unless it is there already; return the manifest.

    The manifest maps each table to its file (relative to the repository) and rows.
    """
    directory = scale_dir(scale, root)
    manifest_path = directory / "manifest.json"
    sizes = Sizes.at(scale)
    wanted = {"generator": GENERATOR_VERSION, "seed": SEED, "sizes": asdict(sizes)}
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        if {k: manifest.get(k) for k in wanted} == wanted and all(
            (directory / t["file"]).exists() for t in manifest["tables"].values()
        ):
            manifest["dir"] = str(directory)
            return manifest
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    tables = {}
    for name, make in TABLES.items():
        log(f"generating {name} (scale {scale:g})")
        table = make(sizes)
        pq.write_table(table, directory / f"{name}.parquet", row_group_size=1 << 20)
        tables[name] = {"file": f"{name}.parquet", "rows": table.num_rows}
    manifest = {**wanted, "tables": tables, "dir": str(directory)}
    manifest_path.write_text(json.dumps(manifest, indent=1))
    return manifest


def path(manifest: dict[str, Any], table: str) -> str:
    """Absolute path of one table's Parquet file."""
    return str(Path(manifest["dir"]) / manifest["tables"][table]["file"])
