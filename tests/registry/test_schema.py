"""``Schema`` and ``ModelSchema``: inference from data and the JSON form."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

from mvps.errors import InvalidInput
from mvps.model_schema import ModelSchema
from mvps.schema import Schema


def test_columnar_from_pandas_dataframe_and_series() -> None:
    df = pd.DataFrame({"age": [1, 2], "income": [1.5, 2.5], "ok": [True, False]})
    assert Schema(df).to_dict() == {
        "columnar_schema": [
            {"name": "age", "type": "int64"},
            {"name": "income", "type": "float64"},
            {"name": "ok", "type": "bool"},
        ]
    }
    assert Schema(df["income"]).to_dict() == {
        "columnar_schema": [{"name": "income", "type": "float64"}]
    }


def test_columnar_from_polars_and_pyarrow() -> None:
    table = pa.table({"a": pa.array([1], pa.int32()), "b": ["x"]})
    assert Schema(table).to_dict() == {
        "columnar_schema": [{"name": "a", "type": "int32"}, {"name": "b", "type": "string"}]
    }
    s = Schema(pl.DataFrame({"a": [1.0]})).to_dict()
    assert s == {"columnar_schema": [{"name": "a", "type": "Float64"}]}


def test_columnar_from_dicts() -> None:
    s = Schema([{"name": "x", "type": "double", "description": "a feature"}, {"type": "int"}])
    assert s.columnar_schema is not None and s.tensor_schema is None
    assert s.to_dict() == {
        "columnar_schema": [
            {"name": "x", "type": "double", "description": "a feature"},
            {"type": "int"},
        ]
    }
    with pytest.raises(InvalidInput, match="'type'"):
        Schema([{"name": "x"}])


def test_tensor_from_ndarray_and_lists() -> None:
    assert Schema(np.zeros((100, 4), dtype="float32")).to_dict() == {
        "tensor_schema": {"type": "float32", "shape": "(100, 4)"}
    }
    assert Schema([[1, 2], [3, 4]]).to_dict() == {
        "tensor_schema": {"type": "int64", "shape": "(2, 2)"}
    }
    two = Schema(
        [{"name": "img", "type": "uint8", "shape": [28, 28]}, {"type": "float32", "shape": "(10,)"}]
    )
    assert two.to_dict() == {
        "tensor_schema": [
            {"name": "img", "type": "uint8", "shape": "(28, 28)"},
            {"type": "float32", "shape": "(10,)"},
        ]
    }


def test_unsupported_inputs() -> None:
    with pytest.raises(InvalidInput):
        Schema(None)
    with pytest.raises(InvalidInput, match="not supported"):
        Schema(object())


def test_model_schema_json_round_trip() -> None:
    ms = ModelSchema(
        input_schema=Schema(pd.DataFrame({"a": [1]})), output_schema=Schema(np.array([0.5]))
    )
    d = ms.to_dict()
    assert d == {
        "input_schema": {"columnar_schema": [{"name": "a", "type": "int64"}]},
        "output_schema": {"tensor_schema": {"type": "float64", "shape": "(1,)"}},
    }
    assert json.loads(ms.json()) == d
    assert ModelSchema.from_dict(d) == ms
    assert ModelSchema(output_schema=Schema([{"type": "int"}])).to_dict() == {
        "output_schema": {"columnar_schema": [{"type": "int"}]}
    }
    with pytest.raises(InvalidInput, match="Schema"):
        ModelSchema(input_schema=[1, 2])
