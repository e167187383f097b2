"""Start the portal as production does (`portal serve --workers N`, granian), and the floor with
the very same command line (`portal.cli._serve_args`) pointed at `bench.floor_app:app`; or both
under uvicorn, the server measured against it."""

from __future__ import annotations

import http.client
import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench import procs
from portal.cli import _serve_args
from sql.settings import load_settings

PORTAL_APP = "portal.asgi:app"
FLOOR_APP = "bench.floor_app:app"


@dataclass
class Server:
    name: str
    workers: int
    port: int
    proc: subprocess.Popen[bytes]
    command: list[str]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        """The processes that serve requests: the leaves of the server's process tree."""
        tree = [self.proc.pid, *procs.descendants(self.proc.pid)]
        kids = procs.children_map()
        return [p for p in tree if not kids.get(p) and not procs.is_helper(p)]

    def stop(self) -> None:
        procs.stop_group(self.proc)


def server_env(database_url: str, redis_url: str, port: int, data_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PORTAL_") and k not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        PORTAL_PORT=str(port),
        PORTAL_HOST="127.0.0.1",
        PORTAL_ENV="production",
        PORTAL_SECRET_KEY=secrets.token_urlsafe(32),
        PORTAL_DATA_DIR=str(data_dir),
        PYTHONPATH=os.pathsep.join(filter(None, [str(Path.cwd()), env.get("PYTHONPATH")])),
    )
    return env


def _wait_ready(server: Server, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"{server.name} exited with {server.proc.returncode} at start")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=2)
            conn.request("GET", "/health")
            ok = conn.getresponse().status == 200
            conn.close()
            if ok and len(server.worker_pids()) >= server.workers:
                time.sleep(0.5 if server.workers == 1 else 1.5)  # let every worker finish starting
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{server.name} did not answer /health within {timeout:.0f}s")


def uvicorn_args(app: str, host: str, port: int, workers: int) -> list[str]:
    """uvicorn, set as close to `portal serve`'s granian as it goes: uvloop, HTTP/1, no log."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--timeout-graceful-shutdown",
        "10",
    ]


def start(
    kind: str,
    *,
    workers: int,
    server: str = "granian",
    port: int,
    database_url: str,
    redis_url: str,
    data_dir: Path,
    log_path: Path,
) -> Server:
    env = server_env(database_url, redis_url, port, data_dir)
    settings = load_settings(env)
    if server == "uvicorn":
        app = PORTAL_APP if kind == "portal" else FLOOR_APP
        command = uvicorn_args(app, settings.host, settings.port, workers)
    elif kind == "portal":
        command = [
            str(Path(sys.executable).with_name("portal")),
            "serve",
            "--workers",
            str(workers),
        ]
    else:
        command = [FLOOR_APP if a == PORTAL_APP else a for a in _serve_args(settings, workers)]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        proc = subprocess.Popen(  # noqa: S603
            command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(kind, workers, port, proc, command)
    try:
        _wait_ready(server)
    except BaseException:
        server.stop()
        raise
    return server
