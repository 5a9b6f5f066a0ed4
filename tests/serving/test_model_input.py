"""The default predictor's model input: DataFrames, and NumPy arrays where equivalent."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.compose import make_column_transformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from mvps.errors import InvalidInput
from mvps.serving.model_input import ModelInput, plain_frame, same_answer

from .conftest import Served

COLS = ["a", "b", "c"]


def training() -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(0)
    x = pd.DataFrame(rng.normal(size=(200, 3)), columns=COLS)
    return x, (x["a"] + 0.5 * x["c"] > 0).astype("int64")


class Recorder:
    """Wraps a model and records the type of every input it is given."""

    def __init__(self, model: Any) -> None:
        self.model = model
        self.feature_names_in_ = model.feature_names_in_
        self.seen: list[str] = []

    def predict(self, x: Any) -> Any:
        self.seen.append(type(x).__name__)
        return self.model.predict(x)

    def predict_proba(self, x: Any) -> Any:
        self.seen.append(type(x).__name__)
        return self.model.predict_proba(x)


def model_input(model: Any, take: list[int] | None = None) -> ModelInput:
    return ModelInput(model, list(model.feature_names_in_), take, plain_frame)


def test_numeric_model_gets_arrays_after_the_first_batch_agrees() -> None:
    x, y = training()
    rec = Recorder(make_pipeline(StandardScaler(), LogisticRegression()).fit(x, y))
    mi = model_input(rec)
    rows = x.head(5).to_numpy().tolist()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "X does not have valid feature names" escapes
        first = mi.call("predict", rows)
        second = mi.call("predict", rows)
        proba = mi.call("predict_proba", rows)
    expected = rec.model.predict(x.head(5))
    assert first.tolist() == expected.tolist() and second.tolist() == expected.tolist()
    np.testing.assert_allclose(proba, rec.model.predict_proba(x.head(5)), rtol=1e-12)
    # first batch: the frame (the answer) and the array (the check); then arrays only;
    # predict_proba is checked on its own first batch
    assert rec.seen == ["DataFrame", "ndarray", "ndarray", "DataFrame", "ndarray"]
    assert mi.array_ok == {"predict": True, "predict_proba": True}


def test_model_that_selects_columns_by_name_keeps_getting_frames() -> None:
    x, y = training()
    by_name = make_pipeline(
        make_column_transformer((StandardScaler(), ["c", "a"]), remainder="drop"),
        LogisticRegression(),
    ).fit(x, y)
    rec = Recorder(by_name)
    mi = model_input(rec)
    rows = x.head(4).to_numpy().tolist()
    for _ in range(3):
        assert mi.call("predict", rows).tolist() == by_name.predict(x.head(4)).tolist()
    assert mi.array_ok["predict"] is False
    assert rec.seen[0] == "DataFrame" and rec.seen[2:] == ["DataFrame", "DataFrame"]


def test_model_that_answers_differently_on_arrays_keeps_getting_frames() -> None:
    x, y = training()

    def by_label(frame: Any) -> Any:  # reads columns by label on frames, by position on arrays
        if isinstance(frame, pd.DataFrame):
            return frame[["c", "b", "a"]].to_numpy()
        return frame

    model = make_pipeline(FunctionTransformer(by_label), LogisticRegression()).fit(x, y)
    assert list(model.feature_names_in_) == COLS
    rec = Recorder(model)
    mi = model_input(rec)
    rows = x.head(50).to_numpy().tolist()
    expected = model.predict_proba(x.head(50))
    np.testing.assert_allclose(mi.call("predict_proba", rows), expected, rtol=1e-12)
    assert mi.array_ok["predict_proba"] is False
    np.testing.assert_allclose(mi.call("predict_proba", rows), expected, rtol=1e-12)
    assert rec.seen[-1] == "DataFrame"


def test_rows_that_are_not_all_numbers_take_the_frame_path() -> None:
    x, y = training()
    rec = Recorder(make_pipeline(StandardScaler(), LogisticRegression()).fit(x, y))
    mi = model_input(rec)
    rows = x.head(3).to_numpy().tolist()
    mi.call("predict", rows)
    assert mi.array_ok["predict"] is True
    rec.seen.clear()
    with pytest.raises(InvalidInput, match="could not predict"):
        mi.call("predict", [[None, 1.0, 2.0]])  # NaN: the model's own error, as a 400
    mi.call("predict", [[True, 1.0, 2.0]])
    assert rec.seen == ["DataFrame", "DataFrame"]


def test_columns_are_taken_in_the_models_order() -> None:
    x, y = training()
    model = make_pipeline(StandardScaler(), LogisticRegression()).fit(x, y)
    served_order = ["c", "x", "a", "b"]  # the vector has an extra column, in another order
    rows = [[r["c"], 99.0, r["a"], r["b"]] for _, r in x.head(6).iterrows()]
    mi = model_input(model, take=[served_order.index(c) for c in COLS])
    assert mi.call("predict", rows).tolist() == model.predict(x.head(6)).tolist()
    assert mi.call("predict", rows).tolist() == model.predict(x.head(6)).tolist()


def test_array_path_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MVPS_SERVING_NUMPY", "0")
    x, y = training()
    rec = Recorder(make_pipeline(StandardScaler(), LogisticRegression()).fit(x, y))
    mi = model_input(rec)
    for _ in range(2):
        mi.call("predict", x.head(2).to_numpy().tolist())
    assert rec.seen == ["DataFrame", "DataFrame"]


def test_same_answer() -> None:
    assert same_answer(np.array([0.1, 0.2]), np.array([0.1, 0.2 + 1e-16]))
    assert not same_answer(np.array([0.1, 0.2]), np.array([0.1, 0.21]))
    assert not same_answer(np.array([1, 2]), np.array([1.0, 2.0]))  # dtype kind differs
    assert not same_answer(np.array(["a"]), np.array(["b"]))
    assert not same_answer(np.zeros(2), np.zeros(3))


def test_deployed_numeric_model_answers_like_the_offline_model(
    served: Served, tmp_path: Path
) -> None:
    """Over HTTP: a pipeline fitted on a DataFrame of numeric features gets arrays after
    its first batch, and its answers still equal the offline DataFrame predictions."""
    numeric = ["age", "income", "risk"]
    x_train, _x, y_train, _y = served.fv.get_train_test_split(1)
    pipeline = make_pipeline(StandardScaler(), LogisticRegression()).fit(
        x_train[numeric], y_train["is_fraud"]
    )
    files = tmp_path / "numeric"
    files.mkdir()
    joblib.dump(pipeline, files / "model.pkl")
    model = (
        served.project.get_model_registry()
        .sklearn.create_model("numeric_fraud", feature_view=served.fv, training_dataset_version=1)
        .save(files)
    )
    dep = model.deploy(name="numericfraud")
    dep.start()
    try:
        keys = [{"cc_num": int(c)} for c in served.x_test["cc_num"]]
        offline = pipeline.predict(served.x_test[numeric]).tolist()
        offline_proba = pipeline.predict_proba(served.x_test[numeric])
        for _ in range(2):  # the first batch decides, the second uses what was decided
            for i in range(0, len(keys), 7):
                assert dep.predict(inputs=keys[i : i + 7])["predictions"] == offline[i : i + 7]
            proba = dep.predict(data={"instances": keys, "predict_proba": True})["predictions"]
            np.testing.assert_allclose(proba, offline_proba, rtol=1e-9)
    finally:
        dep.stop()
        dep.delete()
