"""Statistics objects: lookup, JSON round trip, pandas view."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
import math
import pickle

import pyarrow as pa
import pytest

from mvps.errors import InvalidInput, NotFound
from mvps.statistics import FeatureDescriptiveStatistics, Statistics, compute_statistics


@pytest.fixture
def stats() -> Statistics:
    table = pa.table(
        {
            "age": [31, 42, None, 27, 42],
            "income": [1000.5, 2500.0, 1800.25, None, 3100.0],
            "city": ["Oslo", "Lima", None, "Oslo", "Pune"],
            "member": [True, False, True, None, True],
            "joined": pa.array(
                [dt.datetime(2020, 1, 1), None, dt.datetime(2021, 6, 1), None, None],
                pa.timestamp("ms"),
            ),
            "tags": [["a"], None, [], ["b", "c"], None],
        }
    )
    computed = compute_statistics(
        table, {"histograms": True, "correlations": True, "exact_uniqueness": True}
    )
    return dataclasses.replace(
        computed,
        commit_version=3,
        window_start_commit_time=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        window_end_commit_time=1_700_000_000_000,
        split_name="train",
        before_transformation=True,
    )


def test_lookup_by_name_item_and_attribute(stats):
    assert stats.get("age") is stats["age"] is stats.age
    assert stats.age.min == 27
    assert stats.income.percentiles[49] == pytest.approx(2150.125)
    assert stats.city.unique_values == ["Lima", "Oslo", "Pune"]
    assert stats.member.unique_values == [False, True]
    assert "city" in stats and "nope" not in stats
    assert stats.feature_names == ["age", "income", "city", "member", "joined", "tags"]


def test_lookup_falls_back_to_case_insensitive_names(stats):
    assert stats.get("AGE") is stats["age"]


def test_missing_feature(stats):
    assert stats.get("nope") is None
    with pytest.raises(NotFound, match=r"no statistics for feature 'nope'.*'age'"):
        stats["nope"]
    with pytest.raises(AttributeError, match="no attribute or feature 'nope'"):
        _ = stats.nope


def test_pickle_and_deepcopy(stats):
    assert pickle.loads(pickle.dumps(stats)) == stats
    assert copy.deepcopy(stats) == stats


def test_json_round_trip(stats):
    data = stats.to_dict()
    text = json.dumps(data, allow_nan=False)
    loaded = json.loads(text)
    assert loaded["computation_time"] == stats.computation_time.isoformat()
    assert loaded["window_start_commit_time"] == "2024-01-01T00:00:00+00:00"
    assert loaded["window_end_commit_time"] == 1_700_000_000_000
    restored = Statistics.from_dict(loaded)
    assert restored == stats
    assert restored.computation_time.tzinfo is not None
    assert restored.income.histogram == stats.income.histogram
    assert restored.joined.min == "2020-01-01T00:00:00"


def test_non_finite_values_survive_json(stats):
    table = pa.table({"x": [1.0, math.inf, -math.inf], "y": [1.0, 2.0, math.inf]})
    computed = compute_statistics(table, {"correlations": True})
    text = json.dumps(computed.to_dict(), allow_nan=False)
    assert '"Infinity"' in text and '"-Infinity"' in text and '"NaN"' in text
    restored = Statistics.from_dict(json.loads(text))
    x = restored["x"]
    assert (x.min, x.max) == (-math.inf, math.inf)
    assert math.isnan(x.stddev)
    assert math.isinf(x.percentiles[99])
    assert restored["y"].sum == math.inf


def test_strings_that_look_non_finite_stay_strings():
    fds = compute_statistics(pa.table({"s": ["NaN", "Infinity", "NaN"]}))["s"]
    restored = FeatureDescriptiveStatistics.from_dict(json.loads(json.dumps(fds.to_dict())))
    assert restored.unique_values == ["Infinity", "NaN"]
    assert restored.top_values[0] == {"value": "NaN", "count": 2}


def test_hopsworks_camel_case_payload_is_read():
    fds = FeatureDescriptiveStatistics.from_dict(
        {
            "id": 12,
            "featureName": "amount",
            "featureType": "Fractional",
            "count": 10,
            "numNonNullValues": 9,
            "numNullValues": 1,
            "stddev": 2.5,
            "percentiles": list(range(100)),
            "extendedStatistics": '{"unique_values": [1, 2], "histogram": [{"bin": [0, 1], "count": 9}]}',
        }
    )
    assert fds.feature_name == "amount"
    assert fds.num_non_null_values == 9
    assert fds.std_dev == 2.5
    assert fds.unique_values == [1, 2]
    assert fds.histogram == [{"bin": [0, 1], "count": 9}]
    assert fds.get_value("STDDEV") == 2.5
    assert fds.get_value("percentiles") is None
    statistics = Statistics.from_dict(
        {"computationTime": 1_700_000_000_000, "featureDescriptiveStatistics": [fds.to_dict()]}
    )
    assert statistics.computation_time == dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC)
    assert statistics["amount"] == fds


def test_from_dict_requires_the_names():
    with pytest.raises(InvalidInput, match="feature_name"):
        FeatureDescriptiveStatistics.from_dict({"count": 3})
    with pytest.raises(InvalidInput, match="computation_time"):
        Statistics.from_dict({"feature_descriptive_statistics": []})


def test_to_pandas_has_one_row_per_feature(stats):
    frame = stats.to_pandas()
    assert list(frame["feature_name"]) == stats.feature_names
    assert list(frame.columns) == [f.name for f in dataclasses.fields(FeatureDescriptiveStatistics)]
    row = frame.set_index("feature_name").loc["age"]
    assert row["num_null_values"] == 1
    assert row["mean"] == pytest.approx(35.5)
    assert Statistics().to_pandas().empty


def test_extended_statistics_attributes(stats):
    assert stats.income.histogram is stats.income.extended_statistics["histogram"]
    assert stats.income.correlations == [
        {"column": "age", "correlation": pytest.approx(stats.age.correlations[0]["correlation"])}
    ]
    assert stats.city.top_values[0] == {"value": "Oslo", "count": 2}
    assert stats.tags.extended_statistics is None
    assert stats.tags.unique_values is None and stats.tags.histogram is None
