"""The rules one payment, a batch and a recovery share; and the bank's returned file."""

from __future__ import annotations

import pytest

from domain.errors import RuleViolation
from domain.lifecycle import Status
from domain.money import Money
from domain.objections import ObjectionStatus, check_resolution, confirms_now
from domain.payments import (
    MAX_BANK_ROWS,
    BankRow,
    Payable,
    check_payment,
    check_recovery,
    check_repayment,
    parse_bank_csv,
)

AWARD = Money.yuan(1_700_000)


def code(p: Payable, amount: Money = AWARD) -> str | None:
    try:
        check_payment(p, amount)
    except RuleViolation as v:
        return v.code
    return None


def test_a_payment_is_refused_for_the_first_thing_to_fix() -> None:
    assert code(Payable(Status.CONFIRMED, AWARD, 0)) is None
    assert code(Payable(Status.DISBURSED, AWARD, 0)) == "already_disbursed"
    assert code(Payable(Status.PUBLICIZED, AWARD, 1)) == "objection_open"
    assert code(Payable(Status.CONFIRMED, AWARD, 2)) == "objection_open"
    assert code(Payable(Status.PUBLICIZED, AWARD, 0)) == "invalid_transition"
    assert code(Payable(Status.APPROVED, AWARD, 0)) == "invalid_transition"
    assert code(Payable(Status.CONFIRMED, AWARD, 0), AWARD - Money(1)) == "amount_mismatch"
    assert code(Payable(Status.CONFIRMED, None, 0)) == "amount_mismatch"


def test_the_banks_file_with_or_without_its_heading() -> None:
    text = (
        "\ufeffapplication reference,amount,paid_on,bank reference\n"
        "WHAI-EC-2026-0001, 1700000.00 ,2026-06-01,BOC-1\n\n"
        "WHAI-EC-2026-0002,5.00,2026-06-01,BOC-2\n"
    )
    assert parse_bank_csv(text) == [
        BankRow("WHAI-EC-2026-0001", "1700000.00", "2026-06-01", "BOC-1"),
        BankRow("WHAI-EC-2026-0002", "5.00", "2026-06-01", "BOC-2"),
    ]
    assert parse_bank_csv("WHAI-EC-2026-0001,1.00,2026-06-01,B") == [
        BankRow("WHAI-EC-2026-0001", "1.00", "2026-06-01", "B")
    ]


@pytest.mark.parametrize(
    "text",
    ["", "application reference,amount,paid_on,bank reference\n", "a,b,c\n", "a,b,c,d,e\n"],
)
def test_a_file_of_the_wrong_shape_is_refused_with_where(text: str) -> None:
    with pytest.raises(RuleViolation) as e:
        parse_bank_csv(text)
    assert (e.value.code, e.value.field) == ("invalid_input", "file")


def test_a_file_too_long_is_refused() -> None:
    with pytest.raises(RuleViolation, match="at most"):
        parse_bank_csv("r,1.00,2026-06-01,b\n" * (MAX_BANK_ROWS + 1))


def test_recovery_and_repayment_ceilings() -> None:
    check_recovery(AWARD, AWARD)
    for amount, expected in (
        (Money(0), "invalid_input"),
        (AWARD + Money(1), "amount_exceeds_paid"),
    ):
        with pytest.raises(RuleViolation) as e:
            check_recovery(amount, AWARD)
        assert e.value.code == expected
    check_repayment(Money(100), Money(100))
    with pytest.raises(RuleViolation) as e:
        check_repayment(Money(101), Money(100))
    assert e.value.code == "amount_exceeds_outstanding"


def test_objection_rules() -> None:
    check_resolution(ObjectionStatus.OPEN, "理由")
    for status, comment, expected in (
        (ObjectionStatus.DISMISSED, "理由", "objection_resolved"),
        (ObjectionStatus.UPHELD, "理由", "objection_resolved"),
        (ObjectionStatus.OPEN, "  ", "comment_required"),
    ):
        with pytest.raises(RuleViolation) as e:
            check_resolution(status, comment)
        assert e.value.code == expected
    assert confirms_now(open_left=0, period_over=True, publicized=True)
    assert not confirms_now(open_left=1, period_over=True, publicized=True)
    assert not confirms_now(open_left=0, period_over=False, publicized=True)
    assert not confirms_now(open_left=0, period_over=True, publicized=False)
