//! The role catalogue: each ISMS role with its purpose, responsibilities,
//! authorities, reporting line, the 5.3 duties, required training,
//! incompatible roles and whether it is critical (needs a deputy).

use super::segregation::RoleId;
use super::vocabulary::Decision;
use crate::ids::OrgId;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleFields {
    pub name: String,
    pub purpose: String,
    pub responsibilities: Vec<String>,
    pub authorities: Vec<Decision>,
    pub reports_to: Option<RoleId>,
    /// Members of top management (5.1, 5.3).
    pub top_management: bool,
    /// 5.3 a: ensures the ISMS conforms to ISO/IEC 27001.
    pub conformance_owner: bool,
    /// 5.3 b: reports on the ISMS's performance to top management.
    pub performance_reporter: bool,
    pub required_training: Vec<String>,
    pub incompatible_with: Vec<RoleId>,
    /// A critical role needs a deputy.
    pub critical: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub id: RoleId,
    pub org_id: OrgId,
    #[serde(flatten)]
    pub fields: RoleFields,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

impl Role {
    pub fn audit_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

/// Trims each entry and drops empty and repeated ones, keeping the order.
fn tidy(list: &mut Vec<String>) {
    let mut kept: Vec<String> = Vec::new();
    for item in list.drain(..) {
        let item = item.trim().to_string();
        if !item.is_empty() && !kept.contains(&item) {
            kept.push(item);
        }
    }
    *list = kept;
}

impl RoleFields {
    /// Trims and checks the fields of role `id`; the message names the field.
    pub fn validated(mut self, id: RoleId) -> Result<Self, String> {
        self.name = self.name.trim().to_string();
        self.purpose = self.purpose.trim().to_string();
        tidy(&mut self.responsibilities);
        tidy(&mut self.required_training);
        self.authorities.sort();
        self.authorities.dedup();
        self.incompatible_with.sort();
        self.incompatible_with.dedup();
        if self.name.is_empty() {
            return Err("name: a role needs a name".into());
        }
        if self.name.chars().count() > 120 {
            return Err("name: at most 120 characters".into());
        }
        if self.reports_to == Some(id) {
            return Err("reports_to: a role does not report to itself".into());
        }
        if self.incompatible_with.contains(&id) {
            return Err("incompatible_with: a role is not incompatible with itself".into());
        }
        Ok(self)
    }
}

/// One role of the starter catalogue; `reports_to` and `incompatible_with`
/// name other starter roles by name.
pub struct StarterRole {
    pub name: &'static str,
    pub purpose: &'static str,
    pub responsibilities: &'static [&'static str],
    pub authorities: &'static [Decision],
    pub reports_to: Option<&'static str>,
    pub top_management: bool,
    pub conformance_owner: bool,
    pub performance_reporter: bool,
    pub required_training: &'static [&'static str],
    pub incompatible_with: &'static [&'static str],
    pub critical: bool,
}

const TOP: &str = "Top management";

/// A starter catalogue modelled on common ISO/IEC 27001 practice; each
/// organisation edits it to fit.
pub const STARTER_ROLES: &[StarterRole] = &[
    StarterRole {
        name: TOP,
        purpose: "Leads the ISMS and is accountable for it (5.1).",
        responsibilities: &[
            "Approve the information security policy",
            "Set information security objectives",
            "Provide resources",
            "Chair the management review",
        ],
        authorities: &[
            Decision::ApprovePolicy,
            Decision::ApproveException,
            Decision::AcceptRisk,
            Decision::ApproveBudget,
            Decision::SignLeadershipStatement,
            Decision::ApproveRoleAssignment,
            Decision::ApproveManagementReview,
        ],
        reports_to: None,
        top_management: true,
        conformance_owner: false,
        performance_reporter: false,
        required_training: &["ISMS leadership briefing"],
        incompatible_with: &[],
        critical: true,
    },
    StarterRole {
        name: "ISMS manager",
        purpose: "Runs the ISMS day to day and makes sure it conforms to ISO/IEC 27001 (5.3 a) and reports on its performance (5.3 b).",
        responsibilities: &[
            "Maintain the ISMS and its documents",
            "Coordinate risk assessment",
            "Report ISMS performance to top management",
            "Prepare the management review",
        ],
        authorities: &[Decision::ApproveRoleAssignment],
        reports_to: Some(TOP),
        top_management: false,
        conformance_owner: true,
        performance_reporter: true,
        required_training: &["ISO/IEC 27001 lead implementer"],
        incompatible_with: &["Internal auditor"],
        critical: true,
    },
    StarterRole {
        name: "Risk manager",
        purpose: "Runs the information security risk process.",
        responsibilities: &[
            "Maintain the risk methodology and register",
            "Track risk treatment plans",
        ],
        authorities: &[],
        reports_to: Some("ISMS manager"),
        top_management: false,
        conformance_owner: false,
        performance_reporter: false,
        required_training: &["Risk management (ISO/IEC 27005)"],
        incompatible_with: &["Internal auditor"],
        critical: false,
    },
    StarterRole {
        name: "Security officer",
        purpose: "Operates security controls and monitors them.",
        responsibilities: &[
            "Operate technical controls",
            "Monitor security events",
            "Run access reviews",
        ],
        authorities: &[],
        reports_to: Some("ISMS manager"),
        top_management: false,
        conformance_owner: false,
        performance_reporter: false,
        required_training: &["Security operations"],
        incompatible_with: &["Internal auditor"],
        critical: true,
    },
    StarterRole {
        name: "Information owner",
        purpose: "Decides how a body of information is classified and who may use it.",
        responsibilities: &["Classify information", "Approve access to it"],
        authorities: &[],
        reports_to: Some(TOP),
        top_management: false,
        conformance_owner: false,
        performance_reporter: false,
        required_training: &["Information classification"],
        incompatible_with: &[],
        critical: false,
    },
    StarterRole {
        name: "Asset owner",
        purpose: "Looks after assets through their life.",
        responsibilities: &[
            "Keep the asset inventory current",
            "Make sure assets are protected and disposed of safely",
        ],
        authorities: &[],
        reports_to: Some("ISMS manager"),
        top_management: false,
        conformance_owner: false,
        performance_reporter: false,
        required_training: &[],
        incompatible_with: &[],
        critical: false,
    },
    StarterRole {
        name: "Risk owner",
        purpose: "Accountable for managing particular risks.",
        responsibilities: &["Approve risk treatment plans", "Accept residual risk"],
        authorities: &[Decision::AcceptRisk],
        reports_to: Some(TOP),
        top_management: false,
        conformance_owner: false,
        performance_reporter: false,
        required_training: &["Risk management basics"],
        incompatible_with: &[],
        critical: false,
    },
    StarterRole {
        name: "Line manager",
        purpose: "Makes sure their team knows and follows the ISMS.",
        responsibilities: &[
            "See that the team is trained",
            "Review the team's access",
            "Attest for the area",
        ],
        authorities: &[],
        reports_to: Some(TOP),
        top_management: false,
        conformance_owner: false,
        performance_reporter: false,
        required_training: &["Manager security briefing"],
        incompatible_with: &[],
        critical: false,
    },
    StarterRole {
        name: "Internal auditor",
        purpose: "Audits the ISMS independently (9.2).",
        responsibilities: &["Plan and run internal audits", "Report findings"],
        authorities: &[],
        reports_to: Some(TOP),
        top_management: false,
        conformance_owner: false,
        performance_reporter: false,
        required_training: &["ISO/IEC 27001 internal auditor"],
        incompatible_with: &["ISMS manager", "Risk manager", "Security officer"],
        critical: true,
    },
    StarterRole {
        name: "Data protection officer",
        purpose: "Advises on and monitors compliance with data protection law.",
        responsibilities: &[
            "Advise on data protection",
            "Monitor compliance",
            "Be the contact for the supervisory authority",
        ],
        authorities: &[],
        reports_to: Some(TOP),
        top_management: false,
        conformance_owner: false,
        performance_reporter: false,
        required_training: &["Data protection officer certification"],
        incompatible_with: &[],
        critical: false,
    },
    StarterRole {
        name: "Incident manager",
        purpose: "Leads the response to information security incidents.",
        responsibilities: &[
            "Triage and coordinate incidents",
            "Run post-incident reviews",
        ],
        authorities: &[],
        reports_to: Some("ISMS manager"),
        top_management: false,
        conformance_owner: false,
        performance_reporter: false,
        required_training: &["Incident handling"],
        incompatible_with: &[],
        critical: true,
    },
    StarterRole {
        name: "All personnel",
        purpose: "Everyone working for the organisation.",
        responsibilities: &[
            "Follow the policies that apply to them",
            "Report incidents and weaknesses",
        ],
        authorities: &[],
        reports_to: None,
        top_management: false,
        conformance_owner: false,
        performance_reporter: false,
        required_training: &["Security awareness"],
        incompatible_with: &[],
        critical: false,
    },
    StarterRole {
        name: "Third-party contact",
        purpose: "A supplier's named contact for information security.",
        responsibilities: &[
            "Report incidents affecting us",
            "Keep contract security terms",
        ],
        authorities: &[],
        reports_to: Some("Security officer"),
        top_management: false,
        conformance_owner: false,
        performance_reporter: false,
        required_training: &[],
        incompatible_with: &[],
        critical: false,
    },
];

/// The starter catalogue with fresh ids, names resolved to ids.
pub fn starter_catalogue() -> Vec<(RoleId, RoleFields)> {
    let ids: Vec<RoleId> = STARTER_ROLES.iter().map(|_| uuid::Uuid::now_v7()).collect();
    let id_of = |name: &str| {
        STARTER_ROLES
            .iter()
            .position(|r| r.name == name)
            .map(|i| ids[i])
    };
    STARTER_ROLES
        .iter()
        .zip(&ids)
        .map(|(r, id)| {
            let strings = |list: &[&str]| list.iter().map(|s| s.to_string()).collect();
            (
                *id,
                RoleFields {
                    name: r.name.into(),
                    purpose: r.purpose.into(),
                    responsibilities: strings(r.responsibilities),
                    authorities: r.authorities.to_vec(),
                    reports_to: r.reports_to.and_then(id_of),
                    top_management: r.top_management,
                    conformance_owner: r.conformance_owner,
                    performance_reporter: r.performance_reporter,
                    required_training: strings(r.required_training),
                    incompatible_with: r
                        .incompatible_with
                        .iter()
                        .filter_map(|n| id_of(n))
                        .collect(),
                    critical: r.critical,
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_catalogue_is_whole_and_valid() {
        let catalogue = starter_catalogue();
        assert_eq!(catalogue.len(), STARTER_ROLES.len());
        for starter in STARTER_ROLES {
            for named in starter.reports_to.iter().chain(starter.incompatible_with) {
                assert!(STARTER_ROLES.iter().any(|r| r.name == *named), "{named}");
            }
        }
        for (id, fields) in catalogue.clone() {
            fields.clone().validated(id).expect("valid");
        }
        // 5.3 a and b each have an owner, and top management holds the authorities.
        assert_eq!(
            catalogue
                .iter()
                .filter(|(_, f)| f.conformance_owner)
                .count(),
            1
        );
        assert_eq!(
            catalogue
                .iter()
                .filter(|(_, f)| f.performance_reporter)
                .count(),
            1
        );
        let top = catalogue
            .iter()
            .find(|(_, f)| f.top_management)
            .expect("top");
        assert!(top.1.authorities.contains(&Decision::ApprovePolicy));
    }

    #[test]
    fn fields_are_tidied_and_checked() {
        let id = uuid::Uuid::now_v7();
        let (_, mut f) = starter_catalogue().remove(1);
        f.responsibilities.push("  ".into());
        f.responsibilities.push(f.responsibilities[0].clone());
        let tidy = f.clone().validated(id).expect("valid");
        assert_eq!(tidy.responsibilities.len(), 4);
        let mut selfish = f.clone();
        selfish.reports_to = Some(id);
        assert!(
            selfish
                .validated(id)
                .expect_err("refused")
                .starts_with("reports_to")
        );
        let mut blank = f;
        blank.name = " ".into();
        assert!(
            blank
                .validated(id)
                .expect_err("refused")
                .starts_with("name")
        );
    }
}
