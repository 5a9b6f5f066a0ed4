"""Model serving of a project (Hopsworks' ``hsml.model_serving.ModelServing``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mvps.errors import InvalidInput
from mvps.serving import process
from mvps.serving.deployment import KIND, Deployment
from mvps.serving.predictor import Predictor, Transformer

if TYPE_CHECKING:
    from mvps.project import Project

STATUSES = (
    "CREATING",
    "CREATED",
    "STARTING",
    "FAILED",
    "RUNNING",
    "IDLE",
    "UPDATING",
    "STOPPING",
    "STOPPED",
)


class InferenceEndpointPort:
    def __init__(self, name: str, number: int) -> None:
        self.name = name
        self.number = number

    def __repr__(self) -> str:
        return f"InferenceEndpointPort(name: {self.name!r}, number: {self.number})"


class InferenceEndpoint:
    """Where deployments answer: the project's ``mvps serve`` process."""

    def __init__(self, type: str, hosts: list[str], ports: list[InferenceEndpointPort]) -> None:
        self.type = type
        self.hosts = hosts
        self.ports = ports

    def get_any_host(self) -> str | None:
        return self.hosts[0] if self.hosts else None

    def get_port(self, name: str) -> InferenceEndpointPort | None:
        return next((p for p in self.ports if p.name == name), None)

    def __repr__(self) -> str:
        return f"InferenceEndpoint(type: {self.type!r}, hosts: {self.hosts}, ports: {self.ports})"


class ModelServing:
    """Deployments of a project; ``project.get_model_serving()``."""

    def __init__(self, project: Project) -> None:
        self._project = project

    @property
    def project_name(self) -> str:
        return self._project.name

    @property
    def project_id(self) -> int:
        return self._project.id

    @property
    def project_path(self) -> str:
        return str(self._project.path)

    def get_deployment(self, name: str | None = None) -> Deployment | None:
        """The deployment ``name``, or None when there is none (as in Hopsworks).

        Inside a predictor script ``name`` defaults to ``$DEPLOYMENT_NAME``.
        """
        import os

        if name is None:
            name = os.environ.get("DEPLOYMENT_NAME")
            if name is None:
                raise InvalidInput("pass the deployment name, e.g. ms.get_deployment('fraud')")
        obj = self._project.catalog.get(KIND, name, 1)
        return None if obj is None else Deployment._from_catalog(self._project, obj)

    def get_deployment_by_id(self, id: int) -> Deployment | None:
        obj = self._project.catalog.get_by_id(KIND, int(id))
        return None if obj is None else Deployment._from_catalog(self._project, obj)

    def get_deployments(self, model: Any = None, status: str | None = None) -> list[Deployment]:
        """All deployments, optionally only those serving ``model`` (any version when
        ``model.version`` is None) or whose ``get_state().status`` is ``status``."""
        if status is not None and status.upper() not in STATUSES:
            raise InvalidInput(f"status {status!r} is not valid; use one of {', '.join(STATUSES)}")
        out = [Deployment._from_catalog(self._project, o) for o in self._project.catalog.list(KIND)]
        if model is not None:
            out = [
                d
                for d in out
                if d.model_name == model.name
                and (model.version is None or d.model_version == model.version)
            ]
        if status is not None:
            out = [d for d in out if d.get_state().status.upper() == status.upper()]
        return out

    def get_inference_endpoints(self) -> list[InferenceEndpoint]:
        """The running server's address (the default one when no server runs)."""
        info = process.server_info(self._project)
        host = info["host"] if info else "127.0.0.1"
        port = int(info["port"]) if info else process.DEFAULT_PORT
        return [InferenceEndpoint("LOAD_BALANCER", [host], [InferenceEndpointPort("HTTP", port)])]

    def create_predictor(
        self,
        model: Any,
        name: str | None = None,
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
        **kwargs: Any,
    ) -> Predictor:
        """A predictor for ``model`` (lazy: ``predictor.deploy()`` creates the deployment)."""
        return Predictor.for_model(
            model,
            name=name,
            artifact_version=artifact_version,
            serving_tool=serving_tool,
            script_file=script_file,
            config_file=config_file,
            resources=resources,
            inference_logger=inference_logger,
            inference_batcher=inference_batcher,
            transformer=transformer,
            api_protocol=api_protocol,
            environment=environment,
        )

    def create_transformer(
        self, script_file: str | None = None, resources: Any = None, **kwargs: Any
    ) -> Transformer:
        return Transformer(script_file, resources)

    def create_deployment(
        self, predictor: Predictor, name: str | None = None, environment: str | None = None
    ) -> Deployment:
        """A deployment of ``predictor`` (lazy: call ``deployment.save()``)."""
        if environment is not None:
            predictor.environment = environment
        return Deployment(predictor, name)

    def __repr__(self) -> str:
        return f"ModelServing(project={self._project.name!r})"


__all__ = ["InferenceEndpoint", "ModelServing"]
