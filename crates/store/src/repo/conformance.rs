//! What the conformance check reads: every version's dates without its
//! text, approvals, no-change reviews and distributions of the whole
//! organisation in one query each, and the large figures (acknowledgements,
//! awareness, line managers) counted in SQL as of a day, so the check of an
//! organisation of 100,000 people ships a few hundred rows, not millions.

use super::Repo;
use crate::backend::{AckCounts, VersionApproval, VersionDates};
use crate::error::{Result, StoreError};
use mandate_core::commitment::training::AwarenessCoverage;
use mandate_core::{OrgId, PersonId, PolicyId, VersionId};
use time::{Date, Duration, OffsetDateTime};
use uuid::Uuid;

/// The first instant after `day` (UTC): what happened before it had
/// happened by the end of the day.
fn end_of(day: Date) -> OffsetDateTime {
    day.midnight().assume_utc() + Duration::days(1)
}

fn count(n: Option<i64>) -> usize {
    usize::try_from(n.unwrap_or(0)).unwrap_or(0)
}

/// Whether the person row `p` is personnel on the day bound at `$2`:
/// employed or contracted then, not a supplier's contact (as `is_personnel`).
fn personnel(p: &str) -> String {
    format!(
        "{p}.kind <> 'supplier' AND ({p}.start_date IS NULL OR {p}.start_date <= $2) \
         AND ({p}.end_date IS NULL OR {p}.end_date >= $2)"
    )
}

impl Repo {
    /// Every version of every policy, without the text.
    pub async fn version_dates(&self, org: OrgId) -> Result<Vec<VersionDates>> {
        type Row = (
            Uuid,
            Uuid,
            i32,
            String,
            Uuid,
            OffsetDateTime,
            Option<OffsetDateTime>,
            Option<OffsetDateTime>,
            OffsetDateTime,
        );
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT version_id, policy_id, number, state, author_id, created_at, approved_at, \
                    published_at, updated_at \
             FROM policy_versions WHERE org_id = $1 ORDER BY policy_id, number",
        )
        .bind(org.0)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(
                |(
                    id,
                    policy,
                    number,
                    state,
                    author,
                    created_at,
                    approved_at,
                    published_at,
                    updated_at,
                )| {
                    Ok(VersionDates {
                        id: VersionId(id),
                        policy_id: PolicyId(policy),
                        number,
                        state: state.parse().map_err(StoreError::corrupt)?,
                        author_id: mandate_core::UserId(author),
                        created_at,
                        approved_at,
                        published_at,
                        updated_at,
                    })
                },
            )
            .collect()
    }

    /// The approvals of every version in its last review round, with the
    /// approver's name and the authority recorded with the decision.
    pub async fn version_approvals(&self, org: OrgId) -> Result<Vec<VersionApproval>> {
        let rows: Vec<(Uuid, String, String, OffsetDateTime)> = sqlx::query_as(
            "SELECT d.version_id, p.name, d.authority, d.decided_at FROM policy_decisions d \
             JOIN policy_versions v ON v.org_id = d.org_id AND v.version_id = d.version_id \
             JOIN users u ON u.org_id = d.org_id AND u.user_id = d.user_id \
             JOIN people p ON p.org_id = u.org_id AND p.person_id = u.person_id \
             WHERE d.org_id = $1 AND d.verdict = 'approve' AND d.review_round = v.review_round \
             ORDER BY d.decided_at",
        )
        .bind(org.0)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(version, approver, authority, decided_at)| VersionApproval {
                    version_id: VersionId(version),
                    approver,
                    authority,
                    decided_at,
                },
            )
            .collect())
    }

    /// When each policy was reviewed and found to need no change.
    pub async fn no_change_reviews(&self, org: OrgId) -> Result<Vec<(PolicyId, OffsetDateTime)>> {
        let rows: Vec<(Uuid, OffsetDateTime)> = sqlx::query_as(
            "SELECT policy_id, reviewed_at FROM policy_reviews \
             WHERE org_id = $1 AND outcome = 'no_change' ORDER BY reviewed_at",
        )
        .bind(org.0)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(p, at)| (PolicyId(p), at)).collect())
    }

    /// When each policy was distributed to an interested party.
    pub async fn distribution_days(&self, org: OrgId) -> Result<Vec<(PolicyId, Date)>> {
        let rows: Vec<(Uuid, Date)> = sqlx::query_as(
            "SELECT policy_id, distributed_on FROM policy_distributions WHERE org_id = $1",
        )
        .bind(org.0)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(|(p, on)| (PolicyId(p), on)).collect())
    }

    /// One version's acknowledgements as they stood at the end of `day`.
    /// Today's are read from the totals kept with every answer; a past
    /// day's are counted from the requests' dates.
    pub async fn acknowledgements_on(
        &self,
        org: OrgId,
        version: VersionId,
        day: Date,
    ) -> Result<AckCounts> {
        if day >= mandate_core::timefmt::now().date() {
            return self.acknowledgements_now(org, version, day).await;
        }
        let (addressed, done, overdue): (i64, Option<i64>, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), \
               SUM(CASE WHEN answered_at < $3 AND state IN ('accepted', 'carried_over') THEN 1 ELSE 0 END), \
               SUM(CASE WHEN (answered_at IS NULL OR answered_at >= $3) AND due_on < $4 THEN 1 ELSE 0 END) \
             FROM acknowledgements WHERE org_id = $1 AND version_id = $2 \
               AND owed_since < $3 AND (released_at IS NULL OR released_at >= $3)",
        )
        .bind(org.0)
        .bind(version.0)
        .bind(end_of(day))
        .bind(day)
        .fetch_one(&self.pool)
        .await?;
        Ok(AckCounts {
            addressed: count(Some(addressed)),
            done: count(done),
            overdue: count(overdue),
        })
    }

    async fn acknowledgements_now(
        &self,
        org: OrgId,
        version: VersionId,
        today: Date,
    ) -> Result<AckCounts> {
        let totals: Vec<(String, i64)> = sqlx::query_as(
            "SELECT state, count FROM acknowledgement_totals WHERE org_id = $1 AND version_id = $2",
        )
        .bind(org.0)
        .bind(version.0)
        .fetch_all(&self.pool)
        .await?;
        let (overdue,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM acknowledgements \
             WHERE org_id = $1 AND version_id = $2 AND state = 'owed' AND due_on < $3",
        )
        .bind(org.0)
        .bind(version.0)
        .bind(today)
        .fetch_one(&self.pool)
        .await?;
        let of = |wanted: &[&str]| {
            totals
                .iter()
                .filter(|(state, _)| wanted.contains(&state.as_str()))
                .map(|(_, n)| count(Some(*n)))
                .sum::<usize>()
        };
        Ok(AckCounts {
            addressed: of(&["owed", "accepted", "declined", "carried_over"]),
            done: of(&["accepted", "carried_over"]),
            overdue: count(Some(overdue)),
        })
    }

    /// General-awareness coverage on `day`, counted in SQL: as
    /// `awareness_coverage`, without the list of the untrained. The trained
    /// are found once (a scan of the completions in the window), not probed
    /// person by person.
    pub async fn awareness_on(
        &self,
        org: OrgId,
        day: Date,
        window_start: Date,
        grace_days: i64,
    ) -> Result<AwarenessCoverage> {
        // The trained, found once: an uncorrelated IN is evaluated a single
        // time into a set, then probed per person.
        let trained_set = "SELECT r.person_id FROM training_records r \
             JOIN courses c ON c.org_id = r.org_id AND c.course_id = r.course_id \
             WHERE r.org_id = $1 AND c.kind = 'general_awareness' AND r.completed_on > $3 \
               AND r.completed_on <= $2 AND (r.expires_on IS NULL OR r.expires_on >= $2)";
        let sql = format!(
            "SELECT SUM(trained), SUM(CASE WHEN trained = 0 AND in_grace = 1 THEN 1 ELSE 0 END), \
                    SUM(CASE WHEN trained = 0 AND in_grace = 0 THEN 1 ELSE 0 END) \
             FROM (SELECT CASE WHEN p.person_id IN ({trained_set}) THEN 1 ELSE 0 END AS trained, \
                          CASE WHEN p.start_date IS NOT NULL AND p.start_date > $4 THEN 1 ELSE 0 END AS in_grace \
                   FROM people p WHERE p.org_id = $1 AND {}) AS counted",
            personnel("p")
        );
        let (trained, grace, untrained): (Option<i64>, Option<i64>, Option<i64>) =
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(org.0)
                .bind(day)
                .bind(window_start)
                .bind(day - Duration::days(grace_days))
                .fetch_one(&self.pool)
                .await?;
        let trained = count(trained);
        Ok(AwarenessCoverage {
            personnel: trained + count(untrained),
            trained,
            joiners_in_grace: count(grace),
            untrained: Vec::new(),
        })
    }

    /// Line managers on `day` with their names, by name: personnel then,
    /// managing someone who is (as `line_managers_on`). Who manages is
    /// found in one pass over the people, not probed manager by manager.
    pub async fn line_managers_on(&self, org: OrgId, day: Date) -> Result<Vec<(PersonId, String)>> {
        let sql = format!(
            "SELECT m.person_id, m.name FROM people m WHERE m.org_id = $1 AND {} \
             AND m.person_id IN (SELECT p.manager_id FROM people p \
                 WHERE p.org_id = $1 AND p.manager_id IS NOT NULL AND {}) \
             ORDER BY m.name, m.person_id",
            personnel("m"),
            personnel("p"),
        );
        let rows: Vec<(Uuid, String)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(org.0)
            .bind(day)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .into_iter()
            .map(|(id, name)| (PersonId(id), name))
            .collect())
    }
}
