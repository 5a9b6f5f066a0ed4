"""``mvps serve`` in the foreground, with several workers, stopped with ``--stop``."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable

import httpx
import pandas as pd

import mvps
from mvps.serving import process


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_two_workers_serve_feature_vectors_and_stop(home: str) -> None:
    project = mvps.login()
    fs = project.get_feature_store()
    fg = fs.get_or_create_feature_group("users", 1, primary_key=["uid"], online_enabled=True)
    fg.insert(pd.DataFrame({"uid": [1, 2, 3], "score": [0.5, 0.25, 0.125]}))
    fs.get_or_create_feature_view("users_view", fg.select_all(), 1)
    env = dict(os.environ)
    server = subprocess.Popen(
        [sys.executable, "-m", "mvps.cli", "serve", "--port", "0", "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:

        def up() -> bool:
            assert server.poll() is None, server.stdout.read() if server.stdout else ""
            info = process.server_info(project)
            return info is not None and process.healthy(info["url"])

        wait_until(up, 120, "the server to answer")
        info = process.server_info(project)
        assert info is not None and info["workers"] == 2 and info["pid"] == server.pid
        with httpx.Client(base_url=info["url"]) as client:
            for _ in range(20):  # several connections, served by either worker
                r = httpx.post(
                    f"{info['url']}/v1/feature-views/users_view/1/vector",
                    json={"entries": [{"uid": 2}, {"uid": 3}]},
                )
                assert r.json() == {
                    "features": ["uid", "score"],
                    "vectors": [[2, 0.25], [3, 0.125]],
                }
            assert client.get("/readyz").json()["ready"] is True
        stop = subprocess.run(
            [sys.executable, "-m", "mvps.cli", "serve", "--stop"],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert stop.returncode == 0 and "stopped" in stop.stdout
        assert server.wait(60) == 0
        assert process.server_info(project) is None
        assert not process.server_file(project).exists()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        mvps.logout()
