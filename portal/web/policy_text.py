"""The policy's own text (Chinese original, public draft of 2024-03-27), quoted by article."""

from __future__ import annotations

import re
from pathlib import Path

SOURCE = "武汉促进人工智能产业发展若干政策(征求意见稿),武汉市经济和信息化局,2024-03-27"
_TEXT = (Path(__file__).parent / "policy.zh.txt").read_text(encoding="utf-8")
ARTICLES: dict[str, str] = {
    m.group(1): m.group(2).strip()
    for m in re.finditer(r"^\s*([一二三四五六七八九十]+)、(.+)$", _TEXT, re.MULTILINE)
}


def article_text(article: str) -> str:
    return ARTICLES.get(article, "")
