//! What each access role may do in Mandate, as one table. The server checks
//! every route against it; pages only hide what it would refuse anyway.

use crate::access::AccessRole;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Permission {
    /// The organisation's name, purpose, scope and goals.
    ReadOrganisation,
    EditOrganisation,
    /// The people register.
    ReadPeople,
    EditPeople,
    /// Login accounts and their access roles.
    ReadUsers,
    ManageUsers,
    /// Mail people from the register a link to choose a password with.
    InvitePeople,
    /// The audit log and its checkpoints.
    ReadAuditLog,
    /// Policies and their published versions.
    ReadPolicies,
    /// Drafts, versions in review, decisions, exceptions and distributions.
    ReadPolicyWork,
    /// Write policies and drafts, submit, publish, retire, review, distribute.
    EditPolicies,
    /// Decide on versions and exceptions; the authority itself is checked
    /// per decision (`policy::authority`).
    Approve,
    /// Ask for an exception to a policy.
    RequestExceptions,
    /// Exceptions: all of them for those who read policy work, the ones
    /// they asked for for a line manager.
    ReadExceptions,
    /// The role catalogue.
    ReadRoles,
    EditRoles,
    /// Who holds what: the gaps and conflicts views.
    ReviewRoles,
    /// Objectives, KPIs and actions (a line manager reads their area's
    /// actions).
    ReadPerformance,
    /// Management reviews (minutes, decisions, their packs) and the
    /// performance reports to top management: not a line manager's.
    ReadReviews,
    /// Write objectives, KPIs, actions and reviews; produce reports. Who may
    /// approve minutes or produce a report is checked per record.
    EditPerformance,
    /// Enter KPI values (line managers measure their area too).
    RecordMeasurements,
    /// Resources, communications, training, the improvement register and
    /// attestations: the commitment records (a line manager reads their
    /// area's people's).
    ReadCommitment,
    /// Budgets and capacity (resource plans): not a line manager's.
    ReadBudgets,
    /// Write the commitment records; who may approve a budget or sign the
    /// leadership statement is checked per decision.
    EditCommitment,
    /// Staff feedback, named and confidential.
    ReadFeedback,
    /// Send feedback, named or through the confidential channel.
    GiveFeedback,
    /// Attest for one's area; whether one manages anybody is checked per
    /// attestation.
    Attest,
    /// Acknowledge the policies and roles addressed to one.
    Acknowledge,
    /// Acknowledgement campaigns: who owes, who answered, who is overdue.
    ReadCampaigns,
    /// The outbox: what mail was sent, waits, or may not have gone.
    ReadOutbox,
    /// Mail templates, and sending a doubtful message again.
    ManageMail,
    /// The conformance check of every Clause 5 requirement, the auditor
    /// view and the evidence pack: the whole organisation's standing.
    ReadConformance,
}

impl Permission {
    pub const ALL: [Permission; 32] = [
        Permission::ReadOrganisation,
        Permission::EditOrganisation,
        Permission::ReadPeople,
        Permission::EditPeople,
        Permission::ReadUsers,
        Permission::ManageUsers,
        Permission::InvitePeople,
        Permission::ReadAuditLog,
        Permission::ReadPolicies,
        Permission::ReadPolicyWork,
        Permission::EditPolicies,
        Permission::Approve,
        Permission::RequestExceptions,
        Permission::ReadExceptions,
        Permission::ReadRoles,
        Permission::EditRoles,
        Permission::ReviewRoles,
        Permission::ReadPerformance,
        Permission::ReadReviews,
        Permission::EditPerformance,
        Permission::RecordMeasurements,
        Permission::ReadCommitment,
        Permission::ReadBudgets,
        Permission::EditCommitment,
        Permission::ReadFeedback,
        Permission::GiveFeedback,
        Permission::Attest,
        Permission::Acknowledge,
        Permission::ReadCampaigns,
        Permission::ReadOutbox,
        Permission::ManageMail,
        Permission::ReadConformance,
    ];
}

impl AccessRole {
    /// Whether this access role grants `permission`.
    pub fn may(self, permission: Permission) -> bool {
        use AccessRole::*;
        use Permission::*;
        match permission {
            ReadOrganisation => true,
            EditOrganisation | EditPeople => matches!(self, Admin | IsmsManager | TopManagement),
            // Line managers see the register (their area's people are in it);
            // staff see what is addressed to them, not the whole directory.
            ReadPeople => !matches!(self, Staff),
            ReadUsers => matches!(self, Admin | IsmsManager | TopManagement | Auditor),
            ManageUsers => matches!(self, Admin),
            // Those who keep the register may ask the people in it to sign
            // in; the login an invitation makes is staff, whatever they are.
            InvitePeople => matches!(self, Admin | IsmsManager | TopManagement),
            ReadAuditLog => matches!(self, Admin | Auditor),
            ReadPolicies => true,
            // Staff and line managers read what is published for them, not
            // work in progress (CLAUSE5.md: "the published policies ...
            // addressed to them").
            ReadPolicyWork => !matches!(self, Staff | Manager),
            EditPolicies => matches!(self, Admin | IsmsManager | TopManagement),
            Approve => crate::policy::authority::access_role_may_approve(self),
            RequestExceptions => matches!(self, Admin | IsmsManager | TopManagement | Manager),
            // A line manager reads the exceptions they asked for only.
            ReadExceptions => !matches!(self, Staff),
            // Everyone sees what the roles are; staff see their own among them.
            ReadRoles => true,
            EditRoles => matches!(self, Admin | IsmsManager | TopManagement),
            ReviewRoles => !matches!(self, Staff),
            ReadPerformance => !matches!(self, Staff),
            ReadReviews => matches!(self, Admin | IsmsManager | TopManagement | Auditor),
            EditPerformance => matches!(self, Admin | IsmsManager | TopManagement),
            RecordMeasurements => matches!(self, Admin | IsmsManager | TopManagement | Manager),
            ReadCommitment => !matches!(self, Staff),
            ReadBudgets => matches!(self, Admin | IsmsManager | TopManagement | Auditor),
            EditCommitment => matches!(self, Admin | IsmsManager | TopManagement),
            // What staff raise may be about their own managers: the ISMS
            // function reads it, and the auditor, who reads everything.
            ReadFeedback => matches!(self, Admin | IsmsManager | TopManagement | Auditor),
            GiveFeedback | Attest | Acknowledge => !matches!(self, Auditor),
            ReadCampaigns => !matches!(self, Staff),
            ReadOutbox => matches!(self, Admin | IsmsManager | TopManagement | Auditor),
            ManageMail => matches!(self, Admin | IsmsManager | TopManagement),
            // The organisation's standing as a whole: those who lead the ISMS
            // and the auditor, not a line manager's view of their area.
            ReadConformance => matches!(self, Admin | IsmsManager | TopManagement | Auditor),
        }
    }

    /// True for roles that change nothing (the auditor).
    pub fn is_read_only(self) -> bool {
        [
            Permission::EditOrganisation,
            Permission::EditPeople,
            Permission::ManageUsers,
            Permission::InvitePeople,
            Permission::EditPolicies,
            Permission::Approve,
            Permission::RequestExceptions,
            Permission::EditRoles,
            Permission::EditPerformance,
            Permission::RecordMeasurements,
            Permission::EditCommitment,
            Permission::GiveFeedback,
            Permission::Attest,
            Permission::Acknowledge,
            Permission::ManageMail,
        ]
        .into_iter()
        .all(|p| !self.may(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_auditor_reads_everything_and_changes_nothing() {
        let auditor = AccessRole::Auditor;
        assert!(auditor.may(Permission::ReadPeople) && auditor.may(Permission::ReadAuditLog));
        assert!(!auditor.may(Permission::EditPeople) && !auditor.may(Permission::ManageUsers));
        assert!(auditor.is_read_only());
    }

    #[test]
    fn only_admins_manage_logins_and_staff_see_no_directory() {
        for role in AccessRole::ALL {
            assert_eq!(role.may(Permission::ManageUsers), role == AccessRole::Admin);
        }
        assert!(!AccessRole::Staff.may(Permission::ReadPeople));
        assert!(!AccessRole::Admin.is_read_only());
    }

    #[test]
    fn top_management_may_everything_an_isms_manager_may() {
        // CLAUSE5.md's access roles: top management leads the ISMS, so no
        // door the ISMS manager has is closed to it.
        for p in Permission::ALL {
            if AccessRole::IsmsManager.may(p) {
                assert!(AccessRole::TopManagement.may(p), "{p:?}");
            }
        }
    }

    #[test]
    fn line_managers_read_neither_budgets_nor_work_in_progress() {
        let manager = AccessRole::Manager;
        assert!(!manager.may(Permission::ReadBudgets));
        assert!(!manager.may(Permission::ReadPolicyWork));
        assert!(
            manager.may(Permission::ReadExceptions) && manager.may(Permission::RequestExceptions)
        );
        assert!(AccessRole::Auditor.may(Permission::ReadBudgets));
        assert!(
            !manager.may(Permission::ReadReviews)
                && AccessRole::Auditor.may(Permission::ReadReviews)
        );
    }
}
