"""Paying an award and winning money back: the rules one payment, a batch of them, and a
recovery share. Pure: the caller reads the application's state and passes it in."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from domain.errors import RuleViolation
from domain.lifecycle import STATUS_ZH, Status
from domain.money import Money


@dataclass(frozen=True, slots=True)
class Payable:
    """What the rules need to know of an application about to be paid (its row locked)."""

    status: Status
    award: Money | None
    open_objections: int


def already_paid() -> RuleViolation:
    return RuleViolation(
        "already_disbursed",
        "This award has already been paid.",
        message_zh="该奖补已拨付。",
        status=409,
    )


def objection_open() -> RuleViolation:
    return RuleViolation(
        "objection_open",
        "An objection to this award is still open; it must be resolved before payment.",
        message_zh="该奖补尚有未处理的公示异议,处理完毕后方可拨付。",
        status=409,
    )


def not_payable(status: Status) -> RuleViolation:
    return RuleViolation(
        "invalid_transition",
        f"Only a confirmed award can be paid; this application is {status}.",
        message_zh=f"只有公示期满确认的奖补可以拨付,该申请当前为“{STATUS_ZH[status]}”。",
        status=409,
    )


def check_paid_on(paid_on: dt.date, today: dt.date, field: str = "paid_on") -> None:
    if paid_on > today:
        raise RuleViolation(
            "invalid_input",
            "A payment cannot be dated in the future.",
            field=field,
            message_zh="拨付日期不能晚于今天。",
        )


def check_payment(p: Payable, amount: Money, field: str = "amount") -> None:
    """Refuse this payment with the first reason, in the order a person would fix them.

    Called after a publicized award whose period is over has been confirmed on the way.
    """
    if p.status == Status.DISBURSED:
        raise already_paid()
    if p.open_objections:
        raise objection_open()
    if p.status != Status.CONFIRMED:
        raise not_payable(p.status)
    if p.award is None or amount != p.award:
        raise RuleViolation(
            "amount_mismatch",
            f"The payment must be exactly the approved amount ({p.award}).",
            field=field,
            message_zh=f"拨付金额须与核定金额({p.award}元)一致。",
        )


# --------------------------------------------------------------------------- the bank's file

BANK_CSV_COLUMNS = ("application reference", "amount", "paid_on", "bank reference")
MAX_BANK_ROWS = 500


@dataclass(frozen=True, slots=True)
class BankRow:
    """One line of the bank's returned file: which award, how much, when, the bank's number."""

    reference: str
    amount: str
    paid_on: str
    bank_reference: str


def parse_bank_csv(text: str) -> list[BankRow]:
    """The rows of a bank's returned CSV (`BANK_CSV_COLUMNS`, a heading row optional).

    Amounts and dates are checked later, item by item, with the same rules as a typed entry;
    here only the file's shape: four columns a row, at most MAX_BANK_ROWS rows.
    """
    rows: list[BankRow] = []
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    for n, cells in enumerate(reader, start=1):
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if n == 1 and cells[0].lower().replace("_", " ") in (BANK_CSV_COLUMNS[0], "reference"):
            continue  # the heading
        if len(cells) != len(BANK_CSV_COLUMNS):
            raise RuleViolation(
                "invalid_input",
                f"Line {n} of the file has {len(cells)} columns; each line needs four: "
                "application reference, amount, paid_on, bank reference.",
                field="file",
                message_zh=f"文件第{n}行有{len(cells)}列;每行须为四列:申请编号、金额、拨付日期、银行流水号。",
            )
        rows.append(BankRow(*cells))
        if len(rows) > MAX_BANK_ROWS:
            raise RuleViolation(
                "invalid_input",
                f"A file may hold at most {MAX_BANK_ROWS} payments; split it.",
                field="file",
                message_zh=f"一个文件最多{MAX_BANK_ROWS}笔拨付,请拆分后上传。",
            )
    if not rows:
        raise RuleViolation(
            "invalid_input",
            "The file holds no payments.",
            field="file",
            message_zh="文件中没有拨付记录。",
        )
    return rows


# --------------------------------------------------------------------------- recovery


def check_recovery(amount: Money, paid: Money) -> None:
    """An amount to win back: more than nothing, at most what was paid."""
    if not amount:
        raise RuleViolation(
            "invalid_input",
            "The amount to recover must be more than zero.",
            field="amount",
            message_zh="追回金额须大于零。",
        )
    if amount > paid:
        raise RuleViolation(
            "amount_exceeds_paid",
            f"At most the amount paid ({paid}) can be recovered.",
            field="amount",
            message_zh=f"追回金额不能超过已拨付金额({paid}元)。",
        )


def check_repayment(amount: Money, outstanding: Money) -> None:
    if not amount:
        raise RuleViolation(
            "invalid_input",
            "A repayment must be more than zero.",
            field="amount",
            message_zh="还款金额须大于零。",
        )
    if amount > outstanding:
        raise RuleViolation(
            "amount_exceeds_outstanding",
            f"Only {outstanding} is still owed.",
            field="amount",
            message_zh=f"尚欠金额仅为{outstanding}元。",
        )
