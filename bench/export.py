"""The CSV export of every application, timed on the client and weighed on the server."""

from __future__ import annotations

import contextlib
import http.client
import time
from dataclasses import dataclass

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
