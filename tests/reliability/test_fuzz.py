"""Schemathesis against /schema/openapi.json on a real server: every operation, as an applicant
and as staff, with a fixed seed. Zero server errors, and every response as the schema says."""

from __future__ import annotations

import itertools
import os
import re
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.e2e.conftest import LiveServer
from tests.factories import PASSWORD, make_uscc

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))  # `make soak` runs 200
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,  # ST105: a Content-Type the schema lists
    status_code_conformance,
    allow_header_conformance,  # ST205: OPTIONS's Allow lists the path's methods in the schema
]
# An OPTIONS answer is no operation's documented response: only these apply to it.
OPTIONS_CHECKS = [not_a_server_error, allow_header_conformance]


def _token(url: str, email: str) -> str:
    r = httpx.post(f"{url}/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


@pytest.fixture
async def callers(live_server: LiveServer, pool: Any, clock: Any) -> dict[str, dict[str, str]]:
    from portal.accounts import services
    from portal.accounts.schemas import StaffUserIn

    url = live_server.url
    r = httpx.post(
        f"{url}/api/v1/auth/register",
        json={
            "org": {
                "name": "模糊测试科技有限公司",
                "uscc": make_uscc("420106"),
                "contact_name": "测",
                "contact_phone": "13800000000",
            },
            "user": {"email": "fuzz@example.cn", "password": PASSWORD, "name": "测"},
        },
    )
    assert r.status_code == 201, r.text
    await services.create_staff_user(
        pool,
        clock.now(),
        "cli",
        StaffUserIn(
            email="fuzz-staff@wuhan.gov.cn",
            password=PASSWORD,
            name="全角色",
            roles=["reviewer", "approver", "finance", "admin", "auditor"],
        ),
    )
    return {
        "applicant": {"Authorization": f"Bearer {_token(url, 'fuzz@example.cn')}"},
        "staff": {"Authorization": f"Bearer {_token(url, 'fuzz-staff@wuhan.gov.cn')}"},
    }


def _operations(url: str) -> list[Any]:
    schema = schemathesis.openapi.from_url(f"{url}/schema/openapi.json")
    ops = [result.ok() for result in schema.get_all_operations()]
    # Signing out would end the caller's token for the rest of the run; it is tested on its own.
    return [op for op in ops if op.path != "/api/v1/auth/logout"]


def _fuzz(op: Any, mode: GenerationMode, headers: dict[str, str], url: str) -> Any:
    asked = False  # OPTIONS once per run, on the first generated path

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    @given(case=op.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        nonlocal asked
        case.call_and_validate(base_url=url, headers=headers, checks=CHECKS, timeout=30)
        if not asked:
            asked = True
            options = op.Case(method="OPTIONS", path_parameters=case.path_parameters)
            options.call_and_validate(base_url=url, headers=headers, checks=OPTIONS_CHECKS)

    return run


async def test_no_operation_errors_or_breaks_its_schema(
    live_server: LiveServer, callers: dict[str, dict[str, str]]
) -> None:
    url = live_server.url
    failures: list[str] = []
    ops = _operations(url)
    assert len(ops) > 40
    for op in ops:
        for (role, headers), mode in itertools.product(callers.items(), MODES):
            run = _fuzz(op, mode, headers, url)
            try:
                run()
            except Unsatisfiable:
                continue  # nothing about this operation can be made invalid
            except (Exception, BaseExceptionGroup) as exc:
                failures.append(
                    f"{role} {mode.value} {op.method.upper()} {op.path}: {str(exc)[:600]}"
                )
    assert not failures, "\n\n".join(failures)


# A value of each path parameter that routes (OPTIONS reads nothing, so it need not exist).
PATH_VALUES = {
    "code": "event-support",
    "program": "event-support",
    "year": 2026,
    "day": "2026-10-01",
    "delivery_id": 1,
    "version": 1,
}
SOME_ID = "01a24b3b-fbe2-70f4-bd53-fe7df230bae6"


async def test_downloads_and_options_answer_as_the_schema_says(
    live_server: LiveServer, callers: dict[str, dict[str, str]]
) -> None:
    """What generated ids rarely reach: a document that exists, sent as what it is (ST105), and
    OPTIONS on every path of the schema (ST205)."""
    url, staff = live_server.url, callers["staff"]
    ops = _operations(url)
    [download] = [op for op in ops if op.path == "/api/v1/documents/{document_id}"]
    for name, content in (("a.pdf", b"%PDF-1.7\n%x\n"), ("a.png", b"\x89PNG\r\n\x1a\n" + bytes(8))):
        r = httpx.post(f"{url}/api/v1/documents", files={"file": (name, content)}, headers=staff)
        assert r.status_code == 201, r.text
        case = download.Case(path_parameters={"document_id": r.json()["id"]})
        response = case.call_and_validate(base_url=url, headers=staff, checks=CHECKS)
        assert response.status_code == 200 and response.content == content
    failures = []
    for path, op in {op.path: op for op in ops}.items():
        names = re.findall(r"\{(\w+)\}", path)
        case = op.Case(
            method="OPTIONS", path_parameters={n: PATH_VALUES.get(n, SOME_ID) for n in names}
        )
        try:
            response = case.call_and_validate(base_url=url, headers=staff, checks=OPTIONS_CHECKS)
            assert response.status_code == 204, response.status_code
        except Exception as exc:
            failures.append(f"{path}: {str(exc)[:300]}")
    assert not failures, "\n".join(failures)
