"""Feature pipeline: monthly LendingClub files -> the ``loans`` and ``applicants`` feature groups.

Step 2 and 3 of the MVPS: the data sources are two monthly CSV exports,
``data/loans-Sep-2016.csv`` (loans issued that month, with their outcome) and
``data/applicants-Sep-2016.csv`` (credit reports pulled that month). This pipeline
turns them into features with the functions in ``features/`` and writes them to
two feature groups, each validated by an expectation suite on the way in.

    python -m pipelines.feature_pipeline --generate --scale 0.1    # synthetic source files
    python -m pipelines.feature_pipeline --backfill --until 2016-06
    python -m pipelines.feature_pipeline --month 2016-07           # one month, incremental

Every run is a commit of each feature group: the backfill is one commit, each
month another, so the history of the data is visible (and readable back with
``fg.read(wallclock_time=...)``).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from mvps.datasets import lending
from mvps.validation import ExpectationConfiguration, ExpectationSuite

from features import applicants, loans
from pipelines import DATA_DIR, login

MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
GRADES = ("A", "B", "C", "D", "E", "F", "G")
LOAN_STATUSES = ("Fully Paid", "Charged Off")


# ---------------------------------------------------------------------------- sources


def generate(scale: float = 1.0, seed: int = 42, data_dir: Path = DATA_DIR) -> list[Path]:
    """Write synthetic monthly source files (``scale=1.0``: about 396,000 loans)."""
    data = lending.generate(scale=scale, seed=seed)
    return lending.write_monthly_csv(data, data_dir)


def source_months(kind: str, data_dir: Path = DATA_DIR) -> list[str]:
    """The months (``"2016-09"``) that have a ``<kind>-<Mon>-<year>.csv`` file, oldest first."""
    months = []
    for path in data_dir.glob(f"{kind}-*-*.csv"):
        _, name, year = path.stem.split("-")
        months.append(f"{year}-{MONTH_NAMES.index(name) + 1:02d}")
    return sorted(months)


def read_source(kind: str, month: str, data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """One monthly file (``kind`` is ``"loans"`` or ``"applicants"``, ``month`` ``"2016-09"``)."""
    year, number = (int(part) for part in month.split("-"))
    return lending.read_month(data_dir, kind, year, number)


# ---------------------------------------------------------------------------- features


def loan_features(raw: pd.DataFrame) -> pd.DataFrame:
    """Features of loans: the zip code replaces the address, the term becomes months.

    Free text (the loan title and the address) is dropped: too many distinct values
    to be a useful feature, and personal data besides.
    """
    df = raw.drop(columns=["title", "address"])
    df["term"] = loans.term_months(raw["term"])
    df["zip_code"] = loans.zipcode(raw["address"])
    return df


def applicant_features(raw: pd.DataFrame) -> pd.DataFrame:
    """Features of credit reports: a bankruptcy flag and the length of the credit history.

    ``earliest_cr_line`` is kept as a feature (a date); ``report_d``, the date of the
    report, is the event time that point-in-time joins use. The free-text job title
    is dropped.
    """
    df = raw.drop(columns=["emp_title"])
    df["pub_rec_bankruptcies"] = applicants.pub_rec_bankruptcies(raw["pub_rec_bankruptcies"])
    df["credit_history_years"] = applicants.credit_history_years(
        raw["earliest_cr_line"], raw["report_d"]
    )
    return df


# ---------------------------------------------------------------------------- validation


def _expect(kind: str, **kwargs: Any) -> ExpectationConfiguration:
    return ExpectationConfiguration(expectation_type=f"expect_{kind}", kwargs=kwargs)


def loans_expectation_suite() -> ExpectationSuite:
    """What every batch of loans must satisfy; with STRICT, a failing batch is not written."""
    return ExpectationSuite(
        expectation_suite_name="loans_suite",
        validation_ingestion_policy="STRICT",
        expectations=[
            _expect("column_values_to_not_be_null", column="id"),
            _expect("column_values_to_be_unique", column="id"),
            _expect(
                "column_values_to_be_between", column="loan_amnt", min_value=0, strict_min=True
            ),
            _expect("column_values_to_be_between", column="int_rate", min_value=0, max_value=40),
            _expect("column_values_to_be_in_set", column="term", value_set=list(loans.TERMS)),
            _expect("column_values_to_be_in_set", column="grade", value_set=list(GRADES)),
            _expect("column_values_to_be_in_set", column="purpose", value_set=list(loans.PURPOSES)),
            _expect("column_values_to_match_regex", column="zip_code", regex=r"^\d{5}$"),
            _expect("column_values_to_not_be_null", column="loan_status"),
            _expect(
                "column_values_to_be_in_set", column="loan_status", value_set=list(LOAN_STATUSES)
            ),
        ],
    )


def applicants_expectation_suite() -> ExpectationSuite:
    """What every batch of credit reports must satisfy."""
    return ExpectationSuite(
        expectation_suite_name="applicants_suite",
        validation_ingestion_policy="STRICT",
        expectations=[
            _expect("column_values_to_not_be_null", column="id"),
            _expect("column_values_to_be_between", column="annual_inc", min_value=0),
            _expect("column_values_to_be_between", column="dti", min_value=0),
            _expect("column_values_to_be_between", column="revol_util", min_value=0),
            _expect(
                "column_values_to_be_in_set", column="pub_rec_bankruptcies", value_set=[0.0, 1.0]
            ),
            _expect(
                "column_values_to_be_in_set",
                column="home_ownership",
                value_set=list(applicants.HOME_OWNERSHIP),
            ),
        ],
    )


# ---------------------------------------------------------------------------- feature groups


def feature_groups(fs: Any) -> tuple[Any, Any]:
    """The ``loans`` and ``applicants`` feature groups (created on first use)."""
    loans_fg = fs.get_or_create_feature_group(
        name="loans",
        version=1,
        description="LendingClub loans: amount, term, rate, purpose, zip code and outcome",
        online_enabled=True,
        primary_key=["id"],
        event_time="issue_d",
        expectation_suite=loans_expectation_suite(),
    )
    applicants_fg = fs.get_or_create_feature_group(
        name="applicants",
        version=1,
        description="Credit reports of loan applicants, valid from report_d on",
        online_enabled=True,
        primary_key=["id"],
        event_time="report_d",
        expectation_suite=applicants_expectation_suite(),
    )
    return loans_fg, applicants_fg


def ingest(fs: Any, raw_loans: pd.DataFrame, raw_applicants: pd.DataFrame) -> dict[str, int]:
    """Compute features and insert them; returns the rows written per group."""
    loans_fg, applicants_fg = feature_groups(fs)
    written = {}
    for fg, raw, compute in (
        (loans_fg, raw_loans, loan_features),
        (applicants_fg, raw_applicants, applicant_features),
    ):
        if len(raw):
            fg.insert(compute(raw))
        written[fg.name] = len(raw)
    return written


def backfill(fs: Any, until: str | None = None, data_dir: Path = DATA_DIR) -> dict[str, int]:
    """Insert every month up to ``until`` (``"2016-06"``, inclusive; default: all) at once."""
    frames = {}
    for kind in ("loans", "applicants"):
        months = [m for m in source_months(kind, data_dir) if until is None or m <= until]
        if not months:
            raise SystemExit(
                f"no {kind} files in {data_dir}; create them with "
                "python -m pipelines.feature_pipeline --generate"
            )
        frames[kind] = pd.concat(
            [read_source(kind, m, data_dir) for m in months], ignore_index=True
        )
    return ingest(fs, frames["loans"], frames["applicants"])


def run_month(fs: Any, month: str, data_dir: Path = DATA_DIR) -> dict[str, int]:
    """Insert one month (``"2016-09"``): the loans issued and the credit reports pulled then."""
    raw = {}
    for kind in ("loans", "applicants"):
        if month in source_months(kind, data_dir):
            raw[kind] = read_source(kind, month, data_dir)
        else:
            raw[kind] = pd.DataFrame()
    if not any(len(df) for df in raw.values()):
        raise SystemExit(f"no source files for {month} in {data_dir}")
    return ingest(fs, raw["loans"], raw["applicants"])


# ---------------------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generate", action="store_true", help="write synthetic source files")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = about 396,000 loans")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--backfill", action="store_true", help="insert all months at once")
    parser.add_argument("--until", help="last month of the backfill, e.g. 2016-06")
    parser.add_argument("--month", action="append", default=[], help="insert one month, 2016-09")
    args = parser.parse_args(argv)
    if not (args.generate or args.backfill or args.month):
        parser.error("nothing to do: pass --generate, --backfill and/or --month YYYY-MM")
    if args.generate:
        start = time.perf_counter()
        files = generate(args.scale, args.seed)
        print(f"wrote {len(files)} files to {DATA_DIR} in {time.perf_counter() - start:.1f}s")
    fs = login().get_feature_store() if (args.backfill or args.month) else None
    if args.backfill:
        start = time.perf_counter()
        rows = backfill(fs, args.until)
        print(
            f"backfill up to {args.until or 'the last month'}: {rows} "
            f"in {time.perf_counter() - start:.1f}s"
        )
    for month in args.month:
        start = time.perf_counter()
        rows = run_month(fs, month)
        print(f"{month}: {rows} in {time.perf_counter() - start:.1f}s")


if __name__ == "__main__":
    main()
