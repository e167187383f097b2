-- name: outbox_insert
INSERT INTO outbox (created_at, topic, payload) VALUES ($1, $2, $3) RETURNING id;

-- name: outbox_notify
SELECT pg_notify('outbox', '');

-- name: outbox_health
-- The lag leaves out silent topics ($2): no one waits for them, and they wake no relay (they wait
-- for its 5-second tick).
SELECT (SELECT count(*) FROM outbox WHERE relayed_at IS NULL) AS pending,
       coalesce(extract(epoch FROM $1::timestamptz - (SELECT min(created_at) FROM outbox
                                                      WHERE relayed_at IS NULL AND topic <> ALL($2::text[]))), 0)::float8 AS lag_seconds,
       (SELECT count(*) FROM deliveries WHERE status = 'dead') AS dead;
