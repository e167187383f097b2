-- Notifications: who is told what through which channel, what came of it, and what they chose.
-- The outbox (0005) says what happened; these tables hold the truth about telling people, so
-- Redis may lose its queue at any time and the workers rebuild it from here.

-- For SMS; optional, digits with an optional leading +.
ALTER TABLE users ADD COLUMN phone text CHECK (phone ~ '^\+?[0-9]{6,20}$');

-- A recipient's choice per topic and channel; no row means the topic's default.
CREATE TABLE notification_preferences (
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    topic      text NOT NULL CHECK (topic ~ '^[a-z_]+\.[a-z_]+$'),
    channel    text NOT NULL CHECK (channel IN ('inbox', 'email', 'sms')),
    enabled    boolean NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, topic, channel)
);

-- One row per (outbox row, channel, recipient): a second relay can never make a second one.
-- pending: waiting for its job; failed: a try failed, a retry is scheduled; sent; dead: given up
-- (a dead letter, which staff may send back to pending). `enqueues` numbers the arq jobs made for
-- the row (job id delivery:<id>:<enqueues>): only the latest may act. `due_at` is when the sweep
-- may enqueue it again, because no live job will finish it by then.
CREATE TABLE deliveries (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    outbox_id  bigint NOT NULL REFERENCES outbox (id),
    channel    text NOT NULL CHECK (channel IN ('inbox', 'email', 'sms')),
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    address    text,
    subject    text,
    body       text,
    status     text NOT NULL CHECK (status IN ('pending', 'failed', 'sent', 'dead')),
    attempts   integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    enqueues   integer NOT NULL DEFAULT 0 CHECK (enqueues >= 0),
    due_at     timestamptz,
    last_error text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    sent_at    timestamptz,
    UNIQUE (outbox_id, channel, user_id),
    CHECK ((status = 'sent') = (sent_at IS NOT NULL)),
    CHECK (channel = 'inbox' OR (address IS NOT NULL AND subject IS NOT NULL AND body IS NOT NULL))
);
CREATE INDEX deliveries_due_idx ON deliveries (due_at) WHERE status IN ('pending', 'failed');
CREATE INDEX deliveries_dead_idx ON deliveries (id DESC) WHERE status = 'dead';

-- The in-app inbox: the text as the recipient read it, in their language at the time.
CREATE TABLE notifications (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    delivery_id    bigint NOT NULL UNIQUE REFERENCES deliveries (id),
    topic          text NOT NULL,
    title          text NOT NULL,
    body           text NOT NULL,
    application_id uuid REFERENCES applications (id),
    created_at     timestamptz NOT NULL,
    read_at        timestamptz
);
CREATE INDEX notifications_inbox_idx ON notifications (user_id, created_at DESC, id DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;

-- Scheduled messages sent once: (application or day, kind). The key makes a reminder job safe to
-- run twice and on two workers at once.
CREATE TABLE reminders_sent (
    subject text NOT NULL,
    kind    text NOT NULL,
    sent_at timestamptz NOT NULL,
    PRIMARY KEY (subject, kind)
);
