"""The server side of deployments: loading predictors and running them.

Each server worker keeps a :class:`DeploymentTable`: the RUNNING deployments of the
project, each loaded once (per revision) into a :class:`Served` object. The table is
refreshed from the catalog in the background (and on demand when a request names a
deployment it does not know), so deployments started or stopped after the server
began are picked up; requests themselves read only the in-memory table.

Predictors:

* **script** — the deployment's script defines ``class Predict`` with
  ``predict(self, inputs)`` (``inputs`` is the request's ``instances`` list; plain or
  ``async``). While the script is imported and ``Predict()`` constructed, the
  environment holds ``MODEL_FILES_PATH`` (the model's files), ``ARTIFACT_FILES_PATH``
  (the deployment's artifact directory: its scripts plus links to the model files),
  ``MODEL_NAME``, ``MODEL_VERSION``, ``DEPLOYMENT_NAME`` and ``CONFIG_FILE_PATH`` when
  a config file was given. ``Predict.__init__`` may take ``project``, ``model`` and
  ``async_logger`` arguments, as in Hopsworks. :func:`mvps.serving.get_feature_view`
  returns the served model's feature view initialised for serving. A ``Transformer``
  script's ``preprocess(body)``/``postprocess(response)`` run around it.
* **default** (no script) — the first ``*.pkl``/``*.joblib`` file of the model is
  loaded with joblib. For a model saved with ``feature_view=``, each instance is a
  dict of serving keys, optionally with a ``"passed_features"`` dict; the feature
  vectors come from the online store through the feature view (which applies its
  transformations), in the columns the model was fitted on. Without a feature view
  each instance is a row of feature values (a list, or a dict of feature name to
  value). ``"predict_proba": true`` in the body (or ``?predict_proba=true``) returns
  class probabilities. Requests that arrive together (in one iteration of the
  server's event loop) are answered with one lookup per feature group and one
  ``predict`` call; a lone request is not delayed.

Bad input raises :class:`~mvps.errors.InvalidInput`, a missing online row
:class:`~mvps.errors.NotFound`, and a failing predictor script :class:`PredictorFailed`;
the HTTP layer (:mod:`mvps.server`) turns them into 400, 404 and 500 answers.
"""

from __future__ import annotations

import contextlib
import importlib.util
import inspect
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from mvps.errors import InvalidInput, MvpsError, NotFound, ServingError
from mvps.serving import process
from mvps.serving.model_input import ModelInput, plain_frame

_LOAD_LOCK = threading.RLock()
_WATCHED = ["deployment", "feature_view", "model"]  # the kinds a refresh looks at


class PredictorFailed(ServingError):
    """A predictor (or transformer) script raised while answering a request."""


class _NoopAsyncLogger:
    """Stand-in for Hopsworks' feature logger passed to ``Predict(async_logger=...)``."""

    def log(self, *args: Any, **kwargs: Any) -> None:
        return None


def instances_of(payload: Any) -> list[Any]:
    """The ``instances`` (or KServe ``inputs``) list of a request body."""
    if not isinstance(payload, dict):
        raise InvalidInput(
            'the request body must be a JSON object with an "instances" list, e.g. '
            '{"instances": [[1.0, 2.0]]}'
        )
    instances = payload.get("instances", payload.get("inputs"))
    if instances is None:
        raise InvalidInput(
            f'the request body has no "instances" (keys: {sorted(payload)[:10]}); send e.g. '
            '{"instances": [[1.0, 2.0]]}'
        )
    if not isinstance(instances, list):
        raise InvalidInput(f'"instances" must be a list, got {type(instances).__name__}')
    return instances


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


class Served:
    """A loaded deployment: ``answer(body, query)`` returns the response body."""

    def __init__(
        self,
        name: str,
        key: tuple[Any, ...],
        model_name: str,
        model_version: int,
        call: Callable[[dict[str, Any], Mapping[str, Any]], Any],
        is_async: bool,
        blocking: bool,
    ) -> None:
        self.name = name
        self.key = key
        self.model_name = model_name
        self.model_version = model_version
        self.answer = call
        self.is_async = is_async
        self.blocking = blocking  # run in a thread (user scripts) rather than on the event loop
        self.loaded = time.time()

    def status(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "ready": True,
            "state": "ready",
            "model_name": self.model_name,
            "model_version": self.model_version,
        }


# ---------------------------------------------------------------------- default predictor


def _find_model_file(files_dir: Path) -> Path:
    candidates = sorted(
        (p for p in files_dir.rglob("*") if p.is_file() and p.suffix in (".pkl", ".joblib")),
        key=lambda p: (len(p.relative_to(files_dir).parts), str(p)),
    )
    if not candidates:
        raise InvalidInput(
            f"no .pkl or .joblib file in the model files ({files_dir}); save the model with "
            "joblib.dump or deploy it with a predictor script (script_file=)"
        )
    return candidates[0]


class _Job:
    """One request to the default predictor, validated."""

    __slots__ = ("entries", "future", "n", "passed", "proba", "rows")

    def __init__(self, proba: bool, n: int) -> None:
        self.proba = proba
        self.n = n
        self.entries: list[dict[str, Any]] = []
        self.passed: list[dict[str, Any] | None] = []
        self.rows: list[Any] = []
        self.future: Any = None


class _Batcher:
    """Opportunistic batching: the jobs submitted during one event-loop iteration run
    together on the next one (a lone request waits for no one). Under load this turns
    N lookups and N ``predict`` calls into one of each. If a batch fails, its jobs run
    one by one so that each request gets its own answer or error."""

    def __init__(self, run: Callable[[list[_Job]], list[Any]]) -> None:
        self.run = run
        self.pending: list[_Job] = []
        self.scheduled = False

    def submit(self, job: _Job) -> Any:
        import asyncio

        loop = asyncio.get_running_loop()
        job.future = loop.create_future()
        self.pending.append(job)
        if not self.scheduled:
            self.scheduled = True
            loop.call_soon(self.flush)
        return job.future

    def flush(self) -> None:
        jobs, self.pending = self.pending, []
        self.scheduled = False
        try:
            self._run_groups(jobs)
        finally:  # never leave a request waiting
            for j in jobs:
                if not j.future.done():
                    j.future.set_exception(
                        ServingError("the batch of this request was interrupted")
                    )

    def _run_groups(self, jobs: list[_Job]) -> None:
        for proba in (False, True):
            group = [j for j in jobs if j.proba is proba and not j.future.done()]
            if not group:
                continue
            try:
                results = self.run(group)
            except Exception as exc:
                if len(group) == 1:
                    group[0].future.set_exception(exc)
                    continue
                for j in group:
                    try:
                        (result,) = self.run([j])
                    except Exception as one_exc:
                        j.future.set_exception(one_exc)
                    else:
                        j.future.set_result(result)
                continue
            for j, r in zip(group, results, strict=True):
                j.future.set_result(r)


class DefaultPredictor:
    """See the module docstring ("default")."""

    def __init__(self, project: Any, model_body: dict[str, Any], files_dir: Path) -> None:
        from mvps._deps import require

        joblib = require("joblib")
        path = _find_model_file(files_dir)
        self.model = joblib.load(path)
        if not hasattr(self.model, "predict"):
            raise InvalidInput(
                f"{path.name} holds a {type(self.model).__name__}, which has no predict()"
            )
        self.fv: Any = None
        names: list[str] | None = None
        ref = model_body.get("feature_view")
        if ref:
            fs = project.get_feature_store()
            fv = fs.get_feature_view(ref["name"], ref["version"])
            fv.init_serving(model_body.get("training_dataset_version"))
            self.fv = fv
            names = [str(c) for c in fv.get_feature_vectors([], return_type="pandas").columns]
            self.example_entry = {k: "..." for k in sorted(fv.primary_keys)}
        self.names = names
        fitted = getattr(self.model, "feature_names_in_", None)
        self.columns: list[str] | None = None if fitted is None else [str(c) for c in fitted]
        self.take: list[int] | None = None
        if self.columns is not None and names is not None:
            missing = [c for c in self.columns if c not in names]
            if missing:
                raise InvalidInput(
                    f"the model was fitted on {missing}, which feature view '{self.fv.name}' "
                    f"version {self.fv.version} does not serve (it serves {names}); deploy with a "
                    "predictor script that builds the model's input"
                )
            if self.columns != names:
                self.take = [names.index(c) for c in self.columns]
        n = getattr(self.model, "n_features_in_", None)
        self.n_features: int | None = int(n) if n is not None else None
        frame = self.fv._plan().typed_frame if self.fv is not None else plain_frame
        self.input = ModelInput(self.model, self.columns, self.take, frame)
        self.batcher = _Batcher(self.run)

    # A request becomes a _Job (validated on arrival); jobs run alone (__call__) or as
    # one batch (_Batcher): one lookup per feature group and one predict for all rows.

    def prepare(self, payload: dict[str, Any], query: Mapping[str, Any]) -> _Job:
        instances = instances_of(payload)
        proba = _truthy(payload.get("predict_proba", False)) or _truthy(
            query.get("predict_proba", "")
        )
        if proba and not hasattr(self.model, "predict_proba"):
            raise InvalidInput(f"the model ({type(self.model).__name__}) has no predict_proba")
        job = _Job(proba, len(instances))
        if self.fv is not None:
            job.entries, job.passed = self._entries(instances)
        else:
            job.rows = self._rows(instances)
        return job

    def run(self, jobs: list[_Job]) -> list[Any]:
        """The predictions of each job (all with the same ``proba``), computed at once."""
        if self.fv is not None:
            entries = [e for j in jobs for e in j.entries]
            passed = [p for j in jobs for p in j.passed]
            rows = self._lookup(entries, passed)
        else:
            rows = [r for j in jobs for r in j.rows]
        out = self.input.call("predict_proba" if jobs[0].proba else "predict", rows)
        if len(jobs) == 1:
            return [out]
        results, start = [], 0
        for j in jobs:
            results.append(out[start : start + j.n])
            start += j.n
        return results

    def __call__(self, payload: dict[str, Any], query: Mapping[str, Any]) -> Any:
        job = self.prepare(payload, query)
        if not job.n:
            return {"predictions": []}
        return {"predictions": self.run([job])[0]}

    async def answer_async(self, payload: dict[str, Any], query: Mapping[str, Any]) -> Any:
        """Like ``__call__``, batched with the requests that arrive at the same time."""
        job = self.prepare(payload, query)
        if not job.n:
            return {"predictions": []}
        return {"predictions": await self.batcher.submit(job)}

    def _entries(
        self, instances: list[Any]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any] | None]]:
        entries: list[dict[str, Any]] = []
        passed: list[dict[str, Any] | None] = []
        for i, inst in enumerate(instances):
            if isinstance(inst, list) and len(inst) == 1 and isinstance(inst[0], dict):
                inst = inst[0]  # predict(inputs={...}) sends [[{...}]]
            if not isinstance(inst, dict):
                raise InvalidInput(
                    f"instance {i} must be a JSON object of serving keys, e.g. {self.example_entry} "
                    f'(optionally with a "passed_features" object), got {type(inst).__name__}'
                )
            if "passed_features" in inst:
                entry = dict(inst)
                p = entry.pop("passed_features")
                if p is not None and not isinstance(p, dict):
                    raise InvalidInput(f"passed_features of instance {i} must be an object")
                entries.append(entry)
                passed.append(p)
            else:
                entries.append(inst)
                passed.append(None)
        return entries, passed

    def _lookup(
        self, entries: list[dict[str, Any]], passed: list[dict[str, Any] | None]
    ) -> list[list[Any]]:
        fv = self.fv
        if len(entries) == 1:
            return [fv.get_feature_vector(entries[0], passed_features=passed[0])]
        any_passed = any(p is not None for p in passed)
        rows = fv.get_feature_vectors(
            entries, passed_features=[p or {} for p in passed] if any_passed else None
        )
        if len(rows) != len(entries):  # entries without any online row are skipped: name one
            for e, p in zip(entries, passed, strict=True):
                fv.get_feature_vector(e, passed_features=p)
        return list(rows)

    def _rows(self, instances: list[Any]) -> list[Any]:
        if all(isinstance(r, dict) for r in instances):
            if self.columns is None:
                raise InvalidInput(
                    "instances are objects, but the model was not fitted on named columns; send "
                    "each instance as a list of feature values"
                )
            rows = []
            for i, r in enumerate(instances):
                missing = [c for c in self.columns if c not in r]
                if missing:
                    raise InvalidInput(
                        f"instance {i} lacks feature(s) {missing}; the model needs {self.columns}"
                    )
                rows.append([r[c] for c in self.columns])
            return rows
        width = len(self.columns) if self.columns is not None else self.n_features
        for i, r in enumerate(instances):
            if not isinstance(r, list):
                raise InvalidInput(
                    f"instance {i} must be a list of feature values"
                    + (f" ({width} of them)" if width else "")
                    + f", got {type(r).__name__}"
                )
            if width is not None and len(r) != width:
                raise InvalidInput(f"instance {i} has {len(r)} values; the model expects {width}")
        return instances


# ---------------------------------------------------------------------- script predictor


def _import_script(path: Path, module_name: str) -> Any:
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise InvalidInput(f"cannot import predictor script {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    return module


def _construct(cls: type, project: Any, model: Any) -> Any:
    try:
        params = inspect.signature(cls).parameters
    except (TypeError, ValueError):
        return cls()
    offer = {"project": project, "model": model, "async_logger": _NoopAsyncLogger()}
    kwargs = {k: v for k, v in offer.items() if k in params}
    return cls(**kwargs)


class ScriptPredictor:
    """See the module docstring ("script")."""

    def __init__(
        self,
        project: Any,
        name: str,
        revision: Any,
        script: Path,
        transformer: Path | None,
        model: Any,
    ) -> None:
        tag = f"{name}_{revision}_{os.getpid()}"
        module = _import_script(script, f"mvps_predictor_{tag}")
        cls = getattr(module, "Predict", None)
        if not isinstance(cls, type):
            raise InvalidInput(f"predictor script {script.name} defines no class Predict")
        self.predictor = _construct(cls, project, model)
        if not callable(getattr(self.predictor, "predict", None)):
            raise InvalidInput(
                f"class Predict of {script.name} has no predict(self, inputs) method"
            )
        self.is_async = inspect.iscoroutinefunction(self.predictor.predict)
        self.transformer = None
        if transformer is not None:
            tmod = _import_script(transformer, f"mvps_transformer_{tag}")
            tcls = getattr(tmod, "Transformer", None)
            if not isinstance(tcls, type):
                raise InvalidInput(
                    f"transformer script {transformer.name} defines no class Transformer"
                )
            self.transformer = _construct(tcls, project, model)
            if self.is_async:
                raise InvalidInput("an async Predict.predict cannot be combined with a transformer")

    def _pre(self, payload: dict[str, Any]) -> list[Any]:
        if self.transformer is not None and hasattr(self.transformer, "preprocess"):
            try:
                payload = self.transformer.preprocess(payload)
            except MvpsError:
                raise
            except Exception as exc:
                raise PredictorFailed(
                    f"the transformer's preprocess raised {_describe(exc)}"
                ) from exc
        return instances_of(payload)

    def _post(self, result: Any) -> Any:
        response = {"predictions": result}
        if self.transformer is not None and hasattr(self.transformer, "postprocess"):
            try:
                response = self.transformer.postprocess(response)
            except MvpsError:
                raise
            except Exception as exc:
                raise PredictorFailed(
                    f"the transformer's postprocess raised {_describe(exc)}"
                ) from exc
        return response

    def __call__(self, payload: dict[str, Any], query: Mapping[str, Any]) -> Any:
        instances = self._pre(payload)
        try:
            result = self.predictor.predict(instances)
        except MvpsError:
            raise
        except Exception as exc:
            raise PredictorFailed(f"the predictor script raised {_describe(exc)}") from exc
        return self._post(result)

    async def call_async(self, payload: dict[str, Any], query: Mapping[str, Any]) -> Any:
        instances = instances_of(payload)
        try:
            result = await self.predictor.predict(instances)
        except MvpsError:
            raise
        except Exception as exc:
            raise PredictorFailed(f"the predictor script raised {_describe(exc)}") from exc
        return {"predictions": result}


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


# ---------------------------------------------------------------------- loading


def _key(obj: Any) -> tuple[Any, ...]:
    b = obj.body
    return (obj.id, b.get("revision"), b.get("model_name"), b.get("model_version"))


@contextlib.contextmanager
def _script_environment(env: Mapping[str, Any], paths: list[str], log: Path) -> Any:
    """Set the predictor's environment variables and sys.path; send prints to its log."""
    os.environ.update(env)
    for p in reversed(paths):
        if p not in sys.path:
            sys.path.insert(0, p)
    log.parent.mkdir(parents=True, exist_ok=True)
    with (
        open(log, "a", encoding="utf-8") as fh,
        contextlib.redirect_stdout(fh),
        contextlib.redirect_stderr(fh),
    ):
        yield


def load(project: Any, obj: Any) -> Served:
    """Load the deployment catalog object ``obj`` (see the module docstring)."""
    b = obj.body
    name = obj.name
    artifacts = Path(project.config.artifacts_dir)
    model_obj = project.catalog.get("model", b["model_name"], int(b["model_version"]))
    if model_obj is None:
        raise NotFound(
            f"model {b['model_name']!r} version {b['model_version']} of deployment {name!r} was deleted"
        )
    location = model_obj.body.get("location") or f"models/{b['model_name']}/{b['model_version']}"
    version_dir = artifacts / location
    files_dir = version_dir / "Files"
    if not files_dir.is_dir():
        raise NotFound(
            f"the files of model {b['model_name']!r} version {b['model_version']} are missing ({files_dir})"
        )
    key = _key(obj)
    if not b.get("script_file"):
        predictor = DefaultPredictor(project, model_obj.body, files_dir)
        return Served(
            name, key, b["model_name"], int(b["model_version"]), predictor.answer_async, True, False
        )
    script = artifacts / b["script_file"]
    if not script.is_file():
        raise NotFound(f"the predictor script of deployment {name!r} is missing ({script})")
    artifact_dir = artifacts / b["artifact_path"] if b.get("artifact_path") else script.parent
    env = {
        "MODEL_FILES_PATH": str(files_dir),
        "ARTIFACT_FILES_PATH": str(artifact_dir),
        "MODEL_NAME": str(b["model_name"]),
        "MODEL_VERSION": str(b["model_version"]),
        "DEPLOYMENT_NAME": name,
    }
    if b.get("config_file"):
        env["CONFIG_FILE_PATH"] = str(artifacts / b["config_file"])
    transformer = None
    if b.get("transformer") and b["transformer"].get("script_file"):
        transformer = artifacts / b["transformer"]["script_file"]
    from mvps.model import Model

    model = Model._from_catalog(project.get_model_registry(), model_obj)
    with (
        _LOAD_LOCK,
        _script_environment(env, [str(artifact_dir)], process.deployment_log(project, name)),
    ):
        sp = ScriptPredictor(project, name, b.get("revision"), script, transformer, model)
    if sp.is_async:
        return Served(
            name, key, b["model_name"], int(b["model_version"]), sp.call_async, True, False
        )
    return Served(name, key, b["model_name"], int(b["model_version"]), sp, False, True)


class DeploymentTable:
    """The RUNNING deployments of a project, loaded once each (see the module docstring)."""

    def __init__(self, project: Any, on_load: Callable[[], None] | None = None) -> None:
        self.project = project
        self.on_load = on_load  # called after deployments or feature views were (un)loaded
        self.served: dict[str, Served] = {}
        self.failed: dict[str, tuple[tuple[Any, ...], str]] = {}
        self.feature_views: dict[tuple[str, int], Any] = {}
        self.ready = False
        self._lock = threading.Lock()
        self._fv_lock = threading.Lock()
        self._last = 0.0
        self._stamp: tuple[int, float] | None = None

    def refresh(self, max_age: float = 0.0) -> None:
        """Sync with the catalog unless that was done less than ``max_age`` seconds ago."""
        if time.monotonic() - self._last < max_age:
            return
        with self._lock:
            if time.monotonic() - self._last < max_age:
                return
            # one small query while nothing changed: the refresh runs twice a second in
            # the server, and a thread busy in Python delays the requests it interleaves
            stamp = self.project.catalog.stamp(_WATCHED)
            changed = False
            if stamp != self._stamp or not self.ready:
                changed = self._refresh()
                self._stamp = stamp
            self._last = time.monotonic()
            self.ready = True
        if changed and self.on_load is not None:
            self.on_load()

    def _refresh(self) -> bool:
        """Load and unload deployments; True when anything was loaded or unloaded."""
        catalog = self.project.catalog
        changed = False
        wanted = {o.name: o for o in catalog.list("deployment") if o.body.get("state") == "RUNNING"}
        for name in list(self.served):
            o = wanted.get(name)
            if o is None or _key(o) != self.served[name].key:
                changed = True
                del self.served[name]
                process.append_log(
                    self.project, name, "stopped" if o is None else "reloading (changed)"
                )
        for name in list(self.failed):
            o = wanted.get(name)
            if o is None or _key(o) != self.failed[name][0]:
                del self.failed[name]
        for name, o in wanted.items():
            if name in self.served or name in self.failed:
                continue
            process.append_log(
                self.project,
                name,
                f"loading model {o.body.get('model_name')!r} version {o.body.get('model_version')}",
            )
            changed = True
            try:
                self.served[name] = load(self.project, o)
            except Exception as exc:
                msg = _describe(exc) if not isinstance(exc, MvpsError) else str(exc)
                self.failed[name] = (_key(o), msg)
                process.append_log(self.project, name, "failed to load: " + traceback.format_exc())
            else:
                process.append_log(self.project, name, "ready")
        for fv_key in list(self.feature_views):
            if catalog.get("feature_view", fv_key[0], fv_key[1]) is None:
                self.feature_views.pop(fv_key, None)
                changed = True
        return changed

    def status(self, name: str) -> tuple[bool | None, dict[str, Any]]:
        """(True, status) when ready, (False, status) when failed, (None, {}) when unknown."""
        s = self.served.get(name)
        if s is not None:
            return True, s.status()
        f = self.failed.get(name)
        if f is not None:
            return False, {"name": name, "ready": False, "state": "failed", "error": f[1]}
        return None, {}

    def feature_view(self, name: str, version: int) -> tuple[Any, list[str]]:
        """A feature view initialised for serving, and its vector's feature names (cached)."""
        key = (name, int(version))
        hit = self.feature_views.get(key)
        if hit is not None:
            return hit
        with self._fv_lock:
            hit = self.feature_views.get(key)
            if hit is not None:
                return hit
            fv = self.project.get_feature_store().get_feature_view(name, int(version))
            fv.init_serving()
            names = [str(c) for c in fv.get_feature_vectors([], return_type="pandas").columns]
            hit = (fv, names)
            self.feature_views[key] = hit
        if self.on_load is not None:
            self.on_load()
        return hit


__all__ = [
    "DefaultPredictor",
    "DeploymentTable",
    "PredictorFailed",
    "Served",
    "instances_of",
    "load",
]
