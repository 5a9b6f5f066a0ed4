"""``mvps init``: templates are copied with the FTI layout, non-empty directories refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mvps.cli import main
from mvps.config import resolve
from mvps.errors import AlreadyExists, InvalidInput
from mvps.template import create, project_name, template_names

COMMON = [
    ".gitignore",
    "README.md",
    "mvps.toml",
    "pyproject.toml",
    "app.py",
    "predictor.py",
    "features/__init__.py",
    "pipelines/__init__.py",
    "pipelines/feature_pipeline.py",
    "pipelines/training_pipeline.py",
    "pipelines/batch_inference.py",
    "tests/test_features.py",
    "tests/test_data_validation.py",
    "tests/test_model.py",
]


def files_of(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def check_text(root: Path) -> None:
    """Placeholders filled in, no leftovers a user should not see."""
    for path in root.rglob("*"):
        if path.is_file():
            text = path.read_text()
            assert "{{project_name}}" not in text, path
            assert not re.search(r"\b(TODO|FIXME)\b", text), path
    assert not list(root.rglob("__pycache__"))


def test_bare_init_creates_the_empty_fti_layout(tmp_path: Path, capsys) -> None:
    target = tmp_path / "My Service"
    assert main(["init", str(target)]) == 0
    files = files_of(target)
    assert set(COMMON) | {"features/example.py"} == files
    check_text(target)
    toml = (target / "mvps.toml").read_text()
    assert 'name = "my_service"' in toml
    assert 'home = ".mvps"' in toml
    readme = (target / "README.md").read_text()
    for step in ("prediction problem", "Data sources", "Feature pipeline", "Training pipeline"):
        assert step in readme
    assert "Business KPI" in readme and "ML proxy metric" in readme
    assert "Write your" in readme
    assert "created an empty MVPS" in capsys.readouterr().out


def test_example_init_creates_the_loan_approval_project(tmp_path: Path, capsys) -> None:
    target = tmp_path / "loans"
    assert main(["init", str(target), "--example", "loan-approval", "--name", "lending"]) == 0
    files = files_of(target)
    assert set(COMMON) | {"features/loans.py", "features/applicants.py"} == files
    check_text(target)
    assert 'name = "lending"' in (target / "mvps.toml").read_text()
    readme = (target / "README.md").read_text()
    assert "Business KPI" in readme and "ML proxy metric" in readme and "ROC AUC" in readme
    pipeline = (target / "pipelines/training_pipeline.py").read_text()
    assert "loans_approvals" in pipeline and "naive_latest_join" in pipeline
    assert "pipelines.feature_pipeline --generate" in capsys.readouterr().out


def test_init_refuses_a_non_empty_directory(tmp_path: Path, capsys) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    assert main(["init", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "is not empty" in err and "--force" in err
    assert files_of(tmp_path) == {"notes.txt"}

    assert main(["init", str(tmp_path), "--force"]) == 0
    files = files_of(tmp_path)
    assert "notes.txt" in files and "pipelines/feature_pipeline.py" in files
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_create_checks_its_arguments(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"unknown example 'fraud'.*loan-approval"):
        create(tmp_path / "x", example="fraud")
    (tmp_path / "file").write_text("")
    with pytest.raises(InvalidInput, match="is a file"):
        create(tmp_path / "file")
    with pytest.raises(InvalidInput, match="project name 'Bad Name'"):
        create(tmp_path / "y", name="Bad Name")
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()
    (tmp_path / "z").mkdir()
    (tmp_path / "z" / "a").write_text("")
    with pytest.raises(AlreadyExists):
        create(tmp_path / "z", example="loan-approval")
    assert template_names() == ["empty", "loan-approval"]


def test_project_names_are_derived_from_the_directory() -> None:
    assert project_name("/somewhere/My Loans-2") == "my_loans_2"
    assert project_name("/somewhere/2024") == "mvps_2024"
    assert project_name("/somewhere/___") == "mvps"


def test_the_project_lives_inside_the_directory(tmp_path: Path, monkeypatch) -> None:
    for var in ("MVPS_HOME", "MVPS_PROJECT", "MVPS_CONFIG"):
        monkeypatch.delenv(var, raising=False)
    target = create(tmp_path / "svc")
    cfg = resolve(config=target / "mvps.toml")
    assert cfg.name == "svc"
    assert cfg.path == target / ".mvps" / "svc"
