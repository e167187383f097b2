"""The page of a claim on a program defined as data: its form generated from the version it was
started under (fields by kind, the lines, the payee, the checklist of documents), saved and
submitted through the same services as the API; read-only once submitted."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import post
from litestar.datastructures import FormMultiDict
from litestar.params import FromPath
from litestar.response import Redirect, Template

from domain.definition.model import Definition, Field
from portal.applications import services as applications
from portal.applications.schemas import ApplicationOut
from portal.auth.guards import principal_of
from portal.context import Context, Ctx
from portal.i18n import language_of
from portal.programs.claims import ProgramClaim, definition_of
from portal.programs.services import program_on
from portal.web.applicant.common import REFUSALS, AnyRequest, render, see_other
from portal.web.applicant.viewing import document_list, editable, load, timeline
from portal.web.forms import failure

BLANK_ROWS = 2  # empty line rows offered below the filled ones
PAYEE = ("account_name", "bank", "account_no")
LINE_COLUMNS = ("category", "description", "amount")


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    return str(value)


def _posted(d: Definition, form: FormMultiDict) -> dict[str, Any]:
    """The form's fields as the API's `fields`: what is typed goes as typed, so the service
    names any field it refuses."""
    out: dict[str, Any] = {}
    for f in d.fields:
        if f.kind == "lines":
            out[f.name] = _rows(f, form)
            continue
        raw = form.get(f"f-{f.name}")
        text = raw.strip() if isinstance(raw, str) else ""
        if f.kind == "boolean":
            out[f.name] = text == "on"
        elif text == "":
            out[f.name] = None
        elif f.kind == "integer" and text.lstrip("-").isdigit() and len(text) < 12:
            out[f.name] = int(text)
        else:
            out[f.name] = text
    return out


def _kept_documents(form: FormMultiDict) -> list[dict[str, str]]:
    """The attached documents the form lists, less those ticked for removal."""
    kept = []
    for i in range(100):
        doc = form.get(f"doc-{i}-id")
        if not doc:
            break
        if not form.get(f"doc-{i}-remove"):
            kept.append(
                {"document_id": str(doc), "kind": str(form.get(f"doc-{i}-kind") or "other")}
            )
    return kept


def _rows(f: Field, form: FormMultiDict) -> list[dict[str, str]]:
    rows = []
    for i in range(200):
        if f"{f.name}-{i}-amount" not in form:
            break
        row = {
            c: str(form.get(f"{f.name}-{i}-{c}") or "").strip()
            for c in ("category", "description", "amount")
        }
        if row["amount"] or row["description"]:
            rows.append(row)
    return rows


def kind_labels(d: Definition, zh: bool) -> dict[str, str]:
    """The document kinds an applicant may attach: the checklist's, then "other"."""
    out = {r.kind: r.label_zh if zh else r.label_en for r in d.documents}
    out.setdefault("other", "其他" if zh else "Other")
    return out


def _issue(d: Definition, key: str, message: str, zh: bool) -> dict[str, str]:
    """A refusal for the summary above the form: the field's label and the input to go to."""
    parts = key.split(".")
    f = d.field(parts[1]) if parts[0] == "fields" and len(parts) > 1 else None
    if f is not None:
        label = f.label_zh if zh else f.label_en
        if len(parts) > 2:
            label += f" #{int(parts[2]) + 1}" if parts[2].isdigit() else ""
        anchor = f"f-{f.name}" if len(parts) < 4 else f"err-{'-'.join(parts)}"
        return {"label": label, "message": message, "anchor": anchor}
    places = {"payee": "payee", "documents": "documents", "file": "documents"}
    return {"label": "", "message": message, "anchor": places.get(parts[0], "program-form")}


async def program_page(
    ctx: Context,
    request: AnyRequest,
    app: ApplicationOut,
    *,
    posted: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
    done: str | None = None,
) -> Template:
    d = await definition_of(ctx.pool, app.program_code, app.program_version)
    stored = dict(app.payload.get("fields") or {})
    values = posted if posted is not None else stored
    zh = language_of(request) == "zh"
    lines_field = d.lines_field
    rows = list(values.get(lines_field.name) or []) if lines_field else []
    can_edit = editable(app)
    if can_edit and lines_field:
        rows += [{"category": "", "description": "", "amount": ""}] * BLANK_ROWS
    program = await program_on(ctx.pool, app.program_code, ctx.today())
    refs = [
        {"document_id": str(r.get("document_id")), "kind": str(r.get("kind") or "other")}
        for r in app.payload.get("documents") or []
    ]
    attached = {r["kind"] for r in refs}
    return await render(
        request,
        "program.html",
        status_code=status_code,
        app=app,
        d=d,
        zh=zh,
        program_title=program["title_zh"] if zh else program["title_en"],
        values={k: _as_text(v) for k, v in values.items() if not isinstance(v, list)},
        stored=stored,
        rows=rows,
        pays=True,
        payee=app.payload.get("payee") or {},
        documents=await document_list(ctx, request, refs),
        checklist=[(req, req.kind in attached) for req in d.documents],
        kind_labels=kind_labels(d, zh),
        editable=can_edit,
        errors=errors or {},
        issues=[_issue(d, key, message, zh) for key, message in (errors or {}).items()],
        returned_comment=next(
            (h.comment for h in reversed(app.history) if h.action == "return"), ""
        ),
        events=timeline(app.history),
        done=done,
    )


class ProgramFormPages:
    """Mixed into ApplicantPages (path /app)."""

    @post("/programs/{code:str}/new", status_code=303)
    async def start_program(self, ctx: Ctx, request: AnyRequest, code: FromPath[str]) -> Redirect:
        app = await applications.create(
            ctx.pool,
            ctx.clock.now(),
            ctx.today(),
            principal_of(request),
            ProgramClaim(program_code=code),
            language_of(request),
        )
        return see_other(f"/app/applications/{app.id}")

    @post("/applications/{application_id:uuid}/program", status_code=303)
    async def save_program(
        self, ctx: Ctx, request: AnyRequest, application_id: FromPath[UUID]
    ) -> Template | Redirect:
        """Save the form; with `action=submit`, then submit it."""
        app = await load(ctx, request, application_id)
        d = await definition_of(ctx.pool, app.program_code, app.program_version)
        form = await request.form()
        posted = _posted(d, form)
        payee = {k: str(form.get(f"payee-{k}") or "").strip() for k in PAYEE}
        changes: dict[str, Any] = {
            "fields": {k: v for k, v in posted.items() if v not in (None, [])},
            "payee": payee if any(payee.values()) else None,
            "documents": _kept_documents(form),
        }
        principal, language = principal_of(request), language_of(request)
        errors, status = await _save(ctx, request, application_id, changes)
        if not errors and form.get("action") == "submit":
            try:
                await applications.submit(
                    ctx.pool, ctx.clock.now(), ctx.today(), principal, application_id, language
                )
                return see_other(f"/app/applications/{application_id}?done=submitted")
            except REFUSALS as exc:
                errors, _, status = failure(exc, language)
        if errors:
            fresh = await load(ctx, request, application_id)
            return await program_page(
                ctx, request, fresh, posted=posted, errors=errors, status_code=status
            )
        return see_other(f"/app/applications/{application_id}?done=saved")


async def _save(
    ctx: Context, request: AnyRequest, application_id: UUID, changes: dict[str, Any]
) -> tuple[dict[str, str], int]:
    """PATCH the draft; a field the service refuses is left out and the rest saved again, so
    one bad amount does not lose the others. Returns the refusals by place, and their status."""
    principal, language = principal_of(request), language_of(request)
    errors: dict[str, str] = {}
    status = 200
    for _ in range(3):
        try:
            await applications.patch(
                ctx.pool, ctx.clock.now(), ctx.today(), principal, application_id, changes, language
            )
            return errors, status
        except REFUSALS as exc:
            found, _, status = failure(exc, language)
            errors.update(found)
            bad = {k.split(".")[1] for k in found if k.startswith("fields.")}
            kept = {
                k: v for k, v in changes.items() if k not in found and k.split(".")[0] != "payee"
            }
            kept["fields"] = {k: v for k, v in changes["fields"].items() if k not in bad}
            if kept == changes:
                return errors, status
            changes = kept
    return errors, status
