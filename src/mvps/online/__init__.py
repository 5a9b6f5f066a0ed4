"""Online stores: the newest row per primary key, for low-latency serving.

:func:`open_online_store` picks the backend from a URL. Backends are imported on use, so
importing this package loads neither pyarrow nor redis.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from mvps.errors import InvalidInput

if TYPE_CHECKING:  # pragma: no cover
    from mvps.online.base import OnlineStore

__all__ = ["open_online_store"]

_ACCEPTED = (
    "None (the embedded SQLite file), sqlite:///relative/path.db, sqlite:////absolute/path.db, "
    "redis://host:6379/0?prefix=myproj: or rediss://... for Redis over TLS"
)


def open_online_store(url: str | None, default_path: str | os.PathLike[str]) -> OnlineStore:
    """Open the online store named by ``url``.

    * ``None`` or ``""``: :class:`~mvps.online.sqlite.SqliteOnlineStore` at
      ``default_path``;
    * ``sqlite:///<path>``: SQLite at ``<path>`` (``sqlite:////tmp/x.db`` is absolute,
      ``sqlite:///x.db`` relative to the working directory, as in SQLAlchemy);
    * ``redis://...`` / ``rediss://...``: :class:`~mvps.online.redis.RedisOnlineStore`
      (an optional ``prefix`` query parameter namespaces the keys, default ``mvps:``).

    Anything else raises :class:`~mvps.errors.InvalidInput`.
    """
    if url is None or (isinstance(url, str) and not url.strip()):
        from mvps.online.sqlite import SqliteOnlineStore

        return SqliteOnlineStore(default_path)
    if not isinstance(url, str):
        raise InvalidInput(f"online store URL must be a string, not {type(url).__name__}")
    url = url.strip()
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme == "sqlite":
        if not url.lower().startswith("sqlite:///") or len(url) == len("sqlite:///"):
            raise InvalidInput(
                f"invalid SQLite online store URL {url!r}: give a file path after "
                "'sqlite:///', e.g. sqlite:///online.db or sqlite:////var/lib/mvps/online.db"
            )
        from mvps.online.sqlite import SqliteOnlineStore

        return SqliteOnlineStore(url[len("sqlite:///") :])
    if scheme in ("redis", "rediss"):
        from mvps.online.redis import RedisOnlineStore

        return RedisOnlineStore(url)
    raise InvalidInput(f"unsupported online store URL {url!r}; accepted: {_ACCEPTED}")
