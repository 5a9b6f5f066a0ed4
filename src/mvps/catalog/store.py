"""SQLAlchemy Core implementation of the catalog (SQLite and PostgreSQL)."""

from __future__ import annotations

import builtins
import copy
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from mvps.errors import AlreadyExists, Conflict, InvalidInput, MvpsError, NotFound

_meta = sa.MetaData()
_SCHEMA_LOCK = 0x6D767073  # PostgreSQL advisory lock held while the schema is created ("mvps")

objects = sa.Table(
    "objects",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("name", sa.String(255), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("created", sa.Float, nullable=False),
    sa.Column("updated", sa.Float, nullable=False),
    sa.UniqueConstraint("kind", "name", "version", name="uq_object"),
)

records = sa.Table(
    "records",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("owner_kind", sa.String(32), nullable=False),
    sa.Column("owner_name", sa.String(255), nullable=False),
    sa.Column("owner_version", sa.Integer, nullable=False),
    sa.Column("created", sa.Float, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Index("ix_records_owner", "owner_kind", "owner_name", "owner_version", "kind", "created"),
)

links = sa.Table(
    "links",
    _meta,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("src_kind", sa.String(32), nullable=False),
    sa.Column("src_name", sa.String(255), nullable=False),
    sa.Column("src_version", sa.Integer, nullable=False),
    sa.Column("dst_kind", sa.String(32), nullable=False),
    sa.Column("dst_name", sa.String(255), nullable=False),
    sa.Column("dst_version", sa.Integer, nullable=False),
    sa.Column("relation", sa.String(32), nullable=False),
    sa.Column("created", sa.Float, nullable=False),
    sa.UniqueConstraint(
        "src_kind",
        "src_name",
        "src_version",
        "dst_kind",
        "dst_name",
        "dst_version",
        "relation",
        name="uq_link",
    ),
)

Ref = tuple[str, str, int]  # (kind, name, version)


@dataclass(frozen=True)
class CatalogObject:
    id: int
    kind: str
    name: str
    version: int
    body: dict[str, Any]
    created: float
    updated: float

    @property
    def ref(self) -> Ref:
        return (self.kind, self.name, self.version)


@dataclass(frozen=True)
class Record:
    id: int
    kind: str
    owner: Ref
    created: float
    body: dict[str, Any]


@dataclass(frozen=True)
class Link:
    src: Ref
    dst: Ref
    relation: str
    created: float


def _json_default(value: Any) -> Any:
    """JSON for what orjson does not serialise itself (decimals, e.g. feature defaults)."""
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot store a {type(value).__name__} in the catalog")


def _dumps(body: dict[str, Any]) -> str:
    return orjson.dumps(
        body,
        default=_json_default,
        option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS,
    ).decode()


def _inserted_id(result: Any) -> int:
    pk = result.inserted_primary_key
    if pk is None:  # pragma: no cover - every table has an autoincrement id
        raise RuntimeError("the database did not return the id of the inserted row")
    return int(pk[0])


_ACCEPTED = (
    "sqlite:///relative/catalog.db, sqlite:////absolute/catalog.db or "
    "postgresql://user:password@host:5432/database"
)


def _engine_url(url: str) -> str:
    """The SQLAlchemy URL of a catalog URL (PostgreSQL goes through psycopg 3)."""
    scheme, sep, rest = str(url).partition("://")
    scheme = scheme.lower()
    if sep and scheme == "sqlite":
        return url
    if sep and scheme in ("postgresql", "postgres", "postgresql+psycopg") and rest:
        return "postgresql+psycopg://" + rest
    raise InvalidInput(f"unsupported catalog URL {url!r}; accepted: {_ACCEPTED}")


def _record(r: Any) -> Record:
    return Record(
        r.id, r.kind, (r.owner_kind, r.owner_name, r.owner_version), r.created, orjson.loads(r.body)
    )


def _obj(row: Any) -> CatalogObject:
    return CatalogObject(
        row.id, row.kind, row.name, row.version, orjson.loads(row.body), row.created, row.updated
    )


class Catalog:
    """Metadata store of one project.

    ``url`` is a SQLAlchemy URL: ``sqlite:////path/catalog.db`` (embedded default) or
    ``postgresql://user@host/db`` (``postgres://`` and ``postgresql+psycopg://`` work too). Safe for several processes: SQLite runs in
    WAL mode with a busy timeout, and version numbers are allocated under the unique
    constraint (a lost race retries with the next number).
    """

    def __init__(self, url: str) -> None:
        self.url = url
        url = _engine_url(url)
        kwargs: dict[str, Any] = {}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
        else:
            from mvps._deps import require

            require("psycopg")
            kwargs["pool_pre_ping"] = True
        self.engine = sa.create_engine(url, **kwargs)
        if url.startswith("sqlite"):
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        self._create_schema()

    def _create_schema(self) -> None:
        for attempt in range(5):
            try:
                with self.engine.begin() as conn:
                    if conn.dialect.name == "postgresql":
                        # DDL is transactional in PostgreSQL: processes creating the schema
                        # of a new database at once take turns, the later ones find it made
                        conn.execute(
                            sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SCHEMA_LOCK}
                        )
                    _meta.create_all(conn, checkfirst=True)
                return
            except (OperationalError, IntegrityError, ProgrammingError) as exc:
                # created concurrently (retry), or the database cannot be reached
                if attempt == 4:
                    where = self.engine.url.render_as_string(hide_password=True)
                    raise MvpsError(
                        f"cannot open the catalog at {where}: {getattr(exc, 'orig', exc)}; check "
                        "that the database is running and the [catalog] url of the config file"
                    ) from exc
                time.sleep(0.05 * (attempt + 1))

    @contextmanager
    def _tx(self) -> Iterator[sa.Connection]:
        with self.engine.begin() as conn:
            yield conn

    def close(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------------ objects

    def next_version(self, kind: str, name: str) -> int:
        with self.engine.connect() as conn:
            cur = conn.execute(
                sa.select(sa.func.max(objects.c.version)).where(
                    objects.c.kind == kind, objects.c.name == name
                )
            ).scalar()
        return int(cur or 0) + 1

    def create(
        self, kind: str, name: str, version: int | None, body: dict[str, Any]
    ) -> CatalogObject:
        """Insert an object. ``version=None`` takes the next free version.

        Raises AlreadyExists when ``(kind, name, version)`` is taken.
        """
        for _ in range(50):
            v = self.next_version(kind, name) if version is None else int(version)
            if v < 1:
                raise InvalidInput(f"version must be a positive integer, got {v}")
            now = time.time()
            try:
                with self._tx() as conn:
                    res = conn.execute(
                        objects.insert().values(
                            kind=kind,
                            name=name,
                            version=v,
                            body=_dumps(body),
                            created=now,
                            updated=now,
                        )
                    )
                    pk = _inserted_id(res)
                return CatalogObject(int(pk), kind, name, v, body, now, now)
            except IntegrityError as exc:
                if version is not None:
                    raise AlreadyExists(
                        f"{kind.replace('_', ' ')} '{name}' version {v} exists already; "
                        f"get it with version={v}, or create version {self.next_version(kind, name)}"
                    ) from exc
                # lost a race for the next version: try the one after
        raise Conflict(f"could not allocate a version for {kind} '{name}'; retry")

    def get(self, kind: str, name: str, version: int) -> CatalogObject | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(objects).where(
                    objects.c.kind == kind,
                    objects.c.name == name,
                    objects.c.version == int(version),
                )
            ).first()
        return None if row is None else _obj(row)

    def require(self, kind: str, name: str, version: int) -> CatalogObject:
        obj = self.get(kind, name, version)
        if obj is None:
            versions = [o.version for o in self.list(kind, name)]
            hint = f"existing versions: {versions}" if versions else "none exists"
            raise NotFound(
                f"{kind.replace('_', ' ')} '{name}' version {version} not found ({hint})"
            )
        return obj

    def get_by_id(self, kind: str, obj_id: int) -> CatalogObject | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(objects).where(objects.c.kind == kind, objects.c.id == int(obj_id))
            ).first()
        return None if row is None else _obj(row)

    def list(self, kind: str, name: str | None = None) -> list[CatalogObject]:
        q = sa.select(objects).where(objects.c.kind == kind)
        if name is not None:
            q = q.where(objects.c.name == name)
        with self.engine.connect() as conn:
            rows = conn.execute(q.order_by(objects.c.name, objects.c.version)).all()
        return [_obj(r) for r in rows]

    def stamp(self, kinds: builtins.list[str]) -> tuple[int, float]:
        """A cheap fingerprint of the objects of ``kinds``: their number and latest
        ``updated`` time. It changes whenever one is created, updated or deleted, so a
        poller can skip re-reading them while it stays the same."""
        q = sa.select(sa.func.count(), sa.func.max(objects.c.updated)).where(
            objects.c.kind.in_(kinds)
        )
        with self.engine.connect() as conn:
            n, latest = conn.execute(q).one()
        return int(n or 0), float(latest or 0.0)

    def count(self, kind: str) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(
                    sa.select(sa.func.count()).select_from(objects).where(objects.c.kind == kind)
                ).scalar()
                or 0
            )

    def update(
        self,
        kind: str,
        name: str,
        version: int,
        body: dict[str, Any],
        if_updated: float | None = None,
    ) -> float:
        """Replace an object's body; returns its new ``updated`` time.

        ``if_updated`` makes it a compare-and-set: the body is replaced only if the
        object's ``updated`` time is still that value (as read), else Conflict is raised
        and nothing changes.
        """
        now = time.time()
        q = objects.update().where(
            objects.c.kind == kind,
            objects.c.name == name,
            objects.c.version == int(version),
        )
        if if_updated is not None:
            q = q.where(objects.c.updated == if_updated)
            now = max(now, if_updated + 1e-6)  # a coarse clock must still change it
        with self._tx() as conn:
            res = conn.execute(q.values(body=_dumps(body), updated=now))
            if res.rowcount == 0:
                if if_updated is not None and self._exists(conn, kind, name, version):
                    raise Conflict(
                        f"{kind.replace('_', ' ')} '{name}' version {version} was changed by "
                        "another writer; read it again and retry"
                    )
                raise NotFound(f"{kind} '{name}' version {version} not found (was it deleted?)")
        return now

    def modify(
        self,
        kind: str,
        name: str,
        version: int,
        change: Callable[[dict[str, Any]], dict[str, Any] | None],
    ) -> CatalogObject:
        """Read-modify-write an object's body, safe against concurrent writers: ``change``
        gets a copy of the body and returns the new one (None: leave it as it is); the
        write is a compare-and-set, retried on a fresh read when another writer came
        first. Returns the object as stored afterwards; NotFound if it does not exist."""
        for _ in range(100):
            obj = self.require(kind, name, version)
            new = change(copy.deepcopy(obj.body))
            if new is None:
                return obj
            try:
                self.update(kind, name, version, new, if_updated=obj.updated)
            except Conflict:
                continue
            return self.require(kind, name, version)
        raise Conflict(f"{kind.replace('_', ' ')} '{name}' version {version} keeps changing; retry")

    def _exists(self, conn: sa.Connection, kind: str, name: str, version: int) -> bool:
        return (
            conn.execute(
                sa.select(objects.c.id).where(
                    objects.c.kind == kind,
                    objects.c.name == name,
                    objects.c.version == int(version),
                )
            ).first()
            is not None
        )

    def delete(self, kind: str, name: str, version: int) -> bool:
        """Delete an object and its records. Links stay, so lineage can show it as deleted."""
        with self._tx() as conn:
            res = conn.execute(
                objects.delete().where(
                    objects.c.kind == kind,
                    objects.c.name == name,
                    objects.c.version == int(version),
                )
            )
            conn.execute(
                records.delete().where(
                    records.c.owner_kind == kind,
                    records.c.owner_name == name,
                    records.c.owner_version == int(version),
                )
            )
        return bool(res.rowcount)

    # ------------------------------------------------------------------ records

    def add_record(
        self, kind: str, owner: Ref, body: dict[str, Any], created: float | None = None
    ) -> Record:
        now = time.time() if created is None else created
        with self._tx() as conn:
            res = conn.execute(
                records.insert().values(
                    kind=kind,
                    owner_kind=owner[0],
                    owner_name=owner[1],
                    owner_version=int(owner[2]),
                    created=now,
                    body=_dumps(body),
                )
            )
            pk = _inserted_id(res)
        return Record(int(pk), kind, owner, now, body)

    def records(
        self,
        kind: str,
        owner: Ref,
        limit: int | None = None,
        newest_first: bool = True,
        since: float | None = None,
        until: float | None = None,
    ) -> builtins.list[Record]:
        q = sa.select(records).where(
            records.c.kind == kind,
            records.c.owner_kind == owner[0],
            records.c.owner_name == owner[1],
            records.c.owner_version == int(owner[2]),
        )
        if since is not None:
            q = q.where(records.c.created >= since)
        if until is not None:
            q = q.where(records.c.created < until)
        order = records.c.id.desc() if newest_first else records.c.id.asc()
        q = q.order_by(order)
        if limit is not None:
            q = q.limit(limit)
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        return [_record(r) for r in rows]

    def recent_records(self, kinds: builtins.list[str], limit: int = 20) -> builtins.list[Record]:
        q = (
            sa.select(records)
            .where(records.c.kind.in_(kinds))
            .order_by(records.c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        return [_record(r) for r in rows]

    def delete_records(self, kind: str, owner: Ref) -> int:
        with self._tx() as conn:
            res = conn.execute(
                records.delete().where(
                    records.c.kind == kind,
                    records.c.owner_kind == owner[0],
                    records.c.owner_name == owner[1],
                    records.c.owner_version == int(owner[2]),
                )
            )
        return int(res.rowcount or 0)

    # ------------------------------------------------------------------ links

    def add_link(self, src: Ref, dst: Ref, relation: str) -> None:
        try:
            with self._tx() as conn:
                conn.execute(
                    links.insert().values(
                        src_kind=src[0],
                        src_name=src[1],
                        src_version=int(src[2]),
                        dst_kind=dst[0],
                        dst_name=dst[1],
                        dst_version=int(dst[2]),
                        relation=relation,
                        created=time.time(),
                    )
                )
        except IntegrityError:
            pass  # the link exists already

    def links_from(self, src: Ref, relation: str | None = None) -> builtins.list[Link]:
        q = sa.select(links).where(
            links.c.src_kind == src[0],
            links.c.src_name == src[1],
            links.c.src_version == int(src[2]),
        )
        if relation:
            q = q.where(links.c.relation == relation)
        return self._links(q)

    def links_to(self, dst: Ref, relation: str | None = None) -> builtins.list[Link]:
        q = sa.select(links).where(
            links.c.dst_kind == dst[0],
            links.c.dst_name == dst[1],
            links.c.dst_version == int(dst[2]),
        )
        if relation:
            q = q.where(links.c.relation == relation)
        return self._links(q)

    def all_links(self) -> builtins.list[Link]:
        return self._links(sa.select(links))

    def _links(self, q: Any) -> builtins.list[Link]:
        with self.engine.connect() as conn:
            rows = conn.execute(q.order_by(links.c.id)).all()
        return [
            Link(
                (r.src_kind, r.src_name, r.src_version),
                (r.dst_kind, r.dst_name, r.dst_version),
                r.relation,
                r.created,
            )
            for r in rows
        ]


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()
