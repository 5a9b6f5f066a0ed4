"""Batch inference pipeline: features + model -> predictions (step 5, batch half).

    python -m pipelines.batch_inference

Write the time range to score and where predictions go here; dashboards and
monitoring read them from the predictions feature group.
"""

from __future__ import annotations

import argparse
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
    """A registered model, downloaded: its registry entry, files and the model itself."""

    entry: Any
    files: Path
    model: Any


def load_model(mr: Any) -> LoadedModel:
    """The registered model with the best proxy metric."""
    entry = mr.get_best_model(MODEL_NAME, "roc_auc", "max")
    files = Path(entry.download())
    return LoadedModel(entry, files, joblib.load(files / "model.pkl"))


def run(project: Any = None, start_time: Any = None, end_time: Any = None) -> pd.DataFrame:
    """Score the observations in ``[start_time, end_time)`` (default: all)."""
    project = project or login()
    fs = project.get_feature_store()
    loaded = load_model(project.get_model_registry())
    fv = fs.get_feature_view(FEATURE_VIEW, version=1)
    fv.init_batch_scoring(loaded.entry.training_dataset_version)
    batch = fv.get_batch_data(start_time, end_time, primary_key=True, event_time=True)
    ids, times = batch.pop("id"), batch.pop("event_time")
    predictions = pd.DataFrame(
        {
            "id": ids.to_numpy(),
            "event_time": times.to_numpy(),
            "probability": loaded.model.predict_proba(batch)[:, 1].round(4),
            "model_version": loaded.entry.version,
        }
    )
    fs.get_or_create_feature_group(
        name="predictions",
        version=1,
        description=f"Predictions of {MODEL_NAME}",
        primary_key=["id"],
        event_time="event_time",
    ).insert(predictions)
    return predictions


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--start", help="first event time to score, e.g. 2024-12-01")
    parser.add_argument("--end", help="score up to (excluding) this time")
    args = parser.parse_args(argv)
    predictions = run(start_time=args.start, end_time=args.end)
    print(f"{len(predictions)} predictions written to the predictions feature group")


if __name__ == "__main__":
    main()
