//! Roles: the register, assignments with their acknowledgement, delegations and the RACI matrix.

pub(super) mod assignments;
pub(super) mod decision_authority;
pub(super) mod delegations;
pub(super) mod raci;
pub(super) mod roles;
