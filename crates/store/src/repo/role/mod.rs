//! Roles: the register, assignments with their acknowledgement, delegations and the RACI matrix.

// The row macros (`row_type!`, `kept!`) name these as `super::…` from the
// file they expand in.
#[allow(unused_imports)]
use super::{Db, batch, kept};

pub(super) mod assignments;
pub(super) mod delegations;
pub(super) mod raci;
pub(super) mod roles;
