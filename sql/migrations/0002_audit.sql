-- The append-only, hash-chained audit trail.
-- One chain covers the whole table: row n carries the hash of row n-1. Appends take a
-- transaction-level advisory lock, so seq has no gaps and the chain no forks.

CREATE TABLE audit_events (
    seq         bigint PRIMARY KEY CHECK (seq > 0),
    at          timestamptz NOT NULL,
    actor       text NOT NULL,
    action      text NOT NULL,
    entity_type text NOT NULL,
    entity_id   text NOT NULL,
    data        jsonb NOT NULL DEFAULT '{}'::jsonb,
    prev_hash   bytea NOT NULL CHECK (length(prev_hash) = 32),
    hash        bytea NOT NULL UNIQUE CHECK (length(hash) = 32)
);
CREATE INDEX audit_events_entity_idx ON audit_events (entity_type, entity_id, seq);

-- The one definition of a row's hash, used to append and to verify. The row is hashed as a
-- JSON array, so no field can bleed into its neighbour; time is rendered in UTC explicitly.
CREATE FUNCTION audit_hash(
    p_seq bigint, p_at timestamptz, p_actor text, p_action text, p_entity_type text,
    p_entity_id text, p_data jsonb, p_prev_hash bytea
) RETURNS bytea LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT sha256(convert_to(jsonb_build_array(
        p_seq,
        to_char(p_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        p_actor, p_action, p_entity_type, p_entity_id, p_data,
        encode(p_prev_hash, 'hex'))::text, 'UTF8'))
$$;

CREATE FUNCTION audit_append(
    p_at timestamptz, p_actor text, p_action text, p_entity_type text, p_entity_id text,
    p_data jsonb
) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    v_seq  bigint;
    v_prev bytea;
BEGIN
    PERFORM pg_advisory_xact_lock(7340000002);
    SELECT seq, hash INTO v_seq, v_prev FROM audit_events ORDER BY seq DESC LIMIT 1;
    v_seq := coalesce(v_seq, 0) + 1;
    v_prev := coalesce(v_prev, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea);
    INSERT INTO audit_events (seq, at, actor, action, entity_type, entity_id, data, prev_hash, hash)
    VALUES (v_seq, p_at, p_actor, p_action, p_entity_type, p_entity_id, p_data, v_prev,
            audit_hash(v_seq, p_at, p_actor, p_action, p_entity_type, p_entity_id, p_data, v_prev));
    RETURN v_seq;
END
$$;

CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_events_append_only
    BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
CREATE TRIGGER audit_events_no_truncate
    BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();
