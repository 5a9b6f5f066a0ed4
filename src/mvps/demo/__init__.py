"""``mvps demo``: the loan-approval MVPS end to end, on the embedded default.

The demo creates the ``loan-approval`` template in a working directory and runs the
template's own pipeline modules (imported from that directory), so what it shows is
exactly what ``mvps init --example loan-approval`` gives a user:

1. synthetic LendingClub source files (``scale=1.0``: about 396,000 loans);
2. the feature pipeline: a backfill commit up to mid-2016 into the ``loans`` and
   ``applicants`` feature groups (both validated by expectation suites);
3. the feature pipeline again, one incremental commit per month for the last months;
4. the training pipeline: feature view, split, scikit-learn pipeline, ROC AUC,
   confusion matrix, model registry, and the leaky naive-join model for comparison;
5. batch inference for the last month into ``loan_predictions``;
6. a deployment of the model with the template's predictor, and one prediction over HTTP;
7. the stakeholder app (Gradio), until Ctrl-C (skipped with ``ui=False``).

:func:`run_demo` does it and returns a :class:`DemoResult`.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import shutil
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

from mvps.errors import AlreadyExists, InvalidInput

__all__ = ["BACKFILL_UNTIL", "DEFAULT_DIR", "DemoResult", "run_demo"]

#: Where ``mvps demo`` builds the project unless told otherwise (relative to the cwd).
DEFAULT_DIR = "mvps-demo"
#: The backfill covers the months up to this one; later months are incremental runs.
BACKFILL_UNTIL = "2016-06"
#: The demo's project name (``--project`` chooses another).
DEFAULT_PROJECT = "loan_approval"
#: The name of the demo's deployment.
DEPLOYMENT = "loanapproval"
# Written into the demo directory so that a later run knows it may replace it.
_MARKER = ".mvps-demo"
_TEMPLATE_MODULES = ("features", "pipelines", "predictor", "app")
_STEPS = 7


@dataclass
class DemoResult:
    """What the demo built and measured."""

    directory: Path
    project_path: Path | None = None
    loans: int = 0
    credit_reports: int = 0
    months: list[str] = field(default_factory=list)
    training: dict[str, Any] = field(default_factory=dict)
    predictions: dict[str, int] = field(default_factory=dict)
    deployment_url: str | None = None
    prediction: Any = None
    app_url: str | None = None
    web_ui_url: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)

    @property
    def total_seconds(self) -> float:
        """Wall time from the start of the demo until now."""
        return time.perf_counter() - self.started


class _Progress:
    """Numbered step lines with timings."""

    def __init__(self, out: Callable[[str], None], result: DemoResult) -> None:
        self.out = out
        self.result = result
        self.n = 0

    @contextlib.contextmanager
    def step(self, title: str) -> Iterator[None]:
        self.n += 1
        self.out(f"[{self.n}/{_STEPS}] {title}")
        start = time.perf_counter()
        yield
        took = time.perf_counter() - start
        self.result.seconds[title] = took
        self.out(f"      done in {took:.1f}s")

    def detail(self, text: str) -> None:
        self.out(f"      {text}")


# ------------------------------------------------------------------------- preparation


def _prepare_directory(
    directory: Path, out: Callable[[str], None], check_only: bool = False
) -> None:
    """An empty directory for the demo; a previous demo's directory is replaced.

    With ``check_only`` nothing changes; a directory that cannot be used raises.
    """
    if directory.exists() and not directory.is_dir():
        raise InvalidInput(f"{directory} is a file; pass --dir with a directory for the demo")
    if directory.is_dir() and any(directory.iterdir()):
        if not (directory / _MARKER).exists():
            raise AlreadyExists(
                f"{directory} is not empty and was not created by mvps demo; pass "
                "--dir with a new directory (the demo replaces only its own directories)"
            )
        if check_only:
            return
        _stop_previous_server(directory, out)
        out(f"replacing the previous demo in {directory}")
        shutil.rmtree(directory)
    if not check_only:
        directory.mkdir(parents=True, exist_ok=True)


def _stop_previous_server(directory: Path, out: Callable[[str], None]) -> None:
    """A model server left running by a previous demo in ``directory`` is stopped."""
    from mvps.serving import process

    for info_file in directory.glob(".mvps/*/serving/server.json"):
        previous = SimpleNamespace(path=info_file.parent.parent)  # all the helpers need
        if process.server_info(previous) is not None:
            out(f"stopping the model server of the previous demo ({previous.path})")
            process.stop_server(previous)


def _project_location(directory: Path, home: str | None, project: str | None) -> Path:
    """Where the demo's project goes: ``<home>/<project>`` (default
    ``<directory>/.mvps/loan_approval``); outside ``directory`` it must not exist yet."""
    from mvps.frames import check_identifier

    name = check_identifier((project or DEFAULT_PROJECT).lower(), "project name")
    base = Path(home).expanduser().resolve() if home else directory / ".mvps"
    path = base / name
    if not path.is_relative_to(directory) and path.is_dir() and any(path.iterdir()):
        raise AlreadyExists(
            f"project {name!r} at {path} has data already; the demo builds a fresh project: "
            "pass --project with another name, or remove that directory"
        )
    return path


def _point_login_at(project_path: Path, config: str | None, directory: Path) -> None:
    """Make ``login()`` open the demo's project, here and in the processes the demo
    starts (the model server inherits the environment)."""
    os.environ["MVPS_HOME"] = str(project_path.parent)
    os.environ["MVPS_PROJECT"] = project_path.name
    os.environ["MVPS_CONFIG"] = (
        str(Path(config).resolve()) if config else str(directory / "mvps.toml")
    )


def _import_template(directory: Path) -> dict[str, ModuleType]:
    """Import the template's pipeline modules from ``directory`` (not from any earlier one)."""
    for name in list(sys.modules):
        if name.split(".")[0] in _TEMPLATE_MODULES:
            del sys.modules[name]
    path = str(directory)
    if path in sys.path:
        sys.path.remove(path)
    sys.path.insert(0, path)
    importlib.invalidate_caches()
    return {
        "features": importlib.import_module("pipelines.feature_pipeline"),
        "training": importlib.import_module("pipelines.training_pipeline"),
        "batch": importlib.import_module("pipelines.batch_inference"),
        "loans": importlib.import_module("features.loans"),
    }


def _check_dependencies(ui: bool) -> None:
    """Fail fast, naming the ``pip install`` to run, when an extra the demo needs is
    missing (found without importing anything)."""
    import importlib.util

    from mvps._deps import require

    needed = ["sklearn", "joblib", "matplotlib", "fastapi", "uvicorn", "httpx"]
    for module in [*needed, "gradio"] if ui else needed:
        if importlib.util.find_spec(module) is None:
            require(module)  # raises MissingDependency with the install command


def free_port(host: str, preferred: int) -> int:
    """``preferred`` when it is free on ``host``, else any free port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, preferred))
            return preferred
        except OSError:
            pass
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


# ------------------------------------------------------------------------- the demo


def run_demo(
    directory: str | os.PathLike[str] = DEFAULT_DIR,
    scale: float = 1.0,
    seed: int = 42,
    ui: bool = True,
    host: str = "127.0.0.1",
    port: int | None = None,
    home: str | None = None,
    project: str | None = None,
    config: str | None = None,
    out: Callable[[str], None] = print,
) -> DemoResult:
    """Run the loan-approval MVPS end to end (see the module docstring).

    With ``ui=True`` the stakeholder app is served on ``host:port`` (default 7860, or
    a free port) and this call blocks until Ctrl-C; the deployment and the model
    server it started are stopped before it returns. With ``ui=False`` they are
    stopped right after the test prediction. SIGTERM is treated like Ctrl-C, so a
    terminated demo also stops what it started.
    """
    with _interrupt_on_sigterm():
        return _run(directory, scale, seed, ui, host, port, home, project, config, out)


def _run(
    directory: str | os.PathLike[str],
    scale: float,
    seed: int,
    ui: bool,
    host: str,
    port: int | None,
    home: str | None,
    project: str | None,
    config: str | None,
    out: Callable[[str], None],
) -> DemoResult:
    import mvps
    from mvps.template import create

    _check_dependencies(ui)
    if not scale > 0:
        raise InvalidInput(f"scale must be positive (1.0 = about 396,000 loans), got {scale}")
    if port is not None and free_port(host, port) != port:
        raise InvalidInput(f"port {port} on {host} is in use; pass another --port")
    target = Path(directory).expanduser().resolve()
    result = DemoResult(directory=target)
    progress = _Progress(out, result)
    out(f"mvps demo: the loan-approval MVPS at scale {scale:g}, in {target}")

    _prepare_directory(target, out, check_only=True)
    if config is not None and not Path(config).is_file():
        raise InvalidInput(f"config file {config} does not exist")
    project_path = _project_location(target, home, project)
    _prepare_directory(target, out)
    create(target, example="loan-approval", force=True, name=project_path.name)
    (target / _MARKER).write_text(
        "Created by `mvps demo`; running it again replaces this directory.\n"
    )
    _point_login_at(project_path, config, target)
    result.project_path = project_path
    modules = _import_template(target)
    fp, tp, bi = modules["features"], modules["training"], modules["batch"]
    data_dir = target / "data"

    mvps.logout()
    proj = mvps.login()
    fs = proj.get_feature_store()
    out(f"project {proj.name!r} at {proj.path}")

    with progress.step("data sources: synthetic LendingClub loans and credit reports"):
        files = fp.generate(scale=scale, seed=seed, data_dir=data_dir)
        progress.detail(f"{len(files)} monthly files in {data_dir}")

    with progress.step(f"feature pipeline: backfill up to {BACKFILL_UNTIL} (one commit)"):
        rows = fp.backfill(fs, until=BACKFILL_UNTIL, data_dir=data_dir)
        result.loans += rows["loans"]
        result.credit_reports += rows["applicants"]
        progress.detail(
            f"{rows['loans']:,} loans, {rows['applicants']:,} credit reports, validated "
            "by the expectation suites"
        )

    last = fp.source_months("loans", data_dir)[-1]
    months = [m for m in fp.source_months("loans", data_dir) if BACKFILL_UNTIL < m <= last]
    result.months = months
    with progress.step(f"feature pipeline: {len(months)} monthly incremental commits"):
        for month in months:
            start = time.perf_counter()
            rows = fp.run_month(fs, month, data_dir=data_dir)
            result.loans += rows["loans"]
            result.credit_reports += rows["applicants"]
            progress.detail(
                f"{month}: {rows['loans']:,} loans, {rows['applicants']:,} credit reports "
                f"({time.perf_counter() - start:.1f}s)"
            )

    with progress.step("training pipeline: feature view, split, model, model registry"):
        training = tp.run(proj, model_dir=target / "model")
        result.training = training
        progress.detail(
            f"{training['train_rows']:,} training and {training['test_rows']:,} test loans"
        )
        progress.detail(f"ROC AUC, point-in-time join (honest):        {training['roc_auc']:.3f}")
        progress.detail(
            f"ROC AUC, naive latest join (leaks the future): {training['roc_auc_naive_join']:.3f}"
        )
        progress.detail(
            f"approving below {training['threshold']:.0%} risk: "
            f"{training['approval_rate']:.1%} approved, charge-off rate "
            f"{training['charge_off_rate_approved']:.1%} of approved vs "
            f"{training['charge_off_rate_all']:.1%} of all loans"
        )
        progress.detail(
            f"model {tp.MODEL_NAME} version {training['model_version']} registered "
            "(confusion_matrix.png saved with it)"
        )

    with progress.step(f"batch inference: loans issued in {last}"):
        start_time, end_time = bi.month_range(last)
        predictions = bi.run(proj, start_time=start_time, end_time=end_time)
        counts = {str(k): int(v) for k, v in predictions["decision"].value_counts().items()}
        result.predictions = counts
        progress.detail(f"{len(predictions):,} predictions in loan_predictions: {counts}")

    from mvps.serving import process

    server_was_running = process.server_info(proj) is not None
    deployment = None
    app = None
    try:
        with progress.step("online inference: deploy the model, one prediction over HTTP"):
            model = proj.get_model_registry().get_model(tp.MODEL_NAME, training["model_version"])
            deployment = model.deploy(name=DEPLOYMENT, script_file=str(target / "predictor.py"))
            deployment.start()
            result.deployment_url = deployment.get_url()
            instance = _example_instance(fs, predictions, modules["loans"])
            response = deployment.predict(inputs=[instance])
            result.prediction = response["predictions"][0]
            progress.detail(f"POST {result.deployment_url}")
            progress.detail(f"  {{'instances': [{instance}]}}")
            progress.detail(f"  -> {result.prediction}")
        info = process.server_info(proj)
        if info is not None:
            result.web_ui_url = f"{info['url']}/"

        if not ui:
            result.seconds["stakeholder app"] = 0.0
            _summary(out, result, proj, running=False)
            return result

        with progress.step("stakeholder app (Gradio)"):
            app_module = importlib.import_module("app")
            app = app_module.build_app(app_module.LoanApprover(proj))
            app_port = port if port is not None else free_port(host, 7860)
            result.app_url = app_module.launch(app, host=host, port=app_port, block=False)
        _summary(out, result, proj, running=True)
        out("press Ctrl-C to stop")
        with contextlib.suppress(KeyboardInterrupt):
            app.block_thread()
        out("stopping the app, the deployment and the model server")
        return result
    finally:
        with _signals_ignored():  # a second Ctrl-C must not leave the model server behind
            if app is not None:
                with contextlib.suppress(Exception):
                    app.close()
            if deployment is not None:
                with contextlib.suppress(Exception):
                    deployment.stop(await_stopped=30)
            if not server_was_running:
                process.stop_server(proj)


@contextlib.contextmanager
def _interrupt_on_sigterm() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C, so that ``kill`` also stops what the demo started."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def _signals_ignored() -> Iterator[None]:
    """Ignore Ctrl-C and SIGTERM while the demo stops what it started (a few seconds)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _example_instance(fs: Any, predictions: Any, loans: ModuleType) -> dict[str, Any]:
    """A request for the first scored loan: its applicant id and the loan's features."""
    applicant = int(predictions["id"].iloc[0])
    fv = fs.get_feature_view("loans_approvals", version=1)
    row = fv.get_feature_vector({"id": applicant}, return_type="pandas").iloc[0]
    term = int(row["term"])
    amount, rate = float(row["loan_amnt"]), float(row["int_rate"])
    return {
        "id": applicant,
        "passed_features": {
            "loan_amnt": amount,
            "term": term,
            "int_rate": rate,
            "installment": loans.installment(amount, rate, term),
            "purpose": str(row["purpose"]),
            "zip_code": str(row["zip_code"]),
        },
    }


def _summary(out: Callable[[str], None], result: DemoResult, proj: Any, running: bool) -> None:
    fs = proj.get_feature_store()
    commits = {fg.name: len(fg.commit_details()) for fg in fs.get_feature_groups()}
    t = result.training
    out("")
    out(f"the loan-approval MVPS is built ({result.total_seconds:.0f}s):")
    out(f"  project           {proj.path}")
    out(f"  template          {result.directory}  (its pipelines ran; see README.md)")
    out(
        "  feature groups    "
        + ", ".join(f"{name} ({n} commits)" for name, n in sorted(commits.items()))
    )
    out("  feature view      loans_approvals v1")
    out(
        f"  model             lending_model v{t['model_version']}: ROC AUC {t['roc_auc']:.3f} "
        f"(point-in-time) vs {t['roc_auc_naive_join']:.3f} (leaky naive join)"
    )
    out(f"  deployment        {DEPLOYMENT}: {result.deployment_url}")
    if running:
        out(f"  stakeholder app   {result.app_url}")
        if result.web_ui_url:
            out(f"  mvps web UI       {result.web_ui_url}")
    else:
        out("  the deployment was stopped (--no-ui); look at everything with:")
        out(f"    cd {result.directory} && mvps ui        # web UI on http://127.0.0.1:8765/")
        out(f"    cd {result.directory} && python app.py  # the stakeholder app")
    out(f"  rerun a step      cd {result.directory} && python -m pipelines.training_pipeline")
