"""Properties of compute_statistics on generated data."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as stn

from mvps.statistics import HISTOGRAM_BINS, TOP_VALUES, StatisticsConfig, compute_statistics

FULL = StatisticsConfig(histograms=True, exact_uniqueness=True)
finite = stn.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)
float_lists = stn.lists(stn.one_of(stn.none(), finite), max_size=60)
int_lists = stn.lists(stn.one_of(stn.none(), stn.integers(-(2**40), 2**40)), max_size=60)
text_lists = stn.lists(stn.one_of(stn.none(), stn.text(max_size=4)), max_size=60)


@settings(max_examples=60, deadline=None)
@given(values=float_lists)
def test_float_statistics_are_consistent(values):
    fds = compute_statistics(pa.table({"x": pa.array(values, pa.float64())}), FULL)["x"]
    present = [v for v in values if v is not None]
    assert fds.count == len(values) == fds.num_non_null_values + fds.num_null_values
    assert fds.num_non_null_values == len(present)
    if not present:
        assert fds.min is None and fds.percentiles is None and fds.histogram is None
        return
    p = fds.percentiles
    assert len(p) == 100
    assert fds.min <= p[24] <= p[49] <= p[74] <= fds.max
    assert p == sorted(p)
    assert (fds.min, fds.max) == (min(present), max(present))
    np.testing.assert_allclose(p, np.percentile(present, np.arange(1, 101)), rtol=1e-9, atol=1e-3)
    assert fds.mean == fds.mean  # not NaN
    assert fds.min - 1e-6 * abs(fds.min) <= fds.mean <= fds.max + 1e-6 * abs(fds.max)
    histogram = fds.histogram
    assert sum(item["count"] for item in histogram) == len(present)
    assert len(histogram) in (1, HISTOGRAM_BINS)
    assert histogram[0]["bin"][0] == fds.min and histogram[-1]["bin"][1] == fds.max
    assert fds.exact_num_distinct_values == len(set(present))
    assert 0 < fds.distinctness <= 1 and 0 <= fds.uniqueness <= fds.distinctness
    assert 0 <= fds.entropy <= math.log(len(present)) + 1e-9


@settings(max_examples=60, deadline=None)
@given(values=int_lists)
def test_integer_statistics_are_exact(values):
    fds = compute_statistics(pa.table({"i": pa.array(values, pa.int64())}), FULL)["i"]
    present = [v for v in values if v is not None]
    assert fds.num_null_values == len(values) - len(present)
    if not present:
        assert fds.sum is None and fds.unique_values is None
        return
    assert (fds.min, fds.max) == (min(present), max(present))
    assert fds.sum == float(sum(present))
    assert fds.unique_values == sorted(set(present))
    assert sum(item["count"] for item in fds.histogram) == len(present)
    assert fds.min <= fds.percentiles[24] <= fds.percentiles[49] <= fds.percentiles[74] <= fds.max


@settings(max_examples=60, deadline=None)
@given(values=text_lists)
def test_string_value_statistics(values):
    fds = compute_statistics(pa.table({"s": pa.array(values, pa.string())}))["s"]
    present = [v for v in values if v is not None]
    assert fds.count == fds.num_non_null_values + fds.num_null_values == len(values)
    assert fds.unique_values == sorted(set(present))
    top = fds.top_values
    assert len(top) == min(TOP_VALUES, len(set(present)))
    assert [t["count"] for t in top] == sorted((t["count"] for t in top), reverse=True)
    for item in top:
        assert item["count"] == present.count(item["value"])
    if len(set(present)) <= TOP_VALUES:
        assert sum(t["count"] for t in top) == len(present)
