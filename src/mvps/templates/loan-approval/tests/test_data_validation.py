"""The expectation suites accept real data and reject broken data (before it is written)."""

from __future__ import annotations

import pytest
from mvps.datasets import lending
from mvps.validation import validate

from pipelines import feature_pipeline


@pytest.fixture(scope="module")
def raw() -> lending.LendingData:
    return lending.generate(scale=0.002, seed=7)


def failed(report) -> set[tuple[str, str]]:
    """(expectation type, column) of every failed expectation."""
    return {(r.expectation_type, r.kwargs.get("column")) for r in report.results if not r.success}


def test_generated_data_passes_both_suites(raw) -> None:
    loans = feature_pipeline.loan_features(raw.loans)
    applicants = feature_pipeline.applicant_features(raw.applicants)
    assert validate(loans, feature_pipeline.loans_expectation_suite()).success
    assert validate(applicants, feature_pipeline.applicants_expectation_suite()).success


def test_broken_loans_are_caught(raw) -> None:
    loans = feature_pipeline.loan_features(raw.loans)
    loans.loc[0, "loan_amnt"] = -100.0
    loans.loc[1, "int_rate"] = 45.0
    loans.loc[2, "grade"] = "H"
    report = validate(loans, feature_pipeline.loans_expectation_suite())
    assert not report.success
    assert failed(report) == {
        ("expect_column_values_to_be_between", "loan_amnt"),
        ("expect_column_values_to_be_between", "int_rate"),
        ("expect_column_values_to_be_in_set", "grade"),
    }


def test_broken_credit_reports_are_caught(raw) -> None:
    applicants = feature_pipeline.applicant_features(raw.applicants)
    applicants.loc[0, "annual_inc"] = -1.0
    applicants.loc[1, "home_ownership"] = "CASTLE"
    report = validate(applicants, feature_pipeline.applicants_expectation_suite())
    assert failed(report) == {
        ("expect_column_values_to_be_between", "annual_inc"),
        ("expect_column_values_to_be_in_set", "home_ownership"),
    }
