"""Expectation suites: construction, formats, ids, edits and the change hook."""

from __future__ import annotations

import json

import pytest

from mvps.errors import InvalidInput, NotFound
from mvps.expectation_suite import ExpectationSuite as ReexportedSuite
from mvps.validation import ExpectationConfiguration, ExpectationSuite, GeExpectation, as_suite


def not_null(column: str) -> ExpectationConfiguration:
    return ExpectationConfiguration("expect_column_values_to_not_be_null", {"column": column})


def test_reexport_module_is_the_same_class() -> None:
    assert ReexportedSuite is ExpectationSuite
    assert GeExpectation is ExpectationConfiguration


def test_build_from_classes_assigns_ids() -> None:
    suite = ExpectationSuite("s", [not_null("a"), not_null("b")], meta={"owner": "me"})
    assert suite.expectation_suite_name == "s" == suite.name
    assert [e.id for e in suite.expectations] == [1, 2]
    assert suite.meta == {"owner": "me"}
    assert suite.run_validation is True
    assert suite.validation_ingestion_policy == "ALWAYS"
    assert len(suite) == 2


def test_policy_is_case_insensitive_and_checked() -> None:
    assert (
        ExpectationSuite("s", validation_ingestion_policy="strict").validation_ingestion_policy
        == "STRICT"
    )
    with pytest.raises(InvalidInput, match="'ALWAYS' or 'STRICT'"):
        ExpectationSuite("s", validation_ingestion_policy="sometimes")
    suite = ExpectationSuite("s")
    suite.validation_ingestion_policy = "Strict"
    assert suite.validation_ingestion_policy == "STRICT"


def test_name_is_required() -> None:
    with pytest.raises(InvalidInput, match="needs a name"):
        ExpectationSuite()
    with pytest.raises(InvalidInput, match="unexpected ExpectationSuite arguments"):
        ExpectationSuite("s", colour="red")


GE_0X = {
    "expectation_suite_name": "legacy",
    "data_asset_type": None,
    "ge_cloud_id": None,
    "expectations": [
        {
            "expectation_type": "expect_column_values_to_be_between",
            "kwargs": {"column": "age", "min_value": 0, "max_value": 120},
            "meta": {"notes": "humans"},
        },
        {
            "expectation_type": "expect_column_values_to_not_be_null",
            "kwargs": {"column": "id"},
            "meta": {"expectationId": 7},
        },
    ],
    "meta": {"great_expectations_version": "0.18.12"},
}

GE_1X = {
    "name": "modern",
    "id": "0b6a6f0a-2c5e-4b7e-9bb4-3ad4f9a8c0de",
    "expectations": [
        {
            "type": "expect_column_values_to_be_unique",
            "kwargs": {"column": "id"},
            "meta": {},
            "severity": "critical",
            "id": "6f1f5a1e-8a5a-4b1a-9a4c-0d5d1f2e3a4b",
        }
    ],
    "meta": {"great_expectations_version": "1.24.1"},
    "notes": None,
}


def test_build_from_ge_0x_dict() -> None:
    suite = ExpectationSuite.from_dict(GE_0X)
    assert suite.expectation_suite_name == "legacy"
    first, second = suite.expectations
    assert first.expectation_type == "expect_column_values_to_be_between"
    assert first.kwargs == {"column": "age", "min_value": 0, "max_value": 120}
    assert first.meta == {"notes": "humans"}
    # An id in meta (Hopsworks style) is kept; new ids never collide with it.
    assert second.id == 7 and second.meta == {}
    assert first.id == 8
    assert suite.meta == {}


def test_build_from_ge_1x_dict_and_json() -> None:
    suite = ExpectationSuite.from_dict(json.dumps(GE_1X))
    assert suite.expectation_suite_name == "modern"
    assert suite.id is None  # GE UUIDs are not mvps ids
    (exp,) = suite.expectations
    assert exp.expectation_type == "expect_column_values_to_be_unique"
    assert exp.id == 1
    assert as_suite(json.dumps(GE_1X)).name == "modern"


def test_hopsworks_camel_case_and_json_string_fields() -> None:
    suite = ExpectationSuite.from_dict(
        {
            "expectationSuiteName": "hw",
            "runValidation": False,
            "validationIngestionPolicy": "strict",
            "meta": json.dumps({"k": 1}),
            "expectations": [
                {
                    "id": 12,
                    "expectationType": "expect_column_values_to_not_be_null",
                    "kwargs": json.dumps({"column": "a"}),
                    "meta": "{}",
                }
            ],
        }
    )
    assert suite.run_validation is False
    assert suite.validation_ingestion_policy == "STRICT"
    assert suite.meta == {"k": 1}
    assert suite.get_expectation(12).kwargs == {"column": "a"}


def test_round_trip_to_dict_and_json() -> None:
    suite = ExpectationSuite(
        "s",
        [not_null("a"), not_null("b")],
        meta={"m": [1, 2]},
        run_validation=False,
        validation_ingestion_policy="STRICT",
        id=3,
    )
    suite.remove_expectation(2)
    again = ExpectationSuite.from_json(suite.to_json())
    assert again == suite
    assert again.to_dict() == suite.to_dict()
    # Removed ids are not reused after a round trip.
    assert again.add_expectation(not_null("c")).id == 3


def test_to_ge_dict_carries_ids_in_meta() -> None:
    suite = ExpectationSuite("s", [not_null("a")])
    assert suite.to_ge_dict() == {
        "expectation_suite_name": "s",
        "expectations": [
            {
                "expectation_type": "expect_column_values_to_not_be_null",
                "kwargs": {"column": "a"},
                "meta": {"expectationId": 1},
            }
        ],
        "meta": {},
    }
    assert ExpectationSuite.from_dict(suite.to_ge_dict()).expectations[0].id == 1


def test_add_replace_remove_get() -> None:
    suite = ExpectationSuite("s")
    added = suite.add_expectation(not_null("a"))
    assert added.id == 1
    second = suite.add_expectation(
        {"expectation_type": "expect_column_values_to_be_unique", "kwargs": {"column": "b"}}
    )
    assert second.id == 2
    assert suite.get_expectation(2).kwargs == {"column": "b"}

    changed = suite.get_expectation(1).copy()
    changed.kwargs = {"column": "a", "mostly": 0.9}
    suite.replace_expectation(changed)
    assert suite.get_expectation(1).kwargs["mostly"] == 0.9
    assert [e.id for e in suite.expectations] == [1, 2]  # position kept

    suite.remove_expectation(1)
    assert [e.id for e in suite.expectations] == [2]
    assert suite.add_expectation(not_null("c")).id == 3  # ids are never reused
    with pytest.raises(NotFound, match="no expectation with id 1"):
        suite.get_expectation(1)
    with pytest.raises(NotFound):
        suite.remove_expectation(1)


def test_add_copies_and_rejects_taken_ids() -> None:
    suite = ExpectationSuite("s")
    exp = not_null("a")
    stored = suite.add_expectation(exp)
    assert stored is not exp and exp.id is None
    with pytest.raises(InvalidInput, match="replace_expectation"):
        suite.add_expectation(stored)
    foreign = not_null("b")
    foreign.id = 40
    assert suite.add_expectation(foreign).id == 40
    assert suite.add_expectation(not_null("c")).id == 41


def test_replace_needs_a_known_id() -> None:
    suite = ExpectationSuite("s", [not_null("a")])
    with pytest.raises(InvalidInput, match="needs the id"):
        suite.replace_expectation(not_null("a"))
    unknown = not_null("a")
    unknown.id = 99
    with pytest.raises(NotFound, match=r"ids are \[1\]"):
        suite.replace_expectation(unknown)


def test_duplicate_ids_are_rejected() -> None:
    with pytest.raises(InvalidInput, match="two expectations have id 5"):
        ExpectationSuite(
            "s",
            [
                {"expectation_type": "expect_column_to_exist", "kwargs": {"column": "a"}, "id": 5},
                {"expectation_type": "expect_column_to_exist", "kwargs": {"column": "b"}, "id": 5},
            ],
        )


def test_on_change_hook_fires_after_each_change() -> None:
    suite = ExpectationSuite("s")
    seen: list[int] = []
    suite._on_change = lambda s: seen.append(len(s.expectations))
    suite.add_expectation(not_null("a"))
    suite.add_expectation(not_null("b"))
    replacement = suite.get_expectation(1).copy()
    suite.replace_expectation(replacement)
    suite.remove_expectation(2)
    suite.validation_ingestion_policy = "STRICT"
    suite.run_validation = False
    suite.meta = {"x": 1}
    assert seen == [1, 2, 2, 1, 1, 1, 1]
    suite._on_change = None
    suite.add_expectation(not_null("c"))
    assert seen == [1, 2, 2, 1, 1, 1, 1]


def test_on_change_is_not_copied() -> None:
    suite = ExpectationSuite("s")
    suite._on_change = lambda s: None
    assert suite.copy()._on_change is None


def test_invalid_expectations() -> None:
    with pytest.raises(InvalidInput, match="non-empty string"):
        ExpectationConfiguration("", {})
    with pytest.raises(InvalidInput, match="no 'expectation_type'"):
        ExpectationConfiguration.from_dict({"kwargs": {}})
    with pytest.raises(InvalidInput, match="cannot use a int as an expectation"):
        ExpectationSuite("s", [3])
    with pytest.raises(InvalidInput, match="expectations must be a list"):
        ExpectationSuite("s", {"expectation_type": "x"})  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="cannot use a list as an expectation suite"):
        as_suite([1])


def test_expectation_configuration_accessors() -> None:
    exp = ExpectationConfiguration.from_dict(
        {"type": "expect_column_values_to_be_in_set", "kwargs": {"column": "c", "value_set": [1]}}
    )
    assert exp.type == exp.expectation_type == "expect_column_values_to_be_in_set"
    assert exp.column == "c"
    assert exp.to_dict() == {
        "id": None,
        "expectation_type": "expect_column_values_to_be_in_set",
        "kwargs": {"column": "c", "value_set": [1]},
        "meta": {},
    }
    assert ExpectationConfiguration.from_dict(exp.to_json()) == exp
    copy = exp.copy()
    copy.kwargs["value_set"].append(2)
    assert exp.kwargs["value_set"] == [1]


def test_ge_1x_keyword_spelling() -> None:
    exp = ExpectationConfiguration(type="expect_column_to_exist", kwargs={"column": "a"})
    assert exp.expectation_type == "expect_column_to_exist"


def test_to_json_stores_datetimes_as_iso_strings() -> None:
    import datetime as dt

    suite = ExpectationSuite(
        "s",
        [
            ExpectationConfiguration(
                "expect_column_values_to_be_between",
                {
                    "column": "t",
                    "min_value": dt.datetime(2024, 1, 1),
                    "max_value": dt.date(2025, 1, 1),
                },
            ),
            ExpectationConfiguration(
                "expect_column_values_to_be_in_set", {"column": "c", "value_set": ("a",)}
            ),
        ],
    )
    again = ExpectationSuite.from_json(suite.to_json())
    assert again.get_expectation(1).kwargs["min_value"] == "2024-01-01T00:00:00"
    assert again.get_expectation(1).kwargs["max_value"] == "2025-01-01"
    assert again.get_expectation(2).kwargs["value_set"] == ["a"]
