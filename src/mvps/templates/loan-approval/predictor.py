"""Online predictor: the script a model deployment runs (``model.deploy(script_file=...)``).

A request carries instances like::

    {"id": 1000033,
     "passed_features": {"loan_amnt": 12000.0, "term": 36, "int_rate": 11.5,
                         "installment": 395.9, "purpose": "car", "zip_code": "22690"}}

``id`` identifies the applicant: their credit report comes from the online feature
store. ``passed_features`` are the loan application's features, computed by the
caller with the functions in ``features/loans.py``. Each instance gets back the
probability that the loan would be charged off and the decision.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import joblib
import mvps as hopsworks
import numpy as np

FEATURE_VIEW = "loans_approvals"


class Predict:
    """Loaded once when the deployment starts; ``predict`` runs per request."""

    def __init__(self, project: Any = None) -> None:
        model_dir = Path(os.environ["MODEL_FILES_PATH"])  # the registered model's files
        self.model = joblib.load(model_dir / "lending_model.pkl")
        self.threshold = float(json.loads((model_dir / "decision.json").read_text())["threshold"])
        project = project or hopsworks.login()  # the deployment passes its project
        self.feature_view = project.get_feature_store().get_feature_view(FEATURE_VIEW, version=1)
        self.feature_view.init_serving()

    def predict(self, inputs: Any) -> list[dict[str, Any]]:
        instances = inputs if isinstance(inputs, list) else [inputs]
        results = []
        for instance in instances:
            if not isinstance(instance, dict) or "id" not in instance:
                raise ValueError(
                    'each instance is {"id": <applicant id>, "passed_features": {...}}, '
                    f"got {instance!r}"
                )
            vector = self.feature_view.get_feature_vector(
                {"id": instance["id"]},
                passed_features=instance.get("passed_features") or {},
                return_type="pandas",
            )
            # the online store returns None for missing values; the model was trained on NaN
            vector = vector.fillna(np.nan)
            probability = float(self.model.predict_proba(vector)[0, 1])
            results.append(
                {
                    "id": instance["id"],
                    "charged_off_probability": round(probability, 4),
                    "decision": "approve" if probability < self.threshold else "reject",
                }
            )
        return results
