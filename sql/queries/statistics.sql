-- Statistics: public figures (money approved and paid, counts, time to payment) and the staff's
-- (backlog, throughput, budgets). Each is one aggregate; the portal keeps the public ones for a
-- minute (portal/statistics/cache.py), so a million applications are read once a minute, not
-- once a request. Drafts are never counted.

-- name: statistics_applications
-- Every application but drafts, by program, the organization's district, the budget year (the
-- approval's) and status: counts, and the awards approved (summed where the status keeps one).
SELECT a.program_code AS program, o.district_code AS district, a.budget_year AS year, a.status,
       count(*)::int AS n, coalesce(sum(a.amount_approved_fen), 0)::bigint AS approved_fen
FROM applications a
JOIN organizations o ON o.id = a.org_id
WHERE a.status <> 'draft'
GROUP BY 1, 2, 3, 4;

-- name: statistics_paid
-- Payments by program, district and the year they were paid in.
SELECT a.program_code AS program, o.district_code AS district,
       extract(year FROM d.paid_on)::int AS year,
       count(*)::int AS n, sum(d.amount_fen)::bigint AS paid_fen
FROM disbursements d
JOIN applications a ON a.id = d.application_id
JOIN organizations o ON o.id = a.org_id
GROUP BY 1, 2, 3;

-- name: statistics_payment_days
-- Days from (the last) submission, a date in China, to the payment date: the median over every
-- payment.
SELECT percentile_cont(0.5) WITHIN GROUP (
           ORDER BY d.paid_on - (a.submitted_at AT TIME ZONE 'Asia/Shanghai')::date) AS median,
       count(*)::int AS n
FROM disbursements d
JOIN applications a ON a.id = d.application_id
WHERE a.submitted_at IS NOT NULL;

-- name: statistics_programs
SELECT code, title_zh, title_en FROM programs ORDER BY code;

-- name: statistics_backlog
-- What waits for staff, by stage, the service-level limit of its program's version ($1 where
-- it sets none, as Q.review_sla_candidates) and the business date it entered the stage (its
-- last status change): few rows, whose ages in working days the caller counts. Grouped before
-- the versions are joined, so each version's definition is read once, not once a row. $2: the
-- caller's districts, or NULL (the city's scope: all).
SELECT g.status, coalesce((pv.params->>'review_sla_working_days')::int, $1) AS sla, g.since,
       sum(g.n)::int AS n
FROM (
    SELECT status, program_code, program_version,
           (updated_at AT TIME ZONE 'Asia/Shanghai')::date AS since, count(*) AS n
    FROM applications
    WHERE status IN ('submitted', 'reviewed', 'approved', 'publicized', 'confirmed')
      AND ($2::text[] IS NULL OR district_code = ANY($2))
    GROUP BY 1, 2, 3, 4
) g
JOIN program_versions pv ON pv.program_code = g.program_code AND pv.version = g.program_version
GROUP BY 1, 2, 3;

-- name: statistics_decisions
-- Staff decisions since $1, per person and action, from the audit trail. The action list is
-- the partial index's (migration 0027), written out so the planner can use it. $2: the caller's
-- districts (decisions on their applications only), or NULL.
SELECT d.actor, u.name, d.action, d.n
FROM (
    SELECT actor, action, count(*)::int AS n
    FROM audit_events
    WHERE at >= $1
      AND action IN ('application.pass', 'application.return', 'application.reject',
                     'application.approve', 'application.uphold_objection')
      AND ($2::text[] IS NULL OR EXISTS (
          SELECT FROM applications a WHERE a.id::text = entity_id AND a.district_code = ANY($2)))
    GROUP BY actor, action
) d
LEFT JOIN users u ON d.actor LIKE 'user:%' AND u.id::text = substr(d.actor, 6)
ORDER BY u.name, d.actor, d.action;
