"""Seed the bench database with N applications across programs and organizations, fast.

Organizations, users and tokens (a few thousand rows) come from Python; applications, their lines
and their audit events are generated inside PostgreSQL (`INSERT … SELECT … generate_series`, and
`audit_seal` for the hash chain, as the workers seal it), with the plain indexes dropped during
the load and built afterwards. A seeded database records what it holds in `bench_meta` and is
reused as it is.

Rows the benchmark itself writes (POSTs of the portal and the floor) are removed by `reset()`,
so every run starts from the same N rows. Audit events are append-only and stay.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg

from bench.servers import BenchServers, database
from domain.uscc import ALPHABET, check_character
from sql import audit

STAFF_TOKEN = "bench-staff-reviewer-0000000000000000000000"  # noqa: S105 - a bench-only token
# A well-formed argon2id string; the bench never logs in with a password.
PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$YmVuY2hzYWx0YmVuY2g$" + "A" * 43


def applicant_token(n: int) -> str:
    return f"bench-applicant-{n:06d}-00000000000000000000000000"


def _uscc(n: int) -> str:
    body = "91420106"
    digits = ""
    x = n + 1
    for _ in range(9):
        x, r = divmod(x * 7 + 3, 31)
        digits += ALPHABET[r]
    first17 = body + digits
    return first17 + check_character(first17)


@dataclass(frozen=True)
class Seeded:
    rows: int
    orgs: int
    watermark: datetime  # every seeded row was created before this
    seconds: float  # how long seeding took (0 when reused)


_TYPES = """
CREATE TABLE bench_types (k int PRIMARY KEY, type text, program text, prefix text, title text);
INSERT INTO bench_types VALUES
  (0, 'event_filing', 'event-support', 'EV', '人工智能大会备案'),
  (1, 'event_filing', 'event-support', 'EV', '人工智能创新大赛备案'),
  (2, 'event_filing', 'event-support', 'EV', '智能产业博览会备案'),
  (3, 'event_filing', 'event-support', 'EV', '算法挑战赛备案'),
  (4, 'event_filing', 'event-support', 'EV', '开发者大会备案'),
  (5, 'event_filing', 'event-support', 'EV', '人工智能论坛备案'),
  (6, 'event_claim', 'event-support', 'EC', '人工智能大会兑现申报'),
  (7, 'event_claim', 'event-support', 'EC', '创新大赛兑现申报'),
  (8, 'event_claim', 'event-support', 'EC', '博览会兑现申报'),
  (9, 'event_claim', 'event-support', 'EC', '论坛兑现申报'),
  (10, 'ipo_domestic_claim', 'ipo-domestic', 'ID', '境内首发上市奖励'),
  (11, 'ipo_domestic_claim', 'ipo-domestic', 'ID', '科创板上市奖励'),
  (12, 'ipo_overseas_claim', 'ipo-overseas', 'IO', '境外上市奖励'),
  (13, 'scenario_project', 'scenario-project', 'SP', '智慧医疗示范场景'),
  (14, 'scenario_project', 'scenario-project', 'SP', '智能制造示范场景'),
  (15, 'scenario_project', 'scenario-project', 'SP', '智慧交通示范场景'),
  (16, 'scenario_project', 'scenario-project', 'SP', '智慧政务示范场景'),
  (17, 'scenario_project', 'scenario-project', 'SP', '智能教育示范场景'),
  (18, 'unveiling_award', 'unveiling-award', 'UA', '揭榜挂帅项目奖励'),
  (19, 'unveiling_award', 'unveiling-award', 'UA', '揭榜挂帅攻关奖励');
CREATE TABLE bench_statuses (k int PRIMARY KEY, status text, referenced bool, awarded bool);
INSERT INTO bench_statuses
SELECT k, s.status, s.referenced, s.awarded
FROM generate_series(0, 39) k
JOIN (VALUES
  (0, 8, 'draft', false, false),
  (8, 18, 'submitted', false, false),
  (18, 22, 'reviewed', false, false),
  (22, 24, 'returned', false, false),
  (24, 26, 'recognized', true, false),
  (26, 29, 'approved', true, true),
  (29, 31, 'publicized', true, true),
  (31, 33, 'confirmed', true, true),
  (33, 37, 'disbursed', true, true),
  (37, 38, 'rejected', false, false),
  (38, 39, 'withdrawn', false, false),
  (39, 40, 'lapsed', false, false)
) AS s (lo, hi, status, referenced, awarded) ON k >= s.lo AND k < s.hi;
"""

_APPLICATIONS = """
INSERT INTO applications (org_id, type, status, program_code, program_version, reference, title,
    payload, amount_requested_fen, amount_approved_fen, award, budget_year, created_by,
    submitted_at, created_at, updated_at, fingerprint)
SELECT o.org_id, t.type, s.status, t.program, 1,
       CASE WHEN s.referenced THEN 'WHAI-' || t.prefix || '-' || extract(year FROM c.at)::int
                                   || '-' || lpad(g::text, 7, '0') END,
       t.title || ' ' || g,
       jsonb_build_object(
           'title', t.title || ' ' || g,
           'event_type', 'contest', 'level', 'international', 'venue', '武汉国际博览中心',
           'district', '420105', 'starts_on', to_char(c.at + interval '60 days', 'YYYY-MM-DD'),
           'ends_on', to_char(c.at + interval '62 days', 'YYYY-MM-DD'),
           'expected_attendance', 1000 + g % 9000, 'co_organizers', '[]'::jsonb,
           'documents', '[]'::jsonb),
       (g % 997 + 1) * 300000,
       CASE WHEN s.awarded THEN (g % 997 + 1) * 150000 END,
       CASE WHEN s.awarded THEN jsonb_build_object(
           'amount_fen', (g % 997 + 1) * 150000, 'capped', false,
           'breakdown', jsonb_build_array(jsonb_build_object(
               'label', 'eligible costs x 50%', 'label_zh', '核定费用×50%',
               'amount_fen', (g % 997 + 1) * 150000)),
           'rule_zh', '按核定费用的50%给予支持', 'rule_en', '50% of eligible costs',
           'program_version', 1, 'approved_total_fen', (g % 997 + 1) * 300000) END,
       CASE WHEN s.awarded THEN extract(year FROM c.at)::int END,
       o.user_id,
       CASE WHEN s.status NOT IN ('draft') THEN c.at + interval '1 day' END,
       c.at, c.at + interval '2 days',
       substr(md5(o.uscc || t.title || (g % 50000)), 1, 32)
FROM generate_series(1, $1::bigint) g
CROSS JOIN LATERAL (SELECT $2::timestamptz + g * $3::interval AS at) c
JOIN bench_orgs o ON o.n = (g * 7919) % $4::int
JOIN bench_types t ON t.k = (g + g / 20) % 20
JOIN bench_statuses s ON s.k = (g * 7 + g / 40) % 40
"""

_LINES = """
INSERT INTO application_lines (application_id, line_no, kind, category, description, amount_fen,
                               invoice_numbers)
SELECT a.id, i,
       CASE a.type WHEN 'event_filing' THEN 'budget' WHEN 'event_claim' THEN 'expense'
                   ELSE 'investment' END,
       (ARRAY['venue', 'promotion', 'prizes'])[i + 1],
       (ARRAY['场地租赁', '宣传推广', '奖金'])[i + 1],
       a.amount_requested_fen / 3,
       CASE WHEN a.type = 'event_claim'
            THEN ARRAY['INV-' || substr(a.id::text, 1, 8) || '-' || i] ELSE '{}' END
FROM applications a CROSS JOIN generate_series(0, 2) i
WHERE a.type IN ('event_filing', 'event_claim', 'scenario_project')
"""

# One 'application.created' event per application, written as audit_append writes it, then
# sealed into the chain by audit_seal, as the workers seal.
_AUDIT = """
INSERT INTO audit_events (at, actor, action, entity_type, entity_id, data)
SELECT created_at, 'user:' || created_by, 'application.created', 'application', id::text,
       jsonb_build_object('to_status', 'draft', 'actor_name', '张三', 'type', type)
FROM applications ORDER BY created_at, id
"""

_PLAIN_INDEXES = """
SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
WHERE i.indrelid = ANY($1::regclass[])
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
"""


async def seeded(conn: asyncpg.Connection) -> Seeded | None:
    if not await conn.fetchval("SELECT to_regclass('bench_meta') IS NOT NULL"):
        return None
    row = await conn.fetchrow("SELECT rows, orgs, watermark FROM bench_meta")
    return None if row is None else Seeded(row["rows"], row["orgs"], row["watermark"], 0.0)


async def seed(conn: asyncpg.Connection, rows: int, orgs: int, log=print) -> Seeded:  # type: ignore[no-untyped-def]
    """Fill an empty, migrated database; returns what it holds."""
    started = time.monotonic()
    now = datetime.now(UTC).replace(microsecond=0)
    first = now - timedelta(days=730)
    step = timedelta(days=729) / rows
    await conn.execute("SET session_replication_role = replica")  # our rows are consistent
    await conn.execute("SET maintenance_work_mem = '512MB'")
    await conn.execute("SET synchronous_commit = off")

    org_ids = [uuid.uuid4() for _ in range(orgs)]
    user_ids = [uuid.uuid4() for _ in range(orgs)]
    await conn.copy_records_to_table(
        "organizations",
        records=[
            (
                org_ids[n],
                f"武汉智能科技有限公司{n:05d}",
                _uscc(n),
                "420106",
                "张三",
                "027-8888 6666",
                first,
            )
            for n in range(orgs)
        ],
        columns=[
            "id",
            "name",
            "uscc",
            "district_code",
            "contact_name",
            "contact_phone",
            "created_at",
        ],
    )
    staff_id = uuid.uuid4()
    await conn.copy_records_to_table(
        "users",
        records=[
            (
                user_ids[n],
                f"applicant{n}@bench.example.cn",
                "张三",
                PASSWORD_HASH,
                org_ids[n],
                "org_admin",
                first,
                first,
            )
            for n in range(orgs)
        ]
        + [
            (
                staff_id,
                "reviewer@bench.example.cn",
                "审核员",
                PASSWORD_HASH,
                None,
                None,
                first,
                first,
            )
        ],
        columns=[
            "id",
            "email",
            "name",
            "password_hash",
            "org_id",
            "org_role",
            "created_at",
            "email_verified_at",
        ],
    )
    await conn.execute(
        "INSERT INTO user_roles (user_id, role, granted_at) VALUES ($1, 'reviewer', $2)",
        staff_id,
        first,
    )
    expires = now + timedelta(days=3650)
    await conn.copy_records_to_table(
        "api_tokens",
        records=[
            (hashlib.sha256(applicant_token(n).encode()).digest(), user_ids[n], now, expires)
            for n in range(orgs)
        ]
        + [(hashlib.sha256(STAFF_TOKEN.encode()).digest(), staff_id, now, expires)],
        columns=["token_hash", "user_id", "created_at", "expires_at"],
    )
    await conn.execute(
        "CREATE TABLE bench_orgs (n int PRIMARY KEY, org_id uuid, user_id uuid, uscc text)"
    )
    await conn.copy_records_to_table(
        "bench_orgs", records=[(n, org_ids[n], user_ids[n], _uscc(n)) for n in range(orgs)]
    )
    await conn.execute(_TYPES)

    indexes = await conn.fetch(_PLAIN_INDEXES, ["applications", "application_lines"])
    for ix in indexes:
        await conn.execute(f'DROP INDEX "{ix["name"]}"')
    t = time.monotonic()
    await conn.execute(_APPLICATIONS, rows, first, step, orgs)
    log(f"  applications: {rows:,} rows in {time.monotonic() - t:.1f}s")
    t = time.monotonic()
    await conn.execute(_LINES)
    log(f"  application lines in {time.monotonic() - t:.1f}s")
    t = time.monotonic()
    for ix in indexes:
        await conn.execute(ix["definition"])
    log(f"  {len(indexes)} indexes rebuilt in {time.monotonic() - t:.1f}s")
    t = time.monotonic()
    await conn.execute(_AUDIT)
    await audit.seal(conn)
    log(f"  audit chain: {rows:,} events in {time.monotonic() - t:.1f}s")
    await conn.execute("RESET session_replication_role")
    await conn.execute(
        "CREATE TABLE bench_meta "
        "(rows int NOT NULL, orgs int NOT NULL, watermark timestamptz NOT NULL)"
    )
    await conn.execute("INSERT INTO bench_meta VALUES ($1, $2, $3)", rows, orgs, now)
    t = time.monotonic()
    await conn.execute("VACUUM (ANALYZE) applications")
    await conn.execute("VACUUM (ANALYZE) application_lines")
    await conn.execute("VACUUM (ANALYZE) audit_events")
    await conn.execute("ANALYZE")
    log(f"  vacuum and analyze in {time.monotonic() - t:.1f}s")
    return Seeded(rows, orgs, now, time.monotonic() - started)


# A day's worth of answered Idempotency-Keys, as production holds (keys are kept 24 h). Emptied
# between figures, the table looked empty to the planner when the pool's connections made their
# generic plans, and those kept a sequential scan while the figure filled it: twice the
# PostgreSQL time per request (docs/PERFORMANCE.md, item 19).
HELD_KEYS = """
INSERT INTO idempotency_keys (scope, key, request_hash, created_at, completed_at, status_code,
                              content_type, body)
SELECT 'bench:held', 'held-' || g, sha256(g::text::bytea), now(), now(), 201,
       'application/json', '{}'::bytea
FROM generate_series(1, 20000) AS g
ON CONFLICT DO NOTHING
"""

_WRITTEN_BY_A_RUN = (
    "applications",
    "application_lines",
    "outbox",
    "idempotency_keys",
    "audit_events",
)


async def reset(conn: asyncpg.Connection, meta: Seeded) -> int:
    """Remove what earlier benchmark runs wrote; returns how many applications went.

    Foreign-key triggers are skipped (`session_replication_role = replica`): applications.filing_id
    has no index of its own, so each deleted row would otherwise scan the table. Nothing refers to
    a bench-written draft but its lines, which go first.
    """
    async with conn.transaction():
        await conn.execute("SET LOCAL session_replication_role = replica")
        await conn.execute(
            """DELETE FROM application_lines WHERE application_id IN
                   (SELECT id FROM applications WHERE created_at >= $1)""",
            meta.watermark,
        )
        status = await conn.execute(
            "DELETE FROM applications WHERE created_at >= $1", meta.watermark
        )
        await conn.execute("DELETE FROM outbox WHERE created_at >= $1", meta.watermark)
        await conn.execute("DELETE FROM idempotency_keys WHERE scope <> 'bench:held'")
        await conn.execute("DELETE FROM export_jobs")  # an interrupted run may leave one open
    removed = int(status.split()[-1])
    # Vacuumed now, not by autovacuum in the middle of the next figure: what a run deleted, and
    # the audit rows that sealing rewrote (one dead version per event).
    await conn.execute(HELD_KEYS)
    for table in _WRITTEN_BY_A_RUN:
        await conn.execute(f"VACUUM (ANALYZE) {table}")
    return removed


async def prepare(
    servers: BenchServers, name: str, rows: int, orgs: int, log=print
) -> tuple[str, Seeded]:  # type: ignore[no-untyped-def]
    """Reuse the seeded database `name`, or (re)create and seed it; then remove earlier runs'
    writes. Returns its URL and what it holds."""
    url = await database(servers, name)
    conn = await asyncpg.connect(url)
    try:
        meta = await seeded(conn)
        if meta is not None and (meta.rows, meta.orgs) == (rows, orgs):
            removed = await reset(conn, meta)
            log(
                f"reusing the seeded database {name} ({meta.rows:,} applications); "
                f"removed {removed:,} applications earlier runs wrote"
            )
            return url, meta
    finally:
        await conn.close()
    log(f"seeding {rows:,} applications across {orgs:,} organizations into {name} (reused after)")
    url = await database(servers, name, fresh=True)
    conn = await asyncpg.connect(url)
    try:
        meta = await seed(conn, rows, orgs, log)
    finally:
        await conn.close()
    log(f"  seeded in {meta.seconds:.0f}s")
    return url, meta
