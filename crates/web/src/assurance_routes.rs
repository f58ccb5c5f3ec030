//! The routes of assurance: the conformance check, the auditor view with
//! its audit period, and the evidence pack; [`crate::routes::table`] adds
//! them to the one route table.

use crate::routes::{Access, RouteSpec, route};
use crate::{api, pages};
use axum::http::Method;
use axum::routing::{get, post};
use mandate_core::Permission;

pub fn table() -> Vec<RouteSpec> {
    use Access::*;
    use Permission::*;
    vec![
        route(
            Method::GET,
            "/conformance",
            Needs(ReadConformance),
            get(pages::conformance::show),
        ),
        route(
            Method::GET,
            "/evidence-pack",
            Needs(ReadConformance),
            get(pages::evidence::download),
        ),
        route(
            Method::GET,
            "/auditor",
            Needs(ReadConformance),
            get(pages::auditor::show),
        ),
        route(
            Method::POST,
            "/auditor/period",
            Needs(ReadConformance),
            post(pages::auditor::choose),
        ),
        route(
            Method::GET,
            "/api/v1/conformance",
            Needs(ReadConformance),
            get(api::conformance::show),
        ),
    ]
}
