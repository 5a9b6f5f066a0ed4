"""Predictors and their configuration (Hopsworks' ``hsml.predictor.Predictor`` and friends).

A :class:`Predictor` describes what a deployment serves: a registered model, an optional
predictor script (a file defining ``class Predict``), an optional :class:`Transformer`
script, and configuration that mvps records but does not act on (resources, inference
logger and batcher: there is one local server process, see :mod:`mvps.serving`).
``predictor.deploy()`` (or ``model.deploy()``) creates the deployment.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mvps.errors import InvalidInput

if TYPE_CHECKING:
    from mvps.model import Model
    from mvps.serving.deployment import Deployment

_DEPLOYMENT_NAME_RE = re.compile(r"^[a-z0-9]{1,63}$")
MODEL_SERVERS = {"TENSORFLOW": "TENSORFLOW_SERVING", "LLM": "VLLM"}


def check_deployment_name(name: Any) -> str:
    """Deployment names are 1-63 lower-case letters and digits (they appear in URLs)."""
    if not isinstance(name, str) or not _DEPLOYMENT_NAME_RE.match(name):
        raise InvalidInput(
            f"deployment name {name!r} cannot be used: use 1-63 lower-case letters and digits "
            "(e.g. 'fraud' or 'fraudv2')"
        )
    return name


def as_config(value: Any, what: str) -> dict[str, Any] | None:
    """A JSON copy of a configuration object (``to_dict()``), dict or None."""
    if value is None:
        return None
    if isinstance(value, dict):
        from mvps.model import to_json_value

        return to_json_value(value)
    if hasattr(value, "to_dict"):
        return as_config(value.to_dict(), what)
    if isinstance(value, str):
        return {"mode": value}
    raise InvalidInput(f"{what} must be a dict or a {what} object, got {type(value).__name__}")


def check_script(path: Any, what: str) -> str | None:
    """The absolute path of a Python script that exists, or None."""
    if path is None:
        return None
    p = Path(os.fspath(path)).expanduser()
    if not p.is_file():
        raise InvalidInput(f"{what} {str(p)!r} does not exist or is not a file")
    if p.suffix != ".py" and what != "config_file":
        raise InvalidInput(f"{what} {str(p)!r} must be a Python file (.py)")
    return str(p.resolve())


class Resources:
    """Requested resources (recorded; one local process serves every deployment)."""

    def __init__(
        self,
        num_instances: int = 1,
        requests: dict[str, Any] | None = None,
        limits: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        self.num_instances = num_instances
        self.requests = requests or {"cores": 1, "memory": 1024, "gpus": 0}
        self.limits = limits or {"cores": 2, "memory": 2048, "gpus": 0}

    def to_dict(self) -> dict[str, Any]:
        return {
            "num_instances": self.num_instances,
            "requests": self.requests,
            "limits": self.limits,
        }

    def __repr__(self) -> str:
        return f"Resources({self.to_dict()})"


PredictorResources = Resources


class InferenceLogger:
    """Inference logging configuration (recorded, not acted on)."""

    def __init__(self, kafka_topic: Any = None, mode: str = "ALL", **kwargs: Any) -> None:
        self.kafka_topic = kafka_topic
        self.mode = mode

    def to_dict(self) -> dict[str, Any]:
        topic = self.kafka_topic
        if topic is not None and hasattr(topic, "to_dict"):
            topic = topic.to_dict()
        return {"kafka_topic": topic, "mode": self.mode}


class InferenceBatcher:
    """Request batching configuration (recorded, not acted on)."""

    def __init__(
        self,
        enabled: bool = False,
        max_batch_size: int | None = None,
        max_latency: int | None = None,
        timeout: int | None = None,
        **kwargs: Any,
    ) -> None:
        self.enabled = enabled
        self.max_batch_size = max_batch_size
        self.max_latency = max_latency
        self.timeout = timeout

    def to_dict(self) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            "max_batch_size": self.max_batch_size,
            "max_latency": self.max_latency,
            "timeout": self.timeout,
        }


class Transformer:
    """A script defining ``class Transformer`` with ``preprocess(inputs)`` (gets the
    request body, returns the body the predictor sees) and ``postprocess(outputs)``
    (gets and returns the response body)."""

    def __init__(self, script_file: Any, resources: Any = None, **kwargs: Any) -> None:
        if script_file is None:
            raise InvalidInput(
                "a Transformer needs script_file, a .py file defining class Transformer"
            )
        self.script_file = check_script(script_file, "transformer script_file")
        self.resources = as_config(resources, "resources")

    def to_dict(self) -> dict[str, Any]:
        return {"script_file": self.script_file, "resources": self.resources}

    @classmethod
    def from_value(cls, value: Any) -> Transformer | None:
        if value is None or isinstance(value, Transformer):
            return value
        if isinstance(value, dict):
            return cls(value.get("script_file"), value.get("resources"))
        if isinstance(value, str | os.PathLike):
            return cls(os.fspath(value))
        raise InvalidInput(
            f"transformer must be a Transformer or a dict, got {type(value).__name__}"
        )


class Predictor:
    """What a deployment serves; create one with ``ms.create_predictor(model, ...)``."""

    def __init__(
        self,
        name: str,
        model_name: str,
        model_version: int,
        model_framework: str = "PYTHON",
        description: str | None = None,
        artifact_version: str | int | None = "CREATE",
        serving_tool: str | None = None,
        script_file: str | None = None,
        config_file: str | None = None,
        resources: Any = None,
        inference_logger: Any = None,
        inference_batcher: Any = None,
        transformer: Any = None,
        api_protocol: str | None = "REST",
        environment: str | None = None,
        project: Any = None,
        **kwargs: Any,
    ) -> None:
        self.name = check_deployment_name(name)
        self.model_name = model_name
        self.model_version = int(model_version)
        self.model_framework = model_framework
        self.description = description
        self.artifact_version = artifact_version
        self.serving_tool = (serving_tool or "DEFAULT").upper()
        self.script_file = check_script(script_file, "script_file")
        self.config_file = check_script(config_file, "config_file")
        self.resources = as_config(resources, "resources") or Resources().to_dict()
        self.inference_logger = as_config(inference_logger, "inference_logger")
        self.inference_batcher = as_config(inference_batcher, "inference_batcher")
        self.transformer = Transformer.from_value(transformer)
        protocol = (api_protocol or "REST").upper()
        if protocol != "REST":
            raise InvalidInput(
                f"api_protocol {api_protocol!r} is not supported; mvps serves REST only"
            )
        self.api_protocol = protocol
        self.environment = environment
        self.model_server = MODEL_SERVERS.get(model_framework, "PYTHON")
        self._project = project

    @classmethod
    def for_model(cls, model: Model, name: str | None = None, **kwargs: Any) -> Predictor:
        from mvps.model import default_serving_name

        if model.version is None or model.id is None:
            raise InvalidInput(
                f"model {model.name!r} is not saved yet; call model.save(path) first"
            )
        if name is None:
            name = default_serving_name(model.name)
        if kwargs.get("script_file") is None:
            _check_default_predictor(model)
        return cls(
            name, model.name, model.version, model.framework, project=model._project, **kwargs
        )

    @property
    def requested_instances(self) -> int:
        return int((self.resources or {}).get("num_instances", 1) or 1)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "model_name": self.model_name,
            "model_version": self.model_version,
            "model_framework": self.model_framework,
            "model_server": self.model_server,
            "serving_tool": self.serving_tool,
            "script_file": self.script_file,
            "config_file": self.config_file,
            "resources": self.resources,
            "inference_logger": self.inference_logger,
            "inference_batcher": self.inference_batcher,
            "transformer": None if self.transformer is None else self.transformer.to_dict(),
            "api_protocol": self.api_protocol,
            "environment": self.environment,
        }

    def deploy(self) -> Deployment:
        """Create (persist) a deployment of this predictor; it starts stopped."""
        from mvps.serving.deployment import Deployment

        dep = Deployment(self, self.name, self.description)
        dep.save()
        return dep

    def describe(self) -> None:
        import json

        print(json.dumps(self.to_dict(), indent=2, default=str))

    def __repr__(self) -> str:
        return f"Predictor(name: {self.name!r}, model: {self.model_name!r} v{self.model_version})"


def _check_default_predictor(model: Model) -> None:
    """Without a script the server loads the first .pkl/.joblib file of the model."""
    names = [f["path"] for f in model.files]
    if not any(n.endswith((".pkl", ".joblib")) for n in names):
        raise InvalidInput(
            f"model {model.name!r} version {model.version} has no .pkl or .joblib file "
            f"(files: {names[:10]}), so the default predictor cannot load it; pass "
            "script_file= with a predictor script defining class Predict"
        )


__all__ = [
    "InferenceBatcher",
    "InferenceLogger",
    "Predictor",
    "PredictorResources",
    "Resources",
    "Transformer",
    "check_deployment_name",
]
