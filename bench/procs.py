"""Processes as /proc shows them: the server's workers, their memory and everyone's CPU time."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name is in parentheses and may hold spaces.
    return raw[raw.rindex(")") + 2 :].split()


def children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(int(entry))
            if fields is not None:
                kids.setdefault(int(fields[1]), []).append(int(entry))
    return kids


def descendants(pid: int) -> list[int]:
    kids = children_map()
    out, todo = [], [pid]
    while todo:
        for child in kids.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def is_helper(pid: int) -> bool:
    """multiprocessing's resource tracker and the like: children of a server that serve nothing."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"resource_tracker" in cmdline


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        fields = _stat(pid)
        if fields is not None:
            total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / _TICK


def reaped_seconds(pid: int) -> float:
    """CPU of `pid`'s children that have exited and been waited for (cutime + cstime)."""
    fields = _stat(pid)
    return 0.0 if fields is None else (int(fields[13]) + int(fields[14])) / _TICK


def _cpu_line() -> list[int]:
    return [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]


def machine_busy_seconds() -> float:
    """CPU seconds this machine spent working since boot (not idle, iowait or stolen)."""
    values = _cpu_line()
    return (sum(values[:7]) - values[3] - values[4]) / _TICK


def steal_seconds() -> float:
    """CPU seconds the hypervisor gave to someone else (other virtual machines) since boot."""
    return _cpu_line()[7] / _TICK


def memory_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) in kB."""
    rss = hwm = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1])
        elif line.startswith("VmHWM:"):
            hwm = int(line.split()[1])
    return rss, hwm


def postmaster_pid(pgdata: Path) -> int:
    return int((pgdata / "postmaster.pid").read_text().splitlines()[0])


class RssSampler:
    """Samples a process's VmRSS every few milliseconds in a thread; keeps the highest."""

    def __init__(self, pid: int, every: float = 0.01) -> None:
        self.pid, self.every = pid, every
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak_kb = max(self.peak_kb, memory_kb(self.pid)[0])
            except OSError:
                return
            time.sleep(self.every)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class CpuMeter:
    """CPU seconds used by the app's workers, PostgreSQL and the machine over an interval."""

    app_pids: list[int]
    pg_root: int

    def snapshot(self) -> tuple[float, float, float]:
        return (
            cpu_seconds(self.app_pids),
            # A backend that exits mid-run (autovacuum, a closed connection) takes its CPU
            # along; the postmaster, which reaps it, counts it from then on.
            cpu_seconds([self.pg_root, *descendants(self.pg_root)]) + reaped_seconds(self.pg_root),
            machine_busy_seconds(),
        )


def stop_group(proc: subprocess.Popen[bytes], timeout: float = 20) -> None:
    """Stop a server we started in its own session, as a terminal's Ctrl-C would, then wait."""
    pids = [proc.pid, *descendants(proc.pid)]
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGINT)
    deadline = time.monotonic() + timeout
    for pid in pids:
        while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
            if pid == proc.pid and proc.poll() is not None:
                break
            time.sleep(0.05)
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    for pid in pids:  # anything of ours still there after the grace period
        if Path(f"/proc/{pid}").exists() and pid != proc.pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
