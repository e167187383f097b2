-- name: org_profile
SELECT id, name, uscc, district_code, contact_name, contact_phone, address, bank_account
FROM organizations WHERE id = $1;

-- name: org_profile_for_update
SELECT id, name, uscc, district_code, contact_name, contact_phone, address, bank_account
FROM organizations WHERE id = $1 FOR UPDATE;

-- name: update_org_contact
UPDATE organizations SET contact_name = $2, contact_phone = $3, address = $4 WHERE id = $1;

-- name: set_bank_account
UPDATE organizations SET bank_account = $2 WHERE id = $1;

-- name: org_members
SELECT id, email, name, org_role, email_verified_at IS NOT NULL AS verified FROM users
WHERE org_id = $1 AND is_active
ORDER BY org_role = 'org_admin' DESC, created_at;

-- name: org_member_for_update
SELECT id, email, org_role FROM users WHERE id = $1 AND org_id = $2 AND is_active FOR UPDATE;

-- name: set_org_role
UPDATE users SET org_role = $2 WHERE id = $1
RETURNING id, email, name, org_role, email_verified_at IS NOT NULL AS verified;

-- name: other_org_admins
SELECT count(*) FROM users WHERE org_id = $1 AND org_role = 'org_admin' AND is_active AND id <> $2;

-- name: user_tokens
SELECT token_hash FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL;

-- name: open_invitations
SELECT email, org_role, expires_at FROM account_links
WHERE org_id = $1 AND purpose = 'invitation' AND used_at IS NULL AND expires_at > $2
ORDER BY created_at DESC;

-- name: withdraw_invitations
-- A new invitation to one address replaces the open ones.
UPDATE account_links SET used_at = $3
WHERE org_id = $1 AND email = $2 AND purpose = 'invitation' AND used_at IS NULL;

-- name: org_history_counts
SELECT a.program_code, p.title_zh, p.title_en, a.status, count(*) AS n
FROM applications a JOIN programs p ON p.code = a.program_code
WHERE a.org_id = $1
GROUP BY a.program_code, p.title_zh, p.title_en, a.status
ORDER BY a.program_code, a.status;

-- name: org_history_money
SELECT coalesce(sum(a.amount_approved_fen), 0)::bigint AS awarded,
       coalesce(sum(d.amount_fen), 0)::bigint AS paid,
       coalesce(sum(r.repaid_fen), 0)::bigint AS repaid
FROM applications a
LEFT JOIN disbursements d ON d.application_id = a.id
LEFT JOIN recoveries r ON r.application_id = a.id
WHERE a.org_id = $1 AND a.amount_approved_fen IS NOT NULL;

-- name: org_in_scope
-- Whether organization $1 is within districts $2 (NULL: the city's, all of them): registered in
-- one, or with an application lodged in one (submitted at least once; a draft, however it ended,
-- does not count: anyone may start one naming any district).
SELECT EXISTS (
    SELECT FROM organizations o
    WHERE o.id = $1
      AND ($2::text[] IS NULL OR o.district_code = ANY($2::text[])
           OR EXISTS (SELECT FROM applications a
                      WHERE a.org_id = o.id AND a.submitted_at IS NOT NULL
                        AND a.district_code = ANY($2::text[]))));
