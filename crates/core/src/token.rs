//! Secrets handed to clients (session cookies, API tokens): random bytes the
//! client keeps, of which the database keeps only a SHA-256, so a copy of the
//! database lets nobody sign in.

use crate::ids::{OrgId, UserId};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

/// API tokens start with this, so a leaked one is recognisable in logs and scanners.
pub const API_TOKEN_PREFIX: &str = "mdt_";

/// The stored form of a secret.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A secret from 32 random bytes, as hex with an optional prefix.
pub fn secret_from_bytes(prefix: &str, bytes: [u8; 32]) -> String {
    format!("{prefix}{}", hex::encode(bytes))
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiToken {
    pub id: Uuid,
    pub org_id: OrgId,
    pub user_id: UserId,
    pub name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
}

impl ApiToken {
    pub fn audit_json(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "user_id": self.user_id,
            "name": self.name,
            "revoked": self.revoked_at.is_some(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_stored_only_as_hashes() {
        let secret = secret_from_bytes(API_TOKEN_PREFIX, [1; 32]);
        assert!(secret.starts_with("mdt_") && secret.len() == 68);
        let hash = secret_hash(&secret);
        assert_eq!(hash.len(), 64);
        assert_ne!(hash, secret_hash("mdt_other"));
        assert!(!hash.contains(&secret[4..]));
    }
}
