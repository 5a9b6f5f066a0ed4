"""Datasets for demos, tests and benchmarks.

* :mod:`mvps.datasets.lending` -- synthetic LendingClub loans and point-in-time credit
  reports (the loan-approval demo's data);
* :mod:`mvps.datasets.lending_features` -- feature functions for that data.

Submodules load on first use, so importing this package costs nothing.
"""

from __future__ import annotations

import importlib
from types import ModuleType

__all__ = ["lending", "lending_features"]


def __getattr__(name: str) -> ModuleType:
    if name in __all__:
        module = importlib.import_module(f"mvps.datasets.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'mvps.datasets' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
