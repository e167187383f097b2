"""Every transition of the event-support path is told once, to the right people, in their language."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import asyncpg
from litestar.testing import AsyncTestClient

from domain.clock import FrozenClock
from sql.settings import Settings
from tests.factories import bearer, register
from tests.portal.conftest import StaffFactory
from tests.portal.flows import (
    ENDS,
    claim_body,
    create,
    decide,
    filing_body,
    lodge_objection,
    ok,
    publicized_claim,
    recognized_filing,
    submit,
)
from tests.workers.harness import deliver_everything, job_ctx
from tests.workers.smtp_sink import SmtpSink
from workers.relay import relay
from workers.scheduled import close_publicity, lapse_filings
from workers.sweep import sweep

TOLD_TO_REVIEWERS = {"application.submit", "application.uphold_objection"}
NOT_TOLD_TO_ORG = {"objection.lodged"}
# An objection reaches those who resolve it, once, in their inbox (the daily digest counts it).
TOLD_TO_APPROVERS_INBOX = {"objection.lodged"}


async def test_every_transition_is_told_once_in_the_recipients_language(
    client: AsyncTestClient,
    staff: StaffFactory,
    pool: asyncpg.Pool,
    mail_settings: Settings,
    clock: FrozenClock,
    smtp: SmtpSink,
) -> None:
    org = await register(client, name="武汉智会科技有限公司", email="org@example.cn")
    a = org["token"]
    rev = await staff("reviewer", email="rev@wuhan.gov.cn")
    appr = await staff("approver", email="appr@wuhan.gov.cn")
    fin = await staff("finance", email="fin@wuhan.gov.cn")
    admin = await staff("admin", email="admin@wuhan.gov.cn")
    await pool.execute("UPDATE users SET language = 'en' WHERE email = 'rev@wuhan.gov.cn'")
    await ok(
        await client.put(
            "/api/v1/admin/budgets/event-support/2026",
            json={"allocated": "10000000.00"},
            headers=bearer(admin),
        )
    )

    # A filing recognized; its claim returned once, approved, announced, objected to, upheld,
    # approved again, announced again, confirmed by the scheduler, paid.
    filing = await recognized_filing(client, a, rev, appr)
    clock.set_date(ENDS + dt.timedelta(days=7))
    claim = await create(client, a, claim_body(filing["id"]))
    await ok(await submit(client, a, claim["id"]))
    await ok(await decide(client, rev, claim["id"], "return", comment="请补充发票"))
    await ok(await submit(client, a, claim["id"]))
    await ok(await decide(client, rev, claim["id"], "pass"))
    await ok(await decide(client, appr, claim["id"], "approve"))
    batch = {"application_ids": [claim["id"]], "starts_on": clock.today().isoformat()}
    await ok(
        await client.post("/api/v1/admin/publicity-batches", json=batch, headers=bearer(admin)),
        201,
    )
    r = await client.post(
        f"/api/v1/public/announcements/{claim['id']}/objections",
        json={"reason": "奖金发放与公示不符", "contact": "13900000000"},
    )
    assert r.status_code == 201, r.text
    await ok(await decide(client, appr, claim["id"], "uphold_objection", comment="异议成立"))
    await ok(await decide(client, rev, claim["id"], "pass"))
    await ok(await decide(client, appr, claim["id"], "approve"))
    batch["starts_on"] = clock.today().isoformat()
    await ok(
        await client.post("/api/v1/admin/publicity-batches", json=batch, headers=bearer(admin)),
        201,
    )
    clock.set_date(clock.today() + dt.timedelta(days=14))
    async with job_ctx(mail_settings, clock) as ctx:
        assert await close_publicity(ctx) == 1
    pay = {"paid_on": clock.today().isoformat(), "amount": "1700000.00", "reference": "P-1"}
    await ok(
        await client.post(
            f"/api/v1/admin/applications/{claim['id']}/disbursements", json=pay, headers=bearer(fin)
        ),
        201,
    )

    # A filing rejected, one withdrawn, one that lapses when its event starts unrecognized.
    starts = clock.today() + dt.timedelta(days=40)
    dates = {
        "starts_on": starts.isoformat(),
        "ends_on": (starts + dt.timedelta(days=1)).isoformat(),
    }
    rejected = await create(client, a, filing_body(**dates))
    await ok(await submit(client, a, rejected["id"]))
    await ok(await decide(client, rev, rejected["id"], "reject", comment="不符合条件"))
    withdrawn = await create(client, a, filing_body(**dates))
    await ok(await submit(client, a, withdrawn["id"]))
    await ok(
        await client.post(f"/api/v1/applications/{withdrawn['id']}/withdraw", headers=bearer(a))
    )
    lapsing = await create(client, a, filing_body(**dates))
    await ok(await submit(client, a, lapsing["id"]))
    clock.set_date(starts)
    async with job_ctx(mail_settings, clock) as ctx:
        assert await lapse_filings(ctx) == 1

    await deliver_everything(mail_settings, clock, pool)

    outbox = await pool.fetch("SELECT id, topic FROM outbox ORDER BY id")
    topics = {r["topic"] for r in outbox}
    assert topics - {"application.created", "account.verify_email"} == {
        "application.submit",
        "application.pass",
        "application.approve",
        "application.return",
        "application.publicize",
        "objection.lodged",
        "application.uphold_objection",
        "application.confirm",
        "application.disburse",
        "application.reject",
        "application.withdraw",
        "application.lapse",
    }
    expected: Counter[tuple[int, str, str]] = Counter()
    for row in outbox:
        if row["topic"] in ("application.created", "account.verify_email"):
            continue  # a draft tells no one; the registration's link was followed already
        people = [] if row["topic"] in NOT_TOLD_TO_ORG else ["org@example.cn"]
        people += ["rev@wuhan.gov.cn"] if row["topic"] in TOLD_TO_REVIEWERS else []
        for email in people:
            expected.update({(row["id"], email, "inbox"): 1, (row["id"], email, "email"): 1})
        if row["topic"] in TOLD_TO_APPROVERS_INBOX:
            expected.update({(row["id"], "appr@wuhan.gov.cn", "inbox"): 1})
    got = Counter(
        (r["outbox_id"], r["email"], r["channel"])
        for r in await pool.fetch(
            "SELECT d.outbox_id, u.email, d.channel, d.status FROM deliveries d"
            " JOIN users u ON u.id = d.user_id WHERE d.status = 'sent'"
        )
    )
    assert got == expected
    inbox = Counter(
        r["email"]
        for r in await pool.fetch(
            "SELECT u.email FROM notifications n JOIN users u ON u.id = n.user_id"
        )
    )
    assert inbox == Counter(e for (_, e, ch) in expected.elements() if ch == "inbox")

    # Each e-mail reached the SMTP server once, in its recipient's language.
    mails = smtp.received()
    assert len(mails) == sum(1 for k in expected if k[2] == "email")
    assert set(smtp.count_by_message_id().values()) == {1}
    assert all(m.subject.startswith("【武汉市") for m in mails if m.to == "org@example.cn")
    assert all(
        m.subject.startswith("[Wuhan AI Subsidy]") for m in mails if m.to == "rev@wuhan.gov.cn"
    )
    approved = [m for m in mails if "备案已认定" in m.subject]
    assert len(approved) == 1 and "WHAI-EV-2026-0001" in approved[0].body
    assert any("请补充发票" in m.body for m in mails if "退回" in m.subject)

    # Once means once: relaying and sweeping again sends nothing more.
    async with job_ctx(mail_settings, clock) as ctx:
        assert await relay(ctx) == 0
        assert await sweep(ctx) == 0
    assert len(smtp.received()) == len(mails)


async def test_a_dismissed_objection_reaches_the_firm_and_the_reviewers(
    client: AsyncTestClient,
    staff: StaffFactory,
    pool: asyncpg.Pool,
    mail_settings: Settings,
    clock: FrozenClock,
    smtp: SmtpSink,
) -> None:
    org = await register(client, name="武汉智会科技有限公司", email="firm@example.cn")
    team = {
        "applicant": org["token"],
        "reviewer": await staff("reviewer", email="rev@wuhan.gov.cn"),
        "approver": await staff("approver", email="appr@wuhan.gov.cn"),
        "admin": await staff("admin", email="admin@wuhan.gov.cn"),
    }
    claim = await publicized_claim(client, clock, team)
    lodged = await ok(await lodge_objection(client, claim["id"], "获奖名单与实际不符"), 201)
    await ok(
        await client.post(
            f"/api/v1/admin/objections/{lodged['id']}/resolution",
            json={"outcome": "dismissed", "comment": "经核实,获奖名单一致"},
            headers=bearer(team["approver"]),
        )
    )
    await deliver_everything(mail_settings, clock, pool)

    [dismissed] = await pool.fetch("SELECT id FROM outbox WHERE topic = 'objection.dismissed'")
    got = Counter(
        (r["email"], r["channel"])
        for r in await pool.fetch(
            "SELECT u.email, d.channel FROM deliveries d JOIN users u ON u.id = d.user_id"
            " WHERE d.outbox_id = $1 AND d.status = 'sent'",
            dismissed["id"],
        )
    )
    # The firm in its inbox and by e-mail (a decision on its own award); reviewers in the inbox.
    assert got == Counter(
        {
            ("firm@example.cn", "inbox"): 1,
            ("firm@example.cn", "email"): 1,
            ("rev@wuhan.gov.cn", "inbox"): 1,
        }
    )
    inbox = {
        r["email"]: r["body"]
        for r in await pool.fetch(
            "SELECT u.email, n.body FROM notifications n JOIN users u ON u.id = n.user_id"
            " WHERE n.topic = 'objection.dismissed'"
        )
    }
    assert inbox.keys() == {"firm@example.cn", "rev@wuhan.gov.cn"}
    assert "经核实,获奖名单一致" in inbox["firm@example.cn"]
    [mail] = [m for m in smtp.received() if "不予采纳" in m.subject]
    assert mail.to == "firm@example.cn" and "经核实,获奖名单一致" in mail.body
