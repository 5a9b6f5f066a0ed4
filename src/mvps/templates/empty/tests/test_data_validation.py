"""The expectation suite accepts good data and rejects broken data."""

from __future__ import annotations

from mvps.validation import validate

from pipelines import feature_pipeline


def test_source_data_passes_the_suite() -> None:
    features = feature_pipeline.compute_features(feature_pipeline.read_source(rows=100))
    assert validate(features, feature_pipeline.expectation_suite()).success


def test_broken_data_is_caught() -> None:
    features = feature_pipeline.compute_features(feature_pipeline.read_source(rows=100))
    features.loc[0, "amount"] = -5.0
    features.loc[1, "category"] = "z"
    report = validate(features, feature_pipeline.expectation_suite())
    failed = {r.kwargs["column"] for r in report.results if not r.success}
    assert failed == {"amount", "category"}
