"""Schemathesis against /schema/openapi.json on a real server: every operation, as an applicant
and as staff, with a fixed seed. Zero server errors, and every response as the schema says."""

from __future__ import annotations

import itertools
import os
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
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
    content_type_conformance,
    status_code_conformance,
]


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
        case.call_and_validate(base_url=url, headers=headers, checks=CHECKS, timeout=30)

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
