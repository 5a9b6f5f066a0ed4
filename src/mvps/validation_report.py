"""Hopsworks-compatible module path: ``from mvps.validation_report import ValidationReport``.

The implementation lives in :mod:`mvps.validation.report`.
"""

from __future__ import annotations

from mvps.validation.report import ValidationReport, ValidationResult

__all__ = ["ValidationReport", "ValidationResult"]
