"""Which mainland exchange a stock code belongs to, by the boards' own numbering, so that a
claim naming one exchange and another's code is questioned before a reviewer has to."""

from __future__ import annotations

# Code prefixes of each exchange's boards (main boards, STAR/ChiNext, B shares, BSE).
BOARDS: dict[str, tuple[str, ...]] = {
    "SSE": ("600", "601", "603", "605", "688", "689", "900"),
    "SZSE": ("000", "001", "002", "003", "200", "300", "301", "302"),
    "BSE": ("43", "83", "87", "920"),
}
NAMES: dict[str, tuple[str, str]] = {
    "SSE": ("上海证券交易所", "Shanghai Stock Exchange"),
    "SZSE": ("深圳证券交易所", "Shenzhen Stock Exchange"),
    "BSE": ("北京证券交易所", "Beijing Stock Exchange"),
}


def exchange_of(code: str) -> str | None:
    """The mainland exchange whose boards number a six-digit code so; None when none does."""
    code = code.strip()
    if len(code) != 6 or not code.isdigit():
        return None
    for exchange, prefixes in BOARDS.items():
        if code.startswith(prefixes):
            return exchange
    return None


def mismatch(exchange: object, code: object) -> str | None:
    """The exchange `code` belongs to, when it is a mainland one other than `exchange`."""
    if not isinstance(exchange, str) or not isinstance(code, str) or exchange not in BOARDS:
        return None
    belongs = exchange_of(code)
    return belongs if belongs is not None and belongs != exchange else None


def names(lang: str) -> dict[str, str]:
    i = 0 if lang == "zh" else 1
    return {code: pair[i] for code, pair in NAMES.items()}
