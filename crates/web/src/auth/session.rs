//! The session cookie: `HttpOnly`, `SameSite=Lax`, `Secure` behind https,
//! path `/`, no expiry of its own (the server ends sessions).

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, header};

pub const COOKIE: &str = "mandate_session";

/// The session secret the request's cookie carries, if any.
pub fn cookie(request: &Request) -> Option<String> {
    cookie_from(request.headers())
}

pub fn cookie_from(headers: &HeaderMap) -> Option<String> {
    named_cookie(headers, COOKIE)
}

/// The value of the cookie `wanted`, if the request carries it.
pub fn named_cookie(headers: &HeaderMap, wanted: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|line| {
            line.split(';').find_map(|pair| {
                let (name, value) = pair.trim().split_once('=')?;
                (name == wanted && !value.is_empty()).then(|| value.to_string())
            })
        })
}

/// True when the client reached us over https (directly or via a proxy).
pub fn is_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

pub fn set_cookie(secret: &str, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={secret}; Path=/; HttpOnly; SameSite=Lax{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("mandate_session=; Path=/"))
}

pub fn clear_cookie(secure: bool) -> HeaderValue {
    let value = if secure {
        "mandate_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure"
    } else {
        "mandate_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"
    };
    HeaderValue::from_static(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; mandate_session=abc; b=2"),
        );
        assert_eq!(cookie_from(&headers).as_deref(), Some("abc"));
        let mut empty = HeaderMap::new();
        empty.insert(header::COOKIE, HeaderValue::from_static("mandate_session="));
        assert_eq!(cookie_from(&empty), None);
    }

    #[test]
    fn cookies_are_http_only_and_lax_and_secure_on_https() {
        let plain = set_cookie("s", false);
        assert_eq!(
            plain.to_str().ok(),
            Some("mandate_session=s; Path=/; HttpOnly; SameSite=Lax")
        );
        assert!(
            set_cookie("s", true)
                .to_str()
                .is_ok_and(|v| v.ends_with("; Secure"))
        );
    }
}
