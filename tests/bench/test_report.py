"""Results files keep being readable after `portal serve` moved from uvicorn to granian."""

from __future__ import annotations

from typing import Any

from bench.report import figures, measured


def _post(rps: float) -> dict[str, Any]:
    return {"post": {"median": {"rps": rps, "p50_ms": 10.0, "p99_ms": 30.0}}}


def test_old_files_keyed_uvicorn_without_its_name_and_new_files_name_every_server() -> None:
    old = {"servers": {"portal-2w": _post(1.0), "portal-granian-1w": _post(2.0)}}
    new = {"servers": {"portal-uvicorn-2w": _post(3.0), "portal-granian-1w": _post(4.0)}}
    assert figures(old, "portal", "uvicorn", 2) == _post(1.0)
    assert figures(new, "portal", "uvicorn", 2) == _post(3.0)
    assert figures(new, "portal", "granian", 1) == _post(4.0)
    assert figures(new, "floor", "granian", 1) == {}
    # What `portal serve` runs is listed first, then the rest in order.
    assert measured(old) == [("granian", 1), ("uvicorn", 2)]
    assert measured(new | {"servers": new["servers"] | {"portal-uvicorn-1w": {}}}) == [
        ("granian", 1),
        ("uvicorn", 1),
        ("uvicorn", 2),
    ]
