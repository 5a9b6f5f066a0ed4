"""Where a project lives and which backends it uses.

Resolution (first match wins):

* home directory: ``login(home=...)``, ``$MVPS_HOME``, ``[project] home`` of the config
  file, else ``~/.mvps``;
* project name: ``login(project=...)``, ``$MVPS_PROJECT``, ``[project] name`` of the
  config file, else ``default``;
* config file: ``login(config=...)``, ``$MVPS_CONFIG``, ``./mvps.toml`` if present, then
  ``<home>/<project>/mvps.toml`` if present.

A config file selects backends; every key is optional and the embedded defaults are
SQLite files and Delta tables inside the project directory::

    [project]
    name = "loans"
    home = ".mvps"                     # relative paths are relative to this file

    [catalog]
    url = "postgresql://user@127.0.0.1/mvps"      # default sqlite:///<project>/catalog.db

    [offline]
    uri = "s3://bucket/features"                  # default <project>/offline
    storage_options = { AWS_ENDPOINT_URL = "http://127.0.0.1:9000" }

    [online]
    url = "redis://127.0.0.1:6379/0?prefix=loans:"  # default sqlite:///<project>/online.db
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mvps.errors import InvalidInput
from mvps.frames import check_identifier


@dataclass(frozen=True)
class ProjectConfig:
    name: str
    path: Path
    catalog_url: str
    offline_uri: str
    online_url: str
    storage_options: dict[str, str] = field(default_factory=dict)
    config_file: Path | None = None

    @property
    def artifacts_dir(self) -> Path:
        return self.path / "artifacts"


def _load(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"config file {path} is not valid TOML: {exc}") from exc
    except OSError as exc:
        raise InvalidInput(f"cannot read config file {path}: {exc}") from exc


def resolve(
    project: str | None = None,
    home: str | os.PathLike[str] | None = None,
    config: str | os.PathLike[str] | None = None,
) -> ProjectConfig:
    """Resolve the project's location and backends (see the module docstring)."""
    cfg_path: Path | None = None
    if config is not None:
        cfg_path = Path(config)
        if not cfg_path.exists():
            raise InvalidInput(f"config file {cfg_path} does not exist")
    elif os.environ.get("MVPS_CONFIG"):
        cfg_path = Path(os.environ["MVPS_CONFIG"])
        if not cfg_path.exists():
            raise InvalidInput(f"MVPS_CONFIG points to {cfg_path}, which does not exist")
    elif Path("mvps.toml").exists():
        cfg_path = Path("mvps.toml").resolve()
    data = _load(cfg_path) if cfg_path else {}
    base = cfg_path.parent if cfg_path else Path.cwd()
    proj = data.get("project", {})

    if home is not None:
        home_path = Path(home)
    elif os.environ.get("MVPS_HOME"):
        home_path = Path(os.environ["MVPS_HOME"])
    elif proj.get("home"):
        home_path = base / proj["home"]
    else:
        home_path = Path.home() / ".mvps"
    name = project or os.environ.get("MVPS_PROJECT") or proj.get("name") or "default"
    name = check_identifier(str(name).lower(), "project name")
    path = (home_path / name).resolve()

    if cfg_path is None and (path / "mvps.toml").exists():
        cfg_path = path / "mvps.toml"
        data = _load(cfg_path)
        base = path

    def rel(uri: str) -> str:
        if "://" in uri:
            return uri
        return str((base / uri).resolve())

    catalog_url = data.get("catalog", {}).get("url") or f"sqlite:///{path / 'catalog.db'}"
    offline = data.get("offline", {})
    offline_uri = rel(offline.get("uri") or str(path / "offline"))
    online_url = data.get("online", {}).get("url") or f"sqlite:///{path / 'online.db'}"
    return ProjectConfig(
        name=name,
        path=path,
        catalog_url=catalog_url,
        offline_uri=offline_uri,
        online_url=online_url,
        storage_options={str(k): str(v) for k, v in (offline.get("storage_options") or {}).items()},
        config_file=cfg_path,
    )
