"""The HTTP server of a project (``mvps serve``): deployments, feature vectors, web UI.

``create_app(project)`` returns an ASGI (FastAPI) app with

* ``POST /v1/models/<deployment>:predict`` — KServe v1 inference:
  ``{"instances": [...]}`` → ``{"predictions": [...]}`` (see :mod:`mvps.serving.runtime`
  for what the instances are); ``?predict_proba=true`` or ``"predict_proba": true``
  asks the default predictor for probabilities;
* ``GET /v1/models/<deployment>`` — ``200 {"name", "ready": true, "state": "ready", ...}``,
  ``503 {"ready": false, "state": "failed", "error"}`` when it could not be loaded,
  ``404`` when it is not running; ``GET /v1/models`` lists the ready deployments;
* ``POST /v1/feature-views/<name>/<version>/vector`` — feature vectors from the online
  store for non-Python clients: ``{"entries": [{...}], "passed_features": [{...}]?,
  "allow_missing": false?}`` (or ``{"entry": {...}, "passed_features": {...}?}``) →
  ``{"features": [names], "vectors": [[...]]}``, transformed as for the model;
* ``GET /healthz`` (the process answers) and ``GET /readyz`` (the deployments were
  loaded; lists their states); ``GET /openapi.json`` (no ``/docs`` page: it would load scripts from a CDN);
* the web UI's routes when :mod:`mvps.ui.routes` is installed (``app.state.project``
  is the served project).

Errors are JSON ``{"error": "<what was wrong and how to fix it>"}``: 400 for bad input
(body not JSON, no ``instances``, wrong shapes, unknown serving keys), 404 for an
unknown deployment, feature view or online row, 500 when a predictor fails (the
server keeps serving). The request path reads only in-memory state: deployments are
loaded once per worker and re-read from the catalog in the background every
``refresh_interval`` seconds (so ``start()``/``stop()`` from other processes are picked
up), and feature views compile their serving plan once per worker. The standalone
server (``mvps serve``) also fires the project's job schedules (:mod:`mvps.jobs.scheduler`)
about once a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import traceback
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

import orjson

from mvps.errors import InvalidInput, MvpsError, NotFound

if TYPE_CHECKING:
    from mvps.serving.runtime import DeploymentTable

log = logging.getLogger("mvps.server")

_JSON = "application/json"
SCHEDULE_INTERVAL = 1.0  # seconds between looks at the job schedules
_NUMPY = orjson.OPT_SERIALIZE_NUMPY


def _default(obj: Any) -> Any:
    """orjson fallback: numpy arrays it cannot take, pandas objects, sets, decimals."""
    if hasattr(obj, "tolist"):
        return obj.tolist()
    if hasattr(obj, "to_dict") and hasattr(obj, "columns"):
        return obj.to_dict(orient="records")
    if isinstance(obj, set | frozenset | tuple):
        return list(obj)
    if hasattr(obj, "item"):
        return obj.item()
    if type(obj).__name__ == "Decimal":
        return float(obj)
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    raise TypeError(f"{type(obj).__name__} is not JSON serialisable")


def _app_class() -> type:
    """FastAPI with the hot paths (predict, vector, healthz) answered before its
    middleware and router run (see :class:`HotPaths`)."""
    global _APP_CLASS
    if _APP_CLASS is None:
        from mvps._deps import require

        fastapi = require("fastapi")

        class ServingApp(fastapi.FastAPI):  # type: ignore[misc,name-defined]
            hot_paths: HotPaths | None = None

            async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
                hot = self.hot_paths
                if (
                    hot is not None
                    and scope["type"] == "http"
                    and await hot.handle(scope, receive, send)
                ):
                    return
                await super().__call__(scope, receive, send)

        _APP_CLASS = ServingApp
    return _APP_CLASS


_APP_CLASS: type | None = None


def settle_heap() -> None:
    """Keep what the server has loaded out of the garbage collector's full passes.

    A serving process holds a few hundred thousand long-lived objects (pandas,
    scikit-learn, the models); a full collection walks all of them (over 100 ms on
    two cores), and under steady traffic one comes every few seconds, stalling every
    request in flight. After a load, collect once and freeze what remains
    (:func:`gc.freeze`): later passes only walk objects created since. Unfreezing
    first lets the previous model's objects be reclaimed after a reload.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def create_app(
    project: Any = None, *, refresh_interval: float = 0.5, standalone: bool = False
) -> Any:
    """The ASGI app (a FastAPI subclass) serving ``project`` (default: the current
    project); see the module docstring. ``standalone=True`` is for the project's server
    process (``mvps serve``): it fires job schedules, and calls :func:`settle_heap`
    after startup and after each (un)load of a deployment or feature view; leave it
    off when the app runs inside another program."""
    app_class = _app_class()  # first: a missing fastapi names the pip install to run
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import Response

    from mvps import __version__
    from mvps.serving.runtime import DeploymentTable

    if project is None:
        import mvps

        project = mvps.get_current_project()
    table = DeploymentTable(project, on_load=settle_heap if standalone else None)

    def reply(obj: Any, status: int = 200) -> Response:
        return Response(_dumps(obj), status, media_type=_JSON)

    async def refresher() -> None:
        while True:
            await asyncio.sleep(refresh_interval)
            try:
                await run_in_threadpool(table.refresh, refresh_interval / 2)
            except Exception:  # the catalog may be briefly unavailable: retry next round
                log.exception("refreshing deployments failed")

    async def scheduler() -> None:
        from mvps.jobs.scheduler import Scheduler

        fire = Scheduler(project)
        while True:
            await asyncio.sleep(SCHEDULE_INTERVAL)
            try:
                await run_in_threadpool(fire)
            except Exception:
                log.exception("firing job schedules failed")

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        try:
            await run_in_threadpool(table.refresh)
        except Exception:
            log.exception("loading deployments failed")
        if standalone:
            settle_heap()
        tasks = [asyncio.create_task(refresher())]
        if standalone:
            tasks.append(asyncio.create_task(scheduler()))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    app = app_class(
        title=f"mvps serving: {project.name}",
        version=__version__,
        description="Model deployments (KServe v1 protocol) and online feature vectors.",
        lifespan=lifespan,
        # FastAPI's /docs and /redoc pages load their scripts from a CDN; mvps serves
        # nothing from outside the package, so only the OpenAPI document is served.
        docs_url=None,
        redoc_url=None,
    )
    app.state.project = project
    app.state.deployments = table
    hot = HotPaths(table, project)
    app.hot_paths = hot

    async def model_status(request: Request) -> Response:
        name = request.path_params["name"]
        await run_in_threadpool(table.refresh, 0.05)
        ok, status = table.status(name)
        if ok is None:
            code, body = hot.not_served(name)
            return Response(body, code, media_type=_JSON)
        return reply(status, 200 if ok else 503)

    async def list_models(request: Request) -> Response:
        return reply({"models": sorted(table.served)})

    async def readyz(request: Request) -> Response:
        states = {n: "ready" for n in table.served}
        states.update({n: "failed" for n in table.failed})
        return reply({"ready": table.ready, "deployments": states}, 200 if table.ready else 503)

    router = app.router
    router.add_route("/v1/models/{name}", model_status, methods=["GET"])
    router.add_route("/v1/models", list_models, methods=["GET"])
    router.add_route("/readyz", readyz, methods=["GET"])

    ui = _ui_router()
    if ui is not None:
        app.include_router(ui)
    else:

        async def index(request: Request) -> Response:
            return reply(
                {
                    "project": project.name,
                    "deployments": sorted(table.served),
                    "openapi": "/openapi.json",
                }
            )

        router.add_route("/", index, methods=["GET"])

    _document(app)
    return app


def _dumps(obj: Any) -> bytes:
    return orjson.dumps(obj, default=_default, option=_NUMPY)


def _error(message: str) -> bytes:
    return orjson.dumps({"error": message})


_HEADERS = [(b"content-type", b"application/json")]


async def _respond(send: Any, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [*_HEADERS, (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _read_body(receive: Any) -> bytes | None:
    """The request body, or None when the client went away."""
    message = await receive()
    if message["type"] != "http.request":
        return None
    body = message.get("body", b"")
    if not message.get("more_body"):
        return bytes(body)
    chunks = [body]
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


def _query(scope: Any) -> dict[str, str]:
    raw = scope.get("query_string") or b""
    if not raw:
        return {}
    from urllib.parse import parse_qsl

    return dict(parse_qsl(raw.decode("latin-1")))


class HotPaths:
    """The request paths that must be fast, as plain ASGI: no Request objects,
    routing or middleware; only in-memory state is read."""

    def __init__(self, table: DeploymentTable, project: Any) -> None:
        self.table = table
        self.project = project

    async def handle(self, scope: Any, receive: Any, send: Any) -> bool:
        """Answer the request if it is a hot path; False to let the app handle it."""
        path = scope["path"]
        if scope["method"] != "POST":
            if path == "/healthz" and scope["method"] == "GET":
                await _respond(send, 200, b'{"status":"ok"}')
                return True
            return False
        if path.startswith("/v1/models/") and path.endswith(":predict"):
            name = path[11:-8]
            if not name or "/" in name:
                return False
            status, body = await self.predict(name, scope, receive)
        elif path.startswith("/v1/feature-views/") and path.endswith("/vector"):
            parts = path[18:-7].split("/")
            if len(parts) != 2:
                return False
            status, body = await self.vector(parts[0], parts[1], receive)
        else:
            return False
        await _respond(send, status, body)
        return True

    def not_served(self, name: str) -> tuple[int, bytes]:
        ok, status = self.table.status(name)
        if ok is False:
            return 503, _error(f"deployment {name!r} failed to load: {status['error']}")
        return 404, _error(
            f"deployment {name!r} is not running on this server (running: "
            f"{sorted(self.table.served)}); start it with deployment.start()"
        )

    async def predict(self, name: str, scope: Any, receive: Any) -> tuple[int, bytes]:
        from starlette.concurrency import run_in_threadpool

        from mvps.serving.runtime import PredictorFailed

        table = self.table
        served = table.served.get(name)
        if served is None:
            await run_in_threadpool(table.refresh, 0.05)
            served = table.served.get(name)
            if served is None:
                return self.not_served(name)
        body = await _read_body(receive)
        if body is None:
            return 499, b""
        try:
            payload = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            return 400, _error(
                f'the request body is not valid JSON ({exc}); send e.g. {{"instances": [[1.0, 2.0]]}}'
            )
        if not isinstance(payload, dict):
            return 400, _error('the request body must be a JSON object like {"instances": [...]}')
        query = _query(scope)
        try:
            if served.is_async:
                result = await served.answer(payload, query)
            elif served.blocking:
                result = await run_in_threadpool(served.answer, payload, query)
            else:
                result = served.answer(payload, query)
        except InvalidInput as exc:
            return 400, _error(str(exc))
        except NotFound as exc:
            return 404, _error(str(exc))
        except PredictorFailed as exc:
            _log_failure(self.project, name, exc)
            return 500, _error(f"deployment {name!r}: {exc}")
        except Exception as exc:
            _log_failure(self.project, name, exc)
            return 500, _error(f"deployment {name!r} failed: {type(exc).__name__}: {exc}")
        try:
            return 200, _dumps(result)
        except TypeError as exc:
            return 500, _error(f"deployment {name!r} returned a result that is not JSON: {exc}")

    async def vector(self, name: str, version_text: str, receive: Any) -> tuple[int, bytes]:
        from starlette.concurrency import run_in_threadpool

        try:
            version = int(version_text)
        except ValueError:
            return 400, _error(f"feature view version must be a number, got {version_text!r}")
        hit: tuple[Any, list[str]] | None = self.table.feature_views.get((name, version))
        if hit is None:
            try:
                hit = await run_in_threadpool(self.table.feature_view, name, version)
            except InvalidInput as exc:
                return 400, _error(str(exc))
            except NotFound as exc:
                return 404, _error(str(exc))
        fv, names = hit
        body = await _read_body(receive)
        if body is None:
            return 499, b""
        try:
            payload = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            return 400, _error(f"the request body is not valid JSON ({exc})")
        try:
            rows = _vectors(fv, payload)
        except InvalidInput as exc:
            return 400, _error(str(exc))
        except NotFound as exc:
            return 404, _error(str(exc))
        except MvpsError as exc:
            return 500, _error(str(exc))
        return 200, _dumps({"features": names, "vectors": rows})


def _vectors(fv: Any, payload: Any) -> list[list[Any]]:
    if not isinstance(payload, dict):
        raise InvalidInput('the request body must be a JSON object like {"entries": [{"id": 1}]}')
    allow_missing = bool(payload.get("allow_missing", False))
    passed = payload.get("passed_features")
    if "entries" in payload:
        entries = payload["entries"]
        if not isinstance(entries, list):
            raise InvalidInput('"entries" must be a list of objects of serving keys')
        if passed is not None and not isinstance(passed, list):
            raise InvalidInput('"passed_features" must be a list with one object per entry')
    elif "entry" in payload:
        entries = [payload["entry"]]
        if passed is not None:
            if not isinstance(passed, dict):
                raise InvalidInput('with "entry", "passed_features" must be an object')
            passed = [passed]
    else:
        raise InvalidInput(
            f'the request body needs "entries" (a list) or "entry" (an object) of serving keys, '
            f"got keys {sorted(payload)[:10]}"
        )
    if len(entries) == 1:
        p = passed[0] if passed else None
        if p is not None and not isinstance(p, dict):
            raise InvalidInput('"passed_features" must hold objects')
        return [fv.get_feature_vector(entries[0], passed_features=p, allow_missing=allow_missing)]
    rows = fv.get_feature_vectors(entries, passed_features=passed, allow_missing=allow_missing)
    if len(rows) != len(entries):  # entries without any online row are skipped: name one
        for i, e in enumerate(entries):
            fv.get_feature_vector(e, passed_features=passed[i] if passed else None)
    return list(rows)


def _log_failure(project: Any, name: str, exc: BaseException) -> None:
    from mvps.serving.process import append_log

    try:
        append_log(
            project,
            name,
            "request failed: "
            + "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
        )
    except OSError:
        log.exception("cannot write the log of deployment %s", name)


def _ui_router() -> Any:
    """The web UI's router (``mvps.ui.routes.router``) when that module is installed."""
    try:
        from mvps.ui import routes  # type: ignore[import-not-found,unused-ignore]
    except ModuleNotFoundError as exc:
        if exc.name in ("mvps.ui", "mvps.ui.routes"):
            return None
        log.warning("the web UI is not available: %s", exc)
        return None
    except Exception as exc:  # a broken UI module must not take serving down
        log.warning("the web UI is not available: %s", exc)
        return None
    return getattr(routes, "router", None)


def _document(app: Any) -> None:
    """Describe the hand-written (hot-path) routes in the OpenAPI document."""
    from fastapi.openapi.utils import get_openapi

    err = {
        "description": "error",
        "content": {
            _JSON: {"schema": {"type": "object", "properties": {"error": {"type": "string"}}}}
        },
    }

    def body(schema: dict[str, Any], example: Any) -> dict[str, Any]:
        return {"required": True, "content": {_JSON: {"schema": schema, "example": example}}}

    def ok(schema: dict[str, Any]) -> dict[str, Any]:
        return {"description": "OK", "content": {_JSON: {"schema": schema}}}

    name = {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}
    paths: dict[str, Any] = {
        "/v1/models/{name}:predict": {
            "post": {
                "summary": "Predict with a deployment (KServe v1)",
                "parameters": [
                    name,
                    {
                        "name": "predict_proba",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "boolean"},
                    },
                ],
                "requestBody": body(
                    {
                        "type": "object",
                        "required": ["instances"],
                        "properties": {
                            "instances": {"type": "array", "items": {}},
                            "predict_proba": {"type": "boolean"},
                        },
                    },
                    {"instances": [{"cc_num": 4467360740682089}]},
                ),
                "responses": {
                    "200": ok(
                        {
                            "type": "object",
                            "properties": {"predictions": {"type": "array", "items": {}}},
                        }
                    ),
                    "400": err,
                    "404": err,
                    "500": err,
                    "503": err,
                },
            }
        },
        "/v1/models/{name}": {
            "get": {
                "summary": "Deployment status",
                "parameters": [name],
                "responses": {
                    "200": ok(
                        {
                            "type": "object",
                            "properties": {
                                "name": {"type": "string"},
                                "ready": {"type": "boolean"},
                                "state": {"type": "string"},
                            },
                        }
                    ),
                    "404": err,
                    "503": err,
                },
            }
        },
        "/v1/models": {
            "get": {
                "summary": "Ready deployments",
                "responses": {
                    "200": ok(
                        {
                            "type": "object",
                            "properties": {
                                "models": {"type": "array", "items": {"type": "string"}}
                            },
                        }
                    )
                },
            }
        },
        "/v1/feature-views/{name}/{version}/vector": {
            "post": {
                "summary": "Feature vectors from the online store",
                "parameters": [
                    name,
                    {
                        "name": "version",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    },
                ],
                "requestBody": body(
                    {
                        "type": "object",
                        "properties": {
                            "entries": {"type": "array", "items": {"type": "object"}},
                            "entry": {"type": "object"},
                            "passed_features": {},
                            "allow_missing": {"type": "boolean"},
                        },
                    },
                    {"entries": [{"cc_num": 4467360740682089}]},
                ),
                "responses": {
                    "200": ok(
                        {
                            "type": "object",
                            "properties": {
                                "features": {"type": "array", "items": {"type": "string"}},
                                "vectors": {
                                    "type": "array",
                                    "items": {"type": "array", "items": {}},
                                },
                            },
                        }
                    ),
                    "400": err,
                    "404": err,
                },
            }
        },
        "/healthz": {"get": {"summary": "Liveness", "responses": {"200": ok({"type": "object"})}}},
        "/readyz": {
            "get": {
                "summary": "Readiness: deployments loaded",
                "responses": {"200": ok({"type": "object"}), "503": err},
            }
        },
    }

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            schema.setdefault("paths", {}).update(paths)
            app.openapi_schema = schema
        return dict(app.openapi_schema)

    app.openapi = openapi


def app_from_env() -> Any:
    """App factory for ``mvps serve --workers N``: the project named by
    ``$MVPS_HOME``/``$MVPS_PROJECT``/``$MVPS_CONFIG``."""
    import mvps

    project = mvps.login(
        project=os.environ.get("MVPS_PROJECT"),
        home=os.environ.get("MVPS_HOME"),
        config=os.environ.get("MVPS_CONFIG") or None,
    )
    return create_app(project, standalone=True)


__all__ = ["app_from_env", "create_app", "settle_heap"]
