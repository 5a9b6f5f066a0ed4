"""HTTP routes of the web UI: pages, the JSON API and the static files.

``router`` is a FastAPI :class:`~fastapi.APIRouter`; :func:`create_ui_app` wraps it in
an app (what ``mvps ui`` runs) and ``mvps serve`` includes it next to the model
endpoints. The router reads the project from ``app.state.project``; optional settings
are ``app.state.serving_url`` (where deployments answer ``POST /v1/models/<name>:predict``
when the UI runs on its own).

Pages (``/``, ``/feature-groups/...``, ``/models/...``) all return the same static HTML
shell; its scripts read the JSON documents under ``/api/...`` and draw the page, so
every page has a JSON twin at a stable URL:

=====================================================================  ====================
``GET /api/project``                                                   name, backends
``GET /api/overview``                                                  counts, activity
``GET /api/feature-groups?q=``                                         list, search
``GET /api/feature-groups/{name}``                                     versions
``GET /api/feature-groups/{name}/{version}``                           definition, schema
``GET /api/feature-groups/{name}/{version}/commits``                   commit activity
``GET /api/feature-groups/{name}/{version}/statistics?commit=``        statistics
``GET /api/feature-groups/{name}/{version}/validation-reports``        validation reports
``GET /api/feature-groups/{name}/{version}/preview?n=&online=``        data preview
``GET /api/feature-views?q=``                                          list, search
``GET /api/feature-views/{name}/{version}``                            query, keys, TDs
``GET /api/feature-views/{name}/{version}/training-datasets``          TD versions
``GET /api/feature-views/{name}/{version}/training-datasets/{v}/statistics``  split stats
``GET /api/models?q=``                                                 models by name
``GET /api/models/{name}``                                             versions, metrics
``GET /api/models/{name}/{version}``                                   one version
``GET /api/models/{name}/{version}/files/{path}``                      an image file
``GET /api/deployments``, ``GET /api/deployments/{name}``              deployments
``POST /api/deployments/{name}/predict``                               test request
``GET /api/lineage``, ``GET /api/lineage/{kind}/{name}/{version}``     provenance graph
``GET /api/jobs``                                                      schedules, last runs
``GET /api/jobs/{name}?limit=``                                        definition, runs
``GET /api/jobs/{name}/executions/{id}/logs?stream=&tail=``            stdout or stderr
``POST /api/jobs/{name}/executions``                                   run now
``POST /api/jobs/{name}/executions/{id}/stop``                         stop a run
=====================================================================  ====================

``POST /api/jobs/{name}/executions`` takes an optional JSON body ``{"args": "..."}``
(arguments for this run instead of the job's default ones), starts the execution
without waiting for it and returns it; poll ``GET /api/jobs/{name}`` for its state.

Errors are JSON ``{"detail": "..."}``: 404 for a missing object, 400 for bad input.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

import orjson
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from mvps.errors import (
    AlreadyExists,
    Conflict,
    InvalidInput,
    MissingDependency,
    MvpsError,
    NotFound,
    ServingError,
)
from mvps.project import Project
from mvps.ui import STATIC_DIR, api

log = logging.getLogger("mvps.ui")

#: Content security policy of the pages: everything comes from this server.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)

#: Where static files are served.
ASSETS = "/ui-assets"

_STATIC_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".json": "application/json",
}


def _status(exc: MvpsError) -> int:
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, AlreadyExists | Conflict):
        return 409
    if isinstance(exc, InvalidInput):
        return 400
    if isinstance(exc, MissingDependency):
        return 501
    if isinstance(exc, ServingError):
        return 502
    return 400


def json_response(
    data: Any, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """A JSON response rendered with :func:`mvps.ui.api.dumps`."""
    return Response(
        api.dumps(data), status_code=status_code, media_type="application/json", headers=headers
    )


def error_response(status_code: int, message: str) -> Response:
    return json_response({"detail": message}, status_code)


class UIRoute(APIRoute):
    """Turns mvps errors into JSON errors (404 for a missing object) and any other
    failure into a JSON 500, never a stack trace."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def wrapped(request: Request) -> Response:
            try:
                return await handler(request)
            except MvpsError as exc:
                return error_response(_status(exc), str(exc))
            except (StarletteHTTPException, RequestValidationError):
                raise
            except Exception as exc:
                log.exception("error in %s %s", request.method, request.url.path)
                return error_response(500, f"internal error: {type(exc).__name__}: {exc}")

        return wrapped


router = APIRouter(route_class=UIRoute)


def get_project(request: Request) -> Project:
    """The project of the app (``app.state.project``)."""
    project = getattr(request.app.state, "project", None)
    if project is None:
        raise HTTPException(503, "no project is open: set app.state.project")
    return project


ProjectDep = Depends(get_project)


# --------------------------------------------------------------------------------------
# Pages and static files
# --------------------------------------------------------------------------------------

_shell: bytes | None = None


def _shell_html() -> bytes:
    global _shell
    if _shell is None:
        _shell = (STATIC_DIR / "index.html").read_bytes()
    return _shell


PAGES = [
    "/",
    "/feature-groups",
    "/feature-groups/{name}",
    "/feature-groups/{name}/{version}",
    "/feature-views",
    "/feature-views/{name}",
    "/feature-views/{name}/{version}",
    "/models",
    "/models/{name}",
    "/models/{name}/{version}",
    "/deployments",
    "/deployments/{name}",
    "/lineage",
    "/lineage/{kind}/{name}/{version}",
    "/jobs",
    "/jobs/{name}",
]


def page(request: Request) -> Response:
    """The HTML shell; the page's script draws it from the JSON API."""
    return Response(
        _shell_html(),
        media_type="text/html; charset=utf-8",
        headers={
            "Content-Security-Policy": CSP,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-cache",
        },
    )


for _path in PAGES:
    router.add_api_route(
        _path, page, methods=["GET"], include_in_schema=False, name=f"page:{_path}"
    )


@router.get(ASSETS + "/{path:path}", include_in_schema=False)
def asset(path: str) -> Response:
    """A file of ``mvps/ui/static`` (nothing outside it)."""
    root = STATIC_DIR.resolve()
    target = (root / path).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        raise NotFound(f"no static file {path!r}")
    media = _STATIC_TYPES.get(target.suffix.lower(), "application/octet-stream")
    return FileResponse(
        target,
        media_type=media,
        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
    )


# --------------------------------------------------------------------------------------
# JSON API
# --------------------------------------------------------------------------------------


@router.get("/api")
def index() -> Response:
    """The JSON endpoints."""
    return json_response(
        {
            "endpoints": [
                "/api/project",
                "/api/overview",
                "/api/feature-groups",
                "/api/feature-groups/{name}",
                "/api/feature-groups/{name}/{version}",
                "/api/feature-groups/{name}/{version}/commits",
                "/api/feature-groups/{name}/{version}/statistics",
                "/api/feature-groups/{name}/{version}/validation-reports",
                "/api/feature-groups/{name}/{version}/preview",
                "/api/feature-views",
                "/api/feature-views/{name}/{version}",
                "/api/feature-views/{name}/{version}/training-datasets",
                "/api/feature-views/{name}/{version}/training-datasets/{td_version}/statistics",
                "/api/models",
                "/api/models/{name}",
                "/api/models/{name}/{version}",
                "/api/models/{name}/{version}/files/{path}",
                "/api/deployments",
                "/api/deployments/{name}",
                "/api/deployments/{name}/predict",
                "/api/lineage",
                "/api/lineage/{kind}/{name}/{version}",
                "/api/jobs",
                "/api/jobs/{name}",
                "/api/jobs/{name}/executions",
                "/api/jobs/{name}/executions/{execution_id}/logs",
                "/api/jobs/{name}/executions/{execution_id}/stop",
            ]
        }
    )


@router.get("/api/project")
def get_project_info(project: Project = ProjectDep) -> Response:
    return json_response(api.project_info(project))


@router.get("/api/overview")
def get_overview(project: Project = ProjectDep) -> Response:
    return json_response(api.overview(project))


@router.get("/api/feature-groups")
def get_feature_groups(q: str | None = None, project: Project = ProjectDep) -> Response:
    return json_response(api.feature_groups(project, q))


@router.get("/api/feature-groups/{name}")
def get_feature_group_versions(name: str, project: Project = ProjectDep) -> Response:
    return json_response(api.feature_group_versions(project, name))


@router.get("/api/feature-groups/{name}/{version}")
def get_feature_group(name: str, version: int, project: Project = ProjectDep) -> Response:
    return json_response(api.feature_group(project, name, version))


@router.get("/api/feature-groups/{name}/{version}/commits")
def get_feature_group_commits(
    name: str, version: int, limit: int | None = Query(None, ge=1), project: Project = ProjectDep
) -> Response:
    return json_response(api.feature_group_commits(project, name, version, limit))


@router.get("/api/feature-groups/{name}/{version}/statistics")
def get_feature_group_statistics(
    name: str, version: int, commit: int | None = None, project: Project = ProjectDep
) -> Response:
    return json_response(api.feature_group_statistics(project, name, version, commit))


@router.get("/api/feature-groups/{name}/{version}/validation-reports")
def get_feature_group_validation_reports(
    name: str, version: int, limit: int = Query(100, ge=1, le=10_000), project: Project = ProjectDep
) -> Response:
    return json_response(api.feature_group_validation_reports(project, name, version, limit))


@router.get("/api/feature-groups/{name}/{version}/preview")
def get_feature_group_preview(
    name: str,
    version: int,
    n: int = Query(20, ge=0, le=api.MAX_PREVIEW_ROWS),
    online: bool = False,
    project: Project = ProjectDep,
) -> Response:
    return json_response(api.feature_group_preview(project, name, version, n, online))


@router.get("/api/feature-views")
def get_feature_views(q: str | None = None, project: Project = ProjectDep) -> Response:
    return json_response(api.feature_views(project, q))


@router.get("/api/feature-views/{name}/{version}")
def get_feature_view(name: str, version: int, project: Project = ProjectDep) -> Response:
    return json_response(api.feature_view(project, name, version))


@router.get("/api/feature-views/{name}/{version}/training-datasets")
def get_training_datasets(name: str, version: int, project: Project = ProjectDep) -> Response:
    return json_response(api.training_datasets(project, name, version))


@router.get("/api/feature-views/{name}/{version}/training-datasets/{td_version}/statistics")
def get_training_dataset_statistics(
    name: str, version: int, td_version: int, project: Project = ProjectDep
) -> Response:
    return json_response(api.training_dataset_statistics(project, name, version, td_version))


@router.get("/api/models")
def get_models(q: str | None = None, project: Project = ProjectDep) -> Response:
    return json_response(api.models(project, q))


@router.get("/api/models/{name}")
def get_model_versions(name: str, project: Project = ProjectDep) -> Response:
    return json_response(api.model_versions(project, name))


@router.get("/api/models/{name}/{version}")
def get_model(name: str, version: int, project: Project = ProjectDep) -> Response:
    return json_response(api.model(project, name, version))


@router.get("/api/models/{name}/{version}/files/{path:path}")
def get_model_file(name: str, version: int, path: str, project: Project = ProjectDep) -> Response:
    target, media = api.model_file(project, name, version, path)
    return FileResponse(
        target,
        media_type=media,
        headers={
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
            "Cache-Control": "no-cache",
        },
    )


def _has_serving_routes(request: Request) -> bool:
    """True under ``mvps serve``: the app answers ``/v1/models/<name>:predict`` itself."""
    return any(str(getattr(r, "path", "")).startswith("/v1/models/") for r in request.app.routes)


def _serving_url(request: Request, project: Project) -> str | None:
    """Base URL of the model server: ``app.state.serving_url``, else the project's
    running ``mvps serve`` (recorded in its serving directory)."""
    url = getattr(request.app.state, "serving_url", None)
    if url:
        return str(url).rstrip("/")
    try:
        from mvps.serving import process
    except ImportError:  # pragma: no cover - serving not installed
        return None
    found = process.server_url(project)
    return found.rstrip("/") if found else None


def _client(request: Request, base_url: str | None) -> Any:
    """An HTTP client for the model server (this very app under ``mvps serve``)."""
    import httpx

    if base_url is None:
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=request.app), base_url="http://mvps", timeout=60.0
        )
    return httpx.AsyncClient(base_url=base_url, timeout=httpx.Timeout(60.0, connect=5.0))


def _serving_info(request: Request, project: Project, name: str) -> dict[str, Any]:
    """Where the browser posts a test request, and the endpoint URL to show."""
    predict_path = f"/v1/models/{quote(name, safe='')}:predict"
    if _has_serving_routes(request):
        base = str(request.base_url).rstrip("/")
        return {
            "predict_url": predict_path,
            "endpoint_url": base + predict_path,
            "serving": "same-origin",
        }
    url = _serving_url(request, project)
    return {
        "predict_url": f"/api/deployments/{quote(name, safe='')}/predict",
        "endpoint_url": None if url is None else url + predict_path,
        "serving": "proxy" if url else "none",
    }


async def _observed(request: Request, project: Project, row: dict[str, Any]) -> dict[str, Any]:
    """The observed status (Running, Starting, Failed or Stopped, as
    ``Deployment.get_state()``) and why, asking the model server."""
    if row["state"] != "RUNNING":
        return {"status": "Stopped", "condition": None}
    same = _has_serving_routes(request)
    base = None if same else _serving_url(request, project)
    if not same and base is None:
        return {
            "status": "Stopped",
            "condition": "marked running but no mvps serve process runs for the project; "
            "call deployment.start() or run `mvps serve`",
        }
    import httpx

    try:
        async with _client(request, base) as client:
            resp = await client.get(f"/v1/models/{quote(row['name'], safe='')}", timeout=5.0)
    except httpx.HTTPError as exc:
        return {"status": "Stopped", "condition": f"the model server does not answer ({exc})"}
    try:
        body = resp.json()
    except ValueError:
        body = {}
    message = body.get("error") or body.get("detail") if isinstance(body, dict) else None
    if resp.status_code == 200:
        return {"status": "Running", "condition": None}
    if resp.status_code == 503:
        return {"status": "Failed", "condition": message}
    return {"status": "Starting", "condition": message}


@router.get("/api/deployments")
async def get_deployments(request: Request, project: Project = ProjectDep) -> Response:
    from starlette.concurrency import run_in_threadpool

    doc = await run_in_threadpool(api.deployments, project)
    for item in doc["items"]:
        item.update(_serving_info(request, project, item["name"]))
        item.update(await _observed(request, project, item))
    return json_response(doc)


@router.get("/api/deployments/{name}")
async def get_deployment(name: str, request: Request, project: Project = ProjectDep) -> Response:
    from starlette.concurrency import run_in_threadpool

    doc = await run_in_threadpool(api.deployment, project, name)
    doc.update(_serving_info(request, project, name))
    doc.update(await _observed(request, project, doc))
    return json_response(doc)


@router.post("/api/deployments/{name}/predict")
async def post_predict(name: str, request: Request, project: Project = ProjectDep) -> Response:
    """Send a test request to a deployment and return the model server's answer as is
    (status and body), with the time it took in ``X-Elapsed-Ms``.

    The request goes to this app's own ``/v1/models/<name>:predict`` under
    ``mvps serve``, else to ``app.state.serving_url`` or the project's running server.
    """
    from starlette.concurrency import run_in_threadpool

    await run_in_threadpool(api.deployment, project, name)  # 404 for an unknown deployment
    raw = await request.body()
    try:
        payload = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise InvalidInput('the request body must be JSON, e.g. {"instances": [[1, 2]]}') from None
    same = _has_serving_routes(request)
    base = None if same else _serving_url(request, project)
    if not same and base is None:
        return error_response(
            503,
            f"no model server runs for project {project.name!r}: start the deployment "
            "(deployment.start()) or run `mvps serve`, or start the UI with --serving-url",
        )
    import httpx

    path = f"/v1/models/{quote(name, safe='')}:predict"
    started = time.perf_counter()
    try:
        async with _client(request, base) as client:
            resp = await client.post(path, json=payload)
    except httpx.HTTPError as exc:
        return error_response(502, f"the model server at {base or ''}{path} did not answer: {exc}")
    ms = (time.perf_counter() - started) * 1000
    try:
        body = resp.json()
    except ValueError:
        body = {"detail": resp.text}
    return json_response(body, resp.status_code, {"X-Elapsed-Ms": f"{ms:.1f}"})


@router.get("/api/lineage")
def get_lineage(project: Project = ProjectDep) -> Response:
    return json_response(api.lineage_document(project))


@router.get("/api/lineage/{kind}/{name}/{version}")
def get_lineage_of(kind: str, name: str, version: int, project: Project = ProjectDep) -> Response:
    return json_response(api.lineage_document(project, kind, name, version))


@router.get("/api/jobs")
def get_jobs(project: Project = ProjectDep) -> Response:
    return json_response(api.jobs(project))


@router.get("/api/jobs/{name}")
def get_job(
    name: str,
    limit: int = Query(api.MAX_EXECUTIONS, ge=1, le=10_000),
    project: Project = ProjectDep,
) -> Response:
    return json_response(api.job(project, name, limit))


@router.get("/api/jobs/{name}/executions/{execution_id}/logs")
def get_job_execution_logs(
    name: str,
    execution_id: int,
    stream: str = "stdout",
    tail: int = Query(api.LOG_TAIL, ge=1, le=100_000),
    project: Project = ProjectDep,
) -> Response:
    return json_response(api.job_execution_logs(project, name, execution_id, stream, tail))


def _run_args(raw: bytes) -> str | None:
    """``args`` of a run request: an empty body or ``{"args": "..."}``."""
    if not raw.strip():
        return None
    example = 'e.g. {"args": "--month 2016-12"}, or no body for the default arguments'
    try:
        payload = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise InvalidInput(f"the request body must be JSON, {example}") from None
    if payload is None:
        return None
    if not isinstance(payload, dict):
        raise InvalidInput(f"the request body must be a JSON object, {example}")
    unknown = sorted(set(payload) - {"args"})
    if unknown:
        raise InvalidInput(f"unknown field(s) {', '.join(map(repr, unknown))}; {example}")
    args = payload.get("args")
    if args is not None and not isinstance(args, str):
        raise InvalidInput(f'"args" is one string of arguments, {example}')
    return args


@router.post("/api/jobs/{name}/executions")
async def post_job_execution(
    name: str, request: Request, project: Project = ProjectDep
) -> Response:
    """Start an execution of a job (``{"args": "..."}`` optional) without waiting."""
    from starlette.concurrency import run_in_threadpool

    args = _run_args(await request.body())
    return json_response(await run_in_threadpool(api.run_job, project, name, args))


@router.post("/api/jobs/{name}/executions/{execution_id}/stop")
def post_job_execution_stop(
    name: str, execution_id: int, project: Project = ProjectDep
) -> Response:
    return json_response(api.stop_job_execution(project, name, execution_id))


# --------------------------------------------------------------------------------------
# App
# --------------------------------------------------------------------------------------


def create_ui_app(project: Project, serving_url: str | None = None) -> FastAPI:
    """A FastAPI app serving the UI of ``project`` (what ``mvps ui`` runs).

    ``serving_url`` is where deployments are served (``mvps serve``), used by the test
    request form; without it predictions run in this process.
    """
    app = FastAPI(
        title="mvps UI",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.project = project
    app.state.serving_url = serving_url
    app.include_router(router)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        # an unknown page in a browser gets the shell, which shows a "not found" page
        path = request.url.path
        wants_html = "text/html" in request.headers.get("accept", "")
        if (
            exc.status_code == 404
            and request.method == "GET"
            and wants_html
            and not path.startswith(("/api", ASSETS))
        ):
            resp = page(request)
            resp.status_code = 404
            return resp
        return json_response({"detail": exc.detail}, exc.status_code, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unhandled(request: Request, exc: Exception) -> Response:  # pragma: no cover
        log.exception("error in %s %s", request.method, request.url.path)
        return error_response(500, f"internal error: {type(exc).__name__}")

    return app


__all__ = ["CSP", "PAGES", "create_ui_app", "get_project", "router"]
