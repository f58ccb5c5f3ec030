-- A holder's answer to a role assignment is bound to the role's text as they
-- read it (its SHA-256), and may be a decline with a reason.
ALTER TABLE role_assignments ADD COLUMN acknowledged_sha256 TEXT;
ALTER TABLE role_assignments ADD COLUMN declined_at TIMESTAMPTZ;
ALTER TABLE role_assignments ADD COLUMN decline_reason TEXT NOT NULL DEFAULT '';
