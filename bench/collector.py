"""What Python's garbage collector costs the POST, with its default settings and as the served
app settles them (`portal.heap.settle`).

The portal's ASGI app runs inside this process (no HTTP server), fed the bench's POSTs by 32
concurrent tasks against the bench's database. Blocks of requests alternate between the two
settings; each block reports the process's CPU per request, the time spent collecting (from
`gc.callbacks`) and the longest single collection, in which every request in flight waits.
CPU time of one process is far steadier on this shared machine than requests per second.
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bench.wrk import Request
from portal import heap
from portal.app import create_app
from sql.settings import load_settings

Message = dict[str, Any]


class _Clock:
    """Time spent in collections, and the longest one."""

    def __init__(self) -> None:
        self.total = self.longest = self._start = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            took = time.perf_counter() - self._start
            self.total += took
            self.longest = max(self.longest, took)


def _caller(app: Any, req: Request) -> Callable[[], Awaitable[int]]:
    body = (req.body or "").encode()
    headers = [(k.lower().encode(), v.encode()) for k, v in req.headers.items()]
    headers.append((b"content-length", str(len(body)).encode()))

    async def call() -> int:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": req.method,
            "scheme": "http",
            "path": req.path,
            "raw_path": req.path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": headers,
            "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 80),
            "state": {},
        }
        status = 0
        sent = False

        async def receive() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            await asyncio.Event().wait()  # the client never hangs up
            raise AssertionError

        async def send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]

        await app(scope, receive, send)
        return status

    return call


def _settings(mode: str) -> None:
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)  # CPython's defaults
    if mode == "settled":
        heap.settle()
    else:
        gc.collect()


async def measure(
    env: dict[str, str], posts: list[Request], *, requests: int = 3000, rounds: int = 5
) -> dict[str, Any]:
    """Medians over `rounds` alternated blocks of `requests` POSTs at 32 concurrent tasks."""
    app = create_app(load_settings(env))
    calls = [_caller(app, r) for r in posts]
    clock = _Clock()
    statuses: dict[int, int] = {}

    async def block(n: int) -> None:
        todo = iter(range(n))

        async def task() -> None:
            for i in todo:
                status = await calls[i % len(calls)]()
                statuses[status] = statuses.get(status, 0) + 1

        await asyncio.gather(*(task() for _ in range(32)))

    seen: dict[str, dict[str, list[float]]] = {}
    gc.callbacks.append(clock)
    try:
        async with app.lifespan():
            await block(500)  # warm-up: statement caches, pools
            for _ in range(rounds):
                for mode in ("default", "settled"):
                    _settings(mode)
                    clock.total = clock.longest = 0.0
                    cpu = time.process_time()
                    await block(requests)
                    figures = seen.setdefault(mode, {"cpu_us": [], "gc_us": [], "pause_ms": []})
                    figures["cpu_us"].append((time.process_time() - cpu) / requests * 1e6)
                    figures["gc_us"].append(clock.total / requests * 1e6)
                    figures["pause_ms"].append(clock.longest * 1e3)
    finally:
        gc.callbacks.remove(clock)
        _settings("default")
    result: dict[str, Any] = {
        mode: {k: statistics.median(v) for k, v in figures.items()}
        for mode, figures in seen.items()
    }
    result["statuses"] = {str(k): v for k, v in statuses.items()}
    return result


def describe(result: dict[str, Any]) -> str:
    d, s = result["default"], result["settled"]
    return (
        f"CPython's defaults: {d['cpu_us']:.0f} µs of CPU per POST, {d['gc_us']:.1f} of it "
        f"collecting, longest pause {d['pause_ms']:.1f} ms; settled: {s['cpu_us']:.0f} µs, "
        f"{s['gc_us']:.1f} collecting, longest pause {s['pause_ms']:.1f} ms"
    )
