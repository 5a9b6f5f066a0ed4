"""Regenerate the README screenshots in ``docs/screenshots/`` (1280x800 PNG).

Run from the repository root::

    .venv/bin/python -m tests.ui.screenshots

It builds the UI tests' demo project in a temporary directory, serves it the way
``mvps serve`` does (UI and deployments together), sends one test prediction and takes
a screenshot of each main page with headless Chromium (``$MVPS_CHROMIUM`` or
``/usr/bin/chromium``).
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
from pathlib import Path

import pytest

from .conftest import CHROMIUM, CHROMIUM_ARGS, REPO, LiveServer, UIPage
from .demo import build_demo

OUT = REPO / "docs" / "screenshots"

#: (file name, page, element to wait for)
SHOTS = [
    ("overview.png", "/", "#activity"),
    ("feature-group.png", "/feature-groups/loans/1?tab=statistics", ".feature-card svg"),
    ("model.png", "/models/loan_model/2", "#images img"),
    ("deployment.png", "/deployments/loanapproval", "#test-request"),
    ("lineage.png", "/lineage", "#lineage svg"),
    ("jobs.png", "/jobs", "#jobs table"),
]


def _small_png(data: bytes) -> bytes:
    """The screenshot with a 256-colour palette (a fraction of the size), when Pillow
    is installed."""
    try:
        from PIL import Image
    except ImportError:
        return data
    img = Image.open(io.BytesIO(data)).convert("RGB")
    out = io.BytesIO()
    img.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(out, "PNG", optimize=True)
    return out.getvalue()


def main() -> int:
    from playwright.sync_api import expect, sync_playwright

    import mvps
    from mvps.server import create_app
    from mvps.serving import process

    if not os.path.exists(CHROMIUM):
        print(f"Chromium is not installed at {CHROMIUM}; set MVPS_CHROMIUM", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        mp = pytest.MonkeyPatch()
        mp.setenv("MVPS_HOME", str(Path(tmp) / "home"))
        mp.delenv("MVPS_PROJECT", raising=False)
        mp.delenv("MVPS_CONFIG", raising=False)
        project = mvps.login(project="lending")
        work = Path(tmp) / "work"
        work.mkdir()
        demo = build_demo(project, work)
        server = LiveServer(create_app(project)).start()
        process.write_server_info(
            project,
            {"pid": os.getpid(), "host": server.host, "port": server.port, "url": server.url,
             "workers": 1, "project": str(project.path), "started": time.time()},
        )  # fmt: skip
        try:
            demo.deployment.start(await_running=120)
            OUT.mkdir(parents=True, exist_ok=True)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                ui = UIPage(context.new_page(), server.url)
                for name, path, ready in SHOTS:
                    page = ui.open(path, ready)
                    if name == "deployment.png":
                        page.click("#predict-send")
                        expect(page.locator("#predict-output .response")).to_have_attribute(
                            "data-status", "200"
                        )
                    page.mouse.move(0, 0)
                    data = _small_png(page.screenshot())
                    (OUT / name).write_bytes(data)
                    print(f"{OUT / name} ({len(data) // 1024} KB)")
                ui.check()
                browser.close()
        finally:
            process.remove_server_info(project, os.getpid())
            server.stop()
            mvps.logout()
            mp.undo()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
