"""Data validation on insert, statistics, schema evolution and lineage of feature groups."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import mvps
from mvps.errors import InvalidInput, SchemaMismatch, ValidationFailed
from mvps.expectation_suite import ExpectationSuite
from mvps.feature import Feature
from mvps.validation import ExpectationConfiguration


@pytest.fixture
def fs(home):
    project = mvps.login(project="mlops")
    yield project.get_feature_store()
    mvps.logout()


def frame(rates: list[float], ids: list[int] | None = None) -> pd.DataFrame:
    ids = ids or list(range(1, len(rates) + 1))
    return pd.DataFrame(
        {
            "id": ids,
            "issue_d": pd.to_datetime(["2022-01-01"] * len(ids), utc=True),
            "int_rate": rates,
            "grade": ["A"] * len(ids),
        }
    )


def suite(policy: str) -> ExpectationSuite:
    return ExpectationSuite(
        expectation_suite_name="loans_suite",
        expectations=[
            ExpectationConfiguration(
                expectation_type="expect_column_values_to_be_between",
                kwargs={"column": "int_rate", "min_value": 0, "max_value": 40},
            ),
            ExpectationConfiguration(
                expectation_type="expect_column_values_to_not_be_null", kwargs={"column": "id"}
            ),
        ],
        validation_ingestion_policy=policy,
    )


def test_strict_rejects_and_writes_nothing(fs):
    fg = fs.create_feature_group(
        "loans",
        version=1,
        primary_key=["id"],
        event_time="issue_d",
        expectation_suite=suite("STRICT"),
    )
    _, report = fg.insert(frame([5.0, 6.0]))
    assert report.success and report.ingestion_result == "INGESTED"
    with pytest.raises(ValidationFailed, match="expect_column_values_to_be_between") as err:
        fg.insert(frame([7.0, 99.0], ids=[3, 4]))
    assert err.value.report.ingestion_result == "REJECTED"
    assert sorted(fg.read()["id"]) == [1, 2]  # nothing of the rejected insert was written
    assert len(fg.commit_details()) == 1
    reports = fg.get_all_validation_reports()
    assert [r.ingestion_result for r in reports] == ["REJECTED", "INGESTED"]
    latest = fg.get_latest_validation_report()
    assert latest.statistics["unsuccessful_expectations"] == 1
    assert latest.statistics["evaluated_expectations"] == 2


def test_always_ingests_and_keeps_reports_and_history(fs):
    fg = fs.create_feature_group("loans", version=1, primary_key=["id"], event_time="issue_d")
    fg.insert(frame([5.0]))
    fg.save_expectation_suite(suite("ALWAYS"), validation_ingestion_policy="always")
    _, report = fg.insert(frame([99.0], ids=[2]))
    assert not report.success and report.ingestion_result == "INGESTED"
    assert sorted(fg.read()["id"]) == [1, 2]
    exp_id = fg.get_expectation_suite().expectations[0].id
    history = fg.get_validation_history(exp_id)
    assert len(history) == 1 and history[0].success is False
    # the suite is stored: another handle sees it, and edits persist
    again = fs.get_feature_group("loans", 1)
    s = again.get_expectation_suite()
    s.add_expectation(
        ExpectationConfiguration(
            expectation_type="expect_table_row_count_to_be_between", kwargs={"min_value": 1}
        )
    )
    assert len(fs.get_feature_group("loans", 1).get_expectation_suite().expectations) == 3
    with pytest.raises(InvalidInput, match="overwrite=True"):
        again.save_expectation_suite(suite("STRICT"))
    again.delete_expectation_suite()
    _, report = again.insert(frame([500.0], ids=[3]))
    assert report is None


def test_validate_without_ingesting(fs):
    fg = fs.create_feature_group(
        "loans", version=1, primary_key=["id"], expectation_suite=suite("STRICT")
    )
    fg.insert(frame([5.0]))
    report = fg.validate(frame([-1.0]))
    assert not report.success
    assert len(fg.read()) == 1
    assert len(fg.get_all_validation_reports()) == 1  # validate() does not save by default


def test_unsupported_expectation_is_a_clear_error(fs):
    bad = ExpectationSuite(
        "s",
        [
            ExpectationConfiguration(
                expectation_type="expect_column_to_be_shiny", kwargs={"column": "id"}
            )
        ],
    )
    fg = fs.create_feature_group("loans", version=1, primary_key=["id"], expectation_suite=bad)
    with pytest.raises(InvalidInput, match="expect_column_values_to_be_between"):
        fg.insert(frame([1.0]))


def test_statistics_per_commit(fs):
    fg = fs.create_feature_group("loans", version=1, primary_key=["id"], event_time="issue_d")
    fg.insert(frame([1.0, 2.0, 3.0]))
    fg.insert(frame([10.0], ids=[4]))
    stats = fg.get_statistics()
    rate = stats.get("int_rate")
    assert rate.count == 4 and rate.max == 10.0 and rate.min == 1.0
    assert "histogram" in rate.extended_statistics
    assert stats.get("grade").extended_statistics["unique_values"] == ["A"]
    assert len(fg.get_all_statistics()) == 2
    first_commit_stats = fg.get_all_statistics()[-1]
    assert first_commit_stats.get("int_rate").count == 3
    disabled = fs.create_feature_group(
        "nostats", version=1, primary_key=["id"], statistics_config=False
    )
    disabled.insert(frame([1.0]))
    assert disabled.get_statistics() is None
    assert disabled.compute_statistics().get("int_rate").count == 1


def test_schema_evolution(fs):
    fg = fs.create_feature_group(
        "loans", version=1, primary_key=["id"], event_time="issue_d", online_enabled=True
    )
    fg.insert(frame([1.0, 2.0]))
    fg.append_features(Feature("term", type="string", default_value="36 months"))
    assert set(fg.read()["term"]) == {"36 months"}
    assert set(fg.read(online=True)["term"]) == {"36 months"}
    fg.insert(frame([3.0], ids=[3]).assign(term=["60 months"]))
    assert fg.read().set_index("id").loc[3, "term"] == "60 months"
    with pytest.raises(InvalidInput, match="version 2"):
        fg.update_features(Feature("int_rate", type="string"))
    with pytest.raises(SchemaMismatch, match="grade"):
        fg.insert(frame([4.0], ids=[9]).drop(columns=["grade"]))
    v2 = fs.create_new_version(fg, transform=lambda df: df.assign(int_rate=df["int_rate"] / 100))
    assert v2.version == 2 and len(v2.read()) == 3
    assert v2.get_parent_feature_groups().accessible[0].version == 1


def test_deprecated_group_warns(fs):
    fg = fs.create_feature_group("loans", version=1, primary_key=["id"])
    fg.insert(frame([1.0]))
    fg.update_deprecated()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fs.get_feature_group("loans", 1)
    assert any("deprecated" in str(w.message) for w in caught)


def test_lineage_with_deleted_parent(fs):
    raw = fs.create_feature_group("raw", version=1, primary_key=["id"])
    raw.insert(frame([1.0]))
    derived = fs.create_feature_group("derived", version=1, primary_key=["id"], parents=[raw])
    derived.insert(frame([1.0]))
    assert [g.name for g in derived.get_parent_feature_groups().accessible] == ["raw"]
    assert [g.name for g in raw.get_generated_feature_groups().accessible] == ["derived"]
    fv = fs.create_feature_view("v", version=1, query=derived.select_all())
    assert [v.name for v in derived.get_generated_feature_views().accessible] == ["v"]
    assert [g.name for g in fv.get_parent_feature_groups().accessible] == ["derived"]
    raw.delete()
    links = fs.get_feature_group("derived", 1).get_parent_feature_groups()
    assert links.accessible == [] and [(a.name, a.version) for a in links.deleted] == [("raw", 1)]
