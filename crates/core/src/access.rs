//! Access roles: what a login may do in Mandate. They are separate from ISMS
//! roles (who holds which responsibility in the organisation); an approval needs
//! both.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccessRole {
    Admin,
    IsmsManager,
    TopManagement,
    Manager,
    Staff,
    Auditor,
}

impl AccessRole {
    pub const ALL: [AccessRole; 6] = [
        AccessRole::Admin,
        AccessRole::IsmsManager,
        AccessRole::TopManagement,
        AccessRole::Manager,
        AccessRole::Staff,
        AccessRole::Auditor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AccessRole::Admin => "admin",
            AccessRole::IsmsManager => "isms_manager",
            AccessRole::TopManagement => "top_management",
            AccessRole::Manager => "manager",
            AccessRole::Staff => "staff",
            AccessRole::Auditor => "auditor",
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error(
    "{0:?} is not an access role (expected one of admin, isms_manager, top_management, manager, staff, auditor)"
)]
pub struct UnknownAccessRole(pub String);

impl FromStr for AccessRole {
    type Err = UnknownAccessRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AccessRole::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownAccessRole(s.to_string()))
    }
}

impl fmt::Display for AccessRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for role in AccessRole::ALL {
            assert_eq!(role.as_str().parse(), Ok(role));
        }
        assert!("root".parse::<AccessRole>().is_err());
    }
}
