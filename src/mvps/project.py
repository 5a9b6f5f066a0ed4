"""Projects and ``login()``.

``mvps.login()`` opens (creating if needed) an embedded project on local disk: a
directory holding the catalog (SQLite), the offline tables (Delta), the online store
(SQLite) and model artifacts. Several processes may open the same project at once and
see each other's writes. See :mod:`mvps.config` for where projects live and how to
point a project at PostgreSQL, Redis or object storage instead.
"""

from __future__ import annotations

import os
import threading
import warnings
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mvps.config import ProjectConfig, resolve

if TYPE_CHECKING:
    from mvps.catalog import Catalog
    from mvps.feature_store import FeatureStore
    from mvps.offline import DeltaOfflineStore
    from mvps.online.base import OnlineStore

_current: Project | None = None
_lock = threading.Lock()


class Project:
    """An open project: the entry point to its feature store, registry and serving."""

    def __init__(self, config: ProjectConfig) -> None:
        self._config = config
        config.path.mkdir(parents=True, exist_ok=True)
        self.catalog  # noqa: B018 - create the schema now so errors surface at login

    # ------------------------------------------------------------------ info
    @property
    def name(self) -> str:
        return self._config.name

    @property
    def path(self) -> Path:
        return self._config.path

    @property
    def config(self) -> ProjectConfig:
        return self._config

    @property
    def id(self) -> int:
        return 1

    @property
    def owner(self) -> str:
        return os.environ.get("USER", "mvps")

    @property
    def description(self) -> str:
        return f"embedded project at {self.path}"

    @property
    def created(self) -> float:
        return self.path.stat().st_ctime

    @property
    def project_namespace(self) -> str:
        return self.name

    def get_url(self) -> str:
        """Where to look at the project: the web UI of its running ``mvps serve`` (for
        example ``http://127.0.0.1:8765/``), else the project directory as a file URL."""
        from mvps.serving.process import server_url

        url = server_url(self)
        return f"{url.rstrip('/')}/" if url else f"file://{self.path}"

    def __repr__(self) -> str:
        return f"Project({self.name!r}, {str(self.path)!r})"

    # ------------------------------------------------------------------ backends
    @cached_property
    def catalog(self) -> Catalog:
        from mvps.catalog import Catalog

        return Catalog(self._config.catalog_url)

    @cached_property
    def offline(self) -> DeltaOfflineStore:
        from mvps.offline import DeltaOfflineStore

        return DeltaOfflineStore(self._config.offline_uri, self._config.storage_options)

    @cached_property
    def online(self) -> OnlineStore:
        from mvps.online import open_online_store

        return open_online_store(self._config.online_url, str(self.path / "online.db"))

    # ------------------------------------------------------------------ APIs
    def get_feature_store(self, name: str | None = None) -> FeatureStore:
        """The project's feature store (``name`` is accepted for compatibility)."""
        return self._feature_store

    @cached_property
    def _feature_store(self) -> FeatureStore:
        from mvps.feature_store import FeatureStore

        return FeatureStore(self)

    def get_model_registry(self) -> Any:
        from mvps.model_registry import ModelRegistry

        return ModelRegistry(self)

    def get_model_serving(self) -> Any:
        from mvps.serving import ModelServing

        return ModelServing(self)

    def get_job_api(self) -> Any:
        """The project's jobs (:class:`mvps.jobs.JobApi`)."""
        from mvps.jobs import JobApi

        return JobApi(self)

    def get_jobs_api(self) -> Any:
        """Hopsworks 3.x name of :meth:`get_job_api`."""
        return self.get_job_api()

    def close(self) -> None:
        for attr in ("online", "catalog"):
            obj = self.__dict__.pop(attr, None)
            if obj is not None:
                obj.close()
        self.__dict__.pop("_feature_store", None)
        self.__dict__.pop("offline", None)


def login(
    host: str | None = None,
    port: int = 443,
    project: str | None = None,
    api_key_value: str | None = None,
    api_key_file: str | None = None,
    hostname_verification: bool = False,
    trust_store_path: str | None = None,
    engine: str | None = None,
    *,
    home: str | os.PathLike[str] | None = None,
    config: str | os.PathLike[str] | None = None,
    **_: Any,
) -> Project:
    """Open a project (creating it if needed) and make it the current one.

    With no arguments this opens the embedded project ``default`` under ``~/.mvps``
    (or ``$MVPS_HOME``). ``project`` names another project; ``home`` and ``config``
    (or ``$MVPS_HOME``/``$MVPS_CONFIG``) choose where it lives and its backends.

    The Hopsworks connection arguments (``host``, ``api_key_value``...) are accepted so
    that Hopsworks code runs unchanged; mvps has no remote server to connect to, so a
    ``host`` only triggers a warning and the embedded project is used.
    """
    global _current
    if host:
        warnings.warn(
            f"mvps runs embedded; host={host!r} is ignored and the local project is used",
            stacklevel=2,
        )
    cfg = resolve(project=project, home=home, config=config)
    with _lock:
        if _current is not None and _current.config == cfg:
            return _current
        _current = Project(cfg)
        return _current


def create_project(
    name: str, description: str | None = None, feature_store_topic: str | None = None
) -> Project:
    """Create (or open) the project ``name`` in the current home and return it."""
    return login(project=name)


def get_current_project() -> Project:
    """The project opened by the last ``login()`` (opening the default one if none)."""
    return _current if _current is not None else login()


def logout() -> None:
    """Close the current project's connections."""
    global _current
    with _lock:
        if _current is not None:
            _current.close()
        _current = None
