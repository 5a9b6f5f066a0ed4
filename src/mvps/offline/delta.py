"""Feature-group tables as Delta Lake tables (delta-rs), local or on object storage.

Each feature-group version is one Delta table. Every write is one Delta commit, so the
table's history *is* the feature group's activity log (rows inserted / updated /
deleted per commit), time travel reads an old version, and the change data feed
(enabled on every table) gives the rows a commit changed, which is how the online store
catches up after a crash and how incremental reads work.

Rows are upserted on ``primary_key + event_time`` with a MERGE. Incoming rows are
sorted by (primary key, event time) before they are written so that files stay
clustered the way the point-in-time join reads them.

Writers of one table are serialised with a lock file when the table is on local disk
(several processes may write); on object storage delta-rs' optimistic commit protocol
detects conflicting commits, which surface as :class:`mvps.errors.Conflict`.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pyarrow as pa

from mvps.errors import Conflict, InvalidInput, NotFound
from mvps.timeutil import UTC

_TABLE_CONFIG = {"delta.enableChangeDataFeed": "true"}
# The change data feed's extra columns and the types :meth:`DeltaOfflineStore.changes` returns.
_CDF_COLUMNS = (
    ("_change_type", pa.string()),
    ("_commit_version", pa.int64()),
    ("_commit_timestamp", pa.timestamp("us", tz="UTC")),
)


@dataclass(frozen=True)
class Commit:
    """One commit of a feature-group table."""

    version: int
    timestamp: datetime
    operation: str
    rows_inserted: int
    rows_updated: int
    rows_deleted: int


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class DeltaOfflineStore:
    """Delta tables below ``root`` (a local directory or an ``s3://`` style URI)."""

    def __init__(self, root: str, storage_options: dict[str, str] | None = None) -> None:
        self.root = root.rstrip("/")
        self.storage_options = storage_options or None
        self.local = "://" not in self.root or self.root.startswith("file://")
        if self.local:
            self.root = self.root.removeprefix("file://")
            os.makedirs(self.root, exist_ok=True)

    # ------------------------------------------------------------------ helpers

    def uri(self, table: str) -> str:
        return f"{self.root}/{table}"

    def _dt(self, table: str, version: int | None = None) -> Any:
        from deltalake import DeltaTable
        from deltalake.exceptions import TableNotFoundError

        try:
            return DeltaTable(
                self.uri(table), version=version, storage_options=self.storage_options
            )
        except TableNotFoundError as exc:
            raise NotFound(f"offline table {table!r} has no data yet") from exc
        except Exception as exc:  # version out of range
            if version is not None and "version" in str(exc).lower():
                raise NotFound(f"offline table {table!r} has no version {version}") from exc
            raise

    def exists(self, table: str) -> bool:
        from deltalake import DeltaTable

        return bool(DeltaTable.is_deltatable(self.uri(table), storage_options=self.storage_options))

    @contextmanager
    def lock(self, table: str) -> Iterator[None]:
        """Serialise writers of ``table`` across processes (local tables only)."""
        if not self.local:
            yield
            return
        path = os.path.join(self.root, f".{table}.lock")
        with open(path, "a+") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    # ------------------------------------------------------------------ writes

    def write(
        self,
        table: str,
        data: pa.Table,
        key: Sequence[str],
        mode: str = "upsert",
        partition_by: Sequence[str] | None = None,
    ) -> Commit:
        """Write ``data`` as one commit and return it.

        ``mode``: ``"upsert"`` (MERGE on ``key``), ``"insert"`` (append) or
        ``"overwrite"`` (replace all rows). Call under :meth:`lock`.
        """
        from deltalake import write_deltalake
        from deltalake.exceptions import CommitFailedError

        if key:
            data = data.sort_by([(k, "ascending") for k in key])
        try:
            if not self.exists(table) or mode in ("insert", "overwrite"):
                write_deltalake(
                    self.uri(table),
                    data,
                    mode="overwrite" if mode == "overwrite" else "append",
                    partition_by=list(partition_by) if partition_by else None,
                    configuration=_TABLE_CONFIG,
                    storage_options=self.storage_options,
                    schema_mode="merge" if mode != "overwrite" else "overwrite",
                )
            else:
                dt = self._dt(table)
                predicate = " AND ".join(f"t.{_ident(k)} = s.{_ident(k)}" for k in key)
                (
                    dt.merge(source=data, predicate=predicate, source_alias="s", target_alias="t")
                    .when_matched_update_all()
                    .when_not_matched_insert_all()
                    .execute()
                )
        except CommitFailedError as exc:
            raise Conflict(
                f"another writer committed to {table!r} first; retry the insert"
            ) from exc
        return self.history(table, limit=1)[0]

    def delete_keys(self, table: str, keys: pa.Table) -> Commit:
        """Delete the rows whose ``keys`` columns match a row of ``keys`` (one commit)."""
        dt = self._dt(table)
        cols = keys.column_names
        predicate = " AND ".join(f"t.{_ident(k)} = s.{_ident(k)}" for k in cols)
        (
            dt.merge(source=keys, predicate=predicate, source_alias="s", target_alias="t")
            .when_matched_delete()
            .execute()
        )
        return self.history(table, limit=1)[0]

    def add_columns(self, table: str, fields: Sequence[pa.Field]) -> None:
        """Add nullable columns to the table's schema (a metadata-only commit)."""
        from deltalake.schema import Field

        if not self.exists(table):
            return
        dt = self._dt(table)
        dt.alter.add_columns(
            [Field.from_arrow(pa.field(f.name, f.type, nullable=True)) for f in fields]
        )

    def drop(self, table: str) -> None:
        """Remove the table and all its files."""
        if self.local:
            shutil.rmtree(self.uri(table), ignore_errors=True)
            try:
                os.remove(os.path.join(self.root, f".{table}.lock"))
            except FileNotFoundError:
                pass
            return
        if not self.exists(table):
            return
        from deltalake import DeltaTable

        dt = DeltaTable(self.uri(table), storage_options=self.storage_options)
        dt.delete()
        dt.vacuum(retention_hours=0, enforce_retention_duration=False, dry_run=False)

    # ------------------------------------------------------------------ reads

    def version(self, table: str) -> int | None:
        """The latest version, or None when the table has no data yet."""
        if not self.exists(table):
            return None
        return int(self._dt(table).version())

    def read(
        self, table: str, version: int | None = None, columns: Sequence[str] | None = None
    ) -> pa.Table:
        dt = self._dt(table, version)
        return dt.to_pyarrow_table(columns=list(columns) if columns else None)

    def dataset(self, table: str, version: int | None = None) -> Any:
        """A pyarrow dataset over one version (what DuckDB scans)."""
        return self._dt(table, version).to_pyarrow_dataset()

    def files(self, table: str, version: int | None = None) -> list[str]:
        return list(self._dt(table, version).file_uris())

    def schema(self, table: str) -> pa.Schema:
        return pa.schema(self._dt(table).schema().to_arrow())

    def history(self, table: str, limit: int | None = None) -> list[Commit]:
        """Commits newest first (metadata-only commits are included with zero counts)."""
        out = []
        for h in self._dt(table).history(limit):
            m = h.get("operationMetrics") or {}
            op = h.get("operation", "")
            inserted = int(m.get("num_target_rows_inserted", m.get("num_added_rows", 0)) or 0)
            if op == "DELETE":
                inserted = 0
            out.append(
                Commit(
                    version=int(h["version"]),
                    timestamp=datetime.fromtimestamp(h["timestamp"] / 1000.0, tz=UTC),
                    operation=op,
                    rows_inserted=inserted,
                    rows_updated=int(m.get("num_target_rows_updated", 0) or 0),
                    rows_deleted=int(
                        m.get("num_target_rows_deleted", m.get("num_deleted_rows", 0)) or 0
                    ),
                )
            )
        return out

    def version_at(self, table: str, when: datetime) -> int:
        """The newest version committed at or before ``when``."""
        commits = self.history(table)
        for c in commits:  # newest first
            if c.timestamp <= when:
                return c.version
        first = commits[-1].timestamp.isoformat() if commits else "never"
        raise NotFound(
            f"offline table {table!r} has no commit at or before {when.isoformat()} "
            f"(its first commit is at {first})"
        )

    def changes(self, table: str, start_version: int, end_version: int | None = None) -> pa.Table:
        """The change data feed for versions ``start_version..end_version`` (inclusive).

        Columns: the table's columns plus ``_change_type`` (insert, update_preimage,
        update_postimage, delete) and ``_commit_version``.
        """
        from mvps.frames import normalize_table

        if start_version < 0:
            raise InvalidInput("start_version must be >= 0")
        dt = self._dt(table)
        latest = int(dt.version())
        end = latest if end_version is None else min(end_version, latest)
        if start_version > end:
            schema = pa.schema(dt.schema().to_arrow())
            empty = schema.empty_table()
            for name, typ in _CDF_COLUMNS:
                empty = empty.append_column(name, pa.array([], typ))
            return normalize_table(empty)
        reader = dt.load_cdf(starting_version=start_version, ending_version=end)
        # delta-rs returns view types (string_view), unsigned versions and naive
        # millisecond timestamps: give callers the same types as the table's reads.
        changes = normalize_table(pa.RecordBatchReader.from_stream(reader).read_all())
        cols = dict(zip(changes.column_names, changes.columns, strict=True))
        for name, typ in _CDF_COLUMNS:
            if name in cols and cols[name].type != typ:
                changes = changes.set_column(
                    changes.column_names.index(name), name, cols[name].cast(typ)
                )
        return changes
