-- Performance (5.1 a and e, 5.3 b, 9.3): objectives, KPIs and their values,
-- actions, management reviews and performance reports. Lists and compiled
-- packs are JSON text.

CREATE TABLE objectives (
    org_id UUID NOT NULL REFERENCES organisations (org_id),
    objective_id UUID NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    strategic_goal TEXT NOT NULL,
    policy_id UUID NOT NULL,
    owner_role_id UUID NOT NULL,
    due_on DATE NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (org_id, objective_id),
    FOREIGN KEY (org_id, policy_id) REFERENCES policies (org_id, policy_id),
    FOREIGN KEY (org_id, owner_role_id) REFERENCES roles (org_id, role_id)
);

CREATE TABLE kpis (
    org_id UUID NOT NULL,
    kpi_id UUID NOT NULL,
    objective_id UUID NOT NULL,
    name TEXT NOT NULL,
    unit TEXT NOT NULL DEFAULT '',
    target DOUBLE PRECISION NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('higher_is_better', 'lower_is_better')),
    frequency TEXT NOT NULL CHECK (frequency IN ('monthly', 'quarterly', 'half_yearly', 'yearly')),
    starts_on DATE NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (org_id, kpi_id),
    -- CSV uploads name a KPI by its name.
    UNIQUE (org_id, name),
    FOREIGN KEY (org_id, objective_id) REFERENCES objectives (org_id, objective_id)
);
CREATE INDEX kpis_by_objective ON kpis (org_id, objective_id);

-- One value per KPI and day; entering a day again corrects it (audited).
CREATE TABLE kpi_measurements (
    org_id UUID NOT NULL,
    kpi_id UUID NOT NULL,
    measured_on DATE NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    recorded_by UUID NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, kpi_id, measured_on),
    FOREIGN KEY (org_id, kpi_id) REFERENCES kpis (org_id, kpi_id),
    FOREIGN KEY (org_id, recorded_by) REFERENCES users (org_id, user_id)
);

CREATE TABLE management_reviews (
    org_id UUID NOT NULL REFERENCES organisations (org_id),
    review_id UUID NOT NULL,
    title TEXT NOT NULL,
    planned_on DATE NOT NULL,
    chair_id UUID NOT NULL,
    attendees TEXT NOT NULL DEFAULT '[]',
    context_changes TEXT NOT NULL DEFAULT '',
    audit_results TEXT NOT NULL DEFAULT '',
    risk_results TEXT NOT NULL DEFAULT '',
    interested_party_feedback TEXT NOT NULL DEFAULT '',
    opportunities TEXT NOT NULL DEFAULT '',
    -- The compiled inputs; frozen once held_on is set.
    pack TEXT,
    pack_sha256 TEXT,
    held_on DATE,
    minutes TEXT NOT NULL DEFAULT '',
    decisions TEXT NOT NULL DEFAULT '[]',
    approved_by UUID,
    approved_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (org_id, review_id),
    CHECK (held_on IS NULL OR pack IS NOT NULL),
    CHECK (approved_at IS NULL OR held_on IS NOT NULL),
    FOREIGN KEY (org_id, chair_id) REFERENCES people (org_id, person_id),
    FOREIGN KEY (org_id, approved_by) REFERENCES users (org_id, user_id)
);

CREATE TABLE actions (
    org_id UUID NOT NULL REFERENCES organisations (org_id),
    action_id UUID NOT NULL,
    title TEXT NOT NULL,
    owner_id UUID NOT NULL,
    due_on DATE NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'done', 'cancelled')),
    source TEXT NOT NULL,
    objective_id UUID,
    review_id UUID,
    notes TEXT NOT NULL DEFAULT '',
    closed_on DATE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (org_id, action_id),
    FOREIGN KEY (org_id, owner_id) REFERENCES people (org_id, person_id),
    FOREIGN KEY (org_id, objective_id) REFERENCES objectives (org_id, objective_id),
    FOREIGN KEY (org_id, review_id) REFERENCES management_reviews (org_id, review_id)
);
CREATE INDEX actions_open_by_due ON actions (org_id, status, due_on);

CREATE TABLE performance_reports (
    org_id UUID NOT NULL REFERENCES organisations (org_id),
    report_id UUID NOT NULL,
    title TEXT NOT NULL,
    period_from DATE NOT NULL,
    period_to DATE NOT NULL,
    produced_by UUID NOT NULL,
    content TEXT NOT NULL,
    presented_on DATE,
    presented_to TEXT NOT NULL DEFAULT '[]',
    created_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (org_id, report_id),
    FOREIGN KEY (org_id, produced_by) REFERENCES people (org_id, person_id)
);

-- The management review cadence; no row means the default (quarterly).
CREATE TABLE review_settings (
    org_id UUID NOT NULL PRIMARY KEY REFERENCES organisations (org_id),
    cadence_months INTEGER NOT NULL CHECK (cadence_months BETWEEN 1 AND 12),
    updated_at TIMESTAMPTZ NOT NULL
);
