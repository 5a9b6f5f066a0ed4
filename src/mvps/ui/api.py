"""JSON documents of the web UI, built from a project's catalog.

Every page of the UI is drawn from one of these documents, served under ``/api/...``
by :mod:`mvps.ui.routes`; scripts can call the functions directly or fetch the URLs.
Each function takes the open :class:`~mvps.project.Project` and returns plain Python
data (dicts, lists, strings, numbers, datetimes); :func:`dumps` turns it into JSON.
A missing object raises :class:`~mvps.errors.NotFound` (HTTP 404).

Objects are read from the catalog bodies (kinds ``feature_group``, ``feature_view``,
``training_dataset``, ``model``, ``deployment``), so a page still shows an object whose
inputs were deleted; links (lineage) that point to deleted objects are reported with
``"deleted": true``. Jobs and their executions are read through the project's job API
(:mod:`mvps.jobs`), which notices runs whose runner died; :func:`run_job` and
:func:`stop_job_execution` start and stop executions.
"""

from __future__ import annotations

import datetime as dt
import math
import mimetypes
import os
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import orjson

from mvps.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from mvps.catalog.store import CatalogObject
    from mvps.project import Project

FG = "feature_group"
FV = "feature_view"
TD = "training_dataset"
MODEL = "model"
DEPLOYMENT = "deployment"
JOB = "job"

#: Lineage kinds, upstream first.
KINDS = (FG, FV, TD, MODEL, DEPLOYMENT)

#: Model files served by the UI (images only: plots such as a confusion matrix).
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}

#: Most rows a data preview returns.
MAX_PREVIEW_ROWS = 500

#: Most files listed for a model directory.
MAX_MODEL_FILES = 500


# --------------------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------------------


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        raw = bytes(value)
        return raw.decode("utf-8") if _is_text(raw) else f"<{len(raw)} bytes>"
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "isoformat"):  # pandas Timestamp and friends
        return value.isoformat()
    if hasattr(value, "tolist"):  # numpy scalars and arrays not handled natively
        return value.tolist()
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return str(value)


def _is_text(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def dumps(data: Any) -> bytes:
    """JSON bytes of a document: datetimes as ISO-8601, NaN and infinities as null,
    decimals as strings, binary values as text (or ``"<n bytes>"``)."""
    return orjson.dumps(
        data,
        default=_default,
        option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS | orjson.OPT_UTC_Z,
    )


def _cat(project: Project) -> Any:
    """The project's catalog (typed loosely: its ``list`` method shadows the builtin)."""
    return project.catalog


def _iso(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return dt.datetime.fromtimestamp(float(epoch), dt.UTC).isoformat()


def _finite(value: Any) -> Any:
    """A number, or None for NaN/infinity (and their JSON string forms)."""
    if isinstance(value, str) and value in ("NaN", "Infinity", "-Infinity"):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


# --------------------------------------------------------------------------------------
# References and links
# --------------------------------------------------------------------------------------


def _seg(value: Any) -> str:
    return quote(str(value), safe="")


def split_td_name(name: str) -> tuple[str, int]:
    """``("<feature view>", version)`` of a training dataset's catalog name ``<fv>_<v>``."""
    fv_name, _, fv_version = name.rpartition("_")
    try:
        return fv_name, int(fv_version)
    except ValueError:
        return name, 0


def ui_url(kind: str, name: str, version: int | None = None) -> str:
    """The UI page of an object."""
    if kind == FG:
        return f"/feature-groups/{_seg(name)}/{_seg(version)}"
    if kind == FV:
        return f"/feature-views/{_seg(name)}/{_seg(version)}"
    if kind == TD:
        fv_name, fv_version = split_td_name(name)
        return f"/feature-views/{_seg(fv_name)}/{_seg(fv_version)}?tab=training-data&td={version}"
    if kind == MODEL:
        return f"/models/{_seg(name)}/{_seg(version)}"
    if kind == DEPLOYMENT:
        return f"/deployments/{_seg(name)}"
    if kind == JOB:
        return f"/jobs/{_seg(name)}"
    return "/"


def _label(kind: str, name: str, version: int) -> str:
    if kind == TD:
        fv_name, fv_version = split_td_name(name)
        return f"{fv_name} v{fv_version} / td v{version}"
    if kind == DEPLOYMENT:
        return name
    return f"{name} v{version}"


def ref_dict(project: Project, kind: str, name: str, version: int) -> dict[str, Any]:
    """A reference to an object for links: kind, name, version, label, url, deleted."""
    exists = _cat(project).get(kind, name, int(version)) is not None
    return {
        "kind": kind,
        "name": name,
        "version": int(version),
        "label": _label(kind, name, int(version)),
        "url": ui_url(kind, name, int(version)),
        "deleted": not exists,
    }


def _neighbours(project: Project, ref: tuple[str, str, int]) -> dict[str, list[dict[str, Any]]]:
    """Direct upstream and downstream objects of ``ref`` (links and derived edges)."""
    graph = lineage(project, *ref, depth=1)
    key = _node_id(*ref)
    up = [graph["_nodes"][e["source"]] for e in graph["edges"] if e["target"] == key]
    down = [graph["_nodes"][e["target"]] for e in graph["edges"] if e["source"] == key]
    return {"upstream": up, "downstream": down}


# --------------------------------------------------------------------------------------
# Overview
# --------------------------------------------------------------------------------------


def project_info(project: Project) -> dict[str, Any]:
    """The project's name, directory and backends (passwords removed)."""
    cfg = project.config
    return {
        "name": project.name,
        "path": str(project.path),
        "catalog": _redact(cfg.catalog_url),
        "offline": _redact(cfg.offline_uri),
        "online": _redact(cfg.online_url),
    }


def overview(project: Project, limit: int = 10, activity_limit: int = 12) -> dict[str, Any]:
    """Project information, object counts and recent activity (commits, validation
    reports, training datasets, models, deployments), newest first."""
    cat = _cat(project)
    fgs = cat.list(FG)
    models = cat.list(MODEL)
    tds = cat.list(TD)
    deployments = cat.list(DEPLOYMENT)
    commits: list[dict[str, Any]] = []
    for obj in fgs:
        for c in _commit_list(project, obj, limit=limit):
            commits.append({"feature_group": _fg_ref(obj), **c})
    commits.sort(key=lambda c: c["committed_at"] or "", reverse=True)
    commits = commits[:limit]
    reports = []
    for rec in cat.recent_records(["validation_report"], limit=limit):
        kind, name, version = rec.owner
        reports.append(
            {
                "feature_group": ref_dict(project, kind, name, version),
                **_report_row(rec.id, rec.body, rec.created),
            }
        )
    recent_models = [
        _model_row(project, o) for o in sorted(models, key=lambda o: o.created, reverse=True)
    ][:limit]
    recent_tds = [
        _td_row(o) | {"feature_view": _td_fv_ref(project, o)}
        for o in sorted(tds, key=lambda o: o.created, reverse=True)[:limit]
    ]
    activity: list[dict[str, Any]] = []
    for c in commits:
        ref = c["feature_group"]
        activity.append(
            {
                "type": "commit",
                "time": c["committed_at"],
                "title": f"Commit {c['commit_id']} to {ref['label']}",
                "detail": _commit_summary(c),
                "url": ref["url"] + "?tab=activity",
            }
        )
    for r in reports:
        ref = r["feature_group"]
        pct = r["success_percent"]
        activity.append(
            {
                "type": "validation",
                "time": r["validation_time"],
                "title": f"Validation of {ref['label']}",
                "detail": ("passed" if r["success"] else "failed")
                + ("" if pct is None else f" ({pct:.0f}% of expectations)")
                + f", {r['ingestion_result'].lower()}",
                "success": r["success"],
                "url": ref["url"] + "?tab=validation",
            }
        )
    for t in recent_tds:
        fv = t["feature_view"]
        activity.append(
            {
                "type": "training_dataset",
                "time": t["created"],
                "title": f"Training data v{t['version']} of {fv['label']}",
                "detail": ", ".join(f"{k}: {v} rows" for k, v in t["rows"].items()),
                "url": ui_url(TD, t["name"], t["version"]),
            }
        )
    for m in recent_models:
        metrics = ", ".join(f"{k} {_fmt(v)}" for k, v in list(m["metrics"].items())[:3])
        activity.append(
            {
                "type": "model",
                "time": m["created"],
                "title": f"Model {m['name']} v{m['version']}",
                "detail": metrics or (m["framework"] or ""),
                "url": m["url"],
            }
        )
    for d in deployments:
        activity.append(
            {
                "type": "deployment",
                "time": _iso(d.created),
                "title": f"Deployment {d.name}",
                "detail": _deployment_model_label(d.body),
                "url": ui_url(DEPLOYMENT, d.name),
            }
        )
    activity.sort(key=lambda a: a["time"] or "", reverse=True)
    return {
        "project": project_info(project),
        "counts": {
            "feature_groups": len(fgs),
            "feature_views": cat.count(FV),
            "training_datasets": len(tds),
            "models": len(models),
            "deployments": len(deployments),
            "jobs": cat.count(JOB),
        },
        "recent_commits": commits,
        "recent_validation_reports": reports,
        "recent_training_datasets": recent_tds,
        "recent_models": recent_models,
        "activity": activity[:activity_limit],
    }


def _redact(url: str) -> str:
    """A backend URL without its password."""
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _commit_summary(c: Mapping[str, Any]) -> str:
    parts = []
    for key, word in (
        ("rows_inserted", "inserted"),
        ("rows_updated", "updated"),
        ("rows_deleted", "deleted"),
    ):
        if c.get(key):
            parts.append(f"{c[key]} {word}")
    return ", ".join(parts) or str(c.get("operation") or "no row changes")


# --------------------------------------------------------------------------------------
# Feature groups
# --------------------------------------------------------------------------------------


def _fg_ref(obj: CatalogObject) -> dict[str, Any]:
    return {
        "kind": FG,
        "name": obj.name,
        "version": obj.version,
        "label": f"{obj.name} v{obj.version}",
        "url": ui_url(FG, obj.name, obj.version),
        "deleted": False,
    }


def _matches(q: str | None, *texts: Any) -> bool:
    if not q:
        return True
    needle = q.strip().lower()
    return any(needle in str(t).lower() for t in texts if t)


def feature_groups(project: Project, q: str | None = None) -> dict[str, Any]:
    """All feature groups (every version), optionally filtered by ``q`` (a substring of
    the name, description or a feature name)."""
    items = []
    for obj in _cat(project).list(FG):
        b = obj.body
        features = b.get("features") or []
        names = [f.get("name") for f in features]
        if not _matches(q, obj.name, b.get("description"), *names):
            continue
        items.append(
            {
                **_fg_ref(obj),
                "description": b.get("description") or "",
                "online_enabled": bool(b.get("online_enabled")),
                "primary_key": b.get("primary_key") or [],
                "event_time": b.get("event_time"),
                "num_features": len(features),
                "features": names,
                "deprecated": bool(b.get("deprecated")),
                "has_expectation_suite": bool(b.get("expectation_suite")),
                "created": _iso(obj.created),
                "updated": _iso(obj.updated),
            }
        )
    return {"count": len(items), "items": items}


def _fg_object(project: Project, name: str, version: int) -> CatalogObject:
    return _cat(project).require(FG, name, int(version))


def _fg_live(project: Project, obj: CatalogObject) -> Any:
    from mvps.feature_group import FeatureGroup

    return FeatureGroup._from_catalog(project.get_feature_store(), obj)


def feature_group_versions(project: Project, name: str) -> dict[str, Any]:
    """The versions of a feature group."""
    objs = _cat(project).list(FG, name)
    if not objs:
        raise NotFound(f"feature group {name!r} not found")
    return {"name": name, "versions": [_fg_ref(o) | {"created": _iso(o.created)} for o in objs]}


def feature_group(project: Project, name: str, version: int) -> dict[str, Any]:
    """One feature group version: definition, schema, expectation suite, related objects,
    latest commit and the row count of its latest statistics."""
    obj = _fg_object(project, name, version)
    b = obj.body
    pk = set(b.get("primary_key") or [])
    partition = set(b.get("partition_key") or [])
    event_time = b.get("event_time")
    features = []
    for f in b.get("features") or []:
        features.append(
            {
                "name": f.get("name"),
                "type": f.get("type"),
                "online_type": f.get("online_type"),
                "description": f.get("description") or "",
                "primary": bool(f.get("primary")) or f.get("name") in pk,
                "partition": bool(f.get("partition")) or f.get("name") in partition,
                "foreign": bool(f.get("foreign")),
                "event_time": f.get("name") == event_time,
                "default_value": f.get("default_value"),
            }
        )
    commits = _commit_list(project, obj)
    latest_stats = _cat(project).records("statistics", obj.ref, limit=1)
    num_rows = None
    if latest_stats:
        fds = latest_stats[0].body.get("feature_descriptive_statistics") or []
        if fds:
            num_rows = fds[0].get("count")
    reports = _cat(project).records("validation_report", obj.ref, limit=1)
    versions = [o.version for o in _cat(project).list(FG, name)]
    suite = b.get("expectation_suite")
    return {
        **_fg_ref(obj),
        "description": b.get("description") or "",
        "online_enabled": bool(b.get("online_enabled")),
        "primary_key": b.get("primary_key") or [],
        "event_time": event_time,
        "partition_key": b.get("partition_key") or [],
        "foreign_key": b.get("foreign_key") or [],
        "features": features,
        "statistics_config": b.get("statistics_config"),
        "expectation_suite": _suite(suite) if suite else None,
        "transformation_functions": b.get("transformation_functions") or [],
        "time_travel_format": b.get("time_travel_format"),
        "creator": b.get("creator"),
        "deprecated": bool(b.get("deprecated")),
        "created": _iso(obj.created),
        "updated": _iso(obj.updated),
        "versions": versions,
        "num_commits": len(commits),
        "latest_commit": commits[-1] if commits else None,
        "num_rows": num_rows,
        "latest_validation": _report_row(reports[0].id, reports[0].body, reports[0].created)
        if reports
        else None,
        "lineage": _neighbours(project, obj.ref),
    }


def _suite(suite: Mapping[str, Any]) -> dict[str, Any]:
    expectations = []
    for e in suite.get("expectations") or []:
        meta = e.get("meta") or {}
        expectations.append(
            {
                "id": e.get("id") or meta.get("expectationId"),
                "expectation_type": e.get("expectation_type") or e.get("type"),
                "kwargs": e.get("kwargs") or {},
                "meta": meta,
            }
        )
    return {
        "name": suite.get("expectation_suite_name") or suite.get("name"),
        "validation_ingestion_policy": suite.get("validation_ingestion_policy"),
        "run_validation": suite.get("run_validation", True),
        "expectations": expectations,
    }


def _commit_list(
    project: Project, obj: CatalogObject, limit: int | None = None
) -> list[dict[str, Any]]:
    """Commits oldest first (the newest ``limit`` when given)."""
    table = f"{obj.name}_{obj.version}"
    offline = project.offline
    try:
        if offline.version(table) is None:
            return []
        history = offline.history(table, limit)
    except (NotFound, FileNotFoundError):
        return []
    out = []
    for c in history:  # newest first
        out.append(
            {
                "commit_id": c.version,
                "committed_at": c.timestamp.astimezone(dt.UTC).isoformat(),
                "operation": c.operation,
                "rows_inserted": c.rows_inserted,
                "rows_updated": c.rows_updated,
                "rows_deleted": c.rows_deleted,
            }
        )
        if limit is not None and len(out) >= limit:
            break
    out.reverse()
    return out


def feature_group_commits(
    project: Project, name: str, version: int, limit: int | None = None
) -> dict[str, Any]:
    """The commits of a feature group, oldest first, with rows inserted, updated and
    deleted per commit (the activity plot)."""
    obj = _fg_object(project, name, version)
    commits = _commit_list(project, obj, limit)
    totals = {
        k: sum(c[k] or 0 for c in commits)
        for k in ("rows_inserted", "rows_updated", "rows_deleted")
    }
    return {**_fg_ref(obj), "count": len(commits), "totals": totals, "commits": commits}


def feature_group_statistics(
    project: Project, name: str, version: int, commit: int | None = None
) -> dict[str, Any]:
    """The newest statistics of a feature group (or those of commit ``commit``) and the
    list of every stored computation."""
    obj = _fg_object(project, name, version)
    recs = _cat(project).records("statistics", obj.ref)
    history = [
        {
            "id": r.id,
            "computation_time": r.body.get("computation_time"),
            "commit_version": r.body.get("commit_version"),
        }
        for r in recs
    ]
    chosen = recs[0] if recs else None
    if commit is not None:
        chosen = next((r for r in recs if r.body.get("commit_version") == commit), None)
        if chosen is None:
            raise NotFound(
                f"feature group {name!r} version {version} has no statistics for commit {commit} "
                f"(commits with statistics: {[h['commit_version'] for h in history]})"
            )
    return {
        **_fg_ref(obj),
        "statistics": _statistics(chosen.body) if chosen is not None else None,
        "history": history,
    }


def _statistics(body: Mapping[str, Any]) -> dict[str, Any]:
    """A statistics record with numbers cleaned for plotting (non-finite -> None)."""
    features = []
    for f in body.get("feature_descriptive_statistics") or []:
        ext = f.get("extended_statistics") or {}
        if isinstance(ext, str):
            ext = orjson.loads(ext)
        pct = f.get("percentiles")
        item = {
            k: _finite(v) for k, v in f.items() if k not in ("extended_statistics", "percentiles")
        }
        item["median"] = _finite(pct[49]) if isinstance(pct, list) and len(pct) == 100 else None
        item["p25"] = _finite(pct[24]) if isinstance(pct, list) and len(pct) == 100 else None
        item["p75"] = _finite(pct[74]) if isinstance(pct, list) and len(pct) == 100 else None
        hist = ext.get("histogram")
        item["histogram"] = (
            [
                {"bin": [_finite(x) for x in (h.get("bin") or [])], "count": h.get("count", 0)}
                for h in hist
            ]
            if hist
            else None
        )
        item["top_values"] = ext.get("top_values")
        unique = ext.get("unique_values")
        item["num_unique_values"] = len(unique) if isinstance(unique, list) else None
        item["correlations"] = ext.get("correlations")
        features.append(item)
    return {
        "computation_time": body.get("computation_time"),
        "commit_version": body.get("commit_version"),
        "split_name": body.get("split_name"),
        "row_percentage": _finite(body.get("row_percentage")),
        "features": features,
    }


def _report_row(record_id: int, body: Mapping[str, Any], created: float) -> dict[str, Any]:
    stats = body.get("statistics") or {}
    results = body.get("results") or []
    evaluated = stats.get("evaluated_expectations", len(results))
    successful = stats.get("successful_expectations", sum(1 for r in results if r.get("success")))
    unsuccessful = stats.get("unsuccessful_expectations", (evaluated or 0) - (successful or 0))
    pct = stats.get("success_percent")
    if pct is None and evaluated:
        pct = successful / evaluated * 100.0
    meta = body.get("meta") or {}
    return {
        "id": record_id,
        "validation_time": body.get("validation_time") or _iso(created),
        "success": bool(body.get("success")),
        "success_percent": _finite(pct),
        "evaluated_expectations": evaluated,
        "successful_expectations": successful,
        "unsuccessful_expectations": unsuccessful,
        "ingestion_result": str(body.get("ingestion_result") or "UNKNOWN").upper(),
        "expectation_suite_name": meta.get("expectation_suite_name"),
        "row_count": meta.get("row_count"),
    }


def _result(r: Mapping[str, Any]) -> dict[str, Any]:
    cfg = r.get("expectation_config") or {}
    res = r.get("result") or {}
    exc = r.get("exception_info") or {}
    return {
        "expectation_id": r.get("expectation_id") or (cfg.get("meta") or {}).get("expectationId"),
        "expectation_type": cfg.get("expectation_type") or cfg.get("type"),
        "kwargs": cfg.get("kwargs") or {},
        "success": bool(r.get("success")),
        "observed_value": res.get("observed_value"),
        "element_count": res.get("element_count"),
        "unexpected_count": res.get("unexpected_count"),
        "unexpected_percent": _finite(res.get("unexpected_percent")),
        "missing_count": res.get("missing_count"),
        "partial_unexpected_list": res.get("partial_unexpected_list") or [],
        "exception_message": exc.get("exception_message") if exc.get("raised_exception") else None,
    }


def feature_group_validation_reports(
    project: Project, name: str, version: int, limit: int | None = 100
) -> dict[str, Any]:
    """Validation reports of a feature group, newest first: one row per report (time,
    success percent, evaluated/successful/unsuccessful expectations, ingestion result)
    with every expectation result and the failed ones."""
    obj = _fg_object(project, name, version)
    recs = _cat(project).records("validation_report", obj.ref, limit=limit)
    reports = []
    for r in recs:
        results = [_result(x) for x in r.body.get("results") or []]
        reports.append(
            {
                **_report_row(r.id, r.body, r.created),
                "results": results,
                "failed_expectations": [x for x in results if not x["success"]],
            }
        )
    counts = {
        "ingested": sum(1 for r in reports if r["ingestion_result"] == "INGESTED"),
        "rejected": sum(1 for r in reports if r["ingestion_result"] == "REJECTED"),
        "successful": sum(1 for r in reports if r["success"]),
        "failed": sum(1 for r in reports if not r["success"]),
    }
    suite = obj.body.get("expectation_suite")
    return {
        **_fg_ref(obj),
        "expectation_suite": _suite(suite) if suite else None,
        "count": len(reports),
        "summary": counts,
        "reports": reports,
    }


def feature_group_preview(
    project: Project, name: str, version: int, n: int = 20, online: bool = False
) -> dict[str, Any]:
    """The first ``n`` rows of a feature group (offline, or online with ``online=True``)."""
    obj = _fg_object(project, name, version)
    n = max(0, min(int(n), MAX_PREVIEW_ROWS))
    if online and not obj.body.get("online_enabled"):
        raise InvalidInput(f"feature group {name!r} version {version} is not online-enabled")
    fg = _fg_live(project, obj)
    table_name = f"{obj.name}_{obj.version}"
    if online:
        table = fg._read_arrow(online=True)
        total, head = table.num_rows, table.slice(0, n)
    elif project.offline.version(table_name) is None:
        head = fg.arrow_schema.empty_table()
        total = 0
    else:
        ds = project.offline.dataset(table_name)
        total = ds.count_rows()
        head = fg._fill_defaults(ds.head(n))
    columns = [{"name": f.name, "type": str(f.type)} for f in head.schema]
    data = head.to_pydict()
    rows = [[_cell(data[c["name"]][i]) for c in columns] for i in range(head.num_rows)]
    return {
        **_fg_ref(obj),
        "storage": "online" if online else "offline",
        "total_rows": total,
        "columns": columns,
        "rows": rows,
    }


def _cell(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return value


# --------------------------------------------------------------------------------------
# Feature views and training datasets
# --------------------------------------------------------------------------------------


def _fv_ref(obj: CatalogObject) -> dict[str, Any]:
    return {
        "kind": FV,
        "name": obj.name,
        "version": obj.version,
        "label": f"{obj.name} v{obj.version}",
        "url": ui_url(FV, obj.name, obj.version),
        "deleted": False,
    }


def _query_groups(query: Mapping[str, Any]) -> list[tuple[str, int]]:
    out = [(query["left_feature_group"][0], int(query["left_feature_group"][1]))]
    for j in query.get("joins") or []:
        out += _query_groups(j["query"])
    return out


def feature_views(project: Project, q: str | None = None) -> dict[str, Any]:
    """All feature views (every version), optionally filtered by ``q``."""
    items = []
    for obj in _cat(project).list(FV):
        b = obj.body
        features = [f.get("name") for f in b.get("features") or []]
        if not _matches(q, obj.name, b.get("description"), *features):
            continue
        groups = []
        query = b.get("query")
        if query:
            seen = set()
            for g in _query_groups(query):
                if g not in seen:
                    seen.add(g)
                    groups.append(ref_dict(project, FG, g[0], g[1]))
        items.append(
            {
                **_fv_ref(obj),
                "description": b.get("description") or "",
                "labels": b.get("labels") or [],
                "num_features": len(features),
                "features": features,
                "serving_keys": b.get("serving_keys") or [],
                "feature_groups": groups,
                "num_training_datasets": len(_cat(project).list(TD, f"{obj.name}_{obj.version}")),
                "created": _iso(obj.created),
            }
        )
    return {"count": len(items), "items": items}


def _query_tree(project: Project, query: Mapping[str, Any]) -> dict[str, Any]:
    name, version = query["left_feature_group"]
    return {
        "feature_group": ref_dict(project, FG, name, int(version)),
        "features": query.get("left_features") or [],
        "filter": query.get("filter"),
        "as_of": query.get("as_of"),
        "joins": [
            {
                "on": j.get("on") or [],
                "left_on": j.get("left_on") or [],
                "right_on": j.get("right_on") or [],
                "join_type": j.get("join_type"),
                "prefix": j.get("prefix"),
                "query": _query_tree(project, j["query"]),
            }
            for j in query.get("joins") or []
        ],
    }


def _flat_joins(tree: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The joins of a query tree as a list (left group, right group, keys, type)."""
    out = []
    for j in tree["joins"]:
        on = j["on"]
        out.append(
            {
                "left": tree["feature_group"],
                "right": j["query"]["feature_group"],
                "join_type": j["join_type"],
                "left_on": on or j["left_on"],
                "right_on": on or j["right_on"],
                "prefix": j["prefix"],
                "features": j["query"]["features"],
            }
        )
        out += _flat_joins(j["query"])
    return out


def _fv_object(project: Project, name: str, version: int) -> CatalogObject:
    return _cat(project).require(FV, name, int(version))


def feature_view(project: Project, name: str, version: int) -> dict[str, Any]:
    """One feature view version: its query as joins, features with labels and helper
    columns, transformations, serving keys, training datasets and related objects."""
    obj = _fv_object(project, name, version)
    b = obj.body
    query = b.get("query") or {}
    tree = _query_tree(project, query) if query else None
    serving_keys: list[dict[str, Any]] = []
    broken = None
    try:
        from mvps.feature_view import FeatureView

        fv = FeatureView._from_catalog(project.get_feature_store(), obj)
        for k in fv.serving_keys:
            serving_keys.append(
                {
                    "name": k.required_serving_key,
                    "feature_name": k.feature_name,
                    "feature_group": {
                        "name": k.feature_group.name,
                        "version": k.feature_group.version,
                    },
                    "required": k.required,
                    "join_on": k.join_on,
                    "prefix": k.prefix,
                }
            )
    except NotFound as exc:
        broken = str(exc)
        serving_keys = [
            {"name": k, "feature_name": k, "feature_group": None, "required": True}
            for k in b.get("serving_keys") or []
        ]
    labels = set(b.get("labels") or [])
    features = []
    for f in b.get("features") or []:
        fg = f.get("feature_group")
        features.append(
            {
                "name": f.get("name"),
                "type": f.get("type"),
                "label": bool(f.get("label")) or f.get("name") in labels,
                "inference_helper_column": bool(f.get("inference_helper_column")),
                "training_helper_column": bool(f.get("training_helper_column")),
                "feature_group": ref_dict(project, FG, fg[0], int(fg[1])) if fg else None,
            }
        )
    transformations = []
    for t in b.get("transformation_functions") or []:
        transformations.append(
            {
                "name": t.get("name"),
                "features": t.get("features") or [],
                "output_names": t.get("output_names") or [],
                "builtin": t.get("builtin"),
                "source": t.get("source"),
                "mode": t.get("mode"),
            }
        )
    tds = [_td_row(o) for o in _cat(project).list(TD, f"{obj.name}_{obj.version}")]
    return {
        **_fv_ref(obj),
        "description": b.get("description") or "",
        "created": _iso(obj.created),
        "versions": [o.version for o in _cat(project).list(FV, name)],
        "labels": b.get("labels") or [],
        "inference_helper_columns": b.get("inference_helper_columns") or [],
        "training_helper_columns": b.get("training_helper_columns") or [],
        "features": features,
        "query": tree,
        "joins": _flat_joins(tree) if tree else [],
        "query_sql": b.get("query_sql"),
        "transformation_functions": transformations,
        "serving_keys": serving_keys,
        "training_datasets": tds,
        "models": [_model_row(project, m) for m in _models_of_fv(project, obj.name, obj.version)],
        "broken": broken,
        "lineage": _neighbours(project, obj.ref),
    }


def _td_row(obj: CatalogObject) -> dict[str, Any]:
    b = obj.body
    split = b.get("split") or {}
    rows = dict(b.get("rows") or {})
    total = sum(v for v in rows.values() if isinstance(v, int))
    return {
        "kind": TD,
        "name": obj.name,
        "version": obj.version,
        "description": b.get("description") or "",
        "created": _iso(obj.created),
        "split": split.get("kind"),
        "test_size": split.get("test_size"),
        "validation_size": split.get("validation_size"),
        "seed": split.get("seed"),
        "time_ranges": split.get("ranges") or {},
        "start_time": b.get("start_time"),
        "end_time": b.get("end_time"),
        "rows": rows,
        "total_rows": total,
        "fractions": {k: (v / total if total else None) for k, v in rows.items()},
        "data_format": b.get("data_format"),
        "materialized": bool(b.get("location")),
        "feature_group_versions": b.get("versions") or {},
        "url": ui_url(TD, obj.name, obj.version),
    }


def _td_fv_ref(project: Project, obj: CatalogObject) -> dict[str, Any]:
    fv_name, fv_version = split_td_name(obj.name)
    return ref_dict(project, FV, fv_name, fv_version)


def training_datasets(project: Project, name: str, version: int) -> dict[str, Any]:
    """Training-dataset versions of a feature view with their split sizes."""
    obj = _fv_object(project, name, version)
    items = [_td_row(o) for o in _cat(project).list(TD, f"{obj.name}_{obj.version}")]
    return {**_fv_ref(obj), "count": len(items), "items": items}


def training_dataset_statistics(
    project: Project, name: str, version: int, td_version: int
) -> dict[str, Any]:
    """Statistics of every split of one training-dataset version."""
    fv = _fv_object(project, name, version)
    td_name = f"{fv.name}_{fv.version}"
    td = _cat(project).get(TD, td_name, int(td_version))
    if td is None:
        existing = [o.version for o in _cat(project).list(TD, td_name)]
        raise NotFound(
            f"feature view {name!r} version {version} has no training dataset version "
            f"{td_version} (existing: {existing or 'none'})"
        )
    recs = _cat(project).records("td_statistics", td.ref, limit=1)
    splits = {}
    if recs:
        for split, body in (recs[0].body.get("splits") or {}).items():
            splits[split] = _statistics(body)
    return {
        **_td_row(td),
        "feature_view": _fv_ref(fv),
        "splits": splits,
        "transformation_statistics": list(td.body.get("transformation_statistics") or {}),
    }


# --------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------


def _first(body: Mapping[str, Any], *keys: str) -> Any:
    for k in keys:
        v = body.get(k)
        if v not in (None, "", {}, []):
            return v
    return None


def _model_fv(body: Mapping[str, Any]) -> tuple[str, int] | None:
    """(name, version) of the feature view a model was trained from, if recorded."""
    fv = body.get("feature_view")
    if isinstance(fv, Mapping) and fv.get("name") is not None:
        return str(fv["name"]), int(fv.get("version") or 1)
    if isinstance(fv, list | tuple) and len(fv) == 2:
        return str(fv[0]), int(fv[1])
    name = _first(body, "feature_view_name")
    if name is not None:
        return str(name), int(body.get("feature_view_version") or 1)
    return None


def _model_td_version(body: Mapping[str, Any]) -> int | None:
    v = _first(body, "training_dataset_version")
    if v is None and isinstance(body.get("feature_view"), Mapping):
        v = body["feature_view"].get("training_dataset_version")
    try:
        return None if v is None else int(v)
    except (TypeError, ValueError):
        return None


def _metrics(body: Mapping[str, Any]) -> dict[str, Any]:
    m = _first(body, "training_metrics", "metrics") or {}
    if not isinstance(m, Mapping):
        return {}
    out = {}
    for k, v in m.items():
        try:
            out[str(k)] = _finite(float(v)) if not isinstance(v, bool) else v
        except (TypeError, ValueError):
            out[str(k)] = v
    return out


def _model_row(project: Project, obj: CatalogObject) -> dict[str, Any]:
    b = obj.body
    fv = _model_fv(b)
    return {
        "kind": MODEL,
        "name": obj.name,
        "version": obj.version,
        "label": f"{obj.name} v{obj.version}",
        "url": ui_url(MODEL, obj.name, obj.version),
        "description": b.get("description") or "",
        "framework": _first(b, "framework", "model_framework"),
        "metrics": _metrics(b),
        "created": _iso(
            b.get("created") if isinstance(b.get("created"), int | float) else obj.created
        ),
        "creator": b.get("creator"),
        "tags": b.get("tags") or {},
        "feature_view": ref_dict(project, FV, fv[0], fv[1]) if fv else None,
        "training_dataset_version": _model_td_version(b),
    }


def _models_of_fv(project: Project, name: str, version: int) -> list[CatalogObject]:
    out = []
    for obj in _cat(project).list(MODEL):
        if _model_fv(obj.body) == (name, int(version)):
            out.append(obj)
    seen = {o.ref for o in out}
    for link in _cat(project).links_from((FV, name, int(version))):
        if link.dst[0] == MODEL and link.dst not in seen:
            m = _cat(project).get(*link.dst)
            if m is not None:
                out.append(m)
                seen.add(m.ref)
    return out


def models(project: Project, q: str | None = None) -> dict[str, Any]:
    """Registered models, one entry per name with its versions (newest last)."""
    by_name: dict[str, list[CatalogObject]] = {}
    for obj in _cat(project).list(MODEL):
        if _matches(q, obj.name, obj.body.get("description")):
            by_name.setdefault(obj.name, []).append(obj)
    items = []
    for objs in by_name.values():
        latest = max(objs, key=lambda o: o.version)
        items.append(
            {
                **_model_row(project, latest),
                "versions": [o.version for o in objs],
                "num_versions": len(objs),
            }
        )
    return {"count": len(items), "items": items}


def model_versions(project: Project, name: str) -> dict[str, Any]:
    """Every version of a model with its metrics, for comparison across versions."""
    objs = _cat(project).list(MODEL, name)
    if not objs:
        raise NotFound(f"model {name!r} not found")
    rows = [_model_row(project, o) for o in objs]
    metric_names: list[str] = []
    for r in rows:
        for k, v in r["metrics"].items():
            if k not in metric_names and (isinstance(v, int | float) or v is None):
                metric_names.append(k)
    return {
        "name": name,
        "versions": rows,
        "metric_names": metric_names,
        "metrics": {
            m: [{"version": r["version"], "value": r["metrics"].get(m)} for r in rows]
            for m in metric_names
        },
    }


def model_dir(project: Project, obj: CatalogObject) -> Path | None:
    """The directory holding a model version's files (``<artifacts>/<location>/Files``,
    see :mod:`mvps.model`), if it exists."""
    artifacts = Path(project.config.artifacts_dir)
    location = obj.body.get("location")
    candidates = []
    if location:
        candidates += [artifacts / str(location) / "Files", artifacts / str(location)]
    candidates.append(artifacts / "models" / obj.name / str(obj.version) / "Files")
    for p in candidates:
        if p.is_dir():
            return p.resolve()
    return None


def _model_object(project: Project, name: str, version: int) -> CatalogObject:
    return _cat(project).require(MODEL, name, int(version))


def _file_url(obj: CatalogObject, rel: str) -> str:
    return f"/api/models/{_seg(obj.name)}/{obj.version}/files/" + "/".join(
        _seg(part) for part in rel.split("/")
    )


def _files(obj: CatalogObject, root: Path | None) -> list[dict[str, Any]]:
    """The model's files (from its catalog body, else from its directory); images get
    the URL that serves them."""
    listed = obj.body.get("files")
    entries: list[tuple[str, Any]] = []
    if isinstance(listed, list) and listed:
        for f in listed[:MAX_MODEL_FILES]:
            if isinstance(f, Mapping) and f.get("path"):
                entries.append((str(f["path"]), f.get("size")))
    elif root is not None:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames.sort()
            for fname in sorted(filenames):
                p = Path(dirpath) / fname
                try:
                    size = p.stat().st_size
                except OSError:
                    continue
                entries.append((p.relative_to(root).as_posix(), size))
                if len(entries) >= MAX_MODEL_FILES:
                    break
    out = []
    for rel, size in entries:
        is_image = Path(rel).suffix.lower() in IMAGE_TYPES and root is not None
        out.append(
            {
                "path": rel,
                "size": size,
                "is_image": is_image,
                "url": _file_url(obj, rel) if is_image else None,
            }
        )
    return out


def model(project: Project, name: str, version: int) -> dict[str, Any]:
    """One model version: metrics, description, input example, schema, files (images
    with URLs), the feature view and training dataset it came from, deployments."""
    obj = _model_object(project, name, version)
    b = obj.body
    row = _model_row(project, obj)
    fv = _model_fv(b)
    td_version = row["training_dataset_version"]
    td = (
        ref_dict(project, TD, f"{fv[0]}_{fv[1]}", td_version)
        if fv is not None and td_version is not None
        else None
    )
    root = model_dir(project, obj)
    files = _files(obj, root)
    deployments = [
        _deployment_row(project, d)
        for d in _cat(project).list(DEPLOYMENT)
        if _deployment_model(d.body) == (obj.name, obj.version)
    ]
    known = {
        "name", "version", "description", "training_metrics", "metrics", "framework",
        "model_framework", "input_example", "model_schema", "feature_view",
        "training_dataset_version", "files", "location", "created",
    }  # fmt: skip
    return {
        **row,
        "versions": [o.version for o in _cat(project).list(MODEL, name)],
        "input_example": b.get("input_example"),
        "model_schema": b.get("model_schema"),
        "training_dataset": td,
        "files": files,
        "images": [f for f in files if f["is_image"]],
        "deployments": deployments,
        "properties": {k: v for k, v in b.items() if k not in known},
        "lineage": _neighbours(project, obj.ref),
    }


def model_file(project: Project, name: str, version: int, path: str) -> tuple[Path, str]:
    """(file, media type) of an image stored with a model version.

    Only files inside the model's own directory with an image suffix are returned;
    anything else is NotFound (no directory traversal, no symlinks out of it)."""
    obj = _model_object(project, name, version)
    root = model_dir(project, obj)
    if root is None:
        raise NotFound(f"model {name!r} version {version} has no files")
    rel = Path(path)
    if rel.is_absolute() or ".." in rel.parts:
        raise NotFound(f"model {name!r} version {version} has no file {path!r}")
    target = (root / rel).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        raise NotFound(f"model {name!r} version {version} has no file {path!r}")
    media = IMAGE_TYPES.get(target.suffix.lower())
    if media is None:
        raise NotFound(f"{path!r} is not an image; only images stored with a model are served")
    return target, media or mimetypes.guess_type(target.name)[0] or "application/octet-stream"


# --------------------------------------------------------------------------------------
# Deployments
# --------------------------------------------------------------------------------------


def _deployment_model(body: Mapping[str, Any]) -> tuple[str, int] | None:
    m = body.get("model")
    if isinstance(m, Mapping) and m.get("name") is not None:
        return str(m["name"]), int(m.get("version") or 1)
    name = _first(body, "model_name")
    if name is None and isinstance(body.get("predictor"), Mapping):
        p = body["predictor"]
        name = p.get("model_name")
        if name is not None:
            return str(name), int(p.get("model_version") or 1)
    if name is None:
        return None
    return str(name), int(body.get("model_version") or 1)


def _deployment_model_label(body: Mapping[str, Any]) -> str:
    m = _deployment_model(body)
    return "" if m is None else f"serves {m[0]} v{m[1]}"


def _latest_deployment(project: Project, name: str) -> CatalogObject:
    objs = _cat(project).list(DEPLOYMENT, name)
    if not objs:
        raise NotFound(f"deployment {name!r} not found")
    return max(objs, key=lambda o: o.version)


def _deployment_row(project: Project, obj: CatalogObject) -> dict[str, Any]:
    b = obj.body
    m = _deployment_model(b)
    created = b.get("created") if isinstance(b.get("created"), int | float) else obj.created
    return {
        "kind": DEPLOYMENT,
        "name": obj.name,
        "version": obj.version,
        "label": obj.name,
        "url": ui_url(DEPLOYMENT, obj.name),
        "description": b.get("description") or "",
        # the desired state recorded in the catalog (RUNNING or STOPPED)
        "state": str(b.get("state") or "STOPPED").upper(),
        "model": ref_dict(project, MODEL, m[0], m[1]) if m else None,
        "model_server": b.get("model_server"),
        "serving_tool": b.get("serving_tool"),
        "script_file": b.get("script_file"),
        "created": _iso(created),
        "creator": b.get("creator"),
        "predict_path": f"/v1/models/{_seg(obj.name)}:predict",
    }


def deployments(project: Project) -> dict[str, Any]:
    """Deployments (the newest version of each name)."""
    latest: dict[str, CatalogObject] = {}
    for obj in _cat(project).list(DEPLOYMENT):
        if obj.name not in latest or obj.version > latest[obj.name].version:
            latest[obj.name] = obj
    items = [_deployment_row(project, o) for o in latest.values()]
    return {"count": len(items), "items": items}


def deployment(project: Project, name: str) -> dict[str, Any]:
    """One deployment: desired state, model, predictor settings, the predict path and an
    example request body (serving keys for a model trained from a feature view, else the
    model's input example)."""
    obj = _latest_deployment(project, name)
    row = _deployment_row(project, obj)
    return {
        **row,
        "predictor": {
            k: v
            for k, v in obj.body.items()
            if k
            not in (
                "name",
                "description",
                "state",
                "created",
                "creator",
                "model_name",
                "model_version",
            )
        },
        "example_request": example_request(project, obj),
        "lineage": _neighbours(project, obj.ref),
    }


def example_request(project: Project, obj: CatalogObject) -> dict[str, Any]:
    """A request body for ``POST /v1/models/<name>:predict`` that the deployment accepts."""
    m = _deployment_model(obj.body)
    mobj = _cat(project).get(MODEL, m[0], m[1]) if m is not None else None
    if mobj is None:
        return {"instances": [[]]}
    example = mobj.body.get("input_example")
    fv = _model_fv(mobj.body)
    if fv is not None and not obj.body.get("script_file"):
        keys = _serving_key_example(project, fv)
        if keys:
            return {"instances": [keys]}
    if example is None:
        return {"instances": [[]]}
    if _is_batch(example):
        return {"instances": example}
    return {"instances": [example]}


def _serving_key_example(project: Project, fv: tuple[str, int]) -> dict[str, Any] | None:
    """Serving keys of a feature view with values of one existing row."""
    obj = _cat(project).get(FV, fv[0], fv[1])
    if obj is None:
        return None
    keys = [str(k) for k in obj.body.get("serving_keys") or []]
    if not keys:
        return None
    values: dict[str, Any] = dict.fromkeys(keys)
    query = obj.body.get("query") or {}
    left = query.get("left_feature_group")
    if left and _cat(project).get(FG, left[0], int(left[1])) is not None:
        table_name = f"{left[0]}_{int(left[1])}"
        try:
            ds = project.offline.dataset(table_name)
            cols = [k for k in keys if k in ds.schema.names]
            row = ds.head(1, columns=cols).to_pylist() if cols else []
        except Exception:  # an example is a convenience: never fail the page for it
            row = []
        if row:
            for k in keys:
                if k in row[0]:
                    values[k] = _cell(row[0][k])
    return values


def _is_batch(example: Any) -> bool:
    return isinstance(example, list) and bool(example) and isinstance(example[0], list | dict)


# --------------------------------------------------------------------------------------
# Jobs
# --------------------------------------------------------------------------------------


#: Lines of output the logs endpoint returns by default (the end of the file).
LOG_TAIL = 500

#: Executions the job document lists by default (the newest).
MAX_EXECUTIONS = 100

_RUNNING = ("SUBMITTED", "RUNNING")


def _job_api(project: Project) -> Any:
    return project.get_job_api()


def _job(project: Project, name: str) -> Any:
    """The job called ``name`` (:class:`mvps.jobs.Job`); NotFound naming the jobs."""
    return _job_api(project).get(name)


def _iso_dt(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).isoformat()


def _program(config: Mapping[str, Any]) -> str:
    """The job's program for display: relative to its working directory when inside it."""
    app = str(config.get("appPath") or "")
    workdir = config.get("workingDirectory")
    if app and workdir:
        try:
            return str(Path(app).relative_to(workdir))
        except ValueError:
            pass
    return app


def _schedule(found: Any, full: bool = False) -> dict[str, Any] | None:
    """The job's schedule (cron expression, enabled, next and last fire times, fire
    times skipped), or None; ``full`` adds its start, end and ``max_active_runs``."""
    s = found.job_schedule
    if s is None:
        return None
    out = {
        "cron_expression": s.cron_expression,
        "enabled": s.enabled,
        "next_fire_time": _iso_dt(s.next_execution_date_time),
        "last_fire_time": _iso_dt(s.last_execution_date_time),
        "skipped": s.skipped,
    }
    if full:
        out["start_time"] = _iso_dt(s.start_date_time)
        out["end_time"] = _iso_dt(s.end_date_time)
        out["max_active_runs"] = s.max_active_runs
    return out


def _execution_row(execution: Any) -> dict[str, Any]:
    """One execution (refreshed: a run whose runner died is reported FAILED)."""
    d = execution.to_dict()
    duration = d.get("duration")
    return {
        "id": d["id"],
        "url": f"{ui_url(JOB, d['job_name'])}#execution-{d['id']}",
        "state": d.get("state"),
        "final_status": d.get("final_status"),
        "trigger": d.get("trigger") or "manual",
        "submission_time": _iso(d.get("submission_time")),
        "start_time": _iso(d.get("start_time")),
        "end_time": _iso(d.get("end_time")),
        "duration": None if duration is None else int(duration),
        "args": d.get("args") or "",
        "exit_code": d.get("exit_code"),
        "error": d.get("error"),
        "user": d.get("user") or None,
    }


def _job_row(found: Any) -> dict[str, Any]:
    config = found.config
    return {
        "name": found.name,
        "url": ui_url(JOB, found.name),
        "job_type": found.job_type,
        "app_path": config.get("appPath"),
        "program": _program(config),
        "default_args": config.get("defaultArgs") or "",
        "created": _iso(found.creation_time.timestamp()),
    }


def jobs(project: Project) -> dict[str, Any]:
    """Every job with its program, default arguments, schedule (or None) and last
    execution (or None), by name."""
    keys = ("id", "url", "state", "final_status", "submission_time", "duration")
    items = []
    for found in _job_api(project).get_jobs():
        executions = found.get_executions()
        last = _execution_row(executions[-1]) if executions else None
        items.append(
            {
                **_job_row(found),
                "schedule": _schedule(found),
                "num_executions": len(executions),
                "last_execution": None if last is None else {k: last[k] for k in keys},
            }
        )
    return {"count": len(items), "items": items}


def job(project: Project, name: str, limit: int = MAX_EXECUTIONS) -> dict[str, Any]:
    """One job: its configuration, creator, schedule and executions, newest first (the
    ``limit`` newest; ``num_executions`` counts them all, ``running`` the listed ones
    that have not ended)."""
    found = _job(project, name)
    executions = found.get_executions()
    rows = [_execution_row(e) for e in reversed(executions[-limit:] if limit > 0 else [])]
    return {
        **_job_row(found),
        "creator": found.creator,
        "working_directory": found.config.get("workingDirectory"),
        "config": found.config,
        "schedule": _schedule(found, full=True),
        "num_executions": len(executions),
        "running": sum(1 for r in rows if r["state"] in _RUNNING),
        "executions": rows,
    }


def job_execution_logs(
    project: Project, name: str, execution_id: int, stream: str = "stdout", tail: int = LOG_TAIL
) -> dict[str, Any]:
    """The last ``tail`` lines an execution's program wrote to ``stdout`` or ``stderr``
    (empty text before it wrote anything)."""
    execution = _job(project, name).get_execution(int(execution_id))
    if stream not in ("stdout", "stderr"):
        raise InvalidInput(f"stream must be 'stdout' or 'stderr', got {stream!r}")
    return {"stream": stream, "text": execution.get_logs(stream, tail=int(tail)), "tail": tail}


def run_job(project: Project, name: str, args: str | None = None) -> dict[str, Any]:
    """Start an execution of job ``name`` without waiting for it; returns the execution.

    ``args`` (one string, split like a shell does) replaces the job's default arguments
    for this run; None or a blank string runs it with its default arguments.
    """
    if args is not None and not isinstance(args, str):
        raise InvalidInput(
            f'"args" is one string of arguments, e.g. "--month 2016-12", got {type(args).__name__}'
        )
    found = _job(project, name)
    execution = found.run(args=args if args and args.strip() else None, await_termination=False)
    return _execution_row(execution)


def stop_job_execution(project: Project, name: str, execution_id: int) -> dict[str, Any]:
    """Stop a running execution (SIGTERM to its program, SIGKILL 10 s later); it ends
    KILLED. An execution that already ended is returned as it is."""
    execution = _job(project, name).get_execution(int(execution_id))
    execution.stop()
    return _execution_row(execution)


# --------------------------------------------------------------------------------------
# Lineage
# --------------------------------------------------------------------------------------


def normalize_kind(kind: str) -> str:
    """``feature_group`` from ``feature-group``, ``feature-groups``, ``fg``..."""
    k = kind.strip().lower().replace("-", "_")
    aliases = {"fg": FG, "fv": FV, "td": TD}
    k = aliases.get(k, k)
    if k not in KINDS and k.endswith("s") and k[:-1] in KINDS:
        k = k[:-1]
    if k not in KINDS:
        raise InvalidInput(f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    return k


def _node_id(kind: str, name: str, version: int) -> str:
    return f"{kind}:{name}:{int(version)}"


Edge = tuple[tuple[str, str, int], tuple[str, str, int]]


def _all_edges(project: Project) -> set[Edge]:
    """Every lineage edge: catalog links plus the ones model and deployment bodies
    record (training dataset -> model, model -> deployment)."""
    cat = _cat(project)
    edges: set[Edge] = set()
    for link in cat.all_links():
        if link.src[0] in KINDS and link.dst[0] in KINDS:
            edges.add(
                (
                    (link.src[0], link.src[1], int(link.src[2])),
                    (link.dst[0], link.dst[1], int(link.dst[2])),
                )
            )
    for m in cat.list(MODEL):
        fv = _model_fv(m.body)
        tdv = _model_td_version(m.body)
        if fv is None:
            continue
        fv_ref = (FV, fv[0], fv[1])
        if tdv is not None:
            td_ref = (TD, f"{fv[0]}_{fv[1]}", tdv)
            edges.discard((fv_ref, m.ref))
            edges.add((td_ref, m.ref))
            edges.add((fv_ref, td_ref))
        elif not any(s == fv_ref and d == m.ref for s, d in edges):
            edges.add((fv_ref, m.ref))
    # a model linked straight from its feature view and from one of its training datasets
    for src, dst in list(edges):
        if src[0] == FV and dst[0] == MODEL:
            if any(s[0] == TD and d == dst and split_td_name(s[1]) == src[1:] for s, d in edges):
                edges.discard((src, dst))
    for d in cat.list(DEPLOYMENT):
        mm = _deployment_model(d.body)
        if mm is not None:
            edges.add(((MODEL, mm[0], mm[1]), d.ref))
    return edges


def lineage(
    project: Project,
    kind: str | None = None,
    name: str | None = None,
    version: int | None = None,
    depth: int | None = None,
) -> dict[str, Any]:
    """The provenance graph: nodes (objects, ``deleted`` when gone) and edges
    (source -> derived object). With ``kind, name, version`` the graph holds that object,
    everything it was derived from and everything derived from it (``depth`` hops at
    most); without, the whole project."""
    cat = _cat(project)
    edges = _all_edges(project)
    focus: tuple[str, str, int] | None = None
    if kind is not None and name is not None and version is not None:
        kind = normalize_kind(kind)
        focus = (kind, name, int(version))
        if kind == DEPLOYMENT and cat.get(*focus) is None:
            objs = cat.list(DEPLOYMENT, name)
            if objs:
                focus = objs[-1].ref
        known = cat.get(*focus) is not None or any(focus in e for e in edges)
        if not known:
            raise NotFound(f"{kind.replace('_', ' ')} '{name}' version {version} not found")
        keep = {focus}
        for forward in (True, False):
            frontier = {focus}
            hops = 0
            while frontier and (depth is None or hops < depth):
                nxt = set()
                for s, d in edges:
                    a, b = (s, d) if forward else (d, s)
                    if a in frontier and b not in keep:
                        nxt.add(b)
                keep |= nxt
                frontier = nxt
                hops += 1
        edges = {(s, d) for s, d in edges if s in keep and d in keep}
        refs = keep
    else:
        refs = {r for e in edges for r in e}
        for k in KINDS:
            refs |= {o.ref for o in cat.list(k)}
    nodes = {}
    for ref in refs:
        node = ref_dict(project, *ref)
        node["id"] = _node_id(*ref)
        node["focus"] = ref == focus
        nodes[node["id"]] = node
    ordered = sorted(
        nodes.values(), key=lambda n: (KINDS.index(n["kind"]), n["name"], n["version"])
    )
    edge_list = sorted(
        ({"source": _node_id(*s), "target": _node_id(*d)} for s, d in edges),
        key=lambda e: (e["source"], e["target"]),
    )
    return {
        "focus": None if focus is None else _node_id(*focus),
        "nodes": ordered,
        "edges": edge_list,
        "_nodes": nodes,
    }


def lineage_document(
    project: Project, kind: str | None = None, name: str | None = None, version: int | None = None
) -> dict[str, Any]:
    """:func:`lineage` without its internal index (what ``/api/lineage`` returns)."""
    graph = lineage(project, kind, name, version)
    graph.pop("_nodes", None)
    return graph


# --------------------------------------------------------------------------------------
# Registry of documents (used by the routes and by tests)
# --------------------------------------------------------------------------------------

DOCUMENTS: dict[str, Callable[..., dict[str, Any]]] = {
    "project": project_info,
    "overview": overview,
    "feature_groups": feature_groups,
    "feature_group": feature_group,
    "feature_group_versions": feature_group_versions,
    "feature_group_commits": feature_group_commits,
    "feature_group_statistics": feature_group_statistics,
    "feature_group_validation_reports": feature_group_validation_reports,
    "feature_group_preview": feature_group_preview,
    "feature_views": feature_views,
    "feature_view": feature_view,
    "training_datasets": training_datasets,
    "training_dataset_statistics": training_dataset_statistics,
    "models": models,
    "model_versions": model_versions,
    "model": model,
    "deployments": deployments,
    "deployment": deployment,
    "jobs": jobs,
    "job": job,
    "job_execution_logs": job_execution_logs,
    "lineage": lineage_document,
}
