"""Training pipeline: feature view -> training data -> model -> model registry.

Step 4 of the MVPS. The feature view ``loans_approvals`` joins every loan with the
credit report that was known when the loan was issued (a point-in-time join on
``id``, ``report_d <= issue_d``). The model is a scikit-learn pipeline: numeric
features imputed and scaled, categorical features one-hot encoded, a logistic
regression predicting whether a loan will be charged off.

    python -m pipelines.training_pipeline

The ML proxy metric is ROC AUC on a held-out 20%. For comparison the same model is
also trained on a *naive* join (every loan with the applicant's latest report,
including reports pulled after the loan went bad): its AUC looks better and is a
lie -- that information does not exist when a loan is decided.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import joblib
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from mvps.datasets import lending
from mvps.model_schema import ModelSchema
from mvps.schema import Schema
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import ConfusionMatrixDisplay, roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from pipelines import MODEL_DIR, login
from pipelines.feature_pipeline import feature_groups

MODEL_NAME = "lending_model"
FEATURE_VIEW = "loans_approvals"
LABEL = "loan_status"
POSITIVE = "Charged Off"
#: Approve a loan when its predicted probability of being charged off is below this.
THRESHOLD = 0.3


def feature_view(fs: Any) -> Any:
    """The ``loans_approvals`` feature view: loan features joined with applicant features.

    ``grade`` and ``sub_grade`` stay out: LendingClub sets them together with the
    interest rate (the rate carries them) and a loan application does not have them.
    ``earliest_cr_line`` is a date; the model uses ``credit_history_years`` instead.
    """
    loans_fg, applicants_fg = feature_groups(fs)
    query = loans_fg.select_except(["issue_d", "id", "grade", "sub_grade"]).join(
        applicants_fg.select_except(["report_d", "earliest_cr_line", "id"])
    )
    return fs.get_or_create_feature_view(
        name=FEATURE_VIEW,
        version=1,
        description="Loan applications with the applicant's credit report at decision time",
        query=query,
        labels=[LABEL],
    )


def make_model(X: pd.DataFrame) -> Pipeline:
    """Impute and scale numbers, one-hot encode categories, then a logistic regression."""
    numeric_features = X.select_dtypes("number").columns.tolist()
    categorical_features = [c for c in X.columns if c not in numeric_features]
    numeric_transformer = Pipeline(
        steps=[("imputer", SimpleImputer(strategy="median")), ("scaler", StandardScaler())]
    )
    categorical_transformer = OneHotEncoder(handle_unknown="ignore")
    preprocessor = ColumnTransformer(
        transformers=[
            ("num", numeric_transformer, numeric_features),
            ("cat", categorical_transformer, categorical_features),
        ]
    )
    return Pipeline(
        steps=[("preprocessor", preprocessor), ("classifier", LogisticRegression(max_iter=1000))]
    )


def charged_off(y: pd.DataFrame | pd.Series) -> pd.Series:
    """The label as 1 (charged off) / 0 (fully paid)."""
    labels = y[LABEL] if isinstance(y, pd.DataFrame) else y
    return (labels == POSITIVE).astype("int64")


def leaky_auc(fs: Any, train_ids: pd.Series, test_ids: pd.Series, columns: list[str]) -> float:
    """ROC AUC of the same model trained on a naive join that uses each applicant's
    *latest* credit report, even one pulled after the loan was issued."""
    loans_fg, applicants_fg = feature_groups(fs)
    data = lending.LendingData(loans=loans_fg.read(), applicants=applicants_fg.read())
    joined = lending.naive_latest_join(data).set_index("id")
    X_train, X_test = joined.loc[train_ids, columns], joined.loc[test_ids, columns]
    y_train, y_test = (
        charged_off(joined.loc[train_ids, LABEL]),
        charged_off(joined.loc[test_ids, LABEL]),
    )
    model = make_model(X_train).fit(X_train, y_train)
    return float(roc_auc_score(y_test, model.predict_proba(X_test)[:, 1]))


def save_confusion_matrix(y_true: pd.Series, rejected: pd.Series, path: Path) -> None:
    """Plot outcomes (fully paid / charged off) against decisions (approve / reject)."""
    fig = Figure(figsize=(5, 4), dpi=110)
    canvas = FigureCanvasAgg(fig)  # matplotlib's Agg backend: PNG files, no display needed
    ax = fig.subplots()
    ConfusionMatrixDisplay.from_predictions(
        y_true,
        rejected,
        labels=[0, 1],
        display_labels=["fully paid", "charged off"],
        cmap="Blues",
        values_format="d",
        ax=ax,
        colorbar=False,
    )
    ax.set_xticks([0, 1], labels=["approve", "reject"])
    ax.set_xlabel("decision")
    ax.set_ylabel("outcome")
    ax.set_title(f"Test split, threshold {THRESHOLD:.0%}")
    fig.tight_layout()
    canvas.print_png(str(path))


def run(project: Any = None, model_dir: Path = MODEL_DIR, compare: bool = True) -> dict[str, Any]:
    """Train, evaluate, register. Returns the metrics and where the model went."""
    project = project or login()
    fs = project.get_feature_store()
    fv = feature_view(fs)

    # primary_key=True keeps the loan id so that the naive join uses the same split.
    X_train, X_test, y_train, y_test = fv.train_test_split(test_size=0.2, seed=42, primary_key=True)
    train_ids, test_ids = X_train.pop("id"), X_test.pop("id")

    start = time.perf_counter()
    model = make_model(X_train).fit(X_train, charged_off(y_train))
    fit_seconds = time.perf_counter() - start
    proba = model.predict_proba(X_test)[:, 1]
    y_true = charged_off(y_test)
    rejected = pd.Series((proba >= THRESHOLD).astype("int64"))
    approved = rejected == 0

    # ML proxy metric (ROC AUC) and the business KPIs it stands for.
    metrics = {
        "roc_auc": round(float(roc_auc_score(y_true, proba)), 4),
        "threshold": THRESHOLD,
        "approval_rate": round(float(approved.mean()), 4),
        "charge_off_rate_all": round(float(y_true.mean()), 4),
        "charge_off_rate_approved": round(float(y_true[approved.to_numpy()].mean()), 4),
    }
    if compare:
        metrics["roc_auc_naive_join"] = round(
            leaky_auc(fs, train_ids, test_ids, list(X_train.columns)), 4
        )

    model_dir.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, model_dir / "lending_model.pkl")
    save_confusion_matrix(y_true, rejected, model_dir / "confusion_matrix.png")
    (model_dir / "decision.json").write_text(
        json.dumps({"threshold": THRESHOLD, "positive_label": POSITIVE}, indent=2)
    )

    mr = project.get_model_registry()
    registered = mr.sklearn.create_model(
        MODEL_NAME,
        metrics=metrics,
        description="Loan approval: probability that a loan is charged off (logistic regression)",
        input_example=X_test.sample(random_state=1),
        model_schema=ModelSchema(Schema(X_test), Schema(y_test)),
        feature_view=fv,
    )
    registered.save(str(model_dir))
    return {
        **metrics,
        "model_version": registered.version,
        "model_dir": str(model_dir),
        "train_rows": len(X_train),
        "test_rows": len(X_test),
        "fit_seconds": round(fit_seconds, 1),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--no-compare", action="store_true", help="skip the naive-join comparison model"
    )
    args = parser.parse_args(argv)
    result = run(compare=not args.no_compare)
    print(f"model {MODEL_NAME} version {result['model_version']} saved from {result['model_dir']}")
    print(f"ROC AUC (point-in-time join): {result['roc_auc']:.3f}")
    if "roc_auc_naive_join" in result:
        print(f"ROC AUC (naive latest join, leaks the future): {result['roc_auc_naive_join']:.3f}")
    print(
        f"approve below {THRESHOLD:.0%} risk: {result['approval_rate']:.1%} approved, "
        f"charge-off rate {result['charge_off_rate_approved']:.1%} of approved loans "
        f"vs {result['charge_off_rate_all']:.1%} of all"
    )


if __name__ == "__main__":
    main()
