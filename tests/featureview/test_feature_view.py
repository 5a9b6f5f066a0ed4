"""Feature views: training data versions, splits, transformations, batch data, vectors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mvps.builtin_transformations import (
    label_encoder,
    min_max_scaler,
    one_hot_encoder,
    robust_scaler,
    standard_scaler,
)
from mvps.errors import InvalidInput, NotFound
from mvps.transformation import TransformationStatistics, udf

from .conftest import ts


@pytest.fixture
def fv(fs, loan_groups):
    fl, fa = loan_groups
    query = fl.select_except(["issue_d", "id"]).join(fa.select_except(["report_d", "id"]))
    return fs.create_feature_view(
        name="loans_approvals",
        version=1,
        description="Loan applicant data",
        labels=["loan_status"],
        query=query,
    )


def test_create_get_and_schema(fs, fv):
    assert fs.get_feature_view("loans_approvals", 1).name == "loans_approvals"
    assert [f.name for f in fv.schema] == [
        "int_rate",
        "purpose",
        "loan_amnt",
        "loan_status",
        "home",
        "annual_inc",
    ]
    assert [f.name for f in fv.features if f.label] == ["loan_status"]
    assert fv.primary_keys == {"id"}
    assert [k.required for k in fv.serving_keys] == [True, False]
    again = fs.get_or_create_feature_view("loans_approvals", fv.query, version=1)
    assert again.version == 1
    v2 = fs.create_feature_view("loans_approvals", fv.query, labels=["loan_status"])
    assert v2.version == 2
    assert [v.version for v in fs.get_feature_views("loans_approvals")] == [1, 2]
    v2.delete()
    with pytest.raises(NotFound):
        fs.get_feature_view("loans_approvals", 2)


def test_training_data_labels_and_pit(fv):
    x, y = fv.training_data(primary_key=True, event_time=True)
    assert "loan_status" not in x.columns and list(y.columns) == ["loan_status"]
    assert list(x.columns[:2]) == ["id", "issue_d"]
    got = dict(zip(x["id"], x["annual_inc"], strict=True))
    assert got[2] == 200.0  # the report before the loan, not the later one
    assert np.isnan(got[4])


def test_td_version_returns_same_rows_after_new_inserts(fs, fv, loan_groups):
    fl, fa = loan_groups
    x_tr, x_te, y_tr, y_te = fv.train_test_split(test_size=0.5, seed=7, primary_key=True)
    v = fv.get_last_accessed_training_dataset()
    fl.insert(
        pd.DataFrame(
            {
                "id": [5, 1],
                "issue_d": ts("2022-11-01", "2022-01-01"),
                "int_rate": [9.9, 1.0],
                "purpose": ["car", "car"],
                "loan_amnt": [5.0, 1.0],
                "loan_status": ["paid", "off"],
            }
        )
    )
    fa.insert(
        pd.DataFrame(
            {"id": [1], "report_d": ts("2021-06-01"), "home": ["rent"], "annual_inc": [5.0]}
        )
    )
    a, b, c, d = fv.get_train_test_split(v, primary_key=True)
    pd.testing.assert_frame_equal(a, x_tr)
    pd.testing.assert_frame_equal(b, x_te)
    pd.testing.assert_frame_equal(c, y_tr)
    pd.testing.assert_frame_equal(d, y_te)
    # a new version sees the new data
    x_new, _ = fv.training_data(primary_key=True)
    assert 5 in set(x_new["id"])
    tds = fv.get_training_datasets()
    assert [t.version for t in tds] == [1, 2] and tds[0].seed == 7
    assert tds[0].feature_group_versions == {"loans_1": 0, "applicants_1": 0}


def test_materialised_split_and_statistics(fv):
    version, job = fv.create_train_validation_test_split(
        validation_size=0.25, test_size=0.25, seed=3
    )
    assert job is None
    xs = fv.get_train_validation_test_split(version)
    assert [len(x) for x in xs[:3]] == [2, 1, 1]
    stats = fv.get_training_dataset_statistics(version)
    assert {s.split_name for s in stats.split_statistics} == {"train", "validation", "test"}
    fv.purge_training_data(version)
    with pytest.raises(NotFound, match="recreate"):
        fv.get_train_validation_test_split(version)
    fv.recreate_training_dataset(version)
    again = fv.get_train_validation_test_split(version)
    pd.testing.assert_frame_equal(again[0], xs[0])
    fv.delete_training_dataset(version)
    with pytest.raises(NotFound):
        fv.get_train_validation_test_split(version)


def test_time_split(fv):
    x_tr, x_te, y_tr, y_te = fv.train_test_split(
        train_start="2022-01-01",
        train_end="2022-06-01",
        test_start="2022-06-01",
        test_end="2023-01-01",
        event_time=True,
    )
    assert (x_tr["issue_d"] < pd.Timestamp("2022-06-01", tz="UTC")).all()
    assert (x_te["issue_d"] >= pd.Timestamp("2022-06-01", tz="UTC")).all()
    assert len(x_tr) == 2 and len(x_te) == 2


def test_batch_data_time_range_and_no_labels(fv):
    df = fv.get_batch_data(start_time="2022-04-01", end_time="2022-10-01", primary_key=True)
    assert sorted(df["id"]) == [2, 3]
    assert "loan_status" not in df.columns
    assert "WHERE" in fv.get_batch_query("2022-04-01", "2022-10-01")


@pytest.mark.parametrize("dataframe_type", ["pandas", "polars", "pyarrow", "numpy", "python"])
def test_dataframe_types(fv, dataframe_type):
    x, y = fv.training_data(dataframe_type=dataframe_type)
    assert len(x) == 4


def test_feature_vector_and_passed_features(fv):
    assert fv.get_feature_vector({"id": 2}) == [2.3, "wedding", 12.0, "own", 900.0]
    vec = fv.get_feature_vector({"id": 2}, passed_features={"loan_amnt": 99.0})
    assert vec[2] == 99.0
    # a new loan application: the loan's features come from the form
    new = fv.get_feature_vector(
        {"id": 1}, passed_features={"int_rate": 1.0, "purpose": "car", "loan_amnt": 10.0}
    )
    assert new == [1.0, "car", 10.0, "mortgage", 100.0]
    df = fv.get_feature_vectors([{"id": 1}, {"id": 3}], return_type="pandas")
    assert list(df["home"]) == ["mortgage", "mortgage"]
    arr = fv.get_feature_vector({"id": 1}, return_type="numpy")
    assert arr.shape == (5,)
    assert fv.get_feature_vector({"id": 1}, return_type="pandas").shape == (1, 5)


def test_feature_vector_missing_and_wrong_keys(fv, fs):
    with pytest.raises(NotFound, match="no online row"):
        fv.get_feature_vector({"id": 42})
    assert fv.get_feature_vector({"id": 42}, allow_missing=True) == [None] * 5
    with pytest.raises(InvalidInput, match="missing serving key"):
        fv.get_feature_vector({})
    with pytest.raises(InvalidInput, match="unknown serving key"):
        fv.get_feature_vector({"id": 1, "nope": 3})
    # missing in every group: skipped; found rows are returned
    assert len(fv.get_feature_vectors([{"id": 1}, {"id": 42}])) == 1


@udf(float)
def plus_mean(loan_amnt, statistics=TransformationStatistics("loan_amnt")):
    return loan_amnt + statistics.loan_amnt.mean


def test_transformations_agree_in_training_batch_and_online(fs, loan_groups):
    fl, fa = loan_groups
    fv = fs.create_feature_view(
        "transformed",
        version=1,
        query=fl.select_except(["issue_d"]).join(fa.select_except(["report_d", "id"])),
        labels=["loan_status"],
        transformation_functions=[
            min_max_scaler("loan_amnt"),
            standard_scaler("int_rate"),
            robust_scaler("annual_inc"),
            label_encoder("purpose"),
            one_hot_encoder("home"),
            plus_mean("loan_amnt"),
        ],
    )
    x, y = fv.training_data()
    assert "loan_amnt" not in x.columns and "min_max_scaler_loan_amnt_" in x.columns
    assert (
        x["min_max_scaler_loan_amnt_"].min() == 0.0 and x["min_max_scaler_loan_amnt_"].max() == 1.0
    )
    assert {"one_hot_encoder_home_0", "one_hot_encoder_home_1"} <= set(x.columns)
    mean = pd.Series([142.0, 12.0, 66.0, 112.0]).mean()
    fv.init_serving(1)
    fv.init_batch_scoring(1)
    batch = fv.get_batch_data(primary_key=True).set_index("id")
    # rows whose newest applicant report is also the point-in-time one (2 has a later report)
    for row_id in (1, 3):
        vec = fv.get_feature_vector({"id": row_id}, return_type="pandas").iloc[0]
        train_row = x[x["id"] == row_id].iloc[0]
        for col in vec.index:
            if col == "id":
                continue
            a, b, c = vec[col], batch.loc[row_id, col], train_row[col]
            if isinstance(a, float | np.floating):
                assert a == pytest.approx(b) and a == pytest.approx(c), col
            else:
                assert a == b == c, col
    vec = fv.get_feature_vector({"id": 1}, transform=False, return_type="pandas")
    assert fv.get_feature_vector({"id": 1})[-1] == pytest.approx(142.0 + mean)
    assert fv.transform(vec.iloc[0].tolist()) == fv.get_feature_vector({"id": 1})


def test_transformation_statistics_come_from_train_split(fs, loan_groups):
    fl, _ = loan_groups
    fv = fs.create_feature_view(
        "mm",
        version=1,
        query=fl.select_all(),
        labels=["loan_status"],
        transformation_functions=[min_max_scaler("loan_amnt")],
    )
    x_tr, x_te, _, _ = fv.train_test_split(test_size=0.5, seed=1)
    assert (
        x_tr["min_max_scaler_loan_amnt_"].min() == 0.0
        and x_tr["min_max_scaler_loan_amnt_"].max() == 1.0
    )
    assert len(x_te) == 2


def test_label_transformation_applies_to_y(fs, loan_groups):
    fl, _ = loan_groups
    fv = fs.create_feature_view(
        "lab",
        version=1,
        query=fl.select_all(),
        labels=["loan_status"],
        transformation_functions=[label_encoder("loan_status")],
    )
    x, y = fv.training_data()
    assert list(y.columns) == ["label_encoder_loan_status_"]
    assert set(y.iloc[:, 0]) == {0, 1}
    assert "label_encoder_loan_status_" not in fv.get_batch_data().columns


def test_udf_stored_and_reloaded(fs, loan_groups):
    fl, _ = loan_groups
    fs.create_feature_view(
        "stored_udf",
        version=1,
        query=fl.select_all(),
        labels=["loan_status"],
        transformation_functions=[plus_mean("loan_amnt")],
    )
    fv = fs.get_feature_view("stored_udf", 1)
    x, _ = fv.training_data()
    assert "plus_mean_loan_amnt_" in x.columns


def test_on_demand_transformation_at_insert_and_serving(fs):
    @udf(float)
    def amount_per_day(amount, days):
        return amount / days

    fg = fs.create_feature_group(
        "odt",
        version=1,
        primary_key=["id"],
        event_time="t",
        online_enabled=True,
        transformation_functions=[amount_per_day("amount", "days")],
    )
    fg.insert(pd.DataFrame({"id": [1], "t": ts("2024-01-01"), "amount": [10.0], "days": [2.0]}))
    assert fg.read()["amount_per_day"][0] == 5.0
    fv = fs.create_feature_view(
        "odt_view", version=1, query=fg.select(["amount", "days", "amount_per_day"])
    )
    assert fv.get_feature_vector({"id": 1}) == [10.0, 2.0, 5.0]
    vec = fv.get_feature_vector({"id": 1}, request_parameters={"amount": 30.0, "days": 3.0})
    assert vec[-1] == 10.0


def test_bad_input(fs, fv, loan_groups):
    fl, fa = loan_groups
    q = fl.select_all().join(fa.select(["home"]))
    with pytest.raises(InvalidInput, match="not in the query"):
        fs.create_feature_view("bad", q, labels=["nope"])
    with pytest.raises(InvalidInput, match="not in the query"):
        fs.create_feature_view("bad", q, inference_helper_columns=["nope"])
    with pytest.raises(InvalidInput, match="between 0 and 1"):
        fv.train_test_split(test_size=1.5)
    with pytest.raises(InvalidInput, match="must be before"):
        fv.training_data(start_time="2023-01-01", end_time="2022-01-01")
    with pytest.raises(InvalidInput, match="cannot parse"):
        fv.training_data(start_time="yesterday-ish")
    with pytest.raises(NotFound, match="no training dataset version 99"):
        fv.get_training_data(99)
    with pytest.raises(InvalidInput, match="unknown dataframe_type"):
        fv.training_data(dataframe_type="excel")
    other = fs.create_feature_group("other", version=1, primary_key=["other_id"], event_time="t")
    other.insert(pd.DataFrame({"other_id": ["x"], "t": ts("2024-01-01"), "v": [1]}))
    with pytest.raises(InvalidInput, match="no common key"):
        fl.select_all().join(other.select_all())
    with pytest.raises(InvalidInput, match="different types"):
        fl.select_all().join(other.select_all(), left_on=["id"], right_on=["other_id"])
    with pytest.raises(InvalidInput, match="unknown feature"):
        from mvps.feature import Feature

        fl.select_all().filter(Feature("ghost") > 1).read()
    tds_before = len(fv.get_training_datasets())
    with pytest.raises(InvalidInput):
        fv.train_test_split(test_size=0)
    assert len(fv.get_training_datasets()) == tds_before  # bad input stores nothing


def test_pandas_vector_has_training_dtypes(fv):
    df = fv.get_feature_vector({"id": 42}, allow_missing=True, return_type="pandas")
    x, _ = fv.training_data()
    assert df["annual_inc"].dtype == x["annual_inc"].dtype == "float64"
    assert np.isnan(df["annual_inc"][0])


def test_unknown_passed_feature_warns(fv):
    with pytest.warns(UserWarning, match="not a feature"):
        fv.get_feature_vector({"id": 1}, passed_features={"zip_cod": "12345"})


def test_online_query_needs_online_groups(fs):
    off = fs.create_feature_group("offline_only", version=1, primary_key=["id"])
    off.insert(pd.DataFrame({"id": [1], "v": [1.0]}))
    with pytest.raises(InvalidInput, match="not online-enabled"):
        off.select_all().read(online=True)


def test_as_of_on_group_without_data_is_empty(fs):
    from mvps.feature import Feature

    empty = fs.create_feature_group(
        "declared_only",
        version=1,
        primary_key=["id"],
        features=[Feature("id", "bigint"), Feature("v", "double")],
    )
    empty.save()
    assert len(empty.select_all().as_of("2024-01-01").read()) == 0
