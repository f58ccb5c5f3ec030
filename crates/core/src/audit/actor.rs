//! Who made a change, as the audit log records it.

use crate::ids::UserId;
use std::fmt;

/// `user:<id>` for a signed-in user or token, `system:<job>` for the command
/// line and background jobs, `scim:<token>` and `sso:<provider>` for an identity provider. A
/// confidential channel records the channel, never the person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor(String);

impl Actor {
    pub fn user(id: UserId) -> Self {
        Self(format!("user:{id}"))
    }

    pub fn system(job: &str) -> Self {
        Self(format!("system:{job}"))
    }

    /// A submission through a confidential channel: the channel is
    /// recorded, never the person who used it.
    pub fn channel(name: &str) -> Self {
        Self(format!("channel:{name}"))
    }

    /// An identity provider provisioning through SCIM, by its token's name.
    pub fn scim(token_name: &str) -> Self {
        Self(format!("scim:{token_name}"))
    }

    /// The organisation's OpenID provider, by the name it is shown under:
    /// a login made just in time, or a role its groups changed.
    pub fn sso(provider: &str) -> Self {
        Self(format!("sso:{provider}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
