"""Fixtures of the web UI tests.

* ``demo``: a project built once for the package's tests (see :mod:`tests.ui.demo`);
* ``ui_server``: ``create_ui_app(project)`` (what ``mvps ui`` runs) under uvicorn on a
  free localhost port;
* ``serve_server``: ``mvps.server.create_app(project)`` (what ``mvps serve`` runs,
  with the UI included) on a free port, recorded as the project's model server, with
  the demo deployment started;
* ``browser`` / ``page``: Playwright driving Debian's Chromium (``$MVPS_CHROMIUM`` or
  ``/usr/bin/chromium``). Without Chromium the browser tests skip, except under
  ``CI=true`` where they fail.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import mvps

from .demo import Demo, build_demo

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("MVPS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"


def chromium_executable() -> str:
    """Chromium's path; skips the test (fails it under CI=true) when it is missing."""
    if os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    msg = (
        f"Chromium is not installed at {CHROMIUM} (set MVPS_CHROMIUM, or run "
        "`sh scripts/install-chromium.sh`)"
    )
    if IN_CI:
        pytest.fail(f"CI=true and {msg}")
    pytest.skip(msg)


# ------------------------------------------------------------------ project


@pytest.fixture(scope="package")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    base = tmp_path_factory.mktemp("ui")
    mp = pytest.MonkeyPatch()
    mp.setenv("MVPS_HOME", str(base / "home"))
    mp.delenv("MVPS_PROJECT", raising=False)
    mp.delenv("MVPS_CONFIG", raising=False)
    mp.setenv("MVPS_SERVE_PORT", "0")
    project = mvps.login(project="lending")
    try:
        work = base / "work"
        work.mkdir()
        yield build_demo(project, work)
    finally:
        mvps.logout()
        mp.undo()


# ------------------------------------------------------------------ servers


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    """An ASGI app under uvicorn in a background thread."""

    app: Any
    host: str = "127.0.0.1"
    port: int = 0
    server: Any = None
    thread: threading.Thread | None = None
    errors: list[BaseException] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 30.0) -> LiveServer:
        import uvicorn

        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, 0))
        self.port = int(sock.getsockname()[1])
        config = uvicorn.Config(self.app, log_level="warning", lifespan="on", access_log=False)
        self.server = uvicorn.Server(config)

        def run() -> None:
            try:
                self.server.run(sockets=[sock])
            except BaseException as exc:  # reported by start()/the tests
                self.errors.append(exc)
            finally:
                sock.close()

        self.thread = threading.Thread(target=run, name=f"uvicorn-{self.port}", daemon=True)
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if self.errors or not self.thread.is_alive():
                raise RuntimeError(f"the test server did not start: {self.errors}")
            if time.monotonic() > deadline:
                raise TimeoutError("the test server did not start in time")
            self.thread.join(0.02)
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.should_exit = True
        if self.thread is not None:
            self.thread.join(15)


@pytest.fixture(scope="package")
def ui_server(demo: Demo) -> Iterator[LiveServer]:
    """The UI alone (``mvps ui``)."""
    from mvps.ui.routes import create_ui_app

    server = LiveServer(create_ui_app(demo.project)).start()
    yield server
    server.stop()


@pytest.fixture(scope="package")
def serve_server(demo: Demo) -> Iterator[LiveServer]:
    """``mvps serve`` (deployments + UI) with the demo deployment running.

    The server is recorded as the project's model server, so ``deployment.start()``
    uses it and a UI started on its own proxies test requests to it.
    """
    from mvps.server import create_app
    from mvps.serving import process

    server = LiveServer(create_app(demo.project)).start()
    info = {
        "pid": os.getpid(),
        "host": server.host,
        "port": server.port,
        "url": server.url,
        "workers": 1,
        "project": str(demo.project.path),
        "started": time.time(),
    }
    process.write_server_info(demo.project, info)
    try:
        demo.deployment.start(await_running=120)
        yield server
    finally:
        process.remove_server_info(demo.project, os.getpid())
        server.stop()


# ------------------------------------------------------------------ browser


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    executable = chromium_executable()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page in its own 1280x800 browser context."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    try:
        yield pg
    finally:
        context.close()


class UIPage:
    """A page of the UI: opens paths under ``base`` and records what the page did
    (JavaScript errors, console errors, every request)."""

    def __init__(self, page: Any, base: str) -> None:
        self.page = page
        self.base = base.rstrip("/")
        self.errors: list[str] = []
        self.requests: list[str] = []
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        page.on("console", self._console)
        page.on("request", lambda req: self.requests.append(req.url))
        page.on("requestfailed", self._failed)

    def _failed(self, req: Any) -> None:
        if "ERR_ABORTED" not in str(req.failure):  # requests cut short by navigation are fine
            self.errors.append(f"request failed: {req.url} ({req.failure})")

    def _console(self, msg: Any) -> None:
        if msg.type == "error":
            self.errors.append(f"console error: {msg.text}")

    def open(self, path: str, ready: str = ".view") -> Any:
        """Load ``path`` and wait until ``ready`` is shown and nothing is loading."""
        self.page.goto(self.base + path)
        return self.ready(ready)

    def ready(self, selector: str = ".view") -> Any:
        from playwright.sync_api import expect

        self.page.locator(selector).first.wait_for()
        expect(self.page.locator(".loading")).to_have_count(0)
        return self.page

    def check(self) -> None:
        assert not self.errors, f"the page reported errors: {self.errors}"


def screenshot(page: Any, name: str, full_page: bool = False) -> Path:
    """Save a screenshot under test-artifacts/screenshots/ (gitignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
