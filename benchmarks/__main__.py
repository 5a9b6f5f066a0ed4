"""``python -m benchmarks``: mvps side by side with Feast, results in ``benchmarks/RESULTS.md``.

Examples::

    python -m benchmarks all                 # every workload at full scale (make bench)
    python -m benchmarks smoke               # tiny scale, checks only (make bench-smoke)
    python -m benchmarks pit --scale 0.1     # one workload
    python -m benchmarks online coldstart --runs 5

Data is generated once per scale under ``benchmarks/.data/`` (deterministic Parquet);
Feast is installed into ``benchmarks/.venv-feast`` on first use. Each measurement runs in
a fresh worker process, alternating mvps and the peer. The exit status is 1 when a
correctness check fails (results differ between systems), never because of speed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.harness import data, envs, report, workloads
from benchmarks.harness.common import git_describe

WORKLOADS: dict[str, Callable[[workloads.Context], dict[str, Any]]] = {
    "ingest": workloads.ingest,
    "pit": workloads.pit,
    "online": workloads.online,
    "http": workloads.http,
    "predict": workloads.predict,
    "coldstart": workloads.coldstart,
    "validation": workloads.validation,
    "statistics": workloads.statistics_section,
}
ALL = list(WORKLOADS)
SMOKE = ["ingest", "pit", "online", "http", "predict", "coldstart"]
NEEDS_DATA = {"ingest", "pit", "online", "http", "predict"}
NEEDS_FEAST = {"ingest", "pit", "online", "http", "coldstart"}
NEEDS_MLFLOW = {"predict"}

DEFAULT_OUTPUT = envs.BENCH_DIR / "RESULTS.md"
SMOKE_OUTPUT = envs.BENCH_DIR / ".data" / "smoke" / "RESULTS.md"


def log(msg: str) -> None:
    print(f"[{datetime.now().strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def parse(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Benchmarks of mvps side by side with Feast (and MLflow for serving).",
    )
    p.add_argument(
        "workloads",
        nargs="*",
        default=["all"],
        metavar="WORKLOAD",
        help=f"all, smoke, report (re-render the Markdown from the stored results), or any "
        f"of: {', '.join(ALL)} (default: all)",
    )
    p.add_argument(
        "--scale", type=float, help="data scale (1 = the sizes in RESULTS.md; smoke 0.01)"
    )
    p.add_argument("--runs", type=int, help="runs per system, alternating (default 3; smoke 1)")
    p.add_argument(
        "--output", type=Path, help="the Markdown file to write (results.json beside it)"
    )
    p.add_argument("--no-peers", action="store_true", help="measure mvps only")
    p.add_argument(
        "--redis-url",
        default="redis://127.0.0.1:6379/14",
        help="Redis for the Redis variants; keys are removed afterwards",
    )
    p.add_argument("--keep-work", action="store_true", help="keep benchmarks/.data/work")
    args = p.parse_args(argv)
    names = list(args.workloads)
    args.render_only = names == ["report"]
    if args.render_only:
        names = []
    smoke = names == ["smoke"]
    if smoke:
        names = SMOKE
    elif names == ["all"]:
        names = list(ALL)
    unknown = [n for n in names if n not in WORKLOADS]
    if unknown:
        p.error(f"unknown workload(s) {unknown}; choose from all, smoke, {', '.join(ALL)}")
    args.names = names
    args.smoke = smoke
    args.scale = args.scale if args.scale is not None else (0.01 if smoke else 1.0)
    args.runs = args.runs if args.runs is not None else (1 if smoke else 3)
    args.output = args.output or (SMOKE_OUTPUT if smoke else DEFAULT_OUTPUT)
    return args


def _loadavg() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "-"


def header(args: argparse.Namespace, command: str) -> dict[str, Any]:
    from mvps import __version__

    h: dict[str, Any] = {
        "command": command,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": envs.machine(),
        "mvps": __version__,
        "commit": git_describe(str(envs.REPO)),
        "load_start": _loadavg(),
        "noise": envs.scheduling_noise(),
        "cpu_times_start": envs.cpu_times(),
        "mvps_env": envs.package_versions(
            "mvps",
            [
                "duckdb",
                "deltalake",
                "pyarrow",
                "pandas",
                "numpy",
                "redis",
                "scikit-learn",
                "fastapi",
                "uvicorn",
                "great-expectations",
            ],
        ),
    }
    if not args.no_peers and envs.env_dir("feast").exists():
        h["feast_env"] = envs.package_versions(
            "feast", ["feast", "duckdb", "dask", "pandas", "pyarrow", "redis"]
        )
    if not args.no_peers and envs.env_dir("mlflow").exists():
        h["mlflow_env"] = envs.package_versions("mlflow", ["mlflow", "scikit-learn", "pandas"])
    return h


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse(argv)
    if args.render_only:
        results = report.load(args.output.with_suffix(".json"))
        args.output.write_text(report.render(results))
        print("\n".join(report.summary_lines(results)))
        return 0
    command = "python -m benchmarks " + " ".join(argv) if argv else "python -m benchmarks"
    work = envs.BENCH_DIR / ".data" / "work"
    if not args.no_peers:
        if NEEDS_FEAST & set(args.names):
            envs.ensure_env("feast", log)
        if NEEDS_MLFLOW & set(args.names):
            envs.ensure_env("mlflow", log)
    manifest = data.ensure(args.scale, log=log) if NEEDS_DATA & set(args.names) else None
    ctx = workloads.Context(
        scale=args.scale,
        runs=args.runs,
        work=work,
        manifest=manifest or {"tables": {}, "dir": "", "sizes": {}},
        redis_url=args.redis_url,
        peers=not args.no_peers,
        smoke=args.smoke,
        log=log,
    )
    json_path = args.output.with_suffix(".json")
    results = report.load(json_path)
    results["header"] = header(args, command)
    t_start = time.perf_counter()
    for name in args.names:
        log(f"{name} (scale {args.scale:g}, {args.runs} run(s))")
        t0 = time.perf_counter()
        try:
            section = WORKLOADS[name](ctx)
        except Exception as exc:  # keep the other workloads; report this one as failed
            log(f"{name} failed: {exc!r}")
            section = {
                "skipped": f"Failed: {type(exc).__name__}: {exc}",
                "checks": [workloads.check(f"{name} completed", False, repr(exc)[:300])],
            }
        section.setdefault("command", command)
        section.setdefault("date", results["header"]["date"])
        section.setdefault("commit", results["header"]["commit"])
        section["scale"] = args.scale
        section["runs"] = args.runs
        results["sections"][name] = section
        log(f"{name} done in {time.perf_counter() - t0:.0f} s")
        results["header"]["load_end"] = _loadavg()
        steal = envs.steal_share(results["header"].pop("cpu_times_start", None), envs.cpu_times())
        results["header"]["steal"] = None if steal is None else round(steal, 4)
        report.save(json_path, results)
        args.output.write_text(report.render(results))
    if not args.keep_work:
        shutil.rmtree(work, ignore_errors=True)
    print("\n".join(report.summary_lines(results)))
    failed = [
        (name, c)
        for name in args.names
        for c in results["sections"][name].get("checks", [])
        if not c["ok"]
    ]
    for name, c in failed:
        print(f"FAILED check in {name}: {c['name']} ({c['detail']})", file=sys.stderr)
    out = (
        args.output.relative_to(envs.REPO) if args.output.is_relative_to(envs.REPO) else args.output
    )
    log(f"wrote {out} in {time.perf_counter() - t_start:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
