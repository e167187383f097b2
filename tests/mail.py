"""Mail as a local portal leaves it without SMTP: .eml files, read back as a person would."""

from __future__ import annotations

import base64
import email
import re
from pathlib import Path


def bodies(folder: Path) -> list[str]:
    """Every mail's text, oldest file first."""
    out = []
    for path in sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns):
        msg = email.message_from_bytes(path.read_bytes())
        payload = msg.get_payload()
        assert isinstance(payload, str)
        out.append(base64.b64decode(payload).decode("utf-8"))
    return out


def link(folder: Path, path: str) -> str:
    """The latest link to `path` (e.g. /verify-email) in the mail folder."""
    found = [
        m
        for body in bodies(folder)
        for m in re.findall(rf"http\S+{re.escape(path)}\?token=\S+", body)
    ]
    assert found, f"no mail with a {path} link in {folder}"
    return found[-1]
