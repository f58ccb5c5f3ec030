//! What changed since the last management review: audited changes by kind
//! of record, policy versions published, people who joined and left. One of
//! the inputs a review must consider (changes in internal issues).

use super::super::Repo;
use super::super::dialect;
use crate::error::Result;
use mandate_core::OrgId;
use mandate_core::performance::ChangeSummary;
use time::{Date, OffsetDateTime, Time};

/// Before any record: both databases store dates from year 1 on, but not
/// `Date::MIN`.
const EPOCH: Date = time::macros::date!(1970 - 01 - 01);

impl Repo {
    /// The changes from `since` (the whole history if none) up to `until`.
    pub async fn changes_since(
        &self,
        org: OrgId,
        since: Option<Date>,
        until: Date,
    ) -> Result<ChangeSummary> {
        let from = since
            .unwrap_or(EPOCH)
            .with_time(Time::MIDNIGHT)
            .assume_utc();
        let end: OffsetDateTime = until
            .next_day()
            .unwrap_or(until)
            .with_time(Time::MIDNIGHT)
            .assume_utc();
        // Only the bounds that exclude something become conditions: the
        // whole history (a first review) is a plain count per kind, without
        // a date comparison on every one of its events.
        let mut conditions = String::new();
        let mut bounds = Vec::new();
        if since.is_some() {
            bounds.push(from);
            let n = bounds.len() + 1;
            conditions.push_str(" AND ");
            conditions.push_str(&dialect::OCCURRED_FROM.replace('?', &format!("${n}")));
        }
        if until < mandate_core::timefmt::now().date() {
            bounds.push(end);
            let n = bounds.len() + 1;
            conditions.push_str(" AND ");
            conditions.push_str(&dialect::OCCURRED_BEFORE.replace('?', &format!("${n}")));
        }
        let sql = format!(
            "SELECT entity_type, COUNT(*) FROM audit_events WHERE org_id = $1{conditions} \
             GROUP BY entity_type ORDER BY COUNT(*) DESC, entity_type"
        );
        let mut query = sqlx::query_as::<_, (String, i64)>(sqlx::AssertSqlSafe(sql)).bind(org.0);
        for bound in bounds {
            query = query.bind(bound);
        }
        let changes_by_record = query.fetch_all(&self.pool).await?;
        let published: Vec<(String, i32, Option<OffsetDateTime>)> = sqlx::query_as(
            "SELECT p.title, v.number, v.published_at FROM policy_versions v \
             JOIN policies p ON p.org_id = v.org_id AND p.policy_id = v.policy_id \
             WHERE v.org_id = $1 AND v.published_at IS NOT NULL ORDER BY p.title, v.number",
        )
        .bind(org.0)
        .fetch_all(&self.pool)
        .await?;
        let versions_published = published
            .into_iter()
            .filter(|(_, _, at)| at.is_some_and(|at| at >= from && at < end))
            .map(|(title, number, _)| format!("{title} v{number}"))
            .collect();
        let count = |sql: &'static str| async move {
            let (n,): (i64,) = sqlx::query_as(sql)
                .bind(org.0)
                .bind(since.unwrap_or(EPOCH))
                .bind(until)
                .fetch_one(&self.pool)
                .await?;
            Ok::<i64, crate::error::StoreError>(n)
        };
        Ok(ChangeSummary {
            since,
            changes_by_record,
            versions_published,
            people_joined: count(
                "SELECT COUNT(*) FROM people WHERE org_id = $1 AND start_date >= $2 AND start_date <= $3",
            )
            .await?,
            people_left: count(
                "SELECT COUNT(*) FROM people WHERE org_id = $1 AND end_date >= $2 AND end_date <= $3",
            )
            .await?,
        })
    }
}
