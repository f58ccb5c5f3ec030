-- Sign-in through an organisation's OpenID provider (issue 16).
--
-- The settings are one JSON object, as org_settings are; the client
-- secret is kept apart, sealed with a key derived from the deployment's
-- signing key (never shown again once saved).
CREATE TABLE sso_settings (
    org_id UUID NOT NULL PRIMARY KEY REFERENCES organisations (org_id),
    settings TEXT NOT NULL,
    client_secret_sealed TEXT,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL
);

-- A sign-in under way, from the redirect to the provider until its answer
-- comes back (at most ten minutes): kept by the SHA-256 of its state, bound
-- to the browser that began it, used once. Like sessions, not backed up.
CREATE TABLE sso_logins (
    state_hash TEXT NOT NULL PRIMARY KEY,
    org_id UUID NOT NULL REFERENCES organisations (org_id),
    browser_hash TEXT NOT NULL,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    next_path TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sso_logins_by_age ON sso_logins (created_at);
