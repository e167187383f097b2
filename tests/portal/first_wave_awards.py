"""Writes first_wave_awards.json: applications of the five first programs as the first wave
(commit 9e31be4, before the one engine) stored them, with the awards its own code computed.

Run against a read-only checkout of that commit, never the present tree:

    git worktree add /tmp/firstwave 9e31be4
    .venv/bin/python tests/portal/first_wave_awards.py /tmp/firstwave
    git worktree remove --force /tmp/firstwave

Payloads and lines are the first wave's handlers' `split` of its payload structs, cuts are its
`review_lines`, awards its calculators in `domain/programs.py` (with what each firm had been paid
when its claim was approved, as the handlers read it) and the stored award its `award_json`.
tests/portal/test_carry_over.py reads the JSON; nothing imports this module.
"""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path
from typing import Any

OUT = Path(__file__).with_name("first_wave_awards.json")
NS = uuid.UUID("6f1c1a52-25e0-4d0f-9b77-0c0a25f1e5a1")
TZ = "+08:00"
PAYEE = {
    "account_name": "武汉智算科技有限公司",
    "bank": "中国银行武汉分行",
    "account_no": "6217000000000001",
}

# The second versions, published before the one engine, each with other numbers than the first.
V2: dict[str, dict[str, Any]] = {
    "event-support": {
        "window": ("2025-09-01", "2027-05-31"),
        "params": {
            "rate_bp": 4000,
            "cap_fen": 150_000_000,
            "filing_lead_days": 45,
            "claim_window_days": 60,
        },
    },
    "scenario-project": {
        "window": ("2025-09-01", "2027-05-31"),
        "params": {"rate_bp": 2500, "cap_fen": 80_000_000},
    },
    # A rule for four months: the first version governs again from 2026.
    "ipo-domestic": {
        "window": ("2025-09-01", "2025-12-31"),
        "params": {
            "stage_amounts_fen": {
                "tutoring": 150_000_000,
                "accepted": 250_000_000,
                "listed": 300_000_000,
            },
            "total_cap_fen": 600_000_000,
            "exclusive_with_overseas": False,
        },
    },
    "ipo-overseas": {
        "window": ("2025-09-01", "2027-05-31"),
        "params": {
            "amount_fen": 500_000_000,
            "min_invested_bp": 7000,
            "exclusive_with_domestic": True,
            "apply_by_month_day": "05-31",
        },
    },
    "unveiling-award": {
        "window": ("2025-09-01", "2027-05-31"),
        "params": {"amount_fen": 150_000_000},
    },
}


def key_id(key: str) -> str:
    return str(uuid.uuid5(NS, key))


def at(day: str, hour: int = 10) -> str:
    return f"{day}T{hour:02d}:00:00{TZ}"


def main(firstwave: Path) -> None:
    sys.path.insert(0, str(firstwave))
    import msgspec
    from domain.event_support import ReviewedLine, review_lines
    from portal.event_support.handlers import EventClaimHandler, EventFilingHandler
    from portal.ipo.handlers import IpoDomesticHandler, IpoOverseasHandler
    from portal.scenario.handlers import ScenarioProjectHandler
    from portal.unveiling.handlers import UnveilingAwardHandler

    from domain import programs as calc
    from domain.fingerprint import fingerprint
    from domain.money import Money, parse_money
    from domain.uscc import ALPHABET, check_character
    from portal.review.services import award_json

    assert calc.__file__ and calc.__file__.startswith(str(firstwave)), calc.__file__
    handlers: dict[str, Any] = {
        h.type: h
        for h in (
            EventFilingHandler(),
            EventClaimHandler(),
            IpoDomesticHandler(),
            IpoOverseasHandler(),
            ScenarioProjectHandler(),
            UnveilingAwardHandler(),
        )
    }
    params: dict[tuple[str, int], Any] = {}
    for code, kind in calc.PARAMS_BY_KIND.items():
        params[(code, 1)] = calc.default_params(code)
        params[(code, 2)] = msgspec.convert(V2[code]["params"], kind)

    def uscc(division: str, n: int) -> str:
        body, digits = "91" + division, ""
        for _ in range(9):
            n, r = divmod(n * 7 + 3, 31)
            digits += ALPHABET[r]
        return body + digits + check_character(body + digits)

    orgs = {
        k: {
            "key": k,
            "id": key_id(f"org:{k}"),
            "user_id": key_id(f"user:{k}"),
            "name": f"武汉{name}科技有限公司",
            "uscc": uscc(division, 900 + i),
            "district_code": division,
        }
        for i, (k, name, division) in enumerate(
            [
                ("events", "智会", "420105"),
                ("scenes", "场景", "420106"),
                ("tasks", "揭榜", "420111"),
                ("ipo-a", "甲上市", "420106"),
                ("ipo-b", "乙上市", "420102"),
                ("ipo-c", "丙上市", "420103"),
                ("ipo-d", "丁上市", "420104"),
                ("ipo-e", "戊上市", "420107"),
                ("ipo-f", "己上市", "420112"),
                ("ipo-g", "庚上市", "420115"),
                ("hk-a", "港甲", "420106"),
                ("hk-b", "港乙", "420106"),
                ("hk-c", "港丙", "420111"),
                ("hk-d", "港丁", "420111"),
            ]
        )
    }

    apps: list[dict[str, Any]] = []
    serials: dict[tuple[str, int], int] = {}
    prefixes = {
        "event_filing": "EV",
        "event_claim": "EC",
        "ipo_domestic_claim": "ID",
        "ipo_overseas_claim": "IO",
        "scenario_project": "SP",
        "unveiling_award": "UA",
    }

    def reference(kind: str, day: str) -> str:
        year = int(day[:4])
        serials[(prefixes[kind], year)] = serials.get((prefixes[kind], year), 0) + 1
        return f"WHAI-{prefixes[kind]}-{year}-{serials[(prefixes[kind], year)]:04d}"

    def paid_before(org: str, kind: str, me: str) -> tuple[Money, frozenset[str]]:
        """What the handler's `_taken` read at approval: the firm's other live claims' stages,
        and the awards of those approved so far."""
        paid, stages = Money.ZERO, set()
        for a in apps:
            if a["org"] == org and a["type"] == kind and a["key"] != me:
                stages.update(a["payload"].get("stages", []))
                if a["amount_approved_fen"] is not None:
                    paid += Money(a["amount_approved_fen"])
        return paid, frozenset(stages)

    def add(
        key: str,
        org: str,
        wire: dict[str, Any],
        version: int,
        created: str,
        *,
        status: str = "approved",
        decided: str | None = None,
        cuts: dict[int, str] | None = None,
        filing: str | None = None,
        case: str = "",
        expect: bool = False,
    ) -> dict[str, Any]:
        """An application as the first wave wrote it: drafted on `created`, submitted that
        afternoon, passed (with `cuts`) and approved on `decided` (recognized, for a filing).
        `expect`: one still in review, with the award it will have once passed with `cuts`."""
        kind = wire["type"]
        h = handlers[kind]
        # Submitted with its checklist's documents, as the first wave required.
        docs = [
            {"document_id": key_id(f"doc:{key}:{d.kind}"), "kind": d.kind}
            for d in h.documents
            if d.required
        ]
        payload = msgspec.convert(wire | {"documents": docs}, h.payload_type)
        data, lines = h.split(payload)
        code = h.program_code
        p = params[(code, version)]
        if kind == "event_claim":
            parent = next(a for a in apps if a["key"] == filing)
            title = f"{parent['payload'].get('title') or ''} · 兑现申报"
            claimed = sum((x.amount for x in lines), Money.ZERO)
            requested: Money | None = calc.event_support_award(p, claimed).amount
        elif kind == "event_filing":
            title, requested = h.title(payload), None
        elif kind == "ipo_domestic_claim":
            title = h.title(payload)
            paid, taken = paid_before(org, kind, key)
            requested = calc.ipo_domestic_award(p, payload.stages, paid, taken).amount
        elif kind == "ipo_overseas_claim":
            title, requested = h.title(payload), Money(p.amount_fen)
        elif kind == "scenario_project":
            title = h.title(payload)
            invest = parse_money(payload.total_investment, "total_investment")
            requested = calc.scenario_project_award(p, invest).amount
        else:
            title, requested = h.title(payload), calc.unveiling_award(p).amount
        app: dict[str, Any] = {
            "key": key,
            "case": case,
            "id": key_id(f"app:{key}"),
            "org": org,
            "type": kind,
            "program_code": code,
            "program_version": version,
            "status": status,
            "title": title,
            "payload": data,
            "filing": filing,
            "amount_requested_fen": requested.fen if requested is not None else None,
            "fingerprint": fingerprint(orgs[org]["uscc"], h.subject(payload)),
            "created_at": at(created),
            "submitted_at": at(created, 15) if status != "draft" else None,
            "decided_at": at(decided) if decided else None,
            "reference": None,
            "amount_approved_fen": None,
            "award": None,
            "budget_year": None,
            "inputs": None,
            "lines": [],
        }
        reviewed = [ReviewedLine(x.amount, x.amount, None) for x in lines]
        if decided or cuts:
            approved = {i: parse_money(v, "approved") for i, v in (cuts or {}).items()}
            reasons = {i: "超出标准部分核减" for i in (cuts or {})}
            reviewed = review_lines([x.amount for x in lines], approved, reasons, "")
        for x, r in zip(lines, reviewed, strict=True):
            line = msgspec.to_builtins(x)
            line["amount"] = x.amount.fen
            reviewed_now = decided is not None  # lines carry their review once passed
            line["approved"] = r.approved.fen if reviewed_now else None
            line["cut_reason"] = r.reason if reviewed_now else None
            app["lines"].append(line)
        app["pass_cuts"] = {str(i): v for i, v in (cuts or {}).items()} if not decided else {}
        if decided:
            app["reference"] = reference(kind, decided)
        if kind != "event_filing" and (decided or expect):
            total = sum((r.approved for r in reviewed), Money.ZERO)
            inputs: dict[str, Any] = {"version": version, "params": msgspec.to_builtins(p)}
            if kind in ("event_claim", "scenario_project"):
                inputs["approved_total_fen"] = total.fen
                award = (
                    calc.event_support_award(p, total)
                    if kind == "event_claim"
                    else calc.scenario_project_award(p, total)
                )
            elif kind == "ipo_domestic_claim":
                paid, taken = paid_before(org, kind, key)
                inputs |= {
                    "stages": list(payload.stages),
                    "already_paid_fen": paid.fen,
                    "paid_stages": sorted(taken),
                }
                award = calc.ipo_domestic_award(p, payload.stages, paid, taken)
            elif kind == "ipo_overseas_claim":
                raised = parse_money(payload.raised_total, "raised_total")
                invested = parse_money(payload.invested_in_wuhan, "invested_in_wuhan")
                inputs |= {"raised_total_fen": raised.fen, "invested_in_wuhan_fen": invested.fen}
                award = calc.ipo_overseas_award(p, True, raised, invested)
            else:
                award = calc.unveiling_award(p)
            stored = award_json(award, version, total if lines else None)
            app["inputs"] = inputs
            if decided:
                app["award"] = stored
                app["amount_approved_fen"] = award.amount.fen
                app["budget_year"] = int(decided[:4])
            else:  # still in review: what the first wave would award once passed as planned
                app["expected_award"] = stored
        apps.append(app)
        return app

    # ----------------------------------------------------------------- event support (art. 11)
    def filing_wire(title: str, starts: str, ends: str) -> dict[str, Any]:
        return {
            "type": "event_filing",
            "title": title,
            "event_type": "contest",
            "level": "international",
            "venue": "武汉国际博览中心",
            "district": "420105",
            "starts_on": starts,
            "ends_on": ends,
            "expected_attendance": 5000,
            "co_organizers": ["武汉市人工智能产业协会"],
            "budget_lines": [
                {"category": "venue", "description": "场地租赁", "amount": "1200000.00"},
                {"category": "prizes", "description": "奖金", "amount": "2000000.00"},
            ],
        }

    def claim_wire(filing_key: str, amounts: list[str]) -> dict[str, Any]:
        return {
            "type": "event_claim",
            "filing_id": key_id(f"app:{filing_key}"),
            "actual_attendance": 6200,
            "summary": "活动如期举办。",
            "expense_lines": [
                {
                    "category": ("venue", "promotion", "prizes", "services")[i % 4],
                    "description": f"费用{i + 1}",
                    "amount": amount,
                    "invoice_numbers": [f"INV-{filing_key.upper()}-{i + 1}"],
                }
                for i, amount in enumerate(amounts)
            ],
            "payee": PAYEE,
        }

    event_cases: list[tuple[str, int, list[str], dict[int, str] | None, str]] = [
        ("e1", 1, ["1000000.00", "900000.00", "1500000.00"], None, "v1 50%, below the cap"),
        ("e2", 1, ["2500000.00", "1500000.00"], None, "v1 exactly at the 2,000,000.00 cap"),
        ("e3", 1, ["3000000.00", "1000000.02"], None, "v1 one fen above the cap"),
        (
            "e4",
            1,
            ["3000000.00", "1234567.89"],
            {1: "333333.33"},
            "v1 a reviewer's cut; half of 3,333,333.33 truncated to the fen",
        ),
        (
            "e5",
            1,
            ["2200000.00", "2000000.00"],
            {0: "1900000.00"},
            "v1 a cut that brings it back under the cap",
        ),
        ("e6", 1, ["0.01", "0.02"], None, "v1 three fen: one and a half truncated to one"),
        ("e7", 2, ["2222222.22"], None, "v2 40%, truncated"),
        ("e8", 2, ["2000000.00", "2000000.00"], None, "v2 above its 1,500,000.00 cap"),
        ("e9", 2, ["3750000.00"], None, "v2 exactly at its cap"),
    ]
    for key, version, amounts, cuts, case in event_cases:
        filed, starts, ends, claimed, decided = (
            ("2025-03-20", "2025-05-10", "2025-05-12", "2025-05-20", "2025-06-10")
            if version == 1
            else ("2025-09-10", "2025-11-10", "2025-11-12", "2025-11-20", "2025-12-10")
        )
        add(
            f"{key}-filing",
            "events",
            filing_wire(f"2025 人工智能创新大赛 {key}", starts, ends),
            version,
            filed,
            status="recognized",
            decided=filed[:8] + "28",
        )
        add(
            key,
            "events",
            claim_wire(f"{key}-filing", amounts),
            version,
            claimed,
            decided=decided,
            cuts=cuts,
            filing=f"{key}-filing",
            case=case,
        )
    # In review when the one engine came: submitted under v2, to be passed with a cut.
    add(
        "live-filing",
        "events",
        filing_wire("2026 人工智能开发者大会", "2026-02-02", "2026-02-04"),
        2,
        "2025-12-01",
        status="recognized",
        decided="2025-12-15",
    )
    add(
        "live",
        "events",
        claim_wire("live-filing", ["1200000.00", "800000.00", "1750000.55"]),
        2,
        "2026-02-10",
        status="submitted",
        cuts={2: "1500000.33"},
        filing="live-filing",
        case="v2 in review at the migration: capped as claimed, under the cap once cut",
        expect=True,
    )

    # ----------------------------------------------------------------- scenario projects (art. 7)
    def project_wire(title: str, year: int, amounts: list[str]) -> dict[str, Any]:
        total = sum((parse_money(a, "amount") for a in amounts), Money.ZERO)
        return {
            "type": "scenario_project",
            "call_year": year,
            "title": title,
            "field": "smart_health",
            "total_investment": str(total),
            "investment_lines": [
                {"category": ("equipment", "services")[i % 2], "amount": a, "description": "投入"}
                for i, a in enumerate(amounts)
            ],
            "starts_on": f"{year}-04-01",
            "ends_on": f"{year + 1}-03-31",
            "summary": "示范场景建设。",
            "payee": PAYEE,
        }

    scenario_cases: list[tuple[str, int, list[str], dict[int, str] | None, str]] = [
        ("s1", 1, ["1200000.00", "800000.00"], None, "v1 30%, below the cap"),
        (
            "s2",
            1,
            ["3333333.34"],
            None,
            "v1 30% truncates to exactly the 1,000,000.00 cap: not capped",
        ),
        ("s3", 1, ["6000000.00", "4000000.00"], None, "v1 above the cap"),
        ("s4", 1, ["2000000.00", "2000000.00"], {1: "1000000.00"}, "v1 a cut under the cap"),
        ("s5", 2, ["2000000.00"], None, "v2 25%"),
        ("s6", 2, ["2500000.00", "1500000.00"], None, "v2 above its 800,000.00 cap"),
        ("s7", 2, ["1234567.89"], None, "v2 25% truncated"),
    ]
    for key, version, amounts, cuts, case in scenario_cases:
        year, created, decided = (
            (2025, "2025-04-10", "2025-07-15")
            if version == 1
            else (2026, "2025-10-10", "2026-01-20")
        )
        add(
            key,
            "scenes",
            project_wire(f"智慧医疗示范场景 {key}", year, amounts),
            version,
            created,
            decided=decided,
            cuts=cuts,
            case=case,
        )

    # ----------------------------------------------------------------- listing rewards (art. 10)
    def domestic(stages: list[str], code: str, day: str) -> dict[str, Any]:
        return {
            "type": "ipo_domestic_claim",
            "exchange": "SSE",
            "stages": stages,
            "stage_dates": dict.fromkeys(stages, day),
            "stock_code": code,
            "disclosure": "招股说明书已披露。",
            "payee": PAYEE,
        }

    # (key, firm, stages, version, drafted, decided or None when still in review, case)
    listings: list[tuple[str, str, list[str], int, str, str | None, str]] = [
        ("a1", "ipo-a", ["tutoring"], 1, "2025-01-10", "2025-02-10", "v1 one stage"),
        (
            "a2",
            "ipo-a",
            ["accepted", "listed"],
            1,
            "2025-06-01",
            "2025-07-01",
            "v1 two stages after 2,000,000.00 paid: reaches the 8,000,000.00 total exactly",
        ),
        ("b1", "ipo-b", ["tutoring", "accepted"], 2, "2025-09-05", "2025-10-01", "v2 two"),
        (
            "b2",
            "ipo-b",
            ["listed"],
            2,
            "2025-10-10",
            "2025-11-01",
            "v2 listed after 4,000,000.00 paid: capped to the 2,000,000.00 left of 6,000,000.00",
        ),
        ("c1", "ipo-c", ["tutoring", "accepted"], 1, "2025-03-01", "2025-04-01", "v1 two"),
        (
            "c2",
            "ipo-c",
            ["listed"],
            2,
            "2025-09-10",
            "2025-10-15",
            "v2 after 4,000,000.00 paid under v1: v2's total caps it",
        ),
        ("d1", "ipo-d", ["tutoring"], 1, "2025-04-01", "2025-05-06", "v1 one"),
        ("d2", "ipo-d", ["accepted"], 2, "2025-09-15", "2025-10-20", "v2 after v1's stage"),
        (
            "d3",
            "ipo-d",
            ["listed"],
            2,
            "2025-10-01",
            "2025-11-20",
            "v2 third claim: capped to the 1,500,000.00 left",
        ),
        ("r1", "ipo-e", ["tutoring", "accepted"], 2, "2025-10-01", "2025-11-03", "v2 two"),
        (
            "r2",
            "ipo-e",
            ["listed"],
            1,
            "2026-01-10",
            "2026-02-02",
            "v1 again after v2's window: 4,000,000.00 left of v1's 8,000,000.00",
        ),
        (
            "f1",
            "ipo-f",
            ["listed", "tutoring"],
            1,
            "2025-05-10",
            "2025-06-16",
            "v1 stages asked out of order, paid together",
        ),
        ("g1", "ipo-g", ["tutoring"], 1, "2025-02-10", "2025-03-10", "v1 one stage"),
        ("g2", "ipo-g", ["accepted"], 1, "2025-08-01", None, "v1 in review (holds its stage)"),
    ]
    for key, firm, stages, version, drafted, decided, case in listings:
        add(
            key,
            firm,
            domestic(stages, f"688{900 + len(apps) % 90:03d}", drafted),
            version,
            drafted,
            status="approved" if decided else "submitted",
            decided=decided,
            case=case,
        )

    def overseas(raised: str, invested: str, listed: str) -> dict[str, Any]:
        return {
            "type": "ipo_overseas_claim",
            "exchange": "HKEX",
            "listed_on": listed,
            "raised_total": raised,
            "invested_in_wuhan": invested,
            "stock_code": "0999",
            "payee": PAYEE,
        }

    for key, firm, raised, invested, version, drafted, decided, case in [
        ("o1", "hk-a", "1000000000.00", "850000000.00", 1, "2025-03-02", "2025-04-08", "v1 85%"),
        ("o2", "hk-b", "123456789.00", "98765431.20", 1, "2025-05-05", "2025-06-10", "v1 80%"),
        ("o3", "hk-c", "400000000.00", "300000000.00", 2, "2026-01-05", "2026-02-16", "v2 75%"),
        ("o4", "hk-d", "999999999.90", "699999999.93", 2, "2026-02-02", "2026-02-25", "v2 70%"),
    ]:
        add(
            key,
            firm,
            overseas(raised, invested, drafted[:4] + "-01-02"),
            version,
            drafted,
            decided=decided,
            case=case,
        )

    # ----------------------------------------------------------------- unveiling award (art. 7)
    def task(name: str, cert: str) -> dict[str, Any]:
        return {
            "type": "unveiling_award",
            "task_list": "ai_innovation",
            "task_name": name,
            "task_batch": "2025年第二批",
            "certificate_no": cert,
            "transformation_summary": "成果已在武汉转化。",
            "payee": PAYEE,
        }

    for key, name, cert, version, drafted, decided, case in [
        ("u1", "多模态大模型医疗影像", "JB-2025-001", 1, "2025-05-01", "2025-06-03", "v1 fixed"),
        ("u2", "具身智能操作系统", "JB-2025-117", 2, "2025-11-01", "2025-12-01", "v2 fixed"),
    ]:
        add(key, "tasks", task(name, cert), version, drafted, decided=decided, case=case)

    versions = [
        {
            "program_code": code,
            "version": version,
            "params": msgspec.to_builtins(params[(code, version)]),
            "effective_from": V2[code]["window"][0] if version == 2 else None,
            "effective_to": V2[code]["window"][1] if version == 2 else None,
            "published_at": at("2025-08-15") if version == 2 else None,
        }
        for code in calc.PARAMS_BY_KIND
        for version in (1, 2)
    ]
    doc = {
        "made_by": "tests/portal/first_wave_awards.py with the first-wave code of 9e31be4",
        "organizations": list(orgs.values()),
        "versions": versions,
        "reference_counters": [
            {"prefix": p, "year": y, "last": n} for (p, y), n in sorted(serials.items())
        ],
        # In the order the first wave approved them (a firm's later claim saw the earlier paid).
        "applications": sorted(apps, key=lambda a: (a["decided_at"] or "9", a["created_at"])),
    }
    OUT.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    awarded = sum(1 for a in apps if a["award"])
    print(f"wrote {OUT}: {len(apps)} applications, {awarded} awards")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]).resolve())
