//! Errors of the JSON API as RFC 9457 problem documents, and the mapping from
//! store errors: what the client may see is said; internal detail is logged.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use mandate_store::StoreError;
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// For an uploaded file: every problem, by line, so it is fixed in one pass.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<LineError>,
}

/// One problem of an uploaded file.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LineError {
    pub line: usize,
    pub message: String,
}

impl Problem {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        let title = status.canonical_reason().unwrap_or("Error").to_string();
        let slug = title.to_lowercase().replace(' ', "-");
        Self {
            kind: format!("https://mandate.example/problems/{slug}"),
            title,
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
        }
    }

    /// A 422 for a file with problems on the given lines.
    pub fn in_file(errors: Vec<LineError>) -> Self {
        let mut problem = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "the file has {} problem(s); nothing was imported",
                errors.len()
            ),
        );
        problem.errors = errors;
        problem
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut response = (status, Json(self)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        response
    }
}

impl From<StoreError> for Problem {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { entity, .. } => {
                Problem::new(StatusCode::NOT_FOUND, format!("no such {entity}"))
            }
            StoreError::Conflict(m) => Problem::new(StatusCode::CONFLICT, m),
            StoreError::Invalid(m) => Problem::new(StatusCode::UNPROCESSABLE_ENTITY, m),
            StoreError::Refused(m) => Problem::new(StatusCode::FORBIDDEN, m),
            StoreError::Unavailable(m) => Problem::new(StatusCode::SERVICE_UNAVAILABLE, m),
            other => {
                tracing::error!(error = %other, "internal error");
                Problem::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "something went wrong on our side; it has been logged",
                )
            }
        }
    }
}

pub type ApiResult<T> = Result<T, Problem>;
