-- name: insert_org
INSERT INTO organizations (name, uscc, district_code, contact_name, contact_phone, created_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (uscc) DO NOTHING
RETURNING id, name, uscc, district_code;

-- name: insert_user
-- $6 the place in the organization (NULL for staff), $7 when the address was verified (or NULL).
INSERT INTO users (email, name, password_hash, org_id, created_at, org_role, email_verified_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
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
       c.org_role, c.email_verified, c.districts,
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

-- name: set_districts
UPDATE users SET districts = $2 WHERE id = $1;

-- name: staff_user_for_update
SELECT u.id, u.email, u.name, u.org_id, u.is_active, u.districts,
       coalesce(array(SELECT r.role FROM user_roles r WHERE r.user_id = u.id ORDER BY r.role), '{}') AS roles
FROM users u WHERE u.id = $1 FOR UPDATE;

-- name: revoke_roles
DELETE FROM user_roles WHERE user_id = $1;

-- name: list_staff_users
SELECT u.id, u.email, u.name, u.is_active, u.districts,
       coalesce(array(SELECT r.role FROM user_roles r WHERE r.user_id = u.id ORDER BY r.role), '{}') AS roles
FROM users u WHERE u.org_id IS NULL ORDER BY u.email;

-- ---------------------------------------------------------------- links sent by e-mail

-- name: insert_account_link
INSERT INTO account_links (token_hash, purpose, user_id, org_id, email, org_role, created_by, created_at, expires_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- name: lock_link_user
SELECT u.id FROM users u WHERE u.id = (SELECT user_id FROM account_links WHERE token_hash = $1)
FOR UPDATE;

-- name: use_account_link
-- The link, used now if it still holds: once, unexpired, for this purpose.
UPDATE account_links SET used_at = $3
WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3
RETURNING user_id, org_id, email, org_role, created_by;

-- name: use_user_links
-- A user's other open links of one purpose go with the one used (a reset ends the others).
UPDATE account_links SET used_at = $3 WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL;

-- name: user_by_email
SELECT u.id, u.email, u.name, u.language, u.org_id, u.org_role, u.is_active,
       u.email_verified_at IS NOT NULL AS email_verified
FROM users u WHERE u.email = $1;

-- name: user_by_id
SELECT u.id, u.email, u.name, u.language, u.org_id, u.org_role, u.is_active, u.password_hash,
       u.email_verified_at IS NOT NULL AS email_verified
FROM users u WHERE u.id = $1;

-- name: verify_email
UPDATE users SET email_verified_at = coalesce(email_verified_at, $2) WHERE id = $1 RETURNING email;

-- name: set_password
UPDATE users SET password_hash = $2 WHERE id = $1;

-- name: revoke_user_tokens
-- Every bearer token of the user but one ($3, or none).
UPDATE api_tokens SET revoked_at = $2
WHERE user_id = $1 AND revoked_at IS NULL AND token_hash IS DISTINCT FROM $3;

-- name: delete_user_sessions
-- Every browser session of the user but one ($2, or none).
DELETE FROM web_sessions WHERE user_id = $1 AND id_hash IS DISTINCT FROM $2;

-- name: set_active
UPDATE users SET is_active = $2 WHERE id = $1 RETURNING id;

-- name: insert_member
-- An invitee's account; or a former member of the same organization, active again.
INSERT INTO users (email, name, password_hash, org_id, org_role, created_at, email_verified_at)
VALUES ($1, $2, $3, $4, $5, $6, $6)
ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name, password_hash = EXCLUDED.password_hash,
    org_role = EXCLUDED.org_role, is_active = true, email_verified_at = EXCLUDED.email_verified_at
WHERE users.org_id = EXCLUDED.org_id AND NOT users.is_active
RETURNING id;

-- ---------------------------------------------------------------- OpenID Connect

-- name: insert_oidc_login
INSERT INTO oidc_logins (key_hash, stage, nonce, code_verifier, next_path, identity, created_at, expires_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: take_oidc_login
-- Once: the row goes as it is read.
DELETE FROM oidc_logins WHERE key_hash = $1 AND stage = $2 AND expires_at > $3
RETURNING nonce, code_verifier, next_path, identity;

-- name: peek_oidc_login
SELECT identity FROM oidc_logins WHERE key_hash = $1 AND stage = 'registering' AND expires_at > $2;

-- name: user_by_identity
SELECT i.user_id FROM oidc_identities i JOIN users u ON u.id = i.user_id
WHERE i.issuer = $1 AND i.subject = $2 AND u.is_active;

-- name: link_identity
INSERT INTO oidc_identities (issuer, subject, user_id, created_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (issuer, subject) DO NOTHING;

-- name: forget_oidc_login
DELETE FROM oidc_logins WHERE key_hash = $1;

-- name: purge_oidc_logins
-- Sign-ins in flight that were never finished, once they have expired.
DELETE FROM oidc_logins WHERE expires_at < $1;
