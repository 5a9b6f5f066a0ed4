"""Running workers: one fresh process per measurement, in the system's own environment."""

from __future__ import annotations

import json
import os
import subprocess
import time
from typing import Any

from benchmarks.harness import envs
from benchmarks.harness.common import RESULT_PREFIX

WORKER_MODULES = {
    "mvps": "benchmarks.mvps_worker",
    "feast": "benchmarks.feast_worker",
    "mlflow": "benchmarks.mlflow_worker",
    "loadgen": "benchmarks.harness.loadgen",
}


class WorkerError(RuntimeError):
    """A worker exited without a result."""


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
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(
            cmd,
            input=json.dumps(spec),
            capture_output=True,
            text=True,
            cwd=envs.REPO,
            env=child_env,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        raise WorkerError(
            f"{system} worker for {spec.get('workload')} timed out after {timeout:.0f} s"
        ) from exc
    elapsed = time.perf_counter() - t0
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            result = dict(json.loads(line[len(RESULT_PREFIX) :]))
            result["process_seconds"] = elapsed
            return result
    tail = "\n".join((proc.stdout + "\n" + proc.stderr).strip().splitlines()[-15:])
    raise WorkerError(
        f"{system} worker for {spec.get('workload')} exited with {proc.returncode}:\n{tail}"
    )
