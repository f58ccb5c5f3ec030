//! The routes of the commitment records (5.1 c, d, f, g, h), with their
//! access rules; [`crate::routes::table`] adds them to the one route table.

use crate::routes::{Access, RouteSpec, api, page};
use crate::{api, pages};
use axum::http::Method;
use mandate_core::Permission;
use utoipa_axum::routes;

/// A training CSV for a large organisation is bigger than a form.
const CSV_LIMIT: usize = 16 << 20;

pub fn table() -> Vec<RouteSpec> {
    use Access::*;
    use Permission::*;
    vec![
        // API: resources.
        api(Needs(ReadBudgets), routes!(api::resources::list)),
        api(Needs(EditCommitment), routes!(api::resources::create)),
        api(Needs(EditCommitment), routes!(api::resources::update)),
        api(Needs(Approve), routes!(api::resources::approve)),
        api(Needs(ReadBudgets), routes!(api::resources::capacity)),
        // API: the leadership statement.
        api(SignedIn, routes!(api::statements::list)),
        api(Needs(EditCommitment), routes!(api::statements::create)),
        api(Needs(EditCommitment), routes!(api::statements::update)),
        api(Needs(Approve), routes!(api::statements::sign)),
        api(Needs(EditCommitment), routes!(api::statements::publish)),
        // API: communications.
        api(Needs(ReadCommitment), routes!(api::communications::list)),
        api(Needs(EditCommitment), routes!(api::communications::create)),
        api(Needs(EditCommitment), routes!(api::communications::update)),
        api(Needs(ReadCommitment), routes!(api::communications::plan)),
        api(
            Needs(EditCommitment),
            routes!(api::communications::create_item),
        ),
        api(
            Needs(EditCommitment),
            routes!(api::communications::update_item),
        ),
        // API: training.
        api(Needs(ReadCommitment), routes!(api::training::courses)),
        api(Needs(EditCommitment), routes!(api::training::create_course)),
        api(Needs(EditCommitment), routes!(api::training::update_course)),
        api(Needs(ReadCommitment), routes!(api::training::records)),
        api(Needs(EditCommitment), routes!(api::training::record)),
        api(Needs(EditCommitment), routes!(api::training::upload_csv)).with_body_limit(CSV_LIMIT),
        api(Needs(ReadCommitment), routes!(api::training::coverage)),
        // API: improvements and feedback.
        api(Needs(ReadCommitment), routes!(api::improvements::list)),
        api(Needs(EditCommitment), routes!(api::improvements::create)),
        api(Needs(EditCommitment), routes!(api::improvements::update)),
        api(Needs(EditCommitment), routes!(api::improvements::check)),
        api(Needs(EditCommitment), routes!(api::improvements::close)),
        api(Needs(GiveFeedback), routes!(api::feedback::create)),
        api(Needs(ReadFeedback), routes!(api::feedback::list)),
        api(Needs(EditCommitment), routes!(api::feedback::handle)),
        api(SignedIn, routes!(api::feedback::mine)),
        // API: attestations and settings.
        api(Needs(ReadCommitment), routes!(api::attestations::status)),
        api(Needs(Attest), routes!(api::attestations::create)),
        api(Needs(ReadOrganisation), routes!(api::org_settings::show)),
        api(Needs(EditOrganisation), routes!(api::org_settings::update)),
        // Pages.
        page(
            Method::GET,
            "/resources",
            Needs(ReadBudgets),
            pages::resources::list,
        ),
        page(
            Method::POST,
            "/resources",
            Needs(EditCommitment),
            pages::resources::create,
        ),
        page(
            Method::GET,
            "/resources/{id}/edit",
            Needs(EditCommitment),
            pages::resources::edit_form,
        ),
        page(
            Method::POST,
            "/resources/{id}",
            Needs(EditCommitment),
            pages::resources::update,
        ),
        page(
            Method::POST,
            "/resources/{id}/approve",
            Needs(Approve),
            pages::resources::approve,
        ),
        page(
            Method::GET,
            "/statements",
            SignedIn,
            pages::statements::list,
        ),
        page(
            Method::POST,
            "/statements",
            Needs(EditCommitment),
            pages::statements::create,
        ),
        page(
            Method::GET,
            "/statements/{id}",
            SignedIn,
            pages::statements::show,
        ),
        page(
            Method::POST,
            "/statements/{id}",
            Needs(EditCommitment),
            pages::statements::update,
        ),
        page(
            Method::POST,
            "/statements/{id}/sign",
            Needs(Approve),
            pages::statements::sign,
        ),
        page(
            Method::POST,
            "/statements/{id}/publish",
            Needs(EditCommitment),
            pages::statements::publish,
        ),
        page(
            Method::GET,
            "/communications",
            Needs(ReadCommitment),
            pages::communications::list,
        ),
        page(
            Method::POST,
            "/communications",
            Needs(EditCommitment),
            pages::communications::create,
        ),
        page(
            Method::POST,
            "/communications/plan",
            Needs(EditCommitment),
            pages::communications::create_item,
        ),
        page(
            Method::GET,
            "/training",
            Needs(ReadCommitment),
            pages::training::show,
        ),
        page(
            Method::POST,
            "/training/courses",
            Needs(EditCommitment),
            pages::training::create_course,
        ),
        page(
            Method::POST,
            "/training/records",
            Needs(EditCommitment),
            pages::training::record,
        ),
        page(
            Method::POST,
            "/training/csv",
            Needs(EditCommitment),
            pages::training::upload,
        ),
        page(
            Method::GET,
            "/improvements",
            Needs(ReadCommitment),
            pages::improvements::list,
        ),
        page(
            Method::POST,
            "/improvements",
            Needs(EditCommitment),
            pages::improvements::create,
        ),
        page(
            Method::GET,
            "/improvements/{id}",
            Needs(ReadCommitment),
            pages::improvements::show,
        ),
        page(
            Method::POST,
            "/improvements/{id}",
            Needs(EditCommitment),
            pages::improvements::update,
        ),
        page(
            Method::POST,
            "/improvements/{id}/actions",
            Needs(EditCommitment),
            pages::improvements::add_action,
        ),
        page(
            Method::POST,
            "/improvements/{id}/checks",
            Needs(EditCommitment),
            pages::improvements::check,
        ),
        page(
            Method::POST,
            "/improvements/{id}/close",
            Needs(EditCommitment),
            pages::improvements::close,
        ),
        page(Method::GET, "/feedback", SignedIn, pages::feedback::show),
        page(
            Method::POST,
            "/feedback",
            Needs(GiveFeedback),
            pages::feedback::submit,
        ),
        page(
            Method::POST,
            "/feedback/{id}",
            Needs(EditCommitment),
            pages::feedback::handle,
        ),
        page(
            Method::GET,
            "/public/{org}/feedback",
            Public,
            pages::feedback::confidential_form,
        ),
        page(
            Method::POST,
            "/public/{org}/feedback",
            Public,
            pages::feedback::confidential_submit,
        ),
        page(
            Method::POST,
            "/settings/rules",
            Needs(EditOrganisation),
            pages::settings::update_rules,
        ),
        page(
            Method::GET,
            "/attestations",
            SignedIn,
            pages::attestations::show,
        ),
        page(
            Method::POST,
            "/attestations",
            Needs(Attest),
            pages::attestations::attest,
        ),
    ]
}

/// The routes of acknowledgement campaigns, tasks and mail.
pub fn campaign_table() -> Vec<RouteSpec> {
    use Access::*;
    use Permission::*;
    vec![
        api(SignedIn, routes!(api::acknowledgements::mine)),
        api(Needs(Acknowledge), routes!(api::acknowledgements::accept)),
        api(Needs(Acknowledge), routes!(api::acknowledgements::decline)),
        api(SignedIn, routes!(api::tasks::mine)),
        api(Needs(ReadCampaigns), routes!(api::campaigns::list)),
        api(Needs(ReadCampaigns), routes!(api::campaigns::overall)),
        api(Needs(ReadCampaigns), routes!(api::campaigns::show)),
        api(Needs(ReadCampaigns), routes!(api::campaigns::people)),
        api(
            Needs(ReadCampaigns),
            routes!(api::campaigns::people_csv_file),
        ),
        api(Needs(ReadOutbox), routes!(api::outbox::list)),
        api(Needs(ReadOutbox), routes!(api::outbox::summary)),
        api(Needs(ManageMail), routes!(api::outbox::requeue)),
        api(Needs(ManageMail), routes!(api::outbox::template)),
        api(Needs(ManageMail), routes!(api::outbox::update_template)),
        page(Method::GET, "/tasks", SignedIn, pages::tasks::show),
        page(
            Method::GET,
            "/acknowledge/{version_id}",
            SignedIn,
            pages::tasks::acknowledge_form,
        ),
        page(
            Method::POST,
            "/acknowledge/{version_id}",
            Needs(Acknowledge),
            pages::tasks::acknowledge,
        ),
        page(
            Method::GET,
            "/campaigns",
            Needs(ReadCampaigns),
            pages::campaigns::list,
        ),
        page(
            Method::GET,
            "/campaigns/{version_id}",
            Needs(ReadCampaigns),
            pages::campaigns::show,
        ),
        page(
            Method::GET,
            "/outbox",
            Needs(ReadOutbox),
            pages::outbox::show,
        ),
        page(
            Method::POST,
            "/outbox/{id}/requeue",
            Needs(ManageMail),
            pages::outbox::requeue,
        ),
        page(
            Method::GET,
            "/settings/mail",
            Needs(ManageMail),
            pages::outbox::template_form,
        ),
        page(
            Method::POST,
            "/settings/mail",
            Needs(ManageMail),
            pages::outbox::save,
        ),
    ]
}
