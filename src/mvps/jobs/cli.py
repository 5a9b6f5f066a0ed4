"""``mvps jobs``: create, run, schedule and inspect the project's jobs.

::

    mvps jobs create feature_pipeline pipelines/feature_pipeline.py --args "--month 2016-12"
    mvps jobs run feature_pipeline            # waits; exit code 1 if it failed
    mvps jobs schedule feature_pipeline "0 0 6 ? * *"   # daily at 06:00 UTC (Quartz)
    mvps jobs list
    mvps jobs executions feature_pipeline
    mvps jobs logs feature_pipeline [--execution 3] [--stderr]

Schedules fire while the project's server runs (``mvps serve``; ``schedule`` starts one
in the background when none runs).
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import Any


def _when(t: datetime | None) -> str:
    return "-" if t is None else t.strftime("%Y-%m-%d %H:%M:%S UTC")


def _seconds(ms: int | None) -> str:
    return "-" if ms is None else f"{ms / 1000:.1f}s"


def configure_jobs(p: argparse.ArgumentParser) -> None:
    from mvps.cli import add_project_options

    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    def action(name: str, help_: str) -> argparse.ArgumentParser:
        a = sub.add_parser(name, help=help_, description=help_)
        add_project_options(a, default=argparse.SUPPRESS)
        return a

    action("list", "list the jobs with their schedules and last executions")
    a = action("create", "create a job (or update the job of that name)")
    a.add_argument("name", help="job name (letters, digits, _ - .)")
    a.add_argument("program", help="the Python program to run (path to a .py file)")
    a.add_argument(
        "--args",
        default=None,
        help="default arguments, as one string (--args='--month 2016-12' when they start with -)",
    )
    a.add_argument(
        "--workdir",
        default=None,
        help="where the program runs, first on PYTHONPATH (default: the current directory)",
    )
    a.add_argument("--cron", default=None, help="also schedule it (see `mvps jobs schedule`)")
    a = action("run", "run a job and wait for it (exit code 1 if it fails)")
    a.add_argument("name")
    a.add_argument(
        "--args",
        default=None,
        help="arguments for this run (default: the job's); --args='--x 1' when they start with -",
    )
    a.add_argument("--no-wait", action="store_true", help="start it and return")
    a = action("executions", "list a job's executions")
    a.add_argument("name")
    a = action("logs", "print the output of an execution")
    a.add_argument("name")
    a.add_argument("--execution", type=int, default=None, help="execution id (default: last)")
    a.add_argument("--stderr", action="store_true", help="print stderr instead of stdout")
    a.add_argument("--tail", type=int, default=None, help="only the last N lines")
    a = action("stop", "stop a running execution")
    a.add_argument("name")
    a.add_argument("--execution", type=int, default=None, help="execution id (default: last)")
    a = action(
        "schedule",
        "run a job on a cron schedule, UTC: Quartz 'sec min hour day month weekday [year]' "
        "(1=Sunday, ? = any) as in Hopsworks, or 5-field Unix cron",
    )
    a.add_argument("name")
    a.add_argument("cron", help='e.g. "0 0 6 ? * *" (daily at 06:00) or "*/15 * * * *"')
    a.add_argument("--start", default=None, help="first possible run (default: now)")
    a.add_argument("--end", default=None, help="no runs after this time (default: never)")
    for name, help_ in (
        ("unschedule", "remove a job's schedule"),
        ("pause", "pause a job's schedule"),
        ("resume", "resume a paused schedule"),
        ("delete", "delete a job, its schedule, executions and logs"),
    ):
        action(name, help_).add_argument("name")


def _execution(job: Any, number: int | None) -> Any:
    from mvps.errors import NotFound

    if number is not None:
        return job.get_execution(number)
    executions = job.get_executions()
    if not executions:
        raise NotFound(f"job {job.name!r} has no executions yet; run it with `mvps jobs run`")
    return executions[-1]


def _print_execution(e: Any) -> None:
    d = e.to_dict()
    code = "" if d.get("exit_code") is None else f", exit code {d['exit_code']}"
    error = f" ({d['error']})" if d.get("error") else ""
    print(
        f"execution {e.id} of {e.job_name}: {d['state']}{code}{error}, "
        f"{_seconds(d.get('duration'))}, submitted {_when(e.submission_time)} ({e.trigger})"
    )


def run_jobs(args: argparse.Namespace) -> int:
    from mvps.cli import open_project

    project = open_project(args)
    api = project.get_job_api()
    a = args.action
    if a == "list":
        jobs = api.get_jobs()
        if not jobs:
            print("no jobs; create one with: mvps jobs create NAME PROGRAM")
        for job in jobs:
            s = job.job_schedule
            when = "not scheduled"
            if s is not None:
                when = f"{s.cron_expression!r} " + (
                    f"next {_when(s.next_execution_date_time)}" if s.enabled else "paused"
                )
            last = job.get_executions()[-1:]
            state = (
                f"last: {last[0].state} {_when(last[0].submission_time)}" if last else "never run"
            )
            print(f"{job.name:24} {job.config['appPath']}  [{when}]  {state}")
        return 0
    if a == "create":
        config = api.get_configuration("PYTHON")
        config["appPath"] = args.program
        config["defaultArgs"] = args.args
        config["workingDirectory"] = args.workdir
        job = api.create_job(args.name, config)
        if args.cron:
            s = job.schedule(args.cron)
            print(f"scheduled {args.cron!r}; next run {_when(s.next_execution_date_time)}")
        return 0
    job = api.get(args.name)
    if a == "run":
        e = job.run(args=args.args, await_termination=not args.no_wait)
        _print_execution(e)
        if not args.no_wait and not e.success:
            tail = e.get_logs("stderr", tail=20)
            if tail:
                print(tail, file=sys.stderr)
            return 1
        return 0
    if a == "executions":
        executions = job.get_executions()
        if not executions:
            print(f"job {job.name!r} has no executions yet")
        for e in executions:
            _print_execution(e)
        return 0
    if a == "logs":
        e = _execution(job, args.execution)
        sys.stdout.write(e.get_logs("stderr" if args.stderr else "stdout", tail=args.tail))
        return 0
    if a == "stop":
        e = _execution(job, args.execution)
        e.stop()
        _print_execution(e)
        return 0
    if a == "schedule":
        s = job.schedule(args.cron, start_time=args.start, end_time=args.end)
        print(f"{job.name}: {args.cron!r}; next run {_when(s.next_execution_date_time)}")
        return 0
    if a == "unschedule":
        job.unschedule()
    elif a == "pause":
        job.pause_schedule()
    elif a == "resume":
        s = job.resume_schedule()
        print(f"next run {_when(s.next_execution_date_time)}")
    elif a == "delete":
        job.delete()
    print(f"{a}: {job.name} done")
    return 0
