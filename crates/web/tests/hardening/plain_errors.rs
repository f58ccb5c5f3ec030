//! Refusals the framework writes (405, 413, an unreadable form) read like
//! Mandate's own: problem documents on the API, pages for pages.

use crate::support::*;
use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use mandate_core::AccessRole;
use mandate_testkit::TestDb;

#[tokio::test]
async fn framework_refusals_are_problem_documents_on_the_api_and_pages_elsewhere() {
    let app = App::new(TestDb::sqlite()).await;
    let token = token_for(&app, AccessRole::Admin).await;

    let r = app
        .send(api(Method::DELETE, "/api/v1/people", &token, None))
        .await;
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(
        r.headers().contains_key(header::ALLOW),
        "the allowed methods are still named"
    );
    assert_eq!(
        r.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );
    let problem = body_json(r).await;
    assert_eq!(problem["status"], 405, "{problem}");

    let huge = format!("{{\"name\": \"{}\"}}", "x".repeat(300 * 1024));
    let r = app
        .send(
            request(Method::POST, "/api/v1/people")
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(huge))
                .expect("req"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        r.headers()[header::CONTENT_TYPE],
        "application/problem+json"
    );
    assert_eq!(body_json(r).await["status"], 413);

    let (cookie, csrf) = app.session(AccessRole::Admin).await;
    let r = app
        .send(form_request(
            "/people",
            Some(&cookie),
            &[("csrf_token", csrf.as_str())],
        ))
        .await;
    assert!(r.status().is_client_error(), "{}", r.status());
    let content_type = r.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap_or_default()
        .to_string();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let page = body_text(r).await;
    assert!(
        page.contains("<html") || page.contains("<!doctype") || page.contains("<!DOCTYPE"),
        "{page}"
    );
}
