from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody, Parameter

from domain.accounts import STAFF_ROLES, Role
from domain.errors import RuleViolation
from portal.applications import schemas as app_schemas
from portal.auth.guards import city_staff, has_role, principal_of
from portal.context import Ctx
from portal.errors import problems
from portal.i18n import language_of
from portal.programs import follow_ups, proposals, services, versions
from portal.programs import schemas as s

AnyRequest = Request[Any, Any, Any]
LISTING_PROPOSALS = "ipo_domestic_claim"  # the type /ipo-proposals prepares (the API's route)


class ProgramController(Controller):
    path = "/api/v1/programs"
    tags = ["programs"]

    @get(operation_id="list_programs", summary="The programs with the version in effect today")
    async def list_programs(self, ctx: Ctx) -> s.ProgramList:
        return await services.list_programs(ctx.pool, ctx.today())

    @get(
        "/{code:str}",
        operation_id="get_program",
        responses=problems(404),
        summary="A program and all its versions",
    )
    async def get_program(self, ctx: Ctx, code: FromPath[str]) -> s.ProgramDetail:
        return await services.get_program(ctx.pool, code, ctx.today())

    @post(
        "/{code:str}/estimate",
        operation_id="estimate",
        status_code=200,
        responses=problems(404, 422),
        summary="The public subsidy calculator",
    )
    async def estimate(
        self,
        ctx: Ctx,
        request: AnyRequest,
        code: FromPath[str],
        data: JSONBody[Annotated[dict[str, Any], msgspec.Meta(max_length=20)]],
    ) -> s.EstimateOut:
        """The inputs are the program's `estimate_inputs` (see GET /programs/{code})."""
        return await services.estimate(ctx.pool, code, data, ctx.today(), language_of(request))


class ProgramAdminController(Controller):
    """Admins define programs as data: drafts, preview, diff, publish (all audited). A program
    is the city's: only city admins write one (`city_staff`); preview and diff change nothing."""

    path = "/api/v1/admin/programs"
    tags = ["admin"]
    guards = [has_role(Role.ADMIN)]

    @post(
        operation_id="create_program",
        status_code=201,
        guards=[city_staff],
        responses=problems(401, 403, 409, 422),
        summary="A new program defined as data; its first version is a draft",
    )
    async def create(
        self, ctx: Ctx, request: AnyRequest, data: JSONBody[s.NewProgramIn]
    ) -> s.VersionOut:
        return await versions.create_program(ctx.pool, ctx.clock.now(), principal_of(request), data)

    @post(
        "/{code:str}/versions",
        operation_id="add_program_version",
        status_code=201,
        guards=[city_staff],
        responses=problems(401, 403, 404, 422),
        summary="Add a version: a draft to preview, or published at once with `publish`",
    )
    async def add_version(
        self, ctx: Ctx, request: AnyRequest, code: FromPath[str], data: JSONBody[s.NewVersionIn]
    ) -> s.VersionOut:
        return await versions.add_version(
            ctx.pool, ctx.clock.now(), principal_of(request), code, data
        )

    @put(
        "/{code:str}/versions/{version:int}",
        operation_id="update_program_draft",
        guards=[city_staff],
        responses=problems(401, 403, 404, 409, 422),
        summary="Change a draft version (a published one never changes)",
    )
    async def update_draft(
        self,
        ctx: Ctx,
        request: AnyRequest,
        code: FromPath[str],
        version: FromPath[int],
        data: JSONBody[s.NewVersionIn],
    ) -> s.VersionOut:
        return await versions.update_draft(
            ctx.pool, ctx.clock.now(), principal_of(request), code, version, data
        )

    @post(
        "/{code:str}/versions/{version:int}/preview",
        operation_id="preview_program_version",
        status_code=200,
        responses=problems(401, 403, 404, 422),
        summary="A version's form, documents and calculator on sample inputs",
    )
    async def preview(
        self,
        ctx: Ctx,
        request: AnyRequest,
        code: FromPath[str],
        version: FromPath[int],
        data: JSONBody[s.PreviewIn],
    ) -> s.PreviewOut:
        return await versions.preview(
            ctx.pool, code, version, data, language_of(request), ctx.today()
        )

    @post(
        "/{code:str}/versions/{version:int}/publish",
        operation_id="publish_program_version",
        status_code=200,
        guards=[city_staff],
        responses=problems(401, 403, 404, 409, 422),
        summary="Publish a draft for its window; applications already started keep theirs",
    )
    async def publish(
        self,
        ctx: Ctx,
        request: AnyRequest,
        code: FromPath[str],
        version: FromPath[int],
        data: JSONBody[s.PublishIn],
    ) -> s.VersionOut:
        return await versions.publish(
            ctx.pool, ctx.clock.now(), principal_of(request), code, version, data
        )

    @get(
        "/{code:str}/versions/{version:int}/diff",
        operation_id="diff_program_versions",
        responses=problems(401, 403, 404, 422),
        summary="What changed from another version to this one",
    )
    async def diff(
        self,
        ctx: Ctx,
        code: FromPath[str],
        version: FromPath[int],
        against: Annotated[int, Parameter(ge=1)],
    ) -> s.DiffOut:
        return await versions.diff(ctx.pool, code, version, against)


class ProposalController(Controller):
    path = "/api/v1/admin/programs/{code:str}/proposals"
    tags = ["admin"]

    @post(
        operation_id="propose_program_award",
        status_code=201,
        guards=[has_role(Role.REVIEWER, Role.ADMIN)],
        responses=problems(401, 403, 404, 409, 422),
        summary="免申即享: prepare a claim for each firm on a recognition list",
    )
    async def propose(
        self, ctx: Ctx, request: AnyRequest, code: FromPath[str], data: JSONBody[s.ProposalsIn]
    ) -> s.ProposalsOut:
        return await proposals.propose(
            ctx.pool, ctx.clock.now(), ctx.today(), principal_of(request), code, data
        )


class ListingController(Controller):
    """The listing rewards' own admin routes: a stage proposed from a disclosure, and the yearly
    follow-up of a paid award's funds."""

    path = "/api/v1/admin"
    tags = ["admin"]

    @post(
        "/ipo-proposals",
        operation_id="propose_ipo_award",
        status_code=201,
        guards=[has_role(Role.REVIEWER, Role.ADMIN)],
        responses=problems(401, 403, 404, 409, 422),
        summary="免申即享: record a listing stage from public disclosures and propose the award",
    )
    async def propose_listing(
        self, ctx: Ctx, request: AnyRequest, data: JSONBody[dict[str, Any]]
    ) -> app_schemas.ApplicationOut:
        """The firm's USCC beside the domestic listing reward's fields."""
        fields = dict(data)
        uscc = fields.pop("uscc", None)
        if not isinstance(uscc, str):
            raise RuleViolation(
                "required",
                "Give the firm's USCC.",
                field="uscc",
                message_zh="请填写统一社会信用代码。",
            )
        return await proposals.propose_one(
            ctx.pool,
            ctx.clock.now(),
            ctx.today(),
            principal_of(request),
            LISTING_PROPOSALS,
            uscc,
            fields,
            language_of(request),
        )

    @post(
        "/applications/{application_id:uuid}/follow-ups",
        operation_id="record_follow_up",
        status_code=201,
        guards=[has_role(Role.FINANCE, Role.ADMIN)],
        responses=problems(401, 403, 404, 409, 422),
        summary="A paid award's yearly follow-up figures; below the share, flagged",
    )
    async def follow_up(
        self,
        ctx: Ctx,
        request: AnyRequest,
        application_id: FromPath[UUID],
        data: JSONBody[dict[str, Any]],
    ) -> dict[str, Any]:
        return await follow_ups.follow_up(
            ctx.pool, ctx.clock.now(), principal_of(request), application_id, data
        )


class ExchangeController(Controller):
    path = "/api/v1/exchanges"
    tags = ["programs"]

    @get(
        operation_id="list_exchanges",
        responses=problems(422),
        summary="Exchanges as they stand on a date (default today)",
    )
    async def list_exchanges(
        self, ctx: Ctx, request: AnyRequest, on: FromQuery[dt.date | None] = None
    ) -> s.ExchangeList:
        return await services.list_exchanges(ctx.pool, on or ctx.today(), language_of(request))


class ExchangeAdminController(Controller):
    path = "/api/v1/admin/exchanges"
    tags = ["admin"]
    guards = [has_role(Role.ADMIN), city_staff]

    @put(
        "/{code:str}",
        operation_id="put_exchange",
        responses=problems(401, 403, 422),
        summary="Add or change an exchange from a date",
    )
    async def put_exchange(
        self,
        ctx: Ctx,
        request: AnyRequest,
        code: Annotated[str, Parameter(pattern=r"^[A-Z][A-Z0-9]{1,9}$")],
        data: JSONBody[s.ExchangeIn],
    ) -> s.ExchangeOut:
        return await services.put_exchange(
            ctx.pool, ctx.clock.now(), principal_of(request), code, data, language_of(request)
        )


class BudgetController(Controller):
    path = "/api/v1/admin/budgets"
    tags = ["admin"]

    @get(
        operation_id="list_budgets",
        guards=[has_role(*STAFF_ROLES)],
        responses=problems(401, 403, 422),
        summary="Each program's budgets for a year: the city's and the districts'",
    )
    async def list_budgets(
        self,
        ctx: Ctx,
        request: AnyRequest,
        year: Annotated[int | None, Parameter(ge=2000, le=2100)] = None,
    ) -> s.BudgetList:
        return await services.list_budgets(
            ctx.pool, year or ctx.today().year, principal_of(request).scope()
        )

    @put(
        "/{program:str}/{year:int}",
        operation_id="set_budget",
        guards=[has_role(Role.ADMIN)],
        responses=problems(401, 403, 404, 409, 422),
        summary="Set a program's allocation for a year, the city's or a district's",
    )
    async def set_budget(
        self,
        ctx: Ctx,
        request: AnyRequest,
        program: FromPath[str],
        year: FromPath[int],
        data: JSONBody[s.BudgetIn],
    ) -> s.BudgetOut:
        return await services.set_budget(
            ctx.pool, ctx.clock.now(), principal_of(request), program, year, data
        )
