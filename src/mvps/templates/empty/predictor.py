"""Online predictor: the script a model deployment runs (``model.deploy(script_file=...)``).

A request carries instances like ``{"id": 17, "passed_features": {"category": "b"}}``:
the features of ``id`` come from the online feature store, ``passed_features`` (the
request's own features) override them. Write your request format and what you
return here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import joblib
import mvps as hopsworks
import numpy as np

FEATURE_VIEW = "observations"


class Predict:
    """Loaded once when the deployment starts; ``predict`` runs per request."""

    def __init__(self, project: Any = None) -> None:
        self.model = joblib.load(Path(os.environ["MODEL_FILES_PATH"]) / "model.pkl")
        project = project or hopsworks.login()  # the deployment passes its project
        self.feature_view = project.get_feature_store().get_feature_view(FEATURE_VIEW, version=1)
        self.feature_view.init_serving()

    def predict(self, inputs: Any) -> list[dict[str, Any]]:
        results = []
        for instance in inputs if isinstance(inputs, list) else [inputs]:
            vector = self.feature_view.get_feature_vector(
                {"id": instance["id"]},
                passed_features=instance.get("passed_features") or {},
                return_type="pandas",
            )
            vector = vector.fillna(np.nan)  # missing online values are None; the model knows NaN
            probability = float(self.model.predict_proba(vector)[0, 1])
            results.append({"id": instance["id"], "probability": round(probability, 4)})
        return results
