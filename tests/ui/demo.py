"""A small but complete project for the UI tests (and the documentation screenshots).

* ``loans`` (online): synthetic LendingClub loans inserted in yearly batches, then some
  rows updated and some deleted; an expectation suite (ALWAYS) whose interest-rate
  check fails on some batches;
* ``applicants`` (online): credit reports with a STRICT suite; one bad batch is
  rejected;
* ``loan_notes`` (offline): descriptions and values full of HTML, to check escaping;
* ``loan_summary``: derived from ``loans`` and deleted again (lineage shows it deleted);
* ``loan_approval`` feature view (loans joined with applicants, label ``loan_status``,
  model-dependent transformations) with two train/test splits (the second with
  histograms in its statistics);
* model ``loan_model`` versions 1 and 2 (scikit-learn, saved with ``feature_view=``,
  with a confusion-matrix PNG) and deployment ``loanapproval`` of version 2;
* jobs (see :func:`build_jobs`): ``feature_pipeline`` (scheduled, two executions that
  finished, one with HTML in its arguments and output), ``training_pipeline`` (schedule
  paused, one execution that failed with exit code 3) and ``backfill`` (never ran).
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
import pandas as pd

XSS_DESCRIPTION = '<img src=x onerror="window.__xss=1">Loan notes <b>bold</b>'
XSS_VALUE = "<script>window.__xss=2</script>"
XSS_FEATURE_DESCRIPTION = '<a href="javascript:window.__xss=3">click</a>'

LOAN_FEATURES = [
    "id",
    "issue_d",
    "loan_amnt",
    "term",
    "int_rate",
    "grade",
    "purpose",
    "loan_status",
]
APPLICANT_FEATURES = [
    "id",
    "report_d",
    "home_ownership",
    "annual_inc",
    "dti",
    "open_acc",
    "revol_util",
]
MODEL_INPUTS = ["loan_amnt", "term", "int_rate", "purpose", "home_ownership", "annual_inc", "dti"]

#: Programs of the test jobs: ``pipelines/<name>`` under a working directory.
JOB_PROGRAMS = {
    # prints its arguments, and a warning to stderr
    "feature_pipeline.py": (
        "import sys\n"
        "print('feature pipeline, arguments:', ' '.join(sys.argv[1:]))\n"
        "print('wrote 120 rows to loans v1')\n"
        "print('warning: 3 loans without an interest rate', file=sys.stderr)\n"
    ),
    # fails with exit code 3
    "training_pipeline.py": (
        "import sys\n"
        "print('training on 0 rows')\n"
        "print('error: not enough training data', file=sys.stderr)\n"
        "sys.exit(3)\n"
    ),
    # runs until it is stopped
    "sleeper.py": "import time\nprint('sleeping', flush=True)\ntime.sleep(300)\n",
}
#: Arguments of the second run of ``feature_pipeline`` (HTML, to check escaping).
XSS_ARGS = f"--month 2017-01 --note '{XSS_VALUE}'"


@dataclass
class Demo:
    project: Any
    fs: Any
    loans: Any
    applicants: Any
    notes: Any
    fv: Any
    models: list[Any]
    deployment: Any
    td_versions: list[int]
    jobs: dict[str, Any]


def _lending(scale: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    from mvps.datasets import lending

    data = lending.generate(scale=scale, seed=11)
    loans = data.loans[LOAN_FEATURES].copy()
    applicants = data.applicants[APPLICANT_FEATURES].copy()
    return loans, applicants


def _suites() -> tuple[Any, Any]:
    from mvps.validation import ExpectationConfiguration, ExpectationSuite

    loans = ExpectationSuite("loans_quality", validation_ingestion_policy="ALWAYS")
    loans.add_expectation(
        ExpectationConfiguration("expect_column_values_to_not_be_null", {"column": "loan_amnt"})
    )
    loans.add_expectation(
        ExpectationConfiguration(
            "expect_column_values_to_be_between",
            {"column": "int_rate", "min_value": 5.0, "max_value": 24.0},
        )
    )
    loans.add_expectation(
        ExpectationConfiguration(
            "expect_column_values_to_be_in_set",
            {"column": "term", "value_set": [" 36 months", " 60 months"]},
        )
    )
    applicants = ExpectationSuite("applicants_quality", validation_ingestion_policy="STRICT")
    applicants.add_expectation(
        ExpectationConfiguration(
            "expect_column_values_to_be_between",
            {"column": "annual_inc", "min_value": 0, "max_value": 10_000_000},
        )
    )
    applicants.add_expectation(
        ExpectationConfiguration("expect_column_values_to_not_be_null", {"column": "id"})
    )
    return loans, applicants


def _confusion_png(cm: np.ndarray, labels: list[str], title: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 3.4), dpi=80)
    ax.imshow(cm, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("actual")
    ax.set_title(title)
    for i in range(cm.shape[0]):
        for j in range(cm.shape[1]):
            ax.text(j, i, str(cm[i, j]), ha="center", va="center")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def write_job_programs(workdir: Path) -> Path:
    """Write :data:`JOB_PROGRAMS` to ``workdir/pipelines``; returns ``workdir``."""
    (workdir / "pipelines").mkdir(parents=True, exist_ok=True)
    for name, source in JOB_PROGRAMS.items():
        (workdir / "pipelines" / name).write_text(source)
    return workdir


def create_job(project: Any, name: str, program: str, workdir: Path, args: str | None) -> Any:
    """Job ``name`` running ``pipelines/<program>`` in ``workdir``."""
    job_api = project.get_job_api()
    config = job_api.get_configuration("PYTHON")
    config.update(appPath=f"pipelines/{program}", workingDirectory=str(workdir), defaultArgs=args)
    with contextlib.redirect_stdout(io.StringIO()):  # "Job created successfully..."
        return job_api.create_job(name, config)


def build_jobs(project: Any, workdir: Path) -> dict[str, Any]:
    """The demo's jobs (see the module docstring), their executions ended."""
    from mvps.errors import JobFailed

    write_job_programs(workdir)
    feature = create_job(
        project, "feature_pipeline", "feature_pipeline.py", workdir, "--month 2016-12"
    )
    training = create_job(project, "training_pipeline", "training_pipeline.py", workdir, None)
    backfill = create_job(
        project, "backfill", "feature_pipeline.py", workdir, "--from 2016-01 --to 2016-06"
    )
    # job.schedule() starts the project's server to fire schedules: these tests fire none
    with mock.patch("mvps.serving.process.ensure_server"):
        feature.schedule("0 0 6 ? * *")
        training.schedule("0 30 7 ? * MON")
    training.pause_schedule()
    with contextlib.redirect_stdout(io.StringIO()):  # "Launching job..."
        runs = [
            feature.run(await_termination=False),
            feature.run(args=XSS_ARGS, await_termination=False),
            training.run(await_termination=False),
        ]
    for execution in runs:
        with contextlib.suppress(JobFailed):
            execution.await_termination(120)
    states = [e.state for e in runs]
    assert states == ["FINISHED", "FINISHED", "FAILED"], states
    return {"feature_pipeline": feature, "training_pipeline": training, "backfill": backfill}


def build_demo(project: Any, workdir: Path, scale: float = 0.004) -> Demo:
    """Fill ``project`` with the objects listed in the module docstring."""
    import joblib
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, roc_auc_score

    from mvps.builtin_transformations import label_encoder, min_max_scaler
    from mvps.errors import ValidationFailed

    fs = project.get_feature_store()
    loans_df, applicants_df = _lending(scale)
    loans_suite, applicants_suite = _suites()

    loans = fs.get_or_create_feature_group(
        "loans",
        version=1,
        description="Loans issued by the lending platform, one row per loan, with its outcome.",
        primary_key=["id"],
        event_time="issue_d",
        online_enabled=True,
        expectation_suite=loans_suite,
    )
    years = loans_df["issue_d"].dt.year
    for chunk in np.array_split(np.sort(years.unique()), 4):
        loans.insert(loans_df[years.isin(chunk)])
    changed = loans_df.head(40).copy()
    changed["int_rate"] = changed["int_rate"] + 0.5
    loans.insert(changed)
    loans.commit_delete_record(loans_df.tail(15)[["id", "issue_d"]])
    loans.update_feature_description("int_rate", "Interest rate in percent per year.")
    loans.update_feature_description("loan_status", "Outcome: Fully Paid or Charged Off.")

    applicants = fs.get_or_create_feature_group(
        "applicants",
        version=1,
        description="Credit reports of the borrowers (point in time).",
        primary_key=["id"],
        event_time="report_d",
        online_enabled=True,
        expectation_suite=applicants_suite,
    )
    half = len(applicants_df) // 2
    applicants.insert(applicants_df.iloc[:half])
    applicants.insert(applicants_df.iloc[half:])
    bad = applicants_df.head(5).copy()
    bad["annual_inc"] = -1.0
    try:
        applicants.insert(bad)
    except ValidationFailed:
        pass  # rejected by the STRICT policy: the report is stored

    notes = fs.get_or_create_feature_group(
        "loan_notes",
        version=1,
        description=XSS_DESCRIPTION,
        primary_key=["note_id"],
    )
    notes.insert(
        pd.DataFrame(
            {
                "note_id": [1, 2, 3],
                "note": [XSS_VALUE, "plain note", "<b>bold?</b>"],
                "score": [1.5, 2.5, np.nan],
            }
        )
    )
    notes.update_feature_description("note", XSS_FEATURE_DESCRIPTION)

    summary = fs.create_feature_group(
        "loan_summary", version=1, primary_key=["grade"], parents=[loans]
    )
    summary.insert(
        loans_df.groupby("grade", as_index=False)
        .agg(avg_rate=("int_rate", "mean"))
        .astype({"grade": "string"})
    )
    summary.delete()

    query = loans.select(["loan_amnt", "term", "int_rate", "purpose", "loan_status"]).join(
        applicants.select(["home_ownership", "annual_inc", "dti"]), on=["id"]
    )
    fv = fs.get_or_create_feature_view(
        "loan_approval",
        query,
        version=1,
        description="Features to approve or reject a loan application.",
        labels=["loan_status"],
        transformation_functions=[
            min_max_scaler("loan_amnt"),
            min_max_scaler("int_rate"),
            min_max_scaler("annual_inc"),
            min_max_scaler("dti"),
            label_encoder("term"),
            label_encoder("purpose"),
            label_encoder("home_ownership"),
        ],
    )
    models = []
    td_versions = []
    mr = project.get_model_registry()
    for i, (test_size, c, weight) in enumerate([(0.2, 0.05, None), (0.25, 1.0, "balanced")], 1):
        # version 2 also gets histograms (version 1 shows the quartile fallback)
        stats_cfg = {"histograms": True} if i == 2 else None
        x_tr, x_te, y_tr, y_te = fv.train_test_split(
            test_size=test_size, seed=i, statistics_config=stats_cfg
        )
        td_versions.append(fv.get_last_accessed_training_dataset())
        cols = list(x_tr.columns)
        clf = LogisticRegression(C=c, class_weight=weight, max_iter=300)
        clf.fit(x_tr[cols].fillna(0.0), y_tr["loan_status"])
        pred = clf.predict(x_te[cols].fillna(0.0))
        truth = y_te["loan_status"]
        labels = sorted(truth.unique())
        proba = clf.predict_proba(x_te[cols].fillna(0.0))[:, list(clf.classes_).index(labels[0])]
        metrics = {
            "accuracy": float(accuracy_score(truth, pred)),
            "f1": float(f1_score(truth, pred, pos_label=labels[0])),
            "roc_auc": float(roc_auc_score(truth == labels[0], proba)),
        }
        model_dir = workdir / f"loan_model_{i}"
        (model_dir / "plots").mkdir(parents=True)
        joblib.dump(clf, model_dir / "model.pkl")
        cm = confusion_matrix(truth, pred, labels=labels)
        (model_dir / "plots" / "confusion_matrix.png").write_bytes(
            _confusion_png(cm, labels, f"loan_model v{i}")
        )
        (model_dir / "README.txt").write_text("Logistic regression on the loan_approval view.\n")
        model = mr.sklearn.create_model(
            "loan_model",
            metrics=metrics,
            description=f"Logistic regression (C={c}, class_weight={weight}) predicting the loan status.",
            feature_view=fv,
            training_dataset_version=td_versions[-1],
            input_example=x_tr.head(1),
        ).save(str(model_dir))
        models.append(model)
    deployment = models[-1].deploy(name="loanapproval", description="Loan approval service")
    jobs = build_jobs(project, workdir)
    return Demo(project, fs, loans, applicants, notes, fv, models, deployment, td_versions, jobs)
