//! The routes that let people in (issue 16): single sign-on, SCIM tokens,
//! invitations, "forgot your password?" and the pages mailed links open, with their access rules;
//! [`crate::routes::table`] adds them to the one route table.

use crate::routes::{Access, RouteSpec, api, page};
use crate::{api, pages};
use axum::http::Method;
use mandate_core::Permission;
use utoipa_axum::routes;

pub fn table() -> Vec<RouteSpec> {
    use Access::*;
    use Permission::*;
    vec![
        api(Needs(ManageUsers), routes!(api::scim_tokens::list)),
        api(Needs(ManageUsers), routes!(api::scim_tokens::create)),
        api(Needs(ManageUsers), routes!(api::scim_tokens::revoke)),
        page(
            Method::GET,
            "/users/scim",
            Needs(ManageUsers),
            pages::scim_tokens::show,
        ),
        page(
            Method::POST,
            "/users/scim",
            Needs(ManageUsers),
            pages::scim_tokens::create,
        ),
        page(
            Method::POST,
            "/users/scim/{id}/revoke",
            Needs(ManageUsers),
            pages::scim_tokens::revoke,
        ),
        api(Needs(ManageUsers), routes!(api::sso::show)),
        api(Needs(ManageUsers), routes!(api::sso::update)),
        api(Needs(ManageUsers), routes!(api::sso::test)),
        page(
            Method::GET,
            "/users/sso",
            Needs(ManageUsers),
            pages::sso_settings::show,
        ),
        page(
            Method::POST,
            "/users/sso",
            Needs(ManageUsers),
            pages::sso_settings::save,
        ),
        page(
            Method::POST,
            "/users/sso/test",
            Needs(ManageUsers),
            pages::sso_settings::test,
        ),
        // Sign-in through the organisation's provider: before a session.
        page(
            Method::GET,
            "/sign-in/sso",
            Public,
            pages::sso_sign_in::start,
        ),
        page(
            Method::GET,
            "/sign-in/sso/callback",
            Public,
            pages::sso_sign_in::callback,
        ),
        api(Needs(InvitePeople), routes!(api::invitations::summary)),
        api(Needs(InvitePeople), routes!(api::invitations::create)),
        page(
            Method::GET,
            "/people/invitations",
            Needs(InvitePeople),
            pages::invitations::show,
        ),
        page(
            Method::POST,
            "/people/invitations",
            Needs(InvitePeople),
            pages::invitations::submit,
        ),
        // Reached without a session: the email, or the link's secret, is
        // all there is.
        page(
            Method::GET,
            "/password/forgot",
            Public,
            pages::password_links::forgot_form,
        ),
        page(
            Method::POST,
            "/password/forgot",
            Public,
            pages::password_links::forgot_submit,
        ),
        page(
            Method::GET,
            "/password/link/{token}",
            Public,
            pages::password_links::link_form,
        ),
        page(
            Method::POST,
            "/password/link",
            Public,
            pages::password_links::link_submit,
        ),
    ]
}
