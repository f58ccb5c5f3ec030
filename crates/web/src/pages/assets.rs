//! Static assets, embedded in the binary.

use axum::http::header;
use axum::response::IntoResponse;

const STYLE: &str = include_str!("../../static/style.css");

pub async fn style() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLE,
    )
}

/// The scripts of the pages, served as files so the Content-Security-Policy
/// needs no inline script (and no nonce).
const CSV_FILE_JS: &str = include_str!("../../static/csv-file.js");
const POLICY_EDITOR_JS: &str = include_str!("../../static/policy-editor.js");

fn script(source: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        source,
    )
}

/// Reads a chosen CSV file into the form's text box (objectives, training).
pub async fn csv_file_js() -> impl IntoResponse {
    script(CSV_FILE_JS)
}

/// Marks the 5.2 element tags as the policy's author types.
pub async fn policy_editor_js() -> impl IntoResponse {
    script(POLICY_EDITOR_JS)
}
