"""The stakeholder app: approve or reject a loan application (step 5, the online half).

A loan officer enters the applicant's id and the loan they ask for. The app looks up
the applicant's latest credit report in the online feature store, computes the loan
features with the same functions the feature pipeline uses, and asks the registered
model for the probability that the loan would be charged off.

    python app.py                 # http://127.0.0.1:7860
    python app.py --port 8000
"""

from __future__ import annotations

import argparse
import inspect
import math
import os
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from mvps.errors import InvalidInput, NotFound

from features import loans
from pipelines import login
from pipelines.batch_inference import load_model
from pipelines.training_pipeline import FEATURE_VIEW

TITLE = "Loan approval"
METRIC_NAMES = {
    "roc_auc": "ROC AUC (test split)",
    "roc_auc_naive_join": "ROC AUC with a leaky naive join (not achievable)",
    "threshold": "Reject at or above this probability of charge-off",
    "approval_rate": "Share of test loans approved",
    "charge_off_rate_approved": "Charge-off rate of approved loans",
    "charge_off_rate_all": "Charge-off rate of all loans",
}


class LoanApprover:
    """The model, the feature view and the decision logic, without any UI."""

    def __init__(self, project: Any = None) -> None:
        project = project or login()
        self.fs = project.get_feature_store()
        self.loaded = load_model(project.get_model_registry())
        self.feature_view = self.fs.get_feature_view(FEATURE_VIEW, version=1)
        self.feature_view.init_serving(self.loaded.entry.training_dataset_version)

    @property
    def metrics(self) -> dict[str, Any]:
        return dict(self.loaded.entry.training_metrics)

    @property
    def confusion_matrix(self) -> str:
        return str(self.loaded.files / "confusion_matrix.png")

    def approve_loan(
        self,
        id: Any,
        term: Any,
        purpose: Any,
        zip_code: Any,
        loan_amnt: Any,
        int_rate: Any,
    ) -> tuple[str, float | None, str]:
        """Returns (decision, probability of charge-off, explanation). Bad input gives
        an empty decision and a message saying what to fix."""
        problem = check_application(id, term, purpose, zip_code, loan_amnt, int_rate)
        if problem:
            return "", None, problem
        applicant = int(id)
        term_months = loans.term_months(term)
        passed = {
            "term": term_months,
            "purpose": purpose,
            "zip_code": str(zip_code).strip(),
            "loan_amnt": float(loan_amnt),
            "int_rate": float(int_rate),
            "installment": loans.installment(float(loan_amnt), float(int_rate), term_months),
        }
        try:
            vector = self.feature_view.get_feature_vector(
                {"id": applicant}, passed_features=passed, return_type="pandas"
            )
        except NotFound:
            return (
                "",
                None,
                (
                    f"No credit report for applicant id {applicant} in the online feature store. "
                    "Check the id, or try one of the examples below."
                ),
            )
        except InvalidInput as exc:
            return "", None, f"The application could not be scored: {exc}"
        vector = vector.fillna(np.nan)  # online values missing as None; the model knows NaN
        probability = round(float(self.loaded.model.predict_proba(vector)[0, 1]), 4)
        approved = probability < self.loaded.threshold
        decision = "Approve" if approved else "Reject"
        explanation = (
            f"**{decision}**: the model estimates a {probability:.1%} probability that this "
            f"loan would be charged off; loans are approved below "
            f"{self.loaded.threshold:.0%}. Monthly payment: ${passed['installment']:,.2f}."
        )
        return decision, probability, explanation

    def examples(self, n: int = 4) -> list[list[Any]]:
        """Loans from the latest batch predictions (approved and rejected) to try out."""
        try:
            scored = self.fs.get_feature_group("loan_predictions", version=1).read()
        except NotFound:
            return []
        picks = pd.concat(
            [group.head(n // 2) for _, group in scored.sort_values("id").groupby("decision")]
        )
        rows = []
        for applicant in picks["id"]:
            try:
                vector = self.feature_view.get_feature_vector(
                    {"id": int(applicant)}, return_type="pandas"
                ).iloc[0]
            except NotFound:
                continue
            rows.append(
                [
                    int(applicant),
                    int(vector["term"]),
                    vector["purpose"],
                    vector["zip_code"],
                    float(vector["loan_amnt"]),
                    float(vector["int_rate"]),
                ]
            )
        return rows


def check_application(
    id: Any, term: Any, purpose: Any, zip_code: Any, loan_amnt: Any, int_rate: Any
) -> str | None:
    """A message saying what is wrong with the form, or None when it can be scored."""
    if not _is_number(id) or float(id) != int(float(id)) or float(id) < 0:
        return "Enter the applicant id, a whole number such as 1000033."
    try:
        if loans.term_months(term) not in loans.TERMS:
            raise ValueError(term)
    except (TypeError, ValueError):
        return f"The term must be one of {', '.join(f'{t} months' for t in loans.TERMS)}."
    if purpose not in loans.PURPOSES:
        return f"Choose a purpose from the list ({', '.join(loans.PURPOSES[:3])}, ...)."
    if not re.fullmatch(r"\d{5}", str(zip_code or "").strip()):
        return f"The zip code must be 5 digits, such as 22690 (got {zip_code!r})."
    if not _is_number(loan_amnt) or float(loan_amnt) <= 0:
        return "The loan amount must be a positive number of dollars, such as 12000."
    if not _is_number(int_rate) or not 0 < float(int_rate) <= 40:
        return "The interest rate is a percentage between 0 and 40, such as 11.5."
    return None


def _is_number(value: Any) -> bool:
    if isinstance(value, bool) or value is None:
        return False
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def model_card(metrics: dict[str, Any]) -> str:
    """The model's metrics as a Markdown table."""
    lines = ["| metric | value |", "|---|---|"]
    for key, label in METRIC_NAMES.items():
        if key in metrics:
            value = metrics[key]
            shown = f"{value:.3f}" if key.startswith("roc_auc") else f"{value:.1%}"
            lines.append(f"| {label} | {shown} |")
    return "\n".join(lines)


def build_app(approver: LoanApprover) -> Any:
    """The Gradio UI around ``approver`` (call ``launch(app)`` to serve it)."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no calls home
    import gradio as gr

    with gr.Blocks(title=TITLE, analytics_enabled=False) as app:
        gr.Markdown(
            f"# {TITLE}\nEnter the applicant's id and the loan they ask for. The applicant's "
            "credit report comes from the online feature store; the model predicts whether "
            "the loan would be charged off."
        )
        with gr.Row():
            with gr.Column():
                applicant = gr.Number(label="Applicant id", precision=0)
                term = gr.Radio(list(loans.TERMS), value=36, label="Term (months)")
                purpose = gr.Dropdown(
                    list(loans.PURPOSES), value="debt_consolidation", label="Purpose"
                )
                zip_code = gr.Textbox(label="Zip code", value="22690", max_lines=1)
                loan_amnt = gr.Number(label="Loan amount ($)", value=10000)
                int_rate = gr.Number(label="Interest rate (%)", value=12.0)
                submit = gr.Button("Approve or reject?", variant="primary")
            with gr.Column():
                decision = gr.Textbox(label="Decision", interactive=False)
                probability = gr.Number(label="Probability of charge-off", interactive=False)
                explanation = gr.Markdown()
        inputs = [applicant, term, purpose, zip_code, loan_amnt, int_rate]
        outputs = [decision, probability, explanation]
        submit.click(approver.approve_loan, inputs, outputs, api_name="approve_loan")
        examples = approver.examples()
        if examples:
            gr.Examples(examples, inputs, label="Applicants from the latest batch predictions")
        with gr.Accordion("The model", open=True), gr.Row():
            gr.Markdown(model_card(approver.metrics))
            gr.Image(
                approver.confusion_matrix,
                label="Confusion matrix",
                type="filepath",
                interactive=False,
            )
    return app


def theme() -> Any:
    """A Gradio theme with the system's fonts (nothing is fetched from the internet)."""
    import gradio as gr

    return gr.themes.Soft(
        font=["ui-sans-serif", "system-ui", "sans-serif"],
        font_mono=["ui-monospace", "monospace"],
    )


def launch(app: Any, host: str = "127.0.0.1", port: int = 7860, block: bool = True) -> str:
    """Serve the app and return its URL. With ``block=True`` wait until Ctrl-C; else it
    runs in the background (stop it with ``app.close()``)."""
    options: dict[str, Any] = {"server_name": host, "server_port": port, "quiet": True}
    if "theme" in inspect.signature(app.launch).parameters:  # Gradio 6 themes at launch
        options["theme"] = theme()
    else:
        app.theme = theme()
    app.launch(prevent_thread_lock=True, **options)
    url = f"http://{host}:{port}/"
    if block:
        print(f"loan approval app on {url} (Ctrl-C stops it)", flush=True)
        app.block_thread()
    return url


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7860)
    args = parser.parse_args(argv)
    launch(build_app(LoanApprover()), args.host, args.port)


if __name__ == "__main__":
    main()
