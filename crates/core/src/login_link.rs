//! Links that let a person in by email: an invitation to set a first
//! password, or a password reset. Each link is single-use, dies when a
//! newer one of the same kind is sent to the same person, and holds for a
//! while after its mail goes (an invitation seven days, a reset one hour).
//!
//! The link's secret is made when its mail is handed to the SMTP server,
//! never before: the outbox, which administrators and auditors read, only
//! ever holds [`LINK_PLACEHOLDER`], and the database only the secret's
//! SHA-256. Sending a message again makes a new secret, so the link in an
//! older copy stops working.

use crate::ids::{OrgId, PersonId};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

crate::named_enum! {
    pub enum LinkPurpose {
        /// A person without a password sets their first one.
        Invitation = ("invitation", "invitation"),
        /// A person who forgot their password sets a new one.
        Reset = ("reset", "password reset"),
    }
}

impl LinkPurpose {
    /// How long a link holds once its mail is sent.
    pub fn lifetime(self) -> Duration {
        match self {
            LinkPurpose::Invitation => Duration::days(7),
            LinkPurpose::Reset => Duration::hours(1),
        }
    }

    /// The outbox's `kind` of the mail that carries such a link.
    pub fn mail_kind(self) -> &'static str {
        match self {
            LinkPurpose::Invitation => "invitation",
            LinkPurpose::Reset => "password_reset",
        }
    }

    /// The purpose of the link a mail of this `kind` carries, if any.
    pub fn of_mail_kind(kind: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|p| p.mail_kind() == kind)
    }
}

/// What a queued message holds where its link will be; replaced by the
/// real link only in the copy handed to the SMTP server.
pub const LINK_PLACEHOLDER: &str = "[a single-use link, made when this message is sent]";

/// Link secrets start with this, so a leaked one is recognisable.
pub const LINK_TOKEN_PREFIX: &str = "mll_";

/// The path a link's secret is appended to.
pub const LINK_PATH: &str = "/password/link/";

/// The outbox dedupe key of the mail for `link`: one message per link.
pub fn dedupe_key(link: Uuid) -> String {
    format!("login-link:{link}")
}

/// The link a mail's dedupe key names.
pub fn link_of_dedupe_key(key: &str) -> Option<Uuid> {
    key.strip_prefix("login-link:")
        .and_then(|id| Uuid::parse_str(id).ok())
}

/// A link as kept: never its secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginLink {
    pub id: Uuid,
    pub org_id: OrgId,
    pub person_id: PersonId,
    pub purpose: LinkPurpose,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When its mail was last handed to the SMTP server: the link's secret
    /// dates from then.
    #[serde(with = "time::serde::rfc3339::option")]
    pub sent_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub used_at: Option<OffsetDateTime>,
    /// When a newer link of the same purpose for the same person, or a
    /// password set another way, made this one useless.
    #[serde(with = "time::serde::rfc3339::option")]
    pub superseded_at: Option<OffsetDateTime>,
}

/// Where a link stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkState {
    /// Its mail has not gone yet.
    Unsent,
    /// It lets its person in.
    Live,
    Used,
    Superseded,
    Expired,
}

impl LoginLink {
    pub fn state(&self, now: OffsetDateTime) -> LinkState {
        if self.used_at.is_some() {
            return LinkState::Used;
        }
        if self.superseded_at.is_some() {
            return LinkState::Superseded;
        }
        match self.sent_at {
            None => LinkState::Unsent,
            Some(sent) if now >= sent + self.purpose.lifetime() => LinkState::Expired,
            Some(_) => LinkState::Live,
        }
    }

    pub fn audit_json(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "person_id": self.person_id,
            "purpose": self.purpose,
        })
    }
}

/// Why a link does not open: said to whoever followed it, the same words
/// for every link that does not, except an expired one, which is worth
/// asking for again.
pub fn refusal(state: Option<LinkState>) -> &'static str {
    match state {
        Some(LinkState::Expired) => {
            "This link has expired. If you have not chosen a password yet, ask your ISMS manager to invite you again; if you have, ask for a new link with \"Forgot your password?\"."
        }
        _ => {
            "This link does not work: it was used already, a newer one was sent, or it was mistyped. Ask for a new one."
        }
    }
}

/// The subject and body of the mail that carries a link, the link itself
/// as [`LINK_PLACEHOLDER`].
pub fn mail_text(purpose: LinkPurpose, organisation: &str, name: &str) -> (String, String) {
    match purpose {
        LinkPurpose::Invitation => (
            format!("{organisation}: you are invited to Mandate"),
            format!(
                "Hello {name},\n\n\
                 {organisation} keeps its information security policies, roles and \
                 commitments in Mandate. You are invited to sign in, read what is \
                 addressed to you and acknowledge it.\n\n\
                 Set your password here (the link works once, for seven days):\n\
                 {LINK_PLACEHOLDER}\n\n\
                 If you did not expect this message, you can ignore it.\n"
            ),
        ),
        LinkPurpose::Reset => (
            format!("{organisation}: reset your Mandate password"),
            format!(
                "Hello {name},\n\n\
                 Someone asked to reset the password of your Mandate login at \
                 {organisation}. If it was you, choose a new password here (the \
                 link works once, for one hour):\n\
                 {LINK_PLACEHOLDER}\n\n\
                 If it was not you, ignore this message: your password stays as it is.\n"
            ),
        ),
    }
}

/// The body as sent: the placeholder replaced by the link to `token`.
pub fn with_link(body: &str, public_url: &str, token: &str) -> String {
    let link = format!("{}{LINK_PATH}{token}", public_url.trim_end_matches('/'));
    body.replace(LINK_PLACEHOLDER, &link)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn link(purpose: LinkPurpose) -> LoginLink {
        LoginLink {
            id: Uuid::nil(),
            org_id: OrgId(Uuid::nil()),
            person_id: PersonId(Uuid::nil()),
            purpose,
            created_at: datetime!(2026-12-01 09:00 UTC),
            sent_at: None,
            used_at: None,
            superseded_at: None,
        }
    }

    #[test]
    fn a_link_lives_from_its_mail_for_its_purposes_lifetime() {
        let now = datetime!(2026-12-01 10:00 UTC);
        let mut reset = link(LinkPurpose::Reset);
        assert_eq!(reset.state(now), LinkState::Unsent);
        reset.sent_at = Some(datetime!(2026-12-01 09:30 UTC));
        assert_eq!(reset.state(now), LinkState::Live);
        assert_eq!(
            reset.state(datetime!(2026-12-01 10:30 UTC)),
            LinkState::Expired
        );
        let mut invitation = link(LinkPurpose::Invitation);
        invitation.sent_at = Some(datetime!(2026-12-01 09:30 UTC));
        assert_eq!(
            invitation.state(datetime!(2026-12-08 09:29 UTC)),
            LinkState::Live
        );
        assert_eq!(
            invitation.state(datetime!(2026-12-08 09:30 UTC)),
            LinkState::Expired
        );
    }

    #[test]
    fn a_used_or_superseded_link_is_dead_whatever_its_age() {
        let now = datetime!(2026-12-01 09:40 UTC);
        let mut l = link(LinkPurpose::Reset);
        l.sent_at = Some(datetime!(2026-12-01 09:30 UTC));
        l.superseded_at = Some(now);
        assert_eq!(l.state(now), LinkState::Superseded);
        l.used_at = Some(now);
        assert_eq!(l.state(now), LinkState::Used);
    }

    #[test]
    fn the_queued_mail_holds_no_link_and_the_sent_one_holds_it_once() {
        for purpose in LinkPurpose::ALL {
            let (_, body) = mail_text(*purpose, "Acme", "Ana");
            assert!(body.contains(LINK_PLACEHOLDER), "{body}");
            assert!(!body.contains("mll_"));
            let sent = with_link(&body, "https://mandate.example/", "mll_abc");
            assert!(sent.contains("https://mandate.example/password/link/mll_abc\n"));
            assert!(!sent.contains(LINK_PLACEHOLDER));
            assert_eq!(
                LinkPurpose::of_mail_kind(purpose.mail_kind()),
                Some(*purpose)
            );
        }
        assert_eq!(LinkPurpose::of_mail_kind("digest"), None);
    }

    #[test]
    fn a_mail_names_its_link_by_dedupe_key() {
        let id = Uuid::now_v7();
        assert_eq!(link_of_dedupe_key(&dedupe_key(id)), Some(id));
        assert_eq!(link_of_dedupe_key("digest:x"), None);
        assert_eq!(link_of_dedupe_key("login-link:nope"), None);
    }
}
