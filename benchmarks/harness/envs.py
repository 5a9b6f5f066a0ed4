"""Virtual environments of the peer systems and the machine description.

Feast and MLflow are installed into their own environments below ``benchmarks/``
(gitignored) with pip, so their dependency pins never touch the project's environment.
An environment is (re)built when it is missing or its requirement line changed.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent.parent
REPO = BENCH_DIR.parent


def _sklearn_pin() -> str:
    """The project's scikit-learn version: MLflow must unpickle the same model."""
    from importlib.metadata import version

    return f"scikit-learn=={version('scikit-learn')}"


ENVS: dict[str, tuple[str, Callable[[], list[str]]]] = {
    "feast": (".venv-feast", lambda: ["feast[duckdb,redis]"]),
    "mlflow": (".venv-mlflow", lambda: ["mlflow", _sklearn_pin()]),
}
_STAMP = ".bench-requirements.json"


def env_dir(name: str) -> Path:
    return BENCH_DIR / ENVS[name][0]


def python(name: str) -> str:
    """The interpreter of environment ``name`` (``mvps`` is the running one)."""
    if name in ("mvps", "loadgen"):
        return sys.executable
    return str(env_dir(name) / "bin" / "python")


def ensure_env(name: str, log: Callable[[str], None] = print) -> str:
    """Create environment ``name`` unless it is there with the same requirements."""
    directory = env_dir(name)
    requirements = ENVS[name][1]()
    stamp = directory / _STAMP
    exe = directory / "bin" / "python"
    if exe.exists() and stamp.exists() and json.loads(stamp.read_text()) == requirements:
        return str(exe)
    log(f"creating {directory.relative_to(REPO)} (pip install {' '.join(requirements)})")
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", str(directory)], check=True)
    pip = [str(exe), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--upgrade", "pip"], check=True)
    subprocess.run([*pip, *requirements], check=True)
    stamp.write_text(json.dumps(requirements))
    return str(exe)


def package_versions(name: str, dists: list[str]) -> dict[str, str]:
    """Installed versions of ``dists`` in environment ``name`` ('-' when absent)."""
    code = (
        "import json, sys\n"
        "from importlib.metadata import version\n"
        "out = {}\n"
        "for d in sys.argv[1:]:\n"
        "    try:\n"
        "        out[d] = version(d)\n"
        "    except Exception:\n"
        "        out[d] = '-'\n"
        "print(json.dumps(out))\n"
    )
    try:
        out = subprocess.run(
            [python(name), "-c", code, *dists], capture_output=True, text=True, timeout=60
        )
        return dict(json.loads(out.stdout))
    except (OSError, ValueError, subprocess.SubprocessError):
        return dict.fromkeys(dists, "-")


def machine() -> dict[str, Any]:
    """Cores, memory, CPU model, OS and Python of this machine."""
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = float("nan")
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gib = int(line.split()[1]) / 1024 / 1024
                break
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(mem_gib, 1),
        "cpu": cpu,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


def cpu_times() -> list[int] | None:
    """The machine's CPU time counters (``/proc/stat``: user ... steal ...), or None."""
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            return [int(x) for x in fh.readline().split()[1:]]
    except (OSError, ValueError):
        return None


def steal_share(start: list[int] | None, end: list[int] | None) -> float | None:
    """The share of CPU time the hypervisor gave to others between two ``cpu_times()``."""
    if not start or not end or len(start) < 8 or len(end) < 8:
        return None
    total = sum(end) - sum(start)
    return (end[7] - start[7]) / total if total > 0 else None


def scheduling_noise(seconds: float = 5.0, cpu: int = 0, threshold: float = 2e-4) -> dict[str, Any]:
    """How often a busy loop pinned to ``cpu`` (where the servers run) is interrupted
    for more than ``threshold`` seconds: interruptions no server on this machine can
    avoid, which put a floor under tail latencies."""
    import time

    if not hasattr(os, "sched_setaffinity"):
        return {}
    before = os.sched_getaffinity(0)
    try:
        os.sched_setaffinity(0, {cpu})
        gaps: list[float] = []
        clock = time.perf_counter
        last = clock()
        end = last + seconds
        while last < end:
            now = clock()
            if now - last > threshold:
                gaps.append(now - last)
            last = now
    finally:
        os.sched_setaffinity(0, before)
    return {
        "seconds": seconds,
        "cpu": cpu,
        "stalls": len(gaps),
        "stalled_ms": round(sum(gaps) * 1e3, 1),
        "longest_ms": round(max(gaps, default=0.0) * 1e3, 2),
    }
