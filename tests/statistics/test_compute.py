"""compute_statistics against numpy/pandas oracles."""

from __future__ import annotations

import datetime as dt
import math
import subprocess
import sys
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from mvps import statistics as st
from mvps.errors import InvalidInput
from mvps.statistics import (
    EXACT_PERCENTILES_MAX_ROWS,
    HISTOGRAM_BINS,
    TOP_VALUES,
    Statistics,
    StatisticsConfig,
    compute_statistics,
)

QUANTILES = np.arange(1, 101)


def entropy_of(values: pd.Series) -> float:
    p = values.dropna().value_counts(normalize=True).to_numpy()
    return float(-(p * np.log(p)).sum())


def random_frame(rows: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    floats = rng.normal(10, 3, rows)
    floats[rng.random(rows) < 0.1] = np.nan
    ints = pd.array(rng.integers(-50, 50, rows), dtype="Int64")
    ints[rng.random(rows) < 0.1] = pd.NA
    words = np.array(["apple", "banana", "cherry", "date", "elder", "fig"])
    strings = pd.Series(words[rng.integers(0, len(words), rows)], dtype=object)
    strings[rng.random(rows) < 0.1] = None
    flags = pd.Series(rng.random(rows) < 0.3, dtype=object)
    flags[rng.random(rows) < 0.1] = None
    return pd.DataFrame({"f": floats, "i": ints, "s": strings, "b": flags})


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return random_frame(5_000, seed=42)


@pytest.fixture(scope="module")
def stats(frame) -> Statistics:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    return compute_statistics(table, StatisticsConfig(histograms=True, exact_uniqueness=True))


@pytest.mark.parametrize("name", ["f", "i"])
def test_numeric_statistics_match_pandas(frame, stats, name):
    series = frame[name].astype("float64")
    values = series.dropna().to_numpy()
    fds = stats[name]
    assert fds.feature_type == ("Fractional" if name == "f" else "Integral")
    assert fds.count == len(series)
    assert fds.num_non_null_values == len(values)
    assert fds.num_null_values == series.isna().sum()
    assert fds.completeness == pytest.approx(len(values) / len(series))
    assert fds.min == values.min()
    assert fds.max == values.max()
    assert fds.sum == pytest.approx(values.sum(), rel=1e-12)
    assert fds.mean == pytest.approx(values.mean(), rel=1e-12)
    assert fds.stddev == pytest.approx(values.std(ddof=1), rel=1e-9)
    assert fds.std_dev == fds.stddev
    # Small tables get exact percentiles, interpolated like numpy's default.
    assert len(fds.percentiles) == 100
    np.testing.assert_allclose(fds.percentiles, np.percentile(values, QUANTILES), rtol=1e-12)
    assert fds.percentiles[49] == pytest.approx(np.median(values))
    assert fds.percentiles[99] == values.max()
    assert fds.exact_num_distinct_values == len(np.unique(values))
    assert fds.approx_num_distinct_values == pytest.approx(len(np.unique(values)), rel=0.05)
    assert fds.distinctness == pytest.approx(len(np.unique(values)) / len(values))
    counts = pd.Series(values).value_counts()
    assert fds.uniqueness == pytest.approx((counts == 1).sum() / len(values))
    assert fds.entropy == pytest.approx(entropy_of(series), rel=1e-9)


def test_integral_min_max_are_ints_and_unique_values_are_stored(frame, stats):
    fds = stats["i"]
    assert isinstance(fds.min, int) and isinstance(fds.max, int)
    assert fds.unique_values == sorted(int(v) for v in frame["i"].dropna().unique())
    assert fds.top_values is None  # top values are for categorical columns


def test_numeric_histogram_matches_numpy(frame, stats):
    for name in ("f", "i"):
        values = frame[name].astype("float64").dropna().to_numpy()
        histogram = stats[name].histogram
        expected, edges = np.histogram(values, bins=HISTOGRAM_BINS)
        assert [item["count"] for item in histogram] == expected.tolist()
        assert [item["bin"][0] for item in histogram] == pytest.approx(edges[:-1].tolist())
        assert histogram[-1]["bin"][1] == values.max()
        assert sum(item["count"] for item in histogram) == stats[name].num_non_null_values


@pytest.mark.parametrize("name", ["s", "b"])
def test_categorical_statistics_match_pandas(frame, stats, name):
    series = frame[name]
    values = series.dropna()
    counts = values.value_counts()
    fds = stats[name]
    assert fds.feature_type == ("String" if name == "s" else "Boolean")
    assert fds.num_non_null_values == len(values)
    assert fds.num_null_values == series.isna().sum()
    assert fds.unique_values == sorted(values.unique())
    assert fds.exact_num_distinct_values == len(counts)
    assert fds.distinctness == pytest.approx(len(counts) / len(values))
    assert fds.uniqueness == pytest.approx((counts == 1).sum() / len(values))
    assert fds.entropy == pytest.approx(entropy_of(series), rel=1e-12)
    expected_top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TOP_VALUES]
    assert [(t["value"], t["count"]) for t in fds.top_values] == expected_top
    assert fds.min is None and fds.percentiles is None and fds.histogram is None


def test_boolean_unique_values_are_false_then_true():
    table = pa.table({"b": [True, True, None, False]})
    fds = compute_statistics(table)["b"]
    assert fds.unique_values == [False, True]
    assert fds.top_values == [{"value": True, "count": 2}, {"value": False, "count": 1}]


def test_string_unique_values_are_sorted_and_exact_without_exact_uniqueness():
    table = pa.table({"s": ["pear", "apple", None, "pear", "Zebra", "apple", "apple"]})
    fds = compute_statistics(table)["s"]
    assert fds.unique_values == ["Zebra", "apple", "pear"]
    assert fds.exact_num_distinct_values == 3
    assert fds.distinctness == pytest.approx(3 / 6)
    assert fds.uniqueness == pytest.approx(1 / 6)
    assert fds.top_values[0] == {"value": "apple", "count": 3}


def test_default_config_has_no_histograms_correlations_or_numeric_uniqueness():
    table = pa.table({"x": [1.5, 2.5, 2.5], "s": ["a", "b", "b"]})
    stats = compute_statistics(table)
    assert stats["x"].histogram is None
    assert stats["x"].correlations is None
    assert stats["x"].exact_num_distinct_values is None
    assert stats["x"].entropy is None
    assert stats["x"].approx_num_distinct_values == 2
    assert stats["s"].exact_num_distinct_values == 2  # counted anyway: exact and free


def test_nan_counts_as_missing():
    table = pa.table({"x": pa.array([1.0, float("nan"), None, 3.0], pa.float32())})
    fds = compute_statistics(table)["x"]
    assert fds.num_null_values == 2
    assert fds.num_non_null_values == 2
    assert fds.mean == 2.0
    assert fds.max == 3.0


def test_infinities_are_kept_and_skip_the_histogram():
    table = pa.table({"x": [1.0, math.inf, -math.inf, 2.0]})
    fds = compute_statistics(table, {"histograms": True})["x"]
    assert fds.min == -math.inf and fds.max == math.inf
    assert fds.histogram is None
    assert all(-math.inf <= p <= math.inf for p in fds.percentiles)


def test_constant_column_has_a_single_histogram_bin_and_no_correlation():
    table = pa.table({"c": [4.0] * 5, "x": [1.0, 2.0, 3.0, 4.0, 5.0]})
    stats = compute_statistics(table, {"histograms": True, "correlations": True})
    assert stats["c"].histogram == [{"bin": [4.0, 4.0], "count": 5}]
    assert stats["c"].stddev == 0.0
    assert stats["c"].percentiles == [4.0] * 100
    assert stats["x"].correlations == [{"column": "c", "correlation": None}]


def test_correlations_match_pandas(frame):
    table = pa.Table.from_pandas(frame, preserve_index=False)
    stats = compute_statistics(table, {"correlations": True})
    expected = frame[["f", "i"]].astype("float64").corr().loc["f", "i"]
    assert stats["f"].correlations == [{"column": "i", "correlation": pytest.approx(expected)}]
    assert stats["i"].correlations == [{"column": "f", "correlation": pytest.approx(expected)}]
    assert stats["s"].correlations is None


def test_all_null_columns():
    table = pa.table(
        {
            "f": pa.array([None] * 4, pa.float64()),
            "s": pa.array([None] * 4, pa.string()),
            "b": pa.array([None] * 4, pa.bool_()),
            "t": pa.array([None] * 4, pa.timestamp("us")),
            "n": pa.array([None] * 4),
        }
    )
    stats = compute_statistics(table, {"histograms": True, "exact_uniqueness": True})
    for fds in stats.feature_descriptive_statistics:
        assert fds.count == 4
        assert fds.num_null_values == 4
        assert fds.num_non_null_values == 0
        assert fds.completeness == 0.0
        assert fds.min is None and fds.max is None and fds.mean is None
        assert fds.percentiles is None
        assert fds.histogram is None
    assert stats["s"].unique_values == [] and stats["s"].top_values == []
    assert stats["b"].unique_values == []
    assert stats["n"].feature_type == "Unknown"


def test_empty_table_gives_zero_counts_and_none_elsewhere():
    table = pa.table(
        {
            "f": pa.array([], pa.float64()),
            "i": pa.array([], pa.int32()),
            "s": pa.array([], pa.string()),
            "t": pa.array([], pa.timestamp("ms")),
            "l": pa.array([], pa.list_(pa.int64())),
        }
    )
    stats = compute_statistics(
        table, {"histograms": True, "correlations": True, "exact_uniqueness": True}
    )
    assert stats.feature_names == ["f", "i", "s", "t", "l"]
    for fds in stats.feature_descriptive_statistics:
        assert fds.count == 0
        assert fds.num_non_null_values == 0
        assert fds.num_null_values == 0
        for name in ("completeness", "min", "max", "sum", "mean", "stddev", "percentiles"):
            assert getattr(fds, name) is None, name
        assert fds.distinctness is None and fds.entropy is None and fds.uniqueness is None
        assert fds.histogram is None
    assert stats["s"].unique_values == []


def test_table_without_columns():
    stats = compute_statistics(pa.table({}))
    assert stats.feature_descriptive_statistics == []


def test_temporal_columns_get_iso_min_max_and_counts():
    table = pa.table(
        {
            "ts": pa.array(
                [dt.datetime(2024, 5, 1, 12, 30), None, dt.datetime(2023, 1, 2, 3, 4, 5, 6000)],
                pa.timestamp("us"),
            ),
            "tz": pa.array(
                [
                    dt.datetime(2024, 1, 1, 12, tzinfo=dt.UTC),
                    dt.datetime(2024, 1, 2, tzinfo=dt.UTC),
                    None,
                ],
                pa.timestamp("ns", tz="Europe/Berlin"),
            ),
            "d": [dt.date(2020, 2, 29), dt.date(2019, 1, 1), None],
            "t": [dt.time(23, 59), None, dt.time(0, 0, 1)],
        }
    )
    stats = compute_statistics(table, {"exact_uniqueness": True})
    ts = stats["ts"]
    assert ts.feature_type == "Timestamp"
    assert (ts.min, ts.max) == ("2023-01-02T03:04:05.006000", "2024-05-01T12:30:00")
    assert ts.num_non_null_values == 2 and ts.num_null_values == 1
    assert ts.exact_num_distinct_values == 2
    assert ts.mean is None and ts.percentiles is None
    tz = stats["tz"]
    assert dt.datetime.fromisoformat(tz.min) == dt.datetime(2024, 1, 1, 12, tzinfo=dt.UTC)
    assert dt.datetime.fromisoformat(tz.max) == dt.datetime(2024, 1, 2, tzinfo=dt.UTC)
    assert (stats["d"].feature_type, stats["d"].min, stats["d"].max) == (
        "Date",
        "2019-01-01",
        "2020-02-29",
    )
    assert (stats["t"].feature_type, stats["t"].min, stats["t"].max) == (
        "Time",
        "00:00:01",
        "23:59:00",
    )


def test_nested_and_binary_columns_get_counts_only():
    table = pa.table(
        {
            "l": [[1, 2], None, []],
            "st": [{"a": 1}, {"a": None}, None],
            "m": pa.array([[("k", 1)], None, None], pa.map_(pa.string(), pa.int64())),
            "bin": [b"x", None, b"y"],
        }
    )
    stats = compute_statistics(table, {"exact_uniqueness": True, "histograms": True})
    assert [fds.num_null_values for fds in stats.feature_descriptive_statistics] == [1, 1, 2, 1]
    for fds in stats.feature_descriptive_statistics:
        assert fds.feature_type == "Unknown"
        assert fds.count == 3
        assert fds.approx_num_distinct_values is None
        assert fds.extended_statistics is None


def test_other_arrow_types_are_described():
    table = pa.table(
        {
            "dec": pa.array([Decimal("1.25"), Decimal("2.75"), None], pa.decimal128(10, 2)),
            "dec256": pa.array([Decimal("1.5"), Decimal("2.5"), None], pa.decimal256(40, 2)),
            "half": pa.array(np.array([1, 2, 4], dtype=np.float16)),
            "u64": pa.array([0, 2**64 - 1, 5], pa.uint64()),
            "cat": pa.array(["x", "y", "x"]).dictionary_encode(),
            "large": pa.array(["b", None, "a"], pa.large_string()),
        }
    )
    stats = compute_statistics(table)
    assert (stats["dec"].feature_type, stats["dec"].min, stats["dec"].max) == (
        "Fractional",
        1.25,
        2.75,
    )
    assert stats["dec"].mean == 2.0
    assert stats["dec256"].sum == 4.0
    assert stats["half"].mean == pytest.approx(7 / 3)
    assert stats["u64"].max == 2**64 - 1 and stats["u64"].feature_type == "Integral"
    assert stats["cat"].feature_type == "String"
    assert stats["cat"].unique_values == ["x", "y"]
    assert stats["large"].unique_values == ["a", "b"]


def test_columns_selection_keeps_the_requested_order():
    table = pa.table({"a": [1], "b": ["x"], "c": [2.0]})
    stats = compute_statistics(table, columns=["c", "a"])
    assert stats.feature_names == ["c", "a"]
    config_stats = compute_statistics(table, StatisticsConfig(columns=["b"]))
    assert config_stats.feature_names == ["b"]
    # The argument wins over the config.
    assert compute_statistics(table, {"columns": ["b"]}, columns=["a"]).feature_names == ["a"]


def test_correlations_only_between_selected_columns():
    table = pa.table({"a": [1.0, 2.0, 3.0], "b": [2.0, 4.0, 7.0], "c": [3.0, 1.0, 2.0]})
    stats = compute_statistics(table, {"correlations": True}, columns=["a", "c"])
    assert [item["column"] for item in stats["a"].correlations] == ["c"]


def test_unknown_columns_are_rejected_with_the_available_columns():
    table = pa.table({"a": [1], "b": [2]})
    with pytest.raises(InvalidInput, match=r"columns \['zzz'\].*it has \['a', 'b'\]"):
        compute_statistics(table, columns=["a", "zzz"])


def test_disabled_config_computes_nothing():
    table = pa.table({"a": [1, 2]})
    stats = compute_statistics(table, StatisticsConfig(enabled=False))
    assert stats.feature_descriptive_statistics == []
    assert compute_statistics(table, False).feature_descriptive_statistics == []
    assert stats.computation_time.tzinfo is not None


def test_statistics_metadata_defaults():
    before = dt.datetime.now(dt.UTC)
    stats = compute_statistics(pa.table({"a": [1]}))
    assert before <= stats.computation_time <= dt.datetime.now(dt.UTC)
    assert stats.row_percentage == 1.0
    assert stats.commit_version is None and stats.split_name is None
    assert stats.before_transformation is False


def test_other_inputs_are_converted_and_wrong_ones_rejected():
    frame = pd.DataFrame({"a": [1.0, None, 3.0]})
    assert compute_statistics(frame)["a"].num_null_values == 1
    batch = pa.RecordBatch.from_pandas(frame, preserve_index=False)
    assert compute_statistics(batch)["a"].mean == 2.0
    with pytest.raises(InvalidInput, match=r"pyarrow.Table.*from_pandas"):
        compute_statistics([1, 2, 3])  # type: ignore[arg-type]


def test_duplicate_and_awkward_column_names():
    table = pa.Table.from_arrays(
        [pa.array([1, 2]), pa.array(["x", "y"]), pa.array([3.0, 4.0])],
        names=['we"ird name', "select", "Über"],
    )
    stats = compute_statistics(table)
    assert stats['we"ird name'].max == 2
    assert stats["select"].unique_values == ["x", "y"]
    assert stats["Über"].mean == 3.5


def test_approximate_percentiles_on_large_tables():
    rows = EXACT_PERCENTILES_MAX_ROWS + 50_000
    rng = np.random.default_rng(7)
    values = rng.lognormal(0, 1, rows)
    fds = compute_statistics(pa.table({"x": values}))["x"]
    ordered = np.sort(values)
    for i, estimate in enumerate(fds.percentiles):
        # The estimate's rank is within half a percentile of the true rank.
        rank = np.searchsorted(ordered, estimate) / rows
        assert abs(rank - (i + 1) / 100) < 0.005, (i, rank)
    assert fds.percentiles[99] == ordered[-1]
    assert fds.percentiles == sorted(fds.percentiles)
    assert fds.mean == pytest.approx(values.mean())


def test_high_cardinality_strings_need_exact_uniqueness_for_top_values(monkeypatch):
    monkeypatch.setattr(st, "UNIQUE_VALUES_CAP", 10)
    words = [f"w{i:02d}" for i in range(40)] + ["w00"] * 5 + ["w01"] * 3
    table = pa.table({"s": words})
    fds = compute_statistics(table)["s"]
    assert fds.unique_values is None and fds.top_values is None
    assert fds.exact_num_distinct_values is None
    assert fds.approx_num_distinct_values == pytest.approx(40, rel=0.1)

    exact = compute_statistics(table, {"exact_uniqueness": True})["s"]
    assert exact.unique_values is None  # above the cap
    assert exact.exact_num_distinct_values == 40
    assert exact.uniqueness == pytest.approx(38 / 48)
    assert exact.distinctness == pytest.approx(40 / 48)
    assert exact.entropy == pytest.approx(entropy_of(pd.Series(words)))
    assert exact.top_values[:3] == [
        {"value": "w00", "count": 6},
        {"value": "w01", "count": 4},
        {"value": "w02", "count": 1},
    ]
    assert len(exact.top_values) == TOP_VALUES


def test_counted_column_above_the_cap_keeps_top_values_but_not_unique_values(monkeypatch):
    monkeypatch.setattr(st, "UNIQUE_VALUES_CAP", 10)
    table = pa.table({"s": [f"v{i}" for i in range(11)]})
    fds = compute_statistics(table)["s"]  # the estimate (11) is within the slack
    assert fds.exact_num_distinct_values == 11
    assert fds.unique_values is None
    assert len(fds.top_values) == 11


def test_importing_the_module_does_not_import_duckdb():
    code = (
        "import sys, mvps.statistics, mvps.statistics_config; "
        "assert 'duckdb' not in sys.modules, 'duckdb imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_dictionary_encoded_numbers_are_numeric_and_nan_is_missing():
    table = pa.table(
        {
            "d": pa.array([1.0, float("nan"), 2.0, None]).dictionary_encode(),
            "di": pa.array([3, 1, 3, None]).dictionary_encode(),
        }
    )
    stats = compute_statistics(table)
    assert (stats["d"].feature_type, stats["d"].num_null_values, stats["d"].mean) == (
        "Fractional",
        2,
        1.5,
    )
    assert (stats["di"].feature_type, stats["di"].unique_values) == ("Integral", [1, 3])


def test_backend_errors_become_invalid_input_naming_the_columns(monkeypatch):
    import duckdb

    def fail(*args, **kwargs):
        raise duckdb.InvalidInputException("unsupported value")

    monkeypatch.setattr(st, "_first_pass", fail)
    with pytest.raises(
        InvalidInput, match=r"failed for the columns a \(int64\).*unsupported value"
    ):
        compute_statistics(pa.table({"a": [1]}))
