"""The server keeps loaded deployments out of the garbage collector's full passes."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from mvps.server import settle_heap
from mvps.serving.runtime import DeploymentTable

from .conftest import Served


@pytest.fixture
def thawed() -> Iterator[None]:
    yield
    gc.unfreeze()


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the garbage collector frees it


def test_settle_heap_freezes_what_is_loaded(thawed: None) -> None:
    garbage = weakref.ref(Node())
    loaded = Node()
    settle_heap()
    assert garbage() is None  # collected before freezing
    assert gc.get_freeze_count() > 0
    unloaded = weakref.ref(loaded)
    del loaded  # frozen, then dropped (a deployment stopped): the next settle frees it
    gc.collect()
    assert unloaded() is not None
    settle_heap()
    assert unloaded() is None


def test_table_reports_loads_and_unloads(served: Served) -> None:
    calls: list[int] = []
    table = DeploymentTable(served.project, on_load=lambda: calls.append(1))
    table.refresh()
    assert "fraud" in table.served and calls == [1]
    table.refresh()  # nothing changed: no call
    assert calls == [1]
    table.feature_view("fraud", 1)
    table.feature_view("fraud", 1)  # cached: no second call
    assert calls == [1, 1]
    dep = served.ms().get_deployment("fraud")
    dep.stop()
    try:
        table.refresh()
        assert "fraud" not in table.served and calls == [1, 1, 1]
    finally:
        dep.start()
