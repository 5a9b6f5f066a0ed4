"""Queries: feature selections from feature groups, joined point-in-time correctly.

A :class:`Query` selects features of a left (observation) feature group and joins
other queries to it. It compiles to one DuckDB statement over the feature groups'
Delta tables at pinned versions; that one compiler serves ``Query.read()``, training
data, batch data and ``to_string()``.

Point-in-time semantics: when the left group and a joined group both have an event
time, each left row gets the joined group's newest row whose event time is at or
before the left row's event time (a DuckDB ASOF join). Joins of nested queries
(snowflake schemas) take their keys from the query they are joined to and their time
from the left-most group, the observation time. Ties never duplicate left rows
(Hopsworks' RANK-based join does; mvps returns exactly one row per left row for
``left`` joins).

Filters compile with bound parameters. A filter on the root query applies to the joined
result; a filter attached to a joined sub-query restricts that group before the join.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from mvps import frames
from mvps.errors import InvalidInput
from mvps.feature import Feature, Filter, Logic, compile_filter
from mvps.timeutil import opt_utc

if TYPE_CHECKING:
    from mvps.feature_group import FeatureGroup

JOIN_TYPES = {
    "inner": "INNER",
    "left": "LEFT",
    "right": "RIGHT",
    "full": "FULL",
    "outer": "FULL",
    "cross": "CROSS",
    "left_semi_join": "SEMI",
    "comma": "CROSS",
}


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass
class Join:
    """One join of a sub-query to a query."""

    query: Query
    on: list[str]
    left_on: list[str]
    right_on: list[str]
    join_type: str
    prefix: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query.to_dict(),
            "on": self.on,
            "left_on": self.left_on,
            "right_on": self.right_on,
            "join_type": self.join_type,
            "prefix": self.prefix,
        }


@dataclass
class OutputColumn:
    """A column of a query's result: where it comes from and what it is called."""

    name: str
    alias: str  # SQL alias of the feature group it comes from (fg0, fg1, ...)
    feature: str  # feature name in its group
    feature_group: FeatureGroup
    type: str | None


@dataclass
class Compiled:
    """A compiled query: SQL text, bound parameters, and the relations it reads."""

    sql: str
    params: list[Any]
    columns: list[OutputColumn]
    sources: dict[str, Any]  # relation name -> pyarrow Table/Dataset, or None for a SQL source
    source_sql: dict[str, str]  # relation name -> SQL (e.g. read_parquet([...]))
    versions: dict[str, int | None]  # "<fg>_<version>" -> Delta version read
    aliases: dict[str, FeatureGroup] = field(default_factory=dict)


class Query:
    """A selection of features from feature groups (see the module docstring)."""

    def __init__(self, left_feature_group: FeatureGroup, left_features: Sequence[str]) -> None:
        self._left_feature_group = left_feature_group
        self._left_features = list(left_features)
        self._joins: list[Join] = []
        self._filter: Filter | Logic | None = None
        self._as_of: datetime | None = None
        self._exclude_until: datetime | None = None

    # ------------------------------------------------------------------ building

    def join(
        self,
        sub_query: Query,
        on: Sequence[str] | None = None,
        left_on: Sequence[str] | None = None,
        right_on: Sequence[str] | None = None,
        join_type: str = "left",
        prefix: str | None = None,
    ) -> Query:
        """Join ``sub_query`` to this query (in place; returns the query).

        Keys: ``on`` (same names on both sides) or ``left_on``/``right_on``; by default
        the maximal matching subset of the two groups' primary keys (or, failing that,
        the right group's primary key when the left group has those columns).
        """
        if not isinstance(sub_query, Query):
            raise InvalidInput(
                f"join() takes a Query (e.g. fg.select_all()), got {type(sub_query).__name__}"
            )
        jt = str(join_type).lower()
        if jt not in JOIN_TYPES:
            raise InvalidInput(f"unknown join_type {join_type!r}; use one of {sorted(JOIN_TYPES)}")
        left, right = self._left_feature_group, sub_query._left_feature_group
        on_l = [frames.normalize_name(k) for k in (on or [])]
        lo = [frames.normalize_name(k) for k in (left_on or [])]
        ro = [frames.normalize_name(k) for k in (right_on or [])]
        if on_l and (lo or ro):
            raise InvalidInput("pass either on=... or left_on=/right_on=, not both")
        if bool(lo) != bool(ro) or len(lo) != len(ro):
            raise InvalidInput("left_on and right_on must be given together with the same length")
        if jt != "cross" and jt != "comma" and not on_l and not lo:
            common = [k for k in right.primary_key if k in left.primary_key]
            if not common:
                left_names = {f.name for f in left.features}
                if right.primary_key and all(k in left_names for k in right.primary_key):
                    common = list(right.primary_key)
            if not common:
                raise InvalidInput(
                    f"feature groups {left.name!r} (primary key {left.primary_key}) and "
                    f"{right.name!r} (primary key {right.primary_key}) have no common key; "
                    "pass on=[...] or left_on=[...], right_on=[...]"
                )
            on_l = common
        lk, rk = (on_l, on_l) if on_l else (lo, ro)
        for lname, rname in zip(lk, rk, strict=True):
            lf = _feature(left, lname, "left join key")
            rf = _feature(right, rname, "right join key")
            if _key_family(lf.type) != _key_family(rf.type):
                raise InvalidInput(
                    f"join keys have different types: {left.name}.{lname} is {lf.type}, "
                    f"{right.name}.{rname} is {rf.type}; cast one of them in its feature pipeline"
                )
        self._joins.append(Join(sub_query, on_l, lo, ro, jt, prefix))
        return self

    def filter(self, f: Filter | Logic) -> Query:
        """Add a filter (combined with AND with existing ones; in place; returns the query)."""
        if not isinstance(f, Filter | Logic):
            raise InvalidInput(
                f"filter() takes a Filter such as fg.amount > 10, got {type(f).__name__}"
            )
        self._filter = f if self._filter is None else Logic.And(self._filter, f)
        return self

    def as_of(self, wallclock_time: Any = None, exclude_until: Any = None) -> Query:
        """Read every group as of ``wallclock_time`` (inclusive); with ``exclude_until``
        (exclusive) only rows changed in between. Sub-queries with their own ``as_of``
        keep it. In place; returns the query."""
        self._as_of = opt_utc(wallclock_time, "wallclock_time")
        self._exclude_until = opt_utc(exclude_until, "exclude_until")
        if self._as_of and self._exclude_until and self._exclude_until >= self._as_of:
            raise InvalidInput("exclude_until must be before wallclock_time")
        return self

    def pull_changes(self, wallclock_start_time: Any, wallclock_end_time: Any) -> Query:
        """Deprecated: ``as_of(end, exclude_until=start)``."""
        return self.as_of(wallclock_end_time, wallclock_start_time)

    def append_feature(self, feature: str | Feature) -> Query:
        name = feature.name if isinstance(feature, Feature) else frames.normalize_name(feature)
        _feature(self._left_feature_group, name, "feature")
        self._left_features.append(name)
        return self

    # ------------------------------------------------------------------ introspection

    @property
    def left_feature_group(self) -> FeatureGroup:
        return self._left_feature_group

    @property
    def joins(self) -> list[Join]:
        return list(self._joins)

    @property
    def filters(self) -> Filter | Logic | None:
        return self._filter

    @property
    def featuregroups(self) -> list[FeatureGroup]:
        out = [self._left_feature_group]
        for j in self._joins:
            out.extend(j.query.featuregroups)
        return out

    @property
    def features(self) -> list[Feature]:
        return [
            Feature(c.name, type=c.type, feature_group=c.feature_group)
            for c in self._output_columns(_Aliases(self))
        ]

    def get_feature(self, name: str) -> Feature:
        n = frames.normalize_name(name)
        for f in self.features:
            if f.name == n:
                return f
        raise InvalidInput(
            f"the query has no feature {name!r}; it has {[f.name for f in self.features]}"
        )

    def is_time_travel(self) -> bool:
        return self._as_of is not None or any(j.query.is_time_travel() for j in self._joins)

    def is_cache_feature_group_only(self) -> bool:
        return True

    def get_ambiguous_features(self) -> dict[str, set[str]]:
        seen: dict[str, set[str]] = {}
        for fg, names in self._walk_selected():
            for n in names:
                seen.setdefault(n, set()).add(fg.name)
        return {n: fgs for n, fgs in seen.items() if len(fgs) > 1}

    def _walk_selected(self) -> list[tuple[FeatureGroup, list[str]]]:
        out = [(self._left_feature_group, list(self._left_features))]
        for j in self._joins:
            out.extend(j.query._walk_selected())
        return out

    def is_point_in_time(self) -> bool:
        """Whether at least one join is point-in-time (both sides have an event time)."""
        root_et = self._left_feature_group.event_time
        return bool(root_et) and any(fg.event_time for fg in self.featuregroups[1:])

    # ------------------------------------------------------------------ reading

    def read(
        self,
        online: bool = False,
        dataframe_type: str = "default",
        read_options: dict[str, Any] | None = None,
    ) -> Any:
        """Run the query; the result in ``dataframe_type`` (pandas by default).

        ``online=True`` joins the online stores' latest rows (no point-in-time).
        """
        frames.check_dataframe_type(dataframe_type)
        table = self._execute(online=online)
        return frames.from_arrow(table, dataframe_type)

    def show(self, n: int, online: bool = False) -> Any:
        return frames.to_pandas(self._execute(online=online, limit=n))

    def to_string(self, online: bool = False, arrow_flight: bool = False) -> str:
        """The SQL this query runs (DuckDB dialect; parameters shown inline)."""
        c = self.compile(online=online, resolve_sources=False)
        return _inline(c.sql, c.params)

    def _execute(self, online: bool = False, limit: int | None = None, **kw: Any) -> pa.Table:
        c = self.compile(online=online, limit=limit, **kw)
        return run(c)

    def compile(
        self,
        online: bool = False,
        versions: dict[str, int | None] | None = None,
        start_time: datetime | None = None,
        end_time: datetime | None = None,
        extra_filter: Filter | Logic | None = None,
        extra_columns: Sequence[str] = (),
        order: bool = False,
        limit: int | None = None,
        resolve_sources: bool = True,
        spine: pa.Table | None = None,
    ) -> Compiled:
        """Compile to SQL. See :class:`_Compiler` for the options."""
        return _Compiler(
            self,
            online,
            versions,
            start_time,
            end_time,
            extra_filter,
            extra_columns,
            order,
            limit,
            resolve_sources,
            spine,
        ).compile()

    def _output_columns(self, aliases: _Aliases) -> list[OutputColumn]:
        cols: list[OutputColumn] = []
        self._collect(aliases, cols, taken=set(), prefix=None, drop=set())
        return cols

    def _collect(
        self,
        aliases: _Aliases,
        cols: list[OutputColumn],
        taken: set[str],
        prefix: str | None,
        drop: set[str],
    ) -> None:
        fg = self._left_feature_group
        alias = aliases.of(self)
        auto = None
        for n in self._left_features:
            if n in drop:
                continue
            out = f"{prefix}{n}" if prefix else n
            if out in taken and not prefix:
                auto = auto or f"{fg.name}_"
                out = f"{auto}{n}"
            if out in taken:
                raise InvalidInput(
                    f"feature name {out!r} occurs twice in the query; pass prefix=... to join()"
                )
            taken.add(out)
            cols.append(OutputColumn(out, alias, n, fg, fg.get_feature(n).type))
        for j in self._joins:
            if j.join_type == "left_semi_join":
                continue  # a semi join only filters the left rows
            # the right side's copy of an equally named join key is not repeated
            same = (
                set(j.on)
                if j.on
                else {r for l_, r in zip(j.left_on, j.right_on, strict=True) if l_ == r}
            )
            left_sel = set(self._left_features)
            j.query._collect(aliases, cols, taken, j.prefix, {k for k in same if k in left_sel})

    def __copy__(self) -> Query:
        q = Query(self._left_feature_group, self._left_features)
        q._joins = [copy.copy(j) for j in self._joins]
        q._filter = self._filter
        q._as_of, q._exclude_until = self._as_of, self._exclude_until
        return q

    # ------------------------------------------------------------------ persistence

    def to_dict(self) -> dict[str, Any]:
        from mvps.timeutil import iso

        return {
            "left_feature_group": [self._left_feature_group.name, self._left_feature_group.version],
            "left_features": self._left_features,
            "joins": [j.to_dict() for j in self._joins],
            "filter": self._filter.to_dict() if self._filter is not None else None,
            "as_of": iso(self._as_of),
            "exclude_until": iso(self._exclude_until),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any], fs: Any) -> Query:
        from mvps.timeutil import from_iso

        name, version = d["left_feature_group"]
        fg = fs.get_feature_group(name, version)
        q = cls(fg, d["left_features"])
        for jd in d.get("joins", []):
            sub = cls.from_dict(jd["query"], fs)
            q._joins.append(
                Join(
                    sub, jd["on"], jd["left_on"], jd["right_on"], jd["join_type"], jd.get("prefix")
                )
            )
        if d.get("filter"):
            q._filter = filter_from_dict(d["filter"], q)
        q._as_of = from_iso(d.get("as_of"))
        q._exclude_until = from_iso(d.get("exclude_until"))
        return q

    def __repr__(self) -> str:
        return f"Query({self._left_feature_group.name}, joins={len(self._joins)})"

    def __str__(self) -> str:
        return self.to_string()


def filter_from_dict(d: dict[str, Any], query: Query) -> Filter | Logic:
    """Rebuild a stored filter tree against the feature groups of ``query``."""
    if d["type"] == "logic":
        left = filter_from_dict(d["left"], query) if d.get("left") else None
        right = filter_from_dict(d["right"], query) if d.get("right") else None
        return Logic(d["op"], left, right)
    fg = None
    if d.get("fg"):
        for g in query.featuregroups:
            if [g.name, g.version] == list(d["fg"]):
                fg = g
                break
    feat = fg.get_feature(d["feature"]) if fg is not None else Feature(d["feature"])
    value = d["value"]
    if isinstance(value, dict) and "__datetime__" in value:
        from mvps.timeutil import from_iso

        value = from_iso(value["__datetime__"])
    elif isinstance(value, dict) and "__feature__" in value:
        value = Feature(value["__feature__"])
    return Filter(feat, d["condition"], value)


def _feature(fg: FeatureGroup, name: str, what: str) -> Feature:
    for f in fg.features:
        if f.name == name:
            return f
    raise InvalidInput(
        f"{what} {name!r} is not a feature of {fg.name!r}; its features are {[f.name for f in fg.features]}"
    )


def _key_family(t: str | None) -> str:
    t = (t or "").lower()
    if t in ("int", "bigint", "tinyint", "smallint"):
        return "int"
    if t in ("float", "double") or t.startswith("decimal"):
        return "float"
    if t in ("timestamp", "date"):
        return "time"
    return t


class _Aliases:
    """Stable SQL aliases (fg0, fg1, ...) for the queries of a tree, in pre-order."""

    def __init__(self, root: Query) -> None:
        self._ids: dict[int, str] = {}
        self.queries: list[Query] = []
        self._walk(root)

    def _walk(self, q: Query) -> None:
        self._ids[id(q)] = f"fg{len(self._ids)}"
        self.queries.append(q)
        for j in q._joins:
            self._walk(j.query)

    def of(self, q: Query) -> str:
        return self._ids[id(q)]


class _Compiler:
    """Builds the SQL of a query.

    * ``versions``: Delta version per table (``"<fg>_<version>"``) to read; missing
      ones are resolved (latest, or the ``as_of`` time) and reported in
      ``Compiled.versions`` so callers can pin them.
    * ``start_time``/``end_time``: ``[start, end)`` on the left group's event time.
    * ``extra_filter``: ANDed to the root filter.
    * ``extra_columns``: ``"fg0.<feature>"`` style columns added after the output
      columns under their plain names (keys and event times for training data).
    * ``order``: sort by the left group's primary key and event time (deterministic
      row order for splits).
    * ``spine``: an Arrow table replacing the left group's rows.
    """

    def __init__(
        self,
        query: Query,
        online: bool,
        versions: dict[str, int | None] | None,
        start: datetime | None,
        end: datetime | None,
        extra_filter: Filter | Logic | None,
        extra_columns: Sequence[str],
        order: bool,
        limit: int | None,
        resolve_sources: bool,
        spine: pa.Table | None,
    ) -> None:
        self.q = query
        self.online = online
        self.versions_in = dict(versions or {})
        self.start, self.end = start, end
        self.extra_filter = extra_filter
        self.extra_columns = list(extra_columns)
        self.order = order
        self.limit = limit
        self.resolve = resolve_sources
        self.spine = spine
        self.aliases = _Aliases(query)
        self.params: list[Any] = []
        self.sources: dict[str, Any] = {}
        self.source_sql: dict[str, str] = {}
        self.versions: dict[str, int | None] = {}

    def compile(self) -> Compiled:
        cols = self.q._output_columns(self.aliases)
        select = [f"{c.alias}.{_q(c.feature)} AS {_q(c.name)}" for c in cols]
        names = {c.name for c in cols}
        for extra in self.extra_columns:
            alias, _, feat = extra.partition(".")
            if feat in names:
                continue
            select.append(f"{alias}.{_q(feat)} AS {_q(feat)}")
            names.add(feat)
        root = self.q._left_feature_group
        from_sql = self._relation(self.q, None)
        parts = [f"SELECT {', '.join(select)}", f"FROM {from_sql} AS fg0"]
        parts += self._joins(self.q)
        where: list[str] = []
        if self.start is not None or self.end is not None:
            if not root.event_time:
                raise InvalidInput(
                    f"a time range needs an event time on the left feature group {root.name!r}"
                )
            et = f"fg0.{_q(root.event_time)}"
            if self.start is not None:
                where.append(f"{et} >= ?")
                self.params.append(self._time_param(root, self.start))
            if self.end is not None:
                where.append(f"{et} < ?")
                self.params.append(self._time_param(root, self.end))
        for f in (self.q._filter, self.extra_filter):
            if f is not None:
                cf = compile_filter(f, self._column_resolver(self.q, cols))
                where.append(cf.sql)
                self.params.extend(cf.params)
        if where:
            parts.append("WHERE " + " AND ".join(where))
        if self.order:
            keys = list(root.primary_key) + ([root.event_time] if root.event_time else [])
            if keys:
                parts.append("ORDER BY " + ", ".join(f"fg0.{_q(k)}" for k in keys))
        if self.limit is not None:
            parts.append(f"LIMIT {int(self.limit)}")
        by_alias = {self.aliases.of(q): q._left_feature_group for q in self.aliases.queries}
        return Compiled(
            "\n".join(parts),
            self.params,
            cols,
            self.sources,
            self.source_sql,
            self.versions,
            by_alias,
        )

    @staticmethod
    def _time_param(fg: FeatureGroup, t: datetime) -> Any:
        typ = (fg.get_feature(fg.event_time or "").type or "").lower()
        if typ == "date":
            return t.date()
        if typ in ("int", "bigint"):
            return int(t.timestamp() * (1000 if _epoch_ms(fg) else 1))
        return t

    # relations -----------------------------------------------------------

    def _relation(
        self, q: Query, parent_as_of: tuple[datetime | None, datetime | None] | None
    ) -> str:
        """The FROM item for a query's left feature group (with sub-query filters)."""
        fg = q._left_feature_group
        alias = self.aliases.of(q)
        as_of = (q._as_of, q._exclude_until) if q._as_of or q._exclude_until else parent_as_of
        name = self._source(fg, alias, as_of, is_root=q is self.q)
        if q is not self.q and q._filter is not None:
            cf = compile_filter(q._filter, lambda f: self._own_column(fg, f))
            self.params.extend(cf.params)
            return f"(SELECT * FROM {name} WHERE {cf.sql})"
        return name

    def _source(self, fg: FeatureGroup, alias: str, as_of: Any, is_root: bool) -> str:
        table = f"{fg.name}_{fg.version}"
        rel = f"{alias}_src"
        if not self.resolve:
            return _q(table)
        if is_root and self.spine is not None:
            self.sources[rel] = self.spine
            return rel
        if self.online:
            if not fg.online_enabled:
                raise InvalidInput(
                    f"feature group {fg.name!r} is not online-enabled, so the query cannot read "
                    "the online store; read it offline (online=False)"
                )
            fg.sync_online()
            self.sources[rel] = fg._fill_defaults(
                fg._project.online.scan(fg._table, fg.arrow_schema)
            )
            return rel
        offline = fg._project.offline
        wall, excl = as_of if as_of else (None, None)
        if excl is not None:
            self.sources[rel] = fg._changes_between(excl, wall)
            self.versions[table] = None
            return rel
        if table in self.versions_in:
            version = self.versions_in[table]
        elif wall is not None and offline.version(table) is not None:
            version = offline.version_at(table, wall)
        elif wall is not None:
            version = None  # no data yet: an empty table, as fg.read(wallclock_time=...) gives
        else:
            version = offline.version(table)
        self.versions[table] = version
        if version is None:
            self.sources[rel] = fg.arrow_schema.empty_table()
            return rel
        appended = [f for f in fg.features if f.default_value is not None]
        if offline.local and not fg.partition_key and not appended:
            files = offline.files(table, version)
            if not files:
                self.sources[rel] = fg.arrow_schema.empty_table()
                return rel
            cols = ", ".join(_q(f.name) for f in fg.features)
            file_list = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
            self.source_sql[rel] = (
                f"SELECT {cols} FROM read_parquet([{file_list}], union_by_name = true)"
            )
            return rel
        self.sources[rel] = fg._fill_defaults(offline.read(table, version))
        return rel

    # joins ---------------------------------------------------------------

    def _joins(self, q: Query) -> list[str]:
        out: list[str] = []
        root = self.q._left_feature_group
        left_alias = self.aliases.of(q)
        as_of = (
            (q._as_of, q._exclude_until)
            if (q._as_of or q._exclude_until)
            else (
                (self.q._as_of, self.q._exclude_until)
                if (self.q._as_of or self.q._exclude_until)
                else None
            )
        )
        for j in q._joins:
            right_q = j.query
            right = right_q._left_feature_group
            alias = self.aliases.of(right_q)
            rel = self._relation(right_q, as_of)
            lk, rk = (j.on, j.on) if j.on else (j.left_on, j.right_on)
            conds = [f"{left_alias}.{_q(a)} = {alias}.{_q(b)}" for a, b in zip(lk, rk, strict=True)]
            kind = JOIN_TYPES[j.join_type]
            pit = bool(root.event_time and right.event_time and kind in ("LEFT", "INNER"))
            if pit and self.online:
                pit = False
            if pit:
                rel = self._dedup_for_asof(rel, right, rk)
                cond = " AND ".join(
                    [
                        *conds,
                        f"fg0.{_q(root.event_time or '')} >= {alias}.{_q(right.event_time or '')}",
                    ]
                )
                out.append(f"ASOF {kind} JOIN {rel} AS {alias} ON {cond}")
            elif kind == "CROSS":
                out.append(f"CROSS JOIN {rel} AS {alias}")
            else:
                out.append(f"{kind} JOIN {rel} AS {alias} ON {' AND '.join(conds)}")
            out.extend(self._joins(right_q))
        return out

    def _dedup_for_asof(self, rel: str, fg: FeatureGroup, keys: Sequence[str]) -> str:
        """When the join key is not the whole primary key, several right rows may share
        a key and event time; keep one (the smallest primary key) so no left row is
        duplicated or matched arbitrarily."""
        if set(fg.primary_key) <= set(keys):
            return rel
        part = ", ".join(_q(k) for k in [*keys, fg.event_time or ""])
        order = ", ".join(_q(k) for k in fg.primary_key)
        return f"(SELECT * FROM {rel} QUALIFY row_number() OVER (PARTITION BY {part} ORDER BY {order}) = 1)"

    # filters -------------------------------------------------------------

    def _column_resolver(self, q: Query, cols: list[OutputColumn]) -> Any:
        by_fg: dict[tuple[str, Any], str] = {}
        for sub in self.aliases.queries:
            fg = sub._left_feature_group
            by_fg.setdefault((fg.name, fg.version), self.aliases.of(sub))

        def resolve(f: Feature) -> str:
            fg = f._feature_group
            if fg is not None and (fg.name, fg.version) in by_fg:
                _feature(fg, f.name, "filter feature")
                return f"{by_fg[(fg.name, fg.version)]}.{_q(f.name)}"
            matches = [c for c in cols if c.name == f.name]
            if len(matches) == 1:
                return f"{matches[0].alias}.{_q(matches[0].feature)}"
            owners = [
                self.aliases.of(s)
                for s in self.aliases.queries
                if any(x.name == f.name for x in s._left_feature_group.features)
            ]
            if len(owners) == 1:
                return f"{owners[0]}.{_q(f.name)}"
            if not owners and not matches:
                raise InvalidInput(
                    f"filter on unknown feature {f.name!r}; the query's features are "
                    f"{[c.name for c in cols]}"
                )
            raise InvalidInput(
                f"filter feature {f.name!r} is ambiguous; use the feature of its group, e.g. fg.{f.name}"
            )

        return resolve

    def _own_column(self, fg: FeatureGroup, f: Feature) -> str:
        if f._feature_group is not None and (f._feature_group.name, f._feature_group.version) != (
            fg.name,
            fg.version,
        ):
            raise InvalidInput(
                f"a filter on a joined query can only use that group's features; "
                f"{f.name!r} belongs to {f._feature_group.name!r}"
            )
        _feature(fg, f.name, "filter feature")
        return _q(f.name)


def _epoch_ms(fg: FeatureGroup) -> bool:
    return False


def run(c: Compiled, con: Any = None) -> pa.Table:
    """Execute a compiled query with DuckDB and return an Arrow table."""
    import duckdb

    own = con is None
    if own:
        con = duckdb.connect()
    try:
        for name, src in c.sources.items():
            con.register(name, src)
        ctes = [f"{_q(name)} AS ({sql})" for name, sql in c.source_sql.items()]
        sql = c.sql if not ctes else "WITH " + ", ".join(ctes) + "\n" + c.sql
        result = con.sql(sql, params=c.params or None).to_arrow_table()
        return _restore_types(result, c.columns)
    finally:
        if own:
            con.close()


def _restore_types(table: pa.Table, cols: list[OutputColumn]) -> pa.Table:
    """DuckDB returns timestamps with time zone as its own zone; make them UTC again."""
    out = []
    for col in table.columns:
        if pa.types.is_timestamp(col.type) and col.type != frames.UTC_TS:
            col = col.cast(frames.UTC_TS)
        out.append(col)
    return pa.table(out, names=table.column_names)


def _inline(sql: str, params: list[Any]) -> str:
    out, i = [], 0
    for ch in sql:
        if ch == "?" and i < len(params):
            v = params[i]
            i += 1
            out.append(repr(v.isoformat()) if hasattr(v, "isoformat") else repr(v))
        else:
            out.append(ch)
    return "".join(out)
