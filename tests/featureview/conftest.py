from __future__ import annotations

import itertools

import pandas as pd
import pytest

import mvps


@pytest.fixture
def fs(home):
    project = mvps.login(project="fvtest")
    yield project.get_feature_store()
    mvps.logout()


_names = itertools.count()


def unique(name: str) -> str:
    return f"{name}_{next(_names)}"


def ts(*values: str) -> pd.Series:
    return pd.to_datetime(list(values), utc=True)


@pytest.fixture
def loan_groups(fs):
    """Two online groups like the workshop's: loans (labels) and applicants (changing)."""
    loans = pd.DataFrame(
        {
            "id": [1, 2, 3, 4],
            "issue_d": ts("2022-01-01", "2022-04-01", "2022-07-01", "2022-10-01"),
            "int_rate": [5.3, 2.3, 3.1, 4.3],
            "purpose": ["debt", "wedding", "card", "debt"],
            "loan_amnt": [142.0, 12.0, 66.0, 112.0],
            "loan_status": ["paid", "off", "off", "paid"],
        }
    )
    applicants = pd.DataFrame(
        {
            "id": [1, 2, 2, 3, 4],
            "report_d": ts("2021-01-01", "2022-01-01", "2022-05-01", "2020-01-01", "2023-01-01"),
            "home": ["mortgage", "rent", "own", "mortgage", "own"],
            "annual_inc": [100.0, 200.0, 900.0, 300.0, 400.0],
        }
    )
    fl = fs.create_feature_group(
        "loans", version=1, primary_key=["id"], event_time="issue_d", online_enabled=True
    )
    fl.insert(loans)
    fa = fs.create_feature_group(
        "applicants", version=1, primary_key=["id"], event_time="report_d", online_enabled=True
    )
    fa.insert(applicants)
    return fl, fa
