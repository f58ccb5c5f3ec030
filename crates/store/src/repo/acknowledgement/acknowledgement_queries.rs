//! Reading acknowledgement campaigns: one person's or one version's
//! requests, what is owed, the kept totals, and a campaign's figures and
//! people counted and paged in SQL (a campaign may address 100,000 people).

use super::super::Db;
use super::super::Repo;
use super::super::acknowledgement_rows::{AckRow, AckTotalRow};
use super::super::acknowledgements::load_requests;
use super::super::batch::Insertable;
use crate::backend::{CampaignPeopleQuery, CampaignPerson, PeopleFilter};
use crate::error::{Result, StoreError};
use mandate_core::acknowledgement::{AckRequest, AckState, GroupCount};
use mandate_core::{OrgId, PersonId, VersionId};
use std::collections::HashMap;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// (department, manager, state, overdue, count).
type GroupRow = (Option<String>, Option<Uuid>, String, i32, i64);

impl Repo {
    /// One version's requests counted by department, line manager, state
    /// and whether overdue on `today`: the campaign's figures without
    /// shipping its rows.
    /// With `area_of`, only that line manager's area is counted.
    pub async fn campaign_groups(
        &self,
        org: OrgId,
        version: VersionId,
        today: Date,
        area_of: Option<PersonId>,
    ) -> Result<Vec<GroupCount>> {
        let area = match area_of {
            Some(_) => format!(
                " AND person_id IN ({})",
                super::super::people_edit::area_sql(4)
            ),
            None => String::new(),
        };
        let sql = format!(
            "SELECT department, manager_id, state, CASE WHEN state = 'owed' AND due_on < $3 THEN 1 ELSE 0 END AS late, COUNT(*) \
             FROM acknowledgements WHERE org_id = $1 AND version_id = $2{area} GROUP BY department, manager_id, state, late"
        );
        let mut query = sqlx::query_as::<_, GroupRow>(sqlx::AssertSqlSafe(sql))
            .bind(org.0)
            .bind(version.0)
            .bind(today);
        if let Some(manager) = area_of {
            query = query.bind(manager.0);
        }
        let rows: Vec<GroupRow> = query.fetch_all(&self.pool).await?;
        rows.into_iter()
            .map(|(department, manager, state, late, count)| {
                Ok(GroupCount {
                    department,
                    manager_id: manager.map(PersonId),
                    state: AckState::parse(&state).ok_or_else(|| {
                        StoreError::corrupt(format!("acknowledgement state {state:?}"))
                    })?,
                    overdue: late != 0,
                    count: usize::try_from(count).unwrap_or(0),
                })
            })
            .collect()
    }

    /// A page of a campaign's people, by name.
    pub async fn campaign_people(
        &self,
        org: OrgId,
        version: VersionId,
        q: &CampaignPeopleQuery,
    ) -> Result<Vec<CampaignPerson>> {
        let mut sql: sqlx::QueryBuilder<Db> = sqlx::QueryBuilder::new(
            "SELECT a.person_id, p.name, p.email, a.department, a.state, a.due_on, a.answered_at, a.reason \
             FROM acknowledgements a JOIN people p ON p.org_id = a.org_id AND p.person_id = a.person_id WHERE a.org_id = ",
        );
        sql.push_bind(org.0)
            .push(" AND a.version_id = ")
            .push_bind(version.0);
        match q.filter {
            PeopleFilter::Addressed => sql.push(" AND a.state <> 'released'"),
            PeopleFilter::Owed => sql.push(" AND a.state = 'owed'"),
            PeopleFilter::Overdue => sql
                .push(" AND a.state = 'owed' AND a.due_on < ")
                .push_bind(q.today),
            PeopleFilter::Done => sql.push(" AND a.state IN ('accepted', 'carried_over')"),
            PeopleFilter::Declined => sql.push(" AND a.state = 'declined'"),
            PeopleFilter::Released => sql.push(" AND a.state = 'released'"),
        };
        match &q.department {
            Some(Some(d)) => {
                sql.push(" AND a.department = ").push_bind(d.clone());
            }
            Some(None) => {
                sql.push(" AND a.department IS NULL");
            }
            None => {}
        }
        if let Some(m) = q.manager_id {
            sql.push(" AND a.manager_id = ").push_bind(m.0);
        }
        if let Some(manager) = q.area_of {
            sql.push(
                " AND a.person_id IN (WITH RECURSIVE area(person_id) AS (\
                 SELECT person_id FROM people WHERE org_id = ",
            )
            .push_bind(org.0)
            .push(" AND person_id = ")
            .push_bind(manager.0)
            .push(
                " UNION SELECT below.person_id FROM people below \
                 JOIN area above ON below.manager_id = above.person_id WHERE below.org_id = ",
            )
            .push_bind(org.0)
            .push(") SELECT person_id FROM area)");
        }
        if let Some((name, id)) = &q.after {
            sql.push(" AND (p.name > ")
                .push_bind(name.clone())
                .push(" OR (p.name = ")
                .push_bind(name.clone())
                .push(" AND p.person_id > ")
                .push_bind(id.0)
                .push("))");
        }
        sql.push(" ORDER BY p.name, p.person_id");
        if let Some(limit) = q.limit {
            sql.push(" LIMIT ").push_bind(limit);
        }
        type Row = (
            Uuid,
            String,
            String,
            Option<String>,
            String,
            Date,
            Option<OffsetDateTime>,
            String,
        );
        let rows: Vec<Row> = sql.build_query_as().fetch_all(&self.pool).await?;
        rows.into_iter()
            .map(
                |(id, name, email, department, state, due_on, answered_at, reason)| {
                    Ok(CampaignPerson {
                        person_id: PersonId(id),
                        name,
                        email,
                        department,
                        state: AckState::parse(&state).ok_or_else(|| {
                            StoreError::corrupt(format!("acknowledgement state {state:?}"))
                        })?,
                        due_on,
                        answered_at,
                        reason,
                    })
                },
            )
            .collect()
    }

    /// One person's requests, every version.
    pub async fn acknowledgements_of_person(
        &self,
        org: OrgId,
        person: PersonId,
    ) -> Result<Vec<AckRequest>> {
        let mut tx = self.begin_snapshot().await?;
        let found = load_requests(&mut tx, org, "person_id", person.0).await?;
        tx.commit().await?;
        Ok(found)
    }

    /// One version's requests.
    pub async fn acknowledgements_of_version(
        &self,
        org: OrgId,
        version: VersionId,
    ) -> Result<Vec<AckRequest>> {
        let mut tx = self.begin_snapshot().await?;
        let found = load_requests(&mut tx, org, "version_id", version.0).await?;
        tx.commit().await?;
        Ok(found)
    }

    /// Every request still owed, across versions (for reminders).
    pub async fn owed_acknowledgements(&self, org: OrgId) -> Result<Vec<AckRequest>> {
        let sql = format!(
            "SELECT {} FROM acknowledgements WHERE org_id = $1 AND state = 'owed' ORDER BY owed_since",
            AckRow::COLUMNS.join(", ")
        );
        let rows: Vec<AckRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(org.0)
            .fetch_all(&self.pool)
            .await?;
        rows.into_iter().map(AckRequest::try_from).collect()
    }

    /// [`Self::acknowledgement_totals`] for a line manager's area, counted
    /// from the requests (the kept totals are the organisation's).
    pub async fn area_acknowledgement_totals(
        &self,
        org: OrgId,
        manager: PersonId,
        day: Date,
    ) -> Result<HashMap<VersionId, (HashMap<AckState, i64>, i64)>> {
        let sql = format!(
            "SELECT version_id, state, CASE WHEN state = 'owed' AND due_on < $3 THEN 1 ELSE 0 END AS late, COUNT(*) \
             FROM acknowledgements WHERE org_id = $1 AND person_id IN ({}) GROUP BY version_id, state, late",
            super::super::people_edit::area_sql(2)
        );
        let rows: Vec<(Uuid, String, i32, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(org.0)
            .bind(manager.0)
            .bind(day)
            .fetch_all(&self.pool)
            .await?;
        let mut out: HashMap<VersionId, (HashMap<AckState, i64>, i64)> = HashMap::new();
        for (version, state, late, count) in rows {
            let state = AckState::parse(&state)
                .ok_or_else(|| StoreError::corrupt(format!("acknowledgement state {state:?}")))?;
            let entry = out.entry(VersionId(version)).or_default();
            *entry.0.entry(state).or_default() += count;
            if late != 0 {
                entry.1 += count;
            }
        }
        Ok(out)
    }

    /// Per version: the count in each state, and how many owed are overdue on `day`.
    pub async fn acknowledgement_totals(
        &self,
        org: OrgId,
        day: Date,
    ) -> Result<HashMap<VersionId, (HashMap<AckState, i64>, i64)>> {
        let totals: Vec<AckTotalRow> = sqlx::query_as(
            "SELECT org_id, version_id, state, count FROM acknowledgement_totals WHERE org_id = $1",
        )
        .bind(org.0)
        .fetch_all(&self.pool)
        .await?;
        let overdue: Vec<(Uuid, i64)> = sqlx::query_as(
            "SELECT version_id, COUNT(*) FROM acknowledgements WHERE org_id = $1 AND state = 'owed' AND due_on < $2 GROUP BY version_id",
        )
        .bind(org.0)
        .bind(day)
        .fetch_all(&self.pool)
        .await?;
        let mut out: HashMap<VersionId, (HashMap<AckState, i64>, i64)> = HashMap::new();
        for t in totals {
            let state = AckState::parse(&t.state).ok_or_else(|| {
                StoreError::corrupt(format!("acknowledgement state {:?}", t.state))
            })?;
            out.entry(VersionId(t.version_id))
                .or_default()
                .0
                .insert(state, t.count);
        }
        for (version, n) in overdue {
            out.entry(VersionId(version)).or_default().1 = n;
        }
        Ok(out)
    }
}
