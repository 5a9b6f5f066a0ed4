"""Jobs: a Python program registered in the project, run on demand or on a schedule.

A job is a catalog object (kind ``job``) holding its configuration (Hopsworks' job
configuration dict: ``appPath``, ``defaultArgs``... plus mvps' ``workingDirectory``)
and its schedule. ``job.run()`` starts an :class:`~mvps.jobs.execution.Execution`;
``job.schedule(cron)`` makes the project's server (``mvps serve``, started in the
background when none runs) start one at every fire time of a cron expression.

Differences from Hopsworks, on purpose: ``pause_schedule()`` pauses and
``resume_schedule()`` resumes (Hopsworks' client swaps the two); a job with no
executions answers ``get_state()`` with NotFound (Hopsworks raises JobException, of
which NotFound is a kind).
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from mvps.errors import InvalidInput, NotFound
from mvps.jobs import cron
from mvps.jobs.execution import FINAL_STATES, Execution, launch, reconcile
from mvps.jobs.execution import KIND as EXECUTION_KIND

if TYPE_CHECKING:
    from mvps.catalog import CatalogObject

KIND = "job"


def _ms(t: datetime | None) -> int | None:
    return None if t is None else int(t.timestamp() * 1000)


def _dt(ms: int | None) -> datetime | None:
    return None if ms is None else datetime.fromtimestamp(ms / 1000, tz=UTC)


class JobSchedule:
    """When a job runs by itself (Hopsworks' ``JobSchedule``); times are UTC datetimes."""

    def __init__(self, body: dict[str, Any]) -> None:
        self._b = dict(body)

    @property
    def id(self) -> int:
        return int(self._b.get("id", 1))

    @property
    def cron_expression(self) -> str:
        return str(self._b["cron_expression"])

    @property
    def start_date_time(self) -> datetime | None:
        return _dt(self._b.get("start_date_time"))

    @property
    def end_date_time(self) -> datetime | None:
        return _dt(self._b.get("end_date_time"))

    @property
    def enabled(self) -> bool:
        return bool(self._b.get("enabled", True))

    @property
    def next_execution_date_time(self) -> datetime | None:
        """The next fire time (None when paused or past its end)."""
        return _dt(self._b.get("next_execution_date_time")) if self.enabled else None

    @property
    def last_execution_date_time(self) -> datetime | None:
        """The last fire time the server handled (None before the first)."""
        return _dt(self._b.get("last_fire"))

    @property
    def max_active_runs(self) -> int:
        """A fire time is skipped while this many executions of the job still run."""
        return int(self._b.get("max_active_runs", 1))

    @property
    def skipped(self) -> int:
        """Fire times skipped because earlier executions were still running."""
        return int(self._b.get("skipped", 0))

    @property
    def catchup(self) -> bool:
        """Always False: after downtime only the most recent missed fire time runs."""
        return False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "cronExpression": self.cron_expression,
            "startDateTime": self._b.get("start_date_time"),
            "endDateTime": self._b.get("end_date_time"),
            "enabled": self.enabled,
            "nextExecutionDateTime": self._b.get("next_execution_date_time"),
            "maxActiveRuns": self.max_active_runs,
        }

    def __repr__(self) -> str:
        return f"JobSchedule({self.cron_expression!r}, enabled: {self.enabled!r})"


def first_fire(expression: str, start: datetime, end: datetime | None) -> int | None:
    """The first fire time at or after ``start`` (ms), or None if none before ``end``."""
    from datetime import timedelta

    t = cron.next_after(expression, start - timedelta(microseconds=1))
    if t is None or (end is not None and t > end):
        return None
    return _ms(t)


class Job:
    """A registered program (Hopsworks' ``Job``); see the module docstring."""

    def __init__(self, project: Any, obj: CatalogObject) -> None:
        self._project = project
        self._obj = obj
        self._config = copy.deepcopy(obj.body["config"])

    @property
    def _catalog(self) -> Any:
        return self._project.catalog

    def _reload(self) -> CatalogObject:
        obj = self._catalog.get(KIND, self.name, 1)
        if obj is None:
            raise NotFound(f"job {self.name!r} was deleted")
        self._obj = obj
        return obj

    # ------------------------------------------------------------------ properties
    @property
    def id(self) -> int:
        return self._obj.id

    @property
    def name(self) -> str:
        return self._obj.name

    @property
    def creation_time(self) -> datetime:
        return datetime.fromtimestamp(self._obj.created, tz=UTC)

    @property
    def config(self) -> dict[str, Any]:
        """The job configuration; change it and call :meth:`save` to store it."""
        return self._config

    @config.setter
    def config(self, config: dict[str, Any]) -> None:
        self._config = config

    @property
    def job_type(self) -> str:
        return str(self._obj.body.get("job_type", "PYTHON"))

    @property
    def creator(self) -> str:
        return str(self._obj.body.get("creator", ""))

    @property
    def job_schedule(self) -> JobSchedule | None:
        s = self._reload().body.get("schedule")
        return None if s is None else JobSchedule(s)

    @property
    def executions(self) -> list[Execution]:
        return self.get_executions()

    @property
    def href(self) -> str:
        return self.get_url()

    # ------------------------------------------------------------------ running
    def run(self, args: str | None = None, await_termination: bool = True) -> Execution:
        """Run the job; by default wait until it ended. ``args`` (a string, split like a
        shell does) replaces the configuration's ``defaultArgs`` for this run.

        Returns the :class:`Execution` (check ``execution.success``, read
        ``execution.get_logs()``); does not raise when the program fails.
        """
        self._reload()
        if args is None:
            args = self._obj.body["config"].get("defaultArgs") or ""
        print(f"Launching job: {self.name}")
        execution = Execution(self, launch(self._project, self.name, args))
        if await_termination:
            from mvps.errors import JobFailed

            try:
                execution.await_termination()
            except JobFailed:
                pass
        return execution

    def get_executions(self) -> list[Execution]:
        """Every execution of the job, oldest first."""
        return [Execution(self, o) for o in self._catalog.list(EXECUTION_KIND, self.name)]

    def get_execution(self, execution_id: int) -> Execution:
        """Execution number ``execution_id`` of the job."""
        obj = self._catalog.get(EXECUTION_KIND, self.name, int(execution_id))
        if obj is None:
            raise NotFound(f"job {self.name!r} has no execution {execution_id}")
        return Execution(self, obj)

    def _last(self) -> Execution:
        executions = self._catalog.list(EXECUTION_KIND, self.name)
        if not executions:
            raise NotFound(f"job {self.name!r} has no executions yet; start one with job.run()")
        return Execution(self, executions[-1])

    def get_state(self) -> str:
        """The state of the last execution (SUBMITTED, RUNNING, FINISHED, FAILED,
        KILLED, INITIALIZATION_FAILED)."""
        return self._last().state

    def get_final_state(self) -> str:
        """The final status of the last execution: UNDEFINED while it runs, then
        SUCCEEDED, FAILED or KILLED."""
        return self._last().final_status

    def running_executions(self) -> list[Execution]:
        """Executions that have not ended."""
        out = []
        for o in self._catalog.list(EXECUTION_KIND, self.name):
            if o.body.get("state") not in FINAL_STATES:
                o = reconcile(self._catalog, o)
                if o.body.get("state") not in FINAL_STATES:
                    out.append(Execution(self, o))
        return out

    # ------------------------------------------------------------------ definition
    def save(self) -> Job:
        """Store a changed :attr:`config` (checked like ``create_job``)."""
        from mvps.jobs.api import check_config

        config = check_config(self._config)

        def change(body: dict[str, Any]) -> dict[str, Any]:
            body["config"] = config
            return body

        self._change(change)
        self._config = copy.deepcopy(config)
        return self

    def delete(self) -> None:
        """Delete the job, its schedule and every execution (running ones are stopped)."""
        import shutil

        from mvps.jobs.execution import jobs_dir

        for e in self.running_executions():
            e.stop()
        for e in self.get_executions():
            e.delete()
        self._catalog.delete(KIND, self.name, 1)
        shutil.rmtree(jobs_dir(self._project) / self.name, True)

    def _change(self, change: Any) -> CatalogObject:
        self._reload()  # NotFound naming the job when it was deleted
        self._obj = self._catalog.modify(KIND, self.name, 1, change)
        return self._obj

    # ------------------------------------------------------------------ schedule
    def schedule(
        self,
        cron_expression: str,
        start_time: Any = None,
        end_time: Any = None,
    ) -> JobSchedule:
        """Run the job at every fire time of ``cron_expression`` (Quartz, as in
        Hopsworks, or 5-field Unix cron; UTC; see :mod:`mvps.jobs.cron`) from
        ``start_time`` (default now; may be in the past, missed runs are not made up)
        until ``end_time`` (default never). Replaces an existing schedule.

        Schedules fire while the project's server runs; one is started in the background
        (like ``deployment.start()``) if none does.
        """
        from mvps.timeutil import to_utc

        cron.validate(cron_expression)
        now = datetime.now(tz=UTC)
        start = now if start_time is None else to_utc(start_time, "start_time")
        end = None if end_time is None else to_utc(end_time, "end_time")
        if end is not None and end <= start:
            raise InvalidInput(
                f"end_time {end.isoformat()} is not after start_time {start.isoformat()}"
            )
        body = {
            "id": 1,
            "cron_expression": cron_expression,
            "start_date_time": _ms(start),
            "end_date_time": _ms(end),
            "enabled": True,
            "next_execution_date_time": first_fire(cron_expression, max(now, start), end),
            "last_fire": None,
            "max_active_runs": 1,
            "skipped": 0,
        }

        def change(b: dict[str, Any]) -> dict[str, Any]:
            b["schedule"] = body
            return b

        self._change(change)
        self._ensure_scheduler()
        return JobSchedule(body)

    def unschedule(self) -> None:
        """Remove the schedule (running executions go on)."""

        def change(b: dict[str, Any]) -> dict[str, Any]:
            b["schedule"] = None
            return b

        self._change(change)

    def pause_schedule(self) -> JobSchedule:
        """Stop firing until :meth:`resume_schedule`."""
        return self._set_enabled(False)

    def resume_schedule(self) -> JobSchedule:
        """Fire again from now on (fire times missed while paused are not made up)."""
        schedule = self._set_enabled(True)
        self._ensure_scheduler()
        return schedule

    def _set_enabled(self, enabled: bool) -> JobSchedule:
        def change(b: dict[str, Any]) -> dict[str, Any]:
            s = b.get("schedule")
            if s is None:
                raise NotFound(
                    f"job {self.name!r} has no schedule; create one with job.schedule(cron)"
                )
            s["enabled"] = enabled
            if enabled:
                now = datetime.now(tz=UTC)
                start = _dt(s.get("start_date_time")) or now
                s["next_execution_date_time"] = first_fire(
                    s["cron_expression"], max(now, start), _dt(s.get("end_date_time"))
                )
            return b

        return JobSchedule(self._change(change).body["schedule"])

    def _ensure_scheduler(self) -> None:
        from mvps.serving import process

        process.ensure_server(self._project)

    # ------------------------------------------------------------------ misc
    def get_url(self) -> str:
        from mvps.serving.process import server_url

        url = server_url(self._project)
        return f"{url}/jobs/{self.name}" if url else str(self._project.path / "jobs" / self.name)

    def to_dict(self) -> dict[str, Any]:
        s = self._obj.body.get("schedule")
        return {
            "id": self.id,
            "name": self.name,
            "creation_time": self._obj.created,
            "job_type": self.job_type,
            "creator": self.creator,
            "config": copy.deepcopy(self._obj.body["config"]),
            "job_schedule": None if s is None else JobSchedule(s).to_dict(),
        }

    def json(self) -> str:
        import json

        return json.dumps(self.to_dict())

    def __repr__(self) -> str:
        return f"Job({self.name!r}, {self.job_type!r})"


__all__ = ["KIND", "Job", "JobSchedule", "first_fire"]
