"""`python -m bench`: seed (once), EXPLAIN, then wrk against the portal and the floor.

    python -m bench              # the full run: 1M applications, 1 and 2 workers (~10 min)
    python -m bench --quick      # 100k applications, shorter wrk runs (~3 min)
    python -m bench --help       # every knob

Results go to bench/results/<time>.json (and latest.json); the summary is printed at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import asdict
from importlib import metadata
from pathlib import Path
from typing import Any

import asyncpg

from bench import collector, explain, export, notify_lock, procs, sealer, seed, server, servers, wrk
from bench import report as reports
from bench.fixtures import Fixtures, load

RESULTS = Path(__file__).parent / "results"
TARGET_RATIO, TARGET_POST_P99, TARGET_QUEUE_P99 = 0.75, 50.0, 30.0
TARGET_CSV_SECONDS, TARGET_CSV_MB = 5.0, 100.0
TARGET_XLSX_MB = 100.0  # flat memory: the worker's growth writing the workbook of every row
TARGET_STATS_P99, STATS_CONNECTIONS = 200.0, 8  # the public and the staff's statistics
STATS_FIGURES = (("stats", "public statistics page"), ("staff_stats", "staff statistics"))


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="100k rows and short wrk runs")
    p.add_argument("--rows", type=int, help="applications to seed (default 1,000,000)")
    p.add_argument("--orgs", type=int, help="organizations to seed (default 2,000)")
    p.add_argument("--workers", default="1,2", help="worker process counts to measure")
    p.add_argument(
        "--servers",
        default="granian,uvicorn",
        help="ASGI servers to measure (granian is what `portal serve` runs)",
    )
    p.add_argument("--connections", type=int, default=32, help="wrk connections (default 32)")
    p.add_argument("--duration", type=float, help="seconds per wrk run (default 10)")
    p.add_argument("--warmup", type=float, help="seconds of warm-up before the runs (default 5)")
    p.add_argument("--repeat", type=int, default=3, help="wrk runs per figure; the median is kept")
    p.add_argument(
        "--only",
        default=(
            "post,claim,post_idem,get,queue,stats,csv,xlsx,explain,floor,paired,notifications,"
            "notify_lock,collector"
        ),
        help="what to measure (comma-separated subset of the default)",
    )
    p.add_argument("--port", type=int, default=8471, help="where the servers listen")
    p.add_argument("--no-install", action="store_true", help="never apt-get install wrk")
    p.add_argument("--profile", metavar="DIR", help="py-spy record each portal POST run into DIR")
    p.add_argument(
        "--native", action="store_true", help="with --profile: C and Cython frames too (pauses)"
    )
    args = p.parse_args(argv)
    args.rows = args.rows or (100_000 if args.quick else 1_000_000)
    args.orgs = args.orgs or (500 if args.quick else 2_000)
    args.duration = args.duration or (3.0 if args.quick else 10.0)
    args.warmup = args.warmup if args.warmup is not None else (2.0 if args.quick else 5.0)
    args.only = set(args.only.split(","))
    args.workers = [int(w) for w in args.workers.split(",")]
    args.servers = [x for x in args.servers.split(",") if x]
    return args


def log(message: str) -> None:
    print(message, flush=True)


def machine() -> dict[str, Any]:
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    versions = {"python": platform.python_version()}
    for name in (
        "litestar",
        "msgspec",
        "asyncpg",
        "granian",
        "uvicorn",
        "uvloop",
        "httptools",
        "pgserver",
    ):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "-"
    return {
        "nproc": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "cpu": cpu,
        "kernel": platform.release(),
        "versions": versions,
    }


def measure(
    name: str,
    srv: server.Server,
    requests: list[wrk.Request],
    args: argparse.Namespace,
    pg_root: int,
    *,
    profile: Path | None = None,
    connections: int | None = None,
) -> dict[str, Any]:
    """Warm up, then `repeat` wrk runs; the median and the CPU each request cost."""
    connections = connections or args.connections
    _settle()  # e.g. autovacuum after the previous figure's writes: not this figure's cost
    wrk.run(srv.url, requests, connections=connections, seconds=args.warmup)
    meter = procs.CpuMeter(srv.worker_pids(), pg_root)
    runs = []
    cpu = []
    steal: list[float] = []
    foreign: list[float] = []
    spy = None
    for i in range(args.repeat):
        if profile is not None and i == 0:
            slug = "".join(c if c.isalnum() else "-" for c in name).strip("-").lower()
            spy = _py_spy(srv, profile / f"{slug}.txt", args.duration, native=args.native)
        before, steal0, t0 = meter.snapshot(), procs.steal_seconds(), time.monotonic()
        ours0 = _our_cpu()
        runs.append(wrk.run(srv.url, requests, connections=connections, seconds=args.duration))
        after = meter.snapshot()
        steal.append(
            (procs.steal_seconds() - steal0) / (time.monotonic() - t0) / (os.cpu_count() or 1)
        )
        n = max(runs[-1].requests, 1)
        cpu.append([(a - b) / n * 1e6 for a, b in zip(after, before, strict=True)])
        # What no process of this run used: other people's work on a shared machine.
        used = sum(a - b for a, b in zip(after[:2], before[:2], strict=True)) + _our_cpu() - ours0
        foreign.append(max(0.0, (after[2] - before[2]) - used) / (after[2] - before[2] or 1))
        if spy is not None:
            spy.wait()
            spy = None
    result = wrk.Result(name, connections, runs)
    m = result.median
    app_us, pg_us, all_us = (statistics.median(c[k] for c in cpu) for k in range(3))
    flag = f"  ERRORS: {m.errors}" if m.errors else ""
    if statistics.median(foreign) > 0.1:
        flag += (
            f"  ({statistics.median(foreign):.0%} of the CPU time went to other programs: noisy)"
        )
    if max(steal) > 0.05:
        flag += f"  (the hypervisor took {max(steal):.0%} of the CPUs: noisy)"
    log(
        f"  {name:<28} {m.rps:8.0f} req/s   p50 {m.p50_ms:6.1f} ms   p99 {m.p99_ms:6.1f} ms"
        f"   cpu/request: app {app_us:5.0f} µs, postgres {pg_us:5.0f} µs, machine {all_us:5.0f} µs"
        f"{flag}"
    )
    out = result.to_json()
    out["cpu_us_per_request"] = {"app": app_us, "postgres": pg_us, "machine": all_us}
    out["foreign_cpu_share"] = foreign
    out["steal"] = steal
    return out


def _py_spy(
    srv: server.Server, out: Path, seconds: float, *, native: bool = False
) -> subprocess.Popen[bytes] | None:
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        log("  (py-spy not found: pip install py-spy to profile)")
        return None
    out.parent.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(  # noqa: S603
        [
            spy,
            "record",
            "--format",
            "raw",
            "-o",
            str(out),
            "-d",
            str(max(1, int(seconds))),
            "-r",
            "250",
            "--native" if native else "--nonblocking",  # native: see inside C and Cython
            "-p",
            str(srv.worker_pids()[0]),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def run_collector(
    bs: servers.BenchServers, url: str, meta: seed.Seeded, fx: Fixtures
) -> dict[str, Any]:
    """The collector's cost per POST, in this process (bench/collector.py)."""
    env = server.server_env(url, bs.redis_url, 8000, servers.DATA_DIR / "files")
    try:
        result = asyncio.run(collector.measure(env, fx.post))
    finally:
        asyncio.run(_reset(url, meta))
    log(f"\nThe garbage collector (bench/collector.py, in-process): {collector.describe(result)}")
    return result


async def _reset(url: str, meta: seed.Seeded) -> None:
    conn = await asyncpg.connect(url)
    try:
        await seed.reset(conn, meta)
    finally:
        await conn.close()


def _start(
    kind: str,
    workers: int,
    asgi: str,
    port: int,
    bs: servers.BenchServers,
    url: str,
    log_name: str = "server.log",
) -> server.Server:
    return server.start(
        kind,
        workers=workers,
        server=asgi,
        port=port,
        database_url=url,
        redis_url=bs.redis_url,
        data_dir=servers.DATA_DIR / "files",
        log_path=RESULTS / log_name,
    )


def run_server(
    kind: str,
    workers: int,
    asgi: str,
    args: argparse.Namespace,
    bs: servers.BenchServers,
    url: str,
    meta: seed.Seeded,
    fx: Fixtures,
    pg_root: int,
) -> dict[str, Any]:
    log(f"\n{kind}, {asgi} with {workers} worker{'s' if workers > 1 else ''}:")
    srv = _start(kind, workers, asgi, args.port, bs, url)
    out: dict[str, Any] = {"command": " ".join(srv.command)}
    tag = reports.key(kind, asgi, workers)
    profile = Path(args.profile) / tag if args.profile else None
    try:
        if kind == "portal":
            with sealer.running(url):
                _measure_portal(out, srv, asgi, workers, args, bs, url, fx, pg_root, profile)
        else:
            if "post" in args.only:
                out["post"] = measure(
                    "floor POST", srv, fx.floor_post, args, pg_root, profile=profile
                )
            if "claim" in args.only:
                out["claim"] = measure("floor POST claim", srv, fx.floor_claim, args, pg_root)
            if "get" in args.only:
                out["get"] = measure("floor GET by id", srv, fx.floor_get, args, pg_root)
            if "queue" in args.only:
                out["queue"] = measure("floor keyset page", srv, fx.floor_queue, args, pg_root)
    finally:
        srv.stop()
        asyncio.run(_reset(url, meta))
    return out


def _measure_portal(
    out: dict[str, Any],
    srv: server.Server,
    asgi: str,
    workers: int,
    args: argparse.Namespace,
    bs: servers.BenchServers,
    url: str,
    fx: Fixtures,
    pg_root: int,
    profile: Path | None,
) -> None:
    if "csv" in args.only:
        out["csv"] = run_export(srv, fx)
    # Once: the job runs on a worker process, whatever serves the API.
    if "xlsx" in args.only and (asgi, workers) == (args.servers[0], args.workers[0]):
        out["xlsx"] = run_xlsx(srv, fx, url, bs)
    if "post" in args.only:
        out["post"] = measure("POST /applications", srv, fx.post, args, pg_root, profile=profile)
    if "claim" in args.only:
        out["claim"] = measure("POST program_claim", srv, fx.claim, args, pg_root, profile=profile)
    if "post_idem" in args.only:
        out["post_idem"] = measure("POST + Idempotency-Key", srv, fx.post_idempotent, args, pg_root)
    if "get" in args.only:
        out["get"] = measure("GET /applications/{id}", srv, fx.get, args, pg_root, profile=profile)
    if "queue" in args.only:
        out["queue"] = measure("work queue (keyset)", srv, fx.queue, args, pg_root, profile=profile)
        out["queue_8"] = measure(
            "work queue, 8 connections", srv, fx.queue, args, pg_root, connections=8
        )
    if "stats" in args.only:
        out["stats"] = measure(
            "public statistics page",
            srv,
            fx.stats,
            args,
            pg_root,
            profile=profile,
            connections=STATS_CONNECTIONS,
        )
        out["staff_stats"] = measure(
            "staff statistics",
            srv,
            fx.staff_stats,
            args,
            pg_root,
            profile=profile,
            connections=STATS_CONNECTIONS,
        )


def paired_ratios(portal_rps: list[float], floor_rps: list[float]) -> list[float]:
    """Each portal run's req/s over the floor run measured right after it."""
    return [p / f for p, f in zip(portal_rps, floor_rps, strict=True)]


def run_paired(
    workers: int,
    asgi: str,
    args: argparse.Namespace,
    bs: servers.BenchServers,
    url: str,
    meta: seed.Seeded,
    fx: Fixtures,
    pg_root: int,
) -> dict[str, Any]:
    """The POST and the floor's POST with both servers up, their wrk runs alternated.

    The separate figures measure the portal, then the floor, minutes apart, and this shared
    machine's speed drifts by more than the gap being measured; here every portal run has a
    floor run right after it, and the ratio is the median of the pairs' ratios. The idle
    server costs nothing; the sealer runs beside the portal's runs only.
    """
    log(
        f"\nportal and floor side by side, {asgi} with {workers} worker"
        f"{'s' if workers > 1 else ''}: POST, runs alternated"
    )
    portal = _start("portal", workers, asgi, args.port, bs, url)
    try:
        floor = _start("floor", workers, asgi, args.port + 1, bs, url, "floor-server.log")
    except BaseException:
        portal.stop()
        raise
    one = argparse.Namespace(**(vars(args) | {"repeat": 1}))
    pairs = [("post", "POST /applications", fx.post, fx.floor_post)]
    if "claim" in args.only:
        pairs.append(("claim", "POST program_claim", fx.claim, fx.floor_claim))
    runs: dict[str, dict[str, list[dict[str, Any]]]] = {
        n: {"portal": [], "floor": []} for n, *_ in pairs
    }
    try:
        for i in range(args.repeat):
            for name, label, theirs, floors in pairs:
                with sealer.running(url):
                    runs[name]["portal"].append(
                        measure(f"{label} ({i + 1})", portal, theirs, one, pg_root)
                    )
                runs[name]["floor"].append(
                    measure(f"floor {label} ({i + 1})", floor, floors, one, pg_root)
                )
    finally:
        portal.stop()
        floor.stop()
        asyncio.run(_reset(url, meta))
    out: dict[str, Any] = {}
    for name, label, *_ in pairs:
        got = _pair_figures(runs[name])
        log(
            f"  {label} pairs: {', '.join(f'{r:.0%}' for r in got['ratios'])}; median "
            f"{got['ratio']:.0%}, the portal's p99 {got['p99_ms']:.1f} ms (median of its runs)"
        )
        # The event filing's figures stay at the top level, where earlier results keep them.
        out |= got if name == "post" else {name: got}
    return out


def _pair_figures(runs: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    ratios = paired_ratios(
        [r["median"]["rps"] for r in runs["portal"]], [r["median"]["rps"] for r in runs["floor"]]
    )
    p99 = statistics.median(r["median"]["p99_ms"] for r in runs["portal"])
    return runs | {"ratios": ratios, "ratio": statistics.median(ratios), "p99_ms": p99}


def run_export(srv: server.Server, fx: Fixtures) -> dict[str, Any]:
    runs = [export.run(srv.port, fx.csv_headers, srv.worker_pids()) for _ in range(3)]
    best = sorted(runs, key=lambda r: r.seconds)[1]  # the median of three
    growth = max(r.growth_mb for r in runs)
    log(
        f"  CSV export                   {best.rows:,} rows in {best.seconds:.2f} s "
        f"({best.rows_per_second:,.0f} rows/s, {best.mbytes:.0f} MB); "
        f"worker RSS {best.rss_before_mb:.0f} MB, peak growth {growth:.1f} MB"
    )
    return {
        "runs": [asdict(r) | {"rows_per_second": r.rows_per_second} for r in runs],
        "median_seconds": best.seconds,
        "rows": best.rows,
        "rows_per_second": best.rows_per_second,
        "peak_growth_mb": growth,
    }


def run_xlsx(
    srv: server.Server, fx: Fixtures, url: str, bs: servers.BenchServers
) -> dict[str, Any]:
    """The XLSX export job of every row, through the API, on one worker process of its own."""
    data_dir = servers.DATA_DIR / "files"
    env = server.server_env(url, bs.redis_url, srv.port, data_dir)
    worker = export.start_worker(env, RESULTS / "worker.log")
    try:
        _settle()
        r = export.run_xlsx_job(srv.port, fx.csv_headers, worker.pid, data_dir)
    finally:
        procs.stop_group(worker)
    log(
        f"  XLSX export job              {r.rows:,} rows in {r.seconds:.1f} s "
        f"({r.rows_per_second:,.0f} rows/s, {r.mbytes:.0f} MB; first progress after "
        f"{r.first_progress_seconds:.1f} s, {r.progress_readings} readings in between, "
        f"{r.close_seconds:.1f} s closing the workbook); "
        f"worker RSS {r.rss_before_mb:.0f} MB, peak growth {r.growth_mb:.1f} MB"
    )
    return asdict(r) | {"rows_per_second": r.rows_per_second, "peak_growth_mb": r.growth_mb}


def run_notifications() -> dict[str, Any] | None:
    path = Path(__file__).parent / "notifications.py"
    if not path.exists():
        log("\nnotifications: bench/notifications.py is not there yet; skipped")
        return None
    log("\nnotifications (bench/notifications.py):")
    proc = subprocess.run(
        [sys.executable, "-m", "bench.notifications"], capture_output=True, text=True, check=False
    )
    for line in proc.stdout.splitlines()[-15:]:
        log(f"  {line}")
    if proc.returncode:
        log(f"  exited with {proc.returncode}: {proc.stderr.strip()[-500:]}")
    return {"returncode": proc.returncode, "output": proc.stdout[-4000:]}


def summary(report: dict[str, Any], args: argparse.Namespace) -> list[str]:
    lines = [
        "",
        "=" * 100,
        f"Summary (medians of {args.repeat} runs, {args.connections} connections)",
    ]
    ok_all = True

    def check(ok: bool, text: str) -> None:
        nonlocal ok_all
        ok_all &= ok
        lines.append(f"  [{'ok' if ok else 'MISS'}] {text}")

    for asgi, w in [(a, w) for a in args.servers for w in args.workers]:
        portal = reports.figures(report, "portal", asgi, w)
        floor = reports.figures(report, "floor", asgi, w)
        if "post" in portal and "post" in floor:
            p, f = portal["post"]["median"], floor["post"]["median"]
            ratio = p["rps"] / f["rps"]
            report.setdefault("ratios", {})[f"{asgi[:1]}{w}w"] = ratio
            check(
                ratio >= TARGET_RATIO and p["p99_ms"] <= TARGET_POST_P99,
                f"{asgi} {w} worker(s): POST portal/floor = "
                f"{p['rps']:.0f}/{f['rps']:.0f} = {ratio:.0%} "
                f"(target ≥ {TARGET_RATIO:.0%}), p99 {p['p99_ms']:.1f} ms "
                f"(target ≤ {TARGET_POST_P99:.0f})",
            )
        paired = report.get("paired", {}).get(f"{asgi}-{w}w")
        if paired:
            check(
                paired["ratio"] >= TARGET_RATIO and paired["p99_ms"] <= TARGET_POST_P99,
                f"{asgi} {w} worker(s), runs alternated: POST portal/floor = "
                f"{paired['ratio']:.0%} (pairs {', '.join(f'{r:.0%}' for r in paired['ratios'])}),"
                f" p99 {paired['p99_ms']:.1f} ms",
            )
        claim = (paired or {}).get("claim")
        if claim:  # measured, not held to the filing's target: its floor writes one row only
            lines.append(
                f"  [info] {asgi} {w} worker(s), runs alternated: POST program_claim portal/floor "
                f"= {claim['ratio']:.0%} (pairs {', '.join(f'{r:.0%}' for r in claim['ratios'])}),"
                f" p99 {claim['p99_ms']:.1f} ms"
            )
        if "claim" in portal and "claim" in floor:
            p, f = portal["claim"]["median"], floor["claim"]["median"]
            lines.append(
                f"  [info] {asgi} {w} worker(s): POST program_claim portal/floor = "
                f"{p['rps']:.0f}/{f['rps']:.0f} = {p['rps'] / f['rps']:.0%}, "
                f"p99 {p['p99_ms']:.1f} ms"
            )
        if "queue" in portal:
            q = portal["queue"]["median"]
            check(
                q["p99_ms"] <= TARGET_QUEUE_P99,
                f"{asgi} {w} worker(s): work queue p99 {q['p99_ms']:.1f} ms "
                f"at {report['rows']:,} rows "
                f"(target ≤ {TARGET_QUEUE_P99:.0f}), {q['rps']:.0f} req/s",
            )
        if "queue_8" in portal:
            q = portal["queue_8"]["median"]
            lines.append(
                f"  [info] {w} worker(s): work queue at 8 connections: p99 {q['p99_ms']:.1f} ms, "
                f"{q['rps']:.0f} req/s"
            )
        for name, what in (
            ("stats", "public statistics page"),
            ("staff_stats", "staff statistics"),
        ):
            if name in portal:
                st = portal[name]["median"]
                check(
                    st["p99_ms"] <= TARGET_STATS_P99,
                    f"{asgi} {w} worker(s): {what} p99 {st['p99_ms']:.1f} ms "
                    f"at {report['rows']:,} rows, {STATS_CONNECTIONS} connections "
                    f"(target ≤ {TARGET_STATS_P99:.0f}), {st['rps']:.0f} req/s",
                )
        if "csv" in portal:
            c = portal["csv"]
            check(
                c["median_seconds"] <= TARGET_CSV_SECONDS * c["rows"] / 1_000_000
                and c["peak_growth_mb"] <= TARGET_CSV_MB,
                f"CSV {c['rows']:,} rows in {c['median_seconds']:.2f} s "
                f"({c['rows_per_second']:,.0f} rows/s), "
                f"worker memory +{c['peak_growth_mb']:.1f} MB "
                f"(target ≤ 5 s per 1M, ≤ {TARGET_CSV_MB:.0f} MB)",
            )
        if "xlsx" in portal:
            x = portal["xlsx"]
            check(
                x["peak_growth_mb"] <= TARGET_XLSX_MB,
                f"XLSX job {x['rows']:,} rows in {x['seconds']:.1f} s "
                f"({x['rows_per_second']:,.0f} rows/s), progress seen "
                f"{x['progress_readings']} times, worker memory +{x['peak_growth_mb']:.1f} MB "
                f"(target ≤ {TARGET_XLSX_MB:.0f} MB)",
            )
    lines.append("  all targets met" if ok_all else "  some targets missed (see above)")
    return lines


def _our_cpu() -> float:
    """CPU seconds of this process and its finished children (wrk) so far."""
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _settle(limit: float = 20.0) -> None:
    """Wait until the machine is nearly idle for a second (at most `limit` seconds)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = procs.machine_busy_seconds()
        time.sleep(0.5)
        if procs.machine_busy_seconds() - before < 0.05:
            return


def _idle_check() -> None:
    """Wait (up to 30 s) for the machine to settle, e.g. after PostgreSQL started or vacuumed."""
    deadline = time.monotonic() + 30
    while True:
        before = procs.machine_busy_seconds()
        time.sleep(1.0)
        busy = procs.machine_busy_seconds() - before
        if busy <= 0.2 or time.monotonic() > deadline:
            break
    if busy > 0.2:
        log(
            f"bench: WARNING: the machine is already {busy / (os.cpu_count() or 1):.0%} busy; "
            "figures will be low (is something else running?)"
        )


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    started = time.monotonic()
    # A TERM (e.g. from `timeout`) unwinds like Ctrl-C, so the servers we started are stopped.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    wrk.ensure_wrk(install=not args.no_install and os.geteuid() == 0)
    RESULTS.mkdir(exist_ok=True)
    info = machine()
    log(
        f"bench: {info['nproc']} CPUs ({info['cpu']}), {info['memory_gb']} GB; "
        f"wrk {wrk.version()}; " + ", ".join(f"{k} {v}" for k, v in info["versions"].items())
    )
    bs = asyncio.run(servers.start())
    report: dict[str, Any] = {
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": "python -m bench " + " ".join(sys.argv[1:] if argv is None else argv),
        "machine": info,
        "wrk": {
            "version": wrk.version(),
            "threads": 2,
            "connections": args.connections,
            "seconds": args.duration,
            "warmup": args.warmup,
            "repeat": args.repeat,
        },
        "rows": args.rows,
        "orgs": args.orgs,
        "servers": {},
    }
    try:
        url, meta = asyncio.run(seed.prepare(bs, f"bench_{args.rows}", args.rows, args.orgs, log))
        report["seed_seconds"] = meta.seconds
        _idle_check()
        fx = asyncio.run(load(url, meta))
        report["post_body_bytes"] = fx.body_bytes
        pg_root = procs.postmaster_pid(servers.DATA_DIR.resolve() / "postgres")
        if "explain" in args.only:
            plans = asyncio.run(explain.run(url, meta))
            report["explain"] = [asdict(p) for p in plans]
            log(
                f"\nEXPLAIN ANALYZE at {args.rows:,} rows "
                "(execution time; custom and generic plans):"
            )
            for plan in plans:
                log(
                    f"  {plan.name:<40} {plan.mode:<8} {plan.ms:9.3f} ms   {plan.first_line()[:60]}"
                )
        served = {"post", "claim", "post_idem", "get", "queue", "stats", "csv", "xlsx"}
        measured = served & args.only
        for asgi in args.servers if measured else []:
            for w in args.workers:
                report["servers"][reports.key("portal", asgi, w)] = run_server(
                    "portal", w, asgi, args, bs, url, meta, fx, pg_root
                )
                if "floor" in args.only:
                    report["servers"][reports.key("floor", asgi, w)] = run_server(
                        "floor", w, asgi, args, bs, url, meta, fx, pg_root
                    )
                if "paired" in args.only and "post" in args.only:
                    report.setdefault("paired", {})[f"{asgi}-{w}w"] = run_paired(
                        w, asgi, args, bs, url, meta, fx, pg_root
                    )
        if "collector" in args.only:
            report["collector"] = run_collector(bs, url, meta, fx)
        if "notifications" in args.only:
            report["notifications"] = run_notifications()
        if "notify_lock" in args.only:
            report["notify_lock"] = asyncio.run(notify_lock.measure(bs))
            described = notify_lock.describe(report["notify_lock"])
            log(f"\nNOTIFY in a commit (bench/notify_lock.py): {described}")
    finally:
        bs.stop()
    report["seconds"] = time.monotonic() - started
    for line in summary(report, args):
        log(line)
    log(f"\nbench: done in {report['seconds'] / 60:.1f} min")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    text = json.dumps(report, indent=2, ensure_ascii=False, default=str)
    (RESULTS / f"{stamp}.json").write_text(text, encoding="utf-8")
    (RESULTS / "latest.json").write_text(text, encoding="utf-8")
    log(f"bench: results in {RESULTS / (stamp + '.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
