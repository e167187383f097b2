"""The five first programs carried over onto definitions: applications stored by the hand-written
programs, migrated, keep every award to the fen when the engine computes it again, and one still
in review is read and approved through the API.

The oracle is the first wave's own code: first_wave_awards.json was computed by the first-wave
calculators at 9e31be4 (domain/programs.py, its handlers' payload `split` and `review_lines`, its
`award_json`), run by first_wave_awards.py on a checkout of that commit; see that module. It holds
every program's cases under version 1 and under a version 2 with other numbers (rates, caps, stage
amounts, shares), published before the one engine. Its rows are inserted as the first wave wrote
them into a database migrated up to the migration before the one engine's, which is then
migrated to the present.
"""

from __future__ import annotations

import collections
import hashlib
import json
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
import pytest

from bench.seed import seed
from domain.definition import fields
from domain.definition.award import compute
from domain.money import Money, fen_text
from portal.applications.types import lines_from_rows
from portal.programs import engine, forms
from portal.programs.forms import bound_of, values_of
from sql.applications import lock
from sql.migrate import load_migrations, migrate
from sql.pool import create_pool
from sql.queries import Q
from sql.settings import Settings
from tests.conftest import with_database
from tests.factories import bearer
from tests.portal.conftest import StaffFactory
from tests.portal.flows import decide, ok

ONE_ENGINE = "0025_one_engine.sql"
FIRST_WAVE: dict[str, Any] = json.loads(
    Path(__file__).with_name("first_wave_awards.json").read_text(encoding="utf-8")
)
CARRIED = "portal_carry_over_first_wave"
APPLICANT_TOKEN = "carry-over-applicant-00000000000000000000000000"
PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$YmVuY2hzYWx0YmVuY2g$" + "A" * 43


async def _migrated_before(url: str, tmp: Path) -> None:
    """Every migration before the one engine's."""
    tmp.mkdir()
    for m in load_migrations():
        if m.name < ONE_ENGINE:
            (tmp / m.name).write_text(m.sql, encoding="utf-8")
    await migrate(url, tmp)


def _at(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


async def _first_wave_rows(conn: asyncpg.Connection) -> None:
    """The fixture's rows, written as the first wave wrote them (its schema, its payloads)."""
    orgs = {o["key"]: o for o in FIRST_WAVE["organizations"]}
    apps = FIRST_WAVE["applications"]
    since = datetime.fromisoformat("2024-06-01T09:00:00+08:00")
    staff = {role: UUID(int=i + 1) for i, role in enumerate(("reviewer", "approver"))}
    for o in orgs.values():
        await conn.execute(
            "INSERT INTO organizations (id, name, uscc, district_code, contact_name,"
            " contact_phone, created_at) VALUES ($1, $2, $3, $4, '张三', '027-88886666', $5)",
            UUID(o["id"]), o["name"], o["uscc"], o["district_code"], since,
        )  # fmt: skip
        await conn.execute(
            "INSERT INTO users (id, email, name, password_hash, org_id, org_role, created_at,"
            " email_verified_at) VALUES ($1, $2, '张三', $3, $4, 'org_admin', $5, $5)",
            UUID(o["user_id"]), f"{o['key']}@first-wave.example.cn", PASSWORD_HASH,
            UUID(o["id"]), since,
        )  # fmt: skip
    for role, user_id in staff.items():
        await conn.execute(
            "INSERT INTO users (id, email, name, password_hash, created_at) VALUES"
            " ($1, $2, '审核员', $3, $4)",
            user_id, f"{role}@first-wave.wuhan.gov.cn", PASSWORD_HASH, since,
        )  # fmt: skip
        await conn.execute(
            "INSERT INTO user_roles (user_id, role, granted_at) VALUES ($1, $2, $3)",
            user_id, role, since,
        )  # fmt: skip
    await conn.execute(
        "INSERT INTO api_tokens (token_hash, user_id, created_at, expires_at)"
        " VALUES ($1, $2, $3, '2099-01-01')",
        hashlib.sha256(APPLICANT_TOKEN.encode()).digest(), UUID(orgs["events"]["user_id"]), since,
    )  # fmt: skip

    for v in FIRST_WAVE["versions"]:
        if v["version"] == 1:  # shipped by the migrations: the oracle computed with these
            stored = await conn.fetchval(
                "SELECT params FROM program_versions WHERE program_code = $1 AND version = 1",
                v["program_code"],
            )
            assert json.loads(stored) == v["params"], v["program_code"]
            continue
        published = _at(v["published_at"])
        await conn.execute(
            "INSERT INTO program_versions (program_code, version, effective_from, effective_to,"
            " params, note, created_at, created_by, status, published_at, published_by)"
            " VALUES ($1, $2, $3::text::date, $4::text::date, $5::jsonb, '第二版参数', $6,"
            " 'admin:first-wave', 'published', $6, 'admin:first-wave')",
            v["program_code"], v["version"], v["effective_from"], v["effective_to"],
            json.dumps(v["params"]), published,
        )  # fmt: skip

    documents = {
        (d["document_id"], a["org"]) for a in apps for d in a["payload"].get("documents", [])
    }
    for doc_id, org in documents:
        await conn.execute(
            "INSERT INTO documents (id, org_id, uploaded_by, filename, content_type, size_bytes,"
            " sha256, storage_key, created_at) VALUES ($1, $2, $3, 'scan.pdf', 'application/pdf',"
            " 1024, $4, $5, $6)",
            UUID(doc_id), UUID(orgs[org]["id"]), UUID(orgs[org]["user_id"]),
            hashlib.sha256(doc_id.encode()).digest(), f"first-wave/{doc_id}", since,
        )  # fmt: skip

    for a in apps:
        decided = _at(a["decided_at"])
        filing = next((f["id"] for f in apps if f["key"] == a["filing"]), None)
        await conn.execute(
            "INSERT INTO applications (id, org_id, type, status, program_code, program_version,"
            " reference, title, payload, filing_id, amount_requested_fen, amount_approved_fen,"
            " award, budget_year, passed_by, approved_by, created_by, submitted_at, created_at,"
            " updated_at, fingerprint) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10,"
            " $11, $12, $13::jsonb, $14, $15, $16, $17, $18, $19, $20, $21)",
            UUID(a["id"]), UUID(orgs[a["org"]]["id"]), a["type"], a["status"],
            a["program_code"], a["program_version"], a["reference"], a["title"],
            json.dumps(a["payload"], ensure_ascii=False), UUID(filing) if filing else None,
            a["amount_requested_fen"], a["amount_approved_fen"],
            json.dumps(a["award"], ensure_ascii=False) if a["award"] else None,
            a["budget_year"], staff["reviewer"] if decided else None,
            staff["approver"] if a["award"] else None, UUID(orgs[a["org"]]["user_id"]),
            _at(a["submitted_at"]), _at(a["created_at"]), decided or _at(a["submitted_at"]),
            a["fingerprint"],
        )  # fmt: skip
        for i, x in enumerate(a["lines"]):
            await conn.execute(
                "INSERT INTO application_lines (application_id, line_no, kind, category,"
                " description, amount_fen, invoice_numbers, document_ids, approved_fen,"
                " cut_reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                UUID(a["id"]), i, x["kind"], x["category"], x["description"], x["amount"],
                x["invoice_numbers"], [UUID(d) for d in x["document_ids"]], x["approved"],
                x["cut_reason"],
            )  # fmt: skip

    # Each year's budget, with what its awards reserved; the claim in review is paid from 2026's.
    reserved: dict[tuple[str, int], int] = collections.Counter({("event-support", 2026): 0})
    for a in apps:
        if a["award"]:
            reserved[(a["program_code"], a["budget_year"])] += a["amount_approved_fen"]
    for (code, year), fen in reserved.items():
        await conn.execute(
            "INSERT INTO budgets (program_code, year, allocated_fen, reserved_fen, updated_at)"
            " VALUES ($1, $2, 5000000000, $3, $4)",
            code, year, fen, since,
        )  # fmt: skip
    for c in FIRST_WAVE["reference_counters"]:
        await conn.execute(
            "INSERT INTO reference_counters (prefix, year, last) VALUES ($1, $2, $3)",
            c["prefix"], c["year"], c["last"],
        )  # fmt: skip


@pytest.fixture(scope="module")
async def carried_over(
    servers: Settings, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """A database the first wave filled, then migrated to the present: kept as a template."""
    assert servers.database_url
    admin = await asyncpg.connect(servers.database_url)
    await admin.execute(f"DROP DATABASE IF EXISTS {CARRIED} WITH (FORCE)")
    await admin.execute(f"CREATE DATABASE {CARRIED}")
    url = with_database(servers.database_url, CARRIED)
    await _migrated_before(url, tmp_path_factory.mktemp("first_wave") / "migrations")
    conn = await asyncpg.connect(url)
    try:
        await _first_wave_rows(conn)
    finally:
        await conn.close()
    assert ONE_ENGINE in await migrate(url)
    try:
        yield url
    finally:
        await admin.execute(f"DROP DATABASE IF EXISTS {CARRIED} WITH (FORCE)")
        await admin.close()


@pytest.fixture
async def db_url(servers: Settings, carried_over: str) -> AsyncIterator[str]:
    """This module's tests' database: a copy of the carried-over one (the app and `staff` use
    it through the shared fixtures)."""
    assert servers.database_url
    name = f"{CARRIED}_copy"
    forms.forget()  # the process's definitions were another database's
    admin = await asyncpg.connect(servers.database_url)
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin.execute(f"CREATE DATABASE {name} TEMPLATE {CARRIED}")
        yield with_database(servers.database_url, name)
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    finally:
        await admin.close()
        forms.forget()


Seen = tuple[int, bool, list[int]]


def _seen(award: dict[str, Any]) -> Seen:
    """What must not move: the amount, whether a limit bit, and each breakdown line's amount."""
    return award["amount_fen"], award["capped"], [b["amount_fen"] for b in award["breakdown"]]


AWARDED = [a for a in FIRST_WAVE["applications"] if a["award"]]  # in the order approved
BEFORE = {a["key"]: _seen(a["award"]) for a in AWARDED}


async def _computed_again(db_url: str) -> dict[str, Seen]:
    """Each award computed again as the approval computes it (engine.award, which reads the
    firm's other awards from the database), in the order they were approved: the awards made
    after one are unmade until their turn, in a transaction undone."""
    computed: dict[str, Seen] = {}
    pool = await create_pool(db_url, min_size=1, max_size=1)
    try:
        async with pool.acquire() as conn:
            stored = {
                r["id"]: (r["amount_approved_fen"], r["award"])
                for r in await conn.fetch(
                    "SELECT id, amount_approved_fen, award FROM applications"
                    " WHERE award IS NOT NULL"
                )
            }
            # The migration itself moved no award.
            assert stored == {
                UUID(a["id"]): (a["amount_approved_fen"], a["award"]) for a in AWARDED
            }
            undone = conn.transaction()
            await undone.start()
            try:
                await conn.execute(
                    "UPDATE applications SET award = NULL, amount_approved_fen = NULL"
                    " WHERE award IS NOT NULL"
                )
                for a in AWARDED:
                    row = await lock(conn, UUID(a["id"]))
                    assert row is not None
                    b = await bound_of(conn, row)
                    lines = lines_from_rows(await conn.fetch(Q.lines_of, row["id"]))
                    award = await engine.award(conn, b, row, lines)
                    assert award is not None, a["key"]
                    computed[a["key"]] = (
                        award.amount.fen,
                        award.capped,
                        [x.amount.fen for x in award.breakdown],
                    )
                    await conn.execute(
                        "UPDATE applications SET award = $2, amount_approved_fen = $3"
                        " WHERE id = $1",
                        row["id"], a["award"], a["amount_approved_fen"],
                    )  # fmt: skip
            finally:
                await undone.rollback()
    finally:
        await pool.close()
    return computed


def test_the_cases_cover_every_program_and_version() -> None:
    assert {a["type"] for a in AWARDED} == {
        "event_claim",
        "ipo_domestic_claim",
        "ipo_overseas_claim",
        "scenario_project",
        "unveiling_award",
    }
    assert {(a["program_code"], a["program_version"]) for a in AWARDED} == {
        (v["program_code"], v["version"]) for v in FIRST_WAVE["versions"]
    }
    assert sum(a["award"]["capped"] for a in AWARDED) == 7  # the limits bit, not only the rates
    assert sum(a["inputs"].get("already_paid_fen", 0) > 0 for a in AWARDED) == 6


async def test_every_first_wave_award_is_the_same_to_the_fen_through_the_engine(
    db_url: str,
) -> None:
    """Amount, limit, and the breakdown's lines' amounts in their order (stages too)."""
    assert await _computed_again(db_url) == BEFORE


async def test_a_claim_in_review_at_the_carry_over_is_read_and_approved_through_the_api(
    client: Any, staff: StaffFactory
) -> None:
    live = next(a for a in FIRST_WAVE["applications"] if a["key"] == "live")
    filing = next(a for a in FIRST_WAVE["applications"] if a["key"] == live["filing"])
    applicant = bearer(APPLICANT_TOKEN)
    path = f"/api/v1/applications/{live['id']}"

    app = await ok(await client.get(path, headers=applicant))
    assert (app["type"], app["status"], app["program_version"]) == ("event_claim", "submitted", 2)
    assert app["payload"]["filing_id"] == filing["id"]
    assert app["payload"]["summary"] == live["payload"]["summary"]
    assert [(x["amount"], x["invoice_numbers"]) for x in app["payload"]["expense_lines"]] == [
        (fen_text(x["amount"]), x["invoice_numbers"]) for x in live["lines"]
    ]
    assert app["amount_requested"] == fen_text(live["amount_requested_fen"])

    # The reviewer may also approve, but not what they passed (four eyes).
    reviewer, approver = await staff("reviewer", "approver"), await staff("approver")
    cuts = live["pass_cuts"]
    await ok(
        await decide(
            client,
            reviewer,
            live["id"],
            "pass",
            approved_lines=cuts,
            line_reasons=dict.fromkeys(cuts, "超出标准部分核减"),
        )
    )
    refused = await decide(client, reviewer, live["id"], "approve")
    assert (refused.status_code, refused.json()["code"]) == (409, "same_reviewer"), refused.text
    decided = await ok(await decide(client, approver, live["id"], "approve"))
    expected = live["expected_award"]
    assert decided["award"]["amount"] == fen_text(expected["amount_fen"])

    app = await ok(await client.get(path, headers=applicant))
    assert app["status"] == "approved"
    assert app["amount_approved"] == fen_text(expected["amount_fen"])
    award = app["award"]
    assert (award["amount"], award["capped"], award["program_version"]) == (
        fen_text(expected["amount_fen"]),
        expected["capped"],
        2,
    )
    assert [x["amount"] for x in award["breakdown"]] == [
        fen_text(x["amount_fen"]) for x in expected["breakdown"]
    ]


# --------------------------------------------------------------------------- the bench's rows


@pytest.fixture
async def seeded_before(servers: Settings, tmp_path: Path) -> AsyncIterator[str]:
    """A database at the migration before the one engine's, seeded as the bench seeds."""
    assert servers.database_url
    name = "portal_carry_over_test"
    admin = await asyncpg.connect(servers.database_url)
    await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    await admin.execute(f"CREATE DATABASE {name}")
    url = with_database(servers.database_url, name)
    await _migrated_before(url, tmp_path / "migrations")
    conn = await asyncpg.connect(url)
    try:
        await seed(conn, rows=4000, orgs=30, log=lambda *_: None)
    finally:
        await conn.close()
    try:
        yield url
    finally:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin.close()


async def test_the_bench_seeds_awards_are_the_same_to_the_fen_after_the_carry_over(
    seeded_before: str,
) -> None:
    """The bench's many rows (its awards from bench.seed's own SQL, all under version 1): the
    migration takes every one to a definition whose award gives it again."""
    conn = await asyncpg.connect(seeded_before)
    try:
        before = {
            r["id"]: r["amount_approved_fen"]
            for r in await conn.fetch(
                "SELECT id, amount_approved_fen FROM applications WHERE award IS NOT NULL"
            )
        }
    finally:
        await conn.close()
    assert ONE_ENGINE in await migrate(seeded_before)
    forms.forget()
    pool = await create_pool(seeded_before, min_size=1, max_size=1)
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT * FROM applications WHERE award IS NOT NULL ORDER BY created_at, id"
        )
        assert len(rows) == len(before) > 500
        # The bench gives a firm one stage more than once, which the engine's history would
        # refuse: what each firm was paid is summed here, in the order the awards were made.
        paid: dict[tuple[Any, str], Money] = collections.defaultdict(lambda: Money.ZERO)
        capped = 0
        for row in rows:
            b = await bound_of(conn, row)
            lines = lines_from_rows(await conn.fetch(Q.lines_of, row["id"]))
            values = values_of(b, row["payload"], row["filing_id"])
            found = engine.amounts(b, values, lines, row["payload"].get("approved") or {})
            key = (row["org_id"], row["program_code"])
            award = compute(
                b.definition, found, paid[key], fields.chosen(values), frozenset(), b.article
            )
            paid[key] += award.amount
            assert award.amount.fen == before[row["id"]], (row["type"], row["id"])
            capped += award.capped
        assert capped > 10
    await pool.close()
    forms.forget()
