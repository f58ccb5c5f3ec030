//! Awareness and training (5.1 f, 7.2, 7.3): coverage of personnel and of
//! role holders today, the course catalogue, and completions recorded by
//! hand or from a CSV file.

use super::form_input::{file_problems, invalid, parse_date, person_by_email};
use super::view::Choice;
use super::{Layout, NoticeParams, PageError, render};
use crate::auth::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mandate_app::commitment::{CoverageOut, completions_from_csv, coverage_on};
use mandate_core::commitment::training::{Completion, Course, CourseFields, CourseKind};
use mandate_core::timefmt::now;
use mandate_core::{CourseId, Permission};
use serde::Deserialize;

pub struct CourseView {
    pub title: String,
    pub kind: &'static str,
    pub validity: String,
    pub completions: usize,
    /// Roles whose required training names it.
    pub roles: Vec<String>,
}

pub struct RecordView {
    pub person: String,
    pub course: String,
    pub completed_on: String,
    pub expires_on: String,
}

#[derive(Template)]
#[template(path = "training.html")]
struct TrainingPage {
    layout: Layout,
    coverage: CoverageOut,
    /// Role holders whose required training is not current.
    gaps: Vec<mandate_app::commitment::RoleTrainingOut>,
    current_role_training: usize,
    courses: Vec<CourseView>,
    course_choices: Vec<Choice>,
    recent: Vec<RecordView>,
    total_records: usize,
    kinds: Vec<Choice>,
    today: String,
    can_edit: bool,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(params): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;
    let layout = Layout::new(&state, &viewer, "Awareness and training", "/training")
        .await?
        .live()
        .with_notice(params.notice.as_deref());
    let area = mandate_app::people::Area::of(&state.store, &viewer.caller()).await?;
    let mut coverage = coverage_on(
        &state.store,
        org,
        mandate_core::timefmt::now().date(),
        &area,
    )
    .await?;
    let lines = std::mem::take(&mut coverage.role_training);
    let current_role_training = lines.iter().filter(|l| l.status == "current").count();
    let gaps = lines
        .into_iter()
        .filter(|l| l.status != "current")
        .collect();
    let courses: Vec<Course> = state.store.courses(org).await?;
    let mut records = state.store.training_records(org, None).await?;
    records.retain(|r| area.contains(r.completion.person_id));
    let roles = state.store.roles(org).await?;
    let recent_people = records
        .iter()
        .take(50)
        .map(|r| r.completion.person_id)
        .collect();
    let names = state.store.person_names(org, recent_people).await?;
    let title = |id: CourseId| {
        courses
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.fields.title.clone())
            .unwrap_or_default()
    };
    Ok(render(&TrainingPage {
        layout,
        coverage,
        gaps,
        current_role_training,
        courses: courses
            .iter()
            .map(|c| CourseView {
                title: c.fields.title.clone(),
                kind: c.fields.kind.label(),
                validity: c
                    .fields
                    .validity_months
                    .map_or("does not expire".into(), |m| format!("{m} months")),
                completions: records
                    .iter()
                    .filter(|r| r.completion.course_id == c.id)
                    .count(),
                roles: roles
                    .iter()
                    .filter(|r| r.fields.required_training.iter().any(|t| c.is_named(t)))
                    .map(|r| r.fields.name.clone())
                    .collect(),
            })
            .collect(),
        course_choices: courses
            .iter()
            .map(|c| Choice::new(c.id.to_string(), c.fields.title.clone()))
            .collect(),
        recent: records
            .iter()
            .take(50)
            .map(|r| RecordView {
                person: names
                    .get(&r.completion.person_id)
                    .cloned()
                    .unwrap_or_default(),
                course: title(r.completion.course_id),
                completed_on: r.completion.completed_on.to_string(),
                expires_on: super::date_text(r.completion.expires_on),
            })
            .collect(),
        total_records: records.len(),
        kinds: CourseKind::ALL
            .iter()
            .map(|k| Choice::new(k.as_str(), k.label()))
            .collect(),
        today: now().date().to_string(),
        can_edit: viewer.may(Permission::EditCommitment),
    }))
}

#[derive(Deserialize)]
pub struct CourseForm {
    title: String,
    kind: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    validity_months: String,
}

pub async fn create_course(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<CourseForm>,
) -> Result<Response, PageError> {
    let validity_months = match f.validity_months.trim() {
        "" => None,
        raw => Some(
            raw.parse()
                .map_err(|_| invalid("validity_months: a number of months, or empty"))?,
        ),
    };
    let fields = CourseFields {
        title: f.title,
        kind: CourseKind::parse(&f.kind).ok_or_else(|| invalid("kind: choose one"))?,
        description: f.description,
        validity_months,
    };
    state
        .store
        .save_course(&viewer.actor(), viewer.user.org_id, None, None, fields)
        .await?;
    Ok(Redirect::to("/training?notice=created#courses").into_response())
}

#[derive(Deserialize)]
pub struct CompletionForm {
    email: String,
    course_id: String,
    completed_on: String,
    #[serde(default)]
    note: String,
}

pub async fn record(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<CompletionForm>,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;
    let completion = Completion {
        person_id: person_by_email(&state, org, &f.email, "email").await?,
        course_id: f
            .course_id
            .parse()
            .map_err(|_| invalid("course: choose one"))?,
        completed_on: parse_date(&f.completed_on, "completed_on")?,
        expires_on: None,
        note: f.note,
    };
    state
        .store
        .record_training(&viewer.actor(), org, viewer.user.id, vec![completion])
        .await?;
    Ok(Redirect::to("/training?notice=trained").into_response())
}

#[derive(Deserialize)]
pub struct CsvForm {
    csv: String,
}

pub async fn upload(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<CsvForm>,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;
    let completions = completions_from_csv(
        &state.store,
        org,
        mandate_core::timefmt::now().date(),
        &f.csv,
    )
    .await
    .map_err(file_problems)?;
    state
        .store
        .record_training(&viewer.actor(), org, viewer.user.id, completions)
        .await?;
    Ok(Redirect::to("/training?notice=trained").into_response())
}
