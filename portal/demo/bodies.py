"""What the sandbox's organizations apply for: a realistic body for each program, varied by
organization so that lists, sums and charts look like a real year."""

from __future__ import annotations

import datetime as dt
from typing import Any

from portal.demo import DemoError
from portal.demo.cast import Org

Body = dict[str, Any]


def _yuan(n: int) -> str:
    return f"{n}.00"


def event_filing(org: Org, starts: dt.date) -> Body:
    scale = 1 + org.serial % 4
    kind = ("创新大赛", "产业博览会", "开发者大会")[org.serial % 3]
    return {
        "type": "event_filing",
        "title": f"{starts.year} 武汉人工智能{kind}·{org.short}",
        "event_type": ["contest", "exhibition", "conference"][org.serial % 3],
        "level": "international" if org.serial % 2 else "national",
        "venue": "武汉国际博览中心" if org.serial % 2 else "中国光谷科技会展中心",
        "district": org.district,
        "starts_on": starts.isoformat(),
        "ends_on": (starts + dt.timedelta(days=2)).isoformat(),
        "expected_attendance": 1500 * scale,
        "co_organizers": ["武汉市人工智能产业协会"],
        "budget_lines": [
            {"category": "venue", "description": "场地租赁", "amount": _yuan(400_000 * scale)},
            {"category": "promotion", "description": "宣传推广", "amount": _yuan(250_000 * scale)},
            {"category": "prizes", "description": "奖金", "amount": _yuan(500_000 * scale)},
        ],
    }


def event_claim(org: Org) -> Body:
    """The claim; `filing_id` is its recognized filing's, added once that exists."""
    scale = 1 + org.serial % 4
    return {
        "type": "event_claim",
        "actual_attendance": 1800 * scale,
        "summary": "活动如期举办,发布人工智能应用场景与成果。",
        "expense_lines": [
            {
                "category": "venue",
                "description": "场地租赁",
                "amount": _yuan(380_000 * scale),
                "invoice_numbers": [f"4201{org.serial:02d}{scale}001"],
            },
            {
                "category": "promotion",
                "description": "宣传推广",
                "amount": _yuan(230_000 * scale),
                "invoice_numbers": [f"4201{org.serial:02d}{scale}002"],
            },
            {
                "category": "prizes",
                "description": "奖金",
                "amount": _yuan(450_000 * scale),
                "invoice_numbers": [f"4201{org.serial:02d}{scale}003"],
            },
        ],
    }


def ipo_domestic(org: Org, stage: str, on: dt.date) -> Body:
    exchange, code = (("SSE", f"688{org.serial:03d}"), ("SZSE", f"301{org.serial:03d}"))[
        org.serial % 2
    ]
    return {
        "type": "ipo_domestic_claim",
        "exchange": exchange,
        "stages": [stage],
        "stage_dates": {stage: on.isoformat()},
        "stock_code": code,
    }


def ipo_overseas(org: Org, listed_on: dt.date) -> Body:
    raised = 200_000_000 + 50_000_000 * (org.serial % 5)
    return {
        "type": "ipo_overseas_claim",
        "exchange": "HKEX",
        "listed_on": listed_on.isoformat(),
        "raised_total": _yuan(raised),
        "invested_in_wuhan": _yuan(raised * 85 // 100),
        "stock_code": f"{2600 + org.serial}.HK",
    }


FIELDS = (
    "smart_manufacturing",
    "connected_vehicles",
    "smart_health",
    "smart_education",
    "smart_city",
)


def scenario_project(org: Org, call_year: int) -> Body:
    total = 1_500_000 + 700_000 * (org.serial % 6)
    return {
        "type": "scenario_project",
        "call_year": call_year,
        "title": f"{org.short}人工智能应用场景示范项目",
        "field": FIELDS[org.serial % len(FIELDS)],
        "total_investment": _yuan(total),
        "starts_on": f"{call_year}-04-01",
        "ends_on": f"{call_year + 1}-03-31",
        "investment_lines": [
            {"category": "equipment", "description": "算力设备", "amount": _yuan(total // 2)},
            {
                "category": "services",
                "description": "软件开发",
                "amount": _yuan(total - total // 2),
            },
        ],
    }


def unveiling_award(org: Org, year: int) -> Body:
    return {
        "type": "unveiling_award",
        "task_list": "ai_innovation",
        "task_name": f"{org.short}工业视觉大模型攻关",
        "task_batch": f"{year - 1}年第二批",
        "certificate_no": f"JBGS-{year - 1}-{org.serial:04d}",
        "transformation_summary": "成果已在武汉本地企业落地应用。",
    }


def program_claim(code: str, org: Org, year: int) -> Body:
    """A claim on one of the programs defined as data, with fields its published form names."""
    k = org.serial
    fields: dict[str, dict[str, Any]] = {
        "key-rd-project": {
            "project_name": f"{org.short}多模态大模型关键技术研究",
            "research_area": "model_algorithms",
            "summary": "研发面向工业场景的多模态大模型,形成可复用的训练与推理框架。",
            "starts_on": f"{year}-01-01",
            "ends_on": f"{year + 1}-12-31",
            "requested": _yuan(500_000 + 50_000 * (k % 10)),
        },
        "computing-center-match": {
            "center_name": f"{org.short}智算中心",
            "subsidy_year": year - 1,
            "provincial_subsidy": _yuan(1_000_000 + 200_000 * (k % 7)),
        },
        "vertical-model": {
            "model_name": f"{org.short}行业大模型",
            "industry": ("electronics", "industrial_inspection", "education", "health")[k % 4],
            "filing_no": f"Hubei-{org.short}-{year}0{k:02d}",
            "deployment": "已在武汉 3 家企业部署应用。",
            "rd_costs": _yuan(4_000_000 + 1_500_000 * (k % 8)),
        },
        "vertical-model-compute": {
            "model_name": f"{org.short}行业大模型",
            "service_year": year - 1,
            "provider": "武汉人工智能计算中心",
            "local_compute_fees": _yuan(800_000 + 300_000 * (k % 6)),
        },
        "public-platform-award": {
            "platform_name": f"{org.short}算法开放平台",
            "platform_type": ("algorithms", "data", "testing")[k % 3],
            "users": 30 + 7 * k,
            "investment": _yuan(6_000_000 + 500_000 * k),
            "requested": _yuan(1_000_000 + 100_000 * (k % 10)),
        },
        "pilot-platform-support": {
            "platform_name": f"{org.short}人工智能中试平台",
            "equipment_cost": _yuan(20_000_000 + 2_000_000 * k),
            "openings": 12 + k,
            "requested": _yuan(3_000_000 + 500_000 * (k % 10)),
        },
        "little-giant-reward": {
            "recognition_batch": f"第{6 + k % 2}批",
            "recognized_on": f"{year - 1}-07-{10 + k % 15:02d}",
        },
        "unicorn-reward": {
            "recognized_by": "长城战略咨询中国独角兽企业榜单",
            "recognized_on": f"{year - 1}-09-{10 + k % 15:02d}",
        },
        "ai-park-award": {
            "park_name": f"{org.short}人工智能产业园",
            "year_index": 1 + k % 3,
            "progress": "园区入驻人工智能企业 40 家,年营收增长 25%。",
            "requested": _yuan(2_000_000 + 500_000 * (k % 6)),
        },
        "cluster-award": {
            "cluster_name": f"武汉{org.short}智能网联汽车集群",
            "won_on": f"{year - 1}-11-{10 + k % 15:02d}",
        },
    }
    if code not in fields:
        raise DemoError(f"no sample claim for program {code}: add one to portal/demo/bodies.py")
    return {"type": "program_claim", "program_code": code, "fields": fields[code]}
