"""The Arrow boundary: every dataframe that comes in becomes an Arrow table here, and
every result leaves here in the type the caller asked for (``dataframe_type``).

Supported inputs: pandas, polars, pyarrow (Table, RecordBatch), a 2-D numpy array, a
list of lists or a list of dicts (with ``columns`` for the array forms).
Supported outputs (``dataframe_type``): ``"default"``/``"pandas"``, ``"polars"``,
``"pyarrow"``/``"arrow"``, ``"numpy"``, ``"python"`` (list of lists).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pyarrow as pa

from mvps.errors import InvalidInput

DATAFRAME_TYPES = ("default", "pandas", "polars", "pyarrow", "arrow", "numpy", "python")
UTC_TS = pa.timestamp("us", tz="UTC")

_NAME_RE = re.compile(r"^[a-z_][a-z0-9_]*$")


def normalize_name(name: str) -> str:
    """Hopsworks' column-name rule: lower-case, spaces become underscores."""
    return str(name).strip().lower().replace(" ", "_")


def is_identifier(name: Any) -> bool:
    """Whether ``name`` can be a table or column name (see :func:`check_identifier`)."""
    return isinstance(name, str) and bool(_NAME_RE.match(name)) and len(name) <= 63


def check_identifier(name: str, what: str = "name") -> str:
    """Return ``name`` if it can be a table or column name, else raise InvalidInput."""
    if not is_identifier(name):
        raise InvalidInput(
            f"{what} {name!r} cannot be used: use 1-63 characters, lower-case letters, "
            "digits and underscores, not starting with a digit (e.g. 'loans_daily')"
        )
    return name


def check_dataframe_type(dataframe_type: str) -> str:
    dt = (dataframe_type or "default").lower()
    if dt not in DATAFRAME_TYPES:
        raise InvalidInput(
            f"unknown dataframe_type {dataframe_type!r}; use one of {', '.join(DATAFRAME_TYPES)}"
        )
    return dt


def to_arrow(data: Any, columns: Sequence[str] | None = None) -> pa.Table:
    """Convert a supported dataframe to an Arrow table (no copies where possible)."""
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    mod = type(data).__module__.split(".")[0]
    if mod == "pandas":
        import pandas as pd

        if isinstance(data, pd.Series):
            data = data.to_frame()
        # A named index (e.g. after set_index("id")) is data: it becomes columns. An
        # unnamed index is row numbering (a RangeIndex, or what filtering left of one).
        if any(n is not None for n in data.index.names):
            data = data.reset_index()
        return pa.Table.from_pandas(data, preserve_index=False)
    if mod == "polars":
        return data.to_arrow()
    if mod == "numpy":
        if data.ndim != 2:
            raise InvalidInput("a numpy array must be 2-D (rows x columns)")
        names = list(columns or [f"col_{i}" for i in range(data.shape[1])])
        return pa.table({n: data[:, i] for i, n in enumerate(names)})
    if isinstance(data, list):
        if not data:
            return pa.table({c: pa.array([], pa.null()) for c in (columns or [])})
        if isinstance(data[0], dict):
            return pa.Table.from_pylist(data)
        names = list(columns or [f"col_{i}" for i in range(len(data[0]))])
        return pa.table({n: [row[i] for row in data] for i, n in enumerate(names)})
    if hasattr(data, "__arrow_c_stream__"):
        return pa.table(data)
    raise InvalidInput(
        f"cannot read a {type(data).__name__}: pass a pandas or polars DataFrame, a pyarrow "
        "Table, a 2-D numpy array or a list of rows"
    )


def normalize_type(t: pa.DataType) -> pa.DataType:
    """The storage type mvps keeps for an incoming Arrow type.

    Small integers widen to int32, half floats to float32, every timestamp becomes
    microseconds in UTC (naive timestamps are read as UTC), large/view strings become
    string, dictionaries are decoded, null columns stay null until data arrives.
    """
    if pa.types.is_dictionary(t):
        return normalize_type(t.value_type)
    if pa.types.is_int8(t) or pa.types.is_int16(t) or pa.types.is_uint8(t):
        return pa.int32()
    if pa.types.is_uint16(t):
        return pa.int32()
    if pa.types.is_uint32(t) or pa.types.is_uint64(t):
        return pa.int64()
    if pa.types.is_float16(t):
        return pa.float32()
    if pa.types.is_timestamp(t):
        return UTC_TS
    if pa.types.is_date64(t):
        return pa.date32()
    if pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return pa.string()
    if pa.types.is_large_binary(t) or pa.types.is_binary_view(t):
        return pa.binary()
    if pa.types.is_large_list(t) or pa.types.is_list_view(t):
        return pa.list_(normalize_type(t.value_type))
    if pa.types.is_list(t):
        return pa.list_(normalize_type(t.value_type))
    if pa.types.is_struct(t):
        return pa.struct([pa.field(f.name, normalize_type(f.type)) for f in t])
    return t


def normalize_table(table: pa.Table) -> pa.Table:
    """Normalise column names and types (see :func:`normalize_type`)."""
    names = [normalize_name(n) for n in table.column_names]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InvalidInput(f"columns {dupes} appear more than once after lower-casing; rename them")
    cols = []
    for name, col in zip(names, table.columns, strict=True):
        target = normalize_type(col.type)
        if target != col.type:
            # timestamps are kept in microseconds: finer digits are truncated, not refused
            safe = not pa.types.is_timestamp(col.type)
            try:
                col = col.cast(target, safe=safe)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                raise InvalidInput(
                    f"column {name!r} ({col.type}) cannot be stored as {hive_type(target)}: {exc}"
                ) from exc
        cols.append(col)
    return pa.table(cols, names=names)


# ---------------------------------------------------------------- Hive type names

_HIVE_SIMPLE = {
    pa.bool_(): "boolean",
    pa.int32(): "int",
    pa.int64(): "bigint",
    pa.float32(): "float",
    pa.float64(): "double",
    pa.string(): "string",
    pa.binary(): "binary",
    pa.date32(): "date",
    UTC_TS: "timestamp",
    pa.null(): "null",
}
_FROM_HIVE = {
    "boolean": pa.bool_(),
    "bool": pa.bool_(),
    "tinyint": pa.int32(),
    "smallint": pa.int32(),
    "int": pa.int32(),
    "integer": pa.int32(),
    "bigint": pa.int64(),
    "float": pa.float32(),
    "double": pa.float64(),
    "string": pa.string(),
    "varchar": pa.string(),
    "binary": pa.binary(),
    "date": pa.date32(),
    "timestamp": UTC_TS,
}


def hive_type(t: pa.DataType) -> str:
    """Hopsworks' (Hive) name of an Arrow type, e.g. ``bigint``, ``array<string>``."""
    t = normalize_type(t)
    if t in _HIVE_SIMPLE:
        return _HIVE_SIMPLE[t]
    if pa.types.is_decimal(t):
        return f"decimal({t.precision},{t.scale})"
    if pa.types.is_list(t):
        return f"array<{hive_type(t.value_type)}>"
    if pa.types.is_struct(t):
        return "struct<" + ",".join(f"{f.name}:{hive_type(f.type)}" for f in t) + ">"
    if pa.types.is_map(t):
        return f"map<{hive_type(t.key_type)},{hive_type(t.item_type)}>"
    return str(t)


def arrow_type(hive: str) -> pa.DataType:
    """The Arrow type of a Hive type name; raises InvalidInput for unknown names."""
    s = hive.strip().lower()
    if s in _FROM_HIVE:
        return _FROM_HIVE[s]
    if s.startswith("varchar") or s.startswith("char"):
        return pa.string()
    m = re.fullmatch(r"decimal\((\d+),\s*(\d+)\)", s)
    if m:
        return pa.decimal128(int(m.group(1)), int(m.group(2)))
    if s.startswith("array<") and s.endswith(">"):
        return pa.list_(arrow_type(s[6:-1]))
    if s.startswith("struct<") and s.endswith(">"):
        fields = []
        for part in _split_top(s[7:-1]):
            name, _, typ = part.partition(":")
            fields.append(pa.field(name.strip(), arrow_type(typ)))
        return pa.struct(fields)
    if s.startswith("map<") and s.endswith(">"):
        k, v = _split_top(s[4:-1])
        return pa.map_(arrow_type(k), arrow_type(v))
    raise InvalidInput(
        f"unknown feature type {hive!r}; use a Hive type such as int, bigint, double, "
        "string, boolean, timestamp, date, decimal(p,s), array<T>, struct<a:T,...>"
    )


def _split_top(s: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in s:
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return [p.strip() for p in parts]


# ---------------------------------------------------------------- outputs


def from_arrow(table: pa.Table, dataframe_type: str = "default") -> Any:
    """Convert an Arrow table to the requested ``dataframe_type``."""
    dt = check_dataframe_type(dataframe_type)
    if dt in ("default", "pandas"):
        return to_pandas(table)
    if dt in ("pyarrow", "arrow"):
        return table
    if dt == "polars":
        from mvps._deps import require

        pl = require("polars")
        return pl.from_arrow(table)
    if dt == "numpy":
        return to_pandas(table).to_numpy()
    # python: list of rows
    cols = [c.to_pylist() for c in table.columns]
    return [list(r) for r in zip(*cols, strict=True)] if cols else []


def to_pandas(table: pa.Table) -> Any:
    """Arrow → pandas with numpy-backed numerics and NaN for missing floats.

    Integer columns with nulls become float (as pandas would read them from a file),
    strings become pandas' default string dtype.
    """
    return table.to_pandas()
