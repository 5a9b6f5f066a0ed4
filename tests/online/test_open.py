"""``open_online_store``: URL handling."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mvps.errors import InvalidInput, MissingDependency, MvpsError
from mvps.online import open_online_store
from mvps.online.base import OnlineStore
from mvps.online.redis import RedisOnlineStore, split_prefix
from mvps.online.sqlite import SqliteOnlineStore


def test_none_opens_sqlite_at_the_default_path(tmp_path) -> None:
    default = tmp_path / "deep" / "dir" / "online.db"
    for url in (None, "", "  "):
        store = open_online_store(url, default)
        try:
            assert isinstance(store, SqliteOnlineStore)
            assert isinstance(store, OnlineStore)
            assert store.path == default
        finally:
            store.close()
    assert default.exists()


def test_sqlite_url_with_absolute_path(tmp_path) -> None:
    path = tmp_path / "abs.db"
    store = open_online_store(f"sqlite:///{path}", tmp_path / "unused.db")
    try:
        assert isinstance(store, SqliteOnlineStore)
        assert store.path == path
        assert path.exists()
        assert not (tmp_path / "unused.db").exists()
    finally:
        store.close()


def test_sqlite_url_with_relative_path(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    store = open_online_store("sqlite:///rel/online.db", "unused.db")
    try:
        assert isinstance(store, SqliteOnlineStore)
        assert (tmp_path / "rel" / "online.db").exists()
    finally:
        store.close()


@pytest.mark.parametrize(
    ("url", "prefix"),
    [
        ("redis://127.0.0.1:6379/0", "mvps:"),
        ("redis://127.0.0.1:6379/0?prefix=myproj:", "myproj:"),
        ("rediss://user:secret@cache.example.com:6380/2?prefix=a%3Ab%3A", "a:b:"),
        ("REDIS://localhost", "mvps:"),
    ],
)
def test_redis_urls_open_redis_with_the_prefix(url: str, prefix: str, tmp_path) -> None:
    store = open_online_store(url, tmp_path / "unused.db")  # connects lazily
    try:
        assert isinstance(store, RedisOnlineStore)
        assert isinstance(store, OnlineStore)
        assert store.prefix == prefix
        assert "secret" not in repr(store)
    finally:
        store.close()


def test_split_prefix_keeps_other_parameters() -> None:
    url, prefix = split_prefix("redis://h:1/3?socket_timeout=5&prefix=p:&health_check_interval=2")
    assert prefix == "p:"
    assert url == "redis://h:1/3?socket_timeout=5&health_check_interval=2"
    assert split_prefix("redis://h:1/3") == ("redis://h:1/3", "mvps:")
    assert split_prefix("redis://h?prefix=") == ("redis://h", "")


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://localhost/db",
        "http://localhost:6379",
        "online.db",
        "/var/lib/online.db",
        "sqlite://",
        "sqlite:///",
        "sqlite://relative.db",
        "memory",
    ],
)
def test_bad_urls_name_the_accepted_forms(url: str, tmp_path) -> None:
    with pytest.raises(InvalidInput) as info:
        open_online_store(url, tmp_path / "online.db")
    message = str(info.value)
    assert url in message
    assert "sqlite:///" in message


def test_redis_url_with_a_bad_port_is_invalid_input(tmp_path) -> None:
    with pytest.raises(InvalidInput, match="Redis URL"):
        open_online_store("redis://localhost:notaport/0", tmp_path / "online.db")


def test_unreachable_redis_is_reported_with_the_address(tmp_path) -> None:
    store = open_online_store("redis://127.0.0.1:1/0?socket_connect_timeout=1", tmp_path / "x")
    try:
        with pytest.raises(MvpsError, match=r"not reachable.*online store URL") as info:
            store.read("fg_1", (1,))
        assert "127.0.0.1:1" in str(info.value)
    finally:
        store.close()


def test_missing_redis_package_names_the_extra(monkeypatch, tmp_path) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)
    with pytest.raises(MissingDependency, match=r"mvps\[redis\]"):
        open_online_store("redis://localhost", tmp_path / "online.db")


def test_importing_the_package_loads_no_backend() -> None:
    code = (
        "import sys, mvps.online; "
        "print(sorted(m for m in ('pyarrow', 'redis', 'sqlite3') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
