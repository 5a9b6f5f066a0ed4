"""Feature groups: versioned tables of features with time travel and an online copy.

A feature group is created lazily: the object returned by ``create_feature_group`` is
persisted on its first ``insert()`` or ``save()``. Offline, rows are kept in a Delta
table and upserted on ``primary_key + event_time``; every write is a commit that
``commit_details()`` lists and ``read(wallclock_time=...)`` can go back to. Online (with
``online_enabled=True``) the newest row per primary key is kept for low-latency lookups;
an older event time never overwrites a newer one.

The offline commit happens first and is the source of truth; the online store records
the last offline version it applied and replays what it missed (see :meth:`sync_online`).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from mvps import frames
from mvps.errors import InvalidInput, MvpsError, NotFound
from mvps.feature import Feature, Filter, Logic
from mvps.schema import arrow_schema, conform, infer_features, typed_default
from mvps.timeutil import iso, opt_utc, to_utc

if TYPE_CHECKING:
    from mvps.feature_store import FeatureStore
    from mvps.query import Query

KIND = "feature_group"


def _fault(point: str) -> None:
    """Crash the process at ``point`` when ``MVPS_INJECT_FAULT`` names it (crash tests)."""
    if os.environ.get("MVPS_INJECT_FAULT") == point:
        os._exit(70)


class FeatureGroup:
    """A managed feature group (offline Delta table + optional online table)."""

    def __init__(
        self,
        featurestore: FeatureStore,
        name: str,
        version: int | None,
        description: str | None = "",
        online_enabled: bool = False,
        primary_key: Sequence[str] | None = None,
        event_time: str | None = None,
        partition_key: Sequence[str] | None = None,
        foreign_key: Sequence[str] | None = None,
        features: Sequence[Feature] | None = None,
        statistics_config: Any = None,
        expectation_suite: Any = None,
        parents: Sequence[Any] | None = None,
        transformation_functions: Sequence[Any] | None = None,
        time_travel_format: str | None = "DELTA",
        hudi_precombine_key: str | None = None,
        stream: bool = False,
        online_config: Any = None,
        topic_name: str | None = None,
        notification_topic_name: str | None = None,
        **_ignored: Any,
    ) -> None:
        self._fs = featurestore
        self.name = frames.check_identifier(frames.normalize_name(name), "feature group name")
        self.version = version
        self.description = description or ""
        self.online_enabled = bool(online_enabled)
        self.primary_key = [frames.normalize_name(k) for k in (primary_key or [])]
        self.event_time = frames.normalize_name(event_time) if event_time else None
        self.partition_key = [frames.normalize_name(k) for k in (partition_key or [])]
        self.foreign_key = [frames.normalize_name(k) for k in (foreign_key or [])]
        self._features: list[Feature] = [self._own(f) for f in (features or [])]
        from mvps.statistics_config import StatisticsConfig

        # by default statistics include histograms (the UI plots them)
        self.statistics_config = (
            StatisticsConfig(enabled=True, histograms=True)
            if statistics_config is None
            else StatisticsConfig.from_value(statistics_config)
        )
        self._expectation_suite = expectation_suite
        self._parents = list(parents or [])
        self.transformation_functions = list(transformation_functions or [])
        self.time_travel_format = (
            "DELTA" if time_travel_format is None else str(time_travel_format).upper()
        )
        self.hudi_precombine_key = hudi_precombine_key
        self.stream = stream
        self.online_config = online_config
        self.topic_name = topic_name
        self.notification_topic_name = notification_topic_name
        self.id: int | None = None
        self.created: float | None = None
        self.creator = os.environ.get("USER", "mvps")
        self.deprecated = False
        self._deleted = False
        for k in self.primary_key + ([self.event_time] if self.event_time else []):
            frames.check_identifier(k, "column name")

    # ------------------------------------------------------------------ persistence

    def _own(self, f: Feature) -> Feature:
        if not isinstance(f, Feature):
            raise InvalidInput(
                f"features must be mvps.feature.Feature objects, got {type(f).__name__}"
            )
        f._feature_group = self
        f.primary = f.primary or f.name in (
            self.primary_key if hasattr(self, "primary_key") else []
        )
        f.default_value = typed_default(f)
        return f

    @property
    def _project(self) -> Any:
        return self._fs._project

    @property
    def _catalog(self) -> Any:
        return self._fs._project.catalog

    @property
    def _table(self) -> str:
        return f"{self.name}_{self.version}"

    @property
    def _ref(self) -> tuple[str, str, int]:
        return (KIND, self.name, int(self.version or 0))

    @property
    def _saved(self) -> bool:
        return self.id is not None

    def _label(self) -> str:
        return f"'{self.name}' version {self.version}"

    def to_dict(self) -> dict[str, Any]:
        """The definition stored in the catalog (and served as JSON)."""
        return {
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "online_enabled": self.online_enabled,
            "primary_key": self.primary_key,
            "event_time": self.event_time,
            "partition_key": self.partition_key,
            "foreign_key": self.foreign_key,
            "features": [f.to_dict() for f in self._features],
            "statistics_config": self.statistics_config.to_dict(),
            "expectation_suite": self._suite_dict(),
            "parents": [list(p) for p in self._parent_refs()],
            "transformation_functions": _udfs_to_dicts(self.transformation_functions),
            "time_travel_format": self.time_travel_format,
            "creator": self.creator,
            "deprecated": self.deprecated,
            "type": "featureGroup",
        }

    @classmethod
    def _from_catalog(cls, fs: FeatureStore, obj: Any) -> FeatureGroup:
        b = obj.body
        fg = cls(
            fs,
            b["name"],
            obj.version,
            description=b.get("description", ""),
            online_enabled=b.get("online_enabled", False),
            primary_key=b.get("primary_key"),
            event_time=b.get("event_time"),
            partition_key=b.get("partition_key"),
            foreign_key=b.get("foreign_key"),
            statistics_config=b.get("statistics_config"),
            transformation_functions=_udfs_from_dicts(b.get("transformation_functions", [])),
            time_travel_format=b.get("time_travel_format", "DELTA"),
        )
        fg._features = [fg._own(Feature.from_dict(d)) for d in b.get("features", [])]
        fg._expectation_suite = b.get("expectation_suite")
        fg._parents = [tuple(p) for p in b.get("parents", [])]
        fg.creator = b.get("creator", fg.creator)
        fg.deprecated = b.get("deprecated", False)
        fg.id = obj.id
        fg.created = obj.created
        return fg

    def _parent_refs(self) -> list[tuple[str, str, int]]:
        refs = []
        for p in self._parents:
            if isinstance(p, FeatureGroup):
                refs.append(p._ref)
            elif isinstance(p, tuple | list) and len(p) == 3:
                refs.append((str(p[0]), str(p[1]), int(p[2])))
            else:
                raise InvalidInput("parents must be feature group objects")
        return refs

    def _check_alive(self) -> None:
        if self._deleted:
            raise NotFound(
                f"feature group {self._label()} was deleted; create it again with "
                "fs.create_feature_group(...) before inserting"
            )
        if not self._saved:
            return
        stored = self._catalog.get(*self._ref)
        # gone, or deleted and created again (SQLite may reuse the id, not the creation time)
        if stored is None or (stored.id, stored.created) != (self.id, self.created):
            self._deleted = True
            again = (
                "" if stored is None else " (a new group of that name and version exists: get it)"
            )
            raise NotFound(
                f"feature group {self._label()} was deleted (by another process?){again}; "
                "create it again with fs.create_feature_group(...) or get the current one "
                "with fs.get_feature_group(...)"
            )

    def _stored_twin(self) -> FeatureGroup | None:
        """The stored group of the same name and version, for an unsaved handle
        (``create_feature_group`` of an existing version)."""
        if self.version is None:
            return None
        obj = self._catalog.get(KIND, self.name, int(self.version))
        return None if obj is None else FeatureGroup._from_catalog(self._fs, obj)

    def _persist(self) -> None:
        """Store the definition in the catalog (first insert/save)."""
        if self._expectation_suite is not None:
            from mvps.validation import check_supported

            check_supported(self.expectation_suite)
        obj = self._catalog.create(KIND, self.name, self.version, self.to_dict())
        self.version = obj.version
        self.id = obj.id
        self.created = obj.created
        for ref in self._parent_refs():
            self._catalog.add_link(ref, self._ref, "derived")
        self._catalog.update(*self._ref, self.to_dict())

    def _store_definition(self) -> None:
        if self._saved:
            self._catalog.update(*self._ref, self.to_dict())

    def save(
        self,
        features: Any = None,
        write_options: dict[str, Any] | None = None,
        validation_options: dict[str, Any] | None = None,
        wait: bool = False,
    ) -> tuple[None, Any]:
        """Persist the definition; with ``features`` (a dataframe) insert it too."""
        if features is not None and not isinstance(features, list | tuple):
            return self.insert(
                features, write_options=write_options, validation_options=validation_options
            )
        if features is not None:
            self._features = [self._own(f) for f in features]
        self._check_alive()
        if not self._saved:
            if not self._features:
                raise InvalidInput(
                    f"feature group {self.name!r} has no schema yet: pass features=[Feature(...)] "
                    "or insert a dataframe"
                )
            self._check_keys_in_schema()
            self._persist()
        return None, None

    # ------------------------------------------------------------------ schema

    @property
    def features(self) -> list[Feature]:
        return list(self._features)

    @property
    def schema(self) -> list[Feature]:
        return list(self._features)

    @property
    def arrow_schema(self) -> pa.Schema:
        return arrow_schema(self._features)

    def get_feature(self, name: str) -> Feature:
        n = frames.normalize_name(name)
        for f in self._features:
            if f.name == n:
                return f
        raise InvalidInput(
            f"feature group {self._label()} has no feature {name!r}; its features are "
            f"{[f.name for f in self._features]}"
        )

    def __getitem__(self, name: str) -> Feature:
        return self.get_feature(name)

    def __getattr__(self, name: str) -> Feature:
        if name.startswith("_"):
            raise AttributeError(name)
        feats = self.__dict__.get("_features") or []
        for f in feats:
            if f.name == name:
                return f
        raise AttributeError(f"'FeatureGroup' object has no attribute or feature {name!r}")

    def _check_keys_in_schema(self) -> None:
        bad = [f.name for f in self._features if not frames.is_identifier(f.name)]
        if bad:
            raise InvalidInput(
                f"column name(s) {bad} cannot be used in feature group {self.name!r}: use 1-63 "
                "characters, lower-case letters, digits and underscores, not starting with a "
                "digit (rename the columns, e.g. 'amount_eur')"
            )
        names = {f.name for f in self._features}
        for what, cols in (
            ("primary key", self.primary_key),
            ("partition key", self.partition_key),
            ("event time", [self.event_time] if self.event_time else []),
        ):
            missing = [c for c in cols if c not in names]
            if missing:
                raise InvalidInput(
                    f"{what} column(s) {missing} are not in the data of feature group "
                    f"{self.name!r}; its columns are {sorted(names)}"
                )
        if self.event_time:
            t = self.arrow_schema.field(self.event_time).type
            if not (pa.types.is_timestamp(t) or pa.types.is_date(t) or pa.types.is_integer(t)):
                raise InvalidInput(
                    f"event time column {self.event_time!r} is {frames.hive_type(t)}; it must be a "
                    "timestamp, a date or an integer epoch"
                )

    # ------------------------------------------------------------------ writes

    def _prepare(self, features: Any) -> pa.Table:
        """Dataframe → Arrow table in the group's schema, with every input check."""
        table = frames.normalize_table(frames.to_arrow(features))
        if table.num_rows == 0:
            raise InvalidInput(
                f"the dataframe for feature group {self._label()} is empty; nothing to insert"
            )
        if self.transformation_functions:
            from mvps.transformation import apply_on_demand

            table = apply_on_demand(self.transformation_functions, table)
        if not self._features:
            self._features = [
                self._own(f) for f in infer_features(table, self.primary_key, self.partition_key)
            ]
            try:
                self._check_keys_in_schema()
            except InvalidInput:
                self._features = []
                raise
        else:
            self._check_keys_in_schema()
        table = conform(table, self._features, self._label())
        if not self.primary_key:
            raise InvalidInput(
                f"feature group {self.name!r} has no primary key; pass primary_key=['id'] when creating it"
            )
        for k in self.primary_key:
            nulls = table.column(k).null_count
            if nulls:
                raise InvalidInput(
                    f"primary key column {k!r} has {nulls} null value(s); every row needs a key"
                )
        if self.event_time and table.column(self.event_time).null_count:
            raise InvalidInput(
                f"event time column {self.event_time!r} has "
                f"{table.column(self.event_time).null_count} null value(s); every row needs one"
            )
        key = self._write_key()
        dupes = _duplicates(table, key)
        if dupes:
            raise InvalidInput(
                f"{len(dupes)} rows share a {' + '.join(key)} with another row of this insert "
                f"(e.g. {dupes[:3]}); keep one row per key"
            )
        return table

    def _write_key(self) -> list[str]:
        return self.primary_key + ([self.event_time] if self.event_time else [])

    def insert(
        self,
        features: Any,
        overwrite: bool = False,
        operation: str = "upsert",
        storage: str | None = None,
        write_options: dict[str, Any] | None = None,
        validation_options: dict[str, Any] | None = None,
        wait: bool = False,
        transformation_context: dict[str, Any] | None = None,
        transform: bool = True,
        save_code: bool | None = None,
    ) -> tuple[None, Any]:
        """Write a dataframe (pandas, polars, pyarrow) to the feature group.

        The first insert persists the group and fixes its schema; later inserts are
        checked against it. Rows are upserted on ``primary_key + event_time``
        offline (``operation="insert"`` appends, ``overwrite=True`` replaces all rows)
        and, when online-enabled, the newest row per key is written online
        (``storage="offline"`` or ``"online"`` restricts the write to one store).
        An attached expectation suite validates the data first; with the STRICT
        policy a failed validation writes nothing and raises ``ValidationFailed``.

        Returns ``(None, validation_report)``: writes are synchronous, so there is no
        materialisation job to wait for.
        """
        self._check_alive()
        if storage not in (None, "offline", "online"):
            raise InvalidInput(f"storage must be None, 'offline' or 'online', got {storage!r}")
        if storage == "online" and not self.online_enabled:
            raise InvalidInput(
                f"feature group {self._label()} is not online-enabled; storage='online' needs "
                "online_enabled=True at creation (or insert with storage=None/'offline')"
            )
        if operation not in ("upsert", "insert"):
            raise InvalidInput(f"operation must be 'upsert' or 'insert', got {operation!r}")
        first = not self._saved
        features_before = list(self._features)
        try:
            table = self._prepare(features)
        except Exception:
            if first:
                self._features = features_before
            raise
        report = self._validate_for_insert(table, validation_options or {})
        if first:
            self._persist()
        if report is not None and (validation_options or {}).get("save_report", True):
            self._save_report(report)
        offline = self._project.offline
        if storage != "online":
            with offline.lock(self._table):
                if self.online_enabled:
                    self.sync_online()
                mode = "overwrite" if overwrite else operation
                commit = offline.write(
                    self._table,
                    table,
                    self._write_key(),
                    mode=mode,
                    partition_by=self.partition_key,
                )
                _fault("after_offline_commit")
                if self.online_enabled:
                    if storage == "offline":
                        self._project.online.set_watermark(self._table, commit.version)
                    elif overwrite:
                        self._project.online.drop(self._table)
                        self._rebuild_online(None, commit.version)
                    else:
                        self._project.online.write(
                            self._table,
                            table,
                            self.primary_key,
                            self.event_time,
                            watermark=commit.version,
                        )
            self._after_commit(table, commit)
        else:
            self._project.online.write(self._table, table, self.primary_key, self.event_time)
        return None, report

    def multi_part_insert(self, features: Any = None, **kwargs: Any) -> tuple[None, Any]:
        """Compatibility: inserts at once (mvps writes are synchronous)."""
        if features is None:
            return None, None
        return self.insert(features, **kwargs)

    def finalize_multi_part_insert(self) -> None:
        """Compatibility no-op: ``multi_part_insert`` already wrote the data."""

    def _after_commit(self, table: pa.Table, commit: Any) -> None:
        if self.statistics_config.enabled:
            try:
                self._compute_and_store_statistics(table, commit.version, commit.timestamp)
            except MvpsError:
                raise
            except Exception as exc:  # statistics must never lose a committed write
                warnings.warn(
                    f"statistics were not computed for {self._label()}: {exc}", stacklevel=3
                )

    def commit_delete_record(
        self, delete_df: Any, write_options: dict[str, Any] | None = None
    ) -> None:
        """Delete the rows whose primary key (and event time, when given) match ``delete_df``.

        One commit; the online store drops the deleted keys (or falls back to the
        newest remaining row of a key).
        """
        self._check_alive()
        if not self._saved:
            raise NotFound(f"feature group {self.name!r} has no data yet; nothing to delete")
        table = frames.normalize_table(frames.to_arrow(delete_df))
        if table.num_rows == 0:
            raise InvalidInput("the dataframe of rows to delete is empty")
        cols = [c for c in self._write_key() if c in table.column_names]
        missing = [k for k in self.primary_key if k not in table.column_names]
        if missing:
            raise InvalidInput(f"rows to delete need the primary key column(s) {missing}")
        keys = conform(table.select(cols), [self.get_feature(c) for c in cols], self._label())
        offline = self._project.offline
        with offline.lock(self._table):
            if self.online_enabled:
                self.sync_online()
            commit = offline.delete_keys(self._table, keys)
            _fault("after_offline_commit")
            if self.online_enabled:
                pk = keys.select(self.primary_key)
                self._rebuild_online_keys(pk, commit.version, deleted=pk)

    # ------------------------------------------------------------------ online sync

    def sync_online(self) -> int:
        """Replay offline commits the online store has not applied; return how many.

        Runs automatically before each write and when serving starts; ``mvps sync``
        runs it for every group of a project.
        """
        if not (self.online_enabled and self._saved):
            return 0
        offline, online = self._project.offline, self._project.online
        latest = offline.version(self._table)
        if latest is None:
            return 0
        mark = online.get_watermark(self._table)
        if mark is not None and mark >= latest:
            return 0
        if mark is None:
            self._rebuild_online(None, latest)
            return latest + 1
        changed = offline.changes(self._table, mark + 1, latest)
        deleted = changed.filter(pc.equal(changed.column("_change_type"), "delete"))
        self._rebuild_online_keys(
            changed.select(self.primary_key), latest, deleted=deleted.select(self.primary_key)
        )
        return latest - mark

    def _rebuild_online(self, keys: pa.Table | None, version: int) -> None:
        """Write the newest offline row of each key (all keys when ``keys`` is None)."""
        latest = self._latest_rows(keys)
        self._project.online.write(
            self._table, latest, self.primary_key, self.event_time, watermark=version
        )

    def _rebuild_online_keys(
        self, keys: pa.Table, version: int, deleted: pa.Table | None = None
    ) -> None:
        """Make the online rows of ``keys`` the newest offline rows, up to ``version``.

        ``deleted`` are keys that lost offline rows: their newest remaining row may be
        older than the online one, which a write (newest event time wins) would not
        replace, so they are removed first. Keys without rows left are removed.
        """
        from mvps.online.base import encode_key

        def key_tuples(t: pa.Table) -> set[tuple[Any, ...]]:
            cols = [t.column(k).to_pylist() for k in self.primary_key]
            return {tuple(r) for r in zip(*cols, strict=True)}

        latest = self._latest_rows(keys)
        online = self._project.online
        present = {encode_key(k) for k in key_tuples(latest)}
        gone = [k for k in key_tuples(keys) if encode_key(k) not in present]
        stale = [] if deleted is None else list(key_tuples(deleted))
        remove = {encode_key(k): k for k in gone + stale}
        if remove:
            # no watermark yet: a crash before the write below replays these commits
            online.delete(self._table, list(remove.values()))
        online.write(self._table, latest, self.primary_key, self.event_time, watermark=version)

    def _latest_rows(self, keys: pa.Table | None) -> pa.Table:
        """Newest row per primary key of the current offline snapshot (restricted to keys)."""
        import duckdb

        ds = self._project.offline.dataset(self._table)
        con = duckdb.connect()
        con.register("t", ds)
        cols = ", ".join(_q(f.name) for f in self._features)
        part = ", ".join(_q(k) for k in self.primary_key)
        order = f"ORDER BY {_q(self.event_time)} DESC" if self.event_time else ""
        where = ""
        if keys is not None:
            con.register("k", keys.group_by(self.primary_key).aggregate([]))
            where = f"WHERE ({part}) IN (SELECT ({part}) FROM k)"
        sql = (
            f"SELECT {cols} FROM t {where} "
            f"QUALIFY row_number() OVER (PARTITION BY {part} {order}) = 1"
        )
        out = con.sql(sql).to_arrow_table()
        con.close()
        return self._fill_defaults(out)

    # ------------------------------------------------------------------ reads

    def read(
        self,
        wallclock_time: Any = None,
        online: bool = False,
        dataframe_type: str = "default",
        read_options: dict[str, Any] | None = None,
    ) -> Any:
        """The whole group as a dataframe (pandas by default).

        ``wallclock_time`` reads the table as it was at that time (time travel);
        ``online=True`` reads the online store (newest row per key).
        """
        frames.check_dataframe_type(dataframe_type)
        return frames.from_arrow(self._read_arrow(wallclock_time, online), dataframe_type)

    def _read_arrow(
        self, wallclock_time: Any = None, online: bool = False, version: int | None = None
    ) -> pa.Table:
        self._check_alive()
        if not self._saved:
            stored = self._stored_twin()
            if stored is not None:
                return stored._read_arrow(wallclock_time, online, version)
            raise NotFound(f"feature group {self.name!r} has no data yet; insert a dataframe first")
        if online:
            if not self.online_enabled:
                raise InvalidInput(f"feature group {self._label()} is not online-enabled")
            self.sync_online()
            return self._fill_defaults(self._project.online.scan(self._table, self.arrow_schema))
        offline = self._project.offline
        if offline.version(self._table) is None:
            return self.arrow_schema.empty_table()
        if wallclock_time is not None:
            version = offline.version_at(self._table, to_utc(wallclock_time, "wallclock_time"))
        return self._fill_defaults(offline.read(self._table, version))

    def _fill_defaults(self, table: pa.Table) -> pa.Table:
        """Columns in schema order; features appended later read back their default."""
        cols = []
        for f in self._features:
            t = frames.arrow_type(f.type or "string")
            if f.name in table.column_names:
                col = table.column(f.name)
                if col.type != t:
                    col = col.cast(t)
                if f.default_value is not None and col.null_count:
                    col = pc.fill_null(col, pa.scalar(f.default_value, t))
                cols.append(col)
            else:
                cols.append(pa.array([f.default_value] * table.num_rows, t))
        return pa.table(cols, names=[f.name for f in self._features])

    def show(self, n: int = 10, online: bool = False) -> Any:
        """The first ``n`` rows."""
        return frames.to_pandas(self._read_arrow(online=online).slice(0, n))

    def commit_details(
        self, wallclock_time: Any = None, limit: int | None = None
    ) -> dict[int, dict[str, Any]]:
        """The group's commits, newest first: ``{commit_id: {"committedOn", "rowsInserted",
        "rowsUpdated", "rowsDeleted"}}`` (the Activity view).

        ``wallclock_time`` keeps commits at or before that time; ``limit`` the newest N.
        """
        self._check_alive()
        if not self._saved or self._project.offline.version(self._table) is None:
            return {}
        until = opt_utc(wallclock_time, "wallclock_time")
        out: dict[int, dict[str, Any]] = {}
        for c in self._project.offline.history(self._table):
            if until is not None and c.timestamp > until:
                continue
            out[c.version] = {
                "committedOn": c.timestamp.strftime("%Y%m%d%H%M%S%f")[:-3],
                "committedAt": iso(c.timestamp),
                "operation": c.operation,
                "rowsInserted": c.rows_inserted,
                "rowsUpdated": c.rows_updated,
                "rowsDeleted": c.rows_deleted,
            }
            if limit is not None and len(out) >= limit:
                break
        return out

    def as_of(self, wallclock_time: Any = None, exclude_until: Any = None) -> Query:
        """A query over the group as of ``wallclock_time`` (inclusive); with
        ``exclude_until`` (exclusive) only the rows changed in between."""
        return self.select_all().as_of(wallclock_time, exclude_until)

    def read_changes(
        self, start_wallclock_time: Any, end_wallclock_time: Any, read_options: Any = None
    ) -> Any:
        """Rows inserted or updated after ``start`` up to ``end`` (deprecated alias of
        ``as_of(end, exclude_until=start).read()``)."""
        return self.as_of(end_wallclock_time, exclude_until=start_wallclock_time).read()

    def _changes_between(self, start: datetime, end: datetime | None) -> pa.Table:
        """Newest version of each row inserted/updated in commits after ``start`` up to ``end``."""
        offline = self._project.offline
        commits = offline.history(self._table)
        lo = [c.version for c in commits if c.timestamp <= start]
        start_v = (max(lo) + 1) if lo else 0
        end_v = offline.version_at(self._table, end) if end is not None else commits[0].version
        changes = offline.changes(self._table, start_v, end_v)
        kinds = changes.column("_change_type")
        written = pc.or_(pc.equal(kinds, "insert"), pc.equal(kinds, "update_postimage"))
        rows = changes.filter(pc.or_(written, pc.equal(kinds, "delete")))
        if rows.num_rows:
            # the last change of each row decides: a row deleted after it was written is
            # not part of the group at ``end`` (within one commit, e.g. an overwrite, a
            # write comes after a delete)
            rows = rows.append_column(
                "_deleted", pc.equal(rows.column("_change_type"), "delete")
            ).sort_by([("_commit_version", "descending"), ("_deleted", "ascending")])
            key = self._write_key()
            seen: set[tuple[Any, ...]] = set()
            keep = []
            cols = [rows.column(k).to_pylist() for k in key]
            deleted = rows.column("_deleted").to_pylist()
            for i, k in enumerate(zip(*cols, strict=True)):
                if k not in seen:
                    seen.add(k)
                    if not deleted[i]:
                        keep.append(i)
            rows = rows.take(pa.array(keep, pa.int64())).drop_columns(["_deleted"])
        return self._fill_defaults(
            rows.drop_columns(["_change_type", "_commit_version", "_commit_timestamp"])
        )

    # ------------------------------------------------------------------ queries

    def select_all(
        self,
        include_primary_key: bool = True,
        include_foreign_key: bool = True,
        include_partition_key: bool = True,
        include_event_time: bool = True,
    ) -> Query:
        drop: set[str] = set()
        if not include_primary_key:
            drop |= set(self.primary_key)
        if not include_foreign_key:
            drop |= set(self.foreign_key)
        if not include_partition_key:
            drop |= set(self.partition_key)
        if not include_event_time and self.event_time:
            drop.add(self.event_time)
        return self.select([f.name for f in self._features if f.name not in drop])

    def select(self, features: Sequence[str | Feature]) -> Query:
        from mvps.query import Query

        names = [f.name if isinstance(f, Feature) else frames.normalize_name(f) for f in features]
        for n in names:
            self.get_feature(n)
        return Query(self, names)

    def select_except(self, features: Sequence[str | Feature] | None = None) -> Query:
        drop = {
            f.name if isinstance(f, Feature) else frames.normalize_name(f) for f in (features or [])
        }
        for n in drop:
            self.get_feature(n)
        return self.select([f.name for f in self._features if f.name not in drop])

    def select_features(self) -> Query:
        """All features except primary key, foreign key, partition key and event time."""
        drop = set(self.primary_key) | set(self.foreign_key) | set(self.partition_key)
        if self.event_time:
            drop.add(self.event_time)
        return self.select([f.name for f in self._features if f.name not in drop])

    def filter(self, f: Filter | Logic) -> Query:
        return self.select_all().filter(f)

    # ------------------------------------------------------------------ metadata

    def update_description(self, description: str) -> FeatureGroup:
        self.description = description
        self._store_definition()
        return self

    def update_feature_description(self, feature_name: str, description: str) -> FeatureGroup:
        self.get_feature(feature_name).description = description
        self._store_definition()
        return self

    def update_features(self, features: Feature | Sequence[Feature]) -> FeatureGroup:
        """Update feature metadata (descriptions); types cannot change in place."""
        for new in [features] if isinstance(features, Feature) else features:
            cur = self.get_feature(new.name)
            if new.type and new.type != cur.type:
                raise InvalidInput(
                    f"changing the type of {new.name!r} ({cur.type} -> {new.type}) is a breaking "
                    f"change; create version {self._next_version()} of {self.name!r} instead "
                    "(see FeatureStore.create_new_version)"
                )
            if new.description is not None:
                cur.description = new.description
        self._store_definition()
        return self

    def _next_version(self) -> int:
        return self._catalog.next_version(KIND, self.name)

    def append_features(self, features: Feature | Sequence[Feature]) -> FeatureGroup:
        """Add features (a non-breaking schema change on the same version).

        Rows written before read back ``default_value`` (null when none is given).
        """
        self._check_alive()
        new = [features] if isinstance(features, Feature) else list(features)
        names = {f.name for f in self._features}
        for f in new:
            if f.name in names:
                raise InvalidInput(f"feature {f.name!r} exists already in {self._label()}")
            if not f.type:
                raise InvalidInput(
                    f"appended feature {f.name!r} needs a type, e.g. Feature('{f.name}', type='double')"
                )
            frames.arrow_type(f.type)
            frames.check_identifier(f.name, "feature name")
            typed_default(f)  # a default the rows cannot hold is refused before any change
        fields = [pa.field(f.name, frames.arrow_type(f.type or "string")) for f in new]
        if self._saved:
            offline = self._project.offline
            with offline.lock(self._table):
                offline.add_columns(self._table, fields)
        self._features.extend(self._own(f) for f in new)
        self._store_definition()
        return self

    def update_deprecated(self, deprecate: bool = True) -> FeatureGroup:
        self.deprecated = bool(deprecate)
        self._store_definition()
        return self

    def update_statistics_config(self) -> FeatureGroup:
        self._store_definition()
        return self

    def delete(self) -> None:
        """Drop this version: definition, offline table and online rows."""
        if self._saved:
            self._project.offline.drop(self._table)
            if self.online_enabled:
                self._project.online.drop(self._table)
            self._catalog.delete(*self._ref)
        self._deleted = True

    # ------------------------------------------------------------------ statistics

    def _compute_and_store_statistics(self, table: pa.Table, version: int, when: datetime) -> None:
        from mvps.statistics import compute_statistics

        # statistics describe the whole group as of this commit (what the UI shows)
        snapshot = self._fill_defaults(self._project.offline.read(self._table, version))
        stats = compute_statistics(snapshot, self.statistics_config)
        stats.commit_version = version
        stats.window_end_commit_time = when
        self._catalog.add_record("statistics", self._ref, stats.to_dict())

    def compute_statistics(self, wallclock_time: Any = None) -> Any:
        """Compute statistics over the whole group (as of ``wallclock_time``) and store them."""
        from dataclasses import replace

        from mvps.statistics import compute_statistics

        table = self._read_arrow(wallclock_time)
        # an explicit call computes even when automatic statistics are disabled
        stats = compute_statistics(table, replace(self.statistics_config, enabled=True))
        offline = self._project.offline
        stats.commit_version = (
            offline.version_at(self._table, to_utc(wallclock_time))
            if wallclock_time
            else offline.version(self._table)
        )
        self._catalog.add_record("statistics", self._ref, stats.to_dict())
        return stats

    def get_statistics(
        self, computation_time: Any = None, feature_names: Sequence[str] | None = None
    ) -> Any:
        """The newest statistics (at or before ``computation_time`` when given)."""
        from mvps.statistics import Statistics

        until = opt_utc(computation_time, "computation_time")
        recs = self._catalog.records(
            "statistics",
            self._ref,
            limit=1,
            until=None if until is None else until.timestamp() + 1e-6,
        )
        if not recs:
            return None
        stats = Statistics.from_dict(recs[0].body)
        if feature_names:
            wanted = {frames.normalize_name(n) for n in feature_names}
            stats.feature_descriptive_statistics = [
                s for s in stats.feature_descriptive_statistics if s.feature_name in wanted
            ]
        return stats

    def get_all_statistics(
        self, computation_time: Any = None, feature_names: Sequence[str] | None = None
    ) -> list[Any]:
        from mvps.statistics import Statistics

        return [
            Statistics.from_dict(r.body) for r in self._catalog.records("statistics", self._ref)
        ]

    @property
    def statistics(self) -> Any:
        return self.get_statistics()

    # ------------------------------------------------------------------ validation

    @property
    def expectation_suite(self) -> Any:
        from mvps.validation import as_suite

        if self._expectation_suite is None:
            return None
        suite = as_suite(self._expectation_suite)
        suite._on_change = self._suite_changed
        return suite

    @expectation_suite.setter
    def expectation_suite(self, suite: Any) -> None:
        self._expectation_suite = suite

    def _suite_dict(self) -> dict[str, Any] | None:
        if self._expectation_suite is None:
            return None
        from mvps.validation import as_suite

        return as_suite(self._expectation_suite).to_dict()

    def _suite_changed(self, suite: Any) -> None:
        self._expectation_suite = suite.to_dict()
        self._store_definition()

    def save_expectation_suite(
        self,
        expectation_suite: Any,
        run_validation: bool = True,
        validation_ingestion_policy: str = "always",
        overwrite: bool = False,
    ) -> Any:
        """Attach (or replace, with ``overwrite=True``) the group's expectation suite."""
        from mvps.validation import as_suite, check_supported

        if self._expectation_suite is not None and not overwrite:
            raise InvalidInput(
                f"feature group {self._label()} has an expectation suite already; pass "
                "overwrite=True to replace it"
            )
        suite = as_suite(expectation_suite)
        suite.run_validation = run_validation
        suite.validation_ingestion_policy = validation_ingestion_policy.upper()
        check_supported(suite)
        self._expectation_suite = suite.to_dict()
        self._store_definition()
        return self.expectation_suite

    def get_expectation_suite(self, ge_type: bool = False) -> Any:
        suite = self.expectation_suite
        if suite is not None and ge_type:
            return suite.to_ge_type()
        return suite

    def delete_expectation_suite(self) -> None:
        self._expectation_suite = None
        self._store_definition()

    def validate(
        self,
        dataframe: Any = None,
        expectation_suite: Any = None,
        save_report: bool = False,
        validation_options: dict[str, Any] | None = None,
        ingestion_result: str = "UNKNOWN",
        ge_type: bool = False,
    ) -> Any:
        """Validate a dataframe (default: the group's data) without ingesting it."""
        from mvps.validation import as_suite, validate

        suite = (
            as_suite(expectation_suite) if expectation_suite is not None else self.expectation_suite
        )
        if suite is None:
            raise InvalidInput(f"feature group {self._label()} has no expectation suite; pass one")
        table = (
            self._read_arrow()
            if dataframe is None
            else frames.normalize_table(frames.to_arrow(dataframe))
        )
        report = validate(table, suite)
        report.ingestion_result = ingestion_result.upper()
        if save_report:
            self._save_report(report)
        return report.to_ge_type() if ge_type else report

    def _validate_for_insert(self, table: pa.Table, options: dict[str, Any]) -> Any:
        """Validate before anything is written. STRICT failures store the report and raise."""
        if self._expectation_suite is None:
            return None
        from mvps.errors import ValidationFailed
        from mvps.validation import failed_expectations_message, validate

        suite = self.expectation_suite
        if suite is None or not options.get("run_validation", suite.run_validation):
            return None
        report = validate(table, suite)
        strict = str(suite.validation_ingestion_policy).upper() == "STRICT"
        rejected = strict and not report.success
        report.ingestion_result = "REJECTED" if rejected else "INGESTED"
        if rejected:
            if options.get("save_report", True):
                self._save_report(report)
            raise ValidationFailed(
                f"Data validation failed while the ingestion policy is STRICT; nothing was "
                f"written to feature group {self._label()}. {failed_expectations_message(report)}",
                report,
            )
        return report

    def _save_report(self, report: Any) -> None:
        if not self._saved:
            self._persist()
        self._catalog.add_record("validation_report", self._ref, report.to_dict())

    def save_validation_report(
        self, validation_report: Any, ingestion_result: str = "UNKNOWN", ge_type: bool = False
    ) -> Any:
        from mvps.validation import as_report

        report = as_report(validation_report)
        report.ingestion_result = ingestion_result.upper()
        self._save_report(report)
        return report

    def get_latest_validation_report(self, ge_type: bool = False) -> Any:
        reports = self.get_all_validation_reports(ge_type=ge_type, _limit=1)
        return reports[0] if reports else None

    def get_all_validation_reports(
        self, ge_type: bool = False, _limit: int | None = None
    ) -> list[Any]:
        from mvps.validation import ValidationReport

        out = []
        for r in self._catalog.records("validation_report", self._ref, limit=_limit):
            rep = ValidationReport.from_dict(r.body)
            out.append(rep.to_ge_type() if ge_type else rep)
        return out

    def get_validation_history(
        self,
        expectation_id: int,
        start_validation_time: Any = None,
        end_validation_time: Any = None,
        filter_by: Sequence[str] | None = None,
        ge_type: bool = False,
    ) -> list[Any]:
        """Results of one expectation across stored reports, newest first."""
        start = opt_utc(start_validation_time, "start_validation_time")
        end = opt_utc(end_validation_time, "end_validation_time")
        wanted = {s.upper() for s in filter_by} if filter_by else None
        out = []
        for rep in self.get_all_validation_reports():
            if wanted and rep.ingestion_result.upper() not in wanted:
                continue
            t = to_utc(rep.validation_time, "validation_time") if rep.validation_time else None
            if t is not None and ((start and t < start) or (end and t >= end)):
                continue
            res = rep.get_result(expectation_id)
            if res is not None:
                out.append(res.to_ge_type() if ge_type else res)
        return out

    # ------------------------------------------------------------------ lineage

    def get_parent_feature_groups(self) -> Any:
        from mvps.lineage import links_to

        return links_to(self._fs, self._ref, {"feature_group"})

    def get_generated_feature_groups(self) -> Any:
        from mvps.lineage import links_from

        return links_from(self._fs, self._ref, {"feature_group"})

    def get_generated_feature_views(self) -> Any:
        from mvps.lineage import links_from

        return links_from(self._fs, self._ref, {"feature_view"})

    @property
    def parents(self) -> list[Any]:
        return list(self._parents)

    # ------------------------------------------------------------------ misc

    @property
    def location(self) -> str:
        return self._project.offline.uri(self._table)

    @property
    def materialization_job(self) -> None:
        return None

    def get_complex_features(self) -> list[str]:
        return [
            f.name for f in self._features if (f.type or "").startswith(("array", "struct", "map"))
        ]

    def json(self) -> str:
        import json

        return json.dumps(self.to_dict(), default=str)

    def __repr__(self) -> str:
        return f"FeatureGroup({self.name!r}, {self.version}, {[f.name for f in self._features]})"


def _udfs_to_dicts(udfs: Sequence[Any]) -> list[dict[str, Any]]:
    if not udfs:
        return []
    from mvps.transformation import udf_to_dict

    return [udf_to_dict(t) for t in udfs]


def _udfs_from_dicts(items: Sequence[dict[str, Any]]) -> list[Any]:
    if not items:
        return []
    from mvps.transformation import udf_from_dict

    return [udf_from_dict(t) for t in items]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _duplicates(table: pa.Table, key: Sequence[str]) -> list[tuple[Any, ...]]:
    """Key values that occur more than once in ``table``."""
    counts = table.group_by(list(key)).aggregate([([], "count_all")])
    dup = counts.filter(pc.greater(counts.column("count_all"), 1))
    if dup.num_rows == 0:
        return []
    cols = [dup.column(k).to_pylist() for k in key]
    return [tuple(r) for r in zip(*cols, strict=True)][:10]
