"""Unit tests of the feature functions: single values and vectorised Series agree."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from features import applicants, loans


def test_zipcode_is_the_last_five_digits_of_the_address() -> None:
    assert loans.zipcode("0174 Michelle Gateway\r\nMendozaberg, OK 22690") == "22690"
    assert loans.zipcode("USNS Johnson\r\nFPO AE 05113-1234") == "05113"
    assert loans.zipcode("no zip code here") is None
    assert loans.zipcode(None) is None


def test_zipcode_on_a_series_matches_single_values() -> None:
    addresses = pd.Series(["1 Main St\r\nTown, CA 93700", "PSC 1234, Box 5\r\nAPO AP 70466", None])
    result = loans.zipcode(addresses)
    assert result.iloc[:2].tolist() == ["93700", "70466"]
    assert pd.isna(result.iloc[2])


def test_term_months() -> None:
    assert loans.term_months(" 36 months") == 36
    assert loans.term_months(60) == 60
    assert loans.term_months(pd.Series([" 36 months", " 60 months"])).tolist() == [36, 60]
    with pytest.raises(ValueError):
        loans.term_months("forever")


def test_installment_is_the_amortised_monthly_payment() -> None:
    assert loans.installment(10_000, 12.0, 36) == pytest.approx(332.14, abs=0.01)
    assert loans.installment(12_000, 0.0, 60) == pytest.approx(200.0)
    series = loans.installment(
        pd.Series([10_000.0, 12_000.0]), pd.Series([12.0, 0.0]), pd.Series([36, 60])
    )
    assert series.tolist() == pytest.approx([332.14, 200.0], abs=0.01)


def test_pub_rec_bankruptcies_is_a_flag() -> None:
    assert applicants.pub_rec_bankruptcies(0) == 0.0
    assert applicants.pub_rec_bankruptcies(3) == 1.0
    assert math.isnan(applicants.pub_rec_bankruptcies(None))
    flags = applicants.pub_rec_bankruptcies(pd.Series([0.0, 1.0, 2.0, None]))
    assert flags.iloc[:3].tolist() == [0.0, 1.0, 1.0]
    assert pd.isna(flags.iloc[3])


def test_credit_history_years_is_measured_at_the_report_date() -> None:
    first = pd.Timestamp("2000-01-01", tz="UTC")
    report = pd.Timestamp("2010-01-01", tz="UTC")
    assert applicants.credit_history_years(first, report) == pytest.approx(10.0, abs=0.01)
    series = applicants.credit_history_years(pd.Series([first, first]), pd.Series([report, first]))
    assert series.tolist() == pytest.approx([10.0, 0.0], abs=0.01)
