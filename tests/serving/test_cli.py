"""``mvps serve`` in the foreground, with several workers, stopped with ``--stop``."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pandas as pd

import mvps
from mvps.serving import process


def test_two_workers_serve_feature_vectors_and_stop(home: str) -> None:
    project = mvps.login()
    fs = project.get_feature_store()
    fg = fs.get_or_create_feature_group("users", 1, primary_key=["uid"], online_enabled=True)
    fg.insert(pd.DataFrame({"uid": [1, 2, 3], "score": [0.5, 0.25, 0.125]}))
    fs.get_or_create_feature_view("users_view", fg.select_all(), 1)
    env = dict(os.environ)
    log = project.path / "foreground.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "mvps.cli", "serve", "--port", "0", "--workers", "2"],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        info = process.wait_for_server(project, server.pid, timeout=120)
        assert info["workers"] == 2 and info["pid"] == server.pid
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
        assert server.wait(60) == 0, log.read_text()
        assert process.server_info(project) is None
        assert not process.server_file(project).exists()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        mvps.logout()
