"""Unit tests of the feature functions: write one test per function here."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from features import example


def test_log_amount_on_values_and_series() -> None:
    assert example.log_amount(0) == 0.0
    assert example.log_amount(math.e - 1) == pytest.approx(1.0)
    assert math.isnan(example.log_amount(-1))
    series = example.log_amount(pd.Series([0.0, math.e - 1, -1.0]))
    assert series.iloc[:2].tolist() == pytest.approx([0.0, 1.0])
    assert pd.isna(series.iloc[2])
