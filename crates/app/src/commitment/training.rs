//! Training (5.1 f, 5.3): completions read from a CSV file, and coverage
//! of general awareness and role-specific training on a day.

use crate::people::Area;
use crate::{AppError, AppResult};
use mandate_core::commitment::training::{
    Completion, RoleTrainingStatus, awareness_coverage, resolve_completions, role_training_on,
};
use mandate_core::import::RowError;
use mandate_core::{OrgId, PersonId};
use mandate_report::training_csv;
use mandate_store::Store;
use serde::Serialize;
use std::collections::HashMap;
use time::Date;
use uuid::Uuid;

/// Parses a CSV file and finds its people and courses; every problem is
/// reported with its line and nothing is recorded unless the file is good.
pub async fn completions_from_csv(
    store: &Store,
    org: OrgId,
    today: Date,
    text: &str,
) -> AppResult<Vec<Completion>> {
    let parsed = training_csv::parse(text.as_bytes());
    let people = store.people_all(org).await?;
    let courses = store.courses(org).await?;
    let mut errors: Vec<RowError> = parsed
        .errors
        .into_iter()
        .map(|e| RowError {
            line: e.line,
            message: e.message,
        })
        .collect();
    let resolved = resolve_completions(&parsed.rows, &people, &courses, today);
    let completions = match resolved {
        Ok(c) => c,
        Err(bad) => {
            errors.extend(bad.into_iter().map(|e| RowError {
                line: e.line,
                message: e.message,
            }));
            Vec::new()
        }
    };
    if completions.is_empty() && errors.is_empty() {
        errors.push(RowError {
            line: 1,
            message: "the file has a header but no completions".into(),
        });
    }
    if errors.is_empty() {
        Ok(completions)
    } else {
        errors.sort_by_key(|e| e.line);
        Err(AppError::InFile(errors))
    }
}

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleTrainingOut {
    pub role_id: Uuid,
    pub role: String,
    pub person_id: Uuid,
    pub person: String,
    pub training: String,
    pub course_id: Option<Uuid>,
    /// `current`, `expired`, `missing` or `not_in_catalogue`.
    pub status: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub expires_on: Option<Date>,
}

#[derive(Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CoverageOut {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub on: Date,
    /// Personnel counted (joiners in their grace period are not).
    pub personnel: usize,
    pub trained: usize,
    pub percent: f64,
    pub joiners_in_grace: usize,
    /// Up to 200 of the untrained, by id.
    pub untrained: Vec<Uuid>,
    /// Role holders and the training their roles require.
    pub role_training: Vec<RoleTrainingOut>,
}

/// Coverage of general awareness and role-specific training on `today`,
/// over `area` (a line manager's, or everyone).
pub async fn coverage_on(
    store: &Store,
    org: OrgId,
    today: Date,
    area: &Area,
) -> AppResult<CoverageOut> {
    let (settings, _) = store.org_settings(org).await?;
    let mut people = store.people_all(org).await?;
    people.retain(|p| area.contains(p.id));
    let courses = store.courses(org).await?;
    let records = store.training_records(org, None).await?;
    let roles = store.roles(org).await?;
    let assignments = store.assignments(org, None).await?;
    let awareness = awareness_coverage(
        &people,
        &courses,
        &records,
        today,
        i64::from(settings.joiner_grace_days),
    );
    let mut lines = role_training_on(&roles, &assignments, &courses, &records, today);
    lines.retain(|l| area.contains(l.person_id));
    let names: HashMap<PersonId, &str> = people.iter().map(|p| (p.id, p.name.as_str())).collect();
    Ok(CoverageOut {
        on: today,
        personnel: awareness.personnel,
        trained: awareness.trained,
        percent: (awareness.percent() * 10.0).round() / 10.0,
        joiners_in_grace: awareness.joiners_in_grace,
        untrained: awareness.untrained.iter().take(200).map(|p| p.0).collect(),
        role_training: lines
            .into_iter()
            .map(|l| {
                let (status, expires_on) = match l.status {
                    RoleTrainingStatus::Current { expires_on, .. } => ("current", expires_on),
                    RoleTrainingStatus::Expired { expired_on } => ("expired", Some(expired_on)),
                    RoleTrainingStatus::Missing => ("missing", None),
                    RoleTrainingStatus::NotInCatalogue => ("not_in_catalogue", None),
                };
                RoleTrainingOut {
                    role_id: l.role_id,
                    role: l.role,
                    person_id: l.person_id.0,
                    person: names
                        .get(&l.person_id)
                        .map(|n| n.to_string())
                        .unwrap_or_default(),
                    training: l.training,
                    course_id: l.course_id.map(|c| c.0),
                    status: status.into(),
                    expires_on,
                }
            })
            .collect(),
    })
}
