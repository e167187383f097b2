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
from portal.programs import services as programs
from portal.publicity import services as publicity
from portal.statistics import services as statistics
from portal.web.policy_text import ARTICLES, article_text
from portal.web.statistics_charts import statistics_page
from portal.web.templating import page

AnyRequest = Request[Any, Any, Any]
Form = Body(media_type=RequestEncodingType.URL_ENCODED)


MAX_INPUTS = 20  # no calculator asks for more


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
    async def estimate(self, ctx: Ctx, request: AnyRequest, code: FromPath[str]) -> Template:
        """The calculator's result as a partial (htmx), from the same calculator the API uses;
        the inputs are the program's own (a defined program names them in its definition)."""
        form = await request.form()
        raw: dict[str, Any] = {}
        for key in list(form)[:MAX_INPUTS]:
            values = [v for v in form.getall(key) if isinstance(v, str) and v.strip()]
            if key == "_csrf_token" or not values:
                continue
            raw[key] = [v.strip() for v in values] if key == "stages" else values[0].strip()
        language = language_of(request)
        try:
            detail = await programs.get_program(ctx.pool, code, ctx.today())
            kinds = (
                {f.name: f.kind for f in detail.program.form.fields} if detail.program.form else {}
            )
            for key, value in raw.items():
                if kinds.get(key) == "integer" and isinstance(value, str) and value.isdigit():
                    raw[key] = int(value[:12])
            result = await programs.estimate(ctx.pool, code, raw, ctx.today(), language)
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

    @get("/statistics")
    async def statistics_figures(self, ctx: Ctx, request: AnyRequest) -> Template:
        figures = await statistics.public(ctx.pool, ctx.redis, ctx.statistics, ctx.clock.now())
        return page(request, "statistics.html", **statistics_page(figures, language_of(request)))


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
