"""The stakeholder app (Gradio) of the loan project, driven with gradio_client."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

import pytest
from gradio_client import Client

from .conftest import Background, DemoRun, free_port


@pytest.fixture(scope="module")
def app_url(demo_run: DemoRun) -> Iterator[str]:
    """``python app.py`` of the demo project on a free port."""
    assert demo_run.result.returncode == 0, demo_run.output
    app = Background([sys.executable, "app.py", "--port", str(free_port())], demo_run.directory)
    try:
        match = app.wait_for(r"loan approval app on (http://\S+)", timeout=120)
        yield match.group(1)
    finally:
        app.stop()


@pytest.fixture(scope="module")
def client(app_url: str) -> Client:
    return Client(app_url, verbose=False)


@pytest.fixture(scope="module")
def applicant(demo_run: DemoRun) -> int:
    """The applicant the demo's HTTP prediction was about."""
    return int(re.search(r"\{'instances': \[\{'id': (\d+)", demo_run.output)[1])


def approve(client: Client, *args: object) -> tuple[str, float | None, str]:
    return client.predict(*args, api_name="/approve_loan")


def test_a_real_application_gets_a_decision_and_its_probability(client, applicant) -> None:
    decision, probability, text = approve(client, applicant, 36, "car", "22690", 5000, 12.5)
    assert decision in ("Approve", "Reject")
    assert 0.0 <= probability <= 1.0
    assert (decision == "Approve") == (probability < 0.3)
    assert f"{probability:.1%} probability" in text and "Monthly payment: $" in text


def test_riskier_loans_get_higher_probabilities(client, applicant) -> None:
    _, low, _ = approve(client, applicant, 36, "car", "22690", 3000, 6.0)
    _, high, _ = approve(client, applicant, 60, "small_business", "93700", 35000, 29.0)
    assert high > low


def test_an_unknown_applicant_gets_a_message_not_an_error(client) -> None:
    decision, probability, text = approve(client, 1, 36, "car", "22690", 5000, 12.5)
    assert (decision, probability) == ("", None)
    assert "No credit report for applicant id 1" in text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("zip_code", "2269x", "zip code must be 5 digits"),
        ("loan_amnt", -100, "loan amount must be a positive number"),
        ("int_rate", 55, "interest rate is a percentage between 0 and 40"),
        ("id", None, "Enter the applicant id"),
    ],
)
def test_invalid_input_gets_a_message(client, applicant, field, value, message) -> None:
    form = {"id": applicant, "term": 36, "purpose": "car", "zip_code": "22690",
            "loan_amnt": 5000, "int_rate": 12.5}  # fmt: skip
    form[field] = value
    decision, probability, text = approve(client, *form.values())
    assert (decision, probability) == ("", None)
    assert message in text


def test_the_page_shows_the_model_and_uses_no_remote_assets(app_url: str) -> None:
    import httpx

    page = httpx.get(app_url, timeout=30).text
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets and not [a for a in assets if a.startswith(("http:", "https:", "//"))]
    config = httpx.get(app_url + "config", timeout=30).json()
    images = [c for c in config["components"] if c.get("type") == "image"]
    assert images and httpx.get(images[0]["props"]["value"]["url"], timeout=30).status_code == 200
    text = str(config)
    assert "ROC AUC (test split)" in text and "Applicants from the latest batch predictions" in text
