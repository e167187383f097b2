-- name: throttle_locked
SELECT max(locked_until) AS locked_until FROM throttles
WHERE key = ANY($1::text[]) AND locked_until > $2;

-- name: throttle_hit
-- $1 key, $2 now, $3 window (s), $4 max hits, $5 lockout (s): count a hit; lock the key at the
-- max-th hit within the window.
INSERT INTO throttles AS t (key, hits, window_start, locked_until)
VALUES ($1, 1, $2::timestamptz,
        CASE WHEN $4::int <= 1 THEN $2::timestamptz + make_interval(secs => $5::float8) END)
ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN t.window_start > $2 - make_interval(secs => $3::float8) THEN t.hits + 1 ELSE 1 END,
    window_start = CASE WHEN t.window_start > $2 - make_interval(secs => $3::float8) THEN t.window_start ELSE $2 END,
    locked_until = CASE
        WHEN (CASE WHEN t.window_start > $2 - make_interval(secs => $3::float8) THEN t.hits + 1 ELSE 1 END) >= $4
            THEN $2 + make_interval(secs => $5)
        ELSE t.locked_until END
RETURNING hits, locked_until;

-- name: throttle_forgive
-- $1 key, $2 max hits: one hit taken back; a lock stays only if the hits left still call for it.
UPDATE throttles SET hits = greatest(hits - 1, 0),
    locked_until = CASE WHEN hits - 1 >= $2 THEN locked_until END
WHERE key = $1;

-- name: throttle_reset
DELETE FROM throttles WHERE key = $1;

-- name: throttle_purge
-- Counts that no longer refuse anything: unlocked, and their window a day gone ($1 the cutoff).
DELETE FROM throttles WHERE window_start < $1 AND (locked_until IS NULL OR locked_until < $2);
