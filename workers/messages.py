"""Message texts: one Jinja2 template per topic in `templates/<language>/`, Chinese and English.

Each template has three blocks: `title` (inbox title and e-mail subject), `body` and `sms`. An
`application.*` topic without its own template (a new application type's transition) falls back
to `application._status`, so it still reads as a status change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import jinja2

from domain.lifecycle import STATUS_ZH, Status

TEMPLATE_DIR: Final = Path(__file__).parent / "templates"
LANGUAGES: Final = ("zh", "en")
FALLBACK: Final = "application._status"

# Plain text only, never HTML: nothing to escape. Undefined variables fail loudly in tests.
_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
    autoescape=False,  # noqa: S701
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

TYPE_NAMES: Final[dict[str, tuple[str, str]]] = {
    "event_filing": ("活动备案", "event filing"),
    "event_claim": ("活动经费兑现申报", "event cost claim"),
    "ipo_domestic_claim": ("境内上市奖励申报", "domestic listing reward claim"),
    "ipo_overseas_claim": ("境外上市奖励申报", "overseas listing reward claim"),
    "scenario_project": ("场景项目申报", "scenario project application"),
    "unveiling_award": ("揭榜挂帅奖励申报", "open-competition task award claim"),
    "program_claim": ("政策资金申报", "policy funding claim"),
}
_ROLE_NAMES: Final = {"org_admin": ("单位管理员", "an admin"), "member": ("成员", "a member")}
SUBJECT_PREFIX: Final = {"zh": "【武汉市人工智能产业政策资金】", "en": "[Wuhan AI Subsidy] "}
SMS_SIGNATURE: Final = {"zh": "【武汉AI政策资金】", "en": "[Wuhan AI Subsidy] "}
FOOTER: Final = {
    "zh": "本消息由武汉市人工智能产业政策资金申报平台自动发送,请勿直接回复。详情请登录平台查看。",
    "en": "Sent automatically by the Wuhan AI Subsidy Portal; please do not reply. "
    "Sign in to the portal for details.",
}


@dataclass(frozen=True, slots=True)
class Message:
    title: str
    body: str
    sms: str

    def email_subject(self, language: str) -> str:
        return SUBJECT_PREFIX[language] + self.title

    def email_body(self, language: str) -> str:
        return f"{self.body}\n\n--\n{FOOTER[language]}\n"


def _status_name(status: str | None, zh: bool) -> str:
    if not status:
        return ""
    try:
        return STATUS_ZH[Status(status)] if zh else status.replace("_", " ")
    except ValueError:
        return status


def variables(
    payload: Mapping[str, Any],
    *,
    language: str,
    audience: str,
    app_title: str = "",
    org_name: str = "",
    base_url: str = "",
) -> dict[str, Any]:
    """What a template may use: the outbox payload plus names in the recipient's language, and
    the link a mail carries (its token joins the portal's address here, in the worker)."""
    zh = language == "zh"
    type_ = str(payload.get("type", ""))
    names = TYPE_NAMES.get(type_)
    type_name = (names[0] if zh else names[1]) if names else ("申请" if zh else "application")
    reference = payload.get("reference") or "—"
    return {
        **payload,
        "audience": audience,
        "type": type_,
        "type_name": type_name,
        "reference": reference,
        "subject": app_title or payload.get("title") or reference,
        "org_name": org_name or ("申报单位" if zh else "an applicant"),
        "comment": payload.get("comment") or "",
        "from_status_name": _status_name(payload.get("from_status"), zh),
        "to_status_name": _status_name(payload.get("to_status"), zh),
        "status_name": _status_name(payload.get("status"), zh),
        "role_name": _ROLE_NAMES.get(str(payload.get("org_role")), ("", ""))[0 if zh else 1],
        "link": f"{base_url}{payload.get('link_path', '')}?token={payload['token']}"
        if payload.get("token")
        else "",
    }


def _template(topic: str, language: str) -> jinja2.Template:
    lang = language if language in LANGUAGES else "zh"
    try:
        return _env.get_template(f"{lang}/{topic}.j2")
    except jinja2.TemplateNotFound:
        if not topic.startswith("application."):
            raise
        return _env.get_template(f"{lang}/{FALLBACK}.j2")


def _block(template: jinja2.Template, name: str, context: jinja2.runtime.Context) -> str:
    return "".join(template.blocks[name](context)).strip()


def render(topic: str, language: str, values: dict[str, Any]) -> Message:
    template = _template(topic, language)
    context = template.new_context(values)
    lang = language if language in LANGUAGES else "zh"
    return Message(
        title=_block(template, "title", context),
        body=_block(template, "body", context),
        sms=SMS_SIGNATURE[lang] + _block(template, "sms", context),
    )


def template_names() -> list[str]:
    """Every template file, as `<language>/<topic>`: the tests render each one."""
    return sorted(f"{p.parent.name}/{p.stem}" for p in TEMPLATE_DIR.glob("*/*.j2") if p.is_file())
