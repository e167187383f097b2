"""Recognize an upload by its content, never by its name or the type the client claims."""

from __future__ import annotations

import io
import re
import zipfile

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
OFD = "application/ofd"
XML = "application/xml"

ACCEPTED = (PDF, JPEG, PNG, OFD, XML)

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_ZIP_SIGNATURE = b"PK\x03\x04"
_BOM = b"\xef\xbb\xbf"
_XML_HEAD_BYTES = 64 * 1024

# Prolog items that may come before the root element: declaration, PIs, comments, doctype.
_PROLOG = re.compile(
    rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE\b[^>\[]*(?:\[.*?\])?\s*>)", re.S | re.I
)
_ROOT = re.compile(rb"\s*<([^\s/>!?][^\s/>]*)([^>]*)")
_HTML_DOCTYPE = re.compile(rb"<!DOCTYPE\s+html\b", re.I)
# Roots a browser would take for HTML (WHATWG sniffing), plus SVG, which can carry script.
_ACTIVE_ROOTS = frozenset(
    {"html", "head", "body", "script", "iframe", "h1", "div", "font", "table", "a", "style"}
    | {"title", "b", "br", "p", "svg"}
)
_ACTIVE_NAMESPACES = (b"http://www.w3.org/1999/xhtml", b"http://www.w3.org/2000/svg")


def sniff(data: bytes) -> str | None:
    """The content type of `data` if it is one the portal accepts, else None."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(_PNG_SIGNATURE):
        return PNG
    if data.startswith(_ZIP_SIGNATURE):
        return OFD if _is_ofd(data) else None
    return XML if _is_plain_xml(data) else None


def _is_ofd(data: bytes) -> bool:
    # GB/T 33190: an OFD package is a ZIP with OFD.xml at its root. Only the directory is read.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "OFD.xml" in archive.namelist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        return False


def _is_plain_xml(data: bytes) -> bool:
    head = data[:_XML_HEAD_BYTES].removeprefix(_BOM).lstrip(b" \t\r\n")
    if b"\x00" in head or not (head.startswith(b"<?xml") or re.match(rb"<[A-Za-z]", head)):
        return False
    if _HTML_DOCTYPE.search(head):
        return False
    pos = 0
    while match := _PROLOG.match(head, pos):
        pos = match.end()
    root = _ROOT.match(head, pos)
    if root is None:
        return False
    name = root.group(1).decode("utf-8", "replace").rsplit(":", 1)[-1].lower()
    if name in _ACTIVE_ROOTS:
        return False
    return not any(ns in root.group(2) for ns in _ACTIVE_NAMESPACES)
