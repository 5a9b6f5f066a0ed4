"""Training-dataset versions of a feature view.

A training dataset version records everything needed to return the same rows again:
the Delta version of every feature group it read, its time range and extra filter,
its split parameters (sizes and seed, or time ranges) and the statistics of its train
split that model-dependent transformations use. Materialised versions
(``create_training_data`` and friends) also keep Parquet files per split.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mvps.errors import InvalidInput
from mvps.timeutil import from_iso, iso, opt_utc

KIND = "training_dataset"

TRAIN, VALIDATION, TEST = "train", "validation", "test"


@dataclass
class SplitSpec:
    """How rows are assigned to splits."""

    kind: str  # "none", "random" or "time"
    test_size: float | None = None
    validation_size: float | None = None
    seed: int | None = None
    ranges: dict[str, list[str | None]] = field(default_factory=dict)  # split -> [start, end)

    @property
    def names(self) -> list[str]:
        if self.kind == "none":
            return []
        if self.kind == "random":
            return [TRAIN, VALIDATION, TEST] if self.validation_size else [TRAIN, TEST]
        return [s for s in (TRAIN, VALIDATION, TEST) if s in self.ranges]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "test_size": self.test_size,
            "validation_size": self.validation_size,
            "seed": self.seed,
            "ranges": self.ranges,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SplitSpec:
        return cls(
            d["kind"],
            d.get("test_size"),
            d.get("validation_size"),
            d.get("seed"),
            d.get("ranges") or {},
        )


def _fraction(v: Any, what: str) -> float | None:
    if v is None or v == "":
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        raise InvalidInput(f"{what} must be a number between 0 and 1, got {v!r}") from None
    if not 0 < f < 1:
        raise InvalidInput(f"{what} must be between 0 and 1 (exclusive), got {v!r}")
    return f


def random_split(test_size: Any, validation_size: Any = None, seed: int | None = None) -> SplitSpec:
    t = _fraction(test_size, "test_size")
    v = _fraction(validation_size, "validation_size")
    if t is None:
        raise InvalidInput("test_size is required for a random split, e.g. test_size=0.2")
    if v is not None and t + v >= 1:
        raise InvalidInput(
            f"validation_size + test_size must be below 1 (some rows must stay for training), got {v + t}"
        )
    if seed is None:
        seed = int(np.random.default_rng().integers(0, 2**31 - 1))
    return SplitSpec("random", t, v, int(seed))


def time_split(**ranges: tuple[Any, Any]) -> SplitSpec:
    out: dict[str, list[str | None]] = {}
    for name, (start, end) in ranges.items():
        s, e = opt_utc(start, f"{name}_start"), opt_utc(end, f"{name}_end")
        if s is None and e is None:
            continue
        if s is not None and e is not None and s >= e:
            raise InvalidInput(
                f"{name}_start {s.isoformat()} must be before {name}_end {e.isoformat()}"
            )
        out[name] = [iso(s), iso(e)]
    if TRAIN not in out or TEST not in out:
        raise InvalidInput("a time-based split needs train_start/train_end and test_start/test_end")
    return SplitSpec("time", ranges=out)


def assign_splits(table: pa.Table, spec: SplitSpec, event_time: str | None) -> dict[str, pa.Table]:
    """Split ``table`` (already in deterministic row order) as ``spec`` says."""
    if spec.kind == "none":
        return {"": table}
    n = table.num_rows
    if spec.kind == "random":
        rng = np.random.default_rng(spec.seed)
        perm = rng.permutation(n)
        n_test = round(n * (spec.test_size or 0))
        n_val = round(n * (spec.validation_size or 0))
        parts = {
            TEST: perm[:n_test],
            VALIDATION: perm[n_test : n_test + n_val],
            TRAIN: perm[n_test + n_val :],
        }
        return {name: table.take(pa.array(np.sort(parts[name]), pa.int64())) for name in spec.names}
    if not event_time:
        raise InvalidInput("a time-based split needs an event time on the left feature group")
    et = table.column(event_time)
    out = {}
    for name in spec.names:
        start, end = (from_iso(x) for x in spec.ranges[name])
        mask = None
        if start is not None:
            mask = pc.greater_equal(et, _scalar(start, et.type))
        if end is not None:
            m2 = pc.less(et, _scalar(end, et.type))
            mask = m2 if mask is None else pc.and_(mask, m2)
        out[name] = table.filter(mask) if mask is not None else table
    return out


def _scalar(t: Any, typ: pa.DataType) -> pa.Scalar:
    if pa.types.is_date(typ):
        return pa.scalar(t.date(), typ)
    return pa.scalar(t, typ)


class TrainingDataset:
    """Metadata of one training-dataset version (read-only view of the catalog entry)."""

    def __init__(
        self, feature_view: Any, version: int, body: dict[str, Any], created: float
    ) -> None:
        self._fv = feature_view
        self.version = version
        self._body = body
        self.created = created

    @property
    def name(self) -> str:
        return f"{self._fv.name}_{self._fv.version}"

    @property
    def description(self) -> str:
        return self._body.get("description", "")

    @property
    def splits(self) -> dict[str, float | None]:
        spec = SplitSpec.from_dict(self._body["split"])
        if spec.kind == "random":
            out = {
                TRAIN: 1 - (spec.test_size or 0) - (spec.validation_size or 0),
                TEST: spec.test_size,
            }
            if spec.validation_size:
                out[VALIDATION] = spec.validation_size
            return out
        return {k: None for k in spec.names}

    @property
    def split_rows(self) -> dict[str, int]:
        return dict(self._body.get("rows", {}))

    @property
    def seed(self) -> int | None:
        return self._body["split"].get("seed")

    @property
    def test_size(self) -> float | None:
        return self._body["split"].get("test_size")

    @property
    def validation_size(self) -> float | None:
        return self._body["split"].get("validation_size")

    @property
    def event_start_time(self) -> Any:
        return from_iso(self._body.get("start_time"))

    @property
    def event_end_time(self) -> Any:
        return from_iso(self._body.get("end_time"))

    @property
    def feature_group_versions(self) -> dict[str, int | None]:
        return dict(self._body.get("versions", {}))

    @property
    def data_format(self) -> str | None:
        return self._body.get("data_format")

    @property
    def location(self) -> str | None:
        return self._body.get("location")

    @property
    def materialized(self) -> bool:
        return bool(self._body.get("location"))

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "created": self.created, **self._body}

    def __repr__(self) -> str:
        return f"TrainingDataset({self.name!r}, version={self.version})"
