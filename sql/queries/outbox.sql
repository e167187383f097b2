-- name: outbox_insert
INSERT INTO outbox (created_at, topic, payload) VALUES ($1, $2, $3) RETURNING id;

-- name: outbox_notify
SELECT pg_notify('outbox', '');

-- name: outbox_health
SELECT (SELECT count(*) FROM outbox WHERE relayed_at IS NULL) AS pending,
       coalesce(extract(epoch FROM $1::timestamptz - (SELECT min(created_at) FROM outbox WHERE relayed_at IS NULL)), 0)::float8 AS lag_seconds,
       (SELECT count(*) FROM deliveries WHERE status = 'dead') AS dead;
