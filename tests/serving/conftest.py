"""A served project shared by the serving tests of a module.

Two online feature groups (customers, merchants), a feature view joining them with a
label, a train/test split, a scikit-learn Pipeline saved with ``feature_view=fv``, a
plain numeric model, and predictor scripts. The first ``deployment.start()`` spawns the
project's server on a free port; the fixture's finalizer stops it.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.compose import make_column_transformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import mvps
from mvps.serving import process

N_CUSTOMERS = 120
N_MERCHANTS = 8


@dataclass
class Served:
    project: Any
    fv: Any
    pipeline: Any
    x_test: pd.DataFrame
    model: Any  # fraud model (feature view, default predictor)
    plain: Any  # numeric model without feature view
    plain_sklearn: Any
    scripts: Path
    url: str = ""

    def ms(self) -> Any:
        return self.project.get_model_serving()


def build_feature_view(project: Any) -> tuple[Any, pd.DataFrame, pd.DataFrame, pd.Series]:
    fs = project.get_feature_store()
    rng = np.random.default_rng(7)
    ts = pd.Timestamp("2024-03-01", tz="UTC")
    merchants = pd.DataFrame(
        {
            "merchant_id": np.arange(N_MERCHANTS),
            "ts": ts,
            "risk": rng.random(N_MERCHANTS),
            "category": [["grocery", "travel", "online"][i % 3] for i in range(N_MERCHANTS)],
        }
    )
    customers = pd.DataFrame(
        {
            "cc_num": np.arange(1000, 1000 + N_CUSTOMERS),
            "ts": ts,
            "age": rng.integers(18, 90, N_CUSTOMERS),
            "income": rng.normal(50_000, 15_000, N_CUSTOMERS),
            "merchant_id": rng.integers(0, N_MERCHANTS, N_CUSTOMERS),
        }
    )
    risk = merchants.set_index("merchant_id")["risk"].to_numpy()[customers["merchant_id"]]
    customers["is_fraud"] = ((risk > 0.5) & (customers["age"] < 50)).astype("int64")
    cg = fs.get_or_create_feature_group(
        "customers", 1, primary_key=["cc_num"], event_time="ts", online_enabled=True
    )
    cg.insert(customers)
    mg = fs.get_or_create_feature_group(
        "merchants", 1, primary_key=["merchant_id"], event_time="ts", online_enabled=True
    )
    mg.insert(merchants)
    query = cg.select(["cc_num", "age", "income", "merchant_id", "is_fraud"]).join(
        mg.select(["risk", "category"]), on=["merchant_id"]
    )
    fv = fs.get_or_create_feature_view("fraud", query, 1, labels=["is_fraud"])
    x_train, x_test, y_train, _ = fv.train_test_split(0.25, seed=3)
    return fv, x_train, x_test, y_train["is_fraud"]


FEATURES = ["age", "income", "risk", "category"]


def write_scripts(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "fv_predict.py").write_text(
        textwrap.dedent(
            """
            import os
            import joblib
            import pandas as pd
            import mvps.serving

            class Predict:
                def __init__(self):
                    self.model = joblib.load(os.path.join(os.environ["MODEL_FILES_PATH"], "pipeline.pkl"))
                    self.fv = mvps.serving.get_feature_view()
                    self.env = {k: os.environ[k] for k in (
                        "MODEL_FILES_PATH", "ARTIFACT_FILES_PATH", "MODEL_NAME", "MODEL_VERSION",
                        "DEPLOYMENT_NAME")}
                    self.artifact_listing = sorted(os.listdir(os.environ["ARTIFACT_FILES_PATH"]))
                    print("fv_predict loaded")

                def predict(self, inputs):
                    if inputs == [["env"]]:
                        return {"env": self.env, "artifacts": self.artifact_listing}
                    rows = self.fv.get_feature_vectors([{"cc_num": i[0]} for i in inputs],
                                                       return_type="pandas")
                    return self.model.predict(rows[["age", "income", "risk", "category"]]).tolist()
            """
        )
    )
    (root / "flaky_predict.py").write_text(
        textwrap.dedent(
            """
            import os
            import joblib
            import numpy as np

            class Predict:
                def __init__(self, model):
                    self.name = model.name
                    self.model = joblib.load(os.path.join(os.environ["MODEL_FILES_PATH"], "plain.joblib"))

                def predict(self, inputs):
                    if inputs == [["boom"]]:
                        raise ValueError("boom requested by the client")
                    return self.model.predict(np.asarray(inputs, dtype=float))
            """
        )
    )
    (root / "broken_init.py").write_text(
        textwrap.dedent(
            """
            class Predict:
                def __init__(self):
                    raise RuntimeError("cannot load weights from the moon")

                def predict(self, inputs):
                    return inputs
            """
        )
    )
    (root / "async_predict.py").write_text(
        textwrap.dedent(
            """
            import asyncio

            class Predict:
                async def predict(self, inputs):
                    return await asyncio.to_thread(lambda: [sum(row) for row in inputs])
            """
        )
    )
    (root / "transformer.py").write_text(
        textwrap.dedent(
            """
            class Transformer:
                def preprocess(self, inputs):
                    return {"instances": [[v * 2 for v in row] for row in inputs["instances"]]}

                def postprocess(self, outputs):
                    outputs["transformed"] = True
                    return outputs
            """
        )
    )
    (root / "echo_predict.py").write_text(
        textwrap.dedent(
            """
            class Predict:
                def predict(self, inputs):
                    return inputs
            """
        )
    )
    return root


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    base = tmp_path_factory.mktemp("serving")
    mp = pytest.MonkeyPatch()
    mp.setenv("MVPS_HOME", str(base / "home"))
    mp.delenv("MVPS_PROJECT", raising=False)
    mp.delenv("MVPS_CONFIG", raising=False)
    mp.setenv("MVPS_SERVE_PORT", "0")
    project = mvps.login()
    try:
        fv, x_train, x_test, y_train = build_feature_view(project)
        pipeline = make_pipeline(
            make_column_transformer(
                (OneHotEncoder(handle_unknown="ignore"), ["category"]),
                (StandardScaler(), ["age", "income", "risk"]),
            ),
            LogisticRegression(),
        )
        pipeline.fit(x_train[FEATURES], y_train)
        model_dir = base / "fraud_model"
        model_dir.mkdir()
        joblib.dump(pipeline, model_dir / "pipeline.pkl")
        (model_dir / "confusion_matrix.png").write_bytes(b"\x89PNG fake")
        mr = project.get_model_registry()
        model = mr.sklearn.create_model(
            "fraud_model", metrics={"accuracy": 0.9}, feature_view=fv, input_example=x_train.head(1)
        ).save(model_dir)

        rng = np.random.default_rng(1)
        x = rng.normal(size=(60, 3))
        plain_sklearn = LogisticRegression().fit(x, (x.sum(axis=1) > 0).astype(int))
        plain_dir = base / "plain_model"
        plain_dir.mkdir()
        joblib.dump(plain_sklearn, plain_dir / "plain.joblib")
        plain = mr.sklearn.create_model("plain", input_example=x[:1]).save(plain_dir)

        s = Served(
            project,
            fv,
            pipeline,
            x_test,
            model,
            plain,
            plain_sklearn,
            write_scripts(base / "scripts"),
        )
        dep = model.deploy(name="fraud")
        dep.start()
        info = process.server_info(project)
        assert info is not None
        s.url = info["url"]
        yield s
    finally:
        process.stop_server(project)
        mvps.logout()
        mp.undo()
