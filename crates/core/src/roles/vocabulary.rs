//! The fixed vocabulary of decisions an ISMS role may be given the
//! authority to take (CLAUSE5: Role.authorities).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    ApprovePolicy,
    ApproveException,
    AcceptRisk,
    ApproveBudget,
    SignLeadershipStatement,
    ApproveRoleAssignment,
    ApproveManagementReview,
}

impl Decision {
    pub const ALL: [Decision; 7] = [
        Decision::ApprovePolicy,
        Decision::ApproveException,
        Decision::AcceptRisk,
        Decision::ApproveBudget,
        Decision::SignLeadershipStatement,
        Decision::ApproveRoleAssignment,
        Decision::ApproveManagementReview,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Decision::ApprovePolicy => "approve_policy",
            Decision::ApproveException => "approve_exception",
            Decision::AcceptRisk => "accept_risk",
            Decision::ApproveBudget => "approve_budget",
            Decision::SignLeadershipStatement => "sign_leadership_statement",
            Decision::ApproveRoleAssignment => "approve_role_assignment",
            Decision::ApproveManagementReview => "approve_management_review",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Decision::ApprovePolicy => "approve policy",
            Decision::ApproveException => "approve exception",
            Decision::AcceptRisk => "accept risk",
            Decision::ApproveBudget => "approve budget",
            Decision::SignLeadershipStatement => "sign leadership statement",
            Decision::ApproveRoleAssignment => "approve role assignment",
            Decision::ApproveManagementReview => "approve management review minutes",
        }
    }
}

impl FromStr for Decision {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Decision::ALL
            .into_iter()
            .find(|d| d.as_str() == s.trim())
            .ok_or_else(|| {
                let known: Vec<&str> = Decision::ALL.iter().map(|d| d.as_str()).collect();
                format!("{s:?} is not an authority (one of: {})", known.join(", "))
            })
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_authority_reads_back_from_its_name() {
        for d in Decision::ALL {
            assert_eq!(d.as_str().parse::<Decision>(), Ok(d));
        }
        assert!("approve everything".parse::<Decision>().is_err());
    }
}
