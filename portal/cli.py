"""The `portal` command: serve, worker, migrate, users, audit; `run` and `demo` for development."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence

import asyncpg

from domain.clock import SystemClock
from domain.districts import WUHAN_DISTRICTS
from domain.errors import RuleViolation
from portal.auth import passwords
from sql import audit
from sql.embedded import EmbeddedServers, resolve
from sql.migrate import MigrationError, migrate
from sql.pool import create_pool
from sql.settings import Settings, SettingsError, load_settings


def _settings() -> tuple[Settings, EmbeddedServers | None]:
    try:
        settings = load_settings()
        passwords.use_profile_for(settings.env)
        return resolve(settings)
    except SettingsError as exc:
        sys.exit(f"portal: bad setting: {exc}")


def _env(settings: Settings) -> dict[str, str]:
    """The environment children inherit, so they use the servers this process resolved."""
    assert settings.database_url and settings.redis_url
    return {**os.environ, "DATABASE_URL": settings.database_url, "REDIS_URL": settings.redis_url}


@contextlib.contextmanager
def _shared_metrics(env: dict[str, str]) -> Iterator[dict[str, str]]:
    """The server's worker processes keep their Prometheus numbers in files in one private folder
    (prometheus_client's multiprocess mode), so /metrics, whichever worker answers it, reports
    the whole server. The folder lives as long as the server; one the operator set is kept."""
    if env.get("PROMETHEUS_MULTIPROC_DIR"):
        yield env
        return
    folder = tempfile.mkdtemp(prefix="portal-metrics-")
    try:
        yield {**env, "PROMETHEUS_MULTIPROC_DIR": folder}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _serve_args(settings: Settings, workers: int) -> list[str]:
    """granian: its HTTP/1 work runs in Rust, off the event loop. Chosen over uvicorn by the
    bench (docs/PERFORMANCE.md, "Server and worker count"): one granian worker held the POST's
    p99 under 50 ms in seven runs of eight on two cores, two uvicorn workers in three."""
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "asgi",
        "--host",
        settings.host,
        "--port",
        str(settings.port),
        "--workers",
        str(workers),
        "--loop",
        "uvloop",
        "--http",
        "1",
        "--no-ws",
        "--no-access-log",
        "--respawn-failed-workers",
        "--workers-kill-timeout",
        "10",
        "portal.asgi:app",
    ]


def cmd_migrate(_: argparse.Namespace) -> int:
    settings, servers = _settings()
    try:
        assert settings.database_url
        applied = asyncio.run(migrate(settings.database_url))
    except MigrationError as exc:
        print(f"portal migrate: {exc}", file=sys.stderr)
        return 1
    finally:
        if servers:
            servers.stop()
    print("applied: " + ", ".join(applied) if applied else "database is up to date")
    return 0


def _run_child(command: list[str], env: dict[str, str]) -> tuple[int, bool]:
    """Run `command` to its end, passing SIGTERM and SIGINT on to it: a service manager stops
    `portal serve` or `portal worker` by signalling this process, and the server or worker it
    runs must shut down gracefully, not be left running without it. Returns the exit code and
    whether it was asked to stop."""
    child = subprocess.Popen(command, env=env)  # noqa: S603
    stopped = False

    def forward(signum: int, _frame: object) -> None:
        nonlocal stopped
        stopped = True
        child.send_signal(signum)

    previous = {s: signal.signal(s, forward) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        return child.wait(), stopped
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def cmd_serve(args: argparse.Namespace) -> int:
    settings, servers = _settings()
    try:
        with _shared_metrics(_env(settings)) as env:
            code, _ = _run_child(_serve_args(settings, args.workers), env)
            return code
    finally:
        if servers:
            servers.stop()


def _supervise_worker(env: dict[str, str]) -> int:
    """Restart the worker when it dies (e.g. Redis went away), with a growing pause."""
    pause = 1.0
    while True:
        started = time.monotonic()
        code, stopped = _run_child([sys.executable, "-m", "workers"], env)
        if stopped or code in (0, -signal.SIGINT, -signal.SIGTERM):
            return 0
        pause = 1.0 if time.monotonic() - started > 60 else min(pause * 2, 30)
        print(f"portal worker: worker exited ({code}); restarting in {pause:.0f}s", file=sys.stderr)
        time.sleep(pause)


def cmd_worker(_: argparse.Namespace) -> int:
    settings, servers = _settings()
    try:
        return _supervise_worker(_env(settings))
    except KeyboardInterrupt:
        return 0
    finally:
        if servers:
            servers.stop()


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM stops `portal run` as Ctrl-C does, children and all


def cmd_run(args: argparse.Namespace) -> int:
    """Development: embedded servers, migrations, the portal and a worker, until Ctrl-C."""
    signal.signal(signal.SIGTERM, _interrupt)
    settings, servers = _settings()
    children: list[subprocess.Popen[bytes]] = []
    stack = contextlib.ExitStack()
    try:
        assert settings.database_url
        applied = asyncio.run(migrate(settings.database_url))
        if applied:
            print(f"migrations applied: {', '.join(applied)}")
        env = _env(settings)
        serve_env = stack.enter_context(_shared_metrics(env))
        children.append(subprocess.Popen(_serve_args(settings, args.workers), env=serve_env))  # noqa: S603
        children.append(subprocess.Popen([sys.executable, "-m", "portal.cli", "worker"], env=env))
        url = f"http://{settings.host}:{settings.port}"
        print(
            f"\n  The portal is at {url}/  (API: {url}/schema, health: {url}/health)\n"
            f"  Data lives in {settings.data_dir.resolve()}. Ctrl-C stops everything.\n",
            flush=True,
        )
        while all(c.poll() is None for c in children):
            time.sleep(0.5)
        return 1
    except KeyboardInterrupt:
        return 0
    except MigrationError as exc:
        print(f"portal run: {exc}", file=sys.stderr)
        return 1
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
        stack.close()
        if servers:
            servers.stop()
        print("portal: stopped.")


async def _with_pool(settings: Settings, fn):  # type: ignore[no-untyped-def]
    assert settings.database_url
    pool = await create_pool(settings.database_url, min_size=1, max_size=2)
    try:
        return await fn(pool)
    finally:
        await pool.close()


def cmd_users_create(args: argparse.Namespace) -> int:
    from portal.accounts import services
    from portal.accounts.schemas import StaffUserIn
    from portal.errors import ProblemError

    settings, servers = _settings()
    data = StaffUserIn(
        email=args.email,
        password=args.password,
        name=args.name,
        roles=args.role,
        districts=args.district or [],
    )
    try:
        user_id = asyncio.run(
            _with_pool(
                settings,
                lambda pool: services.create_staff_user(pool, SystemClock().now(), "cli", data),
            )
        )
    except (ProblemError, RuleViolation) as exc:
        print(f"portal users create: {exc}", file=sys.stderr)
        return 1
    finally:
        if servers:
            servers.stop()
    print(f"created user {user_id} ({args.email}) with roles {', '.join(sorted(args.role))}")
    return 0


def cmd_audit_verify(_: argparse.Namespace) -> int:
    settings, servers = _settings()

    async def run(pool: asyncpg.Pool) -> audit.VerifyResult:
        async with pool.acquire() as conn:
            return await audit.verify(conn)

    try:
        result = asyncio.run(_with_pool(settings, run))
    finally:
        if servers:
            servers.stop()
    if result.ok:
        later = f" ({result.unsealed} written since, checked next time)" if result.unsealed else ""
        print(f"audit chain intact: {result.rows} events{later}")
        return 0
    print(f"audit chain broken at seq {result.first_bad_seq}: {result.reason}", file=sys.stderr)
    return 2


def cmd_demo(_: argparse.Namespace) -> int:
    from portal.demo import DemoError, cast
    from portal.demo.sandbox import RefusedInProduction, load

    settings, servers = _settings()
    try:
        summary = asyncio.run(load(settings))
    except (RefusedInProduction, DemoError, MigrationError) as exc:
        print(f"portal demo: {exc}", file=sys.stderr)
        return 1
    finally:
        if servers:
            servers.stop()
    if summary.already:
        print("The sandbox is already here; nothing changed.")
    else:
        counts = ", ".join(f"{k} {v}" for k, v in sorted(summary.by_status.items()))
        print(f"The sandbox is loaded: {summary.applications} applications ({counts}).")
    print(f"\nEveryone signs in with the password {cast.PASSWORD!r}:")
    for s in cast.STAFF:
        scope = "、".join(WUHAN_DISTRICTS[d][0] for d in s.districts) or "市级"
        print(f"  {s.email:<24} {', '.join(s.roles):<10} {scope:<6} {s.name}")
    for o in cast.ORGS:
        print(f"  {o.email:<24} {'firm':<10} {WUHAN_DISTRICTS[o.district][0]:<6} {o.name}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="portal", description="Wuhan AI subsidy portal")
    sub = p.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the portal over HTTP (granian)")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="granian worker processes (default 1: on 2 cores one keeps both busy)",
    )
    serve.set_defaults(fn=cmd_serve)

    sub.add_parser("worker", help="run an arq worker, restarted if it dies").set_defaults(
        fn=cmd_worker
    )
    sub.add_parser("migrate", help="apply pending database migrations").set_defaults(fn=cmd_migrate)

    run = sub.add_parser("run", help="development: embedded servers, migrations, portal and worker")
    run.add_argument("--workers", type=int, default=1, help="server processes (default 1)")
    run.set_defaults(fn=cmd_run)

    sub.add_parser(
        "demo", help="load a sandbox to try every flow (never in production; twice is once)"
    ).set_defaults(fn=cmd_demo)

    users = sub.add_parser("users", help="manage staff users").add_subparsers(
        dest="users_command", required=True
    )
    create = users.add_parser("create", help="create a staff user")
    create.add_argument("--email", required=True)
    create.add_argument("--password", required=True)
    create.add_argument("--name", required=True)
    create.add_argument(
        "--role",
        action="append",
        required=True,
        choices=["reviewer", "approver", "finance", "admin", "auditor"],
        help="repeatable",
    )
    create.add_argument(
        "--district",
        action="append",
        choices=sorted(WUHAN_DISTRICTS),
        help="a district (GB/T 2260) whose applications alone the user sees; repeatable; "
        "none: the city",
    )
    create.set_defaults(fn=cmd_users_create)

    aud = sub.add_parser("audit", help="the audit trail").add_subparsers(
        dest="audit_command", required=True
    )
    aud.add_parser("verify", help="check the hash chain; names the first bad row").set_defaults(
        fn=cmd_audit_verify
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.fn(args))


if __name__ == "__main__":
    sys.exit(main())
