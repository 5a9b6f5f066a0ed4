"""Schemas: inferring a feature group's schema and checking later data against it.

Also home of :class:`Schema` for the model registry (``from mvps.schema import Schema``),
which lives in :mod:`mvps.model_schema_types` and is re-exported lazily below.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from mvps.errors import InvalidInput, SchemaMismatch
from mvps.feature import Feature
from mvps.frames import arrow_type, hive_type, normalize_name
from mvps.timeutil import to_utc


def infer_features(
    table: pa.Table, primary_key: Sequence[str], partition_key: Sequence[str]
) -> list[Feature]:
    """Features of a first insert, in column order; all-null columns cannot be typed."""
    untyped = [f.name for f in table.schema if pa.types.is_null(f.type)]
    if untyped:
        raise InvalidInput(
            f"columns {untyped} hold only nulls, so their type cannot be inferred; give them "
            "values or declare the schema with features=[Feature(name, type=...)]"
        )
    return [
        Feature(
            f.name,
            type=hive_type(f.type),
            primary=f.name in primary_key,
            partition=f.name in partition_key,
        )
        for f in table.schema
    ]


def typed_default(feature: Feature) -> Any:
    """``feature.default_value`` as a Python value of the feature's type (None if unset).

    The value may be given in its own type or as a string (Hopsworks passes defaults as
    strings, and the catalog stores times as ISO strings); a value that is not of the
    type (``"abc"`` for a double, ``1.5`` for a bigint) raises InvalidInput.
    """
    value = feature.default_value
    if value is None:
        return None
    t = arrow_type(feature.type or "string")
    try:
        if pa.types.is_timestamp(t):
            value = to_utc(value, "default value")
        elif pa.types.is_date(t):
            if isinstance(value, datetime) or not isinstance(value, date):
                value = to_utc(value, "default value").date()
        elif pa.types.is_decimal(t) and not isinstance(value, bool):
            value = Decimal(str(value))
        elif isinstance(value, str) and pa.types.is_boolean(t):
            if value.strip().lower() not in ("true", "false"):
                raise ValueError("use true or false")
            value = value.strip().lower() == "true"
        elif isinstance(value, str) and (pa.types.is_integer(t) or pa.types.is_floating(t)):
            value = float(value) if pa.types.is_floating(t) else int(value)
        if pa.types.is_integer(t) and isinstance(value, float):
            if not value.is_integer():
                raise ValueError("not a whole number")
            value = int(value)
        return pa.scalar(value, t).as_py()
    except (ValueError, TypeError, ArithmeticError) as exc:  # pyarrow's errors included
        raise InvalidInput(
            f"default_value {feature.default_value!r} of feature {feature.name!r} is not a "
            f"{feature.type or 'string'}: {exc}"
        ) from exc


def arrow_schema(features: Sequence[Feature]) -> pa.Schema:
    return pa.schema([pa.field(f.name, arrow_type(f.type or "string")) for f in features])


def _family(t: pa.DataType) -> str:
    if pa.types.is_boolean(t):
        return "bool"
    if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t):
        return "number"
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "string"
    if pa.types.is_timestamp(t) or pa.types.is_date(t):
        return "time"
    if pa.types.is_binary(t):
        return "binary"
    if pa.types.is_null(t):
        return "null"
    return str(t)


def conform(table: pa.Table, features: Sequence[Feature], fg_label: str) -> pa.Table:
    """Cast ``table`` to the schema of ``features`` or raise :class:`SchemaMismatch`.

    Every feature must be present (features appended with a default may be missing and
    take it), no extra columns are allowed, and each column must convert without loss
    of meaning: numbers to numbers, times to times, strings to strings (an all-null
    column converts to anything). The error lists every incompatible column.
    """
    problems: list[str] = []
    present = {normalize_name(n): i for i, n in enumerate(table.column_names)}
    out_cols: list[pa.Array | pa.ChunkedArray] = []
    for feat in features:
        target = arrow_type(feat.type or "string")
        idx = present.get(feat.name)
        if idx is None:
            if feat.default_value is not None:
                out_cols.append(pa.array([feat.default_value] * table.num_rows, target))
                continue
            problems.append(f"missing column '{feat.name}' ({feat.type})")
            continue
        col = table.column(idx)
        if col.type == target:
            out_cols.append(col)
            continue
        src_f, dst_f = _family(col.type), _family(target)
        if src_f != "null" and src_f != dst_f and not (src_f == dst_f == "number"):
            problems.append(
                f"column '{feat.name}' is {hive_type(col.type)}, the feature group has {feat.type}"
            )
            continue
        try:
            out_cols.append(pc.cast(col, target, safe=True))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            problems.append(
                f"column '{feat.name}' ({hive_type(col.type)}) cannot be converted to {feat.type}: {exc}"
            )
    known = {f.name for f in features}
    extra = [n for n in present if n not in known]
    for n in extra:
        problems.append(
            f"unknown column '{n}' (append it first with fg.append_features(Feature('{n}', ...)) "
            "or create a new version)"
        )
    if problems:
        raise SchemaMismatch(
            f"Features are not compatible with feature group {fg_label}: " + "; ".join(problems),
            problems,
        )
    return pa.table(out_cols, names=[f.name for f in features])


def __getattr__(name: str) -> Any:
    if name == "Schema":
        from mvps.model_schema_types import Schema

        return Schema
    raise AttributeError(name)
