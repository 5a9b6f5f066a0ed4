"""Hopsworks-compatible module path: ``from mvps.expectation_suite import ExpectationSuite``.

The implementation lives in :mod:`mvps.validation.suite`.
"""

from __future__ import annotations

from mvps.validation.suite import ExpectationConfiguration, ExpectationSuite, GeExpectation

__all__ = ["ExpectationConfiguration", "ExpectationSuite", "GeExpectation"]
