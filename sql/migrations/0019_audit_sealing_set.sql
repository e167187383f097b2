-- An audit event appended and sealed at less than half the cost (one UPDATE per batch).
-- The chain, the hash and the rule that a row never changes but to be sealed once are as 0016
-- left them.
--
-- 1. audit_seal computes the batch's hashes in its loop, then writes them in one UPDATE: one
--    executor start for the batch instead of one per event.
-- 2. The append-only rule, and the shape of a sealed row that five CHECK constraints kept, are
--    the UPDATE trigger's WHEN condition. The executor evaluates it once per sealing statement's
--    rows; a CHECK constraint is read back from its text and prepared again on every INSERT,
--    which cost each append more than its row. The PL/pgSQL function runs only to refuse.
--    DELETE gets a trigger of its own, because a WHEN that reads NEW cannot be on a DELETE
--    trigger. `IS NOT TRUE`, not NOT: a NULL in the condition must refuse, not let through.
--    seq > 0 is the sequence's to keep: it starts at 1.
-- 3. The hash's UNIQUE constraint goes: each hash covers its own chain_no, which is unique, so
--    two equal hashes would take a SHA-256 collision. Nothing looks an event up by its hash, and
--    its index cost every sealed event an insertion at a random place.
-- 4. The chain_no index holds sealed events only. It held every unsealed one as a NULL, which
--    the partial index of unsealed events (0016) already lists in seq order: each append wrote
--    the same fact twice. Uniqueness is unchanged; NULLs never conflicted.

DROP TRIGGER audit_events_append_only ON audit_events;

CREATE OR REPLACE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_events_append_only
    BEFORE UPDATE ON audit_events
    FOR EACH ROW
    WHEN ((OLD.chain_no IS NULL AND NEW.chain_no > 0
           AND length(NEW.hash) = 32 AND length(NEW.prev_hash) = 32
           AND (NEW.seq, NEW.at, NEW.actor, NEW.action, NEW.entity_type, NEW.entity_id, NEW.data)
               IS NOT DISTINCT FROM
               (OLD.seq, OLD.at, OLD.actor, OLD.action, OLD.entity_type, OLD.entity_id, OLD.data))
          IS NOT TRUE)
    EXECUTE FUNCTION audit_events_refuse_change();
CREATE TRIGGER audit_events_no_delete
    BEFORE DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();

ALTER TABLE audit_events
    DROP CONSTRAINT audit_events_hash_key,
    DROP CONSTRAINT audit_events_chain_no_check,
    DROP CONSTRAINT audit_events_hash_check,
    DROP CONSTRAINT audit_events_prev_hash_check,
    DROP CONSTRAINT audit_events_sealed_whole,
    DROP CONSTRAINT audit_events_seq_check,
    DROP CONSTRAINT audit_events_chain_no_key;
CREATE UNIQUE INDEX audit_events_chain_no_key ON audit_events (chain_no) WHERE chain_no IS NOT NULL;

CREATE OR REPLACE FUNCTION audit_seal(p_limit integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    v_no     bigint;
    v_prev   bytea;
    v_hash   bytea;
    v_seqs   bigint[] := '{}';
    v_nos    bigint[] := '{}';
    v_prevs  bytea[] := '{}';
    v_hashes bytea[] := '{}';
    r        record;
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
        v_seqs := v_seqs || r.seq;
        v_nos := v_nos || v_no;
        v_prevs := v_prevs || v_prev;
        v_hashes := v_hashes || v_hash;
        v_prev := v_hash;
    END LOOP;
    UPDATE audit_events e SET chain_no = s.chain_no, prev_hash = s.prev_hash, hash = s.hash
    FROM unnest(v_seqs, v_nos, v_prevs, v_hashes) AS s (seq, chain_no, prev_hash, hash)
    WHERE e.seq = s.seq;
    RETURN cardinality(v_seqs);
END
$$;
