//! The leadership statement (5.1 d): a text in which top management commits
//! to the ISMS, signed by named top-management members and published to
//! staff. Each signature is bound to the exact text by its SHA-256, so a
//! changed text needs everyone to sign again; once published, the text is
//! fixed, and a new statement supersedes it.

use crate::ids::{OrgId, PersonId, StatementId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// The SHA-256 of a text, as signatures carry it.
pub fn text_digest(text: &str) -> String {
    crate::digest::sha256_hex(text.as_bytes())
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementFields {
    pub title: String,
    /// Markdown.
    pub body: String,
    /// The top-management members asked to sign.
    pub signatories: Vec<PersonId>,
}

impl StatementFields {
    pub fn validated(mut self) -> Result<Self, String> {
        self.title = self.title.trim().to_string();
        if self.title.is_empty() || self.title.chars().count() > 200 {
            return Err("title: name the statement, in at most 200 characters".into());
        }
        if self.body.trim().is_empty() {
            return Err("body: write the statement".into());
        }
        if self.body.len() > 100_000 {
            return Err("body: at most 100 KB".into());
        }
        let mut seen = Vec::new();
        self.signatories.retain(|p| {
            let new = !seen.contains(p);
            seen.push(*p);
            new
        });
        if self.signatories.is_empty() {
            return Err("signatories: name the top-management members who sign it".into());
        }
        Ok(self)
    }
}

/// One member's signature of one exact text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    pub person_id: PersonId,
    #[serde(with = "time::serde::rfc3339")]
    pub signed_at: OffsetDateTime,
    /// The SHA-256 of the text signed.
    pub body_sha256: String,
    /// The ISMS role that gave the authority to sign.
    pub authority: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatementState {
    /// Some named signatories have not signed the current text.
    AwaitingSignatures,
    /// Every named signatory signed the current text; not yet published.
    Signed,
    Published,
    /// Published, then replaced by a later statement.
    Superseded,
}

impl StatementState {
    pub fn label(self) -> &'static str {
        match self {
            StatementState::AwaitingSignatures => "awaiting signatures",
            StatementState::Signed => "signed, not yet published",
            StatementState::Published => "published",
            StatementState::Superseded => "superseded",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadershipStatement {
    pub id: StatementId,
    pub org_id: OrgId,
    #[serde(flatten)]
    pub fields: StatementFields,
    pub body_sha256: String,
    /// Every signature given, including those of earlier texts.
    pub signatures: Vec<Signature>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub published_at: Option<OffsetDateTime>,
    /// Where staff find it (intranet page, handbook...).
    pub published_where: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub superseded_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

impl LeadershipStatement {
    pub fn new(org_id: OrgId, fields: StatementFields, at: OffsetDateTime) -> Self {
        Self {
            id: StatementId::new(),
            org_id,
            body_sha256: text_digest(&fields.body),
            fields,
            signatures: Vec::new(),
            published_at: None,
            published_where: String::new(),
            superseded_at: None,
            created_at: at,
            updated_at: at,
            version: 1,
        }
    }

    /// Signatures that count: of the current text, by a named signatory,
    /// given by `at`.
    pub fn valid_signatures(&self, at: OffsetDateTime) -> Vec<&Signature> {
        self.signatures
            .iter()
            .filter(|s| {
                s.body_sha256 == self.body_sha256
                    && s.signed_at <= at
                    && self.fields.signatories.contains(&s.person_id)
            })
            .collect()
    }

    /// Named signatories who have not signed the current text by `at`.
    pub fn missing_signatories(&self, at: OffsetDateTime) -> Vec<PersonId> {
        let signed: Vec<PersonId> = self
            .valid_signatures(at)
            .iter()
            .map(|s| s.person_id)
            .collect();
        self.fields
            .signatories
            .iter()
            .filter(|p| !signed.contains(p))
            .copied()
            .collect()
    }

    /// Named signatories who signed an earlier text and must sign again.
    pub fn must_sign_again(&self) -> Vec<PersonId> {
        let current: Vec<PersonId> = self
            .signatures
            .iter()
            .filter(|s| s.body_sha256 == self.body_sha256)
            .map(|s| s.person_id)
            .collect();
        self.fields
            .signatories
            .iter()
            .filter(|p| !current.contains(p) && self.signatures.iter().any(|s| s.person_id == **p))
            .copied()
            .collect()
    }

    /// The statement's state at `at` (for any past moment).
    pub fn state_at(&self, at: OffsetDateTime) -> StatementState {
        match (self.published_at, self.superseded_at) {
            (_, Some(s)) if s <= at => StatementState::Superseded,
            (Some(p), _) if p <= at => StatementState::Published,
            _ if self.missing_signatories(at).is_empty() => StatementState::Signed,
            _ => StatementState::AwaitingSignatures,
        }
    }

    /// The statement with new fields. A published text is fixed; a changed
    /// text invalidates every signature of the old one (they stay on record).
    pub fn edited(&self, fields: StatementFields, at: OffsetDateTime) -> Result<Self, String> {
        if self.published_at.is_some() {
            return Err(
                "a published statement is fixed: write a new statement, which supersedes this one when published".into(),
            );
        }
        Ok(Self {
            body_sha256: text_digest(&fields.body),
            fields,
            updated_at: at,
            version: self.version + 1,
            ..self.clone()
        })
    }

    /// The statement signed by `person` with `authority`, who read the
    /// text whose digest is `read_sha256`.
    pub fn signed(
        &self,
        person: PersonId,
        read_sha256: &str,
        authority: String,
        at: OffsetDateTime,
    ) -> Result<Self, String> {
        if self.published_at.is_some() {
            return Err("this statement is published; its signatures are closed".into());
        }
        if !self.fields.signatories.contains(&person) {
            return Err("you are not among the statement's named signatories".into());
        }
        if read_sha256 != self.body_sha256 {
            return Err(
                "the text changed since you read it: read the current text and sign again".into(),
            );
        }
        if self
            .valid_signatures(at)
            .iter()
            .any(|s| s.person_id == person)
        {
            return Err("you have signed this text already".into());
        }
        let mut after = self.clone();
        after.signatures.push(Signature {
            person_id: person,
            signed_at: at,
            body_sha256: self.body_sha256.clone(),
            authority,
        });
        after.updated_at = at;
        after.version += 1;
        Ok(after)
    }

    /// The statement published at `at`, where staff find it.
    pub fn published(&self, published_where: &str, at: OffsetDateTime) -> Result<Self, String> {
        if self.published_at.is_some() {
            return Err("this statement is published already".into());
        }
        let missing = self.missing_signatories(at);
        if !missing.is_empty() {
            return Err(format!(
                "{} named signator{} not signed the current text yet",
                missing.len(),
                if missing.len() == 1 {
                    "y has"
                } else {
                    "ies have"
                }
            ));
        }
        let published_where = published_where.trim();
        if published_where.is_empty() || published_where.chars().count() > 300 {
            return Err("published_where: say where staff find it (at most 300 characters)".into());
        }
        Ok(Self {
            published_at: Some(at),
            published_where: published_where.to_string(),
            updated_at: at,
            version: self.version + 1,
            ..self.clone()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;
    use time::macros::datetime;

    const T0: OffsetDateTime = datetime!(2026-03-01 09:00 UTC);

    fn statement(signatories: Vec<PersonId>) -> LeadershipStatement {
        let fields = StatementFields {
            title: "Our commitment to information security".into(),
            body: "We lead the ISMS.".into(),
            signatories,
        }
        .validated()
        .expect("valid");
        LeadershipStatement::new(OrgId::new(), fields, T0)
    }

    #[test]
    fn signatures_are_bound_to_the_text_and_a_change_asks_everyone_again() {
        let (ceo, cfo) = (PersonId::new(), PersonId::new());
        let s = statement(vec![ceo, cfo]);
        let digest = s.body_sha256.clone();
        assert_eq!(s.state_at(T0), StatementState::AwaitingSignatures);
        let s = s
            .signed(
                ceo,
                &digest,
                "ISMS role Top management".into(),
                T0 + Duration::hours(1),
            )
            .expect("signs");
        let s = s
            .signed(
                cfo,
                &digest,
                "ISMS role Top management".into(),
                T0 + Duration::hours(2),
            )
            .expect("signs");
        assert_eq!(s.state_at(T0 + Duration::hours(3)), StatementState::Signed);
        assert_eq!(
            s.state_at(T0 + Duration::minutes(90)),
            StatementState::AwaitingSignatures,
            "as it stood before the second signature"
        );

        let mut fields = s.fields.clone();
        fields.body.push_str(" And we fund it.");
        let changed = s.edited(fields, T0 + Duration::hours(4)).expect("edits");
        assert_ne!(changed.body_sha256, digest);
        assert_eq!(changed.signatures.len(), 2, "old signatures stay on record");
        assert_eq!(
            changed.missing_signatories(T0 + Duration::days(1)),
            vec![ceo, cfo]
        );
        assert_eq!(changed.must_sign_again(), vec![ceo, cfo]);
        assert!(
            changed
                .signed(ceo, &digest, String::new(), T0 + Duration::hours(5))
                .expect_err("stale text")
                .contains("changed")
        );
        assert!(
            changed
                .published("intranet", T0 + Duration::hours(5))
                .is_err()
        );
    }

    #[test]
    fn only_named_signatories_sign_and_only_once() {
        let ceo = PersonId::new();
        let s = statement(vec![ceo]);
        let digest = s.body_sha256.clone();
        assert!(
            s.signed(PersonId::new(), &digest, String::new(), T0)
                .is_err()
        );
        let s = s.signed(ceo, &digest, String::new(), T0).expect("signs");
        assert!(s.signed(ceo, &digest, String::new(), T0).is_err());
    }

    #[test]
    fn a_published_statement_is_fixed_until_superseded() {
        let ceo = PersonId::new();
        let s = statement(vec![ceo]);
        let digest = s.body_sha256.clone();
        let s = s.signed(ceo, &digest, String::new(), T0).expect("signs");
        assert!(s.published(" ", T0).is_err(), "says where");
        let published = s
            .published("Intranet: About us", T0 + Duration::days(1))
            .expect("publishes");
        assert_eq!(
            published.state_at(T0 + Duration::days(2)),
            StatementState::Published
        );
        assert_eq!(published.state_at(T0), StatementState::Signed);
        assert!(published.edited(published.fields.clone(), T0).is_err());
        let mut superseded = published.clone();
        superseded.superseded_at = Some(T0 + Duration::days(30));
        assert_eq!(
            superseded.state_at(T0 + Duration::days(31)),
            StatementState::Superseded
        );
    }

    #[test]
    fn a_statement_needs_a_title_a_text_and_signatories() {
        let base = StatementFields {
            title: "T".into(),
            body: "B".into(),
            signatories: vec![PersonId::new()],
        };
        assert!(
            StatementFields {
                title: " ".into(),
                ..base.clone()
            }
            .validated()
            .is_err()
        );
        assert!(
            StatementFields {
                body: "\n".into(),
                ..base.clone()
            }
            .validated()
            .is_err()
        );
        assert!(
            StatementFields {
                signatories: vec![],
                ..base.clone()
            }
            .validated()
            .is_err()
        );
        let p = PersonId::new();
        let twice = StatementFields {
            signatories: vec![p, p],
            ..base
        }
        .validated()
        .expect("valid");
        assert_eq!(twice.signatories, vec![p]);
    }
}
