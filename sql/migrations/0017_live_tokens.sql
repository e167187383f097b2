-- What makes a bearer token hold, in one place: not revoked, and its user active. Expiry is
-- compared by the reader, on the request's clock. principal_by_token reads the caller through it,
-- and statements that check a cached caller themselves (portal.auth.callers) test it.
CREATE VIEW live_tokens AS
SELECT t.token_hash, t.expires_at, u.id AS user_id, u.email, u.name, u.org_id, u.language
FROM api_tokens t JOIN users u ON u.id = t.user_id
WHERE t.revoked_at IS NULL AND u.is_active;
