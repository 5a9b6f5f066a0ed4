"""The HTTP API: bad input answers with a status and a message; the server stays up."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from .conftest import Served


@pytest.fixture(scope="module")
def client(served: Served) -> Iterator[httpx.Client]:
    plain = served.ms().get_deployment("plainhttp") or served.plain.deploy(name="plainhttp")
    plain.start()
    with httpx.Client(base_url=served.url, timeout=30) as c:
        yield c
        assert c.get("/healthz").status_code == 200  # still up after every bad request
    plain.stop()


def post(client: httpx.Client, path: str, body: Any) -> httpx.Response:
    if isinstance(body, bytes | str):
        return client.post(path, content=body, headers={"content-type": "application/json"})
    return client.post(path, json=body)


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"{not json", 400, "not valid JSON"),
        (b"", 400, "not valid JSON"),
        ([1, 2], 400, "must be a JSON object"),
        ({"rows": [[1]]}, 400, 'no "instances"'),
        ({"instances": {"cc_num": 1}}, 400, '"instances" must be a list'),
        ({"instances": [[1000]]}, 400, "instance 0 must be a JSON object of serving keys"),
        ({"instances": [{"cc_num": 1000, "nope": 1}]}, 400, r"unknown serving key\(s\) \['nope'\]"),
        ({"instances": [{"customer": 1000}]}, 400, r"missing serving key\(s\) \['cc_num'\]"),
        ({"instances": [{"cc_num": 1000, "passed_features": 3}]}, 400, "passed_features"),
        ({"instances": [{"cc_num": 999_999}]}, 404, "no online row"),
        ({"instances": [{"cc_num": 1000}, {"cc_num": 999_999}]}, 404, "no online row"),
    ],
)
def test_bad_requests_to_the_feature_view_model(
    client: httpx.Client, body: Any, status: int, message: str
) -> None:
    r = post(client, "/v1/models/fraud:predict", body)
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/json"
    import re

    assert re.search(message, r.json()["error"]), r.json()["error"]
    assert (
        post(client, "/v1/models/fraud:predict", {"instances": [{"cc_num": 1001}]}).status_code
        == 200
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"instances": [[1.0, 2.0]]}, "instance 0 has 2 values; the model expects 3"),
        ({"instances": [[1.0, 2.0, 3.0], [1.0]]}, "instance 1 has 1 values"),
        ({"instances": [1.0, 2.0, 3.0]}, "instance 0 must be a list of feature values"),
        ({"instances": [{"a": 1}]}, "not fitted on named columns"),
        ({"instances": [["a", "b", "c"]]}, "could not predict"),
        ({"instances": [[1, 2, 3]], "predict_proba": True, "x": None}, None),
    ],
)
def test_wrong_shapes_for_a_plain_model(
    client: httpx.Client, body: Any, message: str | None
) -> None:
    r = post(client, "/v1/models/plainhttp:predict", body)
    if message is None:
        assert r.status_code == 200 and len(r.json()["predictions"][0]) == 2
        return
    assert r.status_code == 400, r.text
    assert message in r.json()["error"]


def test_empty_instances(client: httpx.Client) -> None:
    assert post(client, "/v1/models/fraud:predict", {"instances": []}).json() == {"predictions": []}


def test_unknown_deployment(client: httpx.Client) -> None:
    r = post(client, "/v1/models/nosuchthing:predict", {"instances": [[1]]})
    assert r.status_code == 404
    assert "deployment 'nosuchthing' is not running" in r.json()["error"]
    assert client.get("/v1/models/nosuchthing").status_code == 404


def test_model_status_and_listing(client: httpx.Client) -> None:
    r = client.get("/v1/models/fraud")
    assert r.status_code == 200
    assert r.json() == {
        "name": "fraud",
        "ready": True,
        "state": "ready",
        "model_name": "fraud_model",
        "model_version": 1,
    }
    assert "fraud" in client.get("/v1/models").json()["models"]


def test_health_readiness_and_openapi(client: httpx.Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["ready"] is True
    assert ready.json()["deployments"]["fraud"] == "ready"
    spec = client.get("/openapi.json").json()
    for path in (
        "/v1/models/{name}:predict",
        "/v1/models/{name}",
        "/v1/feature-views/{name}/{version}/vector",
        "/healthz",
        "/readyz",
    ):
        assert path in spec["paths"], path
    assert (
        "instances"
        in spec["paths"]["/v1/models/{name}:predict"]["post"]["requestBody"]["content"][
            "application/json"
        ]["schema"]["properties"]
    )
    # no Swagger page: it would load its scripts from a CDN
    assert client.get("/docs").status_code == 404


def test_wrong_method(client: httpx.Client) -> None:
    assert client.get("/v1/models/fraud:predict").status_code in (404, 405)
