"""Running workers: one fresh process per measurement, in the system's own environment.

A watchdog polls the worker's resident memory (its whole process tree) and stops it
when it exceeds :data:`MEMORY_LIMIT_GIB`, so that a peer that needs more memory than the
machine has fails with a clear message instead of pushing the machine into the OOM
killer.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.harness import envs
from benchmarks.harness.common import RESULT_PREFIX

WORKER_MODULES = {
    "mvps": "benchmarks.mvps_worker",
    "feast": "benchmarks.feast_worker",
    "mlflow": "benchmarks.mlflow_worker",
    "loadgen": "benchmarks.harness.loadgen",
}

MEMORY_LIMIT_GIB = float(os.environ.get("BENCH_MEMORY_LIMIT_GIB", "14"))


class WorkerError(RuntimeError):
    """A worker exited without a result."""


def _tree_rss_bytes(pid: int) -> int:
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        with contextlib.suppress(OSError, ValueError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
                    break
            for task in Path(f"/proc/{p}/task").iterdir():
                with contextlib.suppress(OSError):
                    todo += [int(c) for c in (task / "children").read_text().split()]
    return total


def run_worker(
    system: str, spec: dict[str, Any], timeout: float = 3600, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """Run ``spec`` in a fresh worker process of ``system`` and return its result.

    The result gains ``process_seconds`` (the wall time of the whole process, imports
    included).
    """
    cmd = [envs.python(system), "-m", WORKER_MODULES[system]]
    child_env = dict(os.environ)
    child_env.update(env or {})
    child_env.setdefault("PYTHONHASHSEED", "0")
    child_env["PYTHONPATH"] = str(envs.REPO)
    limit = MEMORY_LIMIT_GIB * 2**30
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=out,
            stderr=err,
            text=True,
            cwd=envs.REPO,
            env=child_env,
            start_new_session=True,
        )
        assert proc.stdin is not None
        proc.stdin.write(json.dumps(spec))
        proc.stdin.close()
        reason = None
        while proc.poll() is None:
            if _tree_rss_bytes(proc.pid) > limit:
                reason = (
                    f"stopped: resident memory exceeded {MEMORY_LIMIT_GIB:g} GiB "
                    f"after {time.perf_counter() - t0:.0f} s"
                )
            elif time.perf_counter() - t0 > timeout:
                reason = f"stopped: no result within {timeout:.0f} s"
            if reason:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                break
            time.sleep(0.2)
        elapsed = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if reason:
        raise WorkerError(f"{system} worker for {spec.get('workload')} {reason}")
    for line in reversed(stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            result = dict(json.loads(line[len(RESULT_PREFIX) :]))
            result["process_seconds"] = elapsed
            return result
    tail = "\n".join((stdout + "\n" + stderr).strip().splitlines()[-15:])
    raise WorkerError(
        f"{system} worker for {spec.get('workload')} exited with {proc.returncode}:\n{tail}"
    )
