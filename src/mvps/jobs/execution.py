"""Executions of jobs: one run of a job's program, in a process of its own.

An execution is a catalog object (kind ``job_execution``, named after its job, the
execution number as version) whose body records its state::

    SUBMITTED -> RUNNING -> FINISHED | FAILED | KILLED      (or INITIALIZATION_FAILED)
    final_status: UNDEFINED while it runs, then SUCCEEDED | FAILED | KILLED

:func:`launch` records the execution and starts ``python -m mvps.jobs.runner`` detached
(its own session), so the run goes on and its result is recorded even if the process
that started it exits. The runner marks it RUNNING, runs the program with its output in
``<project>/jobs/<job>/executions/<n>/stdout.log`` and ``stderr.log``, and records the
exit code and final state. State changes are compare-and-set on the catalog object, so
a stop racing the start, or two writers, cannot undo each other.

A runner that dies without recording a result (the machine restarted, ``kill -9``) is
noticed by :func:`reconcile` on the next read on the same host: the execution becomes
FAILED with the reason.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mvps.errors import InvalidInput, JobFailed, NotFound

if TYPE_CHECKING:
    from mvps.catalog import CatalogObject
    from mvps.jobs.job import Job

KIND = "job_execution"
FINAL_STATES = ("FINISHED", "FAILED", "KILLED", "INITIALIZATION_FAILED")
ERROR_STATES = ("FAILED", "KILLED", "INITIALIZATION_FAILED")
START_GRACE_S = 120.0  # a SUBMITTED execution whose runner never started fails after this
STOP_GRACE_S = 10.0  # SIGTERM, then SIGKILL after this many seconds


# ---------------------------------------------------------------------- places


def jobs_dir(project: Any) -> Path:
    return Path(project.path) / "jobs"


def execution_dir(project: Any, job: str, number: int) -> Path:
    return jobs_dir(project) / job / "executions" / str(number)


def runner_log(project: Any, job: str) -> Path:
    """Where runners of ``job`` write their own messages (not the program's output)."""
    return jobs_dir(project) / job / "runner.log"


def project_env(project: Any) -> dict[str, str]:
    """Environment variables that make ``mvps.login()`` open ``project``."""
    env = {"MVPS_HOME": str(Path(project.path).parent), "MVPS_PROJECT": project.name}
    if project.config.config_file is not None:
        env["MVPS_CONFIG"] = str(project.config.config_file)
    return env


# ---------------------------------------------------------------------- state changes


def transition(
    catalog: Any, job: str, number: int, change: Callable[[dict[str, Any]], dict[str, Any] | None]
) -> CatalogObject:
    """Apply ``change`` to the execution's body (compare-and-set, retried on conflict).

    ``change`` returns the new body, or None to leave the execution as it is. Returns
    the execution as stored afterwards.
    """
    try:
        return catalog.modify(KIND, job, number, change)  # type: ignore[no-any-return]
    except NotFound as exc:
        raise NotFound(
            f"execution {number} of job {job!r} does not exist (was it deleted?)"
        ) from exc


def finish(body: dict[str, Any], state: str, final_status: str, **extra: Any) -> dict[str, Any]:
    """``body`` ended in ``state`` (with end time and duration)."""
    now = time.time()
    start = body.get("start_time") or body.get("submission_time") or now
    body.update(state=state, final_status=final_status, end_time=now, **extra)
    body["duration"] = int(max(0.0, now - start) * 1000)
    return body


def process_start(pid: int) -> int | None:
    """The start time of process ``pid`` in clock ticks since boot (Linux), to tell a
    process from a later one that got the same pid; None where unknown."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return int(fh.read().rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def _alive(body: dict[str, Any], pid_key: str = "pid", start_key: str = "pid_start") -> bool:
    """Whether the process recorded under ``pid_key`` still runs (and is the same one)."""
    from mvps.serving.process import pid_alive

    pid = body.get(pid_key)
    if not isinstance(pid, int) or not pid_alive(pid):
        return False
    started = body.get(start_key)
    return started is None or process_start(pid) in (None, started)


def _kill_orphan(body: dict[str, Any]) -> None:
    """Kill the program of an execution whose runner is gone (nobody would record it)."""
    if _alive(body, "program_pid", "program_start"):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(int(body["program_pid"]), signal.SIGKILL)


def reconcile(catalog: Any, obj: CatalogObject) -> CatalogObject:
    """Notice an execution whose runner is gone without recording a result (see the
    module docstring); other executions are returned unchanged."""
    b = obj.body
    if b.get("state") in FINAL_STATES or b.get("host") not in (None, socket.gethostname()):
        return obj
    if b.get("pid") is None:
        if time.time() - float(b.get("submission_time") or 0) < START_GRACE_S:
            return obj
        reason = f"it did not start within {START_GRACE_S:.0f} s"
    elif _alive(b):
        return obj
    else:
        reason = f"its runner process (pid {b['pid']}) ended without recording a result"

    def fail(body: dict[str, Any]) -> dict[str, Any] | None:
        if body.get("state") in FINAL_STATES or (body.get("pid") and _alive(body)):
            return None
        state = "FAILED" if body.get("pid") else "INITIALIZATION_FAILED"
        return finish(body, state, "FAILED", error=reason)

    obj = transition(catalog, obj.name, obj.version, fail)
    if obj.body.get("error") == reason:
        _kill_orphan(obj.body)
    return obj


# ---------------------------------------------------------------------- launching


def launch(
    project: Any,
    job: str,
    args: str | None,
    trigger: str = "manual",
    window: tuple[datetime, datetime] | None = None,
) -> CatalogObject:
    """Record a new execution of ``job`` and start its runner (see the module docstring).

    ``window`` (scheduled runs) is passed to the program as ``HOPS_START_TIME`` and
    ``HOPS_END_TIME``.
    """
    catalog = project.catalog
    env: dict[str, str] = {}
    if window is not None:
        env["HOPS_START_TIME"] = _iso(window[0])
        env["HOPS_END_TIME"] = _iso(window[1])
    body = {
        "state": "SUBMITTED",
        "final_status": "UNDEFINED",
        "submission_time": time.time(),
        "start_time": None,
        "end_time": None,
        "duration": None,
        "args": args or "",
        "trigger": trigger,
        "environment": env,
        "user": os.environ.get("USER", "mvps"),
        "exit_code": None,
        "pid": None,
        "pid_start": None,
        "host": socket.gethostname(),
        "error": None,
    }
    obj = catalog.create(KIND, job, None, body)
    where = execution_dir(project, job, obj.version)
    where.mkdir(parents=True, exist_ok=True)
    paths = {"stdout_path": str(where / "stdout.log"), "stderr_path": str(where / "stderr.log")}
    catalog.update(KIND, job, obj.version, {**body, **paths})
    log = runner_log(project, job)
    try:
        with open(log, "ab") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "mvps.jobs.runner", job, str(obj.version)],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=str(project.path),
                env={**os.environ, **project_env(project), "PYTHONUNBUFFERED": "1"},
                start_new_session=True,
                close_fds=True,
            )
    except OSError as exc:
        message = f"could not start the runner: {exc}"
        return transition(
            catalog,
            job,
            obj.version,
            lambda b: finish(b, "INITIALIZATION_FAILED", "FAILED", error=message),
        )
    # collect the runner's exit status when it ends, so that no zombie is left behind
    threading.Thread(target=proc.wait, name=f"mvps-job-{job}-{obj.version}", daemon=True).start()
    got = catalog.get(KIND, job, obj.version)
    return got if got is not None else obj


def request_stop(catalog: Any, job: str, number: int) -> CatalogObject:
    """Stop an execution: SIGTERM to its program (SIGKILL after a grace period, by the
    runner); one that has not started yet is marked KILLED and never starts."""

    def kill_if_not_started(body: dict[str, Any]) -> dict[str, Any] | None:
        if body.get("state") in FINAL_STATES or body.get("pid") is not None:
            return None
        return finish(body, "KILLED", "KILLED", error="stopped before it started")

    obj = transition(catalog, job, number, kill_if_not_started)
    b = obj.body
    if b.get("state") in FINAL_STATES:
        return obj
    if b.get("host") != socket.gethostname():
        raise InvalidInput(
            f"execution {number} of job {job!r} runs on host {b.get('host')!r}; stop it there"
        )
    if _alive(b):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(int(b["pid"]), signal.SIGTERM)  # the runner stops the program
    return reconcile(catalog, obj)


# ---------------------------------------------------------------------- the API object


def _dt(epoch: float | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(float(epoch), tz=UTC)


def _iso(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Execution:
    """One run of a job (Hopsworks' ``Execution``). Read-only; refreshed on access to
    ``state``, ``final_status`` and ``success``."""

    def __init__(self, job: Job, obj: CatalogObject) -> None:
        self._job = job
        self._obj = obj

    def _refresh(self) -> dict[str, Any]:
        catalog = self._job._catalog
        obj = catalog.get(KIND, self._obj.name, self._obj.version)
        if obj is not None:
            self._obj = reconcile(catalog, obj)
        return self._obj.body

    # ------------------------------------------------------------------ properties
    @property
    def id(self) -> int:
        """The execution's number among its job's executions (1, 2, ...)."""
        return self._obj.version

    @property
    def job_name(self) -> str:
        return self._obj.name

    @property
    def job_type(self) -> str:
        return self._job.job_type

    @property
    def state(self) -> str:
        """SUBMITTED, RUNNING, FINISHED, FAILED, KILLED or INITIALIZATION_FAILED."""
        return str(self._refresh()["state"])

    @property
    def final_status(self) -> str:
        """UNDEFINED while it runs, then SUCCEEDED, FAILED or KILLED."""
        return str(self._refresh()["final_status"])

    @property
    def success(self) -> bool | None:
        """True if it finished, False if it failed or was killed, None while it runs."""
        state = self._refresh()["state"]
        if state in ERROR_STATES:
            return False
        return True if state == "FINISHED" else None

    @property
    def submission_time(self) -> datetime | None:
        return _dt(self._obj.body.get("submission_time"))

    @property
    def start_time(self) -> datetime | None:
        return _dt(self._refresh().get("start_time"))

    @property
    def end_time(self) -> datetime | None:
        return _dt(self._refresh().get("end_time"))

    @property
    def duration(self) -> int | None:
        """How long it ran, in milliseconds (None while it runs)."""
        d = self._refresh().get("duration")
        return None if d is None else int(d)

    @property
    def args(self) -> str:
        return str(self._obj.body.get("args") or "")

    @property
    def exit_code(self) -> int | None:
        """The program's exit code (None until it ended)."""
        code = self._refresh().get("exit_code")
        return None if code is None else int(code)

    @property
    def error(self) -> str | None:
        """Why it failed to start or was marked failed, if mvps knows (else None)."""
        return self._refresh().get("error")

    @property
    def trigger(self) -> str:
        """``manual`` (run()) or ``schedule``."""
        return str(self._obj.body.get("trigger") or "manual")

    @property
    def progress(self) -> float:
        return 1.0 if self._refresh()["state"] in FINAL_STATES else 0.0

    @property
    def user(self) -> str:
        return str(self._obj.body.get("user") or "")

    @property
    def stdout_path(self) -> str | None:
        return self._obj.body.get("stdout_path")

    @property
    def stderr_path(self) -> str | None:
        return self._obj.body.get("stderr_path")

    @property
    def app_id(self) -> str:
        return f"{self.job_name}-{self.id}"

    @property
    def hdfs_user(self) -> str:
        return self.user

    # ------------------------------------------------------------------ methods
    def await_termination(self, timeout: float | None = None) -> Execution:
        """Wait until the execution ended (at most ``timeout`` seconds). Raises
        :class:`~mvps.errors.JobFailed` if it failed or was killed; returns it otherwise
        (also when the timeout passed first: check ``success``)."""
        deadline = None if timeout is None else time.monotonic() + float(timeout)
        delay = 0.05
        while self._refresh()["state"] not in FINAL_STATES:
            if deadline is not None and time.monotonic() >= deadline:
                return self
            time.sleep(delay)
            delay = min(delay * 1.5, 0.5)
        b = self._obj.body
        if b["state"] in ERROR_STATES:
            detail = f" ({b['error']})" if b.get("error") else ""
            code = f", exit code {b['exit_code']}" if b.get("exit_code") is not None else ""
            raise JobFailed(
                f"execution {self.id} of job {self.job_name!r} ended {b['state']}{code}{detail}; "
                f"its output is in {b.get('stderr_path')} and {b.get('stdout_path')}"
            )
        return self

    def download_logs(
        self, path: str | os.PathLike[str] | None = None
    ) -> tuple[str | None, str | None]:
        """Copy the execution's stdout and stderr to a new folder under ``path`` (default:
        the working directory); returns the two file paths (None for a missing log)."""
        base = Path(os.getcwd() if path is None else path)
        if not base.is_dir():
            raise InvalidInput(f"path {str(base)!r} is not an existing directory")
        target = base / f"logs-job-{self.job_name}-exec-{self.id}_{uuid.uuid4().hex[:16]}"
        target.mkdir()
        out: list[str | None] = []
        for src in (self.stdout_path, self.stderr_path):
            if src and Path(src).is_file():
                out.append(str(shutil.copy(src, target / Path(src).name)))
            else:
                out.append(None)
        return out[0], out[1]

    def get_logs(self, stream: str = "stdout", tail: int | None = None) -> str:
        """The text the program wrote to ``stdout`` or ``stderr`` (the last ``tail``
        lines when given)."""
        from mvps.serving.process import tail as tail_of

        if stream not in ("stdout", "stderr"):
            raise InvalidInput(f"stream must be 'stdout' or 'stderr', got {stream!r}")
        src = self.stdout_path if stream == "stdout" else self.stderr_path
        if not src or not Path(src).is_file():
            return ""
        if tail is not None:
            return tail_of(Path(src), int(tail))
        return Path(src).read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        """Stop the execution (SIGTERM to the program, SIGKILL after 10 s); an execution
        that has ended already is left as it is."""
        self._obj = request_stop(self._job._catalog, self.job_name, self.id)

    def delete(self) -> None:
        """Delete the execution and its logs (stopping it first if it runs)."""
        catalog = self._job._catalog
        if self._refresh()["state"] not in FINAL_STATES:
            self.stop()
            with contextlib.suppress(JobFailed):
                self.await_termination(STOP_GRACE_S + 10)
        catalog.delete(KIND, self.job_name, self.id)
        shutil.rmtree(execution_dir(self._job._project, self.job_name, self.id), True)

    def get_url(self) -> str:
        return f"{self._job.get_url()}#execution-{self.id}"

    def to_dict(self) -> dict[str, Any]:
        b = self._refresh()
        return {"id": self.id, "job_name": self.job_name, **b}

    def __repr__(self) -> str:
        b = self._obj.body
        return (
            f"Execution({b.get('final_status')!r}, {b.get('state')!r}, "
            f"{self.submission_time!r}, {self.args!r})"
        )


__all__ = [
    "ERROR_STATES",
    "FINAL_STATES",
    "KIND",
    "Execution",
    "launch",
    "reconcile",
    "request_stop",
    "transition",
]
