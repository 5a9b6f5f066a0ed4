"""The feature store of a project (Hopsworks' ``FeatureStore``)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mvps import frames
from mvps.errors import InvalidInput, NotFound
from mvps.feature_group import KIND as FG_KIND
from mvps.feature_group import FeatureGroup

if TYPE_CHECKING:
    from mvps.feature_view import FeatureView
    from mvps.project import Project
    from mvps.query import Query


def parse_version(version: Any, what: str = "version") -> int | None:
    """Versions are positive integers; integer-valued strings (``"1"``) are accepted."""
    if version is None:
        return None
    if isinstance(version, bool):
        raise InvalidInput(f"{what} must be a positive integer, got {version!r}")
    try:
        v = int(str(version).strip()) if isinstance(version, str) else int(version)
    except (TypeError, ValueError):
        raise InvalidInput(f"{what} must be a positive integer, got {version!r}") from None
    if isinstance(version, float) and not version.is_integer():
        raise InvalidInput(f"{what} must be a positive integer, got {version!r}")
    if v < 1:
        raise InvalidInput(f"{what} must be a positive integer, got {version!r}")
    return v


class FeatureStore:
    """Feature groups, feature views and transformation functions of a project."""

    def __init__(self, project: Project) -> None:
        self._project = project

    # ------------------------------------------------------------------ info
    @property
    def id(self) -> int:
        return 1

    @property
    def name(self) -> str:
        return f"{self._project.name}_featurestore"

    @property
    def project_name(self) -> str:
        return self._project.name

    @property
    def project_id(self) -> int:
        return self._project.id

    @property
    def online_enabled(self) -> bool:
        return True

    @property
    def online_featurestore_name(self) -> str:
        return self._project.name

    @property
    def offline_featurestore_name(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"FeatureStore({self.name!r})"

    # ------------------------------------------------------------------ feature groups

    def create_feature_group(
        self,
        name: str,
        version: Any = None,
        description: str | None = "",
        online_enabled: bool = False,
        time_travel_format: str | None = None,
        partition_key: Sequence[str] | None = None,
        primary_key: Sequence[str] | None = None,
        foreign_key: Sequence[str] | None = None,
        embedding_index: Any = None,
        hudi_precombine_key: str | None = None,
        features: Sequence[Any] | None = None,
        statistics_config: Any = None,
        event_time: str | None = None,
        stream: bool = False,
        expectation_suite: Any = None,
        parents: Sequence[Any] | None = None,
        topic_name: str | None = None,
        notification_topic_name: str | None = None,
        transformation_functions: Sequence[Any] | None = None,
        online_config: Any = None,
        **kwargs: Any,
    ) -> FeatureGroup:
        """A new feature group (persisted on its first ``insert()``/``save()``).

        ``version=None`` takes the next free version when it is persisted. As in
        Hopsworks, naming a version that exists already is not an error until the new
        definition is saved: ``insert()``/``save()`` then raise ``AlreadyExists``
        (naming the next free version), while ``read()`` reads the stored group.
        """
        if embedding_index is not None:
            raise InvalidInput(
                "embedding indexes (vector search) are not supported yet; create the feature "
                "group without embedding_index"
            )
        v = parse_version(version)
        nm = frames.check_identifier(frames.normalize_name(name), "feature group name")
        return FeatureGroup(
            self,
            nm,
            v,
            description=description,
            online_enabled=online_enabled,
            primary_key=primary_key,
            event_time=event_time,
            partition_key=partition_key,
            foreign_key=foreign_key,
            features=features,
            statistics_config=statistics_config,
            expectation_suite=expectation_suite,
            parents=parents,
            transformation_functions=transformation_functions,
            time_travel_format=time_travel_format,
            hudi_precombine_key=hudi_precombine_key,
            stream=stream,
            online_config=online_config,
            topic_name=topic_name,
            notification_topic_name=notification_topic_name,
        )

    def get_or_create_feature_group(self, name: str, version: Any, **kwargs: Any) -> FeatureGroup:
        """The existing group ``(name, version)``, else a new (lazy) one.

        An existing group's definition is not changed by the arguments.
        """
        v = parse_version(version)
        if v is None:
            raise InvalidInput("get_or_create_feature_group needs a version, e.g. version=1")
        nm = frames.normalize_name(name)
        obj = self._project.catalog.get(FG_KIND, nm, v)
        if obj is not None:
            return FeatureGroup._from_catalog(self, obj)
        return self.create_feature_group(nm, v, **kwargs)

    def get_feature_group(self, name: str, version: Any = None) -> FeatureGroup:
        """The feature group ``(name, version)``; ``version=None`` means 1 (with a warning)."""
        v = parse_version(version)
        if v is None:
            warnings.warn(
                f"no version given for feature group {name!r}; using version 1", stacklevel=2
            )
            v = 1
        nm = frames.normalize_name(name)
        obj = self._project.catalog.require(FG_KIND, nm, v)
        fg = FeatureGroup._from_catalog(self, obj)
        if fg.deprecated:
            warnings.warn(
                f"feature group {nm!r} version {v} is deprecated; move to a newer version "
                f"(existing: {[o.version for o in self._project.catalog.list(FG_KIND, nm)]})",
                stacklevel=2,
            )
        return fg

    def get_feature_groups(self, name: str | None = None) -> list[FeatureGroup]:
        """All versions of ``name`` (all groups when ``name`` is None)."""
        nm = frames.normalize_name(name) if name else None
        return [
            FeatureGroup._from_catalog(self, o) for o in self._project.catalog.list(FG_KIND, nm)
        ]

    def create_new_version(
        self,
        feature_group: FeatureGroup,
        features: Sequence[Any] | None = None,
        backfill: bool = True,
        transform: Any = None,
    ) -> FeatureGroup:
        """Create version N+1 of a group with a new schema and backfill it from version N.

        ``features`` is the new schema (default: the old one); ``transform(df) -> df``
        adapts the old rows (e.g. drops or recomputes a column) before they are
        inserted. The recipe for a breaking schema change in one call.
        """
        old = feature_group
        new = self.create_feature_group(
            old.name,
            version=self._project.catalog.next_version(FG_KIND, old.name),
            description=old.description,
            online_enabled=old.online_enabled,
            primary_key=old.primary_key,
            event_time=old.event_time,
            partition_key=old.partition_key,
            foreign_key=old.foreign_key,
            features=features,
            statistics_config=old.statistics_config,
            expectation_suite=old._expectation_suite,
            parents=[old],
        )
        if backfill and old._saved and old._project.offline.version(old._table) is not None:
            df = old.read()
            if transform is not None:
                df = transform(df)
            new.insert(df)
        elif features:
            new.save()
        return new

    def get_external_feature_group(self, name: str, version: Any = None) -> FeatureGroup:
        raise NotFound(
            "external feature groups are not supported yet; load the data and insert it into a "
            "feature group instead"
        )

    def get_or_create_spine_group(
        self,
        name: str,
        version: Any = None,
        description: str = "",
        primary_key: Sequence[str] | None = None,
        event_time: str | None = None,
        features: Sequence[Any] | None = None,
        dataframe: Any = None,
    ) -> Any:
        """A named spine: the rows to compute features for (see :mod:`mvps.spine_group`).

        Pass it (or any dataframe) as ``spine=`` to a feature view's training-data or
        batch-data methods.
        """
        from mvps.spine_group import get_or_create_spine_group

        return get_or_create_spine_group(
            self,
            name,
            parse_version(version),
            description,
            primary_key,
            event_time,
            features,
            dataframe,
        )

    # ------------------------------------------------------------------ feature views

    def create_feature_view(
        self,
        name: str,
        query: Query,
        version: Any = None,
        description: str = "",
        labels: Sequence[str] | None = None,
        inference_helper_columns: Sequence[str] | None = None,
        training_helper_columns: Sequence[str] | None = None,
        transformation_functions: Any = None,
        logging_enabled: bool = False,
        **kwargs: Any,
    ) -> FeatureView:
        from mvps.feature_view import FeatureView

        return FeatureView._create(
            self,
            name,
            query,
            parse_version(version),
            description,
            labels,
            inference_helper_columns,
            training_helper_columns,
            transformation_functions,
        )

    def get_or_create_feature_view(
        self,
        name: str,
        query: Query,
        version: Any,
        description: str = "",
        labels: Sequence[str] | None = None,
        inference_helper_columns: Sequence[str] | None = None,
        training_helper_columns: Sequence[str] | None = None,
        transformation_functions: Any = None,
        **kwargs: Any,
    ) -> FeatureView:
        from mvps.feature_view import KIND as FV_KIND

        v = parse_version(version)
        if v is None:
            raise InvalidInput("get_or_create_feature_view needs a version, e.g. version=1")
        nm = frames.normalize_name(name)
        if self._project.catalog.get(FV_KIND, nm, v) is not None:
            return self.get_feature_view(nm, v)
        return self.create_feature_view(
            nm,
            query,
            v,
            description,
            labels,
            inference_helper_columns,
            training_helper_columns,
            transformation_functions,
        )

    def get_feature_view(self, name: str, version: Any = None) -> FeatureView:
        from mvps.feature_view import KIND as FV_KIND
        from mvps.feature_view import FeatureView

        v = parse_version(version)
        if v is None:
            warnings.warn(
                f"no version given for feature view {name!r}; using version 1", stacklevel=2
            )
            v = 1
        obj = self._project.catalog.require(FV_KIND, frames.normalize_name(name), v)
        return FeatureView._from_catalog(self, obj)

    def get_feature_views(self, name: str | None = None) -> list[FeatureView]:
        from mvps.feature_view import KIND as FV_KIND
        from mvps.feature_view import FeatureView

        nm = frames.normalize_name(name) if name else None
        return [FeatureView._from_catalog(self, o) for o in self._project.catalog.list(FV_KIND, nm)]

    # ------------------------------------------------------------------ transformations

    def create_transformation_function(
        self, transformation_function: Any, version: Any = None, **kwargs: Any
    ) -> Any:
        from mvps.transformation import TransformationFunction

        return TransformationFunction(self, transformation_function, parse_version(version))

    def get_transformation_function(self, name: str, version: Any = None) -> Any:
        from mvps.transformation import get_transformation_function

        return get_transformation_function(self, name, parse_version(version))

    def get_transformation_functions(self) -> list[Any]:
        from mvps.transformation import get_transformation_functions

        return get_transformation_functions(self)

    # ------------------------------------------------------------------ SQL

    def sql(
        self,
        query: str,
        dataframe_type: str = "default",
        online: bool = False,
        read_options: dict[str, Any] | None = None,
    ) -> Any:
        """Run SQL over the feature groups' latest offline data (DuckDB dialect); each
        group is a table named ``<name>_<version>``."""
        import duckdb

        con = duckdb.connect()
        try:
            for fg in self.get_feature_groups():
                con.register(fg._table, fg._read_arrow(online=online and fg.online_enabled))
            table = con.execute(query).to_arrow_table()
        except duckdb.Error as exc:
            raise InvalidInput(f"SQL failed: {exc}") from exc
        finally:
            con.close()
        return frames.from_arrow(table, dataframe_type)
