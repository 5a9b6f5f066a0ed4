"""Training pipeline: feature view -> training data -> model -> model registry (step 4).

    python -m pipelines.training_pipeline

Write your feature selection in ``feature_view``, your model in ``make_model`` and
your ML proxy metric (the number that stands for the business KPI, see README.md)
in ``run``. The model is registered with its metrics, so the inference pipelines
and the tests pick it up.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import joblib
import pandas as pd
from mvps.model_schema import ModelSchema
from mvps.schema import Schema
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from pipelines import MODEL_DIR, login
from pipelines.feature_pipeline import feature_group

MODEL_NAME = "model"
FEATURE_VIEW = "observations"
LABEL = "outcome"


def feature_view(fs: Any) -> Any:
    """Write your feature selection here: features of one or more groups, joined
    point-in-time correctly on their keys, and the label."""
    fg = feature_group(fs)
    query = fg.select_except(["id", "event_time", "amount"])
    return fs.get_or_create_feature_view(name=FEATURE_VIEW, version=1, query=query, labels=[LABEL])


def make_model(X: pd.DataFrame) -> Pipeline:
    """Write your model here. This one scales numbers, one-hot encodes categories and
    fits a logistic regression."""
    numeric = X.select_dtypes("number").columns.tolist()
    categorical = [c for c in X.columns if c not in numeric]
    preprocessor = ColumnTransformer(
        transformers=[
            (
                "num",
                Pipeline(
                    [("imputer", SimpleImputer(strategy="median")), ("scaler", StandardScaler())]
                ),
                numeric,
            ),
            ("cat", OneHotEncoder(handle_unknown="ignore"), categorical),
        ]
    )
    return Pipeline([("preprocessor", preprocessor), ("classifier", LogisticRegression())])


def run(project: Any = None, model_dir: Path = MODEL_DIR) -> dict[str, Any]:
    """Train, evaluate and register the model; returns its metrics and version."""
    project = project or login()
    fv = feature_view(project.get_feature_store())
    X_train, X_test, y_train, y_test = fv.train_test_split(test_size=0.2, seed=42)
    model = make_model(X_train).fit(X_train, y_train[LABEL])
    # Write your ML proxy metric here (the number the tests guard, see README.md).
    metrics = {
        "roc_auc": round(float(roc_auc_score(y_test[LABEL], model.predict_proba(X_test)[:, 1])), 4)
    }

    model_dir.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, model_dir / "model.pkl")
    registered = project.get_model_registry().sklearn.create_model(
        MODEL_NAME,
        metrics=metrics,
        description="Write what the model predicts here",
        input_example=X_test.sample(random_state=1),
        model_schema=ModelSchema(Schema(X_test), Schema(y_test)),
        feature_view=fv,
    )
    registered.save(str(model_dir))
    return {**metrics, "model_version": registered.version}


def main(argv: Sequence[str] | None = None) -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args(argv)
    result = run()
    print(f"{MODEL_NAME} version {result['model_version']}: ROC AUC {result['roc_auc']:.3f}")


if __name__ == "__main__":
    main()
