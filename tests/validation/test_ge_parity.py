"""The native engine against Great Expectations 1.x on the same data and expectations.

Every supported expectation type is run by both engines, with passing and failing
variants, nulls, ``mostly`` and strict bounds. Success flags and the key result numbers
(observed_value, element/unexpected/missing counts, partial lists) must agree.

GE runs once per module: all cases go into one GE suite, validated in one batch, and each
result is matched to its case through ``meta["case"]``.
"""

from __future__ import annotations

import math
from typing import Any

import great_expectations as gx
import pandas as pd
import pytest

from mvps.validation import ExpectationSuite, supported_expectation_types, validate

# GE warns about match groups in regexes given to pandas str.contains.
pytestmark = pytest.mark.filterwarnings("ignore:This pattern is interpreted:UserWarning")

NAN = float("nan")

FRAME = pd.DataFrame(
    {
        "id": list(range(1, 13)),
        "grp": [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6],
        "x": [1.5, 2.0, NAN, 4.0, 5.5, 6.0, NAN, 8.0, 9.0, 10.0, 11.5, 12.0],
        "s": [
            "apple",
            "banana",
            "cherry",
            None,
            "date",
            "elderberry",
            "fig",
            "grape",
            None,
            "apple",
            "kiwi",
            "lemon",
        ],
        "code": ["A1", "B2", "C3", "A1", "B2", "C3", "D4", "E5", "F6", "G7", "H8", "I9"],
        "flag": [True, False, True, True, False, True, True, True, False, True, True, True],
        "empty": [NAN] * 12,
        "y": [1.0, 1.0, 2.0, NAN, NAN, 3.0, 3.0, NAN, 4.0, 5.0, 6.0, 6.0],
    }
)

# (expectation type, kwargs). Each type has a passing and a failing case where it can.
CASES: list[tuple[str, dict[str, Any]]] = [
    ("expect_column_to_exist", {"column": "s"}),
    ("expect_column_to_exist", {"column": "nope"}),
    ("expect_column_to_exist", {"column": "grp", "column_index": 1}),
    ("expect_column_to_exist", {"column": "grp", "column_index": 2}),
    ("expect_column_values_to_not_be_null", {"column": "id"}),
    ("expect_column_values_to_not_be_null", {"column": "x"}),
    ("expect_column_values_to_not_be_null", {"column": "x", "mostly": 0.8}),
    ("expect_column_values_to_not_be_null", {"column": "s", "mostly": 0.9}),
    ("expect_column_values_to_not_be_null", {"column": "empty"}),
    ("expect_column_values_to_be_null", {"column": "empty"}),
    ("expect_column_values_to_be_null", {"column": "x"}),
    ("expect_column_values_to_be_null", {"column": "x", "mostly": 0.1}),
    ("expect_column_values_to_be_between", {"column": "x", "min_value": 0, "max_value": 20}),
    ("expect_column_values_to_be_between", {"column": "x", "min_value": 2, "max_value": 10}),
    (
        "expect_column_values_to_be_between",
        {"column": "x", "min_value": 2, "max_value": 10, "mostly": 0.7},
    ),
    (
        "expect_column_values_to_be_between",
        {"column": "id", "min_value": 1, "max_value": 12, "strict_min": True},
    ),
    (
        "expect_column_values_to_be_between",
        {"column": "id", "min_value": 1, "max_value": 12, "strict_max": True, "mostly": 0.9},
    ),
    ("expect_column_values_to_be_between", {"column": "id", "min_value": 5}),
    ("expect_column_values_to_be_between", {"column": "id", "max_value": 5.5}),
    ("expect_column_values_to_be_between", {"column": "empty", "min_value": 0}),
    ("expect_column_values_to_be_in_set", {"column": "grp", "value_set": [1, 2, 3, 4, 5, 6]}),
    ("expect_column_values_to_be_in_set", {"column": "grp", "value_set": [1, 2, 3]}),
    ("expect_column_values_to_be_in_set", {"column": "grp", "value_set": [1.0, 2.0, 3.5]}),
    (
        "expect_column_values_to_be_in_set",
        {"column": "s", "value_set": ["apple", "banana", "fig"], "mostly": 0.4},
    ),
    ("expect_column_values_to_be_in_set", {"column": "flag", "value_set": [True]}),
    ("expect_column_values_to_be_in_set", {"column": "id", "value_set": []}),
    ("expect_column_values_to_not_be_in_set", {"column": "s", "value_set": ["zzz"]}),
    ("expect_column_values_to_not_be_in_set", {"column": "s", "value_set": ["apple", "fig"]}),
    (
        "expect_column_values_to_not_be_in_set",
        {"column": "grp", "value_set": [6], "mostly": 0.8},
    ),
    ("expect_column_values_to_be_unique", {"column": "id"}),
    ("expect_column_values_to_be_unique", {"column": "grp"}),
    ("expect_column_values_to_be_unique", {"column": "s"}),
    ("expect_column_values_to_be_unique", {"column": "y", "mostly": 0.5}),
    ("expect_compound_columns_to_be_unique", {"column_list": ["grp", "id"]}),
    ("expect_compound_columns_to_be_unique", {"column_list": ["grp", "flag"]}),
    ("expect_compound_columns_to_be_unique", {"column_list": ["x", "y"]}),
    (
        "expect_compound_columns_to_be_unique",
        {"column_list": ["x", "y"], "ignore_row_if": "any_value_is_missing"},
    ),
    (
        "expect_compound_columns_to_be_unique",
        {"column_list": ["x", "y"], "ignore_row_if": "never"},
    ),
    ("expect_compound_columns_to_be_unique", {"column_list": ["code", "grp"], "mostly": 0.5}),
    ("expect_column_values_to_match_regex", {"column": "code", "regex": r"^[A-Z]\d$"}),
    ("expect_column_values_to_match_regex", {"column": "s", "regex": "an"}),
    ("expect_column_values_to_match_regex", {"column": "s", "regex": "e", "mostly": 0.6}),
    ("expect_column_values_to_match_regex", {"column": "s", "regex": r"(?<=p)p"}),
    ("expect_column_values_to_not_match_regex", {"column": "code", "regex": "Z"}),
    ("expect_column_values_to_not_match_regex", {"column": "s", "regex": "^[a-c]"}),
    ("expect_column_values_to_not_match_regex", {"column": "s", "regex": r"(\w)\1"}),
    (
        "expect_column_value_lengths_to_be_between",
        {"column": "s", "min_value": 3, "max_value": 10},
    ),
    ("expect_column_value_lengths_to_be_between", {"column": "s", "min_value": 5}),
    (
        "expect_column_value_lengths_to_be_between",
        {"column": "s", "min_value": 3, "max_value": 6, "strict_min": True, "strict_max": True},
    ),
    ("expect_column_value_lengths_to_equal", {"column": "code", "value": 2}),
    ("expect_column_value_lengths_to_equal", {"column": "s", "value": 5, "mostly": 0.2}),
    ("expect_column_value_lengths_to_equal", {"column": "s", "value": 5, "mostly": 0.5}),
    ("expect_column_values_to_be_of_type", {"column": "id", "type_": "int64"}),
    ("expect_column_values_to_be_of_type", {"column": "id", "type_": "int"}),
    ("expect_column_values_to_be_of_type", {"column": "x", "type_": "float64"}),
    ("expect_column_values_to_be_of_type", {"column": "x", "type_": "int64"}),
    ("expect_column_values_to_be_of_type", {"column": "s", "type_": "str"}),
    ("expect_column_values_to_be_of_type", {"column": "flag", "type_": "bool"}),
    ("expect_column_values_to_be_in_type_list", {"column": "x", "type_list": ["int64", "float"]}),
    ("expect_column_values_to_be_in_type_list", {"column": "id", "type_list": ["float64"]}),
    ("expect_column_min_to_be_between", {"column": "x", "min_value": 1, "max_value": 2}),
    ("expect_column_min_to_be_between", {"column": "id", "min_value": 1, "strict_min": True}),
    ("expect_column_min_to_be_between", {"column": "empty", "min_value": 0}),
    ("expect_column_max_to_be_between", {"column": "x", "max_value": 12}),
    ("expect_column_max_to_be_between", {"column": "x", "max_value": 12, "strict_max": True}),
    ("expect_column_mean_to_be_between", {"column": "x", "min_value": 6, "max_value": 8}),
    ("expect_column_mean_to_be_between", {"column": "id", "min_value": 7}),
    ("expect_column_mean_to_be_between", {"column": "flag", "min_value": 0.5}),
    ("expect_column_mean_to_be_between", {"column": "empty", "min_value": 0}),
    ("expect_column_median_to_be_between", {"column": "id", "min_value": 6.5, "max_value": 6.5}),
    ("expect_column_median_to_be_between", {"column": "x", "max_value": 6}),
    ("expect_column_stdev_to_be_between", {"column": "x", "min_value": 3, "max_value": 4}),
    ("expect_column_stdev_to_be_between", {"column": "id", "max_value": 3}),
    ("expect_column_sum_to_be_between", {"column": "id", "min_value": 78, "max_value": 78}),
    ("expect_column_sum_to_be_between", {"column": "x", "max_value": 50}),
    ("expect_column_sum_to_be_between", {"column": "empty", "max_value": 0}),
    ("expect_column_unique_value_count_to_be_between", {"column": "grp", "min_value": 6}),
    ("expect_column_unique_value_count_to_be_between", {"column": "s", "max_value": 8}),
    (
        "expect_column_proportion_of_unique_values_to_be_between",
        {"column": "s", "min_value": 0.9},
    ),
    (
        "expect_column_proportion_of_unique_values_to_be_between",
        {"column": "grp", "max_value": 0.5, "strict_max": True},
    ),
    (
        "expect_column_proportion_of_non_null_values_to_be_between",
        {"column": "x", "min_value": 0.8},
    ),
    (
        "expect_column_proportion_of_non_null_values_to_be_between",
        {"column": "y", "min_value": 0.8},
    ),
    ("expect_column_distinct_values_to_be_in_set", {"column": "grp", "value_set": [1, 2, 3]}),
    (
        "expect_column_distinct_values_to_be_in_set",
        {"column": "grp", "value_set": [1, 2, 3, 4, 5, 6, 7]},
    ),
    ("expect_column_distinct_values_to_be_in_set", {"column": "s", "value_set": ["apple"]}),
    ("expect_column_distinct_values_to_contain_set", {"column": "grp", "value_set": [1, 6]}),
    ("expect_column_distinct_values_to_contain_set", {"column": "s", "value_set": ["fig", "zz"]}),
    ("expect_column_distinct_values_to_equal_set", {"column": "grp", "value_set": [1, 2, 3]}),
    (
        "expect_column_distinct_values_to_equal_set",
        {"column": "grp", "value_set": [1, 2, 3, 4, 5, 6]},
    ),
    ("expect_column_most_common_value_to_be_in_set", {"column": "s", "value_set": ["apple"]}),
    ("expect_column_most_common_value_to_be_in_set", {"column": "grp", "value_set": [1]}),
    (
        "expect_column_most_common_value_to_be_in_set",
        {"column": "grp", "value_set": [1], "ties_okay": True},
    ),
    ("expect_table_row_count_to_be_between", {"min_value": 10, "max_value": 12}),
    ("expect_table_row_count_to_be_between", {"min_value": 12, "strict_min": True}),
    ("expect_table_row_count_to_be_between", {"max_value": 100}),
    ("expect_table_row_count_to_equal", {"value": 12}),
    ("expect_table_row_count_to_equal", {"value": 11}),
    ("expect_table_column_count_to_equal", {"value": 8}),
    ("expect_table_column_count_to_equal", {"value": 3}),
    ("expect_table_column_count_to_be_between", {"min_value": 2, "max_value": 8}),
    ("expect_table_column_count_to_be_between", {"max_value": 4}),
    (
        "expect_table_columns_to_match_ordered_list",
        {"column_list": ["id", "grp", "x", "s", "code", "flag", "empty", "y"]},
    ),
    ("expect_table_columns_to_match_ordered_list", {"column_list": ["id", "x", "grp"]}),
    (
        "expect_table_columns_to_match_set",
        {"column_set": ["y", "id", "grp", "x", "s", "code", "flag", "empty"]},
    ),
    ("expect_table_columns_to_match_set", {"column_set": ["id", "x", "zz"]}),
    ("expect_table_columns_to_match_set", {"column_set": ["id", "x"], "exact_match": False}),
]

# Expectations on a column that does not exist: both engines report failure.
MISSING_COLUMN_CASES: list[tuple[str, dict[str, Any]]] = [
    ("expect_column_values_to_not_be_null", {"column": "nope"}),
    ("expect_column_values_to_be_between", {"column": "nope", "min_value": 1}),
    ("expect_column_values_to_be_unique", {"column": "nope"}),
    ("expect_column_mean_to_be_between", {"column": "nope", "min_value": 1}),
    ("expect_compound_columns_to_be_unique", {"column_list": ["id", "nope"]}),
]

ALL_CASES = CASES + MISSING_COLUMN_CASES


# A larger frame where text columns repeat their values and ids are sorted, so the engine
# takes its dictionary-encoded and monotonic shortcuts; the answers must not change.
BIG_ROWS = 3000
BIG_FRAME = pd.DataFrame(
    {
        "id": list(range(BIG_ROWS, 0, -1)),
        "ts": list(range(BIG_ROWS)),
        "color": [
            None if i % 17 == 0 else ["red", "green", "blue", "teal", "plum"][i * 7 % 5]
            for i in range(BIG_ROWS)
        ],
        "word": [f"w{i % 40:02d}" if i % 13 else None for i in range(BIG_ROWS)],
    }
)
BIG_FRAME.loc[5, "ts"] = 4  # one repeated value in an otherwise increasing column

BIG_CASES: list[tuple[str, dict[str, Any]]] = [
    ("expect_column_values_to_be_unique", {"column": "id"}),
    ("expect_column_values_to_be_unique", {"column": "ts"}),
    ("expect_column_values_to_be_unique", {"column": "color"}),
    ("expect_column_values_to_be_in_set", {"column": "color", "value_set": ["red", "blue"]}),
    ("expect_column_values_to_not_be_in_set", {"column": "word", "value_set": ["w01", "w39"]}),
    ("expect_column_values_to_match_regex", {"column": "word", "regex": "^w[0-2]"}),
    ("expect_column_values_to_not_match_regex", {"column": "color", "regex": r"(.)\1"}),
    ("expect_column_unique_value_count_to_be_between", {"column": "word", "min_value": 40}),
    ("expect_column_unique_value_count_to_be_between", {"column": "id", "max_value": 10}),
    ("expect_column_proportion_of_unique_values_to_be_between", {"column": "ts", "min_value": 1}),
    ("expect_column_distinct_values_to_be_in_set", {"column": "color", "value_set": ["red"]}),
    ("expect_column_distinct_values_to_equal_set", {"column": "color", "value_set": ["red", "x"]}),
    ("expect_column_most_common_value_to_be_in_set", {"column": "word", "value_set": ["w01"]}),
    ("expect_column_values_to_be_between", {"column": "id", "min_value": 10, "max_value": 2990}),
]


def _case_id(i: int) -> str:
    etype, kwargs = ALL_CASES[i]
    short = etype.removeprefix("expect_")
    return f"{i:03d}-{short}-" + ",".join(f"{k}={v}" for k, v in kwargs.items())[:60]


@pytest.fixture(scope="module")
def ge_results() -> dict[int, dict[str, Any]]:
    """GE 1.x results of every case, keyed by case index."""
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration as GeConfiguration,
    )

    context = gx.get_context(mode="ephemeral")
    batch_definition = (
        context.data_sources.add_pandas("parity")
        .add_dataframe_asset("frame")
        .add_batch_definition_whole_dataframe("whole")
    )
    configs = [
        GeConfiguration(type=etype, kwargs=kwargs, meta={"case": i})
        for i, (etype, kwargs) in enumerate(ALL_CASES)
    ]
    suite = gx.ExpectationSuite(name="parity", expectations=configs)
    assert len(suite.expectations) == len(ALL_CASES), "GE dropped an expectation"
    batch = batch_definition.get_batch(batch_parameters={"dataframe": FRAME})
    outcome = batch.validate(suite, result_format="SUMMARY")
    results: dict[int, dict[str, Any]] = {}
    for r in outcome.results:
        d: dict[str, Any] = r.to_json_dict()
        results[d["expectation_config"]["meta"]["case"]] = d
    assert len(results) == len(ALL_CASES)
    return results


@pytest.fixture(scope="module")
def native_results() -> dict[int, dict[str, Any]]:
    """Native results of every case, keyed by case index."""
    suite = ExpectationSuite(
        "parity",
        expectations=[
            {"expectation_type": etype, "kwargs": kwargs, "meta": {"case": i}}
            for i, (etype, kwargs) in enumerate(ALL_CASES)
        ],
    )
    report = validate(FRAME, suite)
    return {r.expectation_config["meta"]["case"]: r.to_dict() for r in report.results}


def test_every_supported_expectation_is_compared() -> None:
    assert {etype for etype, _ in CASES} == set(supported_expectation_types())


def test_cases_cover_both_outcomes(ge_results: dict[int, dict[str, Any]]) -> None:
    """Each type has at least one passing and, where GE can fail it, one failing case."""
    outcomes: dict[str, set[bool]] = {}
    for i, (etype, _) in enumerate(CASES):
        outcomes.setdefault(etype, set()).add(ge_results[i]["success"])
    assert {t for t, seen in outcomes.items() if seen != {True, False}} == set()


def _same(native: Any, ge: Any) -> bool:
    if isinstance(ge, float) and isinstance(native, int | float):
        if math.isnan(ge):
            return native is None
        return native == pytest.approx(ge, rel=1e-9, abs=1e-12)
    if isinstance(ge, list) and isinstance(native, list):
        return len(ge) == len(native) and all(_same(n, g) for n, g in zip(native, ge, strict=True))
    if isinstance(ge, dict) and isinstance(native, dict):
        return ge.keys() == native.keys() and all(_same(native[k], ge[k]) for k in ge)
    return bool(native == ge)


COMPARED_KEYS = (
    "observed_value",
    "element_count",
    "unexpected_count",
    "unexpected_percent",
    "missing_count",
    "missing_percent",
    "unexpected_percent_total",
    "partial_unexpected_list",
    "partial_unexpected_index_list",
    "partial_unexpected_counts",
    "partial_missing_list",
    "details",
)


@pytest.mark.parametrize("case", range(len(CASES)), ids=[_case_id(i) for i in range(len(CASES))])
def test_native_matches_great_expectations(
    case: int, ge_results: dict[int, dict[str, Any]], native_results: dict[int, dict[str, Any]]
) -> None:
    ge, native = ge_results[case], native_results[case]
    assert not ge["exception_info"].get("raised_exception"), ge["exception_info"]
    assert not native["exception_info"]["raised_exception"], native["exception_info"]
    assert native["success"] == ge["success"]
    if "observed_value" in native["result"] and "element_count" in ge["result"]:
        # GE on pandas < 3 checks an object (text) column's type value by value; the
        # native engine reads the column's Arrow type. Only the verdict is comparable.
        assert native["result"]["observed_value"] in ("str", "string")
        return
    for key in COMPARED_KEYS:
        assert (key in native["result"]) == (key in ge["result"]), key
        if key == "partial_unexpected_counts" and None in native["result"].get(
            "partial_unexpected_list", []
        ):
            # GE counts each NaN of a float column separately (NaN != NaN); mvps counts
            # missing values together, as GE does for None in object columns.
            continue
        if key in ge["result"]:
            assert _same(native["result"][key], ge["result"][key]), (
                key,
                native["result"][key],
                ge["result"][key],
            )


@pytest.mark.parametrize(
    "case",
    range(len(CASES), len(ALL_CASES)),
    ids=[_case_id(i) for i in range(len(CASES), len(ALL_CASES))],
)
def test_missing_column_fails_in_both(
    case: int, ge_results: dict[int, dict[str, Any]], native_results: dict[int, dict[str, Any]]
) -> None:
    ge, native = ge_results[case], native_results[case]
    assert ge["success"] is False
    assert native["success"] is False
    assert ge["result"] == native["result"] == {}
    assert native["exception_info"]["raised_exception"] is True
    assert "'nope' does not exist" in native["exception_info"]["exception_message"]


@pytest.fixture(scope="module")
def big_ge_results() -> dict[int, dict[str, Any]]:
    """GE 1.x results of the BIG_CASES on BIG_FRAME, keyed by case index."""
    from great_expectations.expectations.expectation_configuration import (
        ExpectationConfiguration as GeConfiguration,
    )

    context = gx.get_context(mode="ephemeral")
    batch = (
        context.data_sources.add_pandas("big")
        .add_dataframe_asset("frame")
        .add_batch_definition_whole_dataframe("whole")
        .get_batch(batch_parameters={"dataframe": BIG_FRAME})
    )
    suite = gx.ExpectationSuite(
        name="big",
        expectations=[
            GeConfiguration(type=t, kwargs=k, meta={"case": i})
            for i, (t, k) in enumerate(BIG_CASES)
        ],
    )
    results: dict[int, dict[str, Any]] = {}
    for r in batch.validate(suite, result_format="SUMMARY").results:
        d: dict[str, Any] = r.to_json_dict()
        results[d["expectation_config"]["meta"]["case"]] = d
    assert len(results) == len(BIG_CASES)
    return results


@pytest.mark.parametrize("case", range(len(BIG_CASES)))
def test_native_matches_great_expectations_on_repetitive_data(
    case: int, big_ge_results: dict[int, dict[str, Any]]
) -> None:
    etype, kwargs = BIG_CASES[case]
    ge = big_ge_results[case]
    suite = ExpectationSuite("big", [{"expectation_type": etype, "kwargs": kwargs}])
    native = validate(BIG_FRAME, suite).results[0]
    assert native.success == ge["success"]
    for key in COMPARED_KEYS:
        assert (key in native.result) == (key in ge["result"]), key
        if key in ge["result"]:
            assert _same(native.result[key], ge["result"][key]), key


def test_repetitive_data_takes_the_shortcuts() -> None:
    """The big frame really exercises the dictionary and monotonic code paths."""
    import pyarrow as pa

    from mvps.validation.engine import _Batch

    batch = _Batch(pa.Table.from_pandas(BIG_FRAME, preserve_index=False))
    assert batch.column("color").use_dictionary
    assert batch.column("word").use_dictionary
    assert batch.column("id").strictly_monotonic
    assert not batch.column("ts").strictly_monotonic
