-- name: audit_append
SELECT audit_append($1, $2, $3, $4, $5, $6);

-- name: audit_seal
SELECT audit_seal($1);

-- name: audit_first_broken
-- The first sealed row (in chain order) whose stored hash differs from its recomputed one, whose
-- prev_hash is not the previous row's hash, or whose chain_no skips (a deleted row).
SELECT seq, reason FROM (
    SELECT seq, chain_no,
           CASE
               WHEN chain_no <> row_number() OVER w THEN 'missing rows before this one'
               WHEN prev_hash <> coalesce(lag(hash) OVER w, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea)
                   THEN 'prev_hash does not match the previous row'
               WHEN hash <> audit_hash(chain_no, at, actor, action, entity_type, entity_id, data, prev_hash)
                   THEN 'contents do not match the row''s hash'
           END AS reason
    FROM audit_events
    WHERE chain_no IS NOT NULL
    WINDOW w AS (ORDER BY chain_no)
) checked
WHERE reason IS NOT NULL
ORDER BY chain_no
LIMIT 1;

-- name: audit_count
SELECT count(chain_no) AS sealed, count(*) - count(chain_no) AS unsealed FROM audit_events;

-- name: audit_for_entity
SELECT seq, at, actor, action, data FROM audit_events
WHERE entity_type = $1 AND entity_id = $2
ORDER BY seq;


-- name: audit_recent
-- Newest first, keyset on seq; the acting user's name when the actor is a user.
SELECT e.seq, e.at, e.actor, e.action, e.entity_type, e.entity_id, e.data,
       u.name AS actor_name, u.email AS actor_email
FROM audit_events e
LEFT JOIN users u
       ON u.id = CASE WHEN e.actor ~ '^user:[0-9a-f-]{36}$' THEN substr(e.actor, 6)::uuid END
WHERE ($1::bigint IS NULL OR e.seq < $1)
  AND ($2::text IS NULL OR e.entity_type = $2)
  AND ($3::text IS NULL OR e.entity_id = $3)
ORDER BY e.seq DESC
LIMIT $4;
