-- name: outbox_insert
INSERT INTO outbox (created_at, topic, payload) VALUES ($1, $2, $3) RETURNING id;

-- name: outbox_notify
SELECT pg_notify('outbox', '');
