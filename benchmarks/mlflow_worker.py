"""The MLflow side of the prediction benchmark (runs in ``benchmarks/.venv-mlflow``).

``save``: load the scikit-learn pipeline the harness trained (joblib, same scikit-learn
version as the project's environment) and save it as an MLflow model directory, which
``mlflow models serve`` then serves. Spec on stdin, ``RESULT <json>`` on stdout.
"""

from __future__ import annotations

import os
import shutil
import warnings
from typing import Any

os.environ.setdefault("MLFLOW_TRACKING_URI", "file:///tmp/mlflow-bench-unused")
warnings.filterwarnings("ignore")

from benchmarks.harness import common  # noqa: E402


def save(spec: dict[str, Any]) -> dict[str, Any]:
    import joblib
    import mlflow.sklearn

    model = joblib.load(spec["pipeline"])
    shutil.rmtree(spec["model_dir"], ignore_errors=True)
    mlflow.sklearn.save_model(model, spec["model_dir"])
    return {"saved": True}


def versions(spec: dict[str, Any]) -> dict[str, Any]:
    from importlib.metadata import version

    return {d: version(d) for d in ("mlflow", "scikit-learn", "pandas")}


WORKLOADS = {"save": save, "versions": versions}


def main() -> None:
    spec = common.read_spec()
    common.emit(WORKLOADS[spec["workload"]](spec))


if __name__ == "__main__":
    main()
