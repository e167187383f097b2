"""Money: exact fen arithmetic, the strict wire format and the display forms."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import RuleViolation
from domain.money import MAX_FEN, MAX_YUAN, Money, fen_text, parse_money

fens = st.integers(min_value=0, max_value=MAX_FEN)


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("0", 0),
        ("0.00", 0),
        ("0.01", 1),
        ("0.1", 10),
        ("12", 1200),
        ("12.5", 1250),
        ("12.50", 1250),
        ("1234567.89", 123456789),
        ("1000000000000", MAX_FEN),
        ("1000000000000.00", MAX_FEN),
    ],
)
def test_parse_accepts(text: str, fen: int) -> None:
    assert parse_money(text) == Money(fen)


@pytest.mark.parametrize(
    "bad",
    [
        "-1",
        "-0.01",
        "1.234",
        "0.001",
        "1e5",
        "1E5",
        "NaN",
        "nan",
        "Infinity",
        "inf",
        " 1",
        "1 ",
        "1\n",
        "+1",
        "1,000",
        "1_000",
        "",
        ".5",
        "5.",
        "007",
        "00",
        "01.5",
        "0x10",
        "１２",  # full-width digits
        "١٢",  # Arabic-Indic digits: int() would accept them
        "1000000000000.01",
        "1000000000001",
        "99999999999999999999999999999",
    ],
)
def test_parse_rejects_malformed_text(bad: str) -> None:
    with pytest.raises(RuleViolation) as info:
        parse_money(bad, field="eligible_costs")
    assert info.value.code == "invalid_input"
    assert info.value.field == "eligible_costs"
    assert info.value.status == 422
    assert info.value.message
    assert info.value.message_zh != info.value.message


@pytest.mark.parametrize("bad", [5, 5.0, None, True, False, b"5", ["5"], {"amount": "5"}])
def test_parse_rejects_non_strings(bad: object) -> None:
    with pytest.raises(RuleViolation) as info:
        parse_money(bad)
    assert info.value.code == "invalid_input"
    assert info.value.field == "amount"
    assert "string" in info.value.message


def test_parse_messages_say_what_to_fix() -> None:
    with pytest.raises(RuleViolation) as neg:
        parse_money("-5")
    assert "negative" in neg.value.message
    with pytest.raises(RuleViolation) as big:
        parse_money("1000000000000.01")
    assert "1000000000000.00" in big.value.message
    with pytest.raises(RuleViolation) as fmt:
        parse_money("1.234")
    assert "two decimals" in fmt.value.message
    assert "两位小数" in fmt.value.message_zh


def test_max_constant() -> None:
    assert MAX_YUAN == 10**12
    assert parse_money(str(MAX_YUAN)) == Money.yuan(MAX_YUAN)


@given(fens)
def test_str_parse_round_trip(fen: int) -> None:
    m = Money(fen)
    text = str(m)
    assert parse_money(text) == m
    whole, _, decimals = text.partition(".")
    assert len(decimals) == 2
    assert whole == str(fen // 100)


@given(st.integers(min_value=-MAX_FEN, max_value=MAX_FEN))
def test_fen_text_is_the_wire_format_of_money(fen: int) -> None:
    # Against an independent exact formatter: decimal arithmetic, never float.
    assert fen_text(fen) == str(Money(fen)) == format(Decimal(fen) / 100, ".2f")


@pytest.mark.parametrize(
    ("fen", "wire"),
    [(0, "0.00"), (1, "0.01"), (10, "0.10"), (123456, "1234.56"), (-150, "-1.50")],
)
def test_wire_format(fen: int, wire: str) -> None:
    assert str(Money(fen)) == wire
    assert fen_text(fen) == wire


def test_constructors_and_arithmetic() -> None:
    assert Money(0) == Money.ZERO
    assert Money.yuan(2_000_000) == Money(200_000_000)
    assert Money(150) + Money(51) == Money(201)
    assert Money(150) - Money(151) == Money(-1)
    assert not Money.ZERO
    assert Money(1)
    assert min(Money(5), Money(3)) == Money(3)
    assert max(Money(5), Money(3)) == Money(5)
    assert Money(3) < Money(5) <= Money(5)
    with pytest.raises(TypeError):
        Money.yuan(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money(True)
    with pytest.raises(TypeError):
        Money(1.0)  # type: ignore[arg-type]


def test_money_is_immutable_and_hashable() -> None:
    m = Money(1)
    with pytest.raises(AttributeError):
        m.fen = 2  # type: ignore[misc]
    assert len({Money(1), Money(1), Money(2)}) == 2


@pytest.mark.parametrize(
    ("fen", "bp", "expected"),
    [
        (1, 5000, 0),  # 0.01 × 50% = 0.005 → 0.00
        (3, 3000, 0),  # 0.03 × 30% = 0.009 → 0.00
        (4, 3000, 1),  # 0.04 × 30% = 0.012 → 0.01
        (101, 5000, 50),  # 1.01 × 50% = 0.505 → 0.50
        (400_000_000, 5000, 200_000_000),
        (333_333_334, 3000, 100_000_000),  # 3,333,333.34 × 30% = 1,000,000.002
        (12345, 0, 0),
        (12345, 10000, 12345),
        (99, 9999, 98),
    ],
)
def test_percent_of_truncates(fen: int, bp: int, expected: int) -> None:
    assert Money(fen).percent_of(bp) == Money(expected)


@given(fens, st.integers(min_value=0, max_value=10_000))
def test_percent_of_is_exact_floor(fen: int, bp: int) -> None:
    result = Money(fen).percent_of(bp).fen
    # result is the largest fen amount not above the exact product.
    assert result * 10_000 <= fen * bp < (result + 1) * 10_000


def test_percent_of_refuses_negatives() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        Money(-1).percent_of(5000)
    with pytest.raises(ValueError, match="non-negative"):
        Money(1).percent_of(-1)


@pytest.mark.parametrize(
    ("fen", "shown"),
    [
        (0, "¥0.00"),
        (5, "¥0.05"),
        (123456, "¥1,234.56"),
        (123456789, "¥1,234,567.89"),
        (200_000_000, "¥2,000,000.00"),
        (-123456, "-¥1,234.56"),
    ],
)
def test_display(fen: int, shown: str) -> None:
    assert Money(fen).display() == shown


@pytest.mark.parametrize(
    ("fen", "wan"),
    [
        (200_000_000, "200万元"),
        (1_234_567, "1.23万元"),
        (100_000_000, "100万元"),
        (1_000_000, "1万元"),
        (150_000, "0.15万元"),
        (1, "0.00万元"),  # rounded for reading; the exact ¥0.01 stands beside it
        (0, "0万元"),
        (440_000_050, "440.00万元"),  # never 440.00005万元
        (440_005_000, "440.01万元"),  # half up
        (440_004_999, "440.00万元"),
        (199_999_999, "200.00万元"),  # rounded up to a whole: its decimals say it is rounded
        (-1_234_567, "-1.23万元"),
        (MAX_FEN, "100000000万元"),
    ],
)
def test_display_wan(fen: int, wan: str) -> None:
    assert Money(fen).display_wan() == wan


def test_grouped() -> None:
    assert Money(400_000_000).grouped() == "4,000,000.00"
    assert Money(7).grouped() == "0.07"


@pytest.mark.parametrize(
    ("fen", "shown"),
    [
        (200_000_000, "2 million yuan"),
        (117_283_945, "1.17 million yuan"),
        (150_000, "0.00 million yuan"),
        (199_999_999, "2.00 million yuan"),
        (-50_000_000, "-0.50 million yuan"),
    ],
)
def test_display_millions_for_english_readers(fen: int, shown: str) -> None:
    assert Money(fen).display_millions() == shown
