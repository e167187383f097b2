"""Program versions as CiviForm keeps them: an admin writes a draft, previews its form and its
calculator on sample inputs, compares it with another version, and publishes it for a window.
A published version never changes; the latest one whose window holds a day governs that day;
an application keeps the version it was started under. Every step is on the audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

import asyncpg
import msgspec

from domain.definition.check import DefinitionProblems, validated
from domain.definition.model import Definition, NotCombinableWith
from domain.errors import RuleViolation
from portal.auth.principal import Principal
from portal.errors import ProblemError
from portal.programs import schemas as s
from portal.programs.estimates import estimate_award
from portal.programs.forms import NESTED
from portal.programs.services import (
    documents_out,
    estimate_out,
    form_out,
    unknown_program,
    version_out,
)
from sql import audit
from sql.application_types import application_types
from sql.pool import transaction
from sql.queries import Q


def _window(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise RuleViolation(
            "invalid_input",
            "effective_to is before effective_from.",
            field="effective_to",
            message_zh="失效日期早于生效日期。",
        )


def _definition_refused(problems: list[RuleViolation]) -> ProblemError:
    for p in problems:
        p.field = f"params.{p.field}" if p.field else "params"
    return ProblemError(
        422,
        "invalid_definition",
        "The definition cannot be saved: " + "; ".join(p.message for p in problems),
        "项目定义有误,未保存:" + ";".join(p.message_zh for p in problems),
        errors=problems,
    )


async def _stored(conn: asyncpg.Connection, code: str, params: dict[str, Any]) -> dict[str, Any]:
    """The version's definition as kept, checked whole: its rules, the programs it names, and
    its type (a flat form keeps the type its program's applications have always had)."""
    try:
        d = validated(params)
    except DefinitionProblems as exc:
        raise _definition_refused(exc.problems) from None
    problems = [
        RuleViolation(
            "invalid_definition",
            f"There is no program {name!r} to be exclusive with.",
            field=f"eligibility[{i}].programs",
            message_zh=f"不存在项目“{name}”。",
        )
        for i, rule in enumerate(d.eligibility)
        if isinstance(rule, NotCombinableWith)
        for name in rule.programs
        if not await conn.fetchval(Q.program_exists, name)
    ]
    types = await application_types(conn)
    for place, kind in (("type", d.type), ("prior.type", d.prior.type if d.prior else None)):
        if kind is None or kind == NESTED:
            continue
        if kind not in types or types[kind].program_code != code:
            problems.append(
                RuleViolation(
                    "invalid_definition",
                    f"{kind!r} is not a type of this program's applications; use program_claim.",
                    field=place,
                    message_zh=f"“{kind}”不是本项目的申请类型,请使用 program_claim。",
                )
            )
    if problems:
        raise _definition_refused(problems)
    stored: dict[str, Any] = msgspec.to_builtins(d)
    return stored


async def _audit(
    conn: asyncpg.Connection,
    now: dt.datetime,
    principal: Principal,
    code: str,
    action: str,
    **data: Any,
) -> None:
    await audit.append(
        conn,
        at=now,
        actor=principal.actor,
        action=f"program.{action}",
        entity_type="program",
        entity_id=code,
        data={"actor_name": principal.name, **data},
    )


async def create_program(
    pool: asyncpg.Pool, now: dt.datetime, principal: Principal, data: s.NewProgramIn
) -> s.VersionOut:
    """A new program defined as data; its first version is a draft."""
    _window(data.effective_from, data.effective_to)
    async with transaction(pool) as conn:
        stored = await _stored(conn, data.code, data.params)
        made = await conn.fetchval(
            Q.insert_program,
            data.code,
            data.article.strip(),
            data.title_zh.strip(),
            data.title_en.strip(),
        )
        if made is None:
            raise RuleViolation(
                "program_exists",
                f"There is a program {data.code!r} already; add a version to it instead.",
                field="code",
                message_zh=f"项目“{data.code}”已存在,请为其新增版本。",
                status=409,
            )
        version = await conn.fetchval(
            Q.insert_program_version,
            data.code,
            data.effective_from,
            data.effective_to,
            stored,
            data.note,
            now,
            principal.actor,
            None,
        )
        await _audit(
            conn, now, principal, data.code, "created", title_zh=data.title_zh, version=version
        )
        row = await conn.fetchrow(Q.version_for_update, data.code, version)
    return version_out(row)


async def add_version(
    pool: asyncpg.Pool, now: dt.datetime, principal: Principal, code: str, data: s.NewVersionIn
) -> s.VersionOut:
    """A draft (or, with `publish`, a version in force at once); drafts govern nothing."""
    _window(data.effective_from, data.effective_to)
    async with transaction(pool) as conn:
        program = await conn.fetchrow(Q.lock_program, code)
        if program is None:
            raise unknown_program(code)
        stored = await _stored(conn, code, data.params)
        version = await conn.fetchval(
            Q.insert_program_version,
            code,
            data.effective_from,
            data.effective_to,
            stored,
            data.note,
            now,
            principal.actor,
            now if data.publish else None,
        )
        await _audit(
            conn,
            now,
            principal,
            code,
            "version_published" if data.publish else "version_drafted",
            version=version,
            effective_from=data.effective_from.isoformat(),
            effective_to=data.effective_to.isoformat(),
            params=stored,
        )
        row = await conn.fetchrow(Q.version_for_update, code, version)
    return version_out(row)


async def _draft(conn: asyncpg.Connection, code: str, version: int) -> asyncpg.Record:
    row = await conn.fetchrow(Q.version_for_update, code, version)
    if row is None:
        raise ProblemError(
            404, "not_found", f"{code} has no version {version}.", f"{code} 没有版本 {version}。"
        )
    if row["status"] != "draft":
        raise RuleViolation(
            "version_published",
            f"Version {version} is published and never changes; add a new version instead.",
            message_zh=f"版本 {version} 已发布,不可修改;请新增版本。",
            status=409,
        )
    return row


async def update_draft(
    pool: asyncpg.Pool,
    now: dt.datetime,
    principal: Principal,
    code: str,
    version: int,
    data: s.NewVersionIn,
) -> s.VersionOut:
    _window(data.effective_from, data.effective_to)
    async with transaction(pool) as conn:
        row = await _draft(conn, code, version)
        stored = await _stored(conn, code, data.params)
        await conn.execute(
            Q.update_draft_version,
            code,
            version,
            data.effective_from,
            data.effective_to,
            stored,
            data.note,
        )
        await _audit(conn, now, principal, code, "draft_changed", version=version, params=stored)
        if data.publish:
            await conn.fetchval(
                Q.publish_version,
                code,
                version,
                data.effective_from,
                data.effective_to,
                now,
                principal.actor,
            )
            await _audit(conn, now, principal, code, "version_published", version=version)
        row = await conn.fetchrow(Q.version_for_update, code, version)
    return version_out(row)


async def publish(
    pool: asyncpg.Pool,
    now: dt.datetime,
    principal: Principal,
    code: str,
    version: int,
    data: s.PublishIn,
) -> s.VersionOut:
    """The draft governs its window from now on; applications already started keep theirs."""
    async with transaction(pool) as conn:
        row = await _draft(conn, code, version)
        start = data.effective_from or row["effective_from"]
        end = data.effective_to or row["effective_to"]
        _window(start, end)
        await conn.fetchval(Q.publish_version, code, version, start, end, now, principal.actor)
        await _audit(
            conn,
            now,
            principal,
            code,
            "version_published",
            version=version,
            effective_from=start.isoformat(),
            effective_to=end.isoformat(),
        )
        row = await conn.fetchrow(Q.version_for_update, code, version)
    return version_out(row)


async def preview(
    pool: asyncpg.Pool, code: str, version: int, data: s.PreviewIn, language: str, today: dt.date
) -> s.PreviewOut:
    """A version of a program defined as data, as applicants will see it, and its calculator
    on the sample inputs (what it refuses is said, not raised)."""
    row = await pool.fetchrow(Q.version_of, code, version)
    if row is None:
        raise ProblemError(
            404,
            "not_found",
            f"{code} has no version {version} to preview.",
            f"{code} 没有可预览的版本 {version}。",
        )
    d = msgspec.convert(row["params"], Definition)
    estimate, refused = None, []
    if data.inputs:
        try:
            award = await estimate_award(pool, d, data.inputs, today)
            estimate = estimate_out(award, version, language)
        except (RuleViolation, ProblemError) as exc:
            found = exc.errors if isinstance(exc, ProblemError) else [exc]
            zh = language == "zh"
            refused = [
                s.ProblemOut(v.field or "", v.message_zh if zh else v.message) for v in found
            ]
    return s.PreviewOut(
        version=version,
        form=form_out(d),
        documents=documents_out(d),
        estimate_inputs=list(d.estimate_names()),
        estimate=estimate,
        refused=refused,
    )


def _flat(value: Any, path: str = "") -> dict[str, Any]:
    """A document as {path: leaf}, lists by position: what a diff compares."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out |= _flat(v, f"{path}.{k}" if path else str(k))
        return out
    if isinstance(value, list):
        out = {}
        for i, v in enumerate(value):
            out |= _flat(v, f"{path}[{i}]")
        return out if out else {path: []}
    return {path: value}


async def diff(pool: asyncpg.Pool, code: str, version: int, against: int) -> s.DiffOut:
    """What changed from version `against` to `version`, leaf by leaf (the window too)."""
    docs = {}
    for v in (against, version):
        row = await pool.fetchrow(Q.version_of, code, v)
        if row is None:
            raise ProblemError(
                404, "not_found", f"{code} has no version {v}.", f"{code} 没有版本 {v}。"
            )
        docs[v] = _flat(
            {
                "effective_from": row["effective_from"].isoformat(),
                "effective_to": row["effective_to"].isoformat(),
                "params": row["params"],
            }
        )
    before, after = docs[against], docs[version]
    return s.DiffOut(
        program=code,
        from_version=against,
        to_version=version,
        changes=[
            s.ChangeOut(path, before.get(path), after.get(path))
            for path in sorted(set(before) | set(after))
            if before.get(path) != after.get(path)
        ],
    )
