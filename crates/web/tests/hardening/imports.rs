//! Finding 11: a file with many bad lines gets an answer of bounded size.

use crate::support::*;
use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use mandate_core::AccessRole;
use mandate_testkit::TestDb;

#[tokio::test]
async fn a_csv_with_thousands_of_bad_lines_lists_the_first_hundred_and_counts_the_rest() {
    let db = TestDb::sqlite();
    let app = App::new(db).await;
    let editor = token_for(&app, AccessRole::IsmsManager).await;
    let mut csv = String::from("email,course,completed_on\n");
    for i in 0..5_000 {
        csv.push_str(&format!(
            "nobody{i}@nowhere.example,{},2026-01-01\n",
            "x".repeat(20)
        ));
    }
    let r = app
        .send(
            request(Method::POST, "/api/v1/training-records/csv")
                .header(header::AUTHORIZATION, format!("Bearer {editor}"))
                .header(header::CONTENT_TYPE, "text/csv")
                .body(Body::from(csv))
                .expect("req"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = body_text(r).await;
    assert!(text.len() < 64 * 1024, "the answer is {} bytes", text.len());
    let problem: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(
        problem["errors"].as_array().map(Vec::len),
        Some(100),
        "{problem}"
    );
    assert!(
        problem["errors_not_listed"].as_u64().unwrap_or(0) >= 4_900,
        "{problem}"
    );
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("the first 100 are listed"),
        "{problem}"
    );
}
