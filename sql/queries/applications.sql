-- name: insert_lines
-- All of an application's lines in one statement: $2 is a JSON array of line objects.
INSERT INTO application_lines (application_id, line_no, kind, category, description, amount_fen, invoice_numbers, document_ids)
SELECT $1, l.line_no, l.kind, l.category, l.description, l.amount_fen, l.invoice_numbers, l.document_ids
FROM jsonb_to_recordset($2::jsonb) AS l (line_no integer, kind text, category text, description text,
                                         amount_fen bigint, invoice_numbers text[], document_ids uuid[]);

-- name: drafting_context
-- What a new or edited draft is checked against, in one round trip: the organization (as
-- org_by_id has it) and the version of program $2 in effect on $3 with its window (its
-- definition is read once per process: a published version never changes).
SELECT o.id, o.name, o.uscc, o.district_code, o.contact_name, o.contact_phone,
       v.version AS program_version, v.effective_from, v.effective_to
FROM organizations o
LEFT JOIN program_versions v ON v.program_code = $2 AND v.version = program_version_on($2, $3)
WHERE o.id = $1;

-- name: create_application
-- A new draft with its lines ($14, as insert_lines takes them), its outbox row and its audit event,
-- in one statement; run on its own it is its own transaction. Returns the stored row as
-- application_by_id does. $19: whether to wake the relay (sql.outbox.wakes_relay). $5 NULL: the
-- version of the program in effect on $20; none in effect fails the NOT NULL on program_version.
-- $21: the digest of a bearer token whose caller came from the process's cache
-- (portal.auth.callers): nothing is written, and no row returned, unless in this statement's
-- snapshot the token still holds (live_tokens, unexpired) for user $10, a member of organization
-- $2: what principal_by_token and the route's guard require. NULL: the caller was read for this
-- request. $22: the version the draft was checked against without reading (the process's note of
-- the version in effect): nothing is written unless it is still the one in effect on $20.
WITH caller AS (
    SELECT $21::bytea IS NULL OR EXISTS (
        SELECT FROM live_tokens c
        WHERE c.token_hash = $21 AND c.expires_at > $11::timestamptz AND c.user_id = $10::uuid
          AND c.org_id = $2::uuid) AS holds
), app AS (
    INSERT INTO applications (id, org_id, type, status, program_code, program_version, title, payload, filing_id,
                              amount_requested_fen, created_by, created_at, updated_at, fingerprint, proposed_by)
    SELECT $1::uuid, $2::uuid, $3::text, 'draft', $4::text, coalesce($5::integer, program_version_on($4, $20::date)),
           $6::text, $7::jsonb, $8::uuid, $9::bigint, $10::uuid, $11::timestamptz, $11::timestamptz, $12::text,
           $13::uuid
    FROM caller WHERE caller.holds
      AND ($22::integer IS NULL OR program_version_on($4, $20::date) IS NOT DISTINCT FROM $22)
    RETURNING *
), lines AS (
    INSERT INTO application_lines (application_id, line_no, kind, category, description, amount_fen,
                                   invoice_numbers, document_ids)
    SELECT app.id, l.line_no, l.kind, l.category, l.description, l.amount_fen, l.invoice_numbers, l.document_ids
    FROM app, jsonb_to_recordset($14::jsonb) AS l (line_no integer, kind text, category text, description text,
                                                  amount_fen bigint, invoice_numbers text[], document_ids uuid[])
    RETURNING 1
), event AS (
    INSERT INTO outbox (created_at, topic, payload) SELECT $11, $15::text, $16::jsonb FROM app RETURNING id
)
SELECT app.*, o.name AS org_name, o.uscc AS org_uscc,
       (SELECT count(*) FROM lines) AS line_count,
       (CASE WHEN $19::boolean THEN pg_notify('outbox', '') END) IS NULL AS notified,
       audit_append($11, $17, $15, 'application', $1::text, $18) AS audit_seq
FROM app CROSS JOIN event JOIN organizations o ON o.id = app.org_id;

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

-- name: application_full
-- application_by_id with its lines (lines_of) and its audit history (history_of), in one round trip:
-- anonymous records, with uuid[] and jsonb as text (asyncpg decodes neither inside a record).
SELECT a.*, o.name AS org_name, o.uscc AS org_uscc,
       ARRAY(SELECT ROW(l.kind, l.category, l.description, l.amount_fen, l.invoice_numbers,
                        l.document_ids::text[], l.approved_fen, l.cut_reason)
             FROM application_lines l WHERE l.application_id = a.id ORDER BY l.line_no) AS line_rows,
       ARRAY(SELECT ROW(e.at, e.actor, e.action, e.data::text)
             FROM audit_events e WHERE e.entity_type = 'application' AND e.entity_id = a.id::text
             ORDER BY e.seq) AS history_rows
FROM applications a JOIN organizations o ON o.id = a.org_id
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
-- $1 the application type (its prefix is the type's), $2 the year: the next serial.
INSERT INTO reference_counters (prefix, year, last)
SELECT prefix, $2, 1 FROM application_types WHERE type = $1
ON CONFLICT (prefix, year) DO UPDATE SET last = reference_counters.last + 1
RETURNING prefix, last;

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
-- The caller's organization's applications, newest first: the first page. The columns are those
-- of work_queue (views.summary takes them by position); the organization is the caller's own.
SELECT a.id, a.type, a.status, a.reference, a.program_code, a.title, a.amount_requested_fen,
       a.amount_approved_fen, a.created_at, a.updated_at, a.submitted_at, NULL::uuid AS org_id,
       NULL::text AS org_name
FROM applications a
WHERE a.org_id = $1
ORDER BY a.created_at DESC, a.id DESC
LIMIT $2;

-- name: org_applications_after
-- The pages after the first, keyset on (created_at, id): a statement of its own, so its plan
-- always seeks the index to the cursor. The columns of org_applications.
SELECT a.id, a.type, a.status, a.reference, a.program_code, a.title, a.amount_requested_fen,
       a.amount_approved_fen, a.created_at, a.updated_at, a.submitted_at, NULL::uuid AS org_id,
       NULL::text AS org_name
FROM applications a
WHERE a.org_id = $1 AND (a.created_at, a.id) < ($2::timestamptz, $3::uuid)
ORDER BY a.created_at DESC, a.id DESC
LIMIT $4;

-- name: work_queue
-- Staff work queue, oldest first, keyset on (created_at, id). Its columns are the summary's, in
-- its order (views.summary takes them by position). portal.review.services.queue adds
-- work_queue_caller, then only the filters given, then the order and the limit: one statement per
-- combination of filters, so PostgreSQL plans each for what it filters on, and can keep that plan
-- (a single statement with "$1 IS NULL OR …" for every filter has a generic plan that scans the
-- table). The organization comes from a scalar subquery rather than a join: a one-table query is
-- planned in half the time. After the summary's columns: the program's version, whose review
-- chain and limit (portal.programs.forms.review_rules) give the item's stage and age (counted
-- from updated_at, when it entered its status), and its district (whose first review it may
-- wait for).
SELECT a.id, a.type, a.status, a.reference, a.program_code, a.title, a.amount_requested_fen,
       a.amount_approved_fen, a.created_at, a.updated_at, a.submitted_at, a.org_id,
       (SELECT o.name FROM organizations o WHERE o.id = a.org_id) AS org_name,
       a.program_version, a.district_code
FROM applications a

-- name: work_queue_search
-- work_queue when the text filter (which reads the organization too) is given.
SELECT a.id, a.type, a.status, a.reference, a.program_code, a.title, a.amount_requested_fen,
       a.amount_approved_fen, a.created_at, a.updated_at, a.submitted_at, a.org_id, o.name AS org_name,
       a.program_version, a.district_code
FROM applications a JOIN organizations o ON o.id = a.org_id

-- name: work_queue_caller
-- The work queue's first condition. $1: the digest of a bearer token whose caller came from the
-- process's cache (portal.auth.callers): no row is returned unless, in this statement's snapshot,
-- the token still holds for a user with one of the roles $3 (token_holds_with_role, at $2). NULL:
-- the caller was read for this request. It names no column, so it is tested once, before any
-- row is read.
WHERE ($1::bytea IS NULL OR token_holds_with_role($1, $2::timestamptz, $3::text[]))

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
SELECT year FROM follow_ups WHERE application_id = $1 AND recovery_due ORDER BY year;

-- name: upsert_follow_up
INSERT INTO follow_ups (application_id, year, whole_fen, part_fen, recovery_due, note, recorded_by, recorded_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (application_id, year) DO UPDATE SET whole_fen = EXCLUDED.whole_fen,
    part_fen = EXCLUDED.part_fen, recovery_due = EXCLUDED.recovery_due, note = EXCLUDED.note,
    recorded_by = EXCLUDED.recorded_by, recorded_at = EXCLUDED.recorded_at;

-- name: org_by_uscc
SELECT id, name, uscc, district_code FROM organizations WHERE uscc = $1;

-- name: outbox_emit
-- sql.outbox.emit: the row and, if $4, the relay's wake-up in one round trip (delivered at commit).
WITH event AS (INSERT INTO outbox (created_at, topic, payload) VALUES ($1, $2, $3) RETURNING id)
SELECT event.id, (CASE WHEN $4::boolean THEN pg_notify('outbox', '') END) IS NULL AS notified FROM event;

-- name: export_applications_csv
-- export_applications (sql/queries/exports.sql) for COPY … CSV, the same text a third cheaper:
-- yuan as fen * 0.01 (exact: numeric with two places, as round(fen / 100, 2) gives) and times
-- as date_trunc(…)::text, which prints as to_char(…, 'YYYY-MM-DD HH24:MI:SS') does under
-- DateStyle ISO (the caller sets it for its transaction). The columns that carry applicants' or
-- organizations' text go through csv_safe (0021; the XLSX's _FREE columns in sql/exports.py).
-- $1: the requester's districts, or NULL (all).
SELECT csv_safe(a.reference) AS reference, a.type, a.status, a.program_code, a.program_version,
       csv_safe(o.name) AS organization, o.uscc, csv_safe(a.title) AS title,
       a.amount_requested_fen * 0.01 AS amount_requested,
       a.amount_approved_fen * 0.01 AS amount_approved,
       date_trunc('second', a.created_at AT TIME ZONE 'Asia/Shanghai') AS created_at,
       date_trunc('second', a.submitted_at AT TIME ZONE 'Asia/Shanghai') AS submitted_at,
       csv_safe(a.payload #>> '{payee,account_name}') AS payee_account_name,
       csv_safe(a.payload #>> '{payee,bank}') AS payee_bank,
       csv_safe(a.payload #>> '{payee,account_no}') AS payee_account_no,
       a.id
FROM applications a JOIN organizations o ON o.id = a.org_id
WHERE $1::text[] IS NULL OR a.district_code = ANY($1)
ORDER BY a.created_at, a.id

-- name: org_bank_account
SELECT bank_account FROM organizations WHERE id = $1;

-- name: set_payee
UPDATE applications SET payload = jsonb_set(payload, '{payee}', $2::jsonb) WHERE id = $1;

-- name: set_approved_fields
UPDATE applications SET payload = jsonb_set(payload, '{approved}', $2::jsonb) WHERE id = $1;

-- name: application_types
SELECT type, program_code, prior, prefix FROM application_types ORDER BY type;
