"""Provenance: models created from a feature view link to it and its training data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mvps.errors import NotFound
from mvps.lineage import Links


def test_feature_view_and_training_dataset_are_recorded(
    project: Any, feature_view: Any, model_dir: Path
) -> None:
    fv = feature_view
    mr = project.get_model_registry()
    m = mr.sklearn.create_model("points_model", feature_view=fv).save(model_dir)
    assert m.training_dataset_version == 1  # the one train_test_split returned
    assert m.feature_view == {"name": "points_view", "version": 1}
    got = mr.get_model("points_model", 1)
    assert got.training_dataset_version == 1 and got.feature_view == m.feature_view
    # schema derived from the feature view: features in, label out
    assert got.model_schema == {
        "input_schema": {
            "columnar_schema": [{"name": "id", "type": "bigint"}, {"name": "x", "type": "double"}]
        },
        "output_schema": {"columnar_schema": [{"name": "y", "type": "bigint"}]},
    }
    links = {(lk.src, lk.dst, lk.relation) for lk in project.catalog.links_to(m._ref)}
    assert links == {
        (("feature_view", "points_view", 1), ("model", "points_model", 1), "model"),
        (("training_dataset", "points_view_1", 1), ("model", "points_model", 1), "model"),
    }
    assert [x.version for x in fv.get_models()] == [1]
    assert fv.get_newest_model().name == "points_model"

    prov = m.get_feature_view_provenance()
    assert isinstance(prov, Links)
    assert [(x.name, x.version) for x in prov.accessible] == [("points_view", 1)]
    td = m.get_training_dataset_provenance()
    assert [x.version for x in td.accessible] == [1]


def test_explicit_training_dataset_version_and_newest_model(
    project: Any, feature_view: Any, model_dir: Path
) -> None:
    fv = feature_view
    fv.train_test_split(0.5, seed=2)  # td version 2
    mr = project.get_model_registry()
    old = mr.sklearn.create_model("pm", feature_view=fv, training_dataset_version=1).save(model_dir)
    new = mr.sklearn.create_model("pm", feature_view=fv).save(model_dir)
    assert (old.training_dataset_version, new.training_dataset_version) == (1, 2)
    assert [x.version for x in fv.get_models(training_dataset_version=1)] == [1]
    assert fv.get_newest_model().version == 2


def test_get_feature_view_initialises_it(project: Any, feature_view: Any, model_dir: Path) -> None:
    m = project.get_model_registry().sklearn.create_model("init", feature_view=feature_view)
    m.save(model_dir)
    fv = m.get_feature_view()  # batch scoring
    assert (fv.name, fv.version) == ("points_view", 1)
    assert len(fv.get_batch_data()) == 40
    online = m.get_feature_view(online=True)
    assert online.get_feature_vector({"id": 3})[0] == 3
    plain = project.get_model_registry().python.create_model("plain").save(model_dir)
    assert plain.get_feature_view() is None
    assert plain.get_feature_view_provenance().is_empty()


def test_deleted_feature_view_shows_as_deleted(
    project: Any, feature_view: Any, model_dir: Path
) -> None:
    m = project.get_model_registry().sklearn.create_model("orphan", feature_view=feature_view)
    m.save(model_dir)
    feature_view.delete()
    prov = m.get_feature_view_provenance()
    assert prov.accessible == []
    assert [(d.name, d.version, d.type) for d in prov.deleted] == [
        ("points_view", 1, "feature_view")
    ]
    with pytest.raises(NotFound, match=r"points_view' version 1 .* has been deleted"):
        m.get_feature_view()


def test_feature_view_without_training_data_warns(project: Any, model_dir: Path) -> None:
    fs = project.get_feature_store()
    import pandas as pd

    fg = fs.get_or_create_feature_group("t", 1, primary_key=["id"], online_enabled=True)
    fg.insert(pd.DataFrame({"id": [1, 2], "v": [0.1, 0.2]}))
    fv = fs.get_or_create_feature_view("tv", fg.select_all(), 1)
    with pytest.warns(UserWarning, match="no training dataset version"):
        m = project.get_model_registry().python.create_model("nt", feature_view=fv).save(model_dir)
    assert m.training_dataset_version is None
    assert [x.name for x in fv.get_models()] == ["nt"]
