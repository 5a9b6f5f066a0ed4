"""Model serving: deployments answering HTTP requests (Hopsworks' ``hsml`` serving API).

::

    model = mr.get_model("fraud", 1)
    deployment = model.deploy()                 # or ms.create_predictor(model).deploy()
    deployment.start()                          # spawns `mvps serve` if none runs
    deployment.predict(inputs=[{"cc_num": 4467360740682089}])
    deployment.stop()

A deployment is served by the project's one server process (:mod:`mvps.serving.process`,
the HTTP app is :mod:`mvps.server`); what a request contains and how predictors are
loaded is described in :mod:`mvps.serving.runtime`.

Inside a predictor script, :func:`get_feature_view` and :func:`get_model` return the
served model's feature view (initialised for serving) and the model.
"""

from __future__ import annotations

import os
from typing import Any

from mvps.errors import InvalidInput
from mvps.serving.deployment import Deployment, PredictorState
from mvps.serving.model_serving import InferenceEndpoint, ModelServing
from mvps.serving.predictor import (
    InferenceBatcher,
    InferenceLogger,
    Predictor,
    PredictorResources,
    Resources,
    Transformer,
)


def get_model() -> Any:
    """The model being served (inside a predictor script; from ``$MODEL_NAME``/``$MODEL_VERSION``)."""
    import mvps

    name, version = os.environ.get("MODEL_NAME"), os.environ.get("MODEL_VERSION")
    if not name or not version:
        raise InvalidInput(
            "get_model() works inside a predictor script (MODEL_NAME and MODEL_VERSION are not set)"
        )
    return mvps.get_current_project().get_model_registry().get_model(name, int(version))


def get_feature_view() -> Any:
    """The served model's feature view, initialised for serving with the model's
    training dataset version (inside a predictor script); None if it has none."""
    return get_model().get_feature_view(init=True, online=True)


__all__ = [
    "Deployment",
    "InferenceBatcher",
    "InferenceEndpoint",
    "InferenceLogger",
    "ModelServing",
    "Predictor",
    "PredictorResources",
    "PredictorState",
    "Resources",
    "Transformer",
    "get_feature_view",
    "get_model",
]
