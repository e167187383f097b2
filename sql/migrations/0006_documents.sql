-- Uploaded documents. The bytes live in storage under `storage_key`; this row is what the portal
-- knows about them. Attachments are referenced by id from applications and their lines.

CREATE TABLE documents (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id        uuid REFERENCES organizations (id),   -- NULL for staff uploads
    uploaded_by   uuid NOT NULL REFERENCES users (id),
    filename      text NOT NULL,       -- the uploader's name, sanitized, for display only
    content_type  text NOT NULL CHECK (content_type IN ('application/pdf','image/jpeg','image/png','application/ofd','application/xml')),
    size_bytes    bigint NOT NULL CHECK (size_bytes > 0),
    sha256        bytea NOT NULL CHECK (length(sha256) = 32),
    storage_key   text NOT NULL UNIQUE,  -- server-made name
    created_at    timestamptz NOT NULL
);

