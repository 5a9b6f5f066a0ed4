"""``mvps demo --no-ui``: the loan-approval MVPS end to end, and what it leaves behind."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mvps.demo import BACKFILL_UNTIL, DEPLOYMENT, _prepare_directory, _project_location
from mvps.errors import AlreadyExists
from mvps.serving import process

from .conftest import DemoRun, mvps_cli

MONTHS = ["2016-07", "2016-08", "2016-09", "2016-10", "2016-11", "2016-12"]


def auc(output: str, label: str) -> float:
    match = re.search(rf"ROC AUC, {label}[^:]*:\s+(0\.\d+)", output)
    assert match, output
    return float(match.group(1))


def test_demo_runs_end_to_end_and_compares_leaky_and_point_in_time_models(
    demo_run: DemoRun,
) -> None:
    out = demo_run.output
    assert demo_run.result.returncode == 0, out
    for step in range(1, 7):
        assert f"[{step}/7]" in out
    pit, leaky = auc(out, "point-in-time join"), auc(out, "naive latest join")
    assert 0.62 <= pit <= 0.8
    assert leaky > pit + 0.02  # the naive join leaks outcomes into the features
    assert f"ROC AUC {pit:.3f} (point-in-time) vs {leaky:.3f} (leaky naive join)" in out
    for month in MONTHS:
        assert re.search(rf"{month}: [\d,]+ loans, [\d,]+ credit reports", out)
    assert re.search(r"-> \{'id': \d+, 'charged_off_probability': 0\.\d+, 'decision'", out)
    assert "the deployment was stopped (--no-ui)" in out
    assert re.search(r"mvps demo finished in \d+s", out)


def test_demo_leaves_groups_with_monthly_commits_a_view_a_model_and_predictions(
    demo_run: DemoRun, demo_project
) -> None:
    fs = demo_project.get_feature_store()
    for name in ("loans", "applicants"):
        fg = fs.get_feature_group(name, version=1)
        commits = fg.commit_details()
        assert len(commits) == 1 + len(MONTHS)  # the backfill, then one commit per month
        assert fg.online_enabled
        suite = fg.get_expectation_suite()
        assert suite.validation_ingestion_policy == "STRICT" and len(suite.expectations) >= 5
        assert all(r.success for r in fg.get_all_validation_reports())
    loans = fs.get_feature_group("loans", version=1).read()
    assert loans["issue_d"].max().strftime("%Y-%m") == MONTHS[-1]
    assert {"zip_code", "term", "loan_status"} <= set(loans.columns)
    assert "address" not in loans.columns

    fv = fs.get_feature_view("loans_approvals", version=1)
    assert fv.labels == ["loan_status"]

    model = demo_project.get_model_registry().get_model("lending_model", version=1)
    metrics = model.training_metrics
    assert metrics["roc_auc"] == pytest.approx(auc(demo_run.output, "point-in-time join"), abs=1e-3)
    assert metrics["roc_auc_naive_join"] > metrics["roc_auc"]
    files = {f["path"] for f in model.files}
    assert {"lending_model.pkl", "confusion_matrix.png", "decision.json"} <= files
    assert model.get_feature_view(init=False).name == "loans_approvals"

    predictions = fs.get_feature_group("loan_predictions", version=1).read()
    scored = int(re.search(r"([\d,]+) predictions in loan_predictions", demo_run.output)[1])
    assert len(predictions) == scored > 0
    assert set(predictions["decision"]) <= {"approve", "reject"}
    assert predictions["issue_d"].min().strftime("%Y-%m") == MONTHS[-1]

    deployment = demo_project.get_model_serving().get_deployment(DEPLOYMENT)
    assert deployment is not None and deployment.is_stopped()
    assert process.server_info(demo_project) is None  # the server it started is gone


def test_demo_refuses_a_directory_it_did_not_create(tmp_path: Path) -> None:
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "thesis.tex").write_text("keep me")
    result = mvps_cli("demo", "--no-ui", "--dir", str(tmp_path / "work"), cwd=tmp_path)
    assert result.returncode == 2
    assert "not empty and was not created by mvps demo" in result.stdout
    assert (tmp_path / "work" / "thesis.tex").read_text() == "keep me"


def test_a_previous_demo_directory_is_replaced(tmp_path: Path) -> None:
    previous = tmp_path / "mvps-demo"
    (previous / "data").mkdir(parents=True)
    (previous / ".mvps-demo").write_text("")
    (previous / "data" / "old.csv").write_text("x")
    lines: list[str] = []
    _prepare_directory(previous, lines.append)
    assert previous.is_dir() and not any(previous.iterdir())
    assert lines == [f"replacing the previous demo in {previous}"]
    (previous / "mine.txt").write_text("")
    with pytest.raises(AlreadyExists):
        _prepare_directory(previous, lines.append)


def test_backfill_and_monthly_runs_split_the_data(demo_run: DemoRun) -> None:
    assert f"backfill up to {BACKFILL_UNTIL} (one commit)" in demo_run.output
    assert "6 monthly incremental commits" in demo_run.output


def test_the_project_must_be_fresh_unless_it_lives_in_the_demo_directory(tmp_path: Path) -> None:
    demo = tmp_path / "mvps-demo"
    inside = demo / ".mvps" / "loan_approval"
    inside.mkdir(parents=True)
    (inside / "catalog.db").write_text("")
    assert _project_location(demo, None, None) == inside  # replaced with the directory
    home = tmp_path / "home"
    assert _project_location(demo, str(home), "Lending") == home / "lending"
    (home / "lending").mkdir(parents=True)
    (home / "lending" / "catalog.db").write_text("")
    with pytest.raises(AlreadyExists, match="has data already"):
        _project_location(demo, str(home), "lending")
