"""Registering, versioning, fetching, downloading and deleting models."""

from __future__ import annotations

import filecmp
import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import mvps.model
from mvps.errors import AlreadyExists, InvalidInput, NotFound
from mvps.model_schema import ModelSchema
from mvps.schema import Schema


def same_tree(a: Path, b: Path) -> bool:
    cmp = filecmp.dircmp(a, b)
    if cmp.left_only or cmp.right_only or cmp.diff_files or cmp.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)
    if mismatch or errors:
        return False
    return all(same_tree(a / d, b / d) for d in cmp.common_dirs)


def test_save_directory_keeps_every_file_and_versions_increase(
    project: Any, model_dir: Path
) -> None:
    mr = project.get_model_registry()
    m1 = mr.sklearn.create_model("churn", metrics={"auc": 0.8}, description="first")
    assert m1.version is None and m1.id is None
    assert m1.save(model_dir) is m1
    m2 = mr.python.create_model("churn", metrics={"auc": 0.9}).save(model_dir)
    assert (m1.version, m2.version) == (1, 2)
    assert m1.id == "churn_1"

    files = Path(m1.model_files_path)
    assert files == project.config.artifacts_dir / "models" / "churn" / "1" / "Files"
    assert Path(m1.version_path) == files.parent and Path(m1.model_path) == files.parent.parent
    assert same_tree(model_dir, files)
    assert [f["path"] for f in m1.files] == ["README.md", "model.pkl", "plots/confusion_matrix.png"]
    assert {f["path"]: f["size"] for f in m1.files}["plots/confusion_matrix.png"] == 264

    got = mr.get_model("churn", 2)
    assert (got.name, got.version, got.framework) == ("churn", 2, "PYTHON")
    assert mr.get_model("churn", 1).framework == "SKLEARN"
    assert got.training_metrics == {"auc": 0.9}
    assert mr.get_model("churn", 1).description == "first"
    assert got.created is not None and got.creator
    assert got.project_name == project.name
    assert [m.version for m in mr.get_models("churn")] == [1, 2]
    assert mr.get_models("nothing") == []


def test_catalog_body_documents_the_model(project: Any, model_dir: Path) -> None:
    mr = project.get_model_registry()
    x = pd.DataFrame({"a": [1, 2], "b": [0.5, 1.5]})
    schema = ModelSchema(Schema(x), Schema(np.zeros((2,), dtype="int64")))
    mr.tensorflow.create_model(
        "tf", metrics={"loss": np.float32(0.25)}, input_example=x, model_schema=schema
    ).save(model_dir)
    body = project.catalog.get("model", "tf", 1).body
    assert body["name"] == "tf" and body["version"] == 1 and body["framework"] == "TENSORFLOW"
    assert body["metrics"] == {"loss": 0.25}
    assert body["input_example"] == [1.0, 0.5]  # a dataframe's first row
    assert body["model_schema"] == {
        "input_schema": {
            "columnar_schema": [{"name": "a", "type": "int64"}, {"name": "b", "type": "float64"}]
        },
        "output_schema": {"tensor_schema": {"type": "int64", "shape": "(2,)"}},
    }
    assert body["feature_view"] is None and body["training_dataset_version"] is None
    assert body["location"] == "models/tf/1"
    assert {f["path"] for f in body["files"]} == {
        "README.md",
        "model.pkl",
        "plots/confusion_matrix.png",
    }
    assert isinstance(body["created"], float) and body["tags"] == {}
    vdir = Path(mr.get_model("tf", 1).version_path)
    assert json.loads((vdir / "input_example.json").read_text()) == [1.0, 0.5]
    assert json.loads((vdir / "model_schema.json").read_text()) == body["model_schema"]


def test_single_file_and_explicit_versions(project: Any, model_dir: Path) -> None:
    mr = project.get_model_registry()
    m = mr.python.create_model("single", version=3).save(model_dir / "model.pkl")
    assert m.version == 3
    assert sorted(p.name for p in Path(m.model_files_path).iterdir()) == ["model.pkl"]
    nxt = mr.python.create_model("single").save(model_dir / "model.pkl")
    assert nxt.version == 4
    with pytest.raises(AlreadyExists, match=r"'single' version 3 exists already"):
        mr.python.create_model("single", version=3).save(model_dir)
    with pytest.raises(AlreadyExists):
        m.save(model_dir)  # the same object twice
    assert [v.version for v in mr.get_models("single")] == [3, 4]


def test_existing_version_directory_is_not_overwritten(project: Any, model_dir: Path) -> None:
    stale = project.config.artifacts_dir / "models" / "stale" / "1"
    stale.mkdir(parents=True)
    (stale / "keep.txt").write_text("left over")
    mr = project.get_model_registry()
    with pytest.raises(AlreadyExists, match="directory"):
        mr.python.create_model("stale", version=1).save(model_dir)
    assert (stale / "keep.txt").read_text() == "left over"
    m = mr.python.create_model("stale").save(model_dir)  # next free version skips the directory
    assert m.version == 2
    assert (stale / "keep.txt").exists()


def test_get_model_errors_and_default_version(project: Any, model_dir: Path) -> None:
    mr = project.get_model_registry()
    with pytest.raises(NotFound, match=r"model 'ghost' version 1 not found .*save one"):
        mr.get_model("ghost", 1)
    mr.python.create_model("m").save(model_dir)
    mr.python.create_model("m").save(model_dir)
    with pytest.raises(NotFound, match=r"existing versions: \[1, 2\]"):
        mr.get_model("m", 7)
    with pytest.warns(UserWarning, match="using version 1"):
        assert mr.get_model("m").version == 1
    with pytest.raises(InvalidInput):
        mr.get_model("m", 0)


@pytest.mark.parametrize(
    "name", ["a/b", "../escape", "..", "x/../../y", "a\\b", "", ".hidden", "sp ace"]
)
def test_bad_model_names_are_rejected(project: Any, name: str) -> None:
    mr = project.get_model_registry()
    with pytest.raises(InvalidInput, match="model name"):
        mr.python.create_model(name)
    with pytest.raises(InvalidInput):
        mr.get_model(name, 1)
    assert not (project.config.artifacts_dir / "models").exists()


def test_model_path_that_does_not_exist(project: Any, tmp_path: Path) -> None:
    mr = project.get_model_registry()
    with pytest.raises(InvalidInput, match="does not exist"):
        mr.python.create_model("nofiles").save(tmp_path / "missing")
    assert mr.get_models("nofiles") == []
    assert not (project.config.artifacts_dir / "models" / "nofiles").exists()


def test_failed_copy_registers_nothing_and_leaves_no_files(
    project: Any, model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mr = project.get_model_registry()
    calls = []
    real = mvps.model._copy_file

    def flaky(src: Path, dst: Path) -> None:
        calls.append(src)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(mvps.model, "_copy_file", flaky)
    with pytest.raises(OSError, match="No space left"):
        mr.python.create_model("broken").save(model_dir)
    assert mr.get_models("broken") == []
    assert project.catalog.list("model") == []
    assert not (project.config.artifacts_dir / "models" / "broken").exists()
    monkeypatch.setattr(mvps.model, "_copy_file", real)
    assert mr.python.create_model("broken").save(model_dir).version == 1


def test_download(project: Any, model_dir: Path, tmp_path: Path) -> None:
    m = project.get_model_registry().python.create_model("dl").save(model_dir)
    path = Path(m.download())
    assert path.is_absolute() and same_tree(model_dir, path)
    target = tmp_path / "here" / "deeper"
    assert Path(m.download(target)) == target.resolve()
    assert same_tree(model_dir, target)
    with pytest.raises(InvalidInput, match="not saved"):
        project.get_model_registry().python.create_model("unsaved").download()


def test_delete_removes_metadata_and_files(project: Any, model_dir: Path) -> None:
    mr = project.get_model_registry()
    m1 = mr.python.create_model("gone").save(model_dir)
    m2 = mr.python.create_model("gone").save(model_dir)
    vdir = Path(m1.version_path)
    mr.get_model("gone", 1).delete()
    assert not vdir.exists()
    with pytest.raises(NotFound):
        mr.get_model("gone", 1)
    assert [m.version for m in mr.get_models("gone")] == [2]
    assert Path(m2.model_files_path).is_dir()
    m2.delete()
    assert not Path(m2.model_path).exists()


def test_best_model(project: Any, model_dir: Path) -> None:
    mr = project.get_model_registry()
    for auc, loss in ((0.7, 0.3), (0.9, 0.5), (0.8, 0.1)):
        mr.sklearn.create_model("best", metrics={"auc": auc, "loss": loss}).save(model_dir)
    mr.sklearn.create_model("best").save(model_dir)  # no metrics
    assert mr.get_best_model("best", "auc", "max").version == 2
    assert mr.get_best_model("best", "loss", "min").version == 3
    assert mr.get_best_model("best", "auc", "MIN").version == 1
    with pytest.raises(InvalidInput, match="direction"):
        mr.get_best_model("best", "auc", "up")
    with pytest.raises(NotFound, match=r"no version of model 'best' has the training metric 'f1'"):
        mr.get_best_model("best", "f1", "max")
    with pytest.raises(NotFound, match="no version"):
        mr.get_best_model("none", "auc", "max")


def test_metrics_must_be_numbers(project: Any) -> None:
    mr = project.get_model_registry()
    with pytest.raises(InvalidInput, match="metric 'auc' must be a number"):
        mr.python.create_model("m", metrics={"auc": "high"})
    with pytest.raises(InvalidInput, match="dict"):
        mr.python.create_model("m", metrics=[0.5])
    assert mr.python.create_model("m", metrics={"n": np.int64(3), "s": "0.5"}).training_metrics == {
        "n": 3,
        "s": 0.5,
    }


def test_tags(project: Any, model_dir: Path) -> None:
    mr = project.get_model_registry()
    m = mr.python.create_model("tagged").save(model_dir)
    m.set_tag("owner", "risk-team")
    m.set_tag("meta", {"stage": "prod", "reviewers": ["a", "b"]})
    assert m.get_tag("owner") == "risk-team"
    assert m.get_tag("missing") is None
    again = mr.get_model("tagged", 1)
    assert again.get_tags() == {
        "owner": "risk-team",
        "meta": {"stage": "prod", "reviewers": ["a", "b"]},
    }
    again.delete_tag("owner")
    assert m.get_tags() == {"meta": {"stage": "prod", "reviewers": ["a", "b"]}}
    with pytest.raises(NotFound, match="no tag 'owner'"):
        m.delete_tag("owner")
    with pytest.raises(InvalidInput, match="not saved"):
        mr.python.create_model("untagged").set_tag("a", 1)


def test_frameworks_and_registry_properties(project: Any, model_dir: Path) -> None:
    mr = project.get_model_registry()
    assert (mr.project_name, mr.project_id, mr.model_registry_id) == (project.name, 1, 1)
    assert mr.shared_registry_project_name is None
    for ns, fw in (
        ("python", "PYTHON"),
        ("sklearn", "SKLEARN"),
        ("tensorflow", "TENSORFLOW"),
        ("torch", "TORCH"),
        ("xgboost", "XGBOOST"),
        ("lightgbm", "LIGHTGBM"),
        ("llm", "LLM"),
    ):
        m = getattr(mr, ns).create_model(f"fw_{ns}").save(model_dir / "model.pkl")
        assert mr.get_model(f"fw_{ns}", 1).framework == fw == m.framework


def test_import_mvps_stays_cheap() -> None:
    import subprocess
    import sys

    code = (
        "import sys, mvps, mvps.model_registry, mvps.model, mvps.serving, mvps.model_schema;"
        "heavy = [m for m in ('fastapi', 'uvicorn', 'sklearn', 'joblib', 'httpx', 'pandas') "
        "if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_no_warning_for_plain_models(project: Any, model_dir: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        project.get_model_registry().python.create_model("quiet").save(model_dir)


def test_a_symlinked_model_directory_cannot_escape_the_store(
    project: Any, model_dir: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    models = project.config.artifacts_dir / "models"
    models.mkdir(parents=True)
    (models / "evil").symlink_to(outside, target_is_directory=True)
    with pytest.raises(InvalidInput, match="outside the artifact store"):
        project.get_model_registry().python.create_model("evil").save(model_dir)
    assert list(outside.iterdir()) == []
    assert project.get_model_registry().get_models("evil") == []
