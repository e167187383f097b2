"""The due list as a workbook a bank transfer is prepared from: one row per award, the payee's
account as text (never a number Excel would round), the amount exact to the fen."""

from __future__ import annotations

import io
from decimal import Decimal

import xlsxwriter

from domain.money import Money, parse_money
from portal.payments import schemas as s
from sql.exports import safe_text

# (heading zh, heading en, width) in column order.
_COLUMNS = (
    ("申请编号", "Reference", 20),
    ("收款户名", "Payee account name", 32),
    ("开户银行", "Bank", 28),
    ("银行账号", "Account number", 26),
    ("金额(元)", "Amount (yuan)", 16),
    ("用途", "Purpose", 40),
    ("项目", "Program", 24),
    ("单位名称", "Organization", 32),
    ("统一社会信用代码", "USCC", 22),
    ("预算年度", "Budget year", 10),
)


def due_workbook(items: list[s.DueOut], language: str) -> bytes:
    """Blocking (xlsxwriter): call in a thread."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("待拨付" if language == "zh" else "due")
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0.00"})
    text = book.add_format({"num_format": "@"})
    for col, (zh, en, width) in enumerate(_COLUMNS):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, zh if language == "zh" else en, bold)
    sheet.freeze_panes(1, 0)
    purpose = "武汉市人工智能产业政策资金" if language == "zh" else "Wuhan AI policy award"
    for n, item in enumerate(items, start=1):
        payee = item.payee
        cells = (
            item.reference or str(item.application_id),
            payee.account_name if payee else "",
            payee.bank if payee else "",
            payee.account_no if payee else "",
        )
        for col, value in enumerate(cells):
            sheet.write_string(n, col, safe_text(value), text)
        sheet.write_number(n, 4, Decimal(item.amount), money)  # the wire's exact yuan
        sheet.write_string(n, 5, safe_text(f"{purpose} {item.reference or ''}".strip()))
        sheet.write_string(n, 6, safe_text(item.program_title))
        sheet.write_string(n, 7, safe_text(item.org_name))
        sheet.write_string(n, 8, item.uscc)
        if item.budget_year is not None:
            sheet.write_number(n, 9, item.budget_year)
    if items:
        total_row = len(items) + 1
        sheet.write_string(total_row, 3, "合计" if language == "zh" else "Total", bold)
        total = sum((parse_money(i.amount) for i in items), Money.ZERO)
        sheet.write_number(total_row, 4, Decimal(str(total)), money)  # a value, not a formula
    book.close()
    return out.getvalue()
