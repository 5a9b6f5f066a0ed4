"""Unit tests of the native engine, one group per expectation type."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest

from mvps.errors import InvalidInput
from mvps.validation import (
    ExpectationConfiguration,
    ExpectationSuite,
    ValidationResult,
    check_supported,
    supported_expectation_types,
    type_names,
    validate,
)

NUMS = pa.table(
    {
        "n": pa.array([1, 2, 3, None, 5], pa.int64()),
        "f": pa.array([0.5, float("nan"), 2.5, None, 4.5], pa.float64()),
        "s": pa.array(["a", "bb", None, "dddd", "bb"]),
    }
)


def run(data: Any, etype: str, **kwargs: Any) -> ValidationResult:
    """Validate ``data`` against a one-expectation suite and return the result."""
    suite = ExpectationSuite("t", [ExpectationConfiguration(etype, kwargs)])
    report = validate(data, suite)
    assert len(report.results) == 1
    return report.results[0]


# -- table expectations ----------------------------------------------------------------


def test_column_to_exist() -> None:
    assert run(NUMS, "expect_column_to_exist", column="s").success
    assert not run(NUMS, "expect_column_to_exist", column="x").success
    assert run(NUMS, "expect_column_to_exist", column="f", column_index=1).success
    assert not run(NUMS, "expect_column_to_exist", column="f", column_index=2).success
    assert not run(NUMS, "expect_column_to_exist", column="f", column_index=9).success


def test_column_to_exist_honours_index_zero() -> None:
    # GE 1.x ignores column_index=0; mvps checks the position it is given.
    assert run(NUMS, "expect_column_to_exist", column="n", column_index=0).success
    assert not run(NUMS, "expect_column_to_exist", column="s", column_index=0).success


def test_table_row_count() -> None:
    r = run(NUMS, "expect_table_row_count_to_be_between", min_value=5, max_value=5)
    assert r.success and r.observed_value == 5
    assert not run(NUMS, "expect_table_row_count_to_be_between", min_value=6).success
    assert not run(
        NUMS, "expect_table_row_count_to_be_between", max_value=5, strict_max=True
    ).success
    assert run(NUMS, "expect_table_row_count_to_be_between").success  # both bounds open
    assert run(NUMS, "expect_table_row_count_to_equal", value=5).success
    assert not run(NUMS, "expect_table_row_count_to_equal", value=4).success


def test_table_column_count() -> None:
    assert run(NUMS, "expect_table_column_count_to_equal", value=3).observed_value == 3
    assert not run(NUMS, "expect_table_column_count_to_equal", value=2).success
    assert run(NUMS, "expect_table_column_count_to_be_between", min_value=1, max_value=3).success
    assert not run(NUMS, "expect_table_column_count_to_be_between", max_value=2).success


def test_table_columns_ordered_list() -> None:
    assert run(
        NUMS, "expect_table_columns_to_match_ordered_list", column_list=["n", "f", "s"]
    ).success
    r = run(NUMS, "expect_table_columns_to_match_ordered_list", column_list=["n", "s"])
    assert not r.success
    assert r.result["details"]["mismatched"] == [
        {"Expected Column Position": 1, "Expected": "s", "Found": "f"},
        {"Expected Column Position": 2, "Expected": None, "Found": "s"},
    ]


def test_table_columns_set() -> None:
    assert run(NUMS, "expect_table_columns_to_match_set", column_set=["s", "n", "f"]).success
    r = run(NUMS, "expect_table_columns_to_match_set", column_set=["n", "zz"])
    assert not r.success
    assert r.result["details"]["mismatched"] == {"unexpected": ["f", "s"], "missing": ["zz"]}
    # exact_match=False: extra columns are fine, missing ones are not.
    assert run(
        NUMS, "expect_table_columns_to_match_set", column_set=["n"], exact_match=False
    ).success
    assert not run(
        NUMS, "expect_table_columns_to_match_set", column_set=["n", "zz"], exact_match=False
    ).success


# -- null expectations -----------------------------------------------------------------


def test_not_null_counts_nan_as_missing() -> None:
    r = run(NUMS, "expect_column_values_to_not_be_null", column="f")
    assert not r.success
    assert r.result["element_count"] == 5
    assert r.result["unexpected_count"] == 2
    assert r.result["unexpected_percent"] == pytest.approx(40.0)
    assert r.result["partial_unexpected_list"] == [None, None]
    assert r.result["partial_unexpected_index_list"] == [1, 3]
    assert "missing_count" not in r.result


def test_not_null_mostly() -> None:
    assert run(NUMS, "expect_column_values_to_not_be_null", column="f", mostly=0.6).success
    assert not run(NUMS, "expect_column_values_to_not_be_null", column="f", mostly=0.61).success
    assert run(NUMS, "expect_column_values_to_not_be_null", column="n", mostly=0.8).success


def test_be_null() -> None:
    table = pa.table({"a": pa.array([None, None, 3], pa.int64())})
    r = run(table, "expect_column_values_to_be_null", column="a")
    assert not r.success and r.result["unexpected_count"] == 1
    assert r.result["partial_unexpected_list"] == [3]
    assert run(table, "expect_column_values_to_be_null", column="a", mostly=0.6).success


def test_null_expectations_on_empty_table_are_vacuously_true() -> None:
    empty = pa.table({"a": pa.array([], pa.int64())})
    r = run(empty, "expect_column_values_to_not_be_null", column="a")
    assert r.success and r.result["element_count"] == 0
    assert r.result["unexpected_percent"] is None


# -- column-map expectations -----------------------------------------------------------


def test_between_ignores_nulls_in_denominator() -> None:
    r = run(NUMS, "expect_column_values_to_be_between", column="n", min_value=2, max_value=4)
    assert not r.success
    assert r.result["element_count"] == 5
    assert r.result["missing_count"] == 1
    assert r.result["unexpected_count"] == 2
    assert r.result["unexpected_percent"] == pytest.approx(50.0)  # 2 of 4 non-null
    assert r.result["unexpected_percent_total"] == pytest.approx(40.0)  # 2 of 5 rows
    assert r.result["partial_unexpected_list"] == [1, 5]
    assert r.result["partial_unexpected_index_list"] == [0, 4]


def test_between_mostly_compares_success_fraction() -> None:
    kwargs = {"column": "n", "min_value": 2, "max_value": 4}
    assert run(NUMS, "expect_column_values_to_be_between", mostly=0.5, **kwargs).success
    assert not run(NUMS, "expect_column_values_to_be_between", mostly=0.51, **kwargs).success


def test_between_strict_and_one_sided() -> None:
    def unexpected(**kw: Any) -> int:
        return run(NUMS, "expect_column_values_to_be_between", column="n", **kw).result[
            "unexpected_count"
        ]

    assert unexpected(min_value=1, max_value=5) == 0
    assert unexpected(min_value=1, max_value=5, strict_min=True) == 1
    assert unexpected(min_value=1, max_value=5, strict_max=True) == 1
    assert unexpected(min_value=1, max_value=5, strict_min=True, strict_max=True) == 2
    assert unexpected(min_value=3) == 2
    assert unexpected(max_value=2.5) == 2


def test_between_on_float_with_nan() -> None:
    r = run(NUMS, "expect_column_values_to_be_between", column="f", min_value=1)
    assert r.result["missing_count"] == 2
    assert r.result["unexpected_count"] == 1
    assert r.result["partial_unexpected_list"] == [0.5]


def test_between_on_timestamps_with_iso_bounds() -> None:
    ts = pa.array([dt.datetime(2024, 1, 1), dt.datetime(2024, 6, 1), None], pa.timestamp("us"))
    table = pa.table({"t": ts})
    r = run(table, "expect_column_values_to_be_between", column="t", min_value="2024-03-01")
    assert not r.success
    assert r.result["partial_unexpected_list"] == ["2024-01-01T00:00:00"]
    assert run(
        table,
        "expect_column_values_to_be_between",
        column="t",
        min_value="2023-12-31T00:00:00Z",
        max_value=dt.datetime(2024, 12, 31),
    ).success


def test_between_on_dates_and_tz_aware_timestamps() -> None:
    dates = pa.table({"d": pa.array([dt.date(2024, 1, 1), dt.date(2024, 2, 1)])})
    assert (
        run(dates, "expect_column_values_to_be_between", column="d", max_value="2024-01-15").result[
            "unexpected_count"
        ]
        == 1
    )
    utc = pa.table(
        {"t": pa.array([dt.datetime(2024, 1, 1, tzinfo=dt.UTC)], pa.timestamp("ms", "UTC"))}
    )
    assert run(
        utc, "expect_column_values_to_be_between", column="t", min_value="2023-01-01"
    ).success


def test_between_type_mismatch_is_a_failed_result() -> None:
    r = run(NUMS, "expect_column_values_to_be_between", column="n", min_value="abc")
    assert not r.success
    assert r.exception_info["raised_exception"] is True
    assert "cannot be compared with column 'n'" in r.exception_info["exception_message"]


def test_between_on_strings_and_decimals() -> None:
    assert (
        run(NUMS, "expect_column_values_to_be_between", column="s", min_value="b").result[
            "unexpected_count"
        ]
        == 1
    )
    dec = pa.table({"d": pa.array([decimal.Decimal("1.50"), decimal.Decimal("3.25")])})
    r = run(dec, "expect_column_values_to_be_between", column="d", max_value=2)
    assert r.result["partial_unexpected_list"] == [3.25]


def test_in_set() -> None:
    r = run(NUMS, "expect_column_values_to_be_in_set", column="s", value_set=["a", "bb"])
    assert not r.success
    assert r.result["unexpected_count"] == 1
    assert r.result["partial_unexpected_list"] == ["dddd"]
    assert run(
        NUMS, "expect_column_values_to_be_in_set", column="s", value_set=["a", "bb"], mostly=0.75
    ).success
    # Numbers match across int and float; members of another kind never match.
    assert run(
        NUMS, "expect_column_values_to_be_in_set", column="n", value_set=[1.0, 2, 3, 5]
    ).success
    assert (
        run(NUMS, "expect_column_values_to_be_in_set", column="n", value_set=["1", 2]).result[
            "unexpected_count"
        ]
        == 3
    )
    assert (
        run(NUMS, "expect_column_values_to_be_in_set", column="n", value_set=[1.5]).result[
            "unexpected_count"
        ]
        == 4
    )


def test_in_set_with_timestamps_and_dictionary_columns() -> None:
    ts = pa.table(
        {"t": pa.array([dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 2)], pa.timestamp("ns"))}
    )
    r = run(ts, "expect_column_values_to_be_in_set", column="t", value_set=["2024-01-01"])
    assert r.result["unexpected_count"] == 1
    cat = pa.table({"c": pa.array(["x", "y", "x", None]).dictionary_encode()})
    r = run(cat, "expect_column_values_to_be_in_set", column="c", value_set=["x"])
    assert r.result["partial_unexpected_list"] == ["y"]
    assert r.result["missing_count"] == 1


def test_not_in_set() -> None:
    r = run(NUMS, "expect_column_values_to_not_be_in_set", column="s", value_set=["bb"])
    assert not r.success
    assert r.result["unexpected_count"] == 2
    assert r.result["partial_unexpected_counts"] == [{"value": "bb", "count": 2}]
    assert run(NUMS, "expect_column_values_to_not_be_in_set", column="s", value_set=["zz"]).success


def test_unique() -> None:
    r = run(NUMS, "expect_column_values_to_be_unique", column="s")
    assert not r.success
    assert r.result["unexpected_count"] == 2
    assert r.result["partial_unexpected_list"] == ["bb", "bb"]
    assert r.result["missing_count"] == 1
    assert run(NUMS, "expect_column_values_to_be_unique", column="n").success
    assert run(NUMS, "expect_column_values_to_be_unique", column="s", mostly=0.5).success


def test_unique_ignores_repeated_nulls() -> None:
    table = pa.table({"a": pa.array([None, None, 1], pa.int64())})
    assert run(table, "expect_column_values_to_be_unique", column="a").success


def test_compound_unique() -> None:
    table = pa.table(
        {
            "a": pa.array([1, 1, 2, None, None, 3]),
            "b": pa.array(["x", "x", "x", None, None, None]),
        }
    )
    r = run(table, "expect_compound_columns_to_be_unique", column_list=["a", "b"])
    assert not r.success
    assert r.result["unexpected_count"] == 2
    assert r.result["missing_count"] == 2  # rows where every column is null
    assert r.result["partial_unexpected_list"] == [{"a": 1, "b": "x"}, {"a": 1, "b": "x"}]
    assert r.result["partial_unexpected_counts"] == [{"value": [1, "x"], "count": 2}]
    never = run(
        table, "expect_compound_columns_to_be_unique", column_list=["a", "b"], ignore_row_if="never"
    )
    assert never.result["unexpected_count"] == 4  # the two all-null rows are duplicates too
    assert never.result["missing_count"] == 0
    anyv = run(
        table,
        "expect_compound_columns_to_be_unique",
        column_list=["a", "b"],
        ignore_row_if="any_value_is_missing",
    )
    assert anyv.result["missing_count"] == 3
    assert anyv.result["unexpected_count"] == 2


def test_compound_unique_many_columns() -> None:
    n = 1000
    table = pa.table({f"c{i}": pa.array([(j >> i) & 1 for j in range(n)]) for i in range(12)})
    # 12 bits make 1000 distinct keys; dropping the high bits makes duplicates.
    assert run(
        table, "expect_compound_columns_to_be_unique", column_list=list(table.column_names)
    ).success
    r = run(table, "expect_compound_columns_to_be_unique", column_list=["c0", "c1", "c2"])
    assert r.result["unexpected_count"] == n


def test_regex() -> None:
    r = run(NUMS, "expect_column_values_to_match_regex", column="s", regex="^b")
    assert r.result["unexpected_count"] == 2
    assert r.result["partial_unexpected_list"] == ["a", "dddd"]
    assert run(NUMS, "expect_column_values_to_match_regex", column="s", regex="b|a|d").success
    r = run(NUMS, "expect_column_values_to_not_match_regex", column="s", regex="d{2}")
    assert r.result["partial_unexpected_list"] == ["dddd"]


def test_regex_search_semantics_and_python_fallback() -> None:
    # Search, not full match, like pandas str.contains / re.search.
    assert (
        run(NUMS, "expect_column_values_to_match_regex", column="s", regex="b").result[
            "unexpected_count"
        ]
        == 2
    )
    # Back-references are not RE2; the Python fallback gives the same answer.
    r = run(NUMS, "expect_column_values_to_match_regex", column="s", regex=r"(\w)\1")
    assert r.result["partial_unexpected_list"] == ["a"]
    r = run(NUMS, "expect_column_values_to_not_match_regex", column="s", regex=r"(?<=b)b")
    assert r.result["unexpected_count"] == 2


def test_regex_on_numbers_matches_their_text() -> None:
    r = run(NUMS, "expect_column_values_to_match_regex", column="n", regex="^[12]$")
    assert r.result["partial_unexpected_list"] == [3, 5]


def test_value_lengths() -> None:
    r = run(NUMS, "expect_column_value_lengths_to_be_between", column="s", min_value=2, max_value=3)
    assert r.result["partial_unexpected_list"] == ["a", "dddd"]
    r = run(
        NUMS,
        "expect_column_value_lengths_to_be_between",
        column="s",
        min_value=1,
        max_value=4,
        strict_min=True,
        strict_max=True,
    )
    assert r.result["unexpected_count"] == 2
    assert run(NUMS, "expect_column_value_lengths_to_be_between", column="s", max_value=4).success
    assert (
        run(NUMS, "expect_column_value_lengths_to_equal", column="s", value=2).result[
            "unexpected_count"
        ]
        == 2
    )
    unicode = pa.table({"u": ["héllo", "日本"]})
    assert run(
        unicode, "expect_column_value_lengths_to_be_between", column="u", max_value=5
    ).success


# -- types -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arrow_type", "type_", "ok"),
    [
        (pa.int64(), "int64", True),
        (pa.int64(), "int", True),
        (pa.int64(), "BIGINT", True),
        (pa.int64(), "LongType", True),
        (pa.int32(), "int", False),
        (pa.int32(), "INTEGER", True),
        (pa.float64(), "float", True),
        (pa.float64(), "DoubleType", True),
        (pa.float32(), "float", False),
        (pa.float32(), "float32", True),
        (pa.string(), "str", True),
        (pa.large_string(), "StringType", True),
        (pa.string(), "object", True),
        (pa.bool_(), "bool", True),
        (pa.bool_(), "int64", False),
        (pa.timestamp("ns"), "datetime64[ns]", True),
        (pa.timestamp("us", "UTC"), "TIMESTAMP", True),
        (pa.date32(), "date", True),
        (pa.decimal128(10, 2), "decimal", True),
    ],
)
def test_of_type(arrow_type: pa.DataType, type_: str, ok: bool) -> None:
    table = pa.table({"c": pa.array([None], arrow_type)})
    r = run(table, "expect_column_values_to_be_of_type", column="c", type_=type_)
    assert r.success is ok
    assert r.observed_value == type_names(arrow_type)[0]


def test_in_type_list() -> None:
    assert run(
        NUMS, "expect_column_values_to_be_in_type_list", column="n", type_list=["str", "int64"]
    ).success
    r = run(NUMS, "expect_column_values_to_be_in_type_list", column="n", type_list=["str"])
    assert not r.success and r.observed_value == "int64"
    assert run(NUMS, "expect_column_values_to_be_in_type_list", column="n").success


# -- aggregates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("etype", "column", "observed"),
    [
        ("expect_column_min_to_be_between", "n", 1),
        ("expect_column_max_to_be_between", "n", 5),
        ("expect_column_mean_to_be_between", "n", 2.75),
        ("expect_column_median_to_be_between", "n", 2.5),
        ("expect_column_stdev_to_be_between", "n", 1.707825127659933),
        ("expect_column_sum_to_be_between", "n", 11),
        ("expect_column_mean_to_be_between", "f", 2.5),  # NaN and null skipped
        ("expect_column_min_to_be_between", "s", "a"),
        ("expect_column_unique_value_count_to_be_between", "s", 3),
        ("expect_column_proportion_of_unique_values_to_be_between", "s", 0.75),
        ("expect_column_proportion_of_non_null_values_to_be_between", "f", 0.6),
    ],
)
def test_aggregate_observed_values(etype: str, column: str, observed: Any) -> None:
    r = run(NUMS, etype, column=column)  # both bounds open: always succeeds
    assert r.success
    expected = pytest.approx(observed) if isinstance(observed, float) else observed
    assert r.observed_value == expected


def test_aggregate_bounds() -> None:
    assert run(NUMS, "expect_column_mean_to_be_between", column="n", min_value=2.75).success
    assert not run(
        NUMS, "expect_column_mean_to_be_between", column="n", min_value=2.75, strict_min=True
    ).success
    assert not run(
        NUMS, "expect_column_max_to_be_between", column="n", max_value=5, strict_max=True
    ).success
    assert run(
        NUMS, "expect_column_sum_to_be_between", column="n", min_value=11, max_value=11
    ).success
    assert not run(NUMS, "expect_column_median_to_be_between", column="n", max_value=2).success


def test_aggregates_of_all_null_column() -> None:
    table = pa.table({"e": pa.array([None, None], pa.float64())})
    for etype in (
        "expect_column_min_to_be_between",
        "expect_column_mean_to_be_between",
        "expect_column_median_to_be_between",
        "expect_column_stdev_to_be_between",
    ):
        r = run(table, etype, column="e", min_value=0)
        assert not r.success and r.observed_value is None
        assert not r.exception_info["raised_exception"]
    assert (
        run(table, "expect_column_sum_to_be_between", column="e", max_value=0).observed_value == 0
    )
    assert run(
        table, "expect_column_unique_value_count_to_be_between", column="e", max_value=0
    ).success
    assert run(
        table, "expect_column_proportion_of_unique_values_to_be_between", column="e", max_value=0
    ).success


def test_stdev_of_single_value_is_null() -> None:
    table = pa.table({"a": [1.0]})
    r = run(table, "expect_column_stdev_to_be_between", column="a", min_value=0)
    assert not r.success and r.observed_value is None


def test_aggregates_of_booleans_and_timestamps() -> None:
    table = pa.table(
        {
            "b": [True, False, True, True],
            "t": pa.array([dt.datetime(2024, 1, d) for d in (3, 1, 2, 4)], pa.timestamp("us")),
        }
    )
    assert run(table, "expect_column_mean_to_be_between", column="b").observed_value == 0.75
    assert run(table, "expect_column_sum_to_be_between", column="b").observed_value == 3
    r = run(table, "expect_column_min_to_be_between", column="t", min_value="2024-01-01")
    assert r.success and r.observed_value == "2024-01-01T00:00:00"
    assert not run(
        table, "expect_column_max_to_be_between", column="t", max_value="2024-01-03"
    ).success


def test_mean_of_text_column_is_a_failed_result() -> None:
    r = run(NUMS, "expect_column_mean_to_be_between", column="s", min_value=0)
    assert not r.success
    assert "not a number" in r.exception_info["exception_message"]


def test_distinct_values() -> None:
    r = run(NUMS, "expect_column_distinct_values_to_be_in_set", column="s", value_set=["a"])
    assert not r.success
    assert r.result == {
        "observed_value": None,
        "unexpected_count": 2,
        "partial_unexpected_list": ["bb", "dddd"],
    }
    assert run(
        NUMS, "expect_column_distinct_values_to_be_in_set", column="n", value_set=[1, 2, 3, 5, 7]
    ).success
    r = run(NUMS, "expect_column_distinct_values_to_contain_set", column="n", value_set=[1, 9])
    assert not r.success and r.result["partial_missing_list"] == [9]
    assert run(
        NUMS, "expect_column_distinct_values_to_contain_set", column="n", value_set=[1.0, 5]
    ).success
    r = run(
        NUMS, "expect_column_distinct_values_to_equal_set", column="s", value_set=["a", "bb", "x"]
    )
    assert r.result["partial_unexpected_list"] == ["dddd"]
    assert r.result["partial_missing_list"] == ["x"]
    assert run(
        NUMS,
        "expect_column_distinct_values_to_equal_set",
        column="s",
        value_set=["a", "bb", "dddd"],
    ).success


def test_most_common_value() -> None:
    r = run(NUMS, "expect_column_most_common_value_to_be_in_set", column="s", value_set=["bb"])
    assert r.success and r.observed_value == ["bb"]
    tie = pa.table({"a": [1, 1, 2, 2, 3]})
    assert not run(
        tie, "expect_column_most_common_value_to_be_in_set", column="a", value_set=[1]
    ).success
    assert run(
        tie,
        "expect_column_most_common_value_to_be_in_set",
        column="a",
        value_set=[1],
        ties_okay=True,
    ).success


# -- missing columns, bad configuration ------------------------------------------------


@pytest.mark.parametrize(
    ("etype", "kwargs"),
    [
        ("expect_column_values_to_not_be_null", {"column": "zz"}),
        ("expect_column_values_to_be_between", {"column": "zz", "min_value": 0}),
        ("expect_column_mean_to_be_between", {"column": "zz"}),
        ("expect_column_values_to_be_of_type", {"column": "zz", "type_": "int"}),
        ("expect_compound_columns_to_be_unique", {"column_list": ["n", "zz"]}),
    ],
)
def test_missing_column_is_a_failed_result(etype: str, kwargs: dict[str, Any]) -> None:
    r = run(NUMS, etype, **kwargs)
    assert r.success is False
    assert r.result == {}
    assert r.exception_info["raised_exception"] is True
    message = r.exception_info["exception_message"]
    assert "column 'zz' does not exist" in message and "['n', 'f', 's']" in message


def test_one_missing_column_does_not_stop_the_others() -> None:
    suite = ExpectationSuite(
        "t",
        [
            {"expectation_type": "expect_column_values_to_not_be_null", "kwargs": {"column": "zz"}},
            {"expectation_type": "expect_column_values_to_not_be_null", "kwargs": {"column": "n"}},
        ],
    )
    report = validate(NUMS, suite)
    assert [r.success for r in report.results] == [False, False]
    assert report.results[1].result["unexpected_count"] == 1
    assert report.statistics == {
        "evaluated_expectations": 2,
        "successful_expectations": 0,
        "unsuccessful_expectations": 2,
        "success_percent": 0.0,
    }


def test_unsupported_expectation_type_lists_supported_ones() -> None:
    suite = ExpectationSuite(
        "t",
        [
            {
                "expectation_type": "expect_column_values_to_be_dateutil_parseable",
                "kwargs": {"column": "s"},
            },
            {"expectation_type": "expect_column_values_to_not_be_null", "kwargs": {"column": "n"}},
        ],
    )
    with pytest.raises(InvalidInput) as err:
        validate(NUMS, suite)
    message = str(err.value)
    assert "expect_column_values_to_be_dateutil_parseable (id 1)" in message
    assert "expect_column_values_to_be_between" in message  # the supported list
    with pytest.raises(InvalidInput, match="dateutil_parseable"):
        check_supported(suite)


@pytest.mark.parametrize(
    ("etype", "kwargs", "fragment"),
    [
        ("expect_column_values_to_not_be_null", {}, "missing required kwargs ['column']"),
        (
            "expect_column_values_to_not_be_null",
            {"column": "n", "colum": 1},
            "unknown kwargs ['colum']",
        ),
        ("expect_column_values_to_not_be_null", {"column": "n", "mostly": 1.5}, "mostly must be"),
        ("expect_column_values_to_be_between", {"column": "n"}, "cannot both be None"),
        ("expect_column_value_lengths_to_be_between", {"column": "s"}, "cannot both be None"),
        (
            "expect_column_values_to_be_in_set",
            {"column": "n", "value_set": "abc"},
            "value_set must be a list",
        ),
        (
            "expect_column_values_to_match_regex",
            {"column": "s", "regex": "("},
            "regex '(' is invalid",
        ),
        (
            "expect_compound_columns_to_be_unique",
            {"column_list": ["n"], "ignore_row_if": "x"},
            "ignore_row_if",
        ),
        (
            "expect_column_values_to_be_between",
            {"column": "n", "min_value": 1, "strict_min": "yes"},
            "strict_min",
        ),
        (
            "expect_column_values_to_not_be_null",
            {"column": "n", "row_condition": "n > 1"},
            "row_condition",
        ),
    ],
)
def test_invalid_kwargs_raise_before_validation(
    etype: str, kwargs: dict[str, Any], fragment: str
) -> None:
    suite = ExpectationSuite("t", [ExpectationConfiguration(etype, kwargs)])
    with pytest.raises(InvalidInput) as err:
        check_supported(suite)
    assert fragment in str(err.value)
    with pytest.raises(InvalidInput):
        validate(NUMS, suite)


def test_check_supported_accepts_valid_suites_and_dicts() -> None:
    check_supported(
        {
            "expectation_suite_name": "x",
            "expectations": [
                {
                    "type": "expect_column_values_to_not_be_null",
                    "kwargs": {"column": "a", "mostly": 0.5},
                }
            ],
        }
    )


def test_supported_types_include_the_core_set() -> None:
    assert len(supported_expectation_types()) >= 25
    assert "expect_column_values_to_be_between" in supported_expectation_types()


def test_generic_ge_kwargs_are_accepted() -> None:
    r = run(
        NUMS,
        "expect_column_values_to_not_be_null",
        column="n",
        result_format="SUMMARY",
        catch_exceptions=True,
        meta={"a": 1},
        row_condition=None,
    )
    assert r.result["unexpected_count"] == 1


# -- evaluation parameters -------------------------------------------------------------


def test_evaluation_parameters_are_substituted() -> None:
    suite = ExpectationSuite(
        "t",
        [
            ExpectationConfiguration(
                "expect_column_max_to_be_between",
                {"column": "n", "max_value": {"$PARAMETER": "upper"}},
            )
        ],
    )
    check_supported(suite)  # values are only needed at validation time
    assert validate(NUMS, suite, evaluation_parameters={"upper": 5}).success
    report = validate(NUMS, suite, evaluation_parameters={"upper": 4})
    assert not report.success
    assert report.evaluation_parameters == {"upper": 4}
    assert report.results[0].kwargs["max_value"] == 4
    with pytest.raises(InvalidInput, match="'upper' has no value"):
        validate(NUMS, suite)


# -- inputs and report -----------------------------------------------------------------


def test_accepts_pandas_record_batches_and_chunked_tables() -> None:
    df = pd.DataFrame({"a": [1.0, None, 3.0]})
    assert (
        run(df, "expect_column_values_to_not_be_null", column="a").result["unexpected_count"] == 1
    )
    batch = pa.record_batch({"a": [1, 2, 2]})
    assert not run(batch, "expect_column_values_to_be_unique", column="a").success
    chunked = pa.concat_tables([pa.table({"a": [1, 2]}), pa.table({"a": [2, 3]})])
    r = run(chunked, "expect_column_values_to_be_unique", column="a")
    assert r.result["partial_unexpected_index_list"] == [1, 2]
    assert run(chunked, "expect_column_values_to_be_between", column="a", max_value=2).result[
        "partial_unexpected_index_list"
    ] == [3]


def test_rejects_unknown_data() -> None:
    with pytest.raises(InvalidInput, match="cannot validate a list"):
        validate([1, 2], ExpectationSuite("t"))


def test_report_meta_and_ids() -> None:
    suite = ExpectationSuite(
        "orders",
        [
            ExpectationConfiguration("expect_column_values_to_not_be_null", {"column": "n"}),
            ExpectationConfiguration("expect_table_row_count_to_be_between", {"min_value": 1}),
        ],
    )
    report = validate(NUMS, suite, meta={"feature_group": "fg"})
    assert [r.expectation_id for r in report.results] == [1, 2]
    assert report.results[0].expectation_config["meta"] == {"expectationId": 1}
    assert report.meta["expectation_suite_name"] == "orders"
    assert report.meta["validation_engine"] == "mvps-native"
    assert report.meta["row_count"] == 5
    assert report.meta["feature_group"] == "fg"
    assert report.ingestion_result == "UNKNOWN"
    assert report.validation_time is not None
    assert dt.datetime.fromisoformat(report.validation_time).tzinfo is not None
    assert report.success is False
    assert report.statistics["success_percent"] == 50.0


def test_empty_suite_succeeds() -> None:
    report = validate(NUMS, ExpectationSuite("empty"))
    assert report.success
    assert report.statistics["evaluated_expectations"] == 0
    assert report.statistics["success_percent"] is None


def test_partial_list_is_capped_at_twenty() -> None:
    table = pa.table({"a": list(range(100))})
    r = run(table, "expect_column_values_to_be_between", column="a", max_value=10)
    assert r.result["unexpected_count"] == 89
    assert r.result["partial_unexpected_list"] == list(range(11, 31))
    assert len(r.result["partial_unexpected_index_list"]) == 20


def test_aggregate_bounds_on_tz_aware_timestamps() -> None:
    ts = pa.array([dt.datetime(2024, 1, 2, tzinfo=dt.UTC)], pa.timestamp("us", "UTC"))
    table = pa.table({"t": ts})
    assert run(table, "expect_column_max_to_be_between", column="t", max_value="2024-01-03").success
    assert run(
        table, "expect_column_min_to_be_between", column="t", min_value=dt.datetime(2024, 1, 1)
    ).success
    assert not run(
        table, "expect_column_min_to_be_between", column="t", min_value=dt.date(2024, 1, 3)
    ).success
