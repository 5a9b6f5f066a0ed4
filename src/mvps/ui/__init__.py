"""The mvps web UI: explore a project (feature groups, feature views, training data,
models, deployments, lineage) in a browser.

* :mod:`mvps.ui.api` builds the JSON documents every page is drawn from (plain
  functions of a :class:`~mvps.project.Project`, usable from scripts too);
* :mod:`mvps.ui.routes` holds the FastAPI ``router`` with the pages, the JSON API
  (``/api/...``) and the static files, and :func:`~mvps.ui.routes.create_ui_app`;
* :mod:`mvps.ui.cli` is ``mvps ui``.

The pages are a static HTML shell plus hand-written ES modules and CSS shipped in
``mvps/ui/static``: no build step, no CDN, nothing loaded from outside the server.
Importing this package is cheap; FastAPI is only imported by :mod:`mvps.ui.routes`.
"""

from __future__ import annotations

from pathlib import Path

#: Directory of the HTML shell, scripts and styles.
STATIC_DIR = Path(__file__).resolve().parent / "static"

__all__ = ["STATIC_DIR"]
