"""Model validation: the registered model is good enough to deploy.

Needs the pipelines to have run first (feature pipeline, then training pipeline).
Write the bar your model must clear here.
"""

from __future__ import annotations

from sklearn.metrics import roc_auc_score

from pipelines import login
from pipelines.batch_inference import load_model
from pipelines.training_pipeline import FEATURE_VIEW, LABEL

MIN_ROC_AUC = 0.6


def test_model_beats_the_floor_on_its_test_split() -> None:
    project = login()
    loaded = load_model(project.get_model_registry())
    fv = project.get_feature_store().get_feature_view(FEATURE_VIEW, version=1)
    _, X_test, _, y_test = fv.get_train_test_split(loaded.entry.training_dataset_version)
    auc = roc_auc_score(y_test[LABEL], loaded.model.predict_proba(X_test)[:, 1])
    assert auc >= MIN_ROC_AUC
