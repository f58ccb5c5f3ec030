//! The policy pages: the register as a hierarchy with review status, a
//! policy's page (published text, versions, reviews, exceptions,
//! distributions), and the forms to create and edit a policy.

use super::page_path::PagePath;
use super::view::{Choice, Link};
use super::{Layout, NoticeParams, PageError, form_date, render};
use crate::auth::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use mandate_app::policies::visible_policies;
use mandate_app::policies::{load_policy, may_see, state_label};
use mandate_core::policy::{
    ApprovalRule, Audience, Policy, PolicyFields, PolicyKind, ReviewOutcome, ReviewStatus,
};
use mandate_core::timefmt::now;
use mandate_core::{Email, Permission, PolicyId, User, UserId};
use mandate_store::PolicySummary;
use serde::Deserialize;
use uuid::Uuid;

/// A policy as a row of the register.
pub struct PolicyRowView {
    pub id: String,
    pub title: String,
    pub indent: usize,
    pub kind: &'static str,
    pub owner: String,
    pub latest: String,
    pub published: String,
    pub review: &'static str,
    pub review_class: &'static str,
    pub due: String,
    pub public: bool,
}

pub fn review_class(status: ReviewStatus) -> &'static str {
    match status {
        ReviewStatus::Overdue { .. } => "bad",
        ReviewStatus::DueSoon { .. } => "warn",
        ReviewStatus::Current { .. } => "good",
        ReviewStatus::NeverApproved => "",
    }
}

fn kind_label(kind: PolicyKind) -> &'static str {
    match kind {
        PolicyKind::TopLevel => "top-level",
        PolicyKind::Topic => "topic-specific",
    }
}

/// The register in hierarchy order: each policy followed by those under it.
pub fn tree_rows(summaries: &[PolicySummary], today: time::Date) -> Vec<PolicyRowView> {
    let mut rows = Vec::with_capacity(summaries.len());
    let ids: Vec<PolicyId> = summaries.iter().map(|s| s.policy.id).collect();
    // Roots: no parent, or a parent the viewer cannot see.
    let mut stack: Vec<(&PolicySummary, usize)> = summaries
        .iter()
        .filter(|s| s.policy.fields.parent_id.is_none_or(|p| !ids.contains(&p)))
        .rev()
        .map(|s| (s, 0))
        .collect();
    stack.sort_by_key(|(s, _)| s.policy.fields.kind == PolicyKind::TopLevel);
    let mut seen = std::collections::HashSet::new();
    while let Some((s, depth)) = stack.pop() {
        if !seen.insert(s.policy.id) {
            continue;
        }
        let status = s.review_status(today);
        rows.push(PolicyRowView {
            id: s.policy.id.to_string(),
            title: s.policy.fields.title.clone(),
            indent: depth,
            kind: kind_label(s.policy.fields.kind),
            owner: s.policy.fields.owner_role.clone(),
            latest: s
                .latest
                .as_ref()
                .map(|v| format!("v{} {}", v.number, state_label(v.state)))
                .unwrap_or_else(|| "no text yet".into()),
            published: s
                .published
                .as_ref()
                .map(|v| format!("v{}", v.number))
                .unwrap_or_default(),
            review: status.label(),
            review_class: review_class(status),
            due: status.due().map(|d| d.to_string()).unwrap_or_default(),
            public: s.policy.fields.public,
        });
        // Children, alphabetical (pushed in reverse so they pop in order).
        let mut children: Vec<&PolicySummary> = summaries
            .iter()
            .filter(|c| c.policy.fields.parent_id == Some(s.policy.id))
            .collect();
        children.sort_by(|a, b| b.policy.fields.title.cmp(&a.policy.fields.title));
        stack.extend(children.into_iter().map(|c| (c, depth + 1)));
    }
    rows
}

#[derive(Template)]
#[template(path = "policies.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<PolicyRowView>,
    can_edit: bool,
    can_see_work: bool,
    overdue: usize,
    due_soon: usize,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(params): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let layout = Layout::new(&state, &viewer, "Policies", "/policies")
        .await?
        .with_notice(params.notice.as_deref());
    let summaries = visible_policies(&state.store, &viewer.caller()).await?;
    let rows = tree_rows(&summaries, viewer.day());
    Ok(render(&ListPage {
        overdue: rows.iter().filter(|r| r.review_class == "bad").count(),
        due_soon: rows.iter().filter(|r| r.review_class == "warn").count(),
        layout,
        rows,
        can_edit: viewer.may(Permission::EditPolicies),
        can_see_work: viewer.may(Permission::ReadPolicyWork),
    }))
}

/// The policy form's fields, as typed.
#[derive(Deserialize, Default)]
pub struct PolicyForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    parent_id: String,
    #[serde(default)]
    owner_role: String,
    #[serde(default)]
    review_interval_months: String,
    #[serde(default)]
    everyone: Option<String>,
    #[serde(default)]
    departments: String,
    #[serde(default)]
    roles: String,
    #[serde(default)]
    third_parties: Option<String>,
    #[serde(default)]
    interested_parties: Option<String>,
    #[serde(default)]
    public: Option<String>,
    #[serde(default)]
    approvals_needed: String,
    #[serde(default)]
    named_approvers: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    change_summary: String,
    #[serde(default)]
    version: i64,
}

fn list_of(text: &str) -> Vec<String> {
    text.split([',', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

impl PolicyForm {
    fn from_policy(p: &Policy, users: &[User]) -> Self {
        let f = &p.fields;
        let (needed, named) = match &f.approval_rule {
            ApprovalRule::AnyOf { count } => (count.to_string(), String::new()),
            ApprovalRule::AllOf { approvers } => (
                String::new(),
                approvers
                    .iter()
                    .filter_map(|id| users.iter().find(|u| u.id == *id))
                    .map(|u| u.email.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        };
        Self {
            title: f.title.clone(),
            kind: f.kind.as_str().into(),
            parent_id: f.parent_id.map(|p| p.to_string()).unwrap_or_default(),
            owner_role: f.owner_role.clone(),
            review_interval_months: f.review_interval_months.to_string(),
            everyone: f.audience.everyone.then(|| "on".into()),
            departments: f.audience.departments.join(", "),
            roles: f.audience.roles.join(", "),
            third_parties: f.audience.third_parties.then(|| "on".into()),
            interested_parties: f.audience.interested_parties.then(|| "on".into()),
            public: f.public.then(|| "on".into()),
            approvals_needed: needed,
            named_approvers: named,
            version: p.version,
            ..Self::default()
        }
    }

    /// The fields, checked; the message names the field.
    fn fields(&self, users: &[User]) -> Result<PolicyFields, String> {
        let kind: PolicyKind = self.kind.parse().map_err(|e| format!("kind: {e}"))?;
        let parent_id = match self.parent_id.trim() {
            "" => None,
            id => Some(PolicyId(
                Uuid::parse_str(id).map_err(|_| "parent: choose a policy from the list")?,
            )),
        };
        let interval = match self.review_interval_months.trim() {
            "" => mandate_core::policy::DEFAULT_REVIEW_MONTHS,
            n => n
                .parse()
                .map_err(|_| "review interval: a number of months")?,
        };
        let named = list_of(&self.named_approvers);
        let approval_rule = if named.is_empty() {
            let count = match self.approvals_needed.trim() {
                "" => 1,
                n => n
                    .parse()
                    .map_err(|_| "approvals needed: a number from 1 to 20")?,
            };
            ApprovalRule::AnyOf { count }
        } else {
            let mut approvers: Vec<UserId> = Vec::new();
            for email in named {
                let parsed = Email::parse(&email).map_err(|e| format!("named approvers: {e}"))?;
                let user = users
                    .iter()
                    .find(|u| u.email == parsed)
                    .ok_or_else(|| format!("named approvers: {email} has no login here"))?;
                approvers.push(user.id);
            }
            ApprovalRule::AllOf { approvers }
        };
        let fields = PolicyFields {
            title: self.title.clone(),
            kind,
            parent_id,
            owner_role: self.owner_role.clone(),
            review_interval_months: interval,
            audience: Audience {
                everyone: self.everyone.is_some(),
                departments: list_of(&self.departments),
                roles: list_of(&self.roles),
                third_parties: self.third_parties.is_some(),
                interested_parties: self.interested_parties.is_some(),
            },
            public: self.public.is_some(),
            approval_rule,
        };
        fields.validated().map_err(|e| e.to_string())
    }
}

#[derive(Template)]
#[template(path = "policy_form.html")]
struct FormPage {
    layout: Layout,
    heading: String,
    action: String,
    cancel: String,
    f: PolicyForm,
    parents: Vec<Choice>,
    creating: bool,
    error: Option<String>,
}

async fn form_page(
    state: &AppState,
    viewer: &Viewer,
    editing: Option<&Policy>,
    f: PolicyForm,
    error: Option<String>,
) -> Result<Response, PageError> {
    let title = match editing {
        Some(p) => format!("Edit {}", p.fields.title),
        None => "New policy".to_string(),
    };
    let layout = Layout::new(state, viewer, &title, "/policies").await?;
    let summaries = state.store.policy_summaries(viewer.user.org_id).await?;
    let parents = summaries
        .iter()
        .filter(|s| editing.is_none_or(|p| p.id != s.policy.id))
        .map(|s| Choice::new(s.policy.id.to_string(), s.policy.fields.title.clone()))
        .collect();
    let status = if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    Ok(super::render_with(
        status,
        &FormPage {
            layout,
            heading: title,
            action: editing.map_or("/policies".into(), |p| format!("/policies/{}", p.id)),
            cancel: editing.map_or("/policies".into(), |p| format!("/policies/{}", p.id)),
            f,
            parents,
            creating: editing.is_none(),
            error,
        },
    ))
}

pub async fn new_form(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Response, PageError> {
    let has_top = state
        .store
        .policy_summaries(viewer.user.org_id)
        .await?
        .iter()
        .any(|s| s.policy.fields.kind == PolicyKind::TopLevel);
    let f = PolicyForm {
        kind: if has_top { "topic" } else { "top_level" }.into(),
        review_interval_months: "12".into(),
        everyone: Some("on".into()),
        approvals_needed: "1".into(),
        change_summary: "First version".into(),
        ..PolicyForm::default()
    };
    form_page(&state, &viewer, None, f, None).await
}

pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(f): Form<PolicyForm>,
) -> Result<Response, PageError> {
    let users = state.store.users(viewer.user.org_id).await?;
    let fields = match f.fields(&users) {
        Ok(fields) => fields,
        Err(e) => return form_page(&state, &viewer, None, f, Some(e)).await,
    };
    let first = (!f.body.trim().is_empty())
        .then(|| (viewer.user.id, f.body.clone(), f.change_summary.clone()));
    match state
        .store
        .create_policy(&viewer.actor(), viewer.user.org_id, fields, first)
        .await
    {
        Ok((policy, _)) => {
            Ok(Redirect::to(&format!("/policies/{}?notice=created", policy.id)).into_response())
        }
        Err(mandate_store::StoreError::Invalid(m) | mandate_store::StoreError::Conflict(m)) => {
            form_page(&state, &viewer, None, f, Some(m)).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn edit_form(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<PolicyId>,
) -> Result<Response, PageError> {
    let policy = load_policy(&state.store, &viewer.caller(), id).await?;
    let users = state.store.users(viewer.user.org_id).await?;
    let f = PolicyForm::from_policy(&policy, &users);
    form_page(&state, &viewer, Some(&policy), f, None).await
}

pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<PolicyId>,
    Form(f): Form<PolicyForm>,
) -> Result<Response, PageError> {
    let policy = load_policy(&state.store, &viewer.caller(), id).await?;
    let users = state.store.users(viewer.user.org_id).await?;
    let fields = match f.fields(&users) {
        Ok(fields) => fields,
        Err(e) => return form_page(&state, &viewer, Some(&policy), f, Some(e)).await,
    };
    match state
        .store
        .update_policy(
            &viewer.actor(),
            viewer.user.org_id,
            policy.id,
            f.version,
            fields,
        )
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/policies/{}?notice=saved", policy.id)).into_response()),
        Err(mandate_store::StoreError::Invalid(m) | mandate_store::StoreError::Conflict(m)) => {
            form_page(&state, &viewer, Some(&policy), f, Some(m)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A version as a row on the policy's page.
pub struct VersionRowView {
    pub number: i32,
    pub state: String,
    pub summary: String,
    pub author: String,
    pub created: String,
    pub published: String,
}

/// A review of the published version as a row.
pub struct ReviewRowView {
    pub reviewed_on: String,
    pub reviewer: String,
    pub outcome: &'static str,
    pub note: String,
}

/// A distribution to an interested party as a row.
pub struct DistributionRowView {
    pub distributed_on: String,
    pub party: String,
    pub channel: String,
    /// `v3`, or empty if the version is not found.
    pub version: String,
}

/// An exception as a row.
pub struct ExceptionRowView {
    pub id: String,
    pub policy_id: String,
    pub policy: String,
    pub clause: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub expires: String,
    pub requester: String,
}

pub fn exception_row(
    e: &mandate_core::policy::PolicyException,
    policy: &str,
    users: &[User],
    day: time::Date,
) -> ExceptionRowView {
    use mandate_core::policy::ExceptionStatus::*;
    let status = e.status_on(day);
    ExceptionRowView {
        id: e.id.to_string(),
        policy_id: e.policy_id.to_string(),
        policy: policy.to_string(),
        clause: e.clause.clone(),
        status: status.label(),
        status_class: match status {
            Open => "good",
            AwaitingApproval | ExtensionRequested => "warn",
            Expired | Rejected => "bad",
            Closed => "",
        },
        expires: e
            .expires_on
            .or(e.pending_expires_on)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        requester: email_of(users, e.requested_by),
    }
}

pub fn email_of(users: &[User], id: UserId) -> String {
    users
        .iter()
        .find(|u| u.id == id)
        .map(|u| u.email.to_string())
        .unwrap_or_else(|| "a removed login".into())
}

#[derive(Template)]
#[template(path = "policy.html")]
struct DetailPage {
    layout: Layout,
    row: PolicyRowView,
    audience: String,
    approval: String,
    parent: Option<Link>,
    html: String,
    published_number: Option<i32>,
    versions: Vec<VersionRowView>,
    open_version: Option<i32>,
    reviews: Vec<ReviewRowView>,
    exceptions: Vec<ExceptionRowView>,
    distributions: Vec<DistributionRowView>,
    public_url: Option<String>,
    can_edit: bool,
    can_see_work: bool,
    can_request: bool,
    today: String,
}

pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<PolicyId>,
    Query(params): Query<NoticeParams>,
) -> Result<Response, PageError> {
    let org = viewer.user.org_id;

    let summaries = visible_policies(&state.store, &viewer.caller()).await?;
    let summary = summaries
        .iter()
        .find(|s| s.policy.id == id)
        .ok_or(PageError::NotFound("policy"))?;
    let policy = &summary.policy;
    let users = state.store.users(org).await?;
    let mut versions = state.store.policy_versions(org, id).await?;
    if viewer.period.is_some() {
        versions = mandate_app::policies::versions_as_of(versions, viewer.day());
    }
    let published = versions
        .iter()
        .find(|v| v.state == mandate_core::policy::VersionState::Published);
    let can_see_work = viewer.may(Permission::ReadPolicyWork);
    let (reviews, exceptions, distributions) = if can_see_work {
        let end = mandate_app::conformance::end_of(viewer.day());
        let mut reviews = state.store.policy_reviews(org, id).await?;
        reviews.retain(|r| r.reviewed_at < end);
        let exceptions = state.store.exceptions(org, Some(id)).await?;
        let distributions = state.store.distributions(org, id).await?;
        (reviews, exceptions, distributions)
    } else {
        Default::default()
    };
    let org_record = state
        .store
        .organisation(org)
        .await?
        .ok_or(PageError::NotFound("organisation"))?;
    let (settings, _) = state.store.org_settings(org).await?;
    let layout = Layout::new(&state, &viewer, &policy.fields.title, "/policies")
        .await?
        .with_notice(params.notice.as_deref());
    let row = tree_rows(std::slice::from_ref(summary), viewer.day())
        .pop()
        .ok_or(PageError::NotFound("policy"))?;
    Ok(render(&DetailPage {
        layout,
        row,
        audience: policy.fields.audience.describe(),
        approval: match &policy.fields.approval_rule {
            ApprovalRule::AnyOf { count: 1 } => "one approver with the authority".into(),
            ApprovalRule::AnyOf { count } => format!("{count} approvers with the authority"),
            ApprovalRule::AllOf { approvers } => format!(
                "all of: {}",
                approvers
                    .iter()
                    .map(|a| email_of(&users, *a))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
        parent: policy.fields.parent_id.and_then(|p| {
            summaries
                .iter()
                .find(|s| s.policy.id == p)
                .map(|s| Link::new(p.to_string(), s.policy.fields.title.clone()))
        }),
        html: published
            .map(|v| mandate_report::markdown::render(&v.body, &settings.image_hosts))
            .unwrap_or_default(),
        published_number: published.map(|v| v.number),
        open_version: versions
            .iter()
            .find(|v| {
                matches!(
                    v.state,
                    mandate_core::policy::VersionState::Draft
                        | mandate_core::policy::VersionState::InReview
                        | mandate_core::policy::VersionState::Approved
                )
            })
            .map(|v| v.number),
        versions: versions
            .iter()
            .filter(|v| may_see(&viewer.caller(), v))
            .map(|v| VersionRowView {
                number: v.number,
                state: state_label(v.state),
                summary: v.change_summary.clone(),
                author: email_of(&users, v.author_id),
                created: v.created_at.date().to_string(),
                published: v
                    .published_at
                    .map(|t| t.date().to_string())
                    .unwrap_or_default(),
            })
            .collect(),
        reviews: reviews
            .into_iter()
            .map(|r| ReviewRowView {
                reviewed_on: r.reviewed_at.date().to_string(),
                reviewer: email_of(&users, r.reviewed_by),
                outcome: match r.outcome {
                    ReviewOutcome::NoChange => "no change needed",
                    ReviewOutcome::NewDraft => "new draft opened",
                },
                note: r.note,
            })
            .collect(),
        exceptions: exceptions
            .iter()
            .filter(|e| e.created_at.date() <= viewer.day())
            .map(|e| exception_row(e, &policy.fields.title, &users, viewer.day()))
            .collect(),
        distributions: distributions
            .into_iter()
            .map(|d| {
                let version = versions
                    .iter()
                    .find(|v| v.id == d.version_id)
                    .map(|v| format!("v{}", v.number))
                    .unwrap_or_default();
                DistributionRowView {
                    distributed_on: d.distributed_on.to_string(),
                    party: d.party,
                    channel: d.channel,
                    version,
                }
            })
            .collect(),
        public_url: (policy.fields.public && published.is_some()).then(|| {
            format!(
                "/public/{}/policies/{}",
                org_record.slug.as_str(),
                policy.id
            )
        }),
        can_edit: viewer.may(Permission::EditPolicies),
        can_see_work,
        can_request: viewer.may(Permission::RequestExceptions),
        today: now().date().to_string(),
    }))
}

#[derive(Deserialize)]
pub struct ReviewForm {
    outcome: String,
    #[serde(default)]
    note: String,
}

pub async fn review(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<PolicyId>,
    Form(f): Form<ReviewForm>,
) -> Result<Response, PageError> {
    let outcome: ReviewOutcome = f
        .outcome
        .parse()
        .map_err(|e: String| PageError::Store(mandate_store::StoreError::Invalid(e)))?;
    let (_, draft) = state
        .store
        .review_policy(
            &viewer.actor(),
            viewer.user.org_id,
            id,
            viewer.user.id,
            outcome,
            &f.note,
        )
        .await?;
    Ok(match draft {
        Some(d) => Redirect::to(&format!("/policies/{id}/versions/{}/edit", d.number)),
        None => Redirect::to(&format!("/policies/{id}?notice=reviewed")),
    }
    .into_response())
}

#[derive(Deserialize)]
pub struct DistributionForm {
    party: String,
    channel: String,
    distributed_on: String,
    #[serde(default)]
    note: String,
}

pub async fn distribute(
    State(state): State<AppState>,
    viewer: Viewer,
    PagePath(id): PagePath<PolicyId>,
    Form(f): Form<DistributionForm>,
) -> Result<Response, PageError> {
    let on = form_date("distributed on", &f.distributed_on)
        .map_err(|e| PageError::Store(mandate_store::StoreError::Invalid(e)))?
        .ok_or_else(|| {
            PageError::Store(mandate_store::StoreError::Invalid(
                "distributed on: required".into(),
            ))
        })?;
    state
        .store
        .record_distribution(
            &viewer.actor(),
            viewer.user.org_id,
            id,
            viewer.user.id,
            &f.party,
            &f.channel,
            on,
            &f.note,
        )
        .await?;
    Ok(Redirect::to(&format!("/policies/{id}?notice=distributed")).into_response())
}
