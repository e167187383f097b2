-- name: programs_on
-- Each program with the version in effect on $1 (see program_version_on); one with none in effect
-- is shown with its nearest published version (the latest that started before $1, else the
-- earliest still to come), whose window then does not hold $1. Drafts are not shown.
SELECT p.code, p.kind, p.article, p.title_zh, p.title_en,
       v.version, v.params, v.effective_from, v.effective_to
FROM programs p
JOIN program_versions v ON v.program_code = p.code AND v.version = coalesce(
    program_version_on(p.code, $1::date),
    (SELECT n.version FROM program_versions n
     WHERE n.program_code = p.code AND n.status = 'published'
     ORDER BY (n.effective_from <= $1::date) DESC,
              CASE WHEN n.effective_from <= $1::date THEN n.version ELSE -n.version END DESC
     LIMIT 1))
WHERE p.code = coalesce($2, p.code)
ORDER BY p.code;

-- name: program_exists
SELECT EXISTS (SELECT FROM programs WHERE code = $1);

-- name: program_versions
SELECT version, effective_from, effective_to, params, note, created_at, created_by, status,
       published_at, published_by
FROM program_versions WHERE program_code = $1 AND (status = 'published' OR $2::boolean)
ORDER BY version;

-- name: program_version
SELECT p.code, p.kind, p.article, p.title_zh, p.title_en,
       v.version, v.params, v.effective_from, v.effective_to
FROM programs p JOIN program_versions v ON v.program_code = p.code
WHERE p.code = $1 AND v.version = $2;

-- name: lock_program
SELECT code, kind FROM programs WHERE code = $1 FOR UPDATE;

-- name: insert_program_version
-- A draft ($8 NULL) or a version published at once ($8 the time, $7 the publisher).
INSERT INTO program_versions (program_code, version, effective_from, effective_to, params, note,
                              created_at, created_by, status, published_at, published_by)
SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4, $5, $6, $7,
       CASE WHEN $8::timestamptz IS NULL THEN 'draft' ELSE 'published' END,
       $8, CASE WHEN $8::timestamptz IS NULL THEN NULL ELSE $7 END
FROM program_versions WHERE program_code = $1
RETURNING version;

-- name: version_for_update
SELECT v.*, p.kind FROM program_versions v JOIN programs p ON p.code = v.program_code
WHERE v.program_code = $1 AND v.version = $2 FOR UPDATE OF v;

-- name: update_draft_version
UPDATE program_versions SET effective_from = $3, effective_to = $4, params = $5, note = $6
WHERE program_code = $1 AND version = $2 AND status = 'draft';

-- name: publish_version
UPDATE program_versions SET status = 'published', published_at = $5, published_by = $6,
    effective_from = $3, effective_to = $4
WHERE program_code = $1 AND version = $2 AND status = 'draft'
RETURNING version;

-- name: insert_program
INSERT INTO programs (code, kind, article, title_zh, title_en) VALUES ($1, 'defined', $2, $3, $4)
ON CONFLICT (code) DO NOTHING
RETURNING code;

-- name: all_programs
-- Every program for the console, drafts included: its latest version and the one in effect.
SELECT p.code, p.kind, p.article, p.title_zh, p.title_en,
       (SELECT max(version) FROM program_versions v WHERE v.program_code = p.code) AS latest,
       program_version_on(p.code, $1::date) AS in_effect,
       (SELECT count(*) FROM program_versions v WHERE v.program_code = p.code AND v.status = 'draft') AS drafts
FROM programs p ORDER BY p.code;

-- name: budgets_for_year
-- Every program's city budget for the year (nothing, when none is set), then each district's
-- budget that is set, by district; $2: the only districts shown (a district's staff), NULL: all.
SELECT * FROM (
    SELECT p.code AS program, $1::int AS year, 'city' AS funder,
           coalesce(b.allocated_fen, 0) AS allocated_fen,
           coalesce(b.reserved_fen, 0) AS reserved_fen,
           coalesce(b.spent_fen, 0) AS spent_fen,
           b.program_code IS NOT NULL AS set
    FROM programs p
    LEFT JOIN budgets b ON b.program_code = p.code AND b.year = $1 AND b.funder = 'city'
    UNION ALL
    SELECT b.program_code, b.year, b.funder, b.allocated_fen, b.reserved_fen, b.spent_fen, true
    FROM budgets b
    WHERE b.year = $1 AND b.funder <> 'city' AND ($2::text[] IS NULL OR b.funder = ANY($2))
) rows
ORDER BY program, funder <> 'city', funder;

-- name: budget_totals_for_year
-- Each program's budgets for the year added up, the city's and the districts' ($2 as in
-- budgets_for_year).
SELECT p.code AS program, $1::int AS year, 'all' AS funder,
       coalesce(sum(b.allocated_fen), 0)::bigint AS allocated_fen,
       coalesce(sum(b.reserved_fen), 0)::bigint AS reserved_fen,
       coalesce(sum(b.spent_fen), 0)::bigint AS spent_fen,
       count(b.program_code) > 0 AS set
FROM programs p
LEFT JOIN budgets b ON b.program_code = p.code AND b.year = $1
    AND (b.funder = 'city' OR $2::text[] IS NULL OR b.funder = ANY($2))
GROUP BY p.code
ORDER BY p.code;

-- name: set_budget
INSERT INTO budgets (program_code, year, funder, allocated_fen, updated_at)
VALUES ($1, $2, $5, $3, $4)
ON CONFLICT (program_code, year, funder) DO UPDATE SET allocated_fen = EXCLUDED.allocated_fen, updated_at = EXCLUDED.updated_at
RETURNING program_code AS program, year, funder, allocated_fen, reserved_fen, spent_fen, (
    SELECT allocated_fen FROM budgets WHERE program_code = $1 AND year = $2 AND funder = $5
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
SELECT kind, params, effective_from, effective_to, status
FROM program_versions v JOIN programs p ON p.code = v.program_code
WHERE v.program_code = $1 AND v.version = $2;

-- name: definition_text
-- A version's definition as the text it is stored as (the portal decodes each text once).
SELECT p.article, v.params::text AS params, v.status
FROM program_versions v JOIN programs p ON p.code = v.program_code
WHERE v.program_code = $1 AND v.version = $2;

-- name: budget_row
-- The city's budget (a call's ranking is the city's; no program with a call splits its awards).
SELECT allocated_fen, reserved_fen, spent_fen FROM budgets
WHERE program_code = $1 AND year = $2 AND funder = 'city';

-- ---------------------------------------------------------------- claims on programs defined as data

-- name: live_of_program_for_org
-- The organization's other live applications of the program (submitted and on; not dead), each
-- with the calendar year it was submitted in.
SELECT extract(year FROM coalesce(submitted_at, created_at) AT TIME ZONE 'Asia/Shanghai')::int AS year
FROM applications
WHERE program_code = $1 AND org_id = $2 AND id IS DISTINCT FROM $3::uuid
  AND status NOT IN ('draft', 'withdrawn', 'rejected', 'lapsed');

-- name: live_of_program_naming
-- Every other live application of the program (of organization $4 only, when given), with what
-- it names in field $2, whatever its layout, and the calendar year it was submitted in.
SELECT coalesce(payload -> 'fields', payload) ->> $2 AS named,
       extract(year FROM coalesce(submitted_at, created_at) AT TIME ZONE 'Asia/Shanghai')::int AS year
FROM applications
WHERE program_code = $1 AND id <> $3 AND status NOT IN ('draft', 'withdrawn', 'rejected', 'lapsed')
  AND ($4::uuid IS NULL OR org_id = $4);

-- name: live_of_program_for_org_rows
-- The organization's other live applications of the program ($3 NULL: all of them).
SELECT id, payload FROM applications
WHERE program_code = $1 AND org_id = $2 AND id IS DISTINCT FROM $3::uuid
  AND status NOT IN ('draft', 'withdrawn', 'rejected', 'lapsed');

-- name: org_live_programs
SELECT DISTINCT program_code FROM applications
WHERE org_id = $1 AND id <> $2 AND status NOT IN ('draft', 'withdrawn', 'rejected', 'lapsed');

-- name: awarded_in_program
-- The organization's other awards in the program, each with what it names in field $4.
SELECT amount_approved_fen AS amount_fen, coalesce(payload -> 'fields', payload) ->> $4 AS named
FROM applications
WHERE program_code = $1 AND org_id = $2 AND id IS DISTINCT FROM $3::uuid
  AND amount_approved_fen IS NOT NULL;

-- name: version_of
SELECT v.*, p.kind FROM program_versions v JOIN programs p ON p.code = v.program_code
WHERE v.program_code = $1 AND v.version = $2;

-- name: program_by_code
-- A program whatever its versions (a new one may have only a draft).
SELECT code, kind, article, title_zh, title_en FROM programs WHERE code = $1;

-- name: version_on
SELECT program_version_on($1, $2::date);
