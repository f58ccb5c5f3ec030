//! Policies and their versions as records: the top-level information
//! security policy and the topic-specific policies beneath it.

use super::approval::ApprovalRule;
use super::lifecycle::VersionState;
use crate::ids::{OrgId, PolicyId, UserId, VersionId};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use time::OffsetDateTime;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyKind {
    /// The one information security policy of 5.2, approved by top management.
    TopLevel,
    /// A topic-specific policy (access control, acceptable use, ...).
    Topic,
}

impl PolicyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyKind::TopLevel => "top_level",
            PolicyKind::Topic => "topic",
        }
    }
}

impl FromStr for PolicyKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "top_level" => Ok(PolicyKind::TopLevel),
            "topic" => Ok(PolicyKind::Topic),
            other => Err(format!(
                "{other:?} is not a kind of policy (top_level or topic)"
            )),
        }
    }
}

impl fmt::Display for PolicyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whom a policy addresses. Departments and roles are named as the people
/// register and the roles register spell them.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Audience {
    #[serde(default)]
    pub everyone: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub departments: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    #[serde(default)]
    pub third_parties: bool,
    #[serde(default)]
    pub interested_parties: bool,
}

impl Audience {
    pub fn everyone() -> Self {
        Audience {
            everyone: true,
            ..Audience::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        !self.everyone
            && self.departments.is_empty()
            && self.roles.is_empty()
            && !self.third_parties
            && !self.interested_parties
    }

    /// "everyone, third parties", "departments: IT, Finance", ...
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.everyone {
            parts.push("everyone".to_string());
        }
        if !self.departments.is_empty() {
            parts.push(format!("departments: {}", self.departments.join(", ")));
        }
        if !self.roles.is_empty() {
            parts.push(format!("roles: {}", self.roles.join(", ")));
        }
        if self.third_parties {
            parts.push("third parties".into());
        }
        if self.interested_parties {
            parts.push("interested parties".into());
        }
        if parts.is_empty() {
            "nobody yet".into()
        } else {
            parts.join("; ")
        }
    }

    /// Trims names and drops empty and repeated ones.
    fn tidy(&mut self) {
        for list in [&mut self.departments, &mut self.roles] {
            let mut seen = Vec::new();
            for name in list.drain(..) {
                let name = name.trim().to_string();
                if !name.is_empty() && !seen.contains(&name) {
                    seen.push(name);
                }
            }
            *list = seen;
        }
    }
}

/// The months between reviews when a policy names none.
pub const DEFAULT_REVIEW_MONTHS: u32 = 12;

/// A policy's own fields, as created or edited.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyFields {
    pub title: String,
    pub kind: PolicyKind,
    pub parent_id: Option<PolicyId>,
    /// The ISMS role that owns the policy (for example "CISO").
    pub owner_role: String,
    pub review_interval_months: u32,
    pub audience: Audience,
    /// Published versions are readable by interested parties without signing in.
    pub public: bool,
    pub approval_rule: ApprovalRule,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

fn field_error(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

impl PolicyFields {
    /// Trims and checks the fields; the error names the field.
    pub fn validated(mut self) -> Result<Self, FieldError> {
        self.title = self.title.trim().to_string();
        self.owner_role = self.owner_role.trim().to_string();
        self.audience.tidy();
        if self.title.is_empty() {
            return Err(field_error("title", "a policy needs a title"));
        }
        if self.title.chars().count() > 200 {
            return Err(field_error("title", "at most 200 characters"));
        }
        if self.owner_role.is_empty() {
            return Err(field_error("owner_role", "a policy needs an owner role"));
        }
        if !(1..=60).contains(&self.review_interval_months) {
            return Err(field_error(
                "review_interval_months",
                "between 1 and 60 months",
            ));
        }
        match (self.kind, self.parent_id) {
            (PolicyKind::TopLevel, Some(_)) => {
                return Err(field_error(
                    "parent_id",
                    "the top-level policy has no parent",
                ));
            }
            (PolicyKind::Topic, None) => {
                return Err(field_error(
                    "parent_id",
                    "a topic-specific policy sits under another policy",
                ));
            }
            _ => {}
        }
        if self.audience.is_empty() {
            return Err(field_error("audience", "a policy addresses someone"));
        }
        match &self.approval_rule {
            ApprovalRule::AnyOf { count } if !(1..=20).contains(count) => {
                return Err(field_error("approval_rule", "count must be 1 to 20"));
            }
            ApprovalRule::AllOf { approvers } if approvers.is_empty() => {
                return Err(field_error("approval_rule", "name at least one approver"));
            }
            _ => {}
        }
        Ok(self)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub id: PolicyId,
    pub org_id: OrgId,
    #[serde(flatten)]
    pub fields: PolicyFields,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

impl Policy {
    /// The record as the audit log keeps it.
    pub fn audit_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

/// One version of a policy's text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyVersion {
    pub id: VersionId,
    pub org_id: OrgId,
    pub policy_id: PolicyId,
    /// 1, 2, 3, ... within the policy.
    pub number: i32,
    pub body: String,
    pub change_summary: String,
    pub author_id: UserId,
    /// Everyone who wrote part of the text, the author first: none of them
    /// may approve it.
    pub contributors: Vec<UserId>,
    pub state: VersionState,
    /// Each submission opens a new round of decisions.
    pub review_round: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub approved_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub published_at: Option<OffsetDateTime>,
    /// A material change asks everyone to acknowledge it again; a
    /// non-material one carries the acknowledgements of the version before
    /// over. The author chooses; the approver sees the choice.
    #[serde(default = "material")]
    pub material_change: bool,
    pub version: i64,
}

fn material() -> bool {
    true
}

impl PolicyVersion {
    /// Whether `user` wrote any part of this version.
    pub fn written_by(&self, user: UserId) -> bool {
        self.author_id == user || self.contributors.contains(&user)
    }

    /// The record as the audit log keeps it: the body by its digest, so a
    /// 200 KB policy does not bloat every event, yet any change shows.
    pub fn audit_json(&self) -> serde_json::Value {
        let mut value = serde_json::to_value(self).unwrap_or_default();
        if let Some(map) = value.as_object_mut() {
            map.remove("body");
            map.insert(
                "body_sha256".into(),
                crate::token::secret_hash(&self.body).into(),
            );
        }
        value
    }
}

/// Upper bound on a version's body: generous for a long policy, small enough
/// that rendering and diffing stay fast.
pub const MAX_BODY_BYTES: usize = 1_000_000;

/// Checks a version's text.
pub fn check_version_text(body: &str, change_summary: &str) -> Result<(), FieldError> {
    if body.trim().is_empty() {
        return Err(field_error("body", "a version needs a text"));
    }
    if body.len() > MAX_BODY_BYTES {
        return Err(field_error("body", "at most 1,000,000 bytes"));
    }
    if change_summary.trim().is_empty() {
        return Err(field_error(
            "change_summary",
            "say what changed in this version",
        ));
    }
    if change_summary.chars().count() > 1_000 {
        return Err(field_error("change_summary", "at most 1,000 characters"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> PolicyFields {
        PolicyFields {
            title: " Access control ".into(),
            kind: PolicyKind::Topic,
            parent_id: Some(PolicyId::new()),
            owner_role: "CISO".into(),
            review_interval_months: 12,
            audience: Audience {
                departments: vec![" IT ".into(), "IT".into(), "".into()],
                ..Audience::default()
            },
            public: false,
            approval_rule: ApprovalRule::default(),
        }
    }

    #[test]
    fn fields_are_tidied_and_checked_field_by_field() {
        let ok = fields().validated().expect("valid");
        assert_eq!(ok.title, "Access control");
        assert_eq!(ok.audience.departments, vec!["IT".to_string()]);

        let mut top = fields();
        top.kind = PolicyKind::TopLevel;
        assert_eq!(top.validated().expect_err("refused").field, "parent_id");
        let mut orphan = fields();
        orphan.parent_id = None;
        assert_eq!(orphan.validated().expect_err("refused").field, "parent_id");
        let mut nobody = fields();
        nobody.audience = Audience::default();
        assert_eq!(nobody.validated().expect_err("refused").field, "audience");
        let mut never = fields();
        never.review_interval_months = 0;
        assert_eq!(
            never.validated().expect_err("refused").field,
            "review_interval_months"
        );
        let mut untitled = fields();
        untitled.title = "  ".into();
        assert_eq!(untitled.validated().expect_err("refused").field, "title");
        let mut nobody_named = fields();
        nobody_named.approval_rule = ApprovalRule::AllOf { approvers: vec![] };
        assert_eq!(
            nobody_named.validated().expect_err("refused").field,
            "approval_rule"
        );
    }

    #[test]
    fn audience_describes_itself_and_rejects_unknown_keys() {
        let a: Audience =
            serde_json::from_str(r#"{"everyone":true,"third_parties":true}"#).expect("parses");
        assert_eq!(a.describe(), "everyone; third parties");
        assert!(serde_json::from_str::<Audience>(r#"{"everybody":true}"#).is_err());
    }

    #[test]
    fn version_text_needs_a_body_and_a_summary() {
        assert_eq!(
            check_version_text(" ", "x").expect_err("refused").field,
            "body"
        );
        assert_eq!(
            check_version_text("# P", " ").expect_err("refused").field,
            "change_summary"
        );
        assert!(check_version_text("# P", "First").is_ok());
    }
}
