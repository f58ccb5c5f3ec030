//! The routes of assurance: the conformance check, the auditor view with
//! its audit period, and the evidence pack; [`crate::routes::table`] adds
//! them to the one route table.

use crate::routes::{Access, RouteSpec, api, page};
use crate::{api, pages};
use axum::http::Method;
use mandate_core::Permission;
use utoipa_axum::routes;

pub fn table() -> Vec<RouteSpec> {
    use Access::*;
    use Permission::*;
    vec![
        page(
            Method::GET,
            "/conformance",
            Needs(ReadConformance),
            pages::conformance::show,
        ),
        page(
            Method::GET,
            "/evidence-pack",
            Needs(ReadConformance),
            pages::evidence::download,
        ),
        page(
            Method::GET,
            "/auditor",
            Needs(ReadConformance),
            pages::auditor::show,
        ),
        page(
            Method::POST,
            "/auditor/period",
            Needs(ReadConformance),
            pages::auditor::choose,
        ),
        api(Needs(ReadConformance), routes!(api::conformance::show)),
    ]
}
