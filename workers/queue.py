"""Putting delivery jobs on arq's queue, many in one round trip to Redis.

A job id is `delivery:<id>:<n>`, n the row's job number: the same (id, n) never enqueues twice,
while a sweep's new number always makes a new job — arq would otherwise refuse a reused id
quietly for as long as the old job or its result is kept.

`arq.enqueue_job` costs two round trips per job (WATCH and EXISTS, then MULTI/EXEC). One relay
batch enqueues hundreds, so a Lua script does what it does — skip an id whose job or result
exists, else store the job and add it to the queue — for the whole batch at once, atomically.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from arq.connections import ArqRedis
from arq.constants import default_queue_name, expires_extra_ms, job_key_prefix, result_key_prefix
from arq.jobs import serialize_job
from arq.utils import timestamp_ms

from workers.serialization import serialize

DELIVER: Final = "deliver"

# KEYS[1] the queue; ARGV: job key prefix, result key prefix, expiry (ms), score, then id/job pairs.
_ENQUEUE_MANY: Final = """
local added = 0
for i = 5, #ARGV, 2 do
  local id = ARGV[i]
  if redis.call('EXISTS', ARGV[1] .. id, ARGV[2] .. id) == 0 then
    redis.call('PSETEX', ARGV[1] .. id, ARGV[3], ARGV[i + 1])
    redis.call('ZADD', KEYS[1], ARGV[4], id)
    added = added + 1
  end
end
return added
"""


def delivery_job_id(delivery_id: int, enqueue_no: int) -> str:
    return f"delivery:{delivery_id}:{enqueue_no}"


async def enqueue_deliveries(redis: ArqRedis, jobs: Sequence[tuple[int, int, int]]) -> int:
    """Enqueue (delivery id, job number, outbox id) triples; returns how many were new. Raises
    if Redis fails, so the caller's transaction rolls back and the rows stay to be taken again."""
    if not jobs:
        return 0
    now = timestamp_ms()
    argv: list[str | bytes | int] = [job_key_prefix, result_key_prefix, expires_extra_ms, now]
    for d, n, o in jobs:
        argv.append(delivery_job_id(d, n))
        argv.append(serialize_job(DELIVER, (d, n, o), {}, None, now, serializer=serialize))
    client: Any = redis  # redis-py's stubs type script arguments as str only
    added: int = await client.eval(_ENQUEUE_MANY, 1, default_queue_name, *argv)
    return added
