"""``project.get_job_api()``: create, find and list jobs (Hopsworks' ``JobApi``).

::

    job_api = project.get_job_api()
    config = job_api.get_configuration("PYTHON")
    config["appPath"] = "pipelines/feature_pipeline.py"
    config["defaultArgs"] = "--month 2016-12"
    job = job_api.create_job("feature_pipeline", config)
    execution = job.run()                      # waits; execution.success, get_logs()
    job.schedule("0 0 6 ? * *")                # every day at 06:00 UTC (Quartz)

mvps runs ``PYTHON`` jobs: a Python program on this machine, run with the interpreter
of the process that starts it (the server's for scheduled runs). ``appPath`` is the
program (absolute, or relative to ``workingDirectory``); ``workingDirectory`` (an mvps
addition, default: the current directory when the job is created) is where it runs
and is put first on ``PYTHONPATH``, so a pipeline can import its project's modules.
``resourceConfig`` and ``environmentName`` are kept for compatibility and not acted on.
"""

from __future__ import annotations

import copy
import os
import re
from pathlib import Path
from typing import Any

from mvps.errors import InvalidInput, NotFound
from mvps.jobs.job import KIND, Job

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")

PYTHON_CONFIG: dict[str, Any] = {
    "type": "pythonJobConfiguration",
    "jobType": "PYTHON",
    "appPath": None,
    "defaultArgs": None,
    "workingDirectory": None,
    "environmentName": "python-feature-pipeline",
    "resourceConfig": {"cores": 1.0, "memory": 2048, "gpus": 0},
    "logRedirection": True,
    "files": None,
}

_ELSEWHERE = {
    "SPARK": "a Spark cluster",
    "PYSPARK": "a Spark cluster",
    "FLINK": "a Flink cluster",
    "DOCKER": "a container runtime",
}


def check_name(name: str) -> str:
    if not isinstance(name, str) or not _NAME.fullmatch(name) or ".." in name:
        raise InvalidInput(
            f"job name {name!r} is not valid: use letters, digits, '_', '-' and '.' "
            "(starting with a letter or digit, at most 128 characters)"
        )
    return name


def check_config(config: Any) -> dict[str, Any]:
    """A copy of a PYTHON job configuration with ``appPath`` and ``workingDirectory``
    made absolute; InvalidInput naming the problem otherwise."""
    if not isinstance(config, dict):
        raise InvalidInput(
            "a job configuration is a dict; start from job_api.get_configuration('PYTHON')"
        )
    out = {**copy.deepcopy(PYTHON_CONFIG), **copy.deepcopy(config)}
    kind = str(out.get("jobType") or "PYTHON").upper()
    if kind != "PYTHON":
        raise InvalidInput(
            f"mvps runs PYTHON jobs (a Python program on this machine); a {kind} job needs "
            f"{_ELSEWHERE.get(kind, 'another platform')}"
        )
    out["jobType"] = "PYTHON"
    workdir = Path(out.get("workingDirectory") or os.getcwd()).expanduser().resolve()
    if not workdir.is_dir():
        raise InvalidInput(f"workingDirectory {str(workdir)!r} is not an existing directory")
    app = out.get("appPath")
    if not app or not isinstance(app, str | os.PathLike):
        raise InvalidInput(
            'the job configuration needs "appPath": the Python program to run, e.g. '
            '"pipelines/feature_pipeline.py"'
        )
    path = Path(app).expanduser()
    path = (path if path.is_absolute() else workdir / path).resolve()
    if not path.is_file():
        raise InvalidInput(
            f"appPath {str(path)!r} does not exist; give the path of a Python program (.py)"
        )
    if path.suffix == ".ipynb":
        raise InvalidInput(
            f"appPath {str(path)!r} is a notebook; convert it to a program first "
            "(jupyter nbconvert --to script) and use the .py file"
        )
    args = out.get("defaultArgs")
    if args is not None and not isinstance(args, str):
        raise InvalidInput(f'"defaultArgs" is a string of arguments, got {type(args).__name__}')
    out["appPath"] = str(path)
    out["workingDirectory"] = str(workdir)
    return out


class JobApi:
    """The jobs of a project (see the module docstring)."""

    def __init__(self, project: Any) -> None:
        self._project = project

    def get_configuration(self, type: str = "PYTHON") -> dict[str, Any]:
        """The default configuration of a job type (only ``PYTHON`` runs in mvps)."""
        kind = str(type).upper()
        if kind not in ("PYTHON", "PYTHON_APP"):
            check_config({"jobType": kind})  # raises, naming what the type needs
        return copy.deepcopy(PYTHON_CONFIG)

    def create_job(self, name: str, config: dict[str, Any]) -> Job:
        """Create a job, or update the configuration of the job of that name."""
        check_name(name)
        cfg = check_config(config)
        catalog = self._project.catalog
        existing = catalog.get(KIND, name, 1)
        if existing is not None:
            job = Job(self._project, existing)
            job.config = cfg
            job.save()
            print(f"Job updated successfully, explore it at {job.get_url()}")
            return job
        body = {
            "job_type": "PYTHON",
            "config": cfg,
            "creator": os.environ.get("USER", "mvps"),
            "schedule": None,
        }
        try:
            obj = catalog.create(KIND, name, 1, body)
        except Exception as exc:  # created concurrently: update that one instead
            from mvps.errors import AlreadyExists

            if not isinstance(exc, AlreadyExists):
                raise
            return self.create_job(name, config)
        job = Job(self._project, obj)
        print(f"Job created successfully, explore it at {job.get_url()}")
        return job

    def get_job(self, name: str) -> Job | None:
        """The job called ``name``, or None."""
        obj = self._project.catalog.get(KIND, name, 1)
        return None if obj is None else Job(self._project, obj)

    def get_jobs(self) -> list[Job]:
        """Every job of the project, by name."""
        return [Job(self._project, o) for o in self._project.catalog.list(KIND)]

    def exists(self, name: str) -> bool:
        return self.get_job(name) is not None

    def get(self, name: str) -> Job:
        """The job called ``name``; NotFound if there is none."""
        job = self.get_job(name)
        if job is None:
            names = [j.name for j in self.get_jobs()]
            raise NotFound(f"job {name!r} does not exist (jobs: {names or 'none'})")
        return job

    def launch(self, name: str, args: str | None = None) -> None:
        """Start an execution of job ``name`` without waiting for it."""
        self.get(name).run(args=args, await_termination=False)

    def last_execution(self, job: Job) -> list[Any]:
        """The job's newest execution in a list (empty when it never ran)."""
        executions = job.get_executions()
        return executions[-1:]


__all__ = ["PYTHON_CONFIG", "JobApi", "check_config", "check_name"]
