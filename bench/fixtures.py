"""The requests wrk sends, built from the seeded database."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

import asyncpg
import msgspec

from bench.seed import STAFF_TOKEN, Seeded, applicant_token
from bench.wrk import Request
from portal.applications.views import encode_cursor
from tests.portal.flows import filing_body

QUEUE_STATUSES = ("submitted", "reviewed", "draft")
QUEUE_PROGRAMS = ("event-support", "scenario-project", "ipo-domestic")
CATEGORIES = ("venue", "construction", "promotion", "travel", "prizes", "equipment", "services")


def bench_body() -> dict[str, object]:
    """The test suite's valid event filing, with 10 budget lines."""
    lines = [
        {
            "category": CATEGORIES[i % len(CATEGORIES)],
            "description": f"预算明细第{i + 1}项",
            "amount": f"{(i + 1) * 100000}.00",
        }
        for i in range(10)
    ]
    return filing_body(budget_lines=lines)


def claim_body() -> dict[str, object]:
    """A claim on a program defined as data (vertical-model): its form read against its
    definition, then stored like any application."""
    return {
        "type": "program_claim",
        "program_code": "vertical-model",
        "fields": {
            "model_name": "江城工业质检大模型",
            "industry": "industrial_inspection",
            "filing_no": "Hubei-WuHan-202601010001",
            "deployment": "已在武汉三家工厂落地,日均调用十万次。",
            "rd_costs": "20000000.00",
        },
    }


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Fixtures:
    post: list[Request]
    post_idempotent: list[Request]
    get: list[Request]
    queue: list[Request]
    floor_post: list[Request]
    claim: list[Request]
    floor_claim: list[Request]
    floor_get: list[Request]
    floor_queue: list[Request]
    csv_headers: dict[str, str]
    body_bytes: int
    stats: list[Request]
    staff_stats: list[Request]


async def load(url: str, meta: Seeded, *, samples: int = 500, seed: int = 8) -> Fixtures:
    rnd = random.Random(seed)
    body = msgspec.json.encode(bench_body()).decode()
    json_headers = {"Content-Type": "application/json"}
    applicants = range(min(meta.orgs, 100))
    post = [
        Request(
            "POST", "/api/v1/applications", {**json_headers, **_bearer(applicant_token(n))}, body
        )
        for n in applicants
    ]
    claim = msgspec.json.encode(claim_body()).decode()
    claims = [
        Request(
            "POST", "/api/v1/applications", {**json_headers, **_bearer(applicant_token(n))}, claim
        )
        for n in applicants
    ]
    post_idem = [
        Request(
            "POST",
            "/api/v1/applications",
            {**json_headers, **_bearer(applicant_token(n))},
            body,
            idempotency_prefix=f"bench-{secrets.token_hex(6)}-{n}",
        )
        for n in applicants
    ]
    conn = await asyncpg.connect(url)
    try:
        pct = max(0.05, min(100.0, 100.0 * samples * 4 / meta.rows))
        rows = await conn.fetch(
            f"""SELECT a.id, o.n
                FROM applications a TABLESAMPLE SYSTEM ({pct:.3f}) REPEATABLE ({seed})
                JOIN bench_orgs o ON o.org_id = a.org_id
                WHERE a.created_at < $1 LIMIT $2""",
            meta.watermark,
            samples,
        )
        get = [
            Request("GET", f"/api/v1/applications/{r['id']}", _bearer(applicant_token(r["n"])))
            for r in rows
        ]
        floor_get = [Request("GET", f"/floor/applications/{r['id']}") for r in rows]
        queue: list[Request] = []
        floor_queue: list[Request] = []
        for status in QUEUE_STATUSES:
            for program in QUEUE_PROGRAMS:
                anchors = await conn.fetch(
                    f"""SELECT created_at, id FROM applications TABLESAMPLE SYSTEM ({pct:.3f})
                        REPEATABLE ({seed})
                        WHERE status = $1 AND program_code = $2 AND created_at < $3
                        LIMIT 20""",
                    status,
                    program,
                    meta.watermark,
                )
                base = {"status": status, "program": program, "limit": "50"}
                queue.append(
                    Request(
                        "GET", f"/api/v1/admin/applications?{urlencode(base)}", _bearer(STAFF_TOKEN)
                    )
                )
                for a in anchors:
                    query = urlencode({**base, "cursor": encode_cursor(a["created_at"], a["id"])})
                    queue.append(
                        Request("GET", f"/api/v1/admin/applications?{query}", _bearer(STAFF_TOKEN))
                    )
                    floor_query = urlencode(
                        {
                            "status": status,
                            "program": program,
                            "after_at": a["created_at"].isoformat(),
                            "after_id": str(a["id"]),
                        }
                    )
                    floor_queue.append(Request("GET", f"/floor/queue?{floor_query}"))
    finally:
        await conn.close()
    rnd.shuffle(get)
    rnd.shuffle(queue)
    rnd.shuffle(floor_queue)
    return Fixtures(
        post=post,
        post_idempotent=post_idem,
        get=get,
        queue=queue,
        floor_post=[Request("POST", "/floor/applications", json_headers, body)],
        claim=claims,
        floor_claim=[Request("POST", "/floor/applications", json_headers, claim)],
        floor_get=floor_get,
        floor_queue=floor_queue,
        csv_headers=_bearer(STAFF_TOKEN),
        body_bytes=len(body.encode()),
        # The public statistics page, as anyone reads it (no sign-in), in either language.
        stats=[
            Request("GET", "/statistics", {"Accept-Language": language})
            for language in ("zh-CN", "en")
        ],
        # The staff's figures (the city's scope): the backlog by stage and age, a month's decisions.
        staff_stats=[Request("GET", "/api/v1/admin/statistics", _bearer(STAFF_TOKEN))],
    )
