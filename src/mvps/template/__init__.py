"""Project templates: ``mvps init`` creates a new MVPS from one of them.

A template is a directory of package data under ``mvps/templates/<name>/`` laid out as
feature, training and inference (FTI) pipelines::

    features/           pure feature functions (unit-tested)
    pipelines/          feature_pipeline.py, training_pipeline.py, batch_inference.py
    predictor.py        the online predictor a model deployment runs
    app.py              the stakeholder UI (Gradio)
    tests/              feature, data-validation and model-validation tests
    mvps.toml           where the project's feature store and registry live
    README.md           the five steps of a minimal viable prediction service

:func:`create` copies a template into a directory and fills in the project name.
"""

from __future__ import annotations

import os
import re
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from mvps.errors import AlreadyExists, InvalidInput

__all__ = ["EMPTY", "EXAMPLES", "create", "project_name", "template_names"]

#: The template a bare ``mvps init`` uses.
EMPTY = "empty"
#: Worked examples, for ``mvps init --example <name>``.
EXAMPLES = ("loan-approval",)

# Files whose text gets the project name substituted for this placeholder.
_PLACEHOLDER = "{{project_name}}"
_RENDERED = {"mvps.toml", "README.md", "pyproject.toml"}
# Package data cannot ship dot-files reliably; these are renamed on copy.
_RENAMED = {"gitignore": ".gitignore"}
_SKIPPED = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".mvps"}


def template_names() -> list[str]:
    """The templates that ship with mvps: ``empty`` and the examples."""
    return [EMPTY, *EXAMPLES]


def project_name(directory: str | os.PathLike[str]) -> str:
    """A valid project name derived from a directory name: ``My-Loans`` -> ``my_loans``."""
    raw = Path(directory).resolve().name.lower()
    name = re.sub(r"[^a-z0-9_]+", "_", raw).strip("_")
    if not name or not name[0].isalpha():
        name = f"mvps_{name}".rstrip("_")
    return name[:63]


def _template_root(name: str) -> Traversable:
    root = files("mvps").joinpath("templates", name)
    if not root.is_dir():
        raise InvalidInput(
            f"the template {name!r} is missing from the mvps installation; reinstall mvps "
            "(pip install --force-reinstall mvps)"
        )
    return root


def _copy(src: Traversable, dst: Path, name: str, written: list[Path]) -> None:
    for item in sorted(src.iterdir(), key=lambda t: t.name):
        if item.name in _SKIPPED or item.name.endswith(".pyc"):
            continue
        target = dst / _RENAMED.get(item.name, item.name)
        if item.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            _copy(item, target, name, written)
            continue
        data = item.read_bytes()
        if item.name in _RENDERED:
            data = data.decode("utf-8").replace(_PLACEHOLDER, name).encode("utf-8")
        target.write_bytes(data)
        written.append(target)


def create(
    directory: str | os.PathLike[str],
    example: str | None = None,
    force: bool = False,
    name: str | None = None,
) -> Path:
    """Create a new MVPS project in ``directory`` and return its absolute path.

    ``example=None`` copies the ``empty`` template (the FTI layout with placeholders to
    replace); ``example="loan-approval"`` copies the worked loan-approval example.
    ``name`` is the project name written to ``mvps.toml`` (default: derived from the
    directory name). A directory that exists and is not empty is refused unless
    ``force=True``, which overwrites the template's files and keeps any others.
    """
    template = EMPTY if example is None else str(example)
    if template not in EXAMPLES and not (example is None or template == EMPTY):
        raise InvalidInput(
            f"unknown example {example!r}; available examples: {', '.join(EXAMPLES)} "
            "(or no --example for an empty project)"
        )
    target = Path(directory).expanduser().resolve()
    if target.exists() and not target.is_dir():
        raise InvalidInput(f"{target} exists and is a file; choose a directory for the project")
    if target.is_dir() and any(target.iterdir()) and not force:
        raise AlreadyExists(
            f"{target} is not empty; choose a new directory, or pass --force (force=True) to "
            "write the template into it (files of the same name are overwritten)"
        )
    project = name if name is not None else project_name(target)
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,62}", project):
        raise InvalidInput(
            f"project name {project!r} cannot be used: use lower-case letters, digits and "
            "underscores, starting with a letter (e.g. 'loan_approval')"
        )
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    _copy(_template_root(template), target, project, written)
    return target
