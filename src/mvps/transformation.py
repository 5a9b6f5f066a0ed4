"""Transformation functions: ``@udf``, the built-in scalers/encoders, and their execution.

A function decorated with :func:`udf` becomes a :class:`HopsworksUdf`. Calling it with
feature names binds its inputs (``min_max_scaler("loan_amnt")``); unbound, the argument
names are the features. Two uses, as in Hopsworks:

* **model-dependent** transformations are attached to a feature view; they receive the
  training statistics of their input features (declare
  ``statistics=TransformationStatistics("arg")`` and read ``statistics.arg.min``...),
  computed on the train split and stored with the training-dataset version, and are
  applied identically to training data, batch data and feature vectors;
* **on-demand** transformations are attached to a feature group; they run at insert
  (their outputs are stored as features) and at serving time from request parameters.

Functions run on pandas Series for dataframes ("pandas" mode) and on Python scalars for
single feature vectors ("python" mode); ``mode="default"`` does both. Built-ins have
dedicated scalar implementations so online serving does not build Series.

UDFs are stored by source code; their bodies may use ``pd``, ``np``, ``math`` and
``datetime`` and must import anything else inside the function.
"""

from __future__ import annotations

import ast
import inspect
import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from mvps.errors import InvalidInput

MODES = ("default", "python", "pandas")

_PY_TYPES = {
    float: "double",
    int: "bigint",
    str: "string",
    bool: "boolean",
    bytes: "binary",
}


def _type_name(t: Any) -> str:
    if isinstance(t, str):
        return t
    if t in _PY_TYPES:
        return _PY_TYPES[t]
    name = getattr(t, "__name__", str(t)).lower()
    if "datetime" in name or "timestamp" in name:
        return "timestamp"
    if name == "date":
        return "date"
    return "string"


class TransformationStatistics:
    """Declares which arguments need training statistics: ``TransformationStatistics("x")``.

    At execution each named argument is an attribute holding that feature's
    descriptive statistics (``statistics.x.min``, ``.max``, ``.mean``, ``.stddev``,
    ``.percentiles``, ``.unique_values``...).
    """

    def __init__(self, *features: str) -> None:
        self._features = list(features)
        self._values: dict[str, Any] = {}

    @property
    def feature_names(self) -> list[str]:
        return list(self._features)

    def _bind(self, values: dict[str, Any]) -> TransformationStatistics:
        out = TransformationStatistics(*self._features)
        out._values = values
        return out

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(
                f"no statistics for {name!r}; declare it with TransformationStatistics({name!r})"
            ) from None


class HopsworksUdf:
    """A transformation function (see the module docstring)."""

    def __init__(
        self,
        func: Callable[..., Any],
        return_types: Sequence[Any],
        drop: Sequence[str] | None = None,
        mode: str = "default",
        name: str | None = None,
        scalar: Callable[..., Any] | None = None,
        builtin: str | None = None,
        source: str | None = None,
    ) -> None:
        if mode not in MODES:
            raise InvalidInput(f"udf mode must be one of {MODES}, got {mode!r}")
        self.func = func
        self.function_name = name or func.__name__
        self.return_types = [_type_name(t) for t in return_types]
        self.mode = mode
        self._scalar = scalar
        self.builtin = builtin
        self._source = source
        sig = inspect.signature(func)
        self._args = [
            p.name for p in sig.parameters.values() if p.name not in ("statistics", "context")
        ]
        stats = sig.parameters.get("statistics")
        self._stats_args: list[str] = (
            list(stats.default.feature_names)
            if stats is not None and isinstance(stats.default, TransformationStatistics)
            else []
        )
        self._wants_context = "context" in sig.parameters
        self.transformation_features: list[str] = list(self._args)
        self._drop_args = [d for d in ([drop] if isinstance(drop, str) else (drop or []))]
        for d in self._drop_args:
            if d not in self._args:
                raise InvalidInput(f"drop={d!r} is not an argument of {self.function_name}")
        self._output_names: list[str] | None = None
        self.transformation_statistics: dict[str, Any] | None = None
        self.use = "model_dependent"

    # ------------------------------------------------------------------ binding

    def __call__(self, *features: Any) -> HopsworksUdf:
        """Bind the arguments to feature names: ``fn("col_a", "col_b")``."""
        from mvps.feature import Feature

        names = [f.name if isinstance(f, Feature) else str(f).lower() for f in features]
        if len(names) != len(self._args):
            raise InvalidInput(
                f"{self.function_name} takes {len(self._args)} feature(s) ({self._args}), "
                f"got {len(names)}: {names}"
            )
        out = self._copy()
        out.transformation_features = names
        return out

    def _copy(self) -> HopsworksUdf:
        out = object.__new__(HopsworksUdf)
        out.__dict__.update(self.__dict__)
        out.transformation_features = list(self.transformation_features)
        return out

    def alias(self, *names: str) -> HopsworksUdf:
        """Name the output column(s)."""
        if len(names) != len(self.return_types) and not self._variable_outputs:
            raise InvalidInput(
                f"{self.function_name} returns {len(self.return_types)} column(s); "
                f"alias got {len(names)}"
            )
        out = self._copy()
        out._output_names = [n.lower() for n in names]
        return out

    @property
    def _variable_outputs(self) -> bool:
        return self.builtin == "one_hot_encoder"

    @property
    def dropped_features(self) -> list[str]:
        """Bound feature names removed from the output."""
        idx = {a: i for i, a in enumerate(self._args)}
        return [self.transformation_features[idx[d]] for d in self._drop_args]

    @property
    def statistics_features(self) -> list[str]:
        """Bound feature names whose training statistics the function needs."""
        idx = {a: i for i, a in enumerate(self._args)}
        return [self.transformation_features[idx[a]] for a in self._stats_args if a in idx]

    def output_column_names(self, n_outputs: int | None = None) -> list[str]:
        """Output names: the alias, else Hopsworks' naming for the use."""
        n = n_outputs if n_outputs is not None else len(self.return_types)
        if self._output_names:
            return list(self._output_names)
        if self.use == "on_demand":
            base = self.function_name
            return [base] if n == 1 else [f"{base}_{i}" for i in range(n)]
        base = f"{self.function_name}_{'_'.join(self.transformation_features)}_"
        return [base] if n == 1 else [f"{base}{i}" for i in range(n)]

    # ------------------------------------------------------------------ execution

    def _statistics(self) -> TransformationStatistics | None:
        if not self._stats_args:
            return None
        if self.transformation_statistics is None:
            raise InvalidInput(
                f"{self.function_name} needs training statistics; create training data first "
                "(or call init_serving/init_batch_scoring with a training dataset version)"
            )
        idx = {a: i for i, a in enumerate(self._args)}
        values = {
            a: self.transformation_statistics[self.transformation_features[idx[a]]]
            for a in self._stats_args
        }
        return TransformationStatistics(*self._stats_args)._bind(values)

    def _kwargs(self, context: dict[str, Any] | None) -> dict[str, Any]:
        kw: dict[str, Any] = {}
        stats = self._statistics()
        if stats is not None:
            kw["statistics"] = stats
        if self._wants_context:
            kw["context"] = context
        return kw

    def execute_pandas(self, frame: Any, context: dict[str, Any] | None = None) -> Any:
        """Apply to a pandas DataFrame holding the input features; returns a DataFrame
        of the output columns."""
        import pandas as pd

        inputs = [frame[f] for f in self.transformation_features]
        kw = self._kwargs(context)
        if self.mode == "python":
            rows = [self.func(*vals, **kw) for vals in zip(*inputs, strict=True)]
            result: Any = (
                pd.DataFrame(rows)
                if rows and isinstance(rows[0], tuple | list)
                else pd.Series(rows)
            )
        else:
            result = self.func(*inputs, **kw)
        if isinstance(result, tuple):
            result = pd.concat([pd.Series(r).reset_index(drop=True) for r in result], axis=1)
        if isinstance(result, pd.Series):
            result = result.to_frame()
        if not isinstance(result, pd.DataFrame):
            result = pd.DataFrame(
                {0: list(result) if hasattr(result, "__iter__") else [result] * len(frame)}
            )
        result = result.reset_index(drop=True)
        result.columns = self.output_column_names(result.shape[1])
        return result

    def execute_scalar(
        self, values: Sequence[Any], context: dict[str, Any] | None = None
    ) -> list[Any]:
        """Apply to one row's input values; returns the list of output values."""
        if self._scalar is not None:
            return list(self._scalar(self, *values))
        if self.mode == "pandas":
            import pandas as pd

            frame = pd.DataFrame(
                {f: [v] for f, v in zip(self.transformation_features, values, strict=True)}
            )
            return list(self.execute_pandas(frame, context).iloc[0])
        out = self.func(*values, **self._kwargs(context))
        if isinstance(out, tuple | list):
            return list(out)
        if hasattr(out, "iloc"):
            return list(out.iloc[0]) if hasattr(out, "columns") else [out.iloc[0]]
        return [out]

    def _cache(self, key: str, build: Callable[[Any], Any]) -> Any:
        """Per-bound-function cache of values derived from statistics (the serving hot path)."""
        cache = self.__dict__.setdefault("_derived", {})
        if key not in cache:
            cache[key] = build(self._statistics().feature)  # type: ignore[union-attr]
        return cache[key]

    def __repr__(self) -> str:
        return f"{self.function_name}({', '.join(self.transformation_features)})"


def udf(
    return_type: Any,
    drop: str | Sequence[str] | None = None,
    mode: str = "default",
) -> Callable[[Callable[..., Any]], HopsworksUdf]:
    """Decorator making a function a transformation function.

    ``return_type`` is a Python type (``float``, ``int``, ``str``, ``bool``) or a list
    of them for several output columns; ``drop`` names arguments whose features are
    removed from the output.
    """
    types = list(return_type) if isinstance(return_type, list | tuple) else [return_type]

    def wrap(func: Callable[..., Any]) -> HopsworksUdf:
        return HopsworksUdf(func, types, drop=drop, mode=mode)

    return wrap


# ---------------------------------------------------------------------- built-ins

_feature_statistics = TransformationStatistics("feature")


def _is_missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _safe_div(num: Any, den: Any) -> Any:
    """``num / den``, with 0.0 where the denominator is 0 (a constant training column),
    identically for Series and scalars so training and serving agree."""
    if hasattr(num, "where"):
        return (num / den) if den else num * 0.0
    return num / den if den else 0.0


def _min_max(feature: Any, statistics: Any = _feature_statistics) -> Any:
    s = statistics.feature
    return _safe_div(feature - s.min, s.max - s.min)


def _min_max_scalar(u: HopsworksUdf, v: Any) -> list[Any]:
    s = u._statistics().feature  # type: ignore[union-attr]
    return [None if _is_missing(v) else _safe_div(v - s.min, s.max - s.min)]


def _standard(feature: Any, statistics: Any = _feature_statistics) -> Any:
    s = statistics.feature
    return _safe_div(feature - s.mean, s.stddev)


def _standard_scalar(u: HopsworksUdf, v: Any) -> list[Any]:
    s = u._statistics().feature  # type: ignore[union-attr]
    return [None if _is_missing(v) else _safe_div(v - s.mean, s.stddev)]


def _robust(feature: Any, statistics: Any = _feature_statistics) -> Any:
    p = statistics.feature.percentiles
    return _safe_div(feature - p[49], p[74] - p[24])


def _robust_scalar(u: HopsworksUdf, v: Any) -> list[Any]:
    p = u._statistics().feature.percentiles  # type: ignore[union-attr]
    return [None if _is_missing(v) else _safe_div(v - p[49], p[74] - p[24])]


def _label(feature: Any, statistics: Any = _feature_statistics) -> Any:
    import pandas as pd

    index = {v: i for i, v in enumerate(sorted(statistics.feature.unique_values))}
    return pd.Series([None if _is_missing(v) else index.get(v, -1) for v in feature], dtype="Int64")


def _label_scalar(u: HopsworksUdf, v: Any) -> list[Any]:
    index = u._cache("label_index", lambda s: {x: i for i, x in enumerate(sorted(s.unique_values))})
    return [None if _is_missing(v) else index.get(v, -1)]


def _one_hot(feature: Any, statistics: Any = _feature_statistics) -> Any:
    import pandas as pd

    values = sorted(statistics.feature.unique_values)
    return pd.DataFrame(
        {i: (feature == v).fillna(False).astype(bool) for i, v in enumerate(values)}
    )


def _one_hot_scalar(u: HopsworksUdf, v: Any) -> list[Any]:
    values = u._cache("one_hot_values", lambda s: sorted(s.unique_values))
    return [v == x for x in values]


BUILTINS: dict[str, tuple[Callable[..., Any], Callable[..., Any], Any]] = {
    "min_max_scaler": (_min_max, _min_max_scalar, float),
    "standard_scaler": (_standard, _standard_scalar, float),
    "robust_scaler": (_robust, _robust_scalar, float),
    "label_encoder": (_label, _label_scalar, int),
    "one_hot_encoder": (_one_hot, _one_hot_scalar, bool),
}


def builtin(name: str) -> HopsworksUdf:
    """The built-in transformation ``name`` (unbound)."""
    try:
        func, scalar, rtype = BUILTINS[name]
    except KeyError:
        raise InvalidInput(
            f"no built-in transformation {name!r}; built-ins are {sorted(BUILTINS)}"
        ) from None
    return HopsworksUdf(
        func, [rtype], drop=["feature"], mode="default", name=name, scalar=scalar, builtin=name
    )


min_max_scaler = builtin("min_max_scaler")
standard_scaler = builtin("standard_scaler")
robust_scaler = builtin("robust_scaler")
label_encoder = builtin("label_encoder")
one_hot_encoder = builtin("one_hot_encoder")


# ---------------------------------------------------------------------- storage


def udf_to_dict(u: Any) -> dict[str, Any]:
    """A JSON-able description from which :func:`udf_from_dict` rebuilds the function."""
    u = as_udf(u)
    d: dict[str, Any] = {
        "name": u.function_name,
        "features": u.transformation_features,
        "output_names": u._output_names,
        "use": u.use,
    }
    if u.builtin:
        d["builtin"] = u.builtin
        return d
    d.update(
        source=_source_of(u),
        return_types=u.return_types,
        drop=u._drop_args,
        mode=u.mode,
    )
    return d


def _source_of(u: HopsworksUdf) -> str:
    if u._source:
        return u._source
    try:
        src = textwrap.dedent(inspect.getsource(u.func))
    except (OSError, TypeError) as exc:
        raise InvalidInput(
            f"the source of transformation {u.function_name!r} cannot be read, so it cannot be "
            "stored; define it in a .py file or a notebook cell"
        ) from exc
    tree = ast.parse(src)
    fn = tree.body[0]
    if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
        fn.decorator_list = []
    return ast.unparse(tree)


def udf_from_dict(d: dict[str, Any]) -> HopsworksUdf:
    if d.get("builtin"):
        u = builtin(d["builtin"])
    else:
        import datetime

        import numpy as np
        import pandas as pd

        namespace: dict[str, Any] = {
            "pd": pd,
            "np": np,
            "math": math,
            "datetime": datetime,
            "TransformationStatistics": TransformationStatistics,
            "udf": udf,
        }
        exec(compile(d["source"], f"<transformation {d['name']}>", "exec"), namespace)
        u = HopsworksUdf(
            namespace[d["name"]],
            d["return_types"],
            drop=d.get("drop"),
            mode=d.get("mode", "default"),
            source=d["source"],
        )
    u.transformation_features = list(d["features"])
    u._output_names = d.get("output_names")
    u.use = d.get("use", "model_dependent")
    return u


def as_udf(obj: Any) -> HopsworksUdf:
    if isinstance(obj, HopsworksUdf):
        return obj
    if isinstance(obj, TransformationFunction):
        return obj.hopsworks_udf
    raise InvalidInput(
        f"expected a transformation function (a @udf function or a built-in such as "
        f"min_max_scaler('col')), got {type(obj).__name__}"
    )


@dataclass
class TransformationFunction:
    """A stored, versioned transformation function (``fs.create_transformation_function``)."""

    featurestore: Any
    hopsworks_udf: HopsworksUdf
    version: int | None = None

    def __init__(
        self, featurestore: Any, transformation_function: Any, version: int | None = None
    ) -> None:
        self.featurestore = featurestore
        self.hopsworks_udf = as_udf(transformation_function)
        self.version = version

    @property
    def name(self) -> str:
        return self.hopsworks_udf.function_name

    def save(self) -> TransformationFunction:
        obj = self.featurestore._project.catalog.create(
            "transformation_function", self.name, self.version, udf_to_dict(self.hopsworks_udf)
        )
        self.version = obj.version
        return self

    def delete(self) -> None:
        self.featurestore._project.catalog.delete(
            "transformation_function", self.name, self.version or 1
        )

    def __call__(self, *features: Any) -> HopsworksUdf:
        return self.hopsworks_udf(*features)


def get_transformation_function(fs: Any, name: str, version: int | None) -> TransformationFunction:
    if name in BUILTINS:
        return TransformationFunction(fs, builtin(name), 1)
    catalog = fs._project.catalog
    if version is None:
        objs = catalog.list("transformation_function", name)
        if not objs:
            from mvps.errors import NotFound

            raise NotFound(f"no transformation function {name!r}; built-ins are {sorted(BUILTINS)}")
        obj = objs[-1]
    else:
        obj = catalog.require("transformation_function", name, version)
    return TransformationFunction(fs, udf_from_dict(obj.body), obj.version)


def get_transformation_functions(fs: Any) -> list[TransformationFunction]:
    out = [TransformationFunction(fs, builtin(n), 1) for n in sorted(BUILTINS)]
    for obj in fs._project.catalog.list("transformation_function"):
        out.append(TransformationFunction(fs, udf_from_dict(obj.body), obj.version))
    return out


# ---------------------------------------------------------------------- on-demand


def apply_on_demand(udfs: Sequence[Any], table: Any, context: dict[str, Any] | None = None) -> Any:
    """Compute on-demand features at insert: outputs are appended (sorted by name) to
    the Arrow ``table`` unless already present; dropped inputs are removed."""
    import pyarrow as pa

    frame = table.to_pandas()
    outs = {}
    drop: set[str] = set()
    for raw in udfs:
        u = as_udf(raw)
        u.use = "on_demand"
        missing = [f for f in u.transformation_features if f not in frame.columns]
        if missing:
            raise InvalidInput(
                f"on-demand transformation {u.function_name} needs column(s) {missing} in the inserted data"
            )
        res = u.execute_pandas(frame, context)
        for c in res.columns:
            if c not in table.column_names:
                outs[c] = res[c]
        drop |= set(u.dropped_features)
    for name in sorted(outs):
        table = table.append_column(name, pa.array(outs[name]))
    if drop:
        table = table.drop_columns([c for c in drop if c in table.column_names])
    return table
