"""The workloads: setup, alternating runs (mvps, peer, mvps, peer, ...), checks, summary.

Each workload function takes a :class:`Context` and returns a section (a JSON-ready
dict, rendered by :mod:`benchmarks.harness.report`):

* ``table``: one row per system with its figures;
* ``summary``: the headline metrics, mvps against the peer, with the ratio mvps/peer
  (below 1 means mvps is faster or smaller) and the target when there is one;
* ``checks``: whether the systems returned the same data (these, never the speed,
  decide the exit status of ``python -m benchmarks smoke``);
* ``notes``: what was measured and how.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq

from benchmarks.harness import data, envs, runner, serving
from benchmarks.harness.common import frame_checksum, percentile
from benchmarks.harness.runner import WorkerError, run_worker


@dataclass
class Context:
    """Options shared by the workloads of one invocation."""

    scale: float
    runs: int
    work: Path
    manifest: dict[str, Any]
    redis_url: str = "redis://127.0.0.1:6379/14"
    peers: bool = True
    smoke: bool = False
    log: Callable[[str], None] = print
    files: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.files = {t: data.path(self.manifest, t) for t in self.manifest["tables"]}

    def fresh_dir(self, *parts: str) -> Path:
        d = self.work.joinpath(*parts)
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
        return d

    @property
    def full_scale(self) -> bool:
        return self.scale >= 1.0


# ---------------------------------------------------------------------- formatting


def fmt_s(x: float | None) -> str:
    if x is None or x != x:
        return "-"
    if x >= 100:
        return f"{x:.0f} s"
    if x >= 10:
        return f"{x:.1f} s"
    return f"{x:.2f} s" if x >= 0.1 else f"{x * 1000:.1f} ms"


def fmt_us(x: float | None) -> str:
    if x is None or x != x:
        return "-"
    if x >= 1000:
        return f"{x / 1000:.2f} ms"
    return f"{x:.1f} µs" if x < 100 else f"{x:.0f} µs"


def fmt_mb(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x / 1024:.2f} GiB" if x >= 1024 else f"{x:.0f} MiB"


def fmt_n(x: int | None) -> str:
    return "-" if x is None else f"{x:,}"


def wall(samples: Sequence[float]) -> dict[str, float]:
    return {
        "min": min(samples),
        "median": statistics.median(samples),
        "max": max(samples),
    }


def wall_cells(samples: Sequence[float]) -> list[str]:
    w = wall(samples)
    return [fmt_s(w["min"]), fmt_s(w["median"]), fmt_s(w["max"])]


def latency(ns: Sequence[int]) -> dict[str, float]:
    return {"p50": percentile(ns, 50) / 1000, "p99": percentile(ns, 99) / 1000}


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return a / b


def summary_row(
    workload: str,
    metric: str,
    mvps: float | None,
    peer: str,
    peer_value: float | None,
    fmt: Callable[[float | None], str],
    target: str = "",
    met: bool | None = None,
) -> dict[str, Any]:
    return {
        "workload": workload,
        "metric": metric,
        "mvps": fmt(mvps),
        "peer": peer,
        "peer_value": fmt(peer_value),
        "ratio": ratio(mvps, peer_value),
        "target": target,
        "met": met,
    }


def check(name: str, ok: bool, detail: str = "", known: bool = False) -> dict[str, Any]:
    """A correctness check; ``known`` marks a documented peer difference (not a failure)."""
    return {"name": name, "ok": bool(ok), "detail": detail, "known": known}


def alternate(
    ctx: Context,
    systems: Sequence[tuple[str, str, Callable[[int], dict[str, Any]]]],
    runs: int,
) -> dict[str, list[dict[str, Any]]]:
    """Run ``runs`` rounds of every system in turn (A B A B ...); failures are recorded."""
    out: dict[str, list[dict[str, Any]]] = {label: [] for label, _, _ in systems}
    for r in range(runs):
        for label, system, make_spec in systems:
            if _resource_failure(out[label]):
                continue  # it hit the memory or time limit: once is enough
            ctx.log(f"  run {r + 1}/{runs}: {label}")
            try:
                res = run_worker(system, make_spec(r))
            except WorkerError as exc:
                ctx.log(f"    failed: {exc}")
                res = {"error": str(exc).splitlines()[0][:300]}
            out[label].append(res)
    return out


def ok_runs(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in results if "error" not in r]


def peak(results: list[dict[str, Any]]) -> float | None:
    vals = [r["peak_rss_mb"] for r in ok_runs(results) if "peak_rss_mb" in r]
    return max(vals) if vals else None


def median_of(results: list[dict[str, Any]], key: str = "seconds") -> float | None:
    vals = [r[key] for r in ok_runs(results) if key in r]
    return statistics.median(vals) if vals else None


def first_error(results: list[dict[str, Any]]) -> str:
    errs = [r["error"] for r in results if "error" in r]
    return errs[0] if errs else ""


# ---------------------------------------------------------------------- 1. ingestion


def ingest(ctx: Context) -> dict[str, Any]:
    """1M rows into an online-enabled feature group vs Feast Parquet + materialize."""
    rows = ctx.manifest["tables"]["ingest"]["rows"]

    def mvps_spec(stats: bool) -> Callable[[int], dict[str, Any]]:
        def make(r: int) -> dict[str, Any]:
            home = ctx.fresh_dir("ingest", f"mvps-{'stats' if stats else 'plain'}-{r}")
            return {
                "workload": "ingest",
                "home": str(home),
                "data": ctx.files["ingest"],
                "statistics": stats,
            }

        return make

    def feast_spec(r: int) -> dict[str, Any]:
        return {
            "workload": "ingest",
            "repo": str(ctx.fresh_dir("ingest", f"feast-{r}")),
            "data": ctx.files["ingest"],
        }

    systems = [("mvps", "mvps", mvps_spec(False))]
    if ctx.peers:
        systems.append(("Feast (DuckDB offline, SQLite online)", "feast", feast_spec))
    systems.append(("mvps, statistics on (the default)", "mvps", mvps_spec(True)))
    res = alternate(ctx, systems, ctx.runs)
    shutil.rmtree(ctx.work / "ingest", ignore_errors=True)

    table_rows = []
    for label, results in res.items():
        good = ok_runs(results)
        if not good:
            table_rows.append([label, "failed: " + first_error(results), *[""] * 7])
            continue
        secs = [r["seconds"] for r in good]
        table_rows.append(
            [
                label,
                *wall_cells(secs),
                fmt_s(median_of(good, "cpu_seconds")),
                f"{rows / statistics.median(secs):,.0f}",
                fmt_mb(peak(results)),
                fmt_n(good[0]["online_rows"]),
                good[0]["sample"]["checksum"],
            ]
        )
    checks = []
    mv = ok_runs(res["mvps"])
    peer_label = systems[1][0] if ctx.peers else None
    fe = ok_runs(res[peer_label]) if peer_label else []
    if mv and fe:
        checks.append(
            check(
                "online rows: mvps = Feast",
                mv[0]["online_rows"] == fe[0]["online_rows"] == rows,
                f"{mv[0]['online_rows']:,} / {fe[0]['online_rows']:,} of {rows:,}",
            )
        )
        checks.append(
            check(
                "online values of 1,000 sampled keys: mvps = Feast",
                mv[0]["sample"] == fe[0]["sample"],
                f"{mv[0]['sample']['checksum']} / {fe[0]['sample']['checksum']}",
            )
        )
    elif peer_label:
        checks.append(check("both systems completed", False, first_error(res[peer_label])))
    summary = []
    if peer_label:
        summary.append(
            summary_row(
                "1. Ingestion",
                f"{rows:,} rows, wall time (median)",
                median_of(res["mvps"]),
                "Feast",
                median_of(res[peer_label]),
                fmt_s,
            )
        )
        summary.append(
            summary_row(
                "1. Ingestion",
                "peak memory",
                peak(res["mvps"]),
                "Feast",
                peak(res[peer_label]),
                fmt_mb,
            )
        )
    return {
        "table": {
            "columns": [
                "System",
                "min",
                "median",
                "max",
                "CPU (median)",
                "rows/s (median)",
                "peak RSS",
                "online rows",
                "sample checksum",
            ],
            "rows": table_rows,
        },
        "summary": summary,
        "checks": checks,
        "notes": [
            f"{rows:,} rows (one per customer: key, event time, 4 doubles, 2 bigints, 2 strings) "
            "loaded into a pandas DataFrame before the clock starts.",
            "mvps: `get_or_create_feature_group(..., online_enabled=True)` + `fg.insert(df)`: a "
            "Delta commit (offline) and the newest row per key in the SQLite online store. "
            "The compared figure has statistics off (`statistics_config=False`) because Feast "
            "computes none; the last line is the default (descriptive statistics with "
            "histograms computed on every insert).",
            "Feast: `df.to_parquet(source)`, `apply([entity, feature_view])` and "
            "`materialize(start, end)` into the SQLite online store (DuckDB offline store).",
            "Check: both online stores hold one row per key, and the online values of 1,000 "
            "sampled keys have the same checksum.",
        ],
    }


# ---------------------------------------------------------------------- 2. point in time


PIT_LABELS = {
    "mvps": "mvps `fv.training_data()`",
    "duck": "Feast `get_historical_features` (DuckDB)",
    "dask": "Feast `get_historical_features` (Dask, the default)",
    "read": "mvps `query.read()`",
    "chunk": "mvps `fv.training_data()`, groups written in {chunks} inserts",
}
PIT_CHUNKS = 10


def _pit_round(
    ctx: Context, base: Path, files: dict[str, str], keys: Sequence[str]
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, Any]]:
    """Set up the systems named by ``keys`` under ``base`` and run them alternately."""
    setup_specs: dict[str, tuple[str, dict[str, Any]]] = {
        "mvps": ("mvps", {"home": str(base / "mvps")}),
        "read": ("mvps", {"home": str(base / "mvps")}),
        "chunk": ("mvps", {"home": str(base / "mvps-chunked"), "chunks": PIT_CHUNKS}),
        "duck": ("feast", {"repo": str(base / "feast-duckdb"), "offline": "duckdb"}),
        "dask": ("feast", {"repo": str(base / "feast-dask"), "offline": "dask"}),
    }
    setups: dict[str, Any] = {}
    done: set[str] = set()
    for key in keys:
        system, spec = setup_specs[key]
        target = spec.get("home") or spec.get("repo")
        if ctx.smoke or key == "read" or target in done:
            continue  # smoke: setup and measurement in one process
        done.add(str(target))
        ctx.log(f"  setup: {key}")
        setups[key] = run_worker(system, {**spec, "workload": "pit_setup", "files": files})

    def make(key: str) -> Callable[[int], dict[str, Any]]:
        system, spec = setup_specs[key]
        api = "query" if key == "read" else "training_data"
        return lambda r: {
            **spec,
            "workload": "pit",
            "api": api,
            "files": files,
            "with_setup": ctx.smoke and r == 0 and key != "read",
        }

    systems = [(PIT_LABELS[k].format(chunks=PIT_CHUNKS), setup_specs[k][0], make(k)) for k in keys]
    return alternate(ctx, systems, ctx.runs), setups


def _pit_rows(res: dict[str, list[dict[str, Any]]], suffix: str = "") -> list[list[str]]:
    rows = []
    for label, results in res.items():
        good = ok_runs(results)
        if not good:
            rows.append([label + suffix, "failed: " + first_error(results), *[""] * 7])
            continue
        g = good[0]
        rows.append(
            [
                label + suffix,
                *wall_cells([r["seconds"] for r in good]),
                fmt_s(median_of(good, "cpu_seconds")),
                fmt_mb(peak(results)),
                fmt_n(g["rows"]),
                fmt_n(g["unmatched"]),
                g["checksum"],
            ]
        )
    return rows


def _pit_checks(
    res: dict[str, list[dict[str, Any]]], spine_rows: int, suffix: str = ""
) -> list[dict[str, Any]]:
    labels = {k: v.format(chunks=PIT_CHUNKS) for k, v in PIT_LABELS.items()}
    checks = []
    mv = ok_runs(res.get(labels["mvps"], []))
    if not mv:
        return [check(f"mvps completed{suffix}", False, first_error(res.get(labels["mvps"], [])))]
    ref = mv[0]
    checks.append(
        check(
            f"mvps returns one row per spine row{suffix}",
            ref["rows"] == spine_rows,
            f"{ref['rows']:,} of {spine_rows:,}",
        )
    )
    for key in ("read", "chunk", "duck"):
        if labels[key] not in res:
            continue
        other = ok_runs(res[labels[key]])
        if not other:
            checks.append(
                check(f"{labels[key]} completed{suffix}", False, first_error(res[labels[key]]))
            )
            continue
        o = other[0]
        checks.append(
            check(
                f"{labels[key]}: same rows and checksum as mvps{suffix}",
                (o["rows"], o["checksum"]) == (ref["rows"], ref["checksum"]),
                f"{o['rows']:,} rows, {o['checksum']} vs {ref['rows']:,} rows, {ref['checksum']}",
            )
        )
    if labels["dask"] in res:
        other = ok_runs(res[labels["dask"]])
        if other:
            o = other[0]
            same = (
                o["rows"] == ref["rows"] - ref["unmatched"]
                and o["checksum"] == ref["matched_checksum"]
            )
            checks.append(
                check(
                    f"{labels['dask']}{suffix}: drops the {ref['unmatched']:,} spine rows "
                    "without an earlier row in some group; the other rows equal mvps'",
                    same,
                    f"{o['rows']:,} rows ({ref['rows'] - o['rows']:,} fewer), checksum "
                    f"{o['checksum']} vs mvps' matched rows {ref['matched_checksum']}",
                    known=same,
                )
            )
        elif not _resource_failure(res[labels["dask"]]):
            checks.append(
                check(
                    f"{labels['dask']} completed{suffix}", False, first_error(res[labels["dask"]])
                )
            )
    return checks


def _resource_failure(results: list[dict[str, Any]]) -> bool:
    """The runs failed because the worker hit the memory or time limit."""
    return bool(results) and not ok_runs(results) and "stopped:" in first_error(results)


def pit(ctx: Context) -> dict[str, Any]:
    """Point-in-time training data: spine 1M x two groups of 10M rows."""
    tables = ctx.manifest["tables"]
    base = ctx.work / "pit"
    shutil.rmtree(base, ignore_errors=True)
    keys = ["mvps", *(["duck", "dask"] if ctx.peers else []), "read", "chunk"]
    res, setups = _pit_round(ctx, base, ctx.files, keys)
    shutil.rmtree(base, ignore_errors=True)
    labels = {k: v.format(chunks=PIT_CHUNKS) for k, v in PIT_LABELS.items()}
    table_rows = _pit_rows(res)
    checks = _pit_checks(res, tables["spine"]["rows"])

    # the Dask store may not fit the machine at full scale: compare it at a tenth
    fallback: dict[str, list[dict[str, Any]]] = {}
    small = round(ctx.scale / 10, 6)
    if ctx.peers and _resource_failure(res[labels["dask"]]) and small >= 0.01:
        ctx.log(f"  Feast Dask did not complete; comparing it at scale {small:g}")
        manifest = data.ensure(small, log=ctx.log)
        files = {t: data.path(manifest, t) for t in manifest["tables"]}
        fallback, _ = _pit_round(ctx, base / "small", files, ["mvps", "dask"])
        shutil.rmtree(base, ignore_errors=True)
        suffix = f" (scale {small:g})"
        table_rows += _pit_rows(fallback, suffix)
        checks += _pit_checks(fallback, manifest["tables"]["spine"]["rows"], suffix)

    mvps_s = median_of(res[labels["mvps"]])
    mvps_mem = peak(res[labels["mvps"]])
    summary = []
    if ctx.peers:
        duck_s = median_of(res[labels["duck"]])
        r_duck = ratio(mvps_s, duck_s)
        summary.append(
            summary_row(
                "2. Point-in-time training data",
                "wall time (median)",
                mvps_s,
                "Feast DuckDB",
                duck_s,
                fmt_s,
                "≥ 2× faster (ratio ≤ 0.5)",
                None if r_duck is None else r_duck <= 0.5,
            )
        )
        summary.append(
            summary_row(
                "2. Point-in-time training data",
                "peak memory",
                mvps_mem,
                "Feast DuckDB",
                peak(res[labels["duck"]]),
                fmt_mb,
            )
        )
        if fallback:
            summary.append(
                summary_row(
                    "2. Point-in-time training data",
                    f"wall time (median), scale {small:g}",
                    median_of(fallback[labels["mvps"]]),
                    "Feast Dask",
                    median_of(fallback[labels["dask"]]),
                    fmt_s,
                )
            )
            summary.append(
                summary_row(
                    "2. Point-in-time training data",
                    f"peak memory, scale {small:g}",
                    peak(fallback[labels["mvps"]]),
                    "Feast Dask",
                    peak(fallback[labels["dask"]]),
                    fmt_mb,
                )
            )
        else:
            summary.append(
                summary_row(
                    "2. Point-in-time training data",
                    "wall time (median)",
                    mvps_s,
                    "Feast Dask",
                    median_of(res[labels["dask"]]),
                    fmt_s,
                )
            )
    summary.append(
        summary_row(
            "2. Point-in-time training data",
            "mvps wall time, absolute",
            mvps_s,
            "",
            None,
            fmt_s,
            "< 5 s at scale 1",
            (mvps_s < 5.0) if (ctx.full_scale and mvps_s is not None) else None,
        )
    )
    summary.append(
        summary_row(
            "2. Point-in-time training data",
            "mvps peak memory, absolute",
            mvps_mem,
            "",
            None,
            fmt_mb,
            "< 4 GB at scale 1",
            (mvps_mem * 2**20 < 4e9) if (ctx.full_scale and mvps_mem is not None) else None,
        )
    )
    setup_notes = []
    for key, what in (("mvps", "one insert per table"), ("chunk", f"{PIT_CHUNKS} inserts")):
        st = setups.get(key)
        if st:
            ins = st.get("insert_seconds", {})
            setup_notes.append(
                f"mvps setup ({what}, not timed above): inserts took "
                + ", ".join(f"{k} {fmt_s(v)}" for k, v in ins.items())
                + "; Parquet files per table: "
                + ", ".join(f"{k} {v}" for k, v in st.get("files", {}).items())
                + "."
            )
    if fallback:
        setup_notes.append(
            f"Feast's Dask store did not complete at scale {ctx.scale:g} (see the table: "
            f"the worker is stopped above {runner.MEMORY_LIMIT_GIB:g} GiB of resident memory "
            f"on this {envs.machine()['memory_gib']:g} GiB machine), so it is also compared "
            f"with mvps at scale {small:g} (a tenth of every table)."
        )
    return {
        "table": {
            "columns": [
                "System",
                "min",
                "median",
                "max",
                "CPU (median)",
                "peak RSS",
                "rows",
                "rows without a match",
                "checksum",
            ],
            "rows": table_rows,
        },
        "summary": summary,
        "checks": checks,
        "notes": [
            f"Spine (the left feature group): {tables['spine']['rows']:,} observations "
            "(`obs_id`, `customer_id`, `merchant_id`, `event_time`, `label`). Joined: "
            f"`customer_tx` ({tables['customer_tx']['rows']:,} rows over "
            f"{ctx.manifest['sizes']['customers']:,} customers) and `merchant_stats` "
            f"({tables['merchant_stats']['rows']:,} rows over "
            f"{ctx.manifest['sizes']['merchants']:,} merchants), 3 features each. Every "
            "spine row gets, per group, the newest row of its key at or before its event time.",
            "mvps: the three tables are feature groups (Delta tables, statistics off); the clock "
            "covers `fv.training_data(statistics_config=False, primary_key=True, "
            "event_time=True)` (records a training dataset version, returns pandas X and y), "
            "or `fv.query.read()` (pandas).",
            "Feast: `FileSource`s over the same Parquet files, `ttl=0` (no expiry); the "
            "clock covers `get_historical_features(entity_df=spine, features=[...]).to_df()` "
            "with the spine already in a DataFrame.",
            "Each run is a fresh process. CPU is the process' user + system time during the "
            "timed call (all threads; on a shared machine it varies less than wall time). Peak "
            "RSS is the process' maximum resident set size "
            "(including the spine DataFrame Feast needs as input). A worker whose resident "
            f"memory exceeds {runner.MEMORY_LIMIT_GIB:g} GiB is stopped (and not run again).",
            "Checksums are order-independent hashes of the obs_id, keys, event time, label and "
            "the 6 feature values of every row.",
            *setup_notes,
        ],
    }


# ---------------------------------------------------------------------- 3. online vectors


def online(ctx: Context) -> dict[str, Any]:
    """In-process feature vectors (1 and 100 entities) from a view joining two groups."""
    n = ctx.manifest["tables"]["profile"]["rows"]
    singles = 1_000 if ctx.smoke else 20_000
    batches = 50 if ctx.smoke else 2_000
    base = ctx.work / "online"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    token = uuid.uuid4().hex[:10]
    mvps_prefix = f"bench:{token}:"
    feast_project = f"bench_{token}"
    sep = "&" if "?" in ctx.redis_url else "?"
    config = base / "mvps-redis.toml"
    config.write_text(f'[online]\nurl = "{ctx.redis_url}{sep}prefix={mvps_prefix}"\n')
    redis_ok = _redis_available(ctx.redis_url)

    configs: list[tuple[str, str, dict[str, Any]]] = [
        ("mvps (SQLite)", "mvps", {"home": str(base / "mvps-sqlite")}),
    ]
    if ctx.peers:
        configs.append(("Feast (SQLite)", "feast", {"repo": str(base / "feast-sqlite")}))
    if redis_ok:
        configs.append(
            ("mvps (Redis)", "mvps", {"home": str(base / "mvps-redis"), "config": str(config)})
        )
        if ctx.peers:
            configs.append(
                (
                    "Feast (Redis)",
                    "feast",
                    {
                        "repo": str(base / "feast-redis"),
                        "online": "redis",
                        "redis": _feast_redis(ctx.redis_url),
                        "project": feast_project,
                    },
                )
            )
    try:
        for label, system, spec in configs:
            if ctx.smoke:  # one process per system: setup, then the measurement
                continue
            ctx.log(f"  setup: {label}")
            run_worker(system, {**spec, "workload": "online_setup", "files": ctx.files})
        run_spec = {
            "workload": "online",
            "entities": n,
            "singles": singles,
            "batches": batches,
            "files": ctx.files,
        }
        systems = [
            (
                label,
                system,
                (lambda c: lambda r: {**c, **run_spec, "seed": 7 + r, "with_setup": ctx.smoke})(
                    spec
                ),
            )
            for label, system, spec in configs
        ]
        res = alternate(ctx, systems, ctx.runs)
    finally:
        if redis_ok:
            _redis_cleanup(ctx.redis_url, [f"{mvps_prefix}*", f"*{feast_project}"])
        shutil.rmtree(base, ignore_errors=True)

    stats: dict[str, dict[str, float]] = {}
    table_rows = []
    for label, results in res.items():
        good = ok_runs(results)
        if not good:
            table_rows.append([label, "failed: " + first_error(results), "", "", "", "", ""])
            continue
        one = latency([x for r in good for x in r["single_ns"]])
        many = latency([x for r in good for x in r["batch_ns"]])
        stats[label] = {
            "1p50": one["p50"],
            "1p99": one["p99"],
            "Np50": many["p50"],
            "Np99": many["p99"],
        }
        table_rows.append(
            [
                label,
                fmt_us(one["p50"]),
                fmt_us(one["p99"]),
                fmt_us(many["p50"]),
                fmt_us(many["p99"]),
                fmt_mb(peak(results)),
                good[0]["check"]["checksum"],
            ]
        )
    checks = []
    sums = {label: ok_runs(r)[0]["check"] for label, r in res.items() if ok_runs(r)}
    if len(sums) > 1:
        ref_label = next(iter(sums))
        for label, s in sums.items():
            if label == ref_label:
                continue
            checks.append(
                check(
                    f"vectors of 200 fixed keys: {label} = {ref_label}",
                    s == sums[ref_label],
                    f"{s['checksum']} vs {sums[ref_label]['checksum']}",
                )
            )
    for label, results in res.items():
        if not ok_runs(results):
            checks.append(check(f"{label} completed", False, first_error(results)))
    if not redis_ok:
        checks.append(check("Redis reachable", True, f"skipped: no Redis at {ctx.redis_url}"))

    def stat(label: str, key: str) -> float | None:
        return stats.get(label, {}).get(key)

    summary = []
    pairs = [("SQLite", "mvps (SQLite)", "Feast (SQLite)")]
    if redis_ok:
        pairs.append(("Redis", "mvps (Redis)", "Feast (Redis)"))
    targets = {
        ("SQLite", "1p50"): ("< 20 µs", 20.0),
        ("SQLite", "1p99"): ("< 100 µs", 100.0),
        ("SQLite", "Np99"): ("< 2 ms", 2000.0),
    }
    for store, mlabel, flabel in pairs:
        for key, metric in (
            ("1p50", "1 entity, p50"),
            ("1p99", "1 entity, p99"),
            ("Np50", "100 entities, p50"),
            ("Np99", "100 entities, p99"),
        ):
            target, limit = targets.get((store, key), ("", None))
            if ctx.smoke:  # too few samples to judge a target
                limit = None
            mval = stat(mlabel, key)
            summary.append(
                summary_row(
                    f"3. Online vector, in-process ({store})",
                    metric,
                    mval,
                    f"Feast {store}" if ctx.peers else "",
                    stat(flabel, key),
                    fmt_us,
                    target,
                    None if (limit is None or mval is None) else mval < limit,
                )
            )
    return {
        "table": {
            "columns": [
                "System",
                "1 entity p50",
                "1 entity p99",
                "100 entities p50",
                "100 entities p99",
                "peak RSS",
                "checksum",
            ],
            "rows": table_rows,
        },
        "summary": summary,
        "checks": checks,
        "notes": [
            f"A feature view joining two online groups keyed by `customer_id` (`profile` and "
            f"`activity`, {n:,} customers, 4 features each: bigint, double, string, double). "
            "mvps: `fv.get_feature_vector({'customer_id': k})` and `fv.get_feature_vectors([...100])` "
            "(lists). Feast: `get_online_features(features=[8 refs], entity_rows=[...]).to_dict()`.",
            f"Per run: {singles:,} single lookups and {batches:,} lookups of 100 random keys after "
            "a warm-up of a fifth of each; the client is pinned to core 0 "
            "(`os.sched_setaffinity(0, {0})`); the garbage collector's long-lived objects are "
            f"frozen first. Percentiles pool the samples of all {ctx.runs} run(s).",
            f"Redis: `{_redact(ctx.redis_url)}`; mvps keys under a unique `bench:<id>:` prefix, Feast "
            "under a unique project, both deleted afterwards.",
        ],
    }


def _redis_available(url: str) -> bool:
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.ping()
        client.close()
        return True
    except Exception:
        return False


def _feast_redis(url: str) -> str:
    """Feast's ``host:port,db=N`` form of a ``redis://host:port/N`` URL."""
    m = re.match(r"redis://([^/:?]+)(?::(\d+))?(?:/(\d+))?", url)
    if not m:
        return "127.0.0.1:6379"
    host, port, db = m.group(1), m.group(2) or "6379", m.group(3) or "0"
    return f"{host}:{port},db={db}"


def _redis_cleanup(url: str, patterns: Sequence[str]) -> int:
    import redis

    client = redis.Redis.from_url(url)
    n = 0
    try:
        for pattern in patterns:
            batch = []
            for key in client.scan_iter(match=pattern, count=1000):
                batch.append(key)
                if len(batch) >= 1000:
                    n += client.delete(*batch)
                    batch = []
            if batch:
                n += client.delete(*batch)
    finally:
        client.close()
    return n


def _redact(url: str) -> str:
    return re.sub(r"//[^@/]*@", "//", url)


# ---------------------------------------------------------------------- 6. cold start


def _timed_process(cmd: Sequence[str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MiB) and exit status of a fresh process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=envs.REPO
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss / 1024.0, proc.returncode


def coldstart(ctx: Context) -> dict[str, Any]:
    """Fresh-process wall time of ``import`` and ``--help`` of each command-line tool."""
    runs = 1 if ctx.smoke else max(10, ctx.runs)
    mvps_bin = str(Path(sys.executable).parent / "mvps")
    feast_py = envs.python("feast")
    feast_bin = str(Path(feast_py).parent / "feast")
    commands: list[tuple[str, str, list[str]]] = [
        ("mvps", "`python -c 'import mvps'`", [sys.executable, "-c", "import mvps"]),
    ]
    if ctx.peers:
        commands.append(("feast", "`python -c 'import feast'`", [feast_py, "-c", "import feast"]))
    commands.append(("mvps", "`mvps --help`", [mvps_bin, "--help"]))
    if ctx.peers:
        commands.append(("feast", "`feast --help`", [feast_bin, "--help"]))
    env_python = {"mvps": sys.executable, "feast": feast_py}
    if not ctx.smoke:
        for _, _, cmd in commands:  # warm the page cache once; not measured
            _timed_process(cmd)
    samples: dict[str, list[tuple[float, float, int]]] = {label: [] for _, label, _ in commands}
    for r in range(runs):
        ctx.log(f"  run {r + 1}/{runs}")
        for _, label, cmd in commands:
            samples[label].append(_timed_process(cmd))
    table_rows = []
    checks = []
    for system, label, _ in commands:
        secs = [s[0] for s in samples[label]]
        codes = {s[2] for s in samples[label]}
        table_rows.append(
            [f"{system}: {label}", *wall_cells(secs), fmt_mb(max(s[1] for s in samples[label]))]
        )
        checks.append(
            check(f"{system}: {label} exits 0", codes == {0}, f"exit codes {sorted(codes)}")
        )
    del env_python

    def med(label: str) -> float:
        return statistics.median(s[0] for s in samples[label])

    summary = []
    if ctx.peers:
        summary.append(
            summary_row(
                "6. Cold start",
                "import, wall time (median)",
                med("`python -c 'import mvps'`"),
                "Feast",
                med("`python -c 'import feast'`"),
                fmt_s,
            )
        )
        summary.append(
            summary_row(
                "6. Cold start",
                "CLI --help, wall time (median)",
                med("`mvps --help`"),
                "Feast",
                med("`feast --help`"),
                fmt_s,
            )
        )
    return {
        "table": {
            "columns": ["Command", "min", "median", "max", "peak RSS"],
            "rows": table_rows,
        },
        "summary": summary,
        "checks": checks,
        "notes": [
            f"{runs} fresh process(es) per command, alternating"
            + (
                ""
                if ctx.smoke
                else ", after one unmeasured run of each (so both read their "
                "files from the page cache)"
            )
            + ". Wall time from spawn to exit; peak RSS from `wait4`.",
            "The Python of each system's own environment (`import mvps` in the project's, "
            "`import feast` in `benchmarks/.venv-feast`).",
        ],
    }


# ---------------------------------------------------------------------- other scripts


def _script(ctx: Context, script: str, args: list[str]) -> tuple[str, float]:
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, f"benchmarks/{script}", *args],
        capture_output=True,
        text=True,
        cwd=envs.REPO,
        env={**os.environ, "PYTHONPATH": str(envs.REPO)},
        timeout=3600,
    )
    out = proc.stdout.strip()
    if proc.returncode != 0:
        out += "\n" + "\n".join(proc.stderr.strip().splitlines()[-10:])
    return out, time.perf_counter() - t0


def validation(ctx: Context) -> dict[str, Any]:
    """``benchmarks/validation_bench.py``: 20 expectations, native engine vs Great Expectations."""
    rows = max(10_000, round(1_000_000 * ctx.scale))
    args = ["--rows", str(rows)]
    if ctx.smoke:
        args += ["--repeat", "1", "--ge-repeat", "1"]
    out, _ = _script(ctx, "validation_bench.py", args)
    native = _grab(r"native \(Arrow table\):\s+median\s+([\d.]+) s", out)
    ge = _grab(r"great_expectations \(pandas\):\s+median\s+([\d.]+) s", out)
    agree = "success flags agree with GE" in out
    return {
        "command": f"python benchmarks/validation_bench.py {' '.join(args)}",
        "output": out,
        "summary": [
            summary_row(
                "Validation (20 expectations)",
                f"{rows:,} rows, wall time (median)",
                native,
                "Great Expectations",
                ge,
                fmt_s,
                "≥ 5× faster (ratio ≤ 0.2)",
                None if (native is None or ge is None) else native / ge <= 0.2,
            )
        ],
        "checks": [check("validation results agree with Great Expectations", agree, "")],
        "notes": ["Figures printed by the script; see its docstring for the method."],
    }


def statistics_section(ctx: Context) -> dict[str, Any]:
    """``benchmarks/statistics_bench.py``: descriptive statistics of 1M rows x 20 columns."""
    rows = max(10_000, round(1_000_000 * ctx.scale))
    args = ["--rows", str(rows)]
    if ctx.smoke:
        args += ["--repeat", "1"]
    out, _ = _script(ctx, "statistics_bench.py", args)
    default = _grab(r"default:\s+([\d.]+) s", out)
    return {
        "command": f"python benchmarks/statistics_bench.py {' '.join(args)}",
        "output": out,
        "summary": [
            summary_row(
                "Statistics (20 columns)",
                f"{rows:,} rows, default config (best)",
                default,
                "",
                None,
                fmt_s,
                "< 2 s at 1M rows",
                (default < 2.0) if (default is not None and rows == 1_000_000) else None,
            )
        ],
        "checks": [check("statistics benchmark completed", default is not None, "")],
        "notes": ["Figures printed by the script (no peer); see its docstring for the method."],
    }


def _grab(pattern: str, text: str) -> float | None:
    m = re.search(pattern, text)
    return float(m.group(1)) if m else None


# ---------------------------------------------------------------------- 4. and 5. over HTTP


def _serving_missing() -> str | None:
    """Why the HTTP workloads cannot run yet, or None."""
    import importlib.util

    if importlib.util.find_spec("mvps.serving") is None:
        return "mvps has no serving package yet (`src/mvps/serving`)"
    if importlib.util.find_spec("mvps.serving.cli") is None:
        return "mvps has no `mvps serve` command yet (`src/mvps/serving/cli.py`)"
    return None


def _http_plan(ctx: Context) -> dict[str, Any]:
    """Durations and rates of the HTTP workloads (tiny for smoke runs)."""
    if ctx.smoke:  # correctness only: a short run at a low rate, no ramp
        return {"duration": 1.0, "warmup": 0.5, "ramp": [], "step": 1.0, "rate_cap": 100.0}
    return {
        "duration": 10.0,
        "warmup": 2.0,
        "ramp": [
            250.0,
            500.0,
            1000.0,
            1500.0,
            2000.0,
            3000.0,
            4000.0,
            5000.0,
            6000.0,
            8000.0,
            10000.0,
            12000.0,
            16000.0,
        ],
        "step": 5.0,
    }


P99_LIMIT_MS = 10.0


def rps(x: float | None, rates: Sequence[float]) -> str:
    """A request rate; ``≥`` when it is the highest rate the ramp tries."""
    if x is None:
        return "-"
    return f"{'≥ ' if rates and x == rates[-1] else ''}{x:,.0f} req/s"


def _serve_mvps(home: Path, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "mvps.cli",
        "serve",
        "--home",
        str(home),
        "--project",
        "bench",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--log-level",
        "error",
    ]


def _http_runs(
    ctx: Context,
    systems: list[dict[str, Any]],
    rate: float,
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, Any], dict[str, Any], dict[str, float]]:
    """Alternating fixed-rate runs, then one ramp per system; a fresh server each time.

    Each system: ``label``, ``cmd(port)``, ``health``, ``requests``, ``check(url)`` and
    optionally ``after_start(url)`` and ``ramp`` (False: fixed-rate runs only). Returns
    fixed-rate results, ramp results, check results and peak RSS per label.
    """
    plan = _http_plan(ctx)
    fixed: dict[str, list[dict[str, Any]]] = {s["label"]: [] for s in systems}
    ramps: dict[str, Any] = {}
    checks: dict[str, Any] = {}
    peaks: dict[str, float] = {}
    logs = ctx.work / "server-logs"

    def session(sys_: dict[str, Any]) -> Any:
        return serving.server(sys_["cmd"], sys_["health"], logs / f"{sys_['key']}.log")

    for r in range(ctx.runs):
        for sys_ in systems:
            label = sys_["label"]
            ctx.log(f"  run {r + 1}/{ctx.runs}: {label} at {rate:.0f} req/s")
            try:
                with session(sys_) as srv:
                    if sys_.get("after_start"):
                        sys_["after_start"](srv.url)
                    answer = sys_["check"](srv.url)
                    checks.setdefault(label, answer)
                    serving.warm_up(srv.url, sys_["requests"])
                    fixed[label].append(
                        serving.load(
                            srv.port, sys_["requests"], rate, plan["duration"], plan["warmup"]
                        )
                    )
                peaks[label] = max(peaks.get(label, 0.0), srv.peak_rss_mb)
            except Exception as exc:
                ctx.log(f"    failed: {exc}")
                fixed[label].append({"error": str(exc)[:300]})
    for sys_ in [s for s in systems if s.get("ramp", True)] if plan["ramp"] else []:
        label = sys_["label"]
        ctx.log(f"  highest sustainable rate: {label}")
        try:
            with session(sys_) as srv:
                if sys_.get("after_start"):
                    sys_["after_start"](srv.url)
                serving.warm_up(srv.url, sys_["requests"])
                best, steps = serving.ramp(
                    srv.port,
                    sys_["requests"],
                    plan["ramp"],
                    plan["step"],
                    1.0 if not ctx.smoke else 0.5,
                    P99_LIMIT_MS,
                    log=ctx.log,
                )
            ramps[label] = {"best": best, "steps": steps}
        except Exception as exc:
            ctx.log(f"    failed: {exc}")
            ramps[label] = {"error": str(exc)[:300]}
    return fixed, ramps, checks, peaks


def _http_section(
    ctx: Context,
    workload: str,
    rate: float,
    systems: list[dict[str, Any]],
    fixed: dict[str, list[dict[str, Any]]],
    ramps: dict[str, Any],
    checks: dict[str, Any],
    peaks: dict[str, float],
    target: tuple[float, float],
) -> dict[str, Any]:
    rows = []
    pooled: dict[str, dict[str, float]] = {}
    for sys_ in systems:
        label = sys_["label"]
        good = ok_runs(fixed[label])
        rp = ramps.get(label, {})
        best = rp.get("best")
        ramp_rates = _http_plan(ctx)["ramp"]
        if not rp:
            best_cell = "not measured"
        elif "error" in rp:
            best_cell = "failed"
        else:
            best_cell = rps(best, ramp_rates) if best else f"< {ramp_rates[0]:,.0f} req/s"
        if not good:
            rows.append([label, "failed: " + first_error(fixed[label]), *[""] * 6, best_cell])
            continue
        med = {
            k: statistics.median(g[k] for g in good)
            for k in ("achieved", "p50_ms", "p99_ms", "service_p50_ms", "service_p99_ms")
        }
        med["errors"] = sum(g["errors"] for g in good)
        pooled[label] = med
        rows.append(
            [
                label,
                f"{med['achieved']:,.0f}",
                f"{med['p50_ms']:.2f} ms",
                f"{med['p99_ms']:.2f} ms",
                f"{med['service_p50_ms']:.2f} ms",
                f"{med['service_p99_ms']:.2f} ms",
                str(med["errors"]),
                fmt_mb(peaks.get(label)),
                best_cell,
            ]
        )
    check_rows = []
    extras = [s for s in systems if s.get("extra")]  # mvps variants, judged on their own
    systems = [s for s in systems if not s.get("extra")]  # mvps, then the peer
    labels = [s["label"] for s in systems]
    got = {k: v for k, v in checks.items() if v is not None}
    if len(labels) > 1:
        a, b = labels[0], labels[1]
        if a in got and b in got:
            check_rows.append(
                check(
                    f"answers for 200 fixed keys: {a} = {b}",
                    got[a] == got[b],
                    f"{got[a]} vs {got[b]}",
                )
            )
        else:
            check_rows.append(check("both servers answered", False, f"answered: {sorted(got)}"))
    elif labels and labels[0] not in got:
        check_rows.append(check(f"{labels[0]} answered", False, ""))
    for label in labels + [e["label"] for e in extras]:
        if label in pooled and pooled[label]["errors"]:
            check_rows.append(
                check(f"{label}: no failed requests", False, f"{pooled[label]['errors']} errors")
            )
    m = pooled.get(labels[0], {})
    p = pooled.get(labels[1], {}) if len(labels) > 1 else {}
    judged = not ctx.smoke  # the targets are for the full rate
    peer = systems[1]["peer"] if len(systems) > 1 else ""

    def ms(x: float | None) -> str:
        return "-" if x is None else f"{x:.2f} ms"

    summary = [
        summary_row(
            workload,
            f"p50 at {rate:,.0f} req/s (from schedule)",
            m.get("p50_ms"),
            peer,
            p.get("p50_ms"),
            ms,
            f"< {target[0]:g} ms",
            None if (m.get("p50_ms") is None or not judged) else m["p50_ms"] < target[0],
        ),
        summary_row(
            workload,
            f"p99 at {rate:,.0f} req/s (from schedule)",
            m.get("p99_ms"),
            peer,
            p.get("p99_ms"),
            ms,
            f"< {target[1]:g} ms",
            None if (m.get("p99_ms") is None or not judged) else m["p99_ms"] < target[1],
        ),
    ]
    for extra in extras:
        e = pooled.get(extra["label"], {})
        metric, limit = extra["extra"]
        summary.append(
            summary_row(
                workload,
                f"{metric}: p50 at {rate:,.0f} req/s (from schedule)",
                e.get("p50_ms"),
                "",
                None,
                ms,
                f"< {limit:g} ms",
                None if (e.get("p50_ms") is None or not judged) else e["p50_ms"] < limit,
            )
        )
    mb = ramps.get(labels[0], {}).get("best")
    pb = ramps.get(labels[1], {}).get("best") if len(labels) > 1 else None

    rates = _http_plan(ctx)["ramp"]
    row = summary_row(
        workload,
        f"highest sustainable rate (p99 ≤ {P99_LIMIT_MS:g} ms; higher is better)",
        mb,
        peer,
        pb,
        lambda x: rps(x, rates),
    )
    row["ratio"] = ratio(mb, pb)
    if rates and mb == rates[-1]:
        row["ratio_prefix"] = "≥ "
    summary.append(row)
    if mb and pb:  # latency where both keep up: the highest rate the slower one sustains
        common = min(mb, pb)
        at = {
            label: next((st for st in ramps[label]["steps"] if st["rate"] == common), None)
            for label in labels[:2]
        }
        a, b = at[labels[0]], at[labels[1]]
        if a is not None and b is not None:
            for key, name in (("p50_ms", "p50"), ("p99_ms", "p99")):
                summary.append(
                    summary_row(
                        workload,
                        f"{name} at {common:,.0f} req/s (highest rate both sustain)",
                        a[key],
                        peer,
                        b[key],
                        ms,
                    )
                )
    summary.append(
        summary_row(
            workload,
            "server peak memory",
            peaks.get(labels[0]),
            peer,
            peaks.get(labels[1]) if len(labels) > 1 else None,
            fmt_mb,
        )
    )
    plan = _http_plan(ctx)
    ramp_lines = []
    for label in labels:
        steps = ramps.get(label, {}).get("steps", [])
        if steps:
            ramp_lines.append(
                f"Ramp, {label}: "
                + "; ".join(
                    f"{s['rate']:,.0f} → {s['achieved']:,.0f} req/s, p99 {s['p99_ms']:.1f} ms"
                    + (f", {s['errors']} errors" if s["errors"] else "")
                    for s in steps
                )
            )
    return {
        "table": {
            "columns": [
                "System",
                f"achieved req/s (offered {rate:,.0f})",
                "p50",
                "p99",
                "p50 service",
                "p99 service",
                "errors",
                "server peak RSS",
                f"highest sustainable rate (p99 ≤ {P99_LIMIT_MS:g} ms)",
            ],
            "rows": rows,
        },
        "summary": summary,
        "checks": check_rows,
        "notes": [
            f"Open-loop load (requests sent on schedule, whether or not earlier ones were "
            f"answered) over 32 keep-alive connections from the load generator of "
            f"`benchmarks/serving_bench.py`, pinned to CPU 1; the server (one worker process) "
            f"pinned to CPU 0. Fixed rate: {plan['duration']:g} s measured after "
            f"{plan['warmup']:g} s of warm-up, {ctx.runs} run(s) per system alternating, a "
            "fresh server each run; medians over runs.",
            "Latency is measured from the time a request was scheduled (so waiting for a "
            "connection counts; an overloaded server shows growing latency instead of a "
            "lower rate) and, as 'service', from the time it was written to the socket.",
            f"Highest sustainable rate: increasing rates ({', '.join(f'{r:g}' for r in plan['ramp'])} "
            f"req/s, {plan['step']:g} s each after 1 s of warm-up, the first after 3 s of "
            "unmeasured load at the lowest rate) until the server falls "
            "behind (achieves less than 97% of the offered rate); the highest rate with no "
            f"errors and p99 ≤ {P99_LIMIT_MS:g} ms counts. The load generator is a single "
            "Python process: the highest rates measure the client as much as the server.",
            *ramp_lines,
        ],
    }


def http(ctx: Context) -> dict[str, Any]:
    """Feature vectors over HTTP: ``mvps serve`` vs ``feast serve``."""
    missing = _serving_missing()
    if missing:
        return {"skipped": f"Not measured: {missing}."}
    import random

    from benchmarks.feast_worker import ONLINE_REFS

    n = ctx.manifest["tables"]["profile"]["rows"]
    base = ctx.fresh_dir("http")
    home = base / "mvps"
    repo = base / "feast"
    ctx.log("  setup: mvps")
    run_worker("mvps", {"workload": "online_setup", "home": str(home), "files": ctx.files})
    if ctx.peers:
        ctx.log("  setup: Feast")
        run_worker("feast", {"workload": "online_setup", "repo": str(repo), "files": ctx.files})
    rng = random.Random(7)
    keys = [rng.randrange(n) for _ in range(5000)]
    check_keys = sorted(random.Random(3).sample(range(n), min(200, n)))
    columns = ["customer_id", *data.PROFILE_FEATURES, *data.ACTIVITY_FEATURES]

    def mvps_check(url: str) -> Any:
        out = serving.http_json(
            url + "/v1/feature-views/online/1/vector",
            {"entries": [{"customer_id": k} for k in check_keys]},
        )
        frame = pd.DataFrame(out["vectors"], columns=out["features"])[columns]
        return "{rows} vectors, checksum {checksum}".format(**frame_checksum(frame, columns))

    def feast_check(url: str) -> Any:
        out = serving.http_json(
            url + "/get-online-features",
            {"features": ONLINE_REFS, "entities": {"customer_id": check_keys}},
        )
        names = out["metadata"]["feature_names"]
        frame = pd.DataFrame({n_: r["values"] for n_, r in zip(names, out["results"], strict=True)})
        return "{rows} vectors, checksum {checksum}".format(
            **frame_checksum(frame[columns], columns)
        )

    systems = [
        {
            "key": "mvps",
            "label": "mvps serve",
            "cmd": lambda port: _serve_mvps(home, port),
            "health": "/healthz",
            "requests": [
                serving.raw_post("/v1/feature-views/online/1/vector", {"entry": {"customer_id": k}})
                for k in keys
            ],
            "check": mvps_check,
        }
    ]
    if ctx.peers:
        feast_bin = str(Path(envs.python("feast")).parent / "feast")
        systems.append(
            {
                "key": "feast",
                "label": "feast serve",
                "peer": "feast serve",
                "cmd": lambda port: [
                    feast_bin,
                    "-c",
                    str(repo),
                    "serve",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "--no-access-log",
                    "--max-requests",
                    "0",
                ],
                "health": "/health",
                "requests": [
                    serving.raw_post(
                        "/get-online-features",
                        {"features": ONLINE_REFS, "entities": {"customer_id": [k]}},
                    )
                    for k in keys
                ],
                "check": feast_check,
            }
        )
    rate = min(2000.0, _http_plan(ctx).get("rate_cap", 2000.0))
    try:
        fixed, ramps, checks, peaks = _http_runs(ctx, systems, rate)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    section = _http_section(
        ctx, "4. Online vector over HTTP", rate, systems, fixed, ramps, checks, peaks, (1.0, 3.0)
    )
    section["notes"].insert(
        0,
        f"The view of workload 3 (two groups, {n:,} customers) on the SQLite online store. "
        "mvps: `mvps serve --workers 1`, `POST /v1/feature-views/online/1/vector` with "
        '`{"entry": {"customer_id": k}}`. Feast: `feast serve --no-access-log --max-requests 0` '
        "(1 worker; by default its gunicorn worker restarts every 1,000 requests, which drops "
        "the open connections), `POST /get-online-features` with the 8 feature references "
        "and one entity. Random keys; 200 requests one by one before each measurement.",
    )
    return section


def _train_pipeline(ctx: Context, path: Path) -> tuple[list[str], dict[int, list[float]]]:
    """A scaler + logistic regression on 6 numeric features of the online view.

    Returns the feature columns and each customer's feature values (what an MLflow
    client has to send, since MLflow serves no features).
    """
    import joblib
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    cols = ["age", "income", "credit_score", "tx_30d", "amount_30d", "risk"]
    profile = pq.read_table(ctx.files["profile"]).to_pandas()
    activity = pq.read_table(ctx.files["activity"]).to_pandas()
    joined = profile.merge(activity, on="customer_id").sort_values("customer_id")
    x = joined[cols].astype("float64")
    y = ((joined["risk"] > 0.6) & (joined["amount_30d"] > 150.0)).astype("int64")
    pipeline = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    pipeline.fit(x, y)
    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(pipeline, path)
    values = dict(zip(joined["customer_id"].tolist(), x.to_numpy().tolist(), strict=True))
    return cols, values


def predict(ctx: Context) -> dict[str, Any]:
    """End-to-end prediction over HTTP: mvps deployment vs ``mlflow models serve``."""
    missing = _serving_missing()
    if missing:
        return {"skipped": f"Not measured: {missing}."}
    import random

    n = ctx.manifest["tables"]["profile"]["rows"]
    base = ctx.fresh_dir("predict")
    home = base / "mvps"
    pipeline = base / "pipeline.pkl"
    cols, values = _train_pipeline(ctx, pipeline)
    ctx.log("  setup: mvps")
    run_worker(
        "mvps",
        {
            "workload": "predict_setup",
            "home": str(home),
            "files": ctx.files,
            "pipeline": str(pipeline),
        },
    )
    model_dir = base / "mlflow-model"
    if ctx.peers:
        ctx.log("  setup: MLflow")
        run_worker(
            "mlflow", {"workload": "save", "pipeline": str(pipeline), "model_dir": str(model_dir)}
        )
    rng = random.Random(7)
    keys = [rng.randrange(n) for _ in range(5000)]
    check_keys = sorted(random.Random(3).sample(range(n), min(200, n)))

    def mvps_start(start: str, stop: str) -> Callable[[str], None]:
        def after_start(url: str) -> None:
            run_worker(
                "mvps",
                {"workload": "predict_start", "home": str(home), "start": start, "stop": stop},
            )

        return after_start

    def summary(predictions: list[Any]) -> str:
        labels = [int(p) for p in predictions]
        digest = frame_checksum(pd.DataFrame({"p": labels}), ["p"])["checksum"]
        return f"{len(labels)} predictions, {sum(labels)} positive, checksum {digest}"

    def mvps_check(url: str) -> Any:
        out = serving.http_json(
            url + "/v1/models/benchmodel:predict",
            {"instances": [{"customer_id": k} for k in check_keys]},
        )
        return summary(out["predictions"])

    def noop_check(url: str) -> Any:
        out = serving.http_json(
            url + "/v1/models/noopmodel:predict",
            {"instances": [{"customer_id": k} for k in check_keys]},
        )
        return f"{len(out['predictions'])} answers"

    def mlflow_check(url: str) -> Any:
        out = serving.http_json(
            url + "/invocations",
            {"dataframe_split": {"columns": cols, "data": [values[k] for k in check_keys]}},
        )
        return summary(out["predictions"])

    systems = [
        {
            "key": "mvps",
            "label": "mvps serve (deployment)",
            "cmd": lambda port: _serve_mvps(home, port),
            "health": "/healthz",
            "after_start": mvps_start("benchmodel", "noopmodel"),
            "requests": [
                serving.raw_post(
                    "/v1/models/benchmodel:predict", {"instances": [{"customer_id": k}]}
                )
                for k in keys
            ],
            "check": mvps_check,
        }
    ]
    noop = {
        "key": "mvps-noop",
        "label": "mvps serve (no-op model)",
        "cmd": lambda port: _serve_mvps(home, port),
        "health": "/healthz",
        "after_start": mvps_start("noopmodel", "benchmodel"),
        "requests": [
            serving.raw_post("/v1/models/noopmodel:predict", {"instances": [{"customer_id": k}]})
            for k in keys
        ],
        "check": noop_check,
        "ramp": False,
        "extra": ("platform overhead (the same deployment with a no-op model)", 0.5),
    }
    if ctx.peers:
        mlflow_bin = str(Path(envs.python("mlflow")).parent / "mlflow")
        systems.append(
            {
                "key": "mlflow",
                "label": "mlflow models serve",
                "peer": "MLflow",
                "cmd": lambda port: [
                    mlflow_bin,
                    "models",
                    "serve",
                    "-m",
                    str(model_dir),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(port),
                    "--env-manager",
                    "local",
                    "-w",
                    "1",
                ],
                "health": "/ping",
                "requests": [
                    serving.raw_post(
                        "/invocations",
                        {"dataframe_split": {"columns": cols, "data": [values[k]]}},
                    )
                    for k in keys
                ],
                "check": mlflow_check,
            }
        )
    systems.append(noop)
    rate = min(1000.0, _http_plan(ctx).get("rate_cap", 1000.0))
    try:
        fixed, ramps, checks, peaks = _http_runs(ctx, systems, rate)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    section = _http_section(
        ctx, "5. Prediction over HTTP", rate, systems, fixed, ramps, checks, peaks, (2.0, 10.0)
    )
    section["notes"].insert(
        0,
        "The same scikit-learn pipeline (StandardScaler + LogisticRegression on 6 numeric "
        "features, pickled once with the project's scikit-learn and served by both). mvps: "
        "registered with `feature_view=` and deployed with the default predictor; a request "
        '`POST /v1/models/benchmodel:predict {"instances": [{"customer_id": k}]}` looks the '
        "features up in the online store (two groups) and predicts. MLflow: "
        "`mlflow models serve --env-manager local -w 1`; MLflow serves no features, so its "
        "request carries the 6 feature values (`dataframe_split`): the MLflow figures do not "
        "include a feature lookup.",
    )
    section["notes"].insert(
        1,
        "Platform overhead: the same project, feature view, request and default predictor "
        "with the model replaced by one whose `predict` only counts the non-zero values of "
        "each row (`functools.partial(numpy.count_nonzero, axis=1)`, microseconds), so its "
        "latency is everything but `model.predict`: HTTP, JSON, the online lookup from two "
        "groups and building the model's input. Measured like the others, without a ramp.",
    )
    return section
