-- Article 八's park award is paid once a year for at most three consecutive years, and article
-- 三's compute grant over at most three consecutive years: a new version of each says so.
-- It takes the window of the latest published version (version 1 in a fresh install), as 0028
-- did: where windows overlap the later version governs, so every day is the new version's. The
-- published one is left as it is; an application started under it keeps it and is counted.

INSERT INTO program_versions (program_code, version, effective_from, effective_to, params, note,
                              created_at, created_by, status, published_at, published_by)
SELECT v.program_code,
       (SELECT max(n.version) + 1 FROM program_versions n WHERE n.program_code = v.program_code),
       v.effective_from, v.effective_to,
       jsonb_set(v.params, '{eligibility}', (v.params -> 'eligibility') || c.rules),
       c.note, now(), 'migration', 'published', now(), 'migration'
FROM (VALUES
    ('ai-park-award', '[
        {"rule": "at_most", "per": "park_name", "years": 1, "code": "year_limit_reached"},
        {"rule": "within_years", "years": 3, "per": "park_name"}]'::jsonb,
     '每个园区每年至多申报一次,自首次申报起连续三个自然年度内'),
    ('vertical-model-compute', '[{"rule": "within_years", "years": 3, "per": "model_name"}]'::jsonb,
     '同一模型自首次申报起连续三个自然年度内申报')
) AS c (code, rules, note)
JOIN LATERAL (
    SELECT * FROM program_versions p
    WHERE p.program_code = c.code AND p.status = 'published'
    ORDER BY p.version DESC LIMIT 1
) v ON true;
