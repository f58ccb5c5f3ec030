-- Links that let a person in by email (issue 16): an invitation to set a
-- first password, or a password reset. Only a SHA-256 of the link's secret
-- is kept, and only once its mail has gone (`sent_at`): the secret is made
-- when the message is handed to the SMTP server, so the outbox, which
-- administrators and auditors read, never holds a working link. A link is
-- single-use (`used_at`) and dies when a newer one of the same purpose is
-- made for the same person, or when the person's password is set
-- (`superseded_at`). It opens only while the person's email is still the
-- address it was mailed to (`sent_to`): a link mailed to an address since
-- corrected in the register lets nobody in.
CREATE TABLE login_links (
    org_id BLOB NOT NULL REFERENCES organisations (org_id),
    link_id BLOB NOT NULL,
    person_id BLOB NOT NULL,
    purpose TEXT NOT NULL CHECK (purpose IN ('invitation', 'reset')),
    token_hash TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    sent_to TEXT,
    used_at TEXT,
    superseded_at TEXT,
    PRIMARY KEY (org_id, link_id),
    FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, person_id)
);
CREATE UNIQUE INDEX login_links_by_hash ON login_links (token_hash);
CREATE INDEX login_links_by_person ON login_links (org_id, person_id, purpose);
