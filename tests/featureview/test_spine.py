"""Spines: training and batch data for any rows of keys and times (plain Python)."""

from __future__ import annotations

import pandas as pd
import pytest

from mvps.errors import InvalidInput

from .conftest import ts


@pytest.fixture
def fv(fs, loan_groups):
    fl, fa = loan_groups
    return fs.create_feature_view(
        "spined",
        version=1,
        query=fl.select(["loan_status"]).join(fa.select(["annual_inc"])),
        labels=["loan_status"],
    )


def test_batch_data_for_a_spine(fv):
    spine = pd.DataFrame({"id": [2, 2], "issue_d": ts("2022-02-01", "2022-06-01")})
    df = fv.get_batch_data(spine=spine, primary_key=True, event_time=True)
    # the same applicant at two times gets the report valid at each time
    assert list(df["annual_inc"]) == [200.0, 900.0]


def test_training_data_from_a_spine_group_is_reproducible(fs, fv, loan_groups):
    _, fa = loan_groups
    spine = fs.get_or_create_spine_group(
        "loan_spine",
        version=1,
        primary_key=["id"],
        event_time="issue_d",
        dataframe=pd.DataFrame(
            {
                "id": [1, 2, 3],
                "issue_d": ts("2022-03-01", "2022-06-01", "2022-07-01"),
                "loan_status": ["paid", "off", "paid"],
            }
        ),
    )
    x, y = fv.training_data(spine=spine, primary_key=True)
    assert list(x["annual_inc"]) == [100.0, 900.0, 300.0] and list(y["loan_status"]) == [
        "paid",
        "off",
        "paid",
    ]
    v = fv.get_last_accessed_training_dataset()
    fa.insert(
        pd.DataFrame(
            {"id": [3], "report_d": ts("2022-06-15"), "home": ["own"], "annual_inc": [1.0]}
        )
    )
    x2, y2 = fv.get_training_data(v, primary_key=True)
    pd.testing.assert_frame_equal(x, x2)
    assert fs.get_or_create_spine_group("loan_spine", version=1).primary_key == ["id"]


def test_spine_without_needed_columns_is_refused(fv):
    with pytest.raises(InvalidInput, match="lacks column"):
        fv.get_batch_data(spine=pd.DataFrame({"id": [1]}))
