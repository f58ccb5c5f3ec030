//! The HTTP client for talking to providers: no redirects followed (a
//! provider's endpoints are named by its discovery document, and following
//! redirects would let it point the server elsewhere), a short timeout, so
//! a provider that hangs cannot hold a sign-in for long, and answers capped
//! at 1 MiB, so a hostile or broken provider cannot fill the server's
//! memory (a discovery document or key set is a few kilobytes).

use openidconnect::{AsyncHttpClient, HttpRequest, HttpResponse, reqwest};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

const MAX_ANSWER: usize = 1 << 20;

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("{0}")]
    Request(String),
    #[error("its answer is larger than {MAX_ANSWER} bytes")]
    TooLarge,
}

/// reqwest, with the limits above.
pub(crate) struct Capped(reqwest::Client);

pub(crate) fn client() -> Result<Capped, crate::OidcError> {
    reqwest::ClientBuilder::new()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .connect_timeout(Duration::from_secs(5))
        .build()
        .map(Capped)
        .map_err(|e| crate::OidcError::Config(format!("no HTTP client: {e}")))
}

impl Capped {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        let request: reqwest::Request = request
            .try_into()
            .map_err(|e: reqwest::Error| HttpError::Request(crate::flow::chain(&e)))?;
        let mut response = self
            .0
            .execute(request)
            .await
            .map_err(|e| HttpError::Request(crate::flow::chain(&e)))?;
        if response
            .content_length()
            .is_some_and(|n| n > MAX_ANSWER as u64)
        {
            return Err(HttpError::TooLarge);
        }
        let status = response.status();
        let headers = response.headers().clone();
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| HttpError::Request(crate::flow::chain(&e)))?
        {
            if body.len() + chunk.len() > MAX_ANSWER {
                return Err(HttpError::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        let mut answer = HttpResponse::new(body);
        *answer.status_mut() = status;
        *answer.headers_mut() = headers;
        Ok(answer)
    }
}

impl<'c> AsyncHttpClient<'c> for Capped {
    type Error = HttpError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, HttpError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.send(request))
    }
}
