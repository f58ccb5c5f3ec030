//! Server-rendered pages: readable without JavaScript, usable on a phone.
//! Each module renders one area; [`Layout`] gives every page its frame.

pub mod actions;
pub mod assets;
pub mod attestations;
pub mod audit;
pub mod auditor;
pub mod campaigns;
pub mod communications;
pub mod conformance;
pub mod dashboard;
pub mod evidence;
pub mod exceptions;
pub mod feedback;
pub mod form_input;
pub mod improvements;
pub mod invitations;
pub mod me;
pub mod objectives;
pub mod outbox;
pub mod page_path;
pub mod password_links;
pub mod people;
pub mod performance_glance;
pub mod performance_reports;
pub mod performance_view;
pub mod policies;
pub mod policy_versions;
pub mod public;
pub mod raci;
pub mod resources;
pub mod reviews;
pub mod roles;
pub mod scim_tokens;
pub mod settings;
pub mod signin;
pub mod sso_settings;
pub mod sso_sign_in;
pub mod statements;
pub mod tasks;
pub mod training;
pub mod users;
pub mod view;

use crate::auth::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use mandate_core::Permission;
use mandate_store::StoreError;

/// The query of a page that may show a notice after a change (`?notice=saved`).
#[derive(serde::Deserialize)]
pub struct NoticeParams {
    pub notice: Option<String>,
}

/// One entry of the side navigation.
pub struct NavItem {
    pub label: &'static str,
    pub href: String,
    pub current: bool,
    pub heading: bool,
}

/// The frame of every signed-in page.
pub struct Layout {
    pub title: String,
    pub org_name: String,
    pub email: String,
    pub role: String,
    pub csrf: String,
    pub nav: Vec<NavItem>,
    pub notice: Option<String>,
    /// The audit period chosen, for the banner.
    pub period: Option<PeriodView>,
    /// The page shows today's records even while a period is chosen.
    pub live: bool,
}

/// The audit period chosen, as the banner of every page states it.
pub struct PeriodView {
    pub starts_on: String,
    pub ends_on: String,
    /// The day the period's pages answer as of.
    pub as_of: String,
}

impl Layout {
    pub async fn new(
        state: &AppState,
        viewer: &Viewer,
        title: &str,
        section: &str,
    ) -> Result<Self, PageError> {
        let org = state.store.organisation(viewer.user.org_id).await?;
        Ok(Self {
            title: title.to_string(),
            org_name: org.map(|o| o.name).unwrap_or_default(),
            email: viewer.user.email.to_string(),
            role: viewer.user.access_role.to_string(),
            csrf: viewer.csrf_token().to_string(),
            nav: nav(viewer, section),
            notice: None,
            live: false,
            period: viewer.period.map(|p| PeriodView {
                starts_on: p.starts_on.to_string(),
                ends_on: p.ends_on.to_string(),
                as_of: viewer.day().to_string(),
            }),
        })
    }

    /// Marks a page that shows today's records whatever period is chosen,
    /// so its banner says so rather than promising the period's end.
    pub fn live(mut self) -> Self {
        self.live = true;
        self
    }

    pub fn with_notice(mut self, notice: Option<&str>) -> Self {
        self.notice = notice.and_then(notice_text).map(str::to_string);
        self
    }
}

/// Notices are codes in the URL, never free text from it.
fn notice_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "saved" => "Saved.",
        "created" => "Created.",
        "password" => "Your password was changed; your other sessions were signed out.",
        "password-tokens" => {
            "Your password was changed; your other sessions were signed out and your API tokens revoked."
        }
        "revoked" => "The token was revoked.",
        "ended" => "The employment was ended.",
        "login" => {
            "The login was created. Give its first password to its owner by a separate channel."
        }
        "changed" => "The login was changed.",
        "invited" => "The invitation is queued; it goes with the next round of mail.",
        "submitted" => "Submitted for approval.",
        "decided" => "Your decision was recorded.",
        "withdrawn" => "The version was withdrawn to draft.",
        "published" => "Published. The version before it is superseded.",
        "retired" => "Retired.",
        "reviewed" => "The review was recorded; the review cycle starts again.",
        "distributed" => "The distribution was recorded.",
        "requested" => "The exception was asked for; an approver decides.",
        "extension" => "The extension was asked for; it needs a new approval.",
        "closed" => "The exception was closed.",
        "assigned" => "The role was assigned; its holder is asked to acknowledge it.",
        "acknowledged" => "Thank you: your acknowledgement was recorded.",
        "role-declined" => {
            "Your answer was recorded; whoever assigns roles sees why you cannot accept it."
        }
        "assignment-ended" => "The assignment was ended.",
        "delegated" => "The delegation was recorded; the holder stays accountable.",
        "measured" => "The values were recorded.",
        "prepared" => "The pack was compiled from today's records.",
        "held" => {
            "The review is recorded as held; its pack and minutes are frozen. The chair approves the minutes."
        }
        "approved" => "The minutes are approved.",
        "budget-approved" => "The budget is approved; your authority is recorded with it.",
        "signed" => "Your signature of this exact text was recorded.",
        "statement-published" => {
            "Published. Staff see it now; the statement published before is superseded."
        }
        "trained" => "The training was recorded.",
        "feedback" => "Thank you: your feedback was sent. The answer will appear here.",
        "checked" => "The effectiveness check was recorded.",
        "entry-closed" => "The entry is closed.",
        "attested" => "Thank you: your attestation was recorded.",
        "acknowledged-policy" => "Thank you: your answer was recorded.",
        "requeued" => "The message is queued to be sent again.",
        _ => return None,
    })
}

fn nav(viewer: &Viewer, section: &str) -> Vec<NavItem> {
    let heading = |label| NavItem {
        label,
        href: String::new(),
        current: false,
        heading: true,
    };
    let link = |label, href: &str| NavItem {
        label,
        href: href.to_string(),
        current: href == section,
        heading: false,
    };
    let mut items = vec![
        heading("Overview"),
        link("Dashboard", "/"),
        link("My tasks", "/tasks"),
    ];
    items.push(heading("Clause 5 records"));
    if viewer.may(Permission::ReadPeople) {
        items.push(link("People", "/people"));
    }
    items.push(link("Policies", "/policies"));
    items.push(link("Roles", "/roles"));
    items.push(link("RACI matrix", "/raci"));
    if viewer.may(Permission::ReadPerformance) {
        items.push(link("Objectives and KPIs", "/objectives"));
        items.push(link("Actions", "/actions"));
    }
    if viewer.may(Permission::ReadReviews) {
        items.push(link("Management reviews", "/reviews"));
        items.push(link("Performance reports", "/reports"));
    }
    if viewer.may(Permission::ReadCampaigns) {
        items.push(link("Acknowledgements", "/campaigns"));
    }
    items.push(link("Leadership statement", "/statements"));
    if viewer.may(Permission::ReadBudgets) {
        items.push(link("Resources", "/resources"));
    }
    if viewer.may(Permission::ReadCommitment) {
        items.push(link("Communications", "/communications"));
        items.push(link("Training", "/training"));
        items.push(link("Improvements", "/improvements"));
    }
    items.push(link("Attestations", "/attestations"));
    items.push(link("Feedback", "/feedback"));
    items.push(heading("Assurance"));
    if viewer.may(Permission::ReadConformance) {
        items.push(link("Clause 5 conformance", "/conformance"));
    }
    if viewer.may(Permission::ReadAuditLog) {
        items.push(link("Audit log", "/audit"));
    }
    if viewer.may(Permission::ReadConformance) {
        items.push(link("Auditor view", "/auditor"));
    }
    items.push(heading("Organisation"));
    items.push(link("Settings", "/settings"));
    if viewer.may(Permission::ReadUsers) {
        items.push(link("Users", "/users"));
    }
    if viewer.may(Permission::ReadOutbox) {
        items.push(link("Outbox", "/outbox"));
    }
    items.push(link("Your account", "/me"));
    items
}

/// Renders a template, or a plain error page if it cannot be rendered.
pub fn render(template: &impl Template) -> Response {
    render_with(StatusCode::OK, template)
}

pub fn render_with(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "rendering a page");
            plain_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "The page could not be shown; the error has been logged.",
            )
        }
    }
}

#[derive(Template)]
#[template(path = "plain.html")]
struct Plain<'a> {
    title: &'a str,
    message: &'a str,
}

/// A page with a title and one message, for refusals and errors.
pub fn plain_page(status: StatusCode, title: &str, message: &str) -> Response {
    match (Plain { title, message }).render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, message.to_string()).into_response(),
    }
}

/// What a page handler can fail with.
pub enum PageError {
    NotFound(&'static str),
    Store(StoreError),
    /// A refusal from the shared workflow code, with its status.
    Problem(crate::problem::Problem),
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { entity, .. } => PageError::NotFound(entity),
            other => PageError::Store(other),
        }
    }
}

/// As the API answers it: a stale write is 409 "Changed meanwhile", an
/// unavailable database 503, whichever front end asked.
impl From<mandate_app::AppError> for PageError {
    fn from(e: mandate_app::AppError) -> Self {
        PageError::Problem(e.into())
    }
}

impl From<crate::problem::Problem> for PageError {
    fn from(p: crate::problem::Problem) -> Self {
        PageError::Problem(p)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::NotFound(what) => plain_page(
                StatusCode::NOT_FOUND,
                "Not found",
                &format!("There is no such {what} in your organisation."),
            ),
            PageError::Store(StoreError::Invalid(m) | StoreError::Conflict(m)) => {
                plain_page(StatusCode::UNPROCESSABLE_ENTITY, "That did not work", &m)
            }
            PageError::Store(StoreError::Refused(m)) => {
                plain_page(StatusCode::FORBIDDEN, "Not allowed", &m)
            }
            PageError::Problem(p) => {
                let title = match p.status() {
                    StatusCode::FORBIDDEN => "Not allowed",
                    StatusCode::NOT_FOUND => "Not found",
                    StatusCode::CONFLICT => "Changed meanwhile",
                    s if s.is_server_error() => "Something went wrong",
                    _ => "That did not work",
                };
                plain_page(p.status(), title, &p.detail)
            }
            PageError::Store(e) => {
                tracing::error!(error = %e, "page failed");
                plain_page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "The error has been logged.",
                )
            }
        }
    }
}

/// An approver's form: `approve` or `reject`, with a comment.
#[derive(serde::Deserialize)]
pub struct DecisionForm {
    pub verdict: String,
    #[serde(default)]
    pub comment: String,
    /// The revision the approver read (versions only).
    #[serde(default)]
    pub version: Option<i64>,
}

/// Percent-encodes a value for a URL query.
pub fn url_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// "" for nothing, the date otherwise.
pub fn date_text(date: Option<time::Date>) -> String {
    date.map(|d| d.to_string()).unwrap_or_default()
}

/// Parses an optional date field of a form.
pub fn form_date(field: &str, value: &str) -> Result<Option<time::Date>, String> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    mandate_core::timefmt::parse_date(value)
        .map(Some)
        .map_err(|_| format!("{field}: {value:?} is not a date (YYYY-MM-DD)"))
}
