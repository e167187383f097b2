-- Organizations, users, roles, bearer tokens and login throttling.

CREATE TABLE organizations (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- GB 32100-2015, normalized to upper case without spaces; the check character is
    -- verified in the domain, the shape here.
    uscc          text NOT NULL UNIQUE CHECK (uscc ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'),
    district_code text NOT NULL CHECK (district_code ~ '^[0-9A-HJ-NPQRTUWXY]{6}$'),
    contact_name  text NOT NULL,
    contact_phone text NOT NULL,
    created_at    timestamptz NOT NULL
);

CREATE TABLE users (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email         text NOT NULL CHECK (email = lower(email)),
    name          text NOT NULL,
    password_hash text NOT NULL,
    org_id        uuid REFERENCES organizations (id),
    language      text NOT NULL DEFAULT 'zh' CHECK (language IN ('zh', 'en')),
    is_active     boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE INDEX users_org_id_idx ON users (org_id);

CREATE TABLE user_roles (
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       text NOT NULL CHECK (role IN ('reviewer', 'approver', 'finance', 'admin', 'auditor')),
    granted_at timestamptz NOT NULL,
    granted_by uuid REFERENCES users (id),
    PRIMARY KEY (user_id, role)
);

-- Only the sha256 of a token is kept: a leaked table grants nothing.
CREATE TABLE api_tokens (
    token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX api_tokens_user_id_idx ON api_tokens (user_id);

-- Failed logins per key ('account:<email>' or 'address:<ip>'), shared by every process.
CREATE TABLE login_throttle (
    key          text PRIMARY KEY,
    failures     integer NOT NULL CHECK (failures >= 0),
    window_start timestamptz NOT NULL,
    locked_until timestamptz
);
