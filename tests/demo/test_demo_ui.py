"""``mvps demo`` with the UI (what ``make demo`` runs): ends with a running app and a
served prediction, and Ctrl-C stops everything it started."""

from __future__ import annotations

import signal
import sys
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from gradio_client import Client

from mvps.serving import process

from .conftest import SCALE, Background, free_port


@pytest.mark.slow
def test_demo_serves_the_app_and_the_model_until_interrupted(tmp_path: Path) -> None:
    directory = tmp_path / "mvps-demo"
    port = free_port()
    args = ["--scale", SCALE, "--dir", str(directory), "--port", str(port)]
    demo = Background([sys.executable, "-m", "mvps.cli", "demo", *args], tmp_path)
    try:
        deployment_url = demo.wait_for(r"POST (http://\S+:predict)", timeout=300).group(1)
        instance = demo.wait_for(r"\{'instances': \[\{'id': (\d+)", timeout=30)
        app_url = demo.wait_for(r"stakeholder app\s+(http://\S+)", timeout=120).group(1)
        web_ui = demo.wait_for(r"mvps web UI\s+(http://\S+)", timeout=30).group(1)
        demo.wait_for("press Ctrl-C to stop", timeout=30)
        assert app_url == f"http://127.0.0.1:{port}/"

        decision, probability, _ = Client(app_url, verbose=False).predict(
            int(instance[1]), 36, "car", "22690", 5000, 12.5, api_name="/approve_loan"
        )
        assert decision in ("Approve", "Reject") and 0 <= probability <= 1

        body = {"instances": [{"id": int(instance[1]), "passed_features": {"loan_amnt": 5000.0}}]}
        served = httpx.post(deployment_url, json=body, timeout=60)
        assert served.status_code == 200, served.text
        assert served.json()["predictions"][0]["decision"] in ("approve", "reject")
        assert httpx.get(web_ui, timeout=30).status_code == 200

        demo.proc.send_signal(signal.SIGINT)
        assert demo.finish(timeout=120) == 0, demo.output
    finally:
        demo.stop()
    assert "stopping the app, the deployment and the model server" in demo.output
    project = SimpleNamespace(path=directory / ".mvps" / "loan_approval")
    assert process.server_info(project) is None
    with pytest.raises(httpx.ConnectError):
        httpx.post(deployment_url, json={"instances": []}, timeout=10)
