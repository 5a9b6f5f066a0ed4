"""Time travel: every write is a commit that can be read back, listed with its counts,
and diffed against another commit.

The expected results come from a small model of the feature group (a dict keyed by
primary key + event time) that applies the same operations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pandas as pd
import pytest

from mvps.errors import InvalidInput, NotFound
from mvps.feature import Feature

from .helpers import after_last_commit, frame, rows, ts

Key = tuple[int, pd.Timestamp]


@dataclass
class Model:
    """What the feature group holds after each commit."""

    state: dict[Key, float] = field(default_factory=dict)
    written: dict[Key, int] = field(default_factory=dict)  # key -> commit that last wrote it
    states: list[dict[Key, float]] = field(default_factory=list)
    written_at: list[dict[Key, int]] = field(default_factory=list)
    counts: list[tuple[int, int, int]] = field(default_factory=list)

    def upsert(self, df: pd.DataFrame) -> None:
        commit = len(self.states)
        inserted = updated = 0
        for r in df.itertuples():
            key = (r.id, r.ts)
            if key in self.state:
                updated += 1
            else:
                inserted += 1
            self.state[key] = r.amount
            self.written[key] = commit
        self._commit((inserted, updated, 0))

    def delete(self, df: pd.DataFrame) -> None:
        gone = [
            k
            for k in self.state
            if any(k[0] == r.id and ("ts" not in df or k[1] == r.ts) for r in df.itertuples())
        ]
        for k in gone:
            del self.state[k]
            del self.written[k]
        self._commit((0, 0, len(gone)))

    def _commit(self, counts: tuple[int, int, int]) -> None:
        self.states.append(dict(self.state))
        self.written_at.append(dict(self.written))
        self.counts.append(counts)

    def at(self, commit: int) -> list[tuple[int, pd.Timestamp, float]]:
        return sorted((k[0], k[1], v) for k, v in self.states[commit].items())

    def changed(self, start: int, end: int) -> list[tuple[int, pd.Timestamp, float]]:
        """Rows of commit ``end`` last written by a commit after ``start``."""
        written = self.written_at[end]
        return sorted(
            (k[0], k[1], v) for k, v in self.states[end].items() if start < written[k] <= end
        )


def triples(df: Any) -> list[tuple[int, pd.Timestamp, float]]:
    return [(r["id"], r["ts"], r["amount"]) for r in rows(df)]


OPERATIONS = [
    ("upsert", frame([1, 2, 3], [1, 1, 1], [1.0, 2.0, 3.0])),
    ("upsert", frame([1, 4], [1, 2], [10.0, 4.0])),  # update 1, insert 4
    ("delete", pd.DataFrame({"id": [2]})),  # every row of key 2
    ("upsert", frame([3, 4, 5], [5, 2, 1], [30.0, 40.0, 5.0])),  # new event of 3, update 4
    ("delete", pd.DataFrame({"id": [3], "ts": [ts(5)]})),  # the event of key 3 written last
    ("upsert", frame([2, 5], [3, 1], [20.0, 50.0])),  # key 2 comes back, update 5
]


def build_history(fs):
    """A feature group written by OPERATIONS (one commit each) and its model."""
    fg = fs.create_feature_group(
        "tt",
        version=1,
        primary_key=["id"],
        event_time="ts",
        online_enabled=True,
        statistics_config=False,
    )
    model = Model()
    for op, df in OPERATIONS:
        if op == "upsert":
            fg.insert(df)
            model.upsert(df)
        else:
            fg.commit_delete_record(df)
            model.delete(df)
        after_last_commit(fg)
    details = fg.commit_details()
    times = {v: datetime.fromisoformat(d["committedAt"]) for v, d in details.items()}
    assert sorted(times) == list(range(len(OPERATIONS)))
    assert len(set(times.values())) == len(times)
    return fg, model, details, times


@pytest.fixture
def history(efs):
    return build_history(efs)


@pytest.fixture
def any_history(fs):
    """The history on every backend."""
    return build_history(fs)


def test_every_commit_reads_back(any_history):
    fg, model, details, times = any_history
    for v, when in times.items():
        expected = model.at(v)
        assert triples(fg.read(wallclock_time=when)) == expected, f"commit {v}"
        assert triples(fg.as_of(when).read()) == expected, f"commit {v}"
        assert triples(fg.select_all().as_of(when).read()) == expected
    # the latest read and the online store agree with the last commit
    assert triples(fg.read()) == model.at(len(OPERATIONS) - 1)
    newest: dict[int, tuple[int, pd.Timestamp, float]] = {}
    for row in model.at(len(OPERATIONS) - 1):
        if row[0] not in newest or row[1] > newest[row[0]][1]:
            newest[row[0]] = row
    assert triples(fg.read(online=True)) == sorted(newest.values())


def test_wallclock_time_formats(history):
    fg, model, details, times = history
    v = 2
    when = times[v]
    expected = model.at(v)
    for value in (
        when,
        when.replace(tzinfo=None),  # naive = UTC
        when.strftime("%Y-%m-%d %H:%M:%S.%f"),
        when.isoformat(),
        int(when.timestamp() * 1000),  # epoch milliseconds
        details[v]["committedOn"],  # as commit_details() prints it
        pd.Timestamp(when),
    ):
        assert triples(fg.read(wallclock_time=value)) == expected, repr(value)
    # between two commits: the earlier one
    between = times[v] + (times[v + 1] - times[v]) / 2
    assert triples(fg.read(wallclock_time=between)) == expected
    # after the last commit: the latest data
    assert triples(fg.read(wallclock_time=datetime.now() + timedelta(days=1))) == triples(fg.read())


def test_wallclock_time_before_the_first_commit(history):
    fg, _, _, times = history
    with pytest.raises(NotFound, match="no commit at or before"):
        fg.read(wallclock_time=times[0] - timedelta(seconds=1))
    with pytest.raises(InvalidInput, match="cannot parse"):
        fg.read(wallclock_time="yesterday")


def test_commit_details_counts(any_history):
    fg, model, details, times = any_history
    assert list(details) == sorted(details, reverse=True)  # newest first
    for v, d in details.items():
        assert (d["rowsInserted"], d["rowsUpdated"], d["rowsDeleted"]) == model.counts[v], v
        assert d["committedOn"] == times[v].strftime("%Y%m%d%H%M%S%f")[:-3]
    assert list(fg.commit_details(limit=2)) == [5, 4]
    assert list(fg.commit_details(wallclock_time=times[2])) == [2, 1, 0]
    assert list(fg.commit_details(wallclock_time=times[3], limit=1)) == [3]


def test_changes_between_commits(history):
    fg, model, _, times = history
    last = len(OPERATIONS) - 1
    for start in range(last):
        for end in range(start + 1, last + 1):
            expected = model.changed(start, end)
            got = fg.read_changes(times[start], times[end])
            assert triples(got) == expected, (start, end)
            q = fg.as_of(times[end], exclude_until=times[start])
            assert triples(q.read()) == expected, (start, end)


def test_changes_of_a_single_commit(history):
    fg, model, _, times = history
    # commit 3 inserted a new event of key 3, updated key 4 and inserted key 5
    assert triples(fg.read_changes(times[2], times[3])) == [
        (3, ts(5), 30.0),
        (4, ts(2), 40.0),
        (5, ts(1), 5.0),
    ]
    # a delete-only commit changes no remaining row
    assert fg.read_changes(times[3], times[4]).empty
    with pytest.raises(InvalidInput, match="exclude_until must be before"):
        fg.as_of(times[1], exclude_until=times[2])


def test_time_travel_after_appending_a_feature(fs):
    fg = fs.create_feature_group("grow", version=1, primary_key=["id"], statistics_config=False)
    fg.insert(pd.DataFrame({"id": [1, 2], "x": [1.0, 2.0]}))
    first = datetime.fromisoformat(fg.commit_details()[0]["committedAt"])
    after_last_commit(fg)
    fg.append_features(Feature("color", type="string", default_value="red"))
    after_last_commit(fg)
    fg.insert(pd.DataFrame({"id": [3], "x": [3.0], "color": ["blue"]}))
    old = fg.read(wallclock_time=first).sort_values("id")
    assert old.to_dict("list") == {"id": [1, 2], "x": [1.0, 2.0], "color": ["red", "red"]}
    new = fg.read().sort_values("id")
    assert new["color"].tolist() == ["red", "red", "blue"]
    assert fg.read_changes(first, datetime.now()).to_dict("list") == {
        "id": [3],
        "x": [3.0],
        "color": ["blue"],
    }
    ops = [d["operation"] for d in fg.commit_details().values()]
    assert len(ops) == 3
