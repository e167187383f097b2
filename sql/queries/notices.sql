-- name: notice_of
SELECT code, kind, subject_id, edition, facts, digest, issued_at FROM notices
WHERE kind = $1 AND subject_id = $2 AND edition = $3;

-- name: insert_notice
-- Nothing when another request issued it first: the caller then reads that one (notice_of).
INSERT INTO notices (code, kind, subject_id, edition, facts, digest, issued_at, issued_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT ON CONSTRAINT notices_subject_key DO NOTHING
RETURNING code, kind, subject_id, edition, facts, digest, issued_at;

-- name: notice_by_code
SELECT code, kind, subject_id, edition, facts, digest, issued_at FROM notices WHERE code = $1;

-- name: notice_issued_events
SELECT data FROM audit_events
WHERE entity_type = 'notice' AND entity_id = $1 AND action = 'notice_issued'
ORDER BY seq;

-- name: batch_for_notice
-- A publicity batch with its reference's serial: its place among the year's batches.
SELECT b.id, b.starts_on, b.ends_on, b.created_at,
       (SELECT count(*) FROM publicity_batches o
        WHERE date_part('year', o.starts_on) = date_part('year', b.starts_on)
          AND (o.created_at, o.id) <= (b.created_at, b.id)) AS serial
FROM publicity_batches b WHERE b.id = $1;

-- name: batch_notice_items
-- The awards a batch announced, as the public list shows them, in reference order.
SELECT a.id, a.reference, a.title, p.title_zh AS program_zh, o.name AS org_name, i.amount_fen
FROM publicity_items i
JOIN applications a ON a.id = i.application_id
JOIN organizations o ON o.id = a.org_id
JOIN programs p ON p.code = a.program_code
WHERE i.batch_id = $1
ORDER BY a.reference, a.id;

