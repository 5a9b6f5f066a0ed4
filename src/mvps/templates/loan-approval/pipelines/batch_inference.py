"""Batch inference pipeline: score a month of loans and store the predictions.

Step 5 of the MVPS, the batch half (the online half is ``predictor.py`` and
``app.py``). It reads the loans issued in a time range through the feature view
(the same point-in-time join as training), scores them with the best registered
model and writes the predictions to the ``loan_predictions`` feature group, where
dashboards and monitoring can read them.

    python -m pipelines.batch_inference --month 2016-12
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import pandas as pd

from pipelines import login
from pipelines.training_pipeline import FEATURE_VIEW, MODEL_NAME


@dataclass
class LoadedModel:
    """A registered model, downloaded: its registry entry, files, sklearn model and threshold."""

    entry: Any
    files: Path
    model: Any
    threshold: float


def load_model(mr: Any) -> LoadedModel:
    """The registered model with the best ROC AUC (the training pipeline's proxy metric)."""
    entry = mr.get_best_model(MODEL_NAME, "roc_auc", "max")
    files = Path(entry.download())
    decision = json.loads((files / "decision.json").read_text())
    return LoadedModel(
        entry, files, joblib.load(files / "lending_model.pkl"), float(decision["threshold"])
    )


def month_range(month: str) -> tuple[str, str]:
    """``"2016-12"`` -> ``("2016-12-01", "2017-01-01")``: the month as [start, end)."""
    start = pd.Timestamp(f"{month}-01")
    end = start + pd.offsets.MonthBegin(1)
    return f"{start:%Y-%m-%d}", f"{end:%Y-%m-%d}"


def run(project: Any = None, start_time: str = "2016-12-01", end_time: str = "2017-01-01") -> Any:
    """Score the loans issued in ``[start_time, end_time)``; returns the predictions."""
    project = project or login()
    fs = project.get_feature_store()
    loaded = load_model(project.get_model_registry())
    fv = fs.get_feature_view(FEATURE_VIEW, version=1)
    fv.init_batch_scoring(loaded.entry.training_dataset_version)

    # Batch data has no labels; primary_key/event_time add the loan id and issue date.
    batch = fv.get_batch_data(start_time, end_time, primary_key=True, event_time=True)
    if batch.empty:
        raise SystemExit(f"no loans issued between {start_time} and {end_time}")
    ids, issued = batch.pop("id"), batch.pop("issue_d")
    probability = loaded.model.predict_proba(batch)[:, 1]
    predictions = pd.DataFrame(
        {
            "id": ids.to_numpy(),
            "issue_d": issued.to_numpy(),
            "charged_off_probability": probability.round(4),
            "decision": ["approve" if p < loaded.threshold else "reject" for p in probability],
            "model_version": loaded.entry.version,
        }
    )
    predictions_fg = fs.get_or_create_feature_group(
        name="loan_predictions",
        version=1,
        description=f"Predictions of {MODEL_NAME}: probability of charge-off and the decision",
        primary_key=["id"],
        event_time="issue_d",
    )
    predictions_fg.insert(predictions)
    return predictions


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--month", default="2016-12", help="month of issue to score, 2016-12")
    args = parser.parse_args(argv)
    start, end = month_range(args.month)
    predictions = run(start_time=start, end_time=end)
    counts = predictions["decision"].value_counts().to_dict()
    print(f"{len(predictions)} loans issued in {args.month} scored: {counts}")


if __name__ == "__main__":
    main()
