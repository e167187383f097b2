-- The end of the money flow: objections examined before money moves, payments in batches, the
-- recovery of a paid award, a bank account an organization keeps on file, and one throttle
-- table for every rate limit (sign-ins and the anonymous objection form).

-- An objection stays open until an approver resolves it, once.
ALTER TABLE objections
    ADD COLUMN status text NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'dismissed', 'upheld')),
    ADD COLUMN resolution_comment text,
    ADD COLUMN resolved_by uuid REFERENCES users (id),
    ADD COLUMN resolved_at timestamptz;
UPDATE objections SET status = 'upheld', resolved_at = upheld_at, resolution_comment = ''
WHERE upheld_at IS NOT NULL;
ALTER TABLE objections DROP COLUMN upheld_at;
ALTER TABLE objections ADD CONSTRAINT objections_resolution_check CHECK (
    (status = 'open') = (resolved_at IS NULL) AND (status = 'open') = (resolution_comment IS NULL)
);
CREATE INDEX objections_open_idx ON objections (application_id) WHERE status = 'open';
CREATE INDEX objections_listed_idx ON objections (created_at, id);

-- A resolution is final: the database refuses to change a resolved objection, whoever asks.
CREATE FUNCTION objections_resolved_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'objection % is already resolved', OLD.id
        USING ERRCODE = 'integrity_constraint_violation';
END
$$;
CREATE TRIGGER objections_resolved_once
    BEFORE UPDATE ON objections
    FOR EACH ROW WHEN (OLD.status <> 'open')
    EXECUTE FUNCTION objections_resolved_once();

-- Many payments recorded at once; each is still one row of disbursements (one per application).
CREATE TABLE payment_batches (
    id          uuid PRIMARY KEY DEFAULT uuid7(),
    items       integer NOT NULL CHECK (items > 0),
    total_fen   bigint NOT NULL CHECK (total_fen > 0),
    recorded_by uuid NOT NULL REFERENCES users (id),
    recorded_at timestamptz NOT NULL
);
ALTER TABLE disbursements ADD COLUMN batch_id uuid REFERENCES payment_batches (id);
CREATE INDEX disbursements_batch_idx ON disbursements (batch_id) WHERE batch_id IS NOT NULL;

-- Money to win back from a paid award (the overseas 80 % rule not kept, say): what is owed, by
-- when, and what came back. Repaid never exceeds owed, whatever races.
CREATE TABLE recoveries (
    application_id uuid PRIMARY KEY REFERENCES disbursements (application_id),
    amount_fen     bigint NOT NULL CHECK (amount_fen > 0),
    repaid_fen     bigint NOT NULL DEFAULT 0 CHECK (repaid_fen >= 0),
    due_on         date NOT NULL,
    reason         text NOT NULL CHECK (length(reason) BETWEEN 1 AND 10000),
    recorded_by    uuid NOT NULL REFERENCES users (id),
    recorded_at    timestamptz NOT NULL,
    CHECK (repaid_fen <= amount_fen)
);
CREATE TABLE repayments (
    id             uuid PRIMARY KEY DEFAULT uuid7(),
    application_id uuid NOT NULL REFERENCES recoveries (application_id),
    amount_fen     bigint NOT NULL CHECK (amount_fen > 0),
    paid_on        date NOT NULL,
    reference      text NOT NULL,
    recorded_by    uuid NOT NULL REFERENCES users (id),
    recorded_at    timestamptz NOT NULL
);
CREATE INDEX repayments_application_idx ON repayments (application_id, paid_on);

-- The account an organization is paid to when a claim names none; copied into the claim at
-- submit, so a later change never rewrites a submitted claim.
ALTER TABLE organizations ADD COLUMN bank_account jsonb;

-- One table for every rate limit; its keys say what they count ('account:…', 'objection-address:…').
ALTER TABLE login_throttle RENAME TO throttles;
ALTER TABLE throttles RENAME COLUMN failures TO hits;
ALTER TABLE throttles RENAME CONSTRAINT login_throttle_failures_check TO throttles_hits_check;
ALTER INDEX login_throttle_pkey RENAME TO throttles_pkey;
