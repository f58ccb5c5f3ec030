-- Acknowledgement campaigns, notifications and the scheduler's outbox.

-- A non-material change carries the acknowledgements of the version before over.
ALTER TABLE policy_versions ADD COLUMN material_change INTEGER NOT NULL DEFAULT 1;

-- One row per version and person who owes (or owed) its acknowledgement.
CREATE TABLE acknowledgements (
    org_id BLOB NOT NULL,
    version_id BLOB NOT NULL,
    person_id BLOB NOT NULL,
    policy_id BLOB NOT NULL,
    owed_since TEXT NOT NULL,
    due_on TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('owed', 'accepted', 'declined', 'carried_over', 'released')),
    text_sha256 TEXT,
    answered_at TEXT,
    reason TEXT NOT NULL DEFAULT '',
    department TEXT,
    manager_id BLOB,
    version INTEGER NOT NULL DEFAULT 1,
    released_at TEXT,
    PRIMARY KEY (org_id, version_id, person_id),
    FOREIGN KEY (org_id, version_id) REFERENCES policy_versions (org_id, version_id),
    FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, person_id)
);
CREATE INDEX acknowledgements_by_person ON acknowledgements (org_id, person_id, state);
CREATE INDEX acknowledgements_owed_by_due ON acknowledgements (org_id, state, due_on, version_id);

-- Counts per version and state, kept in the same transaction as every
-- change to acknowledgements, so campaign figures never scan millions.
CREATE TABLE acknowledgement_totals (
    org_id BLOB NOT NULL,
    version_id BLOB NOT NULL,
    state TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (org_id, version_id, state)
);

-- Mail waiting to go, sent, or in doubt. A message is claimed ('sending')
-- before it is handed to the SMTP server and marked 'sent' after; one found
-- still claimed after a crash is 'uncertain', never sent again on its own.
CREATE TABLE outbox (
    org_id BLOB NOT NULL REFERENCES organisations (org_id),
    message_id BLOB NOT NULL,
    dedupe_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    person_id BLOB,
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    send_after TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'uncertain', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    claimed_at TEXT,
    sent_at TEXT,
    last_error TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (org_id, message_id),
    UNIQUE (org_id, dedupe_key)
);
CREATE INDEX outbox_to_send ON outbox (state, send_after);
CREATE INDEX outbox_by_person ON outbox (org_id, person_id, created_at);

-- Mail templates an organisation edits; the defaults apply otherwise.
CREATE TABLE mail_templates (
    org_id BLOB NOT NULL REFERENCES organisations (org_id),
    name TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (org_id, name)
);
