"""Jobs: configuration, runs with their state and logs, stopping, deleting."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from mvps.errors import InvalidInput, JobExecutionException, JobFailed, NotFound
from mvps.jobs import execution as executions
from mvps.jobs import runner
from mvps.serving.process import pid_alive

from .conftest import wait_for, wait_running


def make_job(project: Any, programs: Path, name: str, program: str, **config: Any) -> Any:
    api = project.get_job_api()
    cfg = api.get_configuration("PYTHON")
    cfg.update(appPath=str(programs / program), **config)
    return api.create_job(name, cfg)


def test_configuration_and_bad_configurations(project: Any, programs: Path, monkeypatch) -> None:
    api = project.get_job_api()
    cfg = api.get_configuration("PYTHON")
    assert cfg["type"] == "pythonJobConfiguration" and cfg["appPath"] is None
    with pytest.raises(InvalidInput, match="SPARK job needs a Spark cluster"):
        api.get_configuration("SPARK")
    with pytest.raises(InvalidInput, match='needs "appPath"'):
        api.create_job("etl", cfg)
    with pytest.raises(InvalidInput, match="does not exist"):
        api.create_job("etl", {**cfg, "appPath": str(programs / "nope.py")})
    with pytest.raises(InvalidInput, match="job name"):
        api.create_job("../etl", {**cfg, "appPath": str(programs / "echo.py")})
    with pytest.raises(InvalidInput, match="defaultArgs"):
        api.create_job("etl", {**cfg, "appPath": str(programs / "echo.py"), "defaultArgs": [1]})
    with pytest.raises(InvalidInput, match="a FLINK job needs a Flink cluster"):
        api.create_job("etl", {**cfg, "appPath": str(programs / "echo.py"), "jobType": "FLINK"})
    (programs / "nb.ipynb").write_text("{}")
    with pytest.raises(InvalidInput, match="nbconvert"):
        api.create_job("etl", {**cfg, "appPath": str(programs / "nb.ipynb")})
    assert api.get_jobs() == [] and api.get_job("etl") is None and not api.exists("etl")
    # a relative appPath is found from the working directory (default: the current one)
    monkeypatch.chdir(programs)
    job = api.create_job("etl", {**cfg, "appPath": "echo.py"})
    assert job.config["appPath"] == str(programs / "echo.py")
    assert job.config["workingDirectory"] == str(programs)
    assert [j.name for j in api.get_jobs()] == ["etl"] and api.exists("etl")
    with pytest.raises(NotFound, match="no executions yet"):
        job.get_state()
    with pytest.raises(NotFound, match="jobs: \\['etl'\\]"):
        api.get("elt")


def test_run_records_state_output_and_environment(
    project: Any, programs: Path, workdir: Path
) -> None:
    job = make_job(project, programs, "echo", "echo.py", defaultArgs="--month '2016 12'")
    e = job.run()
    assert (e.state, e.final_status, e.success, e.exit_code) == ("FINISHED", "SUCCEEDED", True, 0)
    assert e.id == 1 and e.trigger == "manual" and e.duration is not None and e.duration >= 0
    assert e.start_time is not None and e.end_time is not None and e.end_time >= e.start_time
    out = json.loads(e.get_logs())
    assert out["args"] == ["--month", "2016 12"]  # split like a shell does
    assert out["project"] == str(project.path)  # mvps.login() in the job opens this project
    assert (out["job"], out["execution"]) == ("echo", "1")
    assert out["window"] == [None, None] and out["cwd"] == str(workdir)  # where it was created
    assert e.get_logs("stderr") == "to stderr\n"
    assert (job.get_state(), job.get_final_state()) == ("FINISHED", "SUCCEEDED")
    # per-run arguments replace the default ones
    second = job.run(args="x y")
    assert second.id == 2 and json.loads(second.get_logs())["args"] == ["x", "y"]
    assert [x.id for x in job.get_executions()] == [1, 2]
    assert json.loads(job.get_execution(1).get_logs())["execution"] == "1"
    with pytest.raises(InvalidInput, match="stream"):
        e.get_logs("both")


def test_download_logs(project: Any, programs: Path, tmp_path: Path) -> None:
    e = make_job(project, programs, "echo", "echo.py").run()
    out, err = e.download_logs(tmp_path)
    assert out is not None and err is not None
    assert Path(out).parent.name.startswith("logs-job-echo-exec-1_")
    assert Path(err).read_text() == "to stderr\n" and '"job": "echo"' in Path(out).read_text()
    with pytest.raises(InvalidInput, match="not an existing directory"):
        e.download_logs(tmp_path / "missing")


def test_the_working_directory_is_importable(project: Any, programs: Path) -> None:
    # the test runs elsewhere (see the workdir fixture): workingDirectory decides
    job = make_job(project, programs, "pkg", "uses_pkg.py", workingDirectory=str(programs))
    e = job.run()
    assert e.success, e.get_logs("stderr")
    assert e.get_logs() == "hello from pkg\n"


def test_a_failing_program(project: Any, programs: Path) -> None:
    job = make_job(project, programs, "fail", "fail.py")
    e = job.run()  # run() does not raise; the execution says what happened
    assert (e.state, e.final_status, e.success, e.exit_code) == ("FAILED", "FAILED", False, 3)
    assert e.error == "the program exited with code 3"
    assert e.get_logs("stderr") == "about to fail\n"
    with pytest.raises(JobFailed, match=r"ended FAILED, exit code 3 .*stderr.log"):
        e.await_termination()
    assert JobExecutionException is JobFailed  # the Hopsworks name catches it


def test_a_program_that_disappeared_fails_to_start(project: Any, programs: Path) -> None:
    job = make_job(project, programs, "gone", "echo.py")
    (programs / "echo.py").unlink()
    e = job.run()
    assert (e.state, e.success) == ("INITIALIZATION_FAILED", False)
    assert "does not exist" in (e.error or "")


def test_stop_kills_the_program_and_its_children(project: Any, programs: Path) -> None:
    job = make_job(project, programs, "sleep", "sleep.py")
    e = wait_running(job.run(await_termination=False))
    child = int(wait_for(lambda: e.get_logs().strip(), what="the child's pid"))
    assert pid_alive(child)
    e.stop()
    with pytest.raises(JobFailed, match="KILLED"):
        e.await_termination(timeout=30)
    assert (e.state, e.final_status, e.success) == ("KILLED", "KILLED", False)
    wait_for(lambda: not pid_alive(child), what="the program's child to end")


def test_an_execution_stopped_before_it_started_never_runs(project: Any, programs: Path) -> None:
    job = make_job(project, programs, "echo", "echo.py")
    catalog = project.catalog
    # record an execution the way launch() does, but start its runner by hand later
    obj = catalog.create(executions.KIND, "echo", None, {"state": "SUBMITTED", "host": None})
    stopped = executions.request_stop(catalog, "echo", obj.version)
    assert (
        stopped.body["state"] == "KILLED" and stopped.body["error"] == "stopped before it started"
    )
    assert runner.run("echo", obj.version) == 0
    assert catalog.get(executions.KIND, "echo", obj.version).body["state"] == "KILLED"
    assert job.get_execution(obj.version).get_logs() == ""


def test_a_runner_that_dies_is_noticed(project: Any, programs: Path) -> None:
    job = make_job(project, programs, "sleep", "sleep.py")
    e = wait_running(job.run(await_termination=False))
    body = wait_for(
        lambda: (
            project.catalog.get(executions.KIND, "sleep", e.id).body.get("program_pid")
            and project.catalog.get(executions.KIND, "sleep", e.id).body
        ),
        what="the program to start",
    )
    os.kill(body["pid"], signal.SIGKILL)  # the runner, as after a machine restart
    wait_for(lambda: not pid_alive(body["pid"]), what="the runner to die")
    assert e.state == "FAILED" and e.success is False
    assert "ended without recording a result" in (e.error or "")
    # nobody is left to record the program: it is killed with the execution
    wait_for(lambda: not pid_alive(body["program_pid"]), what="the orphaned program to end")


def test_executions_run_at_the_same_time(project: Any, programs: Path) -> None:
    job = make_job(project, programs, "echo", "echo.py")
    started = [job.run(args=str(i), await_termination=False) for i in range(3)]
    assert sorted(e.id for e in started) == [1, 2, 3]
    for e in started:
        e.await_termination(timeout=60)
    assert sorted(json.loads(e.get_logs())["args"][0] for e in started) == ["0", "1", "2"]


def test_update_and_delete(project: Any, programs: Path) -> None:
    job = make_job(project, programs, "echo", "echo.py")
    job.run()
    job.config["defaultArgs"] = "updated"
    job.save()
    assert project.get_job_api().get_job("echo").config["defaultArgs"] == "updated"
    job.config["appPath"] = str(programs / "missing.py")
    with pytest.raises(InvalidInput, match="does not exist"):
        job.save()
    assert project.get_job_api().get_job("echo").config["defaultArgs"] == "updated"
    # create_job of an existing name updates it
    again = make_job(project, programs, "echo", "fail.py")
    assert again.id == job.id and again.config["appPath"].endswith("fail.py")
    running = wait_running(
        make_job(project, programs, "sleep", "sleep.py").run(await_termination=False)
    )
    logs = Path(running.stdout_path).parent
    project.get_job_api().get_job("sleep").delete()
    assert not project.get_job_api().exists("sleep") and not logs.exists()
    assert project.catalog.list(executions.KIND, "sleep") == []
    assert running.state == "KILLED" or project.catalog.get(executions.KIND, "sleep", 1) is None


def test_a_job_writes_a_feature_group(project: Any, tmp_path: Path) -> None:
    """A feature pipeline run as a job writes into the project that created the job."""
    program = tmp_path / "feature_pipeline.py"
    program.write_text(
        "import sys\nimport pandas as pd\nimport mvps\n"
        "fs = mvps.login().get_feature_store()\n"
        "fg = fs.get_or_create_feature_group('daily', 1, primary_key=['id'], event_time='ts')\n"
        "fg.insert(pd.DataFrame({'id': [1, 2], 'ts': pd.to_datetime([sys.argv[1]] * 2, utc=True),"
        " 'v': [1.5, 2.5]}))\n"
    )
    api = project.get_job_api()
    job = api.create_job("daily", {**api.get_configuration("PYTHON"), "appPath": str(program)})
    e = job.run(args="2024-05-01")
    assert e.success, e.get_logs("stderr")
    got = project.get_feature_store().get_feature_group("daily", 1).read()
    assert sorted(got["v"]) == [1.5, 2.5]
    assert set(got["ts"]) == {pd.Timestamp("2024-05-01", tz="UTC")}
