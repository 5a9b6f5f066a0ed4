"""The mvps side of the benchmarks: one workload per process, spec on stdin, JSON out.

Run by the harness as ``python -m benchmarks.mvps_worker`` from the repository root (see
:mod:`benchmarks.harness.common` for the protocol). The functions are plain Python so
tests can call them in-process at a tiny scale.
"""

from __future__ import annotations

import gc
import os
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from benchmarks.harness import common
from benchmarks.harness.data import (
    ACTIVITY_FEATURES,
    CUSTOMER_FEATURES,
    INGEST_FEATURES,
    MERCHANT_FEATURES,
    PIT_COLUMNS,
    PROFILE_FEATURES,
)


def _login(spec: dict[str, Any]) -> Any:
    import mvps

    mvps.logout()
    return mvps.login(project="bench", home=spec["home"], config=spec.get("config"))


# ---------------------------------------------------------------------- ingestion


def ingest(spec: dict[str, Any]) -> dict[str, Any]:
    """Time ``insert`` of the ingest table into a new online-enabled feature group."""
    frame = pq.read_table(spec["data"]).to_pandas()
    project = _login(spec)
    fs = project.get_feature_store()
    gc.collect()
    t0, c0 = time.perf_counter(), time.process_time()
    fg = fs.get_or_create_feature_group(
        "ingest",
        version=1,
        online_enabled=True,
        primary_key=["customer_id"],
        event_time="event_time",
        statistics_config=spec.get("statistics", False),
    )
    fg.insert(frame)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    online_rows = project.online.count(fg._table)
    sample = sample_keys(len(frame), spec.get("sample", 1000))
    names = [f.name for f in fg.features]
    rows = project.online.read_many(fg._table, [(k,) for k in sample])
    got = pd.DataFrame([r for r in rows if r is not None], columns=names)
    project.close()
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "rows": len(frame),
        "online_rows": online_rows,
        "sample": common.frame_checksum(got, ["customer_id", *INGEST_FEATURES]),
    }


def sample_keys(n: int, k: int, seed: int = 11) -> list[int]:
    """``k`` distinct keys of ``0..n-1`` (the same for every system)."""
    return sorted(random.Random(seed).sample(range(n), min(k, n)))


# ---------------------------------------------------------------------- point in time


def pit_setup(spec: dict[str, Any]) -> dict[str, Any]:
    """Create the spine and the two feature groups and the feature view joining them.

    ``chunks`` > 1 writes each 10M-row group in that many inserts (event-time ranges), as
    a backfill arriving in several batches would.
    """
    project = _login(spec)
    fs = project.get_feature_store()
    chunks = int(spec.get("chunks", 1))
    timings = {}
    groups = {}
    for name, key in (
        ("spine", "obs_id"),
        ("customer_tx", "customer_id"),
        ("merchant_stats", "merchant_id"),
    ):
        table = pq.read_table(spec["files"][name])
        fg = fs.get_or_create_feature_group(
            name,
            version=1,
            primary_key=[key],
            event_time="event_time",
            statistics_config=False,
        )
        t0 = time.perf_counter()
        parts = 1 if name == "spine" else chunks
        step = -(-table.num_rows // parts)
        for i in range(parts):
            fg.insert(table.slice(i * step, step))
        timings[name] = time.perf_counter() - t0
        groups[name] = fg
    query = (
        groups["spine"]
        .select_all()
        .join(groups["customer_tx"].select(CUSTOMER_FEATURES))
        .join(groups["merchant_stats"].select(MERCHANT_FEATURES))
    )
    fs.get_or_create_feature_view("pit", version=1, query=query, labels=["label"])
    files = {name: len(project.offline.files(fg._table)) for name, fg in groups.items()}
    project.close()
    return {"insert_seconds": timings, "files": files}


def pit(spec: dict[str, Any]) -> dict[str, Any]:
    """Time point-in-time training data (``fv.training_data`` or ``query.read``)."""
    project = _login(spec)
    fs = project.get_feature_store()
    fv = fs.get_feature_view("pit", version=1)
    gc.collect()
    t0, c0 = time.perf_counter(), time.process_time()
    if spec.get("api", "training_data") == "training_data":
        x, y = fv.training_data(statistics_config=False, primary_key=True, event_time=True)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        frame = x.assign(label=y["label"].to_numpy())
    else:
        frame = fv.query.read()
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = common.peak_rss_mb()
    check = common.frame_checksum(frame, PIT_COLUMNS)
    check.update(
        common.match_summary(frame, PIT_COLUMNS, CUSTOMER_FEATURES[0], MERCHANT_FEATURES[0])
    )
    project.close()
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": peak, **check}


# ---------------------------------------------------------------------- online vectors


def online_setup(spec: dict[str, Any]) -> dict[str, Any]:
    """Two online-enabled groups keyed by ``customer_id`` and a view joining them."""
    project = _login(spec)
    fs = project.get_feature_store()
    fgs = []
    for name in ("profile", "activity"):
        fg = fs.get_or_create_feature_group(
            name,
            version=1,
            online_enabled=True,
            primary_key=["customer_id"],
            event_time="event_time",
            statistics_config=False,
        )
        fg.insert(pq.read_table(spec["files"][name]))
        fgs.append(fg)
    query = fgs[0].select(["customer_id", *PROFILE_FEATURES]).join(fgs[1].select(ACTIVITY_FEATURES))
    fs.get_or_create_feature_view("online", version=1, query=query)
    project.close()
    return {}


def online(spec: dict[str, Any]) -> dict[str, Any]:
    """Latency of ``get_feature_vector`` (1 entity) and ``get_feature_vectors`` (100)."""
    pinned = common.pin_to_core(0) if spec.get("pin", True) else False
    project = _login(spec)
    fs = project.get_feature_store()
    fv = fs.get_feature_view("online", version=1)
    fv.init_serving()
    n = int(spec["entities"])
    rng = random.Random(spec.get("seed", 7))
    singles = [{"customer_id": rng.randrange(n)} for _ in range(int(spec["singles"]))]
    batches = [
        [{"customer_id": rng.randrange(n)} for _ in range(100)] for _ in range(int(spec["batches"]))
    ]

    def one(entry: dict[str, Any]) -> Any:
        return fv.get_feature_vector(entry)

    def many(entries: list[dict[str, Any]]) -> Any:
        return fv.get_feature_vectors(entries)

    check = vectors_checksum(
        lambda keys: fv.get_feature_vectors([{"customer_id": k} for k in keys]), n
    )
    result = _time_latencies(one, many, singles, batches)
    project.close()
    return {**result, "pinned": pinned, "check": check}


def vectors_checksum(fetch: Callable[[list[int]], list[list[Any]]], n: int) -> dict[str, Any]:
    """Checksum of the vectors of 200 fixed keys (the same keys for every system)."""
    keys = sample_keys(n, 200, seed=3)
    frame = pd.DataFrame(
        fetch(keys), columns=["customer_id", *PROFILE_FEATURES, *ACTIVITY_FEATURES]
    )
    return common.frame_checksum(frame, list(frame.columns))


def _time_latencies(
    one: Callable[[Any], Any],
    many: Callable[[Any], Any],
    singles: list[Any],
    batches: list[Any],
) -> dict[str, Any]:
    gc.collect()
    gc.freeze()
    common.time_calls(one, singles[: max(100, len(singles) // 5)])  # warm up
    common.time_calls(many, batches[: max(10, len(batches) // 5)])
    single_ns = common.time_calls(one, singles)
    batch_ns = common.time_calls(many, batches)
    gc.unfreeze()
    return {"single_ns": single_ns, "batch_ns": batch_ns}


# ---------------------------------------------------------------------- prediction


def predict_setup(spec: dict[str, Any]) -> dict[str, Any]:
    """The online view plus two models registered with it and deployed (started by
    :func:`predict_start` once the server runs): ``benchmodel``, the trained pipeline,
    and ``noopmodel``, whose ``predict`` does next to nothing (it counts the non-zero
    values of each row), so that serving it measures everything but the model."""
    online_setup(spec)
    project = _login(spec)
    fs = project.get_feature_store()
    fv = fs.get_feature_view("online", version=1)
    import functools
    import shutil
    import types

    import joblib
    import numpy as np

    pipeline = joblib.load(spec["pipeline"])
    noop = types.SimpleNamespace(
        predict=functools.partial(np.count_nonzero, axis=1),
        feature_names_in_=pipeline.feature_names_in_,
    )
    mr = project.get_model_registry()
    for name, write in (
        ("benchmodel", lambda d: shutil.copy(spec["pipeline"], d / "pipeline.pkl")),
        ("noopmodel", lambda d: joblib.dump(noop, d / "noop.pkl")),
    ):
        model_dir = Path(spec["home"]) / f"{name}-files"
        model_dir.mkdir(parents=True, exist_ok=True)
        write(model_dir)
        mr.sklearn.create_model(name, feature_view=fv).save(str(model_dir)).deploy(name=name)
    project.close()
    return {}


def predict_start(spec: dict[str, Any]) -> dict[str, Any]:
    """Start deployment ``start`` (and stop ``stop``) on the running server; returns once
    it answers."""
    project = _login(spec)
    ms = project.get_model_serving()
    if spec.get("stop"):
        ms.get_deployment(spec["stop"]).stop()
    ms.get_deployment(spec["start"]).start(await_running=300)
    project.close()
    return {}


WORKLOADS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "predict_setup": predict_setup,
    "predict_start": predict_start,
    "ingest": ingest,
    "pit_setup": pit_setup,
    "pit": pit,
    "online_setup": online_setup,
    "online": online,
}


def main() -> None:
    spec = common.read_spec()
    os.environ.setdefault("MVPS_HOME", str(Path(spec.get("home", ".")).resolve()))
    if spec.get("with_setup"):  # smoke runs: setup and measurement in one process
        WORKLOADS[spec["workload"] + "_setup"](spec)
    common.emit(WORKLOADS[spec["workload"]](spec))


if __name__ == "__main__":
    main()
