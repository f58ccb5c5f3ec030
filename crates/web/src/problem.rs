//! Errors of the JSON API as RFC 9457 problem documents, and the mapping from
//! store errors: what the client may see is said; internal detail is logged.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use mandate_app::AppError;
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
    /// For an uploaded file: its problems, by line, so they are fixed in
    /// one pass (the first 100; `errors_not_listed` counts the rest).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<LineError>,
    /// Problems of the file beyond those listed in `errors`.
    #[serde(skip_serializing_if = "is_zero")]
    pub errors_not_listed: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
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
            errors_not_listed: 0,
        }
    }

    /// A 422 for a file with problems on the given lines (sorted by line):
    /// the first [`MAX_LISTED_PROBLEMS`] are listed, the rest counted.
    pub fn in_file(mut errors: Vec<LineError>) -> Self {
        use mandate_core::import::{MAX_LISTED_PROBLEMS, shortened};
        let total = errors.len();
        errors.truncate(MAX_LISTED_PROBLEMS);
        for e in &mut errors {
            e.message = shortened(&e.message);
        }
        let detail = if total > errors.len() {
            format!(
                "the file has {total} problems; the first {} are listed; nothing was imported",
                errors.len()
            )
        } else {
            format!("the file has {total} problem(s); nothing was imported")
        };
        let mut problem = Self::new(StatusCode::UNPROCESSABLE_ENTITY, detail);
        problem.errors_not_listed = total - errors.len();
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

impl From<AppError> for Problem {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound(m) => Problem::new(StatusCode::NOT_FOUND, m),
            AppError::Forbidden(m) => Problem::new(StatusCode::FORBIDDEN, m),
            AppError::Invalid(m) => Problem::new(StatusCode::UNPROCESSABLE_ENTITY, m),
            AppError::Unavailable(m) => Problem::new(StatusCode::SERVICE_UNAVAILABLE, m),
            AppError::InFile(errors) => Problem::in_file(
                errors
                    .into_iter()
                    .map(|e| LineError {
                        line: e.line,
                        message: e.message,
                    })
                    .collect(),
            ),
            AppError::Store(e) => e.into(),
        }
    }
}

pub type ApiResult<T> = Result<T, Problem>;
