"""The exports through HTTP: a cell a spreadsheet could take for a formula is written with a
leading ' (API.md), in the CSV (PostgreSQL's csv_safe) and in the workbook (sql.exports)."""

from __future__ import annotations

import csv
import io

from litestar.testing import AsyncTestClient

from sql.exports import HEADERS, safe_text
from tests.factories import bearer, register
from tests.portal.conftest import StaffFactory
from tests.portal.flows import create, filing_body
from tests.xlsx import read_xlsx

ORG = "=cmd|' /C calc'!A0"
TITLES = [
    '=HYPERLINK("http://evil.example","点我")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "活动 =1+1 照常",  # a formula sign further in is harmless
]
QUOTED = sorted(f"'{t}" if t[0] in "=+-@\t\r" else t for t in TITLES)


async def _applications(client: AsyncTestClient) -> None:
    org = await register(client, name=ORG)
    for title in TITLES:
        await create(client, org["token"], filing_body(title=title))


async def test_csv_cells_never_begin_a_formula(
    client: AsyncTestClient, staff: StaffFactory
) -> None:
    await _applications(client)
    r = await client.get(
        "/api/v1/admin/exports/applications.csv", headers=bearer(await staff("admin"))
    )
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"), newline="")))
    assert sorted(row["title"] for row in rows) == QUOTED
    assert {row["organization"] for row in rows} == {f"'{ORG}"}
    assert {row["status"] for row in rows} == {"draft"}  # other text as it was


async def test_workbook_cells_never_begin_a_formula(
    client: AsyncTestClient, staff: StaffFactory
) -> None:
    await _applications(client)
    r = await client.get(
        "/api/v1/admin/exports/applications.xlsx", headers=bearer(await staff("auditor"))
    )
    assert r.status_code == 200
    [sheet] = read_xlsx(r.content)
    rows = [dict(zip(HEADERS, row, strict=True)) for row in sheet.rows[1:]]
    assert sheet.formulas == 0
    assert sorted(str(row["title"]) for row in rows) == QUOTED
    assert {row["organization"] for row in rows} == {f"'{ORG}"}


def test_safe_text() -> None:
    assert [safe_text(t) for t in ("=1", "+1", "-1", "@a", "\t1", "\r1")] == [
        "'=1",
        "'+1",
        "'-1",
        "'@a",
        "'\t1",
        "'\r1",
    ]
    assert [safe_text(t) for t in ("", "a=1", " =1", "'=1", "\n=1")] == [
        "",
        "a=1",
        " =1",
        "'=1",
        "\n=1",
    ]
