-- Foundation: organisations, people, login accounts and the audit chain.
-- Every table carries org_id, and every primary key starts with it, so one
-- deployment hosts many organisations and a distributed engine can shard by it.

CREATE TABLE organisations (
    org_id BLOB NOT NULL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    purpose TEXT NOT NULL DEFAULT '',
    scope_statement TEXT NOT NULL DEFAULT '',
    strategic_goals TEXT NOT NULL DEFAULT '[]',
    fiscal_year_start_month INTEGER NOT NULL DEFAULT 1 CHECK (fiscal_year_start_month BETWEEN 1 AND 12),
    created_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE people (
    org_id BLOB NOT NULL REFERENCES organisations (org_id),
    person_id BLOB NOT NULL,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    department TEXT,
    manager_id BLOB,
    kind TEXT NOT NULL CHECK (kind IN ('employee', 'contractor', 'supplier')),
    start_date TEXT,
    end_date TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (org_id, person_id),
    UNIQUE (org_id, email),
    -- Deferred: a bulk import may name a manager who is inserted later in the same transaction.
    FOREIGN KEY (org_id, manager_id) REFERENCES people (org_id, person_id) DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX people_by_name ON people (org_id, name, person_id);
CREATE INDEX people_by_manager ON people (org_id, manager_id);

CREATE TABLE users (
    org_id BLOB NOT NULL REFERENCES organisations (org_id),
    user_id BLOB NOT NULL,
    person_id BLOB NOT NULL,
    email TEXT NOT NULL,
    access_role TEXT NOT NULL CHECK (access_role IN ('admin', 'isms_manager', 'top_management', 'manager', 'staff', 'auditor')),
    password_hash TEXT,
    created_at TEXT NOT NULL,
    disabled_at TEXT,
    PRIMARY KEY (org_id, user_id),
    UNIQUE (org_id, email),
    FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, person_id)
);

CREATE TABLE audit_events (
    org_id BLOB NOT NULL REFERENCES organisations (org_id) DEFERRABLE INITIALLY DEFERRED,
    seq INTEGER NOT NULL CHECK (seq > 0),
    occurred_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    action TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (org_id, seq)
);
CREATE INDEX audit_events_by_entity ON audit_events (org_id, entity_type, entity_id, seq);
CREATE INDEX audit_events_by_time ON audit_events (org_id, occurred_at);

CREATE TABLE audit_checkpoints (
    org_id BLOB NOT NULL REFERENCES organisations (org_id) DEFERRABLE INITIALLY DEFERRED,
    seq INTEGER NOT NULL,
    head_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    public_key TEXT NOT NULL,
    signature TEXT NOT NULL,
    PRIMARY KEY (org_id, seq)
);

-- Where each chain ends, signed: cutting events off the tail is detected
-- even between checkpoints. One row per organisation; also the lock that
-- serialises appends to that organisation's chain.
CREATE TABLE audit_heads (
    org_id BLOB NOT NULL PRIMARY KEY REFERENCES organisations (org_id) DEFERRABLE INITIALLY DEFERRED,
    seq INTEGER NOT NULL,
    head_hash TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    public_key TEXT NOT NULL,
    signature TEXT NOT NULL
);
