"""mvps: minimal viable prediction services.

An embedded, Hopsworks-compatible feature store, model registry and model serving.
Code written for Hopsworks runs with ``import mvps as hopsworks``::

    import mvps as hopsworks

    project = hopsworks.login()          # embedded project on local disk
    fs = project.get_feature_store()

Importing this package is cheap: heavy dependencies load on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Public names resolved lazily: name -> "module:attribute" (or "module" for submodules).
_LAZY: dict[str, str] = {
    "login": "mvps.project:login",
    "logout": "mvps.project:logout",
    "get_current_project": "mvps.project:get_current_project",
    "create_project": "mvps.project:create_project",
    "Project": "mvps.project:Project",
    "udf": "mvps.transformation:udf",
    "Feature": "mvps.feature:Feature",
    "errors": "mvps.errors",
}

if TYPE_CHECKING:  # pragma: no cover
    from mvps import errors as errors
    from mvps.feature import Feature as Feature
    from mvps.project import Project as Project
    from mvps.project import create_project as create_project
    from mvps.project import get_current_project as get_current_project
    from mvps.project import login as login
    from mvps.project import logout as logout
    from mvps.transformation import udf as udf


def __getattr__(name: str) -> Any:
    target = _LAZY.get(name)
    if target is None:
        try:
            return importlib.import_module(f"mvps.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"mvps.{name}":
                raise
            raise AttributeError(f"module 'mvps' has no attribute {name!r}") from None
    module, _, attr = target.partition(":")
    value = importlib.import_module(module)
    if attr:
        value = getattr(value, attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


__all__ = ["__version__", *_LAZY]
