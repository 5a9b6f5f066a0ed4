"""Tests of the benchmark harness (``benchmarks/`` at the repository root).

Under pytest's default import mode this directory is imported as the package
``benchmarks`` (``tests/`` has no ``__init__.py``), the name of the harness package;
adding the harness directory to ``__path__`` makes ``benchmarks.harness`` and the
workers importable from the tests either way.
"""

from pathlib import Path

_HARNESS = Path(__file__).resolve().parents[2] / "benchmarks"
if str(_HARNESS) not in __path__:
    __path__.append(str(_HARNESS))
