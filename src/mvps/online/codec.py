"""Row encoding shared by the online-store backends.

A stored row is one JSON document (serialised with ``orjson``, never pickle, so that a
shared store cannot make readers execute code)::

    [v0, v1, ..., vN-1, "<schema fingerprint>"]

The values are in the order of the schema the row was written with; the trailing
fingerprint names that schema, which the backend keeps in a small content-addressed
registry (fingerprint -> Arrow IPC schema). Rows therefore decode correctly whatever the
table's later history (columns appended, table dropped and recreated), and readers in
other processes need no coordination beyond loading an unknown fingerprint once.

Values that JSON cannot carry directly use a *wire* form, produced for whole columns by
Arrow casts (vectorised) and turned back into Python objects on read by a per-schema
decoder that touches only the columns that need it:

============================  ==================================  =====================
Arrow type                    stored as                           read back as
============================  ==================================  =====================
timestamp (any unit, any tz)  integer microseconds since epoch    tz-aware UTC datetime
date32 / date64               integer days since 1970-01-01       ``datetime.date``
time32 / time64               integer microseconds since midnight ``datetime.time``
duration                      integer microseconds                ``datetime.timedelta``
decimal                       string                              ``decimal.Decimal``
binary                        base64 string                       ``bytes``
list / struct / map           JSON array / object / pair array    list / dict / tuples
============================  ==================================  =====================

Sub-microsecond precision is truncated. Non-finite floats (NaN, +-inf) in top-level
float columns round-trip through a per-row patch: the trailing element becomes
``{"s": fingerprint, "f": {"<column index>": "NaN"}}``; inside lists and structs they
read back as None. Nulls are JSON null and read back as None.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import repeat
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.compute as pc

from mvps.errors import InvalidInput, MvpsError
from mvps.online.base import encode_key

_loads = orjson.loads
_dumps = orjson.dumps

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_TABLE_NAME = re.compile(r"[a-z0-9_]{1,128}")

Fix = Callable[[Any], Any]


def check_table_name(table: str) -> str:
    """Return ``table`` if it is a valid online table name, else raise InvalidInput.

    Names are 1-128 characters of lowercase letters, digits and underscores (the
    feature-group convention ``<name>_<version>``).
    """
    if not isinstance(table, str) or _TABLE_NAME.fullmatch(table) is None:
        raise InvalidInput(
            f"invalid online table name {table!r}: use 1-128 lowercase letters, digits "
            "and underscores, e.g. 'transactions_1'"
        )
    return table


# --------------------------------------------------------------------------- types


def _normal_type(t: pa.DataType) -> pa.DataType:
    """``t`` with every temporal unit at microseconds and dictionaries decoded."""
    if pa.types.is_timestamp(t):
        return pa.timestamp("us", tz=t.tz)
    if pa.types.is_date(t):
        return pa.date32()
    if pa.types.is_time(t):
        return pa.time64("us")
    if pa.types.is_duration(t):
        return pa.duration("us")
    if pa.types.is_float16(t):
        return pa.float32()
    if pa.types.is_dictionary(t):
        return _normal_type(t.value_type)
    return _map_children(t, _normal_type)


def _wire_type(t: pa.DataType) -> pa.DataType:
    """The JSON-friendly type of a normalised type (binary is kept; it is base64'd in
    Python because Arrow has no vectorised base64)."""
    if pa.types.is_timestamp(t) or pa.types.is_time(t) or pa.types.is_duration(t):
        return pa.int64()
    if pa.types.is_date(t):
        return pa.int32()
    if pa.types.is_decimal(t):
        return pa.string()
    return _map_children(t, _wire_type)


def _map_children(t: pa.DataType, fn: Callable[[pa.DataType], pa.DataType]) -> pa.DataType:
    if pa.types.is_map(t):
        return pa.map_(fn(t.key_type), fn(t.item_type), keys_sorted=t.keys_sorted)
    if pa.types.is_fixed_size_list(t):
        return pa.list_(t.value_field.with_type(fn(t.value_type)), t.list_size)
    if pa.types.is_large_list(t):
        return pa.large_list(t.value_field.with_type(fn(t.value_type)))
    if pa.types.is_list(t):
        return pa.list_(t.value_field.with_type(fn(t.value_type)))
    if pa.types.is_struct(t):
        return pa.struct([t.field(i).with_type(fn(t.field(i).type)) for i in range(t.num_fields)])
    return t


def _is_binary(t: pa.DataType) -> bool:
    return pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t)


# ------------------------------------------------------------- python-level fix-ups


def _b64encode(v: bytes) -> str:
    return base64.b64encode(v).decode("ascii")


_FAST_MICROS = 2**32 * 1_000_000  # below this (year 2106), float seconds are exact to 1 us
_fromtimestamp = datetime.fromtimestamp


def _micros_to_datetime(v: int) -> datetime:
    if -_FAST_MICROS < v < _FAST_MICROS:
        return _fromtimestamp(v / 1e6, UTC)
    return _EPOCH + timedelta(microseconds=v)


def _days_to_date(v: int) -> date:
    return date.fromordinal(_EPOCH_ORDINAL + v)


def _micros_to_time(v: int) -> time:
    seconds, micros = divmod(v, 1_000_000)
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return time(hour, minute, second, micros)


def _micros_to_timedelta(v: int) -> timedelta:
    return timedelta(microseconds=v)


def _b64decode(v: str) -> bytes:
    return base64.b64decode(v)


def _pairs(v: list[list[Any]]) -> list[tuple[Any, Any]]:
    return [(k, x) for k, x in v]


def _nested(t: pa.DataType, leaf: Callable[[pa.DataType], Fix | None]) -> Fix | None:
    """A function converting one non-null value of type ``t``, built from ``leaf`` (the
    conversion of scalar types), or None when no value of ``t`` needs converting.
    Maps always convert their ``[key, value]`` arrays back to tuples."""
    own = leaf(t)
    if own is not None:
        return own
    if pa.types.is_map(t):
        kf = _nested(t.key_type, leaf)
        vf = _nested(t.item_type, leaf)
        if kf is None and vf is None:
            return _pairs

        def fix_map(v: list[list[Any]]) -> list[tuple[Any, Any]]:
            return [
                (
                    k if kf is None else kf(k),
                    x if vf is None or x is None else vf(x),
                )
                for k, x in v
            ]

        return fix_map
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        ef = _nested(t.value_type, leaf)
        if ef is None:
            return None

        def fix_list(v: list[Any]) -> list[Any]:
            return [None if x is None else ef(x) for x in v]

        return fix_list
    if pa.types.is_struct(t):
        fields = [(t.field(i).name, _nested(t.field(i).type, leaf)) for i in range(t.num_fields)]
        fixes = [(name, f) for name, f in fields if f is not None]
        if not fixes:
            return None

        def fix_struct(v: dict[str, Any]) -> dict[str, Any]:
            for name, f in fixes:
                x = v.get(name)
                if x is not None:
                    v[name] = f(x)
            return v

        return fix_struct
    return None


def _encode_leaf(t: pa.DataType) -> Fix | None:
    return _b64encode if _is_binary(t) else None


def _decode_leaf(t: pa.DataType) -> Fix | None:
    """Wire value -> Python value for a normalised scalar type (the read path)."""
    if pa.types.is_timestamp(t):
        return _micros_to_datetime
    if pa.types.is_date(t):
        return _days_to_date
    if pa.types.is_time(t):
        return _micros_to_time
    if pa.types.is_duration(t):
        return _micros_to_timedelta
    if pa.types.is_decimal(t):
        return Decimal
    if _is_binary(t):
        return _b64decode
    return None


def _unwire_leaf(t: pa.DataType) -> Fix | None:
    """Wire value -> value Arrow can build ``wire type`` from (the scan path)."""
    return _b64decode if _is_binary(t) else None


# ----------------------------------------------------------------------- the codec


def _non_finite(v: float) -> str:
    return "NaN" if v != v else ("Infinity" if v > 0 else "-Infinity")


@dataclass(frozen=True)
class _Column:
    index: int
    name: str
    type: pa.DataType  # as written
    normal: pa.DataType
    wire: pa.DataType
    encode: Fix | None  # Python step after the vectorised cast (binary -> base64)
    decode: Fix | None  # wire -> Python value (read path)
    unwire: Fix | None  # wire -> Arrow-buildable value (scan path)
    is_float: bool


class RowCodec:
    """Encoder/decoder of the rows of one Arrow schema, built once per schema.

    ``fingerprint`` identifies the schema (field names, types and nullability; metadata
    is ignored) and ``schema_bytes`` is its Arrow IPC serialisation, which backends store
    so that other processes can rebuild the codec from a fingerprint.
    """

    def __init__(self, schema: pa.Schema) -> None:
        schema = pa.schema([f.remove_metadata() for f in schema])
        self.schema = schema
        self.schema_bytes: bytes = schema.serialize().to_pybytes()
        self.fingerprint: str = hashlib.sha256(self.schema_bytes).hexdigest()[:16]
        cols = []
        for i, field in enumerate(schema):
            normal = _normal_type(field.type)
            cols.append(
                _Column(
                    index=i,
                    name=field.name,
                    type=field.type,
                    normal=normal,
                    wire=_wire_type(normal),
                    encode=_nested(normal, _encode_leaf),
                    decode=_nested(normal, _decode_leaf),
                    unwire=_nested(normal, _unwire_leaf),
                    is_float=pa.types.is_floating(normal),
                )
            )
        self._columns: list[_Column] = cols
        self.width = len(cols)
        # The read hot path walks only these.
        self._fixes: list[tuple[int, Fix]] = [
            (c.index, c.decode) for c in cols if c.decode is not None
        ]

    @classmethod
    def from_schema_bytes(cls, data: bytes) -> RowCodec:
        """Rebuild a codec from :attr:`schema_bytes`."""
        return cls(pa.ipc.read_schema(pa.py_buffer(data)))

    # ---------------------------------------------------------------- encoding

    def encode(self, table: pa.Table) -> list[bytes]:
        """Encode every row of ``table`` (whose schema is this codec's) to bytes."""
        n = table.num_rows
        columns: list[list[Any]] = []
        trailers: list[Any] | repeat[str] = repeat(self.fingerprint, n)
        patches: dict[int, dict[str, str]] = {}
        for c in self._columns:
            arr: pa.ChunkedArray = table.column(c.index)
            if arr.type != c.normal:
                arr = arr.cast(c.normal, safe=False)
            if c.wire != c.normal:
                arr = arr.cast(c.wire)
            values = arr.to_pylist()
            if c.encode is not None:
                f = c.encode
                values = [None if v is None else f(v) for v in values]
            if c.is_float:
                bad = pc.invert(pc.is_finite(arr))
                if pc.any(bad).as_py():
                    for i in pc.indices_nonzero(pc.fill_null(bad, False)).to_pylist():
                        patches.setdefault(i, {})[str(c.index)] = _non_finite(values[i])
            columns.append(values)
        if patches:
            trailers = [self.fingerprint] * n
            for i, patch in patches.items():
                trailers[i] = {"s": self.fingerprint, "f": patch}
        return [_dumps(row) for row in zip(*columns, trailers, strict=False)]

    # ---------------------------------------------------------------- decoding

    def fix(self, values: list[Any]) -> list[Any]:
        """Turn decoded wire values (trailer removed) into Python values, in place."""
        for i, f in self._fixes:
            v = values[i]
            if v is not None:
                values[i] = f(v)
        return values

    def to_table(self, rows: Sequence[list[Any]]) -> pa.Table:
        """Build an Arrow table of this codec's schema from wire rows (trailer removed)."""
        arrays = []
        for c in self._columns:
            values = [row[c.index] for row in rows]
            if c.unwire is not None:
                f = c.unwire
                values = [None if v is None else f(v) for v in values]
            arr = pa.array(values, type=c.wire)
            if c.normal != c.wire:
                arr = arr.cast(c.normal)
            if c.type != c.normal:
                arr = arr.cast(c.type)
            arrays.append(arr)
        return pa.Table.from_arrays(arrays, schema=self.schema)


def _apply_patch(values: list[Any], trailer: Any) -> str:
    """Apply a non-finite-float patch trailer; return the fingerprint."""
    try:
        for k, s in trailer["f"].items():
            values[int(k)] = float(s)
        fp = trailer["s"]
    except (TypeError, KeyError, ValueError, IndexError) as exc:
        raise MvpsError(
            f"corrupt online row trailer {trailer!r}; rewrite the feature group's "
            "online data (e.g. re-insert or materialise it again)"
        ) from exc
    return str(fp)


class CodecRegistry:
    """Codecs by schema fingerprint, loading unknown fingerprints through ``loader``.

    ``loader(fingerprint)`` returns the stored schema bytes or None. The registry is a
    cache of immutable entries, so it needs no invalidation and is safe to share between
    threads (a race only builds a codec twice).
    """

    def __init__(self, loader: Callable[[str], bytes | None]) -> None:
        self._loader = loader
        self._by_fp: dict[str, RowCodec] = {}
        self._by_schema: dict[pa.Schema, RowCodec] = {}

    def for_schema(self, schema: pa.Schema) -> RowCodec:
        """The codec of ``schema`` (cached)."""
        codec = self._by_schema.get(schema)
        if codec is None:
            codec = RowCodec(schema)
            codec = self._by_fp.setdefault(codec.fingerprint, codec)
            self._by_schema[schema] = codec
        return codec

    def get(self, fingerprint: str) -> RowCodec:
        """The codec of a stored fingerprint."""
        codec = self._by_fp.get(fingerprint)
        if codec is None:
            data = self._loader(fingerprint)
            if data is None:
                raise MvpsError(
                    f"online row refers to schema {fingerprint!r}, which the store does not "
                    "have; the online store is corrupt or was partly deleted: drop the "
                    "table and materialise it again"
                )
            codec = self._by_fp.setdefault(fingerprint, RowCodec.from_schema_bytes(data))
        return codec

    def decode(self, blob: bytes | str) -> list[Any]:
        """Decode one stored row to Python values in its schema's order."""
        values = _loads(blob)
        fp = values.pop()
        if fp.__class__ is not str:
            fp = _apply_patch(values, fp)
        codec = self._by_fp.get(fp)
        if codec is None:
            codec = self.get(fp)
        return codec.fix(values)

    def decode_table(self, blobs: Iterable[bytes | str], schema: pa.Schema) -> pa.Table:
        """Decode stored rows into one Arrow table of ``schema``.

        Columns are matched by name: a column the rows lack is null, and values are cast
        to ``schema``'s types.
        """
        groups: dict[str, list[list[Any]]] = {}
        for blob in blobs:
            values = _loads(blob)
            fp = values.pop()
            if fp.__class__ is not str:
                fp = _apply_patch(values, fp)
            groups.setdefault(fp, []).append(values)
        parts = [_align(self.get(fp).to_table(rows), schema, fp) for fp, rows in groups.items()]
        if not parts:
            return schema.empty_table()
        if len(parts) == 1:
            return parts[0]
        return pa.concat_tables(parts)


def _align(table: pa.Table, schema: pa.Schema, fp: str) -> pa.Table:
    names = set(table.column_names)
    arrays = []
    for field in schema:
        if field.name in names:
            col = table.column(field.name)
            if col.type != field.type:
                try:
                    col = col.cast(field.type)
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                    raise InvalidInput(
                        f"online column {field.name!r} is stored as {col.type} (schema "
                        f"{fp}) and cannot be read as {field.type}; read it with the "
                        "schema it was written with or materialise the table again"
                    ) from exc
            arrays.append(col)
        else:
            arrays.append(pa.nulls(table.num_rows, field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


# ------------------------------------------------------------------ write batches


@dataclass
class EncodedBatch:
    """A write batch ready for a backend: one entry per distinct key (the newest row).

    ``times`` are integer event times (microseconds for timestamps, days' midnight in
    microseconds for dates, the raw value for integer columns) or None when the table
    has no event time (then the last row per key won).
    """

    keys: list[str]
    times: list[int] | None
    values: list[bytes]
    codec: RowCodec


def encode_keys(table: pa.Table, primary_key: Sequence[str]) -> list[str]:
    """The encoded key (see :func:`mvps.online.base.encode_key`) of every row."""
    if not primary_key:
        raise InvalidInput("an online table needs at least one primary-key column")
    cols = []
    for name in primary_key:
        if name not in table.column_names:
            raise InvalidInput(
                f"primary-key column {name!r} is not in the rows (columns: "
                f"{', '.join(table.column_names)}); pass rows that include it"
            )
        col = table.column(name)
        if col.null_count:
            raise InvalidInput(
                f"primary-key column {name!r} has {col.null_count} null value(s); every "
                "row written online needs a complete primary key"
            )
        cols.append(col)
    fast = all(
        pa.types.is_integer(c.type)
        or pa.types.is_string(c.type)
        or pa.types.is_large_string(c.type)
        for c in cols
    )
    if fast:  # str() of ints and strings is what Arrow's cast produces
        strings = [c.cast(pa.string()) for c in cols]
        if len(strings) == 1:
            return strings[0].to_pylist()
        return pc.binary_join_element_wise(*strings, "\x1f").to_pylist()
    values = [c.to_pylist() for c in cols]
    if len(values) == 1:
        return [encode_key((v,)) for v in values[0]]
    return [encode_key(parts) for parts in zip(*values, strict=True)]


def event_times(table: pa.Table, column: str) -> list[int]:
    """The event time of every row as a comparable integer."""
    if column not in table.column_names:
        raise InvalidInput(
            f"event-time column {column!r} is not in the rows (columns: "
            f"{', '.join(table.column_names)}); pass rows that include it"
        )
    col = table.column(column)
    if col.null_count:
        raise InvalidInput(
            f"event-time column {column!r} has {col.null_count} null value(s); every row "
            "written online needs an event time"
        )
    t = col.type
    if pa.types.is_timestamp(t):
        col = col.cast(pa.timestamp("us", tz=t.tz), safe=False).cast(pa.int64())
    elif pa.types.is_date(t):
        col = col.cast(pa.date32()).cast(pa.int32()).cast(pa.int64())
        col = pc.multiply(col, 86_400_000_000)
    elif not pa.types.is_integer(t):
        raise InvalidInput(
            f"event-time column {column!r} has type {t}; use a timestamp, date or integer"
        )
    return [int(v) for v in col.to_pylist()]


def newest_per_key(keys: Sequence[str], times: Sequence[int] | None) -> list[int] | None:
    """Indices of the row to keep per key (newest event time, ties and no event time:
    the later row), in batch order; None when every key is distinct."""
    best: dict[str, int] = {}
    if times is None:
        for i, k in enumerate(keys):
            best[k] = i
    else:
        for i, (k, t) in enumerate(zip(keys, times, strict=True)):
            j = best.get(k)
            if j is None or t >= times[j]:
                best[k] = i
    if len(best) == len(keys):
        return None
    return sorted(best.values())


def as_table(rows: Any) -> pa.Table:
    """Rows to write online as a pyarrow Table (record batches are accepted)."""
    if isinstance(rows, pa.RecordBatch):
        rows = pa.Table.from_batches([rows])
    if not isinstance(rows, pa.Table):
        raise InvalidInput(
            f"online rows must be a pyarrow.Table, not {type(rows).__name__}; convert "
            "with pyarrow.Table.from_pandas(df, preserve_index=False)"
        )
    return rows


def encode_batch(
    registry: CodecRegistry,
    rows: pa.Table,
    primary_key: Sequence[str],
    event_time: str | None,
    keys: list[str] | None = None,
) -> EncodedBatch:
    """Validate and encode a write: keys, event times, newest row per key, row bytes.
    ``keys``: the rows' encoded keys when the caller has them already."""
    rows = as_table(rows)
    if keys is None:
        keys = encode_keys(rows, primary_key)
    times = event_times(rows, event_time) if event_time else None
    keep = newest_per_key(keys, times)
    if keep is not None:
        rows = rows.take(pa.array(keep, pa.int64()))
        keys = [keys[i] for i in keep]
        if times is not None:
            times = [times[i] for i in keep]
    codec = registry.for_schema(rows.schema)
    return EncodedBatch(keys=keys, times=times, values=codec.encode(rows), codec=codec)


def normalize_key(key: Any) -> str:
    """Encode a key given as a tuple (or, leniently, a list or a bare scalar) with
    :func:`~mvps.online.base.encode_key`; 1-tuples of int or str take a fast path."""
    if key.__class__ is tuple:
        if len(key) == 1:
            v = key[0]
            cls = v.__class__
            if cls is str:
                return v  # type: ignore[no-any-return]
            if cls is int:
                return str(v)
        return encode_key(key)
    if isinstance(key, list | tuple):
        return encode_key(key)
    return encode_key((key,))
