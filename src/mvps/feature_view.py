"""Feature views: a versioned selection of features for one model, and its data.

A feature view is a :class:`~mvps.query.Query` plus labels, helper columns and
model-dependent transformations. It produces

* training data (``training_data``, ``train_test_split``, ``train_validation_test_split``
  and their materialised ``create_*`` forms), each call recording a training-dataset
  version that pins the Delta version of every group it read, its split and the
  statistics its transformations use, so ``get_*(version)`` returns the same rows later;
* batch data for scoring (``get_batch_data``), with the same point-in-time join;
* feature vectors for online inference (``get_feature_vector(s)``), served from the
  online store through a plan compiled once by ``init_serving``.

Labels never appear in batch data or feature vectors.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from mvps import frames
from mvps.errors import InvalidInput, NotFound
from mvps.feature import Feature, Filter, Logic
from mvps.query import OutputColumn, Query, filter_from_dict, run
from mvps.timeutil import check_range, iso
from mvps.training_dataset import KIND as TD_KIND
from mvps.training_dataset import (
    TEST,
    TRAIN,
    VALIDATION,
    SplitSpec,
    TrainingDataset,
    assign_splits,
    random_split,
    time_split,
)
from mvps.transformation import HopsworksUdf, as_udf, udf_from_dict, udf_to_dict

if TYPE_CHECKING:
    from mvps.feature_store import FeatureStore
    from mvps.vector_server import ServingPlan

KIND = "feature_view"


class ServingKey:
    """A key a caller passes to ``get_feature_vector`` (Hopsworks' ``ServingKey``)."""

    def __init__(
        self,
        feature_name: str,
        join_index: int,
        feature_group: Any,
        required: bool = True,
        prefix: str = "",
        join_on: str | None = None,
    ) -> None:
        self.feature_name = feature_name
        self.join_index = join_index
        self.feature_group = feature_group
        self.required = required
        self.prefix = prefix or ""
        self.join_on = join_on

    @property
    def required_serving_key(self) -> str:
        return f"{self.prefix}{self.feature_name}"

    def __repr__(self) -> str:
        return f"ServingKey({self.required_serving_key!r}, fg={self.feature_group.name!r}, required={self.required})"


class TrainingDatasetFeature:
    """A column of the feature view's schema."""

    def __init__(
        self,
        name: str,
        type: str | None,
        label: bool = False,
        feature_group: Any = None,
        index: int = 0,
        inference_helper_column: bool = False,
        training_helper_column: bool = False,
        transformation_function: Any = None,
    ) -> None:
        self.name = name
        self.type = type
        self.label = label
        self.feature_group = feature_group
        self.index = index
        self.inference_helper_column = inference_helper_column
        self.training_helper_column = training_helper_column
        self.transformation_function = transformation_function

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "label": self.label,
            "feature_group": None
            if self.feature_group is None
            else [self.feature_group.name, self.feature_group.version],
            "index": self.index,
            "inference_helper_column": self.inference_helper_column,
            "training_helper_column": self.training_helper_column,
        }

    def __repr__(self) -> str:
        return (
            f"TrainingDatasetFeature({self.name!r}, {self.type!r}{', label' if self.label else ''})"
        )


class FeatureView:
    """See the module docstring."""

    def __init__(
        self,
        fs: FeatureStore,
        name: str,
        version: int,
        query: Query,
        description: str = "",
        labels: Sequence[str] | None = None,
        inference_helper_columns: Sequence[str] | None = None,
        training_helper_columns: Sequence[str] | None = None,
        transformation_functions: Sequence[Any] | None = None,
    ) -> None:
        self._fs = fs
        self.name = name
        self.version = version
        self.query = query
        self.description = description or ""
        self.labels = [frames.normalize_name(x) for x in (labels or [])]
        self.inference_helper_columns = [
            frames.normalize_name(x) for x in (inference_helper_columns or [])
        ]
        self.training_helper_columns = [
            frames.normalize_name(x) for x in (training_helper_columns or [])
        ]
        self._mdts: list[HopsworksUdf] = []
        for t in _as_list(transformation_functions):
            u = as_udf(t)._copy()
            u.use = "model_dependent"
            self._mdts.append(u)
        self.id: int | None = None
        self.created: float | None = None
        self._columns: list[OutputColumn] = query.compile(resolve_sources=False).columns
        self._serving: ServingPlan | None = None
        self._serving_td_version: int | None = None
        self._batch_td_version: int | None = None
        self._last_td_version: int | None = None

    # ------------------------------------------------------------------ creation

    @classmethod
    def _create(
        cls,
        fs: FeatureStore,
        name: str,
        query: Query,
        version: int | None,
        description: str,
        labels: Sequence[str] | None,
        inference_helper_columns: Sequence[str] | None,
        training_helper_columns: Sequence[str] | None,
        transformation_functions: Any,
    ) -> FeatureView:
        nm = frames.check_identifier(frames.normalize_name(name), "feature view name")
        if not isinstance(query, Query):
            raise InvalidInput(
                f"query must be a Query built from feature groups (e.g. fg.select_all()), got {type(query).__name__}"
            )
        for fg in query.featuregroups:
            if not fg._saved:
                raise InvalidInput(
                    f"feature group {fg.name!r} has not been saved yet; insert data (or call save()) first"
                )
        fv = cls(
            fs,
            nm,
            version or 0,
            query,
            description,
            labels,
            inference_helper_columns,
            training_helper_columns,
            transformation_functions,
        )
        fv._check_definition()
        catalog = fs._project.catalog
        obj = catalog.create(KIND, nm, version, fv.to_dict())
        fv.version, fv.id, fv.created = obj.version, obj.id, obj.created
        catalog.update(KIND, nm, fv.version, fv.to_dict())
        for fg in query.featuregroups:
            catalog.add_link(fg._ref, fv._ref, "feature_view")
        return fv

    def _check_definition(self) -> None:
        names = [c.name for c in self._columns]
        for what, cols in (
            ("label", self.labels),
            ("inference helper column", self.inference_helper_columns),
            ("training helper column", self.training_helper_columns),
        ):
            missing = [c for c in cols if c not in names]
            if missing:
                raise InvalidInput(
                    f"{what}(s) {missing} are not in the query; the query's features are {names} "
                    "(prefixed names must be used for joined groups with a prefix)"
                )
        for u in self._mdts:
            missing = [f for f in u.transformation_features if f not in names]
            if missing:
                raise InvalidInput(
                    f"transformation {u.function_name} uses {missing}, which the query does not select; "
                    f"the query's features are {names}"
                )

    @property
    def _ref(self) -> tuple[str, str, int]:
        return (KIND, self.name, int(self.version))

    @property
    def _td_name(self) -> str:
        return f"{self.name}_{self.version}"

    @property
    def _catalog(self) -> Any:
        return self._fs._project.catalog

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "query": self.query.to_dict(),
            "labels": self.labels,
            "inference_helper_columns": self.inference_helper_columns,
            "training_helper_columns": self.training_helper_columns,
            "transformation_functions": [udf_to_dict(u) for u in self._mdts],
            "features": [f.to_dict() for f in self.features],
            "serving_keys": [k.required_serving_key for k in self.serving_keys if k.required],
            "query_sql": self.query.to_string(),
        }

    @classmethod
    def _from_catalog(cls, fs: FeatureStore, obj: Any) -> FeatureView:
        b = obj.body
        try:
            query = Query.from_dict(b["query"], fs)
        except NotFound as exc:
            raise NotFound(
                f"feature view '{obj.name}' version {obj.version} reads a feature group that was "
                f"deleted ({exc}); create a new feature view"
            ) from exc
        fv = cls(
            fs,
            obj.name,
            obj.version,
            query,
            b.get("description", ""),
            b.get("labels"),
            b.get("inference_helper_columns"),
            b.get("training_helper_columns"),
            [udf_from_dict(d) for d in b.get("transformation_functions", [])],
        )
        fv.id, fv.created = obj.id, obj.created
        return fv

    # ------------------------------------------------------------------ schema

    @property
    def transformation_functions(self) -> list[HopsworksUdf]:
        return list(self._mdts)

    model_dependent_transformations = transformation_functions

    @property
    def features(self) -> list[TrainingDatasetFeature]:
        return [
            TrainingDatasetFeature(
                c.name,
                c.type,
                label=c.name in self.labels,
                feature_group=c.feature_group,
                index=i,
                inference_helper_column=c.name in self.inference_helper_columns,
                training_helper_column=c.name in self.training_helper_columns,
            )
            for i, c in enumerate(self._columns)
        ]

    schema = features

    @property
    def _model_features(self) -> list[str]:
        skip = (
            set(self.labels)
            | set(self.inference_helper_columns)
            | set(self.training_helper_columns)
        )
        return [c.name for c in self._columns if c.name not in skip]

    @property
    def serving_keys(self) -> list[ServingKey]:
        from mvps.vector_server import serving_keys

        return serving_keys(self)

    @property
    def primary_keys(self) -> set[str]:
        return {k.required_serving_key for k in self.serving_keys if k.required}

    @property
    def feature_store_name(self) -> str:
        return self._fs.name

    def get_parent_feature_groups(self) -> Any:
        from mvps.lineage import links_to

        return links_to(self._fs, self._ref, {"feature_group"})

    # ------------------------------------------------------------------ data access

    def _extra_columns(self, primary_key: bool, event_time: bool) -> list[str]:
        root = self.query.left_feature_group
        out = []
        if primary_key:
            out += [f"fg0.{k}" for k in root.primary_key]
        if event_time and root.event_time:
            out.append(f"fg0.{root.event_time}")
        return out

    def _read(
        self,
        versions: dict[str, int | None] | None,
        start: Any,
        end: Any,
        extra_filter: Filter | Logic | None,
        order: bool = True,
        need_event_time: bool = False,
        primary_key: bool = False,
        event_time: bool = False,
        spine: pa.Table | None = None,
    ) -> tuple[pa.Table, dict[str, int | None]]:
        s, e = check_range(start, end, "time range")
        extras = self._extra_columns(primary_key, event_time or need_event_time)
        c = self.query.compile(
            versions=versions,
            start_time=s,
            end_time=e,
            extra_filter=extra_filter,
            extra_columns=extras,
            order=order,
            spine=spine,
        )
        return run(c), c.versions

    def _spine_table(self, spine: Any, labels: bool = True) -> pa.Table | None:
        """A spine (dataframe or SpineGroup) as rows of the left feature group's schema.

        It must hold the left group's primary key, event time, the features the query
        selects from it and its join keys; other columns of the group are null.
        """
        if spine is None:
            return None
        from mvps.schema import conform
        from mvps.spine_group import SpineGroup

        data = spine.dataframe if isinstance(spine, SpineGroup) else spine
        if data is None:
            raise InvalidInput("the spine group has no dataframe; set spine.dataframe = df first")
        table = frames.normalize_table(frames.to_arrow(data))
        root = self.query.left_feature_group
        needed = list(root.primary_key) + ([root.event_time] if root.event_time else [])
        needed += [f for f in self.query._left_features if labels or f not in self.labels]
        for j in self.query.joins:
            needed += list(j.on or j.left_on)
        missing = sorted({n for n in needed if n not in table.column_names})
        if missing:
            raise InvalidInput(
                f"the spine lacks column(s) {missing}; a spine for feature view '{self.name}' "
                f"needs {sorted(set(needed))} (the left feature group's keys, event time and "
                "selected features, e.g. the labels)"
            )
        present = [f for f in root.features if f.name in table.column_names]
        typed = conform(table.select([f.name for f in present]), present, f"spine of '{self.name}'")
        cols = []
        for f in root.features:
            if f.name in typed.column_names:
                cols.append(typed.column(f.name))
            else:
                cols.append(pa.nulls(table.num_rows, frames.arrow_type(f.type or "string")))
        return pa.table(cols, names=[f.name for f in root.features])

    def _split_xy(
        self,
        table: pa.Table,
        primary_key: bool,
        event_time: bool,
        training_helper_columns: bool,
        inference_helper_columns: bool,
        transform: bool,
        stats: dict[str, Any] | None,
        dataframe_type: str,
        context: dict[str, Any] | None,
        with_labels: bool = True,
    ) -> tuple[Any, Any]:
        root = self.query.left_feature_group
        front = []
        if primary_key:
            front += list(root.primary_key)
        if event_time and root.event_time:
            front.append(root.event_time)
        cols = [c for c in front if c in table.column_names]
        cols += [c for c in self._model_features if c not in cols]
        if training_helper_columns:
            cols += [c for c in self.training_helper_columns if c not in cols]
        if inference_helper_columns:
            cols += [c for c in self.inference_helper_columns if c not in cols]
        x = table.select(cols)
        y = table.select(self.labels) if (self.labels and with_labels) else None
        if transform and self._mdts:
            x, y = self._transform_tables(x, y, stats, context)
        return frames.from_arrow(x, dataframe_type), (
            None if y is None else frames.from_arrow(y, dataframe_type)
        )

    def _transform_tables(
        self,
        x: pa.Table,
        y: pa.Table | None,
        stats: dict[str, Any] | None,
        context: dict[str, Any] | None,
    ) -> tuple[pa.Table, pa.Table | None]:
        """Apply the model-dependent transformations (features to X, labels to y)."""
        label_set = set(self.labels)
        for side in ("x", "y"):
            table = x if side == "x" else y
            if table is None:
                continue
            udfs = [
                u
                for u in self._mdts
                if (set(u.transformation_features) <= label_set) == (side == "y")
            ]
            udfs = [
                u for u in udfs if all(f in table.column_names for f in u.transformation_features)
            ]
            if not udfs:
                continue
            frame = frames.to_pandas(table)
            drop: set[str] = set()
            for u in udfs:
                self._bind_stats(u, stats)
                out = u.execute_pandas(frame, context)
                for col in out.columns:
                    frame[col] = out[col].to_numpy() if hasattr(out[col], "to_numpy") else out[col]
                drop |= set(u.dropped_features)
            frame = frame[[c for c in frame.columns if c not in drop]]
            result = pa.Table.from_pandas(frame, preserve_index=False)
            if side == "x":
                x = result
            else:
                y = result
        return x, y

    def _bind_stats(self, u: HopsworksUdf, stats: dict[str, Any] | None) -> None:
        if u.statistics_features:
            if stats is None:
                raise InvalidInput(
                    f"transformation {u.function_name} needs training statistics, but no training "
                    f"dataset of feature view '{self.name}' version {self.version} exists; create "
                    "training data first (e.g. fv.train_test_split(0.2))"
                )
            u.transformation_statistics = stats

    # ------------------------------------------------------------------ training data

    def _new_td(
        self,
        spec: SplitSpec,
        start: Any,
        end: Any,
        description: str,
        extra_filter: Any,
        statistics_config: Any,
        materialize: bool,
        data_format: str = "parquet",
        spine: Any = None,
    ) -> tuple[int, dict[str, pa.Table]]:
        """Read the data, split it, compute statistics and record a new TD version."""
        from mvps.statistics import compute_statistics
        from mvps.statistics_config import StatisticsConfig

        s, e = check_range(start, end, "time range")
        root = self.query.left_feature_group
        spine_table = self._spine_table(spine)
        table, versions = self._read(
            None,
            s,
            e,
            extra_filter,
            need_event_time=spec.kind == "time",
            primary_key=True,
            event_time=True,
            spine=spine_table,
        )
        splits = assign_splits(table, spec, root.event_time)
        train = splits.get(TRAIN, splits.get(""))
        if train is None or train.num_rows == 0:
            raise InvalidInput(
                "the training split is empty; check the time range and filters of the training data"
            )
        tstats = self._transformation_statistics(train)
        body: dict[str, Any] = {
            "description": description,
            "split": spec.to_dict(),
            "start_time": iso(s),
            "end_time": iso(e),
            "extra_filter": extra_filter.to_dict() if extra_filter is not None else None,
            "versions": versions,
            "transformation_statistics": {k: v.to_dict() for k, v in tstats.items()},
            "rows": {name or "all": t.num_rows for name, t in splits.items()},
            "data_format": data_format if materialize else None,
            "location": None,
            "labels": self.labels,
        }
        catalog = self._catalog
        obj = catalog.create(TD_KIND, self._td_name, None, body)
        td_version = obj.version
        try:
            if spine_table is not None:  # pinned with the version, so replays are exact
                body["spine"] = self._save_spine(td_version, spine_table)
            if materialize:
                body["location"] = self._materialize(td_version, splits, data_format)
            cfg = StatisticsConfig.from_value(statistics_config)
            if cfg.enabled:
                split_stats = {}
                for name, t in splits.items():
                    st = compute_statistics(t.select(self._model_features + self.labels), cfg)
                    st.split_name = name or None
                    split_stats[name or "all"] = st.to_dict()
                catalog.add_record(
                    "td_statistics", (TD_KIND, self._td_name, td_version), {"splits": split_stats}
                )
            catalog.update(TD_KIND, self._td_name, td_version, body)
        except Exception:
            catalog.delete(TD_KIND, self._td_name, td_version)
            raise
        catalog.add_link(self._ref, (TD_KIND, self._td_name, td_version), "training_dataset")
        self._last_td_version = td_version
        return td_version, splits

    def _transformation_statistics(self, train: pa.Table) -> dict[str, Any]:
        from mvps.statistics import compute_statistics

        needed = sorted({f for u in self._mdts for f in u.statistics_features})
        if not needed:
            return {}
        stats = compute_statistics(train.select(needed))
        out = {}
        for name in needed:
            st = stats.get(name)
            assert st is not None
            ext = dict(st.extended_statistics or {})
            if "unique_values" not in ext:
                import pyarrow.compute as pc

                col = train.column(name)
                ext["unique_values"] = sorted(v for v in pc.unique(col.drop_null()).to_pylist())
                st.extended_statistics = ext
            out[name] = st
        return out

    def _materialize(self, td_version: int, splits: dict[str, pa.Table], data_format: str) -> str:
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        fmt = (data_format or "parquet").lower()
        if fmt not in ("parquet", "csv", "tsv"):
            raise InvalidInput(
                f"data_format must be 'parquet', 'csv' or 'tsv', got {data_format!r}"
            )
        base = self._fs._project.path / "training_datasets" / self._td_name / str(td_version)
        base.mkdir(parents=True, exist_ok=True)
        for name, t in splits.items():
            path = base / f"{name or 'all'}.{fmt}"
            tmp = path.with_suffix(path.suffix + ".tmp")
            if fmt == "parquet":
                pq.write_table(t, tmp)
            else:
                pacsv.write_csv(t, tmp, pacsv.WriteOptions(delimiter="\t" if fmt == "tsv" else ","))
            os.replace(tmp, path)
        return str(base)

    def _save_spine(self, td_version: int, spine: pa.Table) -> str:
        import pyarrow.parquet as pq

        base = self._fs._project.path / "training_datasets" / self._td_name / str(td_version)
        base.mkdir(parents=True, exist_ok=True)
        path = base / "spine.parquet"
        tmp = path.with_suffix(".parquet.tmp")
        pq.write_table(spine, tmp)
        os.replace(tmp, path)
        return str(path)

    def _td(self, version: int) -> Any:
        if version is None:
            raise InvalidInput("training_dataset_version is required")
        obj = self._catalog.get(TD_KIND, self._td_name, int(version))
        if obj is None:
            existing = [o.version for o in self._catalog.list(TD_KIND, self._td_name)]
            raise NotFound(
                f"feature view '{self.name}' version {self.version} has no training dataset version "
                f"{version} (existing: {existing or 'none'}; create one with training_data() or "
                "train_test_split())"
            )
        return obj

    def _td_stats(self, td_version: int | None) -> dict[str, Any] | None:
        from mvps.statistics import FeatureDescriptiveStatistics

        if td_version is None:
            return None
        body = self._td(td_version).body
        return {
            k: FeatureDescriptiveStatistics.from_dict(v)
            for k, v in body["transformation_statistics"].items()
        }

    def _replay(self, td_version: int) -> tuple[dict[str, pa.Table], dict[str, Any]]:
        """The splits of a recorded TD version (from files when materialised)."""
        obj = self._td(td_version)
        body = obj.body
        spec = SplitSpec.from_dict(body["split"])
        if body.get("location"):
            import pyarrow.csv as pacsv
            import pyarrow.parquet as pq

            fmt = body.get("data_format") or "parquet"
            out = {}
            for name in spec.names or [""]:
                path = os.path.join(body["location"], f"{name or 'all'}.{fmt}")
                if not os.path.exists(path):
                    raise NotFound(
                        f"the files of training dataset version {td_version} are gone ({path}); "
                        "recreate them with fv.recreate_training_dataset(version)"
                    )
                if fmt == "parquet":
                    out[name] = pq.read_table(path)
                else:
                    out[name] = pacsv.read_csv(
                        path,
                        parse_options=pacsv.ParseOptions(delimiter="\t" if fmt == "tsv" else ","),
                    )
            return out, body
        extra = (
            filter_from_dict(body["extra_filter"], self.query) if body.get("extra_filter") else None
        )
        spine = None
        if body.get("spine"):
            import pyarrow.parquet as pq

            if not os.path.exists(body["spine"]):
                raise NotFound(
                    f"the spine of training dataset version {td_version} is gone ({body['spine']})"
                )
            spine = pq.read_table(body["spine"])
        table, _ = self._read(
            body["versions"],
            body.get("start_time"),
            body.get("end_time"),
            extra,
            need_event_time=True,
            primary_key=True,
            event_time=True,
            spine=spine,
        )
        return assign_splits(table, spec, self.query.left_feature_group.event_time), body

    def _outputs(
        self,
        splits: dict[str, pa.Table],
        names: Sequence[str],
        td_version: int,
        primary_key: bool,
        event_time: bool,
        training_helper_columns: bool,
        dataframe_type: str,
        context: dict[str, Any] | None,
    ) -> tuple[Any, ...]:
        frames.check_dataframe_type(dataframe_type)
        stats = self._td_stats(td_version)
        xs, ys = [], []
        for n in names:
            x, y = self._split_xy(
                splits[n],
                primary_key,
                event_time,
                training_helper_columns,
                False,
                True,
                stats,
                dataframe_type,
                context,
            )
            xs.append(x)
            ys.append(y)
        self._last_td_version = td_version
        return (*xs, *ys)

    def training_data(
        self,
        start_time: Any = None,
        end_time: Any = None,
        description: str = "",
        extra_filter: Filter | Logic | None = None,
        statistics_config: Any = None,
        read_options: Any = None,
        spine: Any = None,
        primary_key: bool = False,
        event_time: bool = False,
        training_helper_columns: bool = False,
        dataframe_type: str = "default",
        transformation_context: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> tuple[Any, Any]:
        """``(X, y)`` for ``[start_time, end_time)``; records a new training-dataset version."""
        frames.check_dataframe_type(dataframe_type)
        v, splits = self._new_td(
            SplitSpec("none"),
            start_time,
            end_time,
            description,
            extra_filter,
            statistics_config,
            False,
            spine=spine,
        )
        x, y = self._outputs(
            splits,
            [""],
            v,
            primary_key,
            event_time,
            training_helper_columns,
            dataframe_type,
            transformation_context,
        )
        return x, y

    def train_test_split(
        self,
        test_size: float | None = None,
        train_start: Any = "",
        train_end: Any = "",
        test_start: Any = "",
        test_end: Any = "",
        description: str = "",
        extra_filter: Filter | Logic | None = None,
        statistics_config: Any = None,
        read_options: Any = None,
        spine: Any = None,
        primary_key: bool = False,
        event_time: bool = False,
        training_helper_columns: bool = False,
        dataframe_type: str = "default",
        transformation_context: dict[str, Any] | None = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> tuple[Any, Any, Any, Any]:
        """``(X_train, X_test, y_train, y_test)``: random (``test_size``, ``seed``) or by time
        (``train_start/train_end/test_start/test_end``); records a new TD version."""
        frames.check_dataframe_type(dataframe_type)
        spec = self._spec(
            test_size, None, seed, train=(train_start, train_end), test=(test_start, test_end)
        )
        v, splits = self._new_td(
            spec, None, None, description, extra_filter, statistics_config, False, spine=spine
        )
        x_tr, x_te, y_tr, y_te = self._outputs(
            splits,
            [TRAIN, TEST],
            v,
            primary_key,
            event_time,
            training_helper_columns,
            dataframe_type,
            transformation_context,
        )
        return x_tr, x_te, y_tr, y_te

    def train_validation_test_split(
        self,
        validation_size: float | None = None,
        test_size: float | None = None,
        train_start: Any = "",
        train_end: Any = "",
        validation_start: Any = "",
        validation_end: Any = "",
        test_start: Any = "",
        test_end: Any = "",
        description: str = "",
        extra_filter: Filter | Logic | None = None,
        statistics_config: Any = None,
        read_options: Any = None,
        spine: Any = None,
        primary_key: bool = False,
        event_time: bool = False,
        training_helper_columns: bool = False,
        dataframe_type: str = "default",
        transformation_context: dict[str, Any] | None = None,
        seed: int | None = None,
        **kwargs: Any,
    ) -> tuple[Any, ...]:
        """``(X_train, X_val, X_test, y_train, y_val, y_test)``; records a new TD version."""
        frames.check_dataframe_type(dataframe_type)
        spec = self._spec(
            test_size,
            validation_size,
            seed,
            train=(train_start, train_end),
            validation=(validation_start, validation_end),
            test=(test_start, test_end),
        )
        if spec.kind == "random" and not spec.validation_size:
            raise InvalidInput("validation_size is required, e.g. validation_size=0.1")
        v, splits = self._new_td(
            spec, None, None, description, extra_filter, statistics_config, False, spine=spine
        )
        out = self._outputs(
            splits,
            [TRAIN, VALIDATION, TEST],
            v,
            primary_key,
            event_time,
            training_helper_columns,
            dataframe_type,
            transformation_context,
        )
        return out

    @staticmethod
    def _spec(
        test_size: Any, validation_size: Any, seed: Any, **ranges: tuple[Any, Any]
    ) -> SplitSpec:
        has_time = any(x not in (None, "") for r in ranges.values() for x in r)
        if has_time:
            if test_size is not None or validation_size is not None:
                raise InvalidInput("pass either split sizes or split time ranges, not both")
            return time_split(**ranges)
        return random_split(test_size, validation_size, seed)

    def create_training_data(
        self,
        start_time: Any = "",
        end_time: Any = "",
        storage_connector: Any = None,
        location: str = "",
        description: str = "",
        extra_filter: Filter | Logic | None = None,
        data_format: str = "parquet",
        coalesce: bool = False,
        seed: int | None = None,
        statistics_config: Any = None,
        write_options: Any = None,
        spine: Any = None,
        **kwargs: Any,
    ) -> tuple[int, None]:
        """Materialise training data to files; returns ``(td_version, None)`` (no job)."""
        v, _ = self._new_td(
            SplitSpec("none"),
            start_time,
            end_time,
            description,
            extra_filter,
            statistics_config,
            True,
            data_format,
            spine=spine,
        )
        return v, None

    def create_train_test_split(
        self,
        test_size: float | None = None,
        train_start: Any = "",
        train_end: Any = "",
        test_start: Any = "",
        test_end: Any = "",
        storage_connector: Any = None,
        location: str = "",
        description: str = "",
        extra_filter: Filter | Logic | None = None,
        data_format: str = "parquet",
        coalesce: bool = False,
        seed: int | None = None,
        statistics_config: Any = None,
        write_options: Any = None,
        spine: Any = None,
        **kwargs: Any,
    ) -> tuple[int, None]:
        spec = self._spec(
            test_size, None, seed, train=(train_start, train_end), test=(test_start, test_end)
        )
        v, _ = self._new_td(
            spec,
            None,
            None,
            description,
            extra_filter,
            statistics_config,
            True,
            data_format,
            spine=spine,
        )
        return v, None

    def create_train_validation_test_split(
        self,
        validation_size: float | None = None,
        test_size: float | None = None,
        train_start: Any = "",
        train_end: Any = "",
        validation_start: Any = "",
        validation_end: Any = "",
        test_start: Any = "",
        test_end: Any = "",
        storage_connector: Any = None,
        location: str = "",
        description: str = "",
        extra_filter: Filter | Logic | None = None,
        data_format: str = "parquet",
        coalesce: bool = False,
        seed: int | None = None,
        statistics_config: Any = None,
        write_options: Any = None,
        spine: Any = None,
        **kwargs: Any,
    ) -> tuple[int, None]:
        spec = self._spec(
            test_size,
            validation_size,
            seed,
            train=(train_start, train_end),
            validation=(validation_start, validation_end),
            test=(test_start, test_end),
        )
        if spec.kind == "random" and not spec.validation_size:
            raise InvalidInput("validation_size is required, e.g. validation_size=0.1")
        v, _ = self._new_td(
            spec,
            None,
            None,
            description,
            extra_filter,
            statistics_config,
            True,
            data_format,
            spine=spine,
        )
        return v, None

    def get_training_data(
        self,
        training_dataset_version: int,
        read_options: Any = None,
        primary_key: bool = False,
        event_time: bool = False,
        training_helper_columns: bool = False,
        dataframe_type: str = "default",
        transformation_context: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> tuple[Any, Any]:
        """``(X, y)`` of a recorded version: the same rows it returned when created."""
        splits, body = self._replay(training_dataset_version)
        if "" not in splits:
            raise InvalidInput(
                f"training dataset version {training_dataset_version} is split; use get_train_test_split "
                "or get_train_validation_test_split"
            )
        x, y = self._outputs(
            splits,
            [""],
            training_dataset_version,
            primary_key,
            event_time,
            training_helper_columns,
            dataframe_type,
            transformation_context,
        )
        return x, y

    def get_train_test_split(
        self,
        training_dataset_version: int,
        read_options: Any = None,
        primary_key: bool = False,
        event_time: bool = False,
        training_helper_columns: bool = False,
        dataframe_type: str = "default",
        transformation_context: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> tuple[Any, Any, Any, Any]:
        splits, body = self._replay(training_dataset_version)
        if set(splits) != {TRAIN, TEST}:
            raise InvalidInput(
                f"training dataset version {training_dataset_version} has splits {sorted(splits)}, "
                "not train/test"
            )
        a, b, c, d = self._outputs(
            splits,
            [TRAIN, TEST],
            training_dataset_version,
            primary_key,
            event_time,
            training_helper_columns,
            dataframe_type,
            transformation_context,
        )
        return a, b, c, d

    def get_train_validation_test_split(
        self,
        training_dataset_version: int,
        read_options: Any = None,
        primary_key: bool = False,
        event_time: bool = False,
        training_helper_columns: bool = False,
        dataframe_type: str = "default",
        transformation_context: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> tuple[Any, ...]:
        splits, body = self._replay(training_dataset_version)
        if set(splits) != {TRAIN, VALIDATION, TEST}:
            raise InvalidInput(
                f"training dataset version {training_dataset_version} has splits {sorted(splits)}, "
                "not train/validation/test"
            )
        return self._outputs(
            splits,
            [TRAIN, VALIDATION, TEST],
            training_dataset_version,
            primary_key,
            event_time,
            training_helper_columns,
            dataframe_type,
            transformation_context,
        )

    def recreate_training_dataset(
        self,
        training_dataset_version: int,
        statistics_config: Any = None,
        write_options: Any = None,
        spine: Any = None,
        **kwargs: Any,
    ) -> None:
        """Write the files of a materialised version again (from its pinned data)."""
        obj = self._td(training_dataset_version)
        body = dict(obj.body)
        body["location"] = None
        self._catalog.update(TD_KIND, self._td_name, training_dataset_version, body)
        splits, _ = self._replay(training_dataset_version)
        body["location"] = self._materialize(
            training_dataset_version, splits, obj.body.get("data_format") or "parquet"
        )
        self._catalog.update(TD_KIND, self._td_name, training_dataset_version, body)

    def get_training_datasets(self) -> list[TrainingDataset]:
        return [
            TrainingDataset(self, o.version, o.body, o.created)
            for o in self._catalog.list(TD_KIND, self._td_name)
        ]

    def get_training_dataset_statistics(
        self,
        training_dataset_version: int,
        before_transformation: bool = False,
        feature_names: Sequence[str] | None = None,
    ) -> Any:
        """Statistics of each split of a TD version (``.split_statistics``)."""
        from mvps.statistics import Statistics

        self._td(training_dataset_version)
        recs = self._catalog.records(
            "td_statistics", (TD_KIND, self._td_name, int(training_dataset_version)), limit=1
        )
        if not recs:
            return None
        splits = {k: Statistics.from_dict(v) for k, v in recs[0].body["splits"].items()}
        if feature_names:
            wanted = {frames.normalize_name(n) for n in feature_names}
            for st in splits.values():
                st.feature_descriptive_statistics = [
                    f for f in st.feature_descriptive_statistics if f.feature_name in wanted
                ]
        first = next(iter(splits.values()))
        # Hopsworks' shape: one Statistics whose split_statistics lists every split
        first.__dict__["split_statistics"] = list(splits.values()) if "all" not in splits else []
        first.__dict__["training_dataset_version"] = int(training_dataset_version)
        return first

    def purge_training_data(self, training_dataset_version: int) -> None:
        """Delete a materialised version's files (its metadata stays)."""
        import shutil

        obj = self._td(training_dataset_version)
        if obj.body.get("location"):
            shutil.rmtree(obj.body["location"], ignore_errors=True)

    def purge_all_training_data(self) -> None:
        for td in self.get_training_datasets():
            self.purge_training_data(td.version)

    def delete_training_dataset(self, training_dataset_version: int) -> None:
        """Delete a TD version: metadata, statistics and files."""
        self.purge_training_data(training_dataset_version)
        self._catalog.delete(TD_KIND, self._td_name, int(training_dataset_version))

    def delete_all_training_datasets(self) -> None:
        for td in self.get_training_datasets():
            self.delete_training_dataset(td.version)

    def get_last_accessed_training_dataset(self) -> int | None:
        return self._last_td_version

    # ------------------------------------------------------------------ batch data

    def _default_td_version(self) -> int | None:
        tds = self._catalog.list(TD_KIND, self._td_name)
        return tds[-1].version if tds else None

    def init_batch_scoring(self, training_dataset_version: int | None = None) -> None:
        """Use the transformation statistics of ``training_dataset_version`` for batch data
        (default: the newest training dataset)."""
        if training_dataset_version is not None:
            self._td(training_dataset_version)
        self._batch_td_version = training_dataset_version

    def get_batch_data(
        self,
        start_time: Any = None,
        end_time: Any = None,
        read_options: Any = None,
        spine: Any = None,
        primary_key: bool = False,
        event_time: bool = False,
        inference_helper_columns: bool = False,
        dataframe_type: str = "default",
        transformed: bool = True,
        transformation_context: dict[str, Any] | None = None,
        extra_filter: Filter | Logic | None = None,
        **kwargs: Any,
    ) -> Any:
        """Features for batch scoring, ``[start_time, end_time)`` on the left group's event
        time, with the training join and transformations; labels excluded."""
        frames.check_dataframe_type(dataframe_type)
        table, _ = self._read(
            None,
            start_time,
            end_time,
            extra_filter,
            primary_key=primary_key,
            event_time=event_time,
            spine=self._spine_table(spine, labels=False),
        )
        stats = None
        if transformed and any(u.statistics_features for u in self._mdts):
            stats = self._td_stats(self._batch_td_version or self._default_td_version())
        x, _ = self._split_xy(
            table,
            primary_key,
            event_time,
            False,
            inference_helper_columns,
            transformed,
            stats,
            dataframe_type,
            transformation_context,
            with_labels=False,
        )
        return x

    def get_batch_query(self, start_time: Any = None, end_time: Any = None) -> str:
        s, e = check_range(start_time, end_time, "time range")
        from mvps.query import _inline

        c = self.query.compile(start_time=s, end_time=e, resolve_sources=False)
        return _inline(c.sql, c.params)

    # ------------------------------------------------------------------ online

    def init_serving(
        self,
        training_dataset_version: int | None = None,
        external: Any = None,
        options: Any = None,
        init_sql_client: Any = None,
        init_rest_client: bool = False,
        reset_rest_client: bool = False,
        config_rest_client: Any = None,
        default_client: Any = None,
        feature_logger: Any = None,
        **kwargs: Any,
    ) -> None:
        """Compile the serving plan: key lookups per group, column positions and the
        transformation statistics of ``training_dataset_version`` (default: the newest)."""
        from mvps.vector_server import ServingPlan

        for fg in self.query.featuregroups:
            if not fg.online_enabled:
                raise InvalidInput(
                    f"feature group {fg.name!r} is not online-enabled, so feature view '{self.name}' cannot "
                    "serve feature vectors; create the group with online_enabled=True"
                )
            fg.sync_online()
        v = (
            training_dataset_version
            if training_dataset_version is not None
            else self._default_td_version()
        )
        stats = (
            self._td_stats(v)
            if (v is not None and any(u.statistics_features for u in self._mdts))
            else None
        )
        self._serving = ServingPlan(self, stats)
        self._serving_td_version = v

    def _plan(self) -> ServingPlan:
        if self._serving is None:
            self.init_serving()
        assert self._serving is not None
        return self._serving

    def get_feature_vector(
        self,
        entry: dict[str, Any] | None = None,
        passed_features: dict[str, Any] | None = None,
        external: Any = None,
        return_type: str = "list",
        allow_missing: bool = False,
        force_rest_client: bool = False,
        force_sql_client: bool = False,
        transform: bool = True,
        on_demand_features: bool = True,
        request_parameters: dict[str, Any] | None = None,
        transformation_context: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        """The feature vector of one entry (serving key → value), in the view's order.

        ``passed_features`` override looked-up values or supply features the online
        store lacks (a group whose features are all passed need not have a row).
        """
        plan = self._plan()
        values = plan.vector(
            entry or {},
            passed_features,
            allow_missing,
            transform,
            request_parameters,
            transformation_context,
        )
        return plan.render([values], return_type, single=True, transform=transform)

    def get_feature_vectors(
        self,
        entry: Sequence[dict[str, Any]] | None = None,
        passed_features: Sequence[dict[str, Any]] | None = None,
        external: Any = None,
        return_type: str = "list",
        allow_missing: bool = False,
        force_rest_client: bool = False,
        force_sql_client: bool = False,
        transform: bool = True,
        on_demand_features: bool = True,
        request_parameters: Sequence[dict[str, Any]] | None = None,
        transformation_context: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        """Feature vectors of many entries (one batched lookup per group)."""
        plan = self._plan()
        entries = list(entry or [])
        if passed_features is not None and len(passed_features) != len(entries):
            raise InvalidInput("passed_features must have one dict per entry")
        rows = plan.vectors(
            entries,
            passed_features,
            allow_missing,
            transform,
            request_parameters,
            transformation_context,
        )
        return plan.render(rows, return_type, single=False, transform=transform)

    def get_inference_helper(
        self,
        entry: dict[str, Any],
        external: Any = None,
        return_type: str = "pandas",
        **kwargs: Any,
    ) -> Any:
        """The inference helper columns of one entry."""
        return self._plan().helpers([entry], return_type, single=True)

    def get_inference_helpers(
        self,
        entry: Sequence[dict[str, Any]],
        external: Any = None,
        return_type: str = "pandas",
        **kwargs: Any,
    ) -> Any:
        return self._plan().helpers(list(entry), return_type, single=False)

    def transform(
        self,
        feature_vector: Any,
        external: Any = None,
        transformation_context: dict[str, Any] | None = None,
        return_type: str | None = None,
    ) -> Any:
        """Apply the model-dependent transformations to untransformed vector(s) or a frame."""
        plan = self._plan()
        return plan.transform_any(feature_vector, transformation_context, return_type)

    def compute_on_demand_features(
        self,
        feature_vector: Any,
        request_parameters: Any = None,
        transformation_context: Any = None,
        return_type: str | None = None,
    ) -> Any:
        return feature_vector

    # ------------------------------------------------------------------ lineage / admin

    def get_models(self, training_dataset_version: int | None = None) -> list[Any]:
        from mvps.lineage import models_of

        return models_of(self, training_dataset_version)

    def get_newest_model(self, training_dataset_version: int | None = None) -> Any:
        models = self.get_models(training_dataset_version)
        return max(models, key=lambda m: m.created) if models else None

    def get_models_provenance(self, training_dataset_version: int | None = None) -> Any:
        from mvps.lineage import links_from

        return links_from(self._fs, self._ref, {"model"})

    def update(self) -> FeatureView:
        """Store a changed ``description``."""
        self._catalog.update(KIND, self.name, self.version, self.to_dict())
        return self

    def delete(self) -> None:
        """Delete the view and its training datasets."""
        self.delete_all_training_datasets()
        self._catalog.delete(KIND, self.name, self.version)

    def json(self) -> str:
        import json

        return json.dumps(self.to_dict(), default=str)

    def __repr__(self) -> str:
        return f"FeatureView({self.name!r}, {self.version}, features={[c.name for c in self._columns]})"


def _as_list(x: Any) -> list[Any]:
    if x is None:
        return []
    if isinstance(x, dict):  # 3.x style {"feature": transformation_function}
        return [as_udf(tf)(name) for name, tf in x.items()]
    return list(x)


__all__ = ["Feature", "FeatureView", "ServingKey", "TrainingDatasetFeature"]
