//! Finding 9: security headers on every answer, pages and API alike, and
//! pages that need no inline script under the Content-Security-Policy.

use crate::support::*;
use axum::body::Body;
use axum::http::{HeaderMap, Method, StatusCode, header};
use mandate_core::AccessRole;
use mandate_testkit::TestDb;
use mandate_web::{AppState, WebConfig};
use serde_json::json;
use std::sync::Arc;

/// The directive `name` of a Content-Security-Policy, without its name.
fn directive<'a>(csp: &'a str, name: &str) -> Option<&'a str> {
    csp.split(';').map(str::trim).find_map(|d| {
        d.strip_prefix(name)
            .filter(|rest| rest.is_empty() || rest.starts_with(' '))
            .map(str::trim)
    })
}

fn assert_security_headers(headers: &HeaderMap, what: &str) {
    let get = |name: header::HeaderName| {
        headers
            .get(&name)
            .unwrap_or_else(|| panic!("{what}: no {name}"))
            .to_str()
            .expect("ascii")
            .to_string()
    };
    let csp = get(header::CONTENT_SECURITY_POLICY);
    assert_eq!(
        directive(&csp, "default-src"),
        Some("'self'"),
        "{what}: {csp}"
    );
    assert_eq!(
        directive(&csp, "script-src"),
        Some("'self'"),
        "{what}: {csp}"
    );
    assert_eq!(
        directive(&csp, "style-src"),
        Some("'self'"),
        "{what}: {csp}"
    );
    assert_eq!(
        directive(&csp, "object-src"),
        Some("'none'"),
        "{what}: {csp}"
    );
    assert_eq!(directive(&csp, "base-uri"), Some("'none'"), "{what}: {csp}");
    assert_eq!(
        directive(&csp, "form-action"),
        Some("'self'"),
        "{what}: {csp}"
    );
    assert_eq!(
        directive(&csp, "frame-ancestors"),
        Some("'none'"),
        "{what}: {csp}"
    );
    assert!(
        directive(&csp, "script-src-attr").is_none()
            && directive(&csp, "script-src-elem").is_none(),
        "{what}: scripts are allowed by script-src alone: {csp}"
    );
    assert_eq!(get(header::X_CONTENT_TYPE_OPTIONS), "nosniff", "{what}");
    assert_eq!(get(header::REFERRER_POLICY), "same-origin", "{what}");
    assert_eq!(get(header::X_FRAME_OPTIONS), "DENY", "{what}");
}

fn hsts(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::STRICT_TRANSPORT_SECURITY)
        .map(|v| v.to_str().expect("ascii"))
}

#[tokio::test]
async fn pages_api_answers_and_errors_carry_the_security_headers() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        let (cookie, _) = app.session(AccessRole::Admin).await;
        let token = token_for(&app, AccessRole::Admin).await;
        let page = |uri: &str| {
            request(Method::GET, uri)
                .header(header::COOKIE, cookie.clone())
                .body(Body::empty())
                .expect("req")
        };
        let anonymous = |uri: &str| request(Method::GET, uri).body(Body::empty()).expect("req");
        for (what, req, status) in [
            ("a page", page("/"), StatusCode::OK),
            ("the sign-in page", anonymous("/sign-in"), StatusCode::OK),
            (
                "an API answer",
                api(Method::GET, "/api/v1/me", &token, None),
                StatusCode::OK,
            ),
            (
                "an API refusal",
                anonymous("/api/v1/me"),
                StatusCode::UNAUTHORIZED,
            ),
            (
                "a missing page",
                page("/no-such-page"),
                StatusCode::NOT_FOUND,
            ),
            (
                "a missing resource",
                api(Method::GET, "/api/v1/no-such-thing", &token, None),
                StatusCode::NOT_FOUND,
            ),
            (
                "a static file",
                anonymous("/static/style.css"),
                StatusCode::OK,
            ),
        ] {
            let r = app.send(req).await;
            assert_eq!(r.status(), status, "{b}: {what}");
            assert_security_headers(r.headers(), &format!("{b}: {what}"));
            assert_eq!(hsts(r.headers()), None, "{b}: {what} over plain http");
        }
    }
}

#[tokio::test]
async fn hsts_is_sent_only_over_https() {
    let mut app = App::new(TestDb::sqlite()).await;
    let plain = app
        .send(
            request(Method::GET, "/sign-in")
                .body(Body::empty())
                .expect("req"),
        )
        .await;
    assert_eq!(hsts(plain.headers()), None, "plain http");
    let proxied = app
        .send(
            request(Method::GET, "/sign-in")
                .header("x-forwarded-proto", "https")
                .body(Body::empty())
                .expect("req"),
        )
        .await;
    assert_eq!(
        hsts(proxied.headers()),
        Some("max-age=31536000; includeSubDomains"),
        "behind a proxy that says https"
    );
    let other = app
        .send(
            request(Method::GET, "/healthz")
                .header("x-forwarded-proto", "http")
                .body(Body::empty())
                .expect("req"),
        )
        .await;
    assert_eq!(hsts(other.headers()), None, "a proxy that says http");

    app.state = AppState::new(
        Arc::clone(&app.store),
        WebConfig {
            secure_cookies: true,
            ..WebConfig::default()
        },
    );
    let configured = app
        .send(
            request(Method::GET, "/api/v1/no-such-thing")
                .body(Body::empty())
                .expect("req"),
        )
        .await;
    assert_eq!(configured.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        hsts(configured.headers()),
        Some("max-age=31536000; includeSubDomains"),
        "configured for https"
    );
}

/// Every `<script` of `html` loads a file; no tag has an inline event handler.
fn assert_no_inline_script(html: &str, what: &str) {
    for tag in html
        .split('<')
        .skip(1)
        .filter_map(|t| t.split_once('>').map(|(t, _)| t))
    {
        let lower = tag.to_ascii_lowercase();
        if lower.starts_with("script") {
            assert!(
                lower.contains(" src=\"/static/"),
                "{what}: an inline script: <{tag}>"
            );
        }
        for attribute in lower.split_whitespace().skip(1) {
            let name = attribute.split('=').next().unwrap_or_default();
            assert!(
                !(name.len() > 2
                    && name.starts_with("on")
                    && name.bytes().all(|c| c.is_ascii_alphabetic())
                    && attribute.contains('=')),
                "{what}: an inline event handler: <{tag}>"
            );
        }
        assert!(
            !lower.contains("javascript:"),
            "{what}: a javascript: link: <{tag}>"
        );
    }
}

#[tokio::test]
async fn no_page_has_an_inline_script() {
    for db in TestDb::all().await {
        let app = App::new(db).await;
        let b = app.backend;
        let editor = token_for(&app, AccessRole::IsmsManager).await;
        let (s, created) = call(
            &app,
            Method::POST,
            "/api/v1/policies",
            &editor,
            Some(json!({
                "title": "Information security policy", "kind": "top_level", "owner_role": "CISO",
                "audience": {"everyone": true}, "body": "# Policy\n\nWe protect information.",
                "change_summary": "First"
            })),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{b}: {created}");
        let policy = created["policy"]["id"].as_str().expect("id").to_string();
        let (cookie, _) = app.session(AccessRole::Admin).await;
        let editor_page = format!("/policies/{policy}/versions/1/edit");
        for (uri, script) in [
            ("/", None),
            ("/objectives", Some("/static/csv-file.js")),
            ("/training", Some("/static/csv-file.js")),
            (editor_page.as_str(), Some("/static/policy-editor.js")),
            ("/policies", None),
            ("/people", None),
            ("/me", None),
            ("/feedback", None),
        ] {
            let r = app
                .send(
                    request(Method::GET, uri)
                        .header(header::COOKIE, cookie.clone())
                        .body(Body::empty())
                        .expect("req"),
                )
                .await;
            assert_eq!(r.status(), StatusCode::OK, "{b}: {uri}");
            assert_security_headers(r.headers(), &format!("{b}: {uri}"));
            let html = body_text(r).await;
            assert_no_inline_script(&html, &format!("{b}: {uri}"));
            if let Some(script) = script {
                assert!(
                    html.contains(&format!("<script src=\"{script}\" defer></script>")),
                    "{b}: {uri} loads {script}"
                );
            }
        }
        // The public pages too: the sign-in form and the confidential channel.
        for uri in ["/sign-in", "/public/acme/feedback"] {
            let r = app
                .send(request(Method::GET, uri).body(Body::empty()).expect("req"))
                .await;
            assert_eq!(r.status(), StatusCode::OK, "{b}: {uri}");
            assert_no_inline_script(&body_text(r).await, &format!("{b}: {uri}"));
        }
    }
}

#[tokio::test]
async fn the_scripts_are_served_as_javascript() {
    let app = App::new(TestDb::sqlite()).await;
    for (uri, needle) in [
        ("/static/csv-file.js", "csv-file"),
        ("/static/policy-editor.js", "dataset.tag"),
    ] {
        let r = app
            .send(request(Method::GET, uri).body(Body::empty()).expect("req"))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{uri}");
        assert_eq!(
            r.headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok()),
            Some("text/javascript; charset=utf-8"),
            "{uri}: with nosniff, a script needs its type"
        );
        assert_security_headers(r.headers(), uri);
        assert!(body_text(r).await.contains(needle), "{uri}");
    }
}
