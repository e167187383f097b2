-- name: calendar_all
SELECT day, kind FROM calendar_days;

-- name: calendar_year
SELECT day, kind, name_zh, name_en FROM calendar_days
WHERE day >= make_date($1, 1, 1) AND day < make_date($1 + 1, 1, 1)
ORDER BY day;

-- name: calendar_upsert
INSERT INTO calendar_days (day, kind, name_zh, name_en) VALUES ($1, $2, $3, $4)
ON CONFLICT (day) DO UPDATE SET kind = EXCLUDED.kind, name_zh = EXCLUDED.name_zh, name_en = EXCLUDED.name_en
RETURNING day, kind, name_zh, name_en;

-- name: calendar_delete
DELETE FROM calendar_days WHERE day = $1 RETURNING day, kind, name_zh, name_en;
