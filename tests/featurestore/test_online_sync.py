"""Crash safety: the offline commit is the source of truth, the online store records the
last offline version it applied and catches up on the next write, on ``sync_online()``
and with ``mvps sync``.

A real crash is a writer process that exits right after its offline commit
(``MVPS_INJECT_FAULT=after_offline_commit``). In-process tests simulate the same crash
by raising at that point instead of exiting.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import mvps.feature_group as feature_group_module
from mvps import cli
from mvps.feature import Feature

from .helpers import frame, rows, run_python, ts

WRITER = """
    import mvps, pandas as pd
    fg = mvps.login().get_feature_store().get_feature_group("trans", 1)
    fg.insert(pd.DataFrame({
        "id": [1, 3],
        "ts": [pd.Timestamp("2024-01-05", tz="UTC")] * 2,
        "amount": [10.0, 30.0],
        "name": ["late", "new"],
    }))
    print("the process was expected to exit before this line")
"""


class Crash(Exception):
    """Stands for a process dying at an injected fault point."""


@pytest.fixture
def crash_after_offline_commit(monkeypatch):
    """``crash()`` makes the next offline commit "crash" (raise) before the online write."""

    def fault(point: str) -> None:
        if point == "after_offline_commit":
            monkeypatch.setattr(feature_group_module, "_fault", original)
            raise Crash(point)

    original = feature_group_module._fault

    def crash() -> None:
        monkeypatch.setattr(feature_group_module, "_fault", fault)

    return crash


def make_group(fs):
    fg = fs.create_feature_group(
        "trans",
        version=1,
        primary_key=["id"],
        event_time="ts",
        online_enabled=True,
        statistics_config=False,
    )
    fg.insert(frame([1, 2], [1, 1], [1.0, 2.0]))
    return fg


def online_row(project, key):
    """The online store's row for ``key`` (read directly: ``read(online=True)`` syncs)."""
    return project.online.read("trans_1", (key,))


def crash_writer(tmp_path: Path) -> None:
    proc = run_python(
        WRITER, env={"MVPS_INJECT_FAULT": "after_offline_commit"}, cwd=tmp_path, check=False
    )
    assert proc.returncode == 70, proc.stdout + proc.stderr
    assert "expected to exit" not in proc.stdout


def assert_behind(project, fg) -> None:
    """The crashed commit is offline but not online."""
    assert sorted(fg.read()["name"]) == ["late", "n1", "n2", "new"]
    assert project.offline.version("trans_1") == 1
    assert project.online.get_watermark("trans_1") == 0
    assert online_row(project, 3) is None
    assert online_row(project, 1)[3] == "n1"


def assert_caught_up(project, fg, **more: str) -> None:
    assert project.online.get_watermark("trans_1") == project.offline.version("trans_1")
    assert online_row(project, 3)[3] == "new"
    assert online_row(project, 1)[3] == "late"
    online = {r["id"]: r["name"] for r in rows(fg.read(online=True))}
    assert online == {1: "late", 2: "n2", 3: "new", **{int(k[1:]): v for k, v in more.items()}}


def test_crash_is_repaired_by_sync_online(fs, project, tmp_path):
    fg = make_group(fs)
    crash_writer(tmp_path)
    assert_behind(project, fg)
    assert fg.sync_online() == 1
    assert_caught_up(project, fg)
    assert fg.sync_online() == 0


def test_crash_is_repaired_by_the_next_write(efs, embedded, tmp_path):
    fg = make_group(efs)
    crash_writer(tmp_path)
    assert_behind(embedded, fg)
    fg.insert(frame([4], [2], [4.0]))
    assert embedded.online.get_watermark("trans_1") == 2
    assert_caught_up(embedded, fg, k4="n4")


def test_crash_is_repaired_by_mvps_sync(efs, embedded, home, tmp_path, capsys):
    fg = make_group(efs)
    crash_writer(tmp_path)
    assert_behind(embedded, fg)
    args = ["sync", "--home", home, "--project", "default"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("MVPS_")}
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "mvps"), *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "trans v1: replayed 1 commit(s)" in proc.stdout
    assert_caught_up(embedded, fg)
    # the same command (python -m mvps.cli) has nothing left to do
    assert cli.main(args) == 0
    assert "trans v1: up to date" in capsys.readouterr().out


def test_several_missed_commits_are_replayed(efs, embedded, crash_after_offline_commit):
    fg = make_group(efs)
    crash_after_offline_commit()
    with pytest.raises(Crash):
        fg.insert(frame([1, 3], [2, 1], [10.0, 3.0]))
    # a schema change is a commit too (metadata only); it does not touch the online rows
    fg.append_features(Feature("channel", type="string", default_value="web"))
    assert embedded.online.get_watermark("trans_1") == 0
    assert embedded.offline.version("trans_1") == 2
    assert fg.sync_online() == 2
    assert embedded.online.get_watermark("trans_1") == 2
    online = {r["id"]: (r["amount"], r["channel"]) for r in rows(fg.read(online=True))}
    assert online == {1: (10.0, "web"), 2: (2.0, "web"), 3: (3.0, "web")}


def test_a_crashed_delete_is_replayed(efs, embedded, crash_after_offline_commit):
    fg = make_group(efs)
    fg.insert(frame([1], [3], [13.0]))  # key 1 has events on day 1 and day 3
    crash_after_offline_commit()
    with pytest.raises(Crash):
        fg.commit_delete_record(pd.DataFrame({"id": [1], "ts": [ts(3)]}))
    assert online_row(embedded, 1)[2] == 13.0
    assert fg.sync_online() == 1
    # key 1 falls back to its remaining (older) event
    assert online_row(embedded, 1)[2] == 1.0
    assert online_row(embedded, 2)[2] == 2.0


def test_a_crash_before_the_online_write_of_a_delete_in_a_subprocess(efs, embedded, tmp_path):
    fg = make_group(efs)
    proc = run_python(
        """
        import mvps, pandas as pd
        fg = mvps.login().get_feature_store().get_feature_group("trans", 1)
        fg.commit_delete_record(pd.DataFrame({"id": [2]}))
        """,
        env={"MVPS_INJECT_FAULT": "after_offline_commit"},
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 70, proc.stderr
    assert sorted(fg.read()["id"]) == [1]
    assert online_row(embedded, 2) is not None
    assert sorted(fg.read(online=True)["id"]) == [1]  # an online read catches up first
    assert online_row(embedded, 2) is None


def test_online_read_catches_up(efs, embedded, crash_after_offline_commit):
    fg = make_group(efs)
    crash_after_offline_commit()
    with pytest.raises(Crash):
        fg.insert(frame([5], [1], [5.0]))
    assert online_row(embedded, 5) is None
    assert sorted(fg.read(online=True)["id"]) == [1, 2, 5]
    assert online_row(embedded, 5) is not None


def test_a_lost_online_table_is_rebuilt(fs, project):
    fg = make_group(fs)
    fg.insert(frame([1, 3], [2, 1], [11.0, 3.0]))
    project.online.drop("trans_1")
    assert project.online.get_watermark("trans_1") is None
    assert fg.sync_online() == 2  # every commit: versions 0 and 1
    assert {r["id"]: r["amount"] for r in rows(fg.read(online=True))} == {1: 11.0, 2: 2.0, 3: 3.0}


def test_watermark_follows_every_write(efs, embedded):
    fg = make_group(efs)
    assert embedded.online.get_watermark("trans_1") == 0
    fg.insert(frame([3], [1], [3.0]))
    assert embedded.online.get_watermark("trans_1") == 1
    fg.insert(frame([4], [1], [4.0]), storage="offline")
    assert embedded.online.get_watermark("trans_1") == 2
    fg.commit_delete_record(pd.DataFrame({"id": [3]}))
    assert embedded.online.get_watermark("trans_1") == 3
    assert fg.sync_online() == 0


def test_groups_that_are_not_online_have_nothing_to_sync(efs):
    fg = efs.create_feature_group("off", version=1, primary_key=["id"], statistics_config=False)
    assert fg.sync_online() == 0
    fg.insert(pd.DataFrame({"id": [1]}))
    assert fg.sync_online() == 0
