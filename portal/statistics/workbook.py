"""The staff's figures as tables, then as a workbook (a sheet a table) or one CSV file (the
tables one after another, each under its title). Amounts are exact yuan (numbers in the workbook,
two-decimal text in the CSV); text that a spreadsheet could read as a formula is written with a
leading ' (API.md), and no cell is ever a formula."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

import xlsxwriter

from portal.statistics import schemas as s
from portal.web.i18n import translator
from sql.exports import safe_text


class Yuan(str):
    """An amount in yuan as the wire writes it ("1234.56"): a number in the workbook."""

    __slots__ = ()


Cell = str | int | float | Yuan | None


@dataclass(frozen=True)
class Table:
    title: str
    headings: list[str]
    rows: list[list[Cell]]


def staff_tables(stats: s.StaffStatistics, language: str) -> list[Table]:
    t = translator(language)
    zh = language == "zh"
    backlog = Table(
        t("stats_backlog"),
        [
            t("stats_stage"),
            t("count"),
            t("stats_median_age"),
            t("stats_oldest_age"),
            t("stats_over_limit"),
        ],
        [
            [
                t(f"stats_stage_{b.stage}"),
                b.count,
                b.median_age_working_days,
                b.oldest_age_working_days,
                b.over_limit,
            ]
            for b in stats.backlog.stages
        ],
    )
    actions = ("pass", "return", "reject", "approve", "uphold_objection")
    throughput = Table(
        t("stats_throughput").format(days=stats.throughput.days),
        [t("stats_reviewer"), *(t(f"stats_action_{a}") for a in actions), t("total")],
        [
            [r.name, *(r.decisions.get(a, 0) for a in actions), r.total]
            for r in stats.throughput.reviewers
        ],
    )
    budgets = Table(
        f"{t('stats_budget_use')} {stats.budgets.year}",
        [t("program"), t("stats_budget"), t("reserved"), t("spent"), t("stats_left")],
        [
            [
                b.title_zh if zh else b.title_en,
                Yuan(b.budget),
                Yuan(b.reserved),
                Yuan(b.spent),
                Yuan(b.left),
            ]
            for b in stats.budgets.items
        ],
    )
    return [backlog, throughput, budgets]


def write_xlsx(tables: list[Table]) -> bytes:
    """Blocking (xlsxwriter): call in a thread."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0.00"})
    days = book.add_format({"num_format": "0.0"})
    for table in tables:
        sheet = book.add_worksheet(_sheet_name(table.title))
        for col, heading in enumerate(table.headings):
            sheet.set_column(col, col, 28 if col == 0 else 16)
            sheet.write_string(0, col, safe_text(heading), bold)
        sheet.freeze_panes(1, 0)
        for n, row in enumerate(table.rows, start=1):
            for col, value in enumerate(row):
                if isinstance(value, Yuan):
                    sheet.write_number(n, col, Decimal(value), money)  # exact yuan
                elif isinstance(value, str):
                    sheet.write_string(n, col, safe_text(value))
                elif isinstance(value, float):
                    sheet.write_number(n, col, value, days)
                elif isinstance(value, int):
                    sheet.write_number(n, col, value)
    book.close()
    return out.getvalue()


def write_csv(tables: list[Table]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for i, table in enumerate(tables):
        if i:
            writer.writerow([])
        writer.writerow([safe_text(table.title)])
        writer.writerow([safe_text(h) for h in table.headings])
        for row in table.rows:
            writer.writerow([_csv_cell(v) for v in row])
    return out.getvalue()


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Yuan):
        return str.__str__(value)
    if isinstance(value, str):
        return safe_text(value)
    return str(value)


def _sheet_name(title: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\
    return "".join(c for c in title if c not in "[]:*?/\\")[:31]
