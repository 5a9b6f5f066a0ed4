"""Point-in-time joins against a pandas ``merge_asof`` oracle."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import ts, unique

DAY = pd.Timedelta(days=1)
T0 = pd.Timestamp("2024-01-01", tz="UTC")


def oracle(left: pd.DataFrame, right: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Newest right row with right.t <= left.t per key; left rows are never dropped."""
    l_ = left.sort_values("t").reset_index(drop=True)
    r_ = right.rename(columns={"t": "t_r"}).sort_values("t_r").reset_index(drop=True)
    if r_.empty:
        out = l_.copy()
        out["value"] = float("nan")
        return out
    return pd.merge_asof(l_, r_, left_on="t", right_on="t_r", by=keys, direction="backward").drop(
        columns=["t_r"]
    )


rows = st.lists(
    st.tuples(st.integers(0, 3), st.integers(0, 1), st.integers(0, 12)), min_size=0, max_size=25
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(left=rows.filter(len), right=rows, composite=st.booleans())
def test_pit_join_matches_merge_asof(fs, left, right, composite):
    keys = ["entity", "sub"] if composite else ["entity"]
    ldf = pd.DataFrame(
        {
            "obs_id": range(len(left)),
            "entity": [e for e, _, _ in left],
            "sub": [s for _, s, _ in left],
            "t": [T0 + d * DAY for _, _, d in left],  # equal times and duplicate spine rows happen
            "label": [i % 2 for i in range(len(left))],
        }
    )
    rdf = pd.DataFrame(
        {
            "entity": [e for e, _, _ in right],
            "sub": [s for _, s, _ in right],
            "t": [T0 + d * DAY for _, _, d in right],
        }
    )
    if not composite:
        rdf = rdf.drop(columns=["sub"])
    rdf = rdf.drop_duplicates(subset=[*keys, "t"]).reset_index(drop=True)
    rdf["value"] = [float(i) for i in range(len(rdf))]

    obs = fs.create_feature_group(unique("obs"), version=1, primary_key=["obs_id"], event_time="t")
    obs.insert(ldf)
    feats = fs.create_feature_group(unique("feats"), version=1, primary_key=keys, event_time="t")
    if len(rdf):
        feats.insert(rdf)
    else:  # an empty group: schema only
        from mvps.feature import Feature

        feats._features = [feats._own(Feature(k, "bigint")) for k in keys] + [
            feats._own(Feature("t", "timestamp")),
            feats._own(Feature("value", "double")),
        ]
        feats.save()

    got = obs.select(["obs_id", "entity", "sub", "t", "label"]).join(feats.select(["value"])).read()
    want = oracle(ldf, rdf, keys)
    assert len(got) == len(ldf)  # no spine row dropped or duplicated
    got = got.sort_values("obs_id").reset_index(drop=True)
    want = want.sort_values("obs_id").reset_index(drop=True)
    pd.testing.assert_series_equal(
        got["value"], want["value"], check_names=False, check_dtype=False
    )


def test_left_row_without_match_keeps_nulls(fs, loan_groups):
    fl, fa = loan_groups
    df = fl.select(["id", "loan_status"]).join(fa.select(["home"])).read().sort_values("id")
    # applicant 4's only report is dated after the loan was issued: no match
    assert df.set_index("id").loc[4, "home"] is None or pd.isna(df.set_index("id").loc[4, "home"])
    assert df.set_index("id").loc[2, "home"] == "rent"  # not the later 'own' report


def test_inner_join_drops_unmatched_rows(fs, loan_groups):
    fl, fa = loan_groups
    df = fl.select(["id"]).join(fa.select(["home"]), join_type="inner").read()
    assert sorted(df["id"]) == [1, 2, 3]


def test_leakage_newer_row_after_label_time_is_not_used(fs, loan_groups):
    fl, fa = loan_groups
    fv = fs.create_feature_view(
        "leak",
        version=1,
        query=fl.select(["loan_status"]).join(fa.select(["annual_inc"])),
        labels=["loan_status"],
    )
    x, y = fv.training_data(primary_key=True)
    before = dict(zip(x["id"], x["annual_inc"], strict=True))
    # a newer credit report for applicant 1 arrives after the loan was issued
    fa.insert(
        pd.DataFrame(
            {"id": [1], "report_d": ts("2022-06-01"), "home": ["own"], "annual_inc": [1e9]}
        )
    )
    x2, _ = fv.training_data(primary_key=True)
    after = dict(zip(x2["id"], x2["annual_inc"], strict=True))
    assert after[1] == before[1] == 100.0
    # ...but the online store serves the newest value
    assert fa.read(online=True).set_index("id").loc[1, "annual_inc"] == 1e9


def test_nested_join_takes_keys_from_joined_group(fs):
    tx = fs.create_feature_group("tx", version=1, primary_key=["tx_id"], event_time="t")
    tx.insert(
        pd.DataFrame(
            {
                "tx_id": [1, 2],
                "cc": [10, 20],
                "t": ts("2024-01-05", "2024-01-05"),
                "amount": [5.0, 6.0],
            }
        )
    )
    cards = fs.create_feature_group("cards", version=1, primary_key=["cc"], event_time="t")
    cards.insert(
        pd.DataFrame({"cc": [10, 20], "owner": [100, 200], "t": ts("2024-01-01", "2024-01-01")})
    )
    owners = fs.create_feature_group("owners", version=1, primary_key=["owner"], event_time="t")
    owners.insert(
        pd.DataFrame(
            {
                "owner": [100, 200, 100],
                "age": [30, 40, 99],
                "t": ts("2024-01-01", "2024-01-01", "2024-02-01"),
            }
        )
    )
    q = tx.select(["tx_id", "amount"]).join(cards.select(["owner"]).join(owners.select(["age"])))
    df = q.read().sort_values("tx_id")
    assert list(df["age"]) == [30, 40]  # owner 100's later age (99) is after the transaction


def test_prefix_and_automatic_prefix(fs):
    a = fs.create_feature_group("a_grp", version=1, primary_key=["id"], event_time="t")
    a.insert(pd.DataFrame({"id": [1], "t": ts("2024-01-02"), "x": [1.0]}))
    b = fs.create_feature_group("b_grp", version=1, primary_key=["id"], event_time="t")
    b.insert(pd.DataFrame({"id": [1], "t": ts("2024-01-01"), "x": [2.0]}))
    auto = a.select(["id", "x"]).join(b.select(["x"])).read()
    assert list(auto.columns) == ["id", "x", "b_grp_x"]
    named = a.select(["x"]).join(b.select(["x"]), prefix="b_").read()
    assert list(named.columns) == ["x", "b_x"] and named["b_x"][0] == 2.0


def test_filters_are_bound_parameters(fs, loan_groups):
    fl, fa = loan_groups
    q = fl.select_all().filter((fl.purpose == "debt'; DROP TABLE x; --") | (fl.loan_amnt > 100))
    assert "DROP" not in q.to_string().split("WHERE")[0]
    assert sorted(q.read()["id"]) == [1, 4]
    assert sorted(fl.select_all().filter(fl.purpose.isin(["card", "wedding"])).read()["id"]) == [
        2,
        3,
    ]
    assert sorted(fl.select_all().filter(fl.purpose.like("de%")).read()["id"]) == [1, 4]
    assert sorted(fl.select_all().filter((fl.int_rate >= 3) & (fl.int_rate < 5)).read()["id"]) == [
        3,
        4,
    ]


def test_filter_on_joined_subquery_applies_before_join(fs, loan_groups):
    fl, fa = loan_groups
    q = fl.select(["id"]).join(fa.select(["home"]).filter(fa.annual_inc < 150))
    df = q.read().set_index("id")
    assert df.loc[1, "home"] == "mortgage"
    assert pd.isna(df.loc[2, "home"])  # applicant 2's only earlier report is filtered out


def test_query_as_of_reads_old_versions(fs, loan_groups):
    fl, fa = loan_groups
    first = fa.commit_details()
    t0 = pd.Timestamp(list(first.values())[-1]["committedAt"])
    fa.insert(
        pd.DataFrame(
            {"id": [3], "report_d": ts("2021-01-01"), "home": ["rent"], "annual_inc": [1.0]}
        )
    )
    now = fl.select(["id"]).join(fa.select(["home"])).read().set_index("id")
    old = fl.select(["id"]).join(fa.select(["home"])).as_of(t0).read().set_index("id")
    assert now.loc[3, "home"] == "rent" and old.loc[3, "home"] == "mortgage"


@pytest.mark.parametrize("join_type", ["right", "full", "outer", "cross", "left_semi_join"])
def test_other_join_types_run(fs, loan_groups, join_type):
    fl, fa = loan_groups
    df = fl.select(["id"]).join(fa.select(["home"]), join_type=join_type).read()
    assert len(df) >= 1
