"""Opportunistic batching of the default predictor."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import numpy as np
import pytest

from mvps.errors import InvalidInput
from mvps.serving.runtime import _Batcher, _Job

from .conftest import FEATURES, Served


def job(value: int, proba: bool = False) -> _Job:
    j = _Job(proba, 1)
    j.rows = [value]
    return j


def test_jobs_submitted_together_run_as_one_batch() -> None:
    calls: list[list[int]] = []

    def run(jobs: list[_Job]) -> list[Any]:
        calls.append([j.rows[0] for j in jobs])
        if any(j.rows[0] < 0 for j in jobs):
            raise InvalidInput("negative")
        return [j.rows[0] * 10 for j in jobs]

    async def scenario() -> list[Any]:
        b = _Batcher(run)
        futures = [b.submit(job(1)), b.submit(job(2)), b.submit(job(3, proba=True))]
        together = await asyncio.gather(*futures)
        alone = await b.submit(job(4))
        bad = [b.submit(job(5)), b.submit(job(-1)), b.submit(job(6))]
        outcome = await asyncio.gather(*bad, return_exceptions=True)
        return [together, alone, outcome]

    together, alone, outcome = asyncio.run(scenario())
    assert together == [10, 20, 30] and alone == 40
    assert outcome[0] == 50 and outcome[2] == 60
    assert isinstance(outcome[1], InvalidInput)
    # one call per (batch, proba) group; the failing batch is retried job by job
    assert calls == [[1, 2], [3], [4], [5, -1, 6], [5], [-1], [6]]


@pytest.mark.parametrize("proba", [False, True])
def test_concurrent_requests_get_their_own_answers(served: Served, proba: bool) -> None:
    keys = [int(c) for c in served.x_test["cc_num"]]
    expected = (
        served.pipeline.predict_proba(served.x_test[FEATURES]).tolist()
        if proba
        else served.pipeline.predict(served.x_test[FEATURES]).tolist()
    )
    url = f"{served.url}/v1/models/fraud:predict"

    async def fire() -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=60) as client:
            good = [
                client.post(url, json={"instances": [{"cc_num": k}], "predict_proba": proba})
                for k in keys
            ]
            pair = client.post(
                url,
                json={
                    "instances": [{"cc_num": keys[0]}, {"cc_num": keys[1]}],
                    "predict_proba": proba,
                },
            )
            bad = [
                client.post(url, json={"instances": [{"cc_num": 5}], "predict_proba": proba}),
                client.post(url, json={"instances": [{"cc_num": keys[0], "zz": 1}]}),
            ]
            return list(await asyncio.gather(*good, pair, *bad))

    responses = asyncio.run(fire())
    *good, pair, missing, unknown = responses
    for r, want in zip(good, expected, strict=True):
        assert r.status_code == 200
        np.testing.assert_allclose(r.json()["predictions"], [want])
    np.testing.assert_allclose(pair.json()["predictions"], expected[:2])
    assert missing.status_code == 404 and "no online row" in missing.json()["error"]
    assert unknown.status_code == 400 and "unknown serving key" in unknown.json()["error"]
