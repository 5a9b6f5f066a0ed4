"""Lazy loading of optional and heavy dependencies.

``import mvps`` must stay cheap, so modules such as duckdb, deltalake, redis or sklearn
are imported on first use through :func:`require`, which turns a missing package into
an error naming the exact ``pip install`` to run.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from mvps.errors import MissingDependency

# module name -> (pip extra, what it is used for)
_EXTRAS: dict[str, tuple[str, str]] = {
    "polars": ("polars", "polars dataframes"),
    "redis": ("redis", "the Redis online store"),
    "psycopg": ("postgres", "the PostgreSQL catalog"),
    "sklearn": ("ml", "scikit-learn models"),
    "joblib": ("ml", "model serialisation"),
    "matplotlib": ("ml", "plots"),
    "fastapi": ("serve", "the HTTP server"),
    "uvicorn": ("serve", "the HTTP server"),
    "httpx": ("serve", "HTTP clients"),
    "gradio": ("app", "the stakeholder app"),
    "great_expectations": ("great-expectations", "Great Expectations suites"),
}


def require(module: str) -> ModuleType:
    """Import ``module`` or raise :class:`MissingDependency` with the install command."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = module.split(".")[0]
        extra, purpose = _EXTRAS.get(top, ("all", top))
        raise MissingDependency(
            f'{top} is needed for {purpose} but is not installed; run: pip install "mvps[{extra}]"'
        ) from exc
