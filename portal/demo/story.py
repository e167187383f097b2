"""The sandbox's year, told through the portal's own API as the people in it would act.

Everything goes through HTTP with the clock set to the day each step happens, so every rule,
audit event and message is the real one; the scheduler's two rules (lapsing filings, closing
publicity) run as the worker runs them. Only the staff accounts are made as `portal users
create` makes them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
from litestar import Litestar

from domain.calendar import WorkCalendar
from domain.clock import FrozenClock
from portal.accounts import services as accounts
from portal.accounts.schemas import StaffUserIn
from portal.demo import DemoError, bodies
from portal.demo.cast import ORGS, PASSWORD, STAFF, Org
from sql import audit
from sql.calendar import load_calendar
from sql.priors import lapse_due
from sql.publicity import close_due_batches

MARK = "demo_loaded"  # the audit event that says the sandbox is complete
# The life of a claim, in order; `objected` is publicized with an objection open.
CLAIM_PATH = ("draft", "submitted", "reviewed", "approved", "publicized", "confirmed", "disbursed")
CLAIM_TARGETS = (*CLAIM_PATH, "objected", "returned", "rejected", "withdrawn")
FILING_TARGETS = (
    "draft",
    "submitted",
    "reviewed",
    "recognized",
    "returned",
    "rejected",
    "withdrawn",
)
APPROVED = ("approved", "publicized", "confirmed", "disbursed", "objected")
DEAD = ("rejected", "withdrawn")
EXPERTS = {"scenario-project": 3}  # its definition asks three experts' scores before a pass
STAGES = ("tutoring", "accepted", "listed")
# The programs with application types of their own; every other is claimed with `program_claim`.
FIRST_FIVE = (
    "event-support",
    "ipo-domestic",
    "ipo-overseas",
    "scenario-project",
    "unveiling-award",
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"  # a stand-in for each document


@dataclass
class Case:
    """One application of the story: what it is, and the status it is to reach."""

    program: str
    target: str
    org: Org
    body: dict[str, Any]
    prior: Case | None = None  # the recognized filing a claim points to
    on: dt.date | None = None  # the day it is made, when not the story's usual day
    id: str = ""


@dataclass
class Summary:
    applications: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    already: bool = False


class Story:
    def __init__(self, app: Litestar, pool: asyncpg.Pool, clock: FrozenClock) -> None:
        self.app, self.pool, self.clock = app, pool, clock
        self.http = self.client("127.0.0.1")
        self.today = clock.today()
        self.emails: dict[str, str] = {}  # who (a staff name or a firm's e-mail): e-mail
        self.tokens: dict[str, str] = {}  # signed in today
        self.district_reviewers: dict[str, str] = {}  # district: who reviews there first
        self.chains: dict[str, str] = {}  # program: its review chain

    # ---- the portal, as each person uses it ----
    def client(self, address: str) -> httpx.AsyncClient:
        # httpx types the ASGI app loosely; Litestar is one.
        transport = httpx.ASGITransport(app=self.app, client=(address, 40000))  # type: ignore[arg-type]
        return httpx.AsyncClient(transport=transport, base_url="http://portal.demo")

    def on(self, day: dt.date) -> None:
        """Move to the day of the next steps; another day's sign-ins have expired."""
        if day != self.clock.today():
            self.tokens.clear()
        self.clock.set_date(day)

    async def call(self, who: str, method: str, url: str, **kw: Any) -> Any:
        if who and who not in self.tokens:
            self.tokens[who] = await self.sign_in(self.emails[who])
        headers = {"Authorization": f"Bearer {self.tokens[who]}"} if who else {}
        r = await self.http.request(method, url, headers=headers, **kw)
        if r.status_code >= 300:
            raise DemoError(f"{method} {url} as {who or 'the public'}: {r.status_code} {r.text}")
        return r.json() if r.content else None

    async def sign_in(self, email: str) -> str:
        r = await self.call(
            "", "POST", "/api/v1/auth/token", json={"email": email, "password": PASSWORD}
        )
        return str(r["access_token"])

    async def decide(self, who: str, case: Case, action: str, comment: str) -> None:
        body = {"action": action, "comment": comment, "declare_no_conflict": True}
        await self.call(who, "POST", f"/api/v1/admin/applications/{case.id}/decisions", json=body)

    # ---- the cast ----
    async def staff(self) -> None:
        for s in STAFF:
            data = StaffUserIn(
                email=s.email,
                password=PASSWORD,
                name=s.name,
                roles=list(s.roles),  # type: ignore[arg-type]
                districts=list(s.districts),  # type: ignore[arg-type]
            )
            await accounts.create_staff_user(self.pool, self.clock.now(), "demo", data)
            self.emails[s.email.split("@")[0]] = s.email
            for district in s.districts:
                self.district_reviewers[district] = s.email.split("@")[0]

    async def organizations(self) -> None:
        for org in ORGS:
            await self.call(
                "",
                "POST",
                "/api/v1/auth/register",
                json={
                    "org": {
                        "name": org.name,
                        "uscc": org.uscc,
                        "contact_name": "张经理",
                        "contact_phone": f"027-8765 43{org.serial:02d}",
                    },
                    "user": {"email": org.email, "password": PASSWORD, "name": "张经理"},
                },
            )
            token = await self.pool.fetchval(
                "SELECT payload->>'token' FROM outbox WHERE topic = 'account.verify_email'"
                " AND payload->>'to' = $1 ORDER BY id DESC LIMIT 1",
                org.email,
            )
            await self.call("", "POST", "/api/v1/auth/verify-email", json={"token": token})
            self.emails[org.email] = org.email
            await self.call(org.email, "PUT", "/api/v1/org/bank-account", json=org.payee)

    async def budgets(self, programs: list[str], claims: list[Case]) -> None:
        """Each program's city budget; and, for a program whose awards a district shares, the
        budget of every district its claims come from."""
        for code in programs:
            program = (await self.call("", "GET", f"/api/v1/programs/{code}"))["program"]
            steps = (program.get("params") or {}).get("award") or []
            shared = any(
                share.get("funder") == "district"
                for step in steps
                if step.get("op") == "split"
                for share in step.get("shares", [])
            )
            districts = {c.org.district for c in claims if c.program == code} if shared else set()
            for year in sorted({self.today.year, self.clock.today().year}):
                for funder in ["city", *sorted(districts)]:
                    await self.call(
                        "admin",
                        "PUT",
                        f"/api/v1/admin/budgets/{code}/{year}",
                        json={"allocated": "60000000.00", "funder": funder},
                    )

    # ---- one application's life ----
    async def documents(self, case: Case, body: dict[str, Any]) -> list[dict[str, str]]:
        program = (await self.call("", "GET", f"/api/v1/programs/{case.program}"))["program"]
        prior = program.get("prior")
        listed = (
            prior["documents"] if prior and prior["type"] == body["type"] else program["documents"]
        )
        refs = []
        for doc in listed:
            if doc["required"]:
                files = {"file": (f"{doc['label_zh']}.pdf", PDF, "application/pdf")}
                up = await self.call(case.org.email, "POST", "/api/v1/documents", files=files)
                refs.append({"document_id": up["id"], "kind": doc["kind"]})
        return refs

    async def draft(self, case: Case) -> None:
        body = dict(case.body)
        if case.prior is not None:
            body["filing_id"] = case.prior.id
        body["documents"] = await self.documents(case, body)
        case.id = (await self.call(case.org.email, "POST", "/api/v1/applications", json=body))["id"]

    async def submit(self, case: Case) -> None:
        await self.call(case.org.email, "POST", f"/api/v1/applications/{case.id}/submit")

    async def first_reviewer(self, case: Case) -> str:
        """reviewer1, or the district's reviewer where the program's district reviews first."""
        if case.program not in self.chains:
            program = (await self.call("", "GET", f"/api/v1/programs/{case.program}"))["program"]
            workflow = program["params"].get("workflow") or {}
            self.chains[case.program] = workflow.get("review_chain", "city")
        if self.chains[case.program] == "district_then_city":
            return self.district_reviewers[case.org.district]
        return "reviewer1"

    async def first_steps(self, case: Case, experts: int = 0) -> None:
        """Draft, submit, and the reviewer's first decision, as the case's target asks."""
        reviewer = await self.first_reviewer(case)
        await self.draft(case)
        if case.target == "draft":
            return
        await self.submit(case)
        if case.target == "withdrawn":
            await self.call(case.org.email, "POST", f"/api/v1/applications/{case.id}/withdraw")
        elif case.target == "returned":
            await self.decide(reviewer, case, "return", "请补充发票原件扫描件后重新提交。")
        elif case.target == "rejected":
            await self.decide(reviewer, case, "reject", "不符合政策申报条件。")
        elif case.target != "submitted":
            for n in range(1, experts + 1):
                url = f"/api/v1/admin/applications/{case.id}/scores"
                score = {"score": 70 + (case.org.serial * 7 + n) % 25, "comment": "方案可行"}
                await self.call(
                    f"reviewer{n}", "POST", url, json=score | {"declare_no_conflict": True}
                )
            await self.decide(reviewer, case, "pass", "材料齐全,符合条件。")

    async def approve(self, case: Case) -> None:
        await self.decide("approver", case, "approve", "同意。")

    async def publicize(self, cases: list[Case], starts: dt.date) -> dt.date:
        """Announce these from `starts` (a working day); returns the period's last day."""
        self.on(starts)
        body = {"application_ids": [c.id for c in cases], "starts_on": starts.isoformat()}
        batch = await self.call("admin", "POST", "/api/v1/admin/publicity-batches", json=body)
        return dt.date.fromisoformat(batch["ends_on"])

    async def pay(self, cases: list[Case]) -> None:
        items: list[dict[str, str]] = []
        for c in cases:
            app = await self.call("finance", "GET", f"/api/v1/applications/{c.id}")
            items.append(
                {
                    "application_id": c.id,
                    "amount": app["award"]["amount"],
                    "paid_on": self.clock.today().isoformat(),
                    "reference": f"ICBC{self.clock.today():%Y%m%d}{len(items) + 1:04d}",
                }
            )
        if items:
            await self.call(
                "finance", "POST", "/api/v1/admin/payment-batches", json={"items": items}
            )

    async def object(self, case: Case, n: int) -> None:
        """A member of the public objects, each from their own address (as throttled)."""
        body = {"reason": "该项目的实际投入与申报材料不符,请核查。", "contact": f"139000000{n:02d}"}
        async with self.client(f"203.0.113.{n}") as public:
            r = await public.post(f"/api/v1/public/announcements/{case.id}/objections", json=body)
        if r.status_code != 201:
            raise DemoError(f"objection to {case.id}: {r.status_code} {r.text}")


def overseas_window(before: dt.date) -> dt.date:
    """The last day, not after `before`, on which overseas listings are claimed (1 Jan-30 Jun)."""
    return before if before.month <= 6 else dt.date(before.year, 6, 30)


def _claims(today: dt.date, defined: list[str]) -> list[Case]:
    """Each program's claims, one in each status, spread over the organizations; `defined`:
    the programs applied for with a `program_claim`."""
    year = today.year
    window = overseas_window(today - dt.timedelta(days=50))
    cases = []
    for j, target in enumerate(CLAIM_TARGETS):
        # One organization claims each stage of its listing once; none claims both listings.
        stage, org = j // 4, ORGS[j % 4]
        listed = today - dt.timedelta(days=300 - 100 * stage)
        cases.append(
            Case("ipo-domestic", target, org, bodies.ipo_domestic(org, STAGES[stage], listed))
        )
        org = ORGS[4 + j % 9]
        abroad = bodies.ipo_overseas(org, window - dt.timedelta(days=120))
        cases.append(Case("ipo-overseas", target, org, abroad, on=window))
    for i, code in enumerate(("scenario-project", "unveiling-award", *defined)):
        for j, target in enumerate(CLAIM_TARGETS):
            org = ORGS[(i + j) % len(ORGS)]
            if code == "computing-center-match":  # reviewed first where the centre is
                org = ORGS[(6, 4)[j % 2]]  # 洪山区, 武昌区: the sandbox's district reviewers
            if code == "scenario-project":
                body = bodies.scenario_project(org, year)
            elif code == "unveiling-award":
                body = bodies.unveiling_award(org, year)
            else:
                body = bodies.program_claim(code, org, year)
            cases.append(Case(code, target, org, body))
    return cases


def _working_day_before(calendar: WorkCalendar, day: dt.date) -> dt.date:
    day -= dt.timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def _filing(org: Org, target: str, starts: dt.date) -> Case:
    return Case("event-support", target, org, bodies.event_filing(org, starts))


async def already_loaded(pool: asyncpg.Pool) -> bool | None:
    """True when a sandbox is complete here; None when one was started and did not finish."""
    done = await pool.fetchval(
        "SELECT 1 FROM audit_events WHERE action = $1 AND entity_type = 'demo'", MARK
    )
    if done:
        return True
    started = await pool.fetchval("SELECT 1 FROM users WHERE email = $1", STAFF[0].email)
    return None if started else False


async def tell(app: Litestar, pool: asyncpg.Pool, clock: FrozenClock) -> Summary:
    """Load the sandbox; a database that has it already is left as it is."""
    state = await already_loaded(pool)
    if state:
        return Summary(already=True)
    if state is None:
        raise DemoError(
            "a sandbox was begun here and did not finish; load it into a fresh database"
            " (`make clean-data` for the embedded one)"
        )
    s = Story(app, pool, clock)
    today = s.today

    def day(n: int) -> dt.date:  # the story is told in days from today
        return today + dt.timedelta(days=n)

    s.on(min(day(-110), overseas_window(day(-50)) - dt.timedelta(days=10)))
    await s.staff()
    await s.organizations()
    listed = await s.call("", "GET", "/api/v1/programs")
    claims = _claims(today, [p["code"] for p in listed["items"] if p["code"] not in FIRST_FIVE])
    await s.budgets(sorted({c.program for c in claims} | {"event-support"}), claims)
    call = {"opens_on": day(-110).isoformat(), "closes_on": day(-40).isoformat()}
    await s.call("admin", "PUT", f"/api/v1/admin/calls/scenario-project/{today.year}", json=call)

    # Events held two months ago: filed in time and recognized, and one let lapse.
    s.on(day(-105))
    held = [_filing(ORGS[j % len(ORGS)], "recognized", day(-60)) for j in range(len(CLAIM_TARGETS))]
    lapsing = _filing(ORGS[-1], "submitted", day(-60))
    for filing in (*held, lapsing):
        await s.first_steps(filing)
    s.on(day(-100))
    for filing in held:
        await s.approve(filing)
    s.on(day(-60))
    await lapse_due(pool, s.clock.today(), s.clock.now())
    for target, filing in zip(CLAIM_TARGETS, held, strict=True):
        claim = bodies.event_claim(filing.org)
        claims.append(Case("event-support", target, filing.org, claim, prior=filing))

    # The year's claims, day by day; those refused or withdrawn come first, so that another
    # application of their organization may follow them.
    for c in claims:
        c.on = c.on or day(-50 if c.target in DEAD else -45)
    for c in sorted(claims, key=lambda c: (c.on, c.target not in DEAD)):
        s.on(c.on)  # type: ignore[arg-type]
        await s.first_steps(c, experts=EXPERTS.get(c.program, 0))
    s.on(day(-38))
    for c in claims:
        if c.target in APPROVED:
            await s.approve(c)

    # Publicity that ended (then paid), publicity under objection, and publicity from the last
    # working day.
    calendar = await load_calendar(pool)
    paid = [c for c in claims if c.target in ("confirmed", "disbursed")]
    ended = await s.publicize(paid, calendar.working_day_on_or_after(day(-32)))
    s.on(ended + dt.timedelta(days=1))
    await close_due_batches(pool, s.clock.today(), s.clock.now())
    s.on(ended + dt.timedelta(days=3))
    await s.pay([c for c in claims if c.target == "disbursed"])
    last = _working_day_before(calendar, today)
    objected = [c for c in claims if c.target == "objected"]
    await s.publicize(objected, _working_day_before(calendar, last))
    await s.publicize([c for c in claims if c.target == "publicized"], last)
    s.on(today)
    for n, c in enumerate(objected, start=1):
        await s.object(c, n)

    # Filings for events still to come, in each status of their own.
    for k, target in enumerate(FILING_TARGETS):
        filing = _filing(ORGS[(k + 5) % len(ORGS)], target, day(45))
        await s.first_steps(filing)
        if target == "recognized":
            await s.approve(filing)

    await s.http.aclose()
    async with pool.acquire() as conn, conn.transaction():
        await audit.append(
            conn, at=s.clock.now(), actor="demo", action=MARK, entity_type="demo", entity_id="-"
        )
    rows = await pool.fetch("SELECT status, count(*) AS n FROM applications GROUP BY status")
    by_status = {r["status"]: r["n"] for r in rows}
    return Summary(applications=sum(by_status.values()), by_status=by_status)
