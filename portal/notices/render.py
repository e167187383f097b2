"""A notice's stored facts on paper: Typst, with the CJK font from PORTAL_PDF_FONT_DIR.

The facts travel to the template as JSON in `sys.inputs`, never spliced into Typst source, so
no name or title anyone typed can act as markup. Only the font folder given is used (no system
fonts) and the PDF's date is the issue time: the same facts print the same bytes anywhere.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path
from typing import Any

import typst

from domain.money import Money
from portal.errors import ProblemError

TEMPLATES = Path(__file__).parent / "templates"
CJK_FAMILIES = frozenset({"Noto Serif CJK SC", "Noto Sans CJK SC"})

_fonts: dict[Path, typst.Fonts] = {}  # scanned once per folder: a scan reads every font file


def unavailable(directory: Path) -> ProblemError:
    return ProblemError(
        503,
        "pdf_unavailable",
        f"Notices cannot be printed: no Chinese font in {directory} (PORTAL_PDF_FONT_DIR). "
        "The operator should install Debian's fonts-noto-cjk (apt-get install fonts-noto-cjk) "
        "or point PORTAL_PDF_FONT_DIR at a folder with Noto Serif CJK or Noto Sans CJK.",
        f"暂时无法生成文书:{directory}(PORTAL_PDF_FONT_DIR)中没有中文字体。"
        "请运维人员安装 Debian 软件包 fonts-noto-cjk(apt-get install fonts-noto-cjk),"
        "或将 PORTAL_PDF_FONT_DIR 指向含 Noto Serif CJK 或 Noto Sans CJK 的目录。",
        headers={"Retry-After": "3600"},
    )


def _scan(directory: Path) -> typst.Fonts | None:
    if not directory.is_dir():
        return None
    fonts = typst.Fonts(
        include_system_fonts=False, include_embedded_fonts=True, font_paths=[directory]
    )
    return fonts if CJK_FAMILIES & set(fonts.families()) else None


async def fonts_in(directory: Path) -> typst.Fonts:
    """The fonts of `directory` for Typst, or 503 when it holds no CJK font. Only a folder that
    has one is remembered: fonts installed later are found without a restart. A scan reads the
    font files (tens of ms): off the loop."""
    found = _fonts.get(directory) or await asyncio.to_thread(_scan, directory)
    if found is None:
        raise unavailable(directory)
    _fonts[directory] = found
    return found


def _day(iso: str) -> str:
    d = dt.date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


def _money(fen: int) -> dict[str, str]:
    m = Money(fen)
    return {"wan": m.display_wan(), "yuan": f"{m.grouped()}元", "figure": m.grouped()}


def view(value: Any) -> Any:
    """The facts as the paper prints them: `…_fen` amounts as {wan, yuan, figure} under the name
    without the suffix, `…_on` dates in Chinese."""
    if isinstance(value, list):
        return [view(v) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, v in value.items():
        if key.endswith("_fen") and isinstance(v, int):
            out[key.removesuffix("_fen")] = _money(v)
        elif key.endswith("_on") and isinstance(v, str):
            out[key] = _day(v)
        else:
            out[key] = view(v)
    return out


def _compile(kind: str, data: str, fonts: typst.Fonts, issued_at: dt.datetime) -> bytes:
    return typst.compile(
        TEMPLATES / f"{kind}.typ",
        root=TEMPLATES,
        font_paths=fonts,
        ignore_system_fonts=True,
        sys_inputs={"data": data},
        format="pdf",
        timestamp=int(issued_at.timestamp()),
    )


async def pdf(fonts: typst.Fonts, facts: dict[str, Any], issued_at: dt.datetime) -> bytes:
    """The notice's PDF. Typesetting is CPU work (tens of ms the first time): off the loop."""
    data = json.dumps(view(facts), ensure_ascii=False)
    return await asyncio.to_thread(_compile, facts["kind"], data, fonts, issued_at)
