"""The workshop's code runs as written with ``import mvps as hopsworks``.

Each block below is a snippet of the workshop slides, unchanged except that imports of
``hsfs.*`` become ``mvps.*``; what the slides leave out (the dataframes, the expectation
suite, variables such as ``fv_version``) is defined around them.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest


@pytest.fixture
def workdir(home, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    os.makedirs("lending_model", exist_ok=True)
    yield tmp_path
    import mvps

    mvps.logout()


def _data(n: int = 200) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(0)
    ids = np.arange(n)
    issue = pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 300, n), unit="D")
    risk = rng.normal(size=n)
    loans_df = pd.DataFrame(
        {
            "id": ids,
            "issue_d": issue,
            "int_rate": 5 + 2 * risk + rng.normal(size=n),
            "purpose": rng.choice(["debt_consolidation", "wedding", "credit_card"], n),
            "loan_amnt": rng.uniform(100, 10000, n),
            "loan_status": (risk + rng.normal(size=n) > 0.8).astype(int),
        }
    )
    applicants_df = pd.DataFrame(
        {
            "id": ids,
            "earliest_cr_line": issue - pd.to_timedelta(rng.integers(400, 4000, n), unit="D"),
            "verification_status": rng.choice(["Verified", "Not Verified", "Source Verified"], n),
            "home_ownership": rng.choice(["mortgage", "rent", "own"], n),
            "annual_inc": rng.lognormal(11, 0.5, n) - 5000 * risk,
        }
    )
    applicants_df["earliest_cr_line_year"] = applicants_df["earliest_cr_line"].dt.year
    return loans_df, applicants_df


def test_workshop_fti_pipelines(workdir):
    loans_source, applicants_source = _data()
    from mvps.expectation_suite import ExpectationSuite

    expectation_suite = ExpectationSuite(
        expectation_suite_name="loans",
        expectations=[
            {"expectation_type": "expect_column_values_to_not_be_null", "kwargs": {"column": "id"}}
        ],
    )

    import mvps as hopsworks

    project = hopsworks.login()
    fs = project.get_feature_store()

    # --- Loans/Applicants Feature Pipeline in Pandas
    def main():
        loans_df = loans_source  # 1. read today's loans data in as a Pandas DataFrame

        # 2. create features for loans in Pandas DataFrame

        loans_fg = fs.get_or_create_feature_group(
            name="loans",
            version=1,
            description="Lending Club Loans",
            online_enabled=True,
            primary_key=["id"],
            event_time="issue_d",
            expectation_suite=expectation_suite,
        )
        loans_fg.insert(loans_df)  # 3. write Pandas DataFrame to Feature Group

        applicants_df = applicants_source  # 1. read today's applicants data

        applicants_fg = fs.get_or_create_feature_group(
            name="applicants",
            version=1,
            description="Loan Applicants",
            online_enabled=True,
            primary_key=["id"],
            event_time="earliest_cr_line",
            partition_key=["earliest_cr_line_year"],
        )
        applicants_fg.insert(applicants_df)  # 3. write DataFrame to Feature Group

    main()

    # --- Feature Selection - create a Feature View
    fg_loans = fs.get_feature_group(name="loans", version=1)
    fg_applicants = fs.get_feature_group(name="applicants", version=1)
    query = fg_loans.select_except(["issue_d", "id"]).join(
        fg_applicants.select_except(["earliest_cr_line", "id"])
    )

    fv = fs.create_feature_view(
        name="loans_approvals",
        version=1,
        description="Loan applicant data",
        labels=["loan_status"],
        query=query,
    )

    # --- get train & test set, model-dependent encoding, train
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    X_train, X_test, y_train, y_test = fv.train_test_split(test_size=0.2)
    cols = list(X_train.columns)
    numeric_feature_ids = [
        cols.index(c) for c in ("int_rate", "loan_amnt", "annual_inc", "earliest_cr_line_year")
    ]
    categorical_feature_ids = [
        cols.index(c) for c in ("purpose", "verification_status", "home_ownership")
    ]

    numeric_transformer = Pipeline(
        steps=[("imputer", SimpleImputer(strategy="median")), ("scaler", StandardScaler())]
    )
    categorical_transformer = Pipeline(steps=[("encoder", OneHotEncoder(handle_unknown="ignore"))])
    preprocessor = ColumnTransformer(
        transformers=[
            ("num", numeric_transformer, numeric_feature_ids),
            ("cat", categorical_transformer, categorical_feature_ids),
        ]
    )
    clf = Pipeline(steps=[("preprocessor", preprocessor), ("classifier", LogisticRegression())])
    clf.fit(X_train, y_train["loan_status"].ravel())

    # --- Store Models in a Model Registry
    import joblib

    from mvps.model_schema import ModelSchema
    from mvps.schema import Schema

    mr = project.get_model_registry()
    accuracy = roc_auc_score(y_test, clf.predict(X_test))
    joblib.dump(clf, "lending_model/lending_model.pkl")
    input_schema = Schema(X_test)
    output_schema = Schema(y_test)
    fraud_model = mr.sklearn.create_model(
        "lending_model",
        metrics={"accuracy": accuracy},
        input_example=X_test.sample().to_numpy(),
        model_schema=ModelSchema(input_schema=input_schema, output_schema=output_schema),
    )
    fraud_model.save("lending_model")

    # --- Batch inference pipeline
    fv_version, model_version = 1, 1
    fv = fs.get_feature_view(name="loans_approvals", version=fv_version)
    feature_view = fv
    df = feature_view.get_batch_data()
    mr = project.get_model_registry()
    model = mr.get_model("lending_model", version=model_version)
    model_dir = model.download()
    model = joblib.load(model_dir + "/lending_model.pkl")
    predictions_df = model.predict(df)
    assert len(predictions_df) == len(df) == 200

    # --- Online inference: precomputed and user-supplied features
    def approve_loan(id, term, purpose, zip_code, loan_amnt, int_rate):
        arr = fv.get_feature_vector(
            {"id": id},
            passed_features={
                "term": term,
                "purpose": purpose,
                "zip_code": zip_code,
                "loan_amnt": loan_amnt,
                "int_rate": int_rate,
            },
        )
        y_pred = model.predict(np.asarray(arr, dtype=object).reshape(1, -1))
        return y_pred

    assert approve_loan(3, " 36 months", "wedding", "22690", 1000.0, 5.0)[0] in (0, 1)


def test_workshop_schema_evolution_and_time_travel_slides(workdir):
    import mvps as hopsworks

    project = hopsworks.login()
    fs = project.get_feature_store()
    example = fs.create_feature_group(name="example", version=1, primary_key=["ex_id"])
    example.insert(pd.DataFrame({"ex_id": [1, 2], "amount": [1.0, 2.0]}))

    # --- non-breaking schema change
    from mvps.feature import Feature

    features = [
        Feature(name="id", type="int", online_type="int"),
        Feature(name="name", type="string", online_type="varchar(20)"),
    ]

    fg = fs.get_feature_group(name="example", version=1)
    fg.append_features(features)

    # --- breaking schema change: a new version, backfilled from the previous one
    new_features = [
        Feature("ex_id", "bigint"),
        Feature("amount", "double"),
        Feature("id", "int"),
        Feature("name", "string"),
    ]
    fg1 = fs.create_feature_group(name="example", version=1)
    df = fg1.read()
    fg2 = fs.create_feature_group(
        name="example", version=2, features=new_features, primary_key=["ex_id"]
    )
    fg2.insert(df)  # backfill the new feature group with data from the prev version
    assert len(fs.get_feature_group("example", 2).read()) == 2

    # --- Python API slide
    transactions_dataframe = pd.DataFrame(
        {
            "cc_id": [1, 2],
            "datetime": pd.to_datetime(["2022-01-01", "2022-01-02"]),
            "amount": [3.0, 4.0],
        }
    )
    transaction_fg = fs.get_or_create_feature_group(
        name="Transactions_30min_aggregates",
        version="1",
        description="Transaction fatures 30 mins window",
        primary_key=["cc_id"],
        event_time="datetime",
    )

    transaction_fg.insert(transactions_dataframe)
    assert transaction_fg.name == "transactions_30min_aggregates"
    assert len(transaction_fg.commit_details()) == 1
