"""Synthetic LendingClub loans with point-in-time credit reports.

The loan-approval demo is built on the public LendingClub file "lending_club_loan_two"
(396,030 loans issued 2007-2016, about 19.6% charged off). That file cannot be shipped,
so :func:`generate` draws data with the same columns, dtypes, value formats and
realistic distributions, split into two tables:

* ``loans`` -- one row per loan (amount, term, rate, grade, issue date, outcome,
  purpose, title, address), keyed by ``id``;
* ``applicants`` -- credit reports of the borrower behind each loan, keyed by ``id`` with
  the event time ``report_d``. Every loan has a report dated at or shortly before its
  issue date. Some applicants -- far more of those who later defaulted -- also have a
  *later* report whose attributes (public records, bankruptcies, utilisation, debt to
  income, mortgages) changed after the loan was issued.

The later reports make point-in-time correctness visible: :func:`naive_latest_join`
attaches the latest report to each loan and leaks the outcome into the features, while
:func:`point_in_time_join` attaches the report that was known when the loan was issued.
A baseline logistic regression reaches a ROC AUC of about 0.70 on the honest data and
clearly more on the leaky data.

Everything is vectorised numpy/pyarrow code: ``scale=1.0`` (about 396,000 loans)
takes one to two seconds and ``scale=10`` (about 4 million loans, 1.7 GB of frames)
under 20 seconds on a small machine. The same ``scale`` and ``seed`` always give
identical frames.

:func:`write_monthly_csv` writes the tables as monthly source files
(``loans-Jun-2007.csv`` ... ``loans-Dec-2016.csv`` and ``applicants-<Mon>-<year>.csv``)
and :func:`read_month` reads one of them back with the right dtypes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral, Real
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from mvps.datasets import _lending_vocab as vocab
from mvps.datasets.lending_features import zipcode
from mvps.errors import InvalidInput, NotFound

__all__ = [
    "APPLICANT_DTYPES",
    "CATEGORICAL_FEATURES",
    "CHARGED_OFF",
    "FULLY_PAID",
    "LABEL",
    "LOANS_AT_SCALE_ONE",
    "LOAN_DTYPES",
    "NUMERIC_FEATURES",
    "LendingData",
    "generate",
    "model_inputs",
    "naive_latest_join",
    "point_in_time_join",
    "read_month",
    "write_monthly_csv",
]

#: Number of loans at ``scale=1.0`` (the size of the public file).
LOANS_AT_SCALE_ONE = 396_030
CHARGED_OFF = "Charged Off"
FULLY_PAID = "Fully Paid"
#: The label column of ``loans``.
LABEL = "loan_status"

_TIMESTAMP: Final = "datetime64[us, UTC]"

#: Columns and dtypes of ``LendingData.loans`` (and of the ``loans-*.csv`` files).
# pandas 3 has a ``str`` dtype; before it, text is an object column (and casting to
# "str" would turn missing values into the text "None").
_TEXT: Any = "str" if int(pd.__version__.split(".")[0]) >= 3 else object

LOAN_DTYPES: dict[str, Any] = {
    "id": "int64",
    "loan_amnt": "float64",
    "term": _TEXT,
    "int_rate": "float64",
    "installment": "float64",
    "grade": _TEXT,
    "sub_grade": _TEXT,
    "issue_d": _TIMESTAMP,
    "loan_status": _TEXT,
    "purpose": _TEXT,
    "title": _TEXT,
    "address": _TEXT,
}

#: Columns and dtypes of ``LendingData.applicants`` (and of the ``applicants-*.csv`` files).
APPLICANT_DTYPES: dict[str, Any] = {
    "id": "int64",
    "emp_title": _TEXT,
    "emp_length": _TEXT,
    "home_ownership": _TEXT,
    "annual_inc": "float64",
    "verification_status": _TEXT,
    "dti": "float64",
    "earliest_cr_line": _TIMESTAMP,
    "open_acc": "int64",
    "pub_rec": "int64",
    "revol_bal": "float64",
    "revol_util": "float64",
    "total_acc": "int64",
    "initial_list_status": _TEXT,
    "application_type": _TEXT,
    "mort_acc": "float64",
    "pub_rec_bankruptcies": "float64",
    "report_d": _TIMESTAMP,
}

#: Numeric model inputs produced by :func:`model_inputs`.
NUMERIC_FEATURES: tuple[str, ...] = (
    "loan_amnt",
    "int_rate",
    "installment",
    "annual_inc",
    "dti",
    "open_acc",
    "pub_rec",
    "revol_bal",
    "revol_util",
    "total_acc",
    "mort_acc",
    "pub_rec_bankruptcies",
    "credit_history_years",
)

#: Categorical model inputs produced by :func:`model_inputs` (missing values: "missing").
CATEGORICAL_FEATURES: tuple[str, ...] = (
    "term",
    "grade",
    "sub_grade",
    "emp_length",
    "home_ownership",
    "verification_status",
    "purpose",
    "initial_list_status",
    "application_type",
    "zipcode",
)

_MONTH_ABBREVIATIONS = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip
_KINDS = {"loans": LOAN_DTYPES, "applicants": APPLICANT_DTYPES}

# Months are counted from 1970-01 (numpy's datetime64[M] epoch).
_FIRST_MONTH = (2007 - 1970) * 12 + 5  # Jun 2007
_LAST_MONTH = (2016 - 1970) * 12 + 11  # Dec 2016


def _month(year: int, month: int) -> int:
    return (year - 1970) * 12 + month - 1


# LendingClub rules that changed over time.
_SIXTY_MONTHS_FROM = _month(2010, 5)
_W_LISTING_FROM = _month(2012, 9)
_JOINT_FROM = _month(2015, 10)
_AMOUNT_CAPS = ((_month(2011, 3), 25_000.0), (_month(2016, 3), 35_000.0))
_MAX_AMOUNT = 40_000.0
# Interest rate range (lowest A1, highest G5 rate) per issue year.
_RATE_RANGE: dict[int, tuple[float, float]] = {
    2007: (7.4, 18.3),
    2008: (7.4, 19.0),
    2009: (7.4, 19.5),
    2010: (6.8, 21.6),
    2011: (5.4, 24.1),
    2012: (6.0, 24.9),
    2013: (6.0, 26.1),
    2014: (6.0, 26.1),
    2015: (5.3, 28.99),
    2016: (5.3, 30.99),
}
# Extra log-odds of default per issue year (economy and survivorship in the public file).
_YEAR_LOG_ODDS: dict[int, float] = {
    2007: 0.35,
    2008: 0.15,
    2009: -0.25,
    2010: -0.3,
    2011: -0.2,
    2012: -0.12,
    2013: -0.12,
    2014: 0.0,
    2015: 0.15,
    2016: 0.35,
}

# Coefficients of the credit model.
_GRADE_WEIGHTS = {  # LendingClub's own risk score, which sets grade and rate
    "credit": -0.82,  # hidden creditworthiness (FICO and what the file does not show)
    "dti": 0.22,
    "util": 0.15,
    "term": 0.6,
    "amount": 0.1,
    "income": -0.1,
    "pub_rec": 0.15,
}
_GRADE_NOISE = 0.35
_DEFAULT_INTERCEPT = -1.75
_DEFAULT_WEIGHTS = {  # log-odds of default
    "grade": 0.4,
    "credit": -0.15,
    "dti": 0.12,
    "util": 0.08,
    "term": 0.6,
    "income": -0.12,
    "emp_missing": 0.3,
    "short_tenure": 0.05,
    "rent": 0.18,
    "own": 0.05,
    "not_verified": -0.1,
}
# Share of applicants with a credit report after the loan was issued.
_LATER_REPORT_SHARE = {"charged_off": 0.35, "fully_paid": 0.1}


@dataclass(frozen=True, repr=False)
class LendingData:
    """The generated tables.

    ``loans`` has one row per loan (columns :data:`LOAN_DTYPES`, sorted by ``issue_d``
    and ``id``); ``applicants`` has one row per credit report (columns
    :data:`APPLICANT_DTYPES`, sorted by ``report_d`` and ``id``), at least one per loan.
    """

    loans: pd.DataFrame
    applicants: pd.DataFrame

    def __repr__(self) -> str:
        return (
            f"LendingData(loans={len(self.loans):,} rows, applicants={len(self.applicants):,} rows)"
        )


# --------------------------------------------------------------------------- generate


def generate(scale: float = 1.0, seed: int = 42) -> LendingData:
    """Generate synthetic LendingClub loans and credit reports.

    ``scale`` multiplies the size of the public file: ``1.0`` gives about 396,030 loans,
    ``0.05`` about 20,000, ``10`` about 4 million. ``seed`` seeds numpy's PCG64
    generator; the same ``scale`` and ``seed`` give identical frames.

    Raises :class:`~mvps.errors.InvalidInput` for a ``scale`` that is not a positive
    finite number or a ``seed`` that is not a non-negative integer.
    """
    n = _loan_count(scale)
    if isinstance(seed, bool) or not isinstance(seed, Integral) or seed < 0:
        raise InvalidInput(f"seed must be a non-negative integer, got {seed!r}; pass e.g. seed=42")
    rng = np.random.default_rng(int(seed))
    cols = _draw(rng, n)
    loans = _loans_frame(rng, cols)
    applicants = _applicants_frame(rng, cols)
    return LendingData(loans=loans, applicants=applicants)


def _loan_count(scale: Any) -> int:
    if (
        isinstance(scale, bool)
        or not isinstance(scale, Real)
        or not math.isfinite(float(scale))
        or float(scale) <= 0
    ):
        raise InvalidInput(
            f"scale must be a positive finite number, got {scale!r}; scale=1.0 gives "
            f"about {LOANS_AT_SCALE_ONE:,} loans, scale=0.05 a small sample of about "
            f"{round(LOANS_AT_SCALE_ONE * 0.05):,}"
        )
    return max(1, round(LOANS_AT_SCALE_ONE * float(scale)))


def _issue_months(rng: np.random.Generator, n: int) -> np.ndarray:
    """Issue months (months since 1970-01), sorted, following the yearly volumes.

    The monthly rate is interpolated log-linearly between the middles of the years and
    rescaled so that every year keeps its share of the public file.
    """
    months = np.arange(_FIRST_MONTH, _LAST_MONTH + 1)
    years = 1970 + months // 12
    mids, rates = [], []
    for year, count in vocab.LOANS_PER_YEAR.items():
        in_year = months[years == year]
        mids.append(in_year.mean())
        rates.append(math.log(count / len(in_year)))
    weights = np.exp(np.interp(months, mids, rates))
    for year, count in vocab.LOANS_PER_YEAR.items():
        mask = years == year
        weights[mask] *= count / weights[mask].sum()
    counts = rng.multinomial(n, weights / weights.sum())
    return np.repeat(months, counts)


def _shares(values: Sequence[float]) -> np.ndarray:
    array = np.asarray(values, dtype="float64")
    return array / array.sum()


def _buckets(score: np.ndarray, shares: Sequence[float]) -> np.ndarray:
    """Cut ``score`` at its empirical quantiles: lowest scores get code 0.

    The result has the given shares (up to ties) whatever the distribution of ``score``.
    """
    cumulative = np.cumsum(_shares(shares))[:-1]
    thresholds = np.quantile(score, cumulative)
    return np.searchsorted(thresholds, score, side="right").astype("int16")


def _latent(rng: np.random.Generator, n: int, *terms: tuple[float, np.ndarray]) -> np.ndarray:
    """A roughly standard normal score: weighted inputs plus independent noise."""
    explained = sum(weight * weight for weight, _ in terms)
    noise = math.sqrt(max(1.0 - explained, 0.05))
    score = noise * rng.standard_normal(n)
    for weight, values in terms:
        score += weight * values
    return score


def _round_to(values: np.ndarray, steps: np.ndarray) -> np.ndarray:
    return np.round(values / steps) * steps


def _by_year(values: Mapping[int, float], years: np.ndarray) -> np.ndarray:
    """``values[year]`` for every element of ``years`` (all years must be keys)."""
    first = min(values)
    table = np.array([values[year] for year in range(first, max(values) + 1)])
    return table[years - first]


def _draw(rng: np.random.Generator, n: int) -> dict[str, Any]:
    """Draw every attribute of every loan and its first credit report as arrays."""
    months = _issue_months(rng, n)
    years = 1970 + months // 12
    # Loan ids increase with the issue date, with gaps like real ids.
    ids = 1_000_000 + np.cumsum(rng.integers(1, 40, n, dtype="int64"))

    credit = rng.standard_normal(n)  # hidden creditworthiness, higher is better

    # Length of credit history (years) and employment.
    z_hist = _latent(rng, n, (0.3, credit))
    history_years = np.clip(np.exp(math.log(15.0) + 0.5 * z_hist), 1.0, 60.0)
    emp_codes = _buckets(_latent(rng, n, (0.55, z_hist)), list(vocab.EMP_LENGTHS.values()))
    emp_missing = rng.random(n) < 0.0462
    z_emp = (emp_codes - 6.0) / 3.5
    z_emp[emp_missing] = -1.0

    # Income (log-normal, median about 64k), rounded like self-reported incomes.
    z_income = _latent(rng, n, (0.3, credit), (0.3, z_hist), (0.25, z_emp))
    income = np.exp(math.log(64_000.0) + 0.5 * z_income)
    income_steps = np.array([1000.0, 100.0, 1.0])[rng.choice(3, n, p=[0.65, 0.25, 0.10])]
    annual_inc = np.maximum(_round_to(income, income_steps), 4_000.0)

    # Home ownership: older, richer applicants hold mortgages.
    home_score = _latent(rng, n, (0.5, z_hist), (0.35, z_income))
    home = np.where(home_score >= np.quantile(home_score, 1 - vocab.HOME_MORTGAGE_SHARE), 0, 1)
    own_given_not_mortgage = vocab.HOME_OWN_SHARE / (1 - vocab.HOME_MORTGAGE_SHARE)
    home[(home == 1) & (rng.random(n) < own_given_not_mortgage)] = 2
    rare = rng.random(n)
    threshold = 0.0
    for code, share in enumerate(vocab.HOME_RARE.values(), start=3):
        home[(rare >= threshold) & (rare < threshold + share)] = code
        threshold += share

    # Debt to income (%), right-skewed, mostly below 40.
    z_dti = _latent(rng, n, (-0.25, credit), (-0.2, z_income))
    dti = (math.sqrt(17.0) + 0.95 * z_dti) ** 2
    too_high = dti > 39.99
    dti[too_high] = 30.0 + 9.99 * rng.random(int(too_high.sum()))
    dti = np.round(dti, 2)

    # Revolving utilisation (%) and balance.
    z_util = _latent(rng, n, (-0.35, credit), (0.2, z_dti))
    util = 100.0 / (1.0 + np.exp(-(0.2 + 1.15 * z_util)))
    over_limit = rng.random(n) < 0.003
    util[over_limit] *= 1.0 + 0.5 * rng.random(int(over_limit.sum()))
    util[rng.random(n) < 0.004] = 0.0
    util = np.round(util, 1)
    z_balance = _latent(rng, n, (0.45, z_income), (0.35, z_util))
    revol_bal = np.where(util > 0, np.round(np.exp(math.log(11_000.0) + 0.9 * z_balance)), 0.0)

    # Accounts and public records.
    open_mean = 11.3 * np.exp(0.12 * z_hist + 0.12 * z_income - 0.02)
    open_acc = rng.negative_binomial(9, 9 / (9 + open_mean))
    closed_mean = 13.5 * np.exp(0.35 * z_hist - 0.06)
    total_acc = open_acc + rng.negative_binomial(4, 4 / (4 + closed_mean)) + 1
    mortgage_mean = np.array([2.9, 0.55, 1.4, 0.5])[np.minimum(home, 3)] * np.exp(
        0.3 * z_hist - 0.04
    )
    mort_acc = np.minimum(rng.negative_binomial(6, 6 / (6 + mortgage_mean)), total_acc)
    record_mean = 0.16 * np.exp(-0.45 * credit + 0.6 * rng.standard_normal(n) - 0.28)
    pub_rec = rng.poisson(record_mean)
    bankruptcies = rng.binomial(pub_rec, 0.7)

    # Loan amount: right-skewed, round numbers preferred, capped by the era's maximum.
    z_amount = _latent(rng, n, (0.45, z_income), (0.15, z_hist))
    amount = np.exp(math.log(12_000.0) + 0.68 * z_amount)
    amount_steps = np.array([1000.0, 5000.0, 500.0, 25.0])[
        rng.choice(4, n, p=[0.45, 0.2, 0.07, 0.28])
    ]
    cap = np.full(n, _MAX_AMOUNT)
    for until, limit in reversed(_AMOUNT_CAPS):
        cap[months < until] = limit
    loan_amnt = np.clip(_round_to(amount, amount_steps), 500.0, cap)

    # Term: 60 months only from May 2010, mostly for large amounts.
    eligible = months >= _SIXTY_MONTHS_FROM
    term_score = _latent(rng, n, (0.75, z_amount))
    long_term = np.zeros(n, dtype=bool)
    if eligible.any():
        share = min(0.237 * n / int(eligible.sum()), 1.0)
        cut = np.quantile(term_score[eligible], 1 - share)
        long_term = eligible & (term_score >= cut)

    purposes = list(vocab.PURPOSES)
    purpose_codes = rng.choice(len(purposes), n, p=_shares([s for s, _ in vocab.PURPOSES.values()]))
    zips = list(vocab.ZIP_CODES)
    zip_codes = rng.choice(len(zips), n, p=_shares([s for s, _ in vocab.ZIP_CODES.values()]))

    verification = _buckets(
        _latent(rng, n, (0.5, z_amount), (0.25, z_income)),
        list(vocab.VERIFICATION_STATUSES.values()),
    )

    # LendingClub's risk score sets the sub-grade (quantiles follow the public file).
    gw = _GRADE_WEIGHTS
    grade_score = _GRADE_NOISE * rng.standard_normal(n) + (
        gw["credit"] * credit
        + gw["dti"] * z_dti
        + gw["util"] * z_util
        + gw["term"] * long_term
        + gw["amount"] * z_amount
        + gw["income"] * z_income
        + gw["pub_rec"] * (pub_rec > 0)
    )
    sub_grade = _buckets(grade_score, list(vocab.SUB_GRADE_COUNTS.values()))
    z_grade = (grade_score - grade_score.mean()) / max(float(grade_score.std()), 1e-9)

    # Interest rate by sub-grade and year, with small moves within a year.
    low = _by_year({year: low for year, (low, _) in _RATE_RANGE.items()}, years)
    high = _by_year({year: high for year, (_, high) in _RATE_RANGE.items()}, years)
    rate = low + (high - low) * (sub_grade / 34.0) ** 0.9 + rng.normal(0.0, 0.25, n)
    int_rate = np.round(np.clip(rate, 5.32, high), 2)

    # Instalment: the amortisation formula, rounded to cents.
    periods = np.where(long_term, 60.0, 36.0)
    monthly = int_rate / 1200.0
    installment = np.round(loan_amnt * monthly / (1.0 - (1.0 + monthly) ** -periods), 2)

    # Outcome.
    dw = _DEFAULT_WEIGHTS
    year_odds = _by_year(_YEAR_LOG_ODDS, years)
    purpose_odds = np.array([odds for _, odds in vocab.PURPOSES.values()])[purpose_codes]
    zip_odds = np.array([odds for _, odds in vocab.ZIP_CODES.values()])[zip_codes]
    log_odds = (
        _DEFAULT_INTERCEPT
        + year_odds
        + purpose_odds
        + zip_odds
        + dw["grade"] * z_grade
        + dw["credit"] * credit
        + dw["dti"] * z_dti
        + dw["util"] * z_util
        + dw["term"] * long_term
        + dw["income"] * z_income
        + dw["emp_missing"] * emp_missing
        + dw["short_tenure"] * (~emp_missing & (emp_codes <= 1))
        + dw["rent"] * (home == 1)
        + dw["own"] * (home == 2)
        + dw["not_verified"] * (verification == 0)
    )
    charged_off = rng.random(n) < 1.0 / (1.0 + np.exp(-log_odds))

    # Columns that changed over time.
    w_share = np.clip(
        0.1 + 0.8 * (months - _W_LISTING_FROM) / (_LAST_MONTH - _W_LISTING_FROM), 0, 1
    )
    list_w = (months >= _W_LISTING_FROM) & (rng.random(n) < w_share)
    app_draw = rng.random(n)
    late = months >= _JOINT_FROM
    application = np.where(late & (app_draw < 0.0085), 1, 0)
    application[late & (app_draw >= 0.0085) & (app_draw < 0.0142)] = 2
    mort_missing = rng.random(n) < np.where(months < _month(2012, 1), 0.9, 0.025)
    bankruptcies_missing = rng.random(n) < np.where(months < _month(2010, 1), 0.05, 0.0011)
    util_missing = rng.random(n) < 0.0007
    history_months = np.round(history_years * 12).astype("int64")

    return {
        "n": n,
        "ids": ids,
        "months": months,
        "loan_amnt": loan_amnt,
        "long_term": long_term,
        "int_rate": int_rate,
        "installment": installment,
        "sub_grade": sub_grade,
        "charged_off": charged_off,
        "purpose_codes": purpose_codes,
        "zip_codes": zip_codes,
        "emp_codes": emp_codes,
        "emp_missing": emp_missing,
        "home": home,
        "annual_inc": annual_inc,
        "verification": verification,
        "dti": dti,
        "earliest_month": months - history_months,
        "open_acc": open_acc,
        "pub_rec": pub_rec,
        "revol_bal": revol_bal,
        "revol_util": np.where(util_missing, np.nan, util),
        "total_acc": total_acc,
        "list_w": list_w,
        "application": application,
        "mort_acc": np.where(mort_missing, np.nan, mort_acc),
        "bankruptcies": np.where(bankruptcies_missing, np.nan, bankruptcies),
    }


# ------------------------------------------------------------------------- strings


def _series(array: pa.Array) -> pd.Series:
    """A pyarrow string array as a pandas string Series (nulls stay missing).

    pandas 2 has no ``str`` dtype: converting with ``dtype="str"`` there would turn
    nulls into the text "None", so the column keeps pandas' own string representation.
    """
    return pd.Series(array.to_pandas())


def _take(values: Sequence[str], codes: np.ndarray, missing: np.ndarray | None = None) -> pa.Array:
    """``values[codes]`` as a pyarrow string array; ``missing`` rows become null."""
    indices = pa.array(codes.astype("int64"), mask=missing)
    return pa.array(list(values), pa.large_string()).take(indices)


def _join(*parts: pa.Array | str) -> pa.Array:
    """Concatenate string arrays and literal strings row by row."""
    arrays = [
        pa.scalar(part, pa.large_string()) if isinstance(part, str) else part for part in parts
    ]
    return pc.binary_join_element_wise(*arrays, pa.scalar("", pa.large_string()))


def _digit_strings(width: int) -> list[str]:
    """Every digit string of the given width, leading zeros included ("0174")."""
    return [f"{number:0{width}d}" for number in range(10**width)]


def _addresses(rng: np.random.Generator, zip_codes: np.ndarray) -> pa.Array:
    """US-style two-line addresses ("0174 Michelle Gateway\\r\\nMendozaberg, OK 22690").

    About nine in ten are street addresses in one of the 50 states or DC (half with an
    apartment or suite); the others are military addresses (USNS/USS ships, PSC boxes,
    units) in AA, AE or AP. The zip code comes from ``zip_codes`` (indices into the zip
    vocabulary) and does not depend on the state, as in the public file.

    Each part is drawn from a vocabulary of pre-combined strings so that a row costs a
    few array lookups and one concatenation.
    """
    n = len(zip_codes)
    zips = list(vocab.ZIP_CODES)
    military = rng.random(n) < vocab.MILITARY_SHARE
    civilian_rows = np.flatnonzero(~military)
    military_rows = np.flatnonzero(military)
    names = [*vocab.FIRST_NAMES, *vocab.LAST_NAMES]

    # Civilian: "<building> <name> <suffix>[ Apt. 123]\r\n<city>, <ST> <zip>".
    m = len(civilian_rows)
    buildings = [*_digit_strings(3), *_digit_strings(4), *_digit_strings(5)]
    width = rng.integers(3, 6, m)
    offset = np.array([0, 1_000, 11_000])[width - 3]
    building = _take(buildings, offset + rng.integers(0, 10**width))
    streets = [f"{name} {suffix}" for name in names for suffix in vocab.STREET_SUFFIXES]
    street = _take(streets, rng.integers(0, len(streets), m))
    units = [
        "",
        *(f" {kind} {number}" for kind in ("Apt.", "Suite") for number in _digit_strings(3)),
    ]
    unit = np.where(rng.random(m) < 0.5, 0, rng.integers(1, len(units), m))
    cities: list[str] = []
    starts = []
    for pattern in (
        [
            f"{p} {f}{s}"
            for p in vocab.CITY_PREFIXES
            for f in vocab.FIRST_NAMES
            for s in vocab.CITY_SUFFIXES
        ],
        [f"{p} {f}" for p in vocab.CITY_PREFIXES for f in vocab.FIRST_NAMES],
        [f"{f}{s}" for f in vocab.FIRST_NAMES for s in vocab.CITY_SUFFIXES],
        [f"{last}{s}" for last in vocab.LAST_NAMES for s in vocab.CITY_SUFFIXES],
    ):
        starts.append((len(cities), len(pattern)))
        cities.extend(pattern)
    city_format = rng.integers(0, len(starts), m)
    city_start = np.array([start for start, _ in starts])[city_format]
    city_size = np.array([size for _, size in starts])[city_format]
    city = _take(cities, city_start + rng.integers(0, city_size))
    state_zips = [f"{state} {zip_code}" for state in vocab.US_STATES for zip_code in zips]
    state = rng.integers(0, len(vocab.US_STATES), m)
    state_zip = _take(state_zips, state * len(zips) + zip_codes[civilian_rows])
    civilian = _join(building, " ", street, _take(units, unit), "\r\n", city, ", ", state_zip)

    # Military: "USNS Smith\r\nFPO AE 05113", "PSC 1234, Box 5678\r\nAPO AP 70466", ...
    k = len(military_rows)
    ships = [f"{kind} {last}\r\nFPO " for kind in ("USNS", "USS") for last in vocab.LAST_NAMES]
    four = _digit_strings(4)
    military_format = rng.integers(0, 4, k)
    first_number = _take(four, rng.integers(0, 10_000, k))
    second_number = _take(four, rng.integers(0, 10_000, k))
    head = pc.case_when(
        pc.make_struct(pa.array(military_format <= 1), pa.array(military_format == 2)),
        _take(ships, rng.integers(0, len(ships), k)),
        _join("PSC ", first_number, ", Box ", second_number, "\r\nAPO "),
        _join("Unit ", first_number, " Box ", second_number, "\r\nDPO "),
    )
    military_zips = [f"{state} {zip_code}" for state in vocab.MILITARY_STATES for zip_code in zips]
    state = rng.integers(0, len(vocab.MILITARY_STATES), k)
    military_address = _join(
        head, _take(military_zips, state * len(zips) + zip_codes[military_rows])
    )

    position = np.empty(n, dtype="int64")
    position[civilian_rows] = np.arange(m)
    position[military_rows] = m + np.arange(k)
    return pa.concat_arrays([civilian, military_address]).take(pa.array(position))


def _loan_titles(rng: np.random.Generator, purpose_codes: np.ndarray) -> pa.Array:
    """Loan titles matching the purpose, about 0.44% missing."""
    titles: list[str] = []
    codes = np.zeros(len(purpose_codes), dtype="int64")
    for code, purpose in enumerate(vocab.PURPOSES):
        options = vocab.LOAN_TITLES[purpose]
        rows = np.flatnonzero(purpose_codes == code)
        weights = _shares(list(options.values()))
        codes[rows] = len(titles) + rng.choice(len(options), len(rows), p=weights)
        titles.extend(options)
    return _take(titles, codes, rng.random(len(purpose_codes)) < 0.0044)


def _job_title_codes(rng: np.random.Generator, n: int) -> tuple[list[str], np.ndarray]:
    """Free-text job titles as ``(vocabulary, codes)``.

    Common titles with seniority prefixes and messy capitalisation: one in ten titles
    that can carry one gets a prefix ("Senior ", "Lead ", ...); 12% are typed in lower
    case and 1.5% in upper case.
    """
    no_prefix = {"RN", "Owner", "President", "US Army", "United States Air Force", "US Navy"}
    no_prefix |= {"USPS", "Walmart", "Self Employed", "self employed", "Retired"}
    share = 0.1 / len(vocab.JOB_PREFIXES)
    values: list[str] = []
    weights: list[float] = []
    for title, weight in vocab.JOB_TITLES.items():
        prefixes = [("", 1.0)]
        if title not in no_prefix:
            prefixes = [("", 0.9), *((prefix, share) for prefix in vocab.JOB_PREFIXES)]
        for prefix, prefix_weight in prefixes:
            text = prefix + title
            for variant, case_weight in (
                (text, 0.865),
                (text.lower(), 0.12),
                (text.upper(), 0.015),
            ):
                values.append(variant)
                weights.append(weight * prefix_weight * case_weight)
    return values, rng.choice(len(values), n, p=_shares(weights))


def _month_starts(months: np.ndarray) -> pd.Series:
    """UTC midnight on the first of each month (months counted from 1970-01)."""
    return pd.Series(months.astype("datetime64[M]").astype("datetime64[us]")).dt.tz_localize("UTC")


def _days(days: np.ndarray) -> pd.Series:
    """UTC midnight of each day (days counted from 1970-01-01)."""
    return pd.Series(days.astype("datetime64[D]").astype("datetime64[us]")).dt.tz_localize("UTC")


# -------------------------------------------------------------------------- frames


def _loans_frame(rng: np.random.Generator, cols: dict[str, Any]) -> pd.DataFrame:
    """The loans table from the drawn columns (titles and addresses are drawn here)."""
    sub_grades = list(vocab.SUB_GRADE_COUNTS)
    grades = sorted({name[0] for name in sub_grades})
    status = np.where(cols["charged_off"], 0, 1)
    frame = pd.DataFrame(
        {
            "id": cols["ids"],
            "loan_amnt": cols["loan_amnt"],
            "term": _series(_take([" 36 months", " 60 months"], cols["long_term"].astype("int64"))),
            "int_rate": cols["int_rate"],
            "installment": cols["installment"],
            "grade": _series(_take(grades, cols["sub_grade"] // 5)),
            "sub_grade": _series(_take(sub_grades, cols["sub_grade"])),
            "issue_d": _month_starts(cols["months"]),
            "loan_status": _series(_take([CHARGED_OFF, FULLY_PAID], status)),
            "purpose": _series(_take(list(vocab.PURPOSES), cols["purpose_codes"])),
            "title": _series(_loan_titles(rng, cols["purpose_codes"])),
            "address": _series(_addresses(rng, cols["zip_codes"])),
        }
    )
    return frame.astype(LOAN_DTYPES)


def _applicants_frame(rng: np.random.Generator, cols: dict[str, Any]) -> pd.DataFrame:
    """First reports (at or shortly before issue) plus later reports after the loan.

    Columns are kept as numbers and vocabulary codes (-1 for missing) until the rows are
    in their final order, so that sorting never moves strings around.
    """
    n = cols["n"]
    emp_missing = cols["emp_missing"]
    titles, title_codes = _job_title_codes(rng, n)
    title_missing = rng.random(n) < np.where(emp_missing, 0.6, 0.0319)
    # The report is pulled on the issue date or up to 30 days before.
    issue_days = cols["months"].astype("datetime64[M]").astype("datetime64[D]").astype("int64")
    first: dict[str, np.ndarray] = {
        "id": cols["ids"],
        "emp_title": np.where(title_missing, -1, title_codes),
        "emp_length": np.where(emp_missing, -1, cols["emp_codes"]),
        "home_ownership": cols["home"],
        "annual_inc": cols["annual_inc"],
        "verification_status": cols["verification"],
        "dti": cols["dti"],
        "earliest_cr_line": cols["earliest_month"],
        "open_acc": cols["open_acc"],
        "pub_rec": cols["pub_rec"],
        "revol_bal": cols["revol_bal"],
        "revol_util": cols["revol_util"],
        "total_acc": cols["total_acc"],
        "initial_list_status": cols["list_w"].astype("int64"),
        "application_type": cols["application"],
        "mort_acc": cols["mort_acc"],
        "pub_rec_bankruptcies": cols["bankruptcies"],
        "report_d": issue_days - rng.integers(0, 31, n),
    }
    later = _later_reports(rng, cols, first, issue_days)
    merged = {name: np.concatenate([first[name], later[name]]) for name in first}
    order = np.lexsort((merged["id"], merged["report_d"]))
    rows = {name: values[order] for name, values in merged.items()}

    def text(values: Sequence[str], codes: np.ndarray) -> pd.Series:
        return _series(_take(values, np.maximum(codes, 0), codes < 0))

    frame = pd.DataFrame(
        {
            "id": rows["id"],
            "emp_title": text(titles, rows["emp_title"]),
            "emp_length": text(list(vocab.EMP_LENGTHS), rows["emp_length"]),
            "home_ownership": text(
                ["MORTGAGE", "RENT", "OWN", *vocab.HOME_RARE], rows["home_ownership"]
            ),
            "annual_inc": rows["annual_inc"],
            "verification_status": text(
                list(vocab.VERIFICATION_STATUSES), rows["verification_status"]
            ),
            "dti": rows["dti"],
            "earliest_cr_line": _month_starts(rows["earliest_cr_line"]),
            "open_acc": rows["open_acc"],
            "pub_rec": rows["pub_rec"],
            "revol_bal": rows["revol_bal"],
            "revol_util": rows["revol_util"],
            "total_acc": rows["total_acc"],
            "initial_list_status": text(["f", "w"], rows["initial_list_status"]),
            "application_type": text(
                ["INDIVIDUAL", "JOINT", "DIRECT_PAY"], rows["application_type"]
            ),
            "mort_acc": rows["mort_acc"],
            "pub_rec_bankruptcies": rows["pub_rec_bankruptcies"],
            "report_d": _days(rows["report_d"]),
        }
    )
    return frame.astype(APPLICANT_DTYPES)


def _later_reports(
    rng: np.random.Generator,
    cols: dict[str, Any],
    first: dict[str, np.ndarray],
    issue_days: np.ndarray,
) -> dict[str, np.ndarray]:
    """Credit reports pulled after the loan was issued (same columns as ``first``).

    About a third of the borrowers who defaulted and a tenth of those who repaid have
    one. After a default, public records and bankruptcies appear, utilisation and debt
    to income rise, mortgages are lost and accounts closed; after a repaid loan the
    changes are small and mostly favourable.
    """
    n = cols["n"]
    charged_off = cols["charged_off"]
    share = np.where(
        charged_off, _LATER_REPORT_SHARE["charged_off"], _LATER_REPORT_SHARE["fully_paid"]
    )
    rows = np.flatnonzero(rng.random(n) < share)
    k = len(rows)
    bad = charged_off[rows]
    later = {name: values[rows] for name, values in first.items()}

    # Defaults show up months after issue; repaid borrowers are re-checked later.
    delay_months = np.where(bad, rng.uniform(5.0, 30.0, k), rng.uniform(6.0, 40.0, k))
    delay_days = np.round(delay_months * 30.44).astype("int64") + rng.integers(0, 30, k)
    later["report_d"] = issue_days[rows] + delay_days

    new_records = np.where(
        bad,
        (rng.random(k) < 0.6).astype("int64") + (rng.random(k) < 0.15),
        (rng.random(k) < 0.02).astype("int64"),
    )
    later["pub_rec"] = later["pub_rec"] + new_records
    later["pub_rec_bankruptcies"] = later["pub_rec_bankruptcies"] + rng.binomial(new_records, 0.65)

    util = later["revol_util"]
    util_change = np.where(bad, rng.uniform(15.0, 45.0, k), -rng.uniform(0.0, 20.0, k))
    new_util = np.round(np.clip(util + util_change, 0.0, 150.0), 1)
    ratio = np.where(util > 0, new_util / np.where(util > 0, util, 1.0), 1.0)
    later["revol_util"] = new_util
    later["revol_bal"] = np.round(later["revol_bal"] * np.nan_to_num(ratio, nan=1.0))

    dti_change = np.where(bad, rng.uniform(4.0, 15.0, k), rng.normal(-1.5, 3.0, k))
    later["dti"] = np.round(np.clip(later["dti"] + dti_change, 0.0, 60.0), 2)

    lost = (rng.random(k) < 0.25).astype("float64")
    gained = (rng.random(k) < 0.15).astype("float64")
    later["mort_acc"] = np.maximum(later["mort_acc"] + np.where(bad, -lost, gained), 0.0)

    opened = np.where(bad, 0, rng.integers(0, 3, k))
    closed = np.where(bad, rng.integers(0, 3, k), 0)
    later["open_acc"] = np.maximum(later["open_acc"] + opened - closed, 0)
    later["total_acc"] = later["total_acc"] + opened
    return later


# --------------------------------------------------------------------------- joins


def point_in_time_join(data: LendingData) -> pd.DataFrame:
    """Each loan with the latest credit report dated on or before its issue date.

    This is what a model could have known when the loan was decided. Built with
    :func:`pandas.merge_asof` (``report_d <= issue_d`` per ``id``); the result has the
    loans' rows and order, the loan columns followed by the applicant columns (including
    ``report_d``). Loans without such a report get missing applicant values.
    """
    loans, applicants = _check_data(data)
    order = np.argsort(loans["issue_d"].to_numpy(), kind="stable")
    left = loans.take(order)
    right = applicants.sort_values("report_d", kind="stable")
    joined = pd.merge_asof(
        left,
        right,
        left_on="issue_d",
        right_on="report_d",
        by="id",
        direction="backward",
        allow_exact_matches=True,
    )
    # Back to the loans' row order and index.
    joined = joined.set_axis(order).sort_index()
    joined.index = loans.index
    return joined


def naive_latest_join(data: LendingData) -> pd.DataFrame:
    """Each loan with the latest credit report of its applicant, whatever its date.

    This is the mistake point-in-time joins prevent: for applicants with a report after
    the loan was issued, the features describe what happened *after* the decision
    (often after a default), so a model trained on them looks far better offline than
    it can be in production. Same shape and column order as :func:`point_in_time_join`.
    """
    loans, applicants = _check_data(data)
    latest = applicants.sort_values(["id", "report_d"], kind="stable").drop_duplicates(
        "id", keep="last"
    )
    joined = loans.merge(latest, on="id", how="left", validate="one_to_one")
    joined.index = loans.index
    return joined


def _check_data(data: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    if not isinstance(data, LendingData):
        raise InvalidInput(
            f"expected the LendingData returned by generate(), got {type(data).__name__}"
        )
    for name, frame, required in (
        ("loans", data.loans, ("id", "issue_d")),
        ("applicants", data.applicants, ("id", "report_d")),
    ):
        missing = [column for column in required if column not in frame.columns]
        if missing:
            raise InvalidInput(
                f"LendingData.{name} lacks the column(s) {missing}; "
                f"keep the columns generate() produced"
            )
    return data.loans, data.applicants


def model_inputs(joined: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Model features and label from a joined frame (either join above).

    Returns ``(X, y)``: ``X`` has :data:`NUMERIC_FEATURES` as float64 (missing values
    stay NaN for an imputer) and :data:`CATEGORICAL_FEATURES` as object columns with
    missing values replaced by ``"missing"``. Two columns are derived:
    ``credit_history_years`` (issue date minus earliest credit line) and ``zipcode``
    (from the address). ``y`` is 1 for "Charged Off" and 0 for "Fully Paid".
    """
    required = {
        "issue_d",
        "earliest_cr_line",
        "address",
        LABEL,
        *NUMERIC_FEATURES,
        *CATEGORICAL_FEATURES,
    } - {"credit_history_years", "zipcode"}
    missing = sorted(required - set(joined.columns))
    if missing:
        raise InvalidInput(
            f"model_inputs() needs the joined loans and applicants columns; missing "
            f"{missing}. Pass the result of point_in_time_join() or naive_latest_join()"
        )
    frame = joined.copy()
    history = frame["issue_d"] - frame["earliest_cr_line"]
    frame["credit_history_years"] = history.dt.total_seconds() / (365.25 * 86_400)
    frame["zipcode"] = zipcode(frame["address"])
    numeric = frame[list(NUMERIC_FEATURES)].astype("float64")
    categorical = frame[list(CATEGORICAL_FEATURES)].astype(object).fillna("missing")
    features = pd.concat([numeric, categorical], axis=1)
    label = (frame[LABEL] == CHARGED_OFF).astype("int64").rename(LABEL)
    return features, label


# ---------------------------------------------------------------------------- files


def _file_name(kind: str, year: int, month: int) -> str:
    return f"{kind}-{_MONTH_ABBREVIATIONS[month - 1]}-{year}.csv"


def _iso_utc(stamps: pa.ChunkedArray) -> pa.ChunkedArray:
    """Timestamps as ISO 8601 UTC text, with fractional seconds only where present."""
    utc = pc.cast(stamps, pa.timestamp(stamps.type.unit, tz="UTC"))
    try:
        utc = pc.cast(utc, pa.timestamp("s", tz="UTC"))  # exact: no fractional seconds
    except pa.ArrowInvalid:
        pass
    return pc.strftime(utc, format="%Y-%m-%dT%H:%M:%SZ")


def write_monthly_csv(data: LendingData, directory: str | Path) -> list[Path]:
    """Write one CSV per month and table: ``loans-Apr-2008.csv``, ``applicants-Apr-2008.csv``.

    Loans go to the month of ``issue_d``, credit reports to the month of ``report_d``
    (English month abbreviations whatever the locale); only months with rows get a file.
    The directory is created if needed and files of the same name are overwritten.
    Timestamps are written as ISO 8601 UTC (``2016-12-01T00:00:00Z``), text values in
    double quotes (addresses contain a line break), missing values as empty fields.
    Returns the written paths, loans first, each table in chronological order. Read a
    file back with :func:`read_month`.
    """
    loans, applicants = _check_data(data)
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    options = pacsv.WriteOptions(quoting_style="needed")
    written: list[Path] = []
    for kind, frame, column in (
        ("loans", loans, "issue_d"),
        ("applicants", applicants, "report_d"),
    ):
        stamps = frame[column]
        keys = stamps.dt.year.to_numpy() * 12 + stamps.dt.month.to_numpy() - 1
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        table = pa.Table.from_pandas(frame, preserve_index=False).take(pa.array(order))
        for index, name in enumerate(table.column_names):
            if pa.types.is_timestamp(table.schema.field(name).type):
                table = table.set_column(index, name, _iso_utc(table.column(name)))
        starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        ends = np.r_[starts[1:], len(sorted_keys)]
        for start, end in zip(starts, ends, strict=True):
            key = int(sorted_keys[start])
            path = target / _file_name(kind, key // 12, key % 12 + 1)
            pacsv.write_csv(table.slice(start, end - start), path, options)
            written.append(path)
    return written


def read_month(directory: str | Path, kind: str, year: int, month: int) -> pd.DataFrame:
    """Read one monthly file written by :func:`write_monthly_csv` with the right dtypes.

    ``kind`` is ``"loans"`` or ``"applicants"``; ``month`` is 1-12. Columns get the dtypes
    of :data:`LOAN_DTYPES` / :data:`APPLICANT_DTYPES` (timestamps tz-aware UTC, text
    ``str`` with missing values as NaN). Raises :class:`~mvps.errors.NotFound` if the
    file does not exist and :class:`~mvps.errors.InvalidInput` for a bad ``kind`` or
    ``month``.
    """
    dtypes = _KINDS.get(kind)
    if dtypes is None:
        raise InvalidInput(f"kind must be 'loans' or 'applicants', got {kind!r}")
    if isinstance(month, bool) or not isinstance(month, Integral) or not 1 <= month <= 12:
        raise InvalidInput(f"month must be an integer from 1 to 12, got {month!r}")
    if isinstance(year, bool) or not isinstance(year, Integral):
        raise InvalidInput(f"year must be an integer such as 2014, got {year!r}")
    path = Path(directory) / _file_name(kind, int(year), int(month))
    if not path.is_file():
        available = sorted(p.name for p in Path(directory).glob(f"{kind}-*.csv"))
        hint = f"; {len(available)} {kind} files exist there" if available else ""
        raise NotFound(
            f"no file {path.name} in {Path(directory)}{hint}; write the files with "
            f"write_monthly_csv() or pick a month that has {kind}"
        )
    return _read_csv(path, dtypes)


def _read_csv(path: Path, dtypes: Mapping[str, str]) -> pd.DataFrame:
    stamps = [column for column, dtype in dtypes.items() if dtype == _TIMESTAMP]
    plain = {column: dtype for column, dtype in dtypes.items() if dtype != _TIMESTAMP}
    frame = pd.read_csv(
        path,
        dtype={**plain, **dict.fromkeys(stamps, "str")},
        keep_default_na=False,
        na_values=[""],
    )
    for column in stamps:
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601").astype(_TIMESTAMP)
    return frame[list(dtypes)]
