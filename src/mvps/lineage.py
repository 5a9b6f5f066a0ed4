"""Explicit provenance: which objects an object came from and which it produced.

Links are recorded in the catalog when a feature group is created with ``parents``, a
feature view from a query, a training dataset from a feature view and a model with
``feature_view=``. A linked object that was deleted since shows up in
:attr:`Links.deleted` (as an :class:`Artifact`), never as an error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KINDS = ("feature_group", "feature_view", "training_dataset", "model", "deployment")


@dataclass(frozen=True)
class Artifact:
    """Minimal description of a linked object (what is left of a deleted one)."""

    feature_store_name: str
    name: str
    version: int
    type: str
    meta_type: str = "DELETED"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "type": self.type,
            "meta_type": self.meta_type,
        }


@dataclass
class Links:
    """Hopsworks' provenance result: usable objects, deleted ones, inaccessible ones."""

    accessible: list[Any] = field(default_factory=list)
    deleted: list[Artifact] = field(default_factory=list)
    inaccessible: list[Artifact] = field(default_factory=list)
    faulty: list[Artifact] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not (self.accessible or self.deleted or self.inaccessible or self.faulty)

    def __repr__(self) -> str:
        return f"Links(accessible={self.accessible!r}, deleted={[(a.name, a.version) for a in self.deleted]})"


def load(fs: Any, ref: tuple[str, str, int]) -> Any:
    """The live object for a catalog reference, or None when it no longer exists."""
    from mvps.errors import NotFound

    kind, name, version = ref
    catalog = fs._project.catalog
    if catalog.get(kind, name, version) is None:
        return None
    try:
        if kind == "feature_group":
            return fs.get_feature_group(name, version)
        if kind == "feature_view":
            return fs.get_feature_view(name, version)
        if kind == "model":
            return fs._project.get_model_registry().get_model(name, version)
        if kind == "training_dataset":
            fv_name, _, fv_version = name.rpartition("_")
            fv = fs.get_feature_view(fv_name, int(fv_version))
            return next(t for t in fv.get_training_datasets() if t.version == version)
    except NotFound:
        return None
    obj = catalog.get(kind, name, version)
    return obj


def _links(fs: Any, refs: list[tuple[str, str, int]]) -> Links:
    out = Links()
    seen = set()
    for ref in refs:
        if ref in seen:
            continue
        seen.add(ref)
        obj = load(fs, ref)
        if obj is None:
            out.deleted.append(Artifact(fs.name, ref[1], ref[2], ref[0]))
        else:
            out.accessible.append(obj)
    return out


def links_to(fs: Any, ref: tuple[str, str, int], kinds: set[str]) -> Links:
    """Objects of ``kinds`` that ``ref`` was derived from (its parents)."""
    links = fs._project.catalog.links_to(ref)
    return _links(fs, [link.src for link in links if link.src[0] in kinds])


def links_from(fs: Any, ref: tuple[str, str, int], kinds: set[str]) -> Links:
    """Objects of ``kinds`` derived from ``ref`` (its children)."""
    links = fs._project.catalog.links_from(ref)
    return _links(fs, [link.dst for link in links if link.dst[0] in kinds])


def models_of(fv: Any, training_dataset_version: int | None = None) -> list[Any]:
    """Models trained from a feature view (optionally from one training-dataset version)."""
    links = fv._fs._project.catalog.links_from(fv._ref, "model")
    out = []
    for link in links:
        obj = load(fv._fs, link.dst)
        if obj is None:
            continue
        if (
            training_dataset_version is not None
            and getattr(obj, "training_dataset_version", None) != training_dataset_version
        ):
            continue
        out.append(obj)
    return out
