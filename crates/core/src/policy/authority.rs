//! Authorities: the decisions someone may take. CLAUSE5 gives them to ISMS
//! roles; until the roles register exists, they are read from the access
//! role here, and only here, so the roles issue replaces this one function.

use crate::access::AccessRole;
use crate::user::User;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Authority {
    /// Approve a topic-specific policy.
    ApprovePolicy,
    /// Approve the top-level information security policy: top management only.
    ApproveTopLevelPolicy,
    /// Approve an exception to a policy.
    ApproveException,
}

impl Authority {
    pub fn describe(self) -> &'static str {
        match self {
            Authority::ApprovePolicy => "approve policy",
            Authority::ApproveTopLevelPolicy => "approve the top-level policy (top management)",
            Authority::ApproveException => "approve exception",
        }
    }
}

/// Whether the access role may approve anything at all (CLAUSE5: top
/// management approves; the others prepare, read or administer).
pub fn access_role_may_approve(role: AccessRole) -> bool {
    role == AccessRole::TopManagement
}

/// Whether `user` holds `authority`, with the name of what grants it (kept
/// with each decision, so the audit log says by which authority).
pub fn holds(user: &User, authority: Authority) -> Option<String> {
    if user.disabled_at.is_some() || !access_role_may_approve(user.access_role) {
        return None;
    }
    // Interim rule: every top-management login holds every authority.
    let _ = authority;
    Some(format!("access role {}", user.access_role))
}

#[cfg(test)]
mod tests {
    use super::*;
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

    #[test]
    fn only_top_management_holds_authorities_until_roles_exist() {
        for role in AccessRole::ALL {
            let holds_it = holds(&user(role), Authority::ApproveTopLevelPolicy).is_some();
            assert_eq!(holds_it, role == AccessRole::TopManagement, "{role}");
        }
        let mut gone = user(AccessRole::TopManagement);
        gone.disabled_at = Some(crate::timefmt::now());
        assert!(holds(&gone, Authority::ApproveException).is_none());
    }
}
