"""Deployments (Hopsworks' ``hsml.deployment.Deployment``).

A deployment is a catalog object (kind ``"deployment"``, version 1) holding its
predictor (model name and version, script, configuration) and its desired state
(``"RUNNING"`` or ``"STOPPED"``)::

    {"name": "fraud", "description": ..., "model_name": "fraud", "model_version": 1,
     "model_framework": "SKLEARN", "model_server": "PYTHON", "serving_tool": "DEFAULT",
     "script_file": "deployments/fraud/1/predict.py" | null,   # relative to artifacts dir
     "config_file": ... | null, "transformer": {"script_file": ...} | null,
     "artifact_version": 1, "artifact_path": "deployments/fraud/1",
     "resources": {...}, "inference_logger": ..., "inference_batcher": ...,
     "api_protocol": "REST", "environment": null,
     "state": "STOPPED", "revision": 1, "created": 1718000000.0, "creator": "alice"}

Scripts are copied into the artifact directory when the deployment is saved, so it
does not depend on the caller's working directory. ``revision`` grows with every
``save()``; a running server reloads a deployment whose revision changed.

``start()`` marks it RUNNING, makes sure the project's server runs (spawning one,
see :mod:`mvps.serving.process`) and waits until the server answers that the
deployment is ready; ``predict()`` is an HTTP call to that server.
"""

from __future__ import annotations

import json
import shutil
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mvps.errors import AlreadyExists, InvalidInput, NotFound, ServingError
from mvps.serving import process

if TYPE_CHECKING:
    from mvps.serving.predictor import Predictor

KIND = "deployment"
RUNNING, STOPPED = "RUNNING", "STOPPED"


class PredictorState:
    """The observed state of a deployment (Hopsworks' ``PredictorState``).

    ``status`` is one of ``"Running"`` (the server answers that it is ready),
    ``"Starting"`` (marked running, the server has not loaded it yet), ``"Failed"``
    (the server could not load it; ``condition`` says why) or ``"Stopped"``
    (stopped, or marked running while no server process runs).
    """

    def __init__(
        self,
        status: str,
        condition: str | None = None,
        url: str | None = None,
        revision: int | None = None,
        deployed: float | None = None,
    ) -> None:
        self.status = status
        self.condition = condition
        self.url = url
        self.revision = revision
        self.deployed = deployed

    @property
    def available_predictor_instances(self) -> int:
        return 1 if self.status == "Running" else 0

    @property
    def available_transformer_instances(self) -> int:
        return self.available_predictor_instances

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "condition": self.condition,
            "url": self.url,
            "revision": self.revision,
            "deployed": self.deployed,
            "available_predictor_instances": self.available_predictor_instances,
        }

    def describe(self) -> None:
        print(json.dumps(self.to_dict(), indent=2))

    def __repr__(self) -> str:
        return f"PredictorState(status: {self.status!r})"


def inference_payload(data: Any = None, inputs: Any = None) -> dict[str, Any]:
    """Hopsworks' request body rules: ``data`` as given, else ``inputs`` wrapped as
    ``{"instances": [[x]]}`` (a scalar), ``{"instances": x}`` (a list of lists or dicts)
    or ``{"instances": [x]}`` (any other list or value)."""
    if data is not None:
        if not isinstance(data, dict):
            raise InvalidInput(
                "data must be the full request body as a dict, e.g. {'instances': [[1, 2]]}; "
                "pass model inputs with inputs= instead"
            )
        return data
    if inputs is None:
        raise InvalidInput("pass data= (the request body) or inputs= (the model inputs)")
    from mvps.model import to_json_value

    x = to_json_value(inputs)
    if not isinstance(x, list):
        return {"instances": [[x]]}
    if x and all(isinstance(i, list | dict) for i in x):
        return {"instances": x}
    return {"instances": [x]}


class Deployment:
    """A deployed predictor; see the module docstring."""

    def __init__(
        self,
        predictor: Predictor,
        name: str | None = None,
        description: str | None = None,
        **kwargs: Any,
    ) -> None:
        from mvps.serving.predictor import Predictor, check_deployment_name

        if not isinstance(predictor, Predictor):
            raise InvalidInput("a deployment needs a Predictor (ms.create_predictor(model))")
        self._predictor = predictor
        if name is not None:
            predictor.name = check_deployment_name(name)
        if description is not None:
            predictor.description = description
        self._project = predictor._project
        self._id: int | None = None
        self._body: dict[str, Any] = {}

    # ------------------------------------------------------------------ persistence

    @classmethod
    def _from_catalog(cls, project: Any, obj: Any) -> Deployment:
        from mvps.serving.predictor import Predictor

        b = obj.body
        p = Predictor.__new__(Predictor)
        p.name = obj.name
        p.model_name = b["model_name"]
        p.model_version = int(b["model_version"])
        p.model_framework = b.get("model_framework", "PYTHON")
        p.description = b.get("description")
        p.artifact_version = b.get("artifact_version")
        p.serving_tool = b.get("serving_tool", "DEFAULT")
        artifacts = Path(project.config.artifacts_dir)
        p.script_file = str(artifacts / b["script_file"]) if b.get("script_file") else None
        p.config_file = str(artifacts / b["config_file"]) if b.get("config_file") else None
        p.resources = b.get("resources")
        p.inference_logger = b.get("inference_logger")
        p.inference_batcher = b.get("inference_batcher")
        p.transformer = None
        if b.get("transformer"):
            from mvps.serving.predictor import Transformer

            t = Transformer.__new__(Transformer)
            t.script_file = str(artifacts / b["transformer"]["script_file"])
            t.resources = b["transformer"].get("resources")
            p.transformer = t
        p.api_protocol = b.get("api_protocol", "REST")
        p.environment = b.get("environment")
        p.model_server = b.get("model_server", "PYTHON")
        p._project = project
        d = cls(p)
        d._id = obj.id
        d._body = dict(b)
        return d

    @property
    def _catalog(self) -> Any:
        return self._project.catalog

    @property
    def _artifacts(self) -> Path:
        return Path(self._project.config.artifacts_dir)

    def _obj(self) -> Any:
        obj = self._catalog.get(KIND, self.name, 1)
        if obj is None:
            raise NotFound(f"deployment {self.name!r} does not exist (was it deleted?)")
        return obj

    def _require_saved(self) -> None:
        if self._id is None:
            raise InvalidInput(f"deployment {self.name!r} is not saved yet; call deployment.save()")

    def save(self, await_update: int | None = 600) -> None:
        """Persist the deployment (a new one, or changes to an existing one).

        Scripts are copied into ``<artifacts>/deployments/<name>/<artifact_version>/``.
        A new deployment whose name is taken raises AlreadyExists. Saving a running
        deployment makes the server reload it.
        """
        p = self._predictor
        catalog = self._catalog
        if self._id is None:
            if catalog.get(KIND, p.name, 1) is not None:
                raise AlreadyExists(
                    f"deployment {p.name!r} exists already; get it with "
                    f"ms.get_deployment({p.name!r}), delete it, or deploy with another name="
                )
            obj = catalog.create(
                KIND,
                p.name,
                1,
                {
                    "name": p.name,
                    "state": STOPPED,
                    "revision": 0,
                    "model_name": p.model_name,
                    "model_version": p.model_version,
                },
            )
            self._id = obj.id
            try:
                self._store(state=STOPPED, revision=1, created=time.time())
            except BaseException:
                catalog.delete(KIND, p.name, 1)
                self._id = None
                raise
            catalog.add_link(
                ("model", p.model_name, p.model_version), (KIND, p.name, 1), "deployment"
            )
        else:
            old = self._obj().body
            self._store(
                state=old.get("state", STOPPED),
                revision=int(old.get("revision", 0)) + 1,
                created=old.get("created"),
            )
            if old.get("state") == RUNNING and await_update:
                self._wait_ready(float(await_update))

    def _store(self, state: str, revision: int, created: float | None) -> None:
        p = self._predictor
        artifact_version, artifact_dir = self._new_artifact_dir(p.artifact_version)

        def copy(path: str | None) -> str | None:
            if path is None:
                return None
            src = Path(path)
            if artifact_dir is None:
                raise InvalidInput("artifact_version must be 'CREATE' or a number to copy scripts")
            dst = artifact_dir / src.name
            if dst.is_symlink():  # a link to a model file: never write through it
                dst.unlink()
            if src.resolve() != dst.resolve():
                shutil.copy2(src, dst)
            return dst.relative_to(self._artifacts).as_posix()

        body = p.to_dict()
        body["script_file"] = copy(p.script_file)
        body["config_file"] = copy(p.config_file)
        if p.transformer is not None:
            body["transformer"] = {
                "script_file": copy(p.transformer.script_file),
                "resources": p.transformer.resources,
            }
        if artifact_dir is not None:
            self._link_model_files(artifact_dir)
        body.update(
            artifact_version=artifact_version,
            artifact_path=None
            if artifact_dir is None
            else artifact_dir.relative_to(self._artifacts).as_posix(),
            state=state,
            revision=revision,
            created=created,
            creator=self._body.get("creator") or _user(),
        )
        self._catalog.update(KIND, p.name, 1, body)
        self._body = body
        if p.script_file is not None:
            p.script_file = str(self._artifacts / body["script_file"])
        if p.config_file is not None:
            p.config_file = str(self._artifacts / body["config_file"])
        p.artifact_version = artifact_version

    def _link_model_files(self, artifact_dir: Path) -> None:
        """Link the model's files into the artifact directory (Hopsworks scripts load
        models from ``ARTIFACT_FILES_PATH``)."""
        obj = self._catalog.get("model", self.model_name, self.model_version)
        if obj is None or not obj.body.get("location"):
            return
        files = self._artifacts / obj.body["location"] / "Files"
        if not files.is_dir():
            return
        for entry in files.iterdir():
            link = artifact_dir / entry.name
            if not link.exists() and not link.is_symlink():
                try:
                    link.symlink_to(entry)
                except OSError:  # no symlinks on this filesystem: scripts use MODEL_FILES_PATH
                    return

    def _new_artifact_dir(self, artifact_version: Any) -> tuple[int, Path | None]:
        root = self._artifacts / "deployments" / self.name
        if artifact_version is None or str(artifact_version).upper() == "CREATE":
            root.mkdir(parents=True, exist_ok=True)
            n = 1
            while True:
                try:
                    (root / str(n)).mkdir()
                    return n, root / str(n)
                except FileExistsError:
                    n += 1
        if str(artifact_version).upper() == "MODEL-ONLY":
            return 0, None
        try:
            n = int(artifact_version)
        except (TypeError, ValueError):
            raise InvalidInput(
                f"artifact_version must be 'CREATE', 'MODEL-ONLY' or a number, got {artifact_version!r}"
            ) from None
        path = root / str(n)
        path.mkdir(parents=True, exist_ok=True)
        return n, path

    def _set_state(self, state: str) -> None:
        obj = self._obj()
        body = dict(obj.body)
        body["state"] = state
        self._catalog.update(KIND, self.name, 1, body)
        self._body = body

    # ------------------------------------------------------------------ lifecycle

    def start(self, await_running: int | None = 600) -> None:
        """Serve the deployment: mark it RUNNING, make sure the project's server runs
        (spawning one in the background if needed) and wait up to ``await_running``
        seconds until it is ready. A predictor that fails to load raises ServingError
        (and the deployment is marked stopped again); so does a deleted model."""
        self._require_saved()
        self._check_model()
        self._set_state(RUNNING)
        try:
            process.ensure_server(self._project)
            if await_running:
                self._wait_ready(float(await_running))
        except BaseException:
            self._set_state(STOPPED)
            raise

    def _check_model(self) -> None:
        obj = self._catalog.get("model", self.model_name, self.model_version)
        if obj is None:
            raise NotFound(
                f"deployment {self.name!r} serves model {self.model_name!r} version "
                f"{self.model_version}, which was deleted; deploy another model version "
                "(model.deploy(name=...)) or delete this deployment"
            )
        loc = obj.body.get("location")
        if loc and not (self._artifacts / loc / "Files").is_dir():
            raise NotFound(
                f"the files of model {self.model_name!r} version {self.model_version} are missing "
                f"({self._artifacts / loc}); save the model again and redeploy"
            )

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        delay = 0.01
        while True:
            url = process.server_url(self._project)
            if url is None:
                raise ServingError(
                    f"the model server of project {self._project.name!r} stopped while deployment "
                    f"{self.name!r} was starting; see {process.server_log(self._project)}"
                )
            r = process.request(url, "GET", f"/v1/models/{self.name}", timeout=30.0)
            if r is not None and r.status_code == 200:
                return
            if r is not None and r.status_code == 503 and _status_state(r) == "failed":
                raise ServingError(
                    f"deployment {self.name!r} failed to start: {_error_text(r)} "
                    "(see deployment.get_logs())"
                )
            if time.monotonic() >= deadline:
                warnings.warn(
                    f"deployment {self.name!r} is not ready after {timeout:.0f}s; it keeps starting "
                    "in the background (check deployment.get_state())",
                    stacklevel=3,
                )
                return
            time.sleep(delay)
            delay = min(delay * 1.5, 0.2)

    def stop(self, await_stopped: int | None = 600) -> None:
        """Stop serving the deployment (the server process keeps running)."""
        self._require_saved()
        self._set_state(STOPPED)
        url = process.server_url(self._project)
        if url is None or not await_stopped:
            return
        deadline = time.monotonic() + float(await_stopped)
        delay = 0.01
        while time.monotonic() < deadline:
            r = process.request(url, "GET", f"/v1/models/{self.name}", timeout=30.0)
            if r is None or r.status_code == 404:
                return
            time.sleep(delay)
            delay = min(delay * 1.5, 0.2)

    def get_state(self) -> PredictorState:
        """The observed state (see :class:`PredictorState`)."""
        self._require_saved()
        body = self._obj().body
        self._body = dict(body)
        rev, created = body.get("revision"), body.get("created")
        if body.get("state") != RUNNING:
            return PredictorState("Stopped", revision=rev, deployed=created)
        url = process.server_url(self._project)
        if url is None:
            return PredictorState(
                "Stopped",
                "marked running but no mvps serve process runs for the project; "
                "call deployment.start() or run `mvps serve`",
                revision=rev,
                deployed=created,
            )
        r = process.request(url, "GET", f"/v1/models/{self.name}", timeout=30.0)
        if r is None:
            return PredictorState("Stopped", "the model server does not answer", revision=rev)
        if r.status_code == 200:
            return PredictorState(
                "Running",
                url=f"{url}/v1/models/{self.name}:predict",
                revision=rev,
                deployed=created,
            )
        err = _error_text(r)
        if r.status_code == 503 and _status_state(r) == "failed":
            return PredictorState("Failed", err, revision=rev, deployed=created)
        return PredictorState("Starting", err, revision=rev, deployed=created)

    def is_created(self) -> bool:
        return self._id is not None

    def is_running(self, or_idle: bool = True, or_updating: bool = True) -> bool:
        return self.get_state().status == "Running"

    def is_stopped(self, or_created: bool = True) -> bool:
        return self.get_state().status == "Stopped"

    def delete(self, force: bool = False) -> None:
        """Delete the deployment; a running one needs ``force=True`` (it is stopped first)."""
        self._require_saved()
        body = self._obj().body
        if body.get("state") == RUNNING:
            if not force:
                raise InvalidInput(
                    f"deployment {self.name!r} is running; stop it first or call delete(force=True)"
                )
            self.stop()
        self._catalog.delete(KIND, self.name, 1)
        shutil.rmtree(self._artifacts / "deployments" / self.name, ignore_errors=True)
        self._id = None

    # ------------------------------------------------------------------ inference

    def predict(self, data: Any = None, inputs: Any = None) -> dict[str, Any]:
        """Send an inference request; returns the response body (``{"predictions": ...}``).

        ``data`` is the full request body; ``inputs`` are model inputs wrapped by
        :func:`inference_payload`. Errors raise ServingError carrying the server's
        message (and ``status_code``).
        """
        payload = inference_payload(data, inputs)
        url = process.server_url(self._project)
        if url is None:
            raise ServingError(
                f"deployment {self.name!r} is not running (no model server runs for project "
                f"{self._project.name!r}); call deployment.start()"
            )
        import orjson

        r = process.request(
            url,
            "POST",
            f"/v1/models/{self.name}:predict",
            content=orjson.dumps(payload, option=orjson.OPT_SERIALIZE_NUMPY),
            headers={"content-type": "application/json"},
        )
        if r is None:
            raise ServingError(
                f"the model server at {url} does not answer; call deployment.start()"
            )
        if r.status_code != 200:
            err = ServingError(
                f"deployment {self.name!r} answered {r.status_code}: {_error_text(r) or r.text}"
            )
            err.status_code = r.status_code  # type: ignore[attr-defined]
            raise err
        return dict(orjson.loads(r.content))

    def get_logs(self, component: str = "predictor", tail: int = 10) -> None:
        """Print the last ``tail`` lines of the deployment's log (loading, errors)."""
        if component not in ("predictor", "transformer"):
            raise InvalidInput(f"component must be 'predictor' or 'transformer', got {component!r}")
        text = process.tail(process.deployment_log(self._project, self.name), int(tail))
        if text:
            print(text)

    def get_url(self) -> str:
        """The inference URL (``POST`` a ``{"instances": [...]}`` body to it)."""
        info = process.server_info(self._project)
        base = info["url"] if info else f"http://127.0.0.1:{process.DEFAULT_PORT}"
        return f"{base}/v1/models/{self.name}:predict"

    def get_model(self) -> Any:
        return self._project.get_model_registry().get_model(self.model_name, self.model_version)

    def to_dict(self) -> dict[str, Any]:
        d = dict(self._body) if self._body else self._predictor.to_dict()
        d["id"] = self._id
        return d

    def json(self) -> str:
        return json.dumps(self.to_dict(), default=str)

    def describe(self) -> None:
        """Print the deployment as JSON."""
        print(json.dumps(self.to_dict(), indent=2, default=str))

    # ------------------------------------------------------------------ properties

    @property
    def id(self) -> int | None:
        return self._id

    @property
    def name(self) -> str:
        return self._predictor.name

    @property
    def description(self) -> str | None:
        return self._predictor.description

    @property
    def predictor(self) -> Predictor:
        return self._predictor

    @property
    def model_name(self) -> str:
        return self._predictor.model_name

    @property
    def model_version(self) -> int:
        return self._predictor.model_version

    @property
    def model_path(self) -> str:
        return str(self._artifacts / "models" / self.model_name)

    @property
    def model_server(self) -> str:
        return self._predictor.model_server

    @property
    def serving_tool(self) -> str:
        return self._predictor.serving_tool

    @property
    def script_file(self) -> str | None:
        return self._predictor.script_file

    @property
    def config_file(self) -> str | None:
        return self._predictor.config_file

    @property
    def artifact_version(self) -> Any:
        return self._predictor.artifact_version

    @property
    def artifact_files_path(self) -> str | None:
        path = self._body.get("artifact_path")
        return None if path is None else str(self._artifacts / path)

    @property
    def resources(self) -> Any:
        return self._predictor.resources

    @property
    def inference_logger(self) -> Any:
        return self._predictor.inference_logger

    @property
    def inference_batcher(self) -> Any:
        return self._predictor.inference_batcher

    @property
    def transformer(self) -> Any:
        return self._predictor.transformer

    @property
    def api_protocol(self) -> str:
        return self._predictor.api_protocol

    @property
    def environment(self) -> str | None:
        return self._predictor.environment

    @property
    def requested_instances(self) -> int:
        return self._predictor.requested_instances

    @property
    def created_at(self) -> float | None:
        return self._body.get("created")

    @property
    def creator(self) -> str | None:
        return self._body.get("creator")

    @property
    def model_registry_id(self) -> int:
        return self._project.id

    def __repr__(self) -> str:
        return f"Deployment(name: {self.name!r})"


def _user() -> str:
    import os

    return os.environ.get("USER", "mvps")


def _status_state(r: Any) -> str | None:
    try:
        body = r.json()
    except ValueError:
        return None
    return body.get("state") if isinstance(body, dict) else None


def _error_text(r: Any) -> str | None:
    try:
        body = r.json()
    except ValueError:
        return None
    if isinstance(body, dict):
        return body.get("error") or body.get("detail")
    return None


__all__ = ["Deployment", "PredictorState", "inference_payload"]
