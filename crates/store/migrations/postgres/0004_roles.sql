-- ISMS roles (5.3): the organisation's role catalogue. Lists (responsibilities,
-- authorities, required training, incompatible roles) are JSON arrays.

CREATE TABLE roles (
    org_id UUID NOT NULL REFERENCES organisations (org_id),
    role_id UUID NOT NULL,
    name TEXT NOT NULL,
    purpose TEXT NOT NULL DEFAULT '',
    responsibilities TEXT NOT NULL DEFAULT '[]',
    authorities TEXT NOT NULL DEFAULT '[]',
    reports_to UUID,
    top_management BOOLEAN NOT NULL DEFAULT FALSE,
    conformance_owner BOOLEAN NOT NULL DEFAULT FALSE,
    performance_reporter BOOLEAN NOT NULL DEFAULT FALSE,
    required_training TEXT NOT NULL DEFAULT '[]',
    incompatible_with TEXT NOT NULL DEFAULT '[]',
    critical BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (org_id, role_id),
    UNIQUE (org_id, name),
    -- Deferred: a restore or the starter catalogue may write a role before the one it reports to.
    FOREIGN KEY (org_id, reports_to) REFERENCES roles (org_id, role_id) DEFERRABLE INITIALLY DEFERRED
);

-- Who holds which role, from when to when.
CREATE TABLE role_assignments (
    org_id UUID NOT NULL,
    assignment_id UUID NOT NULL,
    role_id UUID NOT NULL,
    person_id UUID NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE,
    deputy_id UUID,
    capacity_percent INTEGER CHECK (capacity_percent BETWEEN 1 AND 100),
    assigned_by UUID NOT NULL,
    acknowledged_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (org_id, assignment_id),
    FOREIGN KEY (org_id, role_id) REFERENCES roles (org_id, role_id),
    FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, person_id),
    FOREIGN KEY (org_id, deputy_id) REFERENCES people (org_id, person_id),
    FOREIGN KEY (org_id, assigned_by) REFERENCES users (org_id, user_id)
);
CREATE INDEX role_assignments_by_person ON role_assignments (org_id, person_id);
CREATE INDEX role_assignments_by_role ON role_assignments (org_id, role_id);

-- The RACI matrix: ISMS activities (editable) against roles.
CREATE TABLE raci_activities (
    org_id UUID NOT NULL REFERENCES organisations (org_id),
    activity_id UUID NOT NULL,
    name TEXT NOT NULL,
    position INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, activity_id),
    UNIQUE (org_id, name)
);

CREATE TABLE raci_cells (
    org_id UUID NOT NULL,
    activity_id UUID NOT NULL,
    role_id UUID NOT NULL,
    letter TEXT NOT NULL CHECK (letter IN ('R', 'A', 'C', 'I')),
    PRIMARY KEY (org_id, activity_id, role_id),
    FOREIGN KEY (org_id, activity_id) REFERENCES raci_activities (org_id, activity_id),
    FOREIGN KEY (org_id, role_id) REFERENCES roles (org_id, role_id)
);

-- Tasks of a role handed to a person or a supplier; the holder stays accountable.
CREATE TABLE delegations (
    org_id UUID NOT NULL,
    delegation_id UUID NOT NULL,
    assignment_id UUID NOT NULL,
    task TEXT NOT NULL,
    delegate_id UUID,
    supplier TEXT,
    starts_on DATE NOT NULL,
    ends_on DATE,
    created_by UUID NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, delegation_id),
    CHECK ((delegate_id IS NULL) <> (supplier IS NULL)),
    FOREIGN KEY (org_id, assignment_id) REFERENCES role_assignments (org_id, assignment_id),
    FOREIGN KEY (org_id, delegate_id) REFERENCES people (org_id, person_id),
    FOREIGN KEY (org_id, created_by) REFERENCES users (org_id, user_id)
);
CREATE INDEX delegations_by_assignment ON delegations (org_id, assignment_id);
