"""Model validation: the registered model is good enough to deploy.

Needs the pipelines to have run first (feature pipeline, then training pipeline).
"""

from __future__ import annotations

import pytest
from sklearn.metrics import roc_auc_score

from pipelines import login
from pipelines.batch_inference import load_model
from pipelines.training_pipeline import FEATURE_VIEW, charged_off

#: The model must rank loans clearly better than chance on its held-out split.
MIN_ROC_AUC = 0.65


@pytest.fixture(scope="module")
def project():
    return login()


@pytest.fixture(scope="module")
def loaded(project):
    return load_model(project.get_model_registry())


def test_model_beats_the_roc_auc_floor_on_its_test_split(project, loaded) -> None:
    fv = project.get_feature_store().get_feature_view(FEATURE_VIEW, version=1)
    _, X_test, _, y_test = fv.get_train_test_split(loaded.entry.training_dataset_version)
    probability = loaded.model.predict_proba(X_test)[:, 1]
    auc = roc_auc_score(charged_off(y_test), probability)
    assert auc >= MIN_ROC_AUC
    assert auc == pytest.approx(loaded.entry.training_metrics["roc_auc"], abs=1e-3)


def test_predictor_scores_an_applicant_from_the_online_store(project, loaded, monkeypatch) -> None:
    monkeypatch.setenv("MODEL_FILES_PATH", str(loaded.files))
    from predictor import Predict

    applicant = int(project.get_feature_store().get_feature_group("applicants", 1).show(1)["id"][0])
    loan = {
        "loan_amnt": 10_000.0,
        "term": 36,
        "int_rate": 11.0,
        "installment": 327.39,
        "purpose": "car",
        "zip_code": "22690",
    }
    [result] = Predict().predict([{"id": applicant, "passed_features": loan}])
    assert result["id"] == applicant
    assert 0.0 <= result["charged_off_probability"] <= 1.0
    assert result["decision"] == (
        "approve" if result["charged_off_probability"] < loaded.threshold else "reject"
    )
