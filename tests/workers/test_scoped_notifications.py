"""Staff notifications keep to the staff's scope (workers.recipients): news of an application
reaches the staff of its district and the city's; work to do reaches only those who act at its
stage. Through the real path: the services' outbox rows, the relay, the inboxes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from sql.settings import Settings
from tests.factories import make_uscc, register
from tests.portal.conftest import StaffFactory
from tests.portal.flows import create, lodge_objection, ok, publicized_claim, submit
from tests.portal.test_program_claims import attach, model_claim
from tests.portal.test_queue_stages import HONGSHAN, WUCHANG, center_claim
from tests.portal.test_recoveries import paid_award, recovery_url
from tests.workers.harness import deliver_everything, job_ctx
from workers.reminders import review_sla_reminders

HANYANG = "420105"  # where the test events are held: their filings and claims are 汉阳's


async def told(pool: asyncpg.Pool, topic: str, application_id: str) -> set[str]:
    """Which staff found `topic` about the application in their inbox."""
    rows = await pool.fetch(
        "SELECT u.email FROM notifications n JOIN users u ON u.id = n.user_id"
        " WHERE n.topic = $1 AND n.application_id = $2::uuid AND u.org_id IS NULL",
        topic,
        application_id,
    )
    return {r["email"] for r in rows}


async def test_a_submission_reaches_its_districts_reviewers_and_the_citys_and_a_late_one_whoever_acts(
    client: AsyncTestClient,
    staff: StaffFactory,
    pool: asyncpg.Pool,
    settings: Settings,
    clock: FrozenClock,
) -> None:
    for email, districts in (
        ("hongshan@wuhan.gov.cn", (HONGSHAN,)),
        ("wuchang@wuhan.gov.cn", (WUCHANG,)),
        ("both@wuhan.gov.cn", (WUCHANG, HONGSHAN)),
        ("city@wuhan.gov.cn", ()),
    ):
        await staff("reviewer", email=email, districts=districts)
    await staff("approver", email="hongshan-appr@wuhan.gov.cn", districts=(HONGSHAN,))
    org = await register(client, uscc=make_uscc(HONGSHAN), name="武汉光谷智算中心有限公司")
    center = await center_claim(client, org)  # district first: 洪山's first review
    docs = await attach(client, org["token"], "certificate", "audit_report", "evidence")
    model = await create(client, org["token"], model_claim("洪山模型", documents=docs))
    await ok(await submit(client, org["token"], model["id"]))  # the city's review alone
    clock.set_date(dt.date(2026, 3, 10))  # six working days after Monday 2 March: overdue
    async with job_ctx(settings, clock) as ctx:
        assert await review_sla_reminders(ctx) == 2
    await deliver_everything(settings, clock, pool)

    in_scope = {"hongshan@wuhan.gov.cn", "both@wuhan.gov.cn", "city@wuhan.gov.cn"}
    for claim in (center, model):  # news: every reviewer whose scope covers 洪山
        assert await told(pool, "application.submit", claim["id"]) == in_scope
    # Work: the overdue first review, to those who take it.
    assert await told(pool, "reminder.review_sla", center["id"]) == {
        "hongshan@wuhan.gov.cn",
        "both@wuhan.gov.cn",
    }
    assert await told(pool, "reminder.review_sla", model["id"]) == {"city@wuhan.gov.cn"}


async def test_an_objection_reaches_the_citys_approvers_who_resolve_it(
    client: AsyncTestClient,
    staff: StaffFactory,
    pool: asyncpg.Pool,
    settings: Settings,
    clock: FrozenClock,
) -> None:
    org = await register(client, name="武汉智会科技有限公司")
    team = {
        "applicant": org["token"],
        "reviewer": await staff("reviewer", email="city-rev@wuhan.gov.cn"),
        "approver": await staff("approver", email="city-appr@wuhan.gov.cn"),
        "admin": await staff("admin"),
    }
    await staff("approver", "reviewer", email="hanyang@wuhan.gov.cn", districts=(HANYANG,))
    await staff("approver", "reviewer", email="wuchang@wuhan.gov.cn", districts=(WUCHANG,))
    claim = await publicized_claim(client, clock, team)
    await ok(await lodge_objection(client, claim["id"]), 201)
    await deliver_everything(settings, clock, pool)

    assert await told(pool, "application.submit", claim["id"]) == {
        "city-rev@wuhan.gov.cn",
        "hanyang@wuhan.gov.cn",
    }
    assert await told(pool, "objection.lodged", claim["id"]) == {"city-appr@wuhan.gov.cn"}


async def test_finance_hears_its_scopes_recoveries_and_the_city_the_work(
    client: AsyncTestClient,
    staff: StaffFactory,
    pool: asyncpg.Pool,
    settings: Settings,
    clock: FrozenClock,
) -> None:
    org = await register(client, uscc=make_uscc(WUCHANG), name="武汉出海科技有限公司")
    team: dict[str, Any] = {
        "applicant": org["token"],
        "reviewer": await staff("reviewer"),
        "approver": await staff("approver"),
        "finance": await staff("finance", email="city-fin@wuhan.gov.cn"),
        "admin": await staff("admin", email="city-admin@wuhan.gov.cn"),
    }
    await staff("finance", email="wuchang-fin@wuhan.gov.cn", districts=(WUCHANG,))
    await staff("finance", email="hongshan-fin@wuhan.gov.cn", districts=(HONGSHAN,))
    paid = await paid_award(client, team, clock)  # its follow-up found a recovery due
    due_on = (clock.today() + dt.timedelta(days=60)).isoformat()
    await ok(
        await client.post(
            recovery_url(paid),
            json={"amount": "1.00", "due_on": due_on, "reason": "在汉投资不足"},
            headers={"Authorization": f"Bearer {team['finance']}"},
        ),
        201,
    )
    await deliver_everything(settings, clock, pool)

    # A recovery to open is the city's finance's work; one opened is news for 武昌's too.
    assert await told(pool, "follow_up.recovery_due", paid) == {"city-fin@wuhan.gov.cn"}
    assert await told(pool, "recovery.opened", paid) == {
        "city-fin@wuhan.gov.cn",
        "wuchang-fin@wuhan.gov.cn",
    }
