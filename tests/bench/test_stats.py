"""The bench's `stats` scenario (the public page and the staff's figures): run by default
and alone with `--only stats`, at 8 connections, each p99 held to 200 ms in the summary and shown
in the report; the seeded database records the payments of its disbursed awards (the figures
read them), once."""

from __future__ import annotations

from typing import Any

import asyncpg

from bench.__main__ import parse, summary
from bench.report import tables
from bench.seed import payments, seed
from sql.queries import Q


def _report(p99_ms: float) -> dict[str, Any]:
    figures = {"rps": 900.0, "p50_ms": 5.0, "p99_ms": p99_ms}
    return {
        "rows": 1_000_000,
        "wrk": {"connections": 32, "seconds": 10.0, "repeat": 3, "warmup": 5.0},
        "servers": {
            "portal-granian-1w": {
                name: {
                    "median": figures,
                    "connections": 8,
                    "cpu_us_per_request": {"app": 900.0, "postgres": 10.0},
                }
                for name in ("stats", "staff_stats")
            }
        },
    }


def test_the_stats_scenario_is_held_to_200_ms_at_the_99th_percentile() -> None:
    assert "stats" in parse([]).only  # `make bench` runs it
    args = parse(["--only", "stats", "--servers", "granian", "--workers", "1"])
    assert args.only == {"stats"}
    met = summary(_report(120.0), args)
    assert (
        "  [ok] granian 1 worker(s): public statistics page p99 120.0 ms at 1,000,000 rows, "
        "8 connections (target ≤ 200), 900 req/s"
    ) in met
    assert (
        "  [ok] granian 1 worker(s): staff statistics p99 120.0 ms at 1,000,000 rows, "
        "8 connections (target ≤ 200), 900 req/s"
    ) in met
    assert met[-1] == "  all targets met"
    missed = summary(_report(250.0), args)
    assert any(
        line.startswith("  [MISS] granian 1 worker(s): public statistics") for line in missed
    )
    assert missed[-1] == "  some targets missed (see above)"
    assert "| public statistics page, 8 connections | 900 | 5.0 | 120.0 | 900 + 10 |" in tables(
        _report(120.0)
    )


async def test_the_seeded_database_records_its_payments_once(db_url: str) -> None:
    conn = await asyncpg.connect(db_url)
    try:
        await seed(conn, 400, 5, log=lambda _: None)
        disbursed = await conn.fetchval(
            "SELECT count(*) FROM applications WHERE status = 'disbursed'"
        )
        assert disbursed > 0
        assert await conn.fetchval("SELECT count(*) FROM disbursements") == disbursed
        assert await payments(conn) == 0  # a reused database gets them once
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM disbursements d JOIN applications a ON a.id = d.application_id"
                " WHERE d.amount_fen <> a.amount_approved_fen OR d.paid_on < a.submitted_at::date"
            )
            == 0
        )
        row = await conn.fetchrow(Q.statistics_payment_days)
        assert row["n"] == disbursed and row["median"] is not None
    finally:
        await conn.close()
