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


async def _has_districts(conn: asyncpg.Connection) -> bool:
    """Whether the schema keeps an application's district (a database seeded before that
    migration, as the carry-over test seeds one, has none)."""
    found: bool = await conn.fetchval(
        "SELECT EXISTS (SELECT FROM information_schema.columns"
        " WHERE table_name = 'applications' AND column_name = 'district_code')"
    )
    return found


def _applications(districts: bool) -> str:
    # Where the trigger (off while seeding) would put it: an event's district, else the firm's.
    value = (
        ",\n       CASE WHEN t.type IN ('event_filing', 'event_claim') THEN '420105'"
        " ELSE substr(o.uscc, 3, 6) END"
    )
    return _APPLICATIONS.replace("{district}", ", district_code" if districts else "").replace(
        "{district_value}", value if districts else ""
    )


# Each type's payload as its form has it (the five programs' stored layout), with statuses
# that fit the type: an earlier application (a filing) is recognized where a claim is awarded.
_APPLICATIONS = """
INSERT INTO applications (org_id, type, status, program_code, program_version, reference, title,
    payload, amount_requested_fen, budget_year, created_by,
    submitted_at, created_at, updated_at, fingerprint{district})
SELECT o.org_id, t.type,
       CASE WHEN t.type = 'event_filing' AND s.awarded THEN 'recognized' ELSE s.status END,
       t.program, 1,
       CASE WHEN s.referenced THEN 'WHAI-' || t.prefix || '-' || extract(year FROM c.at)::int
                                   || '-' || lpad(g::text, 7, '0') END,
       t.title || ' ' || g,
       CASE t.type
         WHEN 'event_filing' THEN jsonb_build_object(
           'title', t.title || ' ' || g,
           'event_type', 'contest', 'level', 'international', 'venue', '武汉国际博览中心',
           'district', '420105', 'starts_on', to_char(c.at + interval '60 days', 'YYYY-MM-DD'),
           'ends_on', to_char(c.at + interval '62 days', 'YYYY-MM-DD'),
           'expected_attendance', 1000 + g % 9000, 'co_organizers', '[]'::jsonb,
           'lines', 'budget_lines')
         WHEN 'event_claim' THEN jsonb_build_object(
           'actual_attendance', 1000 + g % 9000, 'summary', '活动如期举办。',
           'lines', 'expense_lines')
         WHEN 'ipo_domestic_claim' THEN jsonb_build_object(
           'exchange', 'SSE', 'stock_code', '688' || lpad((g % 1000)::text, 3, '0'),
           'stages', jsonb_build_array(x.stage),
           'stage_dates', jsonb_build_object(x.stage, to_char(c.at, 'YYYY-MM-DD')),
           'disclosure', '招股说明书已披露。')
         WHEN 'ipo_overseas_claim' THEN jsonb_build_object(
           'exchange', 'HKEX', 'listed_on', to_char(c.at, 'YYYY-MM-DD'),
           'raised_total_fen', 100000000000, 'invested_in_wuhan_fen', 85000000000,
           'stock_code', lpad((g % 10000)::text, 4, '0'))
         WHEN 'scenario_project' THEN jsonb_build_object(
           'call_year', extract(year FROM c.at)::int, 'title', t.title || ' ' || g,
           'field', 'smart_manufacturing', 'total_investment_fen', x.lined,
           'starts_on', to_char(c.at, 'YYYY-MM-DD'),
           'ends_on', to_char(c.at + interval '300 days', 'YYYY-MM-DD'),
           'lines', 'investment_lines')
         ELSE jsonb_build_object(
           'task_list', 'ai_innovation', 'task_name', t.title || ' ' || g,
           'task_batch', '2025年第二批', 'certificate_no', 'JB-' || g,
           'transformation_summary', '成果已在武汉转化。')
       END || jsonb_build_object('documents', '[]'::jsonb)
           || CASE WHEN t.type = 'event_filing' THEN '{}'::jsonb
                   ELSE jsonb_build_object('payee', jsonb_build_object(
                       'account_name', '武汉智能科技有限公司', 'bank', '中国银行武汉分行',
                       'account_no', '6222020200012345678')) END,
       CASE t.type WHEN 'ipo_domestic_claim' THEN x.stage_fen
                   WHEN 'ipo_overseas_claim' THEN 600000000
                   WHEN 'unveiling_award' THEN 100000000 ELSE x.lined END,
       CASE WHEN s.awarded AND t.type <> 'event_filing' THEN extract(year FROM c.at)::int END,
       o.user_id,
       CASE WHEN s.status NOT IN ('draft') THEN c.at + interval '1 day' END,
       c.at, c.at + interval '2 days',
       substr(md5(o.uscc || t.title || (g % 50000)), 1, 32){district_value}
FROM generate_series(1, $1::bigint) g
CROSS JOIN LATERAL (SELECT $2::timestamptz + g * $3::interval AS at) c
CROSS JOIN LATERAL (SELECT (g % 997 + 1) * 600000 AS lined,  -- three lines of a third each
                           (ARRAY['tutoring', 'accepted', 'listed'])[g % 3 + 1] AS stage,
                           (ARRAY[200000000, 200000000, 400000000])[g % 3 + 1] AS stage_fen) x
JOIN bench_orgs o ON o.n = (g * 7919) % $4::int
JOIN bench_types t ON t.k = (g + g / 20) % 20
JOIN bench_statuses s ON s.k = (g * 7 + g / 40) % 40
"""

# A reviewer's cut of 123.45 on the first line of one awarded claim in four.
_LINES = """
INSERT INTO application_lines (application_id, line_no, kind, category, description, amount_fen,
                               invoice_numbers, approved_fen, cut_reason)
SELECT a.id, i,
       CASE a.type WHEN 'event_filing' THEN 'budget' WHEN 'event_claim' THEN 'expense'
                   ELSE 'investment' END,
       (ARRAY['venue', 'promotion', 'prizes'])[i + 1],
       (ARRAY['场地租赁', '宣传推广', '奖金'])[i + 1],
       a.amount_requested_fen / 3,
       CASE WHEN a.type = 'event_claim'
            THEN ARRAY['INV-' || substr(a.id::text, 1, 8) || '-' || i] ELSE '{}' END,
       CASE WHEN a.budget_year IS NOT NULL
            THEN a.amount_requested_fen / 3 - CASE WHEN c.cut THEN 12345 ELSE 0 END END,
       CASE WHEN a.budget_year IS NOT NULL AND c.cut THEN '超出标准部分核减' END
FROM applications a CROSS JOIN generate_series(0, 2) i
CROSS JOIN LATERAL (SELECT i = 0 AND a.amount_requested_fen / 600000 % 4 = 0 AS cut) c
WHERE a.type IN ('event_filing', 'event_claim', 'scenario_project')
"""

# The awards, as the first programs' calculators computed and stored them: event claims 50 % of
# the approved costs up to 2,000,000.00; scenario projects 30 % up to 1,000,000.00; unveiling
# 1,000,000.00; overseas listing 6,000,000.00; domestic listing the stage's amount within
# 8,000,000.00 a firm in all (a claim with nothing left is refused, not awarded).
_AWARDS = """
WITH approved AS (
    SELECT a.id, a.org_id, a.type, a.created_at, a.amount_requested_fen,
           (SELECT sum(l.approved_fen)::bigint  -- a sum of bigint is numeric: kept whole
            FROM application_lines l WHERE l.application_id = a.id) AS total_fen
    FROM applications a WHERE a.budget_year IS NOT NULL
), computed AS (
    SELECT id, total_fen,
           CASE type
             WHEN 'event_claim' THEN least(total_fen * 5000 / 10000, 200000000)
             WHEN 'scenario_project' THEN least(total_fen * 3000 / 10000, 100000000)
             WHEN 'unveiling_award' THEN 100000000
             WHEN 'ipo_overseas_claim' THEN 600000000
             ELSE least(amount_requested_fen, 800000000 - least(800000000, coalesce(sum(
                      amount_requested_fen) OVER (PARTITION BY org_id, type ORDER BY created_at, id
                      ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)))
           END AS award_fen,
           CASE type WHEN 'event_claim' THEN total_fen * 5000 / 10000 > 200000000
                     WHEN 'scenario_project' THEN total_fen * 3000 / 10000 > 100000000
                     ELSE false END AS capped
    FROM approved
)
UPDATE applications a
SET amount_approved_fen = nullif(c.award_fen, 0),
    status = CASE WHEN c.award_fen = 0 THEN 'rejected' ELSE a.status END,
    budget_year = CASE WHEN c.award_fen = 0 THEN NULL ELSE a.budget_year END,
    award = CASE WHEN c.award_fen > 0 THEN jsonb_build_object(
        'amount_fen', c.award_fen, 'capped', c.capped OR c.award_fen < a.amount_requested_fen
                                             AND a.type = 'ipo_domestic_claim',
        'breakdown', jsonb_build_array(jsonb_build_object(
            'label', 'award', 'label_zh', '奖补', 'amount_fen', c.award_fen)),
        'rule_zh', '第一批计算规则', 'rule_en', 'first rules',
        'program_version', 1, 'approved_total_fen', c.total_fen) END
FROM computed c WHERE c.id = a.id
"""

# One 'application.created' event per application, written as audit_append writes it, then
# sealed into the chain by audit_seal, as the workers seal.
_AUDIT = """
INSERT INTO audit_events (at, actor, action, entity_type, entity_id, data)
SELECT created_at, 'user:' || created_by, 'application.created', 'application', id::text,
       jsonb_build_object('to_status', 'draft', 'actor_name', '张三', 'type', type)
FROM applications ORDER BY created_at, id
"""

# The payments of the disbursed awards, as finance records them (the statistics read them): the
# award, paid up to 89 days after the last status change. Seeded databases from before had none.
_PAYMENTS = """
INSERT INTO disbursements (application_id, paid_on, amount_fen, reference, recorded_by,
                           recorded_at)
SELECT a.id, d.paid_on, a.amount_approved_fen, 'BENCH-' || a.reference, s.id,
       d.paid_on::timestamp AT TIME ZONE 'Asia/Shanghai'
FROM applications a
CROSS JOIN LATERAL (SELECT (a.updated_at AT TIME ZONE 'Asia/Shanghai')::date
                           + abs(hashtext(a.id::text)) % 90 AS paid_on) d
JOIN users s ON s.email = 'reviewer@bench.example.cn'
WHERE a.status = 'disbursed' AND a.amount_approved_fen IS NOT NULL
  AND NOT EXISTS (SELECT FROM disbursements x WHERE x.application_id = a.id)
"""


async def payments(conn: asyncpg.Connection) -> int:
    """Record the disbursed awards' payments once; how many were added."""
    if await conn.fetchval("SELECT EXISTS (SELECT FROM disbursements)"):
        return 0
    added = int((await conn.execute(_PAYMENTS)).split()[-1])
    await conn.execute("VACUUM (ANALYZE) disbursements")
    return added


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
    await conn.execute(_applications(await _has_districts(conn)), rows, first, step, orgs)
    log(f"  applications: {rows:,} rows in {time.monotonic() - t:.1f}s")
    t = time.monotonic()
    await conn.execute(_LINES)
    await conn.execute(_AWARDS)
    log(f"  application lines and awards in {time.monotonic() - t:.1f}s")
    t = time.monotonic()
    for ix in indexes:
        await conn.execute(ix["definition"])
    log(f"  {len(indexes)} indexes rebuilt in {time.monotonic() - t:.1f}s")
    t = time.monotonic()
    await conn.execute(_AUDIT)
    await audit.seal(conn)
    log(f"  audit chain: {rows:,} events in {time.monotonic() - t:.1f}s")
    await conn.execute("RESET session_replication_role")
    t = time.monotonic()
    log(f"  payments: {await payments(conn):,} in {time.monotonic() - t:.1f}s")
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
# PostgreSQL time per request.
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
            if added := await payments(conn):
                log(f"recorded the payments of {added:,} disbursed awards (seeded before them)")
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
