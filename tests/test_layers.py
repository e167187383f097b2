"""The layer rules of DESIGN.md, checked on the source: this test fails when one is broken."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# What each layer may import of ours; and third-party modules it must not touch.
ALLOWED = {
    "domain": {"domain"},
    "sql": {"domain", "sql"},
    "portal": {"domain", "sql", "portal"},
    "workers": {"domain", "sql", "workers"},
}
OURS = set(ALLOWED)
DOMAIN_FORBIDDEN = {
    "litestar",
    "asyncpg",
    "arq",
    "redis",
    "jinja2",
    "aiosmtplib",
    "httpx",
    "msgspec.json",
}


def imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def violations(layer: str, root: Path = ROOT) -> list[str]:
    bad = []
    for path in sorted((root / layer).rglob("*.py")):
        for line, name in imports(path):
            top = name.split(".")[0]
            if top in OURS and top not in ALLOWED[layer]:
                bad.append(f"{path.relative_to(root)}:{line} imports {name}")
            if layer == "domain" and any(
                name == f or name.startswith(f + ".") for f in DOMAIN_FORBIDDEN
            ):
                bad.append(f"{path.relative_to(root)}:{line} imports {name} (domain is pure)")
    return bad


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_imports_only_what_it_may(layer: str) -> None:
    assert violations(layer) == []


def test_the_check_catches_a_crossing(tmp_path: Path) -> None:
    (tmp_path / "portal").mkdir()
    (tmp_path / "portal" / "x.py").write_text("from workers.settings import worker_settings\n")
    (tmp_path / "domain").mkdir()
    (tmp_path / "domain" / "y.py").write_text("import asyncpg\nfrom msgspec import json\n")
    assert violations("portal", tmp_path) == [
        "portal/x.py:1 imports workers.settings",
        "portal/x.py:1 imports workers.settings.worker_settings",
    ]
    assert len(violations("domain", tmp_path)) == 2
