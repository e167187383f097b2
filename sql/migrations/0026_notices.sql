-- Notices on paper (备案确认书, 资金奖励决定书, 公示公告, 拨付通知书), issued once per kind and
-- subject: the facts printed on them are kept as first printed, so a reprint never differs, and
-- the verification code on the paper finds them. The UNIQUE key makes two first requests at once
-- end with one notice.
CREATE TABLE notices (
    code       text PRIMARY KEY
               CHECK (code ~ '^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$'),
    kind       text NOT NULL CHECK (kind IN ('filing', 'decision', 'publicity', 'payment')),
    subject_id uuid NOT NULL,  -- the application, or the publicity batch
    -- A withdrawn award approved again is a new decision (domain.notices.edition_of).
    edition    integer NOT NULL DEFAULT 1 CHECK (edition >= 1),
    facts      jsonb NOT NULL,
    digest     text NOT NULL CHECK (digest ~ '^[0-9a-f]{64}$'),  -- SHA-256 of the facts
    issued_at  timestamptz NOT NULL,
    issued_by  uuid REFERENCES users (id),  -- NULL: a publicity notice first asked for by the public
    CONSTRAINT notices_subject_key UNIQUE (kind, subject_id, edition)
);
