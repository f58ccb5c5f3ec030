//! What every handler shares.

use crate::auth::throttle::Throttle;
use crate::metrics::Metrics;
use mandate_store::Store;
use std::sync::Arc;
use time::Duration;

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<Store>,
    pub config: Arc<WebConfig>,
    pub throttle: Arc<Throttle>,
    pub metrics: Arc<Metrics>,
    pub acknowledgements: mandate_app::acknowledgements::AckBatcher,
    /// Snapshots of the records for the conformance check, kept while the
    /// audit chain does not grow.
    pub conformance: Arc<mandate_app::conformance::SnapshotCache>,
    /// The permits for password hashes and checks, server-wide: one per CPU.
    pub password_checks: Arc<crate::auth::password_checks::PasswordChecks>,
    /// The organisations' OpenID providers, discovered once an hour.
    pub sso: Arc<mandate_app::identity::sso::SsoProviders>,
}

impl AppState {
    pub fn new(store: Arc<Store>, config: WebConfig) -> Self {
        Self {
            acknowledgements: mandate_app::acknowledgements::AckBatcher::start(Arc::clone(&store)),
            store,
            config: Arc::new(config),
            throttle: Arc::new(Throttle::default()),
            conformance: Arc::default(),
            metrics: Arc::new(Metrics::default()),
            password_checks: Arc::default(),
            sso: Arc::default(),
        }
    }
}

/// Settings of the web layer.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// Mark the session cookie `Secure`. Also set per request when a proxy
    /// says the client used https (`X-Forwarded-Proto: https`).
    pub secure_cookies: bool,
    /// A session unused this long ends.
    pub idle_timeout: Duration,
    /// A session ends this long after sign-in, however busy.
    pub absolute_timeout: Duration,
    /// Where mail goes, and the address links in it point to.
    pub mail: mandate_notify::MailConfig,
    /// Typesets the evidence pack as PDF. The binary supplies it, so the
    /// web layer builds without the (heavy) typesetter; without it the pack
    /// is offered as HTML and JSON only.
    pub pdf: Option<PdfRenderer>,
    /// A bearer token that opens `/metrics` on the main address. Without it
    /// `/metrics` is served only on `metrics_bind`, if given.
    pub metrics_token: Option<String>,
    /// A second address that serves `/metrics` alone, without a token: for a
    /// Prometheus on a private interface.
    pub metrics_bind: Option<std::net::SocketAddr>,
    /// Reverse proxies whose `X-Forwarded-For` is believed for the client's
    /// address (`--trusted-proxy`); none by default.
    pub trusted_proxies: Vec<crate::auth::client::Cidr>,
}

/// Turns an evidence pack into PDF bytes, or says why it could not.
pub type PdfRenderer = fn(&mandate_report::evidence::EvidencePack) -> Result<Vec<u8>, String>;

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            secure_cookies: false,
            idle_timeout: Duration::minutes(30),
            absolute_timeout: Duration::hours(12),
            mail: mandate_notify::MailConfig::default(),
            pdf: None,
            metrics_token: None,
            metrics_bind: None,
            trusted_proxies: Vec::new(),
        }
    }
}
