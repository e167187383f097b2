"""Jinja2 for the pages: money and date filters, the language, and one `page()` to render."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from litestar import Request
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template.config import TemplateConfig

from domain import listing
from domain.definition.award import article_number
from domain.districts import district_names
from domain.money import Money
from domain.notices import kinds_for
from portal.i18n import language_of
from portal.web.i18n import translator

TEMPLATES = Path(__file__).parent.parent / "templates"


def _money(fen_or_text: Any) -> Money | None:
    if fen_or_text is None or fen_or_text == "":
        return None
    if isinstance(fen_or_text, Money):
        return fen_or_text
    if isinstance(fen_or_text, int):
        return Money(fen_or_text)
    whole, _, cents = str(fen_or_text).partition(".")
    return Money(int(whole) * 100 + int((cents + "00")[:2]))


def yuan(value: Any) -> str:
    """`¥1,234,567.89`, from fen or from the API's yuan string."""
    m = _money(value)
    return "" if m is None else m.display()


def wan(value: Any, lang: str = "zh") -> str:
    """Rounded for reading beside the exact yuan: in 万元, as officials read budgets, or in
    millions of yuan in English."""
    m = _money(value)
    if m is None:
        return ""
    return m.display_wan() if lang == "zh" else m.display_millions()


def article(value: Any, lang: str) -> str:
    """A policy article as each language cites it: 第十一条, Article 11."""
    text = "" if value is None else str(value)
    if lang == "zh":
        return f"第{text}条"
    number = article_number(text)
    return f"Article {number if number is not None else text}"


def district(code: Any, lang: str) -> str:
    """A district by its name, never its code (a code outside Wuhan is said to be so)."""
    zh, en = district_names(str(code))
    return zh if lang == "zh" else en


def day(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)[:10]


def _engine(engine: JinjaTemplateEngine) -> None:
    env = engine.engine
    env.filters.update(yuan=yuan, wan=wan, day=day, article=article, district=district)
    env.globals["notice_kinds"] = kinds_for  # the notices an application's page offers
    env.globals["listing"] = listing  # a stock code's exchange, to question a mismatch
    env.autoescape = True


TEMPLATE_CONFIG = TemplateConfig(
    directory=TEMPLATES, engine=JinjaTemplateEngine, engine_callback=_engine
)


def page(
    request: Request[Any, Any, Any],
    name: str,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Template:
    language = language_of(request)
    settings = request.app.state.ctx.settings
    return Template(
        template_name=name,
        status_code=status_code,
        headers=headers,
        context={
            "lang": language,
            "t": translator(language),
            "user": request.scope.get("user"),
            "path": request.url.path,
            # The single sign-on button's provider, when one is configured.
            "oidc_name": settings.oidc_name if settings.oidc_enabled else None,
            # A training clock is said on every page, with the date it makes today.
            "training_day": request.app.state.ctx.today() if settings.clock_offset_days else None,
            "training_offset": settings.clock_offset_days,
            **context,
        },
    )
