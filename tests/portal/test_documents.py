"""Documents through HTTP: recognized by content, size-limited, stored under server-made names."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import asyncpg
import pytest
from litestar.testing import AsyncTestClient

from portal.documents import services
from sql import audit
from sql.queries import Q
from sql.settings import Settings
from tests.factories import bearer, register
from tests.portal.conftest import StaffFactory

MIB = 1024 * 1024
URL = "/api/v1/documents"


def _ofd() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "OFD.xml", '<?xml version="1.0"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>'
        )
        archive.writestr("Doc_0/Document.xml", "<ofd:Document/>")
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
XML = '<?xml version="1.0" encoding="UTF-8"?>\n<发票><金额>100.00</金额></发票>\n'.encode()
SAMPLES = {
    "application/pdf": ("plan.pdf", PDF),
    "image/jpeg": ("photo.jpg", JPEG),
    "image/png": ("scan.png", PNG),
    "application/ofd": ("invoice.ofd", _ofd()),
    "application/xml": ("invoice.xml", XML),
}


async def _upload(
    client: AsyncTestClient,
    token: str | None,
    content: bytes,
    filename: str = "file.pdf",
    claimed: str = "application/pdf",
) -> Any:
    headers = bearer(token) if token else {}
    return await client.post(URL, files={"file": (filename, content, claimed)}, headers=headers)


def _stored_files(settings: Settings) -> list[Path]:
    return [p for p in (settings.data_dir / "documents").rglob("*") if p.is_file()]


async def _nothing_stored(pool: asyncpg.Pool, settings: Settings) -> None:
    assert await pool.fetchval("SELECT count(*) FROM documents") == 0
    assert _stored_files(settings) == []


@pytest.mark.parametrize("content_type", list(SAMPLES))
async def test_each_accepted_type_round_trips(
    client: AsyncTestClient, pool: asyncpg.Pool, content_type: str
) -> None:
    org = await register(client)
    filename, content = SAMPLES[content_type]
    r = await _upload(client, org["token"], content, filename, "application/octet-stream")
    assert r.status_code == 201, r.text
    body = r.json()
    assert set(body) == {"id", "filename", "content_type", "size_bytes", "sha256", "created_at"}
    assert body["filename"] == filename
    assert body["content_type"] == content_type
    assert body["size_bytes"] == len(content)
    assert body["sha256"] == hashlib.sha256(content).hexdigest()

    r = await client.get(f"{URL}/{body['id']}", headers=bearer(org["token"]))
    assert r.status_code == 200
    assert r.content == content
    assert r.headers["content-type"].split(";")[0] == content_type
    assert r.headers["content-disposition"] == (
        f"attachment; filename=\"{filename}\"; filename*=UTF-8''{filename}"
    )
    assert r.headers["x-content-type-options"] == "nosniff"

    meta = await client.get(f"{URL}/{body['id']}/meta", headers=bearer(org["token"]))
    assert (meta.status_code, meta.json()) == (200, body)
    event = await pool.fetchrow(
        "SELECT actor, data FROM audit_events WHERE action = 'document.uploaded' AND entity_id = $1",
        body["id"],
    )
    assert event["actor"] == f"user:{org['user']['id']}"
    assert event["data"]["sha256"] == body["sha256"]
    assert event["data"]["org_id"] == org["org"]["id"]


async def test_the_content_decides_the_type_not_the_name(client: AsyncTestClient) -> None:
    org = await register(client)
    r = await _upload(client, org["token"], PNG, "evil.pdf", "application/pdf")
    assert r.status_code == 201, r.text
    assert (r.json()["content_type"], r.json()["filename"]) == ("image/png", "evil.pdf")
    download = await client.get(f"{URL}/{r.json()['id']}", headers=bearer(org["token"]))
    assert download.headers["content-type"] == "image/png"


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("x.pdf", b"<!doctype html><html><script>alert(1)</script></html>"),
        ("x.xml", b"<html><body onload='alert(1)'></body></html>"),
        (
            "x.xml",
            b'<?xml version="1.0"?>\n<!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml"/>',
        ),
        ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"),
        ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("logo.xml", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'),
        ("a.ofd", b"PK\x03\x04 not really a zip"),
        ("notes.txt", "纯文本".encode()),
    ],
)
async def test_other_content_is_415_however_named(
    client: AsyncTestClient, pool: asyncpg.Pool, settings: Settings, filename: str, content: bytes
) -> None:
    org = await register(client)
    r = await _upload(client, org["token"], content, filename)
    assert (r.status_code, r.json()["code"]) == (415, "unsupported_media_type"), r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    await _nothing_stored(pool, settings)


async def test_a_zip_without_ofd_xml_at_its_root_is_415(client: AsyncTestClient) -> None:
    org = await register(client)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("nested/OFD.xml", "<x/>")
    r = await _upload(client, org["token"], out.getvalue(), "a.ofd")
    assert r.status_code == 415


async def test_twenty_mib_is_the_limit(
    client: AsyncTestClient, pool: asyncpg.Pool, settings: Settings
) -> None:
    org = await register(client)
    blob = b"%PDF-1.7\n" + b"0" * (20 * MIB - 9)
    r = await _upload(client, org["token"], blob + b"0")
    assert (r.status_code, r.json()["code"]) == (413, "file_too_large")
    await _nothing_stored(pool, settings)
    r = await _upload(client, org["token"], blob)
    assert r.status_code == 201, r.text
    assert r.json()["size_bytes"] == 20 * MIB
    download = await client.get(f"{URL}/{r.json()['id']}", headers=bearer(org["token"]))
    assert download.content == blob


async def test_a_body_over_the_app_limit_is_a_413_problem(
    client: AsyncTestClient, pool: asyncpg.Pool, settings: Settings
) -> None:
    org = await register(client)
    r = await _upload(client, org["token"], b"%PDF-" + b"0" * (22 * MIB))
    assert r.status_code == 413
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["code"] == "file_too_large"
    await _nothing_stored(pool, settings)


async def test_empty_or_missing_file_is_422(
    client: AsyncTestClient, pool: asyncpg.Pool, settings: Settings
) -> None:
    org = await register(client)
    r = await _upload(client, org["token"], b"")
    assert (r.status_code, r.json()["code"]) == (422, "invalid_input")
    r = await client.post(URL, files={"other": (None, "x")}, headers=bearer(org["token"]))
    assert (r.status_code, r.json()["code"]) == (422, "invalid_input")
    r = await client.post(URL, files={"file": (None, "x")}, headers=bearer(org["token"]))
    assert (r.status_code, r.json()["code"]) == (422, "invalid_input")
    r = await client.post(URL, json={"file": "x"}, headers=bearer(org["token"]))
    assert (r.status_code, r.json()["code"]) == (400, "bad_request")
    r = await client.post(
        URL, files={"attachment": ("a.pdf", PDF, "application/pdf")}, headers=bearer(org["token"])
    )
    assert (r.status_code, r.json()["code"]) == (422, "invalid_input")
    await _nothing_stored(pool, settings)


async def test_a_path_in_the_name_never_reaches_the_disk(
    client: AsyncTestClient, pool: asyncpg.Pool, settings: Settings
) -> None:
    org = await register(client)
    r = await _upload(client, org["token"], PDF, "../../etc/passwd.pdf")
    assert r.status_code == 201, r.text
    assert r.json()["filename"] == "passwd.pdf"
    key = await pool.fetchval(
        "SELECT storage_key FROM documents WHERE id = $1", UUID(r.json()["id"])
    )
    assert re.fullmatch(r"[0-9a-f]{32}", key)
    root = (settings.data_dir / "documents").resolve()
    [stored] = _stored_files(settings)
    assert stored.resolve() == root / key[:2] / key
    assert stored.read_bytes() == PDF
    assert not any(part in key for part in ("etc", "passwd", "pdf", ".."))


async def test_names_are_sanitized_and_encoded_for_the_header(client: AsyncTestClient) -> None:
    org = await register(client)
    r = await _upload(client, org["token"], PDF, 'C:\\报告\\申报 材料\u202e"1".pdf')
    assert r.json()["filename"] == '申报 材料"1".pdf'
    download = await client.get(f"{URL}/{r.json()['id']}", headers=bearer(org["token"]))
    assert download.headers["content-disposition"] == (
        'attachment; filename="__ ___1_.pdf"; '
        "filename*=UTF-8''%E7%94%B3%E6%8A%A5%20%E6%9D%90%E6%96%99%221%22.pdf"
    )
    long = await _upload(client, org["token"], PDF, "长" * 300 + ".pdf")
    assert long.json()["filename"] == "长" * 196 + ".pdf"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("a\x00b\x1b[31m\tc.pdf", "ab[31mc.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("..", "document"),
        ("", "document"),
        (None, "document"),
    ],
)
def test_display_names_are_plain_base_names(raw: str | None, shown: str) -> None:
    assert services.display_name(raw) == shown


async def test_only_the_owning_organization_and_staff_may_read(
    client: AsyncTestClient, staff: StaffFactory
) -> None:
    owner, other = await register(client), await register(client)
    doc = (await _upload(client, owner["token"], PDF)).json()
    for suffix in ("", "/meta"):
        r = await client.get(f"{URL}/{doc['id']}{suffix}", headers=bearer(other["token"]))
        assert (r.status_code, r.json()["code"]) == (404, "not_found")
        r = await client.get(f"{URL}/{uuid4()}{suffix}", headers=bearer(owner["token"]))
        assert (r.status_code, r.json()["code"]) == (404, "not_found")
        r = await client.get(f"{URL}/{doc['id']}{suffix}")
        assert (r.status_code, r.json()["code"]) == (401, "unauthorized")
    reviewer = await staff("reviewer")
    r = await client.get(f"{URL}/{doc['id']}", headers=bearer(reviewer))
    assert (r.status_code, r.content) == (200, PDF)
    assert r.headers["x-content-type-options"] == "nosniff"
    auditor = await staff("auditor")
    r = await client.get(f"{URL}/{doc['id']}/meta", headers=bearer(auditor))
    assert r.json() == doc


async def test_uploading_needs_a_token(
    client: AsyncTestClient, pool: asyncpg.Pool, settings: Settings
) -> None:
    r = await _upload(client, None, PDF)
    assert (r.status_code, r.json()["code"]) == (401, "unauthorized")
    await _nothing_stored(pool, settings)


async def test_staff_uploads_belong_to_no_organization(
    client: AsyncTestClient, pool: asyncpg.Pool, staff: StaffFactory
) -> None:
    reviewer, org = await staff("reviewer"), await register(client)
    doc = (await _upload(client, reviewer, PDF)).json()
    assert (
        await pool.fetchval("SELECT org_id FROM documents WHERE id = $1", UUID(doc["id"])) is None
    )
    assert (await client.get(f"{URL}/{doc['id']}", headers=bearer(org["token"]))).status_code == 404
    assert (await client.get(f"{URL}/{doc['id']}", headers=bearer(reviewer))).status_code == 200


async def test_a_failed_transaction_leaves_no_file(
    client: AsyncTestClient,
    pool: asyncpg.Pool,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    org = await register(client)

    async def broken(*args: object, **kwargs: object) -> int:
        raise RuntimeError("audit trail unavailable")

    monkeypatch.setattr(audit, "append", broken)
    r = await _upload(client, org["token"], PDF)
    assert (r.status_code, r.json()["code"]) == (500, "internal_error")
    await _nothing_stored(pool, settings)


async def test_documents_owned_picks_the_organizations_own(
    client: AsyncTestClient, pool: asyncpg.Pool
) -> None:
    owner, other = await register(client), await register(client)
    mine = (await _upload(client, owner["token"], PDF)).json()["id"]
    theirs = (await _upload(client, other["token"], PNG)).json()["id"]
    rows = await pool.fetch(
        Q.documents_owned, UUID(owner["org"]["id"]), [UUID(mine), UUID(theirs), uuid4()]
    )
    assert [str(r["id"]) for r in rows] == [mine]
