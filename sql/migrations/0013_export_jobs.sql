-- Exports made in the background: a staff member asks, a worker writes the file under
-- <data_dir>/exports/<id>.xlsx and keeps its progress here, where any portal process can read it.
-- queued → running (claimed with SKIP LOCKED; `heartbeat_at` says the worker is alive) → done |
-- failed. A running row whose heartbeat is stale lost its worker and is queued again, until
-- `attempts` reaches the workers' limit. Every write by a worker names the attempt it holds.
CREATE TABLE export_jobs (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    requested_by uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    format       text NOT NULL CHECK (format IN ('xlsx')),
    state        text NOT NULL DEFAULT 'queued'
                 CHECK (state IN ('queued', 'running', 'done', 'failed')),
    rows_total   bigint CHECK (rows_total >= 0),
    rows_done    bigint NOT NULL DEFAULT 0 CHECK (rows_done >= 0),
    attempts     integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    heartbeat_at timestamptz,
    created_at   timestamptz NOT NULL,
    started_at   timestamptz,
    finished_at  timestamptz,
    error        text,
    CHECK ((state IN ('done', 'failed')) = (finished_at IS NOT NULL)),
    CHECK (state <> 'running' OR (heartbeat_at IS NOT NULL AND started_at IS NOT NULL))
);
-- One open export per person and format: asking again while one is queued or running gets that
-- one, so repeated clicks cannot pile work onto the workers.
CREATE UNIQUE INDEX export_jobs_open_key ON export_jobs (requested_by, format)
    WHERE state IN ('queued', 'running');
-- The workers' queue (oldest first) and their search for stale heartbeats.
CREATE INDEX export_jobs_queue_idx ON export_jobs (state, created_at)
    WHERE state IN ('queued', 'running');
-- A person's latest export, for the console.
CREATE INDEX export_jobs_requester_idx ON export_jobs (requested_by, created_at DESC);
