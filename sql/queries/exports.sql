-- name: export_applications
-- Amounts in yuan computed in numeric: exact, never float. $1: the districts of the requester's
-- scope, or NULL (the city's: all).
SELECT a.reference, a.type, a.status, a.program_code, a.program_version, o.name AS organization, o.uscc,
       a.title,
       round(a.amount_requested_fen::numeric / 100, 2) AS amount_requested,
       round(a.amount_approved_fen::numeric / 100, 2) AS amount_approved,
       to_char(a.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS') AS created_at,
       to_char(a.submitted_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS') AS submitted_at,
       a.payload #>> '{payee,account_name}' AS payee_account_name,
       a.payload #>> '{payee,bank}' AS payee_bank,
       a.payload #>> '{payee,account_no}' AS payee_account_no,
       a.id
FROM applications a JOIN organizations o ON o.id = a.org_id
WHERE $1::text[] IS NULL OR a.district_code = ANY($1)
ORDER BY a.created_at, a.id

-- name: export_row_count
SELECT count(*) FROM applications WHERE $1::text[] IS NULL OR district_code = ANY($1);
