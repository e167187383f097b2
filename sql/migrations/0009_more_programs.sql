-- IPO rewards, scenario projects and unveiling awards: calls, scores, follow-ups, proposals,
-- and the fingerprint behind 不重复享受.

ALTER TABLE applications
    ADD COLUMN fingerprint text,
    ADD COLUMN proposed_by uuid REFERENCES users (id);
CREATE INDEX applications_fingerprint_idx ON applications (fingerprint) WHERE fingerprint IS NOT NULL;
CREATE INDEX applications_org_type_idx ON applications (org_id, type);

-- Yearly calls (scenario projects): submissions are accepted between the two dates.
CREATE TABLE calls (
    program_code text NOT NULL REFERENCES programs (code),
    year         integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    opens_on     date NOT NULL,
    closes_on    date NOT NULL CHECK (closes_on >= opens_on),
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (program_code, year)
);

-- Expert scores: each reviewer scores an application once, after declaring no conflict.
CREATE TABLE scores (
    application_id      uuid NOT NULL REFERENCES applications (id),
    reviewer_id         uuid NOT NULL REFERENCES users (id),
    score               integer NOT NULL CHECK (score BETWEEN 0 AND 100),
    comment             text NOT NULL,
    declared_no_conflict boolean NOT NULL CHECK (declared_no_conflict),
    created_at          timestamptz NOT NULL,
    PRIMARY KEY (application_id, reviewer_id)
);

-- The yearly follow-up of an overseas listing's funds invested in Wuhan.
CREATE TABLE overseas_follow_ups (
    application_id    uuid NOT NULL REFERENCES applications (id),
    year              integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    raised_total_fen  bigint NOT NULL CHECK (raised_total_fen > 0),
    invested_fen      bigint NOT NULL CHECK (invested_fen >= 0),
    recovery_due      boolean NOT NULL,
    note              text NOT NULL,
    recorded_by       uuid NOT NULL REFERENCES users (id),
    recorded_at       timestamptz NOT NULL,
    PRIMARY KEY (application_id, year)
);
