-- The audit chain is sealed after commit, by one sealer at a time, instead of inside every
-- writing transaction.
--
-- Before, each append took a global lock and held it to its commit, WAL flush included: every
-- audited write in every portal process queued behind one fsync at a time, and a second portal
-- process made the POST slower, not faster (docs/PERFORMANCE.md). Now an append is a plain
-- INSERT: `seq` comes from a sequence (gaps where a transaction rolled back) and says the order
-- events were written in. `audit_seal` (the workers, every second, and `portal audit verify`)
-- then links the committed rows into the chain: `chain_no` 1, 2, 3… with no gaps, each row's
-- hash covering its contents, its position and the previous row's hash, exactly as before
-- (audit_hash over chain_no). Rows written before this migration keep their hashes:
-- chain_no = seq for them.
--
-- An event is tamper-evident from its sealing on, usually within a second of its commit.

ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only;
ALTER TABLE audit_events ADD COLUMN chain_no bigint;
UPDATE audit_events SET chain_no = seq;
ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only;

ALTER TABLE audit_events
    ALTER COLUMN prev_hash DROP NOT NULL,
    ALTER COLUMN hash DROP NOT NULL,
    ADD CONSTRAINT audit_events_chain_no_key UNIQUE (chain_no),
    ADD CONSTRAINT audit_events_chain_no_check CHECK (chain_no > 0),
    ADD CONSTRAINT audit_events_sealed_whole
        CHECK ((chain_no IS NULL) = (hash IS NULL) AND (chain_no IS NULL) = (prev_hash IS NULL));
CREATE INDEX audit_events_unsealed_idx ON audit_events (seq) WHERE chain_no IS NULL;

CREATE SEQUENCE audit_events_seq OWNED BY audit_events.seq;
SELECT setval('audit_events_seq', coalesce(max(seq), 0) + 1, false) FROM audit_events;
ALTER TABLE audit_events ALTER COLUMN seq SET DEFAULT nextval('audit_events_seq');

-- Rows are never changed, with one exception: sealing sets chain_no, prev_hash and hash, once.
CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.chain_no IS NULL AND NEW.chain_no IS NOT NULL
       AND (NEW.seq, NEW.at, NEW.actor, NEW.action, NEW.entity_type, NEW.entity_id, NEW.data)
           IS NOT DISTINCT FROM
           (OLD.seq, OLD.at, OLD.actor, OLD.action, OLD.entity_type, OLD.entity_id, OLD.data) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE OR REPLACE FUNCTION audit_append(
    p_at timestamptz, p_actor text, p_action text, p_entity_type text, p_entity_id text,
    p_data jsonb
) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    v_seq bigint;
BEGIN
    INSERT INTO audit_events (at, actor, action, entity_type, entity_id, data)
    VALUES (p_at, p_actor, p_action, p_entity_type, p_entity_id, p_data)
    RETURNING seq INTO v_seq;
    RETURN v_seq;
END
$$;

-- Link up to p_limit committed, unsealed events into the chain, in seq order; returns how many.
-- The lock makes sealers take turns; writers never wait for it.
CREATE FUNCTION audit_seal(p_limit integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    v_no   bigint;
    v_prev bytea;
    v_hash bytea;
    v_n    integer := 0;
    r      record;
BEGIN
    PERFORM pg_advisory_xact_lock(7340000002);
    SELECT chain_no, hash INTO v_no, v_prev FROM audit_events
    WHERE chain_no IS NOT NULL ORDER BY chain_no DESC LIMIT 1;
    v_no := coalesce(v_no, 0);
    v_prev := coalesce(v_prev, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea);
    FOR r IN
        SELECT seq, at, actor, action, entity_type, entity_id, data FROM audit_events
        WHERE chain_no IS NULL ORDER BY seq LIMIT p_limit
    LOOP
        v_no := v_no + 1;
        v_hash := audit_hash(v_no, r.at, r.actor, r.action, r.entity_type, r.entity_id, r.data, v_prev);
        UPDATE audit_events SET chain_no = v_no, prev_hash = v_prev, hash = v_hash
        WHERE seq = r.seq;
        v_prev := v_hash;
        v_n := v_n + 1;
    END LOOP;
    RETURN v_n;
END
$$;
