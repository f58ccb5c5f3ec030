//! Policies: the approval workflow with its authority, who sees which
//! policy and version, and the register as it stood on a past day.

mod as_of;
mod visibility;
mod workflow;

pub use as_of::*;
pub use visibility::*;
pub use workflow::*;
