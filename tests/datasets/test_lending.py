"""The synthetic LendingClub generator: schema, distributions, point-in-time reports, files."""

from __future__ import annotations

import locale
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from mvps.datasets import lending
from mvps.datasets.lending_features import zipcode
from mvps.errors import InvalidInput, NotFound

PURPOSES = {
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
}
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
EMP_LENGTHS = {"< 1 year", "1 year", *(f"{n} years" for n in range(2, 10)), "10+ years"}


@pytest.fixture(scope="module")
def data() -> lending.LendingData:
    return lending.generate(scale=0.1, seed=7)


@pytest.fixture(scope="module")
def loans(data) -> pd.DataFrame:
    return data.loans


@pytest.fixture(scope="module")
def applicants(data) -> pd.DataFrame:
    return data.applicants


@pytest.fixture(scope="module")
def first_reports(data) -> pd.DataFrame:
    """The report of each applicant known when the loan was issued."""
    return lending.point_in_time_join(data)


# ----------------------------------------------------------------- schema and size


def _dtype_names(dtypes: dict[str, str]) -> dict[str, str]:
    """The dtype names pandas reports for a dtype mapping ("str" is object before pandas 3)."""
    return {column: str(pd.Series(dtype=dtype).dtype) for column, dtype in dtypes.items()}


def test_columns_and_dtypes(loans, applicants):
    assert dict(loans.dtypes.astype(str)) == _dtype_names(lending.LOAN_DTYPES)
    assert dict(applicants.dtypes.astype(str)) == _dtype_names(lending.APPLICANT_DTYPES)
    assert str(loans["issue_d"].dt.tz) == "UTC"
    assert str(applicants["report_d"].dt.tz) == "UTC"
    assert str(applicants["earliest_cr_line"].dt.tz) == "UTC"


def test_scale_sets_the_number_of_loans():
    assert len(lending.generate(scale=0.01).loans) == round(396_030 * 0.01)
    assert len(lending.generate(scale=0.025, seed=3).loans) == round(396_030 * 0.025)
    tiny = lending.generate(scale=1e-6)
    assert len(tiny.loans) == 1
    assert len(tiny.applicants) >= 1


def test_same_seed_gives_identical_frames_and_other_seeds_differ():
    first = lending.generate(scale=0.02, seed=11)
    again = lending.generate(scale=0.02, seed=11)
    pd.testing.assert_frame_equal(first.loans, again.loans, check_exact=True)
    pd.testing.assert_frame_equal(first.applicants, again.applicants, check_exact=True)
    other = lending.generate(scale=0.02, seed=12)
    assert not first.loans["loan_amnt"].equals(other.loans["loan_amnt"])
    assert not first.loans["address"].equals(other.loans["address"])


@pytest.mark.parametrize("scale", [0, -1.0, float("nan"), float("inf"), "1", None, True])
def test_bad_scale_is_rejected_with_a_helpful_message(scale):
    with pytest.raises(InvalidInput, match=r"scale must be a positive finite number.*scale=1\.0"):
        lending.generate(scale=scale)


@pytest.mark.parametrize("seed", [-1, 1.5, "42", None, False])
def test_bad_seed_is_rejected(seed):
    with pytest.raises(InvalidInput, match="seed must be a non-negative integer"):
        lending.generate(scale=0.001, seed=seed)


def test_repr_is_short(data):
    text = repr(data)
    assert text.startswith("LendingData(loans=")
    assert len(text) < 100


def test_ids_are_unique_and_shared(loans, applicants):
    assert loans["id"].is_unique
    assert set(applicants["id"]) == set(loans["id"])
    # Loans are in issue order; ids grow with it.
    assert loans["issue_d"].is_monotonic_increasing
    assert loans["id"].is_monotonic_increasing
    assert applicants["report_d"].is_monotonic_increasing


def test_importing_mvps_does_not_load_the_datasets():
    code = (
        "import sys, mvps, mvps.datasets\n"
        "assert 'mvps.datasets.lending' not in sys.modules\n"
        "assert 'pandas' not in sys.modules\n"
        "assert mvps.datasets.lending.generate\n"
        "assert 'mvps.datasets.lending' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ------------------------------------------------------------------------- loans


def test_loan_amount(loans):
    amount = loans["loan_amnt"]
    assert amount.min() >= 500
    assert amount.max() <= 40_000
    assert (amount % 25 == 0).all()
    assert 10_500 <= amount.median() <= 13_500
    assert amount.mean() > amount.median()  # right-skewed
    # Round amounts are popular, as in the real file.
    assert (amount % 1000 == 0).mean() > 0.4
    # Before March 2011 the maximum was 25,000; 40,000 only from 2016.
    assert amount[loans["issue_d"] < "2011-03-01"].max() <= 25_000
    assert amount[loans["issue_d"] < "2016-03-01"].max() <= 35_000


def test_term(loans):
    assert set(loans["term"]) == {" 36 months", " 60 months"}
    assert 0.73 <= (loans["term"] == " 36 months").mean() <= 0.79
    assert (loans.loc[loans["issue_d"] < "2010-05-01", "term"] == " 36 months").all()
    # Longer loans are larger and riskier.
    by_term = loans.groupby("term")
    assert by_term["loan_amnt"].median()[" 60 months"] > by_term["loan_amnt"].median()[" 36 months"]
    charged = by_term["loan_status"].apply(lambda s: (s == "Charged Off").mean())
    assert charged[" 60 months"] > charged[" 36 months"] + 0.05


def test_grades_and_interest_rates(loans):
    assert set(loans["grade"]) == set("ABCDEFG")
    assert (loans["sub_grade"].str[0] == loans["grade"]).all()
    assert set(loans["sub_grade"].str[1]) == set("12345")
    shares = loans["grade"].value_counts(normalize=True)
    assert shares.idxmax() == "B"
    assert 0.25 <= shares["B"] <= 0.33
    assert shares["G"] < 0.02
    rate = loans["int_rate"]
    assert rate.min() >= 5.3
    assert rate.max() <= 31
    assert 12 <= rate.mean() <= 15
    mean_rate = loans.groupby("grade")["int_rate"].mean()
    assert mean_rate.is_monotonic_increasing
    charged = loans.groupby("grade")["loan_status"].apply(lambda s: (s == "Charged Off").mean())
    assert charged.is_monotonic_increasing
    assert charged["A"] < 0.1
    assert charged["G"] > 0.35


def test_installment_follows_the_amortisation_formula(loans):
    months = loans["term"].str.strip().str.split(" ").str[0].astype(int)
    rate = loans["int_rate"] / 1200
    expected = loans["loan_amnt"] * rate / (1 - (1 + rate) ** -months)
    assert np.allclose(loans["installment"], expected, atol=0.006)
    assert (loans["installment"] == loans["installment"].round(2)).all()


def test_issue_dates_and_volume_growth(loans):
    issue = loans["issue_d"]
    assert issue.min() >= pd.Timestamp("2007-06-01", tz="UTC")
    assert issue.max() <= pd.Timestamp("2016-12-01", tz="UTC")
    assert issue.max() == pd.Timestamp("2016-12-01", tz="UTC")
    assert (issue.dt.day == 1).all()
    assert (issue.dt.hour == 0).all()
    per_year = issue.dt.year.value_counts()
    assert per_year[2008] < per_year[2010] < per_year[2012] < per_year[2013]
    assert per_year[2014] > 8 * per_year[2010]
    assert per_year.idxmax() == 2014


def test_loan_status(loans):
    assert set(loans["loan_status"]) == {"Fully Paid", "Charged Off"}
    assert 0.17 <= (loans["loan_status"] == "Charged Off").mean() <= 0.23


def test_purposes(loans):
    assert set(loans["purpose"]) == PURPOSES
    shares = loans["purpose"].value_counts(normalize=True)
    assert 0.56 <= shares["debt_consolidation"] <= 0.62
    assert 0.18 <= shares["credit_card"] <= 0.24
    assert shares["home_improvement"] > shares["small_business"] > shares["educational"]


def test_titles_loosely_match_the_purpose(loans):
    assert 0.001 <= loans["title"].isna().mean() <= 0.01
    top = loans.groupby("purpose")["title"].agg(lambda s: s.value_counts().idxmax())
    assert top["debt_consolidation"] == "Debt consolidation"
    assert top["credit_card"] == "Credit card refinancing"
    assert top["car"] == "Car financing"
    assert loans["title"].nunique() > 50  # free text, not one label per purpose


def test_addresses_end_with_state_and_zip(loans):
    pattern = re.compile(r"^[^\r\n]+\r\n[^\r\n]+ [A-Z]{2} \d{5}$")
    assert loans["address"].map(lambda a: bool(pattern.match(a))).all()
    zips = zipcode(loans["address"])
    assert 5 <= zips.nunique() <= 12
    assert zips.value_counts(normalize=True).max() < 0.2
    states = loans["address"].str.extract(r" ([A-Z]{2}) \d{5}$", expand=False)
    assert states.nunique() > 50
    military = loans["address"].str.contains(r"\r\n[AFD]PO ", regex=True)
    assert 0.07 <= military.mean() <= 0.14
    assert loans["address"].nunique() > 0.95 * len(loans)


def test_zip_code_is_a_useful_categorical(loans):
    charged = (loans["loan_status"] == "Charged Off").groupby(zipcode(loans["address"])).mean()
    assert charged.max() - charged.min() > 0.1


# -------------------------------------------------------------------- applicants


def test_applicant_missing_values(applicants, first_reports):
    reports = first_reports
    assert 0.04 <= reports["emp_title"].isna().mean() <= 0.08
    assert 0.035 <= reports["emp_length"].isna().mean() <= 0.06
    assert 0.0 < reports["revol_util"].isna().mean() <= 0.003
    assert 0.07 <= reports["mort_acc"].isna().mean() <= 0.12
    assert 0.0 < reports["pub_rec_bankruptcies"].isna().mean() <= 0.005
    complete = [
        "home_ownership",
        "annual_inc",
        "verification_status",
        "dti",
        "earliest_cr_line",
        "open_acc",
        "pub_rec",
        "revol_bal",
        "total_acc",
        "initial_list_status",
        "application_type",
        "report_d",
    ]
    assert not applicants[complete].isna().any().any()


def test_applicant_categories(first_reports):
    reports = first_reports
    assert set(reports["emp_length"].dropna()) == EMP_LENGTHS
    assert reports["emp_length"].value_counts().idxmax() == "10+ years"
    home = reports["home_ownership"].value_counts(normalize=True)
    assert set(home.index) <= {"MORTGAGE", "RENT", "OWN", "OTHER", "NONE", "ANY"}
    assert 0.45 <= home["MORTGAGE"] <= 0.55
    assert 0.35 <= home["RENT"] <= 0.45
    assert 0.07 <= home["OWN"] <= 0.12
    verification = reports["verification_status"].value_counts(normalize=True)
    assert set(verification.index) == {"Verified", "Source Verified", "Not Verified"}
    assert verification.min() > 0.28
    listing = reports["initial_list_status"].value_counts(normalize=True)
    assert set(listing.index) == {"w", "f"}
    assert 0.5 <= listing["f"] <= 0.7
    kinds = reports["application_type"].value_counts(normalize=True)
    assert set(kinds.index) <= {"INDIVIDUAL", "JOINT", "DIRECT_PAY"}
    assert kinds["INDIVIDUAL"] > 0.99
    assert reports["emp_title"].nunique() > 200


def test_applicant_numbers(first_reports):
    r = first_reports
    income = r["annual_inc"]
    assert 58_000 <= income.median() <= 70_000
    assert income.min() > 0
    log_income = np.log(income)
    assert abs(log_income.skew()) < 0.5  # log-normal: the log is roughly symmetric
    assert income.mean() > income.median()
    assert r["dti"].between(0, 60).all()
    assert 14 <= r["dti"].median() <= 20
    assert r["revol_util"].dropna().between(0, 160).all()
    assert 45 <= r["revol_util"].median() <= 62
    assert 8_000 <= r["revol_bal"].median() <= 14_000
    assert 8 <= r["open_acc"].median() <= 13
    assert (r["total_acc"] >= r["open_acc"]).all()
    assert 20 <= r["total_acc"].median() <= 28
    assert 0.8 <= (r["pub_rec"] == 0).mean() <= 0.9
    assert (
        r["pub_rec_bankruptcies"].dropna() <= r.loc[r["pub_rec_bankruptcies"].notna(), "pub_rec"]
    ).all()
    assert 1.2 <= r["mort_acc"].mean() <= 2.5
    history = (r["issue_d"] - r["earliest_cr_line"]).dt.days / 365.25
    assert history.min() > 0.5
    assert 10 <= history.median() <= 20
    assert (r["earliest_cr_line"].dt.day == 1).all()


def test_mortgage_holders_have_more_mortgage_accounts(first_reports):
    by_home = first_reports.groupby("home_ownership")["mort_acc"].mean()
    assert by_home["MORTGAGE"] > by_home["RENT"] + 1


# ---------------------------------------------------------- point-in-time reports


def test_every_loan_has_a_report_at_or_shortly_before_issue(loans, first_reports):
    assert len(first_reports) == len(loans)
    assert first_reports["report_d"].notna().all()
    lag = first_reports["issue_d"] - first_reports["report_d"]
    assert (lag >= pd.Timedelta(0)).all()
    assert (lag <= pd.Timedelta(days=31)).all()


def test_later_reports_are_after_issue_and_more_common_after_a_default(loans, applicants):
    merged = applicants.merge(loans[["id", "issue_d", "loan_status"]], on="id")
    later = merged[merged["report_d"] > merged["issue_d"]]
    assert later["id"].is_unique  # at most one later report per applicant
    assert (later["report_d"] - later["issue_d"] >= pd.Timedelta(days=120)).all()
    assert len(applicants) == len(loans) + len(later)
    has_later = loans["id"].isin(later["id"])
    charged = loans["loan_status"] == "Charged Off"
    assert 0.27 <= has_later[charged].mean() <= 0.37
    assert 0.05 <= has_later[~charged].mean() <= 0.15
    assert has_later.mean() > 0.1  # a sizeable share


def test_later_reports_worsen_after_a_default(data, first_reports):
    latest = lending.naive_latest_join(data)
    changed = latest["report_d"] != first_reports["report_d"]
    charged = first_reports["loan_status"] == "Charged Off"
    worse = changed & charged
    better = changed & ~charged

    def delta(column: str, rows: pd.Series) -> float:
        return float((latest.loc[rows, column] - first_reports.loc[rows, column]).mean())

    assert delta("pub_rec", worse) > 0.5
    assert delta("pub_rec_bankruptcies", worse) > 0.3
    assert delta("revol_util", worse) > 15
    assert delta("dti", worse) > 5
    assert delta("mort_acc", worse) < 0
    assert delta("pub_rec", better) < 0.1
    assert delta("revol_util", better) < 0
    # Unchanged rows are identical; what never changes does not change.
    same = ~changed
    pd.testing.assert_frame_equal(latest[same], first_reports[same])
    for column in ("emp_title", "emp_length", "home_ownership", "annual_inc", "earliest_cr_line"):
        pd.testing.assert_series_equal(latest[column], first_reports[column])


def test_point_in_time_join_matches_a_plain_pandas_oracle(data, first_reports):
    merged = data.applicants.merge(data.loans[["id", "issue_d"]], on="id")
    known = merged[merged["report_d"] <= merged["issue_d"]]
    latest_known = known.sort_values("report_d").groupby("id").tail(1).set_index("id")
    expected = latest_known.loc[first_reports["id"], "report_d"].to_numpy()
    assert (first_reports["report_d"].to_numpy() == expected).all()
    assert list(first_reports.columns) == [
        *data.loans.columns,
        *(c for c in data.applicants.columns if c != "id"),
    ]
    pd.testing.assert_frame_equal(first_reports[list(data.loans.columns)], data.loans)


def test_naive_join_takes_the_latest_report(data):
    latest = lending.naive_latest_join(data)
    assert len(latest) == len(data.loans)
    newest = data.applicants.groupby("id")["report_d"].max()
    assert (latest["report_d"].to_numpy() == newest.loc[latest["id"]].to_numpy()).all()
    assert (latest["report_d"] > latest["issue_d"]).mean() > 0.1


def test_joins_reject_other_objects():
    with pytest.raises(InvalidInput, match="LendingData"):
        lending.point_in_time_join(pd.DataFrame())  # type: ignore[arg-type]
    broken = lending.LendingData(loans=pd.DataFrame({"id": [1]}), applicants=pd.DataFrame())
    with pytest.raises(InvalidInput, match="issue_d"):
        lending.naive_latest_join(broken)


# -------------------------------------------------------------- baseline model


def _baseline_auc(joined: pd.DataFrame) -> float:
    """Train the documented baseline on a time-based split and score the later loans."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.pipeline import Pipeline, make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    features, label = lending.model_inputs(joined)
    cutoff = joined["issue_d"].quantile(0.8)
    train = (joined["issue_d"] < cutoff).to_numpy()
    assert 0.6 < train.mean() < 0.9
    preprocess = ColumnTransformer(
        [
            (
                "numeric",
                make_pipeline(SimpleImputer(strategy="median"), StandardScaler()),
                list(lending.NUMERIC_FEATURES),
            ),
            (
                "categorical",
                OneHotEncoder(handle_unknown="ignore"),
                list(lending.CATEGORICAL_FEATURES),
            ),
        ]
    )
    model = Pipeline(
        [("preprocess", preprocess), ("classifier", LogisticRegression(max_iter=1000))]
    )
    model.fit(features[train], label[train])
    scores = model.predict_proba(features[~train])[:, 1]
    return float(roc_auc_score(label[~train], scores))


def test_baseline_model_is_realistic_and_leakage_is_visible():
    data = lending.generate(scale=0.05, seed=42)
    honest = _baseline_auc(lending.point_in_time_join(data))
    leaky = _baseline_auc(lending.naive_latest_join(data))
    assert 0.65 <= honest <= 0.76, honest
    assert leaky >= honest + 0.03, (honest, leaky)


def test_model_inputs(first_reports):
    features, label = lending.model_inputs(first_reports)
    assert list(features.columns) == [*lending.NUMERIC_FEATURES, *lending.CATEGORICAL_FEATURES]
    assert len(features) == len(label) == len(first_reports)
    assert set(label.unique()) == {0, 1}
    assert label.mean() == pytest.approx((first_reports["loan_status"] == "Charged Off").mean())
    for column in lending.NUMERIC_FEATURES:
        assert features[column].dtype == "float64"
    for column in lending.CATEGORICAL_FEATURES:
        assert features[column].notna().all()
    assert (features["emp_length"] == "missing").mean() > 0.03
    assert features["zipcode"].str.fullmatch(r"\d{5}").all()
    assert features["credit_history_years"].min() > 0
    with pytest.raises(InvalidInput, match="point_in_time_join"):
        lending.model_inputs(first_reports.drop(columns=["dti"]))


# ------------------------------------------------------------------------ files


@pytest.fixture(scope="module")
def small() -> lending.LendingData:
    return lending.generate(scale=0.01, seed=5)


@pytest.fixture(scope="module")
def csv_dir(small, tmp_path_factory):
    directory = tmp_path_factory.mktemp("lending-csv")
    previous = locale.setlocale(locale.LC_TIME)
    for name in ("de_DE.UTF-8", "fr_FR.UTF-8", "C.UTF-8"):
        try:
            locale.setlocale(locale.LC_TIME, name)
            break
        except locale.Error:
            continue
    try:
        paths = lending.write_monthly_csv(small, directory / "sources")
    finally:
        locale.setlocale(locale.LC_TIME, previous)
    return directory / "sources", paths


def test_monthly_file_names(small, csv_dir):
    directory, paths = csv_dir
    names = [path.name for path in paths]
    assert all(path.parent == directory and path.is_file() for path in paths)
    pattern = re.compile(rf"^(loans|applicants)-({'|'.join(MONTHS)})-\d{{4}}\.csv$")
    assert all(pattern.match(name) for name in names)
    loan_months = small.loans["issue_d"].dt.strftime("%Y-%m").nunique()
    report_months = small.applicants["report_d"].dt.strftime("%Y-%m").nunique()
    assert len(names) == loan_months + report_months
    first_issue = small.loans["issue_d"].min()
    assert names[0] == f"loans-{MONTHS[first_issue.month - 1]}-{first_issue.year}.csv"
    assert "loans-Dec-2016.csv" in names
    assert "loans-May-2014.csv" in names
    assert "applicants-Oct-2014.csv" in names
    assert names.index("loans-Dec-2016.csv") == loan_months - 1
    assert sorted(directory.iterdir()) == sorted(paths)


def test_read_month_round_trips_exactly(small, csv_dir):
    directory, _ = csv_dir
    loans = lending.read_month(directory, "loans", 2014, 5)
    expected = small.loans[small.loans["issue_d"] == "2014-05-01"].reset_index(drop=True)
    assert len(loans) > 50
    pd.testing.assert_frame_equal(loans, expected, check_exact=True)
    assert loans["address"].str.contains("\r\n").all()

    reports = lending.read_month(directory, "applicants", 2014, 10)
    stamps = small.applicants["report_d"]
    in_month = (stamps.dt.year == 2014) & (stamps.dt.month == 10)
    expected = small.applicants[in_month].reset_index(drop=True)
    assert expected["report_d"].gt(expected["report_d"].min()).any()
    pd.testing.assert_frame_equal(reports, expected, check_exact=True)


def test_all_monthly_files_together_give_back_the_tables(small, csv_dir):
    directory, paths = csv_dir
    parts = {"loans": [], "applicants": []}
    for path in paths:
        kind, month, year = path.stem.split("-")
        number = MONTHS.index(month) + 1
        parts[kind].append(lending.read_month(directory, kind, int(year), number))
    loans = pd.concat(parts["loans"], ignore_index=True)
    applicants = pd.concat(parts["applicants"], ignore_index=True)
    pd.testing.assert_frame_equal(loans, small.loans, check_exact=True)
    pd.testing.assert_frame_equal(applicants, small.applicants, check_exact=True)


def test_read_month_errors(csv_dir):
    directory, _ = csv_dir
    with pytest.raises(InvalidInput, match="kind must be 'loans' or 'applicants'"):
        lending.read_month(directory, "borrowers", 2014, 5)
    with pytest.raises(InvalidInput, match="month must be an integer from 1 to 12"):
        lending.read_month(directory, "loans", 2014, 13)
    with pytest.raises(InvalidInput, match="year must be an integer"):
        lending.read_month(directory, "loans", "2014", 5)  # type: ignore[arg-type]
    with pytest.raises(NotFound, match=r"loans-Jan-2001\.csv.*write_monthly_csv"):
        lending.read_month(directory, "loans", 2001, 1)


def test_joins_keep_the_row_order_and_index_of_unsorted_loans(data):
    shuffled = data.loans.sample(frac=1.0, random_state=3)
    shuffled.index = [f"row-{i}" for i in range(len(shuffled))]
    mixed = lending.LendingData(loans=shuffled, applicants=data.applicants)
    for join in (lending.point_in_time_join, lending.naive_latest_join):
        joined = join(mixed)
        assert list(joined.index) == list(shuffled.index)
        assert (joined["id"].to_numpy() == shuffled["id"].to_numpy()).all()
    honest = lending.point_in_time_join(mixed)
    assert (honest["report_d"] <= honest["issue_d"]).all()
