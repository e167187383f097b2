-- An award's money in the budgets (sql/budgets.py): each funder's budget row (the city's, or a
-- district's) and what each award reserved from it (award_funding). Budget rows are locked and
-- updated by funder, in that order, wherever several are touched at once.

-- name: lock_budgets
-- The budgets an approval reserves from, locked in one order whoever locks them.
SELECT funder, allocated_fen - reserved_fen - spent_fen AS available_fen
FROM budgets
WHERE program_code = $1 AND year = $2 AND funder = ANY($3::text[])
ORDER BY funder
FOR UPDATE;

-- name: reserve_budget
-- The limit is in the condition too: atomic on its own, one statement on one row.
UPDATE budgets SET reserved_fen = reserved_fen + $4, updated_at = $5
WHERE program_code = $1 AND year = $2 AND funder = $3
  AND reserved_fen + spent_fen + $4 <= allocated_fen
RETURNING allocated_fen - reserved_fen - spent_fen AS available_fen;

-- name: insert_award_funding
INSERT INTO award_funding (application_id, program_code, year, funder, amount_fen)
VALUES ($1, $2, $3, $4, $5);

-- name: award_funding_of
-- What an award was reserved from, in the budgets' lock order.
SELECT program_code, year, funder, amount_fen FROM award_funding
WHERE application_id = $1
ORDER BY funder;

-- name: delete_award_funding
DELETE FROM award_funding WHERE application_id = $1;

-- name: release_budget
UPDATE budgets SET reserved_fen = reserved_fen - $4, updated_at = $5
WHERE program_code = $1 AND year = $2 AND funder = $3;

-- name: spend_budget
UPDATE budgets SET reserved_fen = reserved_fen - $4, spent_fen = spent_fen + $4, updated_at = $5
WHERE program_code = $1 AND year = $2 AND funder = $3;

-- name: refund_budget
-- Money won back returns to the budgets it was spent from.
UPDATE budgets SET spent_fen = spent_fen - $4, updated_at = $5
WHERE program_code = $1 AND year = $2 AND funder = $3;
