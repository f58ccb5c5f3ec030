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
    /// The audit log and its checkpoints.
    ReadAuditLog,
}

impl Permission {
    pub const ALL: [Permission; 7] = [
        Permission::ReadOrganisation,
        Permission::EditOrganisation,
        Permission::ReadPeople,
        Permission::EditPeople,
        Permission::ReadUsers,
        Permission::ManageUsers,
        Permission::ReadAuditLog,
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
            ReadAuditLog => matches!(self, Admin | Auditor),
        }
    }

    /// True for roles that change nothing (the auditor).
    pub fn is_read_only(self) -> bool {
        [
            Permission::EditOrganisation,
            Permission::EditPeople,
            Permission::ManageUsers,
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
}
