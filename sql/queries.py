"""Named queries from `sql/queries/*.sql`.

A file holds blocks that start with `-- name: some_name`; `Q.some_name` is that block's text.
Written here rather than taken from aiosql: thirty lines, and asyncpg is then called directly.
"""

from __future__ import annotations

import re
from pathlib import Path

_QUERY_DIR = Path(__file__).parent / "queries"
_NAME = re.compile(r"^--\s*name:\s*([a-z_][a-z0-9_]*)\s*$", re.MULTILINE)


def parse_queries(text: str) -> dict[str, str]:
    parts = _NAME.split(text)
    queries: dict[str, str] = {}
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        if name in queries:
            raise ValueError(f"query {name!r} is defined twice")
        queries[name] = body.strip()
    return queries


class _Queries:
    def __init__(self, directory: Path) -> None:
        self._queries: dict[str, str] = {}
        for path in sorted(directory.glob("*.sql")):
            for name, body in parse_queries(path.read_text(encoding="utf-8")).items():
                if name in self._queries:
                    raise ValueError(f"query {name!r} is defined twice ({path.name})")
                self._queries[name] = body

    def __getattr__(self, name: str) -> str:
        try:
            return self._queries[name]
        except KeyError:
            raise AttributeError(f"no query named {name!r} in sql/queries") from None


Q = _Queries(_QUERY_DIR)
