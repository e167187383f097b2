"""The exports of every application: the CSV download, timed on the client and weighed on the
server; and the XLSX export job, run by one worker process, followed through the API.

`python -m bench.export worker` is that worker: `python -m workers` without the schedule, whose
rules (lapsing filings, closing publicity) would change the seeded applications.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import procs


@dataclass
class ExportRun:
    rows: int
    seconds: float
    mbytes: float
    rss_before_mb: float
    rss_peak_mb: float  # highest VmRSS sampled during the export
    hwm_growth_mb: float  # VmHWM after minus VmRSS before

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds

    @property
    def growth_mb(self) -> float:
        return max(self.rss_peak_mb - self.rss_before_mb, self.hwm_growth_mb)


def run(port: int, headers: dict[str, str], worker_pids: list[int]) -> ExportRun:
    """Download the CSV once, counting rows, while sampling the workers' memory; the figures
    are those of the worker that grew most (the one that served it)."""
    before = {pid: procs.memory_kb(pid)[0] for pid in worker_pids}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    samplers = [procs.RssSampler(pid) for pid in worker_pids]
    with contextlib.ExitStack() as stack:
        for sampler in samplers:
            stack.enter_context(sampler)
        conn.request("GET", "/api/v1/admin/exports/applications.csv", headers=headers)
        resp = conn.getresponse()
        if resp.status != 200:
            raise RuntimeError(f"export answered {resp.status}: {resp.read(500)!r}")
        newlines = size = 0
        while chunk := resp.read1(1 << 20):
            newlines += chunk.count(b"\n")
            size += len(chunk)
        seconds = time.perf_counter() - started
    conn.close()
    sampler = max(samplers, key=lambda x: x.peak_kb - before[x.pid])
    worker_pid, rss_before = sampler.pid, before[sampler.pid]
    _, hwm_after = procs.memory_kb(worker_pid)
    return ExportRun(
        rows=newlines - 1,  # the header line
        seconds=seconds,
        mbytes=size / 1e6,
        rss_before_mb=rss_before / 1024,
        rss_peak_mb=max(sampler.peak_kb, rss_before) / 1024,
        hwm_growth_mb=max(0, hwm_after - rss_before) / 1024,
    )


# ---------------------------------------------------------------- the XLSX export job

JOBS = "/api/v1/admin/exports/jobs"


@dataclass
class XlsxJobRun:
    rows: int
    seconds: float  # POST → the poller sees `done`
    first_progress_seconds: float  # POST → the poller first sees rows written
    close_seconds: float  # every row written → done (xlsxwriter assembling the file)
    progress_readings: int  # polls that saw 0 < rows_done < rows_total
    mbytes: float  # the workbook downloaded afterwards
    rss_before_mb: float  # the worker process
    rss_peak_mb: float
    hwm_growth_mb: float
    readings: list[tuple[float, int, int]] = field(default_factory=list)  # (s, done, total)

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds

    @property
    def growth_mb(self) -> float:
        return max(self.rss_peak_mb - self.rss_before_mb, self.hwm_growth_mb)


def _call(
    conn: http.client.HTTPConnection, method: str, path: str, headers: dict[str, str], body: Any
) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body)
    conn.request(method, path, body=data, headers={**headers, "Content-Type": "application/json"})
    resp = conn.getresponse()
    raw = resp.read()
    return resp.status, json.loads(raw) if raw else None


def start_worker(
    env: dict[str, str], log_path: Path, timeout: float = 60
) -> subprocess.Popen[bytes]:
    """One worker process (`python -m bench.export worker`), returned once it listens."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    offset = log_path.stat().st_size if log_path.exists() else 0
    with log_path.open("ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench.export", "worker"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + timeout
    while b"listening on" not in log_path.read_bytes()[offset:]:
        if proc.poll() is not None or time.monotonic() > deadline:
            procs.stop_group(proc)
            raise RuntimeError(f"the export worker did not start; see {log_path}")
        time.sleep(0.1)
    time.sleep(1.0)  # the wake-ups on connecting run and find nothing to do
    return proc


def run_xlsx_job(
    port: int, headers: dict[str, str], worker_pid: int, data_dir: Path, poll: float = 0.25
) -> XlsxJobRun:
    """Start the job through the API, poll its progress until done while sampling the worker's
    memory, then download the workbook (and remove it from the worker's folder)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    rss_before, _ = procs.memory_kb(worker_pid)
    readings: list[tuple[float, int, int]] = []
    with procs.RssSampler(worker_pid) as sampler:
        started = time.perf_counter()
        status, job = _call(conn, "POST", JOBS, headers, {"format": "xlsx"})
        if status != 202:
            raise RuntimeError(f"the export job answered {status}: {job}")
        all_written = None
        while True:
            status, job = _call(conn, "GET", f"{JOBS}/{job['id']}", headers, None)
            now = time.perf_counter() - started
            if status != 200 or job["state"] == "failed":
                raise RuntimeError(f"the export job answered {status}: {job}")
            readings.append((now, job["rows_done"], job["rows_total"] or 0))
            if job["rows_total"] is not None and job["rows_done"] == job["rows_total"]:
                all_written = all_written or now
            if job["state"] == "done":
                break
            time.sleep(poll)
        seconds = time.perf_counter() - started
    _, hwm_after = procs.memory_kb(worker_pid)
    conn.request("GET", job["download"], headers=headers)
    resp = conn.getresponse()
    size = 0
    while chunk := resp.read1(1 << 20):
        size += len(chunk)
    conn.close()
    if resp.status != 200:
        raise RuntimeError(f"the workbook answered {resp.status}")
    with contextlib.suppress(OSError):
        (data_dir / "exports" / f"{job['id']}.xlsx").unlink()
    first = next((t for t, done, _ in readings if done > 0), seconds)
    return XlsxJobRun(
        rows=job["rows_total"],
        seconds=seconds,
        first_progress_seconds=first,
        close_seconds=seconds - (all_written or seconds),
        progress_readings=sum(1 for _, done, total in readings if 0 < done < total),
        mbytes=size / 1e6,
        rss_before_mb=rss_before / 1024,
        rss_peak_mb=max(sampler.peak_kb, rss_before) / 1024,
        hwm_growth_mb=max(0, hwm_after - rss_before) / 1024,
        readings=readings,
    )


def _worker() -> int:
    import uvloop

    from sql.settings import load_settings
    from workers.__main__ import redis_client
    from workers.settings import shutdown, worker_options
    from workers.worker import Worker

    settings = load_settings()
    assert settings.redis_url is not None
    options = worker_options(settings, schedule=False)
    del options["redis_settings"]

    async def run() -> None:
        worker = Worker(**options, redis_pool=redis_client(str(settings.redis_url), 6))
        try:
            await worker.async_run()
        except asyncio.CancelledError:  # SIGINT or SIGTERM
            with contextlib.suppress(Exception):
                await worker.close()
        finally:
            await shutdown(worker.ctx)

    uvloop.run(run())
    return 0


if __name__ == "__main__":
    import logging

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("arq.worker").setLevel("WARNING")
    if sys.argv[1:] != ["worker"]:
        sys.exit("usage: python -m bench.export worker")
    sys.exit(_worker())
