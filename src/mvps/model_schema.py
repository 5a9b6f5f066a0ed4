"""A model's input and output schema (Hopsworks' ``hsml.model_schema.ModelSchema``).

::

    from mvps.schema import Schema
    from mvps.model_schema import ModelSchema

    model_schema = ModelSchema(input_schema=Schema(X_train), output_schema=Schema(y_train))
    model = mr.sklearn.create_model("fraud", model_schema=model_schema)

``to_dict()`` is ``{"input_schema": {...}, "output_schema": {...}}`` (a side that was not
given is left out); it is stored in the catalog and as ``model_schema.json`` next to
the model files.
"""

from __future__ import annotations

import json
from typing import Any

from mvps.errors import InvalidInput
from mvps.model_schema_types import Schema


def _as_schema(value: Any, what: str) -> Schema | None:
    if value is None or isinstance(value, Schema):
        return value
    if isinstance(value, dict):
        return Schema.from_dict(value)
    raise InvalidInput(
        f"{what} must be a mvps.schema.Schema (e.g. Schema(X_train)), got {type(value).__name__}"
    )


class ModelSchema:
    """Input and output :class:`~mvps.schema.Schema` of a model."""

    def __init__(
        self, input_schema: Schema | None = None, output_schema: Schema | None = None, **kwargs: Any
    ) -> None:
        self.input_schema = _as_schema(input_schema, "input_schema")
        self.output_schema = _as_schema(output_schema, "output_schema")

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.input_schema is not None:
            out["input_schema"] = self.input_schema.to_dict()
        if self.output_schema is not None:
            out["output_schema"] = self.output_schema.to_dict()
        return out

    def json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, indent=2)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelSchema:
        return cls(data.get("input_schema"), data.get("output_schema"))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ModelSchema) and self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        return f"ModelSchema(input_schema: {self.input_schema!r}, output_schema: {self.output_schema!r})"


__all__ = ["ModelSchema", "Schema"]
