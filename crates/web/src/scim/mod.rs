//! SCIM 2.0 at `/scim/v2/` (RFC 7644): the HTTP side of
//! `mandate_app::identity::scim`. A request carries an organisation's SCIM
//! token as `Authorization: Bearer`; sessions and API tokens do not open it.
//! Every answer, errors included, is `application/scim+json`.

/// The handlers of a resource's endpoints (`/Users`, `/Groups`): each reads
/// the request, calls its service and answers its document or error.
macro_rules! resource_handlers {
    (list: $list:path, get: $get:path, create: $create:path, replace: $replace:path,
     patch: $patch:path, delete: $delete:path) => {
        use super::transport::{ScimFailure, answer};
        use super::{Scim, ScimBody};
        use crate::state::AppState;
        use axum::extract::{Path, Query, State};
        use axum::http::StatusCode;
        use axum::response::{IntoResponse, Response};
        use mandate_app::identity::scim::ListQuery;

        pub async fn list(
            State(state): State<AppState>,
            Scim(caller): Scim,
            Query(query): Query<ListQuery>,
        ) -> Response {
            answer(StatusCode::OK, $list(&state.store, &caller, &query).await)
        }

        pub async fn get(
            State(state): State<AppState>,
            Scim(caller): Scim,
            Path(id): Path<String>,
            Query(query): Query<ListQuery>,
        ) -> Response {
            answer(
                StatusCode::OK,
                $get(&state.store, &caller, &id, &query).await,
            )
        }

        pub async fn create(
            State(state): State<AppState>,
            Scim(caller): Scim,
            ScimBody(body): ScimBody,
        ) -> Response {
            answer(
                StatusCode::CREATED,
                $create(&state.store, &caller, &body).await,
            )
        }

        pub async fn replace(
            State(state): State<AppState>,
            Scim(caller): Scim,
            Path(id): Path<String>,
            ScimBody(body): ScimBody,
        ) -> Response {
            answer(
                StatusCode::OK,
                $replace(&state.store, &caller, &id, &body).await,
            )
        }

        pub async fn patch(
            State(state): State<AppState>,
            Scim(caller): Scim,
            Path(id): Path<String>,
            ScimBody(body): ScimBody,
        ) -> Response {
            answer(
                StatusCode::OK,
                $patch(&state.store, &caller, &id, &body).await,
            )
        }

        pub async fn delete(
            State(state): State<AppState>,
            Scim(caller): Scim,
            Path(id): Path<String>,
        ) -> Response {
            match $delete(&state.store, &caller, &id).await {
                Ok(()) => StatusCode::NO_CONTENT.into_response(),
                Err(e) => ScimFailure(e).into_response(),
            }
        }
    };
}

mod discovery;
mod groups;
mod transport;
mod users;

pub use transport::{Scim, ScimBody, is_scim, refusal};

use crate::routes::{Access, RouteSpec, page};
use axum::http::Method;

/// A group's PUT lists every member: a large department's is bigger than a form.
const GROUP_LIMIT: usize = 16 << 20;

pub fn table() -> Vec<RouteSpec> {
    let scim = Access::ScimToken;
    let mut routes = vec![
        page(
            Method::GET,
            "/scim/v2/ServiceProviderConfig",
            scim,
            discovery::service_provider_config,
        ),
        page(
            Method::GET,
            "/scim/v2/ResourceTypes",
            scim,
            discovery::resource_types,
        ),
        page(
            Method::GET,
            "/scim/v2/ResourceTypes/{id}",
            scim,
            discovery::resource_type,
        ),
        page(Method::GET, "/scim/v2/Schemas", scim, discovery::schemas),
        page(
            Method::GET,
            "/scim/v2/Schemas/{id}",
            scim,
            discovery::schema,
        ),
        page(Method::GET, "/scim/v2/Users", scim, users::list),
        page(Method::POST, "/scim/v2/Users", scim, users::create),
        page(Method::GET, "/scim/v2/Users/{id}", scim, users::get),
        // `POST /Users/.search` is SCIM's search, which is not offered.
        page(
            Method::POST,
            "/scim/v2/Users/{id}",
            scim,
            discovery::search_or_not_allowed,
        ),
        page(
            Method::POST,
            "/scim/v2/Groups/{id}",
            scim,
            discovery::search_or_not_allowed,
        ),
        page(Method::PUT, "/scim/v2/Users/{id}", scim, users::replace),
        page(Method::PATCH, "/scim/v2/Users/{id}", scim, users::patch),
        page(Method::DELETE, "/scim/v2/Users/{id}", scim, users::delete),
        page(Method::GET, "/scim/v2/Groups", scim, groups::list),
        page(Method::POST, "/scim/v2/Groups", scim, groups::create).with_body_limit(GROUP_LIMIT),
        page(Method::GET, "/scim/v2/Groups/{id}", scim, groups::get),
        page(Method::PUT, "/scim/v2/Groups/{id}", scim, groups::replace)
            .with_body_limit(GROUP_LIMIT),
        page(Method::PATCH, "/scim/v2/Groups/{id}", scim, groups::patch)
            .with_body_limit(GROUP_LIMIT),
        page(Method::DELETE, "/scim/v2/Groups/{id}", scim, groups::delete),
    ];
    // Anything else under /scim/v2 is a SCIM 404 (or 501 for what SCIM
    // defines and Mandate does not offer), never an HTML page.
    for method in [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
    ] {
        routes.push(page(method, "/scim/v2/{*rest}", scim, discovery::elsewhere));
    }
    routes
}
