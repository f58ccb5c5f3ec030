//! The commitment records (5.1): resource plans, leadership statements, communications, training, improvements and feedback, and the figures kept about them.

pub(super) mod commitment_kept;
pub(super) mod commitment_rows;
pub(super) mod communications;
pub(super) mod feedback;
pub(super) mod improvements;
pub(super) mod resource_plans;
pub(super) mod statements;
pub(super) mod training;
