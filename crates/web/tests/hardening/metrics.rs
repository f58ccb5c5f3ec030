//! Finding 10: `/metrics` cannot be grown without bound, says nothing about
//! the feedback channels, and is served only to the metrics token or on the
//! metrics address.

use crate::support::*;
use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use mandate_core::AccessRole;
use mandate_testkit::TestDb;
use mandate_web::{AppState, WebConfig};
use serde_json::json;
use std::sync::Arc;
use tower::ServiceExt;

const TOKEN: &str = "metrics-secret-for-tests";

/// An app whose `/metrics` opens to [`TOKEN`].
async fn app_with_token(db: TestDb) -> App {
    let mut app = App::new(db).await;
    app.state = AppState::new(
        Arc::clone(&app.store),
        WebConfig {
            metrics_token: Some(TOKEN.into()),
            ..WebConfig::default()
        },
    );
    app
}

async fn scrape(app: &App) -> String {
    let r = app
        .send(
            request(Method::GET, "/metrics")
                .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
                .body(Body::empty())
                .expect("req"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    body_text(r).await
}

/// The request counters and timings, but for those of `/metrics` itself
/// (which each scrape moves) and the pool's gauges.
async fn scrape_others(app: &App) -> Vec<String> {
    scrape(app)
        .await
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter(|l| !l.contains("route=\"/metrics\"") && !l.starts_with("mandate_db_pool"))
        .map(str::to_string)
        .collect()
}

fn request_series(text: &[String]) -> Vec<&String> {
    text.iter()
        .filter(|l| l.starts_with("mandate_http_requests_total{"))
        .collect()
}

#[tokio::test]
async fn made_up_methods_add_at_most_one_series() {
    let app = app_with_token(TestDb::sqlite()).await;
    let _ = scrape(&app).await;
    let before = scrape_others(&app).await;
    for i in 0..50 {
        let method = Method::from_bytes(format!("FOO{i}").as_bytes()).expect("a method");
        let r = app
            .send(request(method, "/x").body(Body::empty()).expect("req"))
            .await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
    }
    let after = scrape_others(&app).await;
    let added: Vec<_> = request_series(&after)
        .into_iter()
        .filter(|l| {
            let series = l.rsplit_once(' ').map_or(l.as_str(), |(s, _)| s);
            !before.iter().any(|b| b.starts_with(series))
        })
        .collect();
    assert!(added.len() <= 1, "{added:#?}");
    assert!(
        after.iter().all(|l| !l.contains("FOO")),
        "a made-up method is no label: {after:#?}"
    );
    assert!(
        after.iter().any(|l| l
            == "mandate_http_requests_total{method=\"other\",route=\"unmatched\",status=\"404\"} 50"),
        "{after:#?}"
    );
}

#[tokio::test]
async fn feedback_submissions_leave_the_metrics_unchanged() {
    for db in TestDb::all().await {
        let app = app_with_token(db).await;
        let b = app.backend;
        let staff = token_for(&app, AccessRole::Staff).await;
        let (cookie, csrf) = app.session(AccessRole::Staff).await;
        let _ = scrape(&app).await;
        let before = scrape_others(&app).await;

        // The confidential channel's public form.
        let r = app
            .send(form_request(
                "/public/acme/feedback",
                None,
                &[
                    ("kind", "concern"),
                    ("subject", "Shared passwords"),
                    ("text", "The team shares one admin password."),
                ],
            ))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "{b}");
        // The API, confidential or named.
        for confidential in [true, false] {
            let (s, kept) = call(
                &app,
                Method::POST,
                "/api/v1/feedback",
                &staff,
                Some(json!({"kind": "concern", "subject": "Tailgating",
                    "text": "The back door stays open.", "confidential": confidential})),
            )
            .await;
            assert_eq!(s, StatusCode::CREATED, "{b}: {kept}");
        }
        // The signed-in page.
        let r = app
            .send(form_request(
                "/feedback",
                Some(&cookie),
                &[
                    ("csrf_token", csrf.as_str()),
                    ("kind", "suggestion"),
                    ("subject", "Training"),
                    ("text", "A shorter course, please."),
                ],
            ))
            .await;
        assert!(
            r.status().is_success() || r.status().is_redirection(),
            "{b}: {}",
            r.status()
        );

        let after = scrape_others(&app).await;
        assert_eq!(before, after, "{b}: the feedback left a trace");
    }
}

#[tokio::test]
async fn metrics_are_refused_without_the_token() {
    for db in TestDb::all().await {
        let mut app = App::new(db).await;
        let b = app.backend;
        let get = |authorization: Option<String>| {
            let mut r = request(Method::GET, "/metrics");
            if let Some(a) = authorization {
                r = r.header(header::AUTHORIZATION, a);
            }
            r.body(Body::empty()).expect("req")
        };

        // No token configured: not here at all.
        let r = app.send(get(None)).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{b}");
        let text = body_text(r).await;
        assert!(
            text.contains("--metrics-bind") && !text.contains("mandate_http"),
            "{b}: {text}"
        );
        let r = app.send(get(Some(format!("Bearer {TOKEN}")))).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{b}: no token opens it");

        // With a token configured: only that token opens it.
        let api_token = token_for(&app, AccessRole::Admin).await;
        let (cookie, _) = app.session(AccessRole::Admin).await;
        app.state = AppState::new(
            Arc::clone(&app.store),
            WebConfig {
                metrics_token: Some(TOKEN.into()),
                ..WebConfig::default()
            },
        );
        for (what, authorization) in [
            ("no token", None),
            ("a wrong token", Some(format!("Bearer {TOKEN}x"))),
            (
                "a prefix of the token",
                Some(format!("Bearer {}", &TOKEN[..5])),
            ),
            ("an empty token", Some("Bearer ".to_string())),
            ("the token, not as a bearer", Some(TOKEN.to_string())),
            ("an admin's API token", Some(format!("Bearer {api_token}"))),
        ] {
            let r = app.send(get(authorization)).await;
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{b}: {what}");
            assert!(!body_text(r).await.contains("mandate_http"), "{b}: {what}");
        }
        let r = app
            .send(
                request(Method::GET, "/metrics")
                    .header(header::COOKIE, cookie)
                    .body(Body::empty())
                    .expect("req"),
            )
            .await;
        assert_eq!(
            r.status(),
            StatusCode::UNAUTHORIZED,
            "{b}: an admin's session"
        );

        let r = app.send(get(Some(format!("Bearer {TOKEN}")))).await;
        assert_eq!(r.status(), StatusCode::OK, "{b}");
        let text = body_text(r).await;
        assert!(
            text.contains("mandate_http_requests_total")
                && text.contains("mandate_db_pool_connections"),
            "{b}: {text}"
        );
    }
}

#[tokio::test]
async fn the_metrics_address_serves_metrics_alone_without_a_token() {
    let app = App::new(TestDb::sqlite()).await;
    let r = app
        .send(
            request(Method::GET, "/healthz")
                .body(Body::empty())
                .expect("req"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let metrics_only = mandate_web::metrics_router(app.state.clone());
    let r = metrics_only
        .clone()
        .oneshot(
            request(Method::GET, "/metrics")
                .body(Body::empty())
                .expect("req"),
        )
        .await
        .expect("infallible");
    assert_eq!(r.status(), StatusCode::OK);
    let text = body_text(r).await;
    assert!(
        text.contains(
            "mandate_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"
        ),
        "the main address's requests: {text}"
    );
    for uri in ["/", "/healthz", "/api/v1/me", "/sign-in"] {
        let r = metrics_only
            .clone()
            .oneshot(request(Method::GET, uri).body(Body::empty()).expect("req"))
            .await
            .expect("infallible");
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{uri}");
    }
}

/// `serve` with `metrics_bind` listens there too, for `/metrics` alone.
#[tokio::test]
async fn serve_listens_on_the_metrics_address() {
    use std::io::{Read, Write};
    let app = App::new(TestDb::sqlite()).await;
    let free = || {
        std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
    };
    let (main, metrics) = (free(), free());
    let server = tokio::spawn(mandate_web::serve(
        Arc::clone(&app.store),
        WebConfig {
            metrics_bind: Some(metrics),
            ..WebConfig::default()
        },
        main,
        std::future::pending(),
    ));
    let get = |address: std::net::SocketAddr, path: &'static str| {
        tokio::task::spawn_blocking(move || {
            for _ in 0..100 {
                if let Ok(mut stream) = std::net::TcpStream::connect(address) {
                    let request =
                        format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                    stream.write_all(request.as_bytes()).expect("request");
                    let mut answer = String::new();
                    stream.read_to_string(&mut answer).expect("response");
                    return answer;
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            panic!("nothing listened on {address}");
        })
    };
    let answer = get(metrics, "/metrics").await.expect("joins");
    assert!(
        answer.starts_with("HTTP/1.1 200") && answer.contains("mandate_db_pool_connections"),
        "{answer}"
    );
    let answer = get(metrics, "/healthz").await.expect("joins");
    assert!(answer.starts_with("HTTP/1.1 404"), "{answer}");
    let answer = get(main, "/metrics").await.expect("joins");
    assert!(
        answer.starts_with("HTTP/1.1 404"),
        "the main address has no token: {answer}"
    );
    server.abort();
}
