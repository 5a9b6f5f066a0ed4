"""Spine groups: the rows (entity keys and times) to compute features for.

A spine is a dataframe of primary-key values and event times (optionally with labels)
that replaces the rows of a feature view's left feature group: pass it as ``spine=`` to
``training_data``, the split methods or ``get_batch_data`` and every row of it gets
the joined groups' features as of its own time. Hopsworks supports spines only in
Spark; here they work in plain Python. A :class:`SpineGroup`
(``fs.get_or_create_spine_group``) names such a dataframe; its definition is kept in
the catalog, its data is not (it is supplied at run time).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mvps import frames
from mvps.errors import InvalidInput
from mvps.feature import Feature

KIND = "spine_group"


class SpineGroup:
    """A named spine dataframe (see the module docstring)."""

    def __init__(
        self,
        featurestore: Any,
        name: str,
        version: int | None,
        description: str = "",
        primary_key: Sequence[str] | None = None,
        event_time: str | None = None,
        features: Sequence[Feature] | None = None,
        dataframe: Any = None,
    ) -> None:
        self._fs = featurestore
        self.name = frames.check_identifier(frames.normalize_name(name), "spine group name")
        self.version = version
        self.description = description or ""
        self.primary_key = [frames.normalize_name(k) for k in (primary_key or [])]
        self.event_time = frames.normalize_name(event_time) if event_time else None
        self._features = list(features or [])
        self._dataframe: Any = None
        if dataframe is not None:
            self.dataframe = dataframe

    @property
    def dataframe(self) -> Any:
        """The spine's rows (as given)."""
        return self._dataframe

    @dataframe.setter
    def dataframe(self, data: Any) -> None:
        table = frames.normalize_table(frames.to_arrow(data))
        missing = [
            c
            for c in self.primary_key + ([self.event_time] if self.event_time else [])
            if c not in table.column_names
        ]
        if missing:
            raise InvalidInput(
                f"the spine dataframe lacks column(s) {missing}; it needs the primary key "
                f"{self.primary_key} and the event time {self.event_time!r}"
            )
        self._dataframe = data
        self._features = [Feature(f.name, type=frames.hive_type(f.type)) for f in table.schema]

    @property
    def features(self) -> list[Feature]:
        return list(self._features)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "primary_key": self.primary_key,
            "event_time": self.event_time,
            "features": [f.to_dict() for f in self._features],
        }

    def __repr__(self) -> str:
        return f"SpineGroup({self.name!r}, {self.version})"


def get_or_create_spine_group(
    fs: Any,
    name: str,
    version: int | None,
    description: str,
    primary_key: Sequence[str] | None,
    event_time: str | None,
    features: Sequence[Feature] | None,
    dataframe: Any,
) -> SpineGroup:
    catalog = fs._project.catalog
    nm = frames.normalize_name(name)
    if version is not None:
        obj = catalog.get(KIND, nm, version)
        if obj is not None:
            b = obj.body
            group = SpineGroup(
                fs,
                nm,
                obj.version,
                b.get("description", ""),
                b.get("primary_key"),
                b.get("event_time"),
                [Feature.from_dict(d) for d in b.get("features", [])],
            )
            if dataframe is not None:
                group.dataframe = dataframe
            return group
    group = SpineGroup(fs, nm, version, description, primary_key, event_time, features, dataframe)
    obj = catalog.create(KIND, nm, version, group.to_dict())
    group.version = obj.version
    catalog.update(KIND, nm, obj.version, group.to_dict())
    return group
