"""Conversion between mvps validation objects and Great Expectations (GE) objects.

Reading GE objects needs no import of great_expectations: they are read through their
``to_json_dict()`` and normalised to GE's 0.x key names (``expectation_suite_name``,
``expectation_type``), the format mvps stores. Building GE objects imports
great_expectations on first use (``pip install "mvps[great-expectations]"``) and
supports both GE 0.18 and GE 1.x.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any

from mvps._deps import require
from mvps.errors import InvalidInput

if TYPE_CHECKING:  # pragma: no cover
    from mvps.validation.report import ValidationReport, ValidationResult
    from mvps.validation.suite import ExpectationConfiguration, ExpectationSuite

__all__ = [
    "expectation_dict_from_ge",
    "expectation_to_ge",
    "ge_major_version",
    "report_dict_from_ge",
    "report_to_ge",
    "result_to_ge",
    "suite_dict_from_ge",
    "suite_to_ge",
]


def _gx() -> ModuleType:
    return require("great_expectations")


def ge_major_version() -> int:
    """Major version of the installed great_expectations (imports it)."""
    version = str(getattr(_gx(), "__version__", "0"))
    try:
        return int(version.split(".")[0])
    except ValueError:
        return 0


def _json_dict(obj: Any, what: str) -> dict[str, Any]:
    to_json_dict = getattr(obj, "to_json_dict", None)
    if not callable(to_json_dict):
        raise InvalidInput(
            f"cannot read a {type(obj).__name__} as a great_expectations {what}: "
            "it has no to_json_dict()"
        )
    data = to_json_dict()
    if not isinstance(data, Mapping):
        raise InvalidInput(f"{type(obj).__name__}.to_json_dict() did not return a dict")
    return dict(data)


def _normalise_expectation_dict(data: Mapping[str, Any]) -> dict[str, Any]:
    """Map GE 1.x expectation dict keys (``type``, ``severity``) to the 0.x shape."""
    out = dict(data)
    if "expectation_type" not in out and "type" in out:
        out["expectation_type"] = out.pop("type")
    for key in ("severity", "rendered_content", "description", "notes"):
        out.pop(key, None)
    kwargs = dict(out.get("kwargs") or {})
    kwargs.pop("batch_id", None)
    out["kwargs"] = kwargs
    return out


def expectation_dict_from_ge(ge_expectation: Any) -> dict[str, Any]:
    """GE expectation (0.18/1.x ``ExpectationConfiguration`` or 1.x Expectation) as a dict.

    The result uses 0.x keys: ``expectation_type``, ``kwargs``, ``meta``; an id in
    ``meta["expectationId"]`` is kept there for :class:`ExpectationConfiguration` to read.
    """
    configuration = getattr(ge_expectation, "configuration", None)
    source = configuration if configuration is not None else ge_expectation
    return _normalise_expectation_dict(_json_dict(source, "expectation"))


def suite_dict_from_ge(ge_suite: Any) -> dict[str, Any]:
    """GE ``ExpectationSuite`` (0.18 or 1.x) as a dict in GE 0.x format."""
    data = _json_dict(ge_suite, "expectation suite")
    name = data.get("expectation_suite_name", data.get("name"))
    expectations = data.get("expectations") or []
    meta = dict(data.get("meta") or {})
    meta.pop("great_expectations_version", None)
    return {
        "expectation_suite_name": name,
        "expectations": [_normalise_expectation_dict(e) for e in expectations],
        "meta": meta,
        "id": data.get("id"),
    }


def expectation_to_ge(expectation: ExpectationConfiguration) -> Any:
    """Build a great_expectations ``ExpectationConfiguration`` for ``expectation``."""
    gx = _gx()
    d = expectation.to_ge_dict()
    if ge_major_version() >= 1:
        from great_expectations.expectations.expectation_configuration import (
            ExpectationConfiguration as GeConfiguration,
        )

        return GeConfiguration(type=d["expectation_type"], kwargs=d["kwargs"], meta=d["meta"])
    return gx.core.ExpectationConfiguration(
        expectation_type=d["expectation_type"], kwargs=d["kwargs"], meta=d["meta"]
    )


def suite_to_ge(suite: ExpectationSuite) -> Any:
    """Build a great_expectations ``ExpectationSuite`` for ``suite``.

    Expectation ids go to each expectation's ``meta["expectationId"]``, so
    :meth:`ExpectationSuite.from_ge_type` gets them back. GE 1.x refuses expectation types
    it does not know, and silently drops them from a suite, so mvps checks first and raises
    :class:`InvalidInput` naming them.
    """
    gx = _gx()
    configs = [expectation_to_ge(e) for e in suite.expectations]
    meta = copy.deepcopy(suite.meta)
    if ge_major_version() >= 1:
        from great_expectations.expectations.registry import get_expectation_impl

        unknown = []
        for cfg in configs:
            try:
                get_expectation_impl(cfg.type)
            except Exception:
                unknown.append(cfg.type)
        if unknown:
            raise InvalidInput(
                f"great_expectations {gx.__version__} does not know expectation types "
                f"{sorted(set(unknown))}; remove them before converting the suite"
            )
        return gx.ExpectationSuite(
            name=suite.expectation_suite_name, expectations=configs, meta=meta
        )
    return gx.core.ExpectationSuite(
        expectation_suite_name=suite.expectation_suite_name, expectations=configs, meta=meta
    )


def result_to_ge(result: ValidationResult) -> Any:
    """Build a great_expectations ``ExpectationValidationResult`` for ``result``."""
    from great_expectations.core import ExpectationValidationResult

    from mvps.validation.suite import ExpectationConfiguration

    config = ExpectationConfiguration.from_dict(result.expectation_config)
    if config.id is None:
        config.id = result.expectation_id
    return ExpectationValidationResult(
        success=result.success,
        expectation_config=expectation_to_ge(config),
        result=copy.deepcopy(result.result),
        meta=copy.deepcopy(result.meta),
        exception_info=copy.deepcopy(result.exception_info),
    )


def report_to_ge(report: ValidationReport) -> Any:
    """Build a great_expectations ``ExpectationSuiteValidationResult`` for ``report``."""
    _gx()
    from great_expectations.core import ExpectationSuiteValidationResult

    results = [result_to_ge(r) for r in report.results]
    if ge_major_version() >= 1:
        return ExpectationSuiteValidationResult(
            success=report.success,
            results=results,
            suite_name=str((report.meta or {}).get("expectation_suite_name", "")),
            suite_parameters=copy.deepcopy(report.evaluation_parameters or {}),
            statistics=copy.deepcopy(report.statistics),
            meta=copy.deepcopy(report.meta or {}),
        )
    return ExpectationSuiteValidationResult(  # type: ignore[call-arg]  # GE 0.18 signature
        success=report.success,
        results=results,
        evaluation_parameters=copy.deepcopy(report.evaluation_parameters or {}),
        statistics=copy.deepcopy(report.statistics),
        meta=copy.deepcopy(report.meta or {}),
    )


def report_dict_from_ge(ge_report: Any) -> dict[str, Any]:
    """GE ``ExpectationSuiteValidationResult`` (0.18 or 1.x) as a ValidationReport dict."""
    data = _json_dict(ge_report, "validation result")
    results = []
    for r in data.get("results") or []:
        r = dict(r)
        config = r.get("expectation_config")
        if isinstance(config, Mapping):
            r["expectation_config"] = _normalise_expectation_dict(config)
            meta = (config.get("meta") or {}) if isinstance(config, Mapping) else {}
            r.setdefault("expectation_id", meta.get("expectationId"))
        results.append(r)
    meta = dict(data.get("meta") or {})
    if "suite_name" in data:
        meta.setdefault("expectation_suite_name", data["suite_name"])
    params = data.get("evaluation_parameters", data.get("suite_parameters"))
    return {
        "success": bool(data.get("success")),
        "results": results,
        "meta": meta,
        "statistics": data.get("statistics"),
        "evaluation_parameters": params or {},
        "validation_time": meta.get("validation_time"),
    }
