"""Applicant features: pure functions of a credit report.

Like features/loans.py, every function takes a single value or a pandas Series
(processed vectorised). Unit tests: tests/test_features.py.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

#: Home ownership values in credit reports.
HOME_OWNERSHIP = ("MORTGAGE", "RENT", "OWN", "OTHER", "NONE", "ANY")

_SECONDS_PER_YEAR = 365.25 * 24 * 3600


def pub_rec_bankruptcies(number: Any) -> Any:
    """Flag applicants with a bankruptcy on record: 0 stays 0.0, any count >= 1 becomes 1.0.

    Missing counts stay missing (NaN) so that the model's imputer decides about them.
    """
    if isinstance(number, pd.Series):
        counts = pd.to_numeric(number, errors="coerce").astype("float64")
        return (counts >= 1).astype("float64").where(counts.notna())
    if number is None or (isinstance(number, float) and math.isnan(number)):
        return math.nan
    return 1.0 if float(number) >= 1 else 0.0


def credit_history_years(earliest_cr_line: Any, report_d: Any) -> Any:
    """Years between the applicant's first credit line and the credit report, e.g. 12.5.

    Computed as of the report date, so the feature is correct at any point in time:
    a loan decided in 2015 sees the history length its 2015 report had.
    """
    if isinstance(earliest_cr_line, pd.Series):
        start = pd.to_datetime(earliest_cr_line, utc=True)
        end = pd.to_datetime(report_d, utc=True)
        years = (end - start).dt.total_seconds() / _SECONDS_PER_YEAR
        return years.round(2).rename("credit_history_years")
    if earliest_cr_line is None or report_d is None:
        return math.nan
    delta = pd.Timestamp(report_d) - pd.Timestamp(earliest_cr_line)
    return round(delta.total_seconds() / _SECONDS_PER_YEAR, 2)
