"""``mvps serve``: serve a project's deployments, feature vectors and web UI over HTTP.

One process hosts every RUNNING deployment of the project (deployments started or
stopped later are picked up). ``--workers N`` runs N worker processes on one socket.
``--port 0`` takes any free port. ``--status`` prints the running server, ``--stop``
stops it. The server records itself in ``<project>/serving/server.json`` (see
:mod:`mvps.serving.process`).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import time
from typing import Any


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 = any free port)")
    p.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    p.add_argument(
        "--log-level",
        default="warning",
        choices=["critical", "error", "warning", "info", "debug"],
        help="server log level (default warning)",
    )
    p.add_argument("--status", action="store_true", help="print the running server and exit")
    p.add_argument("--stop", action="store_true", help="stop the running server and exit")


def run(args: argparse.Namespace) -> int:
    from mvps.cli import open_project
    from mvps.serving import process

    project = open_project(args)
    if args.stop:
        stopped = process.stop_server(project)
        print("stopped" if stopped else f"no server runs for project {project.name!r}")
        return 0
    if args.status:
        info = process.server_info(project)
        if info is None:
            print(f"no server runs for project {project.name!r}")
            return 1
        print(json.dumps(info, indent=2))
        return 0
    return serve(project, args.host, args.port, args.workers, args.log_level)


def bind(host: str, port: int) -> socket.socket:
    """A listening-ready socket on ``host:port`` (``port`` 0: any free port)."""
    from mvps.errors import InvalidInput

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto must be IPPROTO_TCP: asyncio only sets TCP_NODELAY on such sockets, and without
    # it small responses wait for delayed ACKs (~40 ms per request on keep-alive connections)
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise InvalidInput(
            f"cannot listen on {host}:{port} ({exc.strerror}); pick another --port (0 = any free port)"
        ) from exc
    sock.set_inheritable(True)
    return sock


def serve(
    project: Any,
    host: str = "127.0.0.1",
    port: int = 8765,
    workers: int = 1,
    log_level: str = "warning",
) -> int:
    """Run the server in this process until it is stopped (SIGTERM/SIGINT)."""
    from mvps._deps import require
    from mvps.errors import InvalidInput
    from mvps.serving import process

    uvicorn = require("uvicorn")
    if workers < 1:
        raise InvalidInput(f"--workers must be at least 1, got {workers}")
    running = process.server_info(project)
    if (
        running is not None
        and running.get("pid") != os.getpid()
        and process.healthy(running["url"])
    ):
        raise InvalidInput(
            f"a server for project {project.name!r} already runs at {running['url']} (pid "
            f"{running['pid']}); stop it with `mvps serve --stop` first"
        )
    sock = bind(host, port)
    actual = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    url_host = "127.0.0.1" if host in ("0.0.0.0", "") else ("[::1]" if host == "::" else shown)
    # the predictor scripts' mvps.login() / hopsworks.login() open this same project
    os.environ["MVPS_HOME"] = str(project.path.parent)
    os.environ["MVPS_PROJECT"] = project.name
    if project.config.config_file is not None:
        os.environ["MVPS_CONFIG"] = str(project.config.config_file)
    else:
        os.environ.pop("MVPS_CONFIG", None)
    common: dict[str, Any] = {
        "log_level": log_level,
        "access_log": False,
        "proxy_headers": False,  # nothing reads X-Forwarded-*: skip the middleware per request
        "lifespan": "on",
        "timeout_keep_alive": 30,
        "timeout_graceful_shutdown": 5,
        "server_header": False,
    }
    info = {
        "pid": os.getpid(),
        "host": host,
        "port": actual,
        "url": f"http://{url_host}:{actual}",
        "workers": workers,
        "project": str(project.path),
        "started": time.time(),
    }
    process.write_server_info(project, info)
    import importlib.util

    if importlib.util.find_spec("httptools") is None or importlib.util.find_spec("uvloop") is None:
        print(
            'mvps serve: for lower latency install httptools and uvloop (pip install "uvicorn[standard]")',
            file=sys.stderr,
            flush=True,
        )
    print(
        f"mvps serve: project {project.name!r} at {info['url']} "
        f"(API description {info['url']}/openapi.json, pid {os.getpid()})",
        flush=True,
    )
    try:
        if workers == 1:
            from mvps.server import create_app

            config = uvicorn.Config(create_app(project, standalone=True), **common)
            uvicorn.Server(config).run(sockets=[sock])
        else:
            from uvicorn.supervisors import Multiprocess

            config = uvicorn.Config(
                "mvps.server:app_from_env", factory=True, workers=workers, **common
            )
            Multiprocess(config, sockets=[sock]).run()
    finally:
        process.remove_server_info(project, os.getpid())
        sock.close()
    return 0
