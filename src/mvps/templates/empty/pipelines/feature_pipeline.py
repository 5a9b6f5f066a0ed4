"""Feature pipeline: raw data -> features -> feature group (steps 2 and 3).

    python -m pipelines.feature_pipeline

Write your data source in ``read_source`` (files, a database, an API...), your
feature computations in ``features/`` and ``compute_features``, and what the data
must satisfy in ``expectation_suite``. Run the pipeline on a schedule (hourly, daily,
monthly); every run is a commit of the feature group. The placeholder below
generates a small random dataset so that every pipeline runs from the start.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from mvps.validation import ExpectationConfiguration, ExpectationSuite

from features import example
from pipelines import login

FEATURE_GROUP = "observations"
CATEGORIES = ("a", "b", "c")


def read_source(rows: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Write your data source here. This placeholder draws ``rows`` random observations:
    an id, when it happened, an amount, a category and the outcome to predict."""
    rng = np.random.default_rng(seed)
    amount = rng.lognormal(mean=4.0, sigma=1.0, size=rows).round(2)
    category = rng.choice(CATEGORIES, size=rows)
    score = 0.8 * np.log1p(amount) - 3.2 + np.where(category == "c", 0.8, 0.0)
    outcome = rng.random(rows) < 1.0 / (1.0 + np.exp(-score))
    return pd.DataFrame(
        {
            "id": np.arange(1, rows + 1),
            "event_time": pd.Timestamp("2024-01-01", tz="UTC")
            + pd.to_timedelta(rng.integers(0, 365 * 24, size=rows), unit="h"),
            "amount": amount,
            "category": category,
            "outcome": outcome.astype("int64"),
        }
    )


def compute_features(raw: pd.DataFrame) -> pd.DataFrame:
    """Write your feature computations here, with the functions in ``features/``."""
    df = raw.copy()
    df["log_amount"] = example.log_amount(raw["amount"])
    return df


def expectation_suite() -> ExpectationSuite:
    """Write what every batch must satisfy here; with STRICT, a failing batch is not written."""
    return ExpectationSuite(
        expectation_suite_name=f"{FEATURE_GROUP}_suite",
        validation_ingestion_policy="STRICT",
        expectations=[
            ExpectationConfiguration(
                expectation_type="expect_column_values_to_not_be_null", kwargs={"column": "id"}
            ),
            ExpectationConfiguration(
                expectation_type="expect_column_values_to_be_between",
                kwargs={"column": "amount", "min_value": 0},
            ),
            ExpectationConfiguration(
                expectation_type="expect_column_values_to_be_in_set",
                kwargs={"column": "category", "value_set": list(CATEGORIES)},
            ),
        ],
    )


def feature_group(fs: Any) -> Any:
    """The feature group (created on first use): describe it and choose its keys here."""
    return fs.get_or_create_feature_group(
        name=FEATURE_GROUP,
        version=1,
        description="Write what one row is here",
        online_enabled=True,  # the predictor and the app read features by id
        primary_key=["id"],
        event_time="event_time",
        expectation_suite=expectation_suite(),
    )


def run(project: Any = None, rows: int = 1000, seed: int = 0) -> int:
    """Read, compute, validate and insert; returns the number of rows written."""
    project = project or login()
    features = compute_features(read_source(rows, seed))
    feature_group(project.get_feature_store()).insert(features)
    return len(features)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000, help="size of the placeholder data")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    print(f"inserted {run(rows=args.rows, seed=args.seed)} rows into {FEATURE_GROUP}")


if __name__ == "__main__":
    main()
