"""Data validation: expectation suites, a native engine and validation reports.

Great Expectations (GE) suites and reports, without needing GE::

    from mvps.validation import ExpectationSuite, ExpectationConfiguration, validate

    suite = ExpectationSuite("orders", validation_ingestion_policy="STRICT")
    suite.add_expectation(
        ExpectationConfiguration("expect_column_values_to_not_be_null", {"column": "id"})
    )
    report = validate(arrow_table, suite)
    if not report.success:
        print(failed_expectations_message(report))

Suites also come from GE-format dicts / JSON (:meth:`ExpectationSuite.from_dict`) and GE
objects (:func:`as_suite`, :meth:`ExpectationSuite.from_ge_type`). The engine
(:func:`validate`, :func:`check_supported`) loads pyarrow when first used; great_expectations
is only imported to build GE objects (``to_ge_type()``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from mvps.validation.report import (
    INGESTION_RESULTS,
    ValidationReport,
    ValidationResult,
    apply_ingestion_policy,
    failed_expectations_message,
)
from mvps.validation.suite import (
    INGESTION_POLICIES,
    ExpectationConfiguration,
    ExpectationSuite,
    GeExpectation,
    as_suite,
)

if TYPE_CHECKING:  # pragma: no cover
    from mvps.validation.engine import check_supported as check_supported
    from mvps.validation.engine import supported_expectation_types as supported_expectation_types
    from mvps.validation.engine import type_names as type_names
    from mvps.validation.engine import validate as validate

# Engine names, resolved on first use so that importing suites and reports stays cheap.
_ENGINE = ("validate", "check_supported", "supported_expectation_types", "type_names")


def __getattr__(name: str) -> Any:
    if name in _ENGINE:
        value = getattr(importlib.import_module("mvps.validation.engine"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'mvps.validation' has no attribute {name!r}")


__all__ = [
    "INGESTION_POLICIES",
    "INGESTION_RESULTS",
    "ExpectationConfiguration",
    "ExpectationSuite",
    "GeExpectation",
    "ValidationReport",
    "ValidationResult",
    "apply_ingestion_policy",
    "as_suite",
    "check_supported",
    "failed_expectations_message",
    "supported_expectation_types",
    "type_names",
    "validate",
]
