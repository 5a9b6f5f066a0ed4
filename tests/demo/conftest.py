"""Fixtures of the demo and template tests.

The demo and the generated projects run in subprocesses, as users run them, with an
environment free of ``MVPS_*`` variables (so each project is found through its own
``mvps.toml``) and ``MVPS_SERVE_PORT=0`` (model servers take any free port).
"""

from __future__ import annotations

import os
import queue
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import mvps

#: Small data: about 7,900 loans.
SCALE = "0.02"


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MVPS_")}
    env.update(MVPS_SERVE_PORT="0", GRADIO_ANALYTICS_ENABLED="False", PYTHONUNBUFFERED="1")
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(args: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run a command to completion; output (stdout and stderr together) in ``.stdout``."""
    return subprocess.run(
        args,
        cwd=cwd,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        check=False,
    )


def mvps_cli(*args: str, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return run([sys.executable, "-m", "mvps.cli", *args], cwd, timeout)


class Background:
    """A process whose output lines are collected by a thread; ``wait_for`` a line."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        self.proc = subprocess.Popen(
            args,
            cwd=cwd,
            env=clean_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, pattern: str, timeout: float) -> re.Match[str]:
        """The first output line matching ``pattern``; fails at the deadline or on exit."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                pytest.fail(f"no line matching {pattern!r} within {timeout}s:\n{self.output}")
            try:
                line = self._queue.get(timeout=remaining)
            except queue.Empty:
                continue
            if line is None:
                pytest.fail(
                    f"process exited ({self.proc.wait()}) before printing {pattern!r}:\n"
                    + self.output
                )
            self.lines.append(line)
            match = re.search(pattern, line)
            if match:
                return match

    def finish(self, timeout: float) -> int:
        """Wait for the process to exit (collecting the rest of its output)."""
        code = self.proc.wait(timeout=timeout)
        while (line := self._queue.get(timeout=timeout)) is not None:
            self.lines.append(line)
        return code

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@dataclass
class DemoRun:
    directory: Path
    result: subprocess.CompletedProcess[str]

    @property
    def output(self) -> str:
        return self.result.stdout

    @property
    def config(self) -> Path:
        return self.directory / "mvps.toml"


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """``mvps demo --no-ui`` at a small scale, run once for the session."""
    base = tmp_path_factory.mktemp("demo")
    directory = base / "mvps-demo"
    result = mvps_cli("demo", "--no-ui", "--scale", SCALE, "--dir", str(directory), cwd=base)
    return DemoRun(directory, result)


@pytest.fixture
def demo_project(demo_run: DemoRun, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """The demo's project, opened in this process through its mvps.toml."""
    assert demo_run.result.returncode == 0, demo_run.output
    for var in ("MVPS_HOME", "MVPS_PROJECT", "MVPS_CONFIG"):
        monkeypatch.delenv(var, raising=False)
    mvps.logout()
    yield mvps.login(config=demo_run.config)
    mvps.logout()
