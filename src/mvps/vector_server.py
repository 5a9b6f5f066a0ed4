"""The online serving plan of a feature view: feature vectors without catalog reads.

``FeatureView.init_serving`` builds a :class:`ServingPlan` once: for each feature group
of the view's query (left group first) how to build its primary key from the request
entry (or from a column of the row already fetched from its parent in the join), and
for each feature of the vector which group's row and which position it comes from.
``vector()`` then does one online-store lookup per group and plain list indexing; it
builds no dataframes. Transformations run through their scalar implementations.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mvps.errors import InvalidInput, NotFound
from mvps.transformation import HopsworksUdf, as_udf

if TYPE_CHECKING:
    from mvps.feature_group import FeatureGroup
    from mvps.feature_view import FeatureView, ServingKey
    from mvps.query import Query

_ENTRY, _PARENT_KEY, _PARENT_ROW = 0, 1, 2


def serving_keys(fv: FeatureView) -> list[ServingKey]:
    """The serving keys of a view: primary keys of its groups, except those a join
    takes from the group it is joined to (those are optional)."""
    from mvps.feature_view import ServingKey

    out: list[ServingKey] = []
    counter = [0]

    def walk(
        q: Query, parent_keys: dict[str, str] | None, prefix: str, join_map: dict[str, str]
    ) -> None:
        idx = counter[0]
        counter[0] += 1
        fg = q.left_feature_group
        for pk in fg.primary_key:
            if pk in join_map:
                out.append(
                    ServingKey(pk, idx, fg, required=False, prefix=prefix, join_on=join_map[pk])
                )
            else:
                out.append(ServingKey(pk, idx, fg, required=True, prefix=prefix))
        for j in q.joins:
            lk, rk = (j.on, j.on) if j.on else (j.left_on, j.right_on)
            walk(j.query, None, j.prefix or "", dict(zip(rk, lk, strict=True)))

    walk(fv.query, None, "", {})
    return out


class _Lookup:
    __slots__ = (
        "defaults",
        "fg",
        "key_parts",
        "needs_row",
        "parent",
        "table",
        "vector_names",
        "width",
    )

    def __init__(self, fg: FeatureGroup, parent: int | None) -> None:
        self.fg = fg
        self.table = fg._table
        self.parent = parent
        self.key_parts: list[tuple[int, Any, int]] = []
        self.defaults = [f.default_value for f in fg.features]
        self.width = len(self.defaults)
        self.vector_names: list[str] = []
        self.needs_row = True


class ServingPlan:
    """Compiled lookups and positions for one feature view (see the module docstring)."""

    def __init__(self, fv: FeatureView, stats: dict[str, Any] | None) -> None:
        self.fv = fv
        self.online = fv._fs._project.online
        self.lookups: list[_Lookup] = []
        self._warned: set[str] = set()
        self.required: list[str] = []
        self.optional: set[str] = set()
        self._build(fv.query, None, "", {})
        col_pos = {}
        for c in fv._columns:
            li = self._lookup_index(c.alias)
            pos = [f.name for f in c.feature_group.features].index(c.feature)
            col_pos[c.name] = (li, pos)
        self.names = list(fv._model_features)
        self.positions = [col_pos[n] for n in self.names]
        self.index = {n: i for i, n in enumerate(self.names)}
        for n in self.names:
            self.lookups[col_pos[n][0]].vector_names.append(n)
        self.helper_names = list(fv.inference_helper_columns)
        self.helper_positions = [col_pos[n] for n in self.helper_names]
        self.accepted = set(self.required) | self.optional
        # model-dependent transformations on features (label transformations never run online)
        labels = set(fv.labels)
        self.mdts: list[HopsworksUdf] = []
        for u in fv.transformation_functions:
            if set(u.transformation_features) & labels:
                continue
            u = u._copy()
            if u.statistics_features:
                fv._bind_stats(u, stats)
            self.mdts.append(u)
        self.transformed_names = self._transformed_names()
        self.numeric: dict[str, str] = {}
        for c in fv._columns:
            fam = _numeric_family(c.type)
            if fam:
                self.numeric[c.name] = fam
        for u in self.mdts:
            for n in u.output_column_names(len(u.return_types)):
                fam = _numeric_family(u.return_types[0])
                if fam:
                    self.numeric[n] = fam
        # on-demand transformations of the groups whose outputs are in the vector
        self.odts: list[tuple[HopsworksUdf, list[str]]] = []
        for fg in fv.query.featuregroups:
            for raw in fg.transformation_functions:
                u = as_udf(raw)._copy()
                u.use = "on_demand"
                outs = [n for n in u.output_column_names() if n in self.index]
                if outs:
                    self.odts.append((u, outs))

    # ------------------------------------------------------------------ build

    def _build(self, q: Query, parent: int | None, prefix: str, join_map: dict[str, str]) -> None:
        fg = q.left_feature_group
        lk = _Lookup(fg, parent)
        self._aliases = getattr(self, "_aliases", [])
        self._aliases.append(fg)
        me = len(self.lookups)
        self.lookups.append(lk)
        for pk in fg.primary_key:
            if pk in join_map and parent is not None:
                src = join_map[pk]
                par = self.lookups[parent]
                if src in par.fg.primary_key:
                    lk.key_parts.append((_PARENT_KEY, parent, par.fg.primary_key.index(src)))
                else:
                    lk.key_parts.append(
                        (_PARENT_ROW, parent, [f.name for f in par.fg.features].index(src))
                    )
                self.optional.add(f"{prefix}{pk}")
            else:
                name = f"{prefix}{pk}"
                lk.key_parts.append((_ENTRY, name, 0))
                if name not in self.required:
                    self.required.append(name)
        for j in q.joins:
            lkeys, rkeys = (j.on, j.on) if j.on else (j.left_on, j.right_on)
            self._build(j.query, me, j.prefix or "", dict(zip(rkeys, lkeys, strict=True)))

    def _lookup_index(self, alias: str) -> int:
        return int(alias[2:])

    def _transformed_names(self) -> list[str]:
        names = list(self.names)
        drop: set[str] = set()
        for u in self.mdts:
            n_out = len(u.return_types)
            if u.builtin == "one_hot_encoder" and u.transformation_statistics is not None:
                n_out = len(u._statistics().feature.unique_values)  # type: ignore[union-attr]
            names += u.output_column_names(n_out)
            drop |= set(u.dropped_features)
        return [n for n in names if n not in drop]

    # ------------------------------------------------------------------ lookups

    def _check_entry(self, entry: dict[str, Any]) -> None:
        if not isinstance(entry, dict):
            raise InvalidInput(
                f"entry must be a dict of serving keys, e.g. {{{self.required[0]!r}: 1}}"
            )
        missing = [k for k in self.required if k not in entry]
        extra = [k for k in entry if k not in self.accepted]
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"missing serving key(s) {missing}")
            if extra:
                parts.append(f"unknown serving key(s) {extra}")
            raise InvalidInput(
                f"{' and '.join(parts)} for feature view '{self.fv.name}'; pass exactly {sorted(self.required)}"
            )

    def _keys(
        self,
        lk: _Lookup,
        entry: dict[str, Any],
        keys: list[tuple[Any, ...] | None],
        rows: list[list[Any] | None],
    ) -> tuple[Any, ...] | None:
        out = []
        for kind, a, b in lk.key_parts:
            if kind == _ENTRY:
                out.append(entry[a])
            elif kind == _PARENT_KEY:
                pk = keys[a]
                if pk is None:
                    return None
                out.append(pk[b])
            else:
                row = rows[a]
                if row is None or b >= len(row) or row[b] is None:
                    return None
                out.append(row[b])
        return tuple(out)

    def _fetch(
        self, entry: dict[str, Any], passed: dict[str, Any] | None, allow_missing: bool
    ) -> list[list[Any] | None]:
        keys: list[tuple[Any, ...] | None] = []
        rows: list[list[Any] | None] = []
        online = self.online
        for lk in self.lookups:
            key = self._keys(lk, entry, keys, rows)
            row = online.read(lk.table, key) if key is not None else None
            if row is None:
                self._missing(lk, key, passed, allow_missing)
            keys.append(key)
            rows.append(row)
        return rows

    def _missing(
        self, lk: _Lookup, key: Any, passed: dict[str, Any] | None, allow_missing: bool
    ) -> None:
        if allow_missing:
            return
        if passed and all(n in passed for n in lk.vector_names):
            return
        if not lk.vector_names:
            return
        raise NotFound(
            f"no online row in feature group {lk.fg.name!r} for key {dict(zip(lk.fg.primary_key, key or (), strict=False))}; "
            "insert it, pass its features with passed_features, or use allow_missing=True"
        )

    def _assemble(
        self, rows: list[list[Any] | None], positions: Sequence[tuple[int, int]]
    ) -> list[Any]:
        out: list[Any] = []
        for li, pos in positions:
            row = rows[li]
            if row is None:
                out.append(None)
            elif pos < len(row):
                out.append(row[pos])
            else:
                out.append(self.lookups[li].defaults[pos])
        return out

    # ------------------------------------------------------------------ public

    def vector(
        self,
        entry: dict[str, Any],
        passed: dict[str, Any] | None,
        allow_missing: bool,
        transform: bool,
        request_parameters: dict[str, Any] | None,
        context: dict[str, Any] | None,
    ) -> list[Any]:
        self._check_entry(entry)
        rows = self._fetch(entry, passed, allow_missing)
        values = self._assemble(rows, self.positions)
        return self._finish(values, passed, transform, request_parameters, context)

    def _finish(
        self,
        values: list[Any],
        passed: dict[str, Any] | None,
        transform: bool,
        request_parameters: dict[str, Any] | None,
        context: dict[str, Any] | None,
    ) -> list[Any]:
        if passed:
            index = self.index
            for k, v in passed.items():
                i = index.get(k)
                if i is not None:
                    values[i] = v
                elif k not in self._warned:
                    self._warned.add(k)
                    warnings.warn(
                        f"passed feature {k!r} is not a feature of feature view "
                        f"'{self.fv.name}' and is ignored; its features are {self.names}",
                        stacklevel=4,
                    )
        if self.odts and request_parameters:
            self._on_demand(values, request_parameters, context)
        if transform and self.mdts:
            return self._transform(values, context)
        return values

    def _on_demand(
        self, values: list[Any], params: dict[str, Any], context: dict[str, Any] | None
    ) -> None:
        for u, _outs in self.odts:
            inputs: list[Any] = []
            for f in u.transformation_features:
                if f in params:
                    inputs.append(params[f])
                elif f in self.index:
                    inputs.append(values[self.index[f]])
                else:
                    break
            else:
                result = u.execute_scalar(inputs, context)
                names = u.output_column_names(len(result))
                for n, v in zip(names, result, strict=True):
                    if n in self.index:
                        values[self.index[n]] = v

    def _transform(self, values: list[Any], context: dict[str, Any] | None) -> list[Any]:
        data = dict(zip(self.names, values, strict=True))
        for u in self.mdts:
            result = u.execute_scalar([data.get(f) for f in u.transformation_features], context)
            for n, v in zip(u.output_column_names(len(result)), result, strict=True):
                data[n] = v
        return [data[n] for n in self.transformed_names]

    def vectors(
        self,
        entries: list[dict[str, Any]],
        passed: Sequence[dict[str, Any]] | None,
        allow_missing: bool,
        transform: bool,
        request_parameters: Sequence[dict[str, Any]] | None,
        context: dict[str, Any] | None,
    ) -> list[list[Any]]:
        for e in entries:
            self._check_entry(e)
        n = len(entries)
        keys: list[list[tuple[Any, ...] | None]] = [[] for _ in range(n)]
        rows: list[list[list[Any] | None]] = [[] for _ in range(n)]
        for lk in self.lookups:
            ks = [self._keys(lk, entries[i], keys[i], rows[i]) for i in range(n)]
            wanted = [k for k in ks if k is not None]
            fetched = iter(self.online.read_many(lk.table, wanted)) if wanted else iter(())
            for i, k in enumerate(ks):
                keys[i].append(k)
                rows[i].append(next(fetched) if k is not None else None)
        out = []
        for i in range(n):
            p = passed[i] if passed else None
            skip = False
            for li, lk in enumerate(self.lookups):
                if rows[i][li] is None:
                    try:
                        self._missing(lk, keys[i][li], p, allow_missing)
                    except NotFound:
                        # Hopsworks: entries missing in every group are skipped; partial misses raise
                        if all(r is None for r in rows[i]):
                            skip = True
                            break
                        raise
            if skip:
                continue
            values = self._assemble(rows[i], self.positions)
            rp = request_parameters[i] if request_parameters else None
            out.append(self._finish(values, p, transform, rp, context))
        return out

    def render(self, rows: list[list[Any]], return_type: str, single: bool, transform: bool) -> Any:
        names = self.transformed_names if (transform and self.mdts) else self.names
        rt = (return_type or "list").lower()
        if rt == "list":
            return rows[0] if single else rows
        if rt == "numpy":
            import numpy as np

            arr = np.array(rows, dtype=object)
            try:
                arr = np.array(rows, dtype=float)
            except (TypeError, ValueError):
                pass
            return arr[0] if single else arr
        if rt in ("pandas", "polars", "pyarrow"):
            df = self.typed_frame(rows, names)
            if rt == "pandas":
                return df
            import pyarrow as pa

            table = pa.Table.from_pandas(df, preserve_index=False)
            if rt == "pyarrow":
                return table
            from mvps._deps import require

            return require("polars").from_arrow(table)
        raise InvalidInput(
            f"unknown return_type {return_type!r}; use 'list', 'numpy', 'pandas' or 'polars'"
        )

    def typed_frame(self, rows: list[list[Any]], names: list[str]) -> Any:
        """A DataFrame with the dtypes training data has: missing numbers are NaN (not
        None in an object column), so a model sees what it was trained on."""
        import pandas as pd

        df = pd.DataFrame(rows, columns=names)
        for name in names:
            family = self.numeric.get(name)
            if family is None or df[name].dtype != object:
                continue
            col = df[name]
            if family == "int" and not col.isna().any():
                df[name] = col.astype("int64")
            else:
                df[name] = pd.to_numeric(col, errors="coerce").astype("float64")
        return df

    def helpers(self, entries: list[dict[str, Any]], return_type: str, single: bool) -> Any:
        out: list[list[Any]] = []
        for e in entries:
            self._check_entry(e)
            rows = self._fetch(e, None, True)
            out.append(self._assemble(rows, self.helper_positions))
        rt = (return_type or "pandas").lower()
        if rt == "dict":
            dicts = [dict(zip(self.helper_names, r, strict=True)) for r in out]
            return dicts[0] if single else dicts
        import pandas as pd

        df = pd.DataFrame(out, columns=self.helper_names)
        if rt == "polars":
            from mvps._deps import require

            return require("polars").from_pandas(df)
        return df

    def transform_any(
        self, data: Any, context: dict[str, Any] | None, return_type: str | None
    ) -> Any:
        """``fv.transform``: a vector, a list of vectors, or a dataframe of untransformed features."""
        if isinstance(data, list) and (not data or not isinstance(data[0], list | tuple)):
            return self._transform(list(data), context)
        if isinstance(data, list):
            return [self._transform(list(v), context) for v in data]
        from mvps import frames

        table = frames.normalize_table(frames.to_arrow(data))
        stats = None
        for u in self.mdts:
            if u.transformation_statistics is not None:
                stats = u.transformation_statistics
                break
        x, _ = self.fv._transform_tables(table, None, stats, context)
        return frames.from_arrow(x, return_type or "pandas")


def _numeric_family(hive: str | None) -> str | None:
    t = (hive or "").lower()
    if t in ("int", "bigint", "tinyint", "smallint"):
        return "int"
    if t in ("float", "double") or t.startswith("decimal"):
        return "float"
    return None
