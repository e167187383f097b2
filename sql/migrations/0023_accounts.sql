-- Real accounts for real firms: an organization's admins and members, verified addresses,
-- single-use links sent by e-mail (verification, password reset, invitation), the address on
-- the organization's file, and identities from an OpenID Connect provider.

ALTER TABLE organizations
    ADD COLUMN address text NOT NULL DEFAULT '' CHECK (length(address) <= 200);

-- Accounts from before addresses were verified keep working: they count as verified when made.
ALTER TABLE users
    ADD COLUMN org_role text CHECK (org_role IN ('org_admin', 'member')),
    ADD COLUMN email_verified_at timestamptz;
UPDATE users SET org_role = 'org_admin' WHERE org_id IS NOT NULL;
UPDATE users SET email_verified_at = created_at;
ALTER TABLE users ADD CONSTRAINT users_org_member_check CHECK ((org_id IS NULL) = (org_role IS NULL));
CREATE INDEX users_org_admins_idx ON users (org_id) WHERE org_role = 'org_admin' AND is_active;

-- What makes a bearer token hold, as 0017 has it; the caller's place in their organization and
-- whether their address is verified come with it (a removed member is inactive).
CREATE OR REPLACE VIEW live_tokens AS
SELECT t.token_hash, t.expires_at, u.id AS user_id, u.email, u.name, u.org_id, u.language,
       u.org_role, u.email_verified_at IS NOT NULL AS email_verified
FROM api_tokens t JOIN users u ON u.id = t.user_id
WHERE t.revoked_at IS NULL AND u.is_active;

-- A link sent by e-mail: only its hash is kept; used once (used_at), within its time.
CREATE TABLE account_links (
    token_hash bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    purpose    text NOT NULL CHECK (purpose IN ('verify_email', 'password_reset', 'invitation')),
    user_id    uuid REFERENCES users (id),
    org_id     uuid REFERENCES organizations (id),
    email      text NOT NULL CHECK (email = lower(email)),
    org_role   text CHECK (org_role IN ('org_admin', 'member')),
    created_by uuid REFERENCES users (id),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    CHECK ((purpose = 'invitation') = (org_id IS NOT NULL AND org_role IS NOT NULL)),
    CHECK (purpose = 'invitation' OR user_id IS NOT NULL),
    CHECK (expires_at > created_at)
);
CREATE INDEX account_links_user_idx ON account_links (user_id, purpose) WHERE used_at IS NULL;
CREATE INDEX account_links_invitations_idx ON account_links (org_id, email)
    WHERE purpose = 'invitation' AND used_at IS NULL;

-- A mail to an address that is not (yet) a user's: an invitation.
ALTER TABLE deliveries ALTER COLUMN user_id DROP NOT NULL;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_user_check CHECK (channel <> 'inbox' OR user_id IS NOT NULL);

-- Sign-in through an OpenID Connect provider: the provider's subject, linked to one account.
CREATE TABLE oidc_identities (
    issuer     text NOT NULL,
    subject    text NOT NULL,
    user_id    uuid NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX oidc_identities_user_idx ON oidc_identities (user_id);

-- A sign-in in flight (state → nonce and PKCE verifier), then, for an identity no account has,
-- the verified identity waiting for its organization's registration. Used once.
CREATE TABLE oidc_logins (
    key_hash      bytea PRIMARY KEY CHECK (length(key_hash) = 32),
    stage         text NOT NULL CHECK (stage IN ('authorizing', 'registering')),
    nonce         text,
    code_verifier text,
    next_path     text NOT NULL DEFAULT '/',
    identity      jsonb,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    CHECK ((stage = 'registering') = (identity IS NOT NULL))
);
CREATE INDEX oidc_logins_expires_idx ON oidc_logins (expires_at);
