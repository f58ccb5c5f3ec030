//! The audit period a reader chose (the auditor view): kept in a cookie of
//! its own beside the session, read on every request, so every page can
//! answer as the records stood at the period's end. A cookie that does not
//! parse is ignored, as if no period were chosen.

use super::session::named_cookie;
use axum::http::{HeaderMap, HeaderValue};
use mandate_core::conformance::AuditPeriod;

pub const COOKIE: &str = "mandate_period";

/// Who may look at the records as of a period's end: a reader of the
/// organisation's standing who changes nothing. Those who change records
/// work on today's; they ask the conformance page for a past day instead.
pub fn may_choose(role: mandate_core::AccessRole) -> bool {
    role.is_read_only() && role.may(mandate_core::Permission::ReadConformance)
}

pub fn from_headers(headers: &HeaderMap) -> Option<AuditPeriod> {
    named_cookie(headers, COOKIE).and_then(|raw| AuditPeriod::parse(&raw).ok())
}

pub fn set_cookie(period: AuditPeriod, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={period}; Path=/; HttpOnly; SameSite=Lax{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("mandate_period=; Path=/"))
}

pub fn clear_cookie() -> HeaderValue {
    HeaderValue::from_static("mandate_period=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header;

    #[test]
    fn the_period_is_read_back_and_a_bad_one_ignored() {
        let period = AuditPeriod::parse("2025-01-01..2025-12-31").expect("period");
        let set = set_cookie(period, false);
        let pair = set
            .to_str()
            .expect("ascii")
            .split(';')
            .next()
            .expect("pair");
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("mandate_session=abc; {pair}")).expect("header"),
        );
        assert_eq!(from_headers(&headers), Some(period));
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("mandate_period=2025-12-31..2025-01-01"),
        );
        assert_eq!(from_headers(&headers), None);
    }
}
