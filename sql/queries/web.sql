-- name: insert_session
INSERT INTO web_sessions (id_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4);

-- name: principal_by_session
-- The same shape as principal_by_token.
SELECT u.id, u.email, u.name, u.org_id, o.uscc AS org_uscc, u.language, s.expires_at,
       u.org_role, u.email_verified_at IS NOT NULL AS email_verified, u.districts,
       coalesce(array(SELECT r.role FROM user_roles r WHERE r.user_id = u.id ORDER BY r.role), '{}') AS roles
FROM web_sessions s
JOIN users u ON u.id = s.user_id
LEFT JOIN organizations o ON o.id = u.org_id
WHERE s.id_hash = $1 AND s.expires_at > $2 AND u.is_active;

-- name: delete_session
DELETE FROM web_sessions WHERE id_hash = $1 RETURNING user_id;

-- name: set_language
UPDATE users SET language = $2 WHERE id = $1;
