"""``POST /v1/feature-views/<name>/<version>/vector``: the online store over HTTP."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from .conftest import Served

PATH = "/v1/feature-views/fraud/1/vector"


@pytest.fixture(scope="module")
def client(served: Served) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served.url, timeout=30) as c:
        yield c


def test_vectors_match_the_feature_view(served: Served, client: httpx.Client) -> None:
    entries = [{"cc_num": 1000}, {"cc_num": 1005}, {"cc_num": 1119}]
    r = client.post(PATH, json={"entries": entries})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["features"] == ["cc_num", "age", "income", "merchant_id", "risk", "category"]
    served.fv.init_serving(1)
    assert body["vectors"] == served.fv.get_feature_vectors(entries)
    single = client.post(PATH, json={"entry": {"cc_num": 1005}}).json()
    assert single == {"features": body["features"], "vectors": [body["vectors"][1]]}


def test_passed_features_and_allow_missing(client: httpx.Client) -> None:
    r = client.post(PATH, json={"entry": {"cc_num": 1000}, "passed_features": {"age": 99}})
    assert r.json()["vectors"][0][1] == 99
    r = client.post(
        PATH,
        json={
            "entries": [{"cc_num": 1000}, {"cc_num": 1001}],
            "passed_features": [{"income": 1.5}, {}],
        },
    )
    assert r.json()["vectors"][0][2] == 1.5
    missing = client.post(PATH, json={"entry": {"cc_num": 5}, "allow_missing": True}).json()
    assert missing["vectors"] == [[None, None, None, None, None, None]]


@pytest.mark.parametrize(
    ("path", "body", "status", "message"),
    [
        (PATH, b"nope", 400, "not valid JSON"),
        (PATH, {"keys": [1]}, 400, 'needs "entries"'),
        (PATH, {"entries": {"cc_num": 1}}, 400, '"entries" must be a list'),
        (PATH, {"entries": [{"cc_num": 1000, "x": 1}]}, 400, r"unknown serving key\(s\) \['x'\]"),
        (PATH, {"entries": [1000]}, 400, "entry must be a dict"),
        (PATH, {"entry": {"cc_num": 1000}, "passed_features": [1]}, 400, "must be an object"),
        (
            PATH,
            {"entries": [{"cc_num": 1}, {"cc_num": 2}], "passed_features": [{}]},
            400,
            "one dict per entry",
        ),
        (PATH, {"entry": {"cc_num": 424242}}, 404, "no online row"),
        (PATH, {"entries": [{"cc_num": 1000}, {"cc_num": 424242}]}, 404, "no online row"),
        ("/v1/feature-views/nothing/1/vector", {"entry": {"id": 1}}, 404, "not found"),
        ("/v1/feature-views/fraud/x/vector", {"entry": {"id": 1}}, 400, "version must be a number"),
    ],
)
def test_bad_requests(
    client: httpx.Client, path: str, body: Any, status: int, message: str
) -> None:
    if isinstance(body, bytes):
        r = client.post(path, content=body)
    else:
        r = client.post(path, json=body)
    assert r.status_code == status, r.text
    assert re.search(message, r.json()["error"]), r.json()["error"]
    assert client.post(PATH, json={"entry": {"cc_num": 1000}}).status_code == 200
