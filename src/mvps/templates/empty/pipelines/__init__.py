"""The three pipelines of this prediction service (FTI: feature, training, inference).

* ``feature_pipeline``: raw monthly files -> features -> feature groups;
* ``training_pipeline``: feature view -> training data -> model -> model registry;
* ``batch_inference``: feature view + model -> predictions for a month.

They only meet at the feature store and the model registry. Run them from the
project directory, e.g. ``python -m pipelines.feature_pipeline --backfill``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import mvps as hopsworks

PROJECT_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_DIR / "data"
MODEL_DIR = PROJECT_DIR / "model"


def login() -> Any:
    """Open this project's feature store and model registry.

    ``mvps.toml`` next to this README says where the project lives (``.mvps/`` by
    default) and which backends it uses; ``MVPS_CONFIG`` points elsewhere.
    """
    os.environ.setdefault("MVPS_CONFIG", str(PROJECT_DIR / "mvps.toml"))
    return hopsworks.login()
