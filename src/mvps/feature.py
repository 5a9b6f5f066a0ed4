"""Features and filters (Hopsworks' ``hsfs.feature.Feature``, ``Filter``, ``Logic``).

Comparing a :class:`Feature` builds a :class:`Filter`; filters combine with ``&`` and
``|`` into :class:`Logic` trees. Filters compile to SQL with bound parameters (values
are never pasted into SQL text).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mvps.errors import InvalidInput


class Feature:
    """A named, typed column of a feature group (or a schema entry).

    ``type`` is a Hive type name (``int``, ``bigint``, ``double``, ``string``,
    ``timestamp``, ``array<string>``...). ``default_value`` is what rows written before
    the feature was appended read back.
    """

    def __init__(
        self,
        name: str,
        type: str | None = None,
        description: str | None = None,
        primary: bool = False,
        foreign: bool = False,
        partition: bool = False,
        hudi_precombine_key: bool = False,
        online_type: str | None = None,
        default_value: Any = None,
        feature_group_id: int | None = None,
        feature_group: Any = None,
        **_: Any,
    ) -> None:
        from mvps.frames import normalize_name

        self.name = normalize_name(name)
        self.type = type
        self.description = description
        self.primary = primary
        self.foreign = foreign
        self.partition = partition
        self.hudi_precombine_key = hudi_precombine_key
        self.online_type = online_type
        self.default_value = default_value
        self.feature_group_id = feature_group_id
        self._feature_group = feature_group

    # --------------------------------------------------------------- filters
    def _filter(self, condition: str, value: Any) -> Filter:
        return Filter(self, condition, value)

    def __lt__(self, other: Any) -> Filter:  # type: ignore[override]
        return self._filter(Filter.LT, other)

    def __le__(self, other: Any) -> Filter:  # type: ignore[override]
        return self._filter(Filter.LE, other)

    def __eq__(self, other: Any) -> Filter:  # type: ignore[override]
        return self._filter(Filter.EQ, other)

    def __ne__(self, other: Any) -> Filter:  # type: ignore[override]
        return self._filter(Filter.NE, other)

    def __ge__(self, other: Any) -> Filter:  # type: ignore[override]
        return self._filter(Filter.GE, other)

    def __gt__(self, other: Any) -> Filter:  # type: ignore[override]
        return self._filter(Filter.GT, other)

    __hash__ = object.__hash__

    def isin(self, values: Any) -> Filter:
        return self._filter(Filter.IN, list(values))

    def contains(self, values: Any) -> Filter:
        """Deprecated Hopsworks spelling of :meth:`isin`."""
        return self.isin(values)

    def like(self, pattern: str) -> Filter:
        return self._filter(Filter.LIKE, pattern)

    # --------------------------------------------------------------- data
    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "description": self.description,
            "primary": self.primary,
            "foreign": self.foreign,
            "partition": self.partition,
            "online_type": self.online_type,
            "default_value": self.default_value,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any], feature_group: Any = None) -> Feature:
        return cls(**d, feature_group=feature_group)

    def json(self) -> str:
        import json

        return json.dumps(self.to_dict(), default=str)

    def __repr__(self) -> str:
        return f"Feature({self.name!r}, {self.type!r})"


@dataclass(eq=False)
class Filter:
    """``feature <condition> value``."""

    GE = "GREATER_THAN_OR_EQUAL"
    GT = "GREATER_THAN"
    NE = "NOT_EQUALS"
    EQ = "EQUALS"
    LE = "LESS_THAN_OR_EQUAL"
    LT = "LESS_THAN"
    IN = "IN"
    LIKE = "LIKE"

    feature: Feature
    condition: str
    value: Any

    def __and__(self, other: Filter | Logic) -> Logic:
        return Logic.And(self, other)

    def __or__(self, other: Filter | Logic) -> Logic:
        return Logic.Or(self, other)

    def features(self) -> list[Feature]:
        return [self.feature]

    def to_dict(self) -> dict[str, Any]:
        from mvps.timeutil import iso

        v = self.value
        if hasattr(v, "isoformat") and hasattr(v, "tzinfo"):
            v = {"__datetime__": iso(_as_utc(v))}
        elif isinstance(v, Feature):
            v = {"__feature__": v.name}
        return {
            "type": "filter",
            "feature": self.feature.name,
            "fg": _fg_ref(self.feature),
            "condition": self.condition,
            "value": v,
        }

    def __repr__(self) -> str:
        return f"Filter({self.feature.name} {self.condition} {self.value!r})"


@dataclass(eq=False)
class Logic:
    """A boolean combination of filters."""

    AND = "AND"
    OR = "OR"
    SINGLE = "SINGLE"

    type: str
    left: Filter | Logic | None = None
    right: Filter | Logic | None = None

    @classmethod
    def And(cls, left: Filter | Logic, right: Filter | Logic) -> Logic:
        return cls(cls.AND, left, right)

    @classmethod
    def Or(cls, left: Filter | Logic, right: Filter | Logic) -> Logic:
        return cls(cls.OR, left, right)

    @classmethod
    def Single(cls, left: Filter) -> Logic:
        return cls(cls.SINGLE, left, None)

    def __and__(self, other: Filter | Logic) -> Logic:
        return Logic.And(self, other)

    def __or__(self, other: Filter | Logic) -> Logic:
        return Logic.Or(self, other)

    def features(self) -> list[Feature]:
        out: list[Feature] = []
        for side in (self.left, self.right):
            if side is not None:
                out.extend(side.features())
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": "logic",
            "op": self.type,
            "left": self.left.to_dict() if self.left is not None else None,
            "right": self.right.to_dict() if self.right is not None else None,
        }


def _as_utc(v: Any) -> Any:
    from mvps.timeutil import to_utc

    return to_utc(v)


def _fg_ref(feature: Feature) -> list[Any] | None:
    fg = feature._feature_group
    return None if fg is None else [fg.name, fg.version]


@dataclass
class CompiledFilter:
    """SQL text with ``?`` placeholders and its parameters."""

    sql: str
    params: list[Any] = field(default_factory=list)


_OPS = {
    Filter.GE: ">=",
    Filter.GT: ">",
    Filter.NE: "<>",
    Filter.EQ: "=",
    Filter.LE: "<=",
    Filter.LT: "<",
}


def compile_filter(f: Filter | Logic, column_sql: Any) -> CompiledFilter:
    """Compile a filter tree to SQL with bound parameters.

    ``column_sql(feature) -> str`` returns the quoted SQL expression of a feature (it
    raises InvalidInput for an unknown feature).
    """
    if isinstance(f, Logic):
        if f.type == Logic.SINGLE or f.right is None:
            assert f.left is not None
            return compile_filter(f.left, column_sql)
        assert f.left is not None
        left = compile_filter(f.left, column_sql)
        right = compile_filter(f.right, column_sql)
        return CompiledFilter(f"({left.sql} {f.type} {right.sql})", left.params + right.params)
    if not isinstance(f, Filter):
        raise InvalidInput(
            f"expected a Filter or Logic (e.g. fg.amount > 10), got {type(f).__name__}"
        )
    col = column_sql(f.feature)
    value = f.value
    if isinstance(value, Feature):
        other = column_sql(value)
        op = _OPS.get(f.condition)
        if op is None:
            raise InvalidInput(f"condition {f.condition} cannot compare two features")
        return CompiledFilter(f"{col} {op} {other}")
    value = _param(value)
    if f.condition == Filter.IN:
        values = [_param(v) for v in value]
        if not values:
            return CompiledFilter("FALSE")
        return CompiledFilter(f"{col} IN ({', '.join('?' for _ in values)})", values)
    if f.condition == Filter.LIKE:
        return CompiledFilter(f"{col} LIKE ?", [value])
    if value is None:
        if f.condition == Filter.EQ:
            return CompiledFilter(f"{col} IS NULL")
        if f.condition == Filter.NE:
            return CompiledFilter(f"{col} IS NOT NULL")
    op = _OPS.get(f.condition)
    if op is None:
        raise InvalidInput(f"unknown filter condition {f.condition!r}")
    return CompiledFilter(f"{col} {op} ?", [value])


def _param(v: Any) -> Any:
    """Python values DuckDB binds correctly (numpy scalars, pandas timestamps...)."""
    import datetime as dt

    if hasattr(v, "item") and not isinstance(v, str | bytes):
        return v.item()
    if hasattr(v, "to_pydatetime"):
        v = v.to_pydatetime()
    if isinstance(v, dt.datetime) and v.tzinfo is None:
        return v.replace(tzinfo=dt.UTC)
    return v
