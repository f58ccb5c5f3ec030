//! The JSON API under `/api/v1/`. Resources are plural nouns, workflow steps
//! are POSTs to a verb, lists take `limit` and an opaque `cursor`, writes
//! answer with the record as stored, a stale write answers 409, and every
//! error is an RFC 9457 problem document. The OpenAPI document is generated
//! from the handlers' annotations; a test checks it lists every API route.

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
pub mod statements;
pub mod tasks;
pub mod training;
pub mod users;

use axum::Json;
use axum::response::IntoResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "Mandate API", description = "Clause 5 records of an ISO/IEC 27001 ISMS."),
    paths(
        me::show,
        me::tokens,
        me::create_token,
        me::revoke_token,
        organisation::show,
        organisation::update,
        people::list,
        people::create,
        people::show,
        people::update,
        people::end_employment,
        users::list,
        users::create,
        users::update,
        audit::list,
        policies::list,
        policies::create,
        policies::show,
        policies::update,
        policies::diff_versions,
        policies::reviews,
        policies::review,
        policies::distributions,
        policies::distribute,
        policy_versions::list,
        policy_versions::create,
        policy_versions::show,
        policy_versions::update,
        policy_versions::submit,
        policy_versions::withdraw,
        policy_versions::publish,
        policy_versions::retire,
        policy_versions::decisions,
        policy_versions::decide,
        exceptions::list,
        exceptions::of_policy,
        exceptions::create,
        exceptions::show,
        exceptions::decide,
        exceptions::extend,
        exceptions::close,
        roles::list,
        roles::show,
        roles::create,
        roles::update,
        roles::gaps,
        raci::show,
        delegations::list,
        delegations::create,
        raci::set_cells,
        raci::add_activity,
        assignments::list,
        assignments::create,
        assignments::acknowledge,
        assignments::decline,
        assignments::end,
        objectives::list,
        objectives::show,
        objectives::create,
        objectives::update,
        objectives::kpis,
        objectives::create_kpi,
        objectives::update_kpi,
        measurements::of_kpi,
        measurements::record,
        measurements::upload_csv,
        actions::list,
        actions::create,
        actions::update,
        reviews::programme,
        reviews::set_programme,
        reviews::list,
        reviews::show,
        reviews::create,
        reviews::update,
        reviews::prepare,
        reviews::hold,
        reviews::approve,
        performance_reports::list,
        performance_reports::create,
        performance_reports::present,
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

/// The commitment records' part of the document.
#[derive(OpenApi)]
#[openapi(paths(
    resources::list,
    resources::create,
    resources::update,
    resources::approve,
    resources::capacity,
    statements::list,
    statements::create,
    statements::update,
    statements::sign,
    statements::publish,
    communications::list,
    communications::create,
    communications::update,
    communications::plan,
    communications::create_item,
    communications::update_item,
    training::courses,
    training::create_course,
    training::update_course,
    training::records,
    training::record,
    training::upload_csv,
    training::coverage,
    improvements::list,
    improvements::create,
    improvements::update,
    improvements::check,
    improvements::close,
    feedback::create,
    feedback::list,
    feedback::handle,
    feedback::mine,
    attestations::status,
    attestations::create,
    org_settings::show,
    org_settings::update,
))]
struct CommitmentDoc;

/// Acknowledgements, tasks and mail.
#[derive(OpenApi)]
#[openapi(paths(
    acknowledgements::mine,
    acknowledgements::accept,
    acknowledgements::decline,
    tasks::mine,
    campaigns::list,
    campaigns::overall,
    campaigns::show,
    campaigns::people,
    campaigns::people_csv_file,
    outbox::list,
    outbox::requeue,
    outbox::template,
    outbox::update_template,
))]
struct CampaignDoc;

/// The conformance check.
#[derive(OpenApi)]
#[openapi(paths(conformance::show))]
struct AssuranceDoc;

/// The whole OpenAPI document.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.merge(CommitmentDoc::openapi());
    doc.merge(CampaignDoc::openapi());
    doc.merge(AssuranceDoc::openapi());
    doc
}

pub async fn openapi_json() -> impl IntoResponse {
    Json(document())
}
