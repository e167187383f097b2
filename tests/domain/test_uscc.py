from __future__ import annotations

import pytest

from domain.errors import RuleViolation
from domain.uscc import ALPHABET, parse_uscc

REAL = ["914403001922038216", "91110000802100433B"]


@pytest.mark.parametrize("code", REAL)
def test_real_codes_pass(code: str) -> None:
    assert parse_uscc(code).code == code


def test_normalizes_case_and_spaces() -> None:
    assert parse_uscc(" 9111 0000 8021 0043 3b ").code == "91110000802100433B"


def test_division_and_wuhan() -> None:
    assert parse_uscc("914403001922038216").division_code == "440300"
    assert not parse_uscc("914403001922038216").registered_in_wuhan


@pytest.mark.parametrize("code", REAL)
def test_every_single_substitution_fails(code: str) -> None:
    for i in range(18):
        for ch in ALPHABET:
            if ch == code[i]:
                continue
            changed = code[:i] + ch + code[i + 1 :]
            with pytest.raises(RuleViolation) as info:
                parse_uscc(changed)
            assert info.value.code == "invalid_uscc"


@pytest.mark.parametrize("code", REAL)
def test_every_adjacent_transposition_that_changes_it_fails(code: str) -> None:
    for i in range(17):
        swapped = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
        if swapped == code:
            continue
        with pytest.raises(RuleViolation):
            parse_uscc(swapped)


@pytest.mark.parametrize(
    "bad",
    ["", "91110000802100433", "91110000802100433BB", "9111000080210043IB", "9111000080210043ＯB"],
)
def test_shape_errors_say_what_is_wrong(bad: str) -> None:
    with pytest.raises(RuleViolation) as info:
        parse_uscc(bad)
    assert info.value.code == "invalid_uscc"
    assert info.value.message and info.value.message_zh


def test_registration_authority_letters_are_accepted() -> None:
    from domain.uscc import check_character

    for first in "NYA":
        first17 = first + "1420100MA4K0000X"[:16]
        code = first17 + check_character(first17)
        assert parse_uscc(code).registered_in_wuhan
