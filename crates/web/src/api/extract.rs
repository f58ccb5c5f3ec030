//! Extractors whose rejections are problem documents, not plain text.

use crate::problem::Problem;
use axum::extract::FromRequest;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;

/// A JSON body; malformed JSON, unknown fields, a wrong content type or a body
/// over the size limit are 4xx problems naming what is wrong.
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(Problem))]
pub struct ApiJson<T>(pub T);

#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(Problem))]
pub struct ApiQuery<T>(pub T);

#[derive(axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(Problem))]
pub struct ApiPath<T>(pub T);

impl From<JsonRejection> for Problem {
    fn from(r: JsonRejection) -> Self {
        Problem::new(r.status(), r.body_text())
    }
}

impl From<QueryRejection> for Problem {
    fn from(r: QueryRejection) -> Self {
        Problem::new(StatusCode::BAD_REQUEST, r.body_text())
    }
}

impl From<PathRejection> for Problem {
    fn from(r: PathRejection) -> Self {
        Problem::new(StatusCode::BAD_REQUEST, r.body_text())
    }
}
