"""arq's worker, starting a poll's jobs in one round trip to Redis.

arq starts each job with four round trips (WATCH the in-progress key, EXISTS, ZSCORE, then
MULTI/PSETEX/EXEC); at hundreds of jobs per second those dominate the worker's time. A Lua script
makes the same check-and-mark for every id of the poll at once, atomically, so no two workers
start one job. The rest of arq — running, retrying, finishing — is untouched.
"""

from __future__ import annotations

from typing import Any, Final

from arq.constants import in_progress_key_prefix
from arq.utils import timestamp_ms
from arq.worker import Worker as ArqWorker

# KEYS[1] the queue; ARGV: now (ms), in-progress TTL (ms), key prefix, at most how many to start,
# then the job ids read by this poll (jobs running elsewhere among them are passed over).
_START_MANY: Final = """
local started = {}
for i = 5, #ARGV do
  if #started >= 2 * tonumber(ARGV[4]) then break end
  local id = ARGV[i]
  if redis.call('EXISTS', ARGV[3] .. id) == 0 then
    local score = redis.call('ZSCORE', KEYS[1], id)
    if score and tonumber(score) <= tonumber(ARGV[1]) then
      redis.call('PSETEX', ARGV[3] .. id, ARGV[2], '1')
      started[#started + 1] = id
      started[#started + 1] = score
    end
  end
end
return started
"""


class Worker(ArqWorker):
    async def start_jobs(self, job_ids: list[bytes]) -> None:
        free = self.max_jobs - self.job_counter
        if free <= 0 or not job_ids:
            return
        redis: Any = self.pool  # redis-py's stubs type script arguments as str only
        started = await redis.eval(
            _START_MANY,
            1,
            self.queue_name,
            timestamp_ms(),
            int(self.in_progress_timeout_s * 1000),
            in_progress_key_prefix,
            free,
            *job_ids,
        )
        for i in range(0, len(started), 2):
            await self.sem.acquire()
            self.job_counter += 1
            job_id = started[i].decode()
            task = self.loop.create_task(self.run_job(job_id, int(float(started[i + 1]))))
            task.add_done_callback(lambda _: self._release_sem_dec_counter_on_complete())
            self.tasks[job_id] = task
