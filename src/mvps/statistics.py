"""Descriptive statistics of feature data.

Hopsworks computes descriptive statistics (with Deequ) for every feature-group commit and
every training-dataset split; model-dependent transformation functions (min-max scaler,
standard scaler, robust scaler, label encoder, one-hot encoder) read them. This module is
the mvps equivalent:

* :class:`StatisticsConfig` says what to compute (Hopsworks' ``statistics_config``).
* :class:`FeatureDescriptiveStatistics` holds the statistics of one column, with the
  field names Hopsworks uses (``count``, ``completeness``, ``num_null_values``, ``min``,
  ``max``, ``mean``, ``stddev``, ``percentiles``, ``extended_statistics`` ...).
* :class:`Statistics` holds the statistics of a whole table (one commit or one split).
* :func:`compute_statistics` computes them over a :class:`pyarrow.Table` with DuckDB.

Conventions shared with Hopsworks:

* ``percentiles`` is a list of 100 values where index ``i`` holds the ``(i + 1)``-th
  percentile: ``percentiles[24]`` is p25, ``percentiles[49]`` the median,
  ``percentiles[74]`` p75 and ``percentiles[99]`` the maximum.
* ``distinctness``, ``uniqueness`` and ``entropy`` are computed over the non-null values:
  distinctness = distinct values / values, uniqueness = values occurring exactly once /
  values, entropy = ``-sum(p * ln(p))`` over the value frequencies (natural logarithm).
* ``feature_type`` is one of ``"Integral"``, ``"Fractional"``, ``"String"``,
  ``"Boolean"``, plus ``"Timestamp"``, ``"Date"``, ``"Time"`` for temporal columns and
  ``"Unknown"`` for everything else (nested, binary, duration ...), which only gets counts.

Floating-point NaN counts as a missing value, as in pandas: it is included in
``num_null_values`` and excluded from every other statistic.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from mvps._deps import require
from mvps.errors import InvalidInput, NotFound

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: Fractions of the 100 percentiles: index ``i`` is the ``(i + 1)``-th percentile.
PERCENTILE_FRACTIONS: tuple[float, ...] = tuple((i + 1) / 100 for i in range(100))

#: Number of equal-width bins of a numeric histogram.
HISTOGRAM_BINS = 20

#: Columns with at most this many distinct values store their sorted ``unique_values``.
UNIQUE_VALUES_CAP = 10_000

#: Number of most frequent values kept in ``top_values``.
TOP_VALUES = 20

#: Tables with at most this many rows get exact percentiles (``quantile_cont``, linear
#: interpolation like ``numpy.percentile``); larger tables get t-digest estimates
#: (``approx_quantile``), which are several times faster.
EXACT_PERCENTILES_MAX_ROWS = 100_000

INTEGRAL = "Integral"
FRACTIONAL = "Fractional"
STRING = "String"
BOOLEAN = "Boolean"
TIMESTAMP = "Timestamp"
DATE = "Date"
TIME = "Time"
UNKNOWN = "Unknown"

NUMERIC_TYPES = frozenset({INTEGRAL, FRACTIONAL})
CATEGORICAL_TYPES = frozenset({STRING, BOOLEAN})
TEMPORAL_TYPES = frozenset({TIMESTAMP, DATE, TIME})

# The cardinality estimate (HyperLogLog) is off by a few percent; columns whose estimate
# is below the cap times this slack get exact value counts, which settle the question.
_CARDINALITY_SLACK = 1.25

# JSON has no NaN or infinity; they are stored as these strings.
_NON_FINITE_TO_JSON = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}
_NON_FINITE_FROM_JSON = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}

_INPUT_TABLE = "mvps_statistics_input"


# --------------------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------------------


def _camel_to_snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@dataclass
class StatisticsConfig:
    """What statistics to compute for a feature group or training dataset.

    Mirrors Hopsworks' ``StatisticsConfig``:

    * ``enabled``: compute descriptive statistics at all.
    * ``correlations``: Pearson correlations between the numeric columns, stored in each
      numeric feature's ``extended_statistics["correlations"]``.
    * ``histograms``: equal-width histograms (:data:`HISTOGRAM_BINS` bins) of the numeric
      columns, stored in ``extended_statistics["histogram"]``.
    * ``exact_uniqueness``: exact ``exact_num_distinct_values``, ``distinctness``,
      ``uniqueness`` and ``entropy`` for every column (one GROUP BY per column). Without
      it these are still exact, and free, for columns whose values are counted anyway
      (strings, booleans and integers with at most :data:`UNIQUE_VALUES_CAP` distinct
      values), and absent for the others.
    * ``columns``: the columns to describe; ``None`` means all columns.
    """

    enabled: bool = True
    correlations: bool = False
    histograms: bool = False
    exact_uniqueness: bool = False
    columns: list[str] | None = None

    def __post_init__(self) -> None:
        for name in ("enabled", "correlations", "histograms", "exact_uniqueness"):
            value = getattr(self, name)
            if not isinstance(value, bool):
                raise InvalidInput(f"StatisticsConfig.{name} must be True or False, got {value!r}")
        if self.columns is not None:
            self.columns = _column_list(self.columns, "StatisticsConfig.columns")

    @classmethod
    def from_value(cls, value: Any) -> StatisticsConfig:
        """Build a config from what users pass as ``statistics_config``.

        * ``None``: the defaults (statistics enabled).
        * ``True`` / ``False``: enable or disable statistics, other settings default.
        * a dict: keyword arguments, in snake_case or Hopsworks' camelCase
          (``exactUniqueness``).
        * a :class:`StatisticsConfig`: returned unchanged.
        """
        if value is None:
            return cls()
        if isinstance(value, StatisticsConfig):
            return value
        if isinstance(value, bool):
            return cls(enabled=value)
        if isinstance(value, Mapping):
            allowed = {f.name for f in dataclasses.fields(cls)}
            kwargs: dict[str, Any] = {}
            unknown = []
            for key, item in value.items():
                name = _camel_to_snake(str(key))
                if name in allowed:
                    kwargs[name] = item
                else:
                    unknown.append(key)
            if unknown:
                raise InvalidInput(
                    f"unknown statistics_config keys {sorted(map(str, unknown))}; "
                    f"the allowed keys are {sorted(allowed)}"
                )
            return cls(**kwargs)
        raise InvalidInput(
            f"statistics_config must be None, a bool, a dict or a StatisticsConfig, "
            f"got {type(value).__name__}; for example statistics_config={{'histograms': True}}"
        )

    def to_dict(self) -> dict[str, Any]:
        """The settings as a JSON-safe dict; :meth:`from_value` reads it back."""
        return {
            "enabled": self.enabled,
            "correlations": self.correlations,
            "histograms": self.histograms,
            "exact_uniqueness": self.exact_uniqueness,
            "columns": None if self.columns is None else list(self.columns),
        }


def _column_list(columns: Any, what: str) -> list[str]:
    """Validate a list of column names; a single string means one column."""
    if isinstance(columns, str):
        return [columns]
    if not isinstance(columns, Iterable) or isinstance(columns, Mapping | bytes):
        raise InvalidInput(f"{what} must be a list of column names, got {columns!r}")
    names = list(columns)
    bad = [name for name in names if not isinstance(name, str)]
    if bad:
        raise InvalidInput(f"{what} must contain column names (strings), got {bad!r}")
    return list(dict.fromkeys(names))


# --------------------------------------------------------------------------------------
# Result classes
# --------------------------------------------------------------------------------------


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _json_safe(value: Any) -> Any:
    """Recursively turn ``value`` into something ``json.dumps(allow_nan=False)`` accepts."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return _NON_FINITE_TO_JSON[repr(value)]
    if isinstance(value, Decimal):
        return _json_safe(float(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    if hasattr(value, "item"):  # numpy scalars
        return _json_safe(value.item())
    return str(value)


def _float_from_json(value: Any) -> Any:
    """Undo :func:`_json_safe` for a value that is a number (or a list of numbers)."""
    if isinstance(value, str):
        return _NON_FINITE_FROM_JSON.get(value, value)
    if isinstance(value, list):
        return [_float_from_json(item) for item in value]
    return value


def _datetime_from_json(value: Any) -> Any:
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    return value


@dataclass
class FeatureDescriptiveStatistics:
    """Descriptive statistics of one feature (column), with Hopsworks' field names.

    Every statistic that was not computed, or is undefined (the mean of no values), is
    ``None``. ``min`` and ``max`` are numbers for numeric columns and ISO-8601 strings
    for temporal ones. ``percentiles`` (numeric columns only) has 100 entries, index ``i``
    being the ``(i + 1)``-th percentile, so ``percentiles[49]`` is the median.

    ``extended_statistics`` may hold:

    * ``"histogram"``: ``[{"bin": [lower, upper], "count": n}, ...]`` with
      :data:`HISTOGRAM_BINS` equal-width bins from ``min`` to ``max`` (numeric columns,
      when histograms are enabled and min and max are finite). Bins are half-open
      ``[lower, upper)`` except the last, which includes ``max``; counts sum to
      ``num_non_null_values``.
    * ``"unique_values"``: the sorted distinct non-null values (string, boolean and
      integral columns with at most :data:`UNIQUE_VALUES_CAP` distinct values). This is
      what the label and one-hot encoders read.
    * ``"top_values"``: ``[{"value": v, "count": n}, ...]``, the :data:`TOP_VALUES` most
      frequent values, most frequent first, ties by value (string and boolean columns).
    * ``"correlations"``: ``[{"column": other, "correlation": r}, ...]``, Pearson
      correlations with the other numeric columns (when enabled; ``r`` is ``None`` when
      undefined, e.g. for a constant column).

    They are also readable as attributes: ``stats.histogram``, ``stats.unique_values``,
    ``stats.top_values``, ``stats.correlations``.
    """

    feature_name: str
    feature_type: str | None = None
    count: int | None = None
    completeness: float | None = None
    num_non_null_values: int | None = None
    num_null_values: int | None = None
    approx_num_distinct_values: int | None = None
    min: Any = None
    max: Any = None
    sum: float | None = None
    mean: float | None = None
    stddev: float | None = None
    percentiles: list[float] | None = None
    distinctness: float | None = None
    entropy: float | None = None
    uniqueness: float | None = None
    exact_num_distinct_values: int | None = None
    extended_statistics: dict[str, Any] | None = None

    _SINGLE_VALUE_STATISTICS = (
        "count",
        "completeness",
        "num_non_null_values",
        "num_null_values",
        "approx_num_distinct_values",
        "min",
        "max",
        "sum",
        "mean",
        "stddev",
        "distinctness",
        "entropy",
        "uniqueness",
        "exact_num_distinct_values",
    )

    def _extended(self, key: str) -> Any:
        return (self.extended_statistics or {}).get(key)

    @property
    def std_dev(self) -> float | None:
        """Alias of :attr:`stddev` (the newer Hopsworks spelling)."""
        return self.stddev

    @property
    def histogram(self) -> list[dict[str, Any]] | None:
        """The numeric histogram, or ``None`` when not computed."""
        return self._extended("histogram")

    @property
    def unique_values(self) -> list[Any] | None:
        """The sorted distinct non-null values, or ``None`` when not stored."""
        return self._extended("unique_values")

    @property
    def top_values(self) -> list[dict[str, Any]] | None:
        """The most frequent values with their counts, or ``None`` when not computed."""
        return self._extended("top_values")

    @property
    def correlations(self) -> list[dict[str, Any]] | None:
        """Correlations with the other numeric columns, or ``None`` when not computed."""
        return self._extended("correlations")

    def get_value(self, name: str) -> Any:
        """A single-value statistic by name (case-insensitive); ``None`` for other names."""
        stat = name.lower()
        if stat not in self._SINGLE_VALUE_STATISTICS:
            return None
        return getattr(self, stat)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict (NaN and infinities become ``"NaN"``, ``"Infinity"``...)."""
        return {f.name: _json_safe(getattr(self, f.name)) for f in dataclasses.fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FeatureDescriptiveStatistics:
        """Read :meth:`to_dict` output; Hopsworks' camelCase keys are accepted too.

        Unknown keys (such as Hopsworks' ``id``) are ignored; ``extended_statistics`` may
        be a JSON string, as in Hopsworks responses.
        """
        import json

        names = {f.name for f in dataclasses.fields(cls)}
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            name = _camel_to_snake(str(key))
            if name in names:
                kwargs[name] = value
        if "feature_name" not in kwargs:
            raise InvalidInput(f"feature statistics need a 'feature_name', got keys {sorted(data)}")
        for name in ("min", "max", "sum", "mean", "stddev", "percentiles"):
            kwargs[name] = _float_from_json(kwargs.get(name))
        for name in ("completeness", "distinctness", "entropy", "uniqueness"):
            kwargs[name] = _float_from_json(kwargs.get(name))
        extended = kwargs.get("extended_statistics")
        if isinstance(extended, str):
            extended = json.loads(extended)
        if extended is not None:
            extended = dict(extended)
            if extended.get("histogram") is not None:
                extended["histogram"] = [
                    {**item, "bin": _float_from_json(item.get("bin"))}
                    if "bin" in item
                    else dict(item)
                    for item in extended["histogram"]
                ]
            if extended.get("correlations") is not None:
                extended["correlations"] = [
                    {**item, "correlation": _float_from_json(item.get("correlation"))}
                    for item in extended["correlations"]
                ]
        kwargs["extended_statistics"] = extended
        return cls(**kwargs)


@dataclass
class Statistics:
    """Descriptive statistics of a table: one feature-group commit or dataset split.

    ``computation_time`` is a UTC datetime. ``window_start_commit_time`` and
    ``window_end_commit_time`` (the commits the statistics cover), ``commit_version``,
    ``split_name`` and ``before_transformation`` are set by the caller, e.g. with
    ``dataclasses.replace(stats, commit_version=3)``.

    A feature's statistics are available as ``stats.get("age")``, ``stats["age"]`` or,
    as in Hopsworks transformation functions, ``stats.age`` (for names that are not
    attributes of this class).
    """

    computation_time: dt.datetime = field(default_factory=_utcnow)
    row_percentage: float = 1.0
    feature_descriptive_statistics: list[FeatureDescriptiveStatistics] = field(default_factory=list)
    window_start_commit_time: dt.datetime | int | None = None
    window_end_commit_time: dt.datetime | int | None = None
    commit_version: int | None = None
    split_name: str | None = None
    before_transformation: bool = False

    @property
    def feature_names(self) -> list[str]:
        """Names of the described features, in column order."""
        return [fds.feature_name for fds in self.feature_descriptive_statistics]

    def get(
        self, feature_name: str, default: FeatureDescriptiveStatistics | None = None
    ) -> FeatureDescriptiveStatistics | None:
        """Statistics of ``feature_name`` or ``default``.

        The exact name is preferred; otherwise a case-insensitive match is used
        (Hopsworks lower-cases feature names).
        """
        fds_list = self.__dict__.get("feature_descriptive_statistics") or []
        for fds in fds_list:
            if fds.feature_name == feature_name:
                return fds
        lowered = feature_name.lower()
        matches = [fds for fds in fds_list if fds.feature_name.lower() == lowered]
        return matches[0] if len(matches) == 1 else default

    def __getitem__(self, feature_name: str) -> FeatureDescriptiveStatistics:
        fds = self.get(feature_name)
        if fds is None:
            raise NotFound(
                f"no statistics for feature {feature_name!r}; "
                f"statistics exist for {self.feature_names}"
            )
        return fds

    def __contains__(self, feature_name: object) -> bool:
        return isinstance(feature_name, str) and self.get(feature_name) is not None

    def __getattr__(self, name: str) -> FeatureDescriptiveStatistics:
        # Only called when normal attribute lookup fails: resolve feature names. Reads
        # go through __dict__ so a half-built instance (unpickling) cannot recurse.
        fds_list = self.__dict__.get("feature_descriptive_statistics")
        if name.startswith("_") or fds_list is None:
            raise AttributeError(name)
        fds = self.get(name)
        if fds is None:
            raise AttributeError(
                f"'Statistics' object has no attribute or feature {name!r}; "
                f"features: {[item.feature_name for item in fds_list]}"
            )
        return fds

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict: datetimes as ISO-8601 strings, NaN/infinity as strings."""
        return {
            "computation_time": _json_safe(self.computation_time),
            "row_percentage": _json_safe(self.row_percentage),
            "feature_descriptive_statistics": [
                fds.to_dict() for fds in self.feature_descriptive_statistics
            ],
            "window_start_commit_time": _json_safe(self.window_start_commit_time),
            "window_end_commit_time": _json_safe(self.window_end_commit_time),
            "commit_version": self.commit_version,
            "split_name": self.split_name,
            "before_transformation": self.before_transformation,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Statistics:
        """Read :meth:`to_dict` output (camelCase keys are accepted too)."""
        values = {_camel_to_snake(str(key)): value for key, value in data.items()}
        computation_time = _datetime_from_json(values.get("computation_time"))
        if isinstance(computation_time, int | float) and not isinstance(computation_time, bool):
            # Hopsworks sends epoch milliseconds.
            computation_time = dt.datetime.fromtimestamp(computation_time / 1000, dt.UTC)
        if computation_time is None:
            raise InvalidInput(
                f"statistics need a 'computation_time', got keys {sorted(map(str, data))}"
            )
        return cls(
            computation_time=computation_time,
            row_percentage=_float_from_json(values.get("row_percentage", 1.0)),
            feature_descriptive_statistics=[
                FeatureDescriptiveStatistics.from_dict(item)
                for item in values.get("feature_descriptive_statistics") or []
            ],
            window_start_commit_time=_datetime_from_json(values.get("window_start_commit_time")),
            window_end_commit_time=_datetime_from_json(values.get("window_end_commit_time")),
            commit_version=values.get("commit_version"),
            split_name=values.get("split_name"),
            before_transformation=bool(values.get("before_transformation", False)),
        )

    def to_pandas(self) -> pd.DataFrame:
        """One row per feature, one column per :class:`FeatureDescriptiveStatistics` field."""
        import pandas as pd

        columns = [f.name for f in dataclasses.fields(FeatureDescriptiveStatistics)]
        rows = [
            {name: getattr(fds, name) for name in columns}
            for fds in self.feature_descriptive_statistics
        ]
        return pd.DataFrame(rows, columns=columns)


# --------------------------------------------------------------------------------------
# Computation
# --------------------------------------------------------------------------------------


def _feature_type(dtype: pa.DataType) -> str:
    """The Hopsworks/Deequ-style type name of an Arrow type."""
    if pa.types.is_dictionary(dtype):
        return _feature_type(dtype.value_type)
    if pa.types.is_boolean(dtype):
        return BOOLEAN
    if pa.types.is_integer(dtype):
        return INTEGRAL
    if pa.types.is_floating(dtype) or pa.types.is_decimal(dtype):
        return FRACTIONAL
    if (
        pa.types.is_string(dtype)
        or pa.types.is_large_string(dtype)
        or pa.types.is_string_view(dtype)
    ):
        return STRING
    if pa.types.is_timestamp(dtype):
        return TIMESTAMP
    if pa.types.is_date(dtype):
        return DATE
    if pa.types.is_time(dtype):
        return TIME
    return UNKNOWN


def _value_type(dtype: pa.DataType) -> pa.DataType:
    """The type of the values: the dictionary's value type for dictionary columns."""
    return dtype.value_type if pa.types.is_dictionary(dtype) else dtype


def _duckdb_ready(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """Cast the few Arrow types DuckDB cannot scan (float16, non-128-bit decimals)."""
    value_type = _value_type(column.type)
    if pa.types.is_float16(value_type):
        return column.cast(pa.float32())
    if pa.types.is_decimal(value_type) and not pa.types.is_decimal128(value_type):
        return column.cast(pa.float64())
    return column


def _as_table(data: Any) -> pa.Table:
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    module = type(data).__module__.split(".")[0]
    if module == "pandas":
        return pa.Table.from_pandas(data, preserve_index=False)
    if hasattr(data, "__arrow_c_stream__"):
        return pa.table(data)
    raise InvalidInput(
        f"statistics are computed over a pyarrow.Table, got {type(data).__name__}; convert "
        "it first, e.g. pyarrow.Table.from_pandas(df, preserve_index=False)"
    )


def _select_columns(
    table: pa.Table, config: StatisticsConfig, columns: Any
) -> list[tuple[int, str]]:
    """(index, name) of the columns to describe, in the order requested."""
    if columns is not None:
        wanted = _column_list(columns, "columns")
    elif config.columns is not None:
        wanted = list(config.columns)
    else:
        return list(enumerate(table.column_names))
    index: dict[str, int] = {}
    for i, name in enumerate(table.column_names):
        index.setdefault(name, i)
    missing = [name for name in wanted if name not in index]
    if missing:
        raise InvalidInput(
            f"cannot compute statistics for columns {missing}: the data has no such "
            f"columns (it has {table.column_names}); fix the statistics columns setting"
        )
    return [(index[name], name) for name in wanted]


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _number(value: Any, feature_type: str) -> Any:
    """min/max as Python numbers: int for integral columns, float otherwise."""
    if value is None:
        return None
    if feature_type == INTEGRAL:
        return int(value)
    return float(value)


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def _monotone_percentiles(values: Sequence[Any] | None, lo: Any, hi: Any) -> list[float] | None:
    """Percentiles as floats, non-decreasing and within [min, max].

    Exact percentiles already are; the t-digest estimates can wobble by a rounding error,
    and their last value (the 100th percentile) is set to the exact maximum.
    """
    if values is None or lo is None or hi is None:
        return None
    low, high = float(lo), float(hi)
    result: list[float] = []
    running = low
    for value in values:
        current = float(value)
        if math.isnan(current):
            current = running
        running = min(max(current, running), high)
        result.append(running)
    if result:
        result[-1] = high  # the 100th percentile is the maximum by definition
    return result


def _entropy(counts: Iterable[int], total: int) -> float:
    # max() turns the -0.0 of a single value into 0.0.
    return max(0.0, -math.fsum(k / total * math.log(k / total) for k in counts))


def _top_values(counts: Mapping[Any, int]) -> list[dict[str, Any]]:
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [{"value": value, "count": int(k)} for value, k in ranked[:TOP_VALUES]]


@dataclass
class _Column:
    """Bookkeeping of one described column during the computation."""

    name: str
    alias: str
    feature_type: str
    fds: FeatureDescriptiveStatistics
    value_counts: dict[Any, int] | None = None
    extended: dict[str, Any] = field(default_factory=dict)


class _Aggregates:
    """Collects ``SELECT`` expressions and hands back their results by key."""

    def __init__(self) -> None:
        self.keys: list[tuple[str, str]] = []
        self.exprs: list[str] = []
        self.values: dict[tuple[str, str], Any] = {}

    def add(self, alias: str, stat: str, expr: str) -> None:
        self.keys.append((alias, stat))
        self.exprs.append(expr)

    def run(self, con: Any, source: str) -> None:
        if not self.exprs:
            return
        row = con.sql(f"SELECT {', '.join(self.exprs)} FROM {source}").fetchall()[0]
        self.values.update(zip(self.keys, row, strict=True))

    def get(self, alias: str, stat: str) -> Any:
        return self.values.get((alias, stat))


def compute_statistics(
    data: pa.Table, config: StatisticsConfig | None = None, *, columns: Any = None
) -> Statistics:
    """Compute descriptive statistics of ``data``.

    ``config`` is anything :meth:`StatisticsConfig.from_value` accepts; ``columns``
    (a list of names) overrides ``config.columns``. A disabled config returns a
    :class:`Statistics` without feature statistics. ``data`` is normally a
    :class:`pyarrow.Table`; record batches, pandas DataFrames and objects exporting the
    Arrow C stream interface (polars) are converted.

    The work is done by DuckDB over the Arrow data (registered without copying):

    1. One aggregate query computes, for all columns at once, the counts, the
       HyperLogLog distinct-count estimate, min/max/sum/mean/stddev and the 100
       percentiles of numeric columns, min/max of temporal columns, the value counts of
       boolean columns and, when enabled, the correlations.
    2. A second aggregate query computes the numeric histograms (when enabled, using the
       min and max from step 1) and the exact value counts of string and integral
       columns whose estimated cardinality is at most :data:`UNIQUE_VALUES_CAP`.
    3. With ``exact_uniqueness``, one GROUP BY per remaining column gives the exact
       distinct count, uniqueness, entropy (and top values of string columns).

    Percentiles are exact (``quantile_cont``, linear interpolation as numpy's default)
    up to :data:`EXACT_PERCENTILES_MAX_ROWS` rows, and t-digest estimates
    (``approx_quantile``) above. Statistics of an empty table have counts of 0 and
    ``None`` elsewhere. Raises :class:`~mvps.errors.InvalidInput` for unknown columns or
    unsupported data.
    """
    config = StatisticsConfig.from_value(config)
    computation_time = _utcnow()
    if not config.enabled:
        return Statistics(computation_time=computation_time)

    table = _as_table(data)
    selected = _select_columns(table, config, columns)
    num_rows = table.num_rows

    described: list[_Column] = []
    scan_arrays: list[pa.ChunkedArray] = []
    scan_names: list[str] = []
    for position, (index, name) in enumerate(selected):
        column = table.column(index)
        feature_type = _feature_type(column.type)
        alias = f"c{position}"
        fds = FeatureDescriptiveStatistics(
            feature_name=name, feature_type=feature_type, count=num_rows
        )
        described.append(_Column(name, alias, feature_type, fds))
        if feature_type == UNKNOWN:
            # Nested, binary and other types: counts only, straight from Arrow.
            nulls = num_rows if pa.types.is_null(column.type) else column.null_count
            fds.num_null_values = nulls
            fds.num_non_null_values = num_rows - nulls
        else:
            scan_arrays.append(_duckdb_ready(column))
            scan_names.append(alias)

    scanned = [col for col in described if col.feature_type != UNKNOWN]
    if scanned:
        _compute_with_duckdb(
            pa.Table.from_arrays(scan_arrays, names=scan_names), scanned, config, num_rows
        )

    for col in described:
        fds = col.fds
        if fds.num_non_null_values is not None and num_rows:
            fds.completeness = fds.num_non_null_values / num_rows
        if col.extended:
            fds.extended_statistics = col.extended
    return Statistics(
        computation_time=computation_time,
        row_percentage=1.0,
        feature_descriptive_statistics=[col.fds for col in described],
    )


def _compute_with_duckdb(
    scan: pa.Table, columns: list[_Column], config: StatisticsConfig, num_rows: int
) -> None:
    duckdb = require("duckdb")

    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.register(_INPUT_TABLE, scan)
        # NaN is a missing value: the projection turns it into NULL once for all aggregates.
        projection = ", ".join(
            f"NULLIF({col.alias}, 'NaN') AS {col.alias}"
            if pa.types.is_floating(_value_type(scan.column(col.alias).type))
            else col.alias
            for col in columns
        )
        source = f"(SELECT {projection} FROM {_INPUT_TABLE}) AS src"
        _first_pass(con, source, columns, config, num_rows)
        _second_pass(con, source, columns, config)
        if config.exact_uniqueness:
            for col in columns:
                if col.value_counts is None:
                    _exact_uniqueness(con, source, col)
    except duckdb.Error as exc:
        described = ", ".join(f"{col.name} ({scan.column(col.alias).type})" for col in columns)
        raise InvalidInput(
            f"computing statistics failed for the columns {described}: {exc}; "
            "leave the offending column out with the statistics columns setting"
        ) from exc
    finally:
        con.close()


def _first_pass(
    con: Any, source: str, columns: list[_Column], config: StatisticsConfig, num_rows: int
) -> None:
    exact = num_rows <= EXACT_PERCENTILES_MAX_ROWS
    fractions = "[" + ", ".join(repr(f) for f in PERCENTILE_FRACTIONS) + "]"
    quantile = "quantile_cont" if exact else "approx_quantile"
    agg = _Aggregates()
    numeric = [col for col in columns if col.feature_type in NUMERIC_TYPES]
    for col in columns:
        a = col.alias
        agg.add(a, "count", f"count({a})")
        agg.add(a, "approx_distinct", f"approx_count_distinct({a})")
        if col.feature_type in NUMERIC_TYPES:
            agg.add(a, "min", f"min({a})")
            agg.add(a, "max", f"max({a})")
            agg.add(a, "sum", f"sum({a})")
            agg.add(a, "mean", f"avg({a})")
            agg.add(a, "stddev", f"stddev_samp({a})")
            agg.add(a, "percentiles", f"{quantile}(CAST({a} AS DOUBLE), {fractions})")
        elif col.feature_type in TEMPORAL_TYPES:
            agg.add(a, "min", f"min({a})")
            agg.add(a, "max", f"max({a})")
        elif col.feature_type == BOOLEAN:
            agg.add(a, "value_counts", f"histogram({a})")
    if config.correlations:
        for i, left in enumerate(numeric):
            for right in numeric[i + 1 :]:
                agg.add(
                    left.alias,
                    f"corr:{right.alias}",
                    f"corr(CAST({left.alias} AS DOUBLE), CAST({right.alias} AS DOUBLE))",
                )
    agg.run(con, source)

    for col in columns:
        a, fds = col.alias, col.fds
        non_null = int(agg.get(a, "count") or 0)
        fds.num_non_null_values = non_null
        fds.num_null_values = num_rows - non_null
        fds.approx_num_distinct_values = int(agg.get(a, "approx_distinct") or 0)
        if col.feature_type in NUMERIC_TYPES:
            fds.min = _number(agg.get(a, "min"), col.feature_type)
            fds.max = _number(agg.get(a, "max"), col.feature_type)
            fds.sum = _float(agg.get(a, "sum"))
            fds.mean = _float(agg.get(a, "mean"))
            fds.stddev = _float(agg.get(a, "stddev"))
            fds.percentiles = _monotone_percentiles(agg.get(a, "percentiles"), fds.min, fds.max)
        elif col.feature_type in TEMPORAL_TYPES:
            fds.min = _iso(agg.get(a, "min"))
            fds.max = _iso(agg.get(a, "max"))
        elif col.feature_type == BOOLEAN:
            _set_value_counts(col, agg.get(a, "value_counts"))

    if config.correlations:
        order = {col.alias: i for i, col in enumerate(numeric)}
        for col in numeric:
            correlations = []
            for other in numeric:
                if other is col:
                    continue
                first, second = sorted((col, other), key=lambda c: order[c.alias])
                value = _float(agg.get(first.alias, f"corr:{second.alias}"))
                if value is not None and not math.isfinite(value):
                    value = None
                correlations.append({"column": other.name, "correlation": value})
            col.extended["correlations"] = correlations


def _histogram_bounds(fds: FeatureDescriptiveStatistics) -> tuple[float, float, float] | None:
    """(lower, upper, bin width) of the numeric histogram, or None when there is none."""
    if not fds.num_non_null_values or fds.min is None or fds.max is None:
        return None
    lower, upper = float(fds.min), float(fds.max)
    if not (math.isfinite(lower) and math.isfinite(upper)):
        return None
    width = (upper - lower) / HISTOGRAM_BINS
    if not math.isfinite(width):  # the range overflows a double
        width = upper / HISTOGRAM_BINS - lower / HISTOGRAM_BINS
    return lower, upper, width


def _second_pass(con: Any, source: str, columns: list[_Column], config: StatisticsConfig) -> None:
    agg = _Aggregates()
    bounds: dict[str, tuple[float, float, float]] = {}
    counted: list[_Column] = []
    for col in columns:
        a, fds = col.alias, col.fds
        if config.histograms and col.feature_type in NUMERIC_TYPES:
            limits = _histogram_bounds(fds)
            if limits is not None:
                bounds[a] = limits
                lower, _, width = limits
                if width > 0:
                    agg.add(
                        a,
                        "histogram",
                        f"histogram(CAST(LEAST(GREATEST(FLOOR((CAST({a} AS DOUBLE) - "
                        f"({lower!r})) / ({width!r})), 0), {HISTOGRAM_BINS - 1}) AS INTEGER)) "
                        # LEAST and GREATEST skip NULLs, so nulls are filtered out first.
                        f"FILTER (WHERE {a} IS NOT NULL)",
                    )
        if (
            col.feature_type in (STRING, INTEGRAL)
            and fds.num_non_null_values
            and (fds.approx_num_distinct_values or 0) <= UNIQUE_VALUES_CAP * _CARDINALITY_SLACK
        ):
            agg.add(a, "value_counts", f"histogram({a})")
            counted.append(col)
        elif col.feature_type == STRING and not fds.num_non_null_values:
            _set_value_counts(col, {})
    agg.run(con, source)

    for col in counted:
        _set_value_counts(col, agg.get(col.alias, "value_counts"))
    for alias, (lower, upper, width) in bounds.items():
        col = next(c for c in columns if c.alias == alias)
        non_null = col.fds.num_non_null_values or 0
        if width > 0:
            per_bin = agg.get(alias, "histogram") or {}
            counts = [int(per_bin.get(i, 0)) for i in range(HISTOGRAM_BINS)]
            edges = [lower + i * width for i in range(HISTOGRAM_BINS)] + [upper]
        else:  # a single distinct value
            counts, edges = [non_null], [lower, upper]
        col.extended["histogram"] = [
            {"bin": [edges[i], edges[i + 1]], "count": count} for i, count in enumerate(counts)
        ]


def _set_value_counts(col: _Column, counts: Mapping[Any, Any] | None) -> None:
    """Derive the exact distinct-value statistics from complete value counts."""
    value_counts = {key: int(k) for key, k in (counts or {}).items()}
    col.value_counts = value_counts
    fds = col.fds
    non_null = fds.num_non_null_values or 0
    distinct = len(value_counts)
    fds.exact_num_distinct_values = distinct
    if non_null:
        fds.distinctness = distinct / non_null
        fds.uniqueness = sum(1 for k in value_counts.values() if k == 1) / non_null
        fds.entropy = _entropy(value_counts.values(), non_null)
    if distinct <= UNIQUE_VALUES_CAP:
        col.extended["unique_values"] = sorted(value_counts)
    if col.feature_type in CATEGORICAL_TYPES:
        col.extended["top_values"] = _top_values(value_counts)


def _exact_uniqueness(con: Any, source: str, col: _Column) -> None:
    """Exact distinct count, uniqueness and entropy of one column with a GROUP BY."""
    fds = col.fds
    non_null = fds.num_non_null_values or 0
    if not non_null:
        fds.exact_num_distinct_values = 0
        if col.feature_type in CATEGORICAL_TYPES:
            col.extended["top_values"] = []
        return
    a = col.alias
    top = ""
    if col.feature_type in CATEGORICAL_TYPES:
        # Most frequent first, ties broken by the smaller value: deterministic.
        top = f", arg_min({{'value': v, 'count': k}}, {{'key': -k, 'value': v}}, {TOP_VALUES})"
    row = con.sql(
        f"SELECT count(*), count(*) FILTER (WHERE k = 1), "
        f"-sum((k / {non_null}) * ln(k / {non_null})){top} "
        f"FROM (SELECT v, count(*) AS k FROM (SELECT {a} AS v FROM {source}) "
        f"WHERE v IS NOT NULL GROUP BY v)"
    ).fetchall()[0]
    distinct, unique, entropy = int(row[0]), int(row[1]), float(row[2])
    fds.exact_num_distinct_values = distinct
    fds.distinctness = distinct / non_null
    fds.uniqueness = unique / non_null
    fds.entropy = max(entropy, 0.0)
    if top:
        col.extended["top_values"] = _top_values(
            {item["value"]: int(item["count"]) for item in row[3]}
        )


__all__ = [
    "BOOLEAN",
    "DATE",
    "EXACT_PERCENTILES_MAX_ROWS",
    "FRACTIONAL",
    "HISTOGRAM_BINS",
    "INTEGRAL",
    "PERCENTILE_FRACTIONS",
    "STRING",
    "TIME",
    "TIMESTAMP",
    "TOP_VALUES",
    "UNIQUE_VALUES_CAP",
    "UNKNOWN",
    "FeatureDescriptiveStatistics",
    "Statistics",
    "StatisticsConfig",
    "compute_statistics",
]
