//! Who is asking: a browser session (cookie) or a machine (bearer token), and
//! what they may do. `authenticate` runs before every route and records the
//! [`Viewer`]; `routes` then checks the route's access rule against it.

pub mod client;
pub mod csrf;
pub mod password_checks;
pub mod period;
pub mod secrets;
pub mod session;
pub mod throttle;

use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use mandate_core::conformance::AuditPeriod;
use mandate_core::token::secret_hash;
use mandate_core::{Permission, User};
use time::Duration;

/// The signed-in user of a request, and how they proved it.
#[derive(Clone, Debug)]
pub struct Viewer {
    pub user: User,
    pub via: Via,
    /// The audit period chosen in the auditor view, if any (sessions of
    /// readers who change nothing: the auditor).
    pub period: Option<AuditPeriod>,
}

#[derive(Clone, Debug)]
pub enum Via {
    Session {
        session_hash: String,
        csrf_token: String,
    },
    Token,
}

impl Viewer {
    pub fn may(&self, permission: Permission) -> bool {
        self.user.access_role.may(permission)
    }

    pub fn session_hash(&self) -> Option<&str> {
        match &self.via {
            Via::Session { session_hash, .. } => Some(session_hash),
            Via::Token => None,
        }
    }

    /// The day pages answer as of: the end of the chosen audit period, or
    /// today.
    pub fn day(&self) -> time::Date {
        mandate_app::caller::day_of(self.period, mandate_core::timefmt::now())
    }

    /// The instant pages answer as of: now, or the last instant of the
    /// chosen audit period's end.
    pub fn instant(&self) -> time::OffsetDateTime {
        mandate_app::caller::instant_of(self.period, mandate_core::timefmt::now())
    }

    pub fn csrf_token(&self) -> &str {
        match &self.via {
            Via::Session { csrf_token, .. } => csrf_token,
            Via::Token => "",
        }
    }
}

/// Set when a session cookie was presented but had ended, so pages can say so.
#[derive(Clone, Copy, Debug)]
pub struct SessionExpired;

/// Finds the viewer, if any, and puts it in the request's extensions.
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    // Public pages never look at who is asking: the confidential feedback
    // channel among them must not even touch the sender's session.
    // SCIM brings its own token, checked by its handlers: it is not an
    // API token, and must not be looked up (and warned about) as one.
    let path = request.uri().path();
    if path.starts_with("/public/") || path.starts_with("/scim/") {
        return next.run(request).await;
    }
    let now = mandate_core::timefmt::now();
    // Sending feedback records no last use: the time of a confidential
    // submission must not show as its sender's (named ones skip it too, so
    // that skipping tells nothing).
    let touch = !(request.method() == axum::http::Method::POST
        && matches!(request.uri().path(), "/api/v1/feedback" | "/feedback"));
    if let Some(token) = bearer(&request) {
        match state.store.token_by_hash(&secret_hash(&token)).await {
            Ok(Some((token, user, end))) if user.disabled_at.is_none() && !has_left(end, now) => {
                // Record use at most once a minute: a busy client must not turn reads into writes.
                if touch
                    && token
                        .last_used_at
                        .is_none_or(|t| now - t > Duration::minutes(1))
                {
                    let _ = state.store.touch_token(token.org_id, token.id, now).await;
                }
                request.extensions_mut().insert(Viewer {
                    user,
                    via: Via::Token,
                    period: None,
                });
            }
            Ok(_) => tracing::warn!("a request carried an unknown or revoked API token"),
            Err(e) => tracing::error!(error = %e, "looking up an API token"),
        }
    } else if let Some(secret) = session::cookie(&request) {
        let hash = secret_hash(&secret);
        match state.store.session(&hash).await {
            Ok(Some(s)) => {
                let idle = now - s.last_seen_at > state.config.idle_timeout;
                let old = now - s.created_at > state.config.absolute_timeout;
                if idle || old || s.user.disabled_at.is_some() || has_left(s.person_end_date, now) {
                    let _ = state.store.delete_session(&hash).await;
                    tracing::info!(user = %s.user.email, idle, old, "session ended");
                    request.extensions_mut().insert(SessionExpired);
                } else {
                    if touch && now - s.last_seen_at > Duration::minutes(1) {
                        let _ = state.store.touch_session(&hash, now).await;
                    }
                    let via = Via::Session {
                        session_hash: hash,
                        csrf_token: s.csrf_token,
                    };
                    let period = period::from_headers(request.headers())
                        .filter(|_| period::may_choose(s.user.access_role));
                    request.extensions_mut().insert(Viewer {
                        user: s.user,
                        via,
                        period,
                    });
                }
            }
            Ok(None) => {
                request.extensions_mut().insert(SessionExpired);
            }
            Err(e) => tracing::error!(error = %e, "looking up a session"),
        }
    }
    next.run(request).await
}

/// A person whose last working day has passed keeps no access: leavers are
/// cut off on the day after, without anyone having to disable their login.
pub fn has_left(end_date: Option<time::Date>, now: time::OffsetDateTime) -> bool {
    end_date.is_some_and(|last_day| last_day < now.date())
}

fn bearer(request: &Request) -> Option<String> {
    let value = request
        .headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))?;
    Some(token.trim().to_string())
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Viewer {
    type Rejection = crate::problem::Problem;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Viewer>().cloned().ok_or_else(|| {
            crate::problem::Problem::new(axum::http::StatusCode::UNAUTHORIZED, "sign in first")
        })
    }
}

impl Viewer {
    /// How this viewer's changes are attributed in the audit log.
    pub fn actor(&self) -> mandate_core::audit::Actor {
        mandate_core::audit::Actor::user(self.user.id)
    }

    /// This viewer as the application services take them, as of now.
    pub fn caller(&self) -> mandate_app::Caller {
        mandate_app::Caller::new(self.user.clone(), self.period, mandate_core::timefmt::now())
    }
}
