"""Fixtures for the model registry tests: a project, model files, a small feature view."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import mvps


@pytest.fixture
def project(home: str) -> Iterator[Any]:
    p = mvps.login()
    yield p
    mvps.logout()


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    """A model directory with a nested folder and a binary image."""
    d = tmp_path / "model_out"
    (d / "plots").mkdir(parents=True)
    (d / "model.pkl").write_bytes(b"not really a pickle")
    (d / "plots" / "confusion_matrix.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (d / "README.md").write_text("a model")
    return d


@pytest.fixture
def feature_view(project: Any) -> Any:
    """An online feature view with a label and one training dataset (train/test split)."""
    fs = project.get_feature_store()
    rng = np.random.default_rng(0)
    n = 40
    df = pd.DataFrame(
        {
            "id": np.arange(n),
            "ts": pd.Timestamp("2024-01-01", tz="UTC"),
            "x": rng.normal(size=n),
            "y": rng.integers(0, 2, n),
        }
    )
    fg = fs.get_or_create_feature_group(
        "points", 1, primary_key=["id"], event_time="ts", online_enabled=True
    )
    fg.insert(df)
    fv = fs.get_or_create_feature_view("points_view", fg.select(["id", "x", "y"]), 1, labels=["y"])
    fv.train_test_split(0.25, seed=1)
    return fv
