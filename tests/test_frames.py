"""The Arrow boundary: dataframes in, dataframes out."""

from __future__ import annotations

import pandas as pd

from mvps.frames import to_arrow


def test_named_index_becomes_columns():
    df = pd.DataFrame({"id": [1, 2], "v": [0.5, 1.5]}).set_index("id")
    assert to_arrow(df).column_names == ["id", "v"]


def test_unnamed_index_is_not_data():
    df = pd.DataFrame({"v": [0.5, 1.5, 2.5]})
    filtered = df[df["v"] > 1]  # leaves an index of 1, 2
    assert to_arrow(filtered).column_names == ["v"]
