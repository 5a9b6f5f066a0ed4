"""The mvps error hierarchy.

Every error mvps raises on purpose derives from :class:`MvpsError`. The subclasses are
named for what the caller does next, and every message says what was wrong and how to
fix it. Backend exceptions are translated at the boundary with ``raise ... from exc``.

Hopsworks names (``FeatureStoreException``, ``DataValidationException``,
``ModelRegistryException``) are kept as aliases so that code written for Hopsworks that
catches them keeps working.
"""

from __future__ import annotations

from typing import Any


class MvpsError(Exception):
    """Base class of every error raised by mvps."""


class InvalidInput(MvpsError, ValueError):
    """An argument or a dataframe is not acceptable; nothing was changed."""


class NotFound(MvpsError, LookupError):
    """The named object does not exist (or was deleted)."""


class AlreadyExists(MvpsError):
    """An object with this name and version exists already."""


class SchemaMismatch(InvalidInput):
    """Data does not match the schema it is written to.

    ``problems`` lists one human-readable line per incompatible column.
    """

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [])


class ValidationFailed(MvpsError):
    """Data validation failed with the STRICT ingestion policy; nothing was written.

    ``report`` is the stored validation report.
    """

    def __init__(self, message: str, report: Any = None) -> None:
        super().__init__(message)
        self.report = report


class Conflict(MvpsError):
    """A concurrent writer changed the object first; retry the operation."""


class MissingDependency(MvpsError, ImportError):
    """An optional extra is needed; the message names the ``pip install`` to run."""


class ServingError(MvpsError):
    """A deployment could not answer a request (the message carries the server's reason)."""


class JobFailed(MvpsError):
    """A job execution ended FAILED or KILLED (the message says how to read its logs)."""


# Hopsworks-compatible names.
FeatureStoreException = MvpsError
DataValidationException = ValidationFailed
ModelRegistryException = MvpsError
ModelServingException = ServingError
RestAPIError = MvpsError
JobException = MvpsError
JobExecutionException = JobFailed

__all__ = [
    "AlreadyExists",
    "Conflict",
    "DataValidationException",
    "FeatureStoreException",
    "InvalidInput",
    "JobException",
    "JobExecutionException",
    "JobFailed",
    "MissingDependency",
    "ModelRegistryException",
    "ModelServingException",
    "MvpsError",
    "NotFound",
    "RestAPIError",
    "SchemaMismatch",
    "ServingError",
    "ValidationFailed",
]
