"""Firing job schedules: what the project's server does about once a second.

:func:`tick` looks at every enabled schedule whose next fire time has come. It first
moves the schedule on to its following fire time with a compare-and-set on the job, so
that when several server workers tick at once exactly one of them starts the
execution; then it starts it, with ``HOPS_START_TIME`` = the previous fire time (or the
schedule's start) and ``HOPS_END_TIME`` = this one. A fire time that finds
``max_active_runs`` executions of the job still running is skipped (and counted in the
schedule's ``skipped``). After downtime only the most recent missed fire time runs.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from mvps.errors import Conflict, NotFound
from mvps.jobs import cron
from mvps.jobs.execution import FINAL_STATES, launch, reconcile
from mvps.jobs.execution import KIND as EXECUTION_KIND
from mvps.jobs.job import KIND, _dt, _ms

log = logging.getLogger("mvps.jobs")


def _running(catalog: Any, job: str) -> int:
    n = 0
    for o in catalog.list(EXECUTION_KIND, job):
        if o.body.get("state") not in FINAL_STATES:
            if reconcile(catalog, o).body.get("state") not in FINAL_STATES:
                n += 1
    return n


def tick(project: Any, now: datetime | None = None) -> list[tuple[str, int]]:
    """Start the executions that are due; returns ``(job, execution number)`` of each."""
    catalog = project.catalog
    now = now or datetime.now(tz=UTC)
    started: list[tuple[str, int]] = []
    for obj in catalog.list(KIND):
        s = obj.body.get("schedule")
        if not s or not s.get("enabled") or s.get("next_execution_date_time") is None:
            continue
        due = _dt(s["next_execution_date_time"])
        if due is None or due > now:
            continue
        expression = s["cron_expression"]
        end = _dt(s.get("end_date_time"))
        fire = max(due, cron.last_at_or_before(expression, now) or due)
        if end is not None and fire > end:
            fire = due
        following = cron.next_after(expression, max(now, fire))
        if following is not None and end is not None and following > end:
            following = None
        window_start = _dt(s.get("last_fire")) or _dt(s.get("start_date_time")) or fire
        skip = _running(catalog, obj.name) >= int(s.get("max_active_runs", 1))
        body = dict(obj.body)
        body["schedule"] = {
            **s,
            "next_execution_date_time": _ms(following) if following else None,
            "last_fire": _ms(fire),
            "skipped": int(s.get("skipped", 0)) + (1 if skip else 0),
        }
        try:
            catalog.update(KIND, obj.name, 1, body, if_updated=obj.updated)
        except (Conflict, NotFound):
            continue  # another worker fired it, or the job was just deleted
        if skip:
            log.warning("job %r: fire time %s skipped, an execution still runs", obj.name, fire)
            continue
        try:
            args = obj.body["config"].get("defaultArgs") or ""
            ex = launch(project, obj.name, args, trigger="schedule", window=(window_start, fire))
        except Exception:  # one broken job must not stop the others
            log.exception("job %r: could not start the scheduled execution", obj.name)
            continue
        started.append((obj.name, ex.version))
    return started


class Scheduler:
    """:func:`tick` for a server that calls it every second: while no job changed and
    no schedule is due, a call costs one small catalog query."""

    def __init__(self, project: Any) -> None:
        self.project = project
        self._stamp: tuple[int, float] | None = None
        self._next_due: datetime | None = None

    def __call__(self, now: datetime | None = None) -> list[tuple[str, int]]:
        now = now or datetime.now(tz=UTC)
        catalog = self.project.catalog
        stamp = catalog.stamp([KIND])
        if stamp == self._stamp and (self._next_due is None or now < self._next_due):
            return []
        started = tick(self.project, now)
        self._stamp = catalog.stamp([KIND])
        dues = [
            _dt(s["next_execution_date_time"])
            for o in catalog.list(KIND)
            if (s := o.body.get("schedule"))
            and s.get("enabled")
            and s.get("next_execution_date_time")
        ]
        self._next_due = min((d for d in dues if d is not None), default=None)
        return started


__all__ = ["Scheduler", "tick"]
