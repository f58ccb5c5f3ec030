-- Policies (5.2): the top-level policy and topic-specific policies, their
-- versions, approval decisions, reviews, exceptions and distributions.

CREATE TABLE policies (
    org_id UUID NOT NULL REFERENCES organisations (org_id),
    policy_id UUID NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('top_level', 'topic')),
    parent_id UUID,
    owner_role TEXT NOT NULL,
    review_interval_months INTEGER NOT NULL CHECK (review_interval_months BETWEEN 1 AND 60),
    audience TEXT NOT NULL,
    is_public BOOLEAN NOT NULL DEFAULT FALSE,
    approval_rule TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (org_id, policy_id),
    -- Deferred: a restore or an import may write a child before its parent.
    FOREIGN KEY (org_id, parent_id) REFERENCES policies (org_id, policy_id) DEFERRABLE INITIALLY DEFERRED
);
-- One top-level policy per organisation.
CREATE UNIQUE INDEX policies_one_top_level ON policies (org_id) WHERE kind = 'top_level';
CREATE INDEX policies_by_title ON policies (org_id, title, policy_id);

CREATE TABLE policy_versions (
    org_id UUID NOT NULL,
    version_id UUID NOT NULL,
    policy_id UUID NOT NULL,
    number INTEGER NOT NULL,
    body TEXT NOT NULL,
    change_summary TEXT NOT NULL,
    author_id UUID NOT NULL,
    -- Everyone who wrote part of the text (the author first), as a JSON array:
    -- none of them may approve it.
    contributors TEXT NOT NULL DEFAULT '[]',
    state TEXT NOT NULL CHECK (state IN ('draft', 'in_review', 'approved', 'published', 'superseded', 'retired')),
    review_round INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    approved_at TIMESTAMPTZ,
    published_at TIMESTAMPTZ,
    version BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (org_id, version_id),
    UNIQUE (org_id, policy_id, number),
    FOREIGN KEY (org_id, policy_id) REFERENCES policies (org_id, policy_id),
    FOREIGN KEY (org_id, author_id) REFERENCES users (org_id, user_id)
);
-- At most one published version per policy.
CREATE UNIQUE INDEX policy_versions_one_published ON policy_versions (org_id, policy_id) WHERE state = 'published';

CREATE TABLE policy_decisions (
    org_id UUID NOT NULL,
    decision_id UUID NOT NULL,
    version_id UUID NOT NULL,
    review_round INTEGER NOT NULL,
    user_id UUID NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('approve', 'reject')),
    comment TEXT NOT NULL DEFAULT '',
    authority TEXT NOT NULL,
    decided_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, decision_id),
    UNIQUE (org_id, version_id, review_round, user_id),
    FOREIGN KEY (org_id, version_id) REFERENCES policy_versions (org_id, version_id),
    FOREIGN KEY (org_id, user_id) REFERENCES users (org_id, user_id)
);

CREATE TABLE policy_reviews (
    org_id UUID NOT NULL,
    review_id UUID NOT NULL,
    policy_id UUID NOT NULL,
    reviewed_by UUID NOT NULL,
    reviewed_at TIMESTAMPTZ NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('no_change', 'new_draft')),
    note TEXT NOT NULL DEFAULT '',
    version_id UUID,
    PRIMARY KEY (org_id, review_id),
    FOREIGN KEY (org_id, policy_id) REFERENCES policies (org_id, policy_id),
    FOREIGN KEY (org_id, reviewed_by) REFERENCES users (org_id, user_id)
);
CREATE INDEX policy_reviews_by_policy ON policy_reviews (org_id, policy_id, reviewed_at);

CREATE TABLE policy_exceptions (
    org_id UUID NOT NULL,
    exception_id UUID NOT NULL,
    policy_id UUID NOT NULL,
    clause TEXT NOT NULL,
    justification TEXT NOT NULL,
    risk TEXT NOT NULL,
    compensating_controls TEXT NOT NULL,
    requested_by UUID NOT NULL,
    -- An exception to segregation of duties names the person and the two roles.
    waiver_person_id UUID,
    waiver_role_a UUID,
    waiver_role_b UUID,
    state TEXT NOT NULL CHECK (state IN ('requested', 'approved', 'rejected', 'closed')),
    expires_on DATE,
    pending_expires_on DATE,
    -- Who asked for the pending expiry (the requester, or whoever asked to extend).
    pending_requested_by UUID,
    approved_by UUID,
    authority TEXT,
    decision_comment TEXT,
    decided_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (org_id, exception_id),
    FOREIGN KEY (org_id, policy_id) REFERENCES policies (org_id, policy_id),
    FOREIGN KEY (org_id, requested_by) REFERENCES users (org_id, user_id),
    FOREIGN KEY (org_id, approved_by) REFERENCES users (org_id, user_id)
);
CREATE INDEX policy_exceptions_by_policy ON policy_exceptions (org_id, policy_id);

CREATE TABLE policy_distributions (
    org_id UUID NOT NULL,
    distribution_id UUID NOT NULL,
    policy_id UUID NOT NULL,
    version_id UUID NOT NULL,
    party TEXT NOT NULL,
    channel TEXT NOT NULL,
    distributed_on DATE NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    recorded_by UUID NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (org_id, distribution_id),
    FOREIGN KEY (org_id, policy_id) REFERENCES policies (org_id, policy_id),
    FOREIGN KEY (org_id, version_id) REFERENCES policy_versions (org_id, version_id),
    FOREIGN KEY (org_id, recorded_by) REFERENCES users (org_id, user_id)
);
CREATE INDEX policy_distributions_by_policy ON policy_distributions (org_id, policy_id);
