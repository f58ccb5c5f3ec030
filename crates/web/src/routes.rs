//! Every route of the server, with the access rule the server enforces for
//! it, in one table, each route written once. The router and the OpenAPI
//! document are built from this table; a test walks it against every access
//! role, so no route escapes the check, and compares it with a committed
//! snapshot, so a change of access shows in review as a diff.

use crate::auth::{SessionExpired, Viewer};
use crate::pages::plain_page;
use crate::problem::Problem;
use crate::state::AppState;
use crate::{api, ops, pages};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::Request;
use axum::handler::Handler;
use axum::http::{Method, StatusCode, header};
use axum::middleware::{Next, from_fn};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodFilter, MethodRouter, on};
use mandate_core::Permission;
use std::sync::OnceLock;
use utoipa::openapi::path::Paths;
use utoipa::openapi::{RefOr, schema::Schema};
use utoipa_axum::router::UtoipaMethodRouter;
use utoipa_axum::routes;

/// Who may use a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user.
    SignedIn,
    /// A signed-in user whose access role grants this.
    Needs(Permission),
    /// An identity provider with the organisation's SCIM token; the
    /// handler's `Scim` extractor checks it (sessions do not open SCIM).
    ScimToken,
}

/// One route: where it is, who may use it, what answers it and, for the
/// JSON API, its OpenAPI entry. Each route is declared once; the router, the
/// OpenAPI document and the access-matrix test are all read from the table.
pub struct RouteSpec {
    pub method: Method,
    pub path: String,
    pub access: Access,
    pub handler: MethodRouter<AppState>,
    /// The handler's `#[utoipa::path]` entry and the schemas it refers to;
    /// `None` for pages and other routes outside the API document.
    pub openapi: Option<ApiEntry>,
}

/// An API route's part of the OpenAPI document: its path item, and the
/// schemas its bodies name.
pub type ApiEntry = (Paths, Vec<(String, RefOr<Schema>)>);

impl RouteSpec {
    /// Lets this route take a body bigger than a form (a large CSV file).
    pub fn with_body_limit(mut self, bytes: usize) -> Self {
        self.handler = self.handler.layer(DefaultBodyLimit::max(bytes));
        self
    }
}

/// A page, an asset or an operations route: not part of the API document.
pub fn page<H, T>(method: Method, path: &str, access: Access, handler: H) -> RouteSpec
where
    H: Handler<T, AppState>,
    T: 'static,
{
    let filter = MethodFilter::try_from(method.clone())
        .unwrap_or_else(|_| panic!("the route table names an unroutable method {method}"));
    RouteSpec {
        method,
        path: path.to_owned(),
        access,
        handler: on(filter, handler),
        openapi: None,
    }
}

/// An API route, from `routes!(handler)`: its method and path are the ones
/// the handler's `#[utoipa::path]` gives, so they are written only there.
pub fn api(access: Access, (schemas, paths, handler): UtoipaMethodRouter<AppState>) -> RouteSpec {
    let mut entries = paths.paths.iter();
    let (Some((path, item)), None) = (entries.next(), entries.next()) else {
        panic!("an API handler must have exactly one path");
    };
    let method = [
        (Method::GET, item.get.is_some()),
        (Method::POST, item.post.is_some()),
        (Method::PUT, item.put.is_some()),
        (Method::DELETE, item.delete.is_some()),
    ]
    .into_iter()
    .find_map(|(method, present)| present.then_some(method))
    .unwrap_or_else(|| panic!("the API handler of {path} has no GET, POST, PUT or DELETE"));
    RouteSpec {
        method,
        path: path.clone(),
        access,
        handler,
        openapi: Some((paths, schemas)),
    }
}

/// The whole route table.
pub fn table() -> Vec<RouteSpec> {
    let mut all = foundation();
    all.extend(crate::commitment_routes::table());
    all.extend(crate::commitment_routes::campaign_table());
    all.extend(crate::assurance_routes::table());
    all.extend(crate::scim::table());
    all.extend(crate::identity_routes::table());
    all
}

/// The routes of the foundation, policies, roles and performance.
fn foundation() -> Vec<RouteSpec> {
    use Access::*;
    use Permission::*;
    vec![
        // Operations.
        page(Method::GET, "/healthz", Public, ops::healthz),
        page(Method::GET, "/readyz", Public, ops::readyz),
        // Public in the table, yet not open: the handler asks for the
        // metrics token (or answers 404 when metrics are served on their own
        // address), since the access roles of people do not fit a scraper.
        page(Method::GET, "/metrics", Public, ops::metrics),
        page(
            Method::GET,
            "/static/style.css",
            Public,
            pages::assets::style,
        ),
        page(
            Method::GET,
            "/static/csv-file.js",
            Public,
            pages::assets::csv_file_js,
        ),
        page(
            Method::GET,
            "/static/policy-editor.js",
            Public,
            pages::assets::policy_editor_js,
        ),
        // Pages.
        page(Method::GET, "/sign-in", Public, pages::signin::form),
        page(Method::POST, "/sign-in", Public, pages::signin::submit),
        page(Method::POST, "/sign-out", SignedIn, pages::signin::sign_out),
        page(Method::GET, "/", SignedIn, pages::dashboard::show),
        page(
            Method::GET,
            "/people",
            Needs(ReadPeople),
            pages::people::list,
        ),
        page(
            Method::POST,
            "/people",
            Needs(EditPeople),
            pages::people::create,
        ),
        page(
            Method::GET,
            "/people/new",
            Needs(EditPeople),
            pages::people::new_form,
        ),
        page(
            Method::GET,
            "/people/{id}",
            Needs(ReadPeople),
            pages::people::show,
        ),
        page(
            Method::POST,
            "/people/{id}",
            Needs(EditPeople),
            pages::people::update,
        ),
        page(
            Method::GET,
            "/people/{id}/edit",
            Needs(EditPeople),
            pages::people::edit_form,
        ),
        page(
            Method::POST,
            "/people/{id}/end-employment",
            Needs(EditPeople),
            pages::people::end_employment,
        ),
        page(
            Method::GET,
            "/settings",
            Needs(ReadOrganisation),
            pages::settings::show,
        ),
        page(
            Method::POST,
            "/settings",
            Needs(EditOrganisation),
            pages::settings::update,
        ),
        page(Method::GET, "/me", SignedIn, pages::me::show),
        page(
            Method::POST,
            "/me/password",
            SignedIn,
            pages::me::change_password,
        ),
        page(
            Method::POST,
            "/me/tokens",
            SignedIn,
            pages::me::create_token,
        ),
        page(
            Method::POST,
            "/me/tokens/{id}/revoke",
            SignedIn,
            pages::me::revoke_token,
        ),
        page(
            Method::GET,
            "/audit",
            Needs(ReadAuditLog),
            pages::audit::list,
        ),
        page(Method::GET, "/users", Needs(ReadUsers), pages::users::list),
        page(
            Method::POST,
            "/users",
            Needs(ManageUsers),
            pages::users::create,
        ),
        page(
            Method::POST,
            "/users/{id}",
            Needs(ManageUsers),
            pages::users::update,
        ),
        page(
            Method::GET,
            "/policies",
            Needs(ReadPolicies),
            pages::policies::list,
        ),
        page(
            Method::POST,
            "/policies",
            Needs(EditPolicies),
            pages::policies::create,
        ),
        page(
            Method::GET,
            "/policies/new",
            Needs(EditPolicies),
            pages::policies::new_form,
        ),
        page(
            Method::GET,
            "/policies/{id}",
            Needs(ReadPolicies),
            pages::policies::show,
        ),
        page(
            Method::POST,
            "/policies/{id}",
            Needs(EditPolicies),
            pages::policies::update,
        ),
        page(
            Method::GET,
            "/policies/{id}/edit",
            Needs(EditPolicies),
            pages::policies::edit_form,
        ),
        page(
            Method::POST,
            "/policies/{id}/reviews",
            Needs(EditPolicies),
            pages::policies::review,
        ),
        page(
            Method::POST,
            "/policies/{id}/distributions",
            Needs(EditPolicies),
            pages::policies::distribute,
        ),
        page(
            Method::GET,
            "/policies/{id}/diff",
            Needs(ReadPolicyWork),
            pages::policy_versions::diff,
        ),
        page(
            Method::POST,
            "/policies/{id}/versions",
            Needs(EditPolicies),
            pages::policy_versions::new_draft,
        ),
        page(
            Method::GET,
            "/policies/{id}/versions/{number}",
            Needs(ReadPolicies),
            pages::policy_versions::show,
        ),
        page(
            Method::POST,
            "/policies/{id}/versions/{number}",
            Needs(EditPolicies),
            pages::policy_versions::save,
        ),
        page(
            Method::GET,
            "/policies/{id}/versions/{number}/edit",
            Needs(EditPolicies),
            pages::policy_versions::edit_form,
        ),
        page(
            Method::POST,
            "/policies/{id}/versions/{number}/step",
            Needs(EditPolicies),
            pages::policy_versions::step,
        ),
        page(
            Method::POST,
            "/policies/{id}/versions/{number}/decide",
            Needs(Approve),
            pages::policy_versions::decide,
        ),
        page(
            Method::GET,
            "/policies/{id}/exceptions/new",
            Needs(RequestExceptions),
            pages::exceptions::new_form,
        ),
        page(
            Method::POST,
            "/policies/{id}/exceptions",
            Needs(RequestExceptions),
            pages::exceptions::create,
        ),
        page(
            Method::GET,
            "/exceptions",
            Needs(ReadExceptions),
            pages::exceptions::list,
        ),
        page(
            Method::GET,
            "/exceptions/{id}",
            Needs(ReadExceptions),
            pages::exceptions::show,
        ),
        page(
            Method::POST,
            "/exceptions/{id}/decide",
            Needs(Approve),
            pages::exceptions::decide,
        ),
        page(
            Method::POST,
            "/exceptions/{id}/change",
            Needs(RequestExceptions),
            pages::exceptions::change,
        ),
        page(
            Method::GET,
            "/public/{org}/policies/{id}",
            Public,
            pages::public::show,
        ),
        // The JSON API.
        page(
            Method::GET,
            "/api/v1/openapi.json",
            Public,
            api::openapi_json,
        ),
        api(SignedIn, routes!(api::me::show)),
        api(SignedIn, routes!(api::me::tokens)),
        api(SignedIn, routes!(api::me::create_token)),
        api(SignedIn, routes!(api::me::revoke_token)),
        api(Needs(ReadOrganisation), routes!(api::organisation::show)),
        api(Needs(EditOrganisation), routes!(api::organisation::update)),
        api(Needs(ReadPeople), routes!(api::people::list)),
        api(Needs(EditPeople), routes!(api::people::create)),
        api(Needs(ReadPeople), routes!(api::people::show)),
        api(Needs(EditPeople), routes!(api::people::update)),
        api(Needs(EditPeople), routes!(api::people::end_employment)),
        api(Needs(ReadUsers), routes!(api::users::list)),
        api(Needs(ManageUsers), routes!(api::users::create)),
        api(Needs(ManageUsers), routes!(api::users::update)),
        api(Needs(ReadAuditLog), routes!(api::audit::list)),
        api(Needs(ReadPolicies), routes!(api::policies::list)),
        api(Needs(EditPolicies), routes!(api::policies::create)),
        api(Needs(ReadPolicies), routes!(api::policies::show)),
        api(Needs(EditPolicies), routes!(api::policies::update)),
        api(Needs(ReadPolicyWork), routes!(api::policies::diff_versions)),
        api(Needs(ReadPolicyWork), routes!(api::policies::reviews)),
        api(Needs(EditPolicies), routes!(api::policies::review)),
        api(Needs(ReadPolicyWork), routes!(api::policies::distributions)),
        api(Needs(EditPolicies), routes!(api::policies::distribute)),
        api(Needs(ReadPolicies), routes!(api::policy_versions::list)),
        api(Needs(EditPolicies), routes!(api::policy_versions::create)),
        api(Needs(ReadPolicies), routes!(api::policy_versions::show)),
        api(Needs(EditPolicies), routes!(api::policy_versions::update)),
        api(Needs(EditPolicies), routes!(api::policy_versions::submit)),
        api(Needs(EditPolicies), routes!(api::policy_versions::withdraw)),
        api(Needs(EditPolicies), routes!(api::policy_versions::publish)),
        api(Needs(EditPolicies), routes!(api::policy_versions::retire)),
        api(
            Needs(ReadPolicyWork),
            routes!(api::policy_versions::decisions),
        ),
        api(Needs(Approve), routes!(api::policy_versions::decide)),
        api(Needs(ReadPolicyWork), routes!(api::exceptions::of_policy)),
        api(Needs(RequestExceptions), routes!(api::exceptions::create)),
        api(Needs(ReadExceptions), routes!(api::exceptions::list)),
        api(Needs(ReadExceptions), routes!(api::exceptions::show)),
        api(Needs(Approve), routes!(api::exceptions::decide)),
        api(Needs(RequestExceptions), routes!(api::exceptions::extend)),
        api(Needs(RequestExceptions), routes!(api::exceptions::close)),
        api(Needs(ReadRoles), routes!(api::roles::list)),
        api(Needs(EditRoles), routes!(api::roles::create)),
        api(Needs(ReadRoles), routes!(api::roles::show)),
        api(Needs(EditRoles), routes!(api::roles::update)),
        page(Method::GET, "/roles", Needs(ReadRoles), pages::roles::list),
        page(
            Method::POST,
            "/roles",
            Needs(EditRoles),
            pages::roles::create,
        ),
        page(
            Method::GET,
            "/roles/new",
            Needs(EditRoles),
            pages::roles::new_form,
        ),
        page(
            Method::GET,
            "/roles/{id}",
            Needs(ReadRoles),
            pages::roles::show,
        ),
        page(
            Method::POST,
            "/roles/{id}",
            Needs(EditRoles),
            pages::roles::update,
        ),
        page(
            Method::GET,
            "/roles/{id}/edit",
            Needs(EditRoles),
            pages::roles::edit_form,
        ),
        api(Needs(ReadRoles), routes!(api::assignments::list)),
        api(Needs(EditRoles), routes!(api::assignments::create)),
        api(Needs(Acknowledge), routes!(api::assignments::acknowledge)),
        api(Needs(Acknowledge), routes!(api::assignments::decline)),
        api(Needs(EditRoles), routes!(api::assignments::end)),
        page(
            Method::POST,
            "/roles/{id}/assignments",
            Needs(EditRoles),
            pages::roles::assign,
        ),
        page(
            Method::POST,
            "/assignments/{id}/acknowledge",
            Needs(Acknowledge),
            pages::roles::acknowledge,
        ),
        page(
            Method::POST,
            "/assignments/{id}/decline",
            Needs(Acknowledge),
            pages::roles::decline,
        ),
        page(
            Method::POST,
            "/assignments/{id}/end",
            Needs(EditRoles),
            pages::roles::end_assignment,
        ),
        api(Needs(ReviewRoles), routes!(api::roles::gaps)),
        page(
            Method::GET,
            "/role-gaps",
            Needs(ReviewRoles),
            pages::roles::gaps,
        ),
        api(Needs(ReadRoles), routes!(api::raci::show)),
        api(Needs(EditRoles), routes!(api::raci::set_cells)),
        api(Needs(EditRoles), routes!(api::raci::add_activity)),
        page(Method::GET, "/raci", Needs(ReadRoles), pages::raci::show),
        page(Method::POST, "/raci", Needs(EditRoles), pages::raci::save),
        page(
            Method::POST,
            "/raci/activities",
            Needs(EditRoles),
            pages::raci::add_activity,
        ),
        api(Needs(ReadRoles), routes!(api::delegations::list)),
        api(Needs(EditRoles), routes!(api::delegations::create)),
        page(
            Method::POST,
            "/roles/{id}/delegations",
            Needs(EditRoles),
            pages::roles::delegate,
        ),
        api(Needs(ReadPerformance), routes!(api::objectives::list)),
        api(Needs(EditPerformance), routes!(api::objectives::create)),
        api(Needs(ReadPerformance), routes!(api::objectives::show)),
        api(Needs(EditPerformance), routes!(api::objectives::update)),
        api(Needs(ReadPerformance), routes!(api::objectives::kpis)),
        api(Needs(EditPerformance), routes!(api::objectives::create_kpi)),
        api(Needs(EditPerformance), routes!(api::objectives::update_kpi)),
        api(Needs(ReadPerformance), routes!(api::measurements::of_kpi)),
        api(
            Needs(RecordMeasurements),
            routes!(api::measurements::record),
        ),
        api(
            Needs(RecordMeasurements),
            routes!(api::measurements::upload_csv),
        ),
        api(Needs(ReadPerformance), routes!(api::actions::list)),
        api(Needs(EditPerformance), routes!(api::actions::create)),
        api(Needs(EditPerformance), routes!(api::actions::update)),
        api(Needs(ReadReviews), routes!(api::reviews::programme)),
        api(Needs(EditPerformance), routes!(api::reviews::set_programme)),
        api(Needs(ReadReviews), routes!(api::reviews::list)),
        api(Needs(EditPerformance), routes!(api::reviews::create)),
        api(Needs(ReadReviews), routes!(api::reviews::show)),
        api(Needs(EditPerformance), routes!(api::reviews::update)),
        api(Needs(EditPerformance), routes!(api::reviews::prepare)),
        api(Needs(EditPerformance), routes!(api::reviews::hold)),
        api(Needs(Approve), routes!(api::reviews::approve)),
        api(Needs(ReadReviews), routes!(api::performance_reports::list)),
        api(
            Needs(EditPerformance),
            routes!(api::performance_reports::create),
        ),
        api(
            Needs(EditPerformance),
            routes!(api::performance_reports::present),
        ),
        page(
            Method::GET,
            "/objectives",
            Needs(ReadPerformance),
            pages::objectives::list,
        ),
        page(
            Method::POST,
            "/objectives",
            Needs(EditPerformance),
            pages::objectives::create,
        ),
        page(
            Method::GET,
            "/objectives/new",
            Needs(EditPerformance),
            pages::objectives::new_form,
        ),
        page(
            Method::GET,
            "/objectives/{id}",
            Needs(ReadPerformance),
            pages::objectives::show,
        ),
        page(
            Method::POST,
            "/objectives/{id}",
            Needs(EditPerformance),
            pages::objectives::update,
        ),
        page(
            Method::GET,
            "/objectives/{id}/edit",
            Needs(EditPerformance),
            pages::objectives::edit_form,
        ),
        page(
            Method::POST,
            "/objectives/{id}/kpis",
            Needs(EditPerformance),
            pages::objectives::add_kpi,
        ),
        page(
            Method::POST,
            "/objectives/{id}/plan",
            Needs(EditPerformance),
            pages::objectives::add_plan_item,
        ),
        page(
            Method::POST,
            "/kpis/{id}",
            Needs(EditPerformance),
            pages::objectives::edit_kpi,
        ),
        page(
            Method::POST,
            "/kpis/{id}/measurements",
            Needs(RecordMeasurements),
            pages::objectives::add_value,
        ),
        page(
            Method::POST,
            "/measurements/csv",
            Needs(RecordMeasurements),
            pages::objectives::upload_csv,
        ),
        page(
            Method::GET,
            "/actions",
            Needs(ReadPerformance),
            pages::actions::list,
        ),
        page(
            Method::POST,
            "/actions",
            Needs(EditPerformance),
            pages::actions::create,
        ),
        page(
            Method::POST,
            "/actions/{id}/status",
            Needs(EditPerformance),
            pages::actions::set_status,
        ),
        page(
            Method::GET,
            "/reviews",
            Needs(ReadReviews),
            pages::reviews::list,
        ),
        page(
            Method::POST,
            "/reviews",
            Needs(EditPerformance),
            pages::reviews::create,
        ),
        page(
            Method::POST,
            "/review-programme",
            Needs(EditPerformance),
            pages::reviews::set_cadence,
        ),
        page(
            Method::GET,
            "/reviews/{id}",
            Needs(ReadReviews),
            pages::reviews::show,
        ),
        page(
            Method::POST,
            "/reviews/{id}",
            Needs(EditPerformance),
            pages::reviews::update,
        ),
        page(
            Method::POST,
            "/reviews/{id}/prepare",
            Needs(EditPerformance),
            pages::reviews::prepare,
        ),
        page(
            Method::POST,
            "/reviews/{id}/hold",
            Needs(EditPerformance),
            pages::reviews::hold,
        ),
        page(
            Method::POST,
            "/reviews/{id}/approve",
            Needs(Approve),
            pages::reviews::approve,
        ),
        page(
            Method::POST,
            "/reviews/{id}/actions",
            Needs(EditPerformance),
            pages::reviews::add_action,
        ),
        page(
            Method::GET,
            "/reports",
            Needs(ReadReviews),
            pages::performance_reports::list,
        ),
        page(
            Method::POST,
            "/reports",
            Needs(EditPerformance),
            pages::performance_reports::create,
        ),
        page(
            Method::GET,
            "/reports/{id}",
            Needs(ReadReviews),
            pages::performance_reports::show,
        ),
        page(
            Method::POST,
            "/reports/{id}/presentation",
            Needs(EditPerformance),
            pages::performance_reports::present,
        ),
    ]
}

/// The router: every route of the table behind its access rule.
pub fn router() -> Router<AppState> {
    // Built once per process: each entry of the table carries its OpenAPI
    // description, costly to make and not needed to route. (The tests build
    // a router for every request they send; this took their run from one
    // minute to nearly two.)
    static ROUTES: OnceLock<Router<AppState>> = OnceLock::new();
    ROUTES
        .get_or_init(|| {
            table().into_iter().fold(Router::new(), |router, spec| {
                let access = spec.access;
                router.route(
                    &spec.path,
                    spec.handler
                        .route_layer(from_fn(move |req, next| require(access, req, next))),
                )
            })
        })
        .clone()
}

/// Enforces `access` for one request; denials are logged.
async fn require(access: Access, request: Request, next: Next) -> Response {
    let viewer = request.extensions().get::<Viewer>();
    let allowed = match (access, viewer) {
        (Access::Public | Access::ScimToken, _) => return next.run(request).await,
        (_, None) => false,
        (Access::SignedIn, Some(_)) => true,
        (Access::Needs(p), Some(v)) => v.may(p),
    };
    if allowed {
        return next.run(request).await;
    }
    let path = request.uri().path().to_string();
    let api = path.starts_with("/api/");
    match viewer {
        None => {
            tracing::info!(%path, "refused: not signed in");
            if api {
                let mut response = Problem::new(
                    StatusCode::UNAUTHORIZED,
                    "sign in, or send an API token as `Authorization: Bearer ...`",
                )
                .into_response();
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    header::HeaderValue::from_static("Bearer"),
                );
                response
            } else {
                let expired = request.extensions().get::<SessionExpired>().is_some();
                let next_path = request.uri().path_and_query().map_or("/", |p| p.as_str());
                let mut target = format!("/sign-in?next={}", pages::url_encode(next_path));
                if expired {
                    target.push_str("&expired=1");
                }
                Redirect::to(&target).into_response()
            }
        }
        Some(v) => {
            tracing::warn!(%path, user = %v.user.email, role = %v.user.access_role, "refused: access role lacks the permission");
            if api {
                Problem::new(
                    StatusCode::FORBIDDEN,
                    format!("the {} access role may not do this", v.user.access_role),
                )
                .into_response()
            } else {
                plain_page(
                    StatusCode::FORBIDDEN,
                    "Not for your role",
                    &format!(
                        "Your access role ({}) does not open this page. If you need it, ask an administrator.",
                        v.user.access_role
                    ),
                )
            }
        }
    }
}
