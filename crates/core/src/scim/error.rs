//! SCIM's own error documents (RFC 7644 §3.12): a status, a `scimType` for
//! 400s and 409s, and a detail a provisioning client shows its operator.

use serde_json::{Value, json};

/// The `scimType` values Mandate answers with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScimType {
    InvalidFilter,
    InvalidSyntax,
    InvalidValue,
    InvalidPath,
    NoTarget,
    Mutability,
    Uniqueness,
}

impl ScimType {
    pub fn as_str(self) -> &'static str {
        match self {
            ScimType::InvalidFilter => "invalidFilter",
            ScimType::InvalidSyntax => "invalidSyntax",
            ScimType::InvalidValue => "invalidValue",
            ScimType::InvalidPath => "invalidPath",
            ScimType::NoTarget => "noTarget",
            ScimType::Mutability => "mutability",
            ScimType::Uniqueness => "uniqueness",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{detail}")]
pub struct ScimError {
    pub status: u16,
    pub scim_type: Option<ScimType>,
    pub detail: String,
}

impl ScimError {
    /// A 400 of this type.
    pub fn bad(scim_type: ScimType, detail: impl Into<String>) -> Self {
        Self {
            status: 400,
            scim_type: Some(scim_type),
            detail: detail.into(),
        }
    }

    /// A 409: the value is taken by another resource.
    pub fn taken(detail: impl Into<String>) -> Self {
        Self {
            status: 409,
            scim_type: Some(ScimType::Uniqueness),
            detail: detail.into(),
        }
    }

    /// Any other status, without a type (404, 401, 501...).
    pub fn status(status: u16, detail: impl Into<String>) -> Self {
        Self {
            status,
            scim_type: None,
            detail: detail.into(),
        }
    }

    /// The error document.
    pub fn to_json(&self) -> Value {
        let mut doc = json!({
            "schemas": [super::ERROR],
            "status": self.status.to_string(),
            "detail": self.detail,
        });
        if let Some(t) = self.scim_type {
            doc["scimType"] = json!(t.as_str());
        }
        doc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_travels_as_a_string_and_the_type_only_when_there_is_one() {
        let doc = ScimError::bad(ScimType::InvalidFilter, "no").to_json();
        assert_eq!(doc["status"], "400");
        assert_eq!(doc["scimType"], "invalidFilter");
        assert_eq!(doc["schemas"][0], crate::scim::ERROR);
        let doc = ScimError::status(404, "no such user").to_json();
        assert!(doc.get("scimType").is_none());
    }
}
