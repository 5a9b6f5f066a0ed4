"""Bad input is rejected with a clear message and changes nothing that is stored.

Each test takes a snapshot of everything stored about the group (definition, offline
rows, online rows, commits, online watermark), feeds the bad input, and compares.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from mvps.errors import InvalidInput, MvpsError, NotFound, SchemaMismatch
from mvps.feature import Feature

from .helpers import frame, rows, ts


@pytest.fixture
def fg(efs):
    group = efs.create_feature_group(
        "trans",
        version=1,
        primary_key=["id"],
        event_time="ts",
        online_enabled=True,
        statistics_config=False,
    )
    group.insert(frame([1, 2], [1, 1], [1.0, 2.0]))
    return group


def snapshot(project: Any, name: str = "trans", version: int = 1) -> dict[str, Any]:
    obj = project.catalog.get("feature_group", name, version)
    fg = project.get_feature_store().get_feature_group(name, version)
    return {
        "definition": obj.body,
        "offline": rows(fg.read()),
        "online": rows(fg.read(online=True)) if fg.online_enabled else None,
        "commits": list(fg.commit_details()),
        "watermark": project.online.get_watermark(f"{name}_{version}"),
        "groups": [(o.name, o.version) for o in project.catalog.list("feature_group")],
    }


def nothing_stored(project: Any, name: str = "new") -> None:
    """A group whose first insert failed left no trace."""
    assert project.catalog.get("feature_group", name, 1) is None
    assert not project.offline.exists(f"{name}_1")


@pytest.fixture
def new(efs):
    """A group not stored yet (its first insert is the bad one)."""
    return efs.create_feature_group(
        "new",
        version=1,
        primary_key=["id"],
        event_time="ts",
        online_enabled=True,
        statistics_config=False,
    )


def check_first_insert_still_works(group: Any) -> None:
    assert group.features == []
    group.insert(frame([7], [1], [7.0]))
    assert group.read()["id"].tolist() == [7]


# ---------------------------------------------------------------- keys


def test_missing_primary_key_column(fg, embedded):
    before = snapshot(embedded)
    with pytest.raises(SchemaMismatch, match="missing column 'id'") as err:
        fg.insert(frame([3], [1], [3.0]).drop(columns=["id"]))
    assert err.value.problems == ["missing column 'id' (bigint)"]
    assert snapshot(embedded) == before


def test_missing_primary_key_column_on_first_insert(new, embedded):
    with pytest.raises(InvalidInput, match=r"primary key column\(s\) \['id'\] are not in the data"):
        new.insert(frame([3], [1], [3.0]).drop(columns=["id"]))
    nothing_stored(embedded)
    check_first_insert_still_works(new)


def test_missing_event_time_column(fg, embedded):
    before = snapshot(embedded)
    with pytest.raises(SchemaMismatch, match="missing column 'ts'"):
        fg.insert(frame([3], [1], [3.0]).drop(columns=["ts"]))
    assert snapshot(embedded) == before


def test_missing_event_time_column_on_first_insert(new, embedded):
    with pytest.raises(InvalidInput, match=r"event time column\(s\) \['ts'\] are not in the data"):
        new.insert(frame([3], [1], [3.0]).drop(columns=["ts"]))
    nothing_stored(embedded)
    check_first_insert_still_works(new)


def test_event_time_of_the_wrong_type_on_first_insert(new, embedded):
    df = frame([3], [1], [3.0]).assign(ts=["yesterday"])
    with pytest.raises(InvalidInput, match="must be a timestamp, a date or an integer epoch"):
        new.insert(df)
    nothing_stored(embedded)
    check_first_insert_still_works(new)


@pytest.mark.parametrize(
    "bad",
    [
        pd.DataFrame(
            {"id": [3.0, np.nan], "ts": [ts(1), ts(1)], "amount": [3.0, 4.0], "name": ["a", "b"]}
        ),
        pa.table(
            {
                "id": pa.array([None, 4], pa.int64()),
                "ts": [ts(1), ts(1)],
                "amount": [3.0, 4.0],
                "name": ["a", "b"],
            }
        ),
    ],
    ids=["pandas-nan", "arrow-null"],
)
def test_nulls_in_the_primary_key(fg, embedded, bad):
    before = snapshot(embedded)
    with pytest.raises(InvalidInput, match=r"primary key column 'id' has 1 null value\(s\)"):
        fg.insert(bad)
    assert snapshot(embedded) == before


def test_nulls_in_the_primary_key_on_first_insert(new, embedded):
    with pytest.raises(InvalidInput, match="primary key column 'id' has 1 null"):
        new.insert(
            pa.table(
                {
                    "id": pa.array([None, 4], pa.int64()),
                    "ts": [ts(1), ts(1)],
                    "amount": [3.0, 4.0],
                    "name": ["a", "b"],
                }
            )
        )
    nothing_stored(embedded)
    check_first_insert_still_works(new)


def test_nulls_in_the_event_time(fg, embedded):
    before = snapshot(embedded)
    bad = frame([3, 4], [1, 1], [3.0, 4.0]).assign(ts=[ts(1), pd.NaT])
    with pytest.raises(InvalidInput, match=r"event time column 'ts' has 1 null value\(s\)"):
        fg.insert(bad)
    assert snapshot(embedded) == before


def test_duplicate_primary_key_and_event_time_in_one_insert(fg, embedded):
    before = snapshot(embedded)
    with pytest.raises(InvalidInput, match=r"1 rows share a id \+ ts") as err:
        fg.insert(frame([3, 3, 4], [2, 2, 2], [3.0, 3.5, 4.0]))
    assert "keep one row per key" in str(err.value)
    assert snapshot(embedded) == before
    # the same key at different event times is fine
    fg.insert(frame([3, 3], [2, 3], [3.0, 3.5]))
    assert sorted(fg.read()["id"]) == [1, 2, 3, 3]


def test_duplicate_keys_on_first_insert(new, embedded):
    with pytest.raises(InvalidInput, match="share a id"):
        new.insert(frame([3, 3], [2, 2], [3.0, 3.5]))
    nothing_stored(embedded)
    check_first_insert_still_works(new)


def test_group_without_primary_key(efs, embedded):
    group = efs.create_feature_group("nokey", version=1, statistics_config=False)
    with pytest.raises(InvalidInput, match="has no primary key"):
        group.insert(pd.DataFrame({"x": [1]}))
    nothing_stored(embedded, "nokey")


# ---------------------------------------------------------------- types


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("id", "3", "column 'id' is string, the feature group has bigint"),
        ("id", 3.5, "column 'id' (double) cannot be converted to bigint"),
        ("amount", "3.0", "column 'amount' is string, the feature group has double"),
        ("ts", 1.5, "column 'ts' is double, the feature group has timestamp"),
        ("name", 3, "column 'name' is bigint, the feature group has string"),
    ],
)
def test_column_that_cannot_be_converted(fg, embedded, column, value, message):
    before = snapshot(embedded)
    bad = frame([3], [2], [3.0])
    bad[column] = [value]
    with pytest.raises(SchemaMismatch) as err:
        fg.insert(bad)
    assert len(err.value.problems) == 1
    assert err.value.problems[0].startswith(message)
    assert message in str(err.value)
    assert snapshot(embedded) == before


def test_unsigned_integers_too_large_to_store(new, embedded):
    df = pa.table(
        {"id": pa.array([2**63 + 1], pa.uint64()), "ts": [ts(1)], "amount": [1.0], "name": ["a"]}
    )
    with pytest.raises(InvalidInput, match=r"column 'id' \(uint64\) cannot be stored as bigint"):
        new.insert(df)
    nothing_stored(embedded)
    check_first_insert_still_works(new)


def test_all_null_column_on_first_insert(new, embedded):
    df = frame([3], [1], [3.0]).assign(empty=[None])
    with pytest.raises(InvalidInput, match=r"columns \['empty'\] hold only nulls"):
        new.insert(df)
    nothing_stored(embedded)
    check_first_insert_still_works(new)


def test_columns_equal_after_lower_casing(fg, embedded):
    before = snapshot(embedded)
    df = frame([3], [1], [3.0]).assign(Amount=[4.0])
    with pytest.raises(InvalidInput, match=r"columns \['amount'\] appear more than once"):
        fg.insert(df)
    assert snapshot(embedded) == before


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    "name", ["bad-name", "drop table x;", "1st_group", "ümlaut", "a.b", "", "x" * 64]
)
def test_feature_group_name_that_cannot_be_a_table_name(efs, embedded, name):
    with pytest.raises(InvalidInput, match=r"feature group name .* cannot be used"):
        efs.create_feature_group(name, version=1, primary_key=["id"])
    assert embedded.catalog.list("feature_group") == []


def test_long_valid_name_is_accepted(efs):
    name = "x" * 63
    group = efs.create_feature_group(name, version=1, primary_key=["id"], statistics_config=False)
    group.insert(pd.DataFrame({"id": [1]}))
    assert efs.get_feature_group(name, 1).read()["id"].tolist() == [1]


@pytest.mark.parametrize("column", ["amount-eur", "amount (eur)", "2nd", "a.b"])
def test_column_name_that_cannot_be_a_column_name(new, embedded, column):
    df = frame([3], [1], [3.0]).rename(columns={"amount": column})
    with pytest.raises(InvalidInput, match=r"column name\(s\) .* cannot be used"):
        new.insert(df)
    nothing_stored(embedded)
    check_first_insert_still_works(new)


def test_key_column_name_that_cannot_be_a_column_name(efs, embedded):
    with pytest.raises(InvalidInput, match="column name 'user-id' cannot be used"):
        efs.create_feature_group("g", version=1, primary_key=["user-id"])
    with pytest.raises(InvalidInput, match="feature name 'bad-feature' cannot be used"):
        group = efs.create_feature_group(
            "g", version=1, primary_key=["id"], statistics_config=False
        )
        group.insert(pd.DataFrame({"id": [1]}))
        group.append_features(Feature("bad-feature", type="double"))
    assert [f.name for f in efs.get_feature_group("g", 1).features] == ["id"]


def test_declared_feature_with_a_bad_name(efs, embedded):
    group = efs.create_feature_group(
        "declared",
        version=1,
        primary_key=["id"],
        features=[Feature("id", type="bigint"), Feature("bad name!", type="double")],
    )
    with pytest.raises(InvalidInput, match="cannot be used"):
        group.save()
    nothing_stored(embedded, "declared")


@pytest.mark.parametrize(
    ("typ", "value"),
    [
        ("double", "abc"),
        ("bigint", 1.5),
        ("boolean", "maybe"),
        ("timestamp", "soon"),
        ("string", 5),
        ("int", 2**40),
    ],
)
def test_default_value_that_the_type_cannot_hold(fg, embedded, typ, value):
    before = snapshot(embedded)
    with pytest.raises(InvalidInput, match=f"default_value .* of feature 'extra' is not a {typ}"):
        fg.append_features(
            [Feature("ok", type="double"), Feature("extra", type=typ, default_value=value)]
        )
    assert [f.name for f in fg.features] == ["id", "ts", "amount", "name"]
    assert snapshot(embedded) == before
    assert embedded.offline.schema("trans_1").names == ["id", "ts", "amount", "name"]


# ---------------------------------------------------------------- arguments


@pytest.mark.parametrize("dataframe_type", ["spark", "dict", ""])
def test_unknown_dataframe_type(fg, embedded, dataframe_type):
    before = snapshot(embedded)
    if dataframe_type:
        with pytest.raises(InvalidInput, match="unknown dataframe_type") as err:
            fg.read(dataframe_type=dataframe_type)
        assert "pandas" in str(err.value) and "polars" in str(err.value)
        with pytest.raises(InvalidInput, match="unknown dataframe_type"):
            fg.read(online=True, dataframe_type=dataframe_type)
        with pytest.raises(InvalidInput, match="unknown dataframe_type"):
            fg.select_all().read(dataframe_type=dataframe_type)
    else:  # empty means the default, as None does
        assert isinstance(fg.read(dataframe_type=dataframe_type), pd.DataFrame)
    assert snapshot(embedded) == before


def test_unsupported_dataframe(fg, embedded):
    before = snapshot(embedded)
    with pytest.raises(InvalidInput, match="cannot read a dict"):
        fg.insert({"id": [3]})
    assert snapshot(embedded) == before


def test_storage_online_on_a_group_that_is_not_online(efs, embedded):
    group = efs.create_feature_group("off", version=1, primary_key=["id"], statistics_config=False)
    with pytest.raises(InvalidInput, match="not online-enabled"):
        group.insert(pd.DataFrame({"id": [1]}), storage="online")
    nothing_stored(embedded, "off")
    group.insert(pd.DataFrame({"id": [1]}))
    before = snapshot(embedded, "off")
    with pytest.raises(InvalidInput, match="not online-enabled"):
        group.insert(pd.DataFrame({"id": [2]}), storage="online")
    with pytest.raises(InvalidInput, match="not online-enabled"):
        group.read(online=True)
    assert snapshot(embedded, "off") == before


def test_unknown_storage(fg, embedded):
    before = snapshot(embedded)
    with pytest.raises(InvalidInput, match="storage must be"):
        fg.insert(frame([3], [1], [3.0]), storage="both")
    assert snapshot(embedded) == before


@pytest.mark.parametrize(
    "empty",
    [
        frame([], [], []),
        pd.DataFrame(),
        pa.table({"id": pa.array([], pa.int64())}),
    ],
    ids=["typed-columns", "no-columns", "arrow"],
)
def test_empty_dataframe(fg, new, embedded, empty):
    before = snapshot(embedded)
    with pytest.raises(InvalidInput, match="is empty; nothing to insert"):
        fg.insert(empty)
    assert snapshot(embedded) == before
    with pytest.raises(InvalidInput, match="is empty"):
        new.insert(empty)
    nothing_stored(embedded)
    with pytest.raises(InvalidInput, match="is empty"):
        fg.commit_delete_record(empty)
    assert snapshot(embedded) == before


# ---------------------------------------------------------------- deleted groups


def test_insert_into_a_deleted_feature_group(fg, efs, embedded):
    other_handle = efs.get_feature_group("trans", 1)
    fg.delete()
    for group in (fg, other_handle):  # the second one learns it from the catalog
        with pytest.raises(NotFound, match="was deleted"):
            group.insert(frame([3], [1], [3.0]))
        with pytest.raises(NotFound, match="was deleted"):
            group.read()
        with pytest.raises(NotFound, match="was deleted"):
            group.commit_delete_record(pd.DataFrame({"id": [1]}))
    assert embedded.catalog.list("feature_group") == []
    assert not embedded.offline.exists("trans_1")
    assert embedded.online.get_watermark("trans_1") is None


def test_a_stale_handle_does_not_write_into_a_group_created_again(fg, efs, embedded):
    stale = efs.get_feature_group("trans", 1)
    fg.delete()
    fresh = efs.create_feature_group(
        "trans", version=1, primary_key=["id"], statistics_config=False
    )
    fresh.insert(pd.DataFrame({"id": [10], "other": ["x"]}))
    before = snapshot(embedded)
    with pytest.raises(NotFound, match=r"was deleted .*a new group of that name and version"):
        stale.insert(frame([3], [1], [3.0]))
    assert snapshot(embedded) == before
    assert efs.get_feature_group("trans", 1).read().to_dict("list") == {"id": [10], "other": ["x"]}


def test_rows_to_delete_need_the_primary_key(fg, embedded):
    before = snapshot(embedded)
    with pytest.raises(InvalidInput, match=r"need the primary key column\(s\) \['id'\]"):
        fg.commit_delete_record(pd.DataFrame({"ts": [ts(1)]}))
    with pytest.raises(SchemaMismatch):
        fg.commit_delete_record(pd.DataFrame({"id": ["one"]}))
    assert snapshot(embedded) == before


def test_time_arguments_are_validated(fg, embedded):
    before = snapshot(embedded)
    for bad in ("last tuesday", -5, True):
        with pytest.raises(InvalidInput):
            fg.read(wallclock_time=bad)
    with pytest.raises(InvalidInput):
        fg.commit_details(wallclock_time="soon")
    assert snapshot(embedded) == before


def test_every_error_is_an_mvps_error(fg):
    for call in (
        lambda: fg.insert(frame([1], [1], [1.0]).drop(columns=["id"])),
        lambda: fg.read(dataframe_type="spark"),
        lambda: fg.get_feature("nope"),
    ):
        with pytest.raises(MvpsError):
            call()
