"""The Feast side of the benchmarks: one workload per process, spec on stdin, JSON out.

Runs in ``benchmarks/.venv-feast`` (``pip install "feast[duckdb,redis]"``) as
``python -m benchmarks.feast_worker`` from the repository root, so it may import
:mod:`benchmarks.harness.common` and the table layout of :mod:`benchmarks.harness.data`
but never mvps. Each spec names a repository directory; the worker writes its
``feature_store.yaml`` (offline store DuckDB or Dask, online store SQLite or Redis).
"""

from __future__ import annotations

import gc
import os
import random
import time
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("FEAST_USAGE", "False")
warnings.filterwarnings("ignore")

import pandas as pd  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from benchmarks.harness import common  # noqa: E402
from benchmarks.harness.data import (  # noqa: E402
    ACTIVITY_FEATURES,
    CUSTOMER_FEATURES,
    INGEST_FEATURES,
    MERCHANT_FEATURES,
    PIT_COLUMNS,
    PROFILE_FEATURES,
)

WINDOW = (datetime(2023, 12, 1, tzinfo=UTC), datetime(2025, 2, 1, tzinfo=UTC))


def write_repo(spec: dict[str, Any]) -> Path:
    """Write ``feature_store.yaml`` for the spec's offline and online store."""
    repo = Path(spec["repo"]).resolve()
    repo.mkdir(parents=True, exist_ok=True)
    online = spec.get("online", "sqlite")
    if online == "sqlite":
        online_yaml = f"  type: sqlite\n  path: {repo / 'online.db'}\n"
    else:
        online_yaml = f'  type: redis\n  connection_string: "{spec["redis"]}"\n'
    (repo / "feature_store.yaml").write_text(
        f"project: {spec.get('project', 'bench')}\n"
        f"registry: {repo / 'registry.db'}\n"
        "provider: local\n"
        f"online_store:\n{online_yaml}"
        f"offline_store:\n  type: {spec.get('offline', 'duckdb')}\n"
        "entity_key_serialization_version: 3\n"
    )
    return repo


def _store(spec: dict[str, Any]) -> Any:
    from feast import FeatureStore

    return FeatureStore(repo_path=str(write_repo(spec)))


def _view(name: str, entity: Any, key: str, features: dict[str, Any], path: str) -> Any:
    from feast import FeatureView, Field, FileSource
    from feast.types import Int64

    source = FileSource(name=f"{name}_source", path=path, timestamp_field="event_time")
    return FeatureView(
        name=name,
        entities=[entity],
        ttl=timedelta(0),  # no expiry, like mvps' point-in-time join
        schema=[Field(name=key, dtype=Int64)]
        + [Field(name=f, dtype=t) for f, t in features.items()],
        source=source,
        online=True,
    )


def _entity(name: str, key: str) -> Any:
    from feast import Entity, ValueType

    return Entity(name=name, join_keys=[key], value_type=ValueType.INT64)


def _types(names: list[str], frame_types: dict[str, str]) -> dict[str, Any]:
    from feast.types import Float64, Int64, String

    by_kind = {"f": Float64, "i": Int64, "O": String, "U": String}
    return {n: by_kind.get(frame_types[n], String) for n in names}


def _schema_kinds(path: str) -> dict[str, str]:
    import pyarrow as pa

    kinds = {}
    for field in pq.read_schema(path):
        if pa.types.is_floating(field.type):
            kinds[field.name] = "f"
        elif pa.types.is_integer(field.type):
            kinds[field.name] = "i"
        else:
            kinds[field.name] = "O"
    return kinds


def _online_frame(response: Any, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(response.to_dict())[columns]


# ---------------------------------------------------------------------- ingestion


def ingest(spec: dict[str, Any]) -> dict[str, Any]:
    """Time writing the source Parquet, ``apply`` and ``materialize`` into the online store."""
    frame = pq.read_table(spec["data"]).to_pandas()
    store = _store(spec)
    source_path = str(Path(spec["repo"]).resolve() / "ingest_source.parquet")
    kinds = _schema_kinds(spec["data"])
    gc.collect()
    t0, c0 = time.perf_counter(), time.process_time()
    frame.to_parquet(source_path, index=False)
    customer = _entity("customer", "customer_id")
    fv = _view("ingest", customer, "customer_id", _types(INGEST_FEATURES, kinds), source_path)
    store.apply([customer, fv])
    store.materialize(start_date=WINDOW[0], end_date=WINDOW[1])
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    import sqlite3

    db = Path(spec["repo"]).resolve() / "online.db"
    con = sqlite3.connect(db)
    table = f"{spec.get('project', 'bench')}_ingest"
    online_rows = con.execute(f"SELECT COUNT(DISTINCT entity_key) FROM {table}").fetchone()[0]
    con.close()
    sample = sorted(
        random.Random(11).sample(range(len(frame)), min(spec.get("sample", 1000), len(frame)))
    )
    got = _online_frame(
        store.get_online_features(
            features=[f"ingest:{f}" for f in INGEST_FEATURES],
            entity_rows=[{"customer_id": k} for k in sample],
        ),
        ["customer_id", *INGEST_FEATURES],
    )
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "rows": len(frame),
        "online_rows": int(online_rows),
        "sample": common.frame_checksum(got, ["customer_id", *INGEST_FEATURES]),
    }


# ---------------------------------------------------------------------- point in time


def pit_setup(spec: dict[str, Any]) -> dict[str, Any]:
    """Register the two groups' Parquet files as feature views (nothing is copied)."""
    store = _store(spec)
    customer = _entity("customer", "customer_id")
    merchant = _entity("merchant", "merchant_id")
    files = spec["files"]
    views = [
        _view(
            "customer_tx",
            customer,
            "customer_id",
            _types(CUSTOMER_FEATURES, _schema_kinds(files["customer_tx"])),
            files["customer_tx"],
        ),
        _view(
            "merchant_stats",
            merchant,
            "merchant_id",
            _types(MERCHANT_FEATURES, _schema_kinds(files["merchant_stats"])),
            files["merchant_stats"],
        ),
    ]
    store.apply([customer, merchant, *views])
    return {}


def pit(spec: dict[str, Any]) -> dict[str, Any]:
    """Time ``get_historical_features(spine).to_df()``."""
    store = _store(spec)
    spine = pq.read_table(spec["files"]["spine"]).to_pandas()
    features = [f"customer_tx:{f}" for f in CUSTOMER_FEATURES] + [
        f"merchant_stats:{f}" for f in MERCHANT_FEATURES
    ]
    gc.collect()
    t0, c0 = time.perf_counter(), time.process_time()
    frame = store.get_historical_features(entity_df=spine, features=features).to_df()
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = common.peak_rss_mb()
    check = common.frame_checksum(frame, PIT_COLUMNS)
    check.update(
        common.match_summary(frame, PIT_COLUMNS, CUSTOMER_FEATURES[0], MERCHANT_FEATURES[0])
    )
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": peak, **check}


# ---------------------------------------------------------------------- online vectors


def online_setup(spec: dict[str, Any]) -> dict[str, Any]:
    """Register ``profile`` and ``activity`` and materialise them into the online store."""
    store = _store(spec)
    customer = _entity("customer", "customer_id")
    files = spec["files"]
    views = [
        _view(name, customer, "customer_id", _types(feats, _schema_kinds(files[name])), files[name])
        for name, feats in (("profile", PROFILE_FEATURES), ("activity", ACTIVITY_FEATURES))
    ]
    store.apply([customer, *views])
    t0 = time.perf_counter()
    store.materialize(start_date=WINDOW[0], end_date=WINDOW[1])
    return {"materialize_seconds": time.perf_counter() - t0}


ONLINE_REFS = [f"profile:{f}" for f in PROFILE_FEATURES] + [
    f"activity:{f}" for f in ACTIVITY_FEATURES
]


def online(spec: dict[str, Any]) -> dict[str, Any]:
    """Latency of ``get_online_features(...).to_dict()`` for 1 and 100 entities."""
    pinned = common.pin_to_core(0)
    store = _store(spec)
    n = int(spec["entities"])
    rng = random.Random(spec.get("seed", 7))
    singles = [[{"customer_id": rng.randrange(n)}] for _ in range(int(spec["singles"]))]
    batches = [
        [{"customer_id": rng.randrange(n)} for _ in range(100)] for _ in range(int(spec["batches"]))
    ]

    def get(rows: list[dict[str, Any]]) -> Any:
        return store.get_online_features(features=ONLINE_REFS, entity_rows=rows).to_dict()

    keys = sorted(random.Random(3).sample(range(n), min(200, n)))
    frame = _online_frame(
        store.get_online_features(
            features=ONLINE_REFS, entity_rows=[{"customer_id": k} for k in keys]
        ),
        ["customer_id", *PROFILE_FEATURES, *ACTIVITY_FEATURES],
    )
    check = common.frame_checksum(frame, list(frame.columns))
    gc.collect()
    gc.freeze()
    common.time_calls(get, singles[: max(100, len(singles) // 5)])
    common.time_calls(get, batches[: max(10, len(batches) // 5)])
    single_ns = common.time_calls(get, singles)
    batch_ns = common.time_calls(get, batches)
    gc.unfreeze()
    return {"single_ns": single_ns, "batch_ns": batch_ns, "pinned": pinned, "check": check}


def versions(spec: dict[str, Any]) -> dict[str, Any]:
    """Versions of the libraries this environment measures."""
    from importlib.metadata import version

    out = {}
    for dist in ("feast", "duckdb", "dask", "pandas", "pyarrow", "redis"):
        try:
            out[dist] = version(dist)
        except Exception:
            out[dist] = "not installed"
    return out


WORKLOADS = {
    "ingest": ingest,
    "pit_setup": pit_setup,
    "pit": pit,
    "online_setup": online_setup,
    "online": online,
    "versions": versions,
}


def main() -> None:
    spec = common.read_spec()
    if spec.get("with_setup"):  # smoke runs: setup and measurement in one process
        WORKLOADS[spec["workload"] + "_setup"](spec)
    common.emit(WORKLOADS[spec["workload"]](spec))


if __name__ == "__main__":
    main()
