"""Serving latency over HTTP at a fixed request rate: feature vectors and predictions.

Builds a project in a temporary directory: two online feature groups (``--rows``
customers, 1,000 merchants), a feature view joining them with a label, a training
dataset, and a scikit-learn Pipeline (scaler + logistic regression) saved with
``feature_view=`` and deployed with the default predictor. It then starts
``mvps serve --workers N`` and drives it from a separate process with an open-loop
load generator: requests are scheduled at a fixed rate (they do not wait for earlier
answers) over keep-alive connections, written as raw HTTP/1.1 with asyncio streams so
the client adds little overhead. Scenarios:

* ``fv``: ``POST /v1/feature-views/bench/1/vector`` with one random key (two groups);
* ``predict``: ``POST /v1/models/benchfraud:predict`` with one random key (lookup,
  transformations, the pipeline's ``predict``).

For each it prints the achieved rate, errors and latency percentiles in milliseconds,
measured from when a request was written ("service") and from when it was scheduled
("scheduled", which also counts waiting for a free connection and the client's own
lag). The OS places server and load generator on the machine's cores (``--pin`` puts
the server on the first cores and the load generator on the last one). Results are
printed, not stored. uvicorn serves with httptools and uvloop when they are installed
(``pip install "uvicorn[standard]"``); the pure-Python h11 fallback is several times
slower.

Run: ``python benchmarks/serving_bench.py [--scenario fv|predict|all] [--duration 20]
[--fv-rate 2000] [--predict-rate 1000] [--workers 1] [--connections 32] [--rows 100000]
[--pin]``
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing as mp
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SCENARIOS = {
    "fv": ("/v1/feature-views/bench/1/vector", "entry"),
    "predict": ("/v1/models/benchfraud:predict", "instances"),
}


# ---------------------------------------------------------------------- project


def build_project(home: Path, rows: int) -> Any:
    """Feature groups, feature view, model and deployment (not started)."""
    import joblib
    import numpy as np
    import pandas as pd
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    import mvps

    project = mvps.login(home=str(home))
    fs = project.get_feature_store()
    rng = np.random.default_rng(42)
    ts = pd.Timestamp("2024-01-01", tz="UTC")
    n_merchants = 1000
    merchants = pd.DataFrame(
        {
            "merchant_id": np.arange(n_merchants),
            "ts": ts,
            "risk": rng.random(n_merchants),
            "chargebacks": rng.integers(0, 50, n_merchants),
            "category": rng.choice(["grocery", "travel", "online", "fuel"], n_merchants),
        }
    )
    customers = pd.DataFrame(
        {
            "customer_id": np.arange(rows),
            "ts": ts,
            "age": rng.integers(18, 90, rows),
            "income": rng.normal(50_000, 15_000, rows),
            "tx_count": rng.integers(0, 500, rows),
            "avg_amount": rng.gamma(2.0, 40.0, rows),
            "merchant_id": rng.integers(0, n_merchants, rows),
        }
    )
    risk = merchants["risk"].to_numpy()[customers["merchant_id"]]
    customers["is_fraud"] = ((risk > 0.7) & (customers["avg_amount"] > 100)).astype("int64")
    cg = fs.get_or_create_feature_group(
        "customers",
        1,
        primary_key=["customer_id"],
        event_time="ts",
        online_enabled=True,
        statistics_config=False,
    )
    cg.insert(customers)
    mg = fs.get_or_create_feature_group(
        "merchants",
        1,
        primary_key=["merchant_id"],
        event_time="ts",
        online_enabled=True,
        statistics_config=False,
    )
    mg.insert(merchants)
    query = cg.select(["age", "income", "tx_count", "avg_amount", "merchant_id", "is_fraud"]).join(
        mg.select(["risk", "chargebacks"]), on=["merchant_id"]
    )
    fv = fs.get_or_create_feature_view("bench", query, 1, labels=["is_fraud"])
    x_train, _x_test, y_train, _y_test = fv.train_test_split(0.2, seed=1)
    pipeline = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500))
    pipeline.fit(x_train.to_numpy(dtype=float), y_train["is_fraud"])
    model_dir = home / "model"
    model_dir.mkdir(parents=True, exist_ok=True)
    joblib.dump(pipeline, model_dir / "pipeline.pkl")
    model = (
        project.get_model_registry()
        .sklearn.create_model(
            "benchfraud",
            feature_view=fv,
            metrics={
                "accuracy": float(
                    pipeline.score(x_train.to_numpy(dtype=float), y_train["is_fraud"])
                )
            },
        )
        .save(model_dir)
    )
    model.deploy(name="benchfraud")
    return project


def in_process_costs(project: Any, rows: int) -> dict[str, float]:
    """Microseconds per call of the pieces of a prediction, without HTTP."""
    import joblib

    fv = project.get_feature_store().get_feature_view("bench", 1)
    fv.init_serving()
    model = project.get_model_registry().get_model("benchfraud", 1)
    pipeline = joblib.load(Path(model.model_files_path) / "pipeline.pkl")
    keys = [{"customer_id": random.randrange(rows)} for _ in range(2000)]

    def per_call(fn: Any, args: list[Any]) -> float:
        for a in args[:200]:
            fn(a)
        t0 = time.perf_counter()
        for a in args:
            fn(a)
        return (time.perf_counter() - t0) / len(args) * 1e6

    vectors = [fv.get_feature_vector(k) for k in keys[:500]]
    import numpy as np

    return {
        "feature vector (2 lookups)": per_call(fv.get_feature_vector, keys),
        "pipeline.predict (1 row)": per_call(
            lambda v: pipeline.predict(np.asarray([v], dtype=float)), vectors
        ),
    }


# ---------------------------------------------------------------------- server


def start_server(project: Any, workers: int) -> tuple[subprocess.Popen[bytes], dict[str, Any]]:
    from mvps.serving import process

    process.serving_dir(project).mkdir(parents=True, exist_ok=True)
    cmd = [*process.serve_command(project, "127.0.0.1", 0, workers), "--log-level", "error"]
    with open(process.server_log(project), "ab") as log:  # the child keeps its own descriptor
        server = subprocess.Popen(
            cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    try:
        return server, process.wait_for_server(project, server.pid, timeout=120)
    except Exception:
        server.kill()
        raise


def pin(pid: int, cpus: set[int]) -> None:
    """Pin a process and its children (the workers) to ``cpus``."""
    pids = [pid]
    with contextlib.suppress(OSError):
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    for p in pids:
        with contextlib.suppress(OSError):
            os.sched_setaffinity(p, cpus)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its children (the workers)."""
    total = 0.0
    pids = [pid]
    with contextlib.suppress(OSError):
        pids += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    tick = os.sysconf("SC_CLK_TCK")
    for p in pids:
        with contextlib.suppress(OSError, IndexError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


# ---------------------------------------------------------------------- load generator


SPIN = 0.002  # the load generator polls instead of sleeping this long before each send


def _request(path: str, body: bytes) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nhost: bench\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\n\r\n"
    ).encode() + body


async def _load(
    host: str,
    port: int,
    requests: list[bytes],
    rate: float,
    duration: float,
    warmup: float,
    connections: int,
) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(connections):
        pool.put_nowait(await asyncio.open_connection(host, port))
    service: list[float] = []
    scheduled: list[float] = []
    errors: dict[str, int] = {}
    done_at: list[float] = []
    clock = time.perf_counter

    async def one(data: bytes, t_sched: float, measure: bool) -> None:
        reader, writer = await pool.get()
        t_send = clock()
        try:
            writer.write(data)
            head = await reader.readuntil(b"\r\n\r\n")
            status = head[9:12]
            lower = head.lower()
            i = lower.find(b"content-length:")
            n = int(lower[i + 15 : lower.find(b"\r\n", i)]) if i >= 0 else 0
            await reader.readexactly(n)
        except (OSError, asyncio.IncompleteReadError) as exc:
            errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
            reader, writer = await asyncio.open_connection(host, port)
            pool.put_nowait((reader, writer))
            return
        t_done = clock()
        pool.put_nowait((reader, writer))
        if status != b"200":
            errors[status.decode()] = errors.get(status.decode(), 0) + 1
        if measure:
            service.append(t_done - t_send)
            scheduled.append(t_done - t_sched)
            done_at.append(t_done)

    tasks: set[asyncio.Task[None]] = set()
    start = clock() + 0.05
    total = int(rate * (warmup + duration))
    n_warm = int(rate * warmup)
    max_lag = 0.0
    for i in range(total):
        t_sched = start + i / rate
        # asyncio's sleep wakes up to 1 ms late (epoll's timeout is in milliseconds):
        # sleep until shortly before the scheduled time, then keep the loop turning
        # (answers are still read) until it comes
        delay = t_sched - clock()
        if delay > SPIN:
            await asyncio.sleep(delay - SPIN)
        while clock() < t_sched:
            await asyncio.sleep(0)
        max_lag = max(max_lag, clock() - t_sched)
        task = loop.create_task(one(requests[i % len(requests)], t_sched, i >= n_warm))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.gather(*tasks)
    measured_start = start + n_warm / rate
    elapsed = (max(done_at) - measured_start) if done_at else 0.0
    while not pool.empty():
        _, w = pool.get_nowait()
        w.close()
    return {
        "service": service,
        "scheduled": scheduled,
        "errors": errors,
        "achieved": len(done_at) / elapsed if elapsed else 0.0,
        "max_lag_ms": max_lag * 1e3,
    }


def load_generator(args: dict[str, Any], out: Any) -> None:
    """Process entry point: run one scenario and send the results back."""
    if args.get("cpus"):
        os.sched_setaffinity(0, set(args["cpus"]))
    result = asyncio.run(
        _load(
            args["host"],
            args["port"],
            args["requests"],
            args["rate"],
            args["duration"],
            args["warmup"],
            args["connections"],
        )
    )
    out.put(result)


def percentiles(samples: list[float]) -> dict[str, float]:
    if len(samples) < 2:
        return {}
    q = statistics.quantiles(samples, n=1000, method="inclusive")
    return {
        "p50": q[499] * 1e3,
        "p90": q[899] * 1e3,
        "p99": q[989] * 1e3,
        "p99.9": q[998] * 1e3,
        "max": max(samples) * 1e3,
    }


def run_scenario(
    name: str,
    info: dict[str, Any],
    server_pid: int,
    rows: int,
    rate: float,
    args: argparse.Namespace,
    cpus: set[int] | None,
) -> dict[str, Any]:
    path, kind = SCENARIOS[name]
    rng = random.Random(7)
    bodies = []
    for _ in range(5000):
        key = {"customer_id": rng.randrange(rows)}
        payload = {"entry": key} if kind == "entry" else {"instances": [key]}
        bodies.append(_request(path, json.dumps(payload).encode()))
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    job = {
        "host": "127.0.0.1",
        "port": int(info["port"]),
        "requests": bodies,
        "rate": rate,
        "duration": args.duration,
        "warmup": args.warmup,
        "connections": args.connections,
        "cpus": sorted(cpus) if cpus else None,
    }
    cpu0 = cpu_seconds(server_pid)
    t0 = time.monotonic()
    proc = ctx.Process(target=load_generator, args=(job, queue))
    proc.start()
    result = queue.get(timeout=args.duration + args.warmup + 300)
    proc.join()
    wall = time.monotonic() - t0
    result["server_cpu"] = (cpu_seconds(server_pid) - cpu0) / wall
    result["loadavg"] = os.getloadavg()
    return result


def report(name: str, rate: float, result: dict[str, Any]) -> None:
    s, d = percentiles(result["service"]), percentiles(result["scheduled"])
    load = " ".join(f"{x:.1f}" for x in result.get("loadavg", ()))
    print(
        f"\n{name}: target {rate:.0f} req/s, achieved {result['achieved']:.0f} req/s, "
        f"{len(result['service'])} measured requests, errors {result['errors'] or 'none'}, "
        f"server CPU {result['server_cpu'] * 100:.0f}% of one core, "
        f"client max lag {result['max_lag_ms']:.1f} ms, load average after {load}"
    )
    print(
        f"  {'latency (ms)':<14}"
        + "".join(f"{k:>9}" for k in ("p50", "p90", "p99", "p99.9", "max"))
    )
    for label, p in (("service", s), ("scheduled", d)):
        print(
            f"  {label:<14}"
            + "".join(
                f"{p.get(k, float('nan')):>9.3f}" for k in ("p50", "p90", "p99", "p99.9", "max")
            )
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", choices=["fv", "predict", "all"], default="all")
    parser.add_argument(
        "--duration", type=float, default=20.0, help="measured seconds per scenario"
    )
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds first")
    parser.add_argument("--fv-rate", type=float, default=2000.0)
    parser.add_argument("--predict-rate", type=float, default=1000.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument(
        "--pin", action="store_true", help="pin the server and the load generator to separate CPUs"
    )
    parser.add_argument("--home", help="build the project here (default: a temporary directory)")
    args = parser.parse_args(argv)

    home = Path(args.home) if args.home else Path(tempfile.mkdtemp(prefix="mvps-serving-bench-"))
    print(f"building the project in {home} ({args.rows} customers)...", flush=True)
    t = time.perf_counter()
    project = build_project(home, args.rows)
    print(f"built in {time.perf_counter() - t:.1f}s", flush=True)
    for what, us in in_process_costs(project, args.rows).items():
        print(f"in process: {what}: {us:.0f} us/call")
    server, info = start_server(project, args.workers)
    try:
        ncpu = os.cpu_count() or 1
        server_cpus = client_cpus = None
        if args.pin and ncpu >= 2:
            server_cpus = {0} if args.workers == 1 else set(range(ncpu - 1)) or {0}
            client_cpus = {ncpu - 1}
            pin(server.pid, server_cpus)
        print(
            f"server: {info['url']}, {args.workers} worker(s), pid {server.pid}, "
            f"CPUs {sorted(server_cpus) if server_cpus else 'any'}; load generator CPUs "
            f"{sorted(client_cpus) if client_cpus else 'any'}; {args.connections} connections"
        )
        project.get_model_serving().get_deployment("benchfraud").start()
        if args.workers > 1:
            pin(server.pid, server_cpus or set(range(ncpu)))
        scenarios = ["fv", "predict"] if args.scenario == "all" else [args.scenario]
        for name in scenarios:
            rate = args.fv_rate if name == "fv" else args.predict_rate
            result = run_scenario(name, info, server.pid, args.rows, rate, args, client_cpus)
            report(name, rate, result)
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        import mvps

        mvps.logout()
        if not args.home:
            shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
