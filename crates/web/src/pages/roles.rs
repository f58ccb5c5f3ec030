//! The role catalogue pages: the list with the 5.3 duties at a glance, a
//! role's page, and the form to create or edit one.

use super::form_input::{invalid, person_by_email};
use super::page_path::PagePath;
use super::view::{Choice, Link};
use super::{Layout, NoticeParams, PageError, date_text, form_date, render};
use crate::auth::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use mandate_app::roles::holders_on;
use mandate_core::Permission;
use mandate_core::roles::{Decision, Role, RoleFields, RoleId};
use mandate_core::timefmt::now;
use mandate_store::StoreError;
use serde::Deserialize;
use uuid::Uuid;

/// A role as the pages show it.
pub struct RoleView {
    pub id: String,
    pub name: String,
    pub purpose: String,
    pub responsibilities: Vec<String>,
    pub authorities: Vec<&'static str>,
    pub reports_to: Option<Link>,
    pub top_management: bool,
    pub conformance_owner: bool,
    pub performance_reporter: bool,
    pub required_training: Vec<String>,
    pub incompatible_with: Vec<Link>,
    pub critical: bool,
    pub version: i64,
}

fn name_of(roles: &[Role], id: RoleId) -> Link {
    let name = roles
        .iter()
        .find(|r| r.id == id)
        .map_or_else(|| "a removed role".into(), |r| r.fields.name.clone());
    Link::new(id.to_string(), name)
}

impl RoleView {
    fn new(role: &Role, roles: &[Role]) -> Self {
        let f = &role.fields;
        // Incompatibility holds both ways, wherever it was declared.
        let mut incompatible: Vec<Link> = f
            .incompatible_with
            .iter()
            .map(|id| name_of(roles, *id))
            .collect();
        for other in roles {
            if other.fields.incompatible_with.contains(&role.id)
                && !f.incompatible_with.contains(&other.id)
            {
                incompatible.push(name_of(roles, other.id));
            }
        }
        Self {
            id: role.id.to_string(),
            name: f.name.clone(),
            purpose: f.purpose.clone(),
            responsibilities: f.responsibilities.clone(),
            authorities: f.authorities.iter().map(|a| a.describe()).collect(),
            reports_to: f.reports_to.map(|id| name_of(roles, id)),
            top_management: f.top_management,
            conformance_owner: f.conformance_owner,
            performance_reporter: f.performance_reporter,
            required_training: f.required_training.clone(),
            incompatible_with: incompatible,
            critical: f.critical,
            version: role.version,
        }
    }
}

#[derive(Template)]
#[template(path = "roles.html")]
struct ListPage {
    layout: Layout,
    roles: Vec<RoleView>,
    /// The organisation chart of the roles, as SVG built from escaped text.
    chart: String,
    can_edit: bool,
    can_review: bool,
    conformance_owned: bool,
    performance_reported: bool,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(params): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let layout = Layout::new(&state, &viewer, "Roles", "/roles")
        .await?
        .with_notice(params.notice.as_deref());
    let roles = state.store.roles(viewer.user.org_id).await?;
    let today = viewer.day();
    let held = holders_on(&state.store, viewer.user.org_id, today)
        .await?
        .held_roles();
    let nodes: Vec<mandate_report::org_chart::Node<'_>> = roles
        .iter()
        .map(|r| mandate_report::org_chart::Node {
            id: r.id,
            label: &r.fields.name,
            parent: r.fields.reports_to,
            marked: !held.contains(&r.id),
        })
        .collect();
    let chart = mandate_report::org_chart::svg(&nodes, |id| format!("/roles/{id}"));
    Ok(render(&ListPage {
        layout,
        chart,
        conformance_owned: roles.iter().any(|r| r.fields.conformance_owner),
        performance_reported: roles.iter().any(|r| r.fields.performance_reporter),
        roles: roles.iter().map(|r| RoleView::new(r, &roles)).collect(),
        can_edit: viewer.may(Permission::EditRoles),
        can_review: viewer.may(Permission::ReviewRoles),
    }))
}

fn parse_id(id: &str) -> Result<RoleId, PageError> {
    Uuid::parse_str(id).map_err(|_| PageError::NotFound("role"))
}

/// One holder of a role, as the role's page lists them.
pub struct HolderView {
    pub assignment_id: String,
    pub person_id: String,
    pub name: String,
    pub starts_on: String,
    pub ends_on: String,
    pub deputy: String,
    pub capacity: String,
    pub acknowledged: bool,
    pub current: bool,
    /// The holder's last working day has passed while they still hold the role.
    pub left: bool,
    /// The holder's last working day, if their employment is ending.
    pub leaving: String,
}

/// A task of the role delegated by one of its holders.
pub struct DelegationView {
    pub holder: String,
    pub task: String,
    pub delegate: String,
    pub starts_on: String,
    pub ends_on: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "role.html")]
struct DetailPage {
    layout: Layout,
    r: RoleView,
    holders: Vec<HolderView>,
    delegations: Vec<DelegationView>,
    today: String,
    can_edit: bool,
    can_audit: bool,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<RoleId>,
    Query(params): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let roles = state.store.roles(viewer.user.org_id).await?;
    let role = roles
        .iter()
        .find(|r| r.id == id)
        .ok_or(PageError::NotFound("role"))?;
    let layout = Layout::new(&state, &viewer, &role.fields.name, "/roles")
        .await?
        .with_notice(params.notice.as_deref());
    let org = viewer.user.org_id;
    let today = viewer.day();
    let mut holders = Vec::new();
    for a in state
        .store
        .assignments(org, None)
        .await?
        .into_iter()
        .filter(|a| a.terms.role_id == role.id)
    {
        let person = state.store.person(org, a.terms.person_id).await?;
        let deputy = match a.terms.deputy_id {
            Some(d) => state.store.person(org, d).await?.map(|p| p.name),
            None => None,
        };
        let current = a.current_on(today);
        holders.push(HolderView {
            assignment_id: a.id.to_string(),
            person_id: a.terms.person_id.to_string(),
            left: current
                && person
                    .as_ref()
                    .is_some_and(|p| p.end_date.is_some_and(|end| end < today)),
            leaving: person
                .as_ref()
                .and_then(|p| p.end_date)
                .filter(|end| *end >= today)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            name: person.map(|p| p.name).unwrap_or_default(),
            starts_on: a.terms.starts_on.to_string(),
            ends_on: date_text(a.terms.ends_on),
            deputy: deputy.unwrap_or_default(),
            capacity: a
                .terms
                .capacity_percent
                .map(|c| format!("{c} %"))
                .unwrap_or_default(),
            acknowledged: a.acknowledged_at.is_some(),
            current,
        });
    }
    let mut delegations = Vec::new();
    for d in state.store.delegations(org).await? {
        let Some(holder) = holders
            .iter()
            .find(|h| h.assignment_id == d.terms.assignment_id.to_string())
        else {
            continue;
        };
        let delegate = match (d.terms.delegate_id, &d.terms.supplier) {
            (Some(p), _) => state
                .store
                .person(org, p)
                .await?
                .map(|p| p.name)
                .unwrap_or_default(),
            (None, Some(supplier)) => format!("{supplier} (supplier)"),
            (None, None) => String::new(),
        };
        delegations.push(DelegationView {
            holder: holder.name.clone(),
            task: d.terms.task.clone(),
            delegate,
            starts_on: d.terms.starts_on.to_string(),
            ends_on: date_text(d.terms.ends_on),
            current: d.current_on(today),
        });
    }
    Ok(render(&DetailPage {
        layout,
        holders,
        delegations,
        today: today.to_string(),
        r: RoleView::new(role, &roles),
        can_edit: viewer.may(Permission::EditRoles),
        can_audit: viewer.may(Permission::ReadAuditLog),
    }))
}

/// The form as typed. Checkboxes arrive as repeated keys, so the form is
/// read as pairs.
#[derive(Default)]
struct RoleForm {
    name: String,
    purpose: String,
    responsibilities: String,
    authorities: Vec<Decision>,
    reports_to: String,
    top_management: bool,
    conformance_owner: bool,
    performance_reporter: bool,
    required_training: String,
    incompatible_with: Vec<String>,
    critical: bool,
    version: i64,
}

impl RoleForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> Result<Self, String> {
        let mut f = RoleForm::default();
        for (key, value) in pairs {
            match key.as_str() {
                "name" => f.name = value,
                "purpose" => f.purpose = value,
                "responsibilities" => f.responsibilities = value,
                "authority" => f
                    .authorities
                    .push(value.parse().map_err(|e| format!("authorities: {e}"))?),
                "reports_to" => f.reports_to = value,
                "top_management" => f.top_management = true,
                "conformance_owner" => f.conformance_owner = true,
                "performance_reporter" => f.performance_reporter = true,
                "required_training" => f.required_training = value,
                "incompatible_with" => f.incompatible_with.push(value),
                "critical" => f.critical = true,
                "version" => f.version = value.parse().unwrap_or(0),
                _ => {}
            }
        }
        Ok(f)
    }

    fn from_role(role: &Role) -> Self {
        let f = &role.fields;
        Self {
            name: f.name.clone(),
            purpose: f.purpose.clone(),
            responsibilities: f.responsibilities.join("\n"),
            authorities: f.authorities.clone(),
            reports_to: f.reports_to.map(|r| r.to_string()).unwrap_or_default(),
            top_management: f.top_management,
            conformance_owner: f.conformance_owner,
            performance_reporter: f.performance_reporter,
            required_training: f.required_training.join("\n"),
            incompatible_with: f.incompatible_with.iter().map(|r| r.to_string()).collect(),
            critical: f.critical,
            version: role.version,
        }
    }

    fn fields(&self) -> Result<RoleFields, String> {
        let lines = |text: &str| text.lines().map(str::to_string).collect();
        let role_id = |field: &str, text: &str| {
            Uuid::parse_str(text).map_err(|_| format!("{field}: choose a role from the list"))
        };
        Ok(RoleFields {
            name: self.name.clone(),
            purpose: self.purpose.clone(),
            responsibilities: lines(&self.responsibilities),
            authorities: self.authorities.clone(),
            reports_to: match self.reports_to.trim() {
                "" => None,
                id => Some(role_id("reports to", id)?),
            },
            top_management: self.top_management,
            conformance_owner: self.conformance_owner,
            performance_reporter: self.performance_reporter,
            required_training: lines(&self.required_training),
            incompatible_with: self
                .incompatible_with
                .iter()
                .map(|id| role_id("incompatible with", id))
                .collect::<Result<_, _>>()?,
            critical: self.critical,
        })
    }
}

#[derive(Template)]
#[template(path = "role_form.html")]
struct FormPage {
    layout: Layout,
    heading: String,
    action: String,
    cancel: String,
    f: RoleForm,
    /// Every authority of the vocabulary, ticked if the role has it.
    authorities: Vec<AuthorityChoice>,
    /// The other roles: value is the id, label the name.
    others: Vec<Choice>,
    error: Option<String>,
}

/// An authority's checkbox on the role form.
struct AuthorityChoice {
    value: &'static str,
    label: &'static str,
    checked: bool,
}

async fn form_page(
    state: &AppState,
    viewer: &Viewer,
    editing: Option<&Role>,
    f: RoleForm,
    error: Option<String>,
) -> Result<Response, PageError> {
    let heading = editing.map_or("New role".to_string(), |r| {
        format!("Edit {}", r.fields.name)
    });
    let layout = Layout::new(state, viewer, &heading, "/roles").await?;
    let roles = state.store.roles(viewer.user.org_id).await?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(super::render_with(
        status,
        &FormPage {
            layout,
            action: editing.map_or("/roles".into(), |r| format!("/roles/{}", r.id)),
            cancel: editing.map_or("/roles".into(), |r| format!("/roles/{}", r.id)),
            heading,
            authorities: Decision::ALL
                .iter()
                .map(|d| AuthorityChoice {
                    value: d.as_str(),
                    label: d.describe(),
                    checked: f.authorities.contains(d),
                })
                .collect(),
            others: roles
                .iter()
                .filter(|r| editing.is_none_or(|e| e.id != r.id))
                .map(|r| Choice::new(r.id.to_string(), r.fields.name.clone()))
                .collect(),
            f,
            error,
        },
    ))
}

pub async fn new_form(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, PageError> {
    form_page(&state, &viewer, None, RoleForm::default(), None).await
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let f = RoleForm::from_pairs(pairs).map_err(|e| PageError::Store(StoreError::Invalid(e)))?;
    let fields = match f.fields() {
        Ok(fields) => fields,
        Err(e) => return form_page(&state, &viewer, None, f, Some(e)).await,
    };
    match state
        .store
        .create_role(&viewer.actor(), viewer.user.org_id, viewer.user.id, fields)
        .await
    {
        Ok(role) => Ok(Redirect::to(&format!("/roles/{}?notice=created", role.id)).into_response()),
        Err(StoreError::Invalid(m) | StoreError::Conflict(m)) => {
            form_page(&state, &viewer, None, f, Some(m)).await
        }
        Err(e) => Err(e.into()),
    }
}

async fn load(state: &AppState, viewer: &Viewer, id: RoleId) -> Result<Role, PageError> {
    state
        .store
        .roles(viewer.user.org_id)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or(PageError::NotFound("role"))
}

pub async fn edit_form(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<RoleId>,
) -> Result<Response, PageError> {
    let role = load(&state, &viewer, id).await?;
    form_page(
        &state,
        &viewer,
        Some(&role),
        RoleForm::from_role(&role),
        None,
    )
    .await
}

pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<RoleId>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let role = load(&state, &viewer, id).await?;
    let f = RoleForm::from_pairs(pairs).map_err(|e| PageError::Store(StoreError::Invalid(e)))?;
    let fields = match f.fields() {
        Ok(fields) => fields,
        Err(e) => return form_page(&state, &viewer, Some(&role), f, Some(e)).await,
    };
    match state
        .store
        .update_role(
            &viewer.actor(),
            viewer.user.org_id,
            viewer.user.id,
            role.id,
            f.version,
            fields,
        )
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/roles/{}?notice=saved", role.id)).into_response()),
        Err(StoreError::Invalid(m) | StoreError::Conflict(m)) => {
            form_page(&state, &viewer, Some(&role), f, Some(m)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A role the viewer holds, with what it asks of them.
pub struct HeldRole {
    pub assignment_id: String,
    pub role_id: String,
    pub name: String,
    pub starts_on: String,
    pub ends_on: String,
    pub responsibilities: Vec<String>,
    pub authorities: Vec<&'static str>,
    pub acknowledged: bool,
    /// Declined, with the reason given.
    pub declined: Option<String>,
    /// The SHA-256 of the role's text as shown: what an answer is bound to.
    pub text_sha256: String,
}

/// The roles the viewer holds now or will hold.
pub async fn held_roles(state: &AppState, viewer: &Viewer) -> Result<Vec<HeldRole>, PageError> {
    let org = viewer.user.org_id;
    let today = now().date();
    let roles = state.store.roles(org).await?;
    Ok(state
        .store
        .assignments(org, Some(viewer.user.person_id))
        .await?
        .into_iter()
        .filter(|a| a.terms.ends_on.is_none_or(|end| end >= today))
        .filter_map(|a| {
            let role = roles.iter().find(|r| r.id == a.terms.role_id)?;
            Some(HeldRole {
                assignment_id: a.id.to_string(),
                role_id: role.id.to_string(),
                name: role.fields.name.clone(),
                starts_on: a.terms.starts_on.to_string(),
                ends_on: date_text(a.terms.ends_on),
                responsibilities: role.fields.responsibilities.clone(),
                authorities: role
                    .fields
                    .authorities
                    .iter()
                    .map(|d| d.describe())
                    .collect(),
                acknowledged: a.acknowledged_at.is_some(),
                declined: a.declined_at.map(|_| a.decline_reason.clone()),
                text_sha256: mandate_core::roles::answer::role_text_sha256(&role.fields),
            })
        })
        .collect())
}

#[derive(Deserialize)]
pub struct AssignForm {
    email: String,
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    #[serde(default)]
    deputy_email: String,
    #[serde(default)]
    capacity_percent: String,
}

pub async fn assign(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<RoleId>,
    Form(f): Form<AssignForm>,
) -> Result<Response, PageError> {
    let role = load(&state, &viewer, id).await?;
    let person_id = person_by_email(&state, viewer.user.org_id, &f.email, "holder").await?;
    let deputy_id = match f.deputy_email.trim() {
        "" => None,
        email => Some(person_by_email(&state, viewer.user.org_id, email, "deputy").await?),
    };
    let starts_on = form_date("starts on", &f.starts_on)
        .map_err(invalid)?
        .ok_or_else(|| invalid("starts on: required"))?;
    let capacity_percent = match f.capacity_percent.trim() {
        "" => None,
        n => Some(
            n.parse()
                .map_err(|_| invalid("capacity: a whole number of per cent"))?,
        ),
    };
    let terms = mandate_core::roles::AssignmentTerms {
        role_id: role.id,
        person_id,
        starts_on,
        ends_on: form_date("ends on", &f.ends_on).map_err(invalid)?,
        deputy_id,
        capacity_percent,
    };
    state
        .store
        .assign_role(&viewer.actor(), viewer.user.org_id, viewer.user.id, terms)
        .await?;
    Ok(Redirect::to(&format!("/roles/{}?notice=assigned", role.id)).into_response())
}

/// The holder's answer from the account page: the text's SHA-256 as shown,
/// and for a decline, why.
#[derive(Deserialize)]
pub struct AnswerForm {
    text_sha256: String,
    #[serde(default)]
    reason: String,
}

pub async fn acknowledge(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<Uuid>,
    Form(f): Form<AnswerForm>,
) -> Result<Response, PageError> {
    answer(&state, &viewer, id, &f.text_sha256, None).await?;
    Ok(Redirect::to("/me?notice=acknowledged").into_response())
}

pub async fn decline(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<Uuid>,
    Form(f): Form<AnswerForm>,
) -> Result<Response, PageError> {
    answer(&state, &viewer, id, &f.text_sha256, Some(&f.reason)).await?;
    Ok(Redirect::to("/me?notice=role-declined").into_response())
}

async fn answer(
    state: &AppState,
    viewer: &Viewer,
    id: Uuid,
    text_sha256: &str,
    reason: Option<&str>,
) -> Result<(), PageError> {
    state
        .store
        .answer_assignment(
            &viewer.actor(),
            viewer.user.org_id,
            id,
            viewer.user.person_id,
            text_sha256,
            reason,
        )
        .await?;
    Ok(())
}

#[derive(Deserialize)]
pub struct EndForm {
    ends_on: String,
    role_id: String,
}

pub async fn end_assignment(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<Uuid>,
    Form(f): Form<EndForm>,
) -> Result<Response, PageError> {
    let role = parse_id(&f.role_id)?;
    let ends_on = form_date("ends on", &f.ends_on)
        .map_err(invalid)?
        .ok_or_else(|| invalid("ends on: required"))?;
    state
        .store
        .end_assignment(
            &viewer.actor(),
            viewer.user.org_id,
            id,
            viewer.user.id,
            ends_on,
        )
        .await?;
    Ok(Redirect::to(&format!("/roles/{role}?notice=assignment-ended")).into_response())
}

#[derive(Template)]
#[template(path = "role_gaps.html")]
struct GapsPage {
    layout: Layout,
    gaps: Vec<mandate_app::roles::GapOut>,
    counts: Vec<GapCount>,
}

/// How many gaps of one kind there are, for the row of tags.
struct GapCount {
    label: &'static str,
    count: usize,
}

pub async fn gaps(State(state): State<AppState>, viewer: Viewer) -> Result<Response, PageError> {
    let layout = Layout::new(&state, &viewer, "Gaps in the roles", "/roles").await?;
    let gaps = mandate_app::roles::gaps(
        &state.store,
        viewer.user.org_id,
        viewer.day(),
        mandate_app::roles::DeclineReasons::for_caller(&viewer.caller()),
    )
    .await?;
    let count = |label, kind: &str| GapCount {
        label,
        count: gaps.iter().filter(|g| g.kind == kind).count(),
    };
    let counts = vec![
        count("conflicts", "conflict"),
        count("roles with no holder", "no_holder"),
        count("critical roles without a deputy", "no_deputy"),
        count("holders who have left", "holder_left"),
        count("holders leaving", "holder_leaving"),
        count("assignments not acknowledged", "unacknowledged"),
    ];
    Ok(render(&GapsPage {
        layout,
        gaps,
        counts,
    }))
}

#[derive(Deserialize)]
pub struct DelegateForm {
    assignment_id: String,
    task: String,
    #[serde(default)]
    delegate_email: String,
    #[serde(default)]
    supplier: String,
    starts_on: String,
    #[serde(default)]
    ends_on: String,
}

pub async fn delegate(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<RoleId>,
    Form(f): Form<DelegateForm>,
) -> Result<Response, PageError> {
    let role = load(&state, &viewer, id).await?;
    let delegate_id = match f.delegate_email.trim() {
        "" => None,
        email => Some(person_by_email(&state, viewer.user.org_id, email, "delegate").await?),
    };
    let assignment_id = Uuid::parse_str(&f.assignment_id)
        .map_err(|_| invalid("holder: choose one of the role's holders"))?;
    let of_this_role = state
        .store
        .assignments(viewer.user.org_id, None)
        .await?
        .iter()
        .any(|a| a.id == assignment_id && a.terms.role_id == role.id);
    if !of_this_role {
        return Err(invalid("holder: choose one of the role's holders"));
    }
    let terms = mandate_core::roles::DelegationTerms {
        assignment_id,
        task: f.task,
        delegate_id,
        supplier: Some(f.supplier),
        starts_on: form_date("from", &f.starts_on)
            .map_err(invalid)?
            .ok_or_else(|| invalid("from: required"))?,
        ends_on: form_date("to", &f.ends_on).map_err(invalid)?,
    };
    state
        .store
        .delegate(&viewer.actor(), viewer.user.org_id, viewer.user.id, terms)
        .await?;
    Ok(Redirect::to(&format!("/roles/{}?notice=delegated", role.id)).into_response())
}
