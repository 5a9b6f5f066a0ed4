"""Helpers shared by the feature-store tests."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd


def write_config(path: Path, catalog_url: str | None = None, online_url: str | None = None) -> Path:
    """Write a project config file selecting the given backends."""
    lines = []
    if catalog_url:
        lines += ["[catalog]", f'url = "{catalog_url}"']
    if online_url:
        lines += ["[online]", f'url = "{online_url}"']
    path.write_text("\n".join(lines) + "\n")
    return path


def ts(day: int, hour: int = 0) -> pd.Timestamp:
    """An event time in January 2024 (UTC)."""
    return pd.Timestamp(datetime(2024, 1, day, hour, tzinfo=UTC))


def frame(
    ids: list[int], days: list[int], values: list[float], names: list[str] | None = None
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ids,
            "ts": [ts(d) for d in days],
            "amount": values,
            "name": names if names is not None else [f"n{i}" for i in ids],
        }
    )


def rows(df: Any, by: tuple[str, ...] = ("id", "ts")) -> list[dict[str, Any]]:
    """A dataframe's rows as sorted dicts (comparable across reads)."""
    if not isinstance(df, pd.DataFrame):
        df = df.to_pandas()
    keys = [k for k in by if k in df.columns]
    return df.sort_values(keys).reset_index(drop=True).to_dict("records")


def after_last_commit(fg: Any, deadline_s: float = 5.0) -> None:
    """Wait until the clock is past the group's newest commit (commit times have
    millisecond resolution), so that the next commit gets a later timestamp."""
    newest = max(
        datetime.fromisoformat(d["committedAt"]) for d in fg.commit_details(limit=1).values()
    )
    end = time.monotonic() + deadline_s
    while datetime.now(UTC) <= newest + timedelta(milliseconds=1):
        if time.monotonic() > end:
            raise AssertionError(f"the clock did not pass {newest.isoformat()}")


def run_python(
    code: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    check: bool = True,
    base_env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a new interpreter, in ``base_env`` (default: this process's
    environment, including the fixtures' MVPS_* variables) plus ``env``."""
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env={**(os.environ if base_env is None else base_env), **(env or {})},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"subprocess failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
        )
    return proc


def run_together(codes: list[str]) -> list[str]:
    """Start one interpreter per code, release them at once, return their stdout."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(code)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for code in codes
    ]
    try:
        for p in procs:
            assert p.stdout is not None
            assert p.stdout.readline().strip() == "ready", p.stderr and p.stderr.read()
        for p in procs:
            assert p.stdin is not None
            p.stdin.write("go\n")
            p.stdin.flush()
        outs = []
        for p in procs:
            out, err = p.communicate(timeout=120)
            assert p.returncode == 0, err
            outs.append(out)
        return outs
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
