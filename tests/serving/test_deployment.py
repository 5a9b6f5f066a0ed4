"""Deployments: start → real HTTP predictions → stop, scripts, lifecycle errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import numpy as np
import pytest

from mvps.errors import AlreadyExists, InvalidInput, NotFound, ServingError
from mvps.serving import Deployment, process
from mvps.serving.deployment import inference_payload

from .conftest import FEATURES, Served


def test_predictions_equal_offline_predictions(served: Served) -> None:
    dep = served.ms().get_deployment("fraud")
    assert dep.is_running()
    keys = [{"cc_num": int(c)} for c in served.x_test["cc_num"]]
    offline = served.pipeline.predict(served.x_test[FEATURES]).tolist()
    assert dep.predict(inputs=keys) == {"predictions": offline}
    assert dep.predict(inputs=keys[:1])["predictions"] == offline[:1]
    assert dep.predict(inputs=keys[0])["predictions"] == offline[:1]  # {"instances": [[{...}]]}
    proba = dep.predict(data={"instances": keys, "predict_proba": True})["predictions"]
    np.testing.assert_allclose(proba, served.pipeline.predict_proba(served.x_test[FEATURES]))
    r = httpx.post(
        f"{served.url}/v1/models/fraud:predict?predict_proba=true", json={"instances": keys[:2]}
    )
    assert r.status_code == 200
    np.testing.assert_allclose(
        r.json()["predictions"], served.pipeline.predict_proba(served.x_test[FEATURES].head(2))
    )


def test_passed_features_override_the_online_values(served: Served) -> None:
    dep = served.ms().get_deployment("fraud")
    row = served.x_test.iloc[[0]].copy()
    key = int(row["cc_num"].iloc[0])
    for category in ("grocery", "travel"):
        row["category"] = category
        row["age"] = 20
        expected = served.pipeline.predict_proba(row[FEATURES])[0].tolist()
        got = dep.predict(
            data={
                "instances": [
                    {"cc_num": key, "passed_features": {"category": category, "age": 20}}
                ],
                "predict_proba": True,
            }
        )
        np.testing.assert_allclose(got["predictions"][0], expected)


def test_state_url_and_lookup(served: Served, capsys: pytest.CaptureFixture[str]) -> None:
    ms = served.ms()
    dep = ms.get_deployment("fraud")
    state = dep.get_state()
    assert state.status == "Running" and state.available_predictor_instances == 1
    assert dep.get_url() == f"{served.url}/v1/models/fraud:predict"
    assert (dep.model_name, dep.model_version, dep.model_server) == ("fraud_model", 1, "PYTHON")
    assert ms.get_deployment_by_id(dep.id).name == "fraud"
    assert ms.get_deployment("nothing") is None and ms.get_deployment_by_id(10_000) is None
    assert "fraud" in [d.name for d in ms.get_deployments(model=served.model)]
    assert "fraud" in [d.name for d in ms.get_deployments(status="Running")]
    with pytest.raises(InvalidInput, match="status"):
        ms.get_deployments(status="dancing")
    (endpoint,) = ms.get_inference_endpoints()
    assert endpoint.get_port("HTTP").number == process.server_info(served.project)["port"]
    dep.describe()
    assert json.loads(capsys.readouterr().out)["model_name"] == "fraud_model"
    assert dep.get_model().version == 1
    link = served.project.catalog.links_from(("model", "fraud_model", 1), "deployment")
    assert [lk.dst for lk in link] == [("deployment", "fraud", 1)]


def test_stop_and_start_again_on_the_same_server(served: Served) -> None:
    ms = served.ms()
    dep = served.plain.deploy(name="plainstop")
    pid = process.server_info(served.project)["pid"]
    x = [[0.1, -0.2, 0.3], [1.0, 1.0, 1.0]]
    expected = served.plain_sklearn.predict(np.asarray(x)).tolist()
    assert dep.get_state().status == "Stopped"
    dep.start()
    assert dep.predict(inputs=x) == {"predictions": expected}
    dep.stop()
    assert dep.is_stopped()
    assert httpx.get(f"{served.url}/v1/models/plainstop").status_code == 404
    with pytest.raises(ServingError, match="answered 404") as info:
        dep.predict(inputs=x)
    assert info.value.status_code == 404  # type: ignore[attr-defined]
    ms.get_deployment("plainstop").start()
    assert dep.predict(inputs=x[0]) == {"predictions": expected[:1]}  # [x] wrapping
    assert process.server_info(served.project)["pid"] == pid  # one server throughout
    dep.stop()


def test_deployment_started_from_another_process_is_picked_up(served: Served) -> None:
    dep = served.plain.deploy(name="plainfromcli")
    import subprocess
    import sys

    code = (
        "import mvps; p = mvps.login(); "
        "p.get_model_serving().get_deployment('plainfromcli').start()"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    assert dep.is_running()
    assert dep.predict(inputs=[[0.0, 0.0, 5.0]])["predictions"] == [1]
    dep.stop()


def test_script_predictor_gets_environment_and_feature_view(
    served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    dep = served.model.deploy(name="fraudscript", script_file=str(served.scripts / "fv_predict.py"))
    assert Path(dep.script_file).parent == Path(dep.artifact_files_path)
    assert dep.artifact_version == 1
    dep.start()
    keys = [[int(c)] for c in served.x_test["cc_num"][:5]]
    assert (
        dep.predict(inputs=keys)["predictions"]
        == served.pipeline.predict(served.x_test[FEATURES].head(5)).tolist()
    )
    env = dep.predict(inputs="env")["predictions"]
    assert env["env"]["MODEL_FILES_PATH"] == served.model.model_files_path
    assert env["env"]["MODEL_NAME"] == "fraud_model" and env["env"]["MODEL_VERSION"] == "1"
    assert env["env"]["DEPLOYMENT_NAME"] == "fraudscript"
    assert env["env"]["ARTIFACT_FILES_PATH"] == dep.artifact_files_path
    # the artifact directory holds the script and the model files
    assert {"fv_predict.py", "pipeline.pkl", "confusion_matrix.png"} <= set(env["artifacts"])
    dep.get_logs(tail=20)
    assert "fv_predict loaded" in capsys.readouterr().out  # the script's prints are logged
    dep.stop()


def test_failing_script_answers_500_and_the_server_keeps_serving(
    served: Served, capsys: pytest.CaptureFixture[str]
) -> None:
    dep = served.plain.deploy(name="flaky", script_file=served.scripts / "flaky_predict.py")
    dep.start()
    with pytest.raises(ServingError, match="boom requested by the client") as info:
        dep.predict(inputs="boom")
    assert info.value.status_code == 500  # type: ignore[attr-defined]
    r = httpx.post(f"{served.url}/v1/models/flaky:predict", json={"instances": [["boom"]]})
    assert r.status_code == 500 and "ValueError: boom requested" in r.json()["error"]
    assert dep.predict(inputs=[[0.0, 0.0, 3.0]]) == {"predictions": [1]}  # numpy result → JSON
    assert served.ms().get_deployment("fraud").predict(inputs=[{"cc_num": 1000}])["predictions"]
    dep.get_logs(tail=50)
    logs = capsys.readouterr().out
    assert "Traceback" in logs and "boom requested by the client" in logs
    dep.stop()


def test_predictor_that_fails_to_load(served: Served) -> None:
    dep = served.plain.deploy(name="broken", script_file=served.scripts / "broken_init.py")
    with pytest.raises(ServingError, match=r"failed to start: .*cannot load weights from the moon"):
        dep.start()
    assert dep.get_state().status == "Stopped"
    assert httpx.get(f"{served.url}/healthz").status_code == 200
    assert served.ms().get_deployment("fraud").is_running()


def test_async_predictor_and_transformer(served: Served) -> None:
    from mvps.serving import Transformer

    dep = served.plain.deploy(name="asyncsum", script_file=served.scripts / "async_predict.py")
    dep.start()
    assert dep.predict(inputs=[[1, 2], [3, 4]]) == {"predictions": [3, 7]}
    dep.stop()
    t = Transformer(str(served.scripts / "transformer.py"))
    dep = served.plain.deploy(
        name="transformed", script_file=served.scripts / "echo_predict.py", transformer=t
    )
    dep.start()
    assert dep.predict(inputs=[[1, 2]]) == {"predictions": [[2, 4]], "transformed": True}
    dep.stop()


def test_start_of_a_deployment_whose_model_was_deleted(served: Served, tmp_path: Path) -> None:
    (tmp_path / "m.pkl").write_bytes(b"x")
    m = served.project.get_model_registry().python.create_model("shortlived").save(tmp_path)
    dep = m.deploy()
    assert dep.name == "shortlived"
    m.delete()
    with pytest.raises(NotFound, match=r"model 'shortlived' version 1, which was deleted"):
        dep.start()
    assert dep.get_state().status == "Stopped"
    dep.delete()


def test_running_model_cannot_be_deleted(served: Served) -> None:
    with pytest.raises(InvalidInput, match="deployment 'fraud' is serving model"):
        served.project.get_model_registry().get_model("fraud_model", 1).delete()


def test_names_and_creation_errors(served: Served, tmp_path: Path) -> None:
    with pytest.raises(AlreadyExists, match="deployment 'fraud' exists already"):
        served.model.deploy(name="fraud")
    for bad in ("Fraud", "fraud-2", "a/b", "", "x" * 64):
        with pytest.raises(InvalidInput, match="deployment name"):
            served.model.deploy(name=bad)
    with pytest.raises(InvalidInput, match="does not exist"):
        served.model.deploy(name="noscript", script_file=tmp_path / "missing.py")
    (tmp_path / "weights.bin").write_bytes(b"w")
    odd = (
        served.project.get_model_registry().torch.create_model("odd").save(tmp_path / "weights.bin")
    )
    with pytest.raises(InvalidInput, match=r"no \.pkl or \.joblib file"):
        odd.deploy()
    with pytest.raises(InvalidInput, match="not saved"):
        served.project.get_model_registry().python.create_model("unsaved").deploy()


def test_delete(served: Served) -> None:
    ms = served.ms()
    dep = served.plain.deploy(name="deleteme", script_file=served.scripts / "echo_predict.py")
    artifacts = Path(dep.artifact_files_path)
    dep.start()
    with pytest.raises(InvalidInput, match="running; stop it first"):
        dep.delete()
    dep.delete(force=True)
    assert ms.get_deployment("deleteme") is None
    assert not artifacts.exists()
    assert httpx.get(f"{served.url}/v1/models/deleteme").status_code == 404


def test_create_predictor_and_deployment(served: Served) -> None:
    ms = served.ms()
    predictor = ms.create_predictor(served.plain, name="viapredictor")
    assert predictor.model_name == "plain" and predictor.requested_instances == 1
    dep = ms.create_deployment(predictor)
    assert isinstance(dep, Deployment) and dep.id is None
    dep.save()
    assert ms.get_deployment("viapredictor").model_version == 1
    dep.start()
    assert dep.predict(inputs=[[0.0, 0.0, -4.0]]) == {"predictions": [0]}
    dep.stop()


def test_inference_payload_rules() -> None:
    assert inference_payload(inputs=5) == {"instances": [[5]]}
    assert inference_payload(inputs="x") == {"instances": [["x"]]}
    assert inference_payload(inputs=[1, 2]) == {"instances": [[1, 2]]}
    assert inference_payload(inputs=[[1, 2], [3, 4]]) == {"instances": [[1, 2], [3, 4]]}
    assert inference_payload(inputs=[{"id": 1}]) == {"instances": [{"id": 1}]}
    assert inference_payload(inputs={"id": 1}) == {"instances": [[{"id": 1}]]}
    assert inference_payload(inputs=np.array([[1.5]])) == {"instances": [[1.5]]}
    assert inference_payload(data={"instances": [1], "x": 2}) == {"instances": [1], "x": 2}
    with pytest.raises(InvalidInput):
        inference_payload()
    with pytest.raises(InvalidInput):
        inference_payload(data=[1, 2])


def test_server_file_and_cli_status(served: Served) -> None:
    import subprocess
    import sys

    info = process.server_info(served.project)
    assert info is not None and info["project"] == str(served.project.path)
    out = subprocess.run(
        [sys.executable, "-m", "mvps.cli", "serve", "--status"],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )
    assert out.returncode == 0 and json.loads(out.stdout)["pid"] == info["pid"]
    second = subprocess.run(
        [sys.executable, "-m", "mvps.cli", "serve", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )
    assert second.returncode == 2 and "already runs" in second.stderr
