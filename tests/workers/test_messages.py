"""Every topic has its template in both languages, and every template renders for each audience."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sql.notification_topics import TOPICS, topic
from workers.channels.email import build
from workers.messages import FALLBACK, render, template_names, variables

PAYLOAD: dict[str, Any] = {
    "application_id": "0b0f8f0e-0000-4000-8000-000000000001",
    "org_id": "0b0f8f0e-0000-4000-8000-000000000002",
    "type": "event_claim",
    "program_code": "event-support",
    "reference": "WHAI-EC-2026-0001",
    "action": "return",
    "from_status": "submitted",
    "to_status": "returned",
    "comment": "请补充发票",
    "days_left": 7,
    "last_day": "2026-08-11",
    "status": "submitted",
    "role": "reviewer",
    "waiting_days": 6,
    "sla": 5,
    "day": "2026-05-11",
    "counts": {"city_review": 3, "approval": 2, "payment": 4},
    "total": 9,
    "overdue": 1,
    "items": [
        {
            "reference": "WHAI-EC-2026-0001",
            "title": "世界人工智能大赛",
            "stage": "city_review",
            "age_working_days": 6,
            "sla_working_days": 5,
            "overdue": True,
        }
    ],
    "more": 8,
    "open_objections": 1,
    "year": 2026,
    "amount": "1200000.00",
    "due_on": "2026-09-30",
    "paid_on": "2026-08-01",
    "payment_reference": "BK-20260801-001",
    "outstanding": "200000.00",
    "name": "张三",
    "token": "abcDEF123",
    "link_path": "/verify-email",
    "organization": "武汉智会科技有限公司",
    "inviter": "李四",
    "org_role": "member",
}


def test_every_topic_has_a_template_in_each_language() -> None:
    names = set(template_names())
    for name in [*TOPICS, FALLBACK]:
        assert {f"zh/{name}", f"en/{name}"} <= names, name


@pytest.mark.parametrize("name", template_names())
@pytest.mark.parametrize("audience", ["org", "staff"])
def test_each_template_renders(name: str, audience: str) -> None:
    language, topic_name = name.split("/")
    values = variables(
        PAYLOAD, language=language, audience=audience, app_title="世界人工智能大赛", org_name="智会"
    )
    msg = render(topic_name, language, values)
    assert msg.title and msg.body and msg.sms
    assert "None" not in msg.title + msg.body + msg.sms
    assert "\n" not in msg.title
    if language == "en":
        assert not any(
            "\u4e00" <= ch <= "\u9fff"
            for ch in msg.title.replace("世界人工智能大赛", "").replace(PAYLOAD["organization"], "")
        )


def test_a_new_application_action_falls_back_to_a_status_change() -> None:
    t = topic("application.propose")
    assert t is not None and t.org and not t.protected
    msg = render("application.propose", "zh", variables(PAYLOAD, language="zh", audience="org"))
    assert msg.title.startswith("申请状态变更") and "已退回" in msg.body
    assert topic("application.created") is None and topic("nothing.known") is None


def test_no_line_break_reaches_an_email_header() -> None:
    raw = build(
        sender="noreply@ai-subsidy.wuhan.gov.cn",
        to="a@example.cn",
        subject="Title\r\nBcc: victim@example.com",
        body="body",
        msg_id="<n1.d1@ai-subsidy.wuhan.gov.cn>",
        date=dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
    )
    headers = raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    assert not any(h.lower().startswith(b"bcc:") for h in headers)
