"""Pages for everyone: the programs with the policy's own text and calculator, and publicity."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Template

from domain.errors import RuleViolation
from portal.auth.client_address import client_address
from portal.context import Ctx
from portal.errors import ProblemError
from portal.i18n import language_of
from portal.objections import schemas as objection_schemas
from portal.objections import services as objections
from portal.programs import schemas as program_schemas
from portal.programs import services as programs
from portal.publicity import services as publicity
from portal.web.policy_text import ARTICLES, article_text
from portal.web.templating import page

AnyRequest = Request[Any, Any, Any]
Form = Body(media_type=RequestEncodingType.URL_ENCODED)


class EstimateForm(msgspec.Struct):
    eligible_costs: str = ""
    total_investment: str = ""
    stages: list[str] | str = msgspec.field(default_factory=list)
    already_paid: str = ""
    exchange: str = ""
    raised_total: str = ""
    invested_in_wuhan: str = ""


class ObjectionForm(msgspec.Struct):
    reason: str = ""
    contact: str = ""


class PublicPages(Controller):
    include_in_schema = False

    @get("/")
    async def home(self, ctx: Ctx, request: AnyRequest) -> Template:
        listed = await programs.list_programs(ctx.pool, ctx.today())
        return page(request, "home.html", programs=listed.items)

    @get("/programs/{code:str}")
    async def program(self, ctx: Ctx, request: AnyRequest, code: FromPath[str]) -> Template:
        detail = await programs.get_program(ctx.pool, code, ctx.today())
        exchanges = await programs.list_exchanges(ctx.pool, ctx.today(), language_of(request))
        return page(
            request,
            "program.html",
            program=detail.program,
            articles=ARTICLES,
            policy=article_text(detail.program.article),
            exchanges=exchanges.items,
        )

    @post("/programs/{code:str}/estimate")
    async def estimate(
        self,
        ctx: Ctx,
        request: AnyRequest,
        code: FromPath[str],
        data: Annotated[EstimateForm, Form],
    ) -> Template:
        """The calculator's result as a partial (htmx), from the same calculator the API uses."""
        raw = {k: v for k, v in msgspec.structs.asdict(data).items() if v not in ("", [], None)}
        if isinstance(raw.get("stages"), str):
            raw["stages"] = [raw["stages"]]
        language = language_of(request)
        try:
            body = msgspec.convert(raw, program_schemas.EstimateIn)
            result = await programs.estimate(ctx.pool, code, body, ctx.today(), language)
        except (RuleViolation, ProblemError, msgspec.ValidationError) as exc:
            return page(request, "_estimate.html", result=None, error=_message(exc, language))
        return page(request, "_estimate.html", result=result, error=None)

    @get("/publicity")
    async def publicity(self, ctx: Ctx, request: AnyRequest) -> Template:
        listed = await publicity.announcements(ctx.pool, ctx.today(), language_of(request))
        return page(request, "publicity.html", items=listed.items, done=None, errors={})

    @post("/publicity/{application_id:uuid}/objections")
    async def object_to(
        self,
        ctx: Ctx,
        request: AnyRequest,
        application_id: FromPath[UUID],
        data: Annotated[ObjectionForm, Form],
    ) -> Template:
        language = language_of(request)
        listed = await publicity.announcements(ctx.pool, ctx.today(), language)
        try:
            body = msgspec.convert(msgspec.structs.asdict(data), objection_schemas.ObjectionIn)
            await objections.lodge(
                ctx.pool,
                ctx.clock.now(),
                ctx.today(),
                application_id,
                body,
                client_address(request, ctx.settings.trusted_proxies),
            )
        except (ProblemError, RuleViolation, msgspec.ValidationError) as exc:
            throttled = exc if isinstance(exc, ProblemError) and exc.status == 429 else None
            return page(
                request,
                "publicity.html",
                status_code=429 if throttled else 422,
                headers=throttled.headers if throttled else None,
                items=listed.items,
                done=None,
                errors={str(application_id): _message(exc, language)},
                form=data,
            )
        return page(
            request, "publicity.html", items=listed.items, done=str(application_id), errors={}
        )


def _message(exc: Exception, language: str) -> str:
    zh = language == "zh"
    if isinstance(exc, ProblemError):
        parts = [(e.message_zh if zh else e.message) for e in exc.errors] or [
            exc.detail_zh if zh else exc.detail_en
        ]
        return ";".join(parts)
    if isinstance(exc, RuleViolation):
        return exc.message_zh if zh else exc.message
    return ("请检查输入:" if zh else "Please check the input: ") + str(exc)
