"""The benchmark harness at a tiny scale, mvps side only and in-process.

Feast is not installed here (``python -m benchmarks smoke`` covers it); these tests keep
the harness working and check that its correctness checks would catch a wrong result:
the point-in-time result equals a pandas ``merge_asof`` oracle on the generated data,
the online vectors and ingested rows equal the source rows, and the checksum ignores
row order and dtype but not values.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from benchmarks import mvps_worker
from benchmarks.harness import common, data, report
from benchmarks.harness.data import (
    ACTIVITY_FEATURES,
    CUSTOMER_FEATURES,
    INGEST_FEATURES,
    MERCHANT_FEATURES,
    PIT_COLUMNS,
    PROFILE_FEATURES,
)

TINY = 0.002  # spine 2,000 rows, groups 20,000 rows, 1,000 online customers


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return data.ensure(TINY, root=tmp_path_factory.mktemp("bench-data"), log=lambda _m: None)


@pytest.fixture(scope="module")
def files(manifest: dict) -> dict[str, str]:
    return {t: data.path(manifest, t) for t in manifest["tables"]}


def _frame(files: dict[str, str], name: str) -> pd.DataFrame:
    return pq.read_table(files[name]).to_pandas()


# ---------------------------------------------------------------------- data


def test_data_is_deterministic() -> None:
    sizes = data.Sizes.at(TINY)
    for make in data.TABLES.values():
        assert make(sizes).equals(make(sizes))


def test_ensure_reuses_matching_files(tmp_path) -> None:
    first = data.ensure(TINY, root=tmp_path, log=lambda _m: None)
    stamp = (tmp_path / f"scale-{TINY:g}" / "spine.parquet").stat().st_mtime_ns
    again = data.ensure(TINY, root=tmp_path, log=lambda _m: None)
    assert again["tables"] == first["tables"]
    assert (tmp_path / f"scale-{TINY:g}" / "spine.parquet").stat().st_mtime_ns == stamp


def test_key_and_event_time_are_unique(files: dict[str, str]) -> None:
    for name, key in (("customer_tx", "customer_id"), ("merchant_stats", "merchant_id")):
        frame = _frame(files, name)
        assert not frame.duplicated([key, "event_time"]).any()
    spine = _frame(files, "spine")
    assert spine["obs_id"].is_unique


# ---------------------------------------------------------------------- checksums


def test_checksum_ignores_order_and_dtype_but_not_values() -> None:
    frame = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "x": pd.array([10, None, 30], dtype="Int64"),
            "s": ["a", None, "c"],
            "t": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"], utc=True),
        }
    )
    cols = list(frame.columns)
    base = common.frame_checksum(frame, cols)
    shuffled = frame.iloc[[2, 0, 1]]
    assert common.frame_checksum(shuffled, cols) == base
    as_float = frame.assign(x=[10.0, np.nan, 30.0])
    assert common.frame_checksum(as_float, cols) == base
    changed = frame.assign(x=pd.array([10, None, 31], dtype="Int64"))
    assert common.frame_checksum(changed, cols) != base
    assert common.frame_checksum(frame.iloc[:2], cols)["rows"] == 2
    swapped = frame.assign(s=["c", None, "a"])
    assert common.frame_checksum(swapped, cols) != base


# ---------------------------------------------------------------------- point in time


def _oracle(files: dict[str, str]) -> pd.DataFrame:
    """The point-in-time join with pandas ``merge_asof`` (backward, exact matches kept)."""
    spine = _frame(files, "spine").sort_values("event_time")
    out = spine
    for name, key, feats in (
        ("customer_tx", "customer_id", CUSTOMER_FEATURES),
        ("merchant_stats", "merchant_id", MERCHANT_FEATURES),
    ):
        right = _frame(files, name)[[key, "event_time", *feats]].sort_values("event_time")
        out = pd.merge_asof(out, right, on="event_time", by=key, direction="backward")
    return out


def test_pit_equals_merge_asof_oracle(files: dict[str, str], tmp_path) -> None:
    oracle = _oracle(files)
    expected = common.frame_checksum(oracle, PIT_COLUMNS)
    expected.update(common.match_summary(oracle, PIT_COLUMNS, "amount_avg", "fraud_rate"))
    assert expected["unmatched"] > 0  # the data exercises spine rows without a match

    home = str(tmp_path / "pit")
    mvps_worker.pit_setup({"home": home, "files": files})
    for api in ("training_data", "query"):
        got = mvps_worker.pit({"home": home, "api": api})
        assert got["rows"] == len(oracle)
        assert got["checksum"] == expected["checksum"], api
        assert got["unmatched"] == expected["unmatched"]
        assert got["matched_checksum"] == expected["matched_checksum"]


def test_pit_of_a_backfill_in_several_inserts_is_the_same(files: dict[str, str], tmp_path) -> None:
    one, many = str(tmp_path / "one"), str(tmp_path / "many")
    mvps_worker.pit_setup({"home": one, "files": files})
    setup = mvps_worker.pit_setup({"home": many, "files": files, "chunks": 4})
    assert setup["files"]["customer_tx"] >= 4
    a = mvps_worker.pit({"home": one})
    b = mvps_worker.pit({"home": many})
    assert (a["rows"], a["checksum"]) == (b["rows"], b["checksum"])


def test_dropping_unmatched_rows_is_detected(files: dict[str, str]) -> None:
    """What Feast's Dask store returns (only matched rows) has its own checksum."""
    oracle = _oracle(files)
    summary = common.match_summary(oracle, PIT_COLUMNS, "amount_avg", "fraud_rate")
    dropped = oracle.dropna(subset=["amount_avg", "fraud_rate"])
    assert common.frame_checksum(dropped, PIT_COLUMNS)["checksum"] == summary["matched_checksum"]
    assert (
        common.frame_checksum(dropped, PIT_COLUMNS)["checksum"]
        != common.frame_checksum(oracle, PIT_COLUMNS)["checksum"]
    )


# ---------------------------------------------------------------------- online and ingestion


def test_online_vectors_equal_source_rows(files: dict[str, str], tmp_path) -> None:
    spec = {
        "home": str(tmp_path / "online"),
        "files": files,
        "entities": 1000,
        "singles": 50,
        "batches": 5,
        "pin": False,
    }
    mvps_worker.online_setup(spec)
    got = mvps_worker.online(spec)
    assert len(got["single_ns"]) == 50 and len(got["batch_ns"]) == 5
    profile = _frame(files, "profile")[["customer_id", *PROFILE_FEATURES]]
    activity = _frame(files, "activity")[["customer_id", *ACTIVITY_FEATURES]]
    joined = profile.merge(activity, on="customer_id")
    keys = mvps_worker.sample_keys(1000, 200, seed=3)
    expected = joined[joined["customer_id"].isin(keys)]
    assert got["check"] == common.frame_checksum(expected, list(expected.columns))


def test_ingest_writes_every_row_online(files: dict[str, str], tmp_path) -> None:
    got = mvps_worker.ingest(
        {"home": str(tmp_path / "ingest"), "data": files["ingest"], "sample": 100}
    )
    source = _frame(files, "ingest")
    assert got["online_rows"] == got["rows"] == len(source)
    keys = mvps_worker.sample_keys(len(source), 100)
    expected = source[source["customer_id"].isin(keys)]
    cols = ["customer_id", *INGEST_FEATURES]
    assert got["sample"] == common.frame_checksum(expected, cols)


# ---------------------------------------------------------------------- report and CLI


def test_report_has_a_fixed_structure(tmp_path) -> None:
    empty = report.render(report.load(tmp_path / "missing.json"))
    for _, title in report.SECTIONS:
        assert f"## {title}" in empty
    results = {
        "header": {"command": "python -m benchmarks pit", "date": "2024-01-01 00:00 UTC"},
        "sections": {
            "pit": {
                "command": "python -m benchmarks pit",
                "date": "2024-01-01 00:00 UTC",
                "scale": 1.0,
                "runs": 3,
                "table": {"columns": ["System", "median"], "rows": [["mvps", "1.00 s"]]},
                "summary": [
                    {
                        "workload": "2. Point-in-time training data",
                        "metric": "wall time (median)",
                        "mvps": "1.00 s",
                        "peer": "Feast DuckDB",
                        "peer_value": "4.00 s",
                        "ratio": 0.25,
                        "target": "≥ 2× faster (ratio ≤ 0.5)",
                        "met": True,
                    }
                ],
                "checks": [{"name": "same rows", "ok": True, "detail": "", "known": False}],
                "notes": ["a note"],
            }
        },
    }
    path = tmp_path / "results.json"
    report.save(path, results)
    text = report.render(report.load(path))
    assert text == report.render(results)
    assert "| 2. Point-in-time training data | wall time (median) | 1.00 s | Feast DuckDB" in text
    assert "0.25" in text and "Correctness checks: all passed." in text
    assert [line for line in text.splitlines() if line.startswith("## ")] == [
        line for line in empty.splitlines() if line.startswith("## ")
    ]


def test_command_line_selects_workloads() -> None:
    from benchmarks.__main__ import ALL, SMOKE, parse

    args = parse(["pit", "--scale", "0.1"])
    assert args.names == ["pit"] and args.scale == 0.1 and args.runs == 3
    smoke = parse(["smoke"])
    assert smoke.names == SMOKE and smoke.scale == 0.01 and smoke.runs == 1
    assert parse([]).names == ALL
    with pytest.raises(SystemExit):
        parse(["nope"])
