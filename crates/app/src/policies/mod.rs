//! Policies: the approval workflow with its authority, the diff between
//! two versions, who sees which
//! policy and version, and the register as it stood on a past day.

mod as_of;
mod diff;
mod visibility;
mod workflow;

pub use as_of::*;
pub use diff::*;
pub use visibility::*;
pub use workflow::*;
