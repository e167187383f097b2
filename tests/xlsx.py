"""A workbook read back from its XML with the standard library: what Excel would show per cell."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree as ET

_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
_CELL = re.compile(r"^([A-Z]+)(\d+)$")
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")  # how OOXML writes a control character in text


def _text(parts: list[str]) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), "".join(parts))


@dataclass
class Sheet:
    name: str
    rows: list[list[str | None]]  # every cell as text; None where the row has no such cell
    formulas: int  # cells holding a formula


def _xml(data: bytes) -> ET.Element:
    return ET.fromstring(data)  # noqa: S314 - the workbooks our own code wrote


def _column(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def read_xlsx(data: bytes) -> list[Sheet]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None, "a corrupt member in the workbook"
        shared: list[str] = []
        if "xl/sharedStrings.xml" in z.namelist():
            root = _xml(z.read("xl/sharedStrings.xml"))
            shared = [_text([t.text or "" for t in si.iter(f"{{{_NS['m']}}}t")]) for si in root]
        workbook = _xml(z.read("xl/workbook.xml"))
        names = [s.get("name", "") for s in workbook.iterfind("m:sheets/m:sheet", _NS)]
        sheets = []
        for i, name in enumerate(names, start=1):
            root = _xml(z.read(f"xl/worksheets/sheet{i}.xml"))
            rows: list[list[str | None]] = []
            formulas = 0
            for row in root.iterfind("m:sheetData/m:row", _NS):
                number = int(row.get("r", "0"))
                while len(rows) < number:
                    rows.append([])
                cells = rows[number - 1]
                for cell in row.iterfind("m:c", _NS):
                    match = _CELL.match(cell.get("r", ""))
                    assert match, cell.get("r")
                    col = _column(match.group(1))
                    while len(cells) <= col:
                        cells.append(None)
                    if cell.find("m:f", _NS) is not None:
                        formulas += 1
                    kind = cell.get("t")
                    if kind == "inlineStr":
                        cells[col] = _text([t.text or "" for t in cell.iter(f"{{{_NS['m']}}}t")])
                    elif kind == "s":
                        cells[col] = shared[int(cell.findtext("m:v", "", _NS))]
                    else:
                        cells[col] = cell.findtext("m:v", None, _NS)
            sheets.append(Sheet(name, rows, formulas))
        return sheets
