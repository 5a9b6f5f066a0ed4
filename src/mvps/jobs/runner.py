"""``python -m mvps.jobs.runner JOB NUMBER``: run one execution of a job.

Started detached by :func:`mvps.jobs.execution.launch` with the project in the
environment (``MVPS_HOME``, ``MVPS_PROJECT``, ``MVPS_CONFIG``). It marks the execution
RUNNING, runs the job's program with this interpreter::

    python <appPath> <args...>      (in the job's working directory)

with ``MVPS_HOME``/``MVPS_PROJECT``/``MVPS_CONFIG`` (so ``mvps.login()`` opens the same
project), ``MVPS_JOB_NAME``, ``MVPS_EXECUTION_ID``, ``HOPS_START_TIME``/``HOPS_END_TIME``
for scheduled runs, and the working directory first on ``PYTHONPATH``, its output going
to the execution's ``stdout.log`` and ``stderr.log``; then it records how it ended.

SIGTERM or SIGINT (``execution.stop()``) are passed on to the program's process group;
a program still running 10 s later is killed. The execution then ends KILLED.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from mvps.errors import NotFound
from mvps.jobs.execution import (
    FINAL_STATES,
    KIND,
    STOP_GRACE_S,
    finish,
    process_start,
    transition,
)


def _log(message: str) -> None:
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    print(f"{stamp} [{os.getpid()}] {message}", flush=True)


def _command(config: dict[str, Any], args: str) -> tuple[list[str], Path]:
    app = Path(str(config.get("appPath") or ""))
    workdir = Path(str(config.get("workingDirectory") or app.parent))
    if not app.is_absolute():
        app = workdir / app
    if not app.is_file():
        raise FileNotFoundError(f"the job's program {app} does not exist")
    if not workdir.is_dir():
        raise FileNotFoundError(f"the job's working directory {workdir} does not exist")
    return [sys.executable, str(app), *shlex.split(args or "")], workdir


def run(job: str, number: int) -> int:
    """Run execution ``number`` of ``job`` in the current project; the exit code."""
    import mvps

    project = mvps.login()
    catalog = project.catalog
    job_obj = catalog.get("job", job, 1)
    obj = catalog.get(KIND, job, number)
    if obj is None or obj.body.get("state") in FINAL_STATES:
        _log(f"execution {number} of {job!r} was deleted or stopped before it started")
        return 0
    try:
        if job_obj is None:
            raise FileNotFoundError(f"job {job!r} was deleted")
        cmd, workdir = _command(job_obj.body["config"], obj.body.get("args") or "")
    except (FileNotFoundError, ValueError) as exc:  # ValueError: unbalanced quotes in args
        message = str(exc)
        transition(
            catalog,
            job,
            number,
            lambda b: (
                None
                if b.get("state") in FINAL_STATES
                else finish(b, "INITIALIZATION_FAILED", "FAILED", error=message)
            ),
        )
        _log(f"execution {number} of {job!r} could not start: {message}")
        return 1

    me, started = os.getpid(), process_start(os.getpid())

    def running(body: dict[str, Any]) -> dict[str, Any] | None:
        if body.get("state") in FINAL_STATES:
            return None
        body.update(
            state="RUNNING",
            start_time=time.time(),
            pid=me,
            pid_start=started,
            host=socket.gethostname(),
        )
        return body

    try:
        b = transition(catalog, job, number, running).body
    except NotFound:
        b = {}
    if b.get("pid") != me:
        _log(f"execution {number} of {job!r} was stopped or deleted before it started")
        return 0
    env = {
        **os.environ,
        **{k: str(v) for k, v in (b.get("environment") or {}).items()},
        "MVPS_JOB_NAME": job,
        "MVPS_EXECUTION_ID": str(number),
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": os.pathsep.join(
            p for p in (str(workdir), os.environ.get("PYTHONPATH", "")) if p
        ),
    }
    killed = threading.Event()
    child: subprocess.Popen[bytes] | None = None

    def stop(signum: int, _frame: Any) -> None:
        killed.set()
        if child is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.pid, signal.SIGTERM)

            def hard_kill() -> None:
                if child is not None and child.poll() is None:
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.killpg(child.pid, signal.SIGKILL)

            timer = threading.Timer(STOP_GRACE_S, hard_kill)
            timer.daemon = True
            timer.start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    _log(f"execution {number} of {job!r}: {shlex.join(cmd)} (in {workdir})")
    with open(b["stdout_path"], "ab") as out, open(b["stderr_path"], "ab") as err:
        try:
            child = subprocess.Popen(
                cmd,
                cwd=str(workdir),
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,
            )
        except OSError as exc:
            message = f"could not start {cmd[1]}: {exc}"
            transition(
                catalog,
                job,
                number,
                lambda body: finish(body, "INITIALIZATION_FAILED", "FAILED", error=message),
            )
            return 1
        if killed.is_set():  # stopped while starting
            stop(signal.SIGTERM, None)
        program = {"program_pid": child.pid, "program_start": process_start(child.pid)}
        transition(catalog, job, number, lambda body: {**body, **program})
        code = child.wait()
    if killed.is_set():
        state, status = "KILLED", "KILLED"
    elif code == 0:
        state, status = "FINISHED", "SUCCEEDED"
    else:
        state, status = "FAILED", "FAILED"
    error = None if code == 0 or killed.is_set() else f"the program exited with code {code}"
    try:
        transition(
            catalog,
            job,
            number,
            lambda body: finish(body, state, status, exit_code=code, error=error),
        )
    except NotFound:
        _log(f"execution {number} of {job!r} was deleted while it ran")
        return 0
    _log(f"execution {number} of {job!r} ended {state} (exit code {code})")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or not args[1].isdigit():
        print("usage: python -m mvps.jobs.runner JOB NUMBER", file=sys.stderr)
        return 2
    return run(args[0], int(args[1]))


if __name__ == "__main__":
    raise SystemExit(main())
