"""The access-control matrix, generated from the OpenAPI document: no operation is forgotten.

- every staff operation refuses an applicant's token and every role not listed (403);
- every id-bearing applicant operation called with another organization's id is a 404;
- without a token, every non-public operation is a 401.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar.testing import AsyncTestClient

from tests.factories import PASSWORD, bearer, link_token, register, token
from tests.portal.conftest import StaffFactory
from tests.portal.flows import create, filing_body

STAFF = {"reviewer", "approver", "finance", "admin", "auditor"}
# Who may reach each staff operation (its guard); everyone else gets 403.
ALLOWED: dict[str, set[str]] = {
    "list_staff_users": {"admin"},
    "create_staff_user": {"admin"},
    "set_staff_roles": {"admin"},
    "set_staff_districts": {"admin"},
    "add_program_version": {"admin"},
    "put_exchange": {"admin"},
    "set_budget": {"admin"},
    "put_calendar_day": {"admin"},
    "delete_calendar_day": {"admin"},
    "put_call": {"admin"},
    "list_budgets": STAFF,
    "work_queue": STAFF,
    "list_publicity_batches": STAFF,
    "export_applications_csv": STAFF,
    "export_applications_xlsx": STAFF,
    "create_export_job": STAFF,
    "get_export_job": STAFF,
    "download_export_job": STAFF,
    "call_ranking": STAFF,
    "decide": {"reviewer", "approver"},
    "record_disbursement": {"finance"},
    "create_publicity_batch": {"admin", "approver"},
    "list_dead_letters": {"admin"},
    "retry_dead_letter": {"admin"},
    "record_follow_up": {"finance", "admin"},
    "propose_ipo_award": {"reviewer", "admin"},
    "select_projects": {"approver"},
    "score_application": {"reviewer"},
    "list_objections": STAFF,
    "get_objection": STAFF,
    "resolve_objection": {"approver"},
    "payments_due": {"finance", "auditor"},
    "payments_due_xlsx": {"finance", "auditor"},
    "record_payment_batch": {"finance"},
    "open_recovery": {"finance", "admin"},
    "record_repayment": {"finance"},
    "admin_get_org": STAFF,
    "admin_list_org_members": STAFF,
    "set_staff_active": {"admin"},
    "create_program": {"admin"},
    "update_program_draft": {"admin"},
    "preview_program_version": {"admin"},
    "publish_program_version": {"admin"},
    "diff_program_versions": {"admin"},
    "propose_program_award": {"reviewer", "admin"},
    "staff_statistics": STAFF,
    "staff_statistics_xlsx": STAFF,
    "staff_statistics_csv": STAFF,
}
PUBLIC = {
    "health",
    "register",
    "issue_token",
    "estimate",
    "get_program",
    "list_programs",
    "list_exchanges",
    "calendar_year",
    "working_days",
    "list_announcements",
    "lodge_objection",
    "list_calls",
    "verify_email",
    "request_password_reset",
    "confirm_password_reset",
    "accept_invitation",
    "verify_notice",  # anyone checks a notice's code (throttled)
    "get_publicity_notice",  # a publicity notice is public, as the publicity list is
    "public_statistics",  # totals and counts, no one named
}
PATH_VALUES = {
    "code": "event-support",
    "program": "event-support",
    "year": "2026",
    "day": "2026-03-07",
    "version": "1",
}


def _fill(path: str, ids: dict[str, str]) -> str:
    for name in (
        "application_id",
        "document_id",
        "user_id",
        "notification_id",
        "delivery_id",
        "job_id",
        "objection_id",
        "org_id",
    ):
        path = path.replace(
            "{" + name + "}", ids.get(name, str(uuid.uuid4()) if name != "delivery_id" else "1")
        )
    for name, value in PATH_VALUES.items():
        path = path.replace("{" + name + "}", value)
    return path.replace("/exchanges/event-support", "/exchanges/KRX")


async def _operations(client: AsyncTestClient) -> list[tuple[str, str, str]]:
    doc = (await client.get("/schema/openapi.json")).json()
    return [
        (method.upper(), path, op["operationId"])
        for path, item in doc["paths"].items()
        for method, op in item.items()
    ]


async def test_every_staff_operation_is_classified(client: AsyncTestClient) -> None:
    admin_ops = {
        op for _, path, op in await _operations(client) if path.startswith("/api/v1/admin/")
    }
    assert admin_ops == set(ALLOWED), "classify each new staff operation in ALLOWED"


async def test_roles_that_may_not_act_get_403(client: AsyncTestClient, staff: StaffFactory) -> None:
    tokens = {role: await staff(role) for role in sorted(STAFF)}
    tokens["applicant"] = (await register(client))["token"]
    for method, path, op in await _operations(client):
        if not path.startswith("/api/v1/admin/"):
            continue
        url = _fill(path, {})
        for role, caller in tokens.items():
            r = await client.request(method, url, json={}, headers=bearer(caller))
            if role in ALLOWED[op]:
                assert r.status_code != 403 or r.json()["code"] != "forbidden" or op == "decide", (
                    op,
                    role,
                    r.text,
                )
                assert r.status_code < 500, (op, role, r.text)
            else:
                assert (r.status_code, r.json()["code"]) == (403, "forbidden"), (op, role, r.text)


async def test_no_token_is_401_except_public(client: AsyncTestClient) -> None:
    for method, path, op in await _operations(client):
        if op in PUBLIC:
            continue
        r = await client.request(method, _fill(path, {}), json={})
        assert (r.status_code, r.json()["code"]) == (401, "unauthorized"), (op, r.text)


async def test_another_organizations_ids_are_404(client: AsyncTestClient) -> None:
    owner = await register(client)
    filing = await create(client, owner["token"], filing_body())
    r = await client.post(
        "/api/v1/documents",
        files={"file": ("p.pdf", b"%PDF-1.4\n", "application/pdf")},
        headers=bearer(owner["token"]),
    )
    ids = {
        "application_id": filing["id"],
        "document_id": r.json()["id"],
        "user_id": owner["user"]["id"],
    }
    intruder = (await register(client))["token"]  # an org admin too, of another organization
    checked = 0
    for method, path, op in await _operations(client):
        if path.startswith("/api/v1/admin/") or not (
            {"{application_id}", "{document_id}", "{user_id}"} & set(path.split("/"))
        ):
            continue
        if op == "lodge_objection":
            continue  # public by design: anyone may object to an award in publicity
        body: Any = {"venue": "x"} if method == "PATCH" else {}
        if op == "set_org_member_role":
            body = {"role": "member"}  # a valid body: the answer must be about the id
        r = await client.request(method, _fill(path, ids), json=body, headers=bearer(intruder))
        assert (r.status_code, r.json()["code"]) == (404, "not_found"), (op, r.text)
        checked += 1
    assert checked >= 7


# The organization's own operations: every member reads, only its admins change.
ORG_READ = {"get_org", "org_history", "list_org_members"}
ORG_ADMIN_ONLY = {
    "update_org",
    "set_bank_account",
    "remove_org_member",
    "set_org_member_role",
    "list_org_invitations",
    "invite_org_member",
}


async def test_org_operations_by_place_in_the_organization(
    client: AsyncTestClient, staff: StaffFactory
) -> None:
    ops = [(m, p, op) for m, p, op in await _operations(client) if p.startswith("/api/v1/org")]
    assert {op for _, _, op in ops} == ORG_READ | ORG_ADMIN_ONLY, "classify each org operation"

    owner = await register(client)
    await client.post(
        "/api/v1/org/invitations", json={"email": "m@example.cn"}, headers=bearer(owner["token"])
    )
    t = await link_token(client, "account.invitation", "m@example.cn")
    await client.post(
        "/api/v1/auth/invitations/accept", json={"token": t, "name": "成员", "password": PASSWORD}
    )
    member = await token(client, "m@example.cn")
    officials = [await staff(role) for role in sorted(STAFF)]
    ids = {"user_id": owner["user"]["id"]}
    for method, path, op in ops:
        url = _fill(path, ids)
        for caller in officials:  # staff belong to no organization
            r = await client.request(method, url, json={}, headers=bearer(caller))
            assert (r.status_code, r.json()["code"]) == (403, "forbidden"), (op, r.text)
        r = await client.request(method, url, json={}, headers=bearer(member))
        if op in ORG_ADMIN_ONLY:
            assert (r.status_code, r.json()["code"]) == (403, "forbidden"), (op, r.text)
        else:
            assert r.status_code == 200, (op, r.text)
