//! Request metrics in Prometheus' text format: counts by route and status, and
//! a latency histogram by route. Routes are the router's patterns
//! (`/people/{id}`), never raw paths, so the series stay few.

use crate::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
}

impl Metrics {
    fn record(&self, method: &str, route: &str, status: u16, seconds: f64) {
        {
            let mut requests = self.requests.lock().unwrap_or_else(|p| p.into_inner());
            *requests
                .entry((method.to_string(), route.to_string(), status))
                .or_default() += 1;
        }
        let mut latency = self.latency.lock().unwrap_or_else(|p| p.into_inner());
        let h = latency.entry(route.to_string()).or_default();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                h.counts[i] += 1;
            }
        }
        h.count += 1;
        h.sum += seconds;
    }

    /// The text exposition, with the database pool's figures.
    pub fn render(&self, pool: (u32, usize)) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP mandate_http_requests_total HTTP requests by route and status."
        );
        let _ = writeln!(out, "# TYPE mandate_http_requests_total counter");
        for ((method, route, status), n) in self
            .requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
        {
            let _ = writeln!(
                out,
                "mandate_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP mandate_http_request_duration_seconds Time to answer, by route."
        );
        let _ = writeln!(
            out,
            "# TYPE mandate_http_request_duration_seconds histogram"
        );
        for (route, h) in self
            .latency
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
        {
            for (i, bound) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "mandate_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {}",
                    h.counts[i]
                );
            }
            let _ = writeln!(
                out,
                "mandate_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "mandate_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "mandate_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count
            );
        }
        let _ = writeln!(
            out,
            "# HELP mandate_db_pool_connections Database connections open, and idle."
        );
        let _ = writeln!(out, "# TYPE mandate_db_pool_connections gauge");
        let _ = writeln!(
            out,
            "mandate_db_pool_connections{{state=\"open\"}} {}",
            pool.0
        );
        let _ = writeln!(
            out,
            "mandate_db_pool_connections{{state=\"idle\"}} {}",
            pool.1
        );
        out
    }
}

/// The methods counted under their own name; any other is `other`, so
/// made-up methods cannot add series without bound.
const METHODS: [Method; 7] = [
    Method::GET,
    Method::HEAD,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
    Method::OPTIONS,
];

/// The label of a request's method.
fn method_label(method: &Method) -> &'static str {
    METHODS
        .iter()
        .find(|m| *m == method)
        .map_or("other", Method::as_str)
}

/// Submissions to the feedback channels, which are neither counted nor
/// timed: their series would tell when someone used the confidential
/// channel.
const UNCOUNTED: [(Method, &str); 3] = [
    (Method::POST, "/api/v1/feedback"),
    (Method::POST, "/feedback"),
    (Method::POST, "/public/{org}/feedback"),
];

fn uncounted(method: &Method, route: &str) -> bool {
    UNCOUNTED.iter().any(|(m, r)| m == method && *r == route)
}

/// Times every request and counts it under its route pattern.
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |m| m.as_str())
        .to_string();
    if uncounted(request.method(), &route) {
        return next.run(request).await;
    }
    let method = method_label(request.method());
    let response = next.run(request).await;
    state.metrics.record(
        method,
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn made_up_methods_share_one_label() {
        assert_eq!(method_label(&Method::PATCH), "PATCH");
        let foo = Method::from_bytes(b"FOO").expect("a method");
        let bar = Method::from_bytes(b"BAR").expect("a method");
        assert_eq!(method_label(&foo), "other");
        assert_eq!(method_label(&bar), "other");
        assert_eq!(method_label(&Method::TRACE), "other");
    }

    #[test]
    fn feedback_submissions_are_not_counted() {
        assert!(uncounted(&Method::POST, "/public/{org}/feedback"));
        assert!(uncounted(&Method::POST, "/api/v1/feedback"));
        assert!(!uncounted(&Method::GET, "/api/v1/feedback"));
        assert!(!uncounted(&Method::POST, "/people"));
    }
}
