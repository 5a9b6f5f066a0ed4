"""The embedded online store: one SQLite file.

Layout::

    "fg_<table>"      (key TEXT PRIMARY KEY, event_time INTEGER, value BLOB) WITHOUT ROWID
    mvps_watermarks   (name TEXT PRIMARY KEY, version INTEGER)
    mvps_schemas      (fingerprint TEXT PRIMARY KEY, schema BLOB)   -- see codec.py

The database runs in WAL mode with a busy timeout, so several processes can read while
one writes, and writers queue instead of failing. Each thread uses its own connection
(created on first use, reset in a forked child). A write is one ``BEGIN IMMEDIATE``
transaction holding the conditional upsert of every row and the watermark.

Point reads are the serving hot path: the SQL text per table is built once and cached,
and ``sqlite3``'s statement cache keeps it prepared.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from mvps.errors import MvpsError
from mvps.online.codec import (
    CodecRegistry,
    as_table,
    check_table_name,
    encode_batch,
    encode_keys,
    normalize_key,
)

_BUSY_TIMEOUT_S = 30.0
_MMAP_BYTES = 1 << 30
_CHUNK = 512  # keys per IN (...) query; well under SQLITE_MAX_VARIABLE_NUMBER

_INIT = (
    "CREATE TABLE IF NOT EXISTS mvps_watermarks "
    "(name TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS mvps_schemas "
    "(fingerprint TEXT PRIMARY KEY, schema BLOB NOT NULL) WITHOUT ROWID",
)
_ADVANCE_WATERMARK = (
    "INSERT INTO mvps_watermarks (name, version) VALUES (?, ?) "
    "ON CONFLICT(name) DO UPDATE SET version = max(version, excluded.version)"
)


# rows encoded at once by write(): bounds memory for large inserts
_WRITE_CHUNK = 100_000


@dataclass(frozen=True)
class _Sql:
    """The statements of one table, built once."""

    create: str
    read: str
    upsert_newest: str
    upsert_last: str
    delete: str
    scan: str
    count: str
    drop: str
    quoted: str
    many: dict[int, str]  # number of keys -> SELECT key, value ... IN (?, ?, ...)

    def read_in(self, n: int) -> str:
        """The statement reading ``n`` keys at once (``n`` a power of two, cached)."""
        stmt = self.many.get(n)
        if stmt is None:
            marks = ",".join("?" * n)
            stmt = self.many[n] = f"SELECT key, value FROM {self.quoted} WHERE key IN ({marks})"
        return stmt


def _statements(table: str) -> _Sql:
    t = '"fg_' + check_table_name(table) + '"'
    return _Sql(
        create=(
            f"CREATE TABLE IF NOT EXISTS {t} "
            "(key TEXT PRIMARY KEY, event_time INTEGER, value BLOB NOT NULL) WITHOUT ROWID"
        ),
        read=f"SELECT value FROM {t} WHERE key = ?",
        upsert_newest=(
            f"INSERT INTO {t} (key, event_time, value) VALUES (?, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET event_time = excluded.event_time, "
            f"value = excluded.value WHERE {t}.event_time IS NULL "
            f"OR excluded.event_time >= {t}.event_time"
        ),
        upsert_last=(
            f"INSERT INTO {t} (key, event_time, value) VALUES (?, NULL, ?) "
            "ON CONFLICT(key) DO UPDATE SET event_time = NULL, value = excluded.value"
        ),
        delete=f"DELETE FROM {t} WHERE key = ?",
        scan=f"SELECT value FROM {t}",
        count=f"SELECT count(*) FROM {t}",
        drop=f"DROP TABLE IF EXISTS {t}",
        quoted=t,
        many={},
    )


class _Connection(sqlite3.Connection):
    """A connection that can be weakly referenced, so that the store can close every
    thread's connection without keeping those of finished threads alive."""


def _no_such_table(exc: sqlite3.OperationalError) -> bool:
    return "no such table" in str(exc)


class SqliteOnlineStore:
    """The embedded online store in one SQLite file at ``path`` (created if missing).

    Safe to share between threads (each thread gets its own connection) and between
    processes opening the same file.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path).expanduser()
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: weakref.WeakSet[_Connection] = weakref.WeakSet()
        self._sql: dict[str, _Sql] = {}
        self._codecs = CodecRegistry(self._load_schema)
        self._closed = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise MvpsError(
                f"cannot create the directory of the online store {self.path}: {exc}; "
                "choose a writable path"
            ) from exc
        conn = self._connect()
        with self._transaction(conn):
            for stmt in _INIT:
                conn.execute(stmt)
        _stores.add(self)

    def __repr__(self) -> str:
        return f"SqliteOnlineStore({str(self.path)!r})"

    # ------------------------------------------------------------ connections

    def _connect(self) -> sqlite3.Connection:
        if self._closed:
            raise MvpsError(f"{self!r} is closed; open the online store again")
        try:
            conn = sqlite3.connect(
                self.path,
                timeout=_BUSY_TIMEOUT_S,
                isolation_level=None,  # autocommit; transactions are explicit
                check_same_thread=False,  # only close() touches other threads' connections
                cached_statements=512,
                factory=_Connection,
            )
            conn.execute(f"PRAGMA busy_timeout = {int(_BUSY_TIMEOUT_S * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            # Read pages through a shared memory map instead of a read() per page miss:
            # random point reads on a table larger than the page cache are ~20% faster.
            conn.execute(f"PRAGMA mmap_size = {_MMAP_BYTES}")
        except sqlite3.Error as exc:
            raise MvpsError(
                f"cannot open the online store {self.path}: {exc}; check that the path is "
                "a writable SQLite file"
            ) from exc
        self._local.conn = conn
        with self._lock:
            self._connections.add(conn)
        return conn

    def _conn(self) -> sqlite3.Connection:
        try:
            conn: sqlite3.Connection = self._local.conn
        except AttributeError:
            conn = self._connect()
        return conn

    def _reset_after_fork(self) -> None:
        # A connection must not cross fork(); the child opens its own.
        self._local = threading.local()
        self._connections = weakref.WeakSet()
        self._lock = threading.Lock()

    @contextmanager
    def _transaction(self, conn: sqlite3.Connection) -> Iterator[None]:
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise MvpsError(f"cannot start a write on the online store {self.path}: {exc}") from exc
        try:
            yield
        except BaseException:
            with suppress(sqlite3.Error):  # SQLite may have rolled back already
                conn.execute("ROLLBACK")
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            with suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise MvpsError(f"cannot commit to the online store {self.path}: {exc}") from exc

    def _stmts(self, table: str) -> _Sql:
        sql = self._sql.get(table)
        if sql is None:
            sql = self._sql[table] = _statements(table)
        return sql

    def _load_schema(self, fingerprint: str) -> bytes | None:
        row = (
            self._conn()
            .execute("SELECT schema FROM mvps_schemas WHERE fingerprint = ?", (fingerprint,))
            .fetchone()
        )
        return None if row is None else bytes(row[0])

    # ------------------------------------------------------------------ writes

    def write(
        self,
        table: str,
        rows: pa.Table,
        primary_key: Sequence[str],
        event_time: str | None,
        watermark: int | None = None,
    ) -> int:
        """Upsert ``rows`` (newest event time wins; see ``OnlineStore.write``).

        Returns the number of rows applied: distinct keys in ``rows`` minus those whose
        stored row is newer. ``watermark`` only ever moves the stored watermark forward.
        """
        sql = self._stmts(table)
        # Rows are encoded a chunk at a time so memory stays bounded for big backfills.
        # Chunks apply in order inside one transaction, and the upsert itself keeps the
        # newest row, so the result equals one write of the whole batch. Rows go in key
        # order (a stable sort: rows of one key keep their order): the B-tree is then
        # filled front to back instead of at random pages, about twice as fast.
        rows = as_table(rows)
        keys = encode_keys(rows, primary_key)
        order = pc.sort_indices(pa.array(keys, pa.string()))
        chunks: list[tuple[pa.Table, list[str]]] = []
        for i in range(0, max(rows.num_rows, 1), _WRITE_CHUNK):
            take = order.slice(i, _WRITE_CHUNK)
            chunks.append((rows.take(take), [keys[j] for j in take.to_pylist()]))
        del keys
        first = encode_batch(self._codecs, chunks[0][0], primary_key, event_time, chunks[0][1])
        conn = self._conn()
        applied = 0
        try:
            with self._transaction(conn):
                conn.execute(sql.create)
                conn.execute(
                    "INSERT OR IGNORE INTO mvps_schemas (fingerprint, schema) VALUES (?, ?)",
                    (first.codec.fingerprint, first.codec.schema_bytes),
                )
                for n, (chunk, chunk_keys) in enumerate(chunks):
                    batch = (
                        first
                        if n == 0
                        else encode_batch(self._codecs, chunk, primary_key, event_time, chunk_keys)
                    )
                    if batch.times is None:
                        cur = conn.executemany(
                            sql.upsert_last, zip(batch.keys, batch.values, strict=True)
                        )
                    else:
                        cur = conn.executemany(
                            sql.upsert_newest,
                            zip(batch.keys, batch.times, batch.values, strict=True),
                        )
                    applied += max(cur.rowcount, 0)
                    del batch
                if watermark is not None:
                    conn.execute(_ADVANCE_WATERMARK, (table, int(watermark)))
        except sqlite3.Error as exc:
            raise MvpsError(f"cannot write online table {table!r} in {self.path}: {exc}") from exc
        return applied

    def delete(self, table: str, keys: Sequence[Any], watermark: int | None = None) -> int:
        """Delete rows by key; return how many existed. Advances ``watermark`` like write."""
        sql = self._stmts(table)
        encoded = list(dict.fromkeys(normalize_key(k) for k in keys))
        conn = self._conn()
        deleted = 0
        try:
            with self._transaction(conn):
                if encoded:
                    try:
                        deleted = max(
                            conn.executemany(sql.delete, ((k,) for k in encoded)).rowcount, 0
                        )
                    except sqlite3.OperationalError as exc:
                        if not _no_such_table(exc):
                            raise
                if watermark is not None:
                    conn.execute(_ADVANCE_WATERMARK, (table, int(watermark)))
        except sqlite3.Error as exc:
            raise MvpsError(f"cannot delete from online table {table!r}: {exc}") from exc
        return deleted

    def drop(self, table: str) -> None:
        """Remove the table, its rows and its watermark (no-op when missing)."""
        sql = self._stmts(table)
        conn = self._conn()
        try:
            with self._transaction(conn):
                conn.execute(sql.drop)
                conn.execute("DELETE FROM mvps_watermarks WHERE name = ?", (table,))
        except sqlite3.Error as exc:
            raise MvpsError(f"cannot drop online table {table!r}: {exc}") from exc

    def set_watermark(self, table: str, version: int) -> None:
        """Set the watermark of ``table`` to exactly ``version``."""
        check_table_name(table)
        conn = self._conn()
        try:
            with self._transaction(conn):
                conn.execute(
                    "INSERT INTO mvps_watermarks (name, version) VALUES (?, ?) "
                    "ON CONFLICT(name) DO UPDATE SET version = excluded.version",
                    (table, int(version)),
                )
        except sqlite3.Error as exc:
            raise MvpsError(f"cannot set the watermark of {table!r}: {exc}") from exc

    # ------------------------------------------------------------------- reads

    def read(self, table: str, key: Any) -> list[Any] | None:
        """The row stored for ``key`` as Python values in schema order, or None."""
        try:
            conn = self._local.conn
        except AttributeError:
            conn = self._connect()
        sql = self._sql.get(table) or self._stmts(table)
        k = normalize_key(key)
        try:
            row = conn.execute(sql.read, (k,)).fetchone()
        except sqlite3.OperationalError as exc:
            if _no_such_table(exc):
                return None
            raise MvpsError(f"cannot read online table {table!r}: {exc}") from exc
        if row is None:
            return None
        return self._codecs.decode(row[0])

    def read_many(self, table: str, keys: Sequence[Any]) -> list[list[Any] | None]:
        """Rows for ``keys`` in order (None where absent), fetched with ``IN`` queries."""
        sql = self._sql.get(table) or self._stmts(table)
        encoded = [normalize_key(k) for k in keys]
        unique = list(dict.fromkeys(encoded))
        conn = self._conn()
        found: dict[str, bytes] = {}
        try:
            for start in range(0, len(unique), _CHUNK):
                chunk = unique[start : start + _CHUNK]
                # Pad to a power of two so that a few statements serve every size.
                size = 1 << (len(chunk) - 1).bit_length()
                chunk += chunk[-1:] * (size - len(chunk))
                found.update(conn.execute(sql.read_in(size), chunk).fetchall())
        except sqlite3.OperationalError as exc:
            if _no_such_table(exc):
                return [None] * len(keys)
            raise MvpsError(f"cannot read online table {table!r}: {exc}") from exc
        decode = self._codecs.decode
        out: list[list[Any] | None] = []
        for k in encoded:
            blob = found.get(k)
            out.append(None if blob is None else decode(blob))
        return out

    def scan(self, table: str, schema: pa.Schema) -> pa.Table:
        """Every stored row as a table of ``schema`` (empty when the table is missing)."""
        sql = self._stmts(table)
        try:
            blobs = [r[0] for r in self._conn().execute(sql.scan)]
        except sqlite3.OperationalError as exc:
            if _no_such_table(exc):
                return schema.empty_table()
            raise MvpsError(f"cannot scan online table {table!r}: {exc}") from exc
        return self._codecs.decode_table(blobs, schema)

    def count(self, table: str) -> int:
        """Number of stored rows (0 when the table is missing)."""
        sql = self._stmts(table)
        try:
            return int(self._conn().execute(sql.count).fetchone()[0])
        except sqlite3.OperationalError as exc:
            if _no_such_table(exc):
                return 0
            raise MvpsError(f"cannot count online table {table!r}: {exc}") from exc

    def get_watermark(self, table: str) -> int | None:
        """The stored watermark of ``table`` or None."""
        check_table_name(table)
        row = (
            self._conn()
            .execute("SELECT version FROM mvps_watermarks WHERE name = ?", (table,))
            .fetchone()
        )
        return None if row is None else int(row[0])

    def close(self) -> None:
        """Close every connection this store opened (in all threads)."""
        with self._lock:
            conns, self._connections = list(self._connections), weakref.WeakSet()
            self._closed = True
        for conn in conns:
            with suppress(sqlite3.Error):
                conn.close()
        self._local = threading.local()

    def __enter__(self) -> SqliteOnlineStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_stores: weakref.WeakSet[SqliteOnlineStore] = weakref.WeakSet()


def _after_fork() -> None:
    for store in list(_stores):
        store._reset_after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork)
