"""The model registry of a project (Hopsworks' ``hsml.model_registry.ModelRegistry``).

::

    mr = project.get_model_registry()
    model = mr.sklearn.create_model("fraud", metrics={"auc": 0.91}, feature_view=fv,
                                    input_example=X_train.head(1))
    model.save("model_dir")                 # version 1, then 2, ...
    best = mr.get_best_model("fraud", "auc", "max")

Framework namespaces (``mr.python``, ``mr.sklearn``, ``mr.tensorflow``, ``mr.torch``,
``mr.xgboost``, ``mr.lightgbm``, ``mr.llm``) only differ in the framework they record.
Models are described in :mod:`mvps.model` (storage layout and catalog format).
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

from mvps.errors import InvalidInput, NotFound
from mvps.model import KIND, Model, check_model_name, check_version

if TYPE_CHECKING:
    from mvps.project import Project


class FrameworkApi:
    """``mr.<framework>``: creates models recording that framework."""

    def __init__(self, registry: ModelRegistry, framework: str) -> None:
        self._registry = registry
        self._framework = framework

    def create_model(
        self,
        name: str,
        version: int | None = None,
        metrics: dict[str, Any] | None = None,
        description: str | None = None,
        input_example: Any = None,
        model_schema: Any = None,
        feature_view: Any = None,
        training_dataset_version: int | None = None,
        **kwargs: Any,
    ) -> Model:
        """A new, not yet registered model; ``model.save(path)`` registers it.

        ``version=None`` takes the next free version at save time. ``feature_view``
        (and ``training_dataset_version``, default: the one the feature view last
        returned) record where the training data came from.
        """
        return Model(
            self._registry,
            name,
            version,
            self._framework,
            metrics,
            description,
            input_example,
            model_schema,
            feature_view,
            training_dataset_version,
        )

    def __repr__(self) -> str:
        return f"ModelRegistry.{self._framework.lower()}"


class ModelRegistry:
    """Versioned models of a project; see the module docstring."""

    def __init__(self, project: Project) -> None:
        self._project = project
        self.python = FrameworkApi(self, "PYTHON")
        self.sklearn = FrameworkApi(self, "SKLEARN")
        self.tensorflow = FrameworkApi(self, "TENSORFLOW")
        self.torch = FrameworkApi(self, "TORCH")
        self.xgboost = FrameworkApi(self, "XGBOOST")
        self.lightgbm = FrameworkApi(self, "LIGHTGBM")
        self.llm = FrameworkApi(self, "LLM")

    @property
    def project_name(self) -> str:
        return self._project.name

    @property
    def project_id(self) -> int:
        return self._project.id

    @property
    def model_registry_id(self) -> int:
        return self._project.id

    @property
    def shared_registry_project_name(self) -> str | None:
        return None

    def get_model(self, name: str, version: int | None = None) -> Model:
        """The registered model ``(name, version)``; ``version=None`` means 1 (with a warning).

        Unlike Hopsworks, which returns None for a missing model, this raises
        :class:`~mvps.errors.NotFound` naming the versions that exist.
        """
        nm = check_model_name(name)
        v = check_version(version)
        if v is None:
            warnings.warn(f"no version given for model {nm!r}; using version 1", stacklevel=2)
            v = 1
        obj = self._project.catalog.get(KIND, nm, v)
        if obj is None:
            versions = [o.version for o in self._project.catalog.list(KIND, nm)]
            hint = (
                f"existing versions: {versions}"
                if versions
                else "no version of it is registered; save one with mr.<framework>.create_model(...).save(path)"
            )
            raise NotFound(f"model {nm!r} version {v} not found ({hint})")
        return Model._from_catalog(self, obj)

    def get_models(self, name: str) -> list[Model]:
        """Every registered version of ``name``, oldest first (empty when none)."""
        nm = check_model_name(name)
        return [Model._from_catalog(self, o) for o in self._project.catalog.list(KIND, nm)]

    def get_best_model(self, name: str, metric: str, direction: str) -> Model:
        """The version of ``name`` with the highest (``direction="max"``) or lowest
        (``"min"``) training metric ``metric``; NotFound when no version has it."""
        d = str(direction).lower()
        if d not in ("max", "min"):
            raise InvalidInput(f"direction must be 'max' or 'min', got {direction!r}")
        models = self.get_models(name)
        scored = [m for m in models if isinstance(m.training_metrics.get(metric), int | float)]
        if not scored:
            if not models:
                raise NotFound(f"no version of model {name!r} is registered")
            raise NotFound(
                f"no version of model {name!r} has the training metric {metric!r}; recorded "
                f"metrics: {sorted({k for m in models for k in m.training_metrics})}"
            )
        pick = max if d == "max" else min
        return pick(
            scored,
            key=lambda m: (
                (m.training_metrics[metric], m.version or 0)
                if d == "max"
                else (m.training_metrics[metric], -(m.version or 0))
            ),
        )

    def __repr__(self) -> str:
        return f"ModelRegistry(project={self._project.name!r})"


__all__ = ["FrameworkApi", "Model", "ModelRegistry"]
