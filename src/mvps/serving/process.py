"""The ``mvps serve`` process of a project: where it is, starting and stopping it.

One server process hosts every RUNNING deployment of a project. Whichever way it was
started (``mvps serve`` in a terminal, or ``deployment.start()`` spawning it in the
background), it records itself in ``<project>/serving/server.json``::

    {"pid": 1234, "host": "127.0.0.1", "port": 8765, "url": "http://127.0.0.1:8765",
     "workers": 1, "project": "<project dir>", "started": 1718000000.0}

and removes the file when it exits. A spawned server writes its output to
``<project>/serving/server.log``; events and errors of each deployment (loading,
failures with tracebacks) go to ``<project>/serving/logs/<deployment>.log``, which
``deployment.get_logs()`` prints.

A background server listens on 127.0.0.1, port ``$MVPS_SERVE_PORT`` if set (``0``
means any free port), else 8765 when it is free, else any free port.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mvps.errors import ServingError

DEFAULT_PORT = 8765
_spawned: dict[int, subprocess.Popen[bytes]] = {}


def serving_dir(project: Any) -> Path:
    return Path(project.path) / "serving"


def server_file(project: Any) -> Path:
    return serving_dir(project) / "server.json"


def server_log(project: Any) -> Path:
    return serving_dir(project) / "server.log"


def deployment_log(project: Any, name: str) -> Path:
    return serving_dir(project) / "logs" / f"{name}.log"


def append_log(project: Any, name: str, text: str) -> None:
    """Append a timestamped line (or block) to a deployment's log."""
    path = deployment_log(project, name)
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(f"{stamp} [{os.getpid()}] {text.rstrip()}\n")


def pid_alive(pid: int) -> bool:
    """True when process ``pid`` exists and is not a zombie (zombie children are reaped)."""
    proc = _spawned.get(pid)
    if proc is not None:
        if proc.poll() is not None:
            _spawned.pop(pid, None)
            return False
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            state = fh.read().rsplit(")", 1)[1].split()[0]
        if state == "Z":
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
            return False
    except (OSError, IndexError):
        pass
    return True


def write_server_info(project: Any, info: dict[str, Any]) -> None:
    path = server_file(project)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(info, indent=2))
    os.replace(tmp, path)


def remove_server_info(project: Any, pid: int) -> None:
    """Remove the server file if it still describes process ``pid``."""
    path = server_file(project)
    try:
        if json.loads(path.read_text()).get("pid") == pid:
            path.unlink()
    except (OSError, ValueError):
        pass


def server_info(project: Any) -> dict[str, Any] | None:
    """The recorded server of the project if its process is alive, else None."""
    try:
        info = json.loads(server_file(project).read_text())
    except (OSError, ValueError):
        return None
    pid = info.get("pid")
    if not isinstance(pid, int) or not pid_alive(pid):
        return None
    return info


def server_url(project: Any) -> str | None:
    info = server_info(project)
    return None if info is None else str(info["url"])


# ---------------------------------------------------------------------- HTTP client

_clients: dict[str, Any] = {}


def http_client(base_url: str) -> Any:
    """A keep-alive httpx client for ``base_url`` (one per process and server)."""
    client = _clients.get(base_url)
    if client is None:
        from mvps._deps import require

        httpx = require("httpx")
        client = httpx.Client(base_url=base_url, timeout=httpx.Timeout(60.0, connect=5.0))
        if not _clients:
            import atexit

            atexit.register(_close_clients)
        _clients[base_url] = client
    return client


def _close_clients() -> None:
    for url in list(_clients):
        _drop_client(url)


def _drop_client(base_url: str) -> None:
    client = _clients.pop(base_url, None)
    if client is not None:
        client.close()


def request(
    base_url: str, method: str, path: str, timeout: float | None = None, **kwargs: Any
) -> Any | None:
    """An HTTP response from the server, or None when it cannot be reached."""
    import httpx

    client = http_client(base_url)
    try:
        if timeout is not None:
            kwargs["timeout"] = timeout
        return client.request(method, path, **kwargs)
    except (
        httpx.ConnectError,
        httpx.RemoteProtocolError,
        httpx.ReadError,
        httpx.ConnectTimeout,
        httpx.ReadTimeout,
    ):
        _drop_client(base_url)
        return None


def healthy(base_url: str, timeout: float = 2.0) -> bool:
    r = request(base_url, "GET", "/healthz", timeout=timeout)
    return r is not None and r.status_code == 200


# ---------------------------------------------------------------------- start / stop


@contextlib.contextmanager
def _spawn_lock(project: Any) -> Iterator[None]:
    """Serialise "is a server running, else spawn one" between processes."""
    path = serving_dir(project) / "spawn.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - non-POSIX
            yield
            return
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def _default_port(host: str) -> int:
    env = os.environ.get("MVPS_SERVE_PORT")
    if env is not None and env.strip() != "":
        try:
            return int(env)
        except ValueError:
            raise ServingError(f"MVPS_SERVE_PORT must be a port number, got {env!r}") from None
    return DEFAULT_PORT if port_free(host, DEFAULT_PORT) else 0


def serve_command(project: Any, host: str, port: int, workers: int = 1) -> list[str]:
    cmd = [
        sys.executable,
        "-m",
        "mvps.cli",
        "serve",
        "--home",
        str(Path(project.path).parent),
        "--project",
        project.name,
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    cfg = project.config.config_file
    if cfg is not None:
        cmd += ["--config", str(cfg)]
    return cmd


def ensure_server(project: Any, timeout: float = 120.0) -> dict[str, Any]:
    """The project's running server, spawning one in the background if there is none."""
    with _spawn_lock(project):
        info = server_info(project)
        if info is not None and healthy(info["url"]):
            return info
        if info is not None:  # alive but not answering: give it a moment (it may be starting)
            ready = _wait_healthy(project, info["pid"], time.monotonic() + 30.0, None)
            if ready is not None:
                return ready
        return _spawn(project, timeout)


def _spawn(project: Any, timeout: float) -> dict[str, Any]:
    host = "127.0.0.1"
    port = _default_port(host)
    log = server_log(project)
    log.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"
    with open(log, "ab") as out:
        out.write(f"\n--- starting mvps serve on {host}:{port or 'any free port'} ---\n".encode())
        out.flush()
        proc = subprocess.Popen(
            serve_command(project, host, port),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=str(project.path),
            env=env,
            start_new_session=True,
            close_fds=True,
        )
    _spawned[proc.pid] = proc
    info = _wait_healthy(project, proc.pid, time.monotonic() + timeout, proc)
    if info is None:
        if proc.poll() is None:
            proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(10)
            raise ServingError(
                f"the model server did not become ready within {timeout:.0f}s; see {log}:\n"
                + tail(log, 20)
            )
        raise ServingError(
            f"the model server exited with code {proc.returncode} while starting; see {log}:\n"
            + tail(log, 20)
        )
    return info


def _wait_healthy(
    project: Any, pid: int, deadline: float, proc: subprocess.Popen[bytes] | None
) -> dict[str, Any] | None:
    delay = 0.02
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return None
        info = server_info(project)
        if info is not None and info.get("pid") == pid and healthy(info["url"], timeout=5.0):
            return info
        if proc is None and not pid_alive(pid):
            return None
        time.sleep(delay)
        delay = min(delay * 1.5, 0.25)
    return None


def wait_for_server(project: Any, pid: int | None = None, timeout: float = 120.0) -> dict[str, Any]:
    """The project's server info once it answers ``/healthz`` (the server of process
    ``pid`` when given); ServingError after ``timeout`` seconds or if ``pid`` exits."""
    if pid is None:
        deadline = time.monotonic() + timeout
        while (info := server_info(project)) is None:
            if time.monotonic() > deadline:
                raise ServingError(f"no model server started for project {project.name!r}")
            time.sleep(0.05)
        pid = int(info["pid"])
    found = _wait_healthy(project, pid, time.monotonic() + timeout, _spawned.get(pid))
    if found is None:
        raise ServingError(
            f"the model server (pid {pid}) of project {project.name!r} did not become ready; "
            f"see {server_log(project)}"
        )
    return found


def stop_server(project: Any, timeout: float = 30.0) -> bool:
    """Stop the project's server process (SIGTERM, then SIGKILL); False if none ran."""
    info = server_info(project)
    if info is None:
        return False
    pid = int(info["pid"])
    _drop_client(str(info["url"]))
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        remove_server_info(project, pid)
        return False
    deadline = time.monotonic() + timeout
    delay = 0.01
    while pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(delay)
        delay = min(delay * 1.5, 0.2)
    if pid_alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        proc = _spawned.get(pid)
        if proc is not None:
            proc.wait(10)
    _spawned.pop(pid, None)
    remove_server_info(project, pid)
    return True


def tail(path: Path, lines: int) -> str:
    """The last ``lines`` lines of a text file ('' when it does not exist)."""
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - 64 * 1024 * max(1, lines // 100 + 1)))
            data = fh.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(data.splitlines()[-lines:]) if lines > 0 else ""


__all__ = [
    "DEFAULT_PORT",
    "deployment_log",
    "ensure_server",
    "server_info",
    "server_log",
    "server_url",
    "stop_server",
    "wait_for_server",
]
