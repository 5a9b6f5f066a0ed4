"""Native validation engine: Great Expectations semantics, vectorised over Apache Arrow.

:func:`validate` evaluates an :class:`~mvps.validation.suite.ExpectationSuite` against an
Arrow table (pandas, polars and anything with ``__arrow_c_stream__`` are converted) and
returns a :class:`~mvps.validation.report.ValidationReport` in GE's result format. Every
expectation is computed with ``pyarrow.compute`` kernels over whole columns; no Python code
runs per row. Statistics shared by several expectations on one column (null mask, value
counts, the column as text) are computed once per validation.

Semantics follow Great Expectations 1.x on a pandas batch:

* Column-map expectations (``expect_column_values_*``) ignore missing values: nulls and
  float NaN count towards ``missing_count``, not the denominator. ``success`` is
  ``(non-missing - unexpected) / non-missing >= mostly`` and is vacuously true when there
  is no non-missing value. ``expect_column_values_to_(not_)be_null`` count every row.
* ``min_value`` / ``max_value`` of ``None`` leave that side open; ``strict_min`` /
  ``strict_max`` make the bound exclusive. Aggregate expectations report
  ``observed_value`` and fail when it is null (e.g. the mean of an all-null column).
* Regexes use search semantics (``re.search``, like pandas ``str.contains``); they run in
  Arrow's RE2 engine, falling back to Python's ``re`` over the distinct values for
  patterns RE2 does not support (look-arounds, back-references).
* A missing column is a failed result whose ``exception_info`` explains it.

Deliberate differences from GE 1.x, all in the direction of doing what the kwargs say:
``expect_column_to_exist`` honours ``column_index=0`` (GE ignores a zero index);
``min_value`` / ``max_value`` / ``value_set`` entries given as ISO-8601 strings are
compared with timestamp and date columns as times; ``expect_column_values_to_be_of_type``
judges the column's Arrow type and also accepts Spark / SQL type names (see
:func:`type_names`). Expectations with a ``row_condition`` are refused.
"""

from __future__ import annotations

import datetime as _dt
import decimal
import math
import re
import traceback
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mvps.errors import InvalidInput
from mvps.validation.report import ValidationReport, ValidationResult
from mvps.validation.suite import ExpectationConfiguration, ExpectationSuite, as_suite

__all__ = [
    "SUPPORTED_EXPECTATIONS",
    "check_supported",
    "supported_expectation_types",
    "type_names",
    "validate",
]

#: Length of ``partial_unexpected_list`` and of the distinct-value samples, as in GE.
PARTIAL_LIMIT = 20

# Rows sampled to judge whether a text column repeats its values.
_SAMPLE_SIZE = 10_000

ENGINE_NAME = "mvps-native"


class _DataError(Exception):
    """The data does not allow evaluating an expectation (reported in exception_info)."""


class _ConfigError(Exception):
    """An expectation's kwargs are invalid (collected and raised as InvalidInput)."""


@dataclass
class _Outcome:
    success: bool
    result: dict[str, Any] = field(default_factory=dict)
    exception: str | None = None
    traceback: str | None = None


# -- values ---------------------------------------------------------------------------


def _py(value: Any) -> Any:
    """Make ``value`` JSON-native: datetimes as ISO strings, Decimal as float, NaN as None."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, _dt.datetime | _dt.date | _dt.time):
        return value.isoformat()
    if isinstance(value, _dt.timedelta):
        return value.total_seconds()
    if isinstance(value, bytes):
        return value.decode("utf-8", "backslashreplace")
    if isinstance(value, list | tuple):
        return [_py(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _py(v) for k, v in value.items()}
    return str(value)


def _is_numeric(t: pa.DataType) -> bool:
    return pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t)


def _is_text(t: pa.DataType) -> bool:
    return (
        pa.types.is_string(t)
        or pa.types.is_large_string(t)
        or (hasattr(pa.types, "is_string_view") and pa.types.is_string_view(t))
    )


def _parse_datetime(value: str, what: str) -> _dt.datetime:
    try:
        return _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise _DataError(f"{what} {value!r} is not an ISO-8601 date/time") from exc


def _align_tz(value: _dt.datetime, t: pa.TimestampType) -> _dt.datetime:
    if t.tz is None:
        if value.tzinfo is not None:
            value = value.astimezone(_dt.UTC).replace(tzinfo=None)
        return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.UTC)
    return value


def _to_type(value: Any, t: pa.DataType, what: str, column: str) -> Any:
    """Coerce a kwarg value to something comparable with a column of Arrow type ``t``.

    Returns a Python value of the column's kind or raises :class:`_DataError` naming the
    mismatch.
    """
    mismatch = _DataError(
        f"{what} {value!r} ({type(value).__name__}) cannot be compared with column "
        f"{column!r} of type {t}"
    )
    if _is_numeric(t):
        if isinstance(value, int | float | decimal.Decimal) and not isinstance(value, bool):
            return value
        raise mismatch
    if pa.types.is_boolean(t):
        if isinstance(value, bool):
            return value
        raise mismatch
    if pa.types.is_timestamp(t):
        if isinstance(value, str):
            value = _parse_datetime(value, what)
        elif isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
            value = _dt.datetime(value.year, value.month, value.day)
        if isinstance(value, _dt.datetime):
            return _align_tz(value, t)
        raise mismatch
    if pa.types.is_date(t):
        if isinstance(value, str):
            value = _parse_datetime(value, what)
        if isinstance(value, _dt.datetime):
            return value.date()
        if isinstance(value, _dt.date):
            return value
        raise mismatch
    if _is_text(t):
        if isinstance(value, str):
            return value
        raise mismatch
    if pa.types.is_binary(t) or pa.types.is_large_binary(t):
        if isinstance(value, bytes | str):
            return value.encode() if isinstance(value, str) else value
        raise mismatch
    raise _DataError(f"column {column!r} of type {t} does not support {what}")


def _scalar(value: Any, t: pa.DataType, what: str, column: str) -> pa.Scalar:
    value = _to_type(value, t, what, column)
    if _is_numeric(t):
        if isinstance(value, decimal.Decimal):
            value = float(value)
        return pa.scalar(value)
    return pa.scalar(value, type=t)


def _value_set_array(values: Any, t: pa.DataType, column: str) -> tuple[pa.Array, list[Any]]:
    """The members of ``values`` that can equal a value of type ``t``, as an Arrow array.

    Members of another kind (a string in a numeric column's set...) can never match and
    are left out, as pandas ``isin`` would never match them. Returns the array and the
    original members that were kept, in the same order.
    """
    kept: list[Any] = []
    coerced: list[Any] = []
    for v in values:
        if v is None:
            continue
        try:
            c = _to_type(v, t, "value_set member", column)
        except _DataError:
            continue
        kept.append(v)
        coerced.append(c)
    if _is_numeric(t):
        as_float = pa.types.is_floating(t) or pa.types.is_decimal(t)
        if as_float or any(isinstance(c, float) for c in coerced):
            arr = pa.array([float(c) for c in coerced], type=pa.float64())
        else:
            arr = pa.array([int(c) for c in coerced], type=pa.int64())
        return arr, kept
    if _is_text(t):
        return pa.array(coerced, type=pa.string()), kept
    return pa.array(coerced, type=t), kept


def _sorted_values(values: list[Any]) -> list[Any]:
    try:
        return sorted(values)
    except TypeError:
        return values


# -- columns --------------------------------------------------------------------------


class _Column:
    """One column prepared for validation, with statistics computed on first use."""

    def __init__(self, name: str, data: pa.ChunkedArray) -> None:
        self.name = name
        arr = self._combine(data)
        if pa.types.is_dictionary(arr.type):
            arr = arr.dictionary_decode()
        if pa.types.is_floating(arr.type) and len(arr):
            nan = pc.is_nan(arr)
            if pc.any(nan).as_py():
                arr = pc.if_else(nan, pa.scalar(None, type=arr.type), arr)
        self.arr: pa.Array = arr
        self.type: pa.DataType = arr.type
        self.length = len(arr)
        self.null_count: int = arr.null_count

    @staticmethod
    def _combine(data: pa.ChunkedArray) -> pa.Array:
        if data.num_chunks == 1:
            return data.chunk(0)
        if data.num_chunks == 0:
            return pa.array([], type=data.type)
        try:
            return data.combine_chunks()
        except (pa.ArrowInvalid, pa.ArrowCapacityError):
            if pa.types.is_string(data.type):
                return data.cast(pa.large_string()).combine_chunks()
            if pa.types.is_binary(data.type):
                return data.cast(pa.large_binary()).combine_chunks()
            raise

    @property
    def nonnull_count(self) -> int:
        return self.length - self.null_count

    @cached_property
    def valid(self) -> pa.Array:
        return pc.is_valid(self.arr)

    @cached_property
    def nonnull(self) -> pa.Array:
        return self.arr.drop_null() if self.null_count else self.arr

    @cached_property
    def strictly_monotonic(self) -> bool:
        """True when the non-null values strictly increase or decrease (so are distinct).

        One vectorised comparison of neighbours: it makes uniqueness checks of sorted id
        columns, the common case, cost nothing.
        """
        a = self.nonnull
        if len(a) < 2:
            return True
        if not (_is_numeric(self.type) or pa.types.is_temporal(self.type)):
            return False  # text comparisons cost more than they save
        head, tail = a.slice(0, len(a) - 1), a.slice(1)
        try:
            return bool(pc.all(pc.greater(tail, head)).as_py()) or bool(
                pc.all(pc.less(tail, head)).as_py()
            )
        except (pa.ArrowNotImplementedError, pa.ArrowInvalid):
            return False

    @cached_property
    def use_dictionary(self) -> bool:
        """Whether set lookups and regexes should run on the distinct values.

        True for text columns whose values repeat (judged on an evenly spaced sample):
        dictionary-encoding once makes every later lookup a small computation on the
        distinct values plus an integer gather.
        """
        if not _is_text(self.type) or self.nonnull_count < 1000:
            return False
        sample_size = min(self.nonnull_count, _SAMPLE_SIZE)
        step = self.nonnull_count // sample_size
        sample = self.nonnull.slice(0, step * sample_size)
        if step > 1:
            sample = sample.take(pa.array(np.arange(0, len(sample), step)))
        return len(pc.unique(sample)) * 2 <= len(sample)

    @cached_property
    def dictionary(self) -> pa.DictionaryArray:
        """The column dictionary-encoded: only values that occur, nulls as null indices."""
        return pc.dictionary_encode(self.arr)

    @cached_property
    def distinct(self) -> pa.Array:
        """The distinct non-null values."""
        if self.use_dictionary:
            return self.dictionary.dictionary
        if self.strictly_monotonic:
            return self.nonnull
        return pc.unique(self.nonnull)

    @property
    def distinct_count(self) -> int:
        if self.strictly_monotonic:
            return self.nonnull_count
        return len(self.distinct)

    @cached_property
    def value_counts(self) -> tuple[pa.Array, pa.Array]:
        """Distinct non-null values and their counts."""
        if self.use_dictionary:
            d = self.dictionary
            indices = d.indices.drop_null().to_numpy(zero_copy_only=False)
            counts = np.bincount(indices, minlength=len(d.dictionary))
            return d.dictionary, pa.array(counts, pa.int64())
        vc = pc.value_counts(self.nonnull)
        return vc.field("values"), vc.field("counts")

    def is_in(self, values: pa.Array) -> pa.Array:
        """``pc.is_in`` of the column (see :meth:`comparable`), via the dictionary if cheaper."""
        if self.use_dictionary:
            d = self.dictionary
            return pc.is_in(d.dictionary, value_set=values).take(d.indices)
        return pc.is_in(self.comparable(), value_set=values)

    @cached_property
    def text(self) -> pa.Array:
        """The column as strings (non-string columns are cast, like pandas ``astype(str)``)."""
        if _is_text(self.type):
            return self.arr
        try:
            return self.arr.cast(pa.string())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            raise _DataError(f"column {self.name!r} of type {self.type} has no text form") from exc

    @cached_property
    def numeric(self) -> pa.Array:
        """The column for arithmetic: booleans as 0/1, decimals as float64."""
        if pa.types.is_boolean(self.type):
            return self.arr.cast(pa.int64())
        if pa.types.is_decimal(self.type):
            return self.arr.cast(pa.float64())
        if pa.types.is_integer(self.type) or pa.types.is_floating(self.type):
            return self.arr
        raise _DataError(
            f"column {self.name!r} has type {self.type}, not a number; this expectation "
            "needs a numeric (or boolean) column"
        )

    def comparable(self) -> pa.Array:
        """The column for comparisons with bounds (decimals as float64)."""
        if pa.types.is_decimal(self.type):
            return self.arr.cast(pa.float64())
        return self.arr


class _Batch:
    def __init__(self, table: pa.Table) -> None:
        self.table = table
        self.num_rows = table.num_rows
        self.column_names: list[str] = list(table.column_names)
        self._columns: dict[str, _Column] = {}

    def column(self, name: str) -> _Column:
        col = self._columns.get(name)
        if col is None:
            if name not in self.column_names:
                raise _DataError(
                    f"column {name!r} does not exist in the data; available columns: "
                    f"{self.column_names}"
                )
            if self.column_names.count(name) > 1:
                raise _DataError(f"column name {name!r} appears more than once in the data")
            col = _Column(name, self.table.column(name))
            self._columns[name] = col
        return col


# -- result builders ------------------------------------------------------------------


def _pct(part: int, whole: int) -> float | None:
    return part / whole * 100.0 if whole else None


def _counts(values: list[Any]) -> list[dict[str, Any]]:
    """GE's ``partial_unexpected_counts``: value counts, most frequent first."""
    keys: dict[str, Any] = {}
    counter: Counter[str] = Counter()
    for v in values:
        k = repr(v)
        keys.setdefault(k, v)
        counter[k] += 1

    def order(item: tuple[str, int]) -> tuple[int, int, Any]:
        value = keys[item[0]]
        rank = (0, value) if isinstance(value, int | float | str) else (1, item[0])
        return (-item[1], *rank)

    try:
        items = sorted(counter.items(), key=order)
    except TypeError:
        items = sorted(counter.items(), key=lambda it: (-it[1], it[0]))
    return [{"value": keys[k], "count": n} for k, n in items]


def _mostly_success(considered: int, unexpected: int, mostly: float) -> bool:
    if considered == 0:
        return True
    return (considered - unexpected) / considered >= mostly


def _map_outcome(
    element_count: int,
    missing_count: int,
    unexpected: pa.Array | None,
    sample: Callable[[pa.Array], list[Any]],
    mostly: float,
    *,
    with_missing: bool = True,
    count_key: Callable[[Any], Any] | None = None,
) -> _Outcome:
    """Build a column-map result from the boolean ``unexpected`` mask (no nulls).

    ``unexpected`` None means no row is unexpected. ``count_key`` maps a sampled value to
    what ``partial_unexpected_counts`` reports (GE reports compound rows as lists).
    """
    unexpected_count = 0
    if unexpected is not None and len(unexpected):
        unexpected_count = int(pc.sum(unexpected).as_py() or 0)
    if unexpected is not None and unexpected_count:
        idx = pc.indices_nonzero(unexpected)[:PARTIAL_LIMIT]
        partial = [_py(v) for v in sample(idx)]
        index_list = idx.to_pylist()
    else:
        partial, index_list = [], []
    considered = element_count - missing_count
    result: dict[str, Any] = {
        "element_count": element_count,
        "unexpected_count": unexpected_count,
        "unexpected_percent": _pct(unexpected_count, considered),
        "partial_unexpected_list": partial,
    }
    if with_missing:
        result.update(
            {
                "missing_count": missing_count,
                "missing_percent": _pct(missing_count, element_count),
                "unexpected_percent_total": _pct(unexpected_count, element_count),
                "unexpected_percent_nonmissing": _pct(unexpected_count, considered),
            }
        )
    result["partial_unexpected_counts"] = _counts(
        [count_key(v) for v in partial] if count_key else partial
    )
    result["partial_unexpected_index_list"] = index_list
    return _Outcome(_mostly_success(considered, unexpected_count, mostly), result)


def _column_map(col: _Column, unexpected: pa.Array | None, mostly: float) -> _Outcome:
    """Map result for ``col``: null results and missing values never count as unexpected."""
    mask = None
    if unexpected is not None:
        mask = pc.fill_null(unexpected, False)
        if col.null_count:
            mask = pc.and_(mask, col.valid)
    return _map_outcome(
        col.length, col.null_count, mask, lambda idx: col.arr.take(idx).to_pylist(), mostly
    )


def _compare(actual: Any, bound: Any, what: str) -> tuple[Any, Any]:
    """Make an observed value and a bound comparable (ISO strings as times, tz aligned)."""
    if isinstance(actual, _dt.datetime):
        if isinstance(bound, str):
            bound = _parse_datetime(bound, what)
        elif isinstance(bound, _dt.date) and not isinstance(bound, _dt.datetime):
            bound = _dt.datetime(bound.year, bound.month, bound.day)
        if isinstance(bound, _dt.datetime) and (actual.tzinfo is None) != (bound.tzinfo is None):
            actual = actual.replace(tzinfo=_dt.UTC) if actual.tzinfo is None else actual
            bound = bound.replace(tzinfo=_dt.UTC) if bound.tzinfo is None else bound
    elif isinstance(actual, _dt.date):
        if isinstance(bound, str):
            bound = _parse_datetime(bound, what).date()
        elif isinstance(bound, _dt.datetime):
            bound = bound.date()
    elif isinstance(actual, decimal.Decimal):
        actual = float(actual)
    return actual, bound


def _in_bounds(value: Any, kw: Mapping[str, Any]) -> bool:
    """GE's ``_validate_metric_value_between``: None fails; None bounds are open."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    lo, hi = kw.get("min_value"), kw.get("max_value")
    try:
        if lo is not None:
            v, b = _compare(value, lo, "min_value")
            if not (v > b if kw.get("strict_min") else v >= b):
                return False
        if hi is not None:
            v, b = _compare(value, hi, "max_value")
            if not (v < b if kw.get("strict_max") else v <= b):
                return False
    except TypeError as exc:
        raise _DataError(
            f"cannot compare the observed value {value!r} with the bounds "
            f"min_value={lo!r}, max_value={hi!r}: {exc}"
        ) from exc
    return True


def _aggregate(observed: Any, kw: Mapping[str, Any]) -> _Outcome:
    success = _in_bounds(observed, kw)
    return _Outcome(success, {"observed_value": _py(observed)})


def _between_mask(arr: pa.Array, kw: Mapping[str, Any], column: str) -> pa.Array:
    """Boolean mask of values outside [min_value, max_value] (null where arr is null)."""
    ok: pa.Array | None = None
    t = arr.type
    if kw.get("min_value") is not None:
        lo = _scalar(kw["min_value"], t, "min_value", column)
        ok = pc.greater(arr, lo) if kw.get("strict_min") else pc.greater_equal(arr, lo)
    if kw.get("max_value") is not None:
        hi = _scalar(kw["max_value"], t, "max_value", column)
        below = pc.less(arr, hi) if kw.get("strict_max") else pc.less_equal(arr, hi)
        ok = below if ok is None else pc.and_(ok, below)
    if ok is None:  # both bounds open: nothing is out of range
        return pc.is_null(arr)
    return pc.invert(ok)


# -- expectations ---------------------------------------------------------------------

_Fn = Callable[..., _Outcome]


@dataclass(frozen=True)
class _Spec:
    kind: str  # "table" (fn(batch, kw)) or "column" (fn(batch, col, kw))
    required: tuple[str, ...]
    optional: Mapping[str, Any]
    fn: _Fn


SUPPORTED_EXPECTATIONS: dict[str, _Spec] = {}

_BOUNDS = {"min_value": None, "max_value": None, "strict_min": False, "strict_max": False}
_MOSTLY = {"mostly": 1.0}


def _expectation(
    name: str, kind: str, required: tuple[str, ...], **optional: Any
) -> Callable[[_Fn], _Fn]:
    """Register ``fn`` as the evaluator of ``name`` (``optional`` maps kwargs to defaults)."""

    def register(fn: _Fn) -> _Fn:
        SUPPORTED_EXPECTATIONS[name] = _Spec(kind, required, dict(optional), fn)
        return fn

    return register


# table expectations


@_expectation("expect_column_to_exist", "table", ("column",), column_index=None)
def _column_to_exist(batch: _Batch, kw: Mapping[str, Any]) -> _Outcome:
    names = batch.column_names
    index = kw.get("column_index")
    if index is not None:
        success = 0 <= index < len(names) and names[index] == kw["column"]
    else:
        success = kw["column"] in names
    return _Outcome(success, {})


@_expectation("expect_table_row_count_to_be_between", "table", (), **_BOUNDS)
def _row_count_between(batch: _Batch, kw: Mapping[str, Any]) -> _Outcome:
    return _aggregate(batch.num_rows, kw)


@_expectation("expect_table_row_count_to_equal", "table", ("value",))
def _row_count_equal(batch: _Batch, kw: Mapping[str, Any]) -> _Outcome:
    return _Outcome(batch.num_rows == kw["value"], {"observed_value": batch.num_rows})


@_expectation("expect_table_column_count_to_equal", "table", ("value",))
def _column_count_equal(batch: _Batch, kw: Mapping[str, Any]) -> _Outcome:
    n = len(batch.column_names)
    return _Outcome(n == kw["value"], {"observed_value": n})


@_expectation(
    "expect_table_column_count_to_be_between", "table", (), min_value=None, max_value=None
)
def _column_count_between(batch: _Batch, kw: Mapping[str, Any]) -> _Outcome:
    return _aggregate(len(batch.column_names), kw)


@_expectation("expect_table_columns_to_match_ordered_list", "table", (), column_list=None)
def _columns_ordered(batch: _Batch, kw: Mapping[str, Any]) -> _Outcome:
    actual = list(batch.column_names)
    expected = kw.get("column_list")
    if expected is None or actual == list(expected):
        return _Outcome(True, {"observed_value": actual})
    expected = list(expected)
    mismatched = []
    for i in range(max(len(expected), len(actual))):
        e = expected[i] if i < len(expected) else None
        a = actual[i] if i < len(actual) else None
        if e != a:
            mismatched.append({"Expected Column Position": i, "Expected": e, "Found": a})
    return _Outcome(False, {"observed_value": actual, "details": {"mismatched": mismatched}})


@_expectation("expect_table_columns_to_match_set", "table", (), column_set=None, exact_match=True)
def _columns_set(batch: _Batch, kw: Mapping[str, Any]) -> _Outcome:
    actual = set(batch.column_names)
    observed = sorted(actual)
    column_set = kw.get("column_set")
    expected = set(column_set) if column_set is not None else set()
    exact = kw.get("exact_match")
    unexpected = sorted(actual - expected)
    missing = sorted(expected - actual)
    if (column_set is None and exact is not True) or (not unexpected and not missing):
        return _Outcome(True, {"observed_value": observed})
    mismatched: dict[str, Any] = {}
    if unexpected:
        mismatched["unexpected"] = unexpected
    if missing:
        mismatched["missing"] = missing
    success = False if exact else not missing
    return _Outcome(success, {"observed_value": observed, "details": {"mismatched": mismatched}})


@_expectation(
    "expect_compound_columns_to_be_unique",
    "table",
    ("column_list",),
    ignore_row_if="all_values_are_missing",
    **_MOSTLY,
)
def _compound_unique(batch: _Batch, kw: Mapping[str, Any]) -> _Outcome:
    cols = [batch.column(name) for name in kw["column_list"]]
    n = batch.num_rows
    policy = kw.get("ignore_row_if") or "all_values_are_missing"
    ignored: pa.Array | None = None
    if policy != "never" and any(c.null_count for c in cols):
        nulls = [pc.is_null(c.arr) for c in cols]
        ignored = nulls[0]
        for m in nulls[1:]:
            ignored = (
                pc.and_(ignored, m) if policy == "all_values_are_missing" else pc.or_(ignored, m)
            )
    missing_count = int(pc.sum(ignored).as_py() or 0) if ignored is not None and n else 0
    # One integer key per row: combine each column's dictionary index (nulls encoded as
    # a value of their own, so rows with equal nulls are duplicates, as in pandas), and
    # re-encode after every step so the key stays below the row count.
    key: pa.Array | None = None
    for c in cols:
        enc = pc.dictionary_encode(c.arr, null_encoding="encode")
        idx = enc.indices.cast(pa.int64())
        if key is None:
            key = idx
        else:
            key = pc.add(pc.multiply(key, len(enc.dictionary)), idx)
            key = pc.dictionary_encode(key).indices.cast(pa.int64())
    unexpected = None
    if key is not None and n:
        considered = key if ignored is None else key.filter(pc.invert(ignored))
        vc = pc.value_counts(considered)
        dup = vc.field("values").filter(pc.greater(vc.field("counts"), 1))
        unexpected = pc.is_in(key, value_set=dup)
        if ignored is not None:
            unexpected = pc.and_(unexpected, pc.invert(ignored))

    def sample(idx: pa.Array) -> list[Any]:
        columns = {c.name: c.arr.take(idx).to_pylist() for c in cols}
        return [{name: values[i] for name, values in columns.items()} for i in range(len(idx))]

    return _map_outcome(
        n, missing_count, unexpected, sample, kw["mostly"], count_key=lambda d: list(d.values())
    )


# column-map expectations


@_expectation("expect_column_values_to_not_be_null", "column", ("column",), **_MOSTLY)
def _not_null(batch: _Batch, col: _Column, kw: Mapping[str, Any]) -> _Outcome:
    mask = pc.is_null(col.arr) if col.null_count else None
    return _map_outcome(
        col.length, 0, mask, lambda idx: [None] * len(idx), kw["mostly"], with_missing=False
    )


@_expectation("expect_column_values_to_be_null", "column", ("column",), **_MOSTLY)
def _null(batch: _Batch, col: _Column, kw: Mapping[str, Any]) -> _Outcome:
    return _map_outcome(
        col.length,
        0,
        col.valid,
        lambda idx: col.arr.take(idx).to_pylist(),
        kw["mostly"],
        with_missing=False,
    )


@_expectation("expect_column_values_to_be_between", "column", ("column",), **_BOUNDS, **_MOSTLY)
def _values_between(batch: _Batch, col: _Column, kw: Mapping[str, Any]) -> _Outcome:
    return _column_map(col, _between_mask(col.comparable(), kw, col.name), kw["mostly"])


def _in_set_mask(col: _Column, value_set: Any) -> pa.Array:
    t = col.comparable().type if not _is_text(col.type) else col.type
    values, _ = _value_set_array(value_set, t, col.name)
    if _is_text(t) and not pa.types.is_string(t):
        values = values.cast(t)
    return col.is_in(values)


@_expectation("expect_column_values_to_be_in_set", "column", ("column", "value_set"), **_MOSTLY)
def _in_set(batch: _Batch, col: _Column, kw: Mapping[str, Any]) -> _Outcome:
    return _column_map(col, pc.invert(_in_set_mask(col, kw["value_set"])), kw["mostly"])


@_expectation("expect_column_values_to_not_be_in_set", "column", ("column", "value_set"), **_MOSTLY)
def _not_in_set(batch: _Batch, col: _Column, kw: Mapping[str, Any]) -> _Outcome:
    return _column_map(col, _in_set_mask(col, kw["value_set"]), kw["mostly"])


@_expectation("expect_column_values_to_be_unique", "column", ("column",), **_MOSTLY)
def _unique(batch: _Batch, col: _Column, kw: Mapping[str, Any]) -> _Outcome:
    mask = None
    if col.distinct_count < col.nonnull_count:
        values, counts = col.value_counts
        mask = col.is_in(values.filter(pc.greater(counts, 1)))
    return _column_map(col, mask, kw["mostly"])


def _regex_match(col: _Column, pattern: str) -> pa.Array:
    """Boolean mask: does ``pattern`` match anywhere in each value (re.search semantics)."""
    if col.use_dictionary:
        d = col.dictionary
        return _regex_match_array(d.dictionary, pattern).take(d.indices)
    return _regex_match_array(col.text, pattern)


def _regex_match_array(text: pa.Array, pattern: str) -> pa.Array:
    try:
        return pc.match_substring_regex(text, pattern=pattern)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        # RE2 lacks look-arounds and back-references: run Python's re once per distinct
        # value, then map the answer back to the rows with a hash lookup.
        compiled = re.compile(pattern)
        distinct = pc.unique(text.drop_null())
        hits = [v for v in distinct.to_pylist() if compiled.search(v)]
        return pc.is_in(text, value_set=pa.array(hits, type=text.type))


@_expectation(
    "expect_column_values_to_match_regex", "column", ("column",), regex="(?s).*", **_MOSTLY
)
def _match_regex(batch: _Batch, col: _Column, kw: Mapping[str, Any]) -> _Outcome:
    return _column_map(col, pc.invert(_regex_match(col, kw["regex"])), kw["mostly"])


@_expectation("expect_column_values_to_not_match_regex", "column", ("column", "regex"), **_MOSTLY)
def _not_match_regex(batch: _Batch, col: _Column, kw: Mapping[str, Any]) -> _Outcome:
    return _column_map(col, _regex_match(col, kw["regex"]), kw["mostly"])


def _lengths(col: _Column) -> pa.Array:
    if pa.types.is_binary(col.type) or pa.types.is_large_binary(col.type):
        return pc.binary_length(col.arr)
    return pc.utf8_length(col.text)


@_expectation(
    "expect_column_value_lengths_to_be_between", "column", ("column",), **_BOUNDS, **_MOSTLY
)
def _lengths_between(batch: _Batch, col: _Column, kw: Mapping[str, Any]) -> _Outcome:
    return _column_map(col, _between_mask(_lengths(col), kw, col.name), kw["mostly"])


@_expectation("expect_column_value_lengths_to_equal", "column", ("column", "value"), **_MOSTLY)
def _lengths_equal(batch: _Batch, col: _Column, kw: Mapping[str, Any]) -> _Outcome:
    return _column_map(col, pc.not_equal(_lengths(col), kw["value"]), kw["mostly"])


# types

_INT_ALIASES = {
    8: {"tinyint", "bytetype"},
    16: {"smallint", "shorttype"},
    32: {"integer", "integertype"},
    64: {"int", "long", "bigint", "longtype", "int_"},
}
_FLOAT_ALIASES = {
    16: {"float16", "halffloat", "half"},
    32: {"float32", "floattype", "real", "single"},
    64: {"float64", "float", "double", "doubletype", "float_"},
}
_OBJECT = {"object", "object_", "o"}


def type_names(t: pa.DataType) -> tuple[str, frozenset[str]]:
    """``(observed name, accepted type_ names)`` for an Arrow type.

    The observed name is the pandas dtype name GE reports (``int64``, ``float64``,
    ``bool``, ``str``, ``datetime64``...). Accepted names (compared case-insensitively)
    are the numpy / Python names GE accepts for that dtype, plus Arrow, Spark and SQL
    names: ``int64`` matches ``int64``, ``int``, ``long``, ``bigint``, ``LongType``;
    ``int32`` matches ``int32``, ``integer``, ``IntegerType``; ``float64`` matches
    ``float``, ``double``, ``DoubleType``; strings match ``str``, ``string``,
    ``StringType``, ``varchar``, ``object``. As in GE, ``int`` and ``float`` mean the
    64-bit types.
    """
    if pa.types.is_integer(t):
        w = t.bit_width
        if pa.types.is_signed_integer(t):
            return f"int{w}", frozenset({f"int{w}", str(t), *_INT_ALIASES[w]})
        return f"uint{w}", frozenset({f"uint{w}", str(t)})
    if pa.types.is_floating(t):
        w = t.bit_width
        return f"float{w}", frozenset(_FLOAT_ALIASES[w])
    if pa.types.is_boolean(t):
        return "bool", frozenset({"bool", "bool_", "boolean", "booleantype"})
    if _is_text(t):
        return "str", frozenset(
            {"str", "str_", "string", "stringtype", "varchar", "text", "unicode", "utf8"}
            | {"large_string", "large_utf8", "string_view", str(t)}
            | _OBJECT
        )
    if pa.types.is_timestamp(t):
        return "datetime64", frozenset(
            {"datetime64", "datetime", "timestamp", "timestamptype", str(t)}
        )
    if pa.types.is_date(t):
        return "date", frozenset({"date", "datetype", str(t), "date32", "date64"} | _OBJECT)
    if pa.types.is_decimal(t):
        return "decimal", frozenset({"decimal", "decimaltype", "numeric", str(t)} | _OBJECT)
    if pa.types.is_duration(t):
        return "timedelta64", frozenset({"timedelta64", "timedelta", "duration", str(t)})
    if pa.types.is_time(t):
        return "time", frozenset({"time", str(t)} | _OBJECT)
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t):
        return "bytes", frozenset({"bytes", "bytes_", "binary", "binarytype", str(t)} | _OBJECT)
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        return "list", frozenset({"list", "array", "arraytype", str(t)} | _OBJECT)
    if pa.types.is_struct(t) or pa.types.is_map(t):
        return "dict", frozenset({"dict", "struct", "structtype", "map", "maptype"} | _OBJECT)
    if pa.types.is_null(t):
        return "object", frozenset({"null", "none", "nonetype"} | _OBJECT)
    return str(t), frozenset({str(t)})


def _type_matches(type_: str, accepted: frozenset[str]) -> bool:
    name = type_.strip().lower()
    if name in accepted:
        return True
    return name.startswith("datetime64") and "datetime64" in accepted


@_expectation("expect_column_values_to_be_of_type", "column", ("column", "type_"), **_MOSTLY)
def _of_type(batch: _Batch, col: _Column, kw: Mapping[str, Any]) -> _Outcome:
    observed, accepted = type_names(col.type)
    return _Outcome(_type_matches(kw["type_"], accepted), {"observed_value": observed})


@_expectation(
    "expect_column_values_to_be_in_type_list", "column", ("column",), type_list=None, **_MOSTLY
)
def _in_type_list(batch: _Batch, col: _Column, kw: Mapping[str, Any]) -> _Outcome:
    observed, accepted = type_names(col.type)
    type_list = kw.get("type_list")
    success = type_list is None or any(_type_matches(t, accepted) for t in type_list)
    return _Outcome(success, {"observed_value": observed})


# column aggregate expectations


def _first(value: pa.Array | pa.Scalar) -> Any:
    if isinstance(value, pa.Scalar):
        return value.as_py()
    return value[0].as_py() if len(value) else None


def _orderable(col: _Column) -> pa.Array:
    t = col.type
    if (
        _is_numeric(t)
        or pa.types.is_boolean(t)
        or pa.types.is_temporal(t)
        or _is_text(t)
        or pa.types.is_binary(t)
    ):
        return col.arr
    raise _DataError(f"column {col.name!r} of type {t} has no order, so no min or max")


@_expectation("expect_column_min_to_be_between", "column", ("column",), **_BOUNDS)
def _min_between(batch: _Batch, col: _Column, kw: Mapping[str, Any]) -> _Outcome:
    return _aggregate(pc.min(_orderable(col)).as_py(), kw)


@_expectation("expect_column_max_to_be_between", "column", ("column",), **_BOUNDS)
def _max_between(batch: _Batch, col: _Column, kw: Mapping[str, Any]) -> _Outcome:
    return _aggregate(pc.max(_orderable(col)).as_py(), kw)


@_expectation("expect_column_mean_to_be_between", "column", ("column",), **_BOUNDS)
def _mean_between(batch: _Batch, col: _Column, kw: Mapping[str, Any]) -> _Outcome:
    return _aggregate(pc.mean(col.numeric).as_py(), kw)


@_expectation("expect_column_median_to_be_between", "column", ("column",), **_BOUNDS)
def _median_between(batch: _Batch, col: _Column, kw: Mapping[str, Any]) -> _Outcome:
    median = _first(pc.quantile(col.numeric, q=0.5, interpolation="linear"))
    return _aggregate(median, kw)


@_expectation("expect_column_stdev_to_be_between", "column", ("column",), **_BOUNDS)
def _stdev_between(batch: _Batch, col: _Column, kw: Mapping[str, Any]) -> _Outcome:
    return _aggregate(pc.stddev(col.numeric, ddof=1).as_py(), kw)


@_expectation("expect_column_sum_to_be_between", "column", ("column",), **_BOUNDS)
def _sum_between(batch: _Batch, col: _Column, kw: Mapping[str, Any]) -> _Outcome:
    return _aggregate(pc.sum(col.numeric, min_count=0).as_py(), kw)


@_expectation("expect_column_unique_value_count_to_be_between", "column", ("column",), **_BOUNDS)
def _unique_count_between(batch: _Batch, col: _Column, kw: Mapping[str, Any]) -> _Outcome:
    return _aggregate(col.distinct_count, kw)


@_expectation(
    "expect_column_proportion_of_unique_values_to_be_between", "column", ("column",), **_BOUNDS
)
def _unique_proportion_between(batch: _Batch, col: _Column, kw: Mapping[str, Any]) -> _Outcome:
    n = col.nonnull_count
    return _aggregate(col.distinct_count / n if n else 0, kw)


@_expectation(
    "expect_column_proportion_of_non_null_values_to_be_between", "column", ("column",), **_BOUNDS
)
def _non_null_proportion_between(batch: _Batch, col: _Column, kw: Mapping[str, Any]) -> _Outcome:
    return _aggregate(col.nonnull_count / col.length if col.length else None, kw)


def _distinct_not_in(col: _Column, value_set: Any) -> list[Any]:
    values = col.distinct
    if pa.types.is_decimal(values.type):
        values = values.cast(pa.float64())
    allowed, _ = _value_set_array(value_set, values.type, col.name)
    if _is_text(values.type) and not pa.types.is_string(values.type):
        allowed = allowed.cast(values.type)
    outside = values.filter(pc.invert(pc.is_in(values, value_set=allowed)))
    return _sorted_values([_py(v) for v in outside.to_pylist()])


def _set_missing_from(col: _Column, value_set: Any) -> list[Any]:
    values = col.distinct
    if pa.types.is_decimal(values.type):
        values = values.cast(pa.float64())
    expected, kept = _value_set_array(value_set, values.type, col.name)
    if _is_text(values.type) and not pa.types.is_string(values.type):
        expected = expected.cast(values.type)
    present = pc.is_in(expected, value_set=values).to_pylist()
    missing = [v for v, p in zip(kept, present, strict=True) if not p]
    missing += [v for v in value_set if v is not None and v not in kept]
    return _sorted_values(list(dict.fromkeys(_py(v) for v in missing)))


@_expectation("expect_column_distinct_values_to_be_in_set", "column", ("column", "value_set"))
def _distinct_in_set(batch: _Batch, col: _Column, kw: Mapping[str, Any]) -> _Outcome:
    outside = _distinct_not_in(col, kw["value_set"])
    return _Outcome(
        not outside,
        {
            "observed_value": None,
            "unexpected_count": len(outside),
            "partial_unexpected_list": outside[:PARTIAL_LIMIT],
        },
    )


@_expectation("expect_column_distinct_values_to_contain_set", "column", ("column", "value_set"))
def _distinct_contain_set(batch: _Batch, col: _Column, kw: Mapping[str, Any]) -> _Outcome:
    missing = _set_missing_from(col, kw["value_set"])
    return _Outcome(
        not missing,
        {
            "observed_value": None,
            "missing_count": len(missing),
            "partial_missing_list": missing[:PARTIAL_LIMIT],
        },
    )


@_expectation("expect_column_distinct_values_to_equal_set", "column", ("column", "value_set"))
def _distinct_equal_set(batch: _Batch, col: _Column, kw: Mapping[str, Any]) -> _Outcome:
    outside = _distinct_not_in(col, kw["value_set"])
    missing = _set_missing_from(col, kw["value_set"])
    return _Outcome(
        not outside and not missing,
        {
            "observed_value": None,
            "unexpected_count": len(outside),
            "missing_count": len(missing),
            "partial_unexpected_list": outside[:PARTIAL_LIMIT],
            "partial_missing_list": missing[:PARTIAL_LIMIT],
        },
    )


@_expectation(
    "expect_column_most_common_value_to_be_in_set",
    "column",
    ("column", "value_set"),
    ties_okay=None,
)
def _most_common_in_set(batch: _Batch, col: _Column, kw: Mapping[str, Any]) -> _Outcome:
    values, counts = col.value_counts
    if len(counts):
        top = pc.max(counts)
        modes = _sorted_values([_py(v) for v in values.filter(pc.equal(counts, top)).to_pylist()])
    else:
        modes = []
    hits = len(set(_py(v) for v in kw["value_set"] or []) & set(modes))
    success = hits > 0 if kw.get("ties_okay") else (len(modes) == 1 and hits == 1)
    return _Outcome(success, {"observed_value": modes})


# -- configuration checks -------------------------------------------------------------

# kwargs every GE expectation may carry that do not change what is computed here.
_NEUTRAL_KWARGS = frozenset(
    {
        "result_format",
        "include_config",
        "catch_exceptions",
        "meta",
        "batch_id",
        "severity",
        "notes",
        "description",
        "windows",
        "rendered_content",
        "condition_parser",
        "row_condition",
    }
)
_IGNORE_ROW_IF = ("all_values_are_missing", "any_value_is_missing", "never")
_NO_OPEN_BOUNDS = frozenset(
    {"expect_column_values_to_be_between", "expect_column_value_lengths_to_be_between"}
)


def supported_expectation_types() -> list[str]:
    """Names of the expectation types the native engine evaluates, sorted."""
    return sorted(SUPPORTED_EXPECTATIONS)


def _is_parameter(value: Any) -> bool:
    return isinstance(value, Mapping) and "$PARAMETER" in value


def _resolve(value: Any, params: Mapping[str, Any] | None) -> Any:
    """Substitute ``{"$PARAMETER": name}`` with ``params[name]`` (recursively)."""
    if _is_parameter(value):
        name = value["$PARAMETER"]
        if params is None:
            return value
        if name not in params:
            raise _ConfigError(
                f"evaluation parameter {name!r} has no value; pass "
                f"evaluation_parameters={{{name!r}: ...}}"
            )
        return params[name]
    if isinstance(value, list):
        return [_resolve(v, params) for v in value]
    return value


def _check_kwargs(name: str, spec: _Spec, raw: Mapping[str, Any], params: Any) -> dict[str, Any]:
    """Validate and complete one expectation's kwargs; raise _ConfigError on problems."""
    unknown = sorted(set(raw) - set(spec.required) - set(spec.optional) - _NEUTRAL_KWARGS)
    if unknown:
        accepted = sorted({*spec.required, *spec.optional})
        raise _ConfigError(f"unknown kwargs {unknown}; {name} accepts {accepted}")
    missing = [k for k in spec.required if raw.get(k) is None]
    if missing:
        raise _ConfigError(f"missing required kwargs {missing}")
    if raw.get("row_condition") not in (None, ""):
        raise _ConfigError(
            "row_condition is not supported by the native engine; filter the dataframe "
            "before validating, or split the expectation into a suite for the subset"
        )
    kw = {k: _resolve(v, params) for k, v in raw.items() if k not in _NEUTRAL_KWARGS}
    for key, default in spec.optional.items():
        if kw.get(key) is None:
            kw[key] = default

    def deferred(key: str) -> bool:
        return _is_parameter(kw.get(key))

    if (
        "column" in kw
        and not deferred("column")
        and (not isinstance(kw["column"], str) or not kw["column"])
    ):
        raise _ConfigError(f"column must be a column name (string), got {kw['column']!r}")
    if "mostly" in kw and not deferred("mostly"):
        m = kw["mostly"]
        if isinstance(m, bool) or not isinstance(m, int | float) or not 0 <= m <= 1:
            raise _ConfigError(f"mostly must be a number between 0 and 1, got {m!r}")
    for key in ("strict_min", "strict_max", "exact_match", "ties_okay"):
        if kw.get(key) is not None and not deferred(key) and not isinstance(kw[key], bool):
            raise _ConfigError(f"{key} must be true or false, got {kw[key]!r}")
    for key in ("min_value", "max_value"):
        value = kw.get(key)
        if isinstance(value, list | dict) and not deferred(key):
            raise _ConfigError(f"{key} must be a single value, got {value!r}")
    if name in _NO_OPEN_BOUNDS and kw.get("min_value") is None and kw.get("max_value") is None:
        raise _ConfigError("min_value and max_value cannot both be None")
    for key in ("value_set", "column_set", "type_list"):
        if key in kw and kw[key] is not None and not deferred(key):
            if isinstance(kw[key], str | bytes) or not isinstance(kw[key], list | tuple | set):
                raise _ConfigError(f"{key} must be a list, got {kw[key]!r}")
            kw[key] = list(kw[key])
    if "column_list" in kw and kw["column_list"] is not None and not deferred("column_list"):
        cl = kw["column_list"]
        if isinstance(cl, str) or not isinstance(cl, list | tuple):
            raise _ConfigError(f"column_list must be a list of column names, got {cl!r}")
        if not all(isinstance(c, str) for c in cl):
            raise _ConfigError(f"column_list must contain column names (strings), got {cl!r}")
        if name == "expect_compound_columns_to_be_unique" and not cl:
            raise _ConfigError("column_list must name at least one column")
        kw["column_list"] = list(cl)
    if "regex" in kw and not deferred("regex"):
        if not isinstance(kw["regex"], str):
            raise _ConfigError(f"regex must be a string, got {kw['regex']!r}")
        try:
            re.compile(kw["regex"])
        except re.error as exc:
            raise _ConfigError(f"regex {kw['regex']!r} is invalid: {exc}") from exc
    if "type_" in kw and not deferred("type_") and not isinstance(kw["type_"], str):
        raise _ConfigError(f"type_ must be a type name such as 'int64', got {kw['type_']!r}")
    if (
        "ignore_row_if" in spec.optional
        and kw.get("ignore_row_if") not in _IGNORE_ROW_IF
        and not deferred("ignore_row_if")
    ):
        raise _ConfigError(
            f"ignore_row_if must be one of {list(_IGNORE_ROW_IF)}, got {kw['ignore_row_if']!r}"
        )
    for key in ("value", "column_index"):
        value = kw.get(key)
        if (
            value is not None
            and not deferred(key)
            and (isinstance(value, bool) or not isinstance(value, int | float))
        ):
            raise _ConfigError(f"{key} must be a number, got {value!r}")
    return kw


def _plan(
    suite: ExpectationSuite, params: Mapping[str, Any] | None
) -> list[tuple[ExpectationConfiguration, _Spec, dict[str, Any]]]:
    plans = []
    problems: list[str] = []
    unsupported: list[str] = []
    for exp in suite.expectations:
        spec = SUPPORTED_EXPECTATIONS.get(exp.expectation_type)
        label = f"{exp.expectation_type} (id {exp.id})"
        if spec is None:
            unsupported.append(label)
            continue
        try:
            kw = _check_kwargs(exp.expectation_type, spec, exp.kwargs, params)
        except _ConfigError as exc:
            problems.append(f"{label}: {exc}")
            continue
        plans.append((exp, spec, kw))
    if unsupported or problems:
        lines = [f"expectation suite {suite.expectation_suite_name!r} cannot be validated:"]
        if unsupported:
            lines.append(
                f"unsupported expectation types {unsupported}; the native engine supports: "
                + ", ".join(supported_expectation_types())
            )
        lines.extend(problems)
        raise InvalidInput("\n".join(lines))
    return plans


def check_supported(suite: Any) -> None:
    """Fail early if ``suite`` cannot be validated by the native engine.

    Raises :class:`~mvps.errors.InvalidInput` listing every unsupported expectation type
    (with the supported ones) and every invalid kwarg. ``{"$PARAMETER": ...}`` values are
    not checked, since their values are only known at validation time.
    """
    _plan(as_suite(suite), None)


# -- validation -----------------------------------------------------------------------


def _to_table(data: Any) -> pa.Table:
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    module = type(data).__module__.split(".")[0]
    try:
        if module == "pandas":
            return pa.Table.from_pandas(data, preserve_index=False)
        if module == "polars" and hasattr(data, "to_arrow"):
            return data.to_arrow()
        if hasattr(data, "__arrow_c_stream__") or isinstance(data, Mapping):
            return pa.table(data)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError) as exc:
        raise InvalidInput(
            f"cannot convert the {type(data).__name__} to an Arrow table for validation: {exc}; "
            "make every column a single type"
        ) from exc
    raise InvalidInput(
        f"cannot validate a {type(data).__name__}; pass a pyarrow Table or RecordBatch, "
        "a pandas or polars DataFrame"
    )


def _evaluate(spec: _Spec, batch: _Batch, kw: Mapping[str, Any]) -> _Outcome:
    try:
        if spec.kind == "table":
            return spec.fn(batch, kw)
        return spec.fn(batch, batch.column(kw["column"]), kw)
    except _DataError as exc:
        return _Outcome(False, {}, str(exc))
    except Exception as exc:
        return _Outcome(False, {}, f"{type(exc).__name__}: {exc}", traceback.format_exc())


def validate(
    data: Any,
    suite: Any,
    *,
    evaluation_parameters: Mapping[str, Any] | None = None,
    meta: Mapping[str, Any] | None = None,
) -> ValidationReport:
    """Validate ``data`` against ``suite`` and return the report.

    Parameters:
        data: a ``pyarrow.Table`` (or RecordBatch, pandas / polars DataFrame, any object
            with ``__arrow_c_stream__``).
        suite: an :class:`ExpectationSuite` or anything :func:`as_suite` accepts (dict,
            JSON string, great_expectations suite).
        evaluation_parameters: values for kwargs written as ``{"$PARAMETER": name}``.
        meta: extra entries for the report's ``meta``.

    The report's ``ingestion_result`` is ``"UNKNOWN"``; the caller records what it did
    with the data (see :func:`~mvps.validation.report.apply_ingestion_policy`).

    Raises :class:`~mvps.errors.InvalidInput` before evaluating anything when the suite has
    an unsupported expectation type or invalid kwargs. Problems with the data (a missing
    column, a text column given to a mean) do not raise: the expectation fails and its
    ``exception_info`` says why.
    """
    suite = as_suite(suite)
    params = dict(evaluation_parameters or {})
    plans = _plan(suite, params)
    table = _to_table(data)
    batch = _Batch(table)
    now = _dt.datetime.now(_dt.UTC).isoformat()
    results = []
    for exp, spec, kw in plans:
        outcome = _evaluate(spec, batch, kw)
        config = exp.to_ge_dict()
        config["kwargs"] = {k: _resolve(v, params) for k, v in config["kwargs"].items()}
        results.append(
            ValidationResult(
                success=outcome.success,
                expectation_config=config,
                result=outcome.result,
                meta={},
                exception_info={
                    "raised_exception": outcome.exception is not None,
                    "exception_message": outcome.exception,
                    "exception_traceback": outcome.traceback,
                },
                expectation_id=exp.id,
                validation_time=now,
            )
        )
    from mvps import __version__

    report_meta: dict[str, Any] = {
        "expectation_suite_name": suite.expectation_suite_name,
        "validation_engine": ENGINE_NAME,
        "mvps_version": __version__,
        "row_count": batch.num_rows,
        "column_count": len(batch.column_names),
        "validation_time": now,
    }
    report_meta.update(meta or {})
    return ValidationReport(
        success=all(r.success for r in results),
        results=results,
        meta=report_meta,
        evaluation_parameters=params,
        ingestion_result="UNKNOWN",
        validation_time=now,
    )
