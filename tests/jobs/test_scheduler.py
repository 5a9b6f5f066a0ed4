"""Schedules: what fires when (tick at chosen times), once among several workers, and
for real under ``mvps serve``."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from mvps.errors import InvalidInput, NotFound
from mvps.jobs import scheduler
from mvps.jobs.job import Job
from mvps.serving import process

from .conftest import wait_for, wait_running

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests call scheduler.tick() themselves instead of running a server."""
    monkeypatch.setattr(Job, "_ensure_scheduler", lambda self: None)


def job_of(project: Any, programs: Path, program: str = "echo.py", name: str = "echo") -> Any:
    api = project.get_job_api()
    return api.create_job(
        name, {**api.get_configuration("PYTHON"), "appPath": str(programs / program)}
    )


def finished(job: Any) -> list[Any]:
    executions = job.get_executions()
    for e in executions:
        e.await_termination(timeout=60)
    return executions


def test_schedule_fires_once_per_due_time(project: Any, programs: Path, no_server: None) -> None:
    job = job_of(project, programs)
    s = job.schedule("0 */10 * ? * *", start_time=START)  # every 10 minutes from 12:00
    # the first fire is the first one after max(now, start): now is after START
    assert s.next_execution_date_time is not None and s.next_execution_date_time > START
    # pretend "now" is START so that the timeline is ours to choose
    body = project.catalog.get("job", "echo", 1).body
    body["schedule"]["next_execution_date_time"] = int(START.timestamp() * 1000)
    project.catalog.update("job", "echo", 1, body)

    assert scheduler.tick(project, now=START - timedelta(seconds=1)) == []  # not due yet
    assert scheduler.tick(project, now=START) == [("echo", 1)]
    assert scheduler.tick(project, now=START + timedelta(minutes=5)) == []  # fired already
    e = finished(job)[0]
    assert e.trigger == "schedule" and e.success
    # the run sees the interval it covers: from the schedule's start to its fire time
    assert json.loads(e.get_logs())["window"] == ["2026-01-01T12:00:00Z", "2026-01-01T12:00:00Z"]
    schedule = job.job_schedule
    assert schedule.last_execution_date_time == START
    assert schedule.next_execution_date_time == START + timedelta(minutes=10)

    # after downtime, only the most recent missed fire time runs (no catch-up)
    later = START + timedelta(minutes=47)
    assert scheduler.tick(project, now=later) == [("echo", 2)]
    e2 = finished(job)[1]
    assert json.loads(e2.get_logs())["window"] == ["2026-01-01T12:00:00Z", "2026-01-01T12:40:00Z"]
    assert job.job_schedule.next_execution_date_time == START + timedelta(minutes=50)


def test_a_fire_time_is_skipped_while_an_execution_runs(
    project: Any, programs: Path, no_server: None
) -> None:
    job = job_of(project, programs, "sleep.py", "sleep")
    job.schedule("0 * * ? * *", start_time=START)
    body = project.catalog.get("job", "sleep", 1).body
    body["schedule"]["next_execution_date_time"] = int(START.timestamp() * 1000)
    project.catalog.update("job", "sleep", 1, body)
    assert scheduler.tick(project, now=START) == [("sleep", 1)]
    running = wait_running(job.get_execution(1))
    assert scheduler.tick(project, now=START + timedelta(minutes=1)) == []
    assert job.job_schedule.skipped == 1 and len(job.get_executions()) == 1
    running.stop()
    wait_for(lambda: running.state == "KILLED", what="the execution to stop")
    assert scheduler.tick(project, now=START + timedelta(minutes=2)) == [("sleep", 2)]
    job.get_execution(2).stop()


def test_workers_ticking_together_start_one_execution(
    project: Any, programs: Path, no_server: None
) -> None:
    job = job_of(project, programs)
    job.schedule("0 * * ? * *", start_time=START)
    body = project.catalog.get("job", "echo", 1).body
    body["schedule"]["next_execution_date_time"] = int(START.timestamp() * 1000)
    project.catalog.update("job", "echo", 1, body)
    results: list[Any] = []
    barrier = threading.Barrier(4)

    def worker() -> None:
        barrier.wait()
        results.append(scheduler.tick(project, now=START))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r for r in results if r) == [[("echo", 1)]]
    assert len(finished(job)) == 1


def test_the_server_scheduler_reads_jobs_only_when_something_changed_or_is_due(
    project: Any, programs: Path, no_server: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[datetime] = []
    real_tick = scheduler.tick

    def counting_tick(p: Any, now: datetime | None = None) -> Any:
        calls.append(now)
        return real_tick(p, now)

    monkeypatch.setattr(scheduler, "tick", counting_tick)
    fire = scheduler.Scheduler(project)
    assert fire(START) == [] and len(calls) == 1  # the first call reads the jobs
    assert fire(START) == [] and len(calls) == 1  # nothing changed, nothing due
    job = job_of(project, programs)
    job.schedule("0 * * ? * *", start_time=START)
    body = project.catalog.get("job", "echo", 1).body
    body["schedule"]["next_execution_date_time"] = int(START.timestamp() * 1000) + 60_000
    project.catalog.update("job", "echo", 1, body)
    assert fire(START) == [] and len(calls) == 2  # a job changed: read again
    assert fire(START + timedelta(seconds=30)) == [] and len(calls) == 2  # not due yet
    assert fire(START + timedelta(minutes=1)) == [("echo", 1)] and len(calls) == 3
    finished(job)


def test_pause_resume_unschedule_and_end(project: Any, programs: Path, no_server: None) -> None:
    job = job_of(project, programs)
    with pytest.raises(NotFound, match="no schedule"):
        job.pause_schedule()
    with pytest.raises(InvalidInput, match="not valid"):
        job.schedule("0 0 25 * * ?")
    with pytest.raises(InvalidInput, match="not after start_time"):
        job.schedule("0 * * ? * *", start_time=START, end_time=START)
    s = job.schedule("0 * * ? * *")
    assert s.enabled and s.cron_expression == "0 * * ? * *" and s.next_execution_date_time
    paused = job.pause_schedule()  # pauses (Hopsworks' client swaps pause and resume)
    assert not paused.enabled and paused.next_execution_date_time is None
    far = datetime.now(tz=UTC) + timedelta(days=1)
    assert scheduler.tick(project, now=far) == []
    resumed = job.resume_schedule()
    assert resumed.enabled and resumed.next_execution_date_time is not None
    job.unschedule()
    assert job.job_schedule is None and scheduler.tick(project, now=far) == []
    # a schedule that ends: no fire time after its end
    end = datetime.now(tz=UTC) - timedelta(minutes=1)
    s = job.schedule("0 * * ? * *", start_time=end - timedelta(hours=1), end_time=end)
    assert s.next_execution_date_time is None
    assert job.get_executions() == []


def test_mvps_serve_fires_schedules(project: Any, programs: Path) -> None:
    """schedule() starts the project's server, which runs the job every second."""
    job = job_of(project, programs)
    job.schedule("* * * ? * *")
    assert process.server_info(project) is not None
    runs = wait_for(
        lambda: [e for e in job.get_executions() if e.success] or None,
        what="a scheduled execution to finish",
    )
    job.pause_schedule()
    e = runs[0]
    assert e.trigger == "schedule"
    start, end = json.loads(e.get_logs())["window"]
    assert start is not None and end is not None and start <= end
