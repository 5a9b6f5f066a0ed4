"""A project and small programs to run as jobs.

``programs`` holds ``echo.py`` (prints its arguments, the job's environment and the
project it opens, a line to stderr), ``fail.py`` (exits 3), ``sleep.py`` (sleeps,
starting a child that sleeps too and writing the child's pid) and a package
``pkg/`` that ``uses_pkg.py`` imports from the working directory.
"""

from __future__ import annotations

import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import mvps
from mvps.jobs import Execution


@pytest.fixture(autouse=True)
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test runs in an empty directory of its own (a job's default working dir)."""
    path = tmp_path / "cwd"
    path.mkdir()
    monkeypatch.chdir(path)
    return path


@pytest.fixture
def project(home: str) -> Iterator[Any]:
    p = mvps.login()
    yield p
    from mvps.serving import process

    process.stop_server(p)
    mvps.logout()


@pytest.fixture
def programs(tmp_path: Path) -> Path:
    root = tmp_path / "programs"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("GREETING = 'hello from pkg'\n")
    files = {
        "echo.py": """
            import json, os, sys
            import mvps
            project = mvps.login()
            print(json.dumps({
                "args": sys.argv[1:],
                "project": str(project.path),
                "job": os.environ.get("MVPS_JOB_NAME"),
                "execution": os.environ.get("MVPS_EXECUTION_ID"),
                "window": [os.environ.get("HOPS_START_TIME"), os.environ.get("HOPS_END_TIME")],
                "cwd": os.getcwd(),
            }))
            print("to stderr", file=sys.stderr)
            """,
        "fail.py": """
            import sys
            print("about to fail", file=sys.stderr)
            sys.exit(3)
            """,
        "sleep.py": """
            import subprocess, sys, time
            child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
            print(child.pid, flush=True)
            time.sleep(120)
            """,
        "uses_pkg.py": """
            from pkg import GREETING
            print(GREETING)
            """,
    }
    for name, code in files.items():
        (root / name).write_text(textwrap.dedent(code))
    return root


def wait_for(check: Callable[[], Any], timeout: float = 60.0, what: str = "condition") -> Any:
    """Poll ``check`` until it returns something truthy (with a deadline)."""
    deadline = time.monotonic() + timeout
    delay = 0.02
    while True:
        got = check()
        if got:
            return got
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(delay)
        delay = min(delay * 1.5, 0.25)


def wait_running(e: Execution) -> Execution:
    wait_for(lambda: e.state == "RUNNING", what=f"execution {e.id} to run")
    return e
