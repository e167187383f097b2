-- name: call_of
SELECT opens_on, closes_on FROM calls WHERE program_code = $1 AND year = $2;

-- name: upsert_call
INSERT INTO calls (program_code, year, opens_on, closes_on, updated_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (program_code, year) DO UPDATE SET opens_on = EXCLUDED.opens_on, closes_on = EXCLUDED.closes_on,
    updated_at = EXCLUDED.updated_at
RETURNING program_code, year, opens_on, closes_on;

-- name: calls_list
SELECT program_code, year, opens_on, closes_on FROM calls ORDER BY year DESC, program_code;

-- name: scores_count
SELECT count(*) FROM scores WHERE application_id = $1;

-- name: insert_score
INSERT INTO scores (application_id, reviewer_id, score, comment, declared_no_conflict, created_at)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT DO NOTHING
RETURNING score;

-- name: ranking_candidates
-- Program $1's passed applications of the call of year $3 (its year in field $2, or the year
-- they were submitted in), every district's: the call's budget is the city's, so the ranking is
-- too (the caller shows a district's staff only their own).
SELECT a.id, a.type, a.title, a.submitted_at, a.program_code, a.program_version, a.payload, a.filing_id,
       a.org_id, a.district_code, o.name AS org_name,
       array(SELECT s.score FROM scores s WHERE s.application_id = a.id ORDER BY s.reviewer_id) AS scores
FROM applications a JOIN organizations o ON o.id = a.org_id
WHERE a.program_code = $1 AND a.status = 'reviewed'
  AND coalesce((coalesce(a.payload -> 'fields', a.payload) ->> nullif($2, ''))::int,
               extract(year FROM a.submitted_at)::int) = $3
ORDER BY a.submitted_at, a.id;

-- name: approved_lines_total
SELECT coalesce(sum(coalesce(approved_fen, amount_fen)), 0)::bigint FROM application_lines WHERE application_id = $1;
