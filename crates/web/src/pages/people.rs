//! The people pages: list with search and paging, detail, create, edit, end employment.

use super::page_path::PagePath;
use super::view::Link;
use super::{Layout, NoticeParams, PageError, date_text, form_date, render, url_encode};
use crate::auth::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mandate_app::AppError;
use mandate_core::{Email, NewPerson, Permission, Person, PersonId, PersonKind};
use mandate_store::{PeopleQuery, StoreError};
use serde::Deserialize;
use uuid::Uuid;

/// A person as the pages show them.
pub struct PersonView {
    pub id: String,
    pub name: String,
    pub email: String,
    pub department: String,
    pub kind: &'static str,
    pub start_date: String,
    pub end_date: String,
    pub ended: bool,
    pub version: i64,
}

impl From<&Person> for PersonView {
    fn from(p: &Person) -> Self {
        let today = mandate_core::timefmt::now().date();
        Self {
            id: p.id.to_string(),
            name: p.name.clone(),
            email: p.email.to_string(),
            department: p.department.clone().unwrap_or_default(),
            kind: p.kind.as_str(),
            start_date: date_text(p.start_date),
            end_date: date_text(p.end_date),
            ended: p.end_date.is_some_and(|e| e < today),
            version: p.version,
        }
    }
}

#[derive(Template)]
#[template(path = "people_list.html")]
struct ListPage {
    layout: Layout,
    people: Vec<PersonView>,
    search: String,
    search_encoded: String,
    next: Option<String>,
    first_page: bool,
    can_edit: bool,
}

#[derive(Deserialize)]
pub struct ListParams {
    search: Option<String>,
    cursor: Option<String>,
    notice: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(params): Query<ListParams>,
) -> Result<Response, PageError> {
    let layout = Layout::new(&state, &viewer, "People", "/people")
        .await?
        .live()
        .with_notice(params.notice.as_deref());
    let search = params.search.unwrap_or_default();
    let cursor = params.cursor.filter(|c| !c.is_empty());
    let first_page = cursor.is_none();
    let query = PeopleQuery {
        search: Some(search.clone()),
        cursor,
        limit: 50,
        area_of: mandate_app::people::manager_of_area(&viewer.caller()),
    };
    let page = match state.store.people_page(viewer.user.org_id, &query).await {
        Ok(page) => page,
        Err(StoreError::Invalid(m)) => {
            return Ok(super::plain_page(StatusCode::BAD_REQUEST, "Bad link", &m));
        }
        Err(e) => return Err(e.into()),
    };
    Ok(render(&ListPage {
        layout,
        people: page.items.iter().map(PersonView::from).collect(),
        search_encoded: url_encode(&search),
        search,
        next: page.next_cursor,
        first_page,
        can_edit: viewer.may(Permission::EditPeople),
    }))
}

/// A role the person holds, now or from a future day.
pub struct HeldView {
    pub role_id: String,
    pub name: String,
    pub starts_on: String,
    pub ends_on: String,
    pub acknowledged: bool,
    pub responsibilities: Vec<String>,
    pub authorities: Vec<&'static str>,
}

/// A task of a role delegated to or by the person shown.
pub struct DelegationView {
    pub task: String,
    pub role: String,
    /// The holder who stays accountable (delegated to the person shown), or
    /// the person or supplier it went to (delegated by them).
    pub other: String,
}

#[derive(Template)]
#[template(path = "person.html")]
struct DetailPage {
    layout: Layout,
    p: PersonView,
    manager: Option<Link>,
    roles: Vec<HeldView>,
    /// Tasks of a role handed to this person, and by them.
    delegated_to: Vec<DelegationView>,
    delegated_by: Vec<DelegationView>,
    can_edit: bool,
    can_audit: bool,
    /// Shown to those who may invite people.
    sign_in: Option<super::invitations::SignInView>,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<Uuid>,
    Query(params): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;
    let area = mandate_app::people::Area::of(&state.store, &viewer.caller()).await?;
    let person = state
        .store
        .person(org, PersonId(id))
        .await?
        .filter(|p| area.contains(p.id))
        .ok_or(PageError::NotFound("person"))?;
    let manager = match person.manager_id {
        Some(m) => state
            .store
            .person(org, m)
            .await?
            .map(|m| Link::new(m.id.to_string(), m.name)),
        None => None,
    };
    let layout = Layout::new(&state, &viewer, &person.name, "/people")
        .await?
        .live()
        .with_notice(params.notice.as_deref());
    let catalogue = state.store.roles(org).await?;
    let today = mandate_core::timefmt::now().date();
    let roles = state
        .store
        .assignments(org, Some(person.id))
        .await?
        .into_iter()
        .filter(|a| a.terms.ends_on.is_none_or(|end| end >= today))
        .filter_map(|a| {
            let role = catalogue.iter().find(|r| r.id == a.terms.role_id)?;
            Some(HeldView {
                role_id: role.id.to_string(),
                name: role.fields.name.clone(),
                starts_on: a.terms.starts_on.to_string(),
                ends_on: date_text(a.terms.ends_on),
                acknowledged: a.acknowledged_at.is_some(),
                responsibilities: role.fields.responsibilities.clone(),
                authorities: role
                    .fields
                    .authorities
                    .iter()
                    .map(|d| d.describe())
                    .collect(),
            })
        })
        .collect();
    let all_assignments = state.store.assignments(org, None).await?;
    let role_of = |assignment: uuid::Uuid| {
        all_assignments
            .iter()
            .find(|a| a.id == assignment)
            .and_then(|a| {
                catalogue
                    .iter()
                    .find(|r| r.id == a.terms.role_id)
                    .map(|r| (a, r))
            })
    };
    let (mut delegated_to, mut delegated_by) = (Vec::new(), Vec::new());
    for d in state.store.delegations(org).await? {
        if !d.current_on(today) {
            continue;
        }
        let Some((assignment, role)) = role_of(d.terms.assignment_id) else {
            continue;
        };
        if d.terms.delegate_id == Some(person.id) {
            let holder = state
                .store
                .person(org, assignment.terms.person_id)
                .await?
                .map(|p| p.name)
                .unwrap_or_default();
            delegated_to.push(DelegationView {
                task: d.terms.task.clone(),
                role: role.fields.name.clone(),
                other: holder,
            });
        }
        if assignment.terms.person_id == person.id {
            let to = match (d.terms.delegate_id, &d.terms.supplier) {
                (Some(p), _) => state
                    .store
                    .person(org, p)
                    .await?
                    .map(|p| p.name)
                    .unwrap_or_default(),
                (None, Some(s)) => format!("{s} (supplier)"),
                (None, None) => String::new(),
            };
            delegated_by.push(DelegationView {
                task: d.terms.task.clone(),
                role: role.fields.name.clone(),
                other: to,
            });
        }
    }
    let sign_in = if viewer.may(Permission::InvitePeople) {
        Some(super::invitations::SignInView::of(&state, &person).await?)
    } else {
        None
    };
    Ok(render(&DetailPage {
        layout,
        p: PersonView::from(&person),
        manager,
        roles,
        delegated_to,
        delegated_by,
        can_edit: viewer.may(Permission::EditPeople),
        can_audit: viewer.may(Permission::ReadAuditLog),
        sign_in,
    }))
}

/// The person form's fields, as typed.
#[derive(Deserialize, Default)]
pub struct PersonForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    manager_email: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    start_date: String,
    #[serde(default)]
    end_date: String,
}

#[derive(Template)]
#[template(path = "person_form.html")]
struct FormPage {
    layout: Layout,
    heading: String,
    action: String,
    cancel: String,
    f: PersonForm,
    kinds: Vec<&'static str>,
    error: Option<String>,
}

async fn form_page(
    state: &AppState,
    viewer: &Viewer,
    heading: String,
    action: String,
    cancel: String,
    form: PersonForm,
    error: Option<String>,
) -> Result<Response, PageError> {
    let layout = Layout::new(state, viewer, &heading, "/people").await?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = FormPage {
        layout,
        heading,
        action,
        cancel,
        f: form,
        kinds: PersonKind::ALL.iter().map(|k| k.as_str()).collect(),
        error,
    };
    Ok(super::render_with(status, &page))
}

pub async fn new_form(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, PageError> {
    let form = PersonForm {
        kind: "employee".into(),
        ..PersonForm::default()
    };
    form_page(
        &state,
        &viewer,
        "Add a person".into(),
        "/people".into(),
        "/people".into(),
        form,
        None,
    )
    .await
}

pub async fn edit_form(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<Uuid>,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;
    let p = state
        .store
        .person(org, PersonId(id))
        .await?
        .ok_or(PageError::NotFound("person"))?;
    let manager_email = match p.manager_id {
        Some(m) => state
            .store
            .person(org, m)
            .await?
            .map(|m| m.email.to_string())
            .unwrap_or_default(),
        None => String::new(),
    };
    let form = PersonForm {
        version: p.version.to_string(),
        name: p.name.clone(),
        email: p.email.to_string(),
        department: p.department.clone().unwrap_or_default(),
        manager_email,
        kind: p.kind.as_str().into(),
        start_date: date_text(p.start_date),
        end_date: date_text(p.end_date),
    };
    let heading = format!("Edit {}", p.name);
    form_page(
        &state,
        &viewer,
        heading,
        format!("/people/{id}"),
        format!("/people/{id}"),
        form,
        None,
    )
    .await
}

/// The form's fields as a person, or a message naming what is wrong.
async fn parse_form(
    state: &AppState,
    viewer: &Viewer,
    form: &PersonForm,
) -> Result<NewPerson, String> {
    let manager_id = match form.manager_email.trim() {
        "" => None,
        text => {
            let email = Email::parse(text).map_err(|e| format!("line manager: {e}"))?;
            let manager = state
                .store
                .person_by_email(viewer.user.org_id, &email)
                .await
                .map_err(|_| "the line manager could not be looked up".to_string())?;
            Some(
                manager
                    .ok_or_else(|| format!("line manager: nobody has the email {email}"))?
                    .id
                    .0,
            )
        }
    };
    mandate_app::people::new_person(mandate_app::people::PersonInput {
        name: &form.name,
        email: &form.email,
        department: Some(&form.department),
        manager_id,
        kind: Some(&form.kind),
        start_date: form_date("start date", &form.start_date)?,
        end_date: form_date("end date", &form.end_date)?,
    })
    .map_err(|e| e.to_string())
}

/// Which record a submitted person form is for.
enum Target {
    New,
    Existing(Uuid),
}

impl Target {
    fn action(&self) -> String {
        match self {
            Target::New => "/people".into(),
            Target::Existing(id) => format!("/people/{id}"),
        }
    }
}

/// Saves a submitted form, or shows it again with what to fix.
async fn save(
    state: &AppState,
    viewer: &Viewer,
    form: PersonForm,
    target: Target,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;
    let saved = match parse_form(state, viewer, &form).await {
        Err(message) => Err(AppError::Invalid(message)),
        Ok(person) => match &target {
            Target::New => state
                .store
                .create_person(&viewer.actor(), org, &person)
                .await
                .map_err(AppError::from),
            Target::Existing(id) => {
                let version = form.version.trim().parse::<i64>().unwrap_or(0);
                mandate_app::people::update_person(
                    &state.store,
                    &viewer.caller(),
                    PersonId(*id),
                    version,
                    &person,
                )
                .await
            }
        },
    };
    match saved {
        Ok(person) => {
            let notice = if matches!(target, Target::New) {
                "created"
            } else {
                "saved"
            };
            Ok(Redirect::to(&format!("/people/{}?notice={notice}", person.id)).into_response())
        }
        // What the user can fix goes back to them on the form; anything else is ours.
        Err(
            AppError::Store(StoreError::Invalid(message) | StoreError::Conflict(message))
            | AppError::Invalid(message)
            | AppError::Forbidden(message),
        ) => {
            let heading = match target {
                Target::New => "Add a person".to_string(),
                Target::Existing(_) => format!("Edit {}", form.name),
            };
            let action = target.action();
            let cancel = if matches!(target, Target::New) {
                "/people".to_string()
            } else {
                action.clone()
            };
            form_page(state, viewer, heading, action, cancel, form, Some(message)).await
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<PersonForm>,
) -> Result<Response, PageError> {
    save(&state, &viewer, form, Target::New).await
}

pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<Uuid>,
    Form(form): Form<PersonForm>,
) -> Result<Response, PageError> {
    save(&state, &viewer, form, Target::Existing(id)).await
}

#[derive(Deserialize)]
pub struct EndForm {
    version: i64,
    end_date: String,
}

pub async fn end_employment(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<Uuid>,
    Form(form): Form<EndForm>,
) -> Result<Response, PageError> {
    let Ok(Some(date)) = form_date("end date", &form.end_date) else {
        return Ok(super::plain_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "That did not work",
            "Give the last working day as a date.",
        ));
    };
    mandate_app::people::end_employment(
        &state.store,
        &viewer.caller(),
        PersonId(id),
        form.version,
        date,
    )
    .await?;
    Ok(Redirect::to(&format!("/people/{id}?notice=ended")).into_response())
}
