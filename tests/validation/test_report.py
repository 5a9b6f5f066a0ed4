"""Validation reports: serialisation, ingestion results and failure messages."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

from mvps.errors import DataValidationException, InvalidInput, ValidationFailed
from mvps.validation import (
    INGESTION_RESULTS,
    ExpectationConfiguration,
    ExpectationSuite,
    ValidationReport,
    ValidationResult,
    apply_ingestion_policy,
    failed_expectations_message,
    validate,
)
from mvps.validation_report import ValidationReport as ReexportedReport

TABLE = pa.table(
    {
        "age": pa.array([25, -3, 40, 200, None]),
        "name": pa.array(["ann", "bob", None, "dan", "eve"]),
    }
)


def make_suite(policy: str = "ALWAYS") -> ExpectationSuite:
    return ExpectationSuite(
        "people",
        [
            ExpectationConfiguration(
                "expect_column_values_to_be_between",
                {"column": "age", "min_value": 0, "max_value": 120},
            ),
            ExpectationConfiguration("expect_column_values_to_not_be_null", {"column": "name"}),
            ExpectationConfiguration(
                "expect_column_mean_to_be_between", {"column": "age", "max_value": 50}
            ),
            ExpectationConfiguration("expect_column_values_to_be_unique", {"column": "missing"}),
            ExpectationConfiguration("expect_table_row_count_to_be_between", {"min_value": 1}),
            ExpectationConfiguration(
                "expect_column_distinct_values_to_be_in_set",
                {"column": "name", "value_set": ["ann"]},
            ),
            ExpectationConfiguration("expect_column_to_exist", {"column": "email"}),
        ],
        validation_ingestion_policy=policy,
    )


def test_reexport_module() -> None:
    assert ReexportedReport is ValidationReport


def test_round_trip_through_json() -> None:
    report = validate(TABLE, make_suite())
    report.id = 11
    report.full_report_path = "reports/people/11.json"
    text = report.to_json()
    assert json.loads(text)["results"][0]["result"]["partial_unexpected_list"] == [-3, 200]
    again = ValidationReport.from_json(text)
    assert again == report
    assert again.to_dict() == report.to_dict()
    assert isinstance(again.results[0], ValidationResult)
    assert again.results[0].expectation_id == 1
    assert again.results[2].observed_value == pytest.approx(65.5)


def test_round_trip_with_timestamps_is_json_native() -> None:
    import datetime as dt

    table = pa.table({"t": pa.array([dt.datetime(2020, 1, 1), None], pa.timestamp("us"))})
    suite = ExpectationSuite(
        "t",
        [
            ExpectationConfiguration(
                "expect_column_values_to_be_between", {"column": "t", "min_value": "2021-01-01"}
            )
        ],
    )
    report = validate(table, suite)
    assert ValidationReport.from_json(report.to_json()) == report


def test_statistics_are_computed_when_missing() -> None:
    results = [
        ValidationResult(
            True, {"expectation_type": "expect_column_to_exist", "kwargs": {"column": "a"}}
        ),
        ValidationResult(False, {"type": "expect_column_to_exist", "kwargs": {"column": "b"}}),
    ]
    report = ValidationReport(False, results)
    assert report.statistics == {
        "evaluated_expectations": 2,
        "successful_expectations": 1,
        "unsuccessful_expectations": 1,
        "success_percent": 50.0,
    }
    assert results[1].expectation_type == "expect_column_to_exist"  # GE 1.x 'type' renamed
    assert report.failed_results == [results[1]]


def test_ingestion_result_is_validated_and_propagated() -> None:
    report = validate(TABLE, make_suite())
    assert INGESTION_RESULTS == ("INGESTED", "REJECTED", "UNKNOWN", "EXPERIMENT", "FG_DATA")
    report.ingestion_result = "ingested"
    assert report.ingestion_result == "INGESTED"
    assert {r.ingestion_result for r in report.results} == {"INGESTED"}
    with pytest.raises(InvalidInput, match="ingestion_result must be one of"):
        report.ingestion_result = "maybe"
    restored = ValidationReport.from_dict(report.to_dict())
    assert restored.ingestion_result == "INGESTED"
    assert restored.results[0].ingestion_result == "INGESTED"


def test_from_dict_reads_hopsworks_and_ge_shapes() -> None:
    report = ValidationReport.from_dict(
        {
            "success": True,
            "results": [
                {
                    "success": True,
                    "expectationConfig": json.dumps(
                        {
                            "type": "expect_column_values_to_not_be_null",
                            "kwargs": {"column": "a"},
                            "meta": {"expectationId": 4},
                            "severity": "critical",
                        }
                    ),
                    "result": json.dumps({"element_count": 3, "unexpected_count": 0}),
                    "exceptionInfo": json.dumps({"raised_exception": False}),
                    "meta": "{}",
                }
            ],
            "statistics": json.dumps({"evaluated_expectations": 1}),
            "suite_parameters": {"p": 1},
            "ingestionResult": "experiment",
            "validationTime": "2024-05-01T10:00:00+00:00",
            "suite_name": "ignored",
        }
    )
    (result,) = report.results
    assert result.expectation_id == 4
    assert result.expectation_config["expectation_type"] == "expect_column_values_to_not_be_null"
    assert "severity" not in result.expectation_config
    assert report.evaluation_parameters == {"p": 1}
    assert report.ingestion_result == "EXPERIMENT"
    assert report.validation_time == "2024-05-01T10:00:00+00:00"
    with pytest.raises(InvalidInput, match="'success' and 'results'"):
        ValidationReport.from_dict({"statistics": {}})


def test_failed_expectations_message_names_each_failure() -> None:
    report = validate(TABLE, make_suite())
    message = failed_expectations_message(report)
    lines = message.splitlines()
    assert lines[0] == "data validation failed: 6 of 7 expectations of suite 'people' failed:"
    assert (
        "expect_column_values_to_be_between(column='age', min_value=0, max_value=120) [id 1]: "
        "2 unexpected of 4 non-null values (50%), e.g. [-3, 200]" in message
    )
    assert (
        "expect_column_values_to_not_be_null(column='name') [id 2]: 1 unexpected of 5 rows"
        in message
    )
    assert (
        "expect_column_mean_to_be_between(column='age', max_value=50) [id 3]: observed value 65.5"
        in message
    )
    assert "[id 4]: could not be evaluated: column 'missing' does not exist" in message
    assert "[id 6]: 3 unexpected distinct values ['bob', 'dan', 'eve']" in message
    assert "expect_column_to_exist(column='email') [id 7]: column 'email' does not exist" in message
    assert "row_count" not in message  # the passing expectation is not listed
    assert "STRICT" not in message


def test_message_for_rejected_data_explains_the_policy() -> None:
    suite = make_suite("STRICT")
    report = validate(TABLE, suite)
    assert apply_ingestion_policy(report, suite.validation_ingestion_policy) is False
    assert report.ingestion_result == "REJECTED"
    message = failed_expectations_message(report)
    assert "validation_ingestion_policy is STRICT" in message
    error = ValidationFailed(message, report)
    assert isinstance(error, DataValidationException)
    assert error.report is report


def test_message_limit_and_success() -> None:
    report = validate(TABLE, make_suite())
    message = failed_expectations_message(report, limit=2)
    assert message.count("\n  - ") == 2
    assert "... and 4 more" in message
    ok = validate(TABLE, ExpectationSuite("ok"))
    assert failed_expectations_message(ok) == "all 0 expectations of suite 'ok' were met"


def test_apply_ingestion_policy() -> None:
    good = validate(TABLE, ExpectationSuite("ok"))
    assert apply_ingestion_policy(good, "strict") is True
    assert good.ingestion_result == "INGESTED"
    bad = validate(TABLE, make_suite())
    assert apply_ingestion_policy(bad, "ALWAYS") is True
    assert bad.ingestion_result == "INGESTED"
    with pytest.raises(InvalidInput):
        apply_ingestion_policy(bad, "never")


def test_get_result_by_expectation_id() -> None:
    report = validate(TABLE, make_suite())
    result = report.get_result(3)
    assert result is not None and result.expectation_type == "expect_column_mean_to_be_between"
    assert report.get_result(99) is None
