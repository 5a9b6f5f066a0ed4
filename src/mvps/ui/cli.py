"""``mvps ui``: serve the web UI of a project on localhost.

::

    mvps ui                         # http://127.0.0.1:8765/
    mvps ui --project loans --port 9000 --open
    mvps ui --serving-url http://127.0.0.1:8000   # where `mvps serve` runs

The same pages are part of ``mvps serve``; ``mvps ui`` is for looking at a project
without serving models (test requests then go to ``--serving-url``, or run in-process).
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import threading
from typing import Any


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    p.add_argument(
        "--port", type=int, default=8765, help="port to listen on (default 8765; 0 = any free port)"
    )
    p.add_argument("--open", action="store_true", help="open the UI in a web browser")
    p.add_argument(
        "--serving-url",
        default=os.environ.get("MVPS_SERVING_URL"),
        help="base URL of `mvps serve` for test requests from deployment pages "
        "(default: $MVPS_SERVING_URL; without it predictions run in this process)",
    )
    p.add_argument(
        "--log-level",
        default="warning",
        choices=["critical", "error", "warning", "info", "debug"],
        help="server log level (default warning)",
    )


def _bind(host: str, port: int, project: Any) -> socket.socket:
    """A socket listening on ``host:port``, or an error saying what to do instead."""
    from mvps.errors import InvalidInput

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        hint = "pick another --port (0 = any free port)"
        try:
            from mvps.serving import process

            running = process.server_url(project)
        except ImportError:  # pragma: no cover - serving not installed
            running = None
        if running:
            hint += f"; `mvps serve` of this project already shows the UI at {running}/"
        raise InvalidInput(f"cannot listen on {host}:{port} ({exc.strerror}); {hint}") from exc
    return sock


def run(args: argparse.Namespace) -> int:
    from mvps._deps import require

    require("fastapi")
    uvicorn = require("uvicorn")

    from mvps.cli import open_project
    from mvps.ui.routes import create_ui_app

    project = open_project(args)
    sock = _bind(args.host, args.port, project)
    port = sock.getsockname()[1]
    app = create_ui_app(project, serving_url=args.serving_url)
    host = "127.0.0.1" if args.host in ("", "0.0.0.0", "::") else args.host
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    print(
        f"mvps UI of project {project.name!r} at {url} (Ctrl+C to stop)",
        file=sys.stderr,
        flush=True,
    )
    if args.open:
        import webbrowser

        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    config = uvicorn.Config(app, log_level=args.log_level, access_log=False, server_header=False)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()
    return 0
