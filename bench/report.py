"""A results file as the Markdown tables of docs/PERFORMANCE.md.

python -m bench.report [bench/results/latest.json]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROWS = [
    ("post", "POST /api/v1/applications (event filing, 10 lines)"),
    ("claim", "POST /api/v1/applications (program_claim, vertical-model)"),
    ("post_idem", "POST, with an Idempotency-Key"),
    ("get", "GET /api/v1/applications/{id}"),
    ("queue", "work queue (status + program, keyset)"),
    ("queue_8", "work queue, 8 connections"),
    ("stats", "public statistics page, 8 connections"),
    ("staff_stats", "staff statistics, 8 connections"),
]
FLOOR = {"post": "post", "claim": "claim", "get": "get", "queue": "queue"}
PRODUCTION = "granian"  # what `portal serve` runs (uvicorn before 2026-11-29)


def key(kind: str, asgi: str, workers: int) -> str:
    """Where a server's figures sit in a results file: `portal-granian-1w`, `floor-uvicorn-2w`."""
    return f"{kind}-{asgi}-{workers}w"


def figures(report: dict[str, Any], kind: str, asgi: str, workers: int) -> dict[str, Any]:
    """One server's figures; files from before granian served the portal keyed uvicorn's as
    `portal-2w`, without its name."""
    found = report["servers"]
    old = f"{kind}-{workers}w" if asgi == "uvicorn" else ""
    result: dict[str, Any] = found.get(key(kind, asgi, workers)) or found.get(old, {})
    return result


def measured(report: dict[str, Any]) -> list[tuple[str, int]]:
    """(server, workers) of every configuration in a results file, production's first."""
    runs = set()
    for k in report["servers"]:
        parts = k.split("-")
        runs.add((parts[1] if len(parts) == 3 else "uvicorn", int(parts[-1][:-1])))
    return sorted(runs, key=lambda r: (r[0] != PRODUCTION, r))


def _fig(m: dict[str, Any]) -> str:
    return f"{m['rps']:,.0f} | {m['p50_ms']:.1f} | {m['p99_ms']:.1f}"


def _cpu(x: dict[str, Any]) -> str:
    c = x.get("cpu_us_per_request", {})
    return f"{c.get('app', 0):,.0f} + {c.get('postgres', 0):,.0f}"


def tables(report: dict[str, Any]) -> str:
    out = []
    for asgi, w in measured(report):
        portal = figures(report, "portal", asgi, w)
        floor = figures(report, "floor", asgi, w)
        out += [
            f"**{asgi}, {w} worker{'s' if w > 1 else ''}** "
            f"(wrk: 2 threads, {report['wrk']['connections']} connections unless said, "
            f"{report['wrk']['seconds']:.0f} s × {report['wrk']['repeat']} after "
            f"{report['wrk']['warmup']:.0f} s of warm-up; medians)",
            "",
            "| endpoint | req/s | p50 ms | p99 ms | CPU µs/request (worker + PostgreSQL) "
            "| floor req/s | floor p50 | floor p99 | floor CPU | portal/floor |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for key, label in ROWS:
            if key not in portal:
                continue
            p = portal[key]
            f = floor.get(FLOOR.get(key, ""), None)
            floor_cells = f"{_fig(f['median'])} | {_cpu(f)}" if f else " | ".join([""] * 4)
            ratio = f"{p['median']['rps'] / f['median']['rps']:.0%}" if f else ""
            out.append(f"| {label} | {_fig(p['median'])} | {_cpu(p)} | {floor_cells} | {ratio} |")
        csv = portal.get("csv")
        if csv:
            out += [
                "",
                f"CSV export: {csv['rows']:,} rows in {csv['median_seconds']:.2f} s "
                f"({csv['rows_per_second']:,.0f} rows/s, median of 3); the serving worker's "
                f"memory grew by at most {csv['peak_growth_mb']:.1f} MB (VmRSS sampled every "
                "10 ms, and VmHWM).",
            ]
        xlsx = portal.get("xlsx")
        if xlsx:
            out += [
                "",
                f"XLSX export job: {xlsx['rows']:,} rows in {xlsx['seconds']:.1f} s from the POST "
                f"to `done` ({xlsx['rows_per_second']:,.0f} rows/s, one worker process; "
                f"{xlsx['close_seconds']:.1f} s of it closing the workbook); progress was seen "
                f"{xlsx['progress_readings']} times polling every 0.25 s, the first after "
                f"{xlsx['first_progress_seconds']:.1f} s; the worker's memory grew by "
                f"{xlsx['peak_growth_mb']:.1f} MB.",
            ]
        out.append("")
    return "\n".join(out)


def main() -> None:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent / "results/latest.json")
    print(tables(json.loads(path.read_text(encoding="utf-8"))))


if __name__ == "__main__":
    main()
