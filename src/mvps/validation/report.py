"""Validation reports: the outcome of validating data against an expectation suite.

A :class:`ValidationReport` holds one :class:`ValidationResult` per expectation, in the
Great Expectations (GE) result format, plus the overall success, summary statistics and
``ingestion_result`` (what the feature group did with the data). Reports serialise to and
from JSON for storage (:meth:`ValidationReport.to_json` / :meth:`ValidationReport.from_dict`)
and convert to GE objects when great_expectations is installed.
"""

from __future__ import annotations

import copy
import datetime as _dt
import json
from collections.abc import Iterable, Mapping
from typing import Any

from mvps.errors import InvalidInput
from mvps.validation.suite import json_default

__all__ = [
    "INGESTION_RESULTS",
    "ValidationReport",
    "ValidationResult",
    "apply_ingestion_policy",
    "failed_expectations_message",
]

#: Values of ``ingestion_result``: the data was written (INGESTED) or rejected under the
#: STRICT policy (REJECTED); UNKNOWN before a decision; EXPERIMENT for a report made
#: outside an insert; FG_DATA for a report on data already in the feature group.
INGESTION_RESULTS = ("INGESTED", "REJECTED", "UNKNOWN", "EXPERIMENT", "FG_DATA")


def _load(value: Any, what: str) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"{what} is not valid JSON ({exc})") from exc
    return value


def _dict_field(value: Any, what: str) -> dict[str, Any]:
    value = _load(value, what)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidInput(f"{what} must be a dict or a JSON object, got {type(value).__name__}")
    return dict(value)


def _ingestion_result(value: str | None) -> str:
    if value is None:
        return "UNKNOWN"
    if not isinstance(value, str) or value.upper() not in INGESTION_RESULTS:
        raise InvalidInput(
            f"ingestion_result must be one of {', '.join(INGESTION_RESULTS)} (any case), "
            f"got {value!r}"
        )
    return value.upper()


def _time_str(value: Any) -> str | None:
    """Validation times are stored as ISO-8601 strings; datetimes and epoch ms are converted."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_dt.UTC)
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _dt.datetime.fromtimestamp(value / 1000, tz=_dt.UTC).isoformat()
    raise InvalidInput(f"validation_time must be an ISO-8601 string or a datetime, got {value!r}")


_CAMEL = {
    "expectationConfig": "expectation_config",
    "exceptionInfo": "exception_info",
    "expectationId": "expectation_id",
    "validationTime": "validation_time",
    "ingestionResult": "ingestion_result",
    "evaluationParameters": "evaluation_parameters",
    "fullReportPath": "full_report_path",
    "validationReportId": "validation_report_id",
}


def _decamel(data: Mapping[str, Any]) -> dict[str, Any]:
    return {_CAMEL.get(k, k): v for k, v in data.items()}


class ValidationResult:
    """The outcome of one expectation, in GE's result format.

    Parameters:
        success: whether the expectation was met.
        expectation_config: ``{"expectation_type", "kwargs", "meta"}`` of the expectation
            (a GE 1.x ``type`` key is accepted and renamed).
        result: GE result dict: ``observed_value`` for aggregate expectations;
            ``element_count``, ``unexpected_count``, ``unexpected_percent``,
            ``partial_unexpected_list``, ``missing_count``... for column-map ones.
        meta: free-form metadata.
        exception_info: ``{"raised_exception", "exception_message", "exception_traceback"}``;
            ``raised_exception`` is true when the expectation could not be evaluated (for
            example a missing column).
        expectation_id: id of the expectation in its suite (for validation history).
    """

    def __init__(
        self,
        success: bool,
        expectation_config: Mapping[str, Any] | str,
        result: Mapping[str, Any] | str | None = None,
        meta: Mapping[str, Any] | str | None = None,
        exception_info: Mapping[str, Any] | str | None = None,
        expectation_id: int | None = None,
        id: int | None = None,
        validation_time: str | _dt.datetime | None = None,
        ingestion_result: str | None = "UNKNOWN",
        **kwargs: Any,
    ) -> None:
        kwargs.pop("observed_value", None)
        kwargs.pop("validation_report_id", None)
        if kwargs:
            raise InvalidInput(f"unexpected ValidationResult arguments {sorted(kwargs)}")
        self.success = bool(success)
        config = _dict_field(expectation_config, "expectation_config")
        if "expectation_type" not in config and "type" in config:
            config["expectation_type"] = config.pop("type")
        config.pop("severity", None)
        self.expectation_config: dict[str, Any] = config
        self.result: dict[str, Any] = _dict_field(result, "result")
        self.meta: dict[str, Any] = _dict_field(meta, "meta")
        self.exception_info: dict[str, Any] = _dict_field(exception_info, "exception_info") or {
            "raised_exception": False,
            "exception_message": None,
            "exception_traceback": None,
        }
        if expectation_id is None:
            expectation_id = (config.get("meta") or {}).get("expectationId")
        self.expectation_id: int | None = expectation_id
        self.id = id
        self.validation_time: str | None = _time_str(validation_time)
        self._ingestion_result = _ingestion_result(ingestion_result)

    @property
    def ingestion_result(self) -> str:
        """One of :data:`INGESTION_RESULTS` (upper case)."""
        return self._ingestion_result

    @ingestion_result.setter
    def ingestion_result(self, value: str | None) -> None:
        self._ingestion_result = _ingestion_result(value)

    @property
    def expectation_type(self) -> str | None:
        """The GE name of the expectation."""
        return self.expectation_config.get("expectation_type")

    @property
    def kwargs(self) -> dict[str, Any]:
        """The expectation's kwargs."""
        return dict(self.expectation_config.get("kwargs") or {})

    @property
    def observed_value(self) -> Any:
        """``result["observed_value"]`` for aggregate expectations, else None."""
        return self.result.get("observed_value")

    @property
    def raised_exception(self) -> bool:
        """True when the expectation could not be evaluated (see ``exception_info``)."""
        return bool(self.exception_info.get("raised_exception"))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict readable by :meth:`from_dict`."""
        return {
            "id": self.id,
            "success": self.success,
            "expectation_config": copy.deepcopy(self.expectation_config),
            "result": copy.deepcopy(self.result),
            "meta": copy.deepcopy(self.meta),
            "exception_info": copy.deepcopy(self.exception_info),
            "expectation_id": self.expectation_id,
            "validation_time": self.validation_time,
            "ingestion_result": self._ingestion_result,
        }

    def to_json_dict(self) -> dict[str, Any]:
        """Alias of :meth:`to_dict` (the GE and Hopsworks method name)."""
        return self.to_dict()

    def to_json(self) -> str:
        """:meth:`to_dict` as a JSON string."""
        return json.dumps(self.to_dict(), default=json_default)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | str) -> ValidationResult:
        """Build from :meth:`to_dict` output, a GE result dict, or Hopsworks camelCase JSON."""
        data = _load(data, "validation result")
        if not isinstance(data, Mapping):
            raise InvalidInput(f"a validation result must be a dict, got {type(data).__name__}")
        d = _decamel(data)
        allowed = {
            "id",
            "success",
            "expectation_config",
            "result",
            "meta",
            "exception_info",
            "expectation_id",
            "validation_time",
            "ingestion_result",
        }
        return cls(**{k: v for k, v in d.items() if k in allowed})

    def to_ge_type(self) -> Any:
        """The great_expectations ``ExpectationValidationResult`` (needs GE)."""
        from mvps.validation.ge import result_to_ge

        return result_to_ge(self)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ValidationResult):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    def __hash__(self) -> int:  # mutable: hash by identity
        return id(self)

    def __repr__(self) -> str:
        return (
            f"ValidationResult(success={self.success}, expectation_id={self.expectation_id}, "
            f"expectation_type={self.expectation_type!r}, result={self.result!r})"
        )


def _statistics(results: list[ValidationResult]) -> dict[str, Any]:
    evaluated = len(results)
    successful = sum(1 for r in results if r.success)
    return {
        "evaluated_expectations": evaluated,
        "successful_expectations": successful,
        "unsuccessful_expectations": evaluated - successful,
        "success_percent": (successful / evaluated * 100.0) if evaluated else None,
    }


class ValidationReport:
    """The outcome of validating one dataframe against an expectation suite.

    Parameters:
        success: true when every expectation succeeded.
        results: one :class:`ValidationResult` (or its dict) per expectation.
        meta: metadata: ``expectation_suite_name``, ``validation_engine``, ``row_count``...
        statistics: ``evaluated_expectations``, ``successful_expectations``,
            ``unsuccessful_expectations``, ``success_percent``; computed from ``results``
            when omitted.
        evaluation_parameters: values substituted for ``{"$PARAMETER": name}`` kwargs.
        ingestion_result: one of :data:`INGESTION_RESULTS`; setting it also sets it on
            every result.
        validation_time: ISO-8601 time of the validation.
        full_report_path: where a full report is stored, if anywhere.
        id: id of the stored report.
    """

    def __init__(
        self,
        success: bool,
        results: Iterable[ValidationResult | Mapping[str, Any]],
        meta: Mapping[str, Any] | str | None = None,
        statistics: Mapping[str, Any] | str | None = None,
        evaluation_parameters: Mapping[str, Any] | str | None = None,
        ingestion_result: str | None = "UNKNOWN",
        validation_time: str | _dt.datetime | None = None,
        full_report_path: str | None = None,
        id: int | None = None,
    ) -> None:
        self.success = bool(success)
        self.results: list[ValidationResult] = [
            r if isinstance(r, ValidationResult) else ValidationResult.from_dict(r)
            for r in _load(results, "results") or []
        ]
        self.meta: dict[str, Any] = _dict_field(meta, "meta")
        self.statistics: dict[str, Any] = _dict_field(statistics, "statistics") or _statistics(
            self.results
        )
        self.evaluation_parameters: dict[str, Any] = _dict_field(
            evaluation_parameters, "evaluation_parameters"
        )
        self.validation_time: str | None = _time_str(validation_time)
        self.full_report_path = full_report_path
        self.id = id
        self._ingestion_result = "UNKNOWN"
        self.ingestion_result = ingestion_result  # type: ignore[assignment]

    @property
    def ingestion_result(self) -> str:
        """One of :data:`INGESTION_RESULTS` (upper case); setting it updates every result."""
        return self._ingestion_result

    @ingestion_result.setter
    def ingestion_result(self, value: str | None) -> None:
        self._ingestion_result = _ingestion_result(value)
        for r in self.results:
            r.ingestion_result = self._ingestion_result

    @property
    def failed_results(self) -> list[ValidationResult]:
        """The results of the expectations that failed, in suite order."""
        return [r for r in self.results if not r.success]

    def get_result(self, expectation_id: int) -> ValidationResult | None:
        """The result of the expectation with this id, or None."""
        for r in self.results:
            if r.expectation_id == expectation_id:
                return r
        return None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict readable by :meth:`from_dict` (the format stored in a catalog)."""
        return {
            "id": self.id,
            "success": self.success,
            "results": [r.to_dict() for r in self.results],
            "meta": copy.deepcopy(self.meta),
            "statistics": copy.deepcopy(self.statistics),
            "evaluation_parameters": copy.deepcopy(self.evaluation_parameters),
            "ingestion_result": self._ingestion_result,
            "validation_time": self.validation_time,
            "full_report_path": self.full_report_path,
        }

    def to_json_dict(self) -> dict[str, Any]:
        """Alias of :meth:`to_dict` (the GE and Hopsworks method name)."""
        return self.to_dict()

    def to_json(self) -> str:
        """:meth:`to_dict` as a JSON string."""
        return json.dumps(self.to_dict(), default=json_default)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | str) -> ValidationReport:
        """Build from :meth:`to_dict` output or a JSON string of it.

        Also reads GE's ``ExpectationSuiteValidationResult.to_json_dict()`` shape
        (``suite_parameters`` for GE 1.x) and Hopsworks camelCase keys; unknown keys are
        ignored.
        """
        data = _load(data, "validation report")
        if not isinstance(data, Mapping):
            raise InvalidInput(f"a validation report must be a dict, got {type(data).__name__}")
        d = _decamel(data)
        if "evaluation_parameters" not in d and "suite_parameters" in d:
            d["evaluation_parameters"] = d["suite_parameters"]
        if "success" not in d or "results" not in d:
            raise InvalidInput("a validation report dict needs 'success' and 'results' keys")
        allowed = {
            "id",
            "success",
            "results",
            "meta",
            "statistics",
            "evaluation_parameters",
            "ingestion_result",
            "validation_time",
            "full_report_path",
        }
        return cls(**{k: v for k, v in d.items() if k in allowed})

    @classmethod
    def from_json(cls, text: str) -> ValidationReport:
        """Build from a JSON string (see :meth:`from_dict`)."""
        return cls.from_dict(text)

    @classmethod
    def from_ge_type(cls, ge_report: Any) -> ValidationReport:
        """Build from a great_expectations ``ExpectationSuiteValidationResult`` (0.18 or 1.x)."""
        from mvps.validation.ge import report_dict_from_ge

        return cls.from_dict(report_dict_from_ge(ge_report))

    def to_ge_type(self) -> Any:
        """The great_expectations ``ExpectationSuiteValidationResult`` (needs GE)."""
        from mvps.validation.ge import report_to_ge

        return report_to_ge(self)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ValidationReport):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    def __hash__(self) -> int:  # mutable: hash by identity
        return id(self)

    def __repr__(self) -> str:
        stats = self.statistics
        return (
            f"ValidationReport(success={self.success}, "
            f"{stats.get('successful_expectations')}/{stats.get('evaluated_expectations')} "
            f"expectations met, ingestion_result={self._ingestion_result!r}, "
            f"validation_time={self.validation_time!r})"
        )


# -- messages -------------------------------------------------------------------------

_SHORT = 80


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _SHORT else text[: _SHORT - 3] + "..."


def _describe_kwargs(kwargs: Mapping[str, Any]) -> str:
    parts = []
    for key, value in kwargs.items():
        if key in {"result_format", "include_config", "catch_exceptions", "batch_id"}:
            continue
        parts.append(f"{key}={_short(value)}")
    return ", ".join(parts)


def _describe_outcome(result: ValidationResult) -> str:
    info = result.exception_info or {}
    if info.get("raised_exception"):
        return f"could not be evaluated: {info.get('exception_message')}"
    r = result.result
    if "unexpected_count" in r and "element_count" in r:
        nonmissing = r["element_count"] - r.get("missing_count", 0)
        pct = r.get("unexpected_percent")
        pct_text = f" ({pct:.4g}%)" if isinstance(pct, int | float) else ""
        scope = "non-null values" if "missing_count" in r else "rows"
        text = f"{r['unexpected_count']} unexpected of {nonmissing} {scope}{pct_text}"
        sample = r.get("partial_unexpected_list") or []
        if sample:
            text += f", e.g. {_short(sample[:5])}"
        return text
    if "observed_value" in r and r["observed_value"] is not None:
        text = f"observed value {_short(r['observed_value'])}"
        details = (r.get("details") or {}).get("mismatched")
        if details:
            text += f", mismatched {_short(details)}"
        return text
    if "unexpected_count" in r or "missing_count" in r:
        bits = []
        if r.get("unexpected_count"):
            bits.append(
                f"{r['unexpected_count']} unexpected distinct values "
                f"{_short(r.get('partial_unexpected_list', []))}"
            )
        if r.get("missing_count"):
            bits.append(
                f"{r['missing_count']} expected values missing "
                f"{_short(r.get('partial_missing_list', []))}"
            )
        return "; ".join(bits) or "failed"
    if "observed_value" in r:
        return "observed value is null (no non-null values to aggregate)"
    kwargs = result.kwargs
    if result.expectation_type == "expect_column_to_exist" and "column" in kwargs:
        if kwargs.get("column_index") is not None:
            return f"column {kwargs['column']!r} is not at position {kwargs['column_index']}"
        return f"column {kwargs['column']!r} does not exist"
    return "failed"


def failed_expectations_message(report: ValidationReport, limit: int = 20) -> str:
    """A message naming each failed expectation: type, kwargs and what was observed.

    Lists at most ``limit`` failures. When the report's ``ingestion_result`` is REJECTED
    the message ends with how to get the data in (fix it, change the suite, or switch the
    suite to the ALWAYS policy). Intended for ``ValidationFailed(message, report)``.
    """
    failed = report.failed_results
    total = len(report.results)
    name = (report.meta or {}).get("expectation_suite_name")
    suite_text = f" of suite {name!r}" if name else ""
    if not failed:
        return f"all {total} expectations{suite_text} were met"
    lines = [f"data validation failed: {len(failed)} of {total} expectations{suite_text} failed:"]
    for r in failed[:limit]:
        id_text = f" [id {r.expectation_id}]" if r.expectation_id is not None else ""
        lines.append(
            f"  - {r.expectation_type}({_describe_kwargs(r.kwargs)}){id_text}: "
            f"{_describe_outcome(r)}"
        )
    if len(failed) > limit:
        lines.append(f"  ... and {len(failed) - limit} more (see the validation report)")
    if report.ingestion_result == "REJECTED":
        lines.append(
            "Nothing was written because the suite's validation_ingestion_policy is STRICT. "
            "Fix the data or the expectations, or set "
            "suite.validation_ingestion_policy = 'ALWAYS' to write data that fails validation."
        )
    return "\n".join(lines)


def apply_ingestion_policy(report: ValidationReport, policy: str) -> bool:
    """Decide whether data with this report may be written, and record the decision.

    Under ``"STRICT"`` a failed report is REJECTED; otherwise the data is INGESTED.
    Sets ``report.ingestion_result`` accordingly and returns True when the data may be
    written.
    """
    if not isinstance(policy, str) or policy.upper() not in ("ALWAYS", "STRICT"):
        raise InvalidInput(f"policy must be 'ALWAYS' or 'STRICT', got {policy!r}")
    ingest = report.success or policy.upper() == "ALWAYS"
    report.ingestion_result = "INGESTED" if ingest else "REJECTED"
    return ingest
