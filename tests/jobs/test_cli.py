"""``mvps jobs``: the thin command line over the job API."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mvps.cli import main


def test_create_run_inspect_and_delete(
    project: Any, programs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["jobs", "list"]) == 0
    assert "no jobs" in capsys.readouterr().out
    assert main(["jobs", "create", "echo", str(programs / "echo.py"), "--args=--a 1"]) == 0
    assert main(["jobs", "run", "echo"]) == 0
    assert "execution 1 of echo: FINISHED, exit code 0" in capsys.readouterr().out
    assert main(["jobs", "logs", "echo"]) == 0
    assert json.loads(capsys.readouterr().out)["args"] == ["--a", "1"]
    assert main(["jobs", "logs", "echo", "--stderr", "--execution", "1"]) == 0
    assert capsys.readouterr().out == "to stderr\n"
    # options may also come after the action
    assert main(["jobs", "run", "echo", "--args", "x", "--project", project.name]) == 0
    assert main(["jobs", "executions", "echo"]) == 0
    out = capsys.readouterr().out
    assert "execution 2 of echo: FINISHED" in out and "(manual)" in out
    assert main(["jobs", "list"]) == 0
    out = capsys.readouterr().out
    assert "echo" in out and "not scheduled" in out and "last: FINISHED" in out
    assert main(["info", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["jobs"] == ["echo"]
    assert main(["jobs", "delete", "echo"]) == 0
    assert not project.get_job_api().exists("echo")


def test_a_failing_run_exits_1_and_shows_stderr(
    project: Any, programs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["jobs", "create", "fail", str(programs / "fail.py")]) == 0
    assert main(["jobs", "run", "fail"]) == 1
    captured = capsys.readouterr()
    assert "FAILED, exit code 3" in captured.out and "about to fail" in captured.err


def test_errors_are_explained(
    project: Any, programs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["jobs", "run", "nope"]) == 2
    assert "job 'nope' does not exist" in capsys.readouterr().err
    assert main(["jobs", "create", "x", str(programs / "missing.py")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["jobs", "create", "echo", str(programs / "echo.py")]) == 0
    assert main(["jobs", "logs", "echo"]) == 2
    assert "no executions yet" in capsys.readouterr().err
    assert main(["jobs", "schedule", "echo", "0 0 25 * * ?"]) == 2
    assert "not valid" in capsys.readouterr().err
