-- name: insert_application
INSERT INTO applications (org_id, type, status, program_code, program_version, title, payload, filing_id,
                          amount_requested_fen, created_by, created_at, updated_at, fingerprint, proposed_by)
VALUES ($1, $2, 'draft', $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12)
RETURNING id;

-- name: insert_line
INSERT INTO application_lines (application_id, line_no, kind, category, description, amount_fen, invoice_numbers, document_ids)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: delete_lines
DELETE FROM application_lines WHERE application_id = $1;

-- name: update_draft
UPDATE applications SET title = $2, payload = $3, filing_id = $4, amount_requested_fen = $5, updated_at = $6,
    fingerprint = $7
WHERE id = $1;

-- name: application_for_update
SELECT * FROM applications WHERE id = $1 FOR UPDATE;

-- name: application_by_id
SELECT a.*, o.name AS org_name, o.uscc AS org_uscc FROM applications a JOIN organizations o ON o.id = a.org_id
WHERE a.id = $1;

-- name: lines_of
SELECT line_no, kind, category, description, amount_fen, invoice_numbers, document_ids, approved_fen, cut_reason
FROM application_lines WHERE application_id = $1 ORDER BY line_no;

-- name: set_status
UPDATE applications SET status = $3, updated_at = $4,
    submitted_at = CASE WHEN $3 = 'submitted' THEN $4 ELSE submitted_at END
WHERE id = $1 AND status = $2
RETURNING id;

-- name: next_reference
INSERT INTO reference_counters (prefix, year, last) VALUES ($1, $2, 1)
ON CONFLICT (prefix, year) DO UPDATE SET last = reference_counters.last + 1
RETURNING last;

-- name: set_reference
UPDATE applications SET reference = $2 WHERE id = $1;

-- name: set_passed
UPDATE applications SET passed_by = $2 WHERE id = $1;

-- name: set_line_review
UPDATE application_lines SET approved_fen = $3, cut_reason = $4 WHERE application_id = $1 AND line_no = $2;

-- name: set_award
UPDATE applications SET award = $2, amount_approved_fen = $3, budget_year = $4, approved_by = $5 WHERE id = $1;

-- name: clear_award
UPDATE applications SET award = NULL, amount_approved_fen = NULL, budget_year = NULL, approved_by = NULL,
    passed_by = NULL
WHERE id = $1;

-- name: org_applications
-- The caller's organization's applications, newest first, keyset on (created_at, id).
SELECT a.id, a.type, a.status, a.reference, a.program_code, a.title, a.amount_requested_fen,
       a.amount_approved_fen, a.created_at, a.updated_at, a.submitted_at, a.payload
FROM applications a
WHERE a.org_id = $1
  AND ($2::timestamptz IS NULL OR (a.created_at, a.id) < ($2, $3::uuid))
ORDER BY a.created_at DESC, a.id DESC
LIMIT $4;

-- name: work_queue
-- Staff work queue, oldest first, keyset on (created_at, id).
SELECT a.id, a.type, a.status, a.reference, a.program_code, a.title, a.amount_requested_fen,
       a.amount_approved_fen, a.created_at, a.updated_at, a.submitted_at, a.org_id, o.name AS org_name
FROM applications a JOIN organizations o ON o.id = a.org_id
WHERE ($1::text IS NULL OR a.status = $1)
  AND ($2::text IS NULL OR a.type = $2)
  AND ($3::text IS NULL OR a.program_code = $3)
  AND ($4::text IS NULL OR a.reference = $4 OR a.title ILIKE '%' || $4 || '%' OR o.name ILIKE '%' || $4 || '%'
       OR o.uscc = upper($4))
  AND ($5::timestamptz IS NULL OR (a.created_at, a.id) > ($5, $6::uuid))
ORDER BY a.created_at, a.id
LIMIT $7;

-- name: reserve_budget
-- Atomic under concurrency: the condition and the increment are one statement on one row.
UPDATE budgets SET reserved_fen = reserved_fen + $3, updated_at = $4
WHERE program_code = $1 AND year = $2 AND reserved_fen + spent_fen + $3 <= allocated_fen
RETURNING allocated_fen - reserved_fen - spent_fen AS available_fen;

-- name: release_budget
UPDATE budgets SET reserved_fen = reserved_fen - $3, updated_at = $4
WHERE program_code = $1 AND year = $2
RETURNING reserved_fen;

-- name: spend_budget
UPDATE budgets SET reserved_fen = reserved_fen - $3, spent_fen = spent_fen + $3, updated_at = $4
WHERE program_code = $1 AND year = $2
RETURNING spent_fen;

-- name: history_of
SELECT seq, at, actor, action, data FROM audit_events
WHERE entity_type = 'application' AND entity_id = $1
ORDER BY seq;

-- name: uphold_objections
UPDATE objections SET upheld_at = $2 WHERE application_id = $1 AND upheld_at IS NULL;

-- name: insert_disbursement
INSERT INTO disbursements (application_id, paid_on, amount_fen, reference, recorded_by, recorded_at)
VALUES ($1, $2, $3, $4, $5, $6);

-- name: upheld_objections
SELECT count(*) FROM objections WHERE application_id = $1 AND upheld_at IS NOT NULL AND batch_id = $2;

-- name: same_fingerprint
-- 不重复享受: the firm's other live applications for the same thing, in any program.
SELECT id, reference, type, program_code, status FROM applications
WHERE fingerprint = $1 AND id <> $2 AND status NOT IN ('draft', 'withdrawn', 'rejected', 'lapsed')
ORDER BY created_at;

-- name: lock_org
SELECT id FROM organizations WHERE id = $1 FOR UPDATE;

-- name: other_live_of_type
-- The firm's other applications of a type that are submitted or further on (not drafts, not dead).
SELECT id, status, payload, amount_approved_fen FROM applications
WHERE org_id = $1 AND type = $2 AND id IS DISTINCT FROM $3::uuid
  AND status NOT IN ('draft', 'withdrawn', 'rejected', 'lapsed')
ORDER BY created_at;

-- name: follow_ups_due
SELECT year FROM overseas_follow_ups WHERE application_id = $1 AND recovery_due ORDER BY year;

-- name: upsert_follow_up
INSERT INTO overseas_follow_ups (application_id, year, raised_total_fen, invested_fen, recovery_due, note, recorded_by, recorded_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (application_id, year) DO UPDATE SET raised_total_fen = EXCLUDED.raised_total_fen,
    invested_fen = EXCLUDED.invested_fen, recovery_due = EXCLUDED.recovery_due, note = EXCLUDED.note,
    recorded_by = EXCLUDED.recorded_by, recorded_at = EXCLUDED.recorded_at;

-- name: org_by_uscc
SELECT id, name, uscc, district_code FROM organizations WHERE uscc = $1;
