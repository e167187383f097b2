-- Export jobs (sql/export_jobs.py): the portal creates and reads them, the workers run them.

-- name: export_job_create
-- Nothing back when the person already has an open job of this format (export_jobs_open_key).
-- The NOTIFY wakes a worker at commit.
WITH job AS (
    INSERT INTO export_jobs (requested_by, format, created_at) VALUES ($1, $2, $3)
    ON CONFLICT (requested_by, format) WHERE state IN ('queued', 'running') DO NOTHING
    RETURNING *
)
SELECT job.*, pg_notify('export_jobs', '') IS NULL AS notified FROM job;

-- name: export_job_open
SELECT * FROM export_jobs
WHERE requested_by = $1 AND format = $2 AND state IN ('queued', 'running');

-- name: export_job_get
-- Only the person who asked for a job sees it.
SELECT * FROM export_jobs WHERE id = $1 AND requested_by = $2;

-- name: export_job_latest
SELECT * FROM export_jobs
WHERE requested_by = $1 AND format = $2
ORDER BY created_at DESC, id DESC
LIMIT 1;

-- name: export_job_claim
-- The oldest queued job; of several workers exactly one gets it, the others pass it over.
UPDATE export_jobs j
SET state = 'running', attempts = j.attempts + 1, rows_done = 0, started_at = $1, heartbeat_at = $1
FROM (
    SELECT id FROM export_jobs
    WHERE state = 'queued'
    ORDER BY created_at
    LIMIT 1
    FOR UPDATE SKIP LOCKED
) q
WHERE j.id = q.id
RETURNING j.id, j.format, j.attempts,
          (SELECT u.districts FROM users u WHERE u.id = j.requested_by) AS districts;

-- name: export_job_progress
UPDATE export_jobs SET rows_done = $3, rows_total = $4, heartbeat_at = $5
WHERE id = $1 AND attempts = $2 AND state = 'running'
RETURNING id;

-- name: export_job_beat
UPDATE export_jobs SET heartbeat_at = $3
WHERE id = $1 AND attempts = $2 AND state = 'running'
RETURNING id;

-- name: export_job_lock
-- Held while the finished file is put in place, so no takeover can come in between.
SELECT id FROM export_jobs
WHERE id = $1 AND attempts = $2 AND state = 'running'
FOR UPDATE;

-- name: export_job_done
UPDATE export_jobs
SET state = 'done', rows_done = $3, rows_total = $3, finished_at = $4, heartbeat_at = $4,
    error = NULL
WHERE id = $1 AND attempts = $2 AND state = 'running';

-- name: export_job_failed
UPDATE export_jobs SET state = 'failed', error = $3, finished_at = $4
WHERE id = $1 AND attempts = $2 AND state = 'running';

-- name: export_job_release
-- A worker stopping cleanly hands its job back; that attempt does not count.
WITH released AS (
    UPDATE export_jobs SET state = 'queued', attempts = attempts - 1, rows_done = 0
    WHERE id = $1 AND attempts = $2 AND state = 'running'
    RETURNING id
)
SELECT id, pg_notify('export_jobs', '') IS NULL AS notified FROM released;

-- name: export_jobs_requeue_stale
-- Running jobs whose worker stopped beating: queued again, or failed after the last attempt.
UPDATE export_jobs j
SET state = CASE WHEN j.attempts >= $3 THEN 'failed' ELSE 'queued' END,
    finished_at = CASE WHEN j.attempts >= $3 THEN $1::timestamptz END,
    rows_done = 0,
    error = 'the worker running attempt ' || j.attempts || ' stopped'
FROM (
    SELECT id FROM export_jobs
    WHERE state = 'running' AND heartbeat_at < $2
    FOR UPDATE SKIP LOCKED
) s
WHERE j.id = s.id
RETURNING j.id, j.state;

-- name: export_jobs_purge
DELETE FROM export_jobs WHERE finished_at < $1 RETURNING id;
