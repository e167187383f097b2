-- ---------------------------------------------------------------- relay

-- name: relay_claim_outbox
-- Rows no other relay holds; they stay locked until this relay commits or rolls back.
SELECT id, created_at, topic, payload FROM outbox
WHERE relayed_at IS NULL
ORDER BY id
LIMIT $1
FOR UPDATE SKIP LOCKED;

-- name: relay_mark_relayed
-- A link's token is in the row only until its mail is planned (then in the delivery until sent).
UPDATE outbox SET relayed_at = $2, payload = payload - 'token' WHERE id = ANY($1::bigint[]);

-- name: relay_org_users
SELECT id, org_id, email, phone, language FROM users
WHERE org_id = ANY($1::uuid[]) AND is_active;

-- name: relay_staff_users
-- Active staff with their roles and scope (districts; none: the city's).
SELECT u.id, u.email, u.phone, u.language, array_agg(r.role ORDER BY r.role) AS roles,
       u.districts
FROM users u JOIN user_roles r ON r.user_id = u.id
WHERE u.org_id IS NULL AND u.is_active
GROUP BY u.id
ORDER BY u.id;

-- name: relay_preferences
SELECT user_id, topic, channel, enabled FROM notification_preferences
WHERE user_id = ANY($1::uuid[]) AND topic = ANY($2::text[]);

-- name: relay_applications
SELECT a.id, a.org_id, a.type, a.title, o.name AS org_name, a.district_code
FROM applications a JOIN organizations o ON o.id = a.org_id
WHERE a.id = ANY($1::uuid[]);

-- name: relay_insert_deliveries
-- Inbox deliveries are written sent (the notification row goes in with them); the others wait
-- for their job, numbered 1, and for the sweep after $7.
INSERT INTO deliveries (outbox_id, channel, user_id, address, subject, body, status, enqueues,
                        due_at, created_at, updated_at, sent_at)
SELECT t.o, t.c, t.u, t.a, t.s, t.b,
       CASE WHEN t.c = 'inbox' THEN 'sent' ELSE 'pending' END,
       CASE WHEN t.c = 'inbox' THEN 0 ELSE 1 END,
       CASE WHEN t.c = 'inbox' THEN NULL ELSE $7::timestamptz END,
       $8, $8,
       CASE WHEN t.c = 'inbox' THEN $8::timestamptz END
FROM unnest($1::bigint[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[])
     AS t(o, c, u, a, s, b)
ON CONFLICT (outbox_id, channel, user_id) DO NOTHING
RETURNING id, outbox_id, channel, user_id, enqueues;

-- name: relay_insert_notifications
INSERT INTO notifications (user_id, delivery_id, topic, title, body, application_id, created_at)
SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::uuid[],
                     $7::timestamptz[])
ON CONFLICT (delivery_id) DO NOTHING;

-- ---------------------------------------------------------------- deliveries

-- name: delivery_claim
-- Only the latest job of a row still to send may act; it holds the row until $3 (the sweep
-- leaves it alone until then).
UPDATE deliveries SET attempts = attempts + 1, due_at = $3, updated_at = $4
WHERE id = $1 AND enqueues = $2 AND status IN ('pending', 'failed')
RETURNING id, outbox_id, channel, user_id, address, subject, body, attempts;

-- name: delivery_wait_for_relay
-- Blocks while the relay that made the row has not committed (it holds the outbox row).
SELECT id FROM outbox WHERE id = $1 FOR KEY SHARE;

-- name: delivery_sent
-- Once sent, a link's token is no longer kept in the mail's text.
UPDATE deliveries SET status = 'sent', sent_at = $2, updated_at = $2, due_at = NULL, last_error = NULL,
    body = CASE WHEN strpos(body, 'token=') > 0
                THEN regexp_replace(body, 'token=[A-Za-z0-9_-]+', 'token=…', 'g') ELSE body END
WHERE id = $1 AND status IN ('pending', 'failed');

-- name: delivery_failed
UPDATE deliveries SET status = 'failed', last_error = $2, due_at = $3, updated_at = $4
WHERE id = $1 AND status IN ('pending', 'failed');

-- name: delivery_dead
UPDATE deliveries SET status = 'dead', last_error = $2, due_at = NULL, updated_at = $3
WHERE id = $1 AND status IN ('pending', 'failed');

-- name: deliveries_sweep
-- Rows no live job will finish: never enqueued, lost with Redis, or held by a dead worker.
-- Each gets a new job number, so the job ids are new and arq's dedup cannot swallow them.
UPDATE deliveries d SET enqueues = d.enqueues + 1, due_at = $2, updated_at = $1
FROM (
    SELECT id FROM deliveries
    WHERE status IN ('pending', 'failed') AND due_at <= $1
    ORDER BY due_at
    LIMIT $3
    FOR UPDATE SKIP LOCKED
) due
WHERE d.id = due.id
RETURNING d.id, d.enqueues, d.outbox_id;

-- name: deliveries_notify
SELECT pg_notify('deliveries', '');

-- ---------------------------------------------------------------- inbox

-- name: inbox_page
SELECT id, topic, title, body, created_at, read_at, application_id FROM notifications
WHERE user_id = $1
  AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
ORDER BY created_at DESC, id DESC
LIMIT $4;

-- name: inbox_unread
SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL;

-- name: inbox_read
UPDATE notifications SET read_at = coalesce(read_at, $3)
WHERE id = $1 AND user_id = $2
RETURNING id, topic, title, body, created_at, read_at, application_id;

-- name: inbox_read_all
UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL;

-- ---------------------------------------------------------------- preferences

-- name: preferences_of
SELECT topic, channel, enabled FROM notification_preferences WHERE user_id = $1;

-- name: preferences_upsert
INSERT INTO notification_preferences (user_id, topic, channel, enabled, updated_at)
SELECT $1, t.topic, t.channel, t.enabled, $5
FROM unnest($2::text[], $3::text[], $4::boolean[]) AS t(topic, channel, enabled)
ON CONFLICT (user_id, topic, channel) DO UPDATE
SET enabled = EXCLUDED.enabled, updated_at = EXCLUDED.updated_at;

-- ---------------------------------------------------------------- dead letters

-- name: dead_letters_page
SELECT d.id, d.outbox_id, o.topic, d.channel, d.user_id, u.email AS user_email, d.address,
       d.attempts, d.last_error, d.created_at, d.updated_at
FROM deliveries d
JOIN outbox o ON o.id = d.outbox_id
LEFT JOIN users u ON u.id = d.user_id
WHERE d.status = 'dead' AND ($1::bigint IS NULL OR d.id < $1)
ORDER BY d.id DESC
LIMIT $2;

-- name: dead_letter_retry
-- Back to pending with a fresh count of tries; the workers' sweep enqueues it.
UPDATE deliveries SET status = 'pending', attempts = 0, due_at = $2, updated_at = $2
WHERE id = $1 AND status = 'dead'
RETURNING id, status, outbox_id, channel;

-- name: delivery_exists
SELECT status FROM deliveries WHERE id = $1;

-- ---------------------------------------------------------------- scheduled

-- name: reminder_take
-- The first to insert the key sends the reminder; any other run finds it taken.
INSERT INTO reminders_sent (subject, kind, sent_at) VALUES ($1, $2, $3)
ON CONFLICT (subject, kind) DO NOTHING
RETURNING kind;

-- name: claim_deadline_candidates
-- Recognized earlier applications (filings) whose claim window, as their program's link_window
-- rule says (days after one of their dates), closes within $2 days, and with no claim
-- submitted yet (a draft or returned claim still has to be submitted in time).
SELECT a.id, a.org_id, a.type, a.program_code, a.reference, a.title,
       (a.payload ->> (w.rule ->> 'field'))::date + (w.rule ->> 'to_days')::int AS last_day
FROM applications a
JOIN application_types t ON t.type = a.type AND t.prior
JOIN program_versions pv ON pv.program_code = a.program_code AND pv.version = a.program_version
CROSS JOIN LATERAL (
    SELECT jsonb_path_query_first(pv.params, '$.eligibility[*] ? (@.rule == "link_window")') AS rule
) w
WHERE a.status = 'recognized' AND w.rule IS NOT NULL
  AND (a.payload ->> (w.rule ->> 'field'))::date < $1
  AND (a.payload ->> (w.rule ->> 'field'))::date + (w.rule ->> 'to_days')::int
      BETWEEN $1 AND $1 + $2::int
  AND NOT EXISTS (
      SELECT 1 FROM applications c
      WHERE c.filing_id = a.id
        AND c.status NOT IN ('draft', 'returned', 'withdrawn', 'rejected', 'lapsed'))
ORDER BY a.id;

-- name: review_sla_candidates
-- Waiting for staff since before $1 (a cheap bound; working days are counted by the caller),
-- with the review chain and district that say whose step it is (domain.stages.stage_of).
SELECT a.id, a.org_id, a.type, a.program_code, a.reference, a.title, a.status, a.updated_at,
       coalesce((pv.params->>'review_sla_working_days')::int, 5) AS sla,
       pv.params->'workflow'->>'review_chain' AS chain, a.district_code
FROM applications a
JOIN program_versions pv ON pv.program_code = a.program_code AND pv.version = a.program_version
WHERE a.status IN ('submitted', 'reviewed') AND a.updated_at < $1
  AND NOT EXISTS (
      SELECT 1 FROM reminders_sent s
      WHERE s.subject = a.id::text
        AND s.kind = 'review_sla:' || a.status || ':' || floor(extract(epoch FROM a.updated_at))::bigint)
ORDER BY a.updated_at, a.id;

-- name: digest_queue_counts
SELECT status, count(*) AS n FROM applications
WHERE status IN ('submitted', 'reviewed', 'approved', 'publicized', 'confirmed')
GROUP BY status;

-- name: digest_open_objections
SELECT count(*) FROM objections WHERE status = 'open';

-- name: digest_staff
-- Active staff with their roles and scope (districts; none: the city's), each sent a digest.
SELECT u.id, u.districts, array_agg(r.role ORDER BY r.role) AS roles
FROM users u JOIN user_roles r ON r.user_id = u.id
WHERE u.org_id IS NULL AND u.is_active
GROUP BY u.id
ORDER BY u.id;

-- name: digest_rules
-- Each program version's service-level limit and review chain (NULL: the defaults): few rows,
-- read apart from the items so that no definition is read once an item.
SELECT program_code, version, (params->>'review_sla_working_days')::int AS sla,
       params->'workflow'->>'review_chain' AS chain
FROM program_versions;

-- name: digest_waiting
-- What waits for staff, oldest first: where and since when (its last status change).
SELECT id, reference, title, type, status, program_code, program_version, district_code, updated_at
FROM applications
WHERE status IN ('submitted', 'reviewed', 'approved', 'publicized', 'confirmed')
ORDER BY updated_at, id;
