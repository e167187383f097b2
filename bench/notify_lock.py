"""What a NOTIFY in a writing transaction costs PostgreSQL's commits.

`python -m bench.notify_lock`: 16 connections commit one-row INSERTs as fast as they can, with
and without a `pg_notify` in the same statement, on the bench's own durable server. PostgreSQL
takes one cluster-wide lock for a notifying transaction and holds it until the commit is on disk,
so notifying commits cannot share a WAL flush; plain ones can.
"""

from __future__ import annotations

import asyncio
import statistics
import time

import asyncpg

from bench import servers

PLAIN = "INSERT INTO notify_probe (v) VALUES ('x')"
NOTIFYING = (
    "WITH i AS (INSERT INTO notify_probe (v) VALUES ('x') RETURNING 1) "
    "SELECT pg_notify('notify_probe', '') FROM i"
)


async def _rate(conns: list[asyncpg.Connection], query: str, seconds: float) -> float:
    done = 0
    stop = time.perf_counter() + seconds

    async def loop(conn: asyncpg.Connection) -> None:
        nonlocal done
        while time.perf_counter() < stop:
            await conn.execute(query)
            done += 1

    await asyncio.gather(*(loop(c) for c in conns))
    return done / seconds


async def measure(
    srv: servers.BenchServers, connections: int = 16, seconds: float = 4.0, repeat: int = 3
) -> dict[str, float]:
    """Commits per second, plain and notifying (medians), in a scratch database of `srv`."""
    url = await servers.database(srv, "bench_notify")
    conns = [await asyncpg.connect(url) for _ in range(connections)]
    try:
        await conns[0].execute("CREATE TABLE IF NOT EXISTS notify_probe (id bigserial, v text)")
        rates: dict[str, list[float]] = {"plain": [], "notifying": []}
        for _ in range(repeat):  # alternated, so a noisy moment hits both
            rates["plain"].append(await _rate(conns, PLAIN, seconds))
            rates["notifying"].append(await _rate(conns, NOTIFYING, seconds))
        await conns[0].execute("TRUNCATE notify_probe")
    finally:
        for c in conns:
            await c.close()
    result = {k: statistics.median(v) for k, v in rates.items()}
    result["connections"] = connections
    return result


def describe(result: dict[str, float]) -> str:
    return (
        f"{result['connections']:.0f} connections: {result['plain']:,.0f} commits/s plain, "
        f"{result['notifying']:,.0f} with a NOTIFY ({result['plain'] / result['notifying']:.1f}×)"
    )


async def main() -> None:
    srv = await servers.start()
    try:
        print(describe(await measure(srv)))
    finally:
        srv.stop()


if __name__ == "__main__":
    asyncio.run(main())
