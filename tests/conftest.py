"""Shared fixtures.

Services (Redis, PostgreSQL) are real. A test that needs one gets it from a fixture
that isolates the test (its own key prefix or database, cleaned up after). When the
service is unreachable the test skips with the reason, except under ``CI=true`` where a
missing service is a failure: CI machines provide every service.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
REDIS_URL = os.environ.get("MVPS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
POSTGRES_URL = os.environ.get(
    "MVPS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def service_missing(what: str, exc: BaseException) -> None:
    msg = f"{what} is not reachable ({exc}); start it or set the MVPS_TEST_* URL"
    if IN_CI:
        pytest.fail(f"CI=true and {msg}")
    pytest.skip(msg)


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A Redis URL with a unique key prefix (``?prefix=...``); keys are deleted after."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except Exception as exc:  # connection refused, timeout, auth
        service_missing("Redis", exc)
    prefix = f"mvpstest-{uuid.uuid4().hex[:12]}:"
    sep = "&" if "?" in REDIS_URL else "?"
    yield f"{REDIS_URL}{sep}prefix={prefix}"
    for key in client.scan_iter(match=f"{prefix}*", count=1000):
        client.delete(key)
    client.close()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A PostgreSQL URL for a fresh database, dropped after the test."""
    import psycopg

    name = f"mvpstest_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(POSTGRES_URL, autocommit=True)
    except Exception as exc:
        service_missing("PostgreSQL", exc)
    admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def home(tmp_path, monkeypatch) -> str:
    """An empty MVPS_HOME for the test; ``mvps.login()`` opens projects below it."""
    path = tmp_path / "mvps-home"
    monkeypatch.setenv("MVPS_HOME", str(path))
    monkeypatch.delenv("MVPS_PROJECT", raising=False)
    monkeypatch.delenv("MVPS_CONFIG", raising=False)
    return str(path)
