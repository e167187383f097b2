"""The public statistics' charts as data for portal/static/statistics.js: money in fen (exact),
with each bar's exact yuan for its tooltip; the script divides by the page's unit."""

from __future__ import annotations

from typing import Any

import msgspec

from domain.money import Money, parse_money
from domain.statistics import GROUPS
from portal.statistics import schemas as s
from portal.web.i18n import translator
from portal.web.templating import day, district

_FEN_PER_WAN = 1_000_000
_FEN_PER_MILLION = 100_000_000


def _money_chart(categories: list[str], rows: list[s.Tally]) -> dict[str, Any]:
    fen = {key: [parse_money(getattr(r, key)).fen for r in rows] for key in ("approved", "paid")}
    return {
        "kind": "money",
        "categories": categories,
        "series": fen,
        "exact": {key: [Money(v).display() for v in values] for key, values in fen.items()},
    }


def chart_json(stats: s.PublicStatistics, language: str) -> str:
    """The charts' data, safe inside <script type="application/json">."""
    zh = language == "zh"
    t = translator(language)
    data = {
        "unit": _FEN_PER_WAN if zh else _FEN_PER_MILLION,
        "unit_label": t("wan_unit"),
        "labels": {
            "approved": t("stats_approved"),
            "paid": t("stats_paid"),
            **{g: t(f"stats_group_{g}") for g in GROUPS},
        },
        "charts": {
            "program": _money_chart(
                [p.title_zh if zh else p.title_en for p in stats.by_program], list(stats.by_program)
            ),
            "district": _money_chart(
                [district(d.district, language) for d in stats.by_district], list(stats.by_district)
            ),
            "year": _money_chart([str(y.year) for y in stats.by_year], list(stats.by_year)),
            "applications": {
                "kind": "count",
                "categories": [p.title_zh if zh else p.title_en for p in stats.applications],
                "series": {g: [getattr(p, g) for p in stats.applications] for g in GROUPS},
            },
        },
    }
    # No "</" may close the script element early.
    return msgspec.json.encode(data).decode().replace("<", "\\u003c")


def statistics_page(stats: s.PublicStatistics, language: str) -> dict[str, Any]:
    """What statistics.html shows: the figures, their charts' data, and when they were made."""
    median = stats.payment_time.median_days
    return {
        "stats": stats,
        "groups": GROUPS,
        "as_of": day(stats.as_of),
        "median_days": None if median is None else f"{median:g}",
        "chart_json": chart_json(stats, language),
    }
