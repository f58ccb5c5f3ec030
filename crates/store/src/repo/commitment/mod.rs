//! The commitment records (5.1): resource plans, leadership statements, communications, training, improvements and feedback, and the figures kept about them.

// The row macros (`row_type!`, `kept!`) name these as `super::…` from the
// file they expand in.
#[allow(unused_imports)]
use super::{Db, batch, kept};

pub(super) mod commitment_kept;
pub(super) mod commitment_rows;
pub(super) mod communications;
pub(super) mod feedback;
pub(super) mod improvements;
pub(super) mod resource_plans;
pub(super) mod statements;
pub(super) mod training;
