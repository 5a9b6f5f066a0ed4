"""The UI's JSON API against the demo project (FastAPI TestClient and a live server)."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

import mvps
from mvps.ui import STATIC_DIR, api
from mvps.ui.routes import CSP, PAGES, create_ui_app, router

from .conftest import LiveServer, free_port
from .demo import XSS_ARGS, XSS_DESCRIPTION, XSS_VALUE, Demo, create_job, write_job_programs


@pytest.fixture(scope="module")
def client(demo: Demo) -> TestClient:
    return TestClient(create_ui_app(demo.project))


def get(client: TestClient, url: str, status: int = 200) -> Any:
    r = client.get(url)
    assert r.status_code == status, (url, r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/json")
    return r.json()


# ------------------------------------------------------------------ overview


def test_overview_counts_and_recent_activity(client: TestClient, demo: Demo) -> None:
    d = get(client, "/api/overview")
    assert d["project"]["name"] == demo.project.name
    assert d["counts"] == {
        "feature_groups": 3,  # loan_summary was deleted
        "feature_views": 1,
        "training_datasets": 2,
        "models": 2,
        "deployments": 1,
        "jobs": 3,
    }
    commits = d["recent_commits"]
    assert commits and commits == sorted(commits, key=lambda c: c["committed_at"], reverse=True)
    assert {c["feature_group"]["name"] for c in commits} >= {"loans", "applicants"}
    reports = d["recent_validation_reports"]
    assert any(r["ingestion_result"] == "REJECTED" for r in reports)
    assert [m["label"] for m in d["recent_models"]] == ["loan_model v2", "loan_model v1"]
    types = {a["type"] for a in d["activity"]}
    assert {"commit", "validation", "model"} <= types or {"model", "deployment"} <= types
    for a in d["activity"]:
        assert a["url"].startswith("/")


# ------------------------------------------------------------------ feature groups


def test_feature_group_list_and_search(client: TestClient) -> None:
    d = get(client, "/api/feature-groups")
    assert [(i["name"], i["version"]) for i in d["items"]] == [
        ("applicants", 1),
        ("loan_notes", 1),
        ("loans", 1),
    ]
    loans = next(i for i in d["items"] if i["name"] == "loans")
    assert loans["online_enabled"] and loans["primary_key"] == ["id"]
    assert loans["event_time"] == "issue_d" and loans["url"] == "/feature-groups/loans/1"
    # by feature name, by description, nothing
    assert [i["name"] for i in get(client, "/api/feature-groups?q=INT_RATE")["items"]] == ["loans"]
    assert [i["name"] for i in get(client, "/api/feature-groups?q=credit reports")["items"]] == [
        "applicants"
    ]
    assert get(client, "/api/feature-groups?q=zzz")["count"] == 0


def test_feature_group_detail(client: TestClient, demo: Demo) -> None:
    d = get(client, "/api/feature-groups/loans/1")
    assert d["description"].startswith("Loans issued")
    by_name = {f["name"]: f for f in d["features"]}
    assert by_name["id"]["primary"] and by_name["issue_d"]["event_time"]
    assert by_name["int_rate"]["description"] == "Interest rate in percent per year."
    assert by_name["int_rate"]["type"] == "double"
    assert d["online_enabled"] and d["primary_key"] == ["id"] and d["event_time"] == "issue_d"
    assert d["expectation_suite"]["name"] == "loans_quality"
    assert len(d["expectation_suite"]["expectations"]) == 3
    assert d["num_commits"] == len(demo.loans.commit_details()) == 6
    assert d["num_rows"] == len(demo.loans.read()) + 15  # statistics predate the delete
    down = {(r["name"], r["deleted"]) for r in d["lineage"]["downstream"]}
    assert down == {("loan_approval", False), ("loan_summary", True)}
    assert get(client, "/api/feature-groups/loans")["versions"][0]["version"] == 1


def test_commits_match_the_offline_history(client: TestClient, demo: Demo) -> None:
    d = get(client, "/api/feature-groups/loans/1/commits")
    ids = [c["commit_id"] for c in d["commits"]]
    assert ids == sorted(ids) and len(ids) == 6
    expected = demo.loans.commit_details()
    for c in d["commits"]:
        e = expected[c["commit_id"]]
        assert (c["rows_inserted"], c["rows_updated"], c["rows_deleted"]) == (
            e["rowsInserted"],
            e["rowsUpdated"],
            e["rowsDeleted"],
        )
    assert d["totals"]["rows_updated"] == 40 and d["totals"]["rows_deleted"] == 15
    assert d["totals"]["rows_inserted"] == len(demo.loans.read()) + 15
    assert [
        c["commit_id"]
        for c in get(client, "/api/feature-groups/loans/1/commits?limit=2")["commits"]
    ] == [4, 5]


def test_statistics_have_histograms_and_top_values(client: TestClient, demo: Demo) -> None:
    d = get(client, "/api/feature-groups/loans/1/statistics")
    st = d["statistics"]
    feats = {f["feature_name"]: f for f in st["features"]}
    assert set(feats) == set(demo.loans.read().columns)
    amount = feats["loan_amnt"]
    assert amount["feature_type"] == "Fractional"
    assert sum(b["count"] for b in amount["histogram"]) == amount["num_non_null_values"]
    assert amount["histogram"][0]["bin"][0] == amount["min"]
    assert amount["median"] is not None and amount["min"] <= amount["median"] <= amount["max"]
    grade = feats["grade"]
    assert (
        grade["histogram"] is None
        and grade["top_values"][0]["count"] >= grade["top_values"][-1]["count"]
    )
    assert {t["value"] for t in grade["top_values"]} <= set("ABCDEFG")
    # one entry per statistics computation, newest first; pick one by commit
    history = d["history"]
    assert [h["commit_version"] for h in history] == [4, 3, 2, 1, 0]
    older = get(client, "/api/feature-groups/loans/1/statistics?commit=0")["statistics"]
    assert older["commit_version"] == 0
    assert older["features"][0]["count"] < st["features"][0]["count"]
    err = get(client, "/api/feature-groups/loans/1/statistics?commit=99", 404)
    assert "no statistics for commit 99" in err["detail"]


def test_validation_reports_like_hopsworks(client: TestClient) -> None:
    d = get(client, "/api/feature-groups/loans/1/validation-reports")
    assert d["count"] == 5 and d["summary"]["ingested"] == 5
    for r in d["reports"]:
        assert r["evaluated_expectations"] == 3
        assert r["successful_expectations"] + r["unsuccessful_expectations"] == 3
        assert r["success_percent"] == pytest.approx(r["successful_expectations"] / 3 * 100)
        assert len(r["failed_expectations"]) == r["unsuccessful_expectations"]
        assert r["success"] == (r["unsuccessful_expectations"] == 0)
    failed = [x for r in d["reports"] for x in r["failed_expectations"]]
    assert failed, "some batches have interest rates above the expected maximum"
    assert {x["expectation_type"] for x in failed} == {"expect_column_values_to_be_between"}
    for x in failed:
        assert x["kwargs"]["column"] == "int_rate"
        assert x["unexpected_count"] > 0 and all(v > 24 for v in x["partial_unexpected_list"])
    times = [r["validation_time"] for r in d["reports"]]
    assert times == sorted(times, reverse=True)
    a = get(client, "/api/feature-groups/applicants/1/validation-reports")
    assert a["summary"] == {"ingested": 2, "rejected": 1, "successful": 2, "failed": 1}
    rejected = a["reports"][0]
    assert rejected["ingestion_result"] == "REJECTED" and rejected["row_count"] == 5
    assert rejected["failed_expectations"][0]["kwargs"]["column"] == "annual_inc"
    assert get(client, "/api/feature-groups/loan_notes/1/validation-reports")["reports"] == []


def test_preview_offline_and_online(client: TestClient, demo: Demo) -> None:
    d = get(client, "/api/feature-groups/loans/1/preview?n=7")
    assert [c["name"] for c in d["columns"]] == list(demo.loans.read().columns)
    assert len(d["rows"]) == 7 and d["total_rows"] == len(demo.loans.read())
    assert re.match(r"\d{4}-\d\d-\d\dT", d["rows"][0][1])  # timestamps as ISO strings
    online = get(client, "/api/feature-groups/loans/1/preview?n=3&online=true")
    assert online["storage"] == "online" and len(online["rows"]) == 3
    notes = get(client, "/api/feature-groups/loan_notes/1/preview")
    scores = [row[2] for row in notes["rows"]]
    assert None in scores  # NaN is null in JSON
    err = get(client, "/api/feature-groups/loan_notes/1/preview?online=true", 400)
    assert "not online-enabled" in err["detail"]
    get(client, "/api/feature-groups/loans/1/preview?n=100000", 422)


# ------------------------------------------------------------------ feature views


def test_feature_view_detail(client: TestClient, demo: Demo) -> None:
    d = get(client, "/api/feature-views/loan_approval/1")
    assert d["labels"] == ["loan_status"]
    assert d["query"]["feature_group"]["name"] == "loans"
    [join] = d["joins"]
    assert join["left"]["name"] == "loans" and join["right"]["name"] == "applicants"
    assert join["left_on"] == ["id"] and join["right_on"] == ["id"]
    assert join["features"] == ["home_ownership", "annual_inc", "dti"]
    label = next(f for f in d["features"] if f["name"] == "loan_status")
    assert label["label"] and label["feature_group"]["name"] == "loans"
    assert [t["name"] for t in d["transformation_functions"]][:2] == [
        "min_max_scaler",
        "min_max_scaler",
    ]
    required = [k["name"] for k in d["serving_keys"] if k["required"]]
    assert required == ["id"]
    assert [t["version"] for t in d["training_datasets"]] == demo.td_versions
    for td in d["training_datasets"]:
        assert td["split"] == "random" and set(td["rows"]) == {"train", "test"}
        assert td["total_rows"] == td["rows"]["train"] + td["rows"]["test"]
    sizes = [td["test_size"] for td in d["training_datasets"]]
    assert sizes == [0.2, 0.25]
    assert sorted(m["label"] for m in d["models"]) == ["loan_model v1", "loan_model v2"]
    assert "ASOF" in d["query_sql"].upper()
    assert get(client, "/api/feature-views?q=approve")["count"] == 1
    tds = get(client, "/api/feature-views/loan_approval/1/training-datasets")
    assert tds["count"] == 2


def test_training_dataset_statistics_per_split(client: TestClient, demo: Demo) -> None:
    v = demo.td_versions[-1]
    d = get(client, f"/api/feature-views/loan_approval/1/training-datasets/{v}/statistics")
    assert set(d["splits"]) == {"train", "test"}
    for name, st in d["splits"].items():
        counts = {f["count"] for f in st["features"]}
        assert counts == {d["rows"][name]}
    names = {f["feature_name"] for f in d["splits"]["train"]["features"]}
    assert {"loan_amnt", "home_ownership", "loan_status"} <= names
    get(client, "/api/feature-views/loan_approval/1/training-datasets/99/statistics", 404)


# ------------------------------------------------------------------ models


def test_models_and_metrics_across_versions(client: TestClient, demo: Demo) -> None:
    d = get(client, "/api/models")
    [m] = d["items"]
    assert m["name"] == "loan_model" and m["versions"] == [1, 2] and m["version"] == 2
    assert m["framework"] == "SKLEARN"
    v = get(client, "/api/models/loan_model")
    assert v["metric_names"] == ["accuracy", "f1", "roc_auc"]
    for name in v["metric_names"]:
        values = [p["value"] for p in v["metrics"][name]]
        assert values == [mm.training_metrics[name] for mm in demo.models]


def test_model_version_detail(client: TestClient, demo: Demo) -> None:
    d = get(client, "/api/models/loan_model/2")
    assert d["feature_view"]["url"] == "/feature-views/loan_approval/1"
    assert d["training_dataset"]["version"] == demo.td_versions[-1]
    assert not d["training_dataset"]["deleted"]
    assert [i["path"] for i in d["images"]] == ["plots/confusion_matrix.png"]
    assert {f["path"] for f in d["files"]} == {
        "model.pkl",
        "README.txt",
        "plots/confusion_matrix.png",
    }
    assert d["input_example"] is not None
    assert d["model_schema"]["input_schema"]["columnar_schema"]
    assert [x["name"] for x in d["deployments"]] == ["loanapproval"]
    up = {r["kind"] for r in d["lineage"]["upstream"]}
    assert up == {"training_dataset"}
    r = client.get(d["images"][0]["url"])
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    assert r.content.startswith(b"\x89PNG")
    assert "sandbox" in r.headers["content-security-policy"]


@pytest.mark.parametrize(
    "path",
    [
        "README.txt",  # not an image
        "model.pkl",
        "../1/Files/plots/confusion_matrix.png",
        "..%2F1%2FFiles%2Fplots%2Fconfusion_matrix.png",
        "plots/../../../../../../etc/passwd",
        "%2Fetc%2Fpasswd",
        "plots/missing.png",
    ],
)
def test_model_files_only_images_inside_the_model(client: TestClient, path: str) -> None:
    r = client.get(f"/api/models/loan_model/2/files/{path}")
    assert r.status_code == 404, r.text
    assert r.headers["content-type"].startswith("application/json")


def test_model_file_symlink_out_of_the_model_is_refused(client: TestClient, demo: Demo) -> None:
    root = api.model_dir(demo.project, demo.project.catalog.require("model", "loan_model", 1))
    assert root is not None
    outside = Path(demo.project.path) / "outside.png"
    outside.write_bytes(b"\x89PNG secret")
    link = root / "plots" / "escape.png"
    link.symlink_to(outside)
    try:
        assert client.get("/api/models/loan_model/1/files/plots/escape.png").status_code == 404
    finally:
        link.unlink()


# ------------------------------------------------------------------ deployments


def test_deployment_without_a_model_server(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mvps.serving import process

    monkeypatch.setattr(process, "server_url", lambda project: None)
    d = get(client, "/api/deployments/loanapproval")
    assert d["model"]["label"] == "loan_model v2"
    assert d["predict_url"] == "/api/deployments/loanapproval/predict"
    assert d["serving"] == "none" and d["endpoint_url"] is None
    [instance] = d["example_request"]["instances"]
    assert list(instance) == ["id"] and isinstance(instance["id"], int)
    r = client.post(d["predict_url"], json=d["example_request"])
    assert r.status_code == 503 and "no model server runs" in r.json()["detail"]
    assert get(client, "/api/deployments")["items"][0]["name"] == "loanapproval"
    get(client, "/api/deployments/nope", 404)
    assert client.post("/api/deployments/nope/predict", json={}).status_code == 404


def test_prediction_through_the_ui_proxy(serve_server: LiveServer, client: TestClient) -> None:
    d = get(client, "/api/deployments/loanapproval")
    assert d["serving"] == "proxy" and d["status"] == "Running"
    assert d["endpoint_url"] == f"{serve_server.url}/v1/models/loanapproval:predict"
    r = client.post(d["predict_url"], json=d["example_request"])
    assert r.status_code == 200, r.text
    assert r.json()["predictions"][0] in ("Fully Paid", "Charged Off")
    assert float(r.headers["x-elapsed-ms"]) > 0
    bad = client.post(d["predict_url"], json={"instances": [{"id": -12345}]})
    assert bad.status_code == 404 and "error" in bad.json()
    assert client.post(d["predict_url"], content=b"{not json").status_code == 400


def test_ui_under_mvps_serve_is_same_origin(serve_server: LiveServer) -> None:
    with httpx.Client(base_url=serve_server.url, timeout=30) as http:
        d = http.get("/api/deployments/loanapproval").json()
        assert d["serving"] == "same-origin" and d["status"] == "Running"
        assert d["predict_url"] == "/v1/models/loanapproval:predict"
        r = http.post(d["predict_url"], json=d["example_request"])
        assert r.status_code == 200 and len(r.json()["predictions"]) == 1
        proxied = http.post("/api/deployments/loanapproval/predict", json=d["example_request"])
        assert proxied.json() == r.json()
        assert http.get("/").headers["content-security-policy"] == CSP
        assert http.get("/api/overview").json()["counts"]["deployments"] == 1


# ------------------------------------------------------------------ lineage


def test_lineage_of_the_whole_project(client: TestClient) -> None:
    d = get(client, "/api/lineage")
    ids = {n["id"] for n in d["nodes"]}
    assert "feature_group:loan_summary:1" in ids
    deleted = [n["id"] for n in d["nodes"] if n["deleted"]]
    assert deleted == ["feature_group:loan_summary:1"]
    edges = {(e["source"], e["target"]) for e in d["edges"]}
    assert ("feature_group:loans:1", "feature_view:loan_approval:1") in edges
    assert ("model:loan_model:2", "deployment:loanapproval:1") in edges
    assert all(s in ids and t in ids for s, t in edges)
    # models hang off their training dataset, not straight off the feature view
    assert not any(s.startswith("feature_view:") and t.startswith("model:") for s, t in edges)


def test_lineage_around_one_object(client: TestClient, demo: Demo) -> None:
    td2 = f"training_dataset:loan_approval_1:{demo.td_versions[-1]}"
    d = get(client, "/api/lineage/model/loan_model/2")
    ids = {n["id"] for n in d["nodes"]}
    assert d["focus"] == "model:loan_model:2"
    assert ids == {
        "feature_group:loans:1",
        "feature_group:applicants:1",
        "feature_view:loan_approval:1",
        td2,
        "model:loan_model:2",
        "deployment:loanapproval:1",
    }
    fg = get(client, "/api/lineage/feature-groups/loans/1")
    assert "model:loan_model:1" in {n["id"] for n in fg["nodes"]}
    assert "feature_group:applicants:1" not in {n["id"] for n in fg["nodes"]}
    deleted = get(client, "/api/lineage/feature_group/loan_summary/1")
    assert [n["deleted"] for n in deleted["nodes"] if n["focus"]] == [True]
    get(client, "/api/lineage/feature_group/nope/1", 404)
    assert "unknown kind" in get(client, "/api/lineage/spaceship/x/1", 400)["detail"]


# ------------------------------------------------------------------ jobs

RUNNING = ("SUBMITTED", "RUNNING")


def _utc(value: str | None) -> dt.datetime:
    """An ISO time of the API, checked to be UTC."""
    assert value is not None
    t = dt.datetime.fromisoformat(value)
    assert t.utcoffset() == dt.timedelta(0), value
    return t


def poll(fetch: Callable[[], Any], done: Callable[[Any], bool], timeout: float = 60.0) -> Any:
    """``fetch()`` again until ``done`` says yes; fails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if done(value):
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"still not done after {timeout:.0f} s: {value}")
        time.sleep(0.05)  # the interval between polls, not a wait for something


def test_jobs_with_schedules_and_last_executions(client: TestClient) -> None:
    d = get(client, "/api/jobs")
    assert d["count"] == 3
    by_name = {j["name"]: j for j in d["items"]}
    assert list(by_name) == ["backfill", "feature_pipeline", "training_pipeline"]
    f = by_name["feature_pipeline"]
    assert f["url"] == "/jobs/feature_pipeline" and f["job_type"] == "PYTHON"
    assert f["program"] == "pipelines/feature_pipeline.py"
    assert f["app_path"].endswith("/pipelines/feature_pipeline.py")
    assert f["default_args"] == "--month 2016-12"
    s = f["schedule"]
    assert s["cron_expression"] == "0 0 6 ? * *" and s["enabled"] is True
    assert s["skipped"] == 0 and s["last_fire_time"] is None
    next_fire = _utc(s["next_fire_time"])
    assert (next_fire.hour, next_fire.minute, next_fire.second) == (6, 0, 0)
    now = dt.datetime.now(dt.UTC)
    assert now < next_fire <= now + dt.timedelta(days=1)
    assert f["num_executions"] == 2
    last = f["last_execution"]
    assert {k: last[k] for k in ("id", "url", "state", "final_status")} == {
        "id": 2,
        "url": "/jobs/feature_pipeline#execution-2",
        "state": "FINISHED",
        "final_status": "SUCCEEDED",
    }
    assert isinstance(last["duration"], int) and last["duration"] >= 0
    _utc(last["submission_time"])
    t = by_name["training_pipeline"]
    assert t["schedule"]["enabled"] is False and t["schedule"]["next_fire_time"] is None
    assert t["default_args"] == ""
    assert (t["last_execution"]["state"], t["last_execution"]["final_status"]) == (
        "FAILED",
        "FAILED",
    )
    b = by_name["backfill"]
    assert b["schedule"] is None and b["last_execution"] is None and b["num_executions"] == 0


def test_job_definition_and_executions_newest_first(client: TestClient, demo: Demo) -> None:
    d = get(client, "/api/jobs/feature_pipeline")
    feature = demo.jobs["feature_pipeline"]
    assert d["config"] == feature.config and d["app_path"] == feature.config["appPath"]
    assert d["working_directory"] == feature.config["workingDirectory"]
    assert d["creator"] == feature.creator and _utc(d["created"]) == feature.creation_time
    assert d["schedule"]["cron_expression"] == "0 0 6 ? * *"
    assert d["schedule"]["end_time"] is None and d["schedule"]["max_active_runs"] == 1
    assert _utc(d["schedule"]["start_time"]) <= _utc(d["schedule"]["next_fire_time"])
    assert d["num_executions"] == 2 and d["running"] == 0
    assert [e["id"] for e in d["executions"]] == [2, 1]
    assert [e["args"] for e in d["executions"]] == [XSS_ARGS, "--month 2016-12"]
    for e in d["executions"]:
        assert (e["state"], e["final_status"], e["trigger"]) == ("FINISHED", "SUCCEEDED", "manual")
        assert e["exit_code"] == 0 and e["error"] is None
        assert _utc(e["submission_time"]) <= _utc(e["start_time"]) <= _utc(e["end_time"])
        assert isinstance(e["duration"], int) and e["duration"] >= 0
        assert e["url"] == f"/jobs/feature_pipeline#execution-{e['id']}"
    newest = get(client, "/api/jobs/feature_pipeline?limit=1")
    assert [e["id"] for e in newest["executions"]] == [2] and newest["num_executions"] == 2
    [failed] = get(client, "/api/jobs/training_pipeline")["executions"]
    assert (failed["state"], failed["final_status"]) == ("FAILED", "FAILED")
    assert failed["exit_code"] == 3 and failed["error"] == "the program exited with code 3"
    assert get(client, "/api/jobs/backfill")["executions"] == []
    err = get(client, "/api/jobs/nope", 404)
    assert err["detail"] == (
        "job 'nope' does not exist (jobs: ['backfill', 'feature_pipeline', 'training_pipeline'])"
    )
    get(client, "/api/jobs/feature_pipeline?limit=0", 422)


def test_execution_logs(client: TestClient) -> None:
    logs = "/api/jobs/feature_pipeline/executions/2/logs"
    assert get(client, logs) == {
        "stream": "stdout",
        "text": f"feature pipeline, arguments: --month 2017-01 --note {XSS_VALUE}\n"
        "wrote 120 rows to loans v1",
        "tail": 500,
    }
    assert get(client, logs + "?tail=1")["text"] == "wrote 120 rows to loans v1"
    err = get(client, logs + "?stream=stderr")
    assert err == {
        "stream": "stderr",
        "text": "warning: 3 loans without an interest rate",
        "tail": 500,
    }
    first = get(client, "/api/jobs/feature_pipeline/executions/1/logs")["text"]
    assert first.startswith("feature pipeline, arguments: --month 2016-12\n")
    failed = get(client, "/api/jobs/training_pipeline/executions/1/logs?stream=stderr")
    assert failed["text"] == "error: not enough training data"
    bad = get(client, logs + "?stream=both", 400)
    assert bad["detail"] == "stream must be 'stdout' or 'stderr', got 'both'"
    get(client, logs + "?tail=0", 422)
    missing = get(client, "/api/jobs/feature_pipeline/executions/9/logs", 404)
    assert missing["detail"] == "job 'feature_pipeline' has no execution 9"
    assert (
        "job 'nope' does not exist"
        in get(client, "/api/jobs/nope/executions/1/logs", 404)["detail"]
    )


@pytest.fixture(scope="module")
def jobs_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A project of its own (runs change it) with jobs ``echo`` (prints its arguments),
    ``fails`` (exit code 3) and ``sleeper`` (runs until stopped)."""
    base = tmp_path_factory.mktemp("jobs")
    project = _fresh_project(base / "home", "jobs")
    workdir = write_job_programs(base / "work")
    create_job(project, "echo", "feature_pipeline.py", workdir, "--month 2016-12")
    create_job(project, "fails", "training_pipeline.py", workdir, None)
    create_job(project, "sleeper", "sleeper.py", workdir, None)
    try:
        yield TestClient(create_ui_app(project))
    finally:
        for job in project.get_job_api().get_jobs():
            for execution in job.running_executions():
                execution.stop()
        project.close()


def _ended(client: TestClient, job: str, execution_id: int) -> dict[str, Any]:
    """Execution ``execution_id`` of ``job`` once it ended, polling the job's JSON."""
    d = poll(
        lambda: get(client, f"/api/jobs/{job}"),
        lambda d: any(
            e["id"] == execution_id and e["state"] not in RUNNING for e in d["executions"]
        ),
    )
    assert d["running"] == 0
    return next(e for e in d["executions"] if e["id"] == execution_id)


def test_run_a_job_from_the_api(jobs_client: TestClient) -> None:
    c = jobs_client
    r = c.post("/api/jobs/echo/executions", json={"args": "--month 2018-03 --note 'a b'"})
    assert r.status_code == 200, r.text
    started = r.json()
    assert started["state"] in ("SUBMITTED", "RUNNING", "FINISHED")
    assert started["trigger"] == "manual" and started["args"] == "--month 2018-03 --note 'a b'"
    assert started["url"] == f"/jobs/echo#execution-{started['id']}"
    e = _ended(c, "echo", started["id"])
    assert (e["state"], e["final_status"], e["exit_code"]) == ("FINISHED", "SUCCEEDED", 0)
    logs = get(c, f"/api/jobs/echo/executions/{e['id']}/logs")["text"]
    assert logs.splitlines()[0] == "feature pipeline, arguments: --month 2018-03 --note a b"
    # without a body, or with blank arguments: the job's default arguments
    for kwargs in ({}, {"json": {}}, {"json": {"args": "  "}}, {"json": {"args": None}}):
        r = c.post("/api/jobs/echo/executions", **kwargs)
        assert r.status_code == 200, (kwargs, r.text)
        e = _ended(c, "echo", r.json()["id"])
        assert e["args"] == "--month 2016-12" and e["state"] == "FINISHED", kwargs
    assert get(c, "/api/jobs")["items"][0]["last_execution"]["id"] == e["id"]


def test_a_failing_run_from_the_api(jobs_client: TestClient) -> None:
    r = jobs_client.post("/api/jobs/fails/executions")
    assert r.status_code == 200, r.text
    e = _ended(jobs_client, "fails", r.json()["id"])
    assert (e["state"], e["final_status"], e["exit_code"]) == ("FAILED", "FAILED", 3)
    assert e["error"] == "the program exited with code 3"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "the request body must be JSON"),
        (b'["--month"]', "must be a JSON object"),
        (b'{"args": 5}', '"args" is one string of arguments'),
        (b'{"arguments": "--month 1"}', "unknown field(s) 'arguments'"),
    ],
)
def test_bad_run_requests_start_nothing(jobs_client: TestClient, body: bytes, message: str) -> None:
    before = get(jobs_client, "/api/jobs/echo")["num_executions"]
    r = jobs_client.post("/api/jobs/echo/executions", content=body)
    assert r.status_code == 400 and message in r.json()["detail"], r.text
    assert 'e.g. {"args": "--month 2016-12"}' in r.json()["detail"]
    assert get(jobs_client, "/api/jobs/echo")["num_executions"] == before


def test_run_and_stop_unknown_jobs_are_404s(jobs_client: TestClient) -> None:
    for url in ["/api/jobs/nope/executions", "/api/jobs/nope/executions/1/stop",
                "/api/jobs/echo/executions/999/stop"]:  # fmt: skip
        r = jobs_client.post(url)
        assert r.status_code == 404 and r.json()["detail"], (url, r.text)


def test_stop_a_running_execution(jobs_client: TestClient) -> None:
    c = jobs_client
    started = c.post("/api/jobs/sleeper/executions").json()
    n = started["id"]
    running = poll(
        lambda: get(c, "/api/jobs/sleeper"),
        lambda d: d["executions"][0]["state"] == "RUNNING",
    )
    assert running["running"] == 1 and running["executions"][0]["id"] == n
    listed = {j["name"]: j for j in get(c, "/api/jobs")["items"]}
    assert listed["sleeper"]["last_execution"]["state"] == "RUNNING"
    poll(
        lambda: get(c, f"/api/jobs/sleeper/executions/{n}/logs")["text"],
        lambda text: text == "sleeping",
    )
    r = c.post(f"/api/jobs/sleeper/executions/{n}/stop")
    assert r.status_code == 200, r.text
    assert r.json()["id"] == n and r.json()["state"] in ("RUNNING", "KILLED")
    e = _ended(c, "sleeper", n)
    assert (e["state"], e["final_status"]) == ("KILLED", "KILLED")
    assert isinstance(e["duration"], int) and e["duration"] < 60_000
    # stopping an execution that ended changes nothing
    again = c.post(f"/api/jobs/sleeper/executions/{n}/stop")
    assert again.status_code == 200 and again.json() == e


# ------------------------------------------------------------------ errors, pages, files


@pytest.mark.parametrize(
    "url",
    [
        "/api/feature-groups/nope/1",
        "/api/feature-groups/loans/9",
        "/api/feature-groups/nope/1/commits",
        "/api/feature-groups/nope/1/statistics",
        "/api/feature-groups/nope/1/validation-reports",
        "/api/feature-groups/nope/1/preview",
        "/api/feature-views/nope/1",
        "/api/feature-views/loan_approval/7/training-datasets",
        "/api/models/nope",
        "/api/models/loan_model/9",
        "/api/models/loan_model/9/files/x.png",
        "/api/deployments/nope",
        "/api/jobs/nope",
        "/api/jobs/nope/executions/1/logs",
        "/api/jobs/feature_pipeline/executions/99/logs",
        "/api/nothing-here",
    ],
)
def test_missing_objects_are_json_404s(client: TestClient, url: str) -> None:
    d = get(client, url, 404)
    assert isinstance(d["detail"], str) and d["detail"]


def test_bad_parameters_are_json_errors(client: TestClient) -> None:
    d = get(client, "/api/feature-groups/loans/one", 422)
    assert d["detail"]


def test_unexpected_errors_are_json_500s(demo: Demo, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(project: Any, **_: Any) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(api, "overview", boom)
    c = TestClient(create_ui_app(demo.project), raise_server_exceptions=False)
    r = c.get("/api/overview")
    assert r.status_code == 500 and r.json()["detail"].endswith("disk on fire")
    assert "Traceback" not in r.text


def test_pages_are_the_html_shell(client: TestClient) -> None:
    for url in ["/", "/feature-groups", "/feature-groups/loans/1", "/feature-views/loan_approval/1",
                "/models/loan_model/2", "/deployments/loanapproval", "/lineage",
                "/lineage/model/loan_model/2", "/jobs", "/jobs/feature_pipeline"]:  # fmt: skip
        r = client.get(url)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        assert r.headers["content-security-policy"] == CSP
        assert '<script type="module" src="/ui-assets/js/app.js">' in r.text
    assert len(PAGES) >= 13


def test_static_files_are_served_from_the_package_only(client: TestClient) -> None:
    r = client.get("/ui-assets/js/app.js")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/javascript")
    assert client.get("/ui-assets/css/style.css").headers["content-type"].startswith("text/css")
    for bad in ["/ui-assets/../api.py", "/ui-assets/%2e%2e/api.py", "/ui-assets/..%2Froutes.py",
                "/ui-assets/nope.js"]:  # fmt: skip
        assert client.get(bad).status_code == 404, bad


def test_static_files_reference_nothing_outside_the_server() -> None:
    url = re.compile(r"""(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}""", re.IGNORECASE)
    allowed = {"http://www.w3.org"}  # the SVG namespace name, never fetched
    files = [p for p in STATIC_DIR.rglob("*") if p.is_file()]
    assert {p.suffix for p in files} >= {".html", ".js", ".css", ".svg"}
    for p in files:
        for m in url.finditer(p.read_text(encoding="utf-8")):
            assert m.group(0) in allowed, f"{p.name} references {m.group(0)}"
        assert "@import" not in p.read_text(encoding="utf-8")


def test_scripts_never_use_inner_html() -> None:
    for p in STATIC_DIR.rglob("*.js"):
        text = p.read_text(encoding="utf-8")
        for forbidden in (
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
        ):
            assert forbidden not in text, f"{p.name} uses {forbidden}"


def test_escaped_values_stay_data_in_json(client: TestClient) -> None:
    d = get(client, "/api/feature-groups/loan_notes/1")
    assert d["description"] == XSS_DESCRIPTION


def test_router_mounts_in_another_app(demo: Demo) -> None:
    app = FastAPI()
    app.state.project = demo.project
    app.include_router(router)
    c = TestClient(app)
    assert c.get("/api/feature-groups").json()["count"] == 3
    assert c.get("/api/feature-groups/nope/1").status_code == 404
    bare = FastAPI()
    bare.include_router(router)
    r = TestClient(bare).get("/api/overview")
    assert r.status_code == 503 and "no project" in r.json()["detail"]


# ------------------------------------------------------------------ CLI and imports


def test_mvps_ui_command_serves_the_project(demo: Demo) -> None:
    port = free_port()
    env = dict(os.environ)
    env["MVPS_HOME"] = str(demo.project.path.parent)
    cmd = [sys.executable, "-m", "mvps.cli", "ui", "--project", demo.project.name]
    proc = subprocess.Popen(
        [*cmd, "--port", str(port), "--host", "127.0.0.1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        body = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/api/overview", timeout=2)
            except httpx.TransportError:
                try:  # not listening yet: wait a little for it (or for it to exit)
                    proc.wait(0.05)
                except subprocess.TimeoutExpired:
                    pass
                continue
            body = r.json()
            break
        if body is None:
            out = proc.stdout.read().decode() if proc.poll() is not None and proc.stdout else ""
            pytest.fail(f"mvps ui did not answer: {out}")
        assert body["project"]["name"] == demo.project.name
        page = httpx.get(f"http://127.0.0.1:{port}/feature-groups/loans/1")
        assert page.status_code == 200 and "<main" in page.text
    finally:
        proc.terminate()
        proc.wait(15)


def test_mvps_ui_help() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "mvps.cli", "ui", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for flag in ("--host", "--port", "--open", "--serving-url"):
        assert flag in out


def test_importing_the_ui_package_is_cheap() -> None:
    code = (
        "import sys, mvps, mvps.ui, mvps.ui.api; "
        "print(any(m.split('.')[0] in ('fastapi', 'uvicorn', 'starlette') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ------------------------------------------------------------------ other projects


def _fresh_project(path: Path, name: str) -> Any:
    from mvps.config import resolve
    from mvps.project import Project

    return Project(resolve(project=name, home=str(path)))


def test_empty_project(tmp_path: Path) -> None:
    project = _fresh_project(tmp_path, "empty")
    try:
        c = TestClient(create_ui_app(project))
        d = get(c, "/api/overview")
        assert set(d["counts"].values()) == {0}
        assert d["activity"] == [] and d["recent_commits"] == []
        for url in ["/api/feature-groups", "/api/feature-views", "/api/models",
                    "/api/deployments", "/api/jobs"]:  # fmt: skip
            assert get(c, url) == {"count": 0, "items": []}
        assert get(c, "/api/lineage") == {"focus": None, "nodes": [], "edges": []}
    finally:
        project.close()


def test_objects_whose_inputs_were_deleted(tmp_path: Path) -> None:
    import pandas as pd

    project = _fresh_project(tmp_path, "deleted")
    try:
        fs = project.get_feature_store()
        fg = fs.create_feature_group("events", version=1, primary_key=["k"])
        fg.insert(pd.DataFrame({"k": [1, 2], "x": [0.5, 1.5]}))
        empty = fs.create_feature_group(
            "later", version=1, primary_key=["k"], features=[mvps.Feature("k", type="bigint")]
        )
        empty.save()
        fv = fs.create_feature_view("view", fg.select_all(), version=1)
        fv.training_data()
        fg.delete()
        c = TestClient(create_ui_app(project))
        d = get(c, "/api/feature-views/view/1")
        assert d["broken"] and "deleted" in d["broken"]
        assert d["query"]["feature_group"]["deleted"] is True
        assert [f["feature_group"]["deleted"] for f in d["features"]] == [True, True]
        assert len(d["training_datasets"]) == 1
        g = get(c, "/api/lineage/feature_view/view/1")
        deleted = {n["id"] for n in g["nodes"] if n["deleted"]}
        assert deleted == {"feature_group:events:1"}
        get(c, "/api/feature-groups/events/1", 404)
        # a saved group without data
        e = get(c, "/api/feature-groups/later/1")
        assert e["num_commits"] == 0 and e["latest_commit"] is None
        assert get(c, "/api/feature-groups/later/1/commits")["commits"] == []
        assert get(c, "/api/feature-groups/later/1/statistics")["statistics"] is None
        p = get(c, "/api/feature-groups/later/1/preview")
        assert p["total_rows"] == 0 and [col["name"] for col in p["columns"]] == ["k"]
    finally:
        project.close()


def test_missing_chromium_skips_or_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    from . import conftest

    monkeypatch.setattr(conftest, "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setattr(conftest, "IN_CI", False)
    with pytest.raises(pytest.skip.Exception, match="MVPS_CHROMIUM"):
        conftest.chromium_executable()
    monkeypatch.setattr(conftest, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        conftest.chromium_executable()


def test_mvps_ui_on_a_taken_port_says_what_to_do(demo: Demo) -> None:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = dict(os.environ, MVPS_HOME=str(demo.project.path.parent))
        cmd = [sys.executable, "-m", "mvps.cli", "ui", "--project", demo.project.name]
        out = subprocess.run(
            [*cmd, "--port", str(port)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
    assert out.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in out.stderr and "--port" in out.stderr
