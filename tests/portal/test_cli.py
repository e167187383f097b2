"""The `portal` command as an operator runs it, against the test session's real servers."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from tests.factories import token


def portal(*args: str, db_url: str, redis_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": db_url, "REDIS_URL": redis_url}
    return subprocess.run(
        [sys.executable, "-m", "portal.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "args",
    [[], ["serve"], ["worker"], ["migrate"], ["run"], ["users", "create"], ["audit", "verify"]],
)
def test_every_command_has_help(args: list[str]) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "portal.cli", *args, "--help"], capture_output=True, text=True
    )
    assert out.returncode == 0 and "usage: portal" in out.stdout


def test_every_portal_command_the_makefile_runs_exists() -> None:
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text(encoding="utf-8")
    commands = re.findall(r"\$\(BIN\)/portal ([a-z-]+)", makefile)
    assert commands  # `make run` at least
    for command in commands:
        out = subprocess.run(
            [sys.executable, "-m", "portal.cli", command, "--help"], capture_output=True, text=True
        )
        assert out.returncode == 0, f"make runs `portal {command}`: {out.stderr.strip()}"


async def test_users_create_makes_an_admin_who_gets_a_token(
    client: AsyncTestClient, db_url: str, redis_url: str
) -> None:
    out = portal(
        "users",
        "create",
        "--email",
        "Chief@Wuhan.gov.cn",
        "--password",
        "a strong passphrase",
        "--name",
        "管理员",
        "--role",
        "admin",
        "--role",
        "auditor",
        db_url=db_url,
        redis_url=redis_url,
    )
    assert out.returncode == 0, out.stderr
    tok = await token(client, "chief@wuhan.gov.cn", "a strong passphrase")
    me = (await client.get("/api/v1/me", headers={"Authorization": f"Bearer {tok}"})).json()
    assert me["user"]["roles"] == ["admin", "auditor"]
    again = portal(
        "users",
        "create",
        "--email",
        "chief@wuhan.gov.cn",
        "--password",
        "a strong passphrase",
        "--name",
        "x",
        "--role",
        "admin",
        db_url=db_url,
        redis_url=redis_url,
    )
    assert again.returncode == 1 and "already exists" in again.stderr


async def test_audit_verify_reports_the_first_bad_row(
    client: AsyncTestClient, db_url: str, redis_url: str
) -> None:
    for i in range(3):
        await client.post(
            "/api/v1/auth/token", json={"email": f"x{i}@a.cn", "password": "0123456789"}
        )
        portal(
            "users",
            "create",
            "--email",
            f"u{i}@a.cn",
            "--password",
            "a strong passphrase",
            "--name",
            "u",
            "--role",
            "reviewer",
            db_url=db_url,
            redis_url=redis_url,
        )
    ok = portal("audit", "verify", db_url=db_url, redis_url=redis_url)
    assert ok.returncode == 0 and "intact: 3 events" in ok.stdout
    conn = await asyncpg.connect(db_url)
    try:
        await conn.execute("SET session_replication_role = replica")
        await conn.execute("UPDATE audit_events SET data = '{}' WHERE seq = 2")
    finally:
        await conn.close()
    bad = portal("audit", "verify", db_url=db_url, redis_url=redis_url)
    assert bad.returncode == 2 and "broken at seq 2" in bad.stderr


def test_bad_setting_fails_fast_with_its_name(db_url: str, redis_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": db_url, "REDIS_URL": redis_url, "PORTAL_PORT": "eighty"}
    out = subprocess.run(
        [sys.executable, "-m", "portal.cli", "migrate"], env=env, capture_output=True, text=True
    )
    assert out.returncode != 0 and "PORTAL_PORT" in out.stderr
    env = {**env, "PORTAL_PORT": "8000", "PORTAL_ENV": "production"}
    out = subprocess.run(
        [sys.executable, "-m", "portal.cli", "migrate"], env=env, capture_output=True, text=True
    )
    assert out.returncode != 0 and "PORTAL_SECRET_KEY" in out.stderr
