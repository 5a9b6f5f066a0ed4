"""Models in the model registry (Hopsworks' ``hsml.model.Model``).

A model is created lazily with ``mr.<framework>.create_model(...)`` and registered by
``model.save(path)``, which copies the file or directory at ``path`` (sub-folders
included) into the project's artifact store::

    <artifacts_dir>/models/<name>/<version>/        version_path
        Files/...                                   model_files_path: the saved files
        input_example.json, model_schema.json      when given

The copy is atomic: files are copied to a staging directory next to the versions
(same filesystem), the version is claimed by creating its directory (``mkdir`` is
exclusive, so two processes saving the same name at once get distinct versions), the
staging directory is renamed onto it and only then is the model registered in the
catalog. A failed save removes what it wrote and registers nothing. Any file saved
with the model (plots such as ``confusion_matrix.png``, a predictor script...) is kept.

Catalog body of a model (kind ``"model"``, the object's name and version are the
model's), read by the web UI::

    {
      "name": "fraud", "version": 3,
      "framework": "SKLEARN",              # PYTHON, SKLEARN, TENSORFLOW, TORCH, XGBOOST,
                                           # LIGHTGBM or LLM
      "description": "...",
      "metrics": {"accuracy": 0.93},       # training metrics, numbers only
      "input_example": [...] | null,       # JSON value (a dataframe becomes its first row)
      "model_schema": {"input_schema": {...}, "output_schema": {...}} | null,
      "feature_view": {"name": "fraud", "version": 1} | null,
      "training_dataset_version": 2 | null,
      "files": [{"path": "model.pkl", "size": 1234},
                {"path": "plots/confusion_matrix.png", "size": 5678}],
                                           # relative to model_files_path, "/"-separated
      "location": "models/fraud/3",        # version_path relative to the artifacts dir
      "created": 1718000000.0,             # unix seconds
      "creator": "alice",
      "tags": {"owner": "risk-team"}
    }

The files of a model are therefore at ``<artifacts_dir>/<location>/Files/<path>``.
"""

from __future__ import annotations

import os
import re
import shutil
import time
import uuid
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mvps.errors import AlreadyExists, InvalidInput, NotFound

if TYPE_CHECKING:
    from mvps.lineage import Links
    from mvps.model_registry import ModelRegistry

KIND = "model"
FILES_DIR = "Files"
FRAMEWORKS = ("PYTHON", "SKLEARN", "TENSORFLOW", "TORCH", "XGBOOST", "LIGHTGBM", "LLM")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,127}$")


def check_model_name(name: Any) -> str:
    """Return ``name`` if it can name a model (and a directory of the artifact store).

    Allowed: 1-128 letters, digits, ``_``, ``-`` and ``.``, starting with a letter or a
    digit; path separators and ``..`` are rejected so a name never leaves the store.
    """
    if not isinstance(name, str) or not name:
        raise InvalidInput(f"a model name must be a non-empty string, got {name!r}")
    if "/" in name or "\\" in name or ".." in name or "\x00" in name:
        raise InvalidInput(
            f"model name {name!r} cannot be used: it must not contain '/', '\\' or '..' "
            "(it names a directory of the artifact store); use e.g. 'fraud_model'"
        )
    if not _NAME_RE.match(name):
        raise InvalidInput(
            f"model name {name!r} cannot be used: use 1-128 letters, digits, '_', '-' or '.', "
            "starting with a letter or digit (e.g. 'fraud_model')"
        )
    return name


def check_version(version: Any) -> int | None:
    if version is None:
        return None
    if isinstance(version, bool):
        raise InvalidInput(f"model version must be a positive integer, got {version!r}")
    try:
        v = int(str(version).strip()) if isinstance(version, str) else int(version)
    except (TypeError, ValueError):
        raise InvalidInput(f"model version must be a positive integer, got {version!r}") from None
    if v < 1 or (isinstance(version, float) and not version.is_integer()):
        raise InvalidInput(f"model version must be a positive integer, got {version!r}")
    return v


def to_json_value(value: Any) -> Any:
    """A JSON-compatible copy of ``value`` (numpy and pandas values become Python ones)."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, dict):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json_value(v) for v in value]
    module = type(value).__module__.split(".")[0]
    if module == "numpy":
        return to_json_value(value.tolist())
    if module == "pandas":
        import pandas as pd

        if isinstance(value, pd.DataFrame):
            return to_json_value(value.to_dict(orient="records"))
        if isinstance(value, pd.Series):
            return to_json_value(value.tolist())
        if isinstance(value, pd.Timestamp):
            return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "to_pylist"):  # pyarrow
        return to_json_value(value.to_pylist())
    if hasattr(value, "to_dicts"):  # polars DataFrame
        return to_json_value(value.to_dicts())
    if hasattr(value, "to_list"):  # polars Series
        return to_json_value(value.to_list())
    if hasattr(value, "item"):
        return to_json_value(value.item())
    raise InvalidInput(f"{type(value).__name__} cannot be stored as JSON")


def input_example_json(example: Any) -> Any:
    """Hopsworks' rule: a dataframe's first row (as a list), arrays and series as lists."""
    if example is None:
        return None
    module = type(example).__module__.split(".")[0]
    if module == "pandas":
        import pandas as pd

        if isinstance(example, pd.DataFrame):
            if example.empty:
                raise InvalidInput("input_example must not be an empty dataframe")
            return to_json_value(example.iloc[0].tolist())
    if module == "polars" and hasattr(example, "row"):
        if example.height == 0:
            raise InvalidInput("input_example must not be an empty dataframe")
        return to_json_value(list(example.row(0)))
    if module == "pyarrow" and hasattr(example, "slice") and hasattr(example, "schema"):
        if example.num_rows == 0:
            raise InvalidInput("input_example must not be an empty table")
        return to_json_value(list(example.slice(0, 1).to_pylist()[0].values()))
    return to_json_value(example)


def _metrics(metrics: Any) -> dict[str, float | int]:
    if metrics is None:
        return {}
    if not isinstance(metrics, dict):
        raise InvalidInput(
            f"metrics must be a dict of metric name to number, e.g. {{'accuracy': 0.9}}, got "
            f"{type(metrics).__name__}"
        )
    out: dict[str, float | int] = {}
    for k, v in metrics.items():
        if hasattr(v, "item") and not isinstance(v, str | bytes):
            v = v.item()
        if isinstance(v, str):
            try:
                v = float(v)
            except ValueError:
                pass
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise InvalidInput(f"metric {k!r} must be a number, got {v!r}")
        out[str(k)] = v
    return out


def _list_files(root: Path) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for dirpath, _dirs, files in os.walk(root):
        for f in files:
            p = Path(dirpath) / f
            out.append({"path": p.relative_to(root).as_posix(), "size": p.stat().st_size})
    out.sort(key=lambda d: str(d["path"]))
    return out


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


class Model:
    """A model version: metadata in the catalog, files in the artifact store.

    Create it with ``mr.<framework>.create_model(...)`` (lazy) and register it with
    :meth:`save`; fetch registered versions with ``mr.get_model(name, version)``.
    """

    def __init__(
        self,
        registry: ModelRegistry,
        name: str,
        version: int | None = None,
        framework: str = "PYTHON",
        metrics: dict[str, Any] | None = None,
        description: str | None = None,
        input_example: Any = None,
        model_schema: Any = None,
        feature_view: Any = None,
        training_dataset_version: int | None = None,
    ) -> None:
        self._registry = registry
        self._name = check_model_name(name)
        self._version = check_version(version)
        fw = str(framework or "PYTHON").upper()
        if fw not in FRAMEWORKS:
            raise InvalidInput(
                f"unknown framework {framework!r}; use one of {', '.join(FRAMEWORKS)}"
            )
        self._framework = fw
        self._metrics = _metrics(metrics)
        self._description = description
        self._input_example = input_example_json(input_example)
        self._model_schema = self._schema_dict(model_schema)
        if feature_view is not None and not hasattr(feature_view, "_ref"):
            raise InvalidInput(
                "feature_view must be the FeatureView the training data came from "
                f"(fs.get_feature_view(name, version)), got {type(feature_view).__name__}"
            )
        self._feature_view_obj = feature_view
        self._feature_view: dict[str, Any] | None = (
            None
            if feature_view is None
            else {"name": feature_view.name, "version": int(feature_view.version)}
        )
        self._training_dataset_version = check_version(training_dataset_version)
        self._id: str | None = None
        self._created: float | None = None
        self._creator: str = os.environ.get("USER", "mvps")
        self._files: list[dict[str, Any]] = []
        self._tags: dict[str, Any] = {}
        self._location: str | None = None

    @staticmethod
    def _schema_dict(model_schema: Any) -> dict[str, Any] | None:
        if model_schema is None:
            return None
        if isinstance(model_schema, dict):
            return to_json_value(model_schema)
        if hasattr(model_schema, "to_dict"):
            return to_json_value(model_schema.to_dict())
        raise InvalidInput(
            "model_schema must be a mvps.model_schema.ModelSchema "
            f"(ModelSchema(input_schema=Schema(X_train), ...)), got {type(model_schema).__name__}"
        )

    @classmethod
    def _from_catalog(cls, registry: ModelRegistry, obj: Any) -> Model:
        b = obj.body
        m = cls.__new__(cls)
        m._registry = registry
        m._name = obj.name
        m._version = obj.version
        m._framework = b.get("framework", "PYTHON")
        m._metrics = dict(b.get("metrics") or {})
        m._description = b.get("description")
        m._input_example = b.get("input_example")
        m._model_schema = b.get("model_schema")
        m._feature_view_obj = None
        m._feature_view = b.get("feature_view")
        m._training_dataset_version = b.get("training_dataset_version")
        m._id = f"{obj.name}_{obj.version}"
        m._created = b.get("created", obj.created)
        m._creator = b.get("creator", "mvps")
        m._files = list(b.get("files") or [])
        m._tags = dict(b.get("tags") or {})
        m._location = b.get("location")
        return m

    # ------------------------------------------------------------------ helpers

    @property
    def _project(self) -> Any:
        return self._registry._project

    @property
    def _catalog(self) -> Any:
        return self._project.catalog

    @property
    def _ref(self) -> tuple[str, str, int]:
        return (KIND, self._name, int(self._version or 0))

    @property
    def _saved(self) -> bool:
        return self._id is not None

    def _require_saved(self, action: str) -> None:
        if not self._saved:
            raise InvalidInput(
                f"model {self._name!r} is not saved yet; call model.save(path) before {action}"
            )

    @property
    def _models_root(self) -> Path:
        return Path(self._project.config.artifacts_dir) / "models"

    def _version_dir(self) -> Path:
        if self._location:
            return Path(self._project.config.artifacts_dir) / self._location
        return self._models_root / self._name / str(self._version)

    def to_dict(self) -> dict[str, Any]:
        """The catalog body (see the module docstring)."""
        return {
            "name": self._name,
            "version": self._version,
            "framework": self._framework,
            "description": self._description,
            "metrics": self._metrics,
            "input_example": self._input_example,
            "model_schema": self._model_schema,
            "feature_view": self._feature_view,
            "training_dataset_version": self._training_dataset_version,
            "files": self._files,
            "location": self._location,
            "created": self._created,
            "creator": self._creator,
            "tags": self._tags,
        }

    def json(self) -> str:
        import json

        return json.dumps(self.to_dict(), default=str)

    # ------------------------------------------------------------------ save

    def save(
        self,
        model_path: str | os.PathLike[str],
        await_registration: int = 480,
        keep_original_files: bool = False,
        upload_configuration: dict[str, Any] | None = None,
    ) -> Model:
        """Copy the file or directory ``model_path`` into the registry and register it.

        ``version=None`` at creation takes the next free version. The copy is atomic
        (see the module docstring); saving a ``(name, version)`` that exists raises
        :class:`~mvps.errors.AlreadyExists`. The original files are always kept
        (``keep_original_files`` only matters for Hopsworks' own file system), and
        registration is synchronous (``await_registration`` and
        ``upload_configuration`` are accepted for compatibility).

        With ``feature_view=`` the model records the feature view and the training
        dataset version it was trained on (``training_dataset_version`` or the one
        the feature view last returned) and links both to the model, so that
        ``fv.get_models()`` and ``model.get_feature_view()`` find each other. Without a
        ``model_schema``, one is derived from the feature view's features and labels.
        """
        if self._saved:
            raise AlreadyExists(
                f"model {self._name!r} version {self._version} is saved already; create a new "
                f"version with mr.<framework>.create_model({self._name!r}) and save that"
            )
        src = Path(os.fspath(model_path)).expanduser()
        if not src.exists():
            raise InvalidInput(
                f"model_path {str(src)!r} does not exist; pass the file or directory holding the "
                "model files (e.g. the directory you joblib.dump()-ed the model into)"
            )
        catalog = self._catalog
        fv = self._feature_view_obj
        if fv is not None:
            self._provenance_defaults(fv)
        if self._version is not None and catalog.get(KIND, self._name, self._version) is not None:
            raise AlreadyExists(self._exists_message(self._version))

        base = self._models_root / self._name
        base.mkdir(parents=True, exist_ok=True)
        if not _inside(base, self._models_root):
            raise InvalidInput(f"model name {self._name!r} resolves outside the artifact store")
        if src.is_dir() and _inside(base, src):
            raise InvalidInput(
                f"model_path {str(src)!r} contains the model registry's own directory; save the "
                "model files from a separate directory"
            )
        staging = base / f".staging-{uuid.uuid4().hex}"
        try:
            files_dir = staging / FILES_DIR
            if src.is_dir():
                _copy_tree(src, files_dir)
            else:
                files_dir.mkdir(parents=True)
                _copy_file(src, files_dir / src.name)
            self._write_resources(staging)
            files = _list_files(files_dir)
            version = self._claim_version(base)
            target = base / str(version)
            try:
                os.rename(staging, target)
            except BaseException:
                _rmdir_quiet(target)
                raise
            self._version = version
            self._location = target.relative_to(Path(self._project.config.artifacts_dir)).as_posix()
            self._files = files
            self._created = time.time()
            try:
                obj = catalog.create(KIND, self._name, version, self.to_dict())
            except BaseException:
                shutil.rmtree(target, ignore_errors=True)
                self._version, self._location, self._files, self._created = None, None, [], None
                raise
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            _rmdir_quiet(base)
            raise
        self._id = f"{self._name}_{version}"
        self._created = obj.body.get("created", obj.created)
        if fv is not None:
            catalog.add_link(fv._ref, self._ref, "model")
            if self._training_dataset_version is not None:
                td_ref = ("training_dataset", fv._td_name, int(self._training_dataset_version))
                catalog.add_link(td_ref, self._ref, "model")
        return self

    def _exists_message(self, version: int) -> str:
        nxt = self._catalog.next_version(KIND, self._name)
        return (
            f"model {self._name!r} version {version} exists already; get it with "
            f"mr.get_model({self._name!r}, {version}), or save version {nxt} (or version=None "
            "for the next free one)"
        )

    def _provenance_defaults(self, fv: Any) -> None:
        if self._training_dataset_version is None:
            last = fv.get_last_accessed_training_dataset()
            if last is not None:
                self._training_dataset_version = int(last)
            else:
                warnings.warn(
                    f"feature view {fv.name!r} was given but no training dataset version: pass "
                    "training_dataset_version= (or read training data from the feature view first) "
                    "to record which training data the model came from",
                    stacklevel=3,
                )
        if self._model_schema is None:
            from mvps.model_schema import ModelSchema
            from mvps.model_schema_types import Schema

            skip = set(fv.inference_helper_columns) | set(fv.training_helper_columns)
            feats = [f for f in fv.features if f.name not in skip]
            inputs = [{"name": f.name, "type": f.type} for f in feats if not f.label]
            outputs = [{"name": f.name, "type": f.type} for f in feats if f.label]
            self._model_schema = ModelSchema(
                Schema(inputs) if inputs else None, Schema(outputs) if outputs else None
            ).to_dict()

    def _write_resources(self, staging: Path) -> None:
        import json

        if self._input_example is not None:
            (staging / "input_example.json").write_text(json.dumps(self._input_example))
        if self._model_schema is not None:
            (staging / "model_schema.json").write_text(json.dumps(self._model_schema, indent=2))

    def _claim_version(self, base: Path) -> int:
        """Create the (empty) directory of the version to use; ``mkdir`` is exclusive."""
        if self._version is not None:
            try:
                (base / str(self._version)).mkdir()
            except FileExistsError:
                raise AlreadyExists(
                    self._exists_message(self._version)
                    + f" (its directory {base / str(self._version)} exists)"
                ) from None
            return self._version
        v = self._catalog.next_version(KIND, self._name)
        for _ in range(10_000):
            try:
                (base / str(v)).mkdir()
                return v
            except FileExistsError:
                v += 1
        raise AlreadyExists(f"could not find a free version for model {self._name!r}")

    # ------------------------------------------------------------------ files

    def download(self, local_path: str | os.PathLike[str] | None = None) -> str:
        """Copy the model files to ``local_path`` (default: a new temporary directory)
        and return that directory's absolute path."""
        self._require_saved("downloading it")
        src = self._version_dir() / FILES_DIR
        if not src.is_dir():
            raise NotFound(
                f"the files of model {self._name!r} version {self._version} are missing ({src}); "
                "save the model again"
            )
        if local_path is None:
            import tempfile

            dst = Path(tempfile.mkdtemp(prefix=f"mvps-model-{self._name}-{self._version}-"))
        else:
            dst = Path(os.fspath(local_path)).expanduser()
            dst.mkdir(parents=True, exist_ok=True)
        shutil.copytree(src, dst, dirs_exist_ok=True)
        return str(dst.resolve())

    def delete(self) -> None:
        """Delete this version: its catalog entry, then its files.

        A deployment serving it must be stopped first; stopped deployments of a
        deleted model stay and report the deletion when started.
        """
        self._require_saved("deleting it")
        for obj in self._catalog.list("deployment"):
            b = obj.body
            if (
                b.get("model_name") == self._name
                and b.get("model_version") == self._version
                and b.get("state") == "RUNNING"
            ):
                raise InvalidInput(
                    f"deployment {obj.name!r} is serving model {self._name!r} version "
                    f"{self._version}; stop it first (deployment.stop())"
                )
        self._catalog.delete(KIND, self._name, int(self._version or 0))
        shutil.rmtree(self._version_dir(), ignore_errors=True)
        _rmdir_quiet(self._models_root / self._name)
        self._id = None

    # ------------------------------------------------------------------ tags

    def _store_tags(self) -> None:
        obj = self._catalog.require(KIND, self._name, int(self._version or 0))
        body = dict(obj.body)
        body["tags"] = self._tags
        self._catalog.update(KIND, self._name, int(self._version or 0), body)

    def set_tag(self, name: str, value: Any) -> None:
        """Attach a tag (any JSON value) to this model version."""
        self._require_saved("tagging it")
        if not isinstance(name, str) or not name:
            raise InvalidInput(f"tag name must be a non-empty string, got {name!r}")
        obj = self._catalog.require(KIND, self._name, int(self._version or 0))
        self._tags = dict(obj.body.get("tags") or {})
        self._tags[name] = to_json_value(value)
        self._store_tags()

    add_tag = set_tag

    def get_tag(self, name: str) -> Any:
        """The tag's value, or None when the model has no such tag."""
        self._require_saved("reading tags")
        obj = self._catalog.require(KIND, self._name, int(self._version or 0))
        return (obj.body.get("tags") or {}).get(name)

    def get_tags(self) -> dict[str, Any]:
        self._require_saved("reading tags")
        obj = self._catalog.require(KIND, self._name, int(self._version or 0))
        return dict(obj.body.get("tags") or {})

    def delete_tag(self, name: str) -> None:
        self._require_saved("deleting tags")
        obj = self._catalog.require(KIND, self._name, int(self._version or 0))
        tags = dict(obj.body.get("tags") or {})
        if name not in tags:
            raise NotFound(
                f"model {self._name!r} version {self._version} has no tag {name!r} "
                f"(tags: {sorted(tags)})"
            )
        del tags[name]
        self._tags = tags
        self._store_tags()

    # ------------------------------------------------------------------ provenance

    def _fs(self) -> Any:
        return self._project.get_feature_store()

    def get_feature_view_provenance(self) -> Links:
        """The feature view this model was trained from (deleted ones in ``.deleted``)."""
        from mvps.lineage import links_to

        self._require_saved("reading its provenance")
        return links_to(self._fs(), self._ref, {"feature_view"})

    def get_training_dataset_provenance(self) -> Links:
        """The training dataset version this model was trained on."""
        from mvps.lineage import links_to

        self._require_saved("reading its provenance")
        return links_to(self._fs(), self._ref, {"training_dataset"})

    def get_feature_view(self, init: bool = True, online: bool = False) -> Any:
        """The feature view this model was trained from, or None if none was recorded.

        With ``init=True`` it is initialised with the model's training dataset version:
        ``init_serving`` when ``online=True`` or inside a deployment, else
        ``init_batch_scoring``. A deleted feature view raises NotFound.
        """
        links = self.get_feature_view_provenance()
        if links.accessible:
            fv = links.accessible[0]
        elif links.deleted:
            d = links.deleted[0]
            raise NotFound(
                f"feature view {d.name!r} version {d.version} that model {self._name!r} version "
                f"{self._version} was trained from has been deleted"
            )
        else:
            return None
        if init:
            td = self._training_dataset_version
            if online or "DEPLOYMENT_NAME" in os.environ:
                fv.init_serving(td)
            else:
                fv.init_batch_scoring(td)
        return fv

    # ------------------------------------------------------------------ serving

    def _get_default_serving_name(self) -> str:
        return default_serving_name(self._name)

    def deploy(
        self,
        name: str | None = None,
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
        **kwargs: Any,
    ) -> Any:
        """Create a deployment of this model (stopped; call ``start()``).

        ``name`` defaults to the model name reduced to lower-case letters and digits.
        Without ``script_file`` a model saved with ``feature_view=`` gets the default
        predictor (see :mod:`mvps.serving`). A taken name raises AlreadyExists.
        """
        from mvps.serving.predictor import Predictor

        self._require_saved("deploying it")
        predictor = Predictor.for_model(
            self,
            name=name,
            description=description,
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
        return predictor.deploy()

    def get_url(self) -> str:
        return self._version_dir().resolve().as_uri()

    # ------------------------------------------------------------------ properties

    @property
    def id(self) -> str | None:
        """``<name>_<version>`` once saved (Hopsworks' model id)."""
        return self._id

    @property
    def name(self) -> str:
        return self._name

    @property
    def version(self) -> int | None:
        return self._version

    @property
    def description(self) -> str | None:
        return self._description

    @description.setter
    def description(self, value: str | None) -> None:
        self._description = value

    @property
    def created(self) -> float | None:
        return self._created

    @property
    def creator(self) -> str:
        return self._creator

    @property
    def user(self) -> str:
        return self._creator

    @property
    def framework(self) -> str:
        return self._framework

    @property
    def training_metrics(self) -> dict[str, Any]:
        return dict(self._metrics)

    @property
    def input_example(self) -> Any:
        return self._input_example

    @property
    def model_schema(self) -> dict[str, Any] | None:
        return self._model_schema

    @property
    def training_dataset_version(self) -> int | None:
        return self._training_dataset_version

    @property
    def feature_view(self) -> dict[str, Any] | None:
        """``{"name", "version"}`` of the feature view the model was trained from."""
        return None if self._feature_view is None else dict(self._feature_view)

    @property
    def files(self) -> list[dict[str, Any]]:
        """The saved files (``path`` relative to ``model_files_path``, ``size``)."""
        return [dict(f) for f in self._files]

    @property
    def project_name(self) -> str:
        return self._project.name

    @property
    def model_registry_id(self) -> int:
        return self._registry.model_registry_id

    @property
    def shared_registry_project_name(self) -> str | None:
        return None

    @property
    def model_path(self) -> str:
        """Directory of all versions of this model."""
        return str(self._models_root / self._name)

    @property
    def version_path(self) -> str:
        """Directory of this version (holds ``Files/`` and the JSON resources)."""
        return str(self._version_dir())

    @property
    def model_files_path(self) -> str:
        """Directory of the saved model files."""
        return str(self._version_dir() / FILES_DIR)

    @property
    def environment(self) -> None:
        return None

    @property
    def program(self) -> None:
        return None

    def __repr__(self) -> str:
        return f"Model(name: {self._name!r}, version: {self._version!r})"


def default_serving_name(model_name: str) -> str:
    """A deployment name from a model name: lower-case letters and digits only."""
    name = re.sub(r"[^a-z0-9]", "", model_name.lower())
    if not name:
        raise InvalidInput(
            f"cannot derive a deployment name from model name {model_name!r}; pass name= "
            "(lower-case letters and digits)"
        )
    return name


def _copy_file(src: Path, dst: Path) -> None:
    shutil.copy2(src, dst)


def _copy_tree(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, copy_function=lambda s, d: _copy_file(Path(s), Path(d)))


def _rmdir_quiet(path: Path) -> None:
    try:
        path.rmdir()
    except OSError:
        pass


__all__ = ["FRAMEWORKS", "KIND", "Model", "check_model_name", "default_serving_name"]
