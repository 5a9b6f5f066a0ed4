"""Feature groups: creation and versions, inserts (offline upsert, online newest row),
reads in every dataframe type, metadata updates, schema evolution and deletion.

Tests taking the ``fs`` fixture run against every backend (embedded, Redis online store,
PostgreSQL catalog); ``efs`` tests are about the API and use the embedded project.
"""

from __future__ import annotations

import warnings
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

from mvps.errors import AlreadyExists, InvalidInput, NotFound, SchemaMismatch
from mvps.feature import Feature, Filter, Logic
from mvps.feature_group import FeatureGroup
from mvps.query import Query

from .helpers import frame, rows, ts


def make_fg(fs, name="trans", version=1, online=True, **kwargs):
    kwargs.setdefault("statistics_config", False)
    return fs.create_feature_group(
        name, version=version, primary_key=["id"], event_time="ts", online_enabled=online, **kwargs
    )


# ---------------------------------------------------------------- the flow on every backend


def test_feature_group_flow(fs, project):
    fg = make_fg(fs, description="card transactions")
    assert project.catalog.list("feature_group") == []  # lazy: nothing stored yet
    assert not project.offline.exists("trans_1")

    result = fg.insert(frame([1, 2, 3], [1, 1, 1], [1.0, 2.0, 3.0]))
    assert result == (None, None)
    assert fg.id is not None and fg.version == 1
    assert [f.name for f in fg.features] == ["id", "ts", "amount", "name"]
    assert [f.type for f in fg.features] == ["bigint", "timestamp", "double", "string"]

    # upsert on primary key + event time: id 1 at day 1 is updated, id 1 at day 2 is added
    fg.insert(frame([1, 1, 4], [1, 2, 1], [10.0, 11.0, 4.0]))
    expected = [
        (1, ts(1), 10.0),
        (1, ts(2), 11.0),
        (2, ts(1), 2.0),
        (3, ts(1), 3.0),
        (4, ts(1), 4.0),
    ]
    got = [(r["id"], r["ts"], r["amount"]) for r in rows(fg.read())]
    assert got == expected
    # online: the newest row per primary key
    online = rows(fg.read(online=True))
    assert [(r["id"], r["ts"], r["amount"]) for r in online] == [
        (1, ts(2), 11.0),
        (2, ts(1), 2.0),
        (3, ts(1), 3.0),
        (4, ts(1), 4.0),
    ]

    # another handle on the same group (as another process would get)
    again = fs.get_feature_group("trans", 1)
    assert again.description == "card transactions"
    assert again.primary_key == ["id"] and again.event_time == "ts" and again.online_enabled
    assert rows(again.read()) == rows(fg.read())

    fg.commit_delete_record(pd.DataFrame({"id": [2]}))
    assert sorted(fg.read()["id"]) == [1, 1, 3, 4]
    assert sorted(fg.read(online=True)["id"]) == [1, 3, 4]

    fg.delete()
    assert fs.get_feature_groups("trans") == []
    assert not project.offline.exists("trans_1")
    assert project.online.count("trans_1") == 0
    with pytest.raises(NotFound):
        fs.get_feature_group("trans", 1)


def test_older_event_time_never_overwrites_newer_online_row(fs):
    fg = make_fg(fs)
    fg.insert(frame([1, 2], [5, 5], [5.0, 5.0]))
    fg.insert(frame([1, 2], [3, 6], [3.0, 6.0]))  # id 1 is late data, id 2 is newer
    online = {r["id"]: (r["ts"], r["amount"]) for r in rows(fg.read(online=True))}
    assert online == {1: (ts(5), 5.0), 2: (ts(6), 6.0)}
    # offline keeps every event
    assert len(fg.read()) == 4
    # within one insert the newest row of a key wins, whatever the row order
    fg.insert(frame([3, 3, 3], [9, 7, 8], [9.0, 7.0, 8.0]))
    assert fg.read(online=True).set_index("id").loc[3, "amount"] == 9.0


def test_storage_offline_and_online(fs, project):
    fg = make_fg(fs)
    fg.insert(frame([1], [1], [1.0]))
    fg.insert(frame([2], [1], [2.0]), storage="offline")
    assert sorted(fg.read()["id"]) == [1, 2]
    assert sorted(fg.read(online=True)["id"]) == [1]
    fg.insert(frame([3], [1], [3.0]), storage="online")
    assert sorted(fg.read()["id"]) == [1, 2]
    assert sorted(fg.read(online=True)["id"]) == [1, 3]
    assert project.online.get_watermark("trans_1") == project.offline.version("trans_1")


def test_append_features_with_default_value(fs):
    fg = make_fg(fs)
    fg.insert(frame([1, 2], [1, 1], [1.0, 2.0]))
    fg.append_features(
        [Feature("currency", type="string", default_value="EUR"), Feature("score", type="double")]
    )
    assert [f.name for f in fg.features][-2:] == ["currency", "score"]
    for df in (fg.read(), fg.read(online=True), fs.get_feature_group("trans", 1).read()):
        assert df["currency"].tolist() == ["EUR", "EUR"]
        assert df["score"].isna().all()
    # new rows may carry the new features, or leave them to their default
    new = frame([3], [2], [3.0])
    new["currency"] = ["USD"]
    new["score"] = [0.5]
    fg.insert(new)
    # a feature appended with a default may be left out; one without must be given
    with pytest.raises(SchemaMismatch, match="missing column 'score'"):
        fg.insert(frame([4], [2], [4.0]))
    fg.insert(frame([4], [2], [4.0]).assign(score=[None]))
    for df in (fg.read(), fg.read(online=True)):
        by_id = df.set_index("id")
        assert by_id["currency"].to_dict() == {1: "EUR", 2: "EUR", 3: "USD", 4: "EUR"}
        assert by_id.loc[3, "score"] == 0.5
        assert np.isnan(by_id.loc[4, "score"])


def test_default_values_of_every_kind_survive_the_catalog(fs):
    fg = make_fg(fs)
    fg.insert(frame([1], [1], [1.0]))
    fg.append_features(
        [
            Feature("since", type="timestamp", default_value="2024-01-01 12:00:00"),
            Feature("opened", type="date", default_value=datetime(2023, 5, 1, tzinfo=UTC)),
            Feature("limit", type="decimal(10,2)", default_value="1000.50"),
            Feature("count", type="int", default_value="3"),  # Hopsworks passes strings
            Feature("active", type="boolean", default_value="true"),
            Feature("ratio", type="float", default_value=0.5),
        ]
    )
    expected = {
        "since": pd.Timestamp("2024-01-01 12:00:00", tz="UTC"),
        "opened": date(2023, 5, 1),
        "limit": Decimal("1000.50"),
        "count": 3,
        "active": True,
        "ratio": 0.5,
    }
    stored = fs.get_feature_group("trans", 1)  # definitions read back from the catalog
    assert {f.name: f.default_value for f in stored.features[4:]} == {
        **expected,
        "since": expected["since"].to_pydatetime(),
    }
    for group in (fg, stored):
        for online in (False, True):
            row = group.read(online=online).iloc[0].to_dict()
            assert {k: row[k] for k in expected} == expected, (group, online)


# ---------------------------------------------------------------- creation and versions


def test_create_and_get_versions(efs):
    v1 = make_fg(efs, version=1, online=False)
    v1.insert(frame([1], [1], [1.0]))
    v2 = make_fg(efs, version=None, online=False)
    assert v2.version is None  # allocated when persisted
    v2.insert(frame([2], [1], [2.0]))
    assert v2.version == 2
    v3 = efs.create_feature_group(
        "trans", version=None, primary_key=["id"], statistics_config=False
    )
    v3.save(features=[Feature("id", type="bigint"), Feature("x", type="double")])
    assert v3.version == 3
    assert [g.version for g in efs.get_feature_groups("trans")] == [1, 2, 3]
    assert efs.get_feature_group("trans", 2).read()["id"].tolist() == [2]
    assert efs.get_feature_group("trans", "3").features[1].name == "x"
    assert sorted(g.name for g in efs.get_feature_groups()) == ["trans"] * 3


def test_string_version_is_accepted(efs):
    fg = make_fg(efs, version="2", online=False)
    assert fg.version == 2
    fg.insert(frame([1], [1], [1.0]))
    assert efs.get_feature_group("trans", version="2").version == 2
    assert efs.get_or_create_feature_group("trans", version="2").id == fg.id


@pytest.mark.parametrize("version", ["two", 0, -1, 1.5, True, "1.5"])
def test_invalid_versions_are_rejected(efs, version):
    with pytest.raises(InvalidInput, match="version must be a positive integer"):
        efs.create_feature_group("trans", version=version, primary_key=["id"])


def test_get_feature_group_without_version_warns_and_uses_1(efs):
    make_fg(efs, version=1, online=False).insert(frame([1], [1], [1.0]))
    make_fg(efs, version=2, online=False).insert(frame([2], [1], [2.0]))
    with pytest.warns(UserWarning, match="using version 1"):
        fg = efs.get_feature_group("trans")
    assert fg.version == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert efs.get_feature_group("trans", 2).version == 2


def test_get_missing_feature_group(efs):
    with pytest.raises(NotFound, match="none exists"):
        efs.get_feature_group("nothing", 1)
    make_fg(efs, online=False).insert(frame([1], [1], [1.0]))
    with pytest.raises(NotFound, match=r"existing versions: \[1\]"):
        efs.get_feature_group("trans", 5)


def test_get_or_create_does_not_update_an_existing_definition(efs):
    fg = efs.get_or_create_feature_group(
        "trans",
        version=1,
        primary_key=["id"],
        event_time="ts",
        description="first",
        statistics_config=False,
    )
    assert not fg._saved
    fg.insert(frame([1], [1], [1.0]))
    same = efs.get_or_create_feature_group(
        "trans",
        version=1,
        primary_key=["name"],
        event_time=None,
        description="second",
        online_enabled=True,
    )
    assert same.id == fg.id
    assert (same.primary_key, same.event_time, same.description, same.online_enabled) == (
        ["id"],
        "ts",
        "first",
        False,
    )
    assert efs.get_feature_group("trans", 1).description == "first"
    with pytest.raises(InvalidInput, match="needs a version"):
        efs.get_or_create_feature_group("trans", version=None)


def test_creating_an_existing_version_fails_when_saved(efs):
    make_fg(efs, online=False).insert(frame([1], [1], [1.0]))
    again = make_fg(efs, version=1)  # lazy, as in Hopsworks: nothing is checked yet
    assert list(again.read()["id"]) == [1]  # reads see the stored group
    with pytest.raises(AlreadyExists, match="exists already") as err:
        again.insert(frame([2], [2], [2.0]))
    assert "version 2" in str(err.value)  # the message names the next free version
    assert list(efs.get_feature_group("trans", 1).read()["id"]) == [1]


def test_lazy_creation_until_save(efs, embedded):
    fg = efs.create_feature_group(
        "declared",
        version=1,
        primary_key=["id"],
        statistics_config=False,
        features=[Feature("id", type="bigint"), Feature("label", type="string")],
    )
    assert embedded.catalog.list("feature_group") == []
    with pytest.raises(NotFound, match="no data yet"):
        fg.read()
    fg.save()
    stored = efs.get_feature_group("declared", 1)
    assert [(f.name, f.type) for f in stored.features] == [("id", "bigint"), ("label", "string")]
    assert stored.read().empty and list(stored.read().columns) == ["id", "label"]
    assert stored.commit_details() == {}
    # the declared schema is enforced on the first insert
    with pytest.raises(SchemaMismatch):
        fg.insert(pd.DataFrame({"id": [1], "label": [2.5]}))
    fg.insert(pd.DataFrame({"id": [1], "label": ["a"]}))
    assert stored.read().to_dict("records") == [{"id": 1, "label": "a"}]


def test_save_without_schema_fails(efs, embedded):
    fg = efs.create_feature_group("empty", version=1, primary_key=["id"])
    with pytest.raises(InvalidInput, match="no schema yet"):
        fg.save()
    assert embedded.catalog.list("feature_group") == []


def test_save_with_a_dataframe_inserts_it(efs):
    fg = efs.create_feature_group("g", version=1, primary_key=["id"], statistics_config=False)
    fg.save(pd.DataFrame({"id": [1, 2], "x": [0.5, 1.5]}))
    assert efs.get_feature_group("g", 1).read()["x"].tolist() == [0.5, 1.5]


# ---------------------------------------------------------------- inputs and schema


def pandas_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ID": np.array([1, 2], dtype="int64"),
            "Event Time": pd.to_datetime(["2024-01-01 10:00", "2024-01-02 10:00"]),  # naive
            "Amount": [1.5, 2.5],
            "Country": ["se", "de"],
            "Flag": [True, False],
            "Small": np.array([1, 2], dtype="int8"),
        }
    )


def polars_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "ID": [1, 2],
            "Event Time": [datetime(2024, 1, 1, 10), datetime(2024, 1, 2, 10)],
            "Amount": [1.5, 2.5],
            "Country": ["se", "de"],
            "Flag": [True, False],
            "Small": pl.Series([1, 2], dtype=pl.Int8),
        }
    )


def arrow_frame() -> pa.Table:
    return pa.table(
        {
            "ID": pa.array([1, 2], pa.int64()),
            "Event Time": pa.array(
                [datetime(2024, 1, 1, 10), datetime(2024, 1, 2, 10)], pa.timestamp("ns")
            ),
            "Amount": pa.array([1.5, 2.5]),
            "Country": pa.array(["se", "de"], pa.large_string()),
            "Flag": pa.array([True, False]),
            "Small": pa.array([1, 2], pa.int8()),
        }
    )


@pytest.mark.parametrize(
    "make", [pandas_frame, polars_frame, arrow_frame], ids=["pandas", "polars", "pyarrow"]
)
def test_insert_infers_the_schema_from_any_dataframe(efs, make):
    fg = efs.create_feature_group(
        "Typed", version=1, primary_key=["ID"], event_time="Event Time", statistics_config=False
    )
    fg.insert(make())
    assert fg.name == "typed" and fg.primary_key == ["id"] and fg.event_time == "event_time"
    assert [(f.name, f.type) for f in fg.features] == [
        ("id", "bigint"),
        ("event_time", "timestamp"),
        ("amount", "double"),
        ("country", "string"),
        ("flag", "boolean"),
        ("small", "int"),
    ]
    assert fg.get_feature("id").primary and not fg.get_feature("amount").primary
    table = fg.read(dataframe_type="pyarrow")
    assert table.schema.field("event_time").type == pa.timestamp("us", tz="UTC")
    assert table.column("event_time").to_pylist() == [
        datetime(2024, 1, 1, 10, tzinfo=UTC),
        datetime(2024, 1, 2, 10, tzinfo=UTC),
    ]
    assert table.column("country").to_pylist() == ["se", "de"]
    # later inserts in another dataframe library are checked against the same schema
    fg.insert(
        pl.DataFrame(
            {
                "id": [3],
                "event_time": [datetime(2024, 1, 3)],
                "amount": [1],
                "country": ["fr"],
                "flag": [None],
                "small": [7],
            }
        )
    )
    assert sorted(fg.read()["id"]) == [1, 2, 3]


def test_timestamps_with_a_time_zone_are_stored_in_utc(efs):
    fg = efs.create_feature_group(
        "tz", version=1, primary_key=["id"], event_time="ts", statistics_config=False
    )
    cet = timezone(timedelta(hours=1))
    fg.insert(pd.DataFrame({"id": [1], "ts": [pd.Timestamp(datetime(2024, 1, 1, 12, tzinfo=cet))]}))
    assert fg.read(dataframe_type="python") == [[1, datetime(2024, 1, 1, 11, tzinfo=UTC)]]


def test_timestamps_are_kept_in_microseconds(efs):
    fg = efs.create_feature_group(
        "ns", version=1, primary_key=["id"], event_time="ts", statistics_config=False
    )
    fine = pd.Timestamp("2024-01-01 00:00:00.000001999", tz="UTC")  # nanoseconds
    fg.insert(pd.DataFrame({"id": [1], "ts": [fine]}))
    assert fg.read()["ts"].tolist() == [pd.Timestamp("2024-01-01 00:00:00.000001", tz="UTC")]


def test_schema_mismatch_lists_every_incompatible_column(efs):
    fg = make_fg(efs, online=False)
    fg.insert(frame([1], [1], [1.0]))
    bad = pd.DataFrame({"id": ["x"], "ts": [ts(2)], "amount": ["lots"], "extra": [1]})
    with pytest.raises(SchemaMismatch) as err:
        fg.insert(bad)
    problems = err.value.problems
    assert len(problems) == 4
    assert any("'id' is string" in p and "bigint" in p for p in problems)
    assert any("'amount' is string" in p and "double" in p for p in problems)
    assert any("missing column 'name'" in p for p in problems)
    assert any("unknown column 'extra'" in p for p in problems)
    assert all(p in str(err.value) for p in problems)
    assert fg.read()["id"].tolist() == [1]


def test_compatible_types_are_converted(efs):
    fg = make_fg(efs, online=False)
    fg.insert(frame([1], [1], [1.0]))
    # int32 ids, integer amounts, naive timestamps and shuffled, upper-case columns
    later = pd.DataFrame(
        {
            "NAME": ["b"],
            "Amount": np.array([2], dtype="int32"),
            "ts": [datetime(2024, 1, 2)],
            "id": np.array([2], dtype="int32"),
        }
    )
    fg.insert(later)
    table = fg.read(dataframe_type="pyarrow").sort_by("id")
    assert table.column_names == ["id", "ts", "amount", "name"]
    assert table.to_pylist()[1] == {
        "id": 2,
        "ts": datetime(2024, 1, 2, tzinfo=UTC),
        "amount": 2.0,
        "name": "b",
    }


def test_insert_returns_the_validation_report(efs):
    from mvps.errors import ValidationFailed
    from mvps.validation import ExpectationSuite

    suite = ExpectationSuite(
        "amounts",
        [
            {
                "expectation_type": "expect_column_values_to_be_between",
                "kwargs": {"column": "amount", "min_value": 0, "max_value": 100},
            }
        ],
    )
    fg = make_fg(efs, online=False, expectation_suite=suite)
    job, report = fg.insert(frame([1, 2], [1, 1], [1.0, 2.0]))
    assert job is None
    assert report.success and report.ingestion_result == "INGESTED"
    _, report = fg.insert(frame([3], [1], [300.0]))  # the default policy ingests anyway
    assert not report.success
    assert sorted(fg.read()["id"]) == [1, 2, 3]
    fg.expectation_suite.validation_ingestion_policy = "STRICT"
    commits = len(fg.commit_details())
    with pytest.raises(ValidationFailed):
        fg.insert(frame([4], [1], [400.0]))
    assert sorted(fg.read()["id"]) == [1, 2, 3]
    assert len(fg.commit_details()) == commits


def test_operation_insert_appends_and_overwrite_replaces(efs):
    fg = make_fg(efs, online=True)
    fg.insert(frame([1, 2], [1, 1], [1.0, 2.0]))
    fg.insert(frame([3], [1], [3.0]), operation="insert")
    assert sorted(fg.read()["id"]) == [1, 2, 3]
    fg.insert(frame([9], [1], [9.0]), overwrite=True)
    assert fg.read()["id"].tolist() == [9]
    assert fg.read(online=True)["id"].tolist() == [9]
    with pytest.raises(InvalidInput, match="operation"):
        fg.insert(frame([1], [1], [1.0]), operation="bulk_insert")


# ---------------------------------------------------------------- reads


@pytest.fixture
def filled(efs):
    fg = make_fg(efs)
    fg.insert(frame([1, 2, 3], [1, 2, 3], [1.0, 2.0, 3.0], ["a", "b", "c"]))
    return fg


@pytest.mark.parametrize("online", [False, True], ids=["offline", "online"])
def test_read_in_every_dataframe_type(filled, online):
    expected = [[1, ts(1), 1.0, "a"], [2, ts(2), 2.0, "b"], [3, ts(3), 3.0, "c"]]

    df = filled.read(online=online)
    assert isinstance(df, pd.DataFrame)
    assert rows(df) == rows(filled.read(online=online, dataframe_type="pandas"))
    assert [list(r.values()) for r in rows(df)] == expected
    assert str(df["ts"].dtype).startswith("datetime64") and str(df["ts"].dt.tz) == "UTC"

    pl_df = filled.read(online=online, dataframe_type="polars")
    assert isinstance(pl_df, pl.DataFrame)
    assert pl_df.sort("id")["amount"].to_list() == [1.0, 2.0, 3.0]

    table = filled.read(online=online, dataframe_type="pyarrow")
    assert isinstance(table, pa.Table)
    assert table.schema == filled.arrow_schema

    arr = filled.read(online=online, dataframe_type="numpy")
    assert isinstance(arr, np.ndarray) and arr.shape == (3, 4)
    assert sorted(arr[:, 0].tolist()) == [1, 2, 3]

    py = filled.read(online=online, dataframe_type="python")
    assert sorted(py, key=lambda r: r[0]) == [
        [i, d.to_pydatetime(), a, n] for i, d, a, n in expected
    ]


def test_show_and_features(filled):
    assert len(filled.show(2)) == 2
    assert len(filled.show(10)) == 3
    assert len(filled.show(1, online=True)) == 1
    # Feature == builds a filter, so compare what the features are
    assert [(f.name, f.type) for f in filled.features] == [(f.name, f.type) for f in filled.schema]
    assert [f.name for f in filled.features] == ["id", "ts", "amount", "name"]
    f = filled.get_feature("Amount")
    assert isinstance(f, Feature) and f.name == "amount" and f.type == "double"
    assert filled.amount is f and filled["amount"] is f
    with pytest.raises(InvalidInput, match="no feature 'nope'"):
        filled.get_feature("nope")
    with pytest.raises(AttributeError):
        _ = filled.nope
    assert filled.arrow_schema.names == ["id", "ts", "amount", "name"]


# ---------------------------------------------------------------- metadata


def test_metadata_updates_are_stored(filled, efs):
    assert filled.update_description("new description") is filled
    filled.update_feature_description("amount", "in EUR")
    filled.update_features([Feature("name", description="merchant name")])
    stored = efs.get_feature_group("trans", 1)
    assert stored.description == "new description"
    assert stored.get_feature("amount").description == "in EUR"
    assert stored.get_feature("name").description == "merchant name"
    assert stored.get_feature("name").type == "string"
    with pytest.raises(InvalidInput, match="breaking change"):
        filled.update_features(Feature("amount", type="string"))
    assert efs.get_feature_group("trans", 1).get_feature("amount").type == "double"


def test_append_features_validation(filled):
    with pytest.raises(InvalidInput, match="exists already"):
        filled.append_features(Feature("amount", type="double"))
    with pytest.raises(InvalidInput, match="needs a type"):
        filled.append_features(Feature("untyped"))
    with pytest.raises(InvalidInput, match="unknown feature type"):
        filled.append_features(Feature("weird", type="tensor"))
    assert [f.name for f in filled.features] == ["id", "ts", "amount", "name"]


def test_deleted_group_can_be_created_again(efs, embedded):
    fg = make_fg(efs)
    fg.insert(frame([1], [1], [1.0]))
    fg.delete()
    again = make_fg(efs)
    again.insert(frame([2], [1], [2.0]))
    assert again.read()["id"].tolist() == [2]
    assert again.read(online=True)["id"].tolist() == [2]
    assert len(again.commit_details()) == 1


# ---------------------------------------------------------------- queries


def test_select_and_filter_build_queries(filled):
    q = filled.select(["id", "amount"])
    assert isinstance(q, Query)
    assert q.read().sort_values("id").to_dict("list") == {
        "id": [1, 2, 3],
        "amount": [1.0, 2.0, 3.0],
    }
    assert list(filled.select_all().read().columns) == ["id", "ts", "amount", "name"]
    assert list(filled.select_all(include_event_time=False).read().columns) == [
        "id",
        "amount",
        "name",
    ]
    assert list(filled.select_except(["name"]).read().columns) == ["id", "ts", "amount"]
    assert list(filled.select_features().read().columns) == ["amount", "name"]
    with pytest.raises(InvalidInput):
        filled.select(["nope"])

    cond = filled.amount >= 2
    assert isinstance(cond, Filter)
    both = (filled.amount >= 2) & (filled["name"] != "c")
    assert isinstance(both, Logic)
    assert filled.filter(cond).read()["id"].sort_values().tolist() == [2, 3]
    assert filled.select(["id"]).filter(both).read()["id"].tolist() == [2]
    # attributes of the group (id, name, version...) shadow features: use fg["..."]
    either = (filled["id"] == 1) | filled["name"].isin(["c"])
    assert sorted(filled.select_all().filter(either).read()["id"]) == [1, 3]
    assert filled.filter(filled.ts < ts(2)).read()["id"].tolist() == [1]
    assert filled.filter(filled["name"].like("b%")).read()["id"].tolist() == [2]
    assert filled.select(["id"]).filter(filled.amount > 1).read(dataframe_type="python") in (
        [[2], [3]],
        [[3], [2]],
    )


def test_feature_group_object(filled):
    assert isinstance(filled, FeatureGroup)
    d = filled.to_dict()
    assert d["name"] == "trans" and d["version"] == 1 and d["primary_key"] == ["id"]
    assert filled.location.endswith("trans_1")
    assert "trans" in repr(filled)
