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
import sys
import threading


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765, help="port to listen on (default 8765)")
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


def run(args: argparse.Namespace) -> int:
    from mvps._deps import require

    require("fastapi")
    require("uvicorn")
    import uvicorn

    from mvps.cli import open_project
    from mvps.ui.routes import create_ui_app

    project = open_project(args)
    app = create_ui_app(project, serving_url=args.serving_url)
    host = "127.0.0.1" if args.host in ("", "0.0.0.0", "::") else args.host
    url = f"http://{host}:{args.port}/"
    print(f"mvps UI of project {project.name!r} at {url} (Ctrl+C to stop)", file=sys.stderr)
    if args.open:
        import webbrowser

        threading.Timer(0.8, webbrowser.open, args=(url,)).start()
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    return 0
