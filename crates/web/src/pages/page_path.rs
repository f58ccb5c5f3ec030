//! Typed path parameters for pages. A page's address that does not parse
//! (`/people/not-a-uuid`, `/policies/{id}/versions/seven`) names no record:
//! it answers the not-found page, as an unknown id does, rather than a
//! framework error in plain text.

use super::plain_page;
use axum::extract::{FromRequestParts, Path};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

/// The path's parameters as `T`: an id type (`PagePath<PersonId>`), or a
/// tuple of them (`PagePath<(PolicyId, i32)>`).
pub struct PagePath<T>(pub T);

/// The not-found page, for a path whose parameters do not parse.
pub struct NoSuchPage;

impl IntoResponse for NoSuchPage {
    fn into_response(self) -> Response {
        plain_page(
            StatusCode::NOT_FOUND,
            "Not found",
            "There is no such record in your organisation.",
        )
    }
}

impl<T, S> FromRequestParts<S> for PagePath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = NoSuchPage;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| Self(value))
            .map_err(|_| NoSuchPage)
    }
}
