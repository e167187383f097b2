-- name: insert_org
INSERT INTO organizations (name, uscc, district_code, contact_name, contact_phone, created_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (uscc) DO NOTHING
RETURNING id, name, uscc, district_code;

-- name: insert_user
INSERT INTO users (email, name, password_hash, org_id, created_at)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (email) DO NOTHING
RETURNING id, email;

-- name: grant_role
INSERT INTO user_roles (user_id, role, granted_at, granted_by)
VALUES ($1, $2, $3, $4)
ON CONFLICT DO NOTHING;

-- name: user_for_login
SELECT id, password_hash, is_active FROM users WHERE email = $1;

-- name: update_password_hash
UPDATE users SET password_hash = $2 WHERE id = $1;

-- name: insert_token
INSERT INTO api_tokens (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4);

-- name: principal_by_token
-- The caller, with the USCC of their organization (a draft's fingerprint needs it: no more reads),
-- and when the token expires (portal.auth.callers keeps the caller no longer).
SELECT c.user_id AS id, c.email, c.name, c.org_id, o.uscc AS org_uscc, c.language, c.expires_at,
       coalesce(array(SELECT r.role FROM user_roles r WHERE r.user_id = c.user_id ORDER BY r.role), '{}') AS roles
FROM live_tokens c
LEFT JOIN organizations o ON o.id = c.org_id
WHERE c.token_hash = $1 AND c.expires_at > $2;

-- name: revoke_token
UPDATE api_tokens SET revoked_at = $2
WHERE token_hash = $1 AND revoked_at IS NULL
RETURNING user_id;

-- name: org_by_id
SELECT id, name, uscc, district_code, contact_name, contact_phone FROM organizations WHERE id = $1;

-- name: staff_user_for_update
SELECT u.id, u.email, u.name, u.org_id, u.is_active,
       coalesce(array(SELECT r.role FROM user_roles r WHERE r.user_id = u.id ORDER BY r.role), '{}') AS roles
FROM users u WHERE u.id = $1 FOR UPDATE;

-- name: revoke_roles
DELETE FROM user_roles WHERE user_id = $1;

-- name: list_staff_users
SELECT u.id, u.email, u.name, u.is_active,
       coalesce(array(SELECT r.role FROM user_roles r WHERE r.user_id = u.id ORDER BY r.role), '{}') AS roles
FROM users u WHERE u.org_id IS NULL ORDER BY u.email;
