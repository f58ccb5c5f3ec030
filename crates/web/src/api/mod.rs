//! The JSON API under `/api/v1/`. Resources are plural nouns, workflow steps
//! are POSTs to a verb, lists take `limit` and an opaque `cursor`, writes
//! answer with the record as stored, a stale write answers 409, and every
//! error is an RFC 9457 problem document. The OpenAPI document is generated
//! from the route table, whose API routes each come from a handler's
//! `#[utoipa::path]`; a committed snapshot pins the document.

pub mod acknowledgements;
pub mod actions;
pub mod assignments;
pub mod attestations;
pub mod audit;
pub mod campaigns;
pub mod communications;
pub mod conformance;
pub mod delegations;
pub mod dto;
pub mod exceptions;
pub mod extract;
pub mod feedback;
pub mod improvements;
pub mod invitations;
pub mod listing;
pub mod me;
pub mod measurements;
pub mod objectives;
pub mod org_settings;
pub mod organisation;
pub mod outbox;
pub mod people;
pub mod performance_dto;
pub mod performance_reports;
pub mod policies;
pub mod policy_dto;
pub mod policy_versions;
pub mod raci;
pub mod resources;
pub mod reviews;
pub mod roles;
pub mod scim_tokens;
pub mod sso;
pub mod statements;
pub mod tasks;
pub mod training;
pub mod users;

use axum::Json;
use axum::response::IntoResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The document's frame: its title, the problem schema and bearer tokens.
/// The paths come from the route table, where each API route is declared
/// once, with its handler's `#[utoipa::path]`.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Mandate API",
        description = "Clause 5 records of an ISO/IEC 27001 ISMS. Every list answers `{items, next_cursor}` and takes `limit` (1 to 500, 50 by default) and `cursor` (the previous page's `next_cursor`). Until December 2026 some lists answered a bare array."
    ),
    components(schemas(crate::problem::Problem)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

/// The whole OpenAPI document: the frame and every API route of the table.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    let components = doc.components.get_or_insert_with(Default::default);
    for spec in crate::routes::table() {
        if let Some((paths, schemas)) = spec.openapi {
            doc.paths.merge(paths);
            components.schemas.extend(schemas);
        }
    }
    describe_responses(&mut doc);
    doc
}

/// OpenAPI requires every response to have a description; where a handler's
/// annotation gives none, the status's reason phrase ("Unprocessable
/// Entity") says what it is.
fn describe_responses(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::RefOr;
    for item in doc.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
        ];
        for operation in operations.into_iter().flatten() {
            for (status, response) in operation.responses.responses.iter_mut() {
                if let RefOr::T(response) = response
                    && response.description.is_empty()
                {
                    response.description = status
                        .parse::<u16>()
                        .ok()
                        .and_then(|code| axum::http::StatusCode::from_u16(code).ok())
                        .and_then(|code| code.canonical_reason())
                        .unwrap_or("The answer")
                        .to_string();
                }
            }
        }
    }
}

/// Served as built once: the document is the same for the life of the process.
pub async fn openapi_json() -> impl IntoResponse {
    static DOCUMENT: std::sync::OnceLock<utoipa::openapi::OpenApi> = std::sync::OnceLock::new();
    Json(DOCUMENT.get_or_init(document))
}
