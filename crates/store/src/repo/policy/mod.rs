//! Policies: the register, versions and their approval, exceptions, reviews and distributions, history and trail, policy-as-code import, and who holds the authority to decide.

pub(super) mod policies;
pub(super) mod policy_exceptions;
pub(super) mod policy_history;
pub(super) mod policy_import;
pub(super) mod policy_rows;
pub(super) mod policy_trail;
pub(super) mod policy_versions;
