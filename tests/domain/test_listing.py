from __future__ import annotations

import pytest

from domain.listing import exchange_of, mismatch


@pytest.mark.parametrize(
    ("code", "exchange"),
    [
        ("688981", "SSE"),
        ("600519", "SSE"),
        ("000001", "SZSE"),
        ("300750", "SZSE"),
        ("301236", "SZSE"),
        ("430047", "BSE"),
        ("920001", "BSE"),
        ("2599.HK", None),
        ("68898", None),
        ("123456", None),
    ],
)
def test_the_exchange_a_code_is_numbered_for(code: str, exchange: str | None) -> None:
    assert exchange_of(code) == exchange


def test_a_shanghai_star_code_on_shenzhen_is_questioned() -> None:
    assert mismatch("SZSE", "688981") == "SSE"
    assert mismatch("SSE", "688981") is None
    assert mismatch("HKEX", "688981") is None  # overseas codes follow other rules
    assert mismatch("SSE", None) is None
