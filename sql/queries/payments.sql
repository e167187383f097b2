-- name: insert_disbursement
-- One row per application (its primary key): a second payment of one award cannot be written.
INSERT INTO disbursements (application_id, paid_on, amount_fen, reference, recorded_by, recorded_at, batch_id)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: insert_payment_batch
INSERT INTO payment_batches (items, total_fen, recorded_by, recorded_at) VALUES ($1, $2, $3, $4)
RETURNING id;

-- name: applications_by_reference
SELECT id, reference FROM applications WHERE reference = ANY($1::text[]);

-- name: payments_due
-- Confirmed, unpaid awards: what finance pays next, oldest application first, by the queue's index
-- ($1/$2 the keyset (created_at, id) or NULL, $3 the program or NULL, $4 the limit, $5 the caller's
-- districts or NULL).
SELECT a.id, a.reference, a.type, a.program_code, p.title_zh, p.title_en, a.title, o.name AS org_name,
       o.uscc, a.payload -> 'payee' AS payee, a.amount_approved_fen, a.budget_year, a.created_at,
       a.updated_at
FROM applications a
JOIN organizations o ON o.id = a.org_id
JOIN programs p ON p.code = a.program_code
WHERE a.status = 'confirmed'
  AND ($3::text IS NULL OR a.program_code = $3)
  AND ($1::timestamptz IS NULL OR (a.created_at, a.id) > ($1, $2::uuid))
  AND ($5::text[] IS NULL OR a.district_code = ANY($5))
ORDER BY a.created_at, a.id
LIMIT $4;

-- name: disbursement_of
SELECT d.paid_on, d.amount_fen, d.reference, d.batch_id, d.recorded_at, u.name AS recorded_by_name
FROM disbursements d JOIN users u ON u.id = d.recorded_by WHERE d.application_id = $1;

-- name: recovery_of
SELECT r.*, u.name AS recorded_by_name FROM recoveries r JOIN users u ON u.id = r.recorded_by
WHERE r.application_id = $1;

-- name: repayments_of
SELECT paid_on, amount_fen, reference, recorded_at FROM repayments WHERE application_id = $1
ORDER BY paid_on, recorded_at;

-- name: insert_recovery
INSERT INTO recoveries (application_id, amount_fen, due_on, reason, recorded_by, recorded_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (application_id) DO NOTHING
RETURNING application_id;

-- name: add_repayment
-- Repaid never passes what is owed: the condition here, and the table's CHECK behind it.
UPDATE recoveries SET repaid_fen = repaid_fen + $2
WHERE application_id = $1 AND repaid_fen + $2 <= amount_fen
RETURNING amount_fen, repaid_fen;

-- name: insert_repayment
INSERT INTO repayments (application_id, amount_fen, paid_on, reference, recorded_by, recorded_at)
VALUES ($1, $2, $3, $4, $5, $6);

-- name: payment_candidates
-- What the console shows of the awards a batch names, by id ($1) or by reference ($2).
SELECT a.id, a.reference, a.status, o.name AS org_name, a.payload -> 'payee' AS payee, a.amount_approved_fen
FROM applications a JOIN organizations o ON o.id = a.org_id
WHERE a.id = ANY($1::uuid[]) OR a.reference = ANY($2::text[]);

-- name: payment_batch
SELECT id, items, total_fen, recorded_at FROM payment_batches WHERE id = $1;
