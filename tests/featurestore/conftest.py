"""Fixtures of the feature-store tests.

``project`` is parametrized over the backends a project can use: the embedded default
(SQLite catalog, SQLite online store), a Redis online store and a PostgreSQL catalog.
The backends are selected the way users select them, with a config file
(``MVPS_CONFIG``), so subprocesses started by a test open the same project.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import mvps

from .helpers import write_config

BACKENDS = [
    "embedded",
    pytest.param("redis", marks=pytest.mark.redis),
    pytest.param("postgres", marks=pytest.mark.postgres),
]


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch) -> Iterator[None]:
    """Every test starts and ends without an open project, in an empty working
    directory (so that no ``./mvps.toml`` of the checkout is picked up)."""
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    mvps.logout()
    yield
    mvps.logout()


@pytest.fixture(params=BACKENDS)
def backend(request, home, tmp_path, monkeypatch) -> str:
    """Select the project's backends through ``MVPS_CONFIG`` (also seen by subprocesses)."""
    if request.param == "redis":
        cfg = write_config(tmp_path / "mvps.toml", online_url=request.getfixturevalue("redis_url"))
        monkeypatch.setenv("MVPS_CONFIG", str(cfg))
    elif request.param == "postgres":
        cfg = write_config(
            tmp_path / "mvps.toml", catalog_url=request.getfixturevalue("postgres_url")
        )
        monkeypatch.setenv("MVPS_CONFIG", str(cfg))
    return str(request.param)


@pytest.fixture
def project(backend) -> Any:
    return mvps.login()


@pytest.fixture
def fs(project) -> Any:
    return project.get_feature_store()


@pytest.fixture
def embedded(home) -> Any:
    """The embedded project only (for tests that are about the API, not the backends)."""
    return mvps.login()


@pytest.fixture
def efs(embedded) -> Any:
    return embedded.get_feature_store()
