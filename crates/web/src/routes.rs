//! Every route of the server, with the access rule the server enforces for
//! it, in one table. The router is built from this table, and a test walks
//! the same table against every access role, so no route escapes the check.

use crate::auth::{SessionExpired, Viewer};
use crate::pages::plain_page;
use crate::problem::Problem;
use crate::state::AppState;
use crate::{api, ops, pages};
use axum::Router;
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::middleware::{Next, from_fn};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get, post, put};
use mandate_core::Permission;

/// Who may use a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user.
    SignedIn,
    /// A signed-in user whose access role grants this.
    Needs(Permission),
}

pub struct RouteSpec {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    pub handler: MethodRouter<AppState>,
}

fn route(
    method: Method,
    path: &'static str,
    access: Access,
    handler: MethodRouter<AppState>,
) -> RouteSpec {
    RouteSpec {
        method,
        path,
        access,
        handler,
    }
}

/// The whole route table.
pub fn table() -> Vec<RouteSpec> {
    use Access::*;
    use Permission::*;
    vec![
        // Operations.
        route(Method::GET, "/healthz", Public, get(ops::healthz)),
        route(Method::GET, "/readyz", Public, get(ops::readyz)),
        route(Method::GET, "/metrics", Public, get(ops::metrics)),
        route(
            Method::GET,
            "/static/style.css",
            Public,
            get(pages::assets::style),
        ),
        // Pages.
        route(Method::GET, "/sign-in", Public, get(pages::signin::form)),
        route(
            Method::POST,
            "/sign-in",
            Public,
            post(pages::signin::submit),
        ),
        route(
            Method::POST,
            "/sign-out",
            SignedIn,
            post(pages::signin::sign_out),
        ),
        route(Method::GET, "/", SignedIn, get(pages::dashboard::show)),
        route(
            Method::GET,
            "/people",
            Needs(ReadPeople),
            get(pages::people::list),
        ),
        route(
            Method::POST,
            "/people",
            Needs(EditPeople),
            post(pages::people::create),
        ),
        route(
            Method::GET,
            "/people/new",
            Needs(EditPeople),
            get(pages::people::new_form),
        ),
        route(
            Method::GET,
            "/people/{id}",
            Needs(ReadPeople),
            get(pages::people::show),
        ),
        route(
            Method::POST,
            "/people/{id}",
            Needs(EditPeople),
            post(pages::people::update),
        ),
        route(
            Method::GET,
            "/people/{id}/edit",
            Needs(EditPeople),
            get(pages::people::edit_form),
        ),
        route(
            Method::POST,
            "/people/{id}/end-employment",
            Needs(EditPeople),
            post(pages::people::end_employment),
        ),
        route(
            Method::GET,
            "/settings",
            Needs(ReadOrganisation),
            get(pages::settings::show),
        ),
        route(
            Method::POST,
            "/settings",
            Needs(EditOrganisation),
            post(pages::settings::update),
        ),
        route(Method::GET, "/me", SignedIn, get(pages::me::show)),
        route(
            Method::POST,
            "/me/password",
            SignedIn,
            post(pages::me::change_password),
        ),
        route(
            Method::POST,
            "/me/tokens",
            SignedIn,
            post(pages::me::create_token),
        ),
        route(
            Method::POST,
            "/me/tokens/{id}/revoke",
            SignedIn,
            post(pages::me::revoke_token),
        ),
        route(
            Method::GET,
            "/audit",
            Needs(ReadAuditLog),
            get(pages::audit::list),
        ),
        route(
            Method::GET,
            "/areas/{area}",
            SignedIn,
            get(pages::areas::show),
        ),
        route(
            Method::GET,
            "/users",
            Needs(ReadUsers),
            get(pages::users::list),
        ),
        route(
            Method::POST,
            "/users",
            Needs(ManageUsers),
            post(pages::users::create),
        ),
        route(
            Method::POST,
            "/users/{id}",
            Needs(ManageUsers),
            post(pages::users::update),
        ),
        route(
            Method::GET,
            "/policies",
            Needs(ReadPolicies),
            get(pages::policies::list),
        ),
        route(
            Method::POST,
            "/policies",
            Needs(EditPolicies),
            post(pages::policies::create),
        ),
        route(
            Method::GET,
            "/policies/new",
            Needs(EditPolicies),
            get(pages::policies::new_form),
        ),
        route(
            Method::GET,
            "/policies/{id}",
            Needs(ReadPolicies),
            get(pages::policies::show),
        ),
        route(
            Method::POST,
            "/policies/{id}",
            Needs(EditPolicies),
            post(pages::policies::update),
        ),
        route(
            Method::GET,
            "/policies/{id}/edit",
            Needs(EditPolicies),
            get(pages::policies::edit_form),
        ),
        route(
            Method::POST,
            "/policies/{id}/reviews",
            Needs(EditPolicies),
            post(pages::policies::review),
        ),
        route(
            Method::POST,
            "/policies/{id}/distributions",
            Needs(EditPolicies),
            post(pages::policies::distribute),
        ),
        route(
            Method::GET,
            "/policies/{id}/diff",
            Needs(ReadPolicyWork),
            get(pages::policy_versions::diff),
        ),
        route(
            Method::POST,
            "/policies/{id}/versions",
            Needs(EditPolicies),
            post(pages::policy_versions::new_draft),
        ),
        route(
            Method::GET,
            "/policies/{id}/versions/{number}",
            Needs(ReadPolicies),
            get(pages::policy_versions::show),
        ),
        route(
            Method::POST,
            "/policies/{id}/versions/{number}",
            Needs(EditPolicies),
            post(pages::policy_versions::save),
        ),
        route(
            Method::GET,
            "/policies/{id}/versions/{number}/edit",
            Needs(EditPolicies),
            get(pages::policy_versions::edit_form),
        ),
        route(
            Method::POST,
            "/policies/{id}/versions/{number}/step",
            Needs(EditPolicies),
            post(pages::policy_versions::step),
        ),
        route(
            Method::POST,
            "/policies/{id}/versions/{number}/decide",
            Needs(Approve),
            post(pages::policy_versions::decide),
        ),
        route(
            Method::GET,
            "/policies/{id}/exceptions/new",
            Needs(RequestExceptions),
            get(pages::exceptions::new_form),
        ),
        route(
            Method::POST,
            "/policies/{id}/exceptions",
            Needs(RequestExceptions),
            post(pages::exceptions::create),
        ),
        route(
            Method::GET,
            "/exceptions",
            Needs(ReadPolicyWork),
            get(pages::exceptions::list),
        ),
        route(
            Method::GET,
            "/exceptions/{id}",
            Needs(ReadPolicyWork),
            get(pages::exceptions::show),
        ),
        route(
            Method::POST,
            "/exceptions/{id}/decide",
            Needs(Approve),
            post(pages::exceptions::decide),
        ),
        route(
            Method::POST,
            "/exceptions/{id}/change",
            Needs(RequestExceptions),
            post(pages::exceptions::change),
        ),
        route(
            Method::GET,
            "/public/{org}/policies/{id}",
            Public,
            get(pages::public::show),
        ),
        // The JSON API.
        route(
            Method::GET,
            "/api/v1/openapi.json",
            Public,
            get(api::openapi_json),
        ),
        route(Method::GET, "/api/v1/me", SignedIn, get(api::me::show)),
        route(
            Method::GET,
            "/api/v1/me/tokens",
            SignedIn,
            get(api::me::tokens),
        ),
        route(
            Method::POST,
            "/api/v1/me/tokens",
            SignedIn,
            post(api::me::create_token),
        ),
        route(
            Method::POST,
            "/api/v1/me/tokens/{id}/revoke",
            SignedIn,
            post(api::me::revoke_token),
        ),
        route(
            Method::GET,
            "/api/v1/organisation",
            Needs(ReadOrganisation),
            get(api::organisation::show),
        ),
        route(
            Method::PUT,
            "/api/v1/organisation",
            Needs(EditOrganisation),
            put(api::organisation::update),
        ),
        route(
            Method::GET,
            "/api/v1/people",
            Needs(ReadPeople),
            get(api::people::list),
        ),
        route(
            Method::POST,
            "/api/v1/people",
            Needs(EditPeople),
            post(api::people::create),
        ),
        route(
            Method::GET,
            "/api/v1/people/{id}",
            Needs(ReadPeople),
            get(api::people::show),
        ),
        route(
            Method::PUT,
            "/api/v1/people/{id}",
            Needs(EditPeople),
            put(api::people::update),
        ),
        route(
            Method::POST,
            "/api/v1/people/{id}/end-employment",
            Needs(EditPeople),
            post(api::people::end_employment),
        ),
        route(
            Method::GET,
            "/api/v1/users",
            Needs(ReadUsers),
            get(api::users::list),
        ),
        route(
            Method::POST,
            "/api/v1/users",
            Needs(ManageUsers),
            post(api::users::create),
        ),
        route(
            Method::PUT,
            "/api/v1/users/{id}",
            Needs(ManageUsers),
            put(api::users::update),
        ),
        route(
            Method::GET,
            "/api/v1/audit-events",
            Needs(ReadAuditLog),
            get(api::audit::list),
        ),
        route(
            Method::GET,
            "/api/v1/policies",
            Needs(ReadPolicies),
            get(api::policies::list),
        ),
        route(
            Method::POST,
            "/api/v1/policies",
            Needs(EditPolicies),
            post(api::policies::create),
        ),
        route(
            Method::GET,
            "/api/v1/policies/{id}",
            Needs(ReadPolicies),
            get(api::policies::show),
        ),
        route(
            Method::PUT,
            "/api/v1/policies/{id}",
            Needs(EditPolicies),
            put(api::policies::update),
        ),
        route(
            Method::GET,
            "/api/v1/policies/{id}/diff",
            Needs(ReadPolicyWork),
            get(api::policies::diff_versions),
        ),
        route(
            Method::GET,
            "/api/v1/policies/{id}/reviews",
            Needs(ReadPolicyWork),
            get(api::policies::reviews),
        ),
        route(
            Method::POST,
            "/api/v1/policies/{id}/reviews",
            Needs(EditPolicies),
            post(api::policies::review),
        ),
        route(
            Method::GET,
            "/api/v1/policies/{id}/distributions",
            Needs(ReadPolicyWork),
            get(api::policies::distributions),
        ),
        route(
            Method::POST,
            "/api/v1/policies/{id}/distributions",
            Needs(EditPolicies),
            post(api::policies::distribute),
        ),
        route(
            Method::GET,
            "/api/v1/policies/{id}/versions",
            Needs(ReadPolicies),
            get(api::policy_versions::list),
        ),
        route(
            Method::POST,
            "/api/v1/policies/{id}/versions",
            Needs(EditPolicies),
            post(api::policy_versions::create),
        ),
        route(
            Method::GET,
            "/api/v1/policies/{id}/versions/{number}",
            Needs(ReadPolicies),
            get(api::policy_versions::show),
        ),
        route(
            Method::PUT,
            "/api/v1/policies/{id}/versions/{number}",
            Needs(EditPolicies),
            put(api::policy_versions::update),
        ),
        route(
            Method::POST,
            "/api/v1/policies/{id}/versions/{number}/submit",
            Needs(EditPolicies),
            post(api::policy_versions::submit),
        ),
        route(
            Method::POST,
            "/api/v1/policies/{id}/versions/{number}/withdraw",
            Needs(EditPolicies),
            post(api::policy_versions::withdraw),
        ),
        route(
            Method::POST,
            "/api/v1/policies/{id}/versions/{number}/publish",
            Needs(EditPolicies),
            post(api::policy_versions::publish),
        ),
        route(
            Method::POST,
            "/api/v1/policies/{id}/versions/{number}/retire",
            Needs(EditPolicies),
            post(api::policy_versions::retire),
        ),
        route(
            Method::GET,
            "/api/v1/policies/{id}/versions/{number}/decisions",
            Needs(ReadPolicyWork),
            get(api::policy_versions::decisions),
        ),
        route(
            Method::POST,
            "/api/v1/policies/{id}/versions/{number}/decisions",
            Needs(Approve),
            post(api::policy_versions::decide),
        ),
        route(
            Method::GET,
            "/api/v1/policies/{id}/exceptions",
            Needs(ReadPolicyWork),
            get(api::exceptions::of_policy),
        ),
        route(
            Method::POST,
            "/api/v1/policies/{id}/exceptions",
            Needs(RequestExceptions),
            post(api::exceptions::create),
        ),
        route(
            Method::GET,
            "/api/v1/exceptions",
            Needs(ReadPolicyWork),
            get(api::exceptions::list),
        ),
        route(
            Method::GET,
            "/api/v1/exceptions/{id}",
            Needs(ReadPolicyWork),
            get(api::exceptions::show),
        ),
        route(
            Method::POST,
            "/api/v1/exceptions/{id}/decisions",
            Needs(Approve),
            post(api::exceptions::decide),
        ),
        route(
            Method::POST,
            "/api/v1/exceptions/{id}/extension",
            Needs(RequestExceptions),
            post(api::exceptions::extend),
        ),
        route(
            Method::POST,
            "/api/v1/exceptions/{id}/close",
            Needs(RequestExceptions),
            post(api::exceptions::close),
        ),
        route(
            Method::GET,
            "/api/v1/roles",
            Needs(ReadRoles),
            get(api::roles::list),
        ),
        route(
            Method::POST,
            "/api/v1/roles",
            Needs(EditRoles),
            post(api::roles::create),
        ),
        route(
            Method::GET,
            "/api/v1/roles/{id}",
            Needs(ReadRoles),
            get(api::roles::show),
        ),
        route(
            Method::PUT,
            "/api/v1/roles/{id}",
            Needs(EditRoles),
            put(api::roles::update),
        ),
        route(
            Method::GET,
            "/roles",
            Needs(ReadRoles),
            get(pages::roles::list),
        ),
        route(
            Method::POST,
            "/roles",
            Needs(EditRoles),
            post(pages::roles::create),
        ),
        route(
            Method::GET,
            "/roles/new",
            Needs(EditRoles),
            get(pages::roles::new_form),
        ),
        route(
            Method::GET,
            "/roles/{id}",
            Needs(ReadRoles),
            get(pages::roles::show),
        ),
        route(
            Method::POST,
            "/roles/{id}",
            Needs(EditRoles),
            post(pages::roles::update),
        ),
        route(
            Method::GET,
            "/roles/{id}/edit",
            Needs(EditRoles),
            get(pages::roles::edit_form),
        ),
        route(
            Method::GET,
            "/api/v1/assignments",
            Needs(ReadRoles),
            get(api::assignments::list),
        ),
        route(
            Method::POST,
            "/api/v1/assignments",
            Needs(EditRoles),
            post(api::assignments::create),
        ),
        route(
            Method::POST,
            "/api/v1/assignments/{id}/acknowledge",
            SignedIn,
            post(api::assignments::acknowledge),
        ),
        route(
            Method::POST,
            "/api/v1/assignments/{id}/end",
            Needs(EditRoles),
            post(api::assignments::end),
        ),
        route(
            Method::POST,
            "/roles/{id}/assignments",
            Needs(EditRoles),
            post(pages::roles::assign),
        ),
        route(
            Method::POST,
            "/assignments/{id}/acknowledge",
            SignedIn,
            post(pages::roles::acknowledge),
        ),
        route(
            Method::POST,
            "/assignments/{id}/end",
            Needs(EditRoles),
            post(pages::roles::end_assignment),
        ),
        route(
            Method::GET,
            "/api/v1/role-gaps",
            Needs(ReviewRoles),
            get(api::roles::gaps),
        ),
        route(
            Method::GET,
            "/role-gaps",
            Needs(ReviewRoles),
            get(pages::roles::gaps),
        ),
        route(
            Method::GET,
            "/api/v1/raci",
            Needs(ReadRoles),
            get(api::raci::show),
        ),
        route(
            Method::PUT,
            "/api/v1/raci/cells",
            Needs(EditRoles),
            put(api::raci::set_cells),
        ),
        route(
            Method::POST,
            "/api/v1/raci/activities",
            Needs(EditRoles),
            post(api::raci::add_activity),
        ),
        route(
            Method::GET,
            "/raci",
            Needs(ReadRoles),
            get(pages::raci::show),
        ),
        route(
            Method::POST,
            "/raci",
            Needs(EditRoles),
            post(pages::raci::save),
        ),
        route(
            Method::POST,
            "/raci/activities",
            Needs(EditRoles),
            post(pages::raci::add_activity),
        ),
        route(
            Method::GET,
            "/api/v1/delegations",
            Needs(ReadRoles),
            get(api::delegations::list),
        ),
        route(
            Method::POST,
            "/api/v1/delegations",
            Needs(EditRoles),
            post(api::delegations::create),
        ),
        route(
            Method::POST,
            "/roles/{id}/delegations",
            Needs(EditRoles),
            post(pages::roles::delegate),
        ),
    ]
}

/// The router: every route of the table behind its access rule.
pub fn router() -> Router<AppState> {
    table().into_iter().fold(Router::new(), |router, spec| {
        let access = spec.access;
        router.route(
            spec.path,
            spec.handler
                .route_layer(from_fn(move |req, next| require(access, req, next))),
        )
    })
}

/// Enforces `access` for one request; denials are logged.
async fn require(access: Access, request: Request, next: Next) -> Response {
    let viewer = request.extensions().get::<Viewer>();
    let allowed = match (access, viewer) {
        (Access::Public, _) => return next.run(request).await,
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
