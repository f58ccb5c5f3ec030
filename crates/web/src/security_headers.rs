//! Security headers on every answer, pages and API alike: a
//! Content-Security-Policy that allows no inline script, no framing, no
//! MIME sniffing, referrers kept within the site, and HSTS behind https.

use crate::auth::session;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// The pages' scripts are files under `/static/`, so `script-src 'self'`
/// needs neither a nonce nor 'unsafe-inline'; no page has an inline event
/// handler either. Style *attributes* are allowed, deliberately and alone
/// (`style-src-attr`): the progress bars of campaigns and resources set their
/// width per row (`style="width:40%"`), and a few forms a margin. A style
/// attribute cannot run script, and `<style>` elements stay refused.
/// `img-src https: data:` lets a policy's Markdown show pictures from
/// elsewhere.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' https: data:; \
object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// A year, for this host and its subdomains.
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000; includeSubDomains";

/// Adds the headers to every response that does not set its own.
pub async fn add(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // As for the session cookie's `Secure`: https when so configured, or when
    // the proxy in front says the client used it.
    let https = state.config.secure_cookies || session::is_https(request.headers());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    };
    set(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::REFERRER_POLICY, "same-origin");
    set(header::X_FRAME_OPTIONS, "DENY");
    if https {
        set(header::STRICT_TRANSPORT_SECURITY, STRICT_TRANSPORT_SECURITY);
    }
    response
}
