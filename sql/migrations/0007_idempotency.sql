-- Idempotency-Key records: one row per (caller, key), claimed before the request runs.
-- The primary key makes the claim atomic across processes; a row with completed_at NULL is a
-- request still running (or one whose process died: taken over after a grace period).

CREATE TABLE idempotency_keys (
    scope         text NOT NULL,
    key           text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    request_hash  bytea NOT NULL CHECK (length(request_hash) = 32),
    created_at    timestamptz NOT NULL,
    completed_at  timestamptz,
    status_code   int CHECK (status_code BETWEEN 100 AND 599),
    content_type  text,
    body          bytea,
    PRIMARY KEY (scope, key),
    -- A completed row always has the response to replay.
    CHECK ((completed_at IS NULL) = (status_code IS NULL) AND (completed_at IS NULL) = (body IS NULL))
);
-- For the purge of keys older than 24 hours.
CREATE INDEX idempotency_keys_created_at_idx ON idempotency_keys (created_at);
