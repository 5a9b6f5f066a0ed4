"""Loan features: pure functions of what a loan application says.

Every function takes a single value or a whole pandas Series. A Series is processed
vectorised (no Python loop over rows) and comes back with the same index, so the
feature pipeline computes a month of loans at once and the app computes one loan
with the very same code: no skew between training and serving.

Unit tests: tests/test_features.py.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pandas as pd

#: Loan terms LendingClub offers, in months.
TERMS = (36, 60)

#: What borrowers say the loan is for (LendingClub's categories).
PURPOSES = (
    "debt_consolidation",
    "credit_card",
    "home_improvement",
    "other",
    "major_purchase",
    "small_business",
    "car",
    "medical",
    "moving",
    "vacation",
    "house",
    "wedding",
    "renewable_energy",
    "educational",
)

# A zip code is the last group of 5 digits of an address (a ZIP+4 suffix is allowed).
_ZIP = r"(\d{5})(?:-\d{4})?\s*$"


def zipcode(address: Any) -> Any:
    """The 5-digit zip code at the end of a US address, e.g. ``"..., OK 22690"`` -> ``"22690"``.

    An address without one (or a missing address) gives None, a missing value.
    """
    if isinstance(address, pd.Series):
        return address.astype("str").str.extract(_ZIP, expand=False)
    if not isinstance(address, str):
        return None
    match = re.search(_ZIP, address)
    return match.group(1) if match else None


def term_months(term: Any) -> Any:
    """The loan term as a number of months: ``" 36 months"`` -> ``36``.

    LendingClub files write the term as text with a leading space; a number is
    returned as it is.
    """
    if isinstance(term, pd.Series):
        if pd.api.types.is_numeric_dtype(term):
            return term.astype("int64")
        return term.str.extract(r"(\d+)", expand=False).astype("int64")
    if isinstance(term, int | float | np.integer):
        return int(term)
    match = re.search(r"\d+", str(term))
    if match is None:
        raise ValueError(f"a loan term looks like '36 months' or 36, got {term!r}")
    return int(match.group(0))


def installment(loan_amnt: Any, int_rate: Any, term: Any) -> Any:
    """The monthly payment of a fully amortised loan, rounded to cents.

    ``loan_amnt`` in dollars, ``int_rate`` in percent a year, ``term`` in months:
    ``installment(10_000, 12.0, 36)`` is ``332.14``. Works on numbers or Series.
    """
    monthly = np.asarray(int_rate, dtype="float64") / 1200.0
    periods = np.asarray(term, dtype="float64")
    amount = np.asarray(loan_amnt, dtype="float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        annuity = np.where(
            monthly > 0, monthly / (1.0 - (1.0 + monthly) ** -periods), 1.0 / periods
        )
    payment = np.round(amount * annuity, 2)
    if isinstance(loan_amnt, pd.Series):
        return pd.Series(payment, index=loan_amnt.index, name="installment")
    value = float(payment)
    return value if math.isfinite(value) else math.nan
