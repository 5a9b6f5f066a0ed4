"""The catalog on SQLite and PostgreSQL: objects and their versions (also under
concurrent writers), append-only records, and links."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from decimal import Decimal

import numpy as np
import pytest

from mvps.catalog import Catalog
from mvps.errors import AlreadyExists, Conflict, InvalidInput, MvpsError, NotFound

from .helpers import frame, run_together


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def catalog_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'catalog.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def catalog(catalog_url) -> Iterator[Catalog]:
    cat = Catalog(catalog_url)
    yield cat
    cat.close()


# ---------------------------------------------------------------- objects


def test_create_get_list_update_delete(catalog):
    body = {"description": "first", "features": [{"name": "id", "type": "bigint"}]}
    obj = catalog.create("feature_group", "trans", 1, body)
    assert (obj.kind, obj.name, obj.version, obj.body) == ("feature_group", "trans", 1, body)
    assert obj.ref == ("feature_group", "trans", 1)

    got = catalog.get("feature_group", "trans", 1)
    assert got == obj
    assert catalog.get_by_id("feature_group", obj.id) == obj
    assert catalog.get("feature_group", "trans", 2) is None
    assert catalog.get("feature_view", "trans", 1) is None  # kinds are separate namespaces
    assert catalog.get_by_id("feature_view", obj.id) is None

    catalog.update("feature_group", "trans", 1, {**body, "description": "second"})
    updated = catalog.require("feature_group", "trans", 1)
    assert updated.body["description"] == "second"
    assert updated.updated >= updated.created == obj.created

    catalog.create("feature_group", "trans", 3, {})
    catalog.create("feature_group", "other", 1, {})
    catalog.create("model", "trans", 1, {})
    assert [(o.name, o.version) for o in catalog.list("feature_group")] == [
        ("other", 1),
        ("trans", 1),
        ("trans", 3),
    ]
    assert [o.version for o in catalog.list("feature_group", "trans")] == [1, 3]
    assert catalog.count("feature_group") == 3
    assert catalog.count("model") == 1

    assert catalog.delete("feature_group", "trans", 1) is True
    assert catalog.delete("feature_group", "trans", 1) is False
    assert catalog.get("feature_group", "trans", 1) is None
    with pytest.raises(NotFound, match=r"existing versions: \[3\]"):
        catalog.require("feature_group", "trans", 1)
    with pytest.raises(NotFound, match="none exists"):
        catalog.require("feature_group", "nothing", 1)
    with pytest.raises(NotFound, match="was it deleted"):
        catalog.update("feature_group", "trans", 1, {})


def test_compare_and_set_update(catalog):
    obj = catalog.create("job", "etl", 1, {"n": 0})
    stamp = catalog.update("job", "etl", 1, {"n": 1}, if_updated=obj.updated)
    assert stamp > obj.updated
    assert catalog.require("job", "etl", 1).body == {"n": 1}
    # a writer that read before that change loses, and nothing changes
    with pytest.raises(Conflict, match="changed by another writer"):
        catalog.update("job", "etl", 1, {"n": 99}, if_updated=obj.updated)
    fresh = catalog.require("job", "etl", 1)
    assert fresh.body == {"n": 1} and fresh.updated == stamp
    catalog.update("job", "etl", 1, {"n": 2}, if_updated=fresh.updated)
    catalog.delete("job", "etl", 1)
    with pytest.raises(NotFound):
        catalog.update("job", "etl", 1, {"n": 3}, if_updated=fresh.updated)


def test_modify_loses_no_update_under_concurrent_writers(catalog):
    catalog.create("job", "etl", 1, {"n": 0})

    def bump(body):
        body["n"] += 1
        return body

    threads = [
        threading.Thread(target=lambda: [catalog.modify("job", "etl", 1, bump) for _ in range(5)])
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert catalog.require("job", "etl", 1).body == {"n": 20}
    assert catalog.modify("job", "etl", 1, lambda body: None).body == {"n": 20}
    with pytest.raises(NotFound):
        catalog.modify("job", "missing", 1, bump)


def test_stamp_changes_with_every_write(catalog):
    kinds = ["job", "deployment"]
    seen = [catalog.stamp(kinds)]
    assert seen[0] == (0, 0.0)
    obj = catalog.create("job", "a", 1, {})
    seen.append(catalog.stamp(kinds))
    catalog.create("model", "m", 1, {})  # another kind: no change
    assert catalog.stamp(kinds) == seen[-1]
    catalog.update("job", "a", 1, {"x": 1}, if_updated=obj.updated)
    seen.append(catalog.stamp(kinds))
    catalog.create("deployment", "d", 1, {})
    seen.append(catalog.stamp(kinds))
    catalog.delete("deployment", "d", 1)
    seen.append(catalog.stamp(kinds))
    assert all(a != b for a, b in itertools.pairwise(seen))
    assert seen[-1] == seen[-3]  # the same objects as before "d" was created


def test_compare_and_set_lets_one_of_many_writers_win(catalog):
    obj = catalog.create("job", "etl", 1, {"winner": None})
    outcomes: list[str] = []

    def write(who: str) -> None:
        try:
            catalog.update("job", "etl", 1, {"winner": who}, if_updated=obj.updated)
            outcomes.append(who)
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=write, args=(f"w{i}",)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [o for o in outcomes if o != "conflict"]
    assert len(winners) == 1 and outcomes.count("conflict") == 7
    assert catalog.require("job", "etl", 1).body == {"winner": winners[0]}


def test_versions(catalog):
    assert catalog.next_version("feature_group", "trans") == 1
    assert catalog.create("feature_group", "trans", None, {}).version == 1
    assert catalog.create("feature_group", "trans", None, {}).version == 2
    assert catalog.create("feature_group", "trans", 5, {}).version == 5
    assert catalog.create("feature_group", "trans", None, {}).version == 6  # last + 1
    assert catalog.next_version("feature_group", "other") == 1
    with pytest.raises(AlreadyExists, match="version 2 exists already") as err:
        catalog.create("feature_group", "trans", 2, {"new": True})
    assert "create version 7" in str(err.value)
    assert catalog.get("feature_group", "trans", 2).body == {}
    for bad in (0, -1):
        with pytest.raises(InvalidInput, match="positive integer"):
            catalog.create("feature_group", "trans", bad, {})


def test_bodies_round_trip(catalog):
    body = {
        "text": "ünïcode ✓",
        "nested": {"list": [1, 2.5, None, True], "empty": {}},
        "numpy": np.int64(7),
        "array": np.array([1.0, 2.0]),
        "int_keys": {1: "one"},
        "decimal": Decimal("1.50"),
    }
    catalog.create("thing", "x", 1, body)
    stored = catalog.get("thing", "x", 1).body
    assert stored["text"] == "ünïcode ✓"
    assert stored["nested"] == {"list": [1, 2.5, None, True], "empty": {}}
    assert stored["numpy"] == 7 and stored["array"] == [1.0, 2.0]
    assert stored["int_keys"] == {"1": "one"}
    assert stored["decimal"] == "1.50"  # exact, as text


def test_reopening_sees_the_same_objects(catalog_url):
    first = Catalog(catalog_url)
    first.create("feature_group", "kept", 1, {"a": 1})
    first.close()
    second = Catalog(catalog_url)  # the schema exists already
    assert second.get("feature_group", "kept", 1).body == {"a": 1}
    second.close()


@pytest.mark.parametrize("url", ["mysql://u@localhost/db", "catalog.db", "postgresql://", ""])
def test_unsupported_catalog_url(url):
    with pytest.raises(InvalidInput, match="unsupported catalog URL"):
        Catalog(url)


def test_unreachable_catalog(tmp_path):
    with pytest.raises(MvpsError, match=r"cannot open the catalog at .*user:\*\*\*@") as err:
        Catalog("postgresql://user:secret@127.0.0.1:1/db")
    assert "secret" not in str(err.value)  # the password is not shown
    with pytest.raises(MvpsError, match="cannot open the catalog"):
        Catalog(f"sqlite:///{tmp_path / 'missing-dir' / 'catalog.db'}")


@pytest.mark.postgres
def test_postgres_url_spellings(postgres_url):
    rest = postgres_url.split("://", 1)[1]
    for scheme in ("postgres", "postgresql+psycopg"):
        cat = Catalog(f"{scheme}://{rest}")
        cat.create("thing", scheme.replace("+", "_"), None, {})
        cat.close()
    cat = Catalog(postgres_url)
    assert [o.name for o in cat.list("thing")] == ["postgres", "postgresql_psycopg"]
    cat.close()


# ---------------------------------------------------------------- records


def test_records(catalog):
    owner = ("feature_group", "trans", 1)
    other = ("feature_group", "trans", 2)
    made = [catalog.add_record("statistics", owner, {"n": i}, created=100.0 + i) for i in range(4)]
    catalog.add_record("validation_report", owner, {"ok": True}, created=200.0)
    catalog.add_record("statistics", other, {"n": 99}, created=300.0)
    assert made[0].owner == owner and made[0].kind == "statistics"

    assert [r.body["n"] for r in catalog.records("statistics", owner)] == [3, 2, 1, 0]
    assert [r.body["n"] for r in catalog.records("statistics", owner, newest_first=False)] == [
        0,
        1,
        2,
        3,
    ]
    assert [r.body["n"] for r in catalog.records("statistics", owner, limit=2)] == [3, 2]
    window = catalog.records("statistics", owner, since=101.0, until=103.0)
    assert [r.body["n"] for r in window] == [2, 1]  # since inclusive, until exclusive
    assert [r.id for r in catalog.records("statistics", other)] == [
        r.id for r in catalog.recent_records(["statistics"], limit=1)
    ]
    recent = catalog.recent_records(["statistics", "validation_report"], limit=3)
    assert [r.kind for r in recent] == ["statistics", "validation_report", "statistics"]

    assert catalog.delete_records("statistics", owner) == 4
    assert catalog.records("statistics", owner) == []
    assert len(catalog.records("validation_report", owner)) == 1


def test_deleting_an_object_deletes_its_records(catalog):
    obj = catalog.create("feature_group", "trans", 1, {})
    catalog.add_record("statistics", obj.ref, {"n": 1})
    catalog.delete(*obj.ref)
    assert catalog.records("statistics", obj.ref) == []
    # a new object with the same name and version starts without records
    again = catalog.create("feature_group", "trans", 1, {})
    assert catalog.records("statistics", again.ref) == []


# ---------------------------------------------------------------- links


def test_links(catalog):
    fg1 = ("feature_group", "raw", 1)
    fg2 = ("feature_group", "agg", 1)
    fv = ("feature_view", "loans", 1)
    catalog.add_link(fg1, fg2, "derived")
    catalog.add_link(fg1, fg2, "derived")  # idempotent
    catalog.add_link(fg2, fv, "source")
    catalog.add_link(fg1, fv, "source")

    assert [(lk.src, lk.dst, lk.relation) for lk in catalog.links_from(fg1)] == [
        (fg1, fg2, "derived"),
        (fg1, fv, "source"),
    ]
    assert [lk.dst for lk in catalog.links_from(fg1, "derived")] == [fg2]
    assert [lk.src for lk in catalog.links_to(fv)] == [fg2, fg1]
    assert catalog.links_to(fv, "derived") == []
    assert len(catalog.all_links()) == 3

    # links outlive the objects, so lineage can show deleted ones
    catalog.create(*fg2, {})
    catalog.delete(*fg2)
    assert [lk.dst for lk in catalog.links_from(fg1, "derived")] == [fg2]


def test_feature_group_lineage_is_recorded(efs, embedded):
    parent = efs.create_feature_group("raw", version=1, primary_key=["id"], statistics_config=False)
    parent.insert(frame([1], [1], [1.0]))
    child = efs.create_feature_group(
        "agg", version=1, primary_key=["id"], parents=[parent], statistics_config=False
    )
    child.insert(frame([1], [1], [1.0]))
    links = embedded.catalog.links_to(("feature_group", "agg", 1))
    assert [(lk.src, lk.relation) for lk in links] == [(("feature_group", "raw", 1), "derived")]


# ---------------------------------------------------------------- concurrency

CREATOR = """
    import json, sys
    from mvps.catalog import Catalog
    print("ready", flush=True)
    sys.stdin.readline()  # start together
    cat = Catalog({url!r})  # also creates the schema concurrently on a new database
    got = [cat.create("feature_group", "shared", None, {{"by": {tag!r}}}).version
           for _ in range({n})]
    print(json.dumps(got), flush=True)
"""


def test_two_processes_allocate_distinct_versions(catalog_url):
    n = 15
    outs = run_together([CREATOR.format(url=catalog_url, tag=tag, n=n) for tag in ("a", "b")])
    a, b = (json.loads(o.strip().splitlines()[-1]) for o in outs)
    assert not set(a) & set(b)
    assert sorted(a + b) == list(range(1, 2 * n + 1))
    cat = Catalog(catalog_url)
    stored = {o.version: o.body["by"] for o in cat.list("feature_group", "shared")}
    cat.close()
    assert stored == {**dict.fromkeys(a, "a"), **dict.fromkeys(b, "b")}


def test_threads_allocate_distinct_versions(catalog):
    got: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(4)

    def create() -> None:
        start.wait()
        for _ in range(5):
            v = catalog.create("feature_group", "shared", None, {}).version
            with lock:
                got.append(v)

    threads = [threading.Thread(target=create) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(got) == list(range(1, 21))


FG_CREATOR = """
    import json, sys
    import mvps, pandas as pd
    fs = mvps.login().get_feature_store()
    print("ready", flush=True)
    sys.stdin.readline()
    got = []
    for i in range(3):
        fg = fs.create_feature_group("shared", version=None, primary_key=["id"],
                                     statistics_config=False)
        fg.insert(pd.DataFrame({{"id": [i], "by": [{tag!r}]}}))
        got.append(fg.version)
    print(json.dumps(got), flush=True)
"""


@pytest.mark.parametrize(
    "backend", ["embedded", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_two_processes_create_distinct_feature_group_versions(project):
    outs = run_together([FG_CREATOR.format(tag=tag) for tag in ("a", "b")])
    a, b = (json.loads(o.strip().splitlines()[-1]) for o in outs)
    assert sorted(a + b) == list(range(1, 7))
    fs = project.get_feature_store()
    for tag, versions in (("a", a), ("b", b)):
        for i, v in enumerate(versions):
            df = fs.get_feature_group("shared", v).read()
            assert df.to_dict("list") == {"id": [i], "by": [tag]}
