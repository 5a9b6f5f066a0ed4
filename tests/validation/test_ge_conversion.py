"""Conversion between mvps suites / reports and Great Expectations 1.x objects."""

from __future__ import annotations

import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd
import pytest
from great_expectations.core import ExpectationSuiteValidationResult
from great_expectations.expectations.expectation_configuration import (
    ExpectationConfiguration as GeConfiguration,
)

from mvps.errors import InvalidInput
from mvps.validation import (
    ExpectationConfiguration,
    ExpectationSuite,
    ValidationReport,
    as_suite,
    validate,
)
from mvps.validation.ge import ge_major_version

FRAME = pd.DataFrame({"a": [1, 2, 3, None], "b": ["x", "y", "y", "z"]})


def ge_suite() -> gx.ExpectationSuite:
    # GE's add_expectation() needs a data context; the constructor does not.
    return gx.ExpectationSuite(
        name="from_ge",
        meta={"team": "data"},
        expectations=[
            gxe.ExpectColumnValuesToBeBetween(column="a", min_value=1, max_value=2),
            gxe.ExpectColumnValuesToBeInSet(column="b", value_set=["x", "y"], mostly=0.5),
            gxe.ExpectTableRowCountToBeBetween(min_value=1),
        ],
    )


def test_installed_ge_is_1x() -> None:
    assert ge_major_version() == 1


def test_from_ge_suite_object() -> None:
    suite = ExpectationSuite.from_ge_type(ge_suite(), validation_ingestion_policy="strict")
    assert suite.expectation_suite_name == "from_ge"
    assert suite.meta == {"team": "data"}  # the GE version entry is dropped
    assert suite.validation_ingestion_policy == "STRICT"
    assert [e.expectation_type for e in suite.expectations] == [
        "expect_column_values_to_be_between",
        "expect_column_values_to_be_in_set",
        "expect_table_row_count_to_be_between",
    ]
    assert suite.expectations[1].kwargs == {"column": "b", "mostly": 0.5, "value_set": ["x", "y"]}
    assert [e.id for e in suite.expectations] == [1, 2, 3]


def test_as_suite_and_validate_accept_ge_objects() -> None:
    assert as_suite(ge_suite()).name == "from_ge"
    report = validate(FRAME, ge_suite())
    assert [r.success for r in report.results] == [False, True, True]


def test_to_ge_type_round_trip_keeps_ids() -> None:
    suite = ExpectationSuite(
        "mine",
        [
            ExpectationConfiguration("expect_column_values_to_not_be_null", {"column": "a"}),
            ExpectationConfiguration(
                "expect_column_mean_to_be_between", {"column": "a", "min_value": 1}
            ),
        ],
        meta={"k": "v"},
    )
    suite.remove_expectation(1)
    ge = suite.to_ge_type()
    assert isinstance(ge, gx.ExpectationSuite)
    assert ge.name == "mine"
    assert ge.expectations[0].meta == {"expectationId": 2}
    back = ExpectationSuite.from_ge_type(ge)
    assert back.expectations[0].id == 2
    assert back.expectations[0].kwargs == {"column": "a", "min_value": 1}
    assert back.meta == {"k": "v"}


def test_to_ge_type_refuses_types_ge_does_not_know() -> None:
    suite = ExpectationSuite("s", [ExpectationConfiguration("expect_unicorns", {"column": "a"})])
    with pytest.raises(InvalidInput, match="expect_unicorns"):
        suite.to_ge_type()


def test_expectations_from_ge_objects() -> None:
    suite = ExpectationSuite("s")
    added = suite.add_expectation(gxe.ExpectColumnValuesToBeUnique(column="a"))
    assert added.expectation_type == "expect_column_values_to_be_unique"
    assert added.kwargs == {"column": "a"}
    config = GeConfiguration(
        type="expect_column_values_to_match_regex",
        kwargs={"column": "b", "regex": "^[xy]$"},
        meta={"expectationId": 1},
    )
    suite.replace_expectation(config)  # the id travels in meta, as in Hopsworks
    assert suite.get_expectation(1).expectation_type == "expect_column_values_to_match_regex"
    ge_exp = suite.get_expectation(1, ge_type=True)
    assert isinstance(ge_exp, GeConfiguration)
    assert ge_exp.type == "expect_column_values_to_match_regex"
    assert ExpectationConfiguration.from_ge_type(ge_exp).id == 1
    returned = suite.add_expectation(
        ExpectationConfiguration("expect_column_to_exist", {"column": "a"}), ge_type=True
    )
    assert returned.meta == {"expectationId": 2}


def test_report_to_ge_type() -> None:
    suite = ExpectationSuite.from_ge_type(ge_suite())
    report = validate(FRAME, suite)
    ge_report = report.to_ge_type()
    assert isinstance(ge_report, ExpectationSuiteValidationResult)
    assert ge_report.success is False
    assert ge_report.suite_name == "from_ge"
    assert ge_report.statistics["evaluated_expectations"] == 3
    first = ge_report.results[0]
    assert first.expectation_config is not None
    assert first.expectation_config.type == "expect_column_values_to_be_between"
    assert first.expectation_config.meta == {"expectationId": 1}
    assert first.result["unexpected_count"] == 1
    back = ValidationReport.from_ge_type(ge_report)
    assert [r.expectation_id for r in back.results] == [1, 2, 3]
    assert [r.success for r in back.results] == [r.success for r in report.results]
    assert back.results[0].result == report.results[0].result


def test_report_from_a_real_ge_validation() -> None:
    context = gx.get_context(mode="ephemeral")
    batch = (
        context.data_sources.add_pandas("p")
        .add_dataframe_asset("a")
        .add_batch_definition_whole_dataframe("b")
        .get_batch(batch_parameters={"dataframe": FRAME})
    )
    ge_report = batch.validate(ge_suite())
    report = ValidationReport.from_ge_type(ge_report)
    assert report.success is False
    assert report.meta["expectation_suite_name"] == "from_ge"
    assert report.statistics["evaluated_expectations"] == 3
    types = {r.expectation_type for r in report.results}
    assert "expect_column_values_to_be_between" in types
    assert all("batch_id" not in r.kwargs for r in report.results)
    assert ValidationReport.from_json(report.to_json()) == report
