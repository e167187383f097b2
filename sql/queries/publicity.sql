-- name: insert_batch
INSERT INTO publicity_batches (starts_on, ends_on, created_by, created_at) VALUES ($1, $2, $3, $4)
RETURNING id, starts_on, ends_on, created_at;

-- name: insert_item
INSERT INTO publicity_items (batch_id, application_id, amount_fen) VALUES ($1, $2, $3);

-- name: batches_due
SELECT id FROM publicity_batches WHERE closed_at IS NULL AND ends_on < $1 ORDER BY ends_on LIMIT 1
FOR UPDATE SKIP LOCKED;

-- name: batch_applications_publicized
-- The batch's awards still in publicity that no open objection holds.
SELECT a.* FROM publicity_items i JOIN applications a ON a.id = i.application_id
WHERE i.batch_id = $1 AND a.status = 'publicized'
  AND NOT EXISTS (SELECT 1 FROM objections o WHERE o.application_id = a.id AND o.status = 'open')
ORDER BY a.id
FOR UPDATE OF a;

-- name: close_batch
UPDATE publicity_batches SET closed_at = $2 WHERE id = $1;

-- name: latest_publicity_of
SELECT b.id, b.starts_on, b.ends_on FROM publicity_items i JOIN publicity_batches b ON b.id = i.batch_id
WHERE i.application_id = $1 ORDER BY b.created_at DESC LIMIT 1;

-- name: announcements
SELECT a.id, a.reference, a.title, a.program_code, p.title_zh AS program_zh, p.title_en AS program_en,
       o.name AS org_name, i.amount_fen, b.id AS batch_id, b.starts_on, b.ends_on
FROM publicity_items i
JOIN publicity_batches b ON b.id = i.batch_id
JOIN applications a ON a.id = i.application_id
JOIN organizations o ON o.id = a.org_id
JOIN programs p ON p.code = a.program_code
WHERE a.status = 'publicized' AND b.starts_on <= $1 AND $1 <= b.ends_on
ORDER BY b.starts_on, a.reference;

-- name: batches_list
SELECT b.id, b.starts_on, b.ends_on, b.created_at, b.closed_at, count(i.application_id) AS items
FROM publicity_batches b LEFT JOIN publicity_items i ON i.batch_id = b.id
GROUP BY b.id ORDER BY b.created_at DESC LIMIT 200;
