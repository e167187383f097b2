-- name: programs_on
-- Each program with the version in effect on $1 (see program_version_on); one with none in effect
-- is shown with its nearest version (the latest that started before $1, else the earliest still
-- to come), whose window then does not hold $1.
SELECT p.code, p.kind, p.article, p.title_zh, p.title_en,
       v.version, v.params, v.effective_from, v.effective_to
FROM programs p
JOIN program_versions v ON v.program_code = p.code AND v.version = coalesce(
    program_version_on(p.code, $1::date),
    (SELECT n.version FROM program_versions n
     WHERE n.program_code = p.code
     ORDER BY (n.effective_from <= $1::date) DESC,
              CASE WHEN n.effective_from <= $1::date THEN n.version ELSE -n.version END DESC
     LIMIT 1))
WHERE p.code = coalesce($2, p.code)
ORDER BY p.code;

-- name: program_exists
SELECT EXISTS (SELECT FROM programs WHERE code = $1);

-- name: program_versions
SELECT version, effective_from, effective_to, params, note, created_at, created_by
FROM program_versions WHERE program_code = $1 ORDER BY version;

-- name: program_version
SELECT p.code, p.kind, p.article, p.title_zh, p.title_en,
       v.version, v.params, v.effective_from, v.effective_to
FROM programs p JOIN program_versions v ON v.program_code = p.code
WHERE p.code = $1 AND v.version = $2;

-- name: lock_program
SELECT code, kind FROM programs WHERE code = $1 FOR UPDATE;

-- name: insert_program_version
INSERT INTO program_versions (program_code, version, effective_from, effective_to, params, note, created_at, created_by)
SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4, $5, $6, $7
FROM program_versions WHERE program_code = $1
RETURNING version;

-- name: budgets_for_year
SELECT p.code AS program, $1::int AS year,
       coalesce(b.allocated_fen, 0) AS allocated_fen,
       coalesce(b.reserved_fen, 0) AS reserved_fen,
       coalesce(b.spent_fen, 0) AS spent_fen,
       b.program_code IS NOT NULL AS set
FROM programs p
LEFT JOIN budgets b ON b.program_code = p.code AND b.year = $1
ORDER BY p.code;

-- name: set_budget
INSERT INTO budgets (program_code, year, allocated_fen, updated_at)
VALUES ($1, $2, $3, $4)
ON CONFLICT (program_code, year) DO UPDATE SET allocated_fen = EXCLUDED.allocated_fen, updated_at = EXCLUDED.updated_at
RETURNING program_code AS program, year, allocated_fen, reserved_fen, spent_fen, (
    SELECT allocated_fen FROM budgets WHERE program_code = $1 AND year = $2
) AS previous_fen;

-- name: exchanges_on
SELECT DISTINCT ON (code) code, valid_from, name_zh, name_en, market, jurisdiction, eligible
FROM exchanges WHERE valid_from <= $1
ORDER BY code, valid_from DESC;

-- name: exchange_on
SELECT code, valid_from, name_zh, name_en, market, jurisdiction, eligible
FROM exchanges WHERE code = $1 AND valid_from <= $2
ORDER BY valid_from DESC LIMIT 1;

-- name: upsert_exchange
INSERT INTO exchanges (code, valid_from, name_zh, name_en, market, jurisdiction, eligible, created_at, created_by)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (code, valid_from) DO UPDATE SET
    name_zh = EXCLUDED.name_zh, name_en = EXCLUDED.name_en, market = EXCLUDED.market,
    jurisdiction = EXCLUDED.jurisdiction, eligible = EXCLUDED.eligible,
    created_at = EXCLUDED.created_at, created_by = EXCLUDED.created_by
RETURNING code, valid_from, name_zh, name_en, market, jurisdiction, eligible;

-- name: exchange_history
SELECT code, valid_from, name_zh, name_en, market, jurisdiction, eligible
FROM exchanges ORDER BY code, valid_from;

-- name: version_window
SELECT kind, params, effective_from, effective_to
FROM program_versions v JOIN programs p ON p.code = v.program_code
WHERE v.program_code = $1 AND v.version = $2;

-- name: budget_row
SELECT allocated_fen, reserved_fen, spent_fen FROM budgets WHERE program_code = $1 AND year = $2;
