"""The schema of a model's input or output (Hopsworks' ``hsml.schema.Schema``).

``Schema(obj)`` describes data without keeping it:

* a **columnar** schema (``schema.columnar_schema``: one ``{"name", "type"}`` per column)
  from a pandas DataFrame or Series, a polars DataFrame or Series, a pyarrow Table, or
  a list of ``{"name": ..., "type": ...}`` dicts (e.g. a feature view's features);
* a **tensor** schema (``schema.tensor_schema``: ``{"type", "shape"}``) from a numpy
  array, a list of ``{"type": ..., "shape": ...}`` dicts, or a list of numbers (which is
  converted with numpy).

``to_dict()`` gives the JSON form Hopsworks writes to ``model_schema.json``, e.g.
``{"columnar_schema": [{"name": "age", "type": "int64"}]}`` or
``{"tensor_schema": {"type": "float64", "shape": "(100, 4)"}}``. Optional keys
(``name``, ``description``) are left out when not set.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from mvps.errors import InvalidInput


class Column:
    """One column of a columnar schema."""

    def __init__(self, type: Any, name: str | None = None, description: str | None = None) -> None:
        self.type = str(type)
        self.name = None if name is None else str(name)
        self.description = None if description is None else str(description)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type}
        if self.name is not None:
            out["name"] = self.name
        if self.description is not None:
            out["description"] = self.description
        return out

    def __repr__(self) -> str:
        return f"Column({self.name!r}, {self.type!r})"


class Tensor:
    """One tensor of a tensor schema (``shape`` is kept as text, as Hopsworks does)."""

    def __init__(
        self, type: Any, shape: Any, name: str | None = None, description: str | None = None
    ) -> None:
        self.type = str(type)
        self.shape = str(tuple(shape)) if isinstance(shape, list | tuple) else str(shape)
        self.name = None if name is None else str(name)
        self.description = None if description is None else str(description)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "shape": self.shape}
        if self.name is not None:
            out["name"] = self.name
        if self.description is not None:
            out["description"] = self.description
        return out

    def __repr__(self) -> str:
        return f"Tensor({self.type!r}, {self.shape})"


def _columns_from_dicts(items: Sequence[Any]) -> list[Column]:
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or "type" not in item:
            raise InvalidInput(
                f"entry {i} of a columnar schema must be a dict with a 'type' key (and usually "
                f"a 'name'), got {item!r}"
            )
        out.append(Column(item["type"], item.get("name"), item.get("description")))
    return out


def _tensor_from_dict(item: Any, i: int) -> Tensor:
    if not isinstance(item, dict) or "type" not in item or "shape" not in item:
        raise InvalidInput(
            f"entry {i} of a tensor schema must be a dict with 'type' and 'shape' keys, got {item!r}"
        )
    return Tensor(item["type"], item["shape"], item.get("name"), item.get("description"))


class Schema:
    """The schema of a model input or output; see the module docstring."""

    def __init__(self, object: Any = None, **kwargs: Any) -> None:
        self.columnar_schema: list[Column] | None = None
        self.tensor_schema: Tensor | list[Tensor] | None = None
        obj = object
        if obj is None:
            raise InvalidInput(
                "Schema needs data to describe: a dataframe, a numpy array, or a list of "
                "{'name', 'type'} (columnar) or {'type', 'shape'} (tensor) dicts"
            )
        module = type(obj).__module__.split(".")[0]
        if module == "numpy":
            self.tensor_schema = Tensor(obj.dtype, getattr(obj, "shape", ()))
        elif module == "pandas":
            import pandas as pd

            if isinstance(obj, pd.DataFrame):
                self.columnar_schema = [Column(t, str(n)) for n, t in obj.dtypes.items()]
            elif isinstance(obj, pd.Series):
                self.columnar_schema = [
                    Column(obj.dtype, None if obj.name is None else str(obj.name))
                ]
            else:
                raise InvalidInput(f"{type(obj).__name__} is not supported in a schema")
        elif module == "polars":
            if hasattr(obj, "schema"):
                self.columnar_schema = [Column(t, n) for n, t in obj.schema.items()]
            else:  # Series
                self.columnar_schema = [Column(obj.dtype, obj.name)]
        elif module == "pyarrow":
            schema = getattr(obj, "schema", None)
            if schema is None:
                raise InvalidInput(f"{type(obj).__name__} is not supported in a schema")
            self.columnar_schema = [Column(f.type, f.name) for f in schema]
        elif isinstance(obj, list | tuple):
            items = list(obj)
            if items and all(isinstance(x, dict) and "shape" in x for x in items):
                tensors = [_tensor_from_dict(x, i) for i, x in enumerate(items)]
                self.tensor_schema = tensors
            elif items and all(isinstance(x, dict) for x in items):
                self.columnar_schema = _columns_from_dicts(items)
            elif items and all(hasattr(x, "name") and hasattr(x, "type") for x in items):
                self.columnar_schema = [
                    Column(x.type, x.name, getattr(x, "description", None)) for x in items
                ]
            else:
                import numpy as np

                try:
                    arr = np.asarray(items)
                except ValueError as exc:
                    raise InvalidInput(
                        f"cannot infer a tensor schema from this list: {exc}"
                    ) from exc
                self.tensor_schema = Tensor(arr.dtype, arr.shape)
        elif hasattr(obj, "features") and hasattr(obj, "name"):  # a feature view / training data
            feats = list(obj.features)
            self.columnar_schema = [Column(f.type, f.name) for f in feats]
        else:
            raise InvalidInput(
                f"{type(obj).__name__} is not supported in a schema; pass a pandas/polars "
                "dataframe, a pyarrow table, a numpy array or a list"
            )

    def _get_type(self) -> str | None:
        if self.tensor_schema is not None:
            return "tensor"
        if self.columnar_schema is not None:
            return "columnar"
        return None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (see the module docstring)."""
        if self.columnar_schema is not None:
            return {"columnar_schema": [c.to_dict() for c in self.columnar_schema]}
        if isinstance(self.tensor_schema, list):
            return {"tensor_schema": [t.to_dict() for t in self.tensor_schema]}
        assert self.tensor_schema is not None
        return {"tensor_schema": self.tensor_schema.to_dict()}

    def json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, indent=2)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Schema:
        """Rebuild a schema from :meth:`to_dict` output."""
        self = cls.__new__(cls)
        self.columnar_schema = None
        self.tensor_schema = None
        if "columnar_schema" in data:
            self.columnar_schema = _columns_from_dicts(data["columnar_schema"])
        elif "tensor_schema" in data:
            ts = data["tensor_schema"]
            if isinstance(ts, list):
                self.tensor_schema = [_tensor_from_dict(x, i) for i, x in enumerate(ts)]
            else:
                self.tensor_schema = _tensor_from_dict(ts, 0)
        else:
            raise InvalidInput(
                f"a schema dict needs a 'columnar_schema' or 'tensor_schema' key, got {sorted(data)}"
            )
        return self

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Schema) and self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        return f"Schema(type: {self._get_type()!r})"


__all__ = ["Column", "Schema", "Tensor"]
