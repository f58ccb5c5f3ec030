-- Indexes the conformance check reads through at 100,000 people: each
-- answers its question from the index alone, without visiting the rows.

-- Who owes a version, and by when: overdue figures of one campaign.
CREATE INDEX acknowledgements_owed_by_version ON acknowledgements (org_id, version_id, due_on) WHERE state = 'owed';

-- Who completed a course in a window, and until when it holds.
DROP INDEX training_records_by_course;
CREATE INDEX training_records_by_course ON training_records (org_id, course_id, completed_on, expires_on, person_id);

-- Who manages whom among the personnel on a day.
DROP INDEX people_by_manager;
CREATE INDEX people_by_manager ON people (org_id, manager_id, kind, start_date, end_date, person_id);

-- A period's attestations.
CREATE INDEX attestations_by_period ON attestations (org_id, period_start);
