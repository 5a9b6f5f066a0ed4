"""Helpers shared by the harness and every worker (standard library, numpy and pandas only).

Workers run in different virtual environments (mvps in the project's, Feast and MLflow in
their own), so this module must not import mvps or anything a peer environment lacks.

Worker protocol: a worker reads one JSON workload spec on stdin, runs it and prints one
line ``RESULT <json>`` on stdout; anything else it prints is ignored by the harness.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

RESULT_PREFIX = "RESULT "

_MASK = (1 << 64) - 1


def read_spec() -> dict[str, Any]:
    """The workload spec a worker received on stdin."""
    return json.loads(sys.stdin.read())


def emit(result: dict[str, Any]) -> None:
    """Print a worker's result (with its peak memory) in the harness protocol."""
    result.setdefault("peak_rss_mb", peak_rss_mb())
    sys.stdout.write(RESULT_PREFIX + json.dumps(result, default=str) + "\n")
    sys.stdout.flush()


def peak_rss_mb(children: bool = False) -> float:
    """Peak resident set size of this process (or of its waited-for children) in MiB."""
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024.0


def pin_to_core(core: int = 0) -> bool:
    """Pin this process to one core (latency measurements); False where unsupported."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {core})
        return True
    return False


def time_calls(fn: Callable[[Any], Any], args: Iterable[Any]) -> list[int]:
    """Wall time in nanoseconds of ``fn(a)`` for each ``a``."""
    clock = time.perf_counter_ns
    out = []
    for a in args:
        t0 = clock()
        fn(a)
        out.append(clock() - t0)
    return out


def percentile(samples: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0..100, linear interpolation) of ``samples``."""
    if not samples:
        return float("nan")
    return float(np.percentile(np.asarray(samples, dtype=np.float64), q))


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser on a uint64 array (wrapping arithmetic)."""
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint64(30))
        x = x * np.uint64(0xBF58476D1CE4E5B9)
        x = x ^ (x >> np.uint64(27))
        x = x * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


_NULL_BITS = np.uint64(0x7FF80000DEADBEEF)


def _column_bits(values: Any) -> np.ndarray:
    """A column as uint64 words that do not depend on its dtype or null representation.

    Numbers (int, float, nullable, bool) become float64 bit patterns, timestamps
    microseconds since the epoch, strings a hash of their UTF-8 bytes; nulls one
    fixed word. Integer features with nulls are floats in one library and nullable
    integers in another; both give the same words.
    """
    import pandas as pd

    s = pd.Series(values).reset_index(drop=True)
    null = s.isna().to_numpy()
    if isinstance(s.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(s.dtype):
        ts = pd.to_datetime(s, utc=True)
        us = ts.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[us]")
        bits = us.to_numpy().view(np.int64).astype(np.uint64)
    elif pd.api.types.is_bool_dtype(s.dtype) or pd.api.types.is_numeric_dtype(s.dtype):
        f = s.astype("float64").to_numpy(dtype=np.float64, na_value=np.nan)
        f = np.where(f == 0.0, 0.0, f)  # -0.0 and 0.0 are equal
        bits = f.view(np.uint64).copy()
    else:
        text = s.astype("string").fillna("")
        bits = np.fromiter((_str_hash(v) for v in text), dtype=np.uint64, count=len(text))
    bits[null] = _NULL_BITS
    return bits


def _str_hash(v: str) -> int:
    """A 64-bit BLAKE2 hash of the UTF-8 bytes (stable across processes, unlike ``hash``)."""
    return int.from_bytes(hashlib.blake2b(v.encode("utf-8"), digest_size=8).digest(), "little")


def frame_checksum(frame: Any, columns: Sequence[str]) -> dict[str, Any]:
    """Row count and an order-independent checksum of ``columns`` of a pandas frame.

    Each row hashes to a 64-bit word (the columns' words chained through splitmix64);
    the checksum is the sum of the row words modulo 2**64, so two results with the same
    rows in any order agree. Also counts rows whose every non-key column is null
    (spine rows without a match in any joined group).
    """
    n = len(frame)
    h = np.full(n, np.uint64(0x9E3779B97F4A7C15), dtype=np.uint64)
    for i, col in enumerate(columns):
        bits = _column_bits(frame[col])
        with np.errstate(over="ignore"):
            h = _mix(h ^ (bits + np.uint64(i + 1)))
    total = int(h.sum(dtype=np.uint64)) if n else 0
    return {"rows": n, "checksum": f"{total & _MASK:016x}"}


def match_summary(frame: Any, columns: Sequence[str], *probes: str) -> dict[str, Any]:
    """Rows of a point-in-time result without a match in some joined group, and the
    checksum of the others (what a store that drops unmatched spine rows returns).

    ``probes`` are one feature column per joined group (null exactly when the group
    had no row at or before the spine row's time).
    """
    missing = np.zeros(len(frame), dtype=bool)
    for p in probes:
        missing |= frame[p].isna().to_numpy()
    matched = frame[~missing]
    return {
        "unmatched": int(missing.sum()),
        "matched_checksum": frame_checksum(matched, columns)["checksum"],
    }


def null_counts(frame: Any, columns: Sequence[str]) -> dict[str, int]:
    """Nulls per column (a readable companion to the checksum)."""
    return {c: int(frame[c].isna().sum()) for c in columns}


def git_describe(repo: str) -> str:
    """The short commit of ``repo`` (with ``-dirty`` when it has changes), or ``unknown``."""
    import subprocess

    try:
        out = subprocess.run(
            ["git", "-C", repo, "describe", "--always", "--dirty", "--abbrev=10"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
