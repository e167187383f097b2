"""不重复享受: the same firm must not be paid twice for one thing, in one program or across them.

A fingerprint is the firm's USCC with a normalized name of the thing (event, project, task,
listing): what a reviewer would call "the same" despite spacing, case or punctuation.
"""

from __future__ import annotations

import hashlib
import unicodedata


def normalize(subject: str) -> str:
    text = unicodedata.normalize("NFKC", subject).casefold()
    return "".join(ch for ch in text if ch.isalnum())


def fingerprint(uscc: str, subject: str) -> str | None:
    key = normalize(subject)
    if not key:
        return None
    return hashlib.sha256(f"{uscc}|{key}".encode()).hexdigest()[:32]
