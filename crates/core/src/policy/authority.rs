//! Authorities: who may take a decision. CLAUSE5: "Approvals need both: an
//! access role that may approve and an ISMS role holding the authority." The
//! ISMS roles a person holds at the moment of the decision are what count;
//! the decision records which role gave the authority.

use crate::access::AccessRole;
use crate::roles::{Decision, Role};
use crate::user::User;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Authority {
    /// Approve a topic-specific policy.
    ApprovePolicy,
    /// Approve the top-level information security policy: top management only.
    ApproveTopLevelPolicy,
    /// Approve an exception to a policy.
    ApproveException,
    /// Approve the ISMS's resources for a fiscal year (5.1 c).
    ApproveBudget,
    /// Sign the leadership statement: top management only (5.1 d).
    SignLeadershipStatement,
}

impl Authority {
    pub fn describe(self) -> &'static str {
        match self {
            Authority::ApprovePolicy => "approve policy",
            Authority::ApproveTopLevelPolicy => "approve the top-level policy (top management)",
            Authority::ApproveException => "approve exception",
            Authority::ApproveBudget => "approve budget",
            Authority::SignLeadershipStatement => "sign the leadership statement (top management)",
        }
    }

    /// Whether holding `role` gives this authority.
    pub fn granted_by(self, role: &Role) -> bool {
        let f = &role.fields;
        match self {
            Authority::ApprovePolicy => f.authorities.contains(&Decision::ApprovePolicy),
            Authority::ApproveTopLevelPolicy => {
                f.top_management && f.authorities.contains(&Decision::ApprovePolicy)
            }
            Authority::ApproveException => f.authorities.contains(&Decision::ApproveException),
            Authority::ApproveBudget => f.authorities.contains(&Decision::ApproveBudget),
            Authority::SignLeadershipStatement => {
                f.top_management && f.authorities.contains(&Decision::SignLeadershipStatement)
            }
        }
    }
}

/// Whether the access role may approve anything at all (CLAUSE5: top
/// management approves; the others prepare, read or administer).
pub fn access_role_may_approve(role: AccessRole) -> bool {
    role == AccessRole::TopManagement
}

/// Whether `user`, holding `roles` right now, may take `authority`'s
/// decision: the name of the role that grants it, kept with the decision.
pub fn holds(user: &User, roles: &[Role], authority: Authority) -> Option<String> {
    if user.disabled_at.is_some() || !access_role_may_approve(user.access_role) {
        return None;
    }
    roles
        .iter()
        .find(|r| authority.granted_by(r))
        .map(|r| format!("ISMS role {}", r.fields.name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roles::{RoleFields, starter_catalogue};
    use crate::{Email, OrgId, PersonId, UserId};

    fn user(role: AccessRole) -> User {
        User {
            id: UserId::new(),
            org_id: OrgId::new(),
            person_id: PersonId::new(),
            email: Email::parse("a@example.com").expect("email"),
            access_role: role,
            created_at: crate::timefmt::now(),
            disabled_at: None,
        }
    }

    fn role(fields: RoleFields) -> Role {
        Role {
            id: uuid::Uuid::now_v7(),
            org_id: OrgId::new(),
            fields,
            created_at: crate::timefmt::now(),
            updated_at: crate::timefmt::now(),
            version: 1,
        }
    }

    fn starter(name: &str) -> Role {
        let (_, fields) = starter_catalogue()
            .into_iter()
            .find(|(_, f)| f.name == name)
            .expect("a starter role");
        role(fields)
    }

    #[test]
    fn approval_needs_the_access_role_and_an_isms_role_with_the_authority() {
        let top = starter("Top management");
        let risk_owner = starter("Risk owner");
        for access in AccessRole::ALL {
            let held = holds(
                &user(access),
                std::slice::from_ref(&top),
                Authority::ApproveTopLevelPolicy,
            );
            assert_eq!(
                held.is_some(),
                access == AccessRole::TopManagement,
                "{access}"
            );
        }
        let boss = user(AccessRole::TopManagement);
        assert_eq!(
            holds(
                &boss,
                std::slice::from_ref(&top),
                Authority::ApproveException
            )
            .as_deref(),
            Some("ISMS role Top management")
        );
        assert!(
            holds(&boss, &[], Authority::ApprovePolicy).is_none(),
            "no ISMS role, no authority"
        );
        assert!(
            holds(
                &boss,
                std::slice::from_ref(&risk_owner),
                Authority::ApprovePolicy
            )
            .is_none()
        );
        // Approving policies is not enough for the top-level one: it takes top management.
        let mut approver = starter("ISMS manager").fields;
        approver.authorities.push(Decision::ApprovePolicy);
        let approver = role(approver);
        assert!(
            holds(
                &boss,
                std::slice::from_ref(&approver),
                Authority::ApprovePolicy
            )
            .is_some()
        );
        assert!(
            holds(
                &boss,
                std::slice::from_ref(&approver),
                Authority::ApproveTopLevelPolicy
            )
            .is_none()
        );
        let mut gone = boss.clone();
        gone.disabled_at = Some(crate::timefmt::now());
        assert!(holds(&gone, &[top], Authority::ApproveException).is_none());
    }
}
