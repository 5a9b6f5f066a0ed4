"""Jobs: pipelines registered in the project, run on demand or on a cron schedule.

``project.get_job_api()`` returns the :class:`JobApi` (Hopsworks' job API): jobs are
Python programs, each run is an :class:`Execution` in a process of its own with its
output kept, and a job's schedule is fired by the project's server. See
:mod:`mvps.jobs.api` for the configuration, :mod:`mvps.jobs.execution` for how runs
are started, stopped and recorded, :mod:`mvps.jobs.cron` for schedule expressions and
:mod:`mvps.jobs.scheduler` for firing them.
"""

from __future__ import annotations

from mvps.jobs.api import JobApi
from mvps.jobs.execution import Execution
from mvps.jobs.job import Job, JobSchedule

__all__ = ["Execution", "Job", "JobApi", "JobSchedule"]
