"""Benchmark of the native validation engine against Great Expectations.

Builds a table of ``--rows`` rows and 9 columns and validates it against a
20-expectation suite (null, range, set, uniqueness, regex, length, type, aggregate,
distinct-value and table-shape expectations) with :func:`mvps.validation.validate` on the
Arrow table and with Great Expectations 1.x on the same data as a pandas DataFrame
(ephemeral context, pandas data source, ``batch.validate(suite)``). Both engines get their
own native input; the time to convert pandas to Arrow is shown separately. The suite is
the same object for both (``suite.to_ge_type()``), and the per-expectation success flags
are checked to agree. The target is a native engine at least 5x faster than GE on
1,000,000 rows.

Run: ``python benchmarks/validation_bench.py [--rows N] [--repeat K] [--ge-repeat K]``
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa

from mvps.validation import ExpectationConfiguration, ExpectationSuite, validate

TARGET_SPEEDUP = 5.0


def make_table(rows: int, seed: int = 0) -> pa.Table:
    """Orders-like data: ids, amounts with NaN, categories, emails, timestamps, flags."""
    rng = np.random.default_rng(seed)
    amount = rng.gamma(2.0, 50.0, size=rows)
    amount[rng.random(rows) < 0.02] = np.nan
    categories = np.array(["books", "games", "music", "garden", "tools", "toys", "food"])
    users = rng.integers(0, max(rows // 10, 1), size=rows)
    emails = np.char.add(np.char.add("user", users.astype(str)), "@example.com")
    start = np.datetime64("2024-01-01T00:00:00", "us")
    ts = start + rng.integers(0, 365 * 86_400, size=rows).astype("timedelta64[s]")
    return pa.table(
        {
            "order_id": pa.array(np.arange(rows, dtype=np.int64)),
            "user_id": pa.array(users),
            "amount": pa.array(amount, from_pandas=True),
            "category": pa.array(categories[rng.integers(0, len(categories), size=rows)]),
            "email": pa.array(emails),
            "created_at": pa.array(ts),
            "is_gift": pa.array(rng.random(rows) < 0.1),
            "score": pa.array(rng.normal(3.5, 0.8, size=rows)),
            "quantity": pa.array(rng.integers(1, 10, size=rows)),
        }
    )


def make_suite(rows: int) -> ExpectationSuite:
    """The 20-expectation suite; all but two succeed on the benchmark data."""
    categories = ["books", "games", "music", "garden", "tools", "toys", "food"]
    e = ExpectationConfiguration
    columns = [
        "order_id",
        "user_id",
        "amount",
        "category",
        "email",
        "created_at",
        "is_gift",
        "score",
        "quantity",
    ]
    return ExpectationSuite(
        "orders_bench",
        [
            e("expect_column_values_to_not_be_null", {"column": "order_id"}),
            e("expect_column_values_to_be_unique", {"column": "order_id"}),
            e("expect_column_values_to_not_be_null", {"column": "amount", "mostly": 0.95}),
            e(
                "expect_column_values_to_be_between",
                {"column": "amount", "min_value": 0, "max_value": 500, "mostly": 0.99},
            ),
            e("expect_column_values_to_be_in_set", {"column": "category", "value_set": categories}),
            e("expect_column_values_to_not_be_in_set", {"column": "category", "value_set": ["x"]}),
            e(
                "expect_column_values_to_match_regex",
                {"column": "email", "regex": r"^user\d+@example\.com$"},
            ),
            e(
                "expect_column_value_lengths_to_be_between",
                {"column": "email", "min_value": 10, "max_value": 40},
            ),
            e("expect_column_values_to_be_of_type", {"column": "quantity", "type_": "int64"}),
            e(
                "expect_column_mean_to_be_between",
                {"column": "amount", "min_value": 90, "max_value": 110},
            ),
            e("expect_column_median_to_be_between", {"column": "amount", "min_value": 50}),
            e("expect_column_stdev_to_be_between", {"column": "score", "max_value": 1}),
            e("expect_column_min_to_be_between", {"column": "quantity", "min_value": 1}),
            e("expect_column_max_to_be_between", {"column": "quantity", "max_value": 9}),
            e("expect_column_sum_to_be_between", {"column": "quantity", "min_value": 1}),
            e(
                "expect_column_unique_value_count_to_be_between",
                {"column": "category", "min_value": 7, "max_value": 7},
            ),
            e(
                "expect_column_proportion_of_unique_values_to_be_between",
                {"column": "user_id", "max_value": 0.5},
            ),
            e(
                "expect_column_distinct_values_to_be_in_set",
                {"column": "category", "value_set": categories[:5]},
            ),
            e("expect_table_row_count_to_be_between", {"min_value": rows, "max_value": rows}),
            e("expect_table_columns_to_match_set", {"column_set": columns}),
        ],
    )


class Timing:
    """Wall and CPU times (all threads of the process) of repeated runs, in seconds."""

    def __init__(self, fn: Callable[[], Any], repeat: int) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []
        self.result: Any = None
        for _ in range(repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            self.result = fn()
            self.wall.append(time.perf_counter() - start)
            self.cpu.append(time.process_time() - start_cpu)

    @property
    def median(self) -> float:
        return float(np.median(self.wall))

    @property
    def median_cpu(self) -> float:
        return float(np.median(self.cpu))

    def line(self, label: str) -> str:
        runs = ", ".join(f"{t:.3f}" for t in self.wall)
        return (
            f"{label:<44} median {self.median:7.3f} s wall, {self.median_cpu:7.3f} s CPU"
            f"  (runs {runs})"
        )


def ge_validator(suite: ExpectationSuite) -> Callable[[Any], Any]:
    """A function validating a pandas DataFrame with Great Expectations 1.x."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch_definition = (
        context.data_sources.add_pandas("bench")
        .add_dataframe_asset("orders")
        .add_batch_definition_whole_dataframe("whole")
    )
    ge_suite = suite.to_ge_type()

    def run(frame: Any) -> Any:
        batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
        return batch.validate(ge_suite, result_format="SUMMARY")

    return run


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows (default 1000000)")
    parser.add_argument("--repeat", type=int, default=5, help="native runs (median shown)")
    parser.add_argument("--ge-repeat", type=int, default=3, help="GE runs (median shown)")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    table = make_table(args.rows)
    frame = table.to_pandas()
    suite = make_suite(args.rows)
    print(
        f"data: {table.num_rows:,} rows x {table.num_columns} columns "
        f"({table.nbytes / 1e6:.0f} MB), built in {time.perf_counter() - start:.1f} s; "
        f"suite: {len(suite)} expectations"
    )

    validate(table.slice(0, 1000), suite)  # warm up
    native = Timing(lambda: validate(table, suite), args.repeat)
    print(native.line("native (Arrow table):"))
    from_pandas = Timing(lambda: validate(frame, suite), args.repeat)
    print(from_pandas.line("native (pandas, incl. conversion to Arrow):"))

    run_ge = ge_validator(suite)
    run_ge(frame.head(1000))  # warm up: GE's metric registry and caches
    ge = Timing(lambda: run_ge(frame), args.ge_repeat)
    print(ge.line("great_expectations (pandas):"))

    report = native.result
    ge_success = {
        r.expectation_config.meta["expectationId"]: bool(r.success) for r in ge.result.results
    }
    native_success = {r.expectation_id: r.success for r in report.results}
    disagree = sorted(k for k in native_success if native_success[k] != ge_success.get(k))
    print(
        f"results: {report.statistics['successful_expectations']}/"
        f"{report.statistics['evaluated_expectations']} expectations met; "
        + ("success flags agree with GE" if not disagree else f"DISAGREE on ids {disagree}")
    )
    speedup, speedup_cpu = ge.median / native.median, ge.median_cpu / native.median_cpu
    verdict = "meets" if speedup >= TARGET_SPEEDUP else "MISSES"
    print(
        f"speed-up: {speedup:.1f}x wall, {speedup_cpu:.1f}x CPU "
        f"({verdict} the {TARGET_SPEEDUP:.0f}x target)"
    )


if __name__ == "__main__":
    main()
