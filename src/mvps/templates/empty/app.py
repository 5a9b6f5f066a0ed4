"""The stakeholder app (step 5, the online half): a UI for the people who decide.

    python app.py                 # http://127.0.0.1:7860

Write the form your stakeholders fill in and what they need to see here. This
placeholder looks an id up in the online feature store, lets the user override a
feature and shows the model's probability.
"""

from __future__ import annotations

import argparse
import inspect
import os
from collections.abc import Sequence
from typing import Any

import numpy as np
from mvps.errors import NotFound

from pipelines import login
from pipelines.batch_inference import load_model
from pipelines.feature_pipeline import CATEGORIES
from pipelines.training_pipeline import FEATURE_VIEW


class Scorer:
    """The model and the feature view, without any UI."""

    def __init__(self, project: Any = None) -> None:
        project = project or login()
        self.loaded = load_model(project.get_model_registry())
        self.feature_view = project.get_feature_store().get_feature_view(FEATURE_VIEW, version=1)
        self.feature_view.init_serving(self.loaded.entry.training_dataset_version)

    def score(self, id: Any, category: str) -> tuple[float | None, str]:
        """Returns (probability, message); bad input gives no probability and a message."""
        if id is None or float(id) != int(float(id)):
            return None, "Enter an id, a whole number such as 17."
        try:
            vector = self.feature_view.get_feature_vector(
                {"id": int(id)}, passed_features={"category": category}, return_type="pandas"
            )
        except NotFound:
            return None, f"Nothing is known about id {int(id)}; try another id."
        probability = float(self.loaded.model.predict_proba(vector.fillna(np.nan))[0, 1])
        return round(probability, 4), f"The model's probability for id {int(id)}: {probability:.1%}"


def build_app(scorer: Scorer) -> Any:
    """The Gradio UI around ``scorer``."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no calls home
    import gradio as gr

    with gr.Blocks(title="My prediction service", analytics_enabled=False) as app:
        gr.Markdown("# My prediction service\nWrite what your stakeholders see here.")
        with gr.Row():
            with gr.Column():
                id_ = gr.Number(label="Id", value=17, precision=0)
                category = gr.Radio(list(CATEGORIES), value="a", label="Category")
                submit = gr.Button("Predict", variant="primary")
            with gr.Column():
                probability = gr.Number(label="Probability", interactive=False)
                message = gr.Markdown()
        submit.click(scorer.score, [id_, category], [probability, message], api_name="score")
    return app


def launch(app: Any, host: str = "127.0.0.1", port: int = 7860, block: bool = True) -> str:
    """Serve the app with system fonts (nothing fetched from the internet); returns its URL."""
    import gradio as gr

    theme = gr.themes.Soft(
        font=["ui-sans-serif", "system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"]
    )
    options: dict[str, Any] = {"server_name": host, "server_port": port, "quiet": True}
    if "theme" in inspect.signature(app.launch).parameters:  # Gradio 6 themes at launch
        options["theme"] = theme
    else:
        app.theme = theme
    app.launch(prevent_thread_lock=True, **options)
    url = f"http://{host}:{port}/"
    if block:
        print(f"app on {url} (Ctrl-C stops it)", flush=True)
        app.block_thread()
    return url


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7860)
    args = parser.parse_args(argv)
    launch(build_app(Scorer()), args.host, args.port)


if __name__ == "__main__":
    main()
