-- Sign-in: browser sessions (ephemeral, not backed up) and API tokens.
-- Both keep only a SHA-256 of the secret the client holds.

CREATE TABLE sessions (
    org_id UUID NOT NULL REFERENCES organisations (org_id),
    session_hash TEXT NOT NULL,
    user_id UUID NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, session_hash),
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, user_id)
);
CREATE UNIQUE INDEX sessions_by_hash ON sessions (session_hash);

CREATE TABLE api_tokens (
    org_id UUID NOT NULL REFERENCES organisations (org_id),
    token_id UUID NOT NULL,
    user_id UUID NOT NULL,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ,
    PRIMARY KEY (org_id, token_id),
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, user_id)
);
CREATE UNIQUE INDEX api_tokens_by_hash ON api_tokens (token_hash);
CREATE INDEX api_tokens_by_user ON api_tokens (org_id, user_id);

-- Sign-in looks a login up by email alone, across organisations.
CREATE INDEX users_by_email ON users (email);
