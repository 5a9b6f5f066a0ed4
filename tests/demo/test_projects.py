"""Generated projects run as users run them: pipelines, then their own tests."""

from __future__ import annotations

import sys
from pathlib import Path

from .conftest import SCALE, mvps_cli, run


def python(*args: str, cwd: Path, timeout: float = 300):
    result = run([sys.executable, *args], cwd, timeout)
    assert result.returncode == 0, result.stdout
    return result.stdout


def test_the_loan_project_runs_its_pipelines_and_its_tests_pass(tmp_path: Path) -> None:
    target = tmp_path / "loans"
    created = mvps_cli("init", str(target), "--example", "loan-approval", cwd=tmp_path)
    assert created.returncode == 0, created.stdout

    out = python(
        "-m", "pipelines.feature_pipeline", "--generate", "--scale", SCALE,
        "--backfill", "--until", "2016-06", "--month", "2016-07", "--month", "2016-08",
        cwd=target,
    )  # fmt: skip
    assert "backfill up to 2016-06" in out and "2016-08: {'loans':" in out
    assert sorted(p.name for p in (target / "data").glob("loans-*-2016.csv"))

    out = python("-m", "pipelines.training_pipeline", cwd=target)
    assert "ROC AUC (point-in-time join)" in out and "naive latest join" in out
    assert (target / "model" / "confusion_matrix.png").stat().st_size > 1000

    out = python("-m", "pipelines.batch_inference", "--month", "2016-08", cwd=target)
    assert "loans issued in 2016-08 scored" in out

    tests = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], target)
    assert tests.returncode == 0, tests.stdout
    assert "11 passed" in tests.stdout
    assert (target / ".mvps" / "loans" / "catalog.db").is_file()


def test_the_empty_project_runs_its_placeholders_and_its_tests_pass(tmp_path: Path) -> None:
    target = tmp_path / "svc"
    assert mvps_cli("init", str(target), cwd=tmp_path).returncode == 0
    assert "inserted 1000 rows" in python("-m", "pipelines.feature_pipeline", cwd=target)
    assert "ROC AUC" in python("-m", "pipelines.training_pipeline", cwd=target)
    assert "1000 predictions" in python("-m", "pipelines.batch_inference", cwd=target)
    tests = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], target)
    assert tests.returncode == 0, tests.stdout
    assert "4 passed" in tests.stdout


def test_a_generated_pipeline_runs_as_a_job(tmp_path: Path) -> None:
    """As the project's README shows: the pipeline registered and run with `mvps jobs`,
    in the project's own directory and project (its mvps.toml)."""
    target = tmp_path / "svc"
    assert mvps_cli("init", str(target), cwd=tmp_path).returncode == 0
    created = mvps_cli("jobs", "create", "features", "pipelines/feature_pipeline.py", cwd=target)
    assert created.returncode == 0, created.stdout
    ran = mvps_cli("jobs", "run", "features", cwd=target)
    assert ran.returncode == 0, ran.stdout
    assert "execution 1 of features: FINISHED" in ran.stdout
    logs = mvps_cli("jobs", "logs", "features", cwd=target)
    assert "inserted 1000 rows" in logs.stdout
    assert (target / ".mvps" / "svc" / "jobs" / "features" / "executions" / "1").is_dir()
