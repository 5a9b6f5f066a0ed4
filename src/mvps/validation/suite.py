"""Expectation suites in the Great Expectations (GE) JSON format.

An :class:`ExpectationSuite` is a named list of :class:`ExpectationConfiguration` objects
plus the two settings a feature group uses on insert: ``run_validation`` and
``validation_ingestion_policy`` (``"ALWAYS"`` writes the data whatever the outcome,
``"STRICT"`` rejects it when any expectation fails).

Suites are built from these classes, from a dict or JSON string in GE's format (both the
0.x shape, ``expectation_suite_name`` and ``expectation_type``, and the 1.x shape, ``name``
and ``type``), or from GE suite objects. Nothing here imports great_expectations: GE
objects are recognised by their module and read through their ``to_json_dict()``.

Every expectation in a suite has a stable integer id, assigned when it is added and never
reused within the suite; validation results carry it so that the validation history of a
single expectation can be looked up. In GE objects the id travels in
``meta["expectationId"]``, as in Hopsworks.
"""

from __future__ import annotations

import copy
import datetime as _dt
import decimal
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from mvps.errors import InvalidInput, NotFound

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Sequence

__all__ = [
    "INGESTION_POLICIES",
    "ExpectationConfiguration",
    "ExpectationSuite",
    "GeExpectation",
    "as_suite",
]

#: Accepted values of ``validation_ingestion_policy`` (compared case-insensitively).
INGESTION_POLICIES = ("ALWAYS", "STRICT")

# Key GE and Hopsworks use to carry an expectation's id inside its meta.
_META_ID_KEY = "expectationId"


def json_default(value: Any) -> Any:
    """``json.dumps`` fallback: dates and times as ISO-8601 strings, sets and tuples as lists.

    Expectation kwargs may hold datetimes (bounds of a timestamp column); they are stored
    as ISO strings, which the engine compares with timestamp columns as times.
    """
    if isinstance(value, _dt.datetime | _dt.date | _dt.time):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    if isinstance(value, decimal.Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} {value!r} cannot be stored as JSON")


def _load_json_field(value: Any, what: str) -> Any:
    """Decode ``value`` when it is a JSON string (Hopsworks stores some fields that way)."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"{what} is not valid JSON ({exc}); pass a dict") from exc
    return value


def _int_id(value: Any) -> int | None:
    """Return ``value`` as an integer id, or None for ids mvps does not own (GE UUIDs)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _is_ge_object(obj: Any) -> bool:
    return type(obj).__module__.split(".")[0] == "great_expectations"


class ExpectationConfiguration:
    """One expectation: its GE type name, keyword arguments and free-form meta.

    ``ExpectationConfiguration("expect_column_values_to_not_be_null", {"column": "id"})``;
    GE 1.x's spelling ``ExpectationConfiguration(type=..., kwargs=...)`` works too.
    ``id`` is assigned by the suite the expectation is added to; an ``expectationId`` in
    ``meta`` (how GE objects exported from Hopsworks carry it) is moved to ``id``.
    """

    def __init__(
        self,
        expectation_type: str | None = None,
        kwargs: Mapping[str, Any] | str | None = None,
        meta: Mapping[str, Any] | str | None = None,
        id: int | None = None,
        *,
        type: str | None = None,
    ) -> None:
        if expectation_type is None:
            expectation_type = type  # the GE 1.x keyword
        if not isinstance(expectation_type, str) or not expectation_type:
            raise InvalidInput(
                f"expectation_type must be a non-empty string such as "
                f"'expect_column_values_to_not_be_null', got {expectation_type!r}"
            )
        kwargs = _load_json_field(kwargs, "kwargs")
        meta = _load_json_field(meta, "meta")
        if kwargs is not None and not isinstance(kwargs, Mapping):
            raise InvalidInput(f"kwargs of {expectation_type} must be a dict, got {kwargs!r}")
        if meta is not None and not isinstance(meta, Mapping):
            raise InvalidInput(f"meta of {expectation_type} must be a dict, got {meta!r}")
        self._expectation_type = expectation_type
        self._kwargs: dict[str, Any] = dict(kwargs or {})
        self._meta: dict[str, Any] = dict(meta or {})
        meta_id = _int_id(self._meta.pop(_META_ID_KEY, None))
        self._id: int | None = _int_id(id) if id is not None else meta_id

    # -- construction ---------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | str) -> ExpectationConfiguration:
        """Build from a GE-format dict or JSON string.

        Accepts ``expectation_type`` (GE 0.x), ``type`` (GE 1.x) or ``expectationType``
        (Hopsworks REST); ``kwargs`` and ``meta`` may be JSON strings. Unknown keys such as
        GE 1.x's ``severity`` or ``rendered_content`` are ignored.
        """
        data = _load_json_field(data, "expectation")
        if not isinstance(data, Mapping):
            raise InvalidInput(f"an expectation must be a dict, got {type(data).__name__}")
        etype = data.get("expectation_type", data.get("type", data.get("expectationType")))
        if etype is None:
            raise InvalidInput(
                f"expectation {dict(data)!r} has no 'expectation_type' (or GE 1.x 'type') key"
            )
        return cls(etype, data.get("kwargs"), data.get("meta"), id=_int_id(data.get("id")))

    @classmethod
    def from_ge_type(cls, ge_expectation: Any) -> ExpectationConfiguration:
        """Build from a GE ``ExpectationConfiguration`` (0.18 or 1.x) or a GE 1.x Expectation."""
        from mvps.validation.ge import expectation_dict_from_ge

        return cls.from_dict(expectation_dict_from_ge(ge_expectation))

    @classmethod
    def coerce(cls, obj: Any) -> ExpectationConfiguration:
        """Return ``obj`` as an :class:`ExpectationConfiguration` (a copy if it is one).

        Accepts this class, a dict or JSON string in GE format, or a GE expectation object.
        """
        if isinstance(obj, ExpectationConfiguration):
            return obj.copy()
        if isinstance(obj, Mapping | str):
            return cls.from_dict(obj)
        if _is_ge_object(obj):
            return cls.from_ge_type(obj)
        raise InvalidInput(
            f"cannot use a {type(obj).__name__} as an expectation; pass an "
            "ExpectationConfiguration, a dict like {'expectation_type': ..., 'kwargs': {...}} "
            "or a great_expectations expectation"
        )

    def copy(self) -> ExpectationConfiguration:
        """A deep copy (kwargs and meta are not shared)."""
        return ExpectationConfiguration(
            self._expectation_type,
            copy.deepcopy(self._kwargs),
            copy.deepcopy(self._meta),
            id=self._id,
        )

    # -- serialisation --------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """``{"id", "expectation_type", "kwargs", "meta"}`` (JSON-ready, GE 0.x key names)."""
        return {
            "id": self._id,
            "expectation_type": self._expectation_type,
            "kwargs": copy.deepcopy(self._kwargs),
            "meta": copy.deepcopy(self._meta),
        }

    def to_ge_dict(self) -> dict[str, Any]:
        """The GE 0.x dict, with the id in ``meta["expectationId"]`` as Hopsworks does."""
        meta = copy.deepcopy(self._meta)
        if self._id is not None:
            meta[_META_ID_KEY] = self._id
        return {
            "expectation_type": self._expectation_type,
            "kwargs": copy.deepcopy(self._kwargs),
            "meta": meta,
        }

    def to_json(self) -> str:
        """:meth:`to_dict` as a JSON string."""
        return json.dumps(self.to_dict(), default=json_default)

    def to_json_dict(self) -> dict[str, Any]:
        """Alias of :meth:`to_dict` (the GE and Hopsworks method name)."""
        return self.to_dict()

    def to_ge_type(self) -> Any:
        """The equivalent great_expectations ``ExpectationConfiguration`` (needs GE)."""
        from mvps.validation.ge import expectation_to_ge

        return expectation_to_ge(self)

    # -- attributes -----------------------------------------------------------------

    @property
    def id(self) -> int | None:
        """Id within the suite; None until the expectation is added to a suite."""
        return self._id

    @id.setter
    def id(self, value: int | None) -> None:
        self._id = _int_id(value)

    @property
    def expectation_type(self) -> str:
        """GE name of the expectation, e.g. ``expect_column_values_to_be_between``."""
        return self._expectation_type

    @expectation_type.setter
    def expectation_type(self, value: str) -> None:
        if not isinstance(value, str) or not value:
            raise InvalidInput(f"expectation_type must be a non-empty string, got {value!r}")
        self._expectation_type = value

    @property
    def type(self) -> str:
        """GE 1.x name of :attr:`expectation_type`."""
        return self._expectation_type

    @property
    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments of the expectation (``column``, ``min_value``, ``mostly``...)."""
        return self._kwargs

    @kwargs.setter
    def kwargs(self, value: Mapping[str, Any] | str) -> None:
        value = _load_json_field(value, "kwargs")
        if not isinstance(value, Mapping):
            raise InvalidInput(f"kwargs must be a dict, got {value!r}")
        self._kwargs = dict(value)

    @property
    def meta(self) -> dict[str, Any]:
        """Free-form metadata (notes, owner...)."""
        return self._meta

    @meta.setter
    def meta(self, value: Mapping[str, Any] | str | None) -> None:
        value = _load_json_field(value, "meta")
        if value is not None and not isinstance(value, Mapping):
            raise InvalidInput(f"meta must be a dict, got {value!r}")
        self._meta = dict(value or {})
        meta_id = _int_id(self._meta.pop(_META_ID_KEY, None))
        if meta_id is not None:
            self._id = meta_id

    @property
    def column(self) -> str | None:
        """The ``column`` kwarg, when the expectation has one."""
        value = self._kwargs.get("column")
        return value if isinstance(value, str) else None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ExpectationConfiguration):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    def __hash__(self) -> int:  # mutable: hash by identity
        return id(self)

    def __repr__(self) -> str:
        return (
            f"ExpectationConfiguration(id={self._id}, expectation_type={self._expectation_type!r}, "
            f"kwargs={self._kwargs!r}, meta={self._meta!r})"
        )


#: Hopsworks name of :class:`ExpectationConfiguration` (``hsfs.ge_expectation.GeExpectation``).
GeExpectation = ExpectationConfiguration


def _normalise_policy(policy: str) -> str:
    if not isinstance(policy, str) or policy.upper() not in INGESTION_POLICIES:
        raise InvalidInput(
            f"validation_ingestion_policy must be 'ALWAYS' or 'STRICT' (any case), got {policy!r}"
        )
    return policy.upper()


# Keys of the GE and Hopsworks suite formats that mvps reads but does not keep.
_IGNORED_SUITE_KEYS = frozenset(
    {
        "data_asset_type",
        "ge_cloud_id",
        "notes",
        "suite_parameters",
        "evaluation_parameters",
        "feature_store_id",
        "feature_group_id",
        "featurestore_id",
        "featuregroup_id",
        "href",
        "type",
        "great_expectations_version",
    }
)

_CAMEL_SUITE_KEYS = {
    "expectationSuiteName": "expectation_suite_name",
    "runValidation": "run_validation",
    "validationIngestionPolicy": "validation_ingestion_policy",
    "nextExpectationId": "next_expectation_id",
    "dataAssetType": "data_asset_type",
    "geCloudId": "ge_cloud_id",
    "featureStoreId": "feature_store_id",
    "featureGroupId": "feature_group_id",
}


class ExpectationSuite:
    """A named list of expectations validated together, plus the ingestion settings.

    Parameters:
        expectation_suite_name: name of the suite (GE 1.x calls it ``name``).
        expectations: expectations as :class:`ExpectationConfiguration` objects, dicts in
            GE format, or GE expectation objects.
        meta: free-form metadata.
        run_validation: whether a feature group validates inserts against the suite.
        validation_ingestion_policy: ``"ALWAYS"`` (write and store the report) or
            ``"STRICT"`` (reject the data when an expectation fails); case-insensitive.
        id: id of the suite once it is stored.

    Changes made through :meth:`add_expectation`, :meth:`replace_expectation`,
    :meth:`remove_expectation` and the property setters call ``_on_change(suite)`` when
    it is set, which is how a suite attached to a feature group persists itself.
    """

    def __init__(
        self,
        expectation_suite_name: str | None = None,
        expectations: Iterable[Any] | None = None,
        meta: Mapping[str, Any] | str | None = None,
        run_validation: bool = True,
        validation_ingestion_policy: str = "ALWAYS",
        id: int | None = None,
        **kwargs: Any,
    ) -> None:
        name = kwargs.pop("name", None)
        next_id = kwargs.pop("next_expectation_id", None)
        unknown = sorted(set(kwargs) - _IGNORED_SUITE_KEYS)
        if unknown:
            raise InvalidInput(
                f"unexpected ExpectationSuite arguments {unknown}; accepted: "
                "expectation_suite_name, expectations, meta, run_validation, "
                "validation_ingestion_policy, id"
            )
        if expectation_suite_name is None:
            expectation_suite_name = name
        if not isinstance(expectation_suite_name, str) or not expectation_suite_name:
            raise InvalidInput(
                "an expectation suite needs a name: pass expectation_suite_name='...' "
                "(or 'name' in the GE 1.x format)"
            )
        self._on_change: Callable[[ExpectationSuite], None] | None = None
        self._expectation_suite_name = expectation_suite_name
        self._run_validation = bool(run_validation)
        self._validation_ingestion_policy = _normalise_policy(validation_ingestion_policy)
        self._id = _int_id(id)
        self._meta = self._check_meta(meta)
        self._expectations: list[ExpectationConfiguration] = []
        self._next_id = 1
        self._set_expectations(expectations or [])
        if next_id is not None:
            self._next_id = max(self._next_id, int(next_id))

    # -- construction ---------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | str) -> ExpectationSuite:
        """Build a suite from a dict or JSON string in GE or mvps format.

        Reads ``expectation_suite_name`` or ``name``, ``expectations`` (each with
        ``expectation_type`` or ``type``), ``meta``, and the mvps fields written by
        :meth:`to_dict` (``id``, ``run_validation``, ``validation_ingestion_policy``,
        ``next_expectation_id``). camelCase keys from the Hopsworks REST format are
        accepted; other unknown keys are ignored.
        """
        data = _load_json_field(data, "expectation suite")
        if not isinstance(data, Mapping):
            raise InvalidInput(f"an expectation suite must be a dict, got {type(data).__name__}")
        norm = {_CAMEL_SUITE_KEYS.get(k, k): v for k, v in data.items()}
        meta = _load_json_field(norm.get("meta"), "meta")
        if isinstance(meta, Mapping):
            meta = {k: v for k, v in meta.items() if k != "great_expectations_version"}
        expectations = _load_json_field(norm.get("expectations"), "expectations")
        kwargs: dict[str, Any] = {
            "expectation_suite_name": norm.get("expectation_suite_name", norm.get("name")),
            "expectations": expectations,
            "meta": meta,
            "id": norm.get("id"),
            "run_validation": norm.get("run_validation", True),
            "validation_ingestion_policy": norm.get("validation_ingestion_policy") or "ALWAYS",
        }
        if norm.get("next_expectation_id") is not None:
            kwargs["next_expectation_id"] = norm["next_expectation_id"]
        return cls(**kwargs)

    @classmethod
    def from_json(cls, text: str) -> ExpectationSuite:
        """Build a suite from a JSON string (see :meth:`from_dict`)."""
        return cls.from_dict(text)

    @classmethod
    def from_ge_type(
        cls,
        ge_expectation_suite: Any,
        run_validation: bool = True,
        validation_ingestion_policy: str = "ALWAYS",
        id: int | None = None,
        feature_store_id: int | None = None,
        feature_group_id: int | None = None,
    ) -> ExpectationSuite:
        """Build a suite from a great_expectations ``ExpectationSuite`` (0.18 or 1.x).

        GE 1.x's UUID ids are dropped (mvps ids are integers); expectation ids stored in
        ``meta["expectationId"]`` are kept. ``feature_store_id`` and ``feature_group_id``
        are accepted for Hopsworks compatibility and not used: attaching the suite to a
        feature group records where it belongs.
        """
        from mvps.validation.ge import suite_dict_from_ge

        data = suite_dict_from_ge(ge_expectation_suite)
        data.pop("id", None)
        data["run_validation"] = run_validation
        data["validation_ingestion_policy"] = validation_ingestion_policy
        data["id"] = id
        return cls.from_dict(data)

    # -- serialisation --------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The suite as a JSON-ready dict, readable by :meth:`from_dict` and by GE 0.x tools.

        Keys: ``id``, ``expectation_suite_name``, ``expectations`` (each
        :meth:`ExpectationConfiguration.to_dict`), ``meta``, ``run_validation``,
        ``validation_ingestion_policy`` and ``next_expectation_id`` (so ids are never reused
        after a round trip).
        """
        return {
            "id": self._id,
            "expectation_suite_name": self._expectation_suite_name,
            "expectations": [e.to_dict() for e in self._expectations],
            "meta": copy.deepcopy(self._meta),
            "run_validation": self._run_validation,
            "validation_ingestion_policy": self._validation_ingestion_policy,
            "next_expectation_id": self._next_id,
        }

    def to_json(self) -> str:
        """:meth:`to_dict` as a JSON string."""
        return json.dumps(self.to_dict(), default=json_default)

    def to_json_dict(self) -> dict[str, Any]:
        """Alias of :meth:`to_dict` (the GE and Hopsworks method name)."""
        return self.to_dict()

    def to_ge_dict(self) -> dict[str, Any]:
        """The suite in GE 0.x JSON format, ids in each expectation's meta."""
        return {
            "expectation_suite_name": self._expectation_suite_name,
            "expectations": [e.to_ge_dict() for e in self._expectations],
            "meta": copy.deepcopy(self._meta),
        }

    def to_ge_type(self) -> Any:
        """The equivalent great_expectations ``ExpectationSuite`` (needs GE 0.18 or 1.x)."""
        from mvps.validation.ge import suite_to_ge

        return suite_to_ge(self)

    def copy(self) -> ExpectationSuite:
        """A deep copy without the ``_on_change`` hook."""
        return ExpectationSuite.from_dict(self.to_dict())

    # -- expectations ---------------------------------------------------------------

    def _set_expectations(self, expectations: Iterable[Any]) -> None:
        if isinstance(expectations, Mapping | str) or not isinstance(expectations, Iterable):
            raise InvalidInput(f"expectations must be a list, got {type(expectations).__name__}")
        converted = [ExpectationConfiguration.coerce(e) for e in expectations]
        seen: set[int] = set()
        for exp in converted:
            if exp.id is not None:
                if exp.id in seen:
                    raise InvalidInput(
                        f"two expectations have id {exp.id}; ids must be unique within a suite"
                    )
                seen.add(exp.id)
        self._expectations = []
        self._next_id = max([self._next_id, *(i + 1 for i in seen)])
        for exp in converted:
            if exp.id is None:
                exp.id = self._take_id()
            self._expectations.append(exp)

    def _take_id(self) -> int:
        new_id = self._next_id
        self._next_id += 1
        return new_id

    def _index_of(self, expectation_id: int) -> int:
        for i, exp in enumerate(self._expectations):
            if exp.id == expectation_id:
                return i
        known = [e.id for e in self._expectations]
        raise NotFound(
            f"expectation suite {self._expectation_suite_name!r} has no expectation with id "
            f"{expectation_id}; its expectation ids are {known}"
        )

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change(self)

    def add_expectation(self, expectation: Any, ge_type: bool = False) -> Any:
        """Append an expectation and return it with its new id.

        ``expectation`` is an :class:`ExpectationConfiguration`, a GE-format dict or a GE
        expectation; it is copied. An expectation that already has an id not used in the
        suite keeps it; one whose id is taken raises :class:`InvalidInput` (use
        :meth:`replace_expectation` to change an existing expectation). With
        ``ge_type=True`` the GE object is returned.
        """
        exp = ExpectationConfiguration.coerce(expectation)
        if exp.id is not None:
            if any(e.id == exp.id for e in self._expectations):
                raise InvalidInput(
                    f"expectation id {exp.id} is already in suite "
                    f"{self._expectation_suite_name!r}; call replace_expectation() to change "
                    "it, or clear the id (expectation.id = None) to add a copy"
                )
            self._next_id = max(self._next_id, exp.id + 1)
        else:
            exp.id = self._take_id()
        self._expectations.append(exp)
        self._changed()
        return exp.to_ge_type() if ge_type else exp

    def replace_expectation(self, expectation: Any, ge_type: bool = False) -> Any:
        """Replace the expectation with the same id, keeping its position; return it.

        The id comes from ``expectation.id`` or, for GE objects, ``meta["expectationId"]``.
        Raises :class:`InvalidInput` when there is no id and :class:`NotFound` when no
        expectation in the suite has it.
        """
        exp = ExpectationConfiguration.coerce(expectation)
        if exp.id is None:
            raise InvalidInput(
                "replace_expectation needs the id of the expectation to replace: take the "
                "expectation from suite.expectations or suite.get_expectation(id), change it, "
                "and pass it back"
            )
        self._expectations[self._index_of(exp.id)] = exp
        self._changed()
        return exp.to_ge_type() if ge_type else exp

    def remove_expectation(self, expectation_id: int) -> None:
        """Remove the expectation with this id; :class:`NotFound` when there is none."""
        del self._expectations[self._index_of(expectation_id)]
        self._changed()

    def get_expectation(self, expectation_id: int, ge_type: bool = False) -> Any:
        """The expectation with this id (a GE object with ``ge_type=True``)."""
        exp = self._expectations[self._index_of(expectation_id)]
        return exp.to_ge_type() if ge_type else exp

    def __iter__(self) -> Iterator[ExpectationConfiguration]:
        return iter(self._expectations)

    def __len__(self) -> int:
        return len(self._expectations)

    # -- attributes -----------------------------------------------------------------

    @staticmethod
    def _check_meta(meta: Any) -> dict[str, Any]:
        meta = _load_json_field(meta, "meta")
        if meta is None:
            return {}
        if not isinstance(meta, Mapping):
            raise InvalidInput(f"meta must be a dict, got {type(meta).__name__}")
        return dict(meta)

    @property
    def id(self) -> int | None:
        """Id of the stored suite; None until stored."""
        return self._id

    @id.setter
    def id(self, value: int | None) -> None:
        self._id = _int_id(value)

    @property
    def expectation_suite_name(self) -> str:
        """Name of the suite."""
        return self._expectation_suite_name

    @expectation_suite_name.setter
    def expectation_suite_name(self, value: str) -> None:
        if not isinstance(value, str) or not value:
            raise InvalidInput(f"expectation_suite_name must be a non-empty string, got {value!r}")
        self._expectation_suite_name = value
        self._changed()

    @property
    def name(self) -> str:
        """GE 1.x name of :attr:`expectation_suite_name`."""
        return self._expectation_suite_name

    @property
    def expectations(self) -> list[ExpectationConfiguration]:
        """The expectations, in order. Assigning a list replaces them (ids kept or assigned)."""
        return self._expectations

    @expectations.setter
    def expectations(self, value: Sequence[Any] | None) -> None:
        self._set_expectations(value or [])
        self._changed()

    @property
    def meta(self) -> dict[str, Any]:
        """Free-form metadata of the suite."""
        return self._meta

    @meta.setter
    def meta(self, value: Mapping[str, Any] | str | None) -> None:
        self._meta = self._check_meta(value)
        self._changed()

    @property
    def run_validation(self) -> bool:
        """Whether a feature group validates inserts against this suite."""
        return self._run_validation

    @run_validation.setter
    def run_validation(self, value: bool) -> None:
        self._run_validation = bool(value)
        self._changed()

    @property
    def validation_ingestion_policy(self) -> str:
        """``"ALWAYS"`` or ``"STRICT"`` (upper case)."""
        return self._validation_ingestion_policy

    @validation_ingestion_policy.setter
    def validation_ingestion_policy(self, value: str) -> None:
        self._validation_ingestion_policy = _normalise_policy(value)
        self._changed()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ExpectationSuite):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    def __hash__(self) -> int:  # mutable: hash by identity
        return id(self)

    def __repr__(self) -> str:
        return (
            f"ExpectationSuite(id={self._id}, expectation_suite_name="
            f"{self._expectation_suite_name!r}, expectations={len(self._expectations)}, "
            f"run_validation={self._run_validation}, "
            f"validation_ingestion_policy={self._validation_ingestion_policy!r})"
        )


def as_suite(obj: Any) -> ExpectationSuite:
    """Return ``obj`` as an :class:`ExpectationSuite`.

    Accepts an ExpectationSuite (returned as is), a dict or JSON string in GE or mvps
    format, or a great_expectations ``ExpectationSuite`` (0.18 or 1.x). Anything else
    raises :class:`InvalidInput`.
    """
    if isinstance(obj, ExpectationSuite):
        return obj
    if isinstance(obj, Mapping | str):
        return ExpectationSuite.from_dict(obj)
    if _is_ge_object(obj):
        return ExpectationSuite.from_ge_type(obj)
    raise InvalidInput(
        f"cannot use a {type(obj).__name__} as an expectation suite; pass an "
        "mvps ExpectationSuite, a dict or JSON string in the Great Expectations format, "
        "or a great_expectations ExpectationSuite"
    )
