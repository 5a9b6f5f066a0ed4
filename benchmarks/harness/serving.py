"""HTTP servers under test and the load they get.

A server runs pinned to CPU 0 and the load generator (``benchmarks.harness.loadgen``,
the open-loop generator of ``benchmarks/serving_bench.py``) to CPU 1, so the two do
not compete on a two-core machine. Peak memory is the sum of the peak resident set
sizes (``VmHWM``) of the server's processes (a gunicorn master and its worker count
separately), read just before the server is stopped.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.harness import envs
from benchmarks.harness.common import percentile
from benchmarks.harness.runner import run_worker

SERVER_CPUS = {0}
CLIENT_CPUS = {1}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> list[int]:
    out = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                out += [int(c) for c in (task / "children").read_text().split()]
    return out


def process_tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        todo += _children(p)
    return pids


def pin_tree(pid: int, cpus: set[int]) -> None:
    if not hasattr(os, "sched_setaffinity") or (os.cpu_count() or 1) < 2:
        return
    for p in process_tree(pid):
        with contextlib.suppress(OSError):
            os.sched_setaffinity(p, cpus)


def peak_rss_tree_mb(pid: int) -> float:
    total = 0.0
    for p in process_tree(pid):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1]) / 1024.0
    return total


def http_json(url: str, body: Any = None, timeout: float = 30.0) -> Any:
    """GET (``body`` None) or POST JSON; the decoded answer."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return json.loads(r.read())


@dataclass
class Server:
    """A running server process."""

    proc: subprocess.Popen[bytes]
    port: int
    log: Path
    peak_rss_mb: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextlib.contextmanager
def server(
    make_cmd: Callable[[int], Sequence[str]],
    health: str,
    log: Path,
    timeout: float = 180.0,
    attempts: int = 2,
) -> Iterator[Server]:
    """Start ``make_cmd(port)`` on a free port, wait until ``GET health`` answers 200 and
    pin it; stop it afterwards. A server that exits while starting (say, the port was
    taken in between) is started again on another port, ``attempts`` times in all."""
    log.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(attempts):
        srv = _start(make_cmd, log)
        try:
            _wait_up(srv, health, timeout)
            break
        except RuntimeError:
            _stop(srv)
            if attempt == attempts - 1:
                raise
    try:
        time.sleep(0.5)  # let pre-forked workers start before pinning
        pin_tree(srv.proc.pid, SERVER_CPUS)
        yield srv
    finally:
        _stop(srv)


def _start(make_cmd: Callable[[int], Sequence[str]], log: Path) -> Server:
    port = free_port()
    cmd = list(make_cmd(port))
    fh = open(log, "ab")  # noqa: SIM115 - the server writes to it until it stops
    # the server's own environment first on PATH (mlflow runs `uvicorn` from it)
    path = os.pathsep.join([str(Path(cmd[0]).parent), os.environ.get("PATH", "")])
    env = {**os.environ, "PYTHONPATH": str(envs.REPO), "PATH": path}
    fh.write(f"--- {' '.join(cmd)}\n".encode())
    fh.flush()
    proc = subprocess.Popen(
        cmd,
        stdout=fh,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        cwd=envs.REPO,
        env=env,
        start_new_session=True,
    )
    return Server(proc, port, log, extra={"fh": fh})


def _wait_up(srv: Server, health: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if srv.proc.poll() is not None:
            raise RuntimeError(f"server exited with {srv.proc.returncode}: {_tail(srv.log)}")
        try:
            urllib.request.urlopen(srv.url + health, timeout=2).read()
            return
        except (urllib.error.URLError, OSError):
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"server not up within {timeout:.0f} s: {_tail(srv.log)}"
                ) from None
            time.sleep(0.2)


def _stop(srv: Server) -> None:
    proc = srv.proc
    if proc.poll() is None:
        srv.peak_rss_mb = peak_rss_tree_mb(proc.pid)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
    srv.extra["fh"].close()


def _tail(log: Path, n: int = 8) -> str:
    try:
        return " | ".join(log.read_text(errors="replace").strip().splitlines()[-n:])
    except OSError:
        return ""


def warm_up(url: str, requests: list[str], n: int = 200) -> None:
    """Send ``n`` of the load's requests one by one (first-request costs are not measured)."""
    for raw in requests[:n]:
        head, _, body = raw.partition("\r\n\r\n")
        path = head.split(" ", 2)[1]
        req = urllib.request.Request(
            url + path, data=body.encode(), headers={"content-type": "application/json"}
        )
        with contextlib.suppress(urllib.error.URLError, OSError):
            urllib.request.urlopen(req, timeout=30).read()


def raw_post(path: str, body: Any) -> str:
    """A raw HTTP/1.1 keep-alive POST request (what the load generator sends)."""
    data = json.dumps(body, separators=(",", ":"))
    return (
        f"POST {path} HTTP/1.1\r\nhost: bench\r\ncontent-type: application/json\r\n"
        f"content-length: {len(data.encode())}\r\n\r\n{data}"
    )


def load(
    port: int,
    requests: list[str],
    rate: float,
    duration: float,
    warmup: float,
    connections: int = 32,
) -> dict[str, Any]:
    """Run the load generator (its own process, pinned to CPU 1) and summarise."""
    spec = {
        "host": "127.0.0.1",
        "port": port,
        "requests": requests,
        "rate": rate,
        "duration": duration,
        "warmup": warmup,
        "connections": connections,
        "cpus": sorted(CLIENT_CPUS) if (os.cpu_count() or 1) >= 2 else None,
    }
    res = run_worker("loadgen", spec, timeout=duration + warmup + 600)
    service = res.pop("service")
    scheduled = res.pop("scheduled")
    n_err = sum(res.get("errors", {}).values())
    return {
        "rate": rate,
        "achieved": res["achieved"],
        "requests": len(service),
        "errors": n_err,
        "service_p50_ms": percentile(service, 50) * 1e3,
        "service_p99_ms": percentile(service, 99) * 1e3,
        "p50_ms": percentile(scheduled, 50) * 1e3,
        "p99_ms": percentile(scheduled, 99) * 1e3,
        "max_lag_ms": res.get("max_lag_ms", 0.0),
    }


def sustained(r: dict[str, Any], p99_limit_ms: float) -> bool:
    """The rate was served: ≥ 97% achieved, no errors, p99 (from schedule) under the limit."""
    return r["achieved"] >= 0.97 * r["rate"] and r["errors"] == 0 and r["p99_ms"] <= p99_limit_ms


def ramp(
    port: int,
    requests: list[str],
    rates: Sequence[float],
    duration: float,
    warmup: float,
    p99_limit_ms: float,
    log: Any = print,
) -> tuple[float | None, list[dict[str, Any]]]:
    """Increasing rates until the server falls behind (achieves < 97% of the offered
    rate); the highest rate that was sustained (see :func:`sustained`) and all steps.

    A step that misses the latency limit does not end the ramp (one stall in a short
    step can push p99 up); falling behind does.
    """
    best = None
    steps = []
    if rates:  # open the connections and settle at the first rate before measuring
        load(port, requests, rates[0], 2.0, 1.0)
    for rate in rates:
        r = load(port, requests, rate, duration, warmup)
        steps.append(r)
        ok = sustained(r, p99_limit_ms)
        log(
            f"    {rate:>6.0f} req/s: achieved {r['achieved']:.0f}, p99 {r['p99_ms']:.2f} ms, "
            f"errors {r['errors']} -> {'sustained' if ok else 'not sustained'}"
        )
        if ok:
            best = rate
        if r["achieved"] < 0.97 * rate:
            break
    return best, steps
