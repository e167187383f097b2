"""Wuhan's districts by their GB/T 2260 codes: where an organization is registered, where an
event is held."""

from __future__ import annotations

# GB/T 2260 codes of Wuhan's districts.
WUHAN_DISTRICTS: dict[str, tuple[str, str]] = {
    "420102": ("江岸区", "Jiang'an"),
    "420103": ("江汉区", "Jianghan"),
    "420104": ("硚口区", "Qiaokou"),
    "420105": ("汉阳区", "Hanyang"),
    "420106": ("武昌区", "Wuchang"),
    "420107": ("青山区", "Qingshan"),
    "420111": ("洪山区", "Hongshan"),
    "420112": ("东西湖区", "Dongxihu"),
    "420113": ("汉南区", "Hannan"),
    "420114": ("蔡甸区", "Caidian"),
    "420115": ("江夏区", "Jiangxia"),
    "420116": ("黄陂区", "Huangpi"),
    "420117": ("新洲区", "Xinzhou"),
}


def district_names(code: str) -> tuple[str, str]:
    """A district's names in Chinese and English; a code outside Wuhan is said to be so."""
    return WUHAN_DISTRICTS.get(code) or (f"武汉市外({code})", f"outside Wuhan ({code})")
