-- name: idempotency_claim
-- Claim a key for a request about to run; no row back means someone holds it already.
INSERT INTO idempotency_keys (scope, key, request_hash, created_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (scope, key) DO NOTHING
RETURNING created_at;

-- name: idempotency_get
SELECT request_hash, created_at, completed_at, status_code, content_type, body
FROM idempotency_keys
WHERE scope = $1 AND key = $2;

-- name: idempotency_take_over
-- Only the claim we saw, still unfinished: of several takers, exactly one gets the row.
UPDATE idempotency_keys SET created_at = $4
WHERE scope = $1 AND key = $2 AND completed_at IS NULL AND created_at = $3
RETURNING created_at;

-- name: idempotency_complete
-- Guarded by our claim, so a process whose claim was taken over cannot overwrite the result.
UPDATE idempotency_keys
SET completed_at = $4, status_code = $5, content_type = $6, body = $7
WHERE scope = $1 AND key = $2 AND completed_at IS NULL AND created_at = $3
RETURNING completed_at;

-- name: idempotency_release
-- Forget a claim whose request failed, so a retry runs again; never someone else's claim.
DELETE FROM idempotency_keys
WHERE scope = $1 AND key = $2 AND completed_at IS NULL AND created_at = $3;

-- name: idempotency_purge
DELETE FROM idempotency_keys WHERE created_at < $1;
