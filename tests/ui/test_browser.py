"""The UI in a real browser: Debian's headless Chromium driven by Playwright.

Each test loads pages of a live server (``mvps ui``, or ``mvps serve`` for same-origin
predictions), checks what is drawn and saves a screenshot under
``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from .conftest import LiveServer, UIPage, screenshot
from .demo import (
    XSS_ARGS,
    XSS_DESCRIPTION,
    XSS_FEATURE_DESCRIPTION,
    XSS_VALUE,
    Demo,
    create_job,
    write_job_programs,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def ui(page: Any, ui_server: LiveServer) -> UIPage:
    return UIPage(page, ui_server.url)


def test_overview(ui: UIPage) -> None:
    page = ui.open("/", ".view[data-page=overview] #activity")
    expect(page.locator("h1")).to_contain_text("lending")
    expect(page.locator('[data-count="feature_groups"] .stat-value')).to_have_text("3")
    expect(page.locator('[data-count="models"] .stat-value')).to_have_text("2")
    expect(page.locator('[data-count="jobs"] .stat-value')).to_have_text("3")
    expect(page.locator("#activity .timeline-item").first).to_be_visible()
    expect(page.locator("#latest-commits tbody tr")).not_to_have_count(0)
    expect(page.locator("#latest-validation")).to_contain_text("rejected")
    expect(page.locator("#latest-models")).to_contain_text("loan_model v2")
    expect(page.locator(".nav a.active")).to_have_text("Overview")
    screenshot(page, "overview")
    ui.check()


def test_feature_group_list_search(ui: UIPage) -> None:
    page = ui.open("/feature-groups", ".fg-table")
    rows = page.locator(".fg-table tbody tr")
    expect(rows).to_have_count(3)
    page.fill("input.search", "interest")  # matches no name; descriptions of features? no
    page.fill("input.search", "credit")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-name", "applicants")
    assert page.url.endswith("?q=credit")
    page.fill("input.search", "nothing like this")
    expect(page.locator(".empty-title")).to_contain_text("No feature group matches")
    page.fill("input.search", "")
    expect(rows).to_have_count(3)
    screenshot(page, "feature-groups")
    ui.open("/feature-groups?q=int_rate", ".fg-table")
    expect(rows).to_have_count(1)
    ui.check()


def test_feature_group_schema_and_tabs(ui: UIPage) -> None:
    page = ui.open("/feature-groups/loans/1", "#schema")
    expect(page.locator("h1")).to_contain_text("loans")
    expect(page.locator('#schema tr[data-feature="int_rate"]')).to_contain_text(
        "Interest rate in percent per year."
    )
    expect(page.locator('#schema tr[data-feature="id"]')).to_contain_text("primary key")
    expect(page.locator('#schema tr[data-feature="issue_d"]')).to_contain_text("event time")
    expect(page.locator(".title-badges")).to_contain_text("online")
    expect(page.locator("#related")).to_contain_text("loan_summary v1")
    expect(page.locator("#related .ref.deleted")).to_contain_text("deleted")
    screenshot(page, "feature-group")

    page.click('button.tab[data-tab="data"]')
    table = page.locator("#preview table")
    expect(table.locator("thead th")).to_have_count(8)
    expect(table.locator("tbody tr")).to_have_count(50)
    assert page.url.endswith("?tab=data")
    page.click('#preview .segmented a:has-text("online")')
    ui.ready("#preview table")
    expect(page.locator("#preview")).to_contain_text("(online)")

    page.click('button.tab[data-tab="statistics"]')
    amount = page.locator('.feature-card[data-feature="loan_amnt"]')
    expect(amount.locator("svg.histogram rect.bar")).to_have_count(20)
    expect(page.locator('.feature-card[data-feature="grade"] svg.hbars rect.bar')).to_have_count(7)
    expect(page.locator(".feature-card")).to_have_count(8)
    page.fill(".statistics input.search", "rate")
    expect(page.locator(".feature-card:visible")).to_have_count(1)
    page.fill(".statistics input.search", "")
    screenshot(page, "feature-group-statistics", full_page=True)

    page.click('button.tab[data-tab="activity"]')
    expect(page.locator("#commit-chart svg.stacked .stack")).to_have_count(6)
    expect(page.locator("#commit-chart rect.s-updated")).to_have_count(1)
    expect(page.locator("#commit-chart rect.s-deleted")).to_have_count(1)
    expect(page.locator("#commits tbody tr")).to_have_count(6)
    screenshot(page, "feature-group-activity", full_page=True)

    page.click('button.tab[data-tab="validation"]')
    reports = page.locator("#reports tr.report")
    expect(reports).to_have_count(5)
    failed = page.locator("#reports tr.report.failed").first
    failed.locator("button").click()
    details = page.locator("#reports tr.details-row:visible")
    expect(details).to_have_count(1)
    expect(details).to_contain_text("expect_column_values_to_be_between")
    expect(details).to_contain_text("column=int_rate")
    expect(page.locator("#suite")).to_contain_text("loans_quality")
    expect(page.locator("#validation-trend rect.bar")).to_have_count(5)
    screenshot(page, "feature-group-validation", full_page=True)

    page.click('button.tab[data-tab="lineage"]')
    graph = page.locator("#lineage svg.lineage")
    expect(graph.locator(".node")).not_to_have_count(0)
    expect(graph.locator(".node.deleted")).to_contain_text("loan_summary v1")
    expect(graph.locator(".node.focus")).to_contain_text("loans v1")
    screenshot(page, "feature-group-lineage")
    ui.check()


def test_rejected_ingestion_is_listed(ui: UIPage) -> None:
    page = ui.open("/feature-groups/applicants/1?tab=validation", "#reports")
    expect(page.locator("#reports tr.report").first).to_contain_text("rejected")
    expect(page.locator(".stat", has_text="Rejected")).to_contain_text("1")
    ui.check()


def test_follow_links_from_feature_group_to_model(ui: UIPage) -> None:
    page = ui.open("/feature-groups/loans/1", "#related")
    page.click('#related a:has-text("loan_approval v1")')
    expect(page).to_have_url(re.compile(r"/feature-views/loan_approval/1$"))
    ui.ready("#query")
    expect(page.locator("#query")).to_contain_text("LEFT JOIN")
    expect(page.locator("#query")).to_contain_text("applicants v1")
    expect(page.locator("#query .join-keys")).to_contain_text("id = id")
    expect(page.locator("#serving-keys")).to_contain_text("required")
    expect(page.locator('#features tr[data-feature="loan_status"]')).to_contain_text("label")
    expect(page.locator("#transformations")).to_contain_text("min_max_scaler(loan_amnt)")
    screenshot(page, "feature-view", full_page=True)

    page.click('button.tab[data-tab="models"]')
    page.click('#models a:has-text("loan_model v2")')
    expect(page).to_have_url(re.compile(r"/models/loan_model/2$"))
    ui.ready("#provenance")
    expect(page.locator("#provenance")).to_contain_text("loan_approval v1")
    image = page.locator("#images img")
    expect(image).to_have_attribute("alt", "plots/confusion_matrix.png")
    expect(image).to_have_js_property("complete", True)
    assert image.evaluate("img => img.naturalWidth") > 100
    expect(page.locator('.stat[data-metric="accuracy"]')).to_be_visible()
    expect(page.locator("#input-example pre")).not_to_be_empty()
    expect(page.locator("#model-schema")).to_contain_text("annual_inc")
    screenshot(page, "model", full_page=True)

    # and back up the provenance chain through the links
    page.click('#provenance a:has-text("training data v")')
    expect(page).to_have_url(
        re.compile(r"/feature-views/loan_approval/1\?tab=training-data&td=\d+$")
    )
    ui.ready("#td-statistics")
    expect(page.locator("#training-datasets tr.selected")).to_have_count(1)
    ui.check()


def test_training_data_versions_and_split_statistics(ui: UIPage, demo: Demo) -> None:
    page = ui.open("/feature-views/loan_approval/1?tab=training-data", "#td-statistics")
    rows = page.locator("#training-datasets tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("test 25%")
    expect(rows.first.locator(".split-bar .split-seg")).to_have_count(2)
    first = demo.td_versions[0]
    page.click(f'#training-datasets button[data-td="{first}"]')
    expect(page.locator("#td-statistics h2")).to_have_text(f"Statistics of training data v{first}")
    amount = page.locator('.feature-card[data-feature="loan_amnt"]')
    expect(amount.locator("svg.boxplot rect.box")).to_have_count(1)  # no histograms in v1
    train_count = amount.locator(".mini-kv dd").first
    train_text = train_count.inner_text()
    page.click('#td-statistics button[data-split="test"]')
    expect(train_count).not_to_have_text(train_text)
    expect(page.locator('#td-statistics button[data-split="test"]')).to_have_class(
        re.compile("active")
    )
    screenshot(page, "training-data", full_page=True)
    ui.check()


def test_model_versions_compared(ui: UIPage) -> None:
    page = ui.open("/models/loan_model/1?tab=versions", "#metrics")
    charts = page.locator("#metrics figure.metric-chart")
    expect(charts).to_have_count(3)
    expect(charts.first.locator("rect.bar")).to_have_count(2)
    expect(charts.first.locator("rect.bar.highlight")).to_have_count(1)
    expect(page.locator("#versions tr.selected")).to_have_attribute("data-version", "1")
    screenshot(page, "model-versions")
    page.click('button.tab[data-tab="files"]')
    expect(page.locator("#files")).to_contain_text("model.pkl")
    expect(page.locator("#files a")).to_have_count(1)  # only the image is served
    ui.open("/models", "table")
    expect(page.locator('tr[data-name="loan_model"]')).to_contain_text("v2")
    page.click('tr[data-name="loan_model"] a:has-text("loan_model")')
    ui.ready("#metrics")
    expect(page).to_have_url(re.compile(r"/models/loan_model$"))
    ui.check()


def _send_test_request(ui: UIPage) -> Any:
    page = ui.open("/deployments/loanapproval", "#test-request")
    body = page.locator("#predict-body")
    expect(body).to_have_value(re.compile(r'"instances"'))
    page.click("#predict-send")
    response = page.locator("#predict-output .response")
    expect(response).to_have_attribute("data-status", "200")
    expect(response.locator(".response-body")).to_contain_text("predictions")
    text = response.locator(".response-body").inner_text()
    assert "Fully Paid" in text or "Charged Off" in text
    return page


def test_prediction_from_the_deployment_page_under_mvps_serve(
    page: Any, serve_server: LiveServer
) -> None:
    ui = UIPage(page, serve_server.url)
    page = _send_test_request(ui)
    expect(page.locator(".title-badges")).to_contain_text("running")
    expect(page.locator("#endpoint-url")).to_have_text(
        f"{serve_server.url}/v1/models/loanapproval:predict"
    )
    posts = [u for u in ui.requests if u.endswith("/v1/models/loanapproval:predict")]
    assert posts == [f"{serve_server.url}/v1/models/loanapproval:predict"]
    screenshot(page, "deployment")
    # a bad request shows the server's error
    page.fill("#predict-body", '{"instances": [{"id": -1}]}')
    page.click("#predict-send")
    expect(page.locator("#predict-output .response")).to_have_attribute("data-status", "404")
    page.fill("#predict-body", "{not json")
    page.click("#predict-send")
    expect(page.locator("#predict-output .error-box")).to_contain_text("Not valid JSON")
    ui.errors = [e for e in ui.errors if "404" not in e]  # the 404 answer is logged by Chromium
    ui.check()


def test_prediction_from_the_deployment_page_under_mvps_ui(
    ui: UIPage, serve_server: LiveServer
) -> None:
    page = _send_test_request(ui)
    assert any(u.endswith("/api/deployments/loanapproval/predict") for u in ui.requests)
    expect(page.locator("#deployment-info")).to_contain_text(serve_server.url)
    ui.open("/deployments", "table")
    expect(page.locator('tr[data-name="loanapproval"]')).to_contain_text("running")
    ui.check()


def test_lineage_page(ui: UIPage) -> None:
    page = ui.open("/lineage", "#lineage svg")
    nodes = page.locator("#lineage .node")
    expect(nodes).to_have_count(10)
    expect(page.locator("#lineage .node.deleted")).to_have_count(1)
    expect(page.locator("#lineage .edge.dead")).to_have_count(1)
    screenshot(page, "lineage")
    page.click('#lineage a.node-link:has-text("loanapproval")')
    expect(page).to_have_url(re.compile(r"/deployments/loanapproval$"))
    ui.ready("#deployment-info")
    ui.open("/lineage/model/loan_model/1", "#lineage svg")
    expect(page.locator("#lineage .node.focus")).to_contain_text("loan_model v1")
    expect(page.locator("#lineage .node")).to_have_count(5)
    ui.check()


def test_jobs_list_shows_states_and_schedules(ui: UIPage) -> None:
    page = ui.open("/jobs", "#jobs table")
    expect(page.locator("#jobs tbody tr")).to_have_count(3)
    feature = page.locator('#jobs tr[data-name="feature_pipeline"]')
    expect(feature).to_have_attribute("data-state", "FINISHED")
    expect(feature.locator(".exec-state")).to_have_text("finished")
    expect(feature.locator(".exec-state")).to_have_class(re.compile("badge-ok"))
    expect(feature).to_contain_text("pipelines/feature_pipeline.py")
    expect(feature).to_contain_text("0 0 6 ? * *")
    expect(feature).not_to_contain_text("paused")
    training = page.locator('#jobs tr[data-name="training_pipeline"]')
    expect(training.locator(".exec-state")).to_have_text("failed")
    expect(training.locator(".exec-state")).to_have_class(re.compile("badge-bad"))
    expect(training).to_contain_text("0 30 7 ? * MON")
    expect(training).to_contain_text("paused")
    backfill = page.locator('#jobs tr[data-name="backfill"]')
    expect(backfill).to_contain_text("never ran")
    expect(backfill).to_contain_text("manual")
    expect(page.locator(".nav a.active")).to_have_text("Jobs")
    screenshot(page, "jobs")
    feature.locator('a:has-text("feature_pipeline")').click()
    expect(page).to_have_url(re.compile(r"/jobs/feature_pipeline$"))
    ui.ready("#executions tr.execution")
    ui.open("/jobs", "#jobs table")
    training.locator('a:has-text("#1")').click()
    expect(page).to_have_url(re.compile(r"/jobs/training_pipeline#execution-1$"))
    ui.ready('#executions [data-execution-logs="1"] pre.logs')
    ui.check()


def test_job_page_shows_executions_and_their_output(ui: UIPage) -> None:
    page = ui.open("/jobs/feature_pipeline", "#executions tr.execution")
    expect(page.locator("h1")).to_contain_text("feature_pipeline")
    expect(page.locator(".title-badges")).to_contain_text("scheduled")
    expect(page.locator("#definition")).to_contain_text("pipelines/feature_pipeline.py")
    expect(page.locator("#definition")).to_contain_text("--month 2016-12")
    expect(page.locator("#schedule-cron")).to_have_text("0 0 6 ? * *")
    expect(page.locator("#schedule")).to_contain_text("enabled")
    expect(page.locator("#run-args")).to_have_attribute("placeholder", "default: --month 2016-12")
    rows = page.locator("#executions tr.execution")
    expect(rows).to_have_count(2)
    expect(rows.first).to_have_attribute("data-execution", "2")
    expect(rows.first.locator(".exec-state")).to_have_text("finished")
    expect(rows.first).to_contain_text(XSS_ARGS)
    expect(rows.locator("button[data-stop]")).to_have_count(0)  # nothing runs
    rows.first.locator("button[data-logs]").click()
    expect(rows.first.locator("button[data-logs]")).to_have_attribute("aria-expanded", "true")
    output = page.locator('#executions [data-execution-logs="2"]')
    expect(output.locator("pre.logs")).to_have_attribute("data-stream", "stdout")
    expect(output.locator("pre.logs")).to_contain_text(f"--note {XSS_VALUE}")
    expect(output.locator("pre.logs")).to_contain_text("wrote 120 rows to loans v1")
    output.locator('button[data-stream="stderr"]').click()
    expect(output.locator("pre.logs")).to_have_attribute("data-stream", "stderr")
    expect(output.locator("pre.logs")).to_have_text("warning: 3 loans without an interest rate")
    assert page.locator("main script, main b").count() == 0
    assert page.evaluate("() => window.__xss") is None
    screenshot(page, "job", full_page=True)

    page = ui.open("/jobs/training_pipeline#execution-1", '[data-execution-logs="1"] pre.logs')
    failed = page.locator('#executions tr[data-execution="1"]')
    expect(failed.locator(".exec-state")).to_have_text("failed")
    expect(failed).to_contain_text("the program exited with code 3")
    expect(page.locator('[data-execution-logs="1"] pre.logs')).to_have_text("training on 0 rows")
    expect(page.locator("#schedule")).to_contain_text("paused")
    expect(page.locator(".title-badges")).to_contain_text("schedule paused")
    ui.open("/jobs/backfill", "#executions .empty")
    expect(page.locator("#executions .empty-title")).to_have_text("No executions yet")
    expect(page.locator("#schedule .empty-title")).to_have_text("Not scheduled")
    ui.open("/jobs/nope", ".error-box")
    expect(page.locator(".error-box")).to_contain_text("job 'nope' does not exist")
    ui.errors = [e for e in ui.errors if "404" not in e]  # the 404 answer is logged by Chromium
    ui.check()


@pytest.fixture(scope="module")
def jobs_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The UI of a project of its own (runs change it): jobs ``echo`` (prints its
    arguments) and ``sleeper`` (runs until stopped)."""
    from mvps.config import resolve
    from mvps.project import Project
    from mvps.ui.routes import create_ui_app

    base = tmp_path_factory.mktemp("browser-jobs")
    project = Project(resolve(project="jobs", home=str(base / "home")))
    workdir = write_job_programs(base / "work")
    create_job(project, "echo", "feature_pipeline.py", workdir, "--month 2016-12")
    create_job(project, "sleeper", "sleeper.py", workdir, None)
    server = LiveServer(create_ui_app(project)).start()
    try:
        yield server
    finally:
        server.stop()
        for job in project.get_job_api().get_jobs():
            for execution in job.running_executions():
                execution.stop()
        project.close()


def test_run_now_starts_an_execution_that_finishes(page: Any, jobs_server: LiveServer) -> None:
    ui = UIPage(page, jobs_server.url)
    page = ui.open("/jobs/echo", "#run")
    expect(page.locator("#executions .empty-title")).to_have_text("No executions yet")
    page.fill("#run-args", "--month 2019-05 --note '<b>x</b>'")
    page.click("#run-now")
    first = page.locator('#executions tr[data-execution="1"]')
    expect(first).to_have_attribute("data-state", "FINISHED", timeout=60_000)
    expect(first.locator(".exec-state")).to_have_text("finished")
    expect(page.locator("#run-output")).to_have_text("Started execution #1.")
    page.click("#run-output a")
    expect(page).to_have_url(re.compile(r"/jobs/echo#execution-1$"))
    output = page.locator('[data-execution-logs="1"] pre.logs')
    expect(output).to_contain_text("feature pipeline, arguments: --month 2019-05 --note <b>x</b>")
    # again with the default arguments: the newest execution comes first
    page.fill("#run-args", "")
    page.click("#run-now")
    second = page.locator('#executions tr[data-execution="2"]')
    expect(second).to_have_attribute("data-state", "FINISHED", timeout=60_000)
    expect(page.locator("#executions tr.execution").first).to_have_attribute("data-execution", "2")
    expect(second).to_contain_text("--month 2016-12")
    ui.open("/jobs", "#jobs table")
    expect(page.locator('tr[data-name="echo"]')).to_have_attribute("data-state", "FINISHED")
    expect(page.locator('tr[data-name="echo"]')).to_contain_text("#2")
    ui.check()


def test_stop_a_running_execution_from_its_page(page: Any, jobs_server: LiveServer) -> None:
    ui = UIPage(page, jobs_server.url)
    page = ui.open("/jobs/sleeper", "#run")
    page.click("#run-now")
    row = page.locator('#executions tr[data-execution="1"]')
    expect(row).to_have_attribute("data-state", "RUNNING", timeout=60_000)
    expect(row.locator(".exec-state")).to_have_text("running")
    row.locator("button[data-logs]").click()
    expect(page.locator('[data-execution-logs="1"] pre.logs')).to_have_text("sleeping")
    screenshot(page, "job-running")
    row.locator("button[data-stop]").click()
    expect(row).to_have_attribute("data-state", "KILLED", timeout=30_000)
    expect(row.locator(".exec-state")).to_have_text("killed")
    expect(row.locator("button[data-stop]")).to_have_count(0)
    ui.check()


def test_missing_objects_show_an_error_not_a_crash(ui: UIPage) -> None:
    page = ui.open("/feature-groups/nope/1", ".error-box")
    expect(page.locator(".error-box")).to_contain_text("404")
    expect(page.locator(".error-box")).to_contain_text("feature group 'nope' version 1 not found")
    ui.open("/no/such/page", ".error-box")
    expect(page.locator(".error-box")).to_contain_text("There is no page")
    assert all("page error" not in e for e in ui.errors)


def test_names_and_data_are_escaped(ui: UIPage) -> None:
    page = ui.open("/feature-groups/loan_notes/1", "#schema")
    expect(page.locator(".subtitle")).to_have_text(XSS_DESCRIPTION)
    expect(page.locator('#schema tr[data-feature="note"]')).to_contain_text(XSS_FEATURE_DESCRIPTION)
    page.click('button.tab[data-tab="data"]')
    expect(page.locator("#preview tbody")).to_contain_text(XSS_VALUE)
    page.click('button.tab[data-tab="statistics"]')
    ui.ready(".feature-card")
    ui.open("/feature-groups", ".fg-table")
    expect(page.locator('tr[data-name="loan_notes"]')).to_contain_text("Loan notes <b>bold</b>")
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("main b, main script").count() == 0
    assert page.evaluate("() => window.__xss") is None
    screenshot(page, "escaping")
    ui.check()


def test_no_request_leaves_localhost(ui: UIPage, demo: Demo) -> None:
    pages = [
        ("/", "#activity"),
        ("/feature-groups", ".fg-table"),
        ("/feature-groups/loans/1?tab=statistics", ".feature-card"),
        ("/feature-groups/loans/1?tab=activity", "#commit-chart"),
        ("/feature-groups/loans/1?tab=validation", "#reports"),
        ("/feature-groups/loans/1?tab=lineage", "#lineage svg"),
        ("/feature-views", "table"),
        ("/feature-views/loan_approval/1", "#query"),
        ("/feature-views/loan_approval/1?tab=training-data", "#td-statistics"),
        ("/models", "table"),
        ("/models/loan_model/2", "#images img"),
        ("/models/loan_model/2?tab=versions", "#metrics"),
        ("/deployments", "table"),
        ("/deployments/loanapproval", "#test-request"),
        ("/lineage", "#lineage svg"),
        ("/jobs", "#jobs"),
        ("/jobs/feature_pipeline#execution-2", '[data-execution-logs="2"] pre.logs'),
    ]
    for path, ready in pages:
        ui.open(path, ready)
    assert len(ui.requests) > len(pages) * 3
    hosts = {urlsplit(u).hostname for u in ui.requests}
    assert hosts == {"127.0.0.1"}, hosts
    ui.check()


@pytest.mark.parametrize(
    ("path", "ready"),
    [
        ("/", "#activity"),
        ("/feature-groups/loans/1?tab=statistics", ".feature-card"),
        ("/feature-views/loan_approval/1", "#query"),
        ("/models/loan_model/2", "#images"),
        ("/lineage", "#lineage svg"),
        ("/jobs", "#jobs table"),
        ("/jobs/feature_pipeline#execution-2", '[data-execution-logs="2"] pre.logs'),
    ],
)
def test_phone_layout_has_no_sideways_scrolling(
    browser: Any, ui_server: LiveServer, path: str, ready: str
) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True
    )
    try:
        ui = UIPage(context.new_page(), ui_server.url)
        page = ui.open(path, ready)
        width, inner = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert width <= inner + 1, f"{path} is {width}px wide on a {inner}px screen"
        expect(page.locator(".nav")).to_be_visible()
        name = "phone-" + (re.split(r"[?#]", path.strip("/"))[0].replace("/", "-") or "overview")
        screenshot(page, name)
        ui.check()
    finally:
        context.close()


def test_empty_project_pages(page: Any, tmp_path: Any) -> None:
    from mvps.config import resolve
    from mvps.project import Project
    from mvps.ui.routes import create_ui_app

    project = Project(resolve(project="empty", home=str(tmp_path)))
    server = LiveServer(create_ui_app(project)).start()
    try:
        ui = UIPage(page, server.url)
        ui.open("/", ".empty")
        expect(page.locator(".empty-title")).to_have_text("This project is empty")
        for path, text in [
            ("/feature-groups", "No feature groups yet"),
            ("/feature-views", "No feature views yet"),
            ("/models", "No models yet"),
            ("/deployments", "No deployments yet"),
            ("/lineage", "Nothing to show yet"),
            ("/jobs", "No jobs yet"),
        ]:
            ui.open(path, ".empty")
            expect(page.locator(".empty-title")).to_have_text(text)
        expect(page.locator(".empty-hint")).to_contain_text("mvps jobs create NAME PROGRAM")
        expect(page.locator(".empty-hint")).to_contain_text(".create_job(name, config)")
        screenshot(page, "empty-project")
        ui.check()
    finally:
        server.stop()
        project.close()
