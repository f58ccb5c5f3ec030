//! Courses and training records (5.1 f, 7.2, 7.3). Completions are
//! recorded in batches (a form, an API call or a CSV file) in one
//! transaction: all of them or none. Recording a completion again for the
//! same person, course and day corrects it, audited with what it replaced.

use super::super::Repo;
use super::super::batch::insert_rows;
use super::super::commitment_rows::TrainingRow;
use super::super::kept;
use crate::backend::TrainingSummary;
use crate::error::{Result, StoreError};
use mandate_core::audit::{Actor, Change};
use mandate_core::commitment::training::{Completion, Course, CourseFields, TrainingRecord};
use mandate_core::{CourseId, OrgId, PersonId, UserId};
use std::collections::{HashMap, HashSet};
use time::Date;
use uuid::Uuid;

const TRAINING_UPSERT: &str = " ON CONFLICT (org_id, person_id, course_id, completed_on) DO UPDATE SET \
     expires_on = excluded.expires_on, note = excluded.note, recorded_by = excluded.recorded_by, \
     recorded_at = excluded.recorded_at";

impl Repo {
    /// Adds a course to the catalogue, or changes one. Titles are unique
    /// regardless of case: roles name their required training by title.
    pub async fn save_course(
        &self,
        actor: &Actor,
        org: OrgId,
        id: Option<CourseId>,
        expected_version: Option<i64>,
        fields: CourseFields,
    ) -> Result<Course> {
        let fields = fields.validated().map_err(StoreError::Invalid)?;
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let before: Option<Course> =
            kept::load_for_change(&mut tx, org, id.map(|i| i.0), expected_version).await?;
        let others: Vec<Course> = kept::list_in(&mut tx, org).await?;
        if others
            .iter()
            .any(|c| Some(c.id) != id && c.is_named(&fields.title))
        {
            return Err(StoreError::Conflict(format!(
                "there is a course called {:?} already",
                fields.title
            )));
        }
        let after = match &before {
            Some(before) => Course {
                fields,
                updated_at: chain.at(),
                version: before.version + 1,
                ..before.clone()
            },
            None => Course {
                id: CourseId::new(),
                org_id: org,
                fields,
                created_at: chain.at(),
                updated_at: chain.at(),
                version: 1,
            },
        };
        kept::save(&mut tx, &mut chain, before.as_ref(), &after, None).await?;
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(after)
    }

    pub async fn courses(&self, org: OrgId) -> Result<Vec<Course>> {
        kept::list(&self.pool, org).await
    }

    /// Records completions in one transaction; the first bad one refuses
    /// the batch, naming its position (1-based).
    pub async fn record_training(
        &self,
        actor: &Actor,
        org: OrgId,
        by: UserId,
        completions: Vec<Completion>,
    ) -> Result<TrainingSummary> {
        let mut tx = self.begin_write().await?;
        let mut chain = self.lock_chain(&mut tx, org, actor).await?;
        let today = chain.at().date();
        let courses: HashMap<CourseId, Course> = kept::list_in::<Course>(&mut tx, org)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        let people: HashSet<Uuid> =
            sqlx::query_as::<_, (Uuid,)>("SELECT person_id FROM people WHERE org_id = $1")
                .bind(org.0)
                .fetch_all(&mut *tx)
                .await?
                .into_iter()
                .map(|(id,)| id)
                .collect();
        let existing: HashMap<(PersonId, CourseId, Date), TrainingRecord> =
            load_training(&mut tx, org, None)
                .await?
                .into_iter()
                .map(|r| {
                    let c = &r.completion;
                    ((c.person_id, c.course_id, c.completed_on), r)
                })
                .collect();
        let mut summary = TrainingSummary::default();
        let mut seen = HashSet::new();
        let mut rows = Vec::new();
        for (index, completion) in completions.into_iter().enumerate() {
            let at = |e: String| StoreError::Invalid(format!("entry {}: {e}", index + 1));
            let course = courses.get(&completion.course_id).ok_or_else(|| {
                at(format!(
                    "course_id: there is no course {} here",
                    completion.course_id
                ))
            })?;
            if !people.contains(&completion.person_id.0) {
                return Err(at(format!(
                    "person_id: there is nobody {} here",
                    completion.person_id
                )));
            }
            let completion = completion.validated(course, today).map_err(at)?;
            let key = (
                completion.person_id,
                completion.course_id,
                completion.completed_on,
            );
            if !seen.insert(key) {
                return Err(at(
                    "the same completion twice (person, course and day)".into()
                ));
            }
            let before = existing.get(&key);
            if before.is_some_and(|b| b.completion == completion) {
                summary.unchanged += 1;
                continue;
            }
            let record = TrainingRecord {
                org_id: org,
                completion,
                recorded_by: by,
                recorded_at: chain.at(),
            };
            let id = format!("{}/{}@{}", key.0, key.1, key.2);
            let json = |r: &TrainingRecord| serde_json::to_value(r).unwrap_or_default();
            chain.record(match before {
                Some(b) => {
                    summary.corrected += 1;
                    Change::updated("training_record", id, json(b), json(&record))
                }
                None => {
                    summary.recorded += 1;
                    Change::created("training_record", id, json(&record))
                }
            });
            rows.push(TrainingRow::from(&record));
        }
        insert_rows(&mut tx, &rows, TRAINING_UPSERT, |_| {}).await?;
        chain.seal(&mut tx).await?;
        tx.commit().await?;
        Ok(summary)
    }

    /// Every completion, or one person's.
    pub async fn training_records(
        &self,
        org: OrgId,
        person: Option<PersonId>,
    ) -> Result<Vec<TrainingRecord>> {
        let mut tx = self.begin_snapshot().await?;
        let records = load_training(&mut tx, org, person).await?;
        tx.commit().await?;
        Ok(records)
    }
}

async fn load_training(
    tx: &mut super::super::Transaction<'static, super::super::Db>,
    org: OrgId,
    person: Option<PersonId>,
) -> Result<Vec<TrainingRecord>> {
    use super::super::batch::Insertable;
    let filter = if person.is_some() {
        " AND person_id = $2"
    } else {
        ""
    };
    let sql = format!(
        "SELECT {} FROM training_records WHERE org_id = $1{filter} ORDER BY completed_on DESC, person_id, course_id",
        TrainingRow::COLUMNS.join(", ")
    );
    let mut query = sqlx::query_as::<_, TrainingRow>(sqlx::AssertSqlSafe(sql)).bind(org.0);
    if let Some(p) = person {
        query = query.bind(p.0);
    }
    Ok(query
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .map(TrainingRecord::from)
        .collect())
}
