-- SCIM 2.0 provisioning (issue 16): an identity provider keeps the people
-- register in step with its directory.
--
-- A SCIM token lets one provider in for one organisation; like an API
-- token, only its SHA-256 is kept. It acts as `scim:<name>` in the audit log.
CREATE TABLE scim_tokens (
    org_id UUID NOT NULL REFERENCES organisations (org_id),
    token_id UUID NOT NULL,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ,
    PRIMARY KEY (org_id, token_id)
);
CREATE UNIQUE INDEX scim_tokens_by_hash ON scim_tokens (token_hash);

-- The provider's view of a person of the register: its userName and
-- externalId, and the attributes the register has no column for, kept as
-- sent so they read back the same (JSON text). The register stays the
-- authority for name, email, department, manager and employment. A person
-- deprovisioned (DELETE) stays in the register as a leaver; the link is
-- kept, marked, and no longer served.
CREATE TABLE scim_users (
    org_id UUID NOT NULL,
    person_id UUID NOT NULL,
    user_name TEXT NOT NULL,
    user_name_key TEXT NOT NULL,
    external_id TEXT,
    attributes TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL,
    deprovisioned_at TIMESTAMPTZ,
    PRIMARY KEY (org_id, person_id),
    FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, person_id)
);
CREATE UNIQUE INDEX scim_users_by_user_name ON scim_users (org_id, user_name_key)
    WHERE deprovisioned_at IS NULL;
CREATE INDEX scim_users_by_external_id ON scim_users (org_id, external_id);

-- A provider's group is a department of the register: its members are the
-- people whose department it names (without case).
CREATE TABLE scim_groups (
    org_id UUID NOT NULL REFERENCES organisations (org_id),
    group_id UUID NOT NULL,
    display_name TEXT NOT NULL,
    display_key TEXT NOT NULL,
    external_id TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (org_id, group_id)
);
CREATE UNIQUE INDEX scim_groups_by_name ON scim_groups (org_id, display_key);

-- Group members are found by department, without case.
CREATE INDEX people_by_department_key ON people (org_id, lower(department));
