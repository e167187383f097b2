"""Finance's payment run: the due list, a batch picked from it (or read from the bank's returned
CSV), a preview that checks every item as the batch will, then the batch recorded whole."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Response, get, post
from litestar.datastructures import FormMultiDict, UploadFile
from litestar.params import Parameter
from litestar.response import Redirect, Template

from domain.accounts import Role
from domain.errors import RuleViolation
from domain.money import Money, parse_money
from domain.payments import parse_bank_csv
from portal.auth.guards import has_role, principal_of
from portal.auth.principal import Principal
from portal.context import Ctx
from portal.i18n import language_of
from portal.payments import schemas as s
from portal.payments import services as payments
from portal.web.console.common import AnyRequest, render, see_other
from portal.web.forms import REFUSALS, failure, read_form, text
from sql.queries import Q

FINANCE = has_role(Role.FINANCE)
FINANCE_READERS = has_role(Role.FINANCE, Role.AUDITOR)
CSV_MAX_BYTES = 1024 * 1024


@dataclass
class Row:
    """One payment as the preview shows it: what was asked, what it names, what is wrong."""

    n: int
    item: dict[str, str]
    application_id: UUID | None = None
    org_name: str = ""
    payee: dict[str, str] | None = None
    award: str | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def amount_shown(self) -> str:
        """The amount for people (¥1,234.00), or as typed when it is not an amount."""
        fen = _fen(self.item["amount"])
        return Money(fen).display() if fen is not None else self.item["amount"]


class PaymentPages:
    """Mixed into ConsolePages (path /console)."""

    @get("/payments", guards=[FINANCE_READERS])
    async def payments_page(
        self,
        ctx: Ctx,
        request: AnyRequest,
        program: Annotated[str | None, Parameter(max_length=40)] = None,
    ) -> Template:
        return await _due_page(ctx, request, program or None)

    @get("/payments/due.xlsx", guards=[FINANCE_READERS])
    async def due_xlsx(self, ctx: Ctx, request: AnyRequest) -> Response[bytes]:
        return await payments.due_xlsx(
            ctx.pool, ctx.clock.now(), principal_of(request), language_of(request), None
        )

    @post("/payments/preview", status_code=200, guards=[FINANCE])
    async def preview(self, ctx: Ctx, request: AnyRequest) -> Template:
        form = await read_form(request)
        language = language_of(request)
        try:
            items = await _items(form)
        except REFUSALS as exc:
            errors, _, status = failure(exc, language)
            return await _due_page(ctx, request, None, errors=errors, status_code=status)
        rows = await _preview(ctx, principal_of(request), items, language)
        ok = all(not r.errors for r in rows)
        total = sum((Money(_fen(r.item["amount"]) or 0) for r in rows if ok), Money.ZERO)
        return render(
            request,
            "payments_preview.html",
            status_code=200 if ok else 422,
            rows=rows,
            ok=ok,
            total=str(total),
        )

    @post("/payments/batches", status_code=303, guards=[FINANCE])
    async def record(self, ctx: Ctx, request: AnyRequest) -> Redirect | Template:
        form = await read_form(request)
        language = language_of(request)
        items = _picked(form, "item")
        try:
            data = msgspec.convert(
                {"items": [{k: v for k, v in i.items() if k != "label"} for i in items]},
                s.BatchIn,
                strict=False,
            )
            batch = await payments.record_batch(
                ctx.pool, ctx.clock.now(), ctx.today(), principal_of(request), data
            )
        except REFUSALS as exc:  # changed since the preview: show it again, with why
            rows = await _preview(ctx, principal_of(request), items, language)
            errors, _, status = failure(exc, language)
            return render(
                request,
                "payments_preview.html",
                status_code=status,
                rows=rows,
                ok=False,
                total="0.00",
                form_errors=errors,
            )
        return see_other(f"/console/payments?done={batch.id}")


def _fen(amount: str) -> int | None:
    try:
        return parse_money(amount).fen
    except RuleViolation:
        return None


def _picked(form: FormMultiDict, prefix: str) -> list[dict[str, str]]:
    """Rows posted as `<prefix>_id`, `<prefix>_amount_<id>`… for each picked id, in order."""
    rows = []
    for app_id in form.getall(f"{prefix}_id", []):
        if not isinstance(app_id, str):
            continue
        rows.append(
            {
                "application_id": app_id,
                "label": "",
                "amount": text(form, f"{prefix}_amount_{app_id}"),
                "paid_on": text(form, f"{prefix}_paid_on_{app_id}") or text(form, "paid_on"),
                "reference": text(form, f"{prefix}_reference_{app_id}"),
            }
        )
    return rows


async def _items(form: FormMultiDict) -> list[dict[str, str]]:
    """The batch asked for: the bank's file if one was uploaded, else the rows picked."""
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        try:
            raw = await upload.read(CSV_MAX_BYTES + 1)
        finally:
            await upload.close()
        if len(raw) > CSV_MAX_BYTES:
            raise RuleViolation(
                "invalid_input",
                "The file is larger than 1 MiB.",
                field="file",
                message_zh="文件不能超过1 MiB。",
            )
        try:
            content = raw.decode("utf-8")
        except UnicodeDecodeError:
            content = raw.decode("gb18030", errors="replace")  # banks' own exports often are
        return [
            {
                "application_id": "",
                "label": r.reference,
                "amount": r.amount,
                "paid_on": r.paid_on,
                "reference": r.bank_reference,
            }
            for r in parse_bank_csv(content)
        ]
    picked = _picked(form, "pick")
    if not picked:
        raise RuleViolation(
            "required",
            "Pick the awards to pay, or upload the bank's file.",
            field="form",
            message_zh="请勾选要拨付的奖补,或上传银行回单文件。",
        )
    return picked


async def _preview(
    ctx: Ctx, principal: Principal, items: list[dict[str, str]], language: str
) -> list[Row]:
    """Each row with what it names and every reason it cannot be paid now (nothing written)."""
    uuids = [u for u in (_uuid(i["application_id"]) for i in items) if u is not None]
    found = await ctx.pool.fetch(Q.payment_candidates, uuids, [i["label"] for i in items])
    by_id = {r["id"]: r for r in found}
    by_ref = {r["reference"]: r for r in found if r["reference"]}
    rows: list[Row] = []
    valid: list[s.BatchItemIn] = []
    at: list[int] = []  # the row of each valid item
    for n, item in enumerate(items):
        given = _uuid(item["application_id"])
        hit = by_id.get(given) if given is not None else by_ref.get(item["label"])
        row = Row(n + 1, dict(item))
        rows.append(row)
        if hit is None:
            row.errors.append("未找到该申请。" if language == "zh" else "No such application.")
            continue
        row.application_id = hit["id"]
        row.item["application_id"] = str(hit["id"])
        row.item["label"] = hit["reference"] or str(hit["id"])
        row.org_name = hit["org_name"]
        row.payee = hit["payee"]
        row.award = str(Money(hit["amount_approved_fen"])) if hit["amount_approved_fen"] else None
        try:
            valid.append(
                msgspec.convert(
                    {k: row.item[k] for k in ("application_id", "amount", "paid_on", "reference")},
                    s.BatchItemIn,
                    strict=False,
                )
            )
            at.append(len(rows) - 1)
        except msgspec.ValidationError as exc:
            row.errors.extend(failure(exc, language)[0].values())
    if valid:
        refused = await payments.preview_batch(
            ctx.pool, ctx.clock.now(), ctx.today(), principal, s.BatchIn(items=valid)
        )
        zh = language == "zh"
        for v in refused:
            index = int((v.field or "items[0]").removeprefix("items[").split("]")[0])
            rows[at[index]].errors.append(v.message_zh if zh else v.message)
    return rows


def _uuid(value: str) -> UUID | None:
    try:
        return UUID(value)
    except ValueError:
        return None


async def _due_page(
    ctx: Ctx,
    request: AnyRequest,
    program: str | None,
    *,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Template:
    principal = principal_of(request)
    listed = await payments.due(
        ctx.pool,
        language_of(request),
        program=program,
        limit=200,
        cursor=None,
        districts=principal.scope(),
    )
    batch_id = _uuid(request.query_params.get("done") or "")
    done = await ctx.pool.fetchrow(Q.payment_batch, batch_id) if batch_id else None
    return render(
        request,
        "payments.html",
        status_code=status_code,
        items=listed.items,
        more=listed.next_cursor is not None,
        can_pay=principal.city and principal.has_any(Role.FINANCE),
        errors=errors or {},
        done={"count": done["items"], "total": done["total_fen"]} if done else None,
        paid_on_default=ctx.today().isoformat(),
    )
