//! The discovery endpoints, and the answer for any other path under
//! `/scim/v2`.

use super::Scim;
use super::transport::{ScimFailure, ScimJson};
use axum::extract::Path;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use mandate_core::scim::{LIST_RESPONSE, ScimError, discovery};
use serde_json::{Value, json};

fn list(resources: Vec<Value>) -> Response {
    ScimJson(
        StatusCode::OK,
        json!({
            "schemas": [LIST_RESPONSE],
            "totalResults": resources.len(),
            "startIndex": 1,
            "itemsPerPage": resources.len(),
            "Resources": resources,
        }),
    )
    .into_response()
}

fn one(found: Option<Value>, what: &str, id: &str) -> Response {
    match found {
        Some(doc) => ScimJson(StatusCode::OK, doc).into_response(),
        None => {
            ScimFailure(ScimError::status(404, format!("no {what} is named {id}"))).into_response()
        }
    }
}

pub async fn service_provider_config(Scim(caller): Scim) -> Response {
    ScimJson(
        StatusCode::OK,
        discovery::service_provider_config(&caller.base),
    )
    .into_response()
}

pub async fn resource_types(Scim(caller): Scim) -> Response {
    list(discovery::resource_types(&caller.base))
}

pub async fn resource_type(Scim(caller): Scim, Path(id): Path<String>) -> Response {
    one(
        discovery::resource_type(&id, &caller.base),
        "resource type",
        &id,
    )
}

pub async fn schemas(Scim(caller): Scim) -> Response {
    list(discovery::schemas(&caller.base))
}

pub async fn schema(Scim(caller): Scim, Path(id): Path<String>) -> Response {
    one(discovery::schema(&id, &caller.base), "schema", &id)
}

/// Any other path: searching by POST (`.search`) is SCIM's and not offered
/// (501); the rest does not exist (404). The token is checked first, so an
/// unauthenticated caller learns nothing of what exists.
pub async fn elsewhere(_: Scim, uri: Uri) -> Response {
    let error = if uri.path().ends_with("/.search") {
        ScimError::status(
            501,
            "searching with POST /.search is not supported: use GET with a filter",
        )
    } else {
        ScimError::status(404, format!("nothing is at {}", uri.path()))
    };
    ScimFailure(error).into_response()
}

/// `POST /Users/{id}`: `.search` is SCIM's search by POST, not offered
/// (501); anything else takes no POST (405).
pub async fn search_or_not_allowed(_: Scim, uri: Uri) -> Response {
    let error = if uri.path().ends_with("/.search") {
        ScimError::status(
            501,
            "searching with POST .search is not supported: use GET with a filter",
        )
    } else {
        ScimError::status(405, "a resource takes GET, PUT, PATCH and DELETE")
    };
    ScimFailure(error).into_response()
}
