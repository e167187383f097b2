-- Applications of every program, their lines, references, the outbox, publicity and payment.

CREATE TABLE applications (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id               uuid NOT NULL REFERENCES organizations (id),
    type                 text NOT NULL CHECK (type IN ('event_filing', 'event_claim', 'ipo_domestic_claim',
                                                       'ipo_overseas_claim', 'scenario_project', 'unveiling_award')),
    status               text NOT NULL CHECK (status IN ('draft', 'submitted', 'reviewed', 'recognized', 'approved',
                                                         'publicized', 'confirmed', 'disbursed', 'returned',
                                                         'rejected', 'withdrawn', 'lapsed')),
    program_code         text NOT NULL,
    program_version      integer NOT NULL,
    reference            text UNIQUE,
    title                text NOT NULL DEFAULT '',
    payload              jsonb NOT NULL,
    filing_id            uuid REFERENCES applications (id),
    amount_requested_fen bigint CHECK (amount_requested_fen >= 0),
    amount_approved_fen  bigint CHECK (amount_approved_fen >= 0),
    award                jsonb,
    budget_year          integer,
    passed_by            uuid REFERENCES users (id),
    approved_by          uuid REFERENCES users (id),
    created_by           uuid NOT NULL REFERENCES users (id),
    submitted_at         timestamptz,
    created_at           timestamptz NOT NULL,
    updated_at           timestamptz NOT NULL,
    FOREIGN KEY (program_code, program_version) REFERENCES program_versions (program_code, version),
    -- A reservation exists exactly while an award is approved and not yet paid or released.
    CHECK ((amount_approved_fen IS NULL) = (award IS NULL))
);
-- One live claim per filing: enforced here, whatever the code does.
CREATE UNIQUE INDEX applications_one_live_claim ON applications (filing_id)
    WHERE type = 'event_claim' AND status NOT IN ('withdrawn', 'rejected', 'lapsed');
CREATE INDEX applications_org_idx ON applications (org_id, created_at DESC, id DESC);
CREATE INDEX applications_queue_idx ON applications (status, program_code, created_at, id);
CREATE INDEX applications_created_idx ON applications (created_at, id);

CREATE TABLE application_lines (
    application_id  uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    line_no         integer NOT NULL CHECK (line_no >= 0),
    kind            text NOT NULL CHECK (kind IN ('budget', 'expense', 'investment')),
    category        text NOT NULL,
    description     text NOT NULL,
    amount_fen      bigint NOT NULL CHECK (amount_fen >= 0),
    invoice_numbers text[] NOT NULL DEFAULT '{}',
    document_ids    uuid[] NOT NULL DEFAULT '{}',
    approved_fen    bigint CHECK (approved_fen >= 0 AND approved_fen <= amount_fen),
    cut_reason      text,
    PRIMARY KEY (application_id, line_no)
);
CREATE INDEX application_lines_invoices_idx ON application_lines USING gin (invoice_numbers);

-- Gapless reference numbers per prefix and year: the counter row is locked by the transaction
-- that takes a number, so a rolled-back approval gives its number back.
CREATE TABLE reference_counters (
    prefix text NOT NULL,
    year   integer NOT NULL,
    last   integer NOT NULL CHECK (last > 0),
    PRIMARY KEY (prefix, year)
);

-- The transactional outbox: written with the change it reports, relayed by the workers.
CREATE TABLE outbox (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at timestamptz NOT NULL,
    topic      text NOT NULL,
    payload    jsonb NOT NULL,
    relayed_at timestamptz
);
CREATE INDEX outbox_pending_idx ON outbox (id) WHERE relayed_at IS NULL;

CREATE TABLE publicity_batches (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    starts_on  date NOT NULL,
    ends_on    date NOT NULL CHECK (ends_on >= starts_on),
    created_by uuid NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL,
    closed_at  timestamptz
);
CREATE INDEX publicity_batches_open_idx ON publicity_batches (ends_on) WHERE closed_at IS NULL;

CREATE TABLE publicity_items (
    batch_id       uuid NOT NULL REFERENCES publicity_batches (id),
    application_id uuid NOT NULL REFERENCES applications (id),
    amount_fen     bigint NOT NULL CHECK (amount_fen >= 0),
    PRIMARY KEY (batch_id, application_id)
);
CREATE INDEX publicity_items_application_idx ON publicity_items (application_id);

CREATE TABLE objections (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    application_id uuid NOT NULL REFERENCES applications (id),
    batch_id       uuid NOT NULL REFERENCES publicity_batches (id),
    reason         text NOT NULL,
    contact        text NOT NULL,
    created_at     timestamptz NOT NULL,
    upheld_at      timestamptz
);
CREATE INDEX objections_application_idx ON objections (application_id);

-- One payment per application, whatever races.
CREATE TABLE disbursements (
    application_id uuid PRIMARY KEY REFERENCES applications (id),
    paid_on        date NOT NULL,
    amount_fen     bigint NOT NULL CHECK (amount_fen > 0),
    reference      text NOT NULL,
    recorded_by    uuid NOT NULL REFERENCES users (id),
    recorded_at    timestamptz NOT NULL
);
