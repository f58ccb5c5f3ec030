-- Commitment (5.1 c, d, f, g, h): settings, resources, the leadership
-- statement, communications and their plan, courses and training records,
-- feedback, the improvement register and manager attestations. Lists are
-- JSON text.

-- Settings rules and workflows read, as one JSON object with defaults.
CREATE TABLE org_settings (
    org_id UUID NOT NULL PRIMARY KEY REFERENCES organisations (org_id),
    settings TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE resource_plans (
    org_id UUID NOT NULL REFERENCES organisations (org_id),
    plan_id UUID NOT NULL,
    fiscal_year INTEGER NOT NULL,
    currency TEXT NOT NULL,
    lines TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    proposed_by UUID NOT NULL,
    approved_by UUID,
    approved_at TIMESTAMPTZ,
    approval_authority TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (org_id, plan_id),
    UNIQUE (org_id, fiscal_year),
    CHECK (approved_by IS NULL OR approved_by <> proposed_by),
    FOREIGN KEY (org_id, proposed_by) REFERENCES people (org_id, person_id),
    FOREIGN KEY (org_id, approved_by) REFERENCES people (org_id, person_id)
);

CREATE TABLE leadership_statements (
    org_id UUID NOT NULL REFERENCES organisations (org_id),
    statement_id UUID NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    body_sha256 TEXT NOT NULL,
    signatories TEXT NOT NULL DEFAULT '[]',
    -- Every signature given, each bound to the digest of the text signed.
    signatures TEXT NOT NULL DEFAULT '[]',
    published_at TIMESTAMPTZ,
    published_where TEXT NOT NULL DEFAULT '',
    superseded_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (org_id, statement_id)
);

CREATE TABLE communication_plan (
    org_id UUID NOT NULL REFERENCES organisations (org_id),
    plan_item_id UUID NOT NULL,
    topic TEXT NOT NULL,
    channel TEXT NOT NULL,
    audience TEXT NOT NULL,
    interval_months INTEGER NOT NULL CHECK (interval_months BETWEEN 0 AND 36),
    first_due_on DATE NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (org_id, plan_item_id)
);

CREATE TABLE communications (
    org_id UUID NOT NULL REFERENCES organisations (org_id),
    communication_id UUID NOT NULL,
    occurred_on DATE NOT NULL,
    channel TEXT NOT NULL,
    audience TEXT NOT NULL,
    topic TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    sponsor_id UUID NOT NULL,
    policy_id UUID,
    plan_item_id UUID,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (org_id, communication_id),
    FOREIGN KEY (org_id, sponsor_id) REFERENCES people (org_id, person_id),
    FOREIGN KEY (org_id, policy_id) REFERENCES policies (org_id, policy_id),
    FOREIGN KEY (org_id, plan_item_id) REFERENCES communication_plan (org_id, plan_item_id)
);
CREATE INDEX communications_by_day ON communications (org_id, occurred_on);

CREATE TABLE courses (
    org_id UUID NOT NULL REFERENCES organisations (org_id),
    course_id UUID NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('general_awareness', 'role_specific')),
    description TEXT NOT NULL DEFAULT '',
    validity_months INTEGER,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (org_id, course_id)
);

-- One row per completion; a course taken again is a new row.
CREATE TABLE training_records (
    org_id UUID NOT NULL,
    person_id UUID NOT NULL,
    course_id UUID NOT NULL,
    completed_on DATE NOT NULL,
    expires_on DATE,
    note TEXT NOT NULL DEFAULT '',
    recorded_by UUID NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, person_id, course_id, completed_on),
    FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, person_id),
    FOREIGN KEY (org_id, course_id) REFERENCES courses (org_id, course_id),
    FOREIGN KEY (org_id, recorded_by) REFERENCES users (org_id, user_id)
);
CREATE INDEX training_records_by_course ON training_records (org_id, course_id, completed_on);

-- A confidential submission has no author: not here, not in the audit log.
CREATE TABLE feedback (
    org_id UUID NOT NULL REFERENCES organisations (org_id),
    feedback_id UUID NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('suggestion', 'concern')),
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    confidential BOOLEAN NOT NULL,
    author_id UUID,
    received_on DATE NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('new', 'acknowledged', 'acted_on', 'closed')),
    response TEXT NOT NULL DEFAULT '',
    improvement_id UUID,
    version BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (org_id, feedback_id),
    CHECK (NOT confidential OR author_id IS NULL),
    CHECK (confidential OR author_id IS NOT NULL),
    FOREIGN KEY (org_id, author_id) REFERENCES people (org_id, person_id)
);

CREATE TABLE improvements (
    org_id UUID NOT NULL REFERENCES organisations (org_id),
    improvement_id UUID NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('nonconformity', 'opportunity')),
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL,
    raised_on DATE NOT NULL,
    owner_id UUID NOT NULL,
    root_cause TEXT NOT NULL DEFAULT '',
    feedback_id UUID,
    checks TEXT NOT NULL DEFAULT '[]',
    closed_on DATE,
    closing_note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (org_id, improvement_id),
    FOREIGN KEY (org_id, owner_id) REFERENCES people (org_id, person_id),
    FOREIGN KEY (org_id, feedback_id) REFERENCES feedback (org_id, feedback_id)
);

-- Corrective actions and actions taking up an opportunity. Checked in the
-- repository: a restore writes actions before the entries they serve.
ALTER TABLE actions ADD COLUMN improvement_id UUID;

CREATE TABLE attestations (
    org_id UUID NOT NULL REFERENCES organisations (org_id),
    attestation_id UUID NOT NULL,
    manager_id UUID NOT NULL,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    team_trained BOOLEAN NOT NULL,
    policies_acknowledged BOOLEAN NOT NULL,
    access_reviewed BOOLEAN NOT NULL,
    comments TEXT NOT NULL DEFAULT '',
    team_size INTEGER NOT NULL,
    attested_by UUID NOT NULL,
    attested_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (org_id, attestation_id),
    UNIQUE (org_id, manager_id, period_start),
    FOREIGN KEY (org_id, manager_id) REFERENCES people (org_id, person_id),
    FOREIGN KEY (org_id, attested_by) REFERENCES users (org_id, user_id)
);
