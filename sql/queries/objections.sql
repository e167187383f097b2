-- name: insert_objection
INSERT INTO objections (application_id, batch_id, reason, contact, created_at) VALUES ($1, $2, $3, $4, $5)
RETURNING id, created_at;

-- name: objection_application
SELECT application_id FROM objections WHERE id = $1;

-- name: objection_for_update
SELECT o.*, u.name AS resolved_by_name FROM objections o LEFT JOIN users u ON u.id = o.resolved_by
WHERE o.id = $1 FOR UPDATE OF o;

-- name: resolve_objection
-- Only an open objection is resolved; a resolved one is also refused by its trigger.
UPDATE objections SET status = $2, resolution_comment = $3, resolved_by = $4, resolved_at = $5
WHERE id = $1 AND status = 'open'
RETURNING id;

-- name: uphold_open_objections
-- Upholding the award's withdrawal resolves every objection still open on it.
UPDATE objections SET status = 'upheld', resolution_comment = $2, resolved_by = $3, resolved_at = $4
WHERE application_id = $1 AND status = 'open'
RETURNING id;

-- name: open_objections
SELECT count(*) FROM objections WHERE application_id = $1 AND status = 'open';

-- name: objections_list
-- $1 status or NULL, $2 application or NULL, $3/$4 the keyset (created_at, id) or NULL, $5 limit,
-- $6 the caller's districts (NULL: the city's scope, every one).
SELECT o.id, o.application_id, o.reason, o.contact, o.created_at, o.status, o.resolution_comment,
       o.resolved_at, u.name AS resolved_by_name, a.reference, a.title, org.name AS org_name
FROM objections o
JOIN applications a ON a.id = o.application_id
JOIN organizations org ON org.id = a.org_id
LEFT JOIN users u ON u.id = o.resolved_by
WHERE ($1::text IS NULL OR o.status = $1)
  AND ($2::uuid IS NULL OR o.application_id = $2)
  AND ($3::timestamptz IS NULL OR (o.created_at, o.id) > ($3, $4::uuid))
  AND ($6::text[] IS NULL OR a.district_code = ANY($6))
ORDER BY o.created_at, o.id
LIMIT $5;

-- name: objection_by_id
SELECT o.id, o.application_id, o.reason, o.contact, o.created_at, o.status, o.resolution_comment,
       o.resolved_at, u.name AS resolved_by_name, a.reference, a.title, org.name AS org_name,
       a.district_code
FROM objections o
JOIN applications a ON a.id = o.application_id
JOIN organizations org ON org.id = a.org_id
LEFT JOIN users u ON u.id = o.resolved_by
WHERE o.id = $1;
